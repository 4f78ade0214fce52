import * as core from '@actions/core';
import { AtomicLinkError, describeResult, switchLinks } from '../engine/index.js';
import type { LinkSpec, SwitchOptions, SwitchReport } from '../engine/index.js';
import { withStopSignals } from '../platform/stop-signals.js';
import { withStore } from '../transport/open-store.js';
import type { Place } from '../transport/open-store.js';
import { switchInContainer } from './container.js';
import { getSettings } from './inputs.js';
import type { RemoteSettings } from './inputs.js';
import { withKeyFiles } from './key-files.js';
import { publishReport } from './outputs.js';

/** The action's entry point: inputs in, links switched, outputs and summary out. */
export async function run(): Promise<void> {
  try {
    const settings = getSettings();
    const count = settings.specs.length;
    core.debug(`specs: ${JSON.stringify(settings.specs)}`);
    const { specs, remote } = settings;
    const options: SwitchOptions = {
      ...settings.options,
      onProgress: (done, total) => core.info(`switched ${done} of ${total} links`),
    };
    const where = remote ? ` on ${remote.host}:${remote.remotePath}` : '';
    // A cancelled job (the runner sends SIGINT, then SIGTERM) ends the batch whole.
    const report = await core.group(
      `Switching ${count} link${count === 1 ? '' : 's'}${where}`,
      () => withStopSignals((signal) => switchAnywhere(specs, { ...options, signal }, remote)),
    );
    for (const note of report.notes) core.info(`note: ${note}`);
    for (const result of report.results) core.info(describeResult(result, report.dryRun));
    if (report.guard) core.debug(`guard: ${JSON.stringify(report.guard)}`);
    await publishReport(report);
  } catch (error) {
    if (error instanceof AtomicLinkError) for (const note of error.notes) core.info(note);
    core.setFailed(error instanceof Error ? error.message : String(error));
  }
}

function switchAnywhere(
  specs: LinkSpec[],
  options: SwitchOptions,
  remote: RemoteSettings | undefined,
): Promise<SwitchReport> {
  const work = (place: Place) =>
    withStore(place, specs, options, (store, placed) => switchLinks(store, specs, placed));
  if (remote === undefined) return work({ kind: 'local' });
  if (remote.container) return switchInContainer(specs, options, remote);
  return withKeyFiles(remote, (keys) =>
    work({
      kind: 'sftp',
      target: {
        destination: `${remote.user}@${remote.host.includes(':') ? `[${remote.host}]` : remote.host}`,
        path: remote.remotePath,
        port: remote.port,
        identity: keys.identity,
        knownHosts: keys.knownHosts,
        sshfsOptions: [],
      },
    }),
  );
}
