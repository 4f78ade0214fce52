export type LinkType = 'symbolic' | 'hard';

/**
 * One requested link. `target` is interpreted from the link's own directory, as the kernel
 * does for a symbolic link's text; front ends that take ln-style, cwd-relative targets turn
 * them into absolute paths before they get here.
 */
export interface LinkSpec {
  link: string;
  target: string;
  type: LinkType;
  /** Store the target relative to the link's directory. */
  relative?: boolean;
  /** Switch only if the link currently points at this target (compare-and-swap). */
  expect?: string;
  /** Keep LINK+SUFFIX pointing at the previous target. */
  backup?: string;
  /** Numbered backups, named under the lock from the directory's entries: see History. */
  history?: History;
  /**
   * Go back instead: LINK's target becomes its newest backup's (`target` is then unused), and
   * that backup is removed once LINK is switched. Simple backups are LINK+`suffix`.
   */
  rollback?: { suffix: string };
  /** Where the spec came from ("spec 2", "links line 4"), for error messages. */
  origin: string;
}

/**
 * LINK's old target kept as LINK.~N~, N one more than its highest now: always (`numbered`), or
 * only once LINK has numbered backups (else `backup` is the suffix, as GNU's `existing`).
 * `keep`: after the switch, only LINK's newest `keep` numbered backups are left.
 */
export interface History {
  numbered: boolean;
  keep?: number;
}

export type ProbeMode = 'auto' | 'always' | 'never';

export interface SwitchOptions {
  /** Base directory for relative link paths. */
  cwd: string;
  /** When set, every link must resolve inside this directory (the action's working-directory). */
  root?: string;
  allowDangling?: boolean;
  replaceFiles?: boolean;
  dryRun?: boolean;
  guard?: boolean;
  probe?: ProbeMode;
  lock?: boolean;
  lockTimeoutSeconds?: number;
  fsync?: boolean;
  /**
   * Aborted (its reason the signal's name) when the run must stop: the batch ends whole, with
   * nothing switched or everything switched back, and an InterruptedError.
   */
  signal?: AbortSignal;
  /**
   * Called as each phase of the batch begins and after each chunk of it, for a front end to
   * show the progress of phases that last (it decides how often, and whether at all).
   */
  onProgress?: (progress: Progress) => void;
  /**
   * How the front end says to give an option (named as the CLI's long option), in advice:
   * `pass --allow-dangling` by default; the action names its input instead.
   */
  advise?: (option: string) => string;
  /**
   * What the user should hear while the run goes on, as it happens: a wait for a lock held by
   * another run, a stale lock broken. One line each, never a hot path.
   */
  onNotice?: (message: string) => void;
}

/** Where a batch is: `checking` its links, `making` the new links, `switching` them. */
export interface Progress {
  phase: 'checking' | 'making' | 'switching';
  done: number;
  total: number;
  /** The store's place (a host), when it is not this machine. */
  where: string;
}

/**
 * Where a link stands when the run ends. `switched`: at its new target, by this run.
 * `unchanged`: it already was, nothing to do. `would switch`: a dry run's plan. `not switched`:
 * it needed switching and is at its previous target (never switched, or switched back).
 * `unknown`: the store stopped answering while the link was being switched or switched back:
 * old or new, as every change is one rename.
 */
export type LinkState = 'switched' | 'unchanged' | 'would switch' | 'not switched' | 'unknown';

export interface LinkResult {
  link: string;
  type: LinkType;
  /** The target as stored (symbolic) or linked (hard). */
  target: string;
  /** The previous symlink text, or null when there was no link or it was a hard link/file. */
  previous: string | null;
  /** Whether the link is new at the end (in a dry run: would be): state is switched or would switch. */
  changed: boolean;
  state: LinkState;
  /** A rollback's backup, whose target LINK went back to; removed once LINK is switched. */
  from?: string;
}

/**
 * Where a batch (one host's links) stands when the run ends, from its links' states.
 * `unchanged`: no link was renamed. `switched`: every link is at its new target (or already
 * was). `switched back`: links were renamed, and every one is old again. `mixed`: some links
 * are new and the others old, each known. `unknown`: some link may be old or new (no answer).
 */
export type BatchState = 'unchanged' | 'switched' | 'switched back' | 'mixed' | 'unknown';

export interface GuardReport {
  /**
   * How it watched: `notifications` from the kernel (every change to a link's name is told:
   * certain), or `sampling` with lookups (a gap between two lookups can slip through).
   * `notifications, then sampling`: the kernel's queue overflowed and lookups took over.
   */
  method: 'notifications' | 'sampling' | 'notifications, then sampling';
  /** Whether nothing could have slipped past it: notifications read whole, start to end. */
  certain: boolean;
  /** How many times the guard looked a link up. */
  lookups: number;
  /** How many lookups found a link missing. */
  missing: number;
  /** Set when a lookup failed otherwise (a dead connection): the guard stopped looking. */
  blind?: string;
  /** Why it sampled where notifications would have been certain (a network filesystem). */
  sampledBecause?: string;
  /** Why notifications did not cover the whole window (events lost): sampled from there. */
  partlyBlind?: string;
  /** How long it watched, from the first rename (or before) to its last look, in ms. */
  windowMs: number;
  /** Sampling: the fewest lookups any one link had. */
  perLinkMin?: number;
  /** Notifications: the changes to links' names the kernel told of (ours included). */
  events?: number;
  sightings: MissingSighting[];
  /** Notifications: each link whose name another writer changed during the window. */
  touched?: TouchedLink[];
  /**
   * Sampling, where the new links carried a stamp (see LinkStore.create): how many did, and how
   * many of them were looked at once every rename was acknowledged. Each looked at then either
   * was the very link renamed there or is in `replaced`: for those links no replacement since
   * our rename can slip between two lookups.
   */
  stamps?: { links: number; checked: number };
  /** Sampling with stamps: each link found, after the last rename, not to be ours. */
  replaced?: ReplacedLink[];
}

export interface ReplacedLink {
  link: string;
  /** Milliseconds after the guard started, of the lookup that found it. */
  firstMs: number;
  /** What that lookup found instead: `a symlink dated 2026-12-07T12:00:01Z`, `a file`... */
  found: string;
  /** Where it stands after the window, as read then: `-> TEXT`, `missing`, `a file`... */
  now?: string;
}

export interface TouchedLink {
  link: string;
  /** Changes to its name the kernel told of (an unlink, a create, a rename onto it). */
  events: number;
  /** How many of them our own renames account for. */
  ours: number;
  /** It was not there when the guard began: another writer had removed it just before. */
  missingAtStart?: true;
  /** Where it stands after the window: `-> TEXT`, `missing`, `a file`... */
  now: string;
  /** Milliseconds after the guard began, of the first change not ours, as read. */
  firstMs: number;
}

export interface MissingSighting {
  link: string;
  count: number;
  /** Milliseconds after the switch began, of the first and last miss. */
  firstMs: number;
  lastMs: number;
}

export interface SwitchReport {
  results: LinkResult[];
  /** Absent when the guard was off or there was nothing to watch. */
  guard?: GuardReport;
  /** Directories where trial swaps ran before the switch. */
  probed: string[];
  dryRun: boolean;
  /** What the run could not do but did not fail for: a directory that could not be flushed. */
  notes: string[];
  /**
   * What was left undone once the links stood switched (a temporary link, a used or surplus
   * backup, a lock that could not be removed): said even without -v, the run still succeeds.
   * Absent when there is none.
   */
  warnings?: string[];
}
