import fs from 'node:fs';

/**
 * statfs magic numbers (Linux) of filesystems whose rename may not be one atomic replace: FUSE
 * (sshfs may emulate it, workaround=rename), and network filesystems that may retry or emulate.
 * Other systems number their filesystems differently, and Node shows no type name: there the
 * answer is "unknown", and callers treat a directory as suspect only when asked to probe.
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

export const FUSE = 'FUSE';

/** The kind of filesystem holding `dir` when it is one whose rename is suspect, else undefined. */
export function suspectFilesystem(dir: string): string | undefined {
  if (process.platform !== 'linux') return undefined;
  return SUSPECT_ON_LINUX.get(fs.statfsSync(dir).type);
}
