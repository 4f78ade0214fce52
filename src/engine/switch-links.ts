import { DirLocks } from './dir-lock.js';
import {
  AtomicLinkError,
  InterruptedError,
  MissingLinkError,
  UpdateError,
  describeError,
} from './errors.js';
import { readHistory } from './history.js';
import { askState, inspect, placeSpecs } from './plan.js';
import type { Asked, Operation } from './plan.js';
import { isFailure } from './port.js';
import type { Entry, LinkStore, NewLink, Outcome, Rename, StoreFailure, Watch } from './port.js';
import { probeDirectories } from './probe.js';
import { count } from './report-text.js';
import { sweepLeftovers, tempName } from './temp-names.js';
import type {
  BatchState,
  GuardReport,
  LinkResult,
  LinkSpec,
  LinkState,
  Progress,
  ReplacedLink,
  SwitchOptions,
  SwitchReport,
} from './types.js';

/**
 * Per-link phases go to the store in chunks: between two chunks the lock is refreshed, progress
 * reported and a stop request seen. A chunk is one round trip remotely, and takes from
 * microseconds a link (a local disk) to round trips a link (a mounted network volume), so
 * its size follows the time the last one took.
 */
const FIRST_CHUNK = 128;
const MAX_CHUNK = 8192;
const CHUNK_MS = 250;

/**
 * Switches every link of the batch, or none: all specs are checked before anything is touched,
 * and a switch that fails midway switches back the links already switched. Each switch is one
 * rename, watched by the guard; a link seen missing fails the run after the switch.
 */
export async function switchLinks(
  store: LinkStore,
  specs: LinkSpec[],
  options: SwitchOptions,
): Promise<SwitchReport> {
  if (options.dryRun) {
    const placed = await readHistory(
      store,
      await placeSpecs(store, specs, options),
      options.lock !== false,
    );
    const operations = await inspect(store, placed, options);
    const results = operations.map((operation) =>
      toResult(operation, operation.changed ? 'would switch' : 'unchanged'),
    );
    return { results, probed: [], dryRun: true, notes: [] };
  }
  const prepared = await prepareSwitch(store, specs, options);
  let report: SwitchReport;
  try {
    const { guard, notes } = await prepared.commit();
    report = { results: prepared.results(), guard, probed: prepared.probed, dryRun: false, notes };
  } catch (error) {
    // A failure to clean up is said, never put in place of what happened to the links.
    const problems = await prepared.release();
    if (error instanceof AtomicLinkError) {
      error.notes.push(...problems);
      error.results = prepared.results();
    }
    throw error;
  }
  report.notes.unshift(...(store.notes ?? []));
  const warnings = await prepared.release();
  return warnings.length > 0 ? { ...report, warnings } : report;
}

/** When a batch's first rename was sent and its last acknowledged (performance.now()). */
export interface RenameTimes {
  sentAt: number;
  ackedAt: number;
}

/**
 * A batch made ready to switch: checked, locked, every new link made under its temporary name.
 * Nothing a reader sees has changed yet. release() must follow on every way out.
 */
export interface PreparedSwitch {
  /**
   * Each link and where it stands now. Made when asked for, at the end: not carried through
   * the switch, link by link.
   */
  results(): LinkResult[];
  /** Where the batch stands as a whole, once commit() has been called. */
  state(): BatchState;
  probed: string[];
  /**
   * Renames every link into place, watched; throws with every link old or switched back, or
   * the truth about each that is not (or an exit-3 error when the guard saw one missing).
   */
  commit(): Promise<{ guard?: GuardReport; notes: string[]; renamed?: RenameTimes }>;
  /**
   * Switches back what commit() switched, when the batch must be undone after all; `whole`
   * says whether every link is as it was again, the message says how it went.
   */
  revert(cause: string): Promise<{ whole: boolean; message: string }>;
  /** Removes the temporary names and the locks; returns what it could not, for the report. */
  release(): Promise<string[]>;
}

