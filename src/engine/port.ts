import type { GuardReport, LinkType } from './types.js';

/**
 * The one port between the engine's rules and a place where links live: the local filesystem
 * (which also serves any mounted volume) or a server spoken to over SFTP.
 *
 * Every operation takes a whole phase's worth of items, so that a remote store can send them
 * all before reading any reply: a phase costs about one round trip, not one per link. Each
 * item has an outcome of its own, in the order given; one item's failure never throws. A store
 * throws (a StoreLostError) only when it can no longer tell what happened: a connection lost.
 */
export interface LinkStore {
  /** How messages name the place: `root@host:/srv`, or '' for this machine. */
  readonly where: string;
  /** Whether syncDirs can make renames durable; SFTP has no directory fsync. */
  readonly canSyncDirs: boolean;
  /**
   * Whether `file` entries carry `id` and `nlink`. Without them a hard link's identity is
   * unknown, so a hard link is always re-made and a file at LINK needs --replace-files.
   */
  readonly knowsInodes: boolean;
  /**
   * Whether requests sent before the answers to earlier ones are carried out in the order
   * sent (one SFTP channel: the server handles its requests one after another). Then what is
   * read under the locks is asked for right behind the locks' creation, in the same round
   * trip, and used only if every lock was taken at that first try.
   */
  readonly inOrder?: boolean;
  /**
   * What opening the store passed over without failing (a known_hosts line it cannot use, a
   * key file it could not): for a report's notes, shown with -v.
   */
  readonly notes?: readonly string[];

  /** Each directory with symlinks resolved; a failure when it is missing or not a directory. */
  realDirs(dirs: string[]): Promise<Outcome<string>[]>;
  /**
   * What is at each path, not following a symlink there (lstat, and readlink for links).
   * `mtimeMs` is filled in only when `times` is asked for, where it costs a call more.
   */
  inspect(paths: string[], options?: { times?: boolean }): Promise<Outcome<Entry>[]>;
  /**
   * Whether each symlink text leads somewhere when read from its directory, as the kernel
   * serving the store resolves it (on the server, for a remote or mounted store).
   */
  reach(targets: { dir: string; text: string }[]): Promise<Outcome<void>[]>;
  /** Creates each link; the create is exclusive (an existing name fails it). */
  create(links: NewLink[]): Promise<Outcome<void>[]>;
  /**
   * Renames each `from` over its `to`, in order, each in one rename(2). `watchIndex` tells a
   * guard watching this store which watched path is being switched.
   */
  rename(renames: Rename[]): Promise<Outcome<void>[]>;
  /** Unlinks each path: never recursive, never following a link. */
  remove(paths: string[]): Promise<Outcome<void>[]>;
  /** The names in each directory. */
  list(dirs: string[]): Promise<Outcome<string[]>[]>;
  /** Makes each directory's entries durable, where the store can. */
  syncDirs(dirs: string[]): Promise<Outcome<void>[]>;

  /**
   * Starts watching `paths` for a missing moment; resolves once it is looking. `standBy`: the
   * switch comes later, when begin() says so (the new links are made meanwhile, and a fleet
   * waits for its other hosts); until then the watch must cost next to nothing: a remote one
   * keeps one lookup in flight, the local one waits. begin() returns once it looks fully, and
   * throws when it can no longer look (then nothing may be switched).
   */
  watch(paths: string[], options?: WatchOptions): Promise<Watch>;
  /** What is known of how rename behaves in `dir`, before any trial. */
  renameBehaviour(dir: string): Promise<RenameBehaviour>;
  /**
   * Keeps the locks fresh from a thread of the store's own, so that however long the main
   * thread is busy (a synchronous phase of a large batch), a waiting run never takes them for
   * dead. Optional: a store without it (SFTP, whose requests go through the main thread
   * anyway) is kept fresh by the engine's timer.
   */
  keepLocks?(locks: KeptLock[], text: string, everyMs: number): LockKeeper;

  close(): Promise<void>;
}

export interface WatchOptions {
  standBy?: boolean;
  /**
   * The batch's links that do not exist yet. A guard told of changes (the kernel's
   * notifications) watches them too: another writer making or removing one of them meanwhile
   * is writing the same links. One that samples cannot before they are renamed, as they are
   * missing until then; one that knows the links it renamed (stamps) looks at them after.
   */
  newPaths?: string[];
}

/** A result, or the error that one item met (a Node system error or one shaped like it). */
export type Outcome<T> = T | StoreFailure;

export interface StoreFailure extends Error {
  code: string;
  syscall?: string;
}

/** Told by shape, not by class: an error made in another realm (a VM context) is one too. */
export function isFailure<T>(outcome: Outcome<T>): outcome is StoreFailure {
  const maybe = outcome as Partial<StoreFailure> | null | undefined;
  return typeof maybe?.code === 'string' && typeof maybe?.message === 'string';
}

export type Entry =
  | { kind: 'none' }
  | { kind: 'symlink'; text: string; mtimeMs?: number }
  | { kind: 'file'; id?: string; nlink?: number; mtimeMs?: number }
  | { kind: 'directory' }
  | { kind: 'other' };

export interface NewLink {
  path: string;
  type: LinkType;
  /** A symlink's text, or the path a hard link is made to. */
  content: string;
  /**
   * It is to be renamed into place while a guard watches. Where the store can, it marks it,
   * so that its guard, looking once the renames are acknowledged, tells the very link renamed
   * there from one another writer made meanwhile (over SFTP, where lookups only sample: an
   * mtime that no link made during the run can have). A link it cannot mark is only sampled.
   */
  stamp?: boolean;
}

export interface Rename {
  from: string;
  to: string;
  watchIndex?: number;
}

/**
 * A lock to keep fresh: every `everyMs`, if the symlink at `path` still has the holder's text,
 * a fresh one (named `freshPrefix` and a random part of 16 hex digits: a temporary name of
 * the run's own, which later runs sweep) is made with the same text and renamed over it.
 */
export interface KeptLock {
  path: string;
  freshPrefix: string;
}

export interface LockKeeper {
  /**
   * Why the locks are no longer kept, once one was found not ours (removed or taken over: it
   * is then left as it is) or could not be refreshed; undefined while they are.
   */
  stopped(): string | undefined;
  /** Stops keeping them; once it resolves, no refresh is made any more. */
  stop(): Promise<void>;
}

export interface Watch {
  /**
   * The most renames it can follow in one chunk, between two of the engine's yields to the
   * event loop (a kernel's queue of notifications read there); any number when absent.
   */
  readonly maxChunk?: number;
  /** How it watches, for the report made when stop() itself fails. */
  readonly method: GuardReport['method'];
  /** The switch starts now: look at the full rate from here until stop(). */
  begin(): void;
  /** Lookups made and misses seen so far, while it looks. */
  soFar(): { lookups: number; missing: number };
  /** Stops looking and reports, naming links by the paths given to watch(). */
  stop(): Promise<GuardReport>;
}

/**
 * `atomic`: rename replaces in one step there, known exactly (a local disk, an SFTP server
 * with posix-rename). `gap`: known not to (the reason says how). `unknown`: only trial swaps
 * can tell; `exact` says whether one trial settles it (the only open question is whether the
 * rename replaces at all).
 */
export type RenameBehaviour =
  | { kind: 'atomic' }
  | { kind: 'gap'; reason: string }
  | { kind: 'unknown'; filesystem: string; exact: boolean };
