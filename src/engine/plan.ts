import path from 'node:path';
import { UpdateError, UsageError, describeError } from './errors.js';
import { isFailure } from './port.js';
import type { Entry, LinkStore, Outcome } from './port.js';
import { quote } from './specs.js';
import { isReservedName } from './temp-names.js';
import type { LinkSpec, LinkType, SwitchOptions } from './types.js';

/** What is at a link's path before the switch. */
export type Prior =
  | { kind: 'none' }
  | { kind: 'symlink'; text: string }
  | { kind: 'file'; id?: string; nlink?: number };

/** A spec whose link path has been checked and resolved; nothing about its state is known yet. */
export interface Placed {
  spec: LinkSpec;
  /** The link's directory as the user named it (for --relative, which must not resolve it). */
  dir: string;
  /** The same directory with symlinks resolved: where all file operations happen. */
  realDir: string;
  /** realDir joined with the link's own name. */
  path: string;
  /** LINK's numbered backups, newest first, when --keep-backups may remove some (history.ts). */
  numbered?: string[];
  /** A rollback's backup, as the user would name it. */
  from?: string;
  /** What goes once LINK is switched: a rollback's backup used, and any passed over. */
  removeAfter?: string[];
}

/** One link to switch, with everything the switch, the guard and a rollback need. */
export interface Operation {
  origin: string;
  /** The link as the user named it, for messages and results. */
  link: string;
  path: string;
  realDir: string;
  type: LinkType;
  /** The symlink text to store, or the absolute path to hard-link. */
  content: string;
  /** The target as reported in results. */
  target: string;
  prior: Prior;
  changed: boolean;
  /** A rollback's backup, as the user would name it. */
  from?: string;
  /** Paths removed once this link is switched, under the lock: used or surplus backups. */
  removeAfter?: string[];
}

const join = (dir: string, name: string) => (dir === '/' ? `/${name}` : `${dir}/${name}`);

/**
 * Resolves every link's directory (each once: batches put many links in few directories),
 * reading nothing but the directories, so that locks can be taken on the real directories
 * before the links' state is read.
 */
export async function placeSpecs(
  store: LinkStore,
  specs: LinkSpec[],
  options: SwitchOptions,
): Promise<Placed[]> {
  let last = '';
  const spelledOf = specs.map((spec) => {
    const slash = spec.link.lastIndexOf('/');
    const name = spec.link.slice(slash + 1);
    if (name === '.' || name === '..') {
      throw new UsageError(`${spec.origin}: LINK ${quote(spec.link)} does not name a link`);
    }
    const reserved = [name, ...(spec.backup === undefined ? [] : [name + spec.backup])].find(
      isReservedName,
    );
    if (reserved !== undefined) {
      const what = reserved === name ? 'LINK' : `the backup of LINK ${quote(spec.link)},`;
      throw new UsageError(
        `${spec.origin}: ${what} ${quote(reserved === name ? spec.link : reserved)} takes a ` +
          `name atomic-link keeps for its lock and temporary links, which later runs remove`,
      );
    }
    // Links of one directory mostly come one after another: one string then, hashed once.
    if (slash <= 0 || slash !== last.length || !spec.link.startsWith(last)) {
      last = slash < 0 ? '.' : spec.link.slice(0, slash) || '/';
    }
    return last;
  });
  const spelled = [...new Set(spelledOf)];
  const dirs = spelled.map((dir) => path.posix.resolve(options.cwd, dir));
  const asked = options.root === undefined ? dirs : [...dirs, path.posix.resolve(options.root)];
  const reals = await store.realDirs(asked);
  const root = options.root === undefined ? undefined : reals[dirs.length];
  if (root !== undefined && isFailure(root)) {
    throw new UsageError(`working directory ${options.root}: ${describeError(root)}`);
  }
  const places = new Map<string, { dir: string; realDir: string }>();
  spelled.forEach((key, index) => places.set(key, { dir: dirs[index], realDir: '' }));
  return specs.map((spec, index) => {
    const place = places.get(spelledOf[index]) as { dir: string; realDir: string };
    if (place.realDir === '') {
      const real = reals[spelled.indexOf(spelledOf[index])];
      if (isFailure(real)) throw missingDirectory(spec, place.dir, real);
      if (root !== undefined)
        checkInside(path.posix.resolve(options.root as string), root, place.dir, real, spec);
      place.realDir = real;
    }
    const name = spec.link.slice(spec.link.lastIndexOf('/') + 1);
    return { spec, dir: place.dir, realDir: place.realDir, path: join(place.realDir, name) };
  });
}

