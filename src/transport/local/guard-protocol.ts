/**
 * What the guard and its worker share. The worker file is copied into the bundle as it is
 * compiled (not bundled), so it may import only Node's own modules, and types from here.
 */
export interface GuardWatch {
  paths: string[];
}

/** Slots of the Int32Array over the shared control buffer. */
export const STOP = 0; // set to 1 by the main thread: report and exit
export const LOOKING = 1; // set to 1 by the worker once it is looking
export const HOT = 2; // index of the path being switched right now
export const LOOKUPS = 3; // lookups made so far, kept by the worker
export const MISSES = 4; // lookups that found a link missing so far
export const CONTROL_SLOTS = 5;

export interface GuardWorkerResult {
  lookups: number;
  /** Why the worker stopped looking before it was told to, if it did. */
  blind?: string;
  /** Per watched path index that was ever missing: misses and when (ms since it began). */
  misses: { index: number; count: number; firstMs: number; lastMs: number }[];
}
