import { Worker } from 'node:worker_threads';
import { PASSES, STOP } from './guard-protocol.js';
import type { GuardWorkerData, GuardWorkerResult } from './guard-protocol.js';
import type { GuardReport } from './types.js';

/**
 * Watches links from a worker thread while the main thread switches them. It has to run in
 * parallel: lookups made between two synchronous renames on the same thread could never see
 * a gap. Every lookup that finds a name missing is counted.
 */
export class Guard {
  private readonly flags: Int32Array;
  private readonly worker: Worker;
  private readonly result: Promise<GuardWorkerResult>;

  private constructor(private readonly paths: string[]) {
    const control = new SharedArrayBuffer(8);
    this.flags = new Int32Array(control);
    const data: GuardWorkerData = { paths, control };
    this.worker = new Worker(new URL('./guard-worker.js', import.meta.url), { workerData: data });
    this.result = new Promise((resolve, reject) => {
      this.worker.once('message', resolve);
      this.worker.once('error', reject);
      this.worker.once('exit', (code) => reject(new Error(`the guard stopped early (${code})`)));
    });
    // A failed guard must fail the run, but only when it is awaited in stop().
    this.result.catch(() => undefined);
  }

  /** Starts watching and resolves once every path has been looked at once. */
  static async start(paths: string[]): Promise<Guard> {
    const guard = new Guard(paths);
    const firstPass = Atomics.waitAsync(guard.flags, PASSES, 0);
    // Racing the result rethrows a worker that died before it began watching.
    if (firstPass.async) await Promise.race([firstPass.value, guard.result]);
    return guard;
  }

  /** Stops after one more full pass and reports what was seen, in the paths' own terms. */
  async stop(): Promise<GuardReport> {
    Atomics.store(this.flags, STOP, 1);
    const result = await this.result;
    await this.worker.terminate();
    return {
      lookups: result.lookups,
      missing: result.misses.reduce((sum, miss) => sum + miss.count, 0),
      sightings: result.misses.map(({ index, count, firstMs, lastMs }) => ({
        link: this.paths[index],
        count,
        firstMs: Math.round(firstMs),
        lastMs: Math.round(lastMs),
      })),
    };
  }
}