function missingDirectory(spec: LinkSpec, dir: string, failure: Outcome<string>): UsageError {
  const code = isFailure(failure) ? failure.code : '';
  const reason =
    code === 'ENOENT'
      ? 'does not exist'
      : code === 'ENOTDIR'
        ? 'is not a directory'
        : `is not usable: ${describeError(failure)}`;
  return new UsageError(
    `${spec.origin}: the directory of LINK ${quote(spec.link)}, ${dir}, ${reason}`,
  );
}

/**
 * Refuses a link whose directory leaves the root by `..`, by an absolute path, or through a
 * symlinked parent: the directory as spelled must lie in the root as spelled, and the resolved
 * directory in the resolved root (so a root that is itself a symlink works).
 */
function checkInside(
  root: string,
  realRoot: string,
  lexical: string,
  real: string,
  spec: LinkSpec,
): void {
  for (const [base, candidate] of [
    [root, lexical],
    [realRoot, real],
  ]) {
    const relative = path.posix.relative(base, candidate);
    if (relative === '..' || relative.startsWith('../') || path.posix.isAbsolute(relative)) {
      throw new UsageError(
        `${spec.origin}: LINK ${quote(spec.link)} is outside the working directory ${root}`,
      );
    }
  }
}

/**
 * Reads each link's current state and checks the spec against it, refusing anything that
 * would lose data. Everything is asked of the store at once. Call it under the directories'
 * locks: --expect is a compare-and-swap. Backups come out as operations of their own, placed
 * before the link they keep.
 */
export async function inspect(
  store: LinkStore,
  placed: Placed[],
  options: SwitchOptions,
  asked: Asked = askState(store, placed, options),
): Promise<Operation[]> {
  const { at, reachAt } = asked;
  const [entries, reached] = await asked.answers;
  const entryAt = (position: number) => (position < 0 ? undefined : entries[position]);

  const operations: Operation[] = [];
  placed.forEach((item, index) => {
    const operation = plan(item, entries[index]);
    if (item.spec.type === 'symbolic') {
      if (reachAt[index] >= 0) {
        checkReached(operation, reached[reachAt[index]], options, item.from);
      }
    } else {
      const target = entries[at.hard[index]];
      checkHardTarget(operation, target);
      operation.changed = !(
        operation.prior.kind === 'file' && sameFile(operation.prior, target as Entry)
      );
    }
    if (operation.changed) checkReplaceable(operation, options);
    if (item.spec.expect !== undefined) {
      checkExpected(operation, item.spec.expect, entryAt(at.expect[index]));
    }
    const backup = item.spec.backup;
    const backedUp = backup !== undefined && operation.changed && operation.prior.kind !== 'none';
    if (backedUp) {
      operations.push(backupOperation(operation, backup, entries[at.backup[index]], options));
    }
    const keep = item.spec.history?.keep;
    if (keep !== undefined && item.numbered !== undefined) {
      // The backup made now is one of the `keep`. Only backups of LINK's own kind go: a file
      // named like a symlink's backup is someone's data, and a directory is never removed.
      const kind = operation.prior.kind === 'file' ? 'file' : 'symlink';
      const first = at.numbered.get(index) as number;
      operation.removeAfter = item.numbered
        .map((backup, offset) => ({ backup, entry: entries[first + offset] }))
        .slice(backedUp ? keep - 1 : keep)
        .filter(({ entry }) => !isFailure(entry) && entry.kind === kind)
        .map(({ backup }) => backup);
    }
    operations.push(operation);
  });
  const byPath = refuseDuplicates(operations);
  refuseLoops(operations, byPath);
  refuseRemovingLinks(operations, byPath);
  return operations;
}

