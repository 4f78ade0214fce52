import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { errnoCode } from './errors.js';

/**
 * Leftovers are recognised by this prefix, followed by the host and pid of the run that made
 * them, so that a later run can tell a dead run's staging directory from a live one.
 */
const PREFIX = '.atomic-link-tmp-';
const HOST = os.hostname().replace(/[^A-Za-z0-9]/g, '') || 'host';
const LEFTOVER = /^\.atomic-link-tmp-([A-Za-z0-9]+)-(\d+)-/;

/**
 * A private directory (mode 0700, from mkdtemp) inside the links' own directory. New links are
 * made in it and renamed out over their destination: the rename stays on one filesystem, and
 * no other user can replace a temporary link between its creation and the rename, the race
 * raised against the naive "symlink to a temp name, then rename" recipe.
 */
export class StagingDir {
  readonly path: string;
  private count = 0;

  constructor(dir: string) {
    this.path = fs.mkdtempSync(path.join(dir, `${PREFIX}${HOST}-${process.pid}-`));
  }

  /** A fresh name inside the directory; names are never reused, so no create can collide. */
  nextName(): string {
    return path.join(this.path, String(this.count++));
  }

  remove(): void {
    fs.rmSync(this.path, { recursive: true, force: true });
  }
}

/**
 * Removes staging directories that runs killed mid-batch left in `dir`: those of a process that
 * no longer exists on this host, or older than `maxAgeMs` (they may come from another host
 * sharing the directory). Call it while holding the directory's lock, so no live locked run's
 * directory can be taken.
 */
export function sweepLeftovers(dir: string, maxAgeMs: number): string[] {
  const swept: string[] = [];
  for (const name of fs.readdirSync(dir)) {
    const match = LEFTOVER.exec(name);
    if (!match) continue;
    const leftover = path.join(dir, name);
    const deadHere = match[1] === HOST && !processExists(Number(match[2]));
    if (deadHere || isOlderThan(leftover, maxAgeMs)) {
      fs.rmSync(leftover, { recursive: true, force: true });
      swept.push(leftover);
    }
  }
  return swept;
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
