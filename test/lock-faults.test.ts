import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDelayProxy } from './helpers/delay-proxy.js';
import {
  TEST_USER,
  census,
  cliCopyIn,
  ensureTestUser,
  expectNoInternalError,
  mountTmpfs,
  slowRenames,
  tracedPid,
  underStrace,
} from './helpers/faults.js';
import { makeServerTree, manyRemoteLinks, startSshd } from './helpers/ssh-server.js';
import type { SshServer } from './helpers/ssh-server.js';
import {
  leftovers,
  makeDeployTree,
  makeManyLinks,
  snapshot,
  startCli,
  switchingStarted,
  writeSpecs,
  withoutProgress,
} from './helpers/tree.js';

/**
 * A holder that cannot be proven dead from here: another machine (or container), whose pid
 * means nothing in this one.
 */
const ELSEWHERE = {
  host: 'elsewhere',
  instance: 'another-boot',
  pid: 12349,
  token: 'feedc0de',
  since: '2026-12-06T10:00:00.000Z',
};
const foreignLock = (holder: object = ELSEWHERE) => JSON.stringify(holder);

let server: SshServer;
let tmpfs: { dir: string; unmount: () => void };
beforeAll(async () => {
  server = await startSshd();
  tmpfs = mountTmpfs('size=256m');
});
afterAll(() => {
  server.stop();
  tmpfs.unmount();
});
beforeEach(() => {
  fs.rmSync(server.root, { recursive: true, force: true });
  fs.mkdirSync(server.root);
  makeServerTree(server.root);
});

/** Where each test's links live, and how a run reaches them: this machine, or over SFTP. */
const PLACES = [
  { place: 'local', make: makeDeployTree, args: () => [] as string[], cwd: (dir: string) => dir },
  { place: 'SFTP', make: () => server.root, args: () => server.args, cwd: () => '/' },
];

describe.each(PLACES)('a lock whose holder cannot be proven dead ($place)', (where) => {
  test('left unchanged: a run waiting --lock-timeout 5 breaks it once it has waited that long, switches, and says so', async () => {
    const dir = where.make();
    fs.symlinkSync(foreignLock(), path.join(dir, '.atomic-link.lock'));
    const started = Date.now();
    const run = await startCli(
      [...where.args(), '-v', '--lock-timeout', '5', 'current -> releases/v2'],
      where.cwd(dir),
    );
    expectNoInternalError(run);
    // Said as it happens: the wait after a second, the lock when it is broken (once, with -v too).
    expect(run.stderr).toMatch(
      /^atomic-link: waiting for the lock \S*\/\.atomic-link\.lock, held by pid 12349 on "elsewhere" since "2026-12-06T10:00:00\.000Z"; waiting up to [1-5] s more\natomic-link: broke the lock \S*\/\.atomic-link\.lock of pid 12349 on "elsewhere" since "2026-12-06T10:00:00\.000Z": it was not refreshed for [5-9] s$/m,
    );
    expect(run.stderr).not.toContain('note: broke');
    expect(run.status).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(5000);
    expect(fs.readlinkSync(path.join(dir, 'current'))).toBe('releases/v2');
    expect(leftovers(dir)).toEqual([]);
  });

  test("left an hour ago by the store's clock: broken at first sight", async () => {
    const dir = where.make();
    const lock = path.join(dir, '.atomic-link.lock');
    fs.symlinkSync(foreignLock(), lock);
    execFileSync('touch', ['-h', '-d', '1 hour ago', lock]);
    const run = await startCli(
      [...where.args(), '-v', '--lock-timeout', '60', 'current -> releases/v2'],
      where.cwd(dir),
    );
    expectNoInternalError(run);
    const [, seconds] = /it was not refreshed for (\d+) s$/m.exec(run.stderr) ?? [];
    // Judged by the age the store gives it, not by a wait of 60 s.
    expect(Number(seconds)).toBeGreaterThanOrEqual(3500);
    expect(run.status).toBe(0);
    expect(fs.readlinkSync(path.join(dir, 'current'))).toBe('releases/v2');
    expect(leftovers(dir)).toEqual([]);
  });
});

