import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fingerprintOf } from '../lib/transport/sftp/known-hosts.js';
import { planRoute } from '../lib/transport/ssh-route.js';
import { countIn, forwardOnly, makeNetns, startBastion, startSilent } from './helpers/bastion.js';
import type { Bastion, Silent } from './helpers/bastion.js';
import {
  TEST_USER,
  cliCopyIn,
  ensureTestUser,
  expectNoInternalError,
  slowRenames,
} from './helpers/faults.js';
import { freePort, freshTree, makeServerTree, startSshd, withHome } from './helpers/ssh-server.js';
import type { SshServer } from './helpers/ssh-server.js';
import { runCli, runCliUnder, startCli } from './helpers/tree.js';
import type { Run } from './helpers/tree.js';

// The target sshd listens on the loopback of a network namespace made for the run; a bastion
// that only forwards TCP runs inside it and is reached from here on 127.0.0.1. From here the
// target can be reached through the bastion and no other way. A second forwarding-only sshd in
// the namespace makes a two-hop route; a plain sshd on this machine serves the tests of the
// ssh config without jumps.

let scratch: string;
let netns: { name: string; remove: () => void };
let target: SshServer;
let inner: SshServer;
let bastion: Bastion;
/** A listener in the namespace that never speaks: a target hung before its banner. */
let hung: Silent;
let plain: SshServer;
/** One known_hosts naming the bastion, the second bastion and the target. */
let knownHosts: string;
/** The key every server here takes. */
let key: string;

beforeAll(async () => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-ssh-reach-'));
  fs.chmodSync(scratch, 0o755);
  netns = makeNetns();
  // Eleven hosts of a fleet log in at once: past sshd's MaxStartups (10), it drops some.
  target = await startSshd({
    netns: netns.name,
    config: ['LogLevel VERBOSE', 'MaxStartups 100'],
  });
  key = target.identity;
  inner = await startSshd({ netns: netns.name, config: forwardOnly([target.port]) });
  hung = await startSilent(netns.name, await freePort());
  bastion = await startBastion(netns.name, [target.port, inner.port, hung.port], `${key}.pub`);
  plain = await startSshd();
  for (const server of [inner, plain]) {
    fs.appendFileSync(
      path.join(path.dirname(server.identity), 'authorized_keys'),
      fs.readFileSync(`${key}.pub`),
    );
  }
  knownHosts = path.join(scratch, 'known_hosts');
  fs.writeFileSync(
    knownHosts,
    [
      bastion.knownHostsLine,
      ...[target, inner, plain].map((server) => fs.readFileSync(server.knownHosts, 'utf8').trim()),
      `[127.0.0.1]:${hung.port} ${fs.readFileSync(target.knownHosts, 'utf8').split(' ').slice(1).join(' ').trim()}`,
      '',
    ].join('\n'),
  );
});
afterAll(() => {
  for (const stop of [bastion?.stop, hung?.stop, inner?.stop, target?.stop, plain?.stop]) stop?.();
  netns?.remove();
  fs.rmSync(scratch, { recursive: true, force: true });
});
beforeEach(() => {
  for (const server of [target, plain]) freshTree(server);
});

const current = (server: SshServer) => fs.readlinkSync(path.join(server.root, 'current'));
const via = (server: { port: number }) => `root@127.0.0.1:${server.port}`;

/** The CLI's arguments for `server`'s root, the shared key and known_hosts, and `more`. */
function argsFor(server: SshServer, ...more: string[]): string[] {
  return [
    ...['--ssh', `root@127.0.0.1:${server.root}`, '--ssh-port', String(server.port)],
    ...['--identity', key, '--known-hosts', knownHosts],
    ...more,
  ];
}

/** A file in the scratch directory, 0600 (ssh refuses a config others may write). */
function write(name: string, text: string): string {
  const file = path.join(scratch, name);
  fs.writeFileSync(file, text, { mode: 0o600 });
  return file;
}

/** A config block for `name`: 127.0.0.1 on `port` as root, with the shared key and known_hosts. */
function hostBlock(name: string, port: number, ...more: string[]): string {
  return [
    `Host ${name}`,
    '  HostName 127.0.0.1',
    `  Port ${port}`,
    '  User root',
    `  IdentityFile ${key}`,
    `  UserKnownHostsFile ${knownHosts}`,
    ...more.map((line) => `  ${line}`),
    '',
  ].join('\n');
}

/** OpenSSH's own client along the same config: the oracle of what a config reaches. */
function sshReads(config: string, host: string, command: string): string {
  return execFileSync(
    'ssh',
    ['-F', config, '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes', host, command],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 20000 },
  ).trim();
}

