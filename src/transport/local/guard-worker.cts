import fs from 'node:fs';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import type { GuardWatch, GuardWorkerData, GuardWorkerResult } from './guard-protocol.js';

const { buffer, slots } = workerData as GuardWorkerData;
const flags = new Int32Array(buffer);

/**
 * Looks names up with lstat, which sees the name itself and not what it points to: a dangling
 * link is present, a name in the middle of an unlink-then-create is not. Each round looks at
 * the next link in turn, so every link is looked at again and again, and with `followSwitch`
 * at the link being switched right now, where a non-atomic switch opens its gap.
 */
function watch({ paths, standBy, followSwitch }: GuardWatch): void {
  Atomics.store(flags, slots.ready, 1);
  Atomics.notify(flags, slots.ready);
  if (standBy) Atomics.wait(flags, slots.begin, 0);
  const start = performance.now();
  const misses = new Map<number, { count: number; firstMs: number; lastMs: number }>();
  let lookups = 0;
  let blind: string | undefined;
  const look = (index: number) => {
    Atomics.store(flags, slots.lookups, ++lookups);
    try {
      if (fs.lstatSync(paths[index], { throwIfNoEntry: false }) !== undefined) return;
      // A link is missing only from a directory that is there: when the directory is gone
      // too, the guard has lost sight (an sshfs connection died), which it reports instead.
      const dir = path.dirname(paths[index]);
      if (fs.lstatSync(dir, { throwIfNoEntry: false }) === undefined) {
        blind = `${dir} vanished`;
        return;
      }
    } catch (error) {
      blind = `${(error as NodeJS.ErrnoException).code ?? error} looking up ${paths[index]}`;
      return;
    }
    Atomics.add(flags, slots.misses, 1);
    const now = performance.now() - start;
    const miss = misses.get(index);
    if (miss) {
      miss.count++;
      miss.lastMs = now;
    } else {
      misses.set(index, { count: 1, firstMs: now, lastMs: now });
    }
  };

  Atomics.store(flags, slots.looking, 1);
  Atomics.notify(flags, slots.looking);
  let next = 0;
  do {
    if (followSwitch) look(Atomics.load(flags, slots.hot));
    look(next);
    next = (next + 1) % paths.length;
  } while (Atomics.load(flags, slots.stop) === 0 && blind === undefined);

  const result: GuardWorkerResult = {
    lookups,
    blind,
    misses: [...misses].map(([index, miss]) => ({ index, ...miss })),
  };
  parentPort?.postMessage(result);
}

parentPort?.once('message', watch);