/** The requests inspect() judges by, sent; their answers come in `answers`. */
export interface Asked {
  /** Each item's request by kind; `numbered`: where its numbered backups start, if asked. */
  at: { backup: Int32Array; hard: Int32Array; expect: Int32Array; numbered: Map<number, number> };
  reachAt: Int32Array;
  answers: Promise<[Outcome<Entry>[], Outcome<void>[]]>;
}

/** Sends what inspect() needs to know of the links, without waiting for the answers. */
export function askState(store: LinkStore, placed: Placed[], options: SwitchOptions): Asked {
  // One request of each kind for the whole batch: the links first, then what some specs
  // also need (a backup's path, a hard link's target, a hard link's expected file), each
  // found again by its position.
  const count = placed.length;
  const paths: string[] = new Array(count);
  const at = {
    backup: new Int32Array(count),
    hard: new Int32Array(count),
    expect: new Int32Array(count),
    numbered: new Map<number, number>(),
  };
  const checked: { dir: string; text: string }[] = [];
  const reachAt = new Int32Array(count).fill(-1);
  placed.forEach((item, index) => {
    const { spec } = item;
    paths[index] = item.path;
    at.backup[index] = spec.backup === undefined ? -1 : paths.push(item.path + spec.backup) - 1;
    if (spec.history?.keep !== undefined && item.numbered !== undefined) {
      at.numbered.set(index, paths.length);
      paths.push(...item.numbered);
    }
    at.hard[index] =
      spec.type === 'hard' ? paths.push(path.posix.resolve(item.realDir, spec.target)) - 1 : -1;
    at.expect[index] =
      spec.type === 'hard' && spec.expect !== undefined
        ? paths.push(path.posix.resolve(item.realDir, spec.expect)) - 1
        : -1;
    if (spec.type === 'symbolic' && !options.allowDangling) {
      reachAt[index] = checked.push({ dir: item.realDir, text: symlinkContent(item) }) - 1;
    }
  });
  const answers = Promise.all([store.inspect(paths), store.reach(checked)]);
  return { at, reachAt, answers };
}

function symlinkContent(item: Placed): string {
  return item.spec.relative ? relativeTarget(item.dir, item.spec.target) : item.spec.target;
}

function relativeTarget(dir: string, target: string): string {
  return path.posix.relative(dir, path.posix.resolve(dir, target)) || '.';
}

function plan(item: Placed, entry: Outcome<Entry>): Operation {
  const { spec } = item;
  const prior = toPrior(entry, spec.origin, spec.link);
  const operation: Operation = {
    origin: spec.origin,
    link: spec.link,
    path: item.path,
    realDir: item.realDir,
    type: spec.type,
    content: '',
    target: spec.target,
    prior,
    changed: true,
    ...(item.from !== undefined && { from: item.from, removeAfter: item.removeAfter }),
  };
  if (spec.type === 'symbolic') {
    operation.content = symlinkContent(item);
    operation.target = operation.content;
    operation.changed = !(prior.kind === 'symlink' && prior.text === operation.content);
  } else {
    operation.content = path.posix.resolve(item.realDir, spec.target);
  }
  return operation;
}

function toPrior(entry: Outcome<Entry>, origin: string, link: string): Prior {
  if (isFailure(entry)) {
    throw new UsageError(`${origin}: cannot read LINK ${quote(link)}: ${describeError(entry)}`);
  }
  switch (entry.kind) {
    case 'none':
      return { kind: 'none' };
    // The entry itself: a copy per link would be thousands of objects more to collect.
    case 'symlink':
    case 'file':
      return entry;
    case 'directory':
      throw new UsageError(
        `${origin}: LINK ${quote(link)} is a real directory; rename cannot replace a ` +
          `directory and its contents would be lost. Move it away first (this is never done for you)`,
      );
    default:
      throw new UsageError(`${origin}: LINK ${quote(link)} is not a link or regular file`);
  }
}

/**
 * A regular file at the destination is data unless it is a hard link whose inode has another
 * name, which survives the switch. Where the store cannot count names (SFTP, sshfs), replacing
 * any file needs --replace-files.
 */