/** The CLI switching `current` in `server`'s root to `to`, HOST `host` resolved through `config`. */
function runWithConfig(
  config: string,
  host: string,
  server: SshServer,
  to = 'releases/v2',
  env: Record<string, string> = {},
): Run {
  const args = ['--ssh-config', config, '--ssh', `${host}:${server.root}`, `current -> ${to}`];
  return runCli(args, '/', undefined, env);
}

/**
 * Runs `ssh web1 true` and the CLI along `config` with `env`, and checks that the CLI does as
 * ssh does: it switches `plain`'s link if ssh got in, and changes nothing (exit 1) otherwise.
 * Returns whether ssh got in, for the test to check that the oracle said what it expects.
 */
function asSshDoes(config: string, env: Record<string, string> = {}): boolean {
  const ssh = spawnSync('ssh', ['-F', config, '-o', 'BatchMode=yes', 'web1', 'true'], {
    env: { ...process.env, ...env },
    timeout: 20000,
  });
  const before = current(plain);
  const to = before === 'releases/v2' ? 'releases/v3' : 'releases/v2';
  const run = runWithConfig(config, 'web1', plain, to, env);
  expectNoInternalError(run);
  expect(run.status).toBe(ssh.status === 0 ? 0 : 1);
  expect(current(plain)).toBe(ssh.status === 0 ? to : before);
  return ssh.status === 0;
}

function expectSwitched(run: Run, server: SshServer, to = 'releases/v2'): void {
  expectNoInternalError(run);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  expect(current(server)).toBe(to);
}

function expectUnchanged(run: Run, server: SshServer, code: number, says: string[]): void {
  expectNoInternalError(run);
  for (const text of says) expect(run.stderr).toContain(text);
  expect(run.status).toBe(code);
  expect(current(server)).toBe('releases/v1');
}

