import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DirLocks } from '../lib/engine/dir-lock.js';
import { isFailure } from '../lib/engine/port.js';
import type { LinkStore, Outcome } from '../lib/engine/port.js';
import { ME } from '../lib/platform/identity.js';
import { sha256Hex } from '../lib/platform/no-crypto.js';
import { LocalStore } from '../lib/transport/local/local-store.js';
import { runStep } from './helpers/runner.js';
import {
  RENAME_CALLS,
  census,
  expectNoInternalError,
  mountTmpfs,
  slowRenames,
  underStrace,
  DEAD_PID,
} from './helpers/faults.js';
import {
  expectRefused,
  leftovers,
  makeDeployTree,
  makeManyLinks,
  snapshot,
  startCli,
  switchingStarted,
  writeSpecs,
} from './helpers/tree.js';

/** The text of a lock (or break lock) whose holder is gone. */
const deadHolder = (token: string) =>
  JSON.stringify({ host: ME.host, instance: ME.instance, pid: DEAD_PID, token, since: 'x' });

let tmpfs: { dir: string; unmount: () => void };
beforeAll(() => {
  tmpfs = mountTmpfs('size=256m');
});
afterAll(() => tmpfs.unmount());

test('a lock timeout below 5 seconds is refused (exit 2), by the CLI and the action', async () => {
  expectRefused(['--lock-timeout', '4.9', 'current -> releases/v2'], 'at least 5');
  const dir = makeDeployTree();
  const step = await runStep(dir, { links: 'current -> releases/v2', 'lock-timeout': '1' });
  expect(step.status).toBe(1);
  expect(step.stdout).toContain(
    '::error::input "lock-timeout" must be a number of seconds, at least 5',
  );
});

test("the run's instance is the one earlier versions named with node:crypto: their locks here are still this machine's", () => {
  const boot = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  const pids = fs.readlinkSync('/proc/self/ns/pid');
  const host = os.hostname().replace(/[^A-Za-z0-9.-]/g, '') || 'host';
  const digest = (text: string) => createHash('sha256').update(text).digest('hex');
  expect(ME.instance).toBe(digest(`${host}\0${boot}\0${pids}`).slice(0, 12));
  // Every length around the 64-byte block and its 8-byte length field, and UTF-8.
  for (const text of [
    '',
    'abc',
    'é€😀',
    ...[55, 56, 63, 64, 65, 119, 120, 1000].map((n) => 'x'.repeat(n)),
  ]) {
    expect(sha256Hex(text)).toBe(digest(text));
  }
});

test('the lock removed during a long batch: the heartbeat notices, the batch is switched back, exit 1', async () => {
  const count = 3000;
  const dir = makeManyLinks(count, tmpfs.dir);
  const links = path.join(dir, 'links');
  // 2 ms a rename: the batch lasts long enough for the heartbeat (every 1.25 s) to look.
  const run = startCli(['--spec-file', writeSpecs(dir, count, 'v2')], dir, slowRenames());
  await switchingStarted(path.join(links, 'l0'), '../releases/v2/f0');
  fs.unlinkSync(path.join(links, '.atomic-link.lock'));
  const result = await run;
  expectNoInternalError(result);
  expect(result.stderr).toMatch(
    /^atomic-link: the lock .*\.atomic-link\.lock is no longer ours \(it was removed\); switched back the \d+ links already switched$/m,
  );
  expect(result.status).toBe(1);
  expect(census(links, count)).toEqual({ v1: count });
  expect(leftovers(links)).toEqual([]);
});

test('a signal while waiting for a lock ends the wait at once, nothing changed', async () => {
  const dir = makeDeployTree();
  const lock = path.join(dir, '.atomic-link.lock');
  // A lock of a live holder (this test's process), fresh: the run waits for it.
  fs.symlinkSync(JSON.stringify({ ...ME, pid: process.pid, token: 't', since: 'x' }), lock);
  const before = snapshot(dir);
  const run = startCli(['current -> releases/v2'], dir);
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const stopped = Date.now();
  process.kill(run.pid, 'SIGTERM');
  const result = await run;
  expect(Date.now() - stopped).toBeLessThan(2000);
  // The wait is said once it lasts 1 s (TELL_WAIT_MS): as long as the signal came, about.
  expect(result.stderr).toMatch(
    /^(atomic-link: waiting for the lock \S+, held by pid \d+ on "[^"]*" since "x"; waiting up to \d+ s more\n)?atomic-link: stopped by SIGTERM while waiting for a lock; nothing was changed\n$/,
  );
  expect(result.status).toBe(143);
  expect(snapshot(dir)).toEqual(before);
});