function checkReplaceable(operation: Operation, options: SwitchOptions): void {
  const prior = operation.prior;
  if (prior.kind !== 'file' || options.replaceFiles) return;
  if (operation.type === 'hard' && (prior.nlink ?? 1) > 1) return;
  throw new UsageError(
    `${operation.origin}: LINK ${quote(operation.link)} is a regular file` +
      (operation.type === 'hard' ? ' with no other name' : '') +
      `; ${advise(options, 'replace-files')} to replace it`,
  );
}

/** `from`: a rollback's backup, whose target is gone: the history is wrong, not the input. */
function checkReached(
  operation: Operation,
  reached: Outcome<void>,
  options: SwitchOptions,
  from?: string,
): void {
  if (!isFailure(reached)) return;
  const code = reached.code;
  const reason =
    code === 'ENOENT' || code === 'ENOTDIR'
      ? 'does not exist'
      : code === 'EUNCHECKABLE'
        ? reached.message
        : describeError(reached);
  if (from !== undefined) {
    throw new UpdateError(
      `${operation.origin}: cannot roll LINK ${quote(operation.link)} back: the target ` +
        `${quote(operation.content)} of its backup ${quote(from)} ${reason} (resolved from ` +
        `${operation.realDir}); nothing was changed`,
    );
  }
  throw new UsageError(
    `${operation.origin}: TARGET ${quote(operation.content)} of LINK ${quote(operation.link)} ` +
      `${reason} (resolved from ${operation.realDir}); ${advise(options, 'allow-dangling')} to link it anyway`,
  );
}

/** `pass --replace-files`, or as the front end says it. */
function advise(options: SwitchOptions, option: string): string {
  return options.advise?.(option) ?? `pass --${option}`;
}

function checkHardTarget(operation: Operation, entry: Outcome<Entry>): void {
  if (isFailure(entry) || entry.kind === 'none') {
    const missing = !isFailure(entry) || entry.code === 'ENOENT' || entry.code === 'ENOTDIR';
    throw new UsageError(
      `${operation.origin}: hard link TARGET ${quote(operation.target)} ` +
        (missing ? 'does not exist' : `cannot be used: ${describeError(entry)}`),
    );
  }
  if (entry.kind === 'directory') {
    throw new UsageError(
      `${operation.origin}: hard link TARGET ${quote(operation.target)} is a directory`,
    );
  }
}

/** Only a store that knows inodes can tell that a hard link is already the one asked for. */
function sameFile(prior: { id?: string }, target: Entry): boolean {
  return target.kind === 'file' && prior.id !== undefined && prior.id === target.id;
}

/** --expect: the link must point at `expected` now, or nothing is switched (exit 1). */
function checkExpected(
  operation: Operation,
  expected: string,
  hardExpected: Outcome<Entry> | undefined,
): void {
  const { prior, realDir } = operation;
  let matches = false;
  if (operation.type === 'symbolic' && prior.kind === 'symlink') {
    matches = path.posix.resolve(realDir, prior.text) === path.posix.resolve(realDir, expected);
  } else if (operation.type === 'hard' && prior.kind === 'file' && hardExpected !== undefined) {
    matches = !isFailure(hardExpected) && sameFile(prior, hardExpected);
  }
  if (!matches) {
    const now =
      prior.kind === 'symlink'
        ? `points at ${quote(prior.text)}`
        : prior.kind === 'none'
          ? 'does not exist'
          : 'is a hard link or file';
    throw new UpdateError(
      `${operation.origin}: LINK ${quote(operation.link)} ${now}, not at the expected ` +
        `${quote(expected)}; nothing was changed`,
    );
  }
}

/**
 * LINK+SUFFIX made to point at what LINK points at now: a symlink with the same text, or a new
 * name for the same inode. It is switched in like any link, so it is never missing either.
 */
