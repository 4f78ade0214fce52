import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { leftovers, makeManyLinks, runCli, startCli, writeSpecs } from './helpers/tree.js';

/*
 * The local guard on Linux reads the kernel's change notifications (inotify): it learns of
 * every change to a link's name during the switch, and says when the kernel dropped some.
 */

const QUEUE = '/proc/sys/fs/inotify/max_queued_events';

/** `python3 -c SCRIPT` in `dir`; resolves with the process once it printed "ready". */
async function python(dir: string, script: string): Promise<ChildProcess> {
  const child = spawn('python3', ['-u', '-c', script], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk) => String(chunk).includes('ready') && resolve());
    child.once('exit', (code) => reject(new Error(`the writer ended (${code})`)));
  });
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const closed = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await closed;
}

function guardOf(stdout: string) {
  return JSON.parse(stdout).guard;
}

describe('the local guard reads the kernel’s notifications', () => {
  test('another writer’s unlink + symlink on one link, made once while the batch renames, fails the run with exit 3 naming the link, what the kernel told and its real end state', async () => {
    const count = 5000;
    const dir = makeManyLinks(count);
    const specs = writeSpecs(dir, count, 'v2');
    // Waits for our rename of l0 (the first), then replaces it the way BusyBox ln -sf does:
    // unlink, then symlink, microseconds apart. The batch is then still renaming the others.
    const writer = await python(
      dir,
      `import os, time
print("ready")
while os.readlink("links/l0") != "../releases/v2/f0": pass
os.unlink("links/l0"); os.symlink("../releases/v3/f0", "links/l0")
print("done")`,
    );
    try {
      const run = await startCli(['--json', '--spec-file', specs], dir);
      if (writer.exitCode === null) await new Promise((resolve) => writer.once('exit', resolve));
      expect(writer.exitCode).toBe(0);
      const now = fs.readlinkSync(path.join(dir, 'links', 'l0'));
      expect(now).toBe('../releases/v3/f0');
      expect(run.stderr).toContain(
        'the kernel told of changes to links during the update that were not ours',
      );
      // Ours: one rename; the writer's: an unlink and a create.
      expect(run.stderr).toMatch(
        new RegExp(
          `"links/l0" changed 3 times where our rename made 1, first at \\d+ ms, and is now -> ${JSON.stringify(JSON.stringify(now)).slice(1, -1)}`,
        ),
      );
      expect(run.stderr).not.toContain('"links/l1"');
      expect(run.status).toBe(3);
      const { guard, error } = JSON.parse(run.stdout);
      expect(error.exitCode).toBe(3);
      expect(guard).toMatchObject({ method: 'notifications', certain: true });
      expect(guard.touched).toEqual([
        {
          link: path.join(fs.realpathSync(dir), 'links', 'l0'),
          events: 3,
          ours: 1,
          now: `-> ${JSON.stringify(now)}`,
          firstMs: expect.any(Number),
        },
      ]);
      // The batch itself went through: every other link is ours.
      expect(fs.readlinkSync(path.join(dir, 'links', `l${count - 1}`))).toBe(
        `../releases/v2/f${count - 1}`,
      );
      expect(leftovers(path.join(dir, 'links'))).toEqual([]);
    } finally {
      await stop(writer);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a clean run is certain and needs no thread; an unrelated file written in the same directory is no alarm in 30 runs', async () => {
    const count = 200;
    const dir = makeManyLinks(count);
    const specs = ['v1', 'v2'].map((version) => writeSpecs(dir, count, version));
    const writer = await python(
      dir,
      `import os
print("ready")
i = 0
while True:
    with open("links/app.log", "a") as log: log.write("line\\n")
    os.symlink("x", "links/other"); os.unlink("links/other")
    i += 1`,
    );
    try {
      for (let round = 0; round < 30; round++) {
        const run = runCli(['--json', '--spec-file', specs[(round + 1) % 2]], dir);
        // Nothing but the progress a loaded machine may show.
        expect(
          run.stderr.replace(
            /^atomic-link: (made \d+ of \d+ new|switched \d+ of \d+) links\n/gm,
            '',
          ),
        ).toBe('');
        expect(run.status).toBe(0);
        const guard = guardOf(run.stdout);
        expect(guard.method).toMatch(/^notifications/);
        expect(guard.touched).toEqual([]);
        expect(guard.events).toBeGreaterThanOrEqual(count);
        const version = round % 2 ? 'v1' : 'v2';
        for (let i = 0; i < count; i += 37) {
          expect(fs.readlinkSync(path.join(dir, 'links', `l${i}`))).toBe(
            `../releases/${version}/f${i}`,
          );
        }
      }
    } finally {
      await stop(writer);
    }
    const quiet = runCli(['-v', '--spec-file', specs[1]], dir);
    expect(quiet.status).toBe(0);
    expect(quiet.stderr).toMatch(
      new RegExp(
        `guard: kernel notifications, certain: ${count} changes to the links' names told, none but ours; window \\d+ ms`,
      ),
    );
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the kernel’s queue overflowing (max_queued_events lowered) is said: partly blind, sampled from there, never silently', async () => {
    const count = 3000;
    const dir = makeManyLinks(count);
    const specs = writeSpecs(dir, count, 'v2');
    const before = fs.readFileSync(QUEUE, 'utf8');
    // Unrelated names made and removed as fast as Python can: each is an event in our queue.
    const flood = await python(
      dir,
      `import os
print("ready")
while True:
    os.symlink("x", "links/flood"); os.unlink("links/flood")`,
    );
    let run;
    try {
      // The limit is taken by a queue when it is made: the run's, made as it starts.
      fs.writeFileSync(QUEUE, '64');
      run = runCli(['--json', '-v', '--spec-file', specs], dir);
    } finally {
      fs.writeFileSync(QUEUE, before);
      await stop(flood);
    }
    if (run.status !== 0) console.log(run.stderr, run.stdout.slice(0, 3000));
    expect(run.status).toBe(0);
    const guard = guardOf(run.stdout);
    expect(guard.method).toBe('notifications, then sampling');
    expect(guard.certain).toBe(false);
    expect(guard.partlyBlind).toMatch(
      /queue of notifications overflowed \(more than 64 events between two reads\)/,
    );
    expect(guard.lookups).toBeGreaterThan(0);
    expect(guard.touched).toEqual([]);
    expect(JSON.parse(run.stdout).notes).toContainEqual(
      expect.stringMatching(/^the guard was partly blind: the kernel's queue/),
    );
    for (let i = 0; i < count; i += 101) {
      expect(fs.readlinkSync(path.join(dir, 'links', `l${i}`))).toBe(`../releases/v2/f${i}`);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
