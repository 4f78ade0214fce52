import fs from 'node:fs';
import path from 'node:path';
import { UpdateError, UsageError, describeError, errnoCode } from './errors.js';
import { quote } from './specs.js';
import { Prefetched } from './prefetch.js';
import type { SshfsViews } from './sshfs-view.js';
import type { LinkSpec, LinkType, SwitchOptions } from './types.js';

/** What is at a link's path before the switch. */
export type Prior =
  { kind: 'none' } | { kind: 'symlink'; text: string } | { kind: 'file'; dev: number; ino: number };

/** A spec whose link path has been checked and resolved; nothing about its state is known yet. */
export interface Placed {
  spec: LinkSpec;
  /** The link's directory as the user named it (for --relative, which must not resolve it). */
  dir: string;
  /** The same directory with symlinks resolved: where all file operations happen. */
  realDir: string;
  /** realDir joined with the link's own name. */
  path: string;
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
}

/**
 * Resolves every link path, reading nothing but the links' parent directories, so that locks
 * can be taken on the real directories before the links' state is read.
 */
export function placeSpecs(specs: LinkSpec[], options: SwitchOptions): Placed[] {
  const root = options.root === undefined ? undefined : realRoot(options.root);
  // Batches put many links in few directories: each directory is resolved and checked once,
  // keyed by how the specs spell it.
  const places = new Map<string, { dir: string; realDir: string }>();
  return specs.map((spec) => {
    const slash = spec.link.lastIndexOf('/');
    const name = spec.link.slice(slash + 1);
    if (name === '.' || name === '..') {
      throw new UsageError(`${spec.origin}: LINK ${quote(spec.link)} does not name a link`);
    }
    const spelled = slash < 0 ? '.' : spec.link.slice(0, slash) || '/';
    let place = places.get(spelled);
    if (place === undefined) {
      const dir = path.resolve(options.cwd, spelled);
      place = { dir, realDir: realDirectory(dir, spec) };
      if (root !== undefined) checkInside(root, dir, place.realDir, spec);
      places.set(spelled, place);
    }
    const file = place.realDir === '/' ? `/${name}` : `${place.realDir}/${name}`;
    return { spec, dir: place.dir, realDir: place.realDir, path: file };
  });
}

function realDirectory(dir: string, spec: LinkSpec): string {
  try {
    const real = fs.realpathSync(dir);
    if (!fs.statSync(real).isDirectory()) throw Object.assign(new Error(), { code: 'ENOTDIR' });
    return real;
  } catch (error) {
    const code = errnoCode(error);
    const reason =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'ENOTDIR'
          ? 'is not a directory'
          : `is not usable: ${describeError(error)}`;
    throw new UsageError(
      `${spec.origin}: the directory of LINK ${quote(spec.link)}, ${dir}, ${reason}`,
    );
  }
}

function realRoot(root: string): string {
  try {
    return fs.realpathSync(root);
  } catch (error) {
    throw new UsageError(`working directory ${root}: ${describeError(error)}`);
  }
}

/**
 * Refuses a link whose directory leaves `root` by `..`, by an absolute path, or through a
 * symlinked parent (`lexical` and `real` are that directory as spelled and resolved).
 */
function checkInside(root: string, lexical: string, real: string, spec: LinkSpec): void {
  const lexicalRoot = path.resolve(root);
  for (const [base, candidate] of [
    [lexicalRoot, lexical],
    [root, real],
  ]) {
    const relative = path.relative(base, candidate);
    if (relative === '..' || relative.startsWith('../') || path.isAbsolute(relative)) {
      throw new UsageError(
        `${spec.origin}: LINK ${quote(spec.link)} is outside the working directory ${lexicalRoot}`,
      );
    }
  }
}

/**
 * Reads each link's current state and checks the spec against it, refusing anything that
 * would lose data. Call it under the directories' locks: --expect is a compare-and-swap.
 * Backups come out as operations of their own, placed before the link they keep.
 */
export async function inspect(
  placed: Placed[],
  options: SwitchOptions,
  views: SshfsViews,
): Promise<Operation[]> {
  const known = await prefetchRemote(placed, options, views);
  const operations: Operation[] = [];
  for (const item of placed) {
    const operation = inspectOne(item, options, views, known);
    const backup = item.spec.backup;
    if (backup !== undefined && operation.changed && operation.prior.kind !== 'none') {
      operations.push(backupOperation(operation, backup, options, views, known));
    }
    operations.push(operation);
  }
  refuseDuplicates(operations);
  return operations;
}

/**
 * On sshfs, the readlink and access calls that inspectOne() will make, fetched ahead all at
 * once; on local disks each call is cheap, and is made when needed.
 */
