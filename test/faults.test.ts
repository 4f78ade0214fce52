import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ME } from '../lib/platform/identity.js';
import {
  RENAME_CALLS,
  TEST_USER,
  cliCopyIn,
  census,
  ensureTestUser,
  expectNoInternalError,
  expectJsonMatchesDisk,
  expectTruthfulFailure,
  heldIn,
  mountTmpfs,
  slowRenames,
  tracedPid,
  underStrace,
  DEAD_PID,
} from './helpers/faults.js';
import { runStep } from './helpers/runner.js';
import {
  CLI,
  expectRefused,
  leftovers,
  makeDeployTree,
  makeManyLinks,
  runCli,
  runCliUnder,
  snapshot,
  startCli,
  switchingStarted,
  writeSpecs,
  withoutProgress,
} from './helpers/tree.js';

let tmpfs: { dir: string; unmount: () => void };
beforeAll(() => {
  // Batches of many links are made and switched on a tmpfs: a real filesystem, and fast
  // enough to switch 100,000 links within a test's time.
  tmpfs = mountTmpfs('size=1g');
});
afterAll(() => tmpfs.unmount());

describe('a signal mid-batch ends the batch whole', () => {
  const count = 100000;
  let dir: string;
  let links: string;
  beforeAll(() => {
    dir = makeManyLinks(count, tmpfs.dir);
    links = path.join(dir, 'links');
    for (const version of ['v1', 'v2']) writeSpecs(dir, count, version);
  });

  /** Starts switching every link away from the one release they all point at now. */
  async function startSwitch(): Promise<{
    run: ReturnType<typeof startCli>;
    from: string;
    to: string;
  }> {
    const [from, ...others] = Object.keys(census(links, count));
    expect(others).toEqual([]);
    const to = from === 'v1' ? 'v2' : 'v1';
    const run = startCli(['--spec-file', path.join(dir, `specs-${to}`)], dir);
    await switchingStarted(path.join(links, 'l0'), `../releases/${to}/f0`);
    return { run, from, to };
  }

  test.each(['SIGTERM', 'SIGINT', 'SIGHUP'] as const)(
    '%s: exit 128+N, a message, all links old or all new, no lock or temporary name left',
    async (signal) => {
      const { run, from, to } = await startSwitch();
      process.kill(run.pid, signal);
      const result = await run;
      expectNoInternalError(result);
      expect(result.status).toBe(128 + os.constants.signals[signal]);
      const said = new RegExp(
        `^atomic-link: stopped by ${signal}(; switched back the \\d+ links already switched| after the batch was done)$`,
        'm',
      ).exec(result.stderr);
      expect(said).not.toBeNull();
      const back = said?.[1].includes('switched back');
      expect(census(links, count)).toEqual({ [back ? from : to]: count });
      expect(leftovers(links)).toEqual([]);
    },
  );

  test('a second signal stops at once, every link old or new; the next run breaks the lock and sweeps', async () => {
    const { run, from, to } = await startSwitch();
    // Two signals of two kinds: two of one kind, pending at once, would be delivered as one.
    process.kill(run.pid, 'SIGTERM');
    process.kill(run.pid, 'SIGINT');
    const result = await run;
    expectNoInternalError(result);
    // The kernel delivers the lower-numbered of two pending signals first.
    const second = /stopped at once by a second (SIGINT|SIGTERM)/.exec(result.stderr)?.[1];
    expect(second).toBeDefined();
    expect(result.status).toBe(128 + os.constants.signals[second as NodeJS.Signals]);
    const after = census(links, count); // throws if a link is missing
    expect((after[from] ?? 0) + (after[to] ?? 0)).toBe(count);
    expect(leftovers(links)).toContain('.atomic-link.lock');

    const again = runCli(['--spec-file', path.join(dir, `specs-${to}`)], dir);
    expect(again.status).toBe(0);
    expect(census(links, count)).toEqual({ [to]: count });
    expect(leftovers(links)).toEqual([]);
  });
});