/** Everything before the first rename: place, lock, sweep, inspect, probe, make the new links. */
export async function prepareSwitch(
  store: LinkStore,
  specs: LinkSpec[],
  options: SwitchOptions,
): Promise<PreparedSwitch> {
  const placed = await placeSpecs(store, specs, options);
  const dirs = [...new Set(placed.map((item) => item.realDir))].sort();
  const timeoutMs = (options.lockTimeoutSeconds ?? 60) * 1000;
  // A store that carries out requests in order gets the reads of the batch sent right behind
  // the locks' creation: one round trip for the locks, the sweep's listing and the links'
  // state, instead of three. They count only if every lock was taken at that first try.
  // Backups are read before the links' state can be asked for (a rollback's targets come from
  // them): then the listing alone is read behind, for the sweep and the backups both.
  const readsHistory = specs.some((spec) => spec.history ?? spec.rollback);
  let behind: { listed: Promise<Outcome<string[]>[]>; asked?: Asked } | undefined;
  const readBehind = () => {
    const listed = store.list(dirs);
    const asked = readsHistory ? undefined : askState(store, placed, options);
    behind = { listed, asked };
    // Read later, or never (the locks were not taken at once): never an unheard failure.
    listed.catch(() => undefined);
    asked?.answers.catch(() => undefined);
  };
  const locks =
    options.lock === false
      ? undefined
      : await DirLocks.acquire(
          store,
          dirs,
          timeoutMs,
          options.signal,
          store.inOrder ? readBehind : undefined,
          options.onNotice,
        );
  const early = locks?.atOnce ? behind : undefined;
  const batch = new Batch(store, options, locks);
  let sweeping: Promise<void> | undefined;
  try {
    stopIfAsked(options, 'nothing was changed');
    // A dead run's names are its own: removing them can go on while the batch is checked and
    // its new links made, on a store where waiting for the listing costs a round trip.
    sweeping = locks && sweepLeftovers(store, dirs, locks.files, timeoutMs, early?.listed);
    sweeping?.catch(() => undefined);
    if (!store.inOrder) await sweeping;
    const listed = early && { dirs, listings: early.listed };
    const current = readsHistory
      ? await readHistory(store, placed, locks !== undefined, listed)
      : placed;
    progress(store, options, 'checking', 0, current.length);
    const operations = await inspect(store, current, options, early?.asked);
    progress(store, options, 'checking', current.length, current.length);
    const pending = operations.filter((operation) => operation.changed);
    const pendingDirs = [...new Set(pending.map((op) => op.realDir))];
    const probed = await probeDirectories(store, pendingDirs, options);
    stopIfAsked(options, 'nothing was changed');
    await batch.prepare(pending);
    await sweeping;
    return {
      results: () => batch.results(operations),
      state: () => batch.state(),
      probed,
      commit: async () => {
        const guard = await batch.commit();
        const notes = [
          ...(guard?.partlyBlind ? [`the guard was partly blind: ${guard.partlyBlind}`] : []),
          ...(locks?.notes ?? []),
          ...(await makeDurable(store, pendingDirs, options)),
        ];
        return { guard, notes, renamed: batch.renameTimes };
      },
      revert: (cause) => batch.revert(cause),
      release: () => batch.cleanUp(),
    };
  } catch (error) {
    await sweeping?.catch(() => undefined);
    const problems = await batch.cleanUp();
    if (error instanceof AtomicLinkError) error.notes.push(...problems);
    throw error;
  }
}

export function stopIfAsked(options: SwitchOptions, state?: string): void {
  const reason = options.signal?.reason;
  if (options.signal?.aborted) {
    throw new InterruptedError(`stopped by ${reason}${state ? `; ${state}` : ''}`, reason);
  }
}

/** A link the rollback could not put back: new, or unknown (old or new) when no answer came. */
interface NotBack {
  state: 'new' | 'unknown';
  reason: string;
}

/** One link's way back: a rename onto it (made from `link` first, if given), or a removal. */
interface WayBack {
  index: number;
  rename?: Rename;
  link?: NewLink;
}

/** The switch itself and everything it leaves to clean up, whatever way it ends. */
class Batch {
  /**
   * What became of each pending link's temporary name: 0 not made, 1 made, 2 renamed into
   * place. By index, not in a set of names: hashing thousands of fresh names costs more than
   * the bookkeeping is worth.
   */
  private made = new Uint8Array(0);
  /** The other temporary names made: files' second names and the rollback's links. */
  private readonly others = new Set<string>();

  constructor(
    private readonly store: LinkStore,
    private readonly options: SwitchOptions,
    private readonly locks: DirLocks | undefined,
  ) {}

  private pending: Operation[] = [];
  /** Each pending link's temporary name. */
  private temps: string[] = [];
  /** Each pending link's index among the watched paths, or -1. */
  private watchIndex = new Int32Array(0);
  private readonly watched: number[] = [];
  private kept = new Map<number, string>();
  private readonly done: number[] = [];
  private readonly unsure: number[] = [];
  /** Set once rollback() ran: the links in `left` are those it could not put back. */
  private rolledBack = false;
  private left = new Map<number, NotBack>();
  private watch: Watch | undefined;
  private sentAt = 0;
  private ackedAt = 0;
  /** How long the last chunk took: the next is sent only under locks safe for that long. */
  private chunkMs = 0;

