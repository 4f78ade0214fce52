import { ME, isGone } from '../platform/identity.js';
import { randomHex } from '../platform/no-crypto.js';
import { InterruptedError, UpdateError, describeError } from './errors.js';
import { isFailure } from './port.js';
import type { Entry, LinkStore, LockKeeper, Outcome, StoreFailure } from './port.js';
import { tempName, tempPrefix } from './temp-names.js';

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
/** The coarsest lock time a store gives: SFTP v3 carries whole seconds. */
const CLOCK_GRAIN_MS = 1000;
/**
 * The lock's timing. A waiter breaks a lock that is not provably dead only once it has seen
 * it unchanged for its timeout, or the store's own clock says it has not changed for that
 * long (see lookAged); so no waiter, whatever its timeout, breaks a lock within
 * MIN_LOCK_TIMEOUT_SECONDS of a refresh, less the grain of the store's times (two refreshes
 * that fall in one second look like one). A holder is therefore safe for SAFE_MS from the
 * moment it sent a refresh that found its lock still its own, on its own clock.
 */
const SAFE_MS = MIN_LOCK_TIMEOUT_SECONDS * 1000 - CLOCK_GRAIN_MS;
/**
 * A holder refreshing in one round trip, each refresh sent as the one before is answered or
 * HEARTBEAT_MS after it was sent, whichever is later, changes its lock at most
 * max(HEARTBEAT_MS, RTT) + RTT apart: under SAFE_MS, with a second to spare for a slower
 * round trip, up to this round trip. A run measuring a longer one to the store refuses to
 * hold a lock there.
 */
const MAX_ROUND_TRIP_MS = 1500;
/**
 * How a create fails on a name taken. SFTP v3 says no more than "failure", also for a full or
 * read-only disk: with no lock there, that is waited for until the timeout.
 */
const TAKEN = new Set(['EEXIST', 'EFAILURE']);
/** A wait for a lock this long is said as it goes on: a wait of a minute is not silent. */
const TELL_WAIT_MS = 1000;
/** The break lock is held for a few requests; one this old belongs to a run that died there. */
const BREAK_STALE_MS = 10000;

interface Holder {
  host: string;
  instance: string;
  pid: number;
  token: string;
  since: string;
}

/** How a waiter saw a busy lock: its state, since when (our clock), and whether it changed. */
interface Seen {
  state: string;
  since: number;
  changed: boolean;
}

/**
 * Exclusive locks on the links' directories, so that two runs never interleave their batches.
 *
 * A lock is a symlink whose text names its holder: creating a symlink is exclusive and writes
 * the holder in the same step, on a local disk, any mounted volume and over SFTP alike, so a
 * run on the server and a remote run exclude each other, and there is never a lock without a
 * holder in it. Its mtime, refreshed by a heartbeat from the moment it is taken, says it is
 * alive: a fresh lock with the same text is renamed over it, which renews its mtime on every
 * store (a symlink's own times cannot be set through sshfs).
 *
 * A stale lock (its holder provably gone, or not refreshed for the timeout) is broken under a
 * second lock, `LOCK.break`, itself broken the same way when its breaker died in the act. What
 * is broken, and what a holder releases, is first renamed aside to a name of the remover's own
 * and looked at there: only the very lock judged stale (or our own) is removed, and another
 * run's lock found there instead is put back.
 *
 * The lock is also what tells a directory over SFTP: v3 has no inode numbers, and every
 * request names a path that the server resolves anew, following any symlink put in place of
 * a directory meanwhile. Right behind the lock's creation, each directory is resolved again
 * (its realpath must still be itself); after that, our lock with our text at the directory's
 * path is what says the path still leads to the directory locked, and every chunk of writes
 * is sent with that check in front of it and behind it (confirm()). Its limits: a lock with
 * our text can be copied by someone who may write in the other directory (who could write
 * there anyway); a directory swapped between a check and the writes sent with it takes those
 * writes, and that is seen in the check behind them (new links under temporary names, then
 * removed by the same paths; a rename there finds no temporary name of ours to move, unless
 * its create went there too, which the check behind the creates stops); a switch back after
 * such a failure writes by path too; and a directory moved away and another made at its path
 * reads as our lock removed. A local store works inside the directories it opened, and
 * notices one replaced before each read or write (LocalStore).
 */
