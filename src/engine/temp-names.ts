import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { errnoCode } from './errors.js';

/**
 * Temporary names start with this prefix, then the host and pid of the run that made them,
 * so that a later run can tell a dead run's leftovers from a live run's names.
 */
const PREFIX = '.atomic-link-tmp-';
const HOST = os.hostname().replace(/[^A-Za-z0-9]/g, '') || 'host';
const LEFTOVER = /^\.atomic-link-tmp-([A-Za-z0-9]+)-(\d+)-/;

/**
 * Names for new links, made in the links' own directory and renamed over their destination.
 *
 * Why the same directory and not a private 0700 subdirectory (google/renameio's scheme):
 * - It is as safe. The race raised against "create under a temporary name, then rename" is
 *   someone replacing the temporary link before the rename. Only someone allowed to remove or
 *   rename entries of this directory can, and they can replace the destination itself just as
 *   well; in a sticky directory (+t) nobody but us, the directory's owner and root can touch
 *   our entry at all. A name planted in advance is never adopted either: symlink() and link()
 *   fail with EEXIST on an existing name, and a fresh, unpredictable name is tried instead.
 * - It costs nothing more than the rename itself: no directory to make and remove in every
 *   directory of links (two more round trips each over sshfs), and each rename stays inside
 *   one directory, where a rename between two directories also takes the filesystem-wide
 *   rename lock. (A first measurement that found symlink() slower in a fresh subdirectory did
 *   not hold up: on ext4 without a journal, the cost of a new inode depends on how many were
 *   freed in its block group in the last minutes, in either directory.)
 */
export class TempNames {
  private readonly prefix: string;
  private count = 0;
  /** Names that may outlive the call that made them: removed by removeKept(). */
  private readonly kept = new Set<string>();

  constructor(readonly dir: string) {
    const token = randomBytes(6).toString('hex');
    this.prefix = path.join(dir, `${PREFIX}${HOST}-${process.pid}-${token}-`);
  }

  /** A fresh name; names are never reused within a run. */
  next(): string {
    return this.prefix + String(this.count++);
  }

  /** A fresh name that the run keeps (a scratch link, a file kept for rollback) until the end. */
  keep(): string {
    const name = this.next();
    this.kept.add(name);
    return name;
  }

  removeKept(): void {
    for (const name of this.kept) fs.rmSync(name, { force: true });
    this.kept.clear();
  }
}

/**
 * Removes temporary names that runs killed mid-batch left in `dir`: those of a process that
 * no longer exists on this host, or older than `maxAgeMs` (they may come from another host
 * sharing the directory). Call it while holding the directory's lock, so no live locked run's
 * directory can be taken.
 */
export function sweepLeftovers(dir: string, maxAgeMs: number): void {
  for (const name of fs.readdirSync(dir)) {
    // Most names in a directory of links are links: one cheap test passes them over.
    if (!name.startsWith(PREFIX)) continue;
    const match = LEFTOVER.exec(name);
    if (!match) continue;
    const leftover = path.join(dir, name);
    const deadHere = match[1] === HOST && !processExists(Number(match[2]));
    if (deadHere || isOlderThan(leftover, maxAgeMs)) {
      fs.rmSync(leftover, { recursive: true, force: true });
    }
  }
}

function isOlderThan(file: string, ageMs: number): boolean {
  const stats = fs.lstatSync(file, { throwIfNoEntry: false });
  return stats !== undefined && Date.now() - stats.mtimeMs > ageMs;
}

export function processExists(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return errnoCode(error) === 'EPERM';
  }
}
