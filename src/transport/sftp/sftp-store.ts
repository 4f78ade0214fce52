import path from 'node:path';
import type { SFTPWrapper, Stats } from 'ssh2';
import { InterruptedError, StoreLostError, UpdateError } from '../../engine/errors.js';
import { isFailure } from '../../engine/port.js';
import { tempName } from '../../engine/temp-names.js';
import type {
  Entry,
  LinkStore,
  NewLink,
  Outcome,
  Rename,
  RenameBehaviour,
  StoreFailure,
  Watch,
  WatchOptions,
} from '../../engine/port.js';
import type { SshTarget } from '../ssh-target.js';
import { connect } from './connect.js';
import type { Channel, SshSession } from './connect.js';
import { SftpGuard } from './sftp-guard.js';

const POSIX_RENAME = 'posix-rename@openssh.com';
const HARDLINK = 'hardlink@openssh.com';
const LSETSTAT = 'lsetstat@openssh.com';
/** The mtime a directory's probe link is given (see probeStamps): any the clock is past. */
const PROBE_TIME = 1;
/** READDIR requests sent at once on one handle: up to ~100 names come back per request. */
const READDIRS_IN_FLIGHT = 16;

/** SFTP status codes as errno names, so that the engine reads them as it reads local errors. */
const STATUS_AS_ERRNO: Record<number, string> = {
  2: 'ENOENT',
  3: 'EACCES',
  4: 'EFAILURE',
  8: 'ENOTSUP',
};

/**
 * Links on a server, through SFTP spoken directly (OpenSSH's sftp-server or internal-sftp).
 * Every operation sends all its requests before reading a reply: the server answers them in
 * order, one after another, so a phase costs one round trip whatever the number of links.
 *
 * Renames use posix-rename@openssh.com, a plain rename(2) on the server; plain SFTP rename
 * refuses to overwrite, and emulating it leaves a gap, so without the extension nothing is
 * done at all.
 */
export class SftpStore implements LinkStore {
  readonly canSyncDirs = false;
  readonly knowsInodes = false;
  /** One channel: sftp-server carries out its requests one after another, as sent. */
  readonly inOrder = true;
  readonly where: string;
  /**
   * What connecting passed over and did not fail for (known_hosts lines it cannot use, key
   * files it could not): for the caller to show with -v.
   */
  readonly notes: readonly string[];
  private readonly sftp: SFTPWrapper;
  private readonly channel: Channel;
  /** The guard watching this store's links: the rest of its wave goes out behind the renames. */
  private guard: SftpGuard | undefined;
  /**
   * The mtime (in seconds) the links to be renamed onto watched ones are stamped with: one
   * second before the first link this store made (the lock, on the server's clock), so that
   * no link made later can bear it. Unknown until then; never, without lsetstat@openssh.com,
   * which sets a symlink's own times (plain setstat would follow it).
   */
  private stamp: number | undefined;
  private readonly canStamp: boolean;
  /**
   * Each directory's links are stamped only once a probe there showed lsetstat set a
   * symlink's own mtime (see probeStamps): on a directory the server reaches through sshfs it
   * answered OK and dated the link's target instead, and the guard took every clean run for
   * another writer's (exit 3). false while unknown.
   */
  private readonly stampable = new Map<string, boolean>();
  /** Links made and stamped, not yet renamed. */
  private readonly stamped = new Set<string>();

  /**
   * The requests waiting for an answer, each ended as lost when the connection is: one
   * handler on the connection for them all, not one a request raced against its answer (those
   * stayed on the connection's promise for the run's life, one more with every request).
   */
  private readonly waiting = new Set<(error: Error) => void>();
  /** Why the connection is gone, once it is. */
  private gone: Error | undefined;