  /**
   * Makes every new link under a temporary name; nothing a reader sees changes yet. The
   * guard is handed its links meanwhile, standing by until commit(): its start-up (a thread
   * taking 10,000 paths, a first round trip) is then not part of the switch, nor of a fleet's
   * skew, and it looks only from the first rename, as lookups made while the temporary links
   * are made would take the processor from them (on two cores, 4% more time for 10,000).
   */
  async prepare(pending: Operation[]): Promise<void> {
    this.pending = pending;
    this.made = new Uint8Array(pending.length);
    this.temps = new Array(pending.length);
    this.watchIndex = new Int32Array(pending.length).fill(-1);
    const keeping: NewLink[] = [];
    pending.forEach((operation, index) => {
      this.temps[index] = tempName(operation.realDir);
      // Links that exist now are the ones that must never be missing.
      if (operation.prior.kind !== 'none') this.watchIndex[index] = this.watched.push(index) - 1;
      // Files at a LINK (hard links, or regular files with --replace-files) keep a second name
      // until the batch is over, so that a rollback can rename them back.
      if (operation.prior.kind === 'file') {
        const keep = tempName(operation.realDir);
        this.kept.set(index, keep);
        keeping.push({ path: keep, type: 'hard', content: operation.path });
      }
    });
    const watching = this.startWatch();
    watching.catch(() => undefined);
    try {
      await this.createAll(pending.length + keeping.length, (index) => {
        if (index >= pending.length) return keeping[index - pending.length];
        const { type, content } = pending[index];
        const link: NewLink = { path: this.temps[index], type, content };
        // Stamped for a guard (one that knows the links it renamed looks at new ones too).
        if (this.options.guard !== false && this.watched.length > 0) link.stamp = true;
        return link;
      });
    } catch (error) {
      // Settled, so that cleanUp() stops a guard that started meanwhile.
      await watching.catch(() => undefined);
      throw error;
    }
    await watching;
  }

  /**
   * Starts the guard on the links that exist now, standing by until commit(): a fleet's first
   * hosts ready wait for the last, and ten guards looking at full rate meanwhile took the
   * processor from the hosts not ready yet.
   */
  private async startWatch(): Promise<void> {
    if (this.options.guard === false || this.watched.length === 0) return;
    this.watch = await this.store
      .watch(
        this.watched.map((index) => this.pending[index].path),
        {
          standBy: true,
          newPaths: this.pending.flatMap((operation) =>
            operation.prior.kind === 'none' ? [operation.path] : [],
          ),
        },
      )
      .catch((error) => {
        throw this.guardFailed(
          error,
          `cannot start the guard: ${describeError(error)}; no link was changed`,
        );
      });
  }

  /**
   * The guard could not start or begin: stopped, as any run stopped before the switch
   * (128+N), when a stop blinded it (its channel silent past the stop's grace is closed); it
   * ended with exit 1, the signal unsaid.
   */
  private guardFailed(error: unknown, message: string): AtomicLinkError {
    const { signal } = this.options;
    return signal?.aborted
      ? new InterruptedError(message, String(signal.reason))
      : wrap(error, message);
  }

  /**
   * Renames the new links into place while the guard watches. Returns the guard's report;
   * throws when the batch could not be done, with every link old or switched back, or with
   * the truth about each link that is not.
   */
  async commit(): Promise<GuardReport | undefined> {
    const { pending } = this;
    let failure: AtomicLinkError | undefined;
    try {
      this.watch?.begin();
    } catch (error) {
      throw this.guardFailed(
        error,
        `the guard cannot look: ${describeError(error)}; no link was changed`,
      );
    }
    this.sentAt = performance.now();
    try {
      await this.renameAll(this.done, this.unsure, pending);
    } catch (error) {
      failure = await this.rollback(error);
    }
    this.ackedAt = performance.now();
    const report = await this.stopWatching();
    if (report?.replaced) await this.readNow(report.replaced);
    if (
      report &&
      (report.missing > 0 || (report.touched?.length ?? 0) > 0 || report.replaced !== undefined)
    ) {
      const missing = missingError(report, pending, failure);
      missing.notes.push(...(failure?.notes ?? []));
      missing.guard = report;
      throw missing;
    }
    if (failure) {
      failure.guard = report;
      throw failure;
    }
    if (report?.blind) {
      const blind = new MissingLinkError(
        `every link is switched, but the guard lost sight of them (${report.blind}), ` +
          `so it cannot vouch that none was missing`,
      );
      blind.guard = report;
      throw blind;
    }
    return report;
  }

