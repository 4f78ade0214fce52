import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeNetns, startBastion } from './helpers/bastion.js';
import type { Bastion } from './helpers/bastion.js';
import { runStep } from './helpers/runner.js';
import type { StepResult } from './helpers/runner.js';
import { freshTree, startSshd } from './helpers/ssh-server.js';
import type { SshServer } from './helpers/ssh-server.js';

// The action's inputs for reaching servers, driven as the runner drives dist/index.js. The
// target sshd listens on the loopback of a network namespace made for the run, reachable from
// here only through a bastion that forwards TCP and nothing else (see ssh-reach.test.ts); a
// plain sshd on this machine serves container mode, whose host network cannot reach into the
// namespace.

let scratch: string;
let netns: { name: string; remove: () => void };
let target: SshServer;
let bastion: Bastion;
let plain: SshServer;
/** The key the target takes; the bastion takes `jumpKey` only. */
let key: string;
let jumpKey: string;

beforeAll(async () => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-action-reach-'));
  netns = makeNetns();
  target = await startSshd({ netns: netns.name });
  key = target.identity;
  jumpKey = path.join(scratch, 'jump_key');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', jumpKey]);
  bastion = await startBastion(netns.name, [target.port], `${jumpKey}.pub`);
  plain = await startSshd();
});
afterAll(() => {
  for (const stop of [bastion?.stop, target?.stop, plain?.stop]) stop?.();
  netns?.remove();
  fs.rmSync(scratch, { recursive: true, force: true });
});
beforeEach(() => {
  for (const server of [target, plain]) freshTree(server);
});

/** Well-formed, and no key's. */
const FAKE_PRINT = `SHA256:${'A'.repeat(43)}`;
const current = (server: SshServer) => fs.readlinkSync(path.join(server.root, 'current'));
const read = (file: string) => fs.readFileSync(file, 'utf8');

/** The host key's fingerprint, as `ssh-keygen -lf known_hosts` prints it. */
const fingerprintOf = (server: SshServer) =>
  execFileSync('ssh-keygen', ['-lf', server.knownHosts], { encoding: 'utf8' }).split(' ')[1];

/** The inputs that reach the target through the bastion with `ssh-jump`. */
function jumpInputs(): Record<string, string> {
  return {
    'ssh-host': '127.0.0.1',
    'ssh-port': String(target.port),
    'ssh-user': 'root',
    'ssh-private-key': read(key),
    'ssh-known-hosts': read(target.knownHosts),
    'ssh-jump': `root@127.0.0.1:${bastion.port}`,
    'ssh-jump-private-key': read(jumpKey),
    'ssh-jump-known-hosts': bastion.knownHostsLine,
    'remote-path': target.root,
  };
}

/** `inputs` with `name` left at its default. */
function without(inputs: Record<string, string>, name: string): Record<string, string> {
  return Object.fromEntries(Object.entries(inputs).filter(([each]) => each !== name));
}

async function step(inputs: Record<string, string>, env: Record<string, string> = {}) {
  const workspace = fs.mkdtempSync(path.join(scratch, 'workspace-'));
  return runStep(workspace, inputs, env);
}

/** The files the run wrote under RUNNER_TEMP (keys, config, known_hosts): none may be left. */
const leftIn = (run: StepResult) =>
  fs.readdirSync(run.runnerTemp).filter((name) => name.startsWith('atomic-link-'));

/** Every line the runner would show (it hides ::add-mask:: commands) free of `secret`. */
function expectNotPrinted(run: StepResult, secret: string): void {
  const shown = run.stdout.split('\n').filter((line) => !line.startsWith('::add-mask::'));
  expect(shown.filter((line) => line.includes(secret))).toEqual([]);
  const masks = run.stdout.split('\n').filter((line) => line.startsWith('::add-mask::'));
  expect(masks.filter((line) => line.includes(secret))).toHaveLength(1);
}