async function prefetchRemote(
  placed: Placed[],
  options: SwitchOptions,
  views: SshfsViews,
): Promise<Prefetched> {
  const remote = placed.filter((item) => views.mountOf(item.path) !== undefined);
  const targets = remote.flatMap((item) => {
    if (item.spec.type !== 'symbolic' || options.allowDangling) return [];
    const here = targetHere(item.path, item.realDir, symlinkContent(item), views);
    return here === undefined ? [] : [here];
  });
  return Prefetched.fetch(
    remote.map((item) => item.path),
    targets,
  );
}

function symlinkContent(item: Placed): string {
  return item.spec.relative ? relativeTarget(item.dir, item.spec.target) : item.spec.target;
}

function inspectOne(
  item: Placed,
  options: SwitchOptions,
  views: SshfsViews,
  known: Prefetched,
): Operation {
  const { spec } = item;
  const prior = readPrior(item.path, spec.link, spec.origin, views, known);
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
  };
  if (spec.type === 'symbolic') {
    operation.content = symlinkContent(item);
    operation.target = operation.content;
    checkSymlinkTarget(operation, options, views, known);
    operation.changed = !(prior.kind === 'symlink' && prior.text === operation.content);
  } else {
    operation.content = path.resolve(item.realDir, spec.target);
    const target = checkHardTarget(operation);
    operation.changed = !(prior.kind === 'file' && sameInode(prior, target));
  }
  if (operation.changed) checkReplaceable(operation, options);
  if (spec.expect !== undefined) checkExpected(operation, spec.expect);
  return operation;
}

function readPrior(
  file: string,
  link: string,
  origin: string,
  views: SshfsViews,
  known: Prefetched,
): Prior {
  // readlink first: for the common case, an existing symlink, it is the only call needed.
  try {
    return { kind: 'symlink', text: known.readlink(file) };
  } catch (error) {
    const code = errnoCode(error);
    if (code === 'ENOENT') return { kind: 'none' };
    // Debian's sshfs will not read back absolute or `..` texts (contain_symlinks).
    if (code === 'EPERM' && views.mountOf(file)) {
      return { kind: 'symlink', text: fs.readlinkSync(views.viewOf(file)) };
    }
    if (code !== 'EINVAL') {
      throw new UsageError(`${origin}: cannot read LINK ${quote(link)}: ${describeError(error)}`);
    }
  }
  const stats = fs.lstatSync(file);
  if (stats.isDirectory()) {
    throw new UsageError(
      `${origin}: LINK ${quote(link)} is a real directory; rename cannot replace a directory ` +
        `and its contents would be lost. Move it away first (this is never done for you)`,
    );
  }
  if (!stats.isFile()) {
    throw new UsageError(`${origin}: LINK ${quote(link)} is not a link or regular file`);
  }
  return { kind: 'file', dev: stats.dev, ino: stats.ino };
}

/**
 * A regular file at the destination is data unless it is a hard link whose inode has another
 * name, which survives the switch. sshfs reports st_nlink 1 for everything, so hard links
 * there need --replace-files.
 */
function checkReplaceable(operation: Operation, options: SwitchOptions): void {
  if (operation.prior.kind !== 'file' || options.replaceFiles) return;
  const stats = fs.lstatSync(operation.path);
  if (operation.type === 'hard' && stats.nlink > 1) return;
  throw new UsageError(
    `${operation.origin}: LINK ${quote(operation.link)} is a regular file` +
      (operation.type === 'hard' ? ' with no other name' : '') +
      `; pass --replace-files to replace it`,
  );
}

function relativeTarget(dir: string, target: string): string {
  return path.relative(dir, path.resolve(dir, target)) || '.';
}

/**
 * Where the link's target is visible from here. On a local disk the kernel resolves the text
 * from the link's real directory. On sshfs the text is resolved as the server will, on the
 * server's paths, and mapped onto the mount; following links through the mount would not
 * give the server's view (and Debian's sshfs refuses absolute and `..` links there).
 * Undefined when the target lies outside the mounted directory.
 */
function targetHere(
  file: string,
  realDir: string,
  text: string,
  views: SshfsViews,
): string | undefined {
  const mount = views.mountOf(file);
  if (mount === undefined) return path.isAbsolute(text) ? text : `${realDir}/${text}`;
  const inMount = path.relative(mount.mountPoint, realDir);
  if (mount.serverPath === undefined) {
    return path.isAbsolute(text)
      ? undefined
      : insideOrUndefined(mount.mountPoint, path.join(inMount, text));
  }
  const serverTarget = path.posix.resolve(path.posix.join(mount.serverPath, inMount), text);
  return insideOrUndefined(mount.mountPoint, path.posix.relative(mount.serverPath, serverTarget));
}