function backupOperation(
  operation: Operation,
  suffix: string,
  entry: Outcome<Entry>,
  options: SwitchOptions,
): Operation {
  const prior = operation.prior;
  const link = operation.link + suffix;
  const backup: Operation = {
    origin: `${operation.origin} (backup)`,
    link,
    path: operation.path + suffix,
    realDir: operation.realDir,
    type: prior.kind === 'symlink' ? 'symbolic' : 'hard',
    content: prior.kind === 'symlink' ? prior.text : operation.path,
    target: prior.kind === 'symlink' ? prior.text : operation.link,
    prior: toPrior(entry, operation.origin, link),
    changed: true,
  };
  if (backup.type === 'symbolic' && backup.prior.kind === 'symlink') {
    backup.changed = backup.prior.text !== backup.content;
  }
  if (backup.changed) checkReplaceable(backup, options);
  return backup;
}

/** Every operation by its path; two that name one link are refused. */
function refuseDuplicates(operations: Operation[]): Map<string, Operation> {
  const byPath = new Map<string, Operation>();
  for (const operation of operations) {
    const earlier = byPath.get(operation.path);
    if (earlier) {
      throw new UsageError(
        `${operation.origin}: LINK ${quote(operation.link)} is also named by ${earlier.origin}`,
      );
    }
    byPath.set(operation.path, operation);
  }
  return byPath;
}

/**
 * A LINK of the batch named like a backup that another LINK's switch removes (past
 * --keep-backups, or a rollback's): it would be switched, reported so, and then be gone.
 */
function refuseRemovingLinks(operations: Operation[], byPath: Map<string, Operation>): void {
  for (const operation of operations) {
    if (!operation.changed) continue;
    const link = operation.removeAfter?.map((removed) => byPath.get(removed)).find(Boolean);
    if (link === undefined) continue;
    throw new UsageError(
      `${link.origin}: LINK ${quote(link.link)} is a backup of LINK ${quote(operation.link)}, ` +
        'which this run removes once that is switched: switch them in separate runs',
    );
  }
}

/**
 * Refuses new symlinks that would lead to each other in a circle (`a -> a`, or `a -> b` and
 * `b -> a`): the target checks pass, as each target exists before the switch, and after it
 * nothing resolves.
 */
function refuseLoops(operations: Operation[], byPath: Map<string, Operation>): void {
  const linkDirs = new Set<string>();
  for (const operation of operations) {
    if (operation.type === 'symbolic') linkDirs.add(operation.realDir);
  }
  // Only a text naming a file in a directory of the batch's links can lead to one: the rest,
  // nearly all in a batch (they name a release), are passed over without resolving them.
  const mayLead = namesFileIn(linkDirs);
  const next = (operation: Operation) => {
    if (!mayLead(operation.realDir, operation.content)) return undefined;
    const at = byPath.get(path.posix.resolve(operation.realDir, operation.content));
    return at?.type === 'symbolic' ? at : undefined;
  };
  for (const start of operations) {
    if (start.type !== 'symbolic') continue;
    let at = next(start);
    if (at === undefined) continue;
    const visited = new Set<string>([start.path]);
    for (; at !== undefined; at = next(at)) {
      if (visited.has(at.path)) {
        throw new UsageError(
          `${start.origin}: LINK ${quote(start.link)} -> ${quote(start.content)} would make a ` +
            `symlink loop with the other links of the batch; nothing was changed`,
        );
      }
      visited.add(at.path);
    }
  }
}

/**
 * Whether a symlink text read from a directory may name a file in one of `dirs` (a text not
 * ending in a plain name may lead anywhere). A batch's texts mostly name files of one
 * directory, one after another: the directory is resolved once for a run of them.
 */
function namesFileIn(dirs: Set<string>): (from: string, text: string) => boolean {
  let lastFrom: string | undefined;
  let lastPrefix = '';
  let leads = true;
  return (from, text) => {
    const slash = text.lastIndexOf('/');
    const name = text.slice(slash + 1);
    if (name === '' || name === '.' || name === '..') return true;
    if (from !== lastFrom || slash + 1 !== lastPrefix.length || !text.startsWith(lastPrefix)) {
      lastFrom = from;
      lastPrefix = text.slice(0, slash + 1);
      leads = dirs.has(path.posix.resolve(from, lastPrefix || '.'));
    }
    return leads;
  };
}
