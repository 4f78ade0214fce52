import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CLI, withoutProgress } from './tree.js';
import type { Run } from './tree.js';

/**
 * A tmpfs of its own (`options` as `mount -o` takes them: a size, a number of inodes), on a
 * directory every user can reach, so that a second user can work in it too.
 */
export function mountTmpfs(options = 'size=256m'): { dir: string; unmount: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-fs-'));
  fs.chmodSync(dir, 0o755);
  execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir]);
  return {
    dir,
    unmount: () => {
      // Lazily: a CLI that a failed test left running may still hold it.
      execFileSync('umount', ['-l', dir]);
      fs.rmdirSync(dir);
    },
  };
}

/** A second user, for faults that root would walk through (a directory made read-only). */
export const TEST_USER = 'atomic-link-test';

/** A pid above this machine's pid_max: no process has it, so its holder is provably gone. */
export const DEAD_PID = 2 ** 22 + 1;

export function ensureTestUser(): { uid: number; gid: number } {
  if (spawnSync('id', [TEST_USER]).status !== 0) {
    const made = spawnSync('useradd', ['--system', '--no-create-home', TEST_USER], {
      encoding: 'utf8',
    });
    // 9: made meanwhile by a test running beside this one.
    if (made.status !== 0 && made.status !== 9) throw new Error(`useradd: ${made.stderr}`);
  }
  const id = (flag: string) => Number(execFileSync('id', [flag, TEST_USER], { encoding: 'utf8' }));
  return { uid: id('-u'), gid: id('-g') };
}

/**
 * A copy of the bundled CLI in `dir`, for a run as TEST_USER, who may not be able to reach
 * the checkout (a CI runner's home is 0750).
 */
export function cliCopyIn(dir: string): string {
  const copy = path.join(dir, 'dist');
  fs.cpSync(path.dirname(CLI), copy, { recursive: true });
  return path.join(copy, path.basename(CLI));
}

export const RENAME_CALLS = ['rename', 'renameat', 'renameat2'];

/**
 * The command line that runs a program under strace, tracing `calls` (into `output`) and
 * injecting each of `injections` (`CALLS:error=ENOSPC:when=300+`, `CALLS:delay_enter=2000`).
 * strace counts calls per thread, so `when` counts the main thread's calls alone.
 */
export function underStrace(calls: string[], injections: string[] = [], output = '/dev/null') {
  return [
    'strace',
    '-f',
    '-o',
    output,
    '-e',
    `trace=${calls.join(',')}`,
    ...injections.flatMap((injection) => ['-e', `inject=${injection}`]),
  ];
}

/** Renames slowed to `microseconds` each, so that a fault can be made to land mid-batch. */
export function slowRenames(microseconds = 2000, more: string[] = []): string[] {
  return underStrace(RENAME_CALLS, [
    `${RENAME_CALLS.join(',')}:delay_enter=${microseconds}`,
    ...more,
  ]);
}

/**
 * The pid of the program strace (pid `tracer`) runs, once it has started it: the child that
 * runs another program than strace's own, as the children strace forks at its start to try
 * the kernel's features do not.
 */
