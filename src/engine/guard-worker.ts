import fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { GuardWorkerData, GuardWorkerResult } from './guard-protocol.js';

// Constants repeated from guard-protocol.ts: this file is shipped as compiled, without a
// bundler, so it may not import values from other modules of the project.
const STOP = 0;
const PASSES = 1;

const { paths, control } = workerData as GuardWorkerData;
const flags = new Int32Array(control);
const start = performance.now();
const misses = new Map<number, { count: number; firstMs: number; lastMs: number }>();
let lookups = 0;

/**
 * Looks every watched name up with lstat, which sees the name itself and not what it points
 * to: a dangling link is present, a name in the middle of an unlink-then-create is not.
 */
function pass(): void {
  for (let index = 0; index < paths.length; index++) {
    lookups++;
    if (fs.lstatSync(paths[index], { throwIfNoEntry: false }) !== undefined) continue;
    const now = performance.now() - start;
    const miss = misses.get(index);
    if (miss) {
      miss.count++;
      miss.lastMs = now;
    } else {
      misses.set(index, { count: 1, firstMs: now, lastMs: now });
    }
  }
  Atomics.add(flags, PASSES, 1);
  Atomics.notify(flags, PASSES);
}

// Keep looking until told to stop, then make one more full pass, so that every link is looked
// at again after the last switch.
do pass();
while (Atomics.load(flags, STOP) === 0);
pass();

const result: GuardWorkerResult = {
  lookups,
  misses: [...misses].map(([index, miss]) => ({ index, ...miss })),
};
parentPort?.postMessage(result);
