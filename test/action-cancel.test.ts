import { spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { useSshd } from './helpers/ssh-server.js';
import { runStep } from './helpers/runner.js';
import type { StepResult } from './helpers/runner.js';

/** Built by scripts/test.sh from the Dockerfile, on a base image made without a registry. */
const IMAGE = process.env.ATOMIC_LINK_TEST_IMAGE ?? 'atomic-link:test';
const LOCK = '.atomic-link.lock';

const server = useSshd();

/** The inputs that reach `server().root`, or the same host key on `port` (another listener). */
function sshInputs(port = server().port): Record<string, string> {
  const [, key] = fs.readFileSync(server().knownHosts, 'utf8').split(/ (.*)/);
  return {
    'ssh-host': '127.0.0.1',
    'ssh-port': String(port),
    'ssh-user': 'root',
    'ssh-private-key': fs.readFileSync(server().identity, 'utf8'),
    'ssh-known-hosts': `[127.0.0.1]:${port} ${key}`,
    'remote-path': server().root,
    'docker-network': 'host',
  };
}

/** A RUNNER_TEMP of the test's own, to look into while the step runs. */
function runnerTemp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-runner-temp-'));
}

/** The key directories the action left in `temp`. */
const keyDirs = (temp: string) =>
  fs.readdirSync(temp).filter((name) => name.startsWith('atomic-link-'));

