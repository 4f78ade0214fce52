import { randomBytes } from 'node:crypto';
import { ME, isGone } from '../platform/identity.js';
import { InterruptedError, UpdateError, describeError } from './errors.js';
import { isFailure } from './port.js';
import type { Entry, LinkStore, Outcome } from './port.js';
import { tempName } from './temp-names.js';

export const LOCK_NAME = '.atomic-link.lock';
const BREAK_SUFFIX = '.break';
const POLL_MS = 100;
/** Below this, a holder busy between two refreshes could be taken for dead. */
export const MIN_LOCK_TIMEOUT_SECONDS = 5;
/**
 * How often a holder refreshes its lock: a quarter of the shortest timeout any waiting run may
 * judge it by, whatever its own timeout is.
 */
const HEARTBEAT_MS = (MIN_LOCK_TIMEOUT_SECONDS * 1000) / 4;
/** The break lock is held for a few requests; one this old belongs to a run that died there. */
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
 * holder in it. Its mtime, refreshed by a heartbeat from the moment it is taken, says it is
 * alive.
 *
 * A stale lock (its holder provably gone, or not refreshed for the timeout) is broken under a
 * second lock, `LOCK.break`, itself broken the same way when its breaker died in the act. What
 * is broken, and what a holder releases, is first renamed aside to a name of the remover's own
 * and looked at there: only the very lock judged stale (or our own) is removed, and another
 * run's lock found there instead is put back.
 */
export class DirLocks {
  private readonly heartbeat: NodeJS.Timeout;
  private beating: Promise<void> | undefined;
  private lostHow: string | undefined;