  /** Where each link another writer replaced stands now, for the report. */
  private async readNow(replaced: ReplacedLink[]): Promise<void> {
    const entries = await this.store
      .inspect(replaced.map((link) => link.link))
      .catch((error: unknown) => replaced.map(() => error as StoreFailure));
    replaced.forEach((link, index) => (link.now = stateOf(entries[index])));
  }

  /** Switches back a batch commit() switched whole, for a cause outside it. */
  async revert(cause: string): Promise<{ whole: boolean; message: string }> {
    const error = await this.rollback(new UpdateError(cause));
    return {
      whole: this.left.size === 0,
      message: [error.message, ...error.notes].join('; '),
    };
  }

  /** Each pending link's state now, by index. */
  private linkStates(): LinkState[] {
    const states = new Array<LinkState>(this.pending.length).fill('not switched');
    if (!this.rolledBack) {
      for (const index of this.done) states[index] = 'switched';
      for (const index of this.unsure) states[index] = 'unknown';
    }
    for (const [index, { state }] of this.left) {
      states[index] = state === 'new' ? 'switched' : 'unknown';
    }
    return states;
  }

  /** Every operation's result; `operations` holds the pending ones in their order. */
  results(operations: Operation[]): LinkResult[] {
    const states = this.linkStates();
    let index = 0;
    return operations.map((operation) =>
      toResult(operation, operation.changed ? states[index++] : 'unchanged'),
    );
  }

  /** See PreparedSwitch.state. */
  state(): BatchState {
    const states = this.linkStates();
    if (states.includes('unknown')) return 'unknown';
    const switched = states.filter((state) => state === 'switched').length;
    if (switched === states.length) return 'switched';
    if (switched > 0) return 'mixed';
    return this.done.length > 0 ? 'switched back' : 'unchanged';
  }

  /** When the first rename was sent and the last acknowledged, on performance.now()'s clock. */
  get renameTimes(): RenameTimes | undefined {
    if (this.pending.length === 0) return undefined;
    return { sentAt: this.sentAt, ackedAt: this.ackedAt };
  }

  private async stopWatching(): Promise<GuardReport | undefined> {
    const watch = this.watch;
    this.watch = undefined;
    return watch === undefined ? undefined : stopWatching(watch);
  }

  /** Creates every temporary link; if any cannot be made, nothing has been switched yet. */
  private async createAll(count: number, linkAt: (index: number) => NewLink): Promise<void> {
    progress(this.store, this.options, 'making', 0, count);
    for (let start = 0, size = FIRST_CHUNK; start < count;) {
      // Made chunk by chunk, each left to die young: thousands of objects that lived through
      // the whole batch would be copied by every collection.
      const chunk = range(start, Math.min(count, start + size), linkAt);
      const began = Date.now();
      const { sent, checked } = await this.sendChecked(
        () => this.store.create(chunk),
        'no link was changed',
      );
      const made = await sent;
      size = nextChunk(size, began, this.locks?.roundTrip);
      this.chunkMs = Date.now() - began;
      const failed = this.recordMade(start, chunk, made);
      start += chunk.length;
      progress(this.store, this.options, 'making', start, count);
      // Recorded first: links made where a directory was swapped in are removed from there.
      await checked;
      if (failed >= 0) {
        throw new UpdateError(
          `cannot create ${JSON.stringify(chunk[failed].path)}, a new link to put in place: ` +
            `${describeError(made[failed])}; no link was changed`,
        );
      }
      await this.between('no link was changed');
    }
  }

  /**
   * Renames in chunks; `done` collects the indexes switched, also when one fails, and `unsure`
   * those of a chunk that got no answer (the store was lost), each now old or new.
   */
  private async renameAll(done: number[], unsure: number[], pending: Operation[]): Promise<void> {
    const renameAt = (index: number) => {
      const rename: Rename = { from: this.temps[index], to: pending[index].path };
      if (this.watchIndex[index] >= 0) rename.watchIndex = this.watchIndex[index];
      return rename;
    };
    progress(this.store, this.options, 'switching', 0, pending.length);
    const most = this.watch?.maxChunk ?? MAX_CHUNK;
    for (let start = 0, size = Math.min(FIRST_CHUNK, most); start < pending.length;) {
      // Before the first chunk too: the lock must be known to be ours when the first link moves.
      // After the last, a stop request finds the batch whole: it stays done.
      await this.between();
      const chunk = range(start, Math.min(pending.length, start + size), renameAt);
      const began = Date.now();
      const { sent, checked } = await this.sendChecked(() => this.store.rename(chunk));
      const outcomes = await sent.catch((error: unknown) => {
        unsure.push(...chunk.map((_, offset) => start + offset));
        throw error;
      });
      size = Math.min(most, nextChunk(size, began, this.locks?.roundTrip));
      this.chunkMs = Date.now() - began;
      const failed = this.recordSwitched(start, outcomes, done);
      // Recorded first: a lock lost meanwhile switches this chunk back too.
      await checked;
      if (failed !== undefined) {
        const operation = pending[failed];
        throw new UpdateError(
          `${operation.origin}: could not switch LINK ${JSON.stringify(operation.link)}: ` +
            describeError(outcomes[failed - start]),
        );
      }
      start += outcomes.length;
      progress(this.store, this.options, 'switching', done.length, pending.length);
    }
  }

