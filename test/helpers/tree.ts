import { spawn, spawnSync } from 'node:child_process';
import type { SpawnSyncReturns } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = path.join(ROOT, 'dist', 'cli.js');
export const ACTION = path.join(ROOT, 'dist', 'index.js');

/** A progress line on stderr (no terminal): a phase that lasted over a second. */
export const PROGRESS_LINE =
  /^atomic-link: (?:.*: )?(?:checking \d+ links?|made \d+ of \d+ new links|switched \d+ of \d+ links)\n/gm;

/** What a run said on stderr but its progress lines. */
export const withoutProgress = (stderr: string) => stderr.replace(PROGRESS_LINE, '');

/** A fresh directory with releases/v1, releases/v2 (each holding index.html) and current -> releases/v1. */
export function makeDeployTree(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-test-'));
  for (const version of ['v1', 'v2', 'v3']) {
    fs.mkdirSync(path.join(dir, 'releases', version), { recursive: true });
    fs.writeFileSync(path.join(dir, 'releases', version, 'index.html'), `${version}\n`);
  }
  fs.symlinkSync('releases/v1', path.join(dir, 'current'));
  return dir;
}

/** Runs the CLI expecting a refusal: the exit code, a message naming `mention`, no change. */
export function expectRefused(
  args: string[],
  mention: string,
  code = 2,
  prepare?: (dir: string) => void,
): Run {
  const dir = makeDeployTree();
  prepare?.(dir);
  const before = snapshot(dir);
  const run = runCli(args, dir);
  expect(run.stderr).toContain(mention);
  expect(run.stderr).toMatch(/^atomic-link: /);
  expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  expect(run.status).toBe(code);
  expect(snapshot(dir)).toEqual(before);
  return run;
}

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The environment without ln's backup variables, which would change what -b names. */
const CLEAN_ENV = Object.fromEntries(
  Object.entries(process.env).filter(
    ([name]) => name !== 'VERSION_CONTROL' && name !== 'SIMPLE_BACKUP_SUFFIX',
  ),
);

export function runCli(
  args: string[],
  cwd: string,
  input?: string,
  env: Record<string, string> = {},
): Run {
  return spawnCli([process.execPath, CLI, ...args], cwd, input, env);
}

/** runCli under a wrapper command (strace, runuser), as startCli takes one. */
export function runCliUnder(
  wrapper: string[],
  args: string[],
  cwd: string,
  cli = CLI,
  env: Record<string, string> = {},
): Run {
  return spawnCli([...wrapper, process.execPath, cli, ...args], cwd, undefined, env);
}

