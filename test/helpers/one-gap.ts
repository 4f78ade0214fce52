import { spawn } from 'node:child_process';

/**
 * The writer of the one-gap case: it watches the links' directory with inotify (through
 * ctypes: no module to install) and says "ready"; at the first of our renames onto a link it
 * waits `afterMs`, unlinks that link, waits `gapMs` (busy: a sleep would overshoot under
 * load) and makes it again with the target it had, ours. One gap, timed by the server's own
 * kernel to fall while the renames go out, whatever the round trip; the link ends as
 * atomic-link left it, so that only the guard can tell. It prints the link, how long after
 * the rename the gap began and how long it lasted.
 */
export function oneGapWriter(afterMs: number, gapMs: number): string[] {
  return [
    'python3',
    '-c',
    `import ctypes, os, re, struct, sys, time
libc = ctypes.CDLL(None, use_errno=True)
fd = libc.inotify_init()
if fd < 0 or libc.inotify_add_watch(fd, b"links", 0x80) < 0: sys.exit("no inotify")
print("ready", flush=True)
link = None
while link is None:
    data = os.read(fd, 65536)
    at = 0
    while at < len(data) and link is None:
        _, _, _, n = struct.unpack_from("iIII", data, at)
        name = data[at + 16:at + 16 + n].rstrip(b"\\0").decode()
        at += 16 + n
        if re.fullmatch(r"l[0-9]+", name): link = "links/" + name
seen = time.monotonic()
while time.monotonic() - seen < ${afterMs / 1000}: pass
target = os.readlink(link)
os.unlink(link)
gone = time.monotonic()
while time.monotonic() - gone < ${gapMs / 1000}: pass
os.symlink(target, link)
back = time.monotonic()
print(link, (gone - seen) * 1000, (back - gone) * 1000, flush=True)`,
  ];
}

/**
 * Starts that writer in `dir` (which holds `links/`) and resolves once it watches. `ended`,
 * called once the run is over, gives the writer `killAfterMs` to make its gap (a run that
 * renamed nothing leaves it waiting), then its line: the link, when the gap began after the
 * rename and how long it lasted; undefined if it made none.
 */
export async function startOneGap(
  dir: string,
  afterMs: number,
  gapMs: number,
): Promise<{ ended: (killAfterMs: number) => Promise<string | undefined> }> {
  const [command, ...args] = oneGapWriter(afterMs, gapMs);
  const writer = spawn(command, args, { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] });
  let said = '';
  writer.stdout.on('data', (chunk: Buffer) => (said += chunk));
  const exited = new Promise((resolve) => writer.once('exit', resolve));
  while (!said.startsWith('ready')) {
    if (writer.exitCode !== null) throw new Error('the one-gap writer did not start');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return {
    ended: async (killAfterMs) => {
      setTimeout(() => writer.kill('SIGKILL'), killAfterMs).unref();
      await exited;
      return said.split('\n')[1] || undefined;
    },
  };
}