describe('a target reachable only through a bastion', () => {
  /** The switch through the bastion, with the host keys of `known` instead. */
  const jumpKnowing = (known: string) =>
    runCli(
      [
        ...argsFor(target, '--jump', via(bastion)).map((arg) => (arg === knownHosts ? known : arg)),
        'current -> releases/v2',
      ],
      '/',
    );

  test('straight to the target: nothing answers outside its namespace, nothing changes', () => {
    const before = countIn(target.log, 'Connection from');
    const run = runCli([...argsFor(target), 'current -> releases/v2'], '/');
    expectUnchanged(run, target, 1, ['cannot connect to', 'ECONNREFUSED', 'nothing was changed']);
    expect(countIn(target.log, 'Connection from')).toBe(before);
  });

  test('--jump: switches through the bastion, each logging in once', () => {
    const logins = [
      countIn(bastion.log, 'Accepted publickey'),
      countIn(target.log, 'Accepted publickey'),
    ];
    const run = runCli([...argsFor(target, '--jump', via(bastion)), 'current -> releases/v2'], '/');
    expectSwitched(run, target);
    expect(countIn(bastion.log, 'Accepted publickey')).toBe(logins[0] + 1);
    expect(countIn(target.log, 'Accepted publickey')).toBe(logins[1] + 1);
  });

  test("ProxyJump in the ssh config: switches as ssh itself reaches it, each hop's own settings", () => {
    const config = write(
      'proxyjump.conf',
      hostBlock('web1', target.port, 'ProxyJump bastion') + hostBlock('bastion', bastion.port),
    );
    expect(sshReads(config, 'web1', `readlink ${target.root}/current`)).toBe('releases/v1');
    const run = runWithConfig(config, 'web1', target);
    expectSwitched(run, target);
  });

  test('a wrong bastion host key: refused before the target is contacted', () => {
    const wrong = write(
      'known_hosts-wrong-bastion',
      fs
        .readFileSync(knownHosts, 'utf8')
        .replace(bastion.knownHostsLine, bastion.knownHostsLine.replace(/ \S+$/, ` ${otherKey()}`)),
    );
    const contacted = countIn(target.log, 'Connection from');
    const run = jumpKnowing(wrong);
    expectUnchanged(run, target, 1, [
      `the jump host root@127.0.0.1 (127.0.0.1 port ${bastion.port}): the host key of ` +
        `[127.0.0.1]:${bastion.port} does not match ${wrong}`,
      'nothing was changed',
    ]);
    expect(countIn(target.log, 'Connection from')).toBe(contacted);
  });

  test('an unknown bastion: refused before anything is sent to it', () => {
    const only = write('known_hosts-target-only', fs.readFileSync(target.knownHosts, 'utf8'));
    const sessions = countIn(bastion.log, 'Connection from');
    const run = jumpKnowing(only);
    expectUnchanged(run, target, 1, [
      `[127.0.0.1]:${bastion.port} is not in ${only}`,
      'so nothing was sent',
    ]);
    expect(countIn(bastion.log, 'Connection from')).toBe(sessions);
  });

  test('each hop logs in with its own key: --jump-identity, or its own IdentityFile in the config', () => {
    const own = path.join(scratch, 'bastion_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', own]);
    const authorized = fs.readFileSync(bastion.authorizedKeys);
    // The bastion now lets in its own key only, the target the shared one only.
    fs.copyFileSync(`${own}.pub`, bastion.authorizedKeys);
    try {
      const refused = runCli(
        [...argsFor(target, '--jump', via(bastion)), 'current -> releases/v2'],
        '/',
      );
      expectUnchanged(refused, target, 1, [
        `the jump host root@127.0.0.1 (127.0.0.1 port ${bastion.port}): the server accepted no identity (tried ${key})`,
      ]);
      const run = runCli(
        [
          ...argsFor(target, '--jump', via(bastion), '--jump-identity', own),
          'current -> releases/v2',
        ],
        '/',
      );
      expectSwitched(run, target);
      const config = write(
        'own-keys.conf',
        hostBlock('web1', target.port, 'ProxyJump bastion') +
          hostBlock('bastion', bastion.port).replace(key, own),
      );
      expect(sshReads(config, 'web1', `readlink ${target.root}/current`)).toBe('releases/v2');
      const fromConfig = runWithConfig(config, 'web1', target, 'releases/v3');
      expectSwitched(fromConfig, target, 'releases/v3');
    } finally {
      fs.writeFileSync(bastion.authorizedKeys, authorized);
    }
  });

  test('two hops, as --jump a,b and as --jump a --jump b: both bastions log in', () => {
    const logins = countIn(inner.log, 'Accepted publickey');
    const jumps = [
      ['--jump', `${via(bastion)},${via(inner)}`],
      ['--jump', via(bastion), '--jump', via(inner)],
    ];
    for (const [i, jump] of jumps.entries()) {
      const to = i === 0 ? 'releases/v2' : 'releases/v3';
      expectSwitched(runCli([...argsFor(target, ...jump), `current -> ${to}`], '/'), target, to);
    }
    expect(countIn(inner.log, 'Accepted publickey')).toBe(logins + 2);
  });

  test('a fleet of eleven hosts behind the bastion: one connection to it, one login to each host', () => {
    // Past ten: every connection listens for the stop, which Node must not take for a leak.
    const dirs = Array.from({ length: 11 }, (_, i) => {
      const dir = path.join(target.root, `host${i}`);
      fs.mkdirSync(dir);
      makeServerTree(dir);
      return dir;
    });
    const logins = [
      countIn(bastion.log, 'Accepted publickey'),
      countIn(target.log, 'Accepted publickey'),
    ];
    const run = runCli(
      [
        ...dirs.flatMap((dir) => ['--ssh', `ssh://root@127.0.0.1:${target.port}${dir}`]),
        ...['--identity', key, '--known-hosts', knownHosts, '--jump', via(bastion)],
        'current -> releases/v2',
      ],
      '/',
    );
    expectNoInternalError(run);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    for (const dir of dirs) expect(fs.readlinkSync(path.join(dir, 'current'))).toBe('releases/v2');
    expect(countIn(bastion.log, 'Accepted publickey')).toBe(logins[0] + 1);
    expect(countIn(target.log, 'Accepted publickey')).toBe(logins[1] + 11);
  });

  test('SIGTERM while connecting to a jump host that never speaks: exit 143 at once', async () => {
    const silent = await startSilent();
    try {
      const known = write(
        'known_hosts-silent',
        `[127.0.0.1]:${silent.port} ${bastion.knownHostsLine.split(' ').slice(1).join(' ')}\n` +
          fs.readFileSync(target.knownHosts, 'utf8'),
      );
      const args = argsFor(target, '--jump', via(silent)).map((arg) =>
        arg === knownHosts ? known : arg,
      );
      const result = await stopWhenConnected(args, () => silent.connections() > 0);
      expect(result.stderr).toMatch(/^atomic-link: stopped by SIGTERM while connecting/m);
    } finally {
      silent.stop();
    }
  });

  test('SIGTERM while connecting to a target behind the bastion that never speaks: exit 143 at once', async () => {
    const before = hung.connections();
    const args = [
      ...['--ssh', `root@127.0.0.1:/srv`, '--ssh-port', String(hung.port), '--identity', key],
      ...['--known-hosts', knownHosts, '--jump', via(bastion)],
    ];
    const result = await stopWhenConnected(args, () => hung.connections() > before);
    expect(result.stderr).toMatch(/^atomic-link: stopped by SIGTERM while connecting/m);
  });

  test('a bastion that stops answering once the target is reached: exit 1 within seconds, naming it, nothing changed', async () => {
    // A run on the server holds the lock (its rename held 5 s): the remote run cannot be done
    // before the bastion stops.
    const holder = startCli(
      ['-C', target.root, 'current -> releases/v3'],
      '/',
      slowRenames(5_000_000),
    );
    await until(() => isLink(path.join(target.root, '.atomic-link.lock')));
    const sessions = countIn(target.log, "Starting session: subsystem 'sftp'");
    const stopped: number[] = [];
    const started = Date.now();
    const run = startCli(
      [...argsFor(target, '--jump', via(bastion)), 'current -> releases/v2'],
      '/',
    );
    try {
      // Past the login and the handshake: the run speaks SFTP to the target, waiting its lock.
      await until(() => countIn(target.log, "Starting session: subsystem 'sftp'") > sessions);
      for (const pid of bastion.sessions()) {
        process.kill(pid, 'SIGSTOP');
        stopped.push(pid);
      }
      const result = await run;
      expectNoInternalError(result);
      expect(result.stderr).toContain('(the jump host root@127.0.0.1: the connection was lost');
      expect(result.status).toBe(1);
      expect(Date.now() - started).toBeLessThan(30000);
    } finally {
      for (const pid of stopped) process.kill(pid, 'SIGCONT');
    }
    expect((await holder).status).toBe(0);
    expect(current(target)).toBe('releases/v3');
  });
});

