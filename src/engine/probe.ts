import fs from 'node:fs';
import { MissingLinkError, UpdateError, describeError, errnoCode } from './errors.js';
import { Guard } from './guard.js';
import { removeIfPresent, replaceLink } from './replace-link.js';
import type { SshfsViews } from './sshfs-view.js';
import type { TempNames } from './temp-names.js';
import type { ProbeMode } from './types.js';

/**
 * statfs magic numbers of filesystems whose rename may not be a single atomic replace: FUSE
 * (sshfs may emulate it, workaround=rename), and network filesystems that may retry or emulate.
 */
const SUSPECT_FILESYSTEMS = new Map<number, string>([
  [0x65735546, 'FUSE'],
  [0x6969, 'NFS'],
  [0xff534d42, 'CIFS'],
  [0xfe534d42, 'SMB2'],
  [0x517b, 'SMB'],
  [0x01021997, '9P'],
  [0x00c36400, 'Ceph'],
  [0x786f4256, 'VirtualBox shared folder'],
  [0x47504653, 'GPFS'],
  [0x0bd00bd0, 'Lustre'],
]);

/**
 * Trial swaps go on until the guard has looked often enough to have seen a gap if there is
 * one: on a busy machine a fixed handful of swaps can all fall between its lookups. They stop
 * at once when a gap is seen.
 */
const MIN_SWAPS = 20;
const MIN_LOOKUPS = 400;
const MAX_SWAPS = 500;

/** The kind of filesystem `dir` is on when it is one to probe, else undefined. */
function suspectFilesystem(dir: string): string | undefined {
  return SUSPECT_FILESYSTEMS.get(fs.statfsSync(dir).type);
}

export function shouldProbe(dir: string, mode: ProbeMode): boolean {
  return mode === 'always' || (mode === 'auto' && suspectFilesystem(dir) !== undefined);
}

/**
 * Trial swaps of a scratch link in `dir`, done exactly as the real switch will be and watched
 * by a guard, before any real link is touched. A rename that will not replace an existing name
 * fails the run (exit 1); a scratch link seen missing fails it as a missing moment (exit 3).
 */
export async function probeDirectory(
  dir: string,
  temps: TempNames,
  views: SshfsViews,
): Promise<void> {
  const scratch = temps.next();
  replaceLink(temps, 'symbolic', scratchTarget(0), scratch);
  try {
    const guard = new Guard();
    await guard.watch([views.viewOf(scratch)]);
    const { swaps, refused } = trialSwaps(temps, scratch, guard);
    const report = await guard.stop();
    if (report.missing > 0) {
      throw new MissingLinkError(
        `probe: a scratch link in ${dir} was seen missing ${report.missing} times in ` +
          `${swaps} trial swaps (${report.lookups} lookups): rename on this filesystem ` +
          `is not atomic (sshfs -o workaround=rename does this); no real link was touched`,
      );
    }
    if (refused !== undefined) throw renameRefused(dir, refused);
  } finally {
    removeIfPresent(scratch);
  }
}

/** Swaps the scratch link while the guard looks; stops at the first failed swap. */
function trialSwaps(
  temps: TempNames,
  scratch: string,
  guard: Guard,
): { swaps: number; refused?: unknown } {
  for (let swap = 1; ; swap++) {
    try {
      replaceLink(temps, 'symbolic', scratchTarget(swap), scratch);
    } catch (error) {
      return { swaps: swap, refused: error };
    }
    const seen = guard.soFar();
    const enough = swap >= MIN_SWAPS && seen.lookups >= MIN_LOOKUPS;
    if (seen.missing > 0 || enough || swap >= MAX_SWAPS) return { swaps: swap };
  }
}

/**
 * Texts naming the directory itself, so the scratch link is live like a real one: a plain SFTP
 * rename overwrites a dangling link but refuses a live one, and the probe must meet the refusal.
 */
function scratchTarget(swap: number): string {
  return swap % 2 === 0 ? '.' : './';
}

function renameRefused(dir: string, error: unknown): UpdateError {
  const code = errnoCode(error);
  const cause =
    code === 'EPERM' || code === 'EEXIST' || code === 'ENOTSUP' || code === 'EACCES'
      ? 'rename there will not replace an existing link; over SFTP this means the server ' +
        'lacks the posix-rename@openssh.com extension (OpenSSH has it), and replacing a link ' +
        'without it always leaves a moment with no link'
      : 'the trial rename failed';
  return new UpdateError(
    `probe: ${cause} (${describeError(error)} in ${dir}); no real link was touched`,
  );
}
