import { randomBytes } from 'node:crypto';
import { ME, isGone } from '../platform/identity.js';
import { UpdateError, describeError } from './errors.js';
import { isFailure } from './port.js';
import { tempName } from './temp-names.js';
import type { Entry, LinkStore, Outcome } from './port.js';

export const LOCK_NAME = '.atomic-link.lock';
const BREAK_SUFFIX = '.break';
const POLL_MS = 100;
/** Below this, a holder busy between two refreshes could be taken for dead. */
export const MIN_LOCK_TIMEOUT_SECONDS = 5;
/** The break lock is held for two requests; one this old belongs to a run that died there. */
const BREAK_STALE_MS = 10000;

interface Holder {
  host: string;
  instance: string;
  pid: number;
  token: string;
  since: string;
}

/**
 * Exclusive locks on the links' directories, so that two runs never interleave their batches.
 *
 * A lock is a symlink whose text names its holder: creating a symlink is exclusive and writes
 * the holder in the same step, on a local disk, any mounted volume and over SFTP alike, so a
 * run on the server and a remote run exclude each other, and there is never a lock without a
 * holder in it. Its mtime, refreshed while the holder works, says it is alive.
 *
 * A stale lock (its holder provably gone, or not refreshed for the timeout) is broken under a
 * second lock, `LOCK.break`: the breaker re-reads the lock under it and removes it only if it
 * is still the very lock it judged stale. A run taking a free lock needs no break lock, and no
 * one else ever removes a lock, so a lock taken meanwhile can never be removed by mistake.
 */
export class DirLocks {
  private lastRefresh = Date.now();

  private constructor(
    private readonly store: LinkStore,
    readonly files: string[],
    private readonly text: string,
    private readonly timeoutMs: number,
  ) {}

  /**
   * Takes the locks of all `dirs` together, or none: a run that gets only some lets them go
   * and tries again, so two runs over overlapping directories cannot deadlock.
   */
  static async acquire(store: LinkStore, dirs: string[], timeoutMs: number): Promise<DirLocks> {
    const holder: Holder = {
      host: ME.host,
      instance: ME.instance,
      pid: ME.pid,
      token: randomBytes(8).toString('hex'),
      since: new Date().toISOString(),
    };
    const text = JSON.stringify(holder);
    const files = dirs.map((dir) => `${dir === '/' ? '' : dir}/${LOCK_NAME}`);
    const deadline = Date.now() + timeoutMs;
    // What each busy lock looked like when first seen, and since when (our clock): a lock
    // that does not change for the timeout is stale whatever the store's clock says.
    const seen = new Map<string, { state: string; since: number }>();
    for (;;) {
      const made = await store.create(
        files.map((file) => ({ path: file, type: 'symbolic', content: text })),
      );
      const busy = files.filter((_, index) => isFailure(made[index]));
      if (busy.length === 0) return new DirLocks(store, files, text, timeoutMs);
      const mine = files.filter((_, index) => !isFailure(made[index]));
      if (mine.length > 0) await store.remove(mine);

      const entries = await store.inspect(busy, { times: true });
      for (const [index, file] of busy.entries()) {
        const entry = entries[index];
        if (isFailure(entry)) {
          throw new UpdateError(
            `cannot take the lock ${where(store, file)}: ${describeError(made[files.indexOf(file)])}`,
          );
        }
        if (entry.kind === 'none') continue; // released between our create and our look
        if (entry.kind !== 'symlink') {
          throw new UpdateError(
            `${where(store, file)} is a ${entry.kind}, not a lock of atomic-link's (a symlink ` +
              `naming its holder); remove it if no other tool uses that name`,
          );
        }
        const holder = parseHolder(entry.text);
        if (holder?.instance === ME.instance && holder.pid === ME.pid) {
          throw new UpdateError(
            `${where(store, file)} is held by this very run: two of its hosts or directories ` +
              `are one (a shared volume?)`,
          );
        }
        if (isStale(store, file, entry, seen, timeoutMs)) {
          await breakLock(store, file, entry);
          seen.delete(file);
          continue;
        }
        if (Date.now() >= deadline) {
          throw new UpdateError(
            `${where(store, file)} is held by ${describeHolder(entry.text)}; waited ` +
              `${Math.round(timeoutMs / 1000)} s`,
          );
        }
      }
      // A random share of the wait, so that runs which collided do not collide again.
      await sleep(POLL_MS / 2 + Math.random() * POLL_MS);
    }
  }

  /** True when a refresh is due: a quarter of the timeout has passed since the last one. */
  get due(): boolean {
    return Date.now() - this.lastRefresh >= this.timeoutMs / 4;
  }

