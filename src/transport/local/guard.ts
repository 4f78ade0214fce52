import { Worker } from 'node:worker_threads';
import { CONTROL_SLOTS, HOT, LOOKING, LOOKUPS, MISSES, STOP } from './guard-protocol.js';
import type { GuardWatch, GuardWorkerResult } from './guard-protocol.js';
import type { GuardReport } from '../../engine/types.js';

/**
 * Watches links from a worker thread while the main thread switches them. It has to run in
 * parallel: lookups made between two synchronous renames on the same thread could never see
 * a gap. Every lookup that finds a name missing is counted.
 *
 * The thread is started first and given its links later, so that its start-up overlaps the
 * checks the main thread makes before any switch.
 */
export class Guard {
  private readonly flags = new Int32Array(new SharedArrayBuffer(CONTROL_SLOTS * 4));
  private readonly worker: Worker;
  private readonly result: Promise<GuardWorkerResult>;
  private paths: string[] = [];

  constructor() {
    this.worker = new Worker(new URL('./guard-worker.cjs', import.meta.url), {
      workerData: this.flags.buffer,
    });
    this.result = new Promise((resolve, reject) => {
      this.worker.once('message', resolve);
      this.worker.once('error', reject);
      this.worker.once('exit', (code) => reject(new Error(`the guard stopped early (${code})`)));
    });
    // A failed guard fails the run where it is awaited, in watch() or stop().
    this.result.catch(() => undefined);
  }

  /** Starts looking at `paths`; resolves once the worker is looking. */
  async watch(paths: string[]): Promise<void> {
    this.paths = paths;
    const message: GuardWatch = { paths };
    this.worker.postMessage(message);
    const looking = Atomics.waitAsync(this.flags, LOOKING, 0);
    // Racing the result rethrows a worker that died before it began looking.
    if (looking.async) await Promise.race([looking.value, this.result]);
  }

  /** Tells the guard which path (an index into the watched paths) is being switched now. */
  switching(index: number): void {
    Atomics.store(this.flags, HOT, index);
  }

  /** What the guard has seen so far, while it is still looking. */
  soFar(): { lookups: number; missing: number } {
    return {
      lookups: Atomics.load(this.flags, LOOKUPS),
      missing: Atomics.load(this.flags, MISSES),
    };
  }

  /** Stops looking and reports what was seen, in the paths' own terms. */
  async stop(): Promise<GuardReport> {
    Atomics.store(this.flags, STOP, 1);
    const result = await this.result;
    await this.worker.terminate();
    return {
      lookups: result.lookups,
      blind: result.blind,
      missing: result.misses.reduce((sum, miss) => sum + miss.count, 0),
      sightings: result.misses.map(({ index, count, firstMs, lastMs }) => ({
        link: this.paths[index],
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
