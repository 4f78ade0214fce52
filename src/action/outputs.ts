import * as core from '@actions/core';
import type { AtomicLinkError, FleetReport, LinkResult, SwitchReport } from '../engine/index.js';
import { describeGuard } from '../engine/index.js';

/** Sets the outputs a later step needs, rollback included, and writes the job summary. */
export async function publishReport(report: SwitchReport): Promise<void> {
  const results = report.results;
  core.setOutput('result', JSON.stringify(results));
  core.setOutput('changed', String(results.filter((result) => result.changed).length));
  core.setOutput(
    'previous',
    JSON.stringify(Object.fromEntries(results.map((result) => [result.link, result.previous]))),
  );
  const guard = report.guard
    ? `${describeGuard(report.guard).replace(/^guard/, 'Guard')}.`
    : report.dryRun
      ? 'Dry run: nothing was changed.'
      : 'Guard: off, or no existing link to watch.';
  await summary(linkTable(results), guard);
}

/**
 * The summary of a failed run on one host: the error, and where each link stands, when the
 * run got as far as reading them.
 */
export async function publishFailure(error: AtomicLinkError): Promise<void> {
  await summary(error.results ? linkTable(error.results) : undefined, failureText(error));
}

/**
 * For several hosts: `result` records and `previous` carry the host (a later step can roll the
 * whole fleet back), `skew-ms` says how far apart the hosts switched; the summary has a row per
 * host and link, with where each stands. Outputs are set only when the fleet switched; a
 * failure's summary says the error.
 */
export async function publishFleetReport(
  report: FleetReport,
  error?: AtomicLinkError,
): Promise<void> {
  const results = report.hosts.flatMap(({ host, results }) =>
    results.map((result) => ({ host, ...result })),
  );
  if (error === undefined) {
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
    if (report.skewMs !== undefined) core.setOutput('skew-ms', String(report.skewMs));
  }
  const header = headings(['Host', 'Host state', 'Link', 'Previous', 'New', 'Type', 'Link state']);
  const rows = report.hosts.flatMap(({ host, state, results, error: why }) =>
    results.length === 0
      ? [cells([host, state, `(not read${why ? `: ${why}` : ''})`, '', '', '', ''])]
      : results.map((result) => cells([host, state, ...linkCells(result)])),
  );
  const skew = report.dryRun
    ? 'Dry run: nothing was changed.'
    : report.skewMs === undefined
      ? 'No rename was sent.'
      : `Skew: ${report.skewMs} ms from the first rename sent to the last acknowledged.`;
  await summary([header, ...rows], error === undefined ? skew : `${failureText(error)} ${skew}`);
}

type Table = Parameters<typeof core.summary.addTable>[0];

function linkTable(results: LinkResult[]): Table {
  return [
    headings(['Link', 'Previous', 'New', 'Type', 'State']),
    ...results.map((result) => cells(linkCells(result))),
  ];
}

function linkCells(result: LinkResult): string[] {
  return [result.link, result.previous ?? '(none)', result.target, result.type, result.state];
}

async function summary(table: Table | undefined, text: string): Promise<void> {
  const written = core.summary.addHeading('atomic-link', 3);
  if (table) written.addTable(table);
  await written.addRaw(escapeHtml(text), true).write();
}

function failureText(error: AtomicLinkError): string {
  return [`Failed: ${error.message}`, ...error.notes].join(' ');
}

const headings = (names: string[]) => names.map((data) => ({ data, header: true }));

/**
 * Every cell escaped, and never empty: the summary writes an empty cell as an opening tag
 * with no closing one.
 */
const cells = (texts: string[]) => texts.map((text) => escapeHtml(text) || '—');

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
