import { setMaxListeners } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const lastWords = new Set<() => void>();

/**
 * Runs `work` with an AbortSignal that a first SIGINT, SIGTERM or SIGHUP (a cancelled job, a
 * Ctrl-C) aborts, its reason the signal's name: the work then ends whole and reports. A second
 * signal exits at once with 128+N, after the `atLastSignal` cleanups (an unmount); what was
 * switched stays switched, every link old or new, as every change is a rename.
 */
export async function withStopSignals<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  // Every connection listens for the stop (a fleet's hosts and their jump hosts): past ten,
  // Node would warn on stderr of a leak that is none.
  setMaxListeners(0, controller.signal);
  const onSignal = (signal: NodeJS.Signals) => {
    if (!controller.signal.aborted) {
      controller.abort(signal);
      return;
    }
    try {
      // Written at once: the event loop will not run again to flush a stream.
      fs.writeSync(
        2,
        `atomic-link: stopped at once by a second ${signal}: every link is old or new, but ` +
          'the batch may be part done; the next run breaks the lock and removes the temporary ' +
          'links\n',
      );
    } catch {
      // Nobody is reading stderr any more: the exit code says it.
    }
    // The cleanups run on the way out (see atLastSignal).
    process.exit(exitCodeOf(signal));
  };
  for (const signal of SIGNALS) process.on(signal, onSignal);
  try {
    return await work(controller.signal);
  } finally {
    for (const signal of SIGNALS) process.off(signal, onSignal);
  }
}

/**
 * Registers a cleanup for an exit that skips the `finally` blocks: at a second signal, or a
 * crash (an uncaught exception ends the process with its 'exit' event, and no more). It must
 * be synchronous: nothing asynchronous runs on the way out. Returns its removal, for when the
 * resource is released the ordinary way.
 */
export function atLastSignal(cleanup: () => void): () => void {
  if (lastWords.size === 0) process.on('exit', sayLastWords);
  lastWords.add(cleanup);
  return () => {
    lastWords.delete(cleanup);
    if (lastWords.size === 0) process.off('exit', sayLastWords);
  };
}

function sayLastWords(): void {
  for (const cleanup of lastWords) {
    try {
      cleanup();
    } catch {
      // The others still run; the process is going away whatever this one says.
    }
  }
  lastWords.clear();
}

/** The shell's exit code for a process ended by `signal`. */
export function exitCodeOf(signal: string): number {
  return 128 + (os.constants.signals[signal as NodeJS.Signals] ?? 0);
}

/** The signal a shell's exit code above 128 stands for, if any: `exitCodeOf`'s inverse. */
export function signalOfExitCode(code: number): NodeJS.Signals | undefined {
  const signals = Object.entries(os.constants.signals) as [NodeJS.Signals, number][];
  return code > 128 ? signals.find(([, number]) => number === code - 128)?.[0] : undefined;
}