describe('runs breaking one stale lock at once', () => {
  const releases = ['v2', 'v3', 'v4', 'v5'];

  /**
   * Starts one run per release, all at once, each switching `current` from v1 with --expect.
   * Removals are slowed, each run's more than the last: a slow run removes, long after it
   * looked, what a quick one may have made meanwhile. Renames are slowed more, so that each
   * switch lasts long enough for another run to look at `current` before it. Exactly one run
   * may win: two holders at once would both see v1, and both switch.
   */
  async function race(dir: string): Promise<void> {
    for (const release of releases)
      fs.mkdirSync(path.join(dir, 'releases', release), { recursive: true });
    const removals = ['unlink', 'unlinkat'];
    const runs = await Promise.all(
      releases.map((release, index) =>
        startCli(
          ['--lock-timeout', '30', '--expect', 'releases/v1', `current -> releases/${release}`],
          dir,
          underStrace(
            [...removals, ...RENAME_CALLS],
            [
              `${removals.join(',')}:delay_enter=${(index + 1) * 80000}`,
              `${RENAME_CALLS.join(',')}:delay_enter=500000`,
            ],
          ),
        ),
      ),
    );
    runs.forEach(expectNoInternalError);
    const winners = releases.filter((_, index) => runs[index].status === 0);
    expect(winners).toHaveLength(1);
    for (const run of runs.filter((result) => result.status !== 0)) {
      expect(run.stderr).toMatch(
        /LINK "current" points at "releases\/v\d", not at the expected "releases\/v1"; nothing was changed/,
      );
      expect(run.status).toBe(1);
    }
    expect(fs.readlinkSync(path.join(dir, 'current'))).toBe(`releases/${winners[0]}`);
    expect(leftovers(dir)).toEqual([]);
  }

  test('a lock whose holder is gone', async () => {
    const dir = makeDeployTree();
    fs.symlinkSync(deadHolder('holder'), path.join(dir, '.atomic-link.lock'));
    await race(dir);
  });

  test('a lock whose holder is gone, and a break lock whose breaker died in the act', async () => {
    const dir = makeDeployTree();
    fs.symlinkSync(deadHolder('holder'), path.join(dir, '.atomic-link.lock'));
    fs.symlinkSync(deadHolder('breaker'), path.join(dir, '.atomic-link.lock.break'));
    await race(dir);
  });

  test("a live breaker's break lock is never removed for the dead breaker's it replaced", async () => {
    // Two breakers, B and C, both find the lock and the break lock left by dead runs. B
    // breaks the dead break lock and takes its own; only then does C remove "the dead one"
    // it looked at: what it finds there is B's, which it must leave, or C would go on to
    // break the lock beside B, and both could end up holding it.
    const dir = fs.realpathSync(makeDeployTree());
    const lock = path.join(dir, '.atomic-link.lock');
    const breakLock = `${lock}.break`;
    fs.symlinkSync(deadHolder('holder'), lock);
    fs.symlinkSync(deadHolder('breaker'), breakLock);
    const bHasBreakLock = deferred();
    const cIsDone = deferred();
    let bText: string | undefined;
    let breakLockWhenBBreaks: string | undefined;
    let cHeld = false;
    const b = gated(new LocalStore({ guard: false }), {
      after: (call, items, outcomes) => {
        if (call === 'create' && pathOf(items) === breakLock && !isFailure(outcomes[0])) {
          bText = (items[0] as { content: string }).content;
          bHasBreakLock.resolve();
        }
      },
      before: async (call, items) => {
        if (call === 'rename' && fromOf(items) === lock && breakLockWhenBBreaks === undefined) {
          await cIsDone.promise;
          breakLockWhenBBreaks = fs.readdirSync(dir).includes('.atomic-link.lock.break')
            ? fs.readlinkSync(breakLock)
            : 'none';
        }
      },
    });
    // C is held as it sets about removing the break lock it judged dead (by a rename aside, or
    // by unlinking it), until B has made its own; C's turn ends with a removal.
    const c = gated(new LocalStore({ guard: false }), {
      before: async (call, items) => {
        const touches =
          (call === 'rename' && fromOf(items) === breakLock) ||
          (call === 'remove' && items[0] === breakLock);
        if (touches && !cHeld) {
          cHeld = true;
          await bHasBreakLock.promise;
        }
      },
      after: (call) => {
        if (call === 'remove' && cHeld) cIsDone.resolve();
      },
    });
    // Once the lock is broken, either may take it; the other is then stopped waiting, or,
    // seeing a lock of its own process (both are this test), refuses to wait for itself.
    const stops = [new AbortController(), new AbortController()];
    const results = await Promise.all(
      [b, c].map((store, index) =>
        DirLocks.acquire(store, [dir], 5000, stops[index].signal).then(
          (locks) => {
            stops[1 - index].abort('the test');
            return locks;
          },
          (error: Error) => error.message,
        ),
      ),
    );
    // B broke the lock under its own break lock, still there after C's turn.
    expect(breakLockWhenBBreaks).toBe(bText);
    const holders = results.filter((result): result is DirLocks => typeof result !== 'string');
    expect(holders).toHaveLength(1);
    expect(
      results.filter(
        (result) =>
          result === 'stopped by the test while waiting for a lock; nothing was changed' ||
          (typeof result === 'string' && result.includes('is held by this very run')),
      ),
    ).toHaveLength(1);
    expect(JSON.parse(fs.readlinkSync(lock)).pid).toBe(process.pid);
    expect(await holders[0].release()).toEqual([]);
    expect(leftovers(dir)).toEqual([]);
  });
});