function insideOrUndefined(root: string, relative: string): string | undefined {
  if (relative.startsWith('..') || path.isAbsolute(relative)) return undefined;
  return path.join(root, relative);
}

function checkSymlinkTarget(
  operation: Operation,
  options: SwitchOptions,
  views: SshfsViews,
  known: Prefetched,
): void {
  if (options.allowDangling) return;
  const here = targetHere(operation.path, operation.realDir, operation.content, views);
  if (here === undefined) {
    throw new UsageError(
      `${operation.origin}: TARGET ${quote(operation.content)} is outside the remote path, ` +
        `so it cannot be checked; pass --allow-dangling to link it unchecked`,
    );
  }
  try {
    // access() resolves the target as stat() would, without building a Stats object per link.
    known.access(here);
  } catch (error) {
    const code = errnoCode(error);
    const reason =
      code === 'ENOENT' || code === 'ENOTDIR' ? 'does not exist' : describeError(error);
    throw new UsageError(
      `${operation.origin}: TARGET ${quote(operation.content)} of LINK ${quote(operation.link)} ` +
        `${reason} (resolved from ${operation.realDir}); pass --allow-dangling to link it anyway`,
    );
  }
}

function checkHardTarget(operation: Operation): fs.Stats {
  let stats: fs.Stats;
  try {
    stats = fs.lstatSync(operation.content);
  } catch (error) {
    throw new UsageError(
      `${operation.origin}: hard link TARGET ${quote(operation.target)} cannot be used: ` +
        describeError(error),
    );
  }
  if (stats.isDirectory()) {
    throw new UsageError(
      `${operation.origin}: hard link TARGET ${quote(operation.target)} is a directory`,
    );
  }
  return stats;
}

function sameInode(prior: { dev: number; ino: number }, stats: fs.Stats): boolean {
  return prior.dev === stats.dev && prior.ino === stats.ino;
}

/** --expect: the link must point at `expected` now, or nothing is switched (exit 1). */
function checkExpected(operation: Operation, expected: string): void {
  const { prior, realDir } = operation;
  let matches = false;
  if (operation.type === 'symbolic' && prior.kind === 'symlink') {
    matches = path.resolve(realDir, prior.text) === path.resolve(realDir, expected);
  } else if (operation.type === 'hard' && prior.kind === 'file') {
    const stats = fs.statSync(path.resolve(realDir, expected), { throwIfNoEntry: false });
    matches = stats !== undefined && sameInode(prior, stats);
  }
  if (!matches) {
    const now = prior.kind === 'symlink' ? `points at ${quote(prior.text)}` : describePrior(prior);
    throw new UpdateError(
      `${operation.origin}: LINK ${quote(operation.link)} ${now}, not at the expected ` +
        `${quote(expected)}; nothing was changed`,
    );
  }
}

function describePrior(prior: Prior): string {
  return prior.kind === 'none' ? 'does not exist' : 'is a hard link or file';
}

/**
 * LINK+SUFFIX made to point at what LINK points at now: a symlink with the same text, or a new
 * name for the same inode. It is switched in like any link, so it is never missing either.
 */
function backupOperation(
  operation: Operation,
  suffix: string,
  options: SwitchOptions,
  views: SshfsViews,
  known: Prefetched,
): Operation {
  const prior = operation.prior;
  const link = operation.link + suffix;
  const file = operation.path + suffix;
  const backup: Operation = {
    origin: `${operation.origin} (backup)`,
    link,
    path: file,
    realDir: operation.realDir,
    type: prior.kind === 'symlink' ? 'symbolic' : 'hard',
    content: prior.kind === 'symlink' ? prior.text : operation.path,
    target: prior.kind === 'symlink' ? prior.text : operation.link,
    prior: readPrior(file, link, operation.origin, views, known),
    changed: true,
  };
  if (backup.type === 'symbolic' && backup.prior.kind === 'symlink') {
    backup.changed = backup.prior.text !== backup.content;
  }
  if (backup.changed) checkReplaceable(backup, options);
  return backup;
}

function refuseDuplicates(operations: Operation[]): void {
  const seen = new Map<string, Operation>();
  for (const operation of operations) {
    const earlier = seen.get(operation.path);
    if (earlier) {
      throw new UsageError(
        `${operation.origin}: LINK ${quote(operation.link)} is also named by ${earlier.origin}`,
      );
    }
    seen.set(operation.path, operation);
  }
}
