import fs from 'node:fs';
import { DirLock } from './dir-lock.js';
import { MissingLinkError, UpdateError, describeError } from './errors.js';
import { Guard } from './guard.js';
import { inspect, placeSpecs } from './plan.js';
import type { Operation, Placed } from './plan.js';
import { probeDirectory, shouldProbe } from './probe.js';
import { removeIfPresent, replaceLink } from './replace-link.js';
import { SshfsViews } from './sshfs-view.js';
import { TempNames, sweepLeftovers } from './temp-names.js';
import type { GuardReport, LinkResult, LinkSpec, SwitchOptions, SwitchReport } from './types.js';

const PROGRESS_EVERY_MS = 1000;

/**
 * Switches every link of the batch, or none: all specs are checked before anything is touched,
 * and a switch that fails midway switches back the links already switched. Each switch is one
 * rename, watched by the guard; a link seen missing fails the run after the switch.
 */
export async function switchLinks(
  specs: LinkSpec[],
  options: SwitchOptions,
): Promise<SwitchReport> {
  const placed = placeSpecs(specs, options);
  const views = new SshfsViews();
  try {
    if (options.dryRun) {
      const operations = await inspect(placed, options, views);
      return { results: operations.map(toResult), probed: [], dryRun: true };
    }
    return await switchPlaced(placed, options, views);
  } finally {
    views.close();
  }
}

async function switchPlaced(
  placed: Placed[],
  options: SwitchOptions,
  views: SshfsViews,
): Promise<SwitchReport> {
  // Started first, so that the thread boots while the locks are taken and the links read.
  const guard = options.guard === false ? undefined : new Guard();
  const dirs = [...new Set(placed.map((item) => item.realDir))].sort();
  const timeoutMs = (options.lockTimeoutSeconds ?? 60) * 1000;
  const locks: DirLock[] = [];
  const temps = new Map<string, TempNames>();
  let watching = false;
  try {
    // Sorted, so two runs over overlapping directories cannot deadlock.
    if (options.lock !== false) for (const dir of dirs) locks.push(DirLock.acquire(dir, timeoutMs));
    for (const dir of dirs) sweepLeftovers(dir, timeoutMs);
    const operations = await inspect(placed, options, views);
    const pending = operations.filter((operation) => operation.changed);
    for (const operation of pending) {
      if (!temps.has(operation.realDir))
        temps.set(operation.realDir, new TempNames(operation.realDir));
    }
    const probed = [...temps.keys()].filter((dir) => shouldProbe(dir, options.probe ?? 'auto'));
    for (const dir of probed) await probeDirectory(dir, temps.get(dir) as TempNames, views);

    // Links that exist now are the ones that must never be missing. Where they are on sshfs,
    // the guard looks through an uncached second view.
    const watchedPaths: string[] = [];
    // Per pending operation, its index among the watched paths, or -1.
    const watchSlots = new Int32Array(pending.length).fill(-1);
    pending.forEach((operation, index) => {
      if (operation.prior.kind === 'none') return;
      watchSlots[index] = watchedPaths.length;
      watchedPaths.push(views.viewOf(operation.path));
    });
    if (guard && watchedPaths.length > 0) {
      await guard.watch(watchedPaths);
      watching = true;
    }
    let failure: unknown;
    try {
      runBatch(pending, temps, locks, options, (index) => {
        if (watchSlots[index] >= 0) guard?.switching(watchSlots[index]);
      });
    } catch (error) {
      failure = error;
    }
    const report = watching ? await (guard as Guard).stop() : undefined;
    watching = false;
    if (report && report.missing > 0) {
      const linkSeenAs = new Map(pending.map((op) => [views.viewOf(op.path), op.link]));
      throw missingError(report, linkSeenAs, failure);
    }
    if (failure !== undefined) throw failure;
    if (report?.blind) {
      throw new MissingLinkError(
        `every link is switched, but the guard lost sight of them (${report.blind}), ` +
          `so it cannot vouch that none was missing`,
      );
    }
    if (options.fsync !== false) for (const dir of temps.keys()) fsyncDirectory(dir);
    return { results: operations.map(toResult), guard: report, probed, dryRun: false };
  } finally {
    // On the way out after a failure; the failure is what gets reported.
    if (watching) await guard?.stop().catch(() => undefined);
    else await guard?.dispose();
    for (const names of temps.values()) names.removeKept();
    for (const lock of locks) lock.release();
  }
}