  /*
   * The bookkeeping of a chunk, link by link, is kept out of the loops over chunks: V8 then
   * compiles these small functions, not the whole of each loop (12 ms of a compiler thread,
   * taken from the switch on two cores).
   */

  /** Records each link of a chunk made; returns the offset of the first that was not, or -1. */
  private recordMade(start: number, chunk: NewLink[], made: Outcome<void>[]): number {
    let failed = -1;
    for (let offset = 0; offset < chunk.length; offset++) {
      if (isFailure(made[offset])) failed = failed < 0 ? offset : failed;
      else if (start + offset < this.made.length) this.made[start + offset] = 1;
      else this.others.add(chunk[offset].path);
    }
    return failed;
  }

  /** Records each link of a chunk switched in `done`; returns the index of the first not. */
  private recordSwitched(
    start: number,
    outcomes: Outcome<void>[],
    done: number[],
  ): number | undefined {
    let failed: number | undefined;
    for (let index = start; index < start + outcomes.length; index++) {
      if (isFailure(outcomes[index - start])) failed ??= index;
      else {
        done.push(index);
        // A hard link renamed onto its own inode stays: it is removed with the leftovers.
        if (this.pending[index].type === 'symbolic') this.made[index] = 2;
      }
    }
    return failed;
  }

  /**
   * Between two chunks: a stop request, or a lock found lost, ends the batch; `state` says
   * what that leaves, when the caller knows. The locks must be safe for the next chunk: a
   * refresh is waited for when the last one was too long ago.
   */
  private async between(state?: string): Promise<void> {
    // A signal, and the heartbeat's timer, run on the event loop: let them run after a chunk
    // made synchronously.
    await new Promise((resolve) => setImmediate(resolve));
    stopIfAsked(this.options, state);
    await this.locks?.ready(this.chunkMs).catch((error: Error) => {
      throw new UpdateError(state ? `${error.message}; ${state}` : error.message);
    });
  }

  /**
   * Sends a chunk of writes with the check that every lock is still ours where it was made:
   * on an in-order store in the same write, one check in front of the chunk and one behind
   * it, at no round trip of its own, so that the answers say whether the chunk was done in
   * the locked directories under our locks; elsewhere (a local store, whose checks cost a
   * readlink) the check is made first, and nothing is sent under a lock lost. `checked` is
   * to be awaited once the chunk's outcomes are recorded: whoever cleans up or switches back
   * then knows what the chunk did. `state` says what a lost lock leaves, when known here.
   */
  private async sendChecked<R>(
    send: () => Promise<R>,
    state?: string,
  ): Promise<{ sent: Promise<R>; checked: Promise<unknown> }> {
    const locks = this.locks;
    if (locks === undefined) return { sent: send(), checked: Promise.resolve() };
    const saying = (error: Error) => {
      throw state ? new UpdateError(`${error.message}; ${state}`) : error;
    };
    if (!this.store.inOrder) {
      await locks.confirm().catch(saying);
      return { sent: send(), checked: Promise.resolve() };
    }
    const before = locks.confirm();
    const sent = send();
    const checked = Promise.all([before, locks.confirm()]).catch(saying);
    checked.catch(() => undefined);
    return { sent, checked };
  }

