import fs from 'node:fs';

/**
 * Calls made inside a directory opened once, rather than through its path: a parent swapped
 * for a symlink after the directory was opened cannot redirect them. Node has no `*at` calls;
 * on Linux /proc/self/fd/N names the open directory itself, not a path. Walking
 * /proc/self/fd/N/NAME for every call costs half as much again as the plain path (the walk
 * through /proc cannot take the kernel's fast path), so a run of calls is made with the
 * working directory moved onto the open directory, through /proc/self/fd/N once, and bare
 * names, which the kernel resolves from there, faster than a full path.
 *
 * The working directory is the whole process's: this holds only while every other path the
 * process uses is absolute, as atomic-link's are, and only in the main thread (a worker may
 * not change it). Not where /proc is not there (macOS, the BSDs, /proc hidden).
 */
const PROC_FD = '/proc/self/fd/';
const DIRECTORY = fs.constants.O_RDONLY | fs.constants.O_DIRECTORY | fs.constants.O_NOFOLLOW;

/** The working directory the process had, opened to come back to; null where it cannot be. */
let home: number | null | undefined;

function homeFd(): number | null {
  if (home === undefined) {
    home = null;
    if (process.platform === 'linux' && fs.existsSync(PROC_FD)) {
      try {
        const fd = fs.openSync('.', DIRECTORY);
        try {
          // Moved onto itself: a worker thread, which may not move it, says so here.
          enterOpenDir(fd);
          home = fd;
        } catch {
          fs.closeSync(fd);
        }
      } catch {
        // A working directory we may not read: calls go by path, checked before each chunk.
      }
    }
  }
  return home;
}

/** Whether calls can be made inside open directories here. */
export function openDirsUsable(): boolean {
  return homeFd() !== null;
}

/**
 * Opens the directory at `real`, never a symlink at its name; undefined when it may be
 * searched but not read (calls in it then go by path). Throws when `real` no longer names the
 * directory opened: a parent swapped since it was resolved.
 */
export function openDir(real: string): { fd: number; stats: fs.Stats } | undefined {
  let fd: number;
  try {
    fd = fs.openSync(real, DIRECTORY);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EACCES') return undefined;
    throw error;
  }
  try {
    const opened = fs.readlinkSync(`${PROC_FD}${fd}`);
    if (opened !== real) {
      throw Object.assign(new Error(`${real} was moved while it was resolved (to ${opened})`), {
        code: 'ESTALE',
        syscall: 'open',
      });
    }
    return { fd, stats: fs.fstatSync(fd) };
  } catch (error) {
    fs.closeSync(fd);
    throw error;
  }
}

/** `name` in the open directory `fd`, by a path through the open directory itself. */
export function inOpenDir(fd: number, name: string): string {
  return `${PROC_FD}${fd}/${name}`;
}

/** Moves the working directory onto the open directory `fd`: bare names resolve in it. */
export function enterOpenDir(fd: number): void {
  process.chdir(`${PROC_FD}${fd}`);
}

/** Back to the working directory the process had. */
export function leaveOpenDir(): void {
  process.chdir(`${PROC_FD}${homeFd()}`);
}