function isLink(file: string): boolean {
  return fs.lstatSync(file, { throwIfNoEntry: false })?.isSymbolicLink() ?? false;
}

/** Runs the CLI, sends it SIGTERM once `connected` holds, and checks it ends within 2 s. */
async function stopWhenConnected(args: string[], connected: () => boolean): Promise<Run> {
  const run = startCli([...args, 'current -> releases/v2'], '/');
  await until(connected);
  const signalled = Date.now();
  process.kill(run.pid, 'SIGTERM');
  const result = await run;
  expect(Date.now() - signalled).toBeLessThan(2000);
  expectNoInternalError(result);
  expect(result.status).toBe(143);
  expect(current(target)).toBe('releases/v1');
  return result;
}

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 20000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('never happened');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A public key of no server here. */
function otherKey(): string {
  const file = path.join(scratch, `other-${process.hrtime.bigint()}`);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file]);
  return fs.readFileSync(`${file}.pub`, 'utf8').split(' ')[1];
}

describe('the ssh config, resolved as ssh resolves it', () => {
  test('an alias with HostName, Port, User, IdentityFile and UserKnownHostsFile: switches', () => {
    const config = write('alias.conf', hostBlock('web1', plain.port));
    expect(sshReads(config, 'web1', `readlink ${plain.root}/current`)).toBe('releases/v1');
    const run = runWithConfig(config, 'web1', plain);
    expectSwitched(run, plain);
  });

  test('the command line wins over the config: its user, port, key and known_hosts', () => {
    const stranger = path.join(scratch, 'stranger');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', stranger]);
    const config = write(
      'overridden.conf',
      [
        'Host web1',
        '  HostName 127.0.0.1',
        '  Port 1',
        '  User nobody',
        `  IdentityFile ${stranger}`,
        '  IdentitiesOnly yes',
        `  UserKnownHostsFile ${path.join(scratch, 'nothing-here')}`,
        '',
      ].join('\n'),
    );
    const refused = runWithConfig(config, 'web1', plain);
    expectUnchanged(refused, plain, 1, ['cannot connect to nobody@web1', '127.0.0.1 port 1']);
    const run = runCli(
      [
        ...['--ssh-config', config, '--ssh', `root@web1:${plain.root}`],
        ...['--ssh-port', String(plain.port), '--identity', key, '--known-hosts', knownHosts],
        'current -> releases/v2',
      ],
      '/',
    );
    expectSwitched(run, plain);
  });

  test('HostKeyAlias names the host in known_hosts as ssh looks it up: alone, without the port', () => {
    const [, type, hostKey] = fs.readFileSync(plain.knownHosts, 'utf8').trim().split(' ');
    for (const name of ['deploy-alias', `[deploy-alias]:${plain.port}`]) {
      const known = write('known_hosts-alias', `${name} ${type} ${hostKey}\n`);
      const config = write(
        'hostkeyalias.conf',
        hostBlock('web1', plain.port, 'HostKeyAlias deploy-alias').replace(knownHosts, known),
      );
      expect(asSshDoes(config)).toBe(name === 'deploy-alias');
    }
  });

  test('several UserKnownHostsFile and a GlobalKnownHostsFile: a key in any counts, @revoked in any wins', () => {
    const line = fs.readFileSync(plain.knownHosts, 'utf8').trim();
    const empty = write('known_hosts-empty', '');
    const global = write('known_hosts-global', '');
    const config = write(
      'several-known-hosts.conf',
      hostBlock('web1', plain.port, `GlobalKnownHostsFile ${global}`).replace(
        `UserKnownHostsFile ${knownHosts}`,
        `UserKnownHostsFile ${empty} ${path.join(scratch, 'no-such-file')} ${knownHosts}`,
      ),
    );
    expect(asSshDoes(config)).toBe(true);
    fs.writeFileSync(global, `@revoked ${line}\n`);
    expect(asSshDoes(config)).toBe(false);
  });

  test('StrictHostKeyChecking no is not followed: an unknown host is refused, and -v says why', () => {
    const config = write(
      'lax.conf',
      hostBlock('web1', plain.port, 'StrictHostKeyChecking no').replace(
        knownHosts,
        path.join(scratch, 'no-known-hosts'),
      ),
    );
    const args = ['--ssh-config', config, '--ssh', `web1:${plain.root}`, 'current -> releases/v2'];
    const refused = runCli(args, '/');
    expectUnchanged(refused, plain, 1, [`[127.0.0.1]:${plain.port} is not in any known_hosts`]);
    const known = write(
      'lax-known.conf',
      hostBlock('web1', plain.port, 'StrictHostKeyChecking no'),
    );
    const run = runCli(['-v', ...args.map((arg) => (arg === config ? known : arg))], '/');
    expect(run.status).toBe(0);
    expect(run.stderr).toContain(
      `note: StrictHostKeyChecking no (${known} line 7) is not followed: host keys are always checked`,
    );
  });

  test('ConnectTimeout is the deadline of the connect', async () => {
    const silent = await startSilent();
    try {
      const config = write('timeout.conf', hostBlock('web1', silent.port, 'ConnectTimeout 1'));
      fs.appendFileSync(
        knownHosts,
        `[127.0.0.1]:${silent.port} ${bastion.knownHostsLine.split(' ').slice(1).join(' ')}\n`,
      );
      const started = Date.now();
      const run = runWithConfig(config, 'web1', plain);
      expectUnchanged(run, plain, 1, ['Timed out while waiting for handshake']);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      silent.stop();
    }
  });

  test('a ProxyCommand is refused without --allow-proxy-command; with it, it is run and ended on every way out', () => {
    const command =
      `ssh -F none -i ${key} -o UserKnownHostsFile=${knownHosts} -o BatchMode=yes ` +
      `-o StrictHostKeyChecking=yes -p ${bastion.port} -W %h:%p root@127.0.0.1`;
    const config = write(
      'proxycommand.conf',
      hostBlock('web1', target.port, `ProxyCommand ${command}`),
    );
    const args = ['--ssh-config', config, '--ssh', `web1:${target.root}`];
    const sessions = countIn(bastion.log, 'Connection from');
    expectUnchanged(runCli([...args, 'current -> releases/v2'], '/'), target, 2, [
      `${config} line 7: ProxyCommand ssh -F none`,
      'only when asked (pass --allow-proxy-command)',
    ]);
    expect(countIn(bastion.log, 'Connection from')).toBe(sessions);
    expectSwitched(
      runCli([...args, '--allow-proxy-command', 'current -> releases/v2'], '/'),
      target,
    );
    expect(proxyCommands(config)).toEqual([]);
    // A failure after the command started: the target's key is not the one known.
    const elsewhere = write('known_hosts-elsewhere', `elsewhere ssh-ed25519 ${otherKey()}\n`);
    const wrong = write(
      'proxycommand-wrong.conf',
      fs
        .readFileSync(config, 'utf8')
        .replace(`UserKnownHostsFile ${knownHosts}`, `UserKnownHostsFile ${elsewhere}`)
        .replace('Host web1', 'Host web1\n  HostKeyAlias elsewhere'),
    );
    const failed = runCli(
      [
        ...args.map((arg) => (arg === config ? wrong : arg)),
        '--allow-proxy-command',
        'current -> releases/v3',
      ],
      '/',
    );
    expectNoInternalError(failed);
    expect(failed.stderr).toContain('the host key of elsewhere does not match');
    expect(failed.status).toBe(1);
    expect(current(target)).toBe('releases/v2');
    expect(proxyCommands(wrong)).toEqual([]);
  });

  test('a ProxyCommand stopped by SIGTERM while it connects: exit 143, the command ended', async () => {
    const command =
      `ssh -F none -i ${key} -o UserKnownHostsFile=${knownHosts} -o BatchMode=yes ` +
      `-p ${bastion.port} -W %h:%p root@127.0.0.1`;
    const config = write(
      'proxycommand-hung.conf',
      hostBlock('web1', hung.port, `ProxyCommand ${command}`),
    );
    const before = hung.connections();
    const args = ['--ssh-config', config, '--allow-proxy-command', '--ssh', 'web1:/srv'];
    const result = await stopWhenConnected(args, () => hung.connections() > before);
    expect(result.stderr).toMatch(/^atomic-link: stopped by SIGTERM while connecting/m);
    await until(() => proxyCommands(config).length === 0);
  });

  test("a user's own ~/.ssh/config (its passwd home), the CLI run as that user; refused once others may write it", () => {
    const { uid, gid } = ensureTestUser();
    const home = fs.mkdtempSync(path.join(scratch, 'home-'));
    const dotSsh = path.join(home, '.ssh');
    fs.mkdirSync(dotSsh, { mode: 0o700 });
    fs.copyFileSync(key, path.join(dotSsh, 'deploy_key'));
    fs.copyFileSync(knownHosts, path.join(dotSsh, 'known_hosts'));
    fs.writeFileSync(
      path.join(dotSsh, 'config'),
      [
        'Host web1',
        '  HostName 127.0.0.1',
        `  Port ${plain.port}`,
        '  User root',
        '  IdentityFile ~/.ssh/deploy_key',
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    for (const file of [
      home,
      dotSsh,
      ...fs.readdirSync(dotSsh).map((name) => path.join(dotSsh, name)),
    ]) {
      fs.chownSync(file, uid, gid);
    }
    const copy = fs.mkdtempSync(path.join(scratch, 'cli-'));
    fs.chmodSync(copy, 0o755);
    const cli = cliCopyIn(copy);
    const asUser = (to: string) =>
      runCliUnder(
        [...withHome(home, TEST_USER), 'runuser', '-u', TEST_USER, '--'],
        ['--ssh', `web1:${plain.root}`, `current -> ${to}`],
        '/',
        cli,
      );
    expectSwitched(asUser('releases/v2'), plain);
    // Others may write it now: refused, as ssh refuses it.
    fs.chmodSync(path.join(dotSsh, 'config'), 0o664);
    const refused = asUser('releases/v3');
    expectNoInternalError(refused);
    const passwdHome = execFileSync('getent', ['passwd', TEST_USER], { encoding: 'utf8' }).split(
      ':',
    )[5];
    expect(refused.stderr).toContain(`Bad owner or permissions on ${passwdHome}/.ssh/config`);
    expect(refused.status).toBe(2);
    expect(current(plain)).toBe('releases/v2');
  });

  test('the config is read once a run: a target keeps the route first planned, and a jump host shared by targets is resolved once', () => {
    const block = (port: number) => [
      'Host web*',
      '  ProxyJump gate',
      'Host gate',
      '  HostName gate.example',
      `  Port ${port}`,
      '',
    ];
    const config = write('once.conf', block(2201).join('\n'));
    const target = (host: string) => ({
      destination: host,
      path: '/srv',
      sshfsOptions: [],
      sshConfig: config,
    });
    const web1 = target('web1');
    const first = planRoute(web1);
    expect(first.map((hop) => `${hop.config.hostname}:${hop.config.port}`)).toEqual([
      'gate.example:2201',
      'web1:22',
    ]);
    // Changed after the run planned its targets: the connections follow the plan checked.
    fs.writeFileSync(config, block(2202).join('\n'));
    expect(planRoute(web1)).toBe(first);
    // Another target through the same jump host: the same resolution of it, not a second.
    const web2 = planRoute(target('web2'));
    expect(web2[0].config).toBe(first[0].config);
    expect(web2[1].config.hostname).toBe('web2');
  });

  test('the route each hop takes, resolved as ssh -J would: every hop its own user, port and key', () => {
    const config = write(
      'route.conf',
      [
        'Host web1',
        '  HostName 10.1.1.1',
        '  ProxyJump ops@mid,last:2200',
        'Host mid',
        '  HostName mid.example',
        '  Port 2022',
        '  IdentityFile ~/.ssh/mid_key',
        '  ProxyJump first',
        'Host last',
        '  User deploy',
        'Host first',
        '  HostName first.example',
        '  ProxyCommand nc %h %p',
        '',
      ].join('\n'),
    );
    const route = (more: object) =>
      planRoute({
        destination: 'web1',
        path: '/srv',
        sshfsOptions: [],
        sshConfig: config,
        ...more,
      }).map(
        (hop: { name: string; config: { hostname: string; port: number }; jump: boolean }) =>
          `${hop.name} ${hop.config.hostname}:${hop.config.port}${hop.jump ? ' jump' : ''}`,
      );
    const me = os.userInfo().username;
    // mid is the first hop: its own ProxyJump (first) is followed; last is reached through
    // mid, whatever its own config says; first's ProxyCommand runs only when allowed.
    expect(() => route({})).toThrow(`${config} line 13: ProxyCommand nc %h %p runs a command`);
    expect(route({ allowProxyCommand: true })).toEqual([
      `${me}@first first.example:22 jump`,
      'ops@mid mid.example:2022 jump',
      'deploy@last last:2200 jump',
      `${me}@web1 10.1.1.1:22`,
    ]);
    // --jump replaces the config's ProxyJump.
    expect(route({ jump: [{ host: 'last' }] })).toEqual([
      'deploy@last last:22 jump',
      `${me}@web1 10.1.1.1:22`,
    ]);
    // A ProxyJump that leads back to itself ends.
    const loop = write('loop.conf', 'Host a\n  ProxyJump b\nHost b\n  ProxyJump a\n');
    expect(() =>
      planRoute({ destination: 'a', path: '/srv', sshfsOptions: [], sshConfig: loop }),
    ).toThrow('lead back to itself');
  });
});

/** The pids of the ProxyCommands of `config` still running (their command line names its key). */
function proxyCommands(config: string): number[] {
  const text = fs.readFileSync(config, 'utf8');
  const marker = /ProxyCommand (.*)/.exec(text)?.[1].split(' -W')[0] ?? config;
  return fs
    .readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').includes(marker);
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe('keys: passphrases, fingerprints, agents, certificates', () => {
  /** A copy of the shared key, encrypted with `passphrase`. */
  function encryptedKey(passphrase: string): string {
    const file = path.join(scratch, `encrypted-${process.hrtime.bigint()}`);
    fs.copyFileSync(key, file);
    fs.copyFileSync(`${key}.pub`, `${file}.pub`);
    execFileSync('ssh-keygen', ['-q', '-p', '-N', passphrase, '-f', file]);
    return file;
  }
  const withKey = (file: string, ...more: string[]) =>
    argsFor(plain, ...more).map((arg) => (arg === key ? file : arg));

  test('an encrypted key, the passphrase from ATOMIC_LINK_SSH_PASSPHRASE or --passphrase-file', () => {
    const encrypted = encryptedKey('correct horse');
    const fromEnv = runCli([...withKey(encrypted), 'current -> releases/v2'], '/', undefined, {
      ATOMIC_LINK_SSH_PASSPHRASE: 'correct horse',
    });
    expectSwitched(fromEnv, plain);
    const file = write('passphrase', 'correct horse\n');
    const fromFile = runCli(
      [...withKey(encrypted, '--passphrase-file', file), 'current -> releases/v3'],
      '/',
    );
    expectSwitched(fromFile, plain, 'releases/v3');
  });

  test('an encrypted IdentityFile of the ssh config, decrypted the same way', () => {
    const encrypted = encryptedKey('in the config');
    const config = write('encrypted.conf', hostBlock('web1', plain.port).replace(key, encrypted));
    const run = runWithConfig(config, 'web1', plain, 'releases/v2', {
      ATOMIC_LINK_SSH_PASSPHRASE: 'in the config',
      SSH_AUTH_SOCK: '',
    });
    expectSwitched(run, plain);
  });

  test('a wrong passphrase: exit 1 at once, saying so, nothing changed', () => {
    const encrypted = encryptedKey('right');
    const started = Date.now();
    const run = runCli([...withKey(encrypted), 'current -> releases/v2'], '/', undefined, {
      ATOMIC_LINK_SSH_PASSPHRASE: 'wrong',
    });
    expectUnchanged(run, plain, 1, [
      `the identity ${encrypted} is encrypted, and the passphrase given does not decrypt it`,
    ]);
    expect(Date.now() - started).toBeLessThan(10000);
  });

  test('a host key fingerprint instead of known_hosts; a wrong one refused; a malformed one exit 2', () => {
    const hostKey = path.join(path.dirname(plain.knownHosts), 'host_key.pub');
    // As ssh-keygen prints it.
    const fingerprint = execFileSync('ssh-keygen', ['-l', '-f', hostKey], {
      encoding: 'utf8',
    }).split(' ')[1];
    const noKnownHosts = (args: string[]) =>
      args.filter((arg, i) => arg !== '--known-hosts' && args[i - 1] !== '--known-hosts');
    const run = runCli(
      [
        ...noKnownHosts(argsFor(plain, '--host-key-fingerprint', fingerprint)),
        'current -> releases/v2',
      ],
      '/',
      undefined,
      { HOME: path.join(scratch, 'nowhere') },
    );
    expectSwitched(run, plain);
    const other = `SHA256:${'A'.repeat(43)}`;
    const wrong = runCli(
      [...noKnownHosts(argsFor(plain, '--host-key-fingerprint', other)), 'current -> releases/v3'],
      '/',
    );
    expectNoInternalError(wrong);
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toContain(
      `(ssh-ed25519 ${fingerprint}) has none of the fingerprints given (${other})`,
    );
    expect(current(plain)).toBe('releases/v2');
    const malformed = runCli(
      [...argsFor(plain, '--host-key-fingerprint', 'MD5:00:11'), 'current -> releases/v3'],
      '/',
    );
    expect(malformed.status).toBe(2);
    expect(malformed.stderr).toContain('--host-key-fingerprint "MD5:00:11" must be SHA256:');
  });

  test('fingerprints as ssh-keygen -l prints them, for each key type', () => {
    for (const [type, bits] of [
      ['ed25519', '256'],
      ['ecdsa', '384'],
      ['rsa', '2048'],
    ]) {
      const file = path.join(scratch, `fp-${type}`);
      execFileSync('ssh-keygen', ['-q', '-t', type, '-b', bits, '-N', '', '-f', file]);
      const blob = Buffer.from(fs.readFileSync(`${file}.pub`, 'utf8').split(' ')[1], 'base64');
      const printed = execFileSync('ssh-keygen', ['-l', '-f', `${file}.pub`], { encoding: 'utf8' });
      expect(fingerprintOf(blob)).toBe(printed.split(' ')[1]);
    }
  });

  test("the agent as ssh uses it: IdentityAgent, and IdentitiesOnly (only the agent's keys that are one of the key files)", () => {
    const socket = path.join(scratch, `agent-${process.hrtime.bigint()}.sock`);
    const agent = execFileSync('ssh-agent', ['-s', '-a', socket], { encoding: 'utf8' });
    const pid = Number(/SSH_AGENT_PID=(\d+)/.exec(agent)?.[1]);
    try {
      // The agent holds the right key; the key files are an encrypted copy of it (its .pub
      // beside it, its passphrase never given), or a stranger's key.
      execFileSync('ssh-add', ['-q', key], { env: { ...process.env, SSH_AUTH_SOCK: socket } });
      const encrypted = encryptedKey('never given');
      const stranger = path.join(scratch, `stranger-${process.hrtime.bigint()}`);
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', stranger]);
      const cases: [string, string, string, boolean][] = [
        ['IdentitiesOnly yes', encrypted, socket, true],
        ['IdentitiesOnly yes', stranger, socket, false],
        ['IdentitiesOnly no', stranger, socket, true],
        ['IdentityAgent none', stranger, socket, false],
        [`IdentityAgent ${socket}`, stranger, '', true],
      ];
      for (const [line, file, agentVariable, accepted] of cases) {
        const config = write('agent.conf', hostBlock('web1', plain.port, line).replace(key, file));
        expect([line, asSshDoes(config, { SSH_AUTH_SOCK: agentVariable })]).toEqual([
          line,
          accepted,
        ]);
      }
    } finally {
      process.kill(pid);
    }
  });

  test('a certificate beside the key is not offered, and -v says so', () => {
    fs.copyFileSync(`${key}.pub`, `${key}-cert.pub`);
    try {
      const run = runCli(['-v', ...argsFor(plain), 'current -> releases/v2'], '/');
      expect(run.status).toBe(0);
      expect(run.stderr).toContain(
        `note: ${key}-cert.pub was not offered: OpenSSH certificates are not supported`,
      );
    } finally {
      fs.rmSync(`${key}-cert.pub`);
    }
  });
});

describe('with --sshfs, which runs ssh', () => {
  test('--ssh-config reaches ssh (-F): an alias mounts and switches', () => {
    const config = write('sshfs.conf', hostBlock('web1', plain.port));
    const run = runCli(
      ['--sshfs', '--ssh-config', config, '--ssh', `web1:${plain.root}`, 'current -> releases/v2'],
      '/',
    );
    expectSwitched(run, plain);
  });

  test.each([
    [
      '--jump',
      () => ['--jump', 'root@127.0.0.1:22'],
      '--sshfs cannot take --jump and --jump-identity',
    ],
    [
      '--host-key-fingerprint',
      () => ['--host-key-fingerprint', `SHA256:${'A'.repeat(43)}`],
      '--sshfs cannot take --host-key-fingerprint',
    ],
    [
      '--passphrase-file',
      () => ['--passphrase-file', write('passphrase-sshfs', 'secret\n')],
      '--sshfs cannot take a passphrase',
    ],
  ])('what ssh cannot be handed is refused (exit 2): %s', (_name, more, says) => {
    const run = runCli(['--sshfs', ...argsFor(plain, ...more()), 'current -> releases/v2'], '/');
    expectUnchanged(run, plain, 2, [says]);
  });
});
