import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { workerThreads } from '../../platform/builtins.js';
import { actionRoot } from '../../platform/own-files.js';
import { CONTROL_SLOTS, SLOTS } from './guard-protocol.js';
import type { GuardWatch, GuardWorkerData, GuardWorkerResult } from './guard-protocol.js';
import type { GuardReport } from '../../engine/types.js';

/** The file of the local store's threads: the guard's, and the locks' keeper's. */
const BUILT_WORKER = new URL('./guard-worker.cjs', import.meta.url);

/**
 * Beside the module that loads it: in dist/ beside the bundle, in lib/ beside the compiled
 * module. Run from its sources (tsx, as GitHub's @github/local-action runs an action), the
 * action's own dist/ holds it: tsx compiles the sources of the main thread only.
 */
export const WORKER_FILE = fs.existsSync(BUILT_WORKER)
  ? BUILT_WORKER
  : (builtInAction() ?? BUILT_WORKER);

function builtInAction(): URL | undefined {
  const root = actionRoot(import.meta.url);
  return root === undefined
    ? undefined
    : pathToFileURL(path.join(root, 'dist', 'guard-worker.cjs'));
}

/**
 * How long begin() waits for the worker to be looking. It wakes in a millisecond or two; one
 * that has not in this time leaves the switch unwatched, and the guard says it was blind.
 */
const BEGIN_WAIT_MS = 5000;

/**
 * Watches links from a worker thread while the main thread switches them. It has to run in
 * parallel: lookups made between two synchronous renames on the same thread could never see
 * a gap. Every lookup that finds a name missing is counted.
 *
 * The thread is started first and given its links later, so that its start-up overlaps the
 * checks the main thread makes before any switch; standing by, it takes its links while the
 * new links are made, and looks only from begin(), so as not to take the processor from them.
 */
export class Guard {
  private readonly flags = new Int32Array(new SharedArrayBuffer(CONTROL_SLOTS * 4));
  private readonly worker: Worker;
  private readonly result: Promise<GuardWorkerResult>;
  /** How the report names each watched path. */
  private names: string[] = [];
  private late = false;
  private why: string | undefined;
  /** Why the thread ended, once it has: seen between the chunks of the creates. */
  private ended: string | undefined;

  constructor() {
    const workerData: GuardWorkerData = {
      buffer: this.flags.buffer as SharedArrayBuffer,
      slots: SLOTS,
    };
    this.worker = new (workerThreads().Worker)(WORKER_FILE, { workerData });
    this.result = new Promise((resolve, reject) => {
      this.worker.once('message', resolve);
      this.worker.once('error', reject);
      this.worker.once('exit', (code) => reject(new Error(`the guard stopped early (${code})`)));
    });
    // An error is followed by the exit: the first word is kept. Not with `??=`: ncc's asset
    // relocator cannot parse it, and then ships the worker's file under a hashed name.
    this.worker.once('error', (error) => (this.ended = `its thread failed: ${error.message}`));
    this.worker.once('exit', (code) => {
      if (this.ended === undefined) this.ended = `its thread ended (${code})`;
    });
    // A failed guard fails the run where it is awaited, in watch() or stop().
    this.result.catch(() => undefined);
  }

  /**
   * Starts looking at `paths`, or with `standBy` only from begin(); resolves once the worker
   * has them (and is looking, unless it stands by). The report names each path as `names`
   * does (the path as given, where the guard looks at it through another view). With
   * `followSwitch` (the default), each round also looks at the path switching() names. `why`:
   * why it samples, for the report.
   */
  async watch(
    paths: string[],
    {
      standBy = false,
      names = paths,
      followSwitch = true,
      why,
    }: { standBy?: boolean; names?: string[]; followSwitch?: boolean; why?: string } = {},
  ): Promise<void> {
    this.names = names;
    this.why = why;
    const message: GuardWatch = { paths, standBy, followSwitch };
    this.worker.postMessage(message);
    const ready = Atomics.waitAsync(this.flags, standBy ? SLOTS.ready : SLOTS.looking, 0);
    // Racing the result rethrows a worker that died before it was ready.
    if (ready.async) await Promise.race([ready.value, this.result]);
  }

  /**
   * A guard standing by looks from now. Returns once it is looking, so that the first rename
   * made after it is watched: a blocking wait, as short as a thread's wake-up. Throws when its
   * thread has ended while it stood by: nothing has been switched, and nothing would be watched.
   */
  begin(): void {
    if (this.ended !== undefined) throw new Error(this.ended);
    Atomics.store(this.flags, SLOTS.begin, 1);
    Atomics.notify(this.flags, SLOTS.begin);
    this.late = Atomics.wait(this.flags, SLOTS.looking, 0, BEGIN_WAIT_MS) === 'timed-out';
  }

  /** Tells the guard which path (an index into the watched paths) is being switched now. */
  switching(index: number): void {
    Atomics.store(this.flags, SLOTS.hot, index);
  }

  /** What the guard has seen so far, while it is still looking. */
  soFar(): { lookups: number; missing: number } {
    return {
      lookups: Atomics.load(this.flags, SLOTS.lookups),
      missing: Atomics.load(this.flags, SLOTS.misses),
    };
  }

  /** Stops looking and reports what was seen, in the paths' own terms. */
  async stop(): Promise<GuardReport> {
    Atomics.store(this.flags, SLOTS.stop, 1);
    // One standing by is woken to stop.
    Atomics.store(this.flags, SLOTS.begin, 1);
    Atomics.notify(this.flags, SLOTS.begin);
    const result = await this.result;
    await this.worker.terminate();
    return {
      method: 'sampling',
      certain: false,
      lookups: result.lookups,
      windowMs: Math.round(result.windowMs),
      perLinkMin: result.rounds,
      sampledBecause: this.why,
      blind:
        result.blind ??
        (this.late
          ? `its thread was not looking ${BEGIN_WAIT_MS} ms after the switch began`
          : undefined),
      missing: result.misses.reduce((sum, miss) => sum + miss.count, 0),
      sightings: result.misses.map(({ index, count, firstMs, lastMs }) => ({
        link: this.names[index],
        count,
        firstMs: Math.round(firstMs),
        lastMs: Math.round(lastMs),
      })),
    };
  }

  /** Ends the thread without a report, when the run ends before any switch. */
  async dispose(): Promise<void> {
    await this.worker.terminate();
  }
}