test('a live holder in another pid namespace is waited for, never broken', async () => {
  const count = 3000;
  const dir = makeManyLinks(count, tmpfs.dir);
  const links = path.join(dir, 'links');
  // The holder runs in a pid namespace of its own, as in a container sharing the host's name
  // (--network host), under a pid that no process has out here: by host and pid alone it
  // would look dead. Its renames are slowed, so its batch outlasts the other run's wait.
  const base = freePids(20);
  const holder = startCli(['--spec-file', writeSpecs(dir, count, 'v2')], dir, [
    'unshare',
    '--pid',
    '--fork',
    '--mount-proc',
    'sh',
    '-c',
    // The namespace's next pids are set to ones free out here; strace forks a few times before
    // it starts the CLI.
    'echo $(($0 - 1)) > /proc/sys/kernel/ns_last_pid && exec "$@"',
    String(base),
    ...slowRenames(4000),
  ]);
  await switchingStarted(path.join(links, 'l0'), '../releases/v2/f0');
  const held = JSON.parse(fs.readlinkSync(path.join(links, '.atomic-link.lock')));
  const innerPid: number = held.pid;
  expect(innerPid - base).toBeLessThan(20);
  expect(existsHere(innerPid)).toBe(false);
  expect(held.host).toBe(ME.host);
  expect(held.instance).not.toBe(ME.instance);

  const started = Date.now();
  const waiter = await startCli(
    ['--lock-timeout', '5', '--spec-file', writeSpecs(dir, count, 'v3')],
    dir,
  );
  expectNoInternalError(waiter);
  expect(waiter.stderr).toContain(`is held by pid ${innerPid} on "${ME.host}"`);
  expect(waiter.status).toBe(1);
  expect(Date.now() - started).toBeGreaterThanOrEqual(5000);

  const done = await holder;
  expect(done.status).toBe(0);
  expect(census(links, count)).toEqual({ v2: count });
  expect(leftovers(links)).toEqual([]);
});

/** Whether a process has `pid` in this test's pid namespace. */
function existsHere(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** The first of `count` pids in a row that no process has here. */
function freePids(count: number): number {
  const max = Number(fs.readFileSync('/proc/sys/kernel/pid_max', 'utf8'));
  for (let base = max - count; base > 1000; base--) {
    if (Array.from({ length: count }, (_, i) => base + i).every((pid) => !existsHere(pid)))
      return base;
  }
  throw new Error(`no ${count} free pids in a row`);
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

const pathOf = (items: unknown[]) => (items[0] as { path?: string } | undefined)?.path;
const fromOf = (items: unknown[]) => (items[0] as { from?: string } | undefined)?.from;

/**
 * A store whose calls run one at a time in the order made, as a server answers them, each
 * after `before` lets it and followed by `after`: an interleaving of two runs, forced.
 */
function gated(
  store: LinkStore,
  hooks: {
    before?: (call: string, items: unknown[]) => Promise<void>;
    after?: (call: string, items: unknown[], outcomes: Outcome<unknown>[]) => void;
  },
): LinkStore {
  let queue: Promise<unknown> = Promise.resolve();
  return new Proxy(store, {
    get(target, property) {
      const value = Reflect.get(target, property);
      if (typeof value !== 'function') return value;
      // keepLocks starts a thread and returns at once: nothing to interleave.
      if (property === 'keepLocks') return value.bind(target);
      return (items: unknown[], ...rest: unknown[]) => {
        const call = String(property);
        const result = queue.then(async () => {
          await hooks.before?.(call, items);
          const outcome = await value.call(target, items, ...rest);
          hooks.after?.(call, items, outcome);
          return outcome;
        });
        queue = result.catch(() => undefined);
        return result;
      };
    },
  });
}
