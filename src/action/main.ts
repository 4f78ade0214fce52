import * as core from '@actions/core';
import {
  AtomicLinkError,
  FleetError,
  InterruptedError,
  UsageError,
  describeResult,
  describeStatus,
  oneLine,
  readStatus,
  statusFleet,
  switchFleet,
  switchLinks,
} from '../engine/index.js';
import type {
  FleetReport,
  FleetStatus,
  LinkSpec,
  LinkStatus,
  SwitchOptions,
  SwitchReport,
} from '../engine/index.js';
import { exitCodeOf, withStopSignals } from '../platform/stop-signals.js';
import { fleetMembers, withStore } from '../transport/open-store.js';
import type { OnePlace } from '../transport/open-store.js';
import type { SshTarget } from '../transport/ssh-target.js';
import { switchInContainer } from './container.js';
import { getSettings } from './inputs.js';
import type { RemoteSettings } from './inputs.js';
import { checkRoutes, sshTargets, withKeyFiles } from './key-files.js';
import { infoInert } from './log-safety.js';
import { publishFailure, publishFleetReport, publishReport } from './outputs.js';
import { ProgressLine } from '../cli/progress.js';

/** Hosts prepared at once, as the CLI's --max-hosts default. */
const MAX_HOSTS = 16;

/** The action's entry point: inputs in, links switched, outputs and summary out. */
export async function run(): Promise<void> {
  // A log, not a terminal: a line a second at most.
  const progress = new ProgressLine(
    (line) => infoInert(line.trimEnd()),
    () => false,
  );
  try {
    const settings = getSettings();
    if (settings.status) {
      await publishStatus(await readAnyStatus(settings.specs, settings.options, settings.remote));
      return;
    }
    const count = settings.specs.length;
    core.debug(`specs: ${JSON.stringify(settings.specs)}`);
    const { specs, remote } = settings;
    const options: SwitchOptions = {
      ...settings.options,
      onProgress: progress.update,
      onNotice: (message) => infoInert(message),
    };
    const hosts = remote?.hosts.map(({ host }) => host).join(', ');
    const where = remote ? ` on ${hosts}:${remote.remotePath}` : '';
    const title = `Switching ${count} link${count === 1 ? '' : 's'}${where}`;
    // A cancelled job (the runner sends SIGINT, then SIGTERM) ends the batch whole.
    let stoppedBy: string | undefined;
    const watchingStops = <T>(work: (signal: AbortSignal) => Promise<T>) =>
      core.group(title, () =>
        withStopSignals(async (signal) => {
          const done = await work(signal);
          stoppedBy = signal.aborted ? String(signal.reason) : undefined;
          return done;
        }),
      );
    if (remote && remote.hosts.length > 1) {
      const report = await watchingStops((signal) =>
        switchHosts(specs, { ...options, signal }, remote),
      );
      for (const host of report.hosts) {
        for (const warning of host.warnings ?? [])
          core.warning(oneLine(`${host.host}: ${warning}`));
      }
      await publishFleetReport(report);
    } else {
      const report = await watchingStops((signal) =>
        switchAnywhere(specs, { ...options, signal }, remote, settings.keepBackups),
      );
      for (const note of report.notes) infoInert(`note: ${note}`);
      for (const warning of report.warnings ?? []) core.warning(oneLine(warning));
      for (const result of report.results) infoInert(describeResult(result));
      if (report.guard) core.debug(`guard: ${JSON.stringify(report.guard)}`);
      await publishReport(report);
    }
    // The signal came when the batch could only be finished: it is, and the step fails so.
    if (stoppedBy !== undefined) {
      core.setFailed(`stopped by ${stoppedBy} after the batch was done`);
      process.exitCode = exitCodeOf(stoppedBy);
    }
  } catch (error) {
    if (error instanceof AtomicLinkError) {
      for (const note of error.notes) infoInert(note);
      // The summary says where every link stands, failed or not; a summary that cannot be
      // written must not hide the failure.
      await (
        error instanceof FleetError
          ? publishFleetReport(error.report, error)
          : publishFailure(error)
      ).catch((problem: unknown) => core.warning(`cannot write the job summary: ${problem}`));
    }
    // One line, and no legacy `##[` command either: core escapes line breaks only.
    core.setFailed(oneLine(error instanceof Error ? error.message : String(error)));
    // 128+N, as the CLI's: the job was cancelled, or the container stopped.
    const signal =
      error instanceof InterruptedError || error instanceof FleetError ? error.signal : undefined;
    if (signal !== undefined) process.exitCode = exitCodeOf(signal);
  } finally {
    progress.stop();
  }
}

/** The SFTP targets of every host, with the key files, for as long as `work` runs. */
function withTargets<T>(
  remote: RemoteSettings,
  work: (targets: SshTarget[]) => Promise<T>,
): Promise<T> {
  return withKeyFiles(remote, (keys) => {
    const targets = sshTargets(remote, keys);
    checkRoutes(targets, keys);
    return work(targets);
  });
}

function switchAnywhere(
  specs: LinkSpec[],
  options: SwitchOptions,
  remote: RemoteSettings | undefined,
  keepBackups: number | undefined,
): Promise<SwitchReport> {
  const work = (place: OnePlace) =>
    withStore(place, specs, options, (store, placed) => switchLinks(store, specs, placed));
  if (remote === undefined) return work({ kind: 'local' });
  if (remote.container) return switchInContainer(specs, options, remote, keepBackups);
  return withTargets(remote, ([target]) => work({ kind: 'sftp', target }));
}

/** `status: true`: the links and their backups, read from the runner (never in a container). */
function readAnyStatus(
  specs: LinkSpec[],
  options: SwitchOptions,
  remote: RemoteSettings | undefined,
): Promise<LinkStatus[] | FleetStatus> {
  const read = (place: OnePlace) =>
    withStore(place, specs, { ...options, guard: false }, (store, placed) =>
      readStatus(store, specs, placed),
    );
  if (remote === undefined) return read({ kind: 'local' });
  if (remote.container) {
    throw new UsageError('input "status" reads from the runner over SFTP, not in a container');
  }
  return withTargets<LinkStatus[] | FleetStatus>(remote, (targets) =>
    targets.length === 1
      ? read({ kind: 'sftp', target: targets[0] })
      : statusFleet(fleetMembers(targets, specs, options), specs, MAX_HOSTS),
  );
}

/** The `status` output, as the CLI's --status --json prints it, and a line per name in the log. */
async function publishStatus(status: LinkStatus[] | FleetStatus): Promise<void> {
  const hosts = Array.isArray(status) ? [{ host: '', links: status }] : status.hosts;
  for (const { host, links } of hosts) {
    for (const line of links.flatMap(describeStatus)) infoInert(host ? `${host}: ${line}` : line);
  }
  core.setOutput('status', JSON.stringify(Array.isArray(status) ? { links: status } : status));
}

function switchHosts(
  specs: LinkSpec[],
  options: SwitchOptions,
  remote: RemoteSettings,
): Promise<FleetReport> {
  return withTargets(remote, (targets) =>
    switchFleet(fleetMembers(targets, specs, options), specs, MAX_HOSTS),
  );
}