  /**
   * Puts each switched link back as it was, each again in one rename. Returns the error to
   * report: the cause, and the truth about every link that could not be put back.
   */
  private async rollback(cause: unknown): Promise<AtomicLinkError> {
    const { pending, done, unsure, kept } = this;
    const why = cause instanceof Error ? cause.message : String(cause);
    const left = new Map<number, NotBack>();
    for (const index of unsure) left.set(index, { state: 'unknown', reason: why });
    if (done.length > 0) await this.putBack(pending, done, kept, left);
    this.rolledBack = true;
    this.left = left;
    if (left.size === 0) {
      const count = done.length === 1 ? 'the link' : `the ${done.length} links`;
      return wrap(
        cause,
        done.length === 0
          ? `${why}; no link was changed`
          : `${why}; switched back ${count} already switched`,
      );
    }
    const told = [...left.values()];
    const some = (state: NotBack['state'], what: string) => {
      const count = told.filter((link) => link.state === state).length;
      return count === 0 ? [] : [`${count} ${count === 1 ? 'link is' : 'links are'} ${what}`];
    };
    const message =
      `${why}; the batch could not be switched back whole: ` +
      [...some('new', 'new'), ...some('unknown', 'old or new, as no answer came')].join('; ') +
      `; each is named below, and every other link is as it was`;
    const error =
      cause instanceof InterruptedError
        ? new InterruptedError(message, cause.signal)
        : new UpdateError(message);
    for (const [index, { state, reason }] of left) {
      const link = JSON.stringify(pending[index].link);
      error.notes.push(
        state === 'new'
          ? `${link} is new (${JSON.stringify(pending[index].target)}), not switched back: ${reason}`
          : `${link} is old or new: ${reason}`,
      );
    }
    return error;
  }

  /**
   * Switches back the links in `done`, and records in `left` each one that could not be. The
   * old symlinks are made again under temporary names, then renamed over the new ones; files
   * come back from the names they kept; links that were not there are removed.
   *
   * The old symlinks are made only now, not before the first rename: that would double the
   * links every batch makes, for 25% (tmpfs) to 60% (ext4) more time on 10,000 links, to
   * help only when the disk is full. And each rename freed the inode of the link it replaced,
   * so even a full disk has room for them, unless something else took it meanwhile.
   */
  private async putBack(
    pending: Operation[],
    done: number[],
    kept: Map<number, string>,
    left: Map<number, NotBack>,
  ): Promise<void> {
    const back: WayBack[] = done.map((index) => {
      const operation = pending[index];
      const prior = operation.prior;
      // The links that were there are watched: the guard is told of each rename back.
      const watchIndex = this.watchIndex[index];
      if (prior.kind === 'symlink') {
        const from = tempName(operation.realDir);
        return {
          index,
          link: {
            path: from,
            type: 'symbolic',
            content: prior.text,
            stamp: this.watch !== undefined,
          },
          rename: { from, to: operation.path, watchIndex },
        };
      }
      if (prior.kind === 'file')
        return {
          index,
          rename: { from: kept.get(index) as string, to: operation.path, watchIndex },
        };
      return { index };
    });
    const fail = (item: WayBack, state: NotBack['state'], error: unknown) =>
      left.set(item.index, { state, reason: describeError(error) });
    // Links go back by path: a directory moved, or replaced by a symlink, since the last chunk's
    // check would take them into another directory (over SFTP, one of another user's). Those
    // stay new, and are said so.
    const moved = await this.movedDirs(done.map((index) => pending[index].realDir));
    for (const item of back) {
      const why = moved.get(pending[item.index].realDir);
      if (why !== undefined) fail(item, 'new', new Error(why));
    }

    const making = back.filter((item) => item.link && !left.has(item.index));
    let made: Outcome<void>[];
    try {
      made = await this.store.create(making.map((item) => item.link as NewLink));
    } catch (error) {
      // Nothing went back: every switched link is still new.
      back.forEach((item) => fail(item, 'new', error));
      return;
    }
    making.forEach((item, i) => {
      if (isFailure(made[i])) fail(item, 'new', made[i]);
      else this.others.add((item.link as NewLink).path);
    });

    const renaming = back.filter((item) => item.rename && !left.has(item.index));
    const removing = back.filter((item) => !item.rename && !left.has(item.index));
    let renamed: Outcome<void>[];
    try {
      renamed = await this.store.rename(renaming.map((item) => item.rename as Rename));
    } catch (error) {
      renaming.forEach((item) => fail(item, 'unknown', error));
      removing.forEach((item) => fail(item, 'new', error));
      return;
    }
    renaming.forEach((item, i) => {
      if (isFailure(renamed[i])) fail(item, 'new', renamed[i]);
      else this.others.delete((item.rename as Rename).from);
    });

    try {
      const removed = await this.store.remove(removing.map((item) => pending[item.index].path));
      removing.forEach((item, i) => {
        const outcome = removed[i];
        if (isFailure(outcome) && outcome.code !== 'ENOENT') fail(item, 'new', outcome);
      });
    } catch (error) {
      removing.forEach((item) => fail(item, 'unknown', error));
    }
  }

