import path from 'node:path';
import {
  AtomicLinkError,
  FleetError,
  InterruptedError,
  UpdateError,
  describeGuard,
  describeResult,
  describeStatus,
  inertJson,
  oneLine,
  readStatus,
  statusFleet,
  switchFleet,
  switchLinks,
} from '../engine/index.js';
import type { FleetReport, FleetStatus, LinkStatus, SwitchReport } from '../engine/index.js';
import { exitCodeOf, withStopSignals } from '../platform/stop-signals.js';
import { fleetMembers, withStore } from '../transport/open-store.js';
import { parseCommandLine } from './args.js';
import type { CliSettings } from './args.js';
import { ProgressLine } from './progress.js';
import { nameBackups } from './backups.js';
import pkg from '../../package.json' with { type: 'json' };

/**
 * Runs the CLI and returns its exit code; never throws. `script` is the path it was started by:
 * named ln, it is GNU ln.
 */
export async function run(argv: string[], script?: string): Promise<number> {
  let json = false;
  let verbose = false;
  const progress = new ProgressLine(
    (chunk) => process.stderr.write(chunk),
    () => process.stderr.isTTY === true,
  );
  const told = new Set<string>();
  const onNotice = (message: string) => {
    told.add(message);
    progress.clear();
    say(message);
  };
  try {
    // The personality is loaded only when asked for: an ordinary run does not pay for it.
    if (argv[0] === '--ln' || (script !== undefined && path.basename(script) === 'ln')) {
      const { runLn } = await import('./ln-personality.js');
      return await runLn(argv[0] === '--ln' ? argv.slice(1) : argv, process.env);
    }
    const settings = await parseCommandLine(argv, workingDirectory(), process.env);
    if (settings.command === 'install-ln') {
      process.stdout.write(
        (await import('./ln-personality.js')).installLn(settings.installDir as string, script) +
          '\n',
      );
      return 0;
    }
    if (settings.command === 'help') {
      const { usage } = await import('./usage.js');
      process.stdout.write(usage());
      return 0;
    }
    if (settings.command === 'version') {
      process.stdout.write(`atomic-link ${pkg.version}\n`);
      return 0;
    }
    ({ json, verbose } = settings);
    const onProgress = progress.update;
    const { place, specs, options, backup } = settings;
    if (settings.command === 'status') {
      printStatus(await readAnyStatus(settings), settings.json);
      return 0;
    }
    nameBackups(specs, backup);
    let stoppedBy: string | undefined;
    if (place.kind === 'fleet') {
      const report = await withStopSignals(async (signal) => {
        const done = await switchFleet(
          fleetMembers(place.targets, specs, { ...options, signal, onProgress, onNotice }),
          specs,
          place.maxHosts,
        );
        stoppedBy = signal.aborted ? String(signal.reason) : undefined;
        return done;
      });
      progress.stop();
      printFleet(report, settings.json, settings.verbose);
      for (const host of report.hosts) {
        for (const warning of host.warnings ?? []) say(`${host.host}: warning: ${warning}`);
      }
    } else {
      const report = await withStopSignals(async (signal) => {
        const done = await withStore(
          place,
          specs,
          { ...options, signal, onProgress, onNotice },
          (store, placed) => switchLinks(store, specs, placed),
        );
        stoppedBy = signal.aborted ? String(signal.reason) : undefined;
        return done;
      });
      progress.stop();
      if (settings.json) process.stdout.write(inertJson(report) + '\n');
      else printReport(report, settings.verbose, told);
      // Left undone after a switch that stands: the run succeeds, and says so even in --json.
      for (const warning of report.warnings ?? []) say(`warning: ${warning}`);
    }
    if (stoppedBy === undefined) return 0;
    // The signal came when the batch could only be finished: it is, and the exit says so.
    process.stderr.write(`atomic-link: stopped by ${stoppedBy} after the batch was done\n`);
    return exitCodeOf(stoppedBy);
  } catch (error) {
    progress.stop();
    if ((error as NodeJS.ErrnoException)?.code === 'ERR_MODULE_NOT_FOUND') {
      // A part loaded on demand (the bundle's NNN.cli.js) is missing: a broken install.
      say(`this installation is incomplete, reinstall it: ${(error as Error).message}`);
      return 1;
    }
    if (!(error instanceof AtomicLinkError)) {
      // Every failure the engine foresees is an AtomicLinkError: this is a bug, said as one.
      say(`internal error (please report it): ${(error as Error)?.message ?? error}`);
      return 1;
    }
    const signal =
      error instanceof InterruptedError || error instanceof FleetError ? error.signal : undefined;
    const exitCode = signal === undefined ? error.exitCode : exitCodeOf(signal);
    // Asked for before the command line could be read whole: still one JSON document.
    if (json || argv.includes('--json')) printFailure(error, exitCode);
    else if (error instanceof FleetError) printHosts(error.report, verbose);
    say(error.message);
    for (const note of error.notes) say(note);
    return exitCode;
  }
}

