/**
 * What the guard and its worker share. The worker file is copied into the bundle as it is
 * compiled (not bundled), so it may import only Node's own modules and types from here.
 */
export interface GuardWorkerData {
  paths: string[];
  /** Int32Array over it: [STOP] is set to 1 by the main thread, [PASSES] counts full passes. */
  control: SharedArrayBuffer;
}

export const STOP = 0;
export const PASSES = 1;

export interface GuardWorkerResult {
  lookups: number;
  /** Per watched path index that was ever missing: misses and when (ms since the worker began). */
  misses: { index: number; count: number; firstMs: number; lastMs: number }[];
}