function spawnCli(
  command: string[],
  cwd: string,
  input?: string,
  env: Record<string, string> = {},
): Run {
  const [program, ...rest] = [...HIDE_PROC, ...command];
  const result: SpawnSyncReturns<string> = spawnSync(program, rest, {
    cwd,
    input,
    env: { ...CLEAN_ENV, ...env },
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * With ATOMIC_LINK_HIDE_PROC=1 the CLI runs where /proc is an empty tmpfs, as on macOS and the
 * BSDs, which have none: scripts/test.sh runs the local tests so once more.
 */
const HIDE_PROC =
  process.env.ATOMIC_LINK_HIDE_PROC === '1'
    ? ['unshare', '--mount', 'sh', '-c', 'mount -t tmpfs none /proc && exec "$@"', 'sh']
    : [];

/** Starts the CLI without waiting; resolves with its exit status and output. */
export function startCli(
  args: string[],
  cwd: string,
  wrapper: string[] = [],
  onStderrLine?: (line: string) => void,
  cli = CLI,
): Promise<Run> & { pid: number } {
  const command = [...wrapper, ...HIDE_PROC, process.execPath, cli, ...args];
  const child = spawn(command[0], command.slice(1), { cwd });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
    if (onStderrLine) for (const line of String(chunk).split('\n')) if (line) onStderrLine(line);
  });
  const done = new Promise<Run>((resolve) =>
    child.on('close', (status) => resolve({ status, stdout, stderr })),
  );
  return Object.assign(done, { pid: child.pid as number });
}

/** Every entry of `dir` with what it is: `-> text` for symlinks, `file` or `dir`. */
export function snapshot(dir: string): Record<string, string> {
  const entries: Record<string, string> = {};
  const walk = (sub: string) => {
    for (const name of fs.readdirSync(path.join(dir, sub)).sort()) {
      const relative = path.join(sub, name);
      const stats = fs.lstatSync(path.join(dir, relative));
      if (stats.isSymbolicLink())
        entries[relative] = `-> ${fs.readlinkSync(path.join(dir, relative))}`;
      else if (stats.isDirectory()) {
        entries[relative] = 'dir';
        walk(relative);
      } else entries[relative] = `file ${stats.ino}`;
    }
  };
  walk('');
  return entries;
}

/** Names atomic-link may leave only while it runs: staging directories and locks. */
export function leftovers(dir: string): string[] {
  return fs.readdirSync(dir).filter((name) => name.startsWith('.atomic-link'));
}

/**
 * Many links `links/lN -> ../releases/v1/fN`, with real targets in v1, v2 and v3, in a new
 * directory under `parent`.
 */
export function makeManyLinks(count: number, parent = os.tmpdir()): string {
  const dir = fs.mkdtempSync(path.join(parent, 'atomic-link-many-'));
  fs.mkdirSync(path.join(dir, 'links'));
  for (const version of ['v1', 'v2', 'v3']) {
    fs.mkdirSync(path.join(dir, 'releases', version), { recursive: true });
    for (let i = 0; i < count; i++)
      fs.writeFileSync(path.join(dir, 'releases', version, `f${i}`), '');
  }
  for (let i = 0; i < count; i++)
    fs.symlinkSync(`../releases/v1/f${i}`, path.join(dir, 'links', `l${i}`));
  return dir;
}

export function writeSpecs(dir: string, count: number, version: string): string {
  const file = path.join(dir, `specs-${version}`);
  const lines = Array.from(
    { length: count },
    (_, i) => `links/l${i} -> ../releases/${version}/f${i}`,
  );
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/**
 * A test that needs Linux's own parts (unshare, strace, /proc): run on Linux always, and
 * skipped only on the systems that lack them (the macOS and Windows jobs of the workflow).
 */
export const onLinux = process.platform === 'linux' ? test : test.skip;

export function commandExists(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
}

/**
 * A reader in its own process, reading `file` (through the link under test) until stopped:
 * what a web server does during a deploy. Resolves with how many reads it made and how many
 * found the file missing.
 */
export function startReader(file: string): {
  stop: () => Promise<{ reads: number; missing: number }>;
} {
  const child = spawn(process.execPath, [path.join(ROOT, 'test', 'helpers', 'reader.js'), file]);
  // A test that fails before stop() must not leave its reader spinning after the run.
  const orphan = () => child.kill('SIGKILL');
  process.once('exit', orphan);
  child.once('close', () => process.off('exit', orphan));
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  const ready = new Promise((resolve) => child.stdout.once('data', resolve));
  const closed = new Promise((resolve) => child.on('close', resolve));
  return {
    stop: async () => {
      await ready;
      child.kill('SIGTERM');
      await closed;
      return JSON.parse(output.trim().split('\n').at(-1) as string);
    },
  };
}

/** Waits until a run has switched `link` to `text`, that is, until its batch is under way. */
/**
 * Whether `dir` holds a new link of a run under a temporary name: over SFTP the run also makes,
 * and removes in the same round trip, a probe there as it takes its lock (a link to a name
 * ending `.none`), which says nothing of its links.
 */
export function holdsTempLink(dir: string): boolean {
  return fs.readdirSync(dir).some((name) => {
    if (!name.startsWith('.atomic-link-tmp-')) return false;
    try {
      return !fs.readlinkSync(path.join(dir, name)).endsWith('.none');
    } catch {
      // gone meanwhile (a probe), or a hard link: a file
      return fs.existsSync(path.join(dir, name));
    }
  });
}

export async function switchingStarted(link: string, text: string): Promise<void> {
  const deadline = Date.now() + 30000;
  while (fs.readlinkSync(link) !== text) {
    if (Date.now() > deadline) throw new Error(`${link} never became ${text}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