test("a holder's text is quoted wherever it is told: one line, no workflow command", async () => {
  const dir = makeDeployTree();
  const lock = path.join(dir, '.atomic-link.lock');
  fs.symlinkSync(
    foreignLock({ ...ELSEWHERE, host: 'x\n::warning::pwned', since: '\n::error::x' }),
    lock,
  );
  execFileSync('touch', ['-h', '-d', '1 hour ago', lock]);
  const run = await startCli(['-v', '--lock-timeout', '5', 'current -> releases/v2'], dir);
  expectNoInternalError(run);
  expect(run.stderr).toContain(
    'of pid 12349 on "x\\n::warning::pwned" since "\\n::error::x": it was not refreshed for',
  );
  expect(run.stderr.split('\n').filter((line) => !line.startsWith('atomic-link: '))).toEqual(['']);
  expect(run.status).toBe(0);
});

describe('a holder behind a slow link, and a run waiting on a fast one', () => {
  const count = 200;

  test('650 ms each way: its one-round-trip refreshes keep it, and the waiter gives up at its timeout', async () => {
    const specFile = manyRemoteLinks(server.root, count);
    const links = path.join(server.root, 'links');
    const proxy = await startDelayProxy({ targetPort: server.port, delayMs: 650 });
    try {
      const holder = startCli([...server.argsVia(proxy.port), '--spec-file', specFile], '/');
      const held = await lockOf(links, holder.pid);
      const waiter = await startCli(
        [...server.args, '--lock-timeout', '5', 'links/l0 -> ../releases/v3'],
        '/',
      );
      expectNoInternalError(waiter);
      const lock = `root@127.0.0.1:${links}/.atomic-link.lock`;
      const holderText = `pid ${holder.pid} on ${JSON.stringify(held.host)} since ${JSON.stringify(held.since)}`;
      expect(waiter.stderr).toMatch(
        new RegExp(
          `^${escapeRegExp(`atomic-link: waiting for the lock ${lock}, held by ${holderText}; waiting up to `)}[1-4] s more\n` +
            `${escapeRegExp(`atomic-link: ${lock} is held by ${holderText}; waited 5 s`)}\n$`,
        ),
      );
      expect(waiter.status).toBe(1);
      const done = await holder;
      expect(withoutProgress(done.stderr)).toBe('');
      expect(done.status).toBe(0);
      expect(remoteVersions(links, count)).toEqual({ v2: count });
      expect(leftovers(links)).toEqual([]);
    } finally {
      await proxy.close();
    }
  }, 120000);

  test('800 ms each way: the round trip is over what the timing allows, and the run refuses to hold a lock there', async () => {
    const specFile = manyRemoteLinks(server.root, count);
    const links = path.join(server.root, 'links');
    const before = snapshot(server.root);
    const proxy = await startDelayProxy({ targetPort: server.port, delayMs: 800 });
    try {
      const run = await startCli([...server.argsVia(proxy.port), '--spec-file', specFile], '/');
      expectNoInternalError(run);
      expect(run.stderr).toMatch(
        /^atomic-link: a round trip to \S+ took (1\.[6-9]|[2-9]\.\d) s: over 1\.5 s, the lock's refreshes could land so far apart that a run waiting 5 s for it takes it for dead; nothing was changed\n$/,
      );
      expect(run.status).toBe(1);
      expect(snapshot(server.root)).toEqual(before);
      expect(leftovers(links)).toEqual([]);
    } finally {
      await proxy.close();
    }
  }, 120000);
});

