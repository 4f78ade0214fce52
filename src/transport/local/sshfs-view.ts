import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UpdateError } from '../../engine/errors.js';
import { childProcess } from '../../platform/builtins.js';
import { inOpenDir } from '../../platform/open-dirs.js';

/** An sshfs mount, as /proc/self/mountinfo and the process serving it describe it. */
export interface SshfsMount {
  mountPoint: string;
  /** The user the mount belongs to (`user_id=` of its options). */
  uid: number | undefined;
  /** `[user@]host:[dir]`, as given to sshfs. */
  source: string;
  /** The mounted directory on the server when it is absolute, else undefined. */
  serverPath: string | undefined;
}

/**
 * Uncached second views of sshfs mounts. Through the mount that makes a switch, nothing can
 * see a gap in it: the kernel holds the directory's lock for the whole FUSE rename, and the
 * lookups of the guard wait behind it, even when sshfs emulates the rename with three calls
 * (`-o workaround=rename`) and other clients of the server see the name missing. A second
 * connection is another client: the guard looks through it, with every cache off.
 *
 * The view is also mounted with `no_contain_symlinks`, so that link texts which Debian's sshfs
 * will not read back through the main mount (absolute, or with `..`) can be read. Only lstat
 * and readlink are ever done through it, which follow no link.
 */
export class SshfsViews {
  private readonly views = new Map<string, string>();
  private mounts: MountEntry[] | undefined;
  private readonly mountOfDir = new Map<string, SshfsMount | undefined>();

  /**
   * The sshfs mount holding `file`, or undefined when it is on another filesystem. Ask only
   * for files on FUSE: the mount table is read then, and only then (it needs /proc).
   */
  mountOf(file: string): SshfsMount | undefined {
    this.mounts ??= readMounts();
    const dir = path.dirname(file);
    if (!this.mountOfDir.has(dir)) this.mountOfDir.set(dir, sshfsMountOf(this.mounts, file));
    return this.mountOfDir.get(dir);
  }

  /** `file` as seen through an uncached second connection, when it is on sshfs; else `file`. */
  viewOf(file: string): string {
    const mount = this.mountOf(file);
    if (mount === undefined) return file;
    let view = this.views.get(mount.mountPoint);
    if (view === undefined) {
      view = openView(mount);
      this.views.set(mount.mountPoint, view);
    }
    return path.join(view, path.relative(mount.mountPoint, file));
  }

  close(): void {
    for (const view of this.views.values()) unmountFuse(view);
    this.views.clear();
  }
}

/** What is looked up through a mount with these options is the server's truth, not a copy. */
export const UNCACHED_OPTIONS = [
  'dir_cache=no',
  'attr_timeout=0',
  'entry_timeout=0',
  'negative_timeout=0',
];

/**
 * Runs sshfs with `args(mountPoint)` on a new private mount point and returns it. On failure
 * the mount point is removed and the error carries sshfs's own message.
 */
export function mountSshfs(args: (mountPoint: string) => string[]): string {
  const mountPoint = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-mnt-'));
  try {
    childProcess().execFileSync('sshfs', args(mountPoint), {
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 60000,
    });
  } catch (error) {
    fs.rmdirSync(mountPoint);
    const stderr = String((error as { stderr?: Buffer }).stderr ?? '').trim();
    throw new Error(stderr || (error as Error).message);
  }
  return mountPoint;
}

/**
 * Mounts the same server directory again by re-running the serving sshfs with its own
 * arguments (so the same port, identity and host keys), on a private mount point.
 */
function openView(mount: SshfsMount): string {
  const args = servingArguments(mount);
  if (args === undefined) {
    throw new UpdateError(
      `cannot watch links on the sshfs mount ${mount.mountPoint}: the sshfs process serving it ` +
        `is not visible here or is another user's, so no second connection can be opened, and through the mount ` +
        `itself no gap can be seen; pass --no-guard --no-probe to switch unwatched`,
    );
  }
  const options = [...UNCACHED_OPTIONS, 'no_contain_symlinks'].join(',');
  try {
    return mountSshfs((view) => [
      ...args.map((arg) => (arg === mount.mountPoint ? view : arg)),
      '-o',
      options,
    ]);
  } catch (error) {
    throw new UpdateError(
      `cannot open a second, uncached view of the sshfs mount ${mount.mountPoint} to watch ` +
        `the switch: ${(error as Error).message}`,
    );
  }
}

export function unmountFuse(mountPoint: string): void {
  try {
    childProcess().execFileSync('fusermount3', ['-u', '-z', mountPoint], { stdio: 'ignore' });
  } catch {
    // Already gone (its connection died) or never mounted: the directory is all that is left.
  }
  try {
    fs.rmdirSync(mountPoint);
  } catch {
    // Still busy after a lazy unmount: an empty directory in the temp dir is all it leaves.
  }
}