  /** Each of `dirs` that no longer resolves to itself, with what it is now. */
  private async movedDirs(dirs: string[]): Promise<Map<string, string>> {
    const unique = [...new Set(dirs)];
    let reals: Outcome<string>[];
    try {
      reals = await this.store.realDirs(unique);
    } catch (error) {
      return new Map(unique.map((dir) => [dir, `cannot resolve ${dir}: ${describeError(error)}`]));
    }
    return new Map(
      unique.flatMap((dir, index): [string, string][] => {
        const real = reals[index];
        if (real === dir) return [];
        const now = isFailure(real)
          ? describeError(real)
          : `it now leads to ${JSON.stringify(real)}`;
        return [
          [dir, `${dir} is no longer the directory switched (${now}): not switched back there`],
        ];
      }),
    );
  }

  /**
   * The backups each switched link no longer needs: a rollback's, and those past
   * --keep-backups. Once only: a second cleanUp() finds a link switched again by nobody.
   */
  private removeAfterSwitch(): string[] {
    const states = this.linkStates();
    const paths = this.pending.flatMap((operation, index) =>
      states[index] === 'switched' ? (operation.removeAfter ?? []) : [],
    );
    for (const operation of this.pending) delete operation.removeAfter;
    return paths;
  }

  /** Removes every temporary name still there, and the locks; returns what it could not. */
  async cleanUp(): Promise<string[]> {
    const problems: string[] = [];
    await this.stopWatching();
    const removing = this.removeAfterSwitch();
    const temps = [...this.others];
    this.others.clear();
    this.made.forEach((state, index) => {
      if (state === 1) temps.push(this.temps[index]);
    });
    this.made.fill(0);
    const removals = Promise.all([
      this.store.remove(temps),
      removing.length === 0 ? [] : this.store.remove(removing),
    ]);
    // On a store that carries out requests in order, the locks' release (a read of each, then
    // its removal) follows the removals on the way: the reads are answered after them, so the
    // locks go only once the names are gone, and one round trip sooner.
    const releasing = this.store.inOrder ? this.releaseLocks() : undefined;
    try {
      const [removed, backupsRemoved] = await removals;
      for (const [outcomes, what] of [
        [removed, 'temporary link'],
        [backupsRemoved, 'used or surplus backup'],
      ] as const) {
        const failed = outcomes.filter(
          (outcome): outcome is StoreFailure => isFailure(outcome) && outcome.code !== 'ENOENT',
        );
        if (failed.length > 0) {
          problems.push(
            `cannot remove ${failed.length} ${what}${failed.length === 1 ? '' : 's'}: ` +
              describeError(failed[0]),
          );
        }
      }
    } catch (error) {
      problems.push(`cannot remove the temporary links: ${describeError(error)}`);
    }
    problems.push(...(await (releasing ?? this.releaseLocks())));
    return problems.length === 0
      ? []
      : [`could not clean up: ${problems.join('; ')}; a later run removes what is left`];
  }

  /** Removes the locks; returns what it could not. */
  private async releaseLocks(): Promise<string[]> {
    try {
      return (await this.locks?.release()) ?? [];
    } catch (error) {
      return [`cannot remove the lock: ${describeError(error)}`];
    }
  }
}

/** A guard that cannot report has lost sight of the links, as a blind one has. */
async function stopWatching(watch: Watch): Promise<GuardReport> {
  try {
    return await watch.stop();
  } catch (error) {
    return {
      ...watch.soFar(),
      method: watch.method,
      certain: false,
      windowMs: 0,
      blind: describeError(error),
      sightings: [],
    };
  }
}

function progress(
  store: LinkStore,
  options: SwitchOptions,
  phase: Progress['phase'],
  done: number,
  total: number,
): void {
  options.onProgress?.({ phase, done, total, where: store.where });
}

/** `make(index)` for each index from `start` up to `end`. */
function range<T>(start: number, end: number, make: (index: number) => T): T[] {
  const items: T[] = new Array(end - start);
  for (let index = start; index < end; index++) items[index - start] = make(index);
  return items;
}

/**
 * The next chunk's size: CHUNK_MS of the store's work, beyond the round trip (`fixedMs`, known
 * from the lock) that a remote chunk costs whatever its size. Timed whole, a chunk at 500 ms
 * RTT took twice CHUNK_MS at any size, so the chunks shrank to 16 links: 500 links over SFTP
 * took 29 s, in steps of 16 a round trip or two.
 */