describe('a local holder whose main thread is kept busy', () => {
  const count = 3000;

  test('a check phase slowed past the timeout: the lock stays its own, and a run waiting --lock-timeout 5 gives up', async () => {
    const dir = makeManyLinks(count, tmpfs.dir);
    const links = path.join(dir, 'links');
    // Each readlink held 3 ms: the batch's check, one synchronous call over every link, keeps
    // the main thread busy for 9 s, longer than the waiter's timeout.
    const reads = ['readlink', 'readlinkat'];
    const holder = startCli(
      ['--spec-file', writeSpecs(dir, count, 'v2')],
      dir,
      underStrace(reads, [`${reads.join(',')}:delay_enter=3000`]),
    );
    const pid = await tracedPid(holder.pid);
    const held = await lockOf(links, pid);
    const waiter = await startCli(
      ['--lock-timeout', '5', '--spec-file', writeSpecs(dir, count, 'v3')],
      dir,
    );
    expectNoInternalError(waiter);
    expect(waiter.stderr).toContain(
      `.atomic-link.lock is held by pid ${pid} on ${JSON.stringify(held.host)}`,
    );
    expect(waiter.status).toBe(1);
    const done = await holder;
    expect(withoutProgress(done.stderr)).toBe('');
    expect(done.status).toBe(0);
    expect(census(links, count)).toEqual({ v2: count });
    expect(leftovers(links)).toEqual([]);
  }, 120000);

  test('one lookup of its target held 8 s right after it took its lock (a hung mount): the lock stays its own, and a run waiting --lock-timeout 5 gives up', async () => {
    const dir = makeDeployTree();
    const target = path.join(dir, 'releases', 'v2');
    // Only the lookup of the target is held, as a dead mount under it would hold it, before
    // the keeper's thread is due: the main thread is in one call for all of it.
    const lookups = ['access', 'faccessat', 'faccessat2'];
    const holder = startCli(['-s', 'releases/v2', 'current'], dir, [
      ...underStrace(lookups, [`${lookups.join(',')}:delay_enter=8000000`]),
      '-P',
      target,
    ]);
    const pid = await tracedPid(holder.pid);
    const held = await lockOf(dir, pid);
    const waiter = await startCli(['--lock-timeout', '5', '-s', 'releases/v3', 'current'], dir);
    expectNoInternalError(waiter);
    expect(waiter.stderr).toContain(
      `.atomic-link.lock is held by pid ${pid} on ${JSON.stringify(held.host)}`,
    );
    expect(waiter.status).toBe(1);
    const done = await holder;
    expect(withoutProgress(done.stderr)).toBe('');
    expect(done.status).toBe(0);
    expect(fs.readlinkSync(path.join(dir, 'current'))).toBe('releases/v2');
    expect(leftovers(dir)).toEqual([]);
  }, 60000);

  test('its lock replaced by hand mid-renames: it stops, switches every link back, exit 1, and leaves the new lock alone', async () => {
    const dir = makeManyLinks(count, tmpfs.dir);
    const links = path.join(dir, 'links');
    const lock = path.join(links, '.atomic-link.lock');
    const run = startCli(['--spec-file', writeSpecs(dir, count, 'v2')], dir, slowRenames());
    await switchingStarted(path.join(links, 'l0'), '../releases/v2/f0');
    const taken = path.join(links, 'taken');
    fs.symlinkSync(foreignLock(), taken);
    fs.renameSync(taken, lock);
    const result = await run;
    expectNoInternalError(result);
    expect(result.stderr).toMatch(
      /^atomic-link: the lock \S+\/links\/\.atomic-link\.lock is no longer ours \(now held by pid 12349 on "elsewhere" since "2026-12-06T10:00:00\.000Z"\); switched back the \d+ links already switched$/m,
    );
    expect(result.status).toBe(1);
    expect(census(links, count)).toEqual({ v1: count });
    expect(fs.readlinkSync(lock)).toBe(foreignLock());
    expect(leftovers(links)).toEqual(['.atomic-link.lock']);
  }, 60000);
});

test('a lock that cannot be made for want of permission: exit 1 at once, said, not a wait', async () => {
  const dir = makeDeployTree();
  fs.chmodSync(dir, 0o755);
  ensureTestUser();
  const copies = fs.mkdtempSync(path.join(tmpfs.dir, 'cli-'));
  fs.chmodSync(copies, 0o755);
  const cli = cliCopyIn(copies);
  const before = snapshot(dir);
  const run = await startCli(
    ['--lock-timeout', '60', 'current -> releases/v2'],
    dir,
    ['runuser', '-u', TEST_USER, '--'],
    undefined,
    cli,
  );
  expectNoInternalError(run);
  expect(run.stderr).toBe(
    `atomic-link: cannot take the lock ${fs.realpathSync(dir)}/.atomic-link.lock: EACCES (symlink)\n`,
  );
  expect(run.status).toBe(1);
  expect(snapshot(dir)).toEqual(before);
}, 30000);

