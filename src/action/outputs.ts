import * as core from '@actions/core';
import { resultStatus } from '../engine/index.js';
import type { FleetReport, SwitchReport } from '../engine/index.js';

/** Sets the outputs a later step needs, rollback included, and writes the job summary. */
export async function publishReport(report: SwitchReport): Promise<void> {
  const results = report.results;
  core.setOutput('result', JSON.stringify(results));
  core.setOutput('changed', String(results.filter((result) => result.changed).length));
  core.setOutput(
    'previous',
    JSON.stringify(Object.fromEntries(results.map((result) => [result.link, result.previous]))),
  );

  const header = ['Link', 'Previous', 'New', 'Type', 'Status'].map((data) => ({
    data,
    header: true,
  }));
  const rows = results.map((result) =>
    [
      result.link,
      result.previous ?? '(none)',
      result.target,
      result.type,
      resultStatus(result, report.dryRun),
    ].map(escapeHtml),
  );
  const guard = report.guard
    ? `Guard: ${report.guard.lookups} lookups, ${report.guard.missing} missing.`
    : report.dryRun
      ? 'Dry run: nothing was changed.'
      : 'Guard: off, or no existing link to watch.';
  await core.summary
    .addHeading('atomic-link', 3)
    .addTable([header, ...rows])
    .addRaw(guard, true)
    .write();
}

/**
 * For several hosts: `result` records and `previous` carry the host (a later step can roll the
 * whole fleet back), `skew-ms` says how far apart the hosts switched; the summary has a row per
 * host and link. Outputs are set only when the fleet switched.
 */
export async function publishFleetReport(report: FleetReport, switched: boolean): Promise<void> {
  const results = report.hosts.flatMap(({ host, results }) =>
    results.map((result) => ({ host, ...result })),
  );
  if (switched) {
    core.setOutput('result', JSON.stringify(results));
    core.setOutput('changed', String(results.filter((result) => result.changed).length));
    core.setOutput(
      'previous',
      JSON.stringify(
        Object.fromEntries(
          report.hosts.map(({ host, results }) => [
            host,
            Object.fromEntries(results.map((result) => [result.link, result.previous])),
          ]),
        ),
      ),
    );
    core.setOutput('skew-ms', String(report.skewMs));
  }
  const header = ['Host', 'Link', 'Previous', 'New', 'Type', 'Host state'].map((data) => ({
    data,
    header: true,
  }));
  const rows = report.hosts.flatMap(({ host, results, state }) =>
    (results.length > 0 ? results : [undefined]).map((result) =>
      [
        host,
        result?.link ?? '',
        result?.previous ?? '(none)',
        result?.target ?? '',
        result?.type ?? '',
        state,
      ].map(escapeHtml),
    ),
  );
  await core.summary
    .addHeading('atomic-link', 3)
    .addTable([header, ...rows])
    .addRaw(`Skew: ${report.skewMs} ms from the first rename sent to the last acknowledged.`, true)
    .write();
}

const HTML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '\n': '&#10;',
  '\r': '&#13;',
};

/**
 * addTable writes its cells as raw HTML, and names and targets are anyone's text. A line break
 * is escaped too: a blank line would end the HTML block, and GitHub would render what follows
 * it (a previous symlink text can hold one) as Markdown.
 */
function escapeHtml(text: string): string {
  return text.replace(/[&<>"'\n\r]/g, (char) => HTML_ENTITIES[char]);
}