  private constructor(private readonly session: SshSession) {
    this.where = session.where.slice(0, session.where.lastIndexOf(':'));
    this.notes = session.notes;
    this.channel = session.main;
    this.sftp = session.main.sftp;
    this.canStamp = session.extensions.has(LSETSTAT);
    session.lost.catch((error: Error) => {
      this.gone = error;
      for (const cutOff of this.waiting) cutOff(error);
      this.waiting.clear();
    });
  }

  /**
   * Connects and checks the server's extensions exactly, before anything is touched: the
   * renames need posix-rename, hard links need hardlink. `signal` (the run's stop request)
   * ends a connect at once, and later has a server that does not answer left within a second.
   */
  static async open(
    target: SshTarget,
    needs: { hardLinks: boolean; signal?: AbortSignal },
  ): Promise<SftpStore> {
    const session = await connect(target, needs.signal);
    const missing = [POSIX_RENAME, ...(needs.hardLinks ? [HARDLINK] : [])].filter(
      (name) => !session.extensions.has(name),
    );
    if (missing.length > 0) {
      session.close();
      throw new UpdateError(
        `${session.where}: the server's SFTP lacks ${missing.join(' and ')}` +
          (missing.includes(POSIX_RENAME)
            ? ': plain SFTP rename will not replace an existing link, and replacing one ' +
              'without it always leaves a moment with no link'
            : '') +
          `; nothing was changed`,
      );
    }
    return new SftpStore(session);
  }

  realDirs(dirs: string[]): Promise<Outcome<string>[]> {
    return this.batch(dirs, async (dir) => {
      const [real, stats] = await Promise.all([
        this.call<string>('realpath', (cb) => this.sftp.realpath(dir, cb)),
        this.call<Stats>('stat', (cb) => this.sftp.stat(dir, cb)),
      ]);
      if (!stats.isDirectory()) throw failure('ENOTDIR', 'stat', `${dir} is not a directory`);
      return real;
    });
  }

  inspect(paths: string[], options?: { times?: boolean }): Promise<Outcome<Entry>[]> {
    void options; // lstat's answer carries the time anyway
    return this.batch(paths, async (file) => {
      // Both sent at once: readlink fails on anything but a link, and is then not needed.
      const [stats, text] = await Promise.all([
        this.call<Stats>('lstat', (cb) => this.sftp.lstat(file, cb)).catch(
          (error: StoreFailure) => {
            if (error.code === 'ENOENT') return undefined;
            throw error;
          },
        ),
        this.call<string>('readlink', (cb) => this.sftp.readlink(file, cb)).catch(() => undefined),
      ]);
      if (stats === undefined) return { kind: 'none' };
      const mtimeMs = stats.mtime * 1000;
      if (stats.isSymbolicLink()) return { kind: 'symlink', text: text ?? '', mtimeMs };
      if (stats.isDirectory()) return { kind: 'directory' };
      if (stats.isFile()) return { kind: 'file', mtimeMs };
      return { kind: 'other' };
    });
  }

  reach(targets: { dir: string; text: string }[]): Promise<Outcome<void>[]> {
    return this.batch(targets, async ({ dir, text }) => {
      await this.call<Stats>('stat', (cb) => this.sftp.stat(path.posix.resolve(dir, text), cb));
    });
  }

  create(links: NewLink[]): Promise<Outcome<void>[]> {
    // The server's clock, read from the first symlink made, which is then looked at right
    // behind its creation (the lock: before any link to be stamped).
    let clock = this.canStamp && this.stamp === undefined;
    const made = this.batch(links, (link) => {
      if (link.type !== 'symbolic') {
        return this.call<void>('hardlink', (cb) =>
          this.sftp.ext_openssh_hardlink(link.content, link.path, cb),
        );
      }
      const readClock = clock;
      clock = false;
      return this.symlink(link, readClock);
    });
    // In the same write, behind them: the first links made (the locks) probe every directory.
    if (this.canStamp) this.probeStamps(links);
    return made;
  }