describe('a directory of a LINK swapped for a symlink to a private directory', () => {
  let privateDir: string;
  let privateBefore: Record<string, string>;
  beforeEach(() => {
    privateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-private-'));
    fs.writeFileSync(path.join(privateDir, 'secret'), 'mine\n');
    fs.symlinkSync('../releases/v1', path.join(privateDir, 'current'));
    privateBefore = snapshot(privateDir);
  });

  /** `dir/sub/current -> ../releases/v1`, `sub` writable by the second user. */
  function makeSub(dir: string): string {
    const sub = path.join(dir, 'sub');
    fs.mkdirSync(sub);
    fs.symlinkSync('../releases/v1', path.join(sub, 'current'));
    ensureTestUser();
    execFileSync('chown', [TEST_USER, dir, sub]);
    return sub;
  }

  test.each(PLACES)(
    '($place) while the run waits for a lock another user holds: exit 1, nothing written there, the directory change said',
    async (where) => {
      const dir = where.make();
      // The second user must reach the tree: the test server's root lies in a 0700 directory.
      if (where.place === 'SFTP') fs.chmodSync(path.dirname(dir), 0o711);
      const sub = makeSub(dir);
      asTestUser(['ln', '-s', foreignLock(), path.join(sub, '.atomic-link.lock')]);
      const waiting = probeSeen(sub);
      const run = startCli(
        [...where.args(), '--lock-timeout', '30', 'sub/current -> ../releases/v2'],
        where.cwd(dir),
      );
      await waiting;
      const moved = path.join(dir, 'sub-old');
      asTestUser(['ln', '-s', privateDir, moved]);
      exchange(sub, moved, ['runuser', '-u', TEST_USER, '--']);
      asTestUser(['rm', path.join(moved, '.atomic-link.lock')]);
      const result = await run;
      expectNoInternalError(result);
      expect(result.stderr).toContain(
        where.place === 'SFTP'
          ? `${sub} is no longer the directory resolved at the start: it now leads to ` +
              `${JSON.stringify(privateDir)} (moved, or replaced by a symlink while this run ` +
              `waited for its lock); nothing was changed`
          : `${sub} is no longer the directory it was`,
      );
      expect(result.status).toBe(1);
      expect(snapshot(privateDir)).toEqual(privateBefore);
      expect(fs.readlinkSync(path.join(moved, 'current'))).toBe('../releases/v1');
      // No lock of ours. A probe of the waiting run (a temporary name, made and removed in one
      // round trip) stays there when the swap lands between the two: a later run sweeps it.
      expect(leftovers(moved).filter((name) => !name.startsWith('.atomic-link-tmp-'))).toEqual([]);
    },
    60000,
  );

  test('(SFTP) right after the run took its lock: exit 1 before any link is switched, nothing left there', async () => {
    const sub = makeSub(server.root);
    const moved = path.join(server.root, 'sub-old');
    // Each phase a round trip of 400 ms: the swap lands between the lock and the next write.
    const proxy = await startDelayProxy({ targetPort: server.port, delayMs: 200 });
    try {
      const run = startCli([...server.argsVia(proxy.port), 'sub/current -> ../releases/v2'], '/');
      await lockOf(sub, run.pid);
      fs.symlinkSync(privateDir, moved);
      exchange(sub, moved);
      const result = await run;
      expectNoInternalError(result);
      expect(result.stderr).toContain(`now leads to ${JSON.stringify(privateDir)}`);
      expect(result.stderr).toMatch(/; no link was changed$/m);
      expect(result.status).toBe(1);
      expect(snapshot(privateDir)).toEqual(privateBefore);
      expect(fs.readlinkSync(path.join(moved, 'current'))).toBe('../releases/v1');
      // Our lock went with the directory: a later run there breaks it.
      expect(leftovers(moved)).toEqual(['.atomic-link.lock']);
    } finally {
      await proxy.close();
    }
  }, 60000);
  test('(SFTP) between two chunks of renames: the switch back does not follow the swap; links left new are said, in the directory switched', async () => {
    const sub = path.join(server.root, 'sub');
    fs.mkdirSync(sub);
    const count = 300;
    for (let i = 0; i < count; i++) fs.symlinkSync('../releases/v1', path.join(sub, `l${i}`));
    const specs = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-specs-')), 'specs');
    fs.writeFileSync(
      specs,
      Array.from({ length: count }, (_, i) => `sub/l${i} -> ../releases/v2`).join('\n'),
    );
    const moved = path.join(server.root, 'sub-old');
    // A round trip of 400 ms: the swap lands between the first chunk of renames and the next.
    const proxy = await startDelayProxy({ targetPort: server.port, delayMs: 200 });
    try {
      const run = startCli([...server.argsVia(proxy.port), '--spec-file', specs], '/');
      const deadline = Date.now() + 30000;
      while (fs.readlinkSync(path.join(sub, 'l0')) !== '../releases/v2') {
        if (Date.now() > deadline) throw new Error('the first chunk never landed');
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      fs.symlinkSync(privateDir, moved);
      exchange(sub, moved);
      const result = await run;
      expectNoInternalError(result);
      // Through the swapped path the guard finds the links missing, as a reader there would.
      expect([1, 3]).toContain(result.status);
      expect(snapshot(privateDir)).toEqual(privateBefore);
      // What was switched stays new where it was switched, and each such link is named.
      const isNew = Array.from({ length: count }, (_, i) => i).filter(
        (i) => fs.readlinkSync(path.join(moved, `l${i}`)) === '../releases/v2',
      );
      expect(isNew.length).toBeGreaterThan(0);
      for (const i of isNew) {
        expect(result.stderr).toMatch(new RegExp(`"sub/l${i}" is new .*not switched back there`));
      }
    } finally {
      await proxy.close();
    }
  }, 60000);
});

/**
 * Exchanges the names `a` and `b` in one renameat2(RENAME_EXCHANGE), under `wrapper` (runuser):
 * at no moment is either name missing, as a run looking at them would otherwise see.
 */
function exchange(a: string, b: string, wrapper: string[] = []): void {
  const script =
    'import ctypes, sys\n' +
    'libc = ctypes.CDLL(None, use_errno=True)\n' +
    'AT_FDCWD, RENAME_EXCHANGE = -100, 2\n' +
    'if libc.renameat2(AT_FDCWD, sys.argv[1].encode(), AT_FDCWD, sys.argv[2].encode(), RENAME_EXCHANGE):\n' +
    '    sys.exit(ctypes.get_errno())\n';
  const [program, ...args] = [...wrapper, 'python3', '-c', script, a, b];
  execFileSync(program, args);
}

function asTestUser(command: string[]): void {
  execFileSync('runuser', ['-u', TEST_USER, '--', ...command]);
}

/** Resolves once a run waiting for the lock in `dir` made its first probe there. */
function probeSeen(dir: string): Promise<void> {
  return new Promise((resolve) => {
    const watcher = fs.watch(dir, (_, name) => {
      if (String(name).startsWith('.atomic-link-tmp-')) {
        watcher.close();
        resolve();
      }
    });
  });
}

/** The lock in `dir` once the run with `pid` holds it. */
async function lockOf(dir: string, pid: number): Promise<{ host: string; since: string }> {
  const deadline = Date.now() + 60000;
  for (;;) {
    try {
      const holder = JSON.parse(fs.readlinkSync(path.join(dir, '.atomic-link.lock')));
      if (holder.pid === pid) return holder;
    } catch {
      // not there yet
    }
    if (Date.now() > deadline) throw new Error(`${pid} never took the lock in ${dir}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** How many of `links/lN` point at each release, for links made by manyRemoteLinks. */
function remoteVersions(links: string, count: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < count; i++) {
    const version = path.basename(fs.readlinkSync(path.join(links, `l${i}`)));
    counts[version] = (counts[version] ?? 0) + 1;
  }
  return counts;
}
