import fs from 'node:fs';
import path from 'node:path';
import { StoreLostError, describeError } from '../../engine/errors.js';
import { isFailure } from '../../engine/port.js';
import type {
  Entry,
  KeptLock,
  LinkStore,
  LockKeeper,
  NewLink,
  Outcome,
  Rename,
  RenameBehaviour,
  StoreFailure,
  Watch,
  WatchOptions,
} from '../../engine/port.js';
import { FUSE, suspectFilesystem } from '../../platform/filesystems.js';
import {
  enterOpenDir,
  inOpenDir,
  leaveOpenDir,
  openDir,
  openDirsUsable,
} from '../../platform/open-dirs.js';
import { Guard } from './guard.js';
import { NOTIFICATIONS, NotifyGuard } from './notify-guard.js';
import { LockKeeperThread } from './lock-keeper.js';
import { OFF_THREAD_MAX, reachOffThread, reachOnDisk } from './reach.js';
import { SshfsViews, emulatesRename } from './sshfs-view.js';

// Lookups on mounted network filesystems run on libuv's thread pool, 4 threads unless this is
// set before its first use: 4 requests in flight would leave most of a round trip unused.
process.env.UV_THREADPOOL_SIZE ??= '32';
const IN_FLIGHT = 32;
/** Errors from a mount whose server can no longer be asked. */
const DISCONNECTED = new Set(['ENOTCONN', 'ECONNABORTED']);

/**
 * The local filesystem through node:fs, which also serves any mounted volume (sshfs, NFS,
 * CIFS). On a local disk each call is cheap and made at once, synchronously; on a network
 * mount, the lookups of a phase are made many at a time, as each is a round trip.
 *
 * On sshfs, the guard looks through a second, uncached view of the same server directory:
 * through the mount that makes a switch nothing can see a gap (the kernel holds the directory's
 * lock for the whole FUSE rename), and symlink texts that Debian's sshfs will not read back
 * through the mount (absolute, or with `..`) are read through it.
 *
 * Each directory resolved is opened once where the platform allows, and every write in it is
 * made inside the open directory (platform/open-dirs): a parent swapped for a symlink after
 * the checks cannot send a write elsewhere. Where it does not, writes go by path.
 */
export class LocalStore implements LinkStore {
  readonly where = '';
  readonly canSyncDirs = true;
  readonly knowsInodes = true;
  private readonly views = new SshfsViews();
  private readonly suspect = new Map<string, string | undefined>();
  /**
   * Each directory resolved: its device and inode, to notice one replaced under its name, and
   * the directory opened, when it is.
   */
  private readonly dirs = new Map<string, { id: string; fd: number | undefined }>();
  private readonly inOpenDirs = openDirsUsable();
  private guard: Guard | undefined;
  private notify: NotifyGuard | undefined;
  /**
   * A guard thread started early, so that it boots while the links are checked: only where
   * the kernel's notifications cannot watch local links, as a run that needs none would pay
   * for starting it (29 ms of a one-link run).
   */
  private spare: Guard | undefined;
  /** Poked before each call of a synchronous phase, which its timer cannot interrupt. */
  private keeper: LockKeeperThread | undefined;

  /**
   * Whether the keeper's thread starts as the locks are taken: for a holder whose work is not
   * made through this store (ln --lock makes its links itself, synchronously), no call pokes it.
   */
  private readonly keepAtOnce: boolean;

  constructor(options: { guard: boolean; keepAtOnce?: boolean }) {
    if (options.guard && !NOTIFICATIONS) this.spare = new Guard();
    this.keepAtOnce = options.keepAtOnce ?? false;
  }

  async realDirs(dirs: string[]): Promise<Outcome<string>[]> {
    return each(dirs, (dir) => {
      const real = fs.realpathSync(dir);
      const opened = this.inOpenDirs ? openDir(real) : undefined;
      const stats = opened?.stats ?? fs.statSync(real);
      if (!stats.isDirectory()) throw failure('ENOTDIR', 'stat', real);
      this.forget(real);
      this.dirs.set(real, { id: `${stats.dev}:${stats.ino}`, fd: opened?.fd });
      return real;
    });
  }