  /**
   * Probes each directory of `links` not probed yet, behind the requests already sent (no
   * round trip of its own): a symlink to a name that does not exist, dated with lsetstat,
   * looked at, removed. Its mtime as set says lsetstat sets a symlink's own times there; a
   * server that follows the link (sshfs's setstat) fails on the missing name, and so dates
   * nothing of the user's.
   */
  private probeStamps(links: NewLink[]): void {
    for (const link of links) {
      const dir = path.posix.dirname(link.path);
      if (link.type !== 'symbolic' || this.stampable.has(dir)) continue;
      this.stampable.set(dir, false);
      const probe = tempName(dir);
      const made = this.call<void>('symlink', (cb) =>
        this.sftp.symlink(`${path.posix.basename(probe)}.none`, probe, cb),
      );
      const dated = this.call<void>('lsetstat', (cb) =>
        this.sftp.ext_openssh_lsetstat(probe, { atime: PROBE_TIME, mtime: PROBE_TIME }, cb),
      );
      const looked = this.call<Stats>('lstat', (cb) => this.sftp.lstat(probe, cb));
      const removed = this.call<void>('unlink', (cb) => this.sftp.unlink(probe, cb));
      void Promise.all([made, dated, looked, removed]).then(
        ([, , stats]) =>
          this.stampable.set(dir, stats.isSymbolicLink() && stats.mtime === PROBE_TIME),
        () => undefined,
      );
    }
  }

  /** Makes `link`, stamps it where asked and known, or first reads the clock from it. */
  private async symlink(link: NewLink, readClock: boolean): Promise<void> {
    const made = this.call<void>('symlink', (cb) => this.sftp.symlink(link.content, link.path, cb));
    const clock = readClock
      ? this.call<Stats>('lstat', (cb) => this.sftp.lstat(link.path, cb)).catch(() => undefined)
      : undefined;
    const stamp =
      link.stamp && this.stampable.get(path.posix.dirname(link.path)) ? this.stamp : undefined;
    const stamped =
      stamp === undefined
        ? undefined
        : this.call<void>('lsetstat', (cb) =>
            this.sftp.ext_openssh_lsetstat(link.path, { atime: stamp, mtime: stamp }, cb),
          ).then(
            () => true,
            () => false,
          );
    await made;
    if (await stamped) this.stamped.add(link.path);
    const stats = await clock;
    // A server whose lstat tells no time gives no clock.
    if (stats?.isSymbolicLink() && this.stamp === undefined && Number.isInteger(stats.mtime)) {
      this.stamp = stats.mtime - 1;
    }
  }

  async rename(renames: Rename[]): Promise<Outcome<void>[]> {
    const outcomes = this.batch(renames, ({ from, to }) =>
      this.call<void>('rename', (cb) => this.sftp.ext_openssh_rename(from, to, cb)),
    );
    this.guard?.renamesSent();
    const done = await outcomes;
    renames.forEach((rename, index) => {
      if (isFailure(done[index])) return;
      const stamped = this.stamped.delete(rename.from);
      this.guard?.landed(rename, stamped ? this.stamp : undefined);
    });
    return done;
  }

  async remove(paths: string[]): Promise<Outcome<void>[]> {
    const done = await this.batch(paths, (file) =>
      this.call<void>('unlink', (cb) => this.sftp.unlink(file, cb)),
    );
    paths.forEach((file, index) => {
      if (!isFailure(done[index])) this.guard?.removed(file);
    });
    return done;
  }

  /** Opens each directory, then asks for many pages of names at once on its handle. */
  list(dirs: string[]): Promise<Outcome<string[]>[]> {
    return this.batch(dirs, async (dir) => {
      const handle = await this.call<Buffer>('opendir', (cb) => this.sftp.opendir(dir, cb));
      const names: string[] = [];
      try {
        for (let done = false; !done;) {
          this.session.batchWrites();
          const pages = await Promise.all(
            Array.from({ length: READDIRS_IN_FLIGHT }, () =>
              this.call<{ filename: string }[]>('readdir', (cb) =>
                this.sftp.readdir(handle, cb),
              ).catch((error: StoreFailure) => {
                // The end of the listing: SSH_FX_EOF.
                if (error.code === 'EOF') return undefined;
                throw error;
              }),
            ),
          );
          for (const page of pages) {
            if (page === undefined) done = true;
            else names.push(...page.map((item) => item.filename));
          }
        }
      } finally {
        this.sftp.close(handle, () => undefined);
      }
      return names;
    });
  }