function nextChunk(size: number, began: number, fixedMs = 0): number {
  const took = Math.max(1, Date.now() - began - fixedMs);
  return Math.max(16, Math.min(MAX_CHUNK, Math.round((size * CHUNK_MS) / took)));
}

function wrap(cause: unknown, message: string): AtomicLinkError {
  if (cause instanceof InterruptedError) return new InterruptedError(message, cause.signal);
  if (cause instanceof AtomicLinkError && cause.exitCode !== 1) return cause;
  return new UpdateError(message);
}

/**
 * rename is atomic at once but durable only once the directory is on disk. Filesystems that
 * cannot fsync a directory say so, and SFTP has no way to ask: the report says which.
 */
async function makeDurable(
  store: LinkStore,
  dirs: string[],
  options: SwitchOptions,
): Promise<string[]> {
  if (options.fsync === false || dirs.length === 0) return [];
  if (!store.canSyncDirs) {
    return ['the new links are in place but not flushed to disk: SFTP cannot fsync a directory'];
  }
  const synced = await store.syncDirs(dirs);
  return dirs.flatMap((dir, index) => {
    const outcome: Outcome<void> = synced[index];
    return isFailure(outcome)
      ? [`${dir} could not be flushed to disk: ${describeError(outcome)}`]
      : [];
  });
}

function missingError(
  report: GuardReport,
  pending: Operation[],
  failure: unknown,
): MissingLinkError {
  const linkAt = new Map(pending.map((operation) => [operation.path, operation.link]));
  const named = (file: string) => JSON.stringify(linkAt.get(file) ?? file);
  const listed = <T>(items: T[], say: (item: T) => string) =>
    items.slice(0, 10).map(say).join('; ') +
    (items.length > 10 ? `, and ${items.length - 10} more links` : '');
  const parts: string[] = [];
  const touched = report.touched ?? [];
  if (touched.length > 0) {
    parts.push(
      `the kernel told of changes to links during the update that were not ours (an ` +
        `unlink, a create or another rename: each may have left the link missing; times ` +
        `from when the guard started): ` +
        listed(touched, (link) => {
          const ours = link.ours === 1 ? 'our rename made 1' : `our renames made ${link.ours}`;
          const start = link.missingAtStart ? 'was missing when the guard began, ' : '';
          const first = link.events > link.ours ? `, first at ${link.firstMs} ms` : '';
          return (
            `${named(link.link)} ${start}changed ${link.events} times where ${ours}${first}, ` +
            `and is now ${link.now}`
          );
        }),
    );
  }
  if (report.missing > 0) {
    parts.push(
      `the guard saw links missing during the update (${report.missing} of ${report.lookups} ` +
        `lookups; times from when the guard started): ` +
        listed(report.sightings, (sighting) => {
          const when =
            sighting.firstMs === sighting.lastMs
              ? `at ${sighting.firstMs} ms`
              : `between ${sighting.firstMs} and ${sighting.lastMs} ms`;
          return `${named(sighting.link)} missing ${count(sighting.count, 'time')} ${when}`;
        }),
    );
  }
  const replaced = report.replaced ?? [];
  if (replaced.length > 0) {
    parts.push(
      `links looked at once every rename was acknowledged were not the ones atomic-link ` +
        `renamed there: another writer made them again, and may have left each missing ` +
        `meanwhile (times from when the guard started): ` +
        listed(replaced, (link) => {
          const now = link.now === undefined ? '' : `, and is now ${link.now}`;
          return `${named(link.link)} was ${link.found} at ${link.firstMs} ms${now}`;
        }),
    );
  }
  const also = failure === undefined ? '' : `; the update also failed: ${describeError(failure)}`;
  return new MissingLinkError(`${parts.join('; ')}${also}`);
}

/** Where a link stands, said for a report: `-> TEXT`, `missing`, `a file`... */
function stateOf(entry: Outcome<Entry>): string {
  if (isFailure(entry)) return `unreadable (${describeError(entry)})`;
  if (entry.kind === 'symlink') return `-> ${JSON.stringify(entry.text)}`;
  const said = {
    none: 'missing',
    file: 'a file',
    directory: 'a directory',
    other: 'something else',
  };
  return said[entry.kind];
}

function toResult(operation: Operation, state: LinkState): LinkResult {
  return {
    link: operation.link,
    type: operation.type,
    target: operation.target,
    previous: operation.prior.kind === 'symlink' ? operation.prior.text : null,
    changed: state === 'switched' || state === 'would switch',
    state,
    ...(operation.from !== undefined && { from: operation.from }),
  };
}