export async function tracedPid(tracer: number): Promise<number> {
  const deadline = Date.now() + 10000;
  const strace = fs.readlinkSync(`/proc/${tracer}/exe`);
  for (;;) {
    const children = fs.readFileSync(`/proc/${tracer}/task/${tracer}/children`, 'utf8').trim();
    for (const child of children ? children.split(' ') : []) {
      try {
        if (fs.readlinkSync(`/proc/${child}/exe`) !== strace) return Number(child);
      } catch {
        // gone meanwhile: one of the tries
      }
    }
    if (Date.now() > deadline) throw new Error(`strace ${tracer} started nothing`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The numbers /proc/PID/syscall shows for the calls a test waits on, per machine. */
const SYSCALL_NUMBERS: Record<string, Record<string, number>> = {
  x64: { symlink: 88, symlinkat: 266, rename: 82, renameat: 264, renameat2: 316 },
  arm64: { symlinkat: 36, renameat: 38, renameat2: 276 },
};

/**
 * Resolves once the main thread of `pid` is held on its way into one of `calls`, by a delay
 * strace injects: seen there twice, 50 ms apart, which a call that is not held never is.
 */
export async function heldIn(pid: number, calls: string[]): Promise<void> {
  const numbers = SYSCALL_NUMBERS[os.arch()];
  if (numbers === undefined) throw new Error(`no syscall numbers for ${os.arch()}`);
  const wanted = new Set(calls.map((call) => String(numbers[call])));
  const deadline = Date.now() + 20000;
  let seen = 0;
  while (seen < 2) {
    if (Date.now() > deadline) throw new Error(`${pid} was never held in ${calls.join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const now = fs.readFileSync(`/proc/${pid}/syscall`, 'utf8').split(' ')[0];
    seen = wanted.has(now) ? seen + 1 : 0;
  }
}

/** The release each of `count` links `links/lN` points at now; readlink throws if one is missing. */
export function versionsOf(links: string, count: number): string[] {
  return Array.from(
    { length: count },
    (_, i) => fs.readlinkSync(path.join(links, `l${i}`)).split('/')[2],
  );
}

/** How many links point at each release. */
export function census(links: string, count: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const version of versionsOf(links, count)) counts[version] = (counts[version] ?? 0) + 1;
  return counts;
}

/** No internal error, no stack trace: every failure is one the engine foresaw and names. */
export function expectNoInternalError(run: Run): void {
  expect(run.stderr).not.toContain('internal error');
  expect(run.stderr).not.toMatch(/\n\s+at /);
}

/**
 * A batch of `links/l0…` from v1 to v2 failed midway: exit 1, the cause named first (cleanup
 * problems after it, never in its place), every link old or new, and the links the report
 * names as new are exactly the links that are: it never says "switched back" of one that was
 * not. Returns how many were left new.
 */
export function expectTruthfulFailure(run: Run, links: string, count: number, cause: string) {
  expectNoInternalError(run);
  expect(run.status).toBe(1);
  const lines = withoutProgress(run.stderr).split('\n');
  expect(lines[0]).toContain(cause);
  expect(lines[0]).not.toContain('could not clean up');
  const versions = versionsOf(links, count);
  expect(versions.every((version) => version === 'v1' || version === 'v2')).toBe(true);
  const isNew = versions.flatMap((version, i) => (version === 'v2' ? [i] : []));
  const named = [...run.stderr.matchAll(/^atomic-link: "links\/l(\d+)" is new /gm)].map((match) =>
    Number(match[1]),
  );
  expect(named.sort((a, b) => a - b)).toEqual(isNew);
  if (isNew.length > 0) {
    expect(lines[0]).toContain(
      isNew.length === 1 ? '1 link is new' : `${isNew.length} links are new`,
    );
    expect(lines[0]).not.toContain('switched back the');
  } else {
    expect(lines[0]).toMatch(/switched back the \d+ links already switched|no link was changed/);
  }
  return isNew.length;
}

/**
 * With --json, a failed batch's document says of each link `links/lN` what the disk shows:
 * switched (new) or not switched (old).
 */
export function expectJsonMatchesDisk(run: Run, links: string, count: number): void {
  const report = JSON.parse(run.stdout) as {
    results: { link: string; state: string; changed: boolean }[];
    error: { exitCode: number };
  };
  expect(report.error.exitCode).toBe(run.status);
  const versions = versionsOf(links, count);
  const said = new Map(report.results.map((result) => [result.link, result]));
  versions.forEach((version, i) => {
    const isNew = version === 'v2';
    expect(said.get(`links/l${i}`)).toMatchObject({
      state: isNew ? 'switched' : 'not switched',
      changed: isNew,
    });
  });
}
