import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UpdateError, describeError, errnoCode } from './errors.js';
import { processExists } from './temp-names.js';

const LOCK_NAME = '.atomic-link.lock';
const POLL_MS = 50;

interface Holder {
  pid: number;
  host: string;
  since: string;
}

/**
 * An exclusive lock on one directory, so that two runs never interleave their batches there.
 * It is a file created with O_EXCL next to the links: that works on every filesystem the
 * engine supports, sshfs included, where flock() does not reach the server.
 */
export class DirLock {
  private constructor(readonly file: string) {}

  /**
   * Waits for the lock. A lock is stale, and is broken, when its holder is gone from this host
   * or it has not been refreshed for `timeoutMs`; a holder refreshes it during long batches.
   */
  static acquire(dir: string, timeoutMs: number): DirLock {
    const file = path.join(dir, LOCK_NAME);
    const me: Holder = { pid: process.pid, host: os.hostname(), since: new Date().toISOString() };
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        fs.writeFileSync(file, JSON.stringify(me) + '\n', { flag: 'wx', mode: 0o644 });
        return new DirLock(file);
      } catch (error) {
        if (errnoCode(error) !== 'EEXIST') {
          throw new UpdateError(`cannot create lock ${file}: ${describeError(error)}`);
        }
      }
      const holder = readHolder(file);
      if (holder === undefined) continue; // released between our create and read
      if (isStale(file, holder, timeoutMs)) {
        breakLock(file, holder);
        continue;
      }
      if (Date.now() >= deadline) {
        throw new UpdateError(
          `${dir} is locked by pid ${holder.pid} on ${holder.host} since ${holder.since} ` +
            `(${file}); waited ${Math.round(timeoutMs / 1000)} s`,
        );
      }
      sleep(POLL_MS);
    }
  }

  /** Tells waiting runs that this holder is alive, during batches longer than the timeout. */
  refresh(): void {
    const now = new Date();
    fs.utimesSync(this.file, now, now);
  }

  release(): void {
    fs.rmSync(this.file, { force: true });
  }
}

function readHolder(file: string): Holder | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Holder;
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return undefined;
    // A holder killed between create and write leaves an empty file: treat as unknown holder.
    return { pid: 0, host: '', since: 'unknown' };
  }
}

function isStale(file: string, holder: Holder, timeoutMs: number): boolean {
  if (holder.host === os.hostname() && holder.pid > 0 && !processExists(holder.pid)) return true;
  const stats = fs.statSync(file, { throwIfNoEntry: false });
  return stats !== undefined && Date.now() - stats.mtimeMs > timeoutMs;
}

/**
 * Moves the stale lock to a name of our own before looking at it again: of two runs breaking
 * the same stale lock, the second either fails the rename (ENOENT) or finds that it moved a
 * fresh lock, which it puts back with link(), an exclusive create that never clobbers.
 */
function breakLock(file: string, stale: Holder): void {
  const aside = `${file}.stale-${process.pid}-${Date.now()}`;
  try {
    fs.renameSync(file, aside);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return;
    throw error;
  }
  const moved = readHolder(aside);
  if (moved && (moved.pid !== stale.pid || moved.since !== stale.since)) {
    try {
      fs.linkSync(aside, file);
    } catch (error) {
      if (errnoCode(error) !== 'EEXIST') throw error;
    }
  }
  fs.rmSync(aside, { force: true });
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
function sleep(ms: number): void {
  Atomics.wait(sleeper, 0, 0, ms);
}