/**
 * The arguments of the sshfs process that serves `mount`, with its own mount point in them.
 * Only a process of our own user, on a mount of our own user, is taken: re-running another
 * user's command line would run whatever it holds (a ProxyCommand, an ssh_command) as us.
 */
export function servingArguments(mount: SshfsMount): string[] | undefined {
  const me = process.getuid?.();
  if (me === undefined || mount.uid !== me) return undefined;
  for (const pid of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const argv = commandLineOfOurs(pid, me);
    if (argv === undefined || path.basename(argv[0] ?? '') !== 'sshfs') continue;
    const args = argv.slice(1);
    if (args.includes(mount.source) && args.includes(mount.mountPoint)) return args;
  }
  return undefined;
}

/**
 * The command line of process `pid` when every uid it has (real, effective, saved, filesystem)
 * is `me`, as its status says. Not the owner of /proc/PID: some kernels give root a process
 * that cannot be dumped (one that ran a file its user may not read, or made itself so), and a
 * setuid program keeps its user's real uid. Both are read through /proc/PID opened once, which
 * stays the process's own: a pid reused between the reads is not taken for it.
 */
function commandLineOfOurs(pid: string, me: number): string[] | undefined {
  let fd: number;
  try {
    fd = fs.openSync(`/proc/${pid}`, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
  } catch {
    return undefined; // gone
  }
  try {
    const uids = /^Uid:(.*)$/m.exec(fs.readFileSync(inOpenDir(fd, 'status'), 'utf8'))?.[1];
    const ours =
      uids
        ?.trim()
        .split(/\s+/)
        .every((uid) => Number(uid) === me) ?? false;
    if (!ours) return undefined;
    return fs.readFileSync(inOpenDir(fd, 'cmdline'), 'utf8').split('\0').slice(0, -1);
  } catch {
    return undefined; // gone meanwhile, or not ours to read
  } finally {
    fs.closeSync(fd);
  }
}

interface MountEntry {
  point: string;
  type: string;
  source: string;
  options: string;
}

/** The mount table, or none where /proc is hidden (then no sshfs mount is recognised). */
function readMounts(): MountEntry[] {
  let table: string;
  try {
    table = fs.readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return [];
  }
  return table.split('\n').flatMap((line) => {
    const fields = line.split(' ');
    const dash = fields.indexOf('-');
    if (dash < 0) return [];
    const point = unescapeMountField(fields[4]);
    return [
      {
        point,
        type: fields[dash + 1],
        source: unescapeMountField(fields[dash + 2]),
        options: fields[dash + 3] ?? '',
      },
    ];
  });
}

/** The innermost mount holding `file`, when it is sshfs. */
function sshfsMountOf(mounts: MountEntry[], file: string): SshfsMount | undefined {
  let best: MountEntry | undefined;
  for (const mount of mounts) {
    const prefix = mount.point.endsWith('/') ? mount.point : `${mount.point}/`;
    if (file !== mount.point && !file.startsWith(prefix)) continue;
    if (best === undefined || mount.point.length >= best.point.length) best = mount;
  }
  if (best?.type !== 'fuse.sshfs') return undefined;
  const uid = /(?:^|,)user_id=(\d+)/.exec(best.options)?.[1];
  return {
    mountPoint: best.point,
    uid: uid === undefined ? undefined : Number(uid),
    source: best.source,
    serverPath: serverPathOf(best.source),
  };
}

function serverPathOf(source: string): string | undefined {
  const rest = source.startsWith('[') ? source.slice(source.indexOf(']') + 1) : source;
  const dir = rest.slice(rest.indexOf(':') + 1);
  return dir.startsWith('/') ? path.posix.normalize(dir) : undefined;
}

/** mountinfo writes space, tab, newline and backslash as octal escapes. */
function unescapeMountField(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, octal: string) =>
    String.fromCharCode(parseInt(octal, 8)),
  );
}

/**
 * Whether the sshfs serving `mount` emulates rename (`-o workaround=rename`, or `all`): it then
 * moves the destination aside first, and the link is missing for a moment at every switch.
 * Undefined when its options cannot be seen.
 */
export function emulatesRename(mount: SshfsMount): boolean | undefined {
  const args = servingArguments(mount);
  if (args === undefined) return undefined;
  const options = args.flatMap((arg, index) =>
    arg.startsWith('-o') ? [arg.length > 2 ? arg.slice(2) : (args[index + 1] ?? '')] : [],
  );
  let emulates = false;
  for (const option of options.flatMap((list) => list.split(','))) {
    const match = /^workaround=(.*)$/.exec(option);
    if (!match) continue;
    for (const word of match[1].split(':')) {
      if (word === 'rename' || word === 'all') emulates = true;
      if (word === 'norename' || word === 'none') emulates = false;
    }
  }
  return emulates;
}