describe('a filesystem fault mid-batch: every link old or new, and a report that tells the truth', () => {
  const count = 2000;

  /** A tree on a tmpfs of its own, with `free` inodes left (all the rest taken by a filler). */
  function fullTree(free: number): { dir: string; links: string; unmount: () => void } {
    const small = mountTmpfs('size=64m,nr_inodes=20000');
    const dir = makeManyLinks(count, small.dir);
    writeSpecs(dir, count, 'v2');
    const filler = path.join(small.dir, 'filler');
    fs.mkdirSync(filler);
    for (let i = fs.statfsSync(small.dir).ffree - free; i > 0; i--) {
      fs.writeFileSync(path.join(filler, `f${i}`), '');
    }
    expect(fs.statfsSync(small.dir).ffree).toBe(free);
    return { dir, links: path.join(dir, 'links'), unmount: small.unmount };
  }

  test('a disk with room for the lock but not the batch: exit 1, no link changed, nothing left', () => {
    const { dir, links, unmount } = fullTree(100);
    try {
      const run = runCli(['--spec-file', path.join(dir, 'specs-v2')], dir);
      expectNoInternalError(run);
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(
        /^atomic-link: cannot create .*: ENOSPC \(symlink\); no link was changed$/m,
      );
      expect(census(links, count)).toEqual({ v1: count });
      expect(leftovers(links)).toEqual([]);
    } finally {
      unmount();
    }
  });

  test('a batch that fills the disk, then a failed rename: the rollback cannot make its links, and the report names each new one', async () => {
    // Room for the lock and every temporary link, and no more: the batch itself fills the
    // disk. A rename within a directory needs no space, so a full disk never fails one: the
    // 500th is failed by injection, as a filesystem that needs a block for the directory
    // would fail it, after a pause in which the inodes the first 499 freed are taken: the
    // rollback has to make a new link for each link it puts back.
    const { dir, links, unmount } = fullTree(count + 1);
    try {
      const run = startCli(
        ['--json', '--spec-file', path.join(dir, 'specs-v2')],
        dir,
        underStrace(RENAME_CALLS, [
          `${RENAME_CALLS.join(',')}:error=ENOSPC:delay_enter=2000000:when=500`,
        ]),
      );
      await switchingStarted(path.join(links, 'l498'), '../releases/v2/f498');
      const filler = path.join(path.dirname(dir), 'filler');
      for (let i = fs.statfsSync(filler).ffree; i > 0; i--) {
        fs.writeFileSync(path.join(filler, `more${i}`), '');
      }
      const result = await run;
      // The links after the 500th in its chunk are switched too, each with an outcome of its
      // own, and the inodes they free let the rollback put some back: how many is the disk's.
      expect(expectTruthfulFailure(result, links, count, 'ENOSPC (rename)')).toBeGreaterThan(0);
      expectJsonMatchesDisk(result, links, count);
      expect(result.stderr).toMatch(
        /^atomic-link: "links\/l\d+" is new .*not switched back: ENOSPC \(symlink\)$/m,
      );

      fs.rmSync(filler, { recursive: true });
      const again = runCli(['--spec-file', path.join(dir, 'specs-v2')], dir);
      expect(again.status).toBe(0);
      expect(census(links, count)).toEqual({ v2: count });
      expect(leftovers(links)).toEqual([]);
    } finally {
      unmount();
    }
  });

  /**
   * Starts a batch with slowed renames (under `as`, a user, when given), lets `fault` strike
   * once the first link is switched, and checks the report against the disk; then `undo`es
   * the fault and checks that the next run recovers: the lock broken, the leftovers swept.
   */
  async function faultMidBatch(
    fault: (where: { mount: string; links: string }) => void,
    undo: (where: { mount: string; links: string }) => void,
    cause: string,
    as: string[] = [],
  ): Promise<void> {
    const own = mountTmpfs('size=64m');
    try {
      const dir = makeManyLinks(count, own.dir);
      const links = path.join(dir, 'links');
      const specFile = writeSpecs(dir, count, 'v2');
      const cli = as.length > 0 ? cliCopyIn(own.dir) : CLI;
      if (as.length > 0) execFileSync('chown', ['-R', TEST_USER, own.dir]);
      const run = startCli(
        ['--spec-file', specFile],
        dir,
        [...as, ...slowRenames()],
        undefined,
        cli,
      );
      await switchingStarted(path.join(links, 'l0'), '../releases/v2/f0');
      fault({ mount: own.dir, links });
      const result = await run;
      expect(expectTruthfulFailure(result, links, count, cause)).toBeGreaterThan(0);
      // What could not be cleaned up is said after the report, and left for the next run.
      expect(result.stderr).toMatch(
        /\natomic-link: could not clean up: .*a later run removes what is left\n$/,
      );

      undo({ mount: own.dir, links });
      const again = runCliUnder(as, ['--spec-file', specFile], dir, cli);
      // The failed run's lock, left behind, is broken, and that is said.
      expect(withoutProgress(again.stderr)).toMatch(
        /^atomic-link: broke the lock \S+\/\.atomic-link\.lock of pid \d+ on "[^"]*" since "[^"]*": its holder is gone\n$/,
      );
      expect(again.status).toBe(0);
      expect(census(links, count)).toEqual({ v2: count });
      expect(leftovers(links)).toEqual([]);
    } finally {
      own.unmount();
    }
  }

  /**
   * The kernel refuses ("mount point is busy") while a removal is still in flight on the
   * filesystem, as a replaced link's inode can be for a moment (seen once in a full run):
   * tried again until it takes, as an admin would.
   */
  function remountReadOnly(mount: string): void {
    for (let attempt = 1; ; attempt++) {
      const done = spawnSync('mount', ['-o', 'remount,ro', mount], { encoding: 'utf8' });
      if (done.status === 0) return;
      if (attempt === 100 || !done.stderr.includes('busy')) throw new Error(done.stderr);
    }
  }

  test('the filesystem remounted read-only', async () => {
    await faultMidBatch(
      ({ mount }) => remountReadOnly(mount),
      ({ mount }) => execFileSync('mount', ['-o', 'remount,rw', mount]),
      'EROFS (rename)',
    );
  });

  test('the directory made immutable (chattr +i)', async () => {
    await faultMidBatch(
      ({ links }) => execFileSync('chattr', ['+i', links]),
      ({ links }) => execFileSync('chattr', ['-i', links]),
      'EPERM (rename)',
    );
  });

  test('the directory made read-only (chmod 555) under a run of another user', async () => {
    ensureTestUser();
    await faultMidBatch(
      ({ links }) => fs.chmodSync(links, 0o555),
      ({ links }) => fs.chmodSync(links, 0o755),
      'EACCES (rename)',
      ['runuser', '-u', TEST_USER, '--'],
    );
  });
});