  async syncDirs(dirs: string[]): Promise<Outcome<void>[]> {
    return dirs.map(() => failure('ENOTSUP', 'fsync', 'SFTP cannot fsync a directory'));
  }

  async watch(paths: string[], options?: WatchOptions): Promise<Watch> {
    const channel = await this.session.second().catch((error: Error) => {
      const message = `cannot open a second SFTP channel for the guard: ${error.message}`;
      // Closed by a stop that the server did not answer in time: the run was stopped (143).
      const signal =
        error instanceof InterruptedError ? error.signal : this.session.ended()?.signal;
      throw signal ? new InterruptedError(message, signal) : new UpdateError(message);
    });
    this.guard = await SftpGuard.start(channel, paths, this.session.lost, options);
    return this.guard;
  }

  async renameBehaviour(): Promise<RenameBehaviour> {
    return { kind: 'atomic' };
  }

  async close(): Promise<void> {
    this.session.close();
  }

  /**
   * Sends every item's requests, then waits for all answers. A request that got no answer at
   * all (the connection is gone) makes the whole phase throw: what it did is unknown.
   */
  private async batch<T, R>(items: T[], call: (item: T) => Promise<R>): Promise<Outcome<R>[]> {
    this.session.batchWrites();
    const outcomes = await Promise.all(
      items.map((item) => call(item).catch((error: StoreFailure) => error)),
    );
    const lost = outcomes.find((outcome) => isFailure(outcome) && outcome.code === 'ELOST');
    if (lost) throw this.lostError((lost as Error).message);
    return outcomes;
  }

  /**
   * Work cut off by the connection's end: lost (each link old or new), or stopped by a signal
   * when the stop had the connection closed, as the server did not answer it in time.
   */
  private lostError(message: string): StoreLostError | InterruptedError {
    const ended = this.session.ended();
    const why = `${this.where}: ${ended?.reason ?? message}`;
    return ended?.signal ? new InterruptedError(why, ended.signal) : new StoreLostError(why);
  }

  private call<R>(
    syscall: string,
    send: (cb: (error: Error | null | undefined, value: R) => void) => void,
  ): Promise<R> {
    const { requests } = this.channel;
    return new Promise<R>((resolve, reject) => {
      if (this.gone !== undefined) {
        reject(failure('ELOST', syscall, this.gone.message));
        return;
      }
      const cutOff = (error: Error) => reject(failure('ELOST', syscall, error.message));
      this.waiting.add(cutOff);
      requests.sent();
      try {
        send((error, value) => {
          this.waiting.delete(cutOff);
          requests.done();
          if (error) reject(asFailure(error, syscall));
          else resolve(value);
        });
      } catch (error) {
        this.waiting.delete(cutOff);
        requests.done();
        // ssh2 throws at once when the channel is already closed.
        reject(failure('ELOST', syscall, `the connection is gone (${(error as Error).message})`));
      }
    });
  }
}

function asFailure(error: Error, syscall: string): StoreFailure {
  const status = (error as { code?: unknown }).code;
  if (typeof status !== 'number') {
    return failure('ELOST', syscall, `the connection was lost (${error.message})`);
  }
  const code = status === 1 ? 'EOF' : (STATUS_AS_ERRNO[status] ?? 'EIO');
  return failure(code, syscall, error.message);
}

function failure(code: string, syscall: string, message: string): StoreFailure {
  return Object.assign(new Error(message), { code, syscall });
}
