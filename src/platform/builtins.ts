import { createRequire } from 'node:module';

/*
 * Node's modules that only some runs need, loaded when first asked for: at start-up, every
 * module imported is loaded whether the run uses it or not (node:crypto cost a one-link run
 * 3.5 ms on Node 20 and 7 to 12 ms on Node 24, node:worker_threads and the streams it loads
 * 2.5 to 6 ms, node:child_process 1.5 ms).
 */
const load = createRequire(import.meta.url);

export const childProcess = () => load('node:child_process') as typeof import('node:child_process');
export const nodeCrypto = () => load('node:crypto') as typeof import('node:crypto');
export const workerThreads = () =>
  load('node:worker_threads') as typeof import('node:worker_threads');
