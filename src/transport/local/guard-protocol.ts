import type { MessagePort } from 'node:worker_threads';

/**
 * What the guard and its worker share. The worker file is copied into the bundle as it is
 * compiled (not bundled), so it may import only Node's own modules, and types from here.
 */
export interface GuardWatch {
  paths: string[];
  /** Wait for `begin` before looking: the switch comes later. */
  standBy: boolean;
  /** Look at the path being switched (`hot`) on every round, besides the next one in turn. */
  followSwitch: boolean;
}

/**
 * Slots of the Int32Array over the shared control buffer. The worker is handed this table
 * with the buffer (it may not import values).
 */
export const SLOTS = {
  /** Set to 1 by the main thread: report and exit. */
  stop: 0,
  /** Set to 1 by the worker once it has the paths, standing by or looking. */
  ready: 1,
  /** Set to 1 by the main thread: a worker standing by looks from now. */
  begin: 2,
  /** Set to 1 by the worker once it is looking. */
  looking: 3,
  /** Index of the path being switched right now. */
  hot: 4,
  /** Lookups made so far, kept by the worker. */
  lookups: 5,
  /** Lookups that found a link missing so far. */
  misses: 6,
};
export const CONTROL_SLOTS = Object.keys(SLOTS).length;

/** What the keeper of a run's locks is started with (see LinkStore.keepLocks). */
export interface KeeperWorkerData {
  keep: { locks: { path: string; freshPrefix: string }[]; text: string; everyMs: number };
  /** Where it says why it stopped keeping them. */
  port: MessagePort;
}

export interface GuardWorkerData {
  buffer: SharedArrayBuffer;
  slots: typeof SLOTS;
}

export interface GuardWorkerResult {
  lookups: number;
  /** Rounds over every path: each was looked at at least this many times. */
  rounds: number;
  /** From when it began looking to its last lookup. */
  windowMs: number;
  /** Why the worker stopped looking before it was told to, if it did. */
  blind?: string;
  /** Per watched path index that was ever missing: misses and when (ms since it began). */
  misses: { index: number; count: number; firstMs: number; lastMs: number }[];
}
