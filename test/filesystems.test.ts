import { filesystemOf, parseMountTable } from '../lib/platform/filesystems.js';

// `mount` as macOS 14, FreeBSD 14 and OpenBSD 7 print it (the FUSE lines as macFUSE's and
// FreeBSD's sshfs write them), with a mount point holding spaces.
const MACOS = `/dev/disk3s1s1 on / (apfs, sealed, local, read-only, journaled)
devfs on /dev (devfs, local, nobrowse)
/dev/disk3s5 on /System/Volumes/Data (apfs, local, journaled, nobrowse, protect, root data)
map auto_home on /System/Volumes/Data/home (autofs, automounted, nobrowse)
deploy@web1:/srv on /Users/ci/mnt (macfuse, nodev, nosuid, synchronous, mounted by ci)
//ci@files/share on /Volumes/My Share (smbfs, nodev, nosuid, mounted by ci)
fuse-t:/web2 on /Users/ci/fuse t (nfs, nodev, nosuid, mounted by ci)`;
const FREEBSD = `/dev/ada0p2 on / (ufs, local, journaled soft-updates)
devfs on /dev (devfs)
deploy@web1:/srv on /mnt/web1 (fusefs.sshfs, nosuid, synchronous, mounted by ci)
files:/export on /nfs (nfs)`;
const OPENBSD = `/dev/sd0a on / type ffs (local)
/dev/sd0e on /home type ffs (local, nodev, nosuid)
files:/export on /home/ci/nfs type nfs (nodev, nosuid)`;

describe('the mount table of macOS and the BSDs', () => {
  const TABLES: Record<string, string> = {
    macOS: MACOS,
    FreeBSD: FREEBSD,
    OpenBSD: OPENBSD,
    nothing: '',
  };
  test.each<[string, string, string | undefined]>([
    ['macOS', '/Users/ci/site', 'apfs'],
    ['macOS', '/Users/ci/mnt', 'macfuse'],
    ['macOS', '/Users/ci/mnt/releases', 'macfuse'],
    ['macOS', '/Users/ci/mntx', 'apfs'],
    ['macOS', '/Volumes/My Share/site', 'smbfs'],
    ['macOS', '/Users/ci/fuse t/site', 'nfs'],
    ['macOS', '/home/ci', 'autofs'],
    ['FreeBSD', '/mnt/web1/current', 'fusefs.sshfs'],
    ['FreeBSD', '/usr/home/ci', 'ufs'],
    ['FreeBSD', '/nfs', 'nfs'],
    ['OpenBSD', '/home/ci/nfs/site', 'nfs'],
    ['OpenBSD', '/home/ci/site', 'ffs'],
    ['OpenBSD', '/tmp', 'ffs'],
    ['nothing', '/tmp', undefined],
  ])('%s: %s is on %s', (system, dir, type) => {
    expect(filesystemOf(dir, parseMountTable(TABLES[system]))).toBe(type);
  });

  test('every line of each table is read, and nothing else', () => {
    expect(parseMountTable(MACOS)).toHaveLength(7);
    expect(parseMountTable(FREEBSD)).toHaveLength(4);
    expect(parseMountTable(OPENBSD)).toHaveLength(3);
    expect(parseMountTable('garbage\n\nno mount here (x)')).toEqual([]);
  });
});