async function waitFor(what: string, ready: () => boolean, timeoutMs = 20000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the action over SFTP, cancelled while connecting to a server that never answers', () => {
  let silent: net.Server;
  let accepted: net.Socket[];
  beforeEach(async () => {
    accepted = [];
    silent = net.createServer((socket) => accepted.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  });
  afterEach(async () => {
    for (const socket of accepted) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  /** Starts the step against the silent listener; resolves once it is connecting. */
  async function connecting(
    temp: string,
  ): Promise<{ child: ChildProcess; step: Promise<StepResult> }> {
    let child: ChildProcess | undefined;
    const port = (silent.address() as net.AddressInfo).port;
    const step = runStep(
      server().root,
      { ...sshInputs(port), links: 'current -> releases/v2' },
      { RUNNER_TEMP: temp },
      [],
      (started) => (child = started),
    );
    await waitFor('the connection', () => accepted.length > 0);
    // The key is on disk while it connects: what the cancel must not leave behind.
    expect(keyDirs(temp)).toHaveLength(1);
    expect(fs.readdirSync(path.join(temp, keyDirs(temp)[0])).sort()).toEqual(['id', 'known_hosts']);
    return { child: child!, step };
  }

  test('SIGINT, then SIGTERM as the runner sends them: the key is gone, the exit says stopped', async () => {
    const temp = runnerTemp();
    const { child, step } = await connecting(temp);
    child.kill('SIGINT');
    // The runner waits 7.5 s; sooner is the same to the action, and keeps the test short.
    await sleep(1000);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const done = await step;
    // 130 once the connect ends at SIGINT; 143 while it goes on until SIGTERM.
    expect([130, 143]).toContain(done.status);
    expect(done.stdout).toMatch(/stopped/);
    expect(keyDirs(temp)).toEqual([]);
    expect(fs.readlinkSync(path.join(server().root, 'current'))).toBe('releases/v1');
  });

  test('SIGINT alone: the run ends, and the key is gone', async () => {
    const temp = runnerTemp();
    const { child, step } = await connecting(temp);
    const signalled = Date.now();
    child.kill('SIGINT');
    const done = await step;
    // Within the connect timeout (20 s): not a hang. Until the connect itself is stopped by
    // the signal, it ends there, failed; then with 130 at once.
    expect(Date.now() - signalled).toBeLessThan(30000);
    expect(done.status).not.toBe(0);
    expect(done.stdout).toContain('::error::');
    expect(keyDirs(temp)).toEqual([]);
    expect(fs.readlinkSync(path.join(server().root, 'current'))).toBe('releases/v1');
  }, 60000);
});

/** A lock's text as atomic-link writes it: a holder on `host`, alive as far as anyone here can tell. */
const lockOf = (host: string) =>
  JSON.stringify({
    host,
    instance: 'elsewhere',
    pid: 1,
    token: '0123456789abcdef',
    since: '2026-12-06T00:00:00.000Z',
  });

/**
 * A lock in the server's root with `holder` as its text during each test of the block, kept
 * fresh (its mtime renewed) so that no waiting run takes it for stale.
 */
function holdLockInEachTest(holder: string): void {
  let timer: NodeJS.Timeout;
  beforeEach(() => {
    const lock = path.join(server().root, LOCK);
    fs.symlinkSync(holder, lock);
    timer = setInterval(() => {
      const now = new Date();
      fs.lutimesSync(lock, now, now);
    }, 500);
  });
  afterEach(() => clearInterval(timer));
}

/**
 * The workflow commands the runner would act on in a step's log: a line that starts with `::`
 * after blanks, or holds a legacy `##[` command anywhere; none between `::stop-commands::T` and
 * the line that is command T. Each as its name and the line.
 */
function commandsActedOn(log: string): { name: string; line: string }[] {
  const acted: { name: string; line: string }[] = [];
  let stopToken: string | undefined;
  for (const line of log.split(/\r\n|\r|\n/)) {
    const command =
      /^::(.*?)::(.*)$/.exec(line.trimStart()) ?? /##\[([^\]]*)\](.*)$/.exec(line) ?? undefined;
    if (command === undefined) continue;
    const name = command[1].split(' ')[0];
    if (stopToken !== undefined) {
      if (name === stopToken) stopToken = undefined;
      continue;
    }
    if (name === 'stop-commands') stopToken = command[2];
    else acted.push({ name, line });
  }
  return acted;
}

/** The container's name, from the step's debug line of its docker run. */
function containerName(log: string): string | undefined {
  return /docker run .*--name (atomic-link-[0-9a-f]+)/.exec(log)?.[1];
}

function containersNamed(name: string): string {
  const ps = spawnSync(
    'docker',
    ['ps', '-a', '--filter', `name=^/${name}$`, '--format', '{{.ID}}'],
    {
      encoding: 'utf8',
    },
  );
  expect(ps.status).toBe(0);
  return ps.stdout.trim();
}

describe('what a server says reaches the log inert', () => {
  const hostile = lockOf(
    'evil\n::warning::pwned\n::set-output name=previous::x\n  ##[warning]pwned-legacy',
  );
  holdLockInEachTest(hostile);

  /** Runs the step against the held lock; checks that it failed on it, and acted on none of it. */
  async function refusedInert(inputs: Record<string, string>): Promise<StepResult> {
    const step = await runStep(server().root, {
      ...sshInputs(),
      ...inputs,
      links: 'current -> releases/v2',
      'lock-timeout': '5',
    });
    expect(step.status).toBe(1);
    expect(step.stdout).toMatch(/::error::.*is held by pid 1 on "evil/);
    // Not even the legacy form, which the runner finds anywhere in a line.
    expect(step.stdout).not.toContain('##[');
    // The runner acts on the action's own commands only; the error's data is escaped.
    const acted = commandsActedOn(step.stdout);
    expect(acted.filter(({ name, line }) => name !== 'error' && /pwned/.test(line))).toEqual([]);
    expect([...new Set(acted.map(({ name }) => name))]).toEqual(
      expect.arrayContaining(['group', 'endgroup', 'error']),
    );
    for (const { name } of acted) {
      expect(['add-mask', 'debug', 'endgroup', 'error', 'group']).toContain(name);
    }
    expect(step.outputs.previous).toBeUndefined();
    expect(fs.readlinkSync(path.join(server().root, LOCK))).toBe(hostile);
    expect(fs.readlinkSync(path.join(server().root, 'current'))).toBe('releases/v1');
    return step;
  }

  test('in container mode: what the container says is in the log, between stop-commands and its token', async () => {
    const step = await refusedInert({ image: IMAGE });
    const start = /^::stop-commands::([0-9a-f]{32})$/m.exec(step.stdout);
    expect(start).not.toBeNull();
    const inside = step.stdout.slice(start!.index, step.stdout.indexOf(`\n::${start![1]}::\n`));
    expect(inside).toContain('is held by pid 1 on "evil');
    expect(inside).toContain('pwned');
  }, 60000);

  test('over SFTP from the runner', async () => {
    await refusedInert({});
  }, 60000);
});

describe('the action in container mode, cancelled while the container waits for a lock', () => {
  const holder = lockOf('elsewhere');
  holdLockInEachTest(holder);

  /** Starts the step; resolves once its container has run for `settleMs`, waiting for the lock. */
  async function waiting(temp: string, settleMs: number) {
    let child: ChildProcess | undefined;
    let log = '';
    const step = runStep(
      server().root,
      { ...sshInputs(), image: IMAGE, links: 'current -> releases/v2' },
      { RUNNER_TEMP: temp },
      [],
      (started) => {
        child = started;
        started.stdout!.on('data', (chunk) => (log += chunk));
      },
    );
    await waitFor('the docker run', () => containerName(log) !== undefined);
    const name = containerName(log)!;
    await waitFor('the container', () => {
      const inspect = spawnSync('docker', ['inspect', '-f', '{{.State.Running}}', name], {
        encoding: 'utf8',
      });
      return inspect.stdout.trim() === 'true';
    });
    // The CLI in it connects, then polls the lock.
    await sleep(settleMs);
    expect(child!.exitCode).toBeNull();
    expect(keyDirs(temp)).toHaveLength(1);
    return { child: child!, step, name };
  }

  /** Nothing of the run is left, and the test's lock and the link are as they were. */
  function expectNothingLeft(temp: string, name: string): void {
    expect(containersNamed(name)).toBe('');
    expect(keyDirs(temp)).toEqual([]);
    expect(fs.readlinkSync(path.join(server().root, LOCK))).toBe(holder);
    expect(fs.readlinkSync(path.join(server().root, 'current'))).toBe('releases/v1');
  }

  test('SIGINT: the CLI inside ends its wait, the container is gone, the exit says stopped', async () => {
    const temp = runnerTemp();
    const { child, step, name } = await waiting(temp, 3000);
    const signalled = Date.now();
    child.kill('SIGINT');
    const done = await step;
    expect(done.status).toBe(130);
    expect(done.stdout).toMatch(/::error::.*stopped by SIGINT/);
    // Ended by the signal, not by the lock's 60 s timeout.
    expect(Date.now() - signalled).toBeLessThan(15000);
    expectNothingLeft(temp, name);
  }, 60000);

  test('SIGINT and SIGTERM at once: the container is removed before the action exits', async () => {
    const temp = runnerTemp();
    const { child, step, name } = await waiting(temp, 1000);
    child.kill('SIGINT');
    child.kill('SIGTERM');
    const done = await step;
    // Sent back to back, the two may be taken in either order: each of the process's threads
    // can take a signal, and each writes it to Node's queue in turn (CI once saw SIGTERM
    // first). Whichever came second stops the action at once, with its own exit code.
    const second = /stopped at once by a second (SIGINT|SIGTERM)/.exec(done.stdout)?.[1];
    expect(second).toBeDefined();
    expect(done.status).toBe(second === 'SIGINT' ? 130 : 143);
    expectNothingLeft(temp, name);
  }, 60000);
});

test("a link's previous text from the server is logged on one inert line", async () => {
  const current = path.join(server().root, 'current');
  const previous = 'releases/v1\n::warning::pwned ##[warning]pwned-legacy';
  fs.rmSync(current);
  fs.symlinkSync(previous, current);
  const step = await runStep(server().root, { ...sshInputs(), links: 'current -> releases/v2' });
  expect(step.status).toBe(0);
  expect(fs.readlinkSync(current)).toBe('releases/v2');
  expect(JSON.parse(step.outputs.previous)).toEqual({ current: previous });
  expect(commandsActedOn(step.stdout).filter(({ line }) => /pwned/.test(line))).toEqual([]);
  expect(step.stdout).toContain('pwned-legacy');
});
