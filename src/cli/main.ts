import { AtomicLinkError, describeResult, switchLinks } from '../engine/index.js';
import type { SwitchReport } from '../engine/index.js';
import path from 'node:path';
import { withRemoteMount } from '../remote/ssh-mount.js';
import { parseCommandLine } from './args.js';
import { nameBackups } from './backups.js';
import { USAGE } from './usage.js';
import pkg from '../../package.json' with { type: 'json' };

/** Runs the CLI and returns its exit code; never throws. */
export async function run(argv: string[]): Promise<number> {
  try {
    const settings = parseCommandLine(argv, process.cwd(), process.env);
    if (settings.command === 'help') {
      process.stdout.write(USAGE);
      return 0;
    }
    if (settings.command === 'version') {
      process.stdout.write(`atomic-link ${pkg.version}\n`);
      return 0;
    }
    const onProgress = (done: number, total: number) =>
      process.stderr.write(`atomic-link: switched ${done} of ${total} links\n`);
    const { remote, specs, options, backup } = settings;
    const switchFrom = (cwd: string, root?: string) => {
      nameBackups(specs, backup, cwd);
      return switchLinks(specs, { ...options, cwd, root, onProgress });
    };
    const report = remote
      ? await withRemoteMount(remote, (mountPoint) =>
          switchFrom(path.resolve(mountPoint, options.cwd), mountPoint),
        )
      : await switchFrom(options.cwd);
    if (settings.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    else printReport(report, settings.verbose);
    return 0;
  } catch (error) {
    if (error instanceof AtomicLinkError) {
      process.stderr.write(`atomic-link: ${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(`atomic-link: unexpected error: ${(error as Error)?.message ?? error}\n`);
    return 1;
  }
}

/** Quiet like ln unless asked; a dry run always shows its plan. */
function printReport(report: SwitchReport, verbose: boolean): void {
  if (!verbose && !report.dryRun) return;
  for (const result of report.results) {
    process.stdout.write(describeResult(result, report.dryRun) + '\n');
  }
  if (verbose && report.guard) {
    const { lookups, missing } = report.guard;
    process.stderr.write(`atomic-link: guard made ${lookups} lookups, saw ${missing} missing\n`);
  }
}