  private constructor(
    private readonly store: LinkStore,
    readonly files: string[],
    private readonly text: string,
    /** Whether every lock was taken at the first try: nothing was waited for or broken. */
    readonly atOnce: boolean,
  ) {
    // A timer, not calls between chunks: a phase that asks the store for a long time (a large
    // batch's inspection through a slow mount) would otherwise let the lock look stale.
    this.heartbeat = setInterval(() => {
      this.beating ??= this.refresh()
        .catch((error: unknown) => {
          this.lostHow ??= describeError(error);
        })
        .finally(() => (this.beating = undefined));
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /**
   * Takes the locks of all `dirs` together, or none: a run that gets only some lets them go
   * and tries again, so two runs over overlapping directories cannot deadlock. A stop
   * request ends the wait. `behind` is called once, right after the first try's creates are
   * sent and before their answers are read: a store that carries out requests in order
   * (`inOrder`) does what it sends there after them.
   */
  static async acquire(
    store: LinkStore,
    dirs: string[],
    timeoutMs: number,
    signal?: AbortSignal,
    behind?: () => void,
  ): Promise<DirLocks> {
    const text = holderText();
    const files = dirs.map((dir) => `${dir === '/' ? '' : dir}/${LOCK_NAME}`);
    const deadline = Date.now() + timeoutMs;
    // What each busy lock looked like when first seen, and since when (our clock): a lock
    // that does not change for the timeout is stale whatever the store's clock says.
    const seen = new Map<string, { state: string; since: number }>();
    for (let first = true; ; first = false) {
      const making = store.create(
        files.map((file) => ({ path: file, type: 'symbolic', content: text })),
      );
      if (first) behind?.();
      const made = await making;
      const busy = files.filter((_, index) => isFailure(made[index]));
      if (busy.length === 0) return new DirLocks(store, files, text, first);
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
        if (isStale(store, file, entry, seen, timeoutMs)) {
          await breakLock(store, file, entry, text, seen);
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
      if (signal?.aborted) {
        throw new InterruptedError(
          `stopped by ${signal.reason} while waiting for a lock; nothing was changed`,
          String(signal.reason),
        );
      }
      // A random share of the wait, so that runs which collided do not collide again.
      await sleep(POLL_MS / 2 + Math.random() * POLL_MS);
    }
  }

  /**
   * Why the locks can no longer be counted on, once the heartbeat found one gone or taken
   * over (another run may be working here, so the batch must stop), or could not refresh it.
   */
  get lost(): string | undefined {
    return this.lostHow;
  }

  /**
   * Tells waiting runs that the holder is alive, and makes sure the locks are still ours: a
   * lock removed or taken over means another run may be working here. A fresh lock with the
   * same holder is renamed over the old one: that renews its mtime on every store (a
   * symlink's own times cannot be set through sshfs). Only a breaker that saw the lock
   * unchanged for the whole timeout could have taken it meanwhile.
   */
  private async refresh(): Promise<void> {
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

  /**
   * Removes the locks that are still ours; never another run's. Returns what could not be
   * removed, for the report.
   */
  async release(): Promise<string[]> {
    clearInterval(this.heartbeat);
    await this.beating;
    const removed = await Promise.all(
      this.files.map((file) => removeIf(this.store, file, (entry) => entry.text === this.text)),
    );
    return this.files.flatMap((file, index) => {
      const outcome = removed[index];
      return isFailure(outcome) && outcome.code !== 'ENOENT'
        ? [`cannot remove the lock ${where(this.store, file)}: ${describeError(outcome)}`]
        : [];
    });
  }
}

function holderText(): string {
  const holder: Holder = {
    host: ME.host,
    instance: ME.instance,
    pid: ME.pid,
    token: randomBytes(8).toString('hex'),
    since: new Date().toISOString(),
  };
  return JSON.stringify(holder);
}

type SymlinkEntry = Extract<Entry, { kind: 'symlink' }>;

function isStale(
  store: LinkStore,
  file: string,
  entry: SymlinkEntry,
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

/**
 * Removes the lock `file` if it is still the `stale` one, under the break lock. The break lock
 * names the breaker: one left by a breaker that died is broken in turn, as a lock is.
 */
async function breakLock(
  store: LinkStore,
  file: string,
  stale: SymlinkEntry,
  text: string,
  seen: Map<string, { state: string; since: number }>,
): Promise<void> {
  const guardFile = file + BREAK_SUFFIX;
  const [taken] = await store.create([{ path: guardFile, type: 'symbolic', content: text }]);
  if (isFailure(taken)) {
    // Another run is breaking it right now, or died doing so.
    const [breaker] = await store.inspect([guardFile], { times: true });
    if (
      !isFailure(breaker) &&
      breaker.kind === 'symlink' &&
      isStale(store, guardFile, breaker, seen, BREAK_STALE_MS)
    ) {
      await removeIf(store, guardFile, (entry) => sameEntry(entry, breaker));
      seen.delete(guardFile);
    }
    return;
  }
  try {
    await removeIf(store, file, (entry) => sameEntry(entry, stale));
  } finally {
    await removeIf(store, guardFile, (entry) => entry.text === text);
  }
}

/**
 * Removes `file` only if what is there passes `isIt`. It is renamed aside to a temporary name
 * of ours first, in one rename, and looked at there: what is removed is exactly what was
 * judged, however the name changed since. Anything else found there was another run's, and is
 * put back: a symlink as a new one with its text, made only if the name is still free, so that
 * a lock taken meanwhile is never replaced. Returns the outcome of the rename or the removal.
 */
async function removeIf(
  store: LinkStore,
  file: string,
  isIt: (entry: SymlinkEntry) => boolean,
): Promise<Outcome<void>> {
  const aside = tempName(file.slice(0, file.lastIndexOf('/')) || '/');
  // Sent together: the server answers in order, so the look is at what the rename moved.
  const [[moved], [entry]] = await Promise.all([
    store.rename([{ from: file, to: aside }]),
    store.inspect([aside], { times: true }),
  ]);
  if (isFailure(moved)) return moved;
  if (!isFailure(entry) && entry.kind === 'symlink') {
    if (!isIt(entry)) await store.create([{ path: file, type: 'symbolic', content: entry.text }]);
    return (await store.remove([aside]))[0];
  }
  const [back] = await store.rename([{ from: aside, to: file }]);
  return back;
}

function sameEntry(entry: SymlinkEntry, judged: SymlinkEntry): boolean {
  return entry.text === judged.text && entry.mtimeMs === judged.mtimeMs;
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
  // Two hosts of one fleet that are one directory (a shared volume) wait for each other.
  const own = holder?.instance === ME.instance && holder.pid === ME.pid ? ' (this very run)' : '';
  return holder
    ? `pid ${holder.pid}${own} on ${holder.host} since ${holder.since}`
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