describe('the action reaches a server behind a bastion', () => {
  test('without the bastion the target cannot be reached: the test network is as it claims', async () => {
    const direct = without(jumpInputs(), 'ssh-jump');
    const run = await step({ ...direct, links: 'current -> releases/v2' });
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/::error::.*127\.0\.0\.1/);
    expect(current(target)).toBe('releases/v1');
    expect(leftIn(run)).toEqual([]);
  });

  test('ssh-jump with its own key and ssh-jump-known-hosts switches; the key files are gone after', async () => {
    const run = await step({ ...jumpInputs(), links: 'current -> releases/v2' });
    expect(run.stdout).not.toContain('::error::');
    expect(run.status).toBe(0);
    expect(current(target)).toBe('releases/v2');
    expect(JSON.parse(run.outputs.previous)).toEqual({ current: 'releases/v1' });
    // Its third line: the first lines of every ed25519 key are alike.
    expectNotPrinted(run, read(jumpKey).split('\n')[3]);
    expect(leftIn(run)).toEqual([]);
  });

  test('a wrong jump host key is refused before the target is contacted, nothing changed', async () => {
    const wrong = bastion.knownHostsLine.replace(
      / \S+$/,
      ` ${read(`${jumpKey}.pub`).split(' ')[1]}`,
    );
    const run = await step({
      ...jumpInputs(),
      'ssh-jump-known-hosts': wrong,
      links: 'current -> releases/v2',
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/::error::.*the jump host root@127\.0\.0\.1.*host key/);
    expect(current(target)).toBe('releases/v1');
    expect(leftIn(run)).toEqual([]);
  });

  test('ssh-config: a Host alias with ProxyJump, its Port used as ssh-port is left empty', async () => {
    const config = [
      'Host web1',
      '  HostName 127.0.0.1',
      `  Port ${target.port}`,
      '  ProxyJump jumpbox',
      'Host jumpbox',
      '  HostName 127.0.0.1',
      `  Port ${bastion.port}`,
      '  User root',
      '',
    ].join('\n');
    const inputs = without(jumpInputs(), 'ssh-jump');
    const run = await step({
      ...inputs,
      'ssh-host': 'web1',
      'ssh-port': '',
      'ssh-config': config,
      links: 'current -> releases/v2',
    });
    expect(run.stdout).not.toContain('::error::');
    expect(run.status).toBe(0);
    expect(current(target)).toBe('releases/v2');
    expect(leftIn(run)).toEqual([]);
  });

  test('a fault of ssh-config is named as the input, before any host is contacted', async () => {
    const sessions = fs.readFileSync(bastion.log, 'utf8').length;
    const run = await step({
      ...jumpInputs(),
      'ssh-config': 'Host *\n  ProxyCommand /bin/false\n',
      'ssh-jump': '',
      links: 'current -> releases/v2',
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(
      /::error::input "ssh-config" line 2: ProxyCommand \/bin\/false runs a command/,
    );
    // Advice the action can follow: no input runs a ProxyCommand, and the message says so.
    expect(run.stdout).toContain(
      "(the CLI's --allow-proxy-command; no input of the action sets it)",
    );
    expect(fs.readFileSync(bastion.log, 'utf8').length).toBe(sessions);
    expect(current(target)).toBe('releases/v1');
    expect(leftIn(run)).toEqual([]);
  });

  test('ssh-host-fingerprint instead of ssh-known-hosts switches; a wrong one changes nothing', async () => {
    const inputs = without(jumpInputs(), 'ssh-known-hosts');
    const right = await step({
      ...inputs,
      'ssh-host-fingerprint': fingerprintOf(target),
      links: 'current -> releases/v2',
    });
    expect(right.stdout).not.toContain('::error::');
    expect(right.status).toBe(0);
    expect(current(target)).toBe('releases/v2');

    const wrong = await step({
      ...inputs,
      'ssh-host-fingerprint': fingerprintOf(plain),
      links: 'current -> releases/v3',
    });
    expect(wrong.status).toBe(1);
    expect(wrong.stdout).toMatch(/::error::.*fingerprint/i);
    expect(current(target)).toBe('releases/v2');
    expect(leftIn(wrong)).toEqual([]);
  });
});

describe('bad values of the reach inputs: the input named, nothing touched', () => {
  test.each([
    [
      { 'ssh-jump': 'root@bastion:port' },
      /::error::input "ssh-jump": invalid ProxyJump "root@bastion:port"/,
    ],
    [{ 'ssh-jump': '-oProxyCommand=sh' }, /::error::input "ssh-jump" must be a name/],
    [
      { 'ssh-host-fingerprint': 'MD5:00:11' },
      /::error::input "ssh-host-fingerprint" "MD5:00:11" must be SHA256:/,
    ],
    [
      { 'ssh-known-hosts': '', 'ssh-jump-known-hosts': '', 'ssh-host-fingerprint': FAKE_PRINT },
      /::error::input "ssh-jump" needs the jump hosts' keys in "ssh-jump-known-hosts"/,
    ],
    [
      { 'ssh-known-hosts': '', 'ssh-jump-known-hosts': '' },
      /::error::input "ssh-known-hosts" \(or "ssh-host-fingerprint"\) is required/,
    ],
    [{ 'ssh-port': '0' }, /::error::input "ssh-port" must be a port number, not "0"/],
    [{ sshfs: 'true' }, /::error::input "ssh-jump" cannot be used with "sshfs"/],
  ])('%j', async (bad, message) => {
    const sessions = fs.readFileSync(bastion.log, 'utf8').length;
    const run = await step({ ...jumpInputs(), ...bad, links: 'current -> releases/v2' });
    expect(run.stdout).toMatch(message);
    expect(run.status).toBe(1);
    expect(run.stdout).not.toMatch(/internal error| {4}at /);
    expect(fs.readFileSync(bastion.log, 'utf8').length).toBe(sessions);
    expect(current(target)).toBe('releases/v1');
    expect(leftIn(run)).toEqual([]);
  });
});

describe('an encrypted key and a fingerprint', () => {
  const passphrase = 'correct horse battery';
  let encrypted: string;
  beforeAll(() => {
    encrypted = path.join(scratch, 'encrypted');
    fs.copyFileSync(plain.identity, encrypted);
    fs.chmodSync(encrypted, 0o600);
    execFileSync('ssh-keygen', ['-q', '-p', '-N', passphrase, '-f', encrypted]);
  });
  const plainInputs = () => ({
    'ssh-host': '127.0.0.1',
    'ssh-port': String(plain.port),
    'ssh-user': 'root',
    'ssh-private-key': read(encrypted),
    'ssh-passphrase': passphrase,
    'ssh-host-fingerprint': fingerprintOf(plain),
    'remote-path': plain.root,
  });

  test('over SFTP: ssh-passphrase decrypts the key, and is masked', async () => {
    const run = await step({ ...plainInputs(), links: 'current -> releases/v2' });
    expect(run.stdout).not.toContain('::error::');
    expect(run.status).toBe(0);
    expect(current(plain)).toBe('releases/v2');
    expectNotPrinted(run, passphrase);
  });

  test('without ssh-passphrase: the step fails naming the input to set, and nothing changes', async () => {
    const before = current(plain);
    const run = await step({
      ...without(plainInputs(), 'ssh-passphrase'),
      links: 'current -> releases/v1',
    });
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(
      /::error::.*is encrypted, and no passphrase was given \(set ssh-passphrase;/,
    );
    expect(run.stdout).not.toContain('--passphrase-file');
    expect(current(plain)).toBe(before);
  });

  test('in container mode: the same, the passphrase in the container environment, not argv', async () => {
    const run = await step(
      {
        ...plainInputs(),
        container: 'true',
        'docker-network': 'host',
        links: 'current -> releases/v3',
      },
      // A registry on loopback that is not there: the image is built from this dist/.
      {
        ATOMIC_LINK_BASE_IMAGE: process.env.ATOMIC_LINK_BASE_IMAGE ?? 'atomic-link-base:bookworm',
        ATOMIC_LINK_IMAGE_REPOSITORY: '127.0.0.1:9/atomic-link',
      },
    );
    expect(run.stdout).not.toContain('::error::');
    expect(run.status).toBe(0);
    expect(current(plain)).toBe('releases/v3');
    // The command line (its ::debug:: line) names the variable only.
    const command = run.stdout.split('\n').find((line) => line.startsWith('::debug::docker run'));
    expect(command).toContain(' -e ATOMIC_LINK_SSH_PASSPHRASE ');
    expect(command).toContain(`--host-key-fingerprint ${fingerprintOf(plain)}`);
    expectNotPrinted(run, passphrase);
    expect(leftIn(run)).toEqual([]);
  });
});