/** --status: read-only, so no stop signal needs to end it whole. */
function readAnyStatus(settings: CliSettings): Promise<LinkStatus[] | FleetStatus> {
  const { place, specs, options } = settings;
  if (place.kind === 'fleet') {
    return statusFleet(fleetMembers(place.targets, specs, options), specs, place.maxHosts);
  }
  return withStore(place, specs, { ...options, guard: false }, (store, placed) =>
    readStatus(store, specs, placed),
  );
}

/** Each link and its backups; with --json `{"links": [...]}`, or a fleet's `{"hosts": [...]}`. */
function printStatus(status: LinkStatus[] | FleetStatus, json: boolean): void {
  if (json) {
    const document = Array.isArray(status) ? { links: status } : status;
    process.stdout.write(inertJson(document) + '\n');
    return;
  }
  const hosts = Array.isArray(status) ? [{ host: '', links: status }] : status.hosts;
  for (const { host, links } of hosts) {
    for (const link of links) {
      for (const line of describeStatus(link)) {
        process.stdout.write(oneLine(host ? `${host}: ${line}` : line) + '\n');
      }
    }
  }
}

/** A line on stderr, kept to one line whatever the message carries from elsewhere. */
function say(message: string): void {
  process.stderr.write(`atomic-link: ${oneLine(message)}\n`);
}

/** Quiet like ln unless asked; a dry run always shows its plan. */
function printReport(report: SwitchReport, verbose: boolean, told: Set<string>): void {
  // A guard that could not see the whole window says so, asked or not.
  if (!verbose && report.guard?.partlyBlind) say(describeGuard(report.guard));
  if (!verbose && !report.dryRun) return;
  for (const result of report.results) process.stdout.write(oneLine(describeResult(result)) + '\n');
  // A stale lock broken was said as it happened.
  if (verbose) for (const note of report.notes) if (!told.has(note)) say(`note: ${note}`);
  if (verbose && report.guard) say(describeGuard(report.guard));
}

/** With --json the whole report on stdout; with -v (or a dry run) a line per host and link. */
function printFleet(report: FleetReport, json: boolean, verbose: boolean): void {
  if (json) process.stdout.write(inertJson(report) + '\n');
  else if (verbose || report.dryRun) printHosts(report, true);
}

/**
 * Each host's end state on stderr, and each link's on stdout: every link with -v, and after
 * a failure every link left new or unknown on a host that is not switched, so that nobody has
 * to guess which hosts are on which release.
 */
function printHosts(report: FleetReport, verbose: boolean): void {
  for (const host of report.hosts) {
    const rtt = host.roundTripMs === undefined ? '' : `, round trip ${host.roundTripMs} ms`;
    say(`${host.host}: ${host.state}${rtt}`);
    if (verbose) for (const note of host.notes) say(`${host.host}: note: ${note}`);
    for (const result of host.results) {
      const astray =
        host.state !== 'switched' && (result.state === 'switched' || result.state === 'unknown');
      if (verbose || astray) {
        process.stdout.write(`${oneLine(`${host.host}: ${describeResult(result)}`)}\n`);
      }
    }
  }
  if (report.skewMs !== undefined) say(`skew ${report.skewMs} ms`);
}

/**
 * With --json, a failure is one JSON document too: the error, and where the links stand as
 * far as the run got (a fleet's report, or one host's results once its links were read).
 */
function printFailure(error: AtomicLinkError, exitCode: number): void {
  const said = { message: error.message, exitCode, notes: error.notes };
  const document =
    error instanceof FleetError
      ? { ...error.report, error: said }
      : { results: error.results ?? null, guard: error.guard, error: said };
  process.stdout.write(inertJson(document) + '\n');
}

/** The working directory, which every path given is read from: one removed is said so. */
function workingDirectory(): string {
  try {
    return process.cwd();
  } catch (error) {
    throw new UpdateError(
      `the working directory cannot be read (${(error as NodeJS.ErrnoException).code}): ` +
        `removed, or not to be searched; run atomic-link from another; nothing was changed`,
    );
  }
}