  /**
   * Tells waiting runs that the holder is alive, and makes sure the locks are still ours: a
   * lock removed or taken over means another run may be working here, so the batch must stop.
   * A fresh lock with the same holder is renamed over the old one: that renews its mtime on
   * every store (a symlink's own times cannot be set through sshfs). Only a breaker that saw
   * the lock unchanged for the whole timeout could have taken it meanwhile.
   */
  async refresh(): Promise<void> {
    this.lastRefresh = Date.now();
    const entries = await this.store.inspect(this.files);
    this.files.forEach((file, index) => {
      const entry = entries[index];
      if (isFailure(entry) || entry.kind !== 'symlink' || entry.text !== this.text) {
        throw new UpdateError(
          `the lock ${where(this.store, file)} is no longer ours (${lostHow(entry)})`,
        );
      }
    });
    const fresh = this.files.map((file) => tempName(file.slice(0, file.lastIndexOf('/')) || '/'));
    const made = await this.store.create(
      fresh.map((path) => ({ path, type: 'symbolic', content: this.text })),
    );
    const renamed = await this.store.rename(
      fresh.flatMap((from, index) =>
        isFailure(made[index]) ? [] : [{ from, to: this.files[index] }],
      ),
    );
    const failed = [...made, ...renamed].find(isFailure);
    if (failed) {
      await this.store.remove(fresh);
      throw new UpdateError(
        `cannot refresh the lock in ${where(this.store, this.files[0])}: ${describeError(failed)}`,
      );
    }
  }

  /** Removes the locks that are still ours; never another run's. */
  async release(): Promise<void> {
    const entries = await this.store.inspect(this.files);
    const ours = this.files.filter((_, index) => {
      const entry = entries[index];
      return !isFailure(entry) && entry.kind === 'symlink' && entry.text === this.text;
    });
    if (ours.length > 0) await this.store.remove(ours);
  }
}

function isStale(
  store: LinkStore,
  file: string,
  entry: Extract<Entry, { kind: 'symlink' }>,
  seen: Map<string, { state: string; since: number }>,
  timeoutMs: number,
): boolean {
  const holder = parseHolder(entry.text);
  if (holder && isGone(holder)) return true;
  if (store.sameClock && Date.now() - (entry.mtimeMs ?? Date.now()) > timeoutMs) return true;
  const state = `${entry.mtimeMs} ${entry.text}`;
  const first = seen.get(file);
  if (first === undefined || first.state !== state) {
    seen.set(file, { state, since: Date.now() });
    return false;
  }
  return Date.now() - first.since > timeoutMs;
}

async function breakLock(
  store: LinkStore,
  file: string,
  stale: Extract<Entry, { kind: 'symlink' }>,
): Promise<void> {
  const guardFile = file + BREAK_SUFFIX;
  const [taken] = await store.create([{ path: guardFile, type: 'symbolic', content: stale.text }]);
  if (isFailure(taken)) {
    // Another run is breaking it right now, or died doing so long ago.
    const [breaker] = await store.inspect([guardFile], { times: true });
    if (!isFailure(breaker) && breaker.kind === 'symlink' && store.sameClock) {
      if (Date.now() - (breaker.mtimeMs ?? Date.now()) > BREAK_STALE_MS)
        await store.remove([guardFile]);
    }
    return;
  }
  try {
    const [now] = await store.inspect([file], { times: true });
    if (
      !isFailure(now) &&
      now.kind === 'symlink' &&
      now.text === stale.text &&
      now.mtimeMs === stale.mtimeMs
    ) {
      await store.remove([file]);
    }
  } finally {
    await store.remove([guardFile]);
  }
}

function parseHolder(text: string): Holder | undefined {
  try {
    const holder = JSON.parse(text) as Holder;
    return typeof holder?.instance === 'string' && Number.isInteger(holder.pid)
      ? holder
      : undefined;
  } catch {
    return undefined;
  }
}

function describeHolder(text: string): string {
  const holder = parseHolder(text);
  return holder
    ? `pid ${holder.pid} on ${holder.host} since ${holder.since}`
    : `an unknown holder (${JSON.stringify(text.slice(0, 80))})`;
}

function lostHow(entry: Outcome<Entry>): string {
  if (isFailure(entry)) return describeError(entry);
  if (entry.kind === 'none') return 'it was removed';
  if (entry.kind === 'symlink') return `now held by ${describeHolder(entry.text)}`;
  return `a ${entry.kind} is there now`;
}

function where(store: LinkStore, file: string): string {
  return store.where ? `${store.where}:${file}` : file;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
