import type { GuardReport, LinkResult } from './types.js';

/**
 * Every failure the engine reports carries the exit code the CLI and the action use, so that
 * callers never have to guess from a message what kind of failure they are looking at.
 */
export class AtomicLinkError extends Error {
  /**
   * Lines that go with the message: each link left neither old nor switched back, and what
   * could not be cleaned up.
   */
  readonly notes: string[] = [];
  /** Where each link stands, when the run failed after reading them all (during the switch). */
  results?: LinkResult[];
  /** What the guard did and saw, when the run failed after it watched. */
  guard?: GuardReport;

  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad usage or input, found before anything on disk was touched (exit 2). */
export class UsageError extends AtomicLinkError {
  constructor(message: string) {
    super(message, 2);
  }
}

/**
 * The update failed (exit 1): every link is as it was, or was switched back; or, when even
 * the switch back failed, the message says so and the notes name each link that is not.
 */
export class UpdateError extends AtomicLinkError {
  constructor(message: string) {
    super(message, 1);
  }
}

/** A link was seen missing by the guard or the probe (exit 3). */
export class MissingLinkError extends AtomicLinkError {
  constructor(message: string) {
    super(message, 3);
  }
}

/** The errno code of a Node system error, or undefined for anything else. */
export function errnoCode(error: unknown): string | undefined {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** A one-line reason for a failed system call, without Node's stack or path noise: `EPERM (rename)`. */
export function describeError(error: unknown): string {
  const code = errnoCode(error);
  if (code) {
    const syscall = (error as NodeJS.ErrnoException).syscall;
    return syscall ? `${code} (${syscall})` : code;
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * The store stopped answering (a connection lost) with work in flight: what it did with the
 * last requests cannot be known. Each link is still old or new, as every change is a rename.
 */
export class StoreLostError extends AtomicLinkError {
  constructor(message: string) {
    super(message, 1);
  }
}

/**
 * A signal asked the run to stop; the batch was ended whole (finished nothing, or switched back
 * what it had switched). Front ends exit with 128 + the signal's number.
 */
export class InterruptedError extends AtomicLinkError {
  constructor(
    message: string,
    readonly signal: string,
  ) {
    super(message, 1);
  }
}