describe('after the switch', () => {
  test('fsync of the directory failing: the links are switched, exit 0, and the report says so', () => {
    const dir = makeDeployTree();
    const failingFsync = underStrace(['fsync'], ['fsync:error=EIO']);
    const verbose = runCliUnder(failingFsync, ['-v', 'current -> releases/v2'], dir);
    expectNoInternalError(verbose);
    expect(verbose.status).toBe(0);
    expect(verbose.stderr).toMatch(
      /^atomic-link: note: .* could not be flushed to disk: EIO \(fsync\)$/m,
    );
    expect(fs.readlinkSync(path.join(dir, 'current'))).toBe('releases/v2');

    const json = runCliUnder(failingFsync, ['--json', 'current -> releases/v3'], dir);
    expect(json.status).toBe(0);
    expect(JSON.parse(json.stdout).notes).toEqual([
      `${fs.realpathSync(dir)} could not be flushed to disk: EIO (fsync)`,
    ]);
    expect(leftovers(dir)).toEqual([]);
  });

  test('a guard the kernel will not give notifications to samples instead, and one that loses sight of the links fails the run with exit 3', () => {
    const count = 2000;
    const dir = makeManyLinks(count, tmpfs.dir);
    // No inotify watch to be had (every one of the user's taken: ENOSPC): the guard samples
    // with lookups from its thread. Those start failing after its 300th: strace counts per
    // thread, and the main thread makes fewer lookups than that in the whole run. Slowed
    // renames keep the batch going until then.
    const lookups = ['statx', 'newfstatat', 'lstat'];
    const run = runCliUnder(
      underStrace(
        [...lookups, ...RENAME_CALLS, 'inotify_add_watch'],
        [
          'inotify_add_watch:error=ENOSPC',
          `${lookups.join(',')}:error=EIO:when=300+`,
          `${RENAME_CALLS.join(',')}:delay_enter=500`,
        ],
      ),
      ['--spec-file', writeSpecs(dir, count, 'v2')],
      dir,
    );
    expectNoInternalError(run);
    expect(run.stderr).toMatch(
      /^atomic-link: every link is switched, but the guard lost sight of them \(EIO looking up .*\), so it cannot vouch that none was missing$/m,
    );
    expect(run.status).toBe(3);
    expect(census(path.join(dir, 'links'), count)).toEqual({ v2: count });
    expect(leftovers(path.join(dir, 'links'))).toEqual([]);
  });
});

