import { ME, isGone } from '../platform/identity.js';
import { randomHex } from '../platform/no-crypto.js';
import { isFailure } from './port.js';
import type { Entry, LinkStore, Outcome } from './port.js';

/**
 * Temporary names: the prefix, the instance and pid of the run that made them (so a later run
 * can tell a dead run's leftovers from a live one's), and a random part drawn for each name,
 * so that nobody can plant the next name in advance.
 *
 * They live in the links' own directory, not in a private 0700 subdirectory (google/renameio's
 * scheme), and that is as safe: the race raised against "create under a temporary name, then
 * rename" is someone replacing the temporary link before the rename, and only someone allowed
 * to remove or rename entries of this directory can, who could replace the destination itself
 * just as well; in a sticky directory nobody but us, the directory's owner and root can touch
 * our entry at all. A planted name is never adopted: the create is exclusive. And it costs
 * nothing more than the rename itself: no directory to make and remove per run (two more round
 * trips remotely), and every rename stays inside one directory.
 */
export const TEMP_PREFIX = '.atomic-link-tmp-';
const RUN_PART = `${TEMP_PREFIX}${ME.instance}-${ME.pid}-`;
const LEFTOVER = /^\.atomic-link-tmp-([0-9a-f]{12})-(\d+)-[0-9a-f]{16}$/;

let pool = '';
let used = 0;

/** A fresh temporary name in `dir`. */
export function tempName(dir: string): string {
  // One random draw per 512 names, turned to hex at once: per name, either costs more than
  // the symlink it names.
  if (used === pool.length) {
    pool = randomHex(8 * 512);
    used = 0;
  }
  const random = pool.slice(used, used + 16);
  used += 16;
  return tempPrefix(dir) + random;
}

/**
 * The temporary names of this run in `dir` without their random part (16 hex digits), for
 * names made where this module cannot run (a thread of the store's own).
 */
export function tempPrefix(dir: string): string {
  return `${dir === '/' ? '' : dir}/${RUN_PART}`;
}

/** True for a name of ours (a temporary name, or the lock), which no LINK may take. */
export function isReservedName(name: string): boolean {
  return name.startsWith(TEMP_PREFIX) || name.startsWith('.atomic-link.lock');
}

/**
 * Removes the temporary names that dead runs left in `dirs`: those of a run provably gone, or
 * older than `maxAgeMs`. Call it holding the directories' locks (`locks[i]` is the lock file of
 * `dirs[i]`), so that no live locked run's names can be taken; the lock, just made, tells the
 * store's own time, so ages are right even when the store's clock is not ours. Only links and
 * files with exactly our pattern are unlinked; nothing is removed recursively or followed.
 * `listed`: the listing of `dirs`, already asked for under the locks.
 */
export async function sweepLeftovers(
  store: LinkStore,
  dirs: string[],
  locks: string[],
  maxAgeMs: number,
  listed?: Promise<Outcome<string[]>[]>,
): Promise<void> {
  const listings = await (listed ?? store.list(dirs));
  const candidates: { file: string; dir: number }[] = [];
  listings.forEach((names, dir) => {
    if (isFailure(names)) return;
    for (const name of names) {
      if (name.startsWith(TEMP_PREFIX) && LEFTOVER.test(name)) {
        candidates.push({ file: `${dirs[dir] === '/' ? '' : dirs[dir]}/${name}`, dir });
      }
    }
  });
  if (candidates.length === 0) return;
  const entries = await store.inspect([...locks, ...candidates.map(({ file }) => file)], {
    times: true,
  });
  const doomed = candidates
    .filter(({ file, dir }, index) =>
      isLeftover(file, entries[locks.length + index], entries[dir], maxAgeMs),
    )
    .map(({ file }) => file);
  if (doomed.length > 0) await store.remove(doomed);
}

function isLeftover(
  file: string,
  entry: Outcome<Entry>,
  lock: Outcome<Entry>,
  maxAgeMs: number,
): boolean {
  if (isFailure(entry) || (entry.kind !== 'symlink' && entry.kind !== 'file')) return false;
  const [, instance, pid] = LEFTOVER.exec(file.slice(file.lastIndexOf('/') + 1)) ?? [];
  if (isGone({ instance, pid: Number(pid) })) return true;
  const now = !isFailure(lock) && lock.kind === 'symlink' ? lock.mtimeMs : undefined;
  return now !== undefined && entry.mtimeMs !== undefined && now - entry.mtimeMs > maxAgeMs;
}