  async inspect(paths: string[], options?: { times?: boolean }): Promise<Outcome<Entry>[]> {
    // Read inside the open directories too: what is read there must be what is at the path
    // (a run's check that its lock is still its own, right before a chunk of writes).
    this.checkStillThere(paths, itself);
    const times = options?.times ?? false;
    if (!this.anyRemote(paths)) {
      return this.inDirs(paths, itself, times ? this.calls.readTimed : this.calls.read);
    }
    return concurrently(paths, async (file) => {
      try {
        return await remoteEntryOf(file, times);
      } catch (error) {
        // Debian's sshfs will not read back absolute or `..` texts (contain_symlinks).
        const mount = (error as StoreFailure).code === 'EPERM' ? this.sshfsMount(file) : undefined;
        if (mount === undefined) throw error;
        return { kind: 'symlink' as const, text: fs.readlinkSync(this.views.viewOf(file)) };
      }
    });
  }

  async reach(targets: { dir: string; text: string }[]): Promise<Outcome<void>[]> {
    if (!this.anyRemoteDir(targets.map(({ dir }) => dir))) {
      // A lookup can hang (a target on a dead NFS or sshfs mount): made synchronously before
      // the keeper's thread runs, it would keep the thread from starting, and a waiting run
      // would break the lock of this live one. Targets are then looked up off the main thread,
      // whose timer starts the keeper; a batch too large for that (one lookup each, where a
      // listing serves) runs long enough to need the keeper anyway, and starts it at once.
      if (this.keeper?.pending && targets.length <= OFF_THREAD_MAX) {
        return reachOffThread(targets);
      }
      this.keeper?.start();
      return reachOnDisk(targets, this.keeper);
    }
    const places = targets.map(({ dir, text }) => this.targetHere(dir, text));
    return concurrently(places, async (place) =>
      isFailure(place) ? throwIt(place) : fs.promises.access(place),
    );
  }

  async create(links: NewLink[]): Promise<Outcome<void>[]> {
    return this.write(links, linkPath, this.calls.create);
  }

  async rename(renames: Rename[]): Promise<Outcome<void>[]> {
    const notify = this.notify;
    // What the last chunk's renames stirred is read first: a queue overflowed since makes
    // the guard sample from here on. Only then: the calls of a store are made as they are
    // asked for, in order (a rename asked for beside a read is made before it).
    if (notify?.unsettled()) await notify.settle();
    const outcomes = this.write(renames, renameTo, this.calls.rename);
    notify?.mark();
    return outcomes;
  }

  async remove(paths: string[]): Promise<Outcome<void>[]> {
    return this.write(paths, itself, this.calls.remove);
  }

  async list(dirs: string[]): Promise<Outcome<string[]>[]> {
    return each(dirs, (dir) => {
      const fd = this.dirs.get(dir)?.fd;
      return fs.readdirSync(fd === undefined ? dir : inOpenDir(fd, '.'));
    });
  }

