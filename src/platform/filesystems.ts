import fs from 'node:fs';
import { childProcess } from './builtins.js';

/**
 * statfs magic numbers (Linux) of filesystems whose rename may not be one atomic replace: FUSE
 * (sshfs may emulate it, workaround=rename), and network filesystems that may retry or emulate.
 */
const SUSPECT_ON_LINUX = new Map<number, string>([
  [0x65735546, 'FUSE'],
  [0x6969, 'NFS'],
  [0xff534d42, 'CIFS'],
  [0xfe534d42, 'SMB2'],
  [0x517b, 'SMB'],
  [0x01021997, '9P'],
  [0x00c36400, 'Ceph'],
  [0x786f4256, 'VirtualBox shared folder'],
  [0x47504653, 'GPFS'],
  [0x0bd00bd0, 'Lustre'],
]);

/**
 * Type names, as `mount` prints them on macOS and the BSDs, of the same kinds: FUSE in all its
 * builds (macfuse, osxfuse, fusefs.sshfs; FUSE-T serves through nfs), and network filesystems.
 */
const SUSPECT_NAME = /fuse|^(nfs|smbfs|cifs|afpfs|webdav|9p|sshfs)$/;

/**
 * Why links on this machine's own disk cannot be switched here, or undefined where they can.
 * On Windows the engine's paths (POSIX) do not fit, and one rename cannot replace a directory
 * symlink (a directory to MoveFileEx); deleting and re-creating instead is what atomic-link
 * exists not to do.
 */
export const LOCAL_UNSUPPORTED =
  process.platform === 'win32'
    ? 'switching links on a Windows disk is not supported yet: a directory symlink cannot be ' +
      'replaced in one rename there, and atomic-link never deletes and re-creates a link; ' +
      '--ssh (over SFTP) works from Windows'
    : undefined;

/** Linux's FUSE, where the serving sshfs process and its mount can be found through /proc. */
export const FUSE = 'FUSE';

/**
 * The kind of filesystem holding `dir` when it is one whose rename is suspect, else undefined.
 * Linux answers from statfs. macOS and the BSDs number their filesystems differently and Node
 * shows no type name (statfs's f_fstypename), so the mount table that `mount` prints is read,
 * once per run, and only there. Where neither works (Windows; `mount` not found), the answer is
 * undefined: the directory is not suspect, and trial swaps run only with --probe.
 */
export function suspectFilesystem(dir: string): string | undefined {
  if (process.platform === 'linux') {
    try {
      return SUSPECT_ON_LINUX.get(fs.statfsSync(dir).type);
    } catch {
      // A directory that cannot be asked (gone, not one) is refused by the call that needs it.
      return undefined;
    }
  }
  if (!PRINTS_MOUNTS.has(process.platform)) return undefined;
  mounts ??= readMounts();
  const type = filesystemOf(dir, mounts);
  return type !== undefined && SUSPECT_NAME.test(type) ? type : undefined;
}

const PRINTS_MOUNTS = new Set<string>(['darwin', 'freebsd', 'openbsd', 'netbsd']);
let mounts: Mount[] | undefined;

function readMounts(): Mount[] {
  try {
    return parseMountTable(
      childProcess().execFileSync('/sbin/mount', { encoding: 'utf8', timeout: 5000 }),
    );
  } catch {
    return [];
  }
}

export interface Mount {
  mountPoint: string;
  type: string;
}

/**
 * `mount`'s lines: `SOURCE on MOUNTPOINT (TYPE, option, ...)` (macOS, FreeBSD) or
 * `SOURCE on MOUNTPOINT type TYPE (options)` (OpenBSD, NetBSD). A mount point may hold spaces;
 * the type is told by the last parenthesis.
 */
export function parseMountTable(text: string): Mount[] {
  const table: Mount[] = [];
  for (const line of text.split('\n')) {
    const bsd = / on (\/.*) type (\S+) \([^()]*\)$/.exec(line);
    const mac = bsd ? null : / on (\/.*) \(([^,()]+)(?:, [^()]*)?\)$/.exec(line);
    const found = bsd ?? mac;
    if (found) table.push({ mountPoint: found[1], type: found[2] });
  }
  return table;
}

/**
 * The type of the mount holding `dir` (a resolved path): the mount point that contains it with
 * the least of the path left over. On macOS a path of the data volume may be listed under
 * /System/Volumes/Data, its firmlink, so both spellings are tried.
 */
export function filesystemOf(dir: string, table: Mount[]): string | undefined {
  let best: { type: string; left: number } | undefined;
  for (const candidate of [dir, `/System/Volumes/Data${dir}`]) {
    for (const { mountPoint, type } of table) {
      const root = mountPoint === '/';
      if (!root && candidate !== mountPoint && !candidate.startsWith(`${mountPoint}/`)) continue;
      const left = candidate.length - (root ? 0 : mountPoint.length);
      if (best === undefined || left < best.left) best = { type, left };
    }
  }
  return best?.type;
}