describe('names of our own', () => {
  test('the sweep in a sticky shared directory unlinks only links and files of our exact pattern, never following or recursing', () => {
    const user = ensureTestUser();
    const dir = makeDeployTree();
    const shared = path.join(dir, 'shared');
    fs.mkdirSync(shared);
    fs.chmodSync(shared, 0o1777);
    fs.chmodSync(dir, 0o755);
    const hers = path.join(dir, 'private');
    fs.mkdirSync(hers, { mode: 0o700 });
    fs.chownSync(hers, user.uid, user.gid);
    fs.symlinkSync('../releases/v1', path.join(shared, 'current'));
    const dead = `.atomic-link-tmp-${ME.instance}-${DEAD_PID}-`;
    // Planted by another user: a directory and a symlink to her private directory, named as a
    // dead run's temporary links would be, and a file whose name only starts like one.
    execFileSync(
      'runuser',
      [
        '-u',
        TEST_USER,
        '--',
        'sh',
        '-ec',
        [
          'echo data > private/keep',
          `mkdir shared/${dead}0000000000000001`,
          `echo data > shared/${dead}0000000000000001/keep`,
          `ln -s ../private shared/${dead}0000000000000002`,
          `echo data > shared/${dead}123`,
        ].join('\n'),
      ],
      { cwd: dir },
    );
    // A leftover that is ours: a dead run's temporary link.
    fs.symlinkSync('../releases/v1', path.join(shared, `${dead}00000000000000ff`));
    const trace = path.join(dir, 'trace.txt');
    const run = runCliUnder(
      underStrace(['unlink', 'unlinkat', 'rmdir'], [], trace),
      ['shared/current -> ../releases/v2'],
      dir,
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(fs.readFileSync(path.join(hers, 'keep'), 'utf8')).toBe('data\n');
    expect(fs.readFileSync(path.join(shared, `${dead}0000000000000001`, 'keep'), 'utf8')).toBe(
      'data\n',
    );
    expect(fs.readFileSync(path.join(shared, `${dead}123`), 'utf8')).toBe('data\n');
    // Links of the exact pattern are unlinked, the symlink itself, never what it leads to.
    expect(fs.readdirSync(shared).sort()).toEqual(
      ['current', `${dead}0000000000000001`, `${dead}123`].sort(),
    );
    const calls = fs.readFileSync(trace, 'utf8');
    expect(calls).not.toMatch(/rmdir|AT_REMOVEDIR/);
    expect(calls).not.toMatch(/private|0000000000000001\/|0000000000000001"/);
  });

  test.each([
    ['.atomic-link.lock -> releases/v2'],
    ['.atomic-link.lock.break -> releases/v2'],
    [`releases/.atomic-link-tmp-${ME.instance}-1-0123456789abcdef -> v2`],
    ['.atomic-link-tmp-anything -> releases/v2'],
  ])('a LINK with a name kept for the lock and temporary links is refused: %s', (spec) => {
    expectRefused([spec], 'takes a name atomic-link keeps for its lock and temporary links');
  });

  test.each([
    [['-S', '.lock', '.atomic-link -> releases/v2'], '".atomic-link.lock"'],
    [['--suffix=.lock.break', '-b', '.atomic-link -> releases/v2'], '".atomic-link.lock.break"'],
    [['--suffix=-tmp-x', '.atomic-link -> releases/v2'], '".atomic-link-tmp-x"'],
  ])(
    'a backup that would take a name kept for the lock and temporary links is refused: %j',
    (args, name) => {
      const prepare = (dir: string) =>
        fs.symlinkSync('releases/v1', path.join(dir, '.atomic-link'));
      expectRefused(
        args,
        `the backup of LINK ".atomic-link", ${name} takes a name atomic-link keeps`,
        2,
        prepare,
      );
    },
  );

  test('temporary names are drawn at random for each link, not counted', () => {
    const count = 1000;
    const dir = makeManyLinks(count, tmpfs.dir);
    const trace = path.join(dir, 'trace.txt');
    const run = runCliUnder(
      underStrace(['symlink', 'symlinkat'], [], trace),
      ['--spec-file', writeSpecs(dir, count, 'v2')],
      dir,
    );
    expect(run.status).toBe(0);
    const random = [
      ...fs
        .readFileSync(trace, 'utf8')
        .matchAll(/\.atomic-link-tmp-[0-9a-f]{12}-\d+-([0-9a-f]{16})"/g),
    ].map((match) => BigInt(`0x${match[1]}`));
    expect(random.length).toBeGreaterThanOrEqual(count);
    expect(new Set(random).size).toBe(random.length);
    // A counter, or any sequence, would put successive names close together; 64 random bits
    // put two within 2^40 of each other once in 2^23 pairs.
    const close = random.slice(1).filter((value, i) => {
      const gap = value > random[i] ? value - random[i] : random[i] - value;
      return gap < 2n ** 40n;
    });
    expect(close).toEqual([]);
  });

  test('a /dev/urandom that is another device (/dev/zero bound over it): names still drawn at random, the batch switched', () => {
    const count = 100;
    const dir = makeManyLinks(count, tmpfs.dir);
    const trace = path.join(dir, 'trace.txt');
    const run = runCliUnder(
      [
        'unshare',
        '--mount',
        'sh',
        '-c',
        'mount --bind /dev/zero /dev/urandom && exec "$@"',
        'sh',
        ...underStrace(['symlink', 'symlinkat'], [], trace),
      ],
      ['--spec-file', writeSpecs(dir, count, 'v2')],
      dir,
    );
    expectNoInternalError(run);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(census(path.join(dir, 'links'), count)).toEqual({ v2: count });
    const text = fs.readFileSync(trace, 'utf8');
    expect(text).not.toMatch(/-0{16}"/);
    expect(text).not.toContain('"token\\":\\"0000000000000000');
  });
});

describe('a parent directory of a LINK swapped for a symlink after its check', () => {
  test.each([
    // The first symlink made is the lock, the second the new link's temporary name.
    { phase: 'create', calls: ['symlink', 'symlinkat'], when: 2 },
    { phase: 'rename', calls: RENAME_CALLS, when: 1 },
  ])(
    'while the $phase is held on its way into the kernel: nothing is written where the symlink leads, the link is old or new in its own directory',
    async ({ phase, calls, when }) => {
      const dir = makeDeployTree();
      const links = path.join(dir, 'links');
      fs.mkdirSync(links);
      fs.symlinkSync('../releases/v1', path.join(links, 'current'));
      // Root's, outside the working directory, holding a name the batch writes.
      const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-elsewhere-'));
      fs.writeFileSync(path.join(elsewhere, 'current'), 'precious\n');
      const run = startCli(
        ['-v', 'links/current -> ../releases/v2'],
        dir,
        underStrace(calls, [`${calls.join(',')}:delay_enter=3000000:when=${when}`]),
      );
      await heldIn(await tracedPid(run.pid), calls);
      if (phase === 'rename') {
        // The temporary link copied there too: a rename by path would then replace `current`.
        for (const name of leftovers(links).filter((name) => name.includes('-tmp-')))
          fs.symlinkSync(fs.readlinkSync(path.join(links, name)), path.join(elsewhere, name));
      }
      const before = snapshot(elsewhere);
      const moved = path.join(dir, 'moved');
      fs.renameSync(links, moved);
      fs.symlinkSync(elsewhere, links);
      const result = await run;

      expect(snapshot(elsewhere)).toEqual(before);
      expectNoInternalError(result);
      // The call held is made in the directory opened; the next check finds it gone from its
      // name: before the rename, the batch stops; after it, the lock cannot be removed.
      expect(result.stderr).toContain(`${links} is no longer the directory it was`);
      if (phase === 'create') {
        expect(result.stderr).toMatch(/^atomic-link: .*; no link was changed$/m);
        expect(result.status).toBe(1);
        expect(fs.readlinkSync(path.join(moved, 'current'))).toBe('../releases/v1');
      } else {
        // 3 when the guard looked while the swap left no directory at the name.
        expect([0, 3]).toContain(result.status);
        expect(fs.readlinkSync(path.join(moved, 'current'))).toBe('../releases/v2');
      }
    },
  );
});

describe('input refused before anything is touched', () => {
  test('a spec file over the size limit: exit 2 naming the limit, without reading it', () => {
    const dir = makeDeployTree();
    const huge = path.join(dir, 'specs.txt');
    // Sparse: 600 MB that take no room and no time to make.
    fs.truncateSync((fs.writeFileSync(huge, ''), huge), 600 * 2 ** 20);
    const before = snapshot(dir);
    const started = Date.now();
    const run = runCli(['--spec-file', 'specs.txt'], dir);
    expectNoInternalError(run);
    expect(run.stderr).toBe(
      'atomic-link: spec file specs.txt is over 256 MiB, the most one may hold\n',
    );
    expect(run.status).toBe(2);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(snapshot(dir)).toEqual(before);
  });

  test('a link directory its user may read but not search: a clear refusal, nothing changed', () => {
    ensureTestUser();
    const dir = makeDeployTree();
    const cli = cliCopyIn(dir);
    execFileSync('chown', ['-R', TEST_USER, dir]);
    fs.mkdirSync(path.join(dir, 'links'));
    fs.symlinkSync('../releases/v1', path.join(dir, 'links', 'current'));
    execFileSync('chown', [
      '-h',
      TEST_USER,
      path.join(dir, 'links'),
      path.join(dir, 'links', 'current'),
    ]);
    // Readable, not searchable: the directory opens, but no call can be made inside it.
    fs.chmodSync(path.join(dir, 'links'), 0o644);
    const as = ['runuser', '-u', TEST_USER, '--'];
    const spec = 'links/current -> ../releases/v2';
    const locked = runCliUnder(as, [spec], dir, cli);
    expectNoInternalError(locked);
    expect(locked.stderr).toMatch(/^atomic-link: cannot take the lock .*EACCES/);
    expect(locked.status).toBe(1);
    const unlocked = runCliUnder(as, ['--no-lock', spec], dir, cli);
    expectNoInternalError(unlocked);
    expect(unlocked.stderr).toMatch(
      /^atomic-link: argument 1: cannot read LINK "links\/current": EACCES/,
    );
    expect(unlocked.status).toBe(2);
    fs.chmodSync(path.join(dir, 'links'), 0o755);
    expect(fs.readdirSync(path.join(dir, 'links'))).toEqual(['current']);
    expect(fs.readlinkSync(path.join(dir, 'links', 'current'))).toBe('../releases/v1');
  });

  test.each([
    [['current -> current'], undefined],
    [['current -> ./current/'], undefined],
    [
      ['a -> b', 'b -> a'],
      (dir: string) => {
        fs.symlinkSync('releases/v1', path.join(dir, 'a'));
        fs.symlinkSync('releases/v1', path.join(dir, 'b'));
      },
    ],
    [
      ['a -> b', 'b -> c', 'c -> a'],
      (dir: string) => {
        for (const name of ['a', 'b', 'c']) fs.symlinkSync('releases/v1', path.join(dir, name));
      },
    ],
  ])('symlinks that would lead to each other in a circle are refused: %j', (specs, prepare) => {
    expectRefused(specs, 'would make a symlink loop with the other links of the batch', 2, prepare);
  });

  test("the action's backup-suffix goes through the CLI's check: none may leave the directory", async () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-outside-'));
    const dir = path.join(parent, 'site');
    fs.renameSync(makeDeployTree(), dir);
    fs.mkdirSync(path.join(parent, 'outside'));
    const before = snapshot(parent);
    const step = await runStep(dir, {
      links: 'current -> releases/v2',
      'backup-suffix': '/../../../outside/x',
    });
    expect(step.status).toBe(1);
    expect(step.stdout).toContain(
      `::error::links line 1: backup suffix "/../../../outside/x" contains '/'`,
    );
    expect(snapshot(parent)).toEqual(before);
  });
});