  async syncDirs(dirs: string[]): Promise<Outcome<void>[]> {
    return each(dirs, (dir) => {
      const held = this.dirs.get(dir)?.fd;
      if (held !== undefined) return fs.fsyncSync(held);
      const fd = fs.openSync(dir, 'r');
      try {
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    });
  }

  async watch(paths: string[], options?: WatchOptions): Promise<Watch> {
    const remote = this.remoteDir(paths);
    let why: string | undefined;
    if (remote !== undefined) {
      why = `${remote.dir} is on ${remote.filesystem}, where the kernel here is not told of changes made elsewhere`;
    } else if (!NOTIFICATIONS) {
      why = `the kernel's notifications on ${process.platform} are not used: they cannot tell every change to a name`;
    } else {
      const notify = new NotifyGuard(
        [...paths, ...(options?.newPaths ?? [])],
        {
          reach: (file) => this.throughOpenDir(file),
          moved: (dir) => this.movedFrom(dir),
          sample: (all) => this.sample(all, all, false, 'the notifications overflowed'),
        },
        paths.length,
      );
      why = notify.tryOut();
      if (why === undefined) return this.notifying(notify, options?.standBy ?? false);
    }
    // The view first: when it cannot be opened, no guard thread is taken that would keep the
    // process alive (the spare one is ended by close()).
    const seenAs = remote ? paths.map((file) => this.viewOf(file)) : paths;
    return this.sample(seenAs, paths, options?.standBy ?? false, why, remote !== undefined);
  }

  private notifying(notify: NotifyGuard, standBy: boolean): Watch {
    this.notify = notify;
    if (!standBy) notify.begin();
    return {
      method: 'notifications',
      maxChunk: notify.maxChunk,
      begin: () => notify.begin(),
      soFar: () => notify.soFar(),
      stop: () => {
        this.notify = undefined;
        return notify.stop();
      },
    };
  }

  /** A sampling guard: a thread looking `seenAs` up, named in its report by `paths`. */
  private async sample(
    seenAs: string[],
    paths: string[],
    standBy: boolean,
    why: string,
    remote = false,
  ): Promise<Watch> {
    const guard = this.spare ?? new Guard();
    this.spare = undefined;
    try {
      // Only a FUSE or network filesystem may open a gap of its own in a rename (sshfs's
      // workaround=rename): there the guard also looks at the link being renamed. On a local
      // filesystem the kernel replaces the name in one step, so those lookups could only see
      // another writer's gap, which going round the links sees as well; and they meet the
      // rename in the kernel (10,000 renames on two cores: 64 ms without them, 71-74 ms with).
      await guard.watch(seenAs, { standBy, names: paths, followSwitch: remote, why });
    } catch (error) {
      await guard.dispose();
      throw error;
    }
    this.guard = guard;
    return {
      method: 'sampling',
      begin: () => guard.begin(),
      soFar: () => guard.soFar(),
      stop: () => {
        this.guard = undefined;
        return guard.stop();
      },
    };
  }

  async renameBehaviour(dir: string): Promise<RenameBehaviour> {
    const filesystem = this.suspectOf(dir);
    if (filesystem === undefined) return { kind: 'atomic' };
    const mount = filesystem === FUSE ? this.views.mountOf(`${dir}/.`) : undefined;
    const emulates = mount === undefined ? undefined : emulatesRename(mount);
    if (emulates)
      return {
        kind: 'gap',
        reason: `the sshfs serving ${mount?.mountPoint} runs with -o workaround=rename`,
      };
    // Known not to emulate: whether the server renames over a link is the only question left.
    return { kind: 'unknown', filesystem: mount ? 'sshfs' : filesystem, exact: emulates === false };
  }

  /** Through the open directories, as every other write: a directory swapped meanwhile is not. */
  keepLocks(locks: KeptLock[], text: string, everyMs: number): LockKeeper {
    const kept = locks.map(({ path: lock, freshPrefix }) => ({
      path: this.throughOpenDir(lock),
      freshPrefix: this.throughOpenDir(freshPrefix),
    }));
    this.keeper = new LockKeeperThread(kept, text, everyMs);
    if (this.keepAtOnce) this.keeper.start();
    return this.keeper;
  }

  async close(): Promise<void> {
    await this.spare?.dispose();
    for (const dir of [...this.dirs.keys()]) this.forget(dir);
    this.views.close();
  }

  private forget(dir: string): void {
    const fd = this.dirs.get(dir)?.fd;
    if (fd !== undefined) fs.closeSync(fd);
    this.dirs.delete(dir);
  }

  /**
   * The call made for each item, with `here` the path by which to reach its main file. Made
   * once per store, not per batch: V8 compiles the loop of inDirs() for the functions it
   * calls, and a fresh closure in each chunk of a batch undid that each time.
   */
  private readonly calls = {
    read: (_: string, here: string) => entryOf(here, false),
    readTimed: (_: string, here: string) => entryOf(here, true),
    create: (link: NewLink, here: string) =>
      link.type === 'symbolic'
        ? fs.symlinkSync(link.content, here)
        : fs.linkSync(link.content, here),
    rename: (rename: Rename, here: string) => {
      if (rename.watchIndex !== undefined) this.guard?.switching(rename.watchIndex);
      fs.renameSync(this.at(rename.from), here);
      this.notify?.renamed(rename);
    },
    remove: (file: string, here: string) => {
      fs.unlinkSync(here);
      this.notify?.removed(file);
    },
  };
  /** Where inDirs() makes its calls: the directory (with its slash), and whether inside it. */
  private current = { prefix: '\0', inside: false };

  /** inDirs() for writes, after the directories are checked. */
  private write<T>(
    items: T[],
    main: (item: T) => string,
    call: (item: T, here: string) => void,
  ): Outcome<void>[] {
    this.checkStillThere(items, main);
    return answered(this.inDirs(items, main, call));
  }

  /**
   * Makes `call` for each item, with `here` the path by which to reach its `main` file (at()
   * gives it for any other file): where the directories are open, the calls are made inside
   * the directory of each item's main file, and a file there is reached by its bare name (the
   * kernel walks one component, not the whole path: 20% less time for readlink).
   */
  private inDirs<T, R>(
    items: T[],
    main: (item: T) => string,
    call: (item: T, here: string) => R,
  ): Outcome<R>[] {
    const outcomes: Outcome<R>[] = new Array(items.length);
    const current = { prefix: '\0', inside: false };
    this.current = current;
    let moved = false;
    // Why the calls cannot be made in the current directory (one we may read but not search).
    let refused: StoreFailure | undefined;
    try {
      for (let index = 0; index < items.length; index++) {
        const item = items[index];
        const file = main(item);
        this.keeper?.poke();
        if (this.inOpenDirs && !isIn(current.prefix, file)) {
          const dir = file.slice(0, file.lastIndexOf('/')) || '/';
          const fd = this.dirs.get(dir)?.fd;
          current.inside = false;
          refused = undefined;
          if (fd !== undefined) {
            try {
              enterOpenDir(fd);
              moved = true;
            } catch (error) {
              refused = asFailure(error);
            }
          } else if (moved) leaveOpenDir();
          current.prefix = dir === '/' ? dir : `${dir}/`;
          current.inside = fd !== undefined && refused === undefined;
        }
        if (refused !== undefined) {
          outcomes[index] = refused;
          continue;
        }
        try {
          outcomes[index] = call(item, current.inside ? file.slice(current.prefix.length) : file);
        } catch (error) {
          outcomes[index] = asFailure(error);
        }
      }
    } finally {
      if (moved) leaveOpenDir();
      this.current = { prefix: '\0', inside: false };
    }
    return outcomes;
  }

  /** `file` as the calls of inDirs() reach it from where they are made. */
  private at(file: string): string {
    const { prefix, inside } = this.current;
    return inside && isIn(prefix, file) ? file.slice(prefix.length) : this.throughOpenDir(file);
  }

  /** `file` through its open directory, for a file outside the one the calls are made in. */
  private throughOpenDir(file: string): string {
    const slash = file.lastIndexOf('/');
    const fd = this.dirs.get(file.slice(0, slash) || '/')?.fd;
    return fd === undefined ? file : inOpenDir(fd, file.slice(slash + 1));
  }

  /**
   * Every directory read or written must still be the one resolved at the start: a mount that
   * died (sshfs unmounts itself when its connection does) leaves an empty directory under the
   * same name, and links made there would be made nowhere the user looks. Where calls are
   * made inside the open directories, one moved away and replaced would take them unseen.
   */
  private checkStillThere<T>(items: T[], pathOf: (item: T) => string): void {
    // Few directories, as in nearly every batch: each of them, without reading every path.
    const dirs = this.dirs.size <= 16 ? this.dirs.keys() : dirsOf(items.map(pathOf));
    for (const dir of dirs) {
      const known = this.dirs.get(dir)?.id;
      if (known === undefined) continue;
      let now: string;
      try {
        const stats = fs.statSync(dir);
        now = `${stats.dev}:${stats.ino}`;
      } catch (error) {
        now = (error as StoreFailure).code ?? 'gone';
      }
      if (now !== known) {
        throw new StoreLostError(
          `${dir} is no longer the directory it was (a mount gone, or the directory moved away?)`,
        );
      }
    }
  }

  /** Why `dir` is no longer the directory resolved at the start, or undefined. */
  private movedFrom(dir: string): string | undefined {
    const known = this.dirs.get(dir)?.id;
    if (known === undefined) return undefined;
    const stats = fs.statSync(dir, { throwIfNoEntry: false });
    if (stats !== undefined && `${stats.dev}:${stats.ino}` === known) return undefined;
    return `${dir} was moved away or replaced during the switch: its links were not at their paths`;
  }

  /** The first directory of `paths` on a filesystem whose rename is suspect, and its kind. */
  private remoteDir(paths: string[]): { dir: string; filesystem: string } | undefined {
    for (const dir of dirsOf(paths)) {
      const filesystem = this.suspectOf(dir);
      if (filesystem !== undefined) return { dir, filesystem };
    }
    return undefined;
  }

  private suspectOf(dir: string): string | undefined {
    if (!this.suspect.has(dir)) this.suspect.set(dir, suspectFilesystem(dir));
    return this.suspect.get(dir);
  }

  private anyRemote(paths: string[]): boolean {
    return this.anyRemoteDir(dirsOf(paths));
  }

  private anyRemoteDir(dirs: Iterable<string>): boolean {
    let last: string | undefined;
    for (const dir of dirs) {
      // Thousands of items in a few directories, one after another: each run asked once.
      if (dir !== last && this.suspectOf(dir) !== undefined) return true;
      last = dir;
    }
    return false;
  }

  private sshfsMount(file: string) {
    return this.suspectOf(path.dirname(file)) === FUSE ? this.views.mountOf(file) : undefined;
  }

  private viewOf(file: string): string {
    return this.sshfsMount(file) === undefined ? file : this.views.viewOf(file);
  }

  /**
   * Where a symlink text read from `dir` leads, here. On a local disk the kernel resolves it
   * from `dir`. On sshfs it is resolved as the server will, on the server's paths, and mapped
   * onto the mount: following links through the mount would not give the server's view.
   */
  private targetHere(dir: string, text: string): Outcome<string> {
    const mount = this.sshfsMount(`${dir}/.`);
    if (mount === undefined) return path.resolve(dir, text);
    const inMount = path.relative(mount.mountPoint, dir);
    const outside = failure(
      'EUNCHECKABLE',
      'reach',
      dir,
      'is outside the remote path, so it cannot be checked',
    );
    if (mount.serverPath === undefined) {
      return path.isAbsolute(text)
        ? outside
        : insideOr(mount.mountPoint, path.join(inMount, text), outside);
    }
    const serverTarget = path.posix.resolve(path.posix.join(mount.serverPath, inMount), text);
    return insideOr(mount.mountPoint, path.posix.relative(mount.serverPath, serverTarget), outside);
  }
}

const itself = (file: string) => file;
const linkPath = (link: NewLink) => link.path;
const renameTo = (rename: Rename) => rename.to;

/**
 * Whether `file` is a name in the directory `prefix` (with its slash), told without slicing:
 * a batch's thousands of paths are mostly in one directory.
 */
const isIn = (prefix: string, file: string) =>
  file.startsWith(prefix) && file.indexOf('/', prefix.length) < 0;

/** The directories of `paths`, each once: a batch has many links in few directories. */
function dirsOf(paths: string[]): Set<string> {
  const dirs = new Set<string>();
  let prefix = '\0';
  for (const file of paths) {
    // Told without lastIndexOf, which V8 does not make fast.
    if (isIn(prefix, file)) continue;
    const dir = file.slice(0, file.lastIndexOf('/')) || '/';
    dirs.add(dir);
    prefix = dir === '/' ? dir : `${dir}/`;
  }
  return dirs;
}

function insideOr(root: string, relative: string, outside: StoreFailure): Outcome<string> {
  if (relative.startsWith('..') || path.isAbsolute(relative)) return outside;
  return path.join(root, relative);
}

/** readlink first: for the common case, an existing symlink, it is the only call needed. */
function entryOf(file: string, times: boolean): Entry {
  try {
    const text = fs.readlinkSync(file);
    return times
      ? { kind: 'symlink', text, mtimeMs: fs.lstatSync(file).mtimeMs }
      : { kind: 'symlink', text };
  } catch (error) {
    const code = (error as StoreFailure).code;
    if (code === 'ENOENT') return { kind: 'none' };
    if (code !== 'EINVAL') throw error;
  }
  return fromStats(fs.lstatSync(file));
}

async function remoteEntryOf(file: string, times: boolean): Promise<Entry> {
  try {
    const text = await fs.promises.readlink(file);
    if (!times) return { kind: 'symlink', text };
    return { kind: 'symlink', text, mtimeMs: (await fs.promises.lstat(file)).mtimeMs };
  } catch (error) {
    const code = (error as StoreFailure).code;
    if (code === 'ENOENT') return { kind: 'none' };
    if (code !== 'EINVAL') throw error;
  }
  return fromStats(await fs.promises.lstat(file));
}

function fromStats(stats: fs.Stats): Entry {
  if (stats.isDirectory()) return { kind: 'directory' };
  if (stats.isFile()) {
    return {
      kind: 'file',
      id: `${stats.dev}:${stats.ino}`,
      nlink: stats.nlink,
      mtimeMs: stats.mtimeMs,
    };
  }
  if (stats.isSymbolicLink()) return { kind: 'symlink', text: '', mtimeMs: stats.mtimeMs };
  return { kind: 'other' };
}

/**
 * A write to a mount whose connection is gone may or may not have reached the server: the
 * store is lost, as an SFTP store is, and nothing after can be trusted to say what happened.
 */
function answered(outcomes: Outcome<void>[]): Outcome<void>[] {
  const lost = outcomes.find((outcome) => isFailure(outcome) && DISCONNECTED.has(outcome.code));
  if (lost) throw new StoreLostError(`the mount's connection is gone: ${describeError(lost)}`);
  return outcomes;
}

/** Each item's outcome, in order; a loop, not a closure per item, on batches of thousands. */
function each<T, R>(items: T[], call: (item: T) => R): Outcome<R>[] {
  const outcomes: Outcome<R>[] = new Array(items.length);
  for (let index = 0; index < items.length; index++) {
    try {
      outcomes[index] = call(items[index]);
    } catch (error) {
      outcomes[index] = asFailure(error);
    }
  }
  return outcomes;
}

async function concurrently<T, R>(
  items: T[],
  call: (item: T) => Promise<R>,
): Promise<Outcome<R>[]> {
  const results: Outcome<R>[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      try {
        results[index] = await call(items[index]);
      } catch (error) {
        results[index] = asFailure(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, items.length) }, worker));
  return results;
}

function asFailure(error: unknown): StoreFailure {
  if (isFailure(error as StoreFailure)) return error as StoreFailure;
  return failure('EIO', '', '', (error as Error)?.message ?? String(error));
}

function failure(code: string, syscall: string, file: string, message?: string): StoreFailure {
  return Object.assign(new Error(message ?? `${code}: ${syscall} ${file}`), { code, syscall });
}

function throwIt(error: StoreFailure): never {
  throw error;
}