export class DirLocks {
  private timer: NodeJS.Timeout | undefined;
  private keeper: LockKeeper | undefined;
  private beating: Promise<void> | undefined;
  /**
   * Why the locks can no longer be counted on, once a refresh or a check found one gone or
   * taken over (another run may be working here, so the batch must stop), or could not
   * refresh it, or keep its timing.
   */
  private lostHow: string | undefined;
  private released = false;

  private constructor(
    private readonly store: LinkStore,
    readonly files: string[],
    private readonly text: string,
    /** Whether every lock was taken at the first try: nothing was waited for or broken. */
    readonly atOnce: boolean,
    /**
     * When the latest refresh (or the creation) that found every lock ours was sent, on
     * performance.now()'s clock: no waiter takes the locks for stale within SAFE_MS of it.
     */
    private confirmedAt: number,
    /** The last round trip a refresh (or the creation) took. */
    private roundTripMs: number,
    /** What the run should be told: the stale locks it broke. */
    readonly notes: string[],
  ) {}

  /** The last round trip to the store: what every chunk of writes costs, whatever its size. */
  get roundTrip(): number {
    return this.roundTripMs;
  }

  /**
   * Takes the locks of all `dirs` together, or none: a run that gets only some lets them go
   * and tries again, so two runs over overlapping directories cannot deadlock. A stop
   * request ends the wait. `behind` is called once, right after the first try's creates are
   * sent and before their answers are read: a store that carries out requests in order
   * (`inOrder`) does what it sends there after them.
   *
   * A run gives up at its timeout only on a lock seen changing meanwhile (a live holder
   * refreshing it, or another run taking it): one that did not change is stale by then, or
   * a round trip later, and is broken. `tell` hears, as it happens, of a wait past
   * TELL_WAIT_MS (once) and of each stale lock broken.
   */
  static async acquire(
    store: LinkStore,
    dirs: string[],
    timeoutMs: number,
    signal?: AbortSignal,
    behind?: () => void,
    tell?: (message: string) => void,
  ): Promise<DirLocks> {
    const text = holderText();
    const files = dirs.map((dir) => `${dir === '/' ? '' : dir}/${LOCK_NAME}`);
    const deadline = Date.now() + timeoutMs;
    const seen = new Map<string, Seen>();
    const notes: string[] = [];
    const started = Date.now();
    let told = false;
    for (let first = true; ; first = false) {
      const sentAt = performance.now();
      const making = store.create(
        files.map((file) => ({ path: file, type: 'symbolic', content: text })),
      );
      // Each directory resolved again right behind the locks, in the same round trip where
      // the store answers in order: one swapped for a symlink since it was resolved would
      // have taken the lock, and would take every write after it.
      const resolving = store.inOrder ? store.realDirs(dirs) : undefined;
      resolving?.catch(() => undefined);
      if (first) behind?.();
      const made = await making;
      const busy = files.filter((_, index) => isFailure(made[index]));
      if (busy.length === 0) {
        const locks = new DirLocks(
          store,
          files,
          text,
          first,
          sentAt,
          performance.now() - sentAt,
          notes,
        );
        await locks.settle(dirs, await (resolving ?? store.realDirs(dirs)), first);
        return locks;
      }
      const mine = files.filter((_, index) => !isFailure(made[index]));
      if (mine.length > 0) await store.remove(mine);

      const looked = await lookAged(store, busy);
      for (const [index, file] of busy.entries()) {
        const { entry, minAgeMs } = looked[index];
        if (isFailure(entry)) {
          throw new UpdateError(
            `cannot take the lock ${where(store, file)}: ${describeError(made[files.indexOf(file)])}`,
          );
        }
        if (entry.kind === 'none') {
          // Released between our create and our look (whatever is there next is a change),
          // or the create failed for a reason of its own, which waiting does not mend.
          const failure = made[files.indexOf(file)] as StoreFailure;
          const taken = TAKEN.has(failure.code);
          if (!taken || Date.now() >= deadline) {
            throw new UpdateError(
              `cannot take the lock ${where(store, file)}: ${describeError(failure)}` +
                (taken ? `; waited ${Math.round(timeoutMs / 1000)} s` : ''),
            );
          }
          seen.set(file, { state: 'none', since: Date.now(), changed: true });
          continue;
        }
        if (entry.kind !== 'symlink') {
          throw new UpdateError(
            `${where(store, file)} is a ${entry.kind}, not a lock of atomic-link's (a symlink ` +
              `naming its holder); remove it if no other tool uses that name`,
          );
        }
        if (isThisRun(entry.text)) {
          // Two hosts of one fleet that are one directory: waiting would wait for itself.
          throw new UpdateError(
            `${where(store, file)} is held by this very run: this directory is reached twice ` +
              `(two hosts, or two names for one host, lead to it); nothing was changed`,
          );
        }
        const stale = staleness(file, entry, minAgeMs, seen, timeoutMs);
        if (stale !== undefined) {
          if (await breakLock(store, file, entry, text, seen)) {
            const note = `broke the lock ${where(store, file)} of ${describeHolder(entry.text)}: ${stale}`;
            notes.push(note);
            tell?.(note);
          }
          seen.delete(file);
          continue;
        }
        if (Date.now() >= deadline && seen.get(file)?.changed) {
          throw new UpdateError(
            `${where(store, file)} is held by ${describeHolder(entry.text)}; waited ` +
              `${Math.round(timeoutMs / 1000)} s`,
          );
        }
        if (!told && tell && Date.now() - started >= TELL_WAIT_MS) {
          told = true;
          tell(
            `waiting for the lock ${where(store, file)}, held by ${describeHolder(entry.text)}; ` +
              `waiting up to ${Math.max(1, Math.round((deadline - Date.now()) / 1000))} s more`,
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
   * Resolves once the locks are safe from waiting runs for `needMs` more (the time the next
   * chunk of writes is expected to take, at least a round trip), refreshing them first when
   * they are not; throws when they are lost, or when even a refresh just made leaves too
   * little time (a round trip grown too long to keep the lock's timing).
   */
  async ready(needMs: number): Promise<void> {
    const stopped = this.keeper?.stopped();
    if (stopped !== undefined) {
      // The store's own thread stopped keeping them: the check says who took one, if one was.
      await this.confirm();
      this.lostHow ??= `cannot keep the locks fresh: ${stopped}`;
    }
    const need = Math.max(needMs, this.roundTripMs);
    // A refresh in flight when asked was sent earlier: a second one may be needed.
    for (let tries = 0; tries < 2 && !this.keeper && !this.lostHow && !this.safeFor(need); tries++)
      await this.beat();
    if (!this.keeper && this.lostHow === undefined && !this.safeFor(need)) {
      this.lostHow =
        `${this.store.where || 'the store'} answers too slowly to keep the lock's timing: the ` +
        `next writes are expected to take ${(need / 1000).toFixed(1)} s, after a refresh that ` +
        `took ${(this.roundTripMs / 1000).toFixed(1)} s, and a run waiting ` +
        `${MIN_LOCK_TIMEOUT_SECONDS} s could take the lock for dead meanwhile`;
    }
    if (this.lostHow) throw new UpdateError(this.lostHow);
  }

  /**
   * Checks that every lock is still ours where it was made (for a store that names paths,
   * that each directory at its path is still the one locked); throws, and the locks count
   * as lost, when one is not. On an in-order store, a check sent right before (or after) a
   * write is answered as of just before (or after) it.
   */
  async confirm(): Promise<void> {
    const entries = await this.store.inspect(this.files);
    const index = entries.findIndex((entry) => !this.isOurs(entry));
    if (index >= 0) throw await this.lose(index, entries[index]);
  }

  /**
   * Removes the locks that are still ours; never another run's. Returns what could not be
   * removed, for the report.
   */
  async release(): Promise<string[]> {
    this.released = true;
    clearTimeout(this.timer);
    await this.keeper?.stop();
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

  /**
   * Checks the locks just taken before anything is read under them: every directory must
   * still resolve to itself, and the store's round trip allow the lock's timing. Then starts
   * the heartbeat. Throws, with the locks released, when the run cannot go on.
   */
  private async settle(dirs: string[], resolved: Outcome<string>[], first: boolean) {
    const moved = dirs.findIndex((dir, index) => resolved[index] !== dir);
    let refusal: string | undefined;
    if (moved >= 0) {
      const now = resolved[moved];
      refusal =
        `${where(this.store, dirs[moved])} is no longer the directory resolved at the start: ` +
        (isFailure(now) ? describeError(now) : `it now leads to ${JSON.stringify(now)}`) +
        ` (moved, or replaced by a symlink${first ? '' : ' while this run waited for its lock'})`;
    } else if (!this.store.keepLocks && this.roundTripMs > MAX_ROUND_TRIP_MS) {
      refusal =
        `a round trip to ${this.store.where || 'the store'} took ` +
        `${(this.roundTripMs / 1000).toFixed(1)} s: over ${MAX_ROUND_TRIP_MS / 1000} s, the ` +
        `lock's refreshes could land so far apart that a run waiting ` +
        `${MIN_LOCK_TIMEOUT_SECONDS} s for it takes it for dead`;
    }
    if (refusal !== undefined) {
      const problems = await this.release();
      const error = new UpdateError(`${refusal}; nothing was changed`);
      error.notes.push(...problems);
      throw error;
    }
    if (this.store.keepLocks) {
      this.keeper = this.store.keepLocks(
        this.files.map((path) => ({ path, freshPrefix: tempPrefix(dirOf(path)) })),
        this.text,
        HEARTBEAT_MS,
      );
    } else {
      this.beatIn(HEARTBEAT_MS);
    }
  }

  /**
   * The heartbeat of a store without a thread of its own: a timer on the main thread (its
   * requests go through it anyway), each refresh one round trip, the next sent HEARTBEAT_MS
   * after the last was, or as soon as it is answered when it took longer.
   */
  private beatIn(delayMs: number): void {
    this.timer = setTimeout(() => {
      const started = performance.now();
      void this.beat().then(() => {
        if (this.released || this.lostHow) return;
        this.beatIn(Math.max(0, HEARTBEAT_MS - (performance.now() - started)));
      });
    }, delayMs);
    this.timer.unref();
  }

  /** A refresh: the one in flight, or a new one. Never rejects: a failure loses the locks. */
  private beat(): Promise<void> {
    this.beating ??= this.refresh()
      .catch((error: unknown) => {
        this.lostHow ??= error instanceof Error ? error.message : describeError(error);
      })
      .finally(() => (this.beating = undefined));
    return this.beating;
  }

  private safeFor(needMs: number): boolean {
    return performance.now() + needMs < this.confirmedAt + SAFE_MS;
  }

  /**
   * Tells waiting runs that the holder is alive, and makes sure the locks are still ours: a
   * lock removed or taken over means another run may be working here. On an in-order store
   * the look, the fresh lock and its rename go together, in one round trip; the rename then
   * also lands on a lock that is no longer ours, and that one is put back as it was (only a
   * breaker that saw ours unchanged for the whole timeout could have taken it meanwhile).
   */
  private async refresh(): Promise<void> {
    const sentAt = performance.now();
    const looking = this.store.inspect(this.files);
    if (!this.store.inOrder) {
      // Requests may be reordered: the look is answered before anything is written.
      const entries = await looking;
      const index = entries.findIndex((entry) => !this.isOurs(entry));
      if (index >= 0) throw await this.lose(index, entries[index]);
    }
    const fresh = this.files.map((file) => tempName(dirOf(file)));
    const making = this.store.create(
      fresh.map((path) => ({ path, type: 'symbolic', content: this.text })),
    );
    const renaming = this.store.rename(
      fresh.map((from, index) => ({ from, to: this.files[index] })),
    );
    const [entries, made, renamed] = await Promise.all([looking, making, renaming]);
    const index = entries.findIndex((entry) => !this.isOurs(entry));
    if (index >= 0) {
      await this.putBack(entries, renamed);
      throw await this.lose(index, entries[index]);
    }
    const failed = [...made, ...renamed].find(isFailure);
    if (failed) {
      await this.store.remove(fresh);
      throw new UpdateError(
        `cannot refresh the lock in ${where(this.store, this.files[0])}: ${describeError(failed)}`,
      );
    }
    this.confirmedAt = sentAt;
    this.roundTripMs = performance.now() - sentAt;
  }

  /** Puts back each other run's lock that a refresh renamed ours over. */
  private async putBack(entries: Outcome<Entry>[], renamed: Outcome<void>[]): Promise<void> {
    for (const [index, entry] of entries.entries()) {
      if (isFailure(entry) || entry.kind !== 'symlink' || entry.text === this.text) continue;
      if (isFailure(renamed[index])) continue;
      const file = this.files[index];
      const removed = await removeIf(this.store, file, (now) => now.text === this.text);
      // Exclusive: a lock someone took meanwhile is left as it is.
      if (removed === true) {
        await this.store.create([{ path: file, type: 'symbolic', content: entry.text }]);
      }
    }
  }

  /** The locks are lost: says how, once, and returns the error to stop the batch with. */
  private async lose(index: number, entry: Outcome<Entry>): Promise<UpdateError> {
    const file = this.files[index];
    const gone = !isFailure(entry) && entry.kind === 'none';
    const how = gone ? await this.whyGone(dirOf(file)) : lostHow(entry);
    this.lostHow ??= `the lock ${where(this.store, file)} is no longer ours (${how})`;
    return new UpdateError(this.lostHow);
  }

  /**
   * Why our lock is not at its path: removed, or its directory moved or replaced. A store that
   * knows inodes works inside the directories it opened, and tells a replaced one itself.
   */
  private async whyGone(dir: string): Promise<string> {
    if (this.store.knowsInodes) return 'it was removed';
    const [now] = await this.store.realDirs([dir]).catch((error: unknown) => [error as Error]);
    if (typeof now === 'string' && now !== dir) {
      return `its directory now leads to ${JSON.stringify(now)}: moved, or replaced by a symlink`;
    }
    if (typeof now !== 'string') return `its directory is gone: ${describeError(now)}`;
    // Without inode numbers, a directory moved away and another made at its path looks so.
    return 'it was removed, or its directory moved';
  }

  private isOurs(entry: Outcome<Entry>): boolean {
    return !isFailure(entry) && entry.kind === 'symlink' && entry.text === this.text;
  }
}

function holderText(): string {
  const holder: Holder = {
    host: ME.host,
    instance: ME.instance,
    pid: ME.pid,
    token: randomHex(8),
    since: new Date().toISOString(),
  };
  return JSON.stringify(holder);
}

type SymlinkEntry = Extract<Entry, { kind: 'symlink' }>;

/**
 * What is at each lock `file`, with a lower bound of how long it has been so by the store's
 * own clock: a name made in its directory just before the look gives the store's time now,
 * the lock's mtime its last change; less CLOCK_GRAIN_MS, as a store may give whole seconds.
 * So a lock left long ago by a run that cannot be proven dead (another machine, another
 * container) is stale at first sight, whatever the clocks of the machines. The three phases
 * go together: one round trip on an in-order store. 0 where it cannot be told.
 */
async function lookAged(
  store: LinkStore,
  files: string[],
): Promise<{ entry: Outcome<Entry>; minAgeMs: number }[]> {
  const probes = files.map((file) => tempName(dirOf(file)));
  const [, entries] = await Promise.all([
    store.create(probes.map((path) => ({ path, type: 'symbolic', content: '.' }))),
    store.inspect([...files, ...probes], { times: true }),
    store.remove(probes),
  ]);
  return files.map((_, index) => {
    const entry = entries[index];
    const probe = entries[files.length + index];
    const age =
      !isFailure(entry) && entry.kind === 'symlink' && !isFailure(probe) && probe.kind === 'symlink'
        ? (probe.mtimeMs ?? 0) - (entry.mtimeMs ?? Infinity) - CLOCK_GRAIN_MS
        : 0;
    return { entry, minAgeMs: Math.max(0, age) };
  });
}

/**
 * Why the lock `file` is stale, or undefined when it is not: its holder is provably gone, or
 * it has not changed for the timeout, seen from here or known `minAgeMs` old at first sight.
 */
function staleness(
  file: string,
  entry: SymlinkEntry,
  minAgeMs: number,
  seen: Map<string, Seen>,
  timeoutMs: number,
): string | undefined {
  const holder = parseHolder(entry.text);
  if (holder && isGone(holder)) return 'its holder is gone';
  const state = `${entry.mtimeMs} ${entry.text}`;
  let first = seen.get(file);
  if (first === undefined || first.state !== state) {
    first = { state, since: Date.now() - minAgeMs, changed: first !== undefined };
    seen.set(file, first);
  }
  const unchangedMs = Date.now() - first.since;
  return unchangedMs > timeoutMs
    ? `it was not refreshed for ${Math.round(unchangedMs / 1000)} s`
    : undefined;
}

/**
 * Removes the lock `file` if it is still the `stale` one, under the break lock; returns
 * whether it did. The break lock names the breaker: one left by a breaker that died is broken
 * in turn, as a lock is.
 */
async function breakLock(
  store: LinkStore,
  file: string,
  stale: SymlinkEntry,
  text: string,
  seen: Map<string, Seen>,
): Promise<boolean> {
  const guardFile = file + BREAK_SUFFIX;
  const [taken] = await store.create([{ path: guardFile, type: 'symbolic', content: text }]);
  if (isFailure(taken)) {
    // Another run is breaking it right now, or died doing so.
    const [{ entry: breaker, minAgeMs }] = await lookAged(store, [guardFile]);
    if (
      !isFailure(breaker) &&
      breaker.kind === 'symlink' &&
      staleness(guardFile, breaker, minAgeMs, seen, BREAK_STALE_MS) !== undefined
    ) {
      await removeIf(store, guardFile, (entry) => sameEntry(entry, breaker));
      seen.delete(guardFile);
    }
    return false;
  }
  try {
    return (await removeIf(store, file, (entry) => sameEntry(entry, stale))) === true;
  } finally {
    await removeIf(store, guardFile, (entry) => entry.text === text);
  }
}

/**
 * Removes `file` only if what is there passes `isIt`. It is renamed aside to a temporary name
 * of ours first, in one rename, and looked at there: what is removed is exactly what was
 * judged, however the name changed since. Anything else found there was another run's, and is
 * put back: a symlink as a new one with its text, made only if the name is still free, so that
 * a lock taken meanwhile is never replaced. Returns whether it was removed, or the failure of
 * the rename or the removal.
 */
async function removeIf(
  store: LinkStore,
  file: string,
  isIt: (entry: SymlinkEntry) => boolean,
): Promise<Outcome<boolean>> {
  const aside = tempName(dirOf(file));
  // Sent together: the server answers in order, so the look is at what the rename moved.
  const [[moved], [entry]] = await Promise.all([
    store.rename([{ from: file, to: aside }]),
    store.inspect([aside], { times: true }),
  ]);
  if (isFailure(moved)) return moved;
  if (!isFailure(entry) && entry.kind === 'symlink') {
    const judged = isIt(entry);
    if (!judged) await store.create([{ path: file, type: 'symbolic', content: entry.text }]);
    const [removed] = await store.remove([aside]);
    return isFailure(removed) ? removed : judged;
  }
  const [back] = await store.rename([{ from: aside, to: file }]);
  return isFailure(back) ? back : false;
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

/**
 * The holder a lock's text names, for a message. The text was read from disk and may be
 * anyone's: every part of it is quoted, so that a message stays one line and no part of it
 * reads as a workflow command.
 */
function isThisRun(text: string): boolean {
  const holder = parseHolder(text);
  return holder?.instance === ME.instance && holder.pid === ME.pid;
}

function describeHolder(text: string): string {
  const holder = parseHolder(text);
  return holder
    ? `pid ${holder.pid} on ${quoted(holder.host)} since ${quoted(holder.since)}`
    : `an unknown holder (${JSON.stringify(text.slice(0, 80))})`;
}

const quoted = (value: unknown) => JSON.stringify(String(value));

function lostHow(entry: Outcome<Entry>): string {
  if (isFailure(entry)) return describeError(entry);
  if (entry.kind === 'none') return 'it was removed';
  if (entry.kind === 'symlink') return `now held by ${describeHolder(entry.text)}`;
  return `a ${entry.kind} is there now`;
}

function where(store: LinkStore, file: string): string {
  return store.where ? `${store.where}:${file}` : file;
}

const dirOf = (file: string) => file.slice(0, file.lastIndexOf('/')) || '/';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