/** Switches each link; on a failure, switches back those already done and throws. */
function runBatch(
  pending: Operation[],
  temps: Map<string, TempNames>,
  locks: DirLock[],
  options: SwitchOptions,
  beforeSwitch: (index: number) => void,
): void {
  const done: Operation[] = [];
  // Files (hard links, or regular files with --replace-files) keep a second, temporary name
  // until the batch is over, so a rollback can rename them back.
  const kept = new Map<Operation, string>();
  let lastReport = Date.now();
  for (let index = 0; index < pending.length; index++) {
    const operation = pending[index];
    const names = temps.get(operation.realDir) as TempNames;
    try {
      if (operation.prior.kind === 'file') {
        const keep = names.keep();
        fs.linkSync(operation.path, keep);
        kept.set(operation, keep);
      }
      beforeSwitch(index);
      replaceLink(names, operation.type, operation.content, operation.path);
    } catch (error) {
      const undone = rollback(done, temps, kept);
      throw new UpdateError(
        `${operation.origin}: could not switch LINK ${JSON.stringify(operation.link)}: ` +
          `${describeError(error)}; ${undone}`,
      );
    }
    done.push(operation);
    if (Date.now() - lastReport >= PROGRESS_EVERY_MS) {
      lastReport = Date.now();
      for (const lock of locks) lock.refresh();
      options.onProgress?.(done.length, pending.length);
    }
  }
}

/** Puts each switched link back as it was, newest first, each again in one rename. */
function rollback(
  done: Operation[],
  temps: Map<string, TempNames>,
  kept: Map<Operation, string>,
): string {
  const failed: string[] = [];
  for (const operation of [...done].reverse()) {
    const prior = operation.prior;
    try {
      if (prior.kind === 'symlink') {
        replaceLink(
          temps.get(operation.realDir) as TempNames,
          'symbolic',
          prior.text,
          operation.path,
        );
      } else if (prior.kind === 'file') {
        fs.renameSync(kept.get(operation) as string, operation.path);
      } else {
        // There was no link before this run: back to no link.
        removeIfPresent(operation.path);
      }
    } catch (error) {
      failed.push(`${JSON.stringify(operation.link)} (${describeError(error)})`);
    }
  }
  if (done.length === 0) return 'no link was changed';
  if (failed.length === 0) {
    return `switched back the ${done.length} link${done.length === 1 ? '' : 's'} already switched`;
  }
  const more = failed.length > 5 ? ` and ${failed.length - 5} more` : '';
  return (
    `switched back ${done.length - failed.length} of ${done.length}; ` +
    `could not switch back ${failed.slice(0, 5).join(', ')}${more}`
  );
}

function missingError(
  report: GuardReport,
  linkSeenAs: Map<string, string>,
  failure: unknown,
): MissingLinkError {
  const shown = report.sightings.slice(0, 10).map((sighting) => {
    const when =
      sighting.firstMs === sighting.lastMs
        ? `at ${sighting.firstMs} ms`
        : `between ${sighting.firstMs} and ${sighting.lastMs} ms`;
    const link = linkSeenAs.get(sighting.link) ?? sighting.link;
    return `${JSON.stringify(link)} missing ${sighting.count} times ${when}`;
  });
  const more =
    report.sightings.length > 10 ? `, and ${report.sightings.length - 10} more links` : '';
  const also = failure === undefined ? '' : `; the update also failed: ${describeError(failure)}`;
  return new MissingLinkError(
    `the guard saw links missing during the update (${report.missing} of ${report.lookups} ` +
      `lookups; times from when the guard started): ${shown.join('; ')}${more}${also}`,
  );
}

function toResult(operation: Operation): LinkResult {
  return {
    link: operation.link,
    type: operation.type,
    target: operation.target,
    previous: operation.prior.kind === 'symlink' ? operation.prior.text : null,
    changed: operation.changed,
  };
}

/**
 * rename is atomic at once but durable only once the directory is on disk. Filesystems that
 * cannot fsync a directory (some FUSE and network ones) say so with these codes.
 */
function fsyncDirectory(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (!['EINVAL', 'ENOTSUP', 'ENOSYS', 'EPERM', 'EBADF'].includes(code)) throw error;
  } finally {
    fs.closeSync(fd);
  }
}
