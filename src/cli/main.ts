import {
  AtomicLinkError,
  FleetError,
  InterruptedError,
  UsageError,
  describeResult,
  switchFleet,
  switchLinks,
} from '../engine/index.js';
import type { FleetReport, SwitchReport } from '../engine/index.js';
import { exitCodeOf, withStopSignals } from '../platform/stop-signals.js';
import { fleetMembers, withStore } from '../transport/open-store.js';
import { parseCommandLine } from './args.js';
import { nameBackups } from './backups.js';
import { usage } from './usage.js';
import pkg from '../../package.json' with { type: 'json' };

/** Runs the CLI and returns its exit code; never throws. */
export async function run(argv: string[]): Promise<number> {
  try {
    const settings = parseCommandLine(argv, process.cwd(), process.env);
    if (settings.command === 'help') {
      process.stdout.write(usage());
      return 0;
    }
    if (settings.command === 'version') {
      process.stdout.write(`atomic-link ${pkg.version}\n`);
      return 0;
    }
    const onProgress = (done: number, total: number) =>
      process.stderr.write(`atomic-link: switched ${done} of ${total} links\n`);
    const { place, specs, options, backup } = settings;
    if (place.kind === 'fleet') {
      if (backup !== undefined && backup.method !== 'simple') {
        throw new UsageError('numbered backups take one --ssh: each host would number its own');
      }
      for (const spec of specs) spec.backup ??= backup?.suffix;
      const report = await withStopSignals((signal) =>
        switchFleet(
          fleetMembers(place.targets, specs, { ...options, signal, onProgress }),
          specs,
          place.maxHosts,
        ),
      ).catch((error: unknown) => {
        if (error instanceof FleetError) printFleet(error.report, settings.json, true);
        throw error;
      });
      printFleet(report, settings.json, settings.verbose);
      return 0;
    }
    let stoppedBy: string | undefined;
    const report = await withStopSignals(async (signal) => {
      const done = await withStore(
        place,
        specs,
        { ...options, signal, onProgress },
        async (store, placed) => {
          await nameBackups(store, specs, backup, placed.cwd);
          return switchLinks(store, specs, placed);
        },
      );
      stoppedBy = signal.aborted ? String(signal.reason) : undefined;
      return done;
    });
    if (settings.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    else printReport(report, settings.verbose);
    if (stoppedBy === undefined) return 0;
    // The signal came when the batch could only be finished: it is, and the exit says so.
    process.stderr.write(`atomic-link: stopped by ${stoppedBy} after the batch was done\n`);
    return exitCodeOf(stoppedBy);
  } catch (error) {
    if (error instanceof AtomicLinkError) {
      process.stderr.write(`atomic-link: ${error.message}\n`);
      for (const note of error.notes) process.stderr.write(`atomic-link: ${note}\n`);
      return error instanceof InterruptedError ? exitCodeOf(error.signal) : error.exitCode;
    }
    // Every failure the engine foresees is an AtomicLinkError: this is a bug, said as one.
    process.stderr.write(
      `atomic-link: internal error (please report it): ${(error as Error)?.message ?? error}\n`,
    );
    return 1;
  }
}

/** Quiet like ln unless asked; a dry run always shows its plan. */
function printReport(report: SwitchReport, verbose: boolean): void {
  if (!verbose && !report.dryRun) return;
  for (const result of report.results) {
    process.stdout.write(describeResult(result, report.dryRun) + '\n');
  }
  if (verbose)
    for (const note of report.notes) process.stderr.write(`atomic-link: note: ${note}\n`);
  if (verbose && report.guard) {
    const { lookups, missing } = report.guard;
    process.stderr.write(`atomic-link: guard made ${lookups} lookups, saw ${missing} missing\n`);
  }
}

/** A line per host (and per link with -v); with --json the whole report on stdout. */
function printFleet(report: FleetReport, json: boolean, verbose: boolean): void {
  if (json) {
    process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    return;
  }
  if (!verbose) return;
  for (const host of report.hosts) {
    const rtt = host.roundTripMs === undefined ? '' : `, round trip ${host.roundTripMs} ms`;
    process.stderr.write(`atomic-link: ${host.host}: ${host.state}${rtt}\n`);
    for (const result of host.results) {
      process.stdout.write(`${host.host}: ${describeResult(result, false)}\n`);
    }
  }
  process.stderr.write(`atomic-link: skew ${report.skewMs} ms\n`);
}
