import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface SshServer {
  port: number;
  /** What sshd logged (-E): connections, logins. */
  log: string;
  /** The directory the tests deploy into, on the "server" (this machine). */
  root: string;
  identity: string;
  knownHosts: string;
  /** The CLI arguments that reach `root` on this server. */
  args: string[];
  /** The same arguments for port `port` (a proxy in front of this server), with its known_hosts. */
  argsVia: (port: number) => string[];
  /** Kills the listener and every session it forked, as a crashed server would. */
  kill: () => void;
  stop: () => void;
}

/**
 * A real OpenSSH sshd on 127.0.0.1 with its own host key, client key and known_hosts.
 * `posixRename: false` starts it with `internal-sftp -P posix-rename`, a server on
 * which rename will not replace an existing link; `deny` names more SFTP requests to refuse.
 * `netns` starts it in that network namespace, on its own loopback (the port is one free here,
 * so that nothing answers it outside); `config` adds sshd_config lines.
 */
export async function startSshd({
  posixRename = true,
  deny = [] as string[],
  netns = undefined as string | undefined,
  config: more = [] as string[],
  subsystem = undefined as string | undefined,
} = {}): Promise<SshServer> {
  const denied = [...(posixRename ? [] : ['posix-rename']), ...deny];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-sshd-'));
  const root = path.join(dir, 'srv');
  fs.mkdirSync(root);
  for (const name of ['host_key', 'client_key']) {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, name)]);
  }
  fs.copyFileSync(path.join(dir, 'client_key.pub'), path.join(dir, 'authorized_keys'));
  fs.mkdirSync('/run/sshd', { recursive: true });
  const port = await freePort();
  const config = path.join(dir, 'sshd_config');
  fs.writeFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${dir}/host_key`,
      `AuthorizedKeysFile ${dir}/authorized_keys`,
      `PidFile ${dir}/sshd.pid`,
      'StrictModes no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      `Subsystem sftp ${subsystem ?? `internal-sftp${denied.length ? ` -P ${denied.join(',')}` : ''}`}`,
      ...more,
      '',
    ].join('\n'),
  );
  const hostKey = fs.readFileSync(path.join(dir, 'host_key.pub'), 'utf8').split(' ');
  const knownHosts = path.join(dir, 'known_hosts');
  fs.writeFileSync(knownHosts, `[127.0.0.1]:${port} ${hostKey[0]} ${hostKey[1]}\n`);
  const log = path.join(dir, 'sshd.log');
  const sshd = ['/usr/sbin/sshd', '-D', '-f', config, '-E', log];
  const command = netns === undefined ? sshd : ['ip', 'netns', 'exec', netns, ...sshd];
  const daemon = spawn(command[0], command.slice(1), { stdio: 'ignore' });
  if (netns === undefined) await waitForPort(port, daemon);
  else await waitForLog(log, `Server listening on 127.0.0.1 port ${port}`, daemon);
  const identity = path.join(dir, 'client_key');
  const argsFor = (at: number, known: string) => [
    '--ssh',
    `root@127.0.0.1:${root}`,
    '--ssh-port',
    String(at),
    '--identity',
    identity,
    '--known-hosts',
    known,
  ];
  return {
    port,
    log,
    root,
    identity,
    knownHosts,
    args: argsFor(port, knownHosts),
    argsVia: (at: number) => {
      const file = path.join(dir, `known_hosts_${at}`);
      fs.writeFileSync(file, `[127.0.0.1]:${at} ${hostKey[0]} ${hostKey[1]}\n`);
      return argsFor(at, file);
    },
    kill: () => killTree(daemon.pid as number),
    stop: () => {
      killTree(daemon.pid as number);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, daemon: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10000;
  while (Date.now() < deadline) {
    if (daemon.exitCode !== null) throw new Error(`sshd exited with ${daemon.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`sshd did not listen on ${port}`);
}

/** Waits until `file` holds `line`: a daemon that is not reachable from here says it is up. */
export async function waitForLog(file: string, line: string, daemon: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10000;
  while (Date.now() < deadline) {
    if (daemon.exitCode !== null)
      throw new Error(`${daemon.spawnfile} exited with ${daemon.exitCode}`);
    if (fs.existsSync(file) && fs.readFileSync(file, 'utf8').includes(line)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${file} never said ${line}`);
}

/** A process's descendants, children first, found through /proc. */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // exited meanwhile
    }
  }
  const found = [...(children.get(pid) ?? [])];
  for (let i = 0; i < found.length; i++) found.push(...(children.get(found[i]) ?? []));
  return found;
}

/** SIGKILL to a process and all its descendants. */
export function killTree(pid: number): void {
  for (const victim of [pid, ...descendants(pid)]) {
    try {
      process.kill(victim, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/**
 * A wrapper command (for runCliUnder, startCli) that runs a command with `dir` mounted over the
 * passwd home of `user`, in a mount namespace of its own: ssh, and atomic-link as ssh does, find
 * ~ in the passwd entry, not in $HOME. A home that does not exist (a system user's) is made on
 * an empty tmpfs over its parent, in that namespace only.
 */
export function withHome(dir: string, user = os.userInfo().username): string[] {
  const script =
    'home=$(getent passwd "$2" | cut -d: -f6) && ' +
    '{ [ -d "$home" ] || { mount -t tmpfs tmpfs "${home%/*}" && mkdir "$home"; }; } && ' +
    'mount --bind "$1" "$home" && shift 2 && exec "$@"';
  return ['unshare', '--mount', 'sh', '-c', script, 'sh', dir, user];
}

/** The deploy tree of makeDeployTree, made inside a server's root. */
export function makeServerTree(root: string): void {
  for (const version of ['v1', 'v2', 'v3']) {
    fs.mkdirSync(path.join(root, 'releases', version), { recursive: true });
    fs.writeFileSync(path.join(root, 'releases', version, 'index.html'), `${version}\n`);
  }
  fs.symlinkSync('releases/v1', path.join(root, 'current'));
}

/**
 * Mounts of this machine that serve a directory under one of `roots` (the test servers' own):
 * none may be left behind. Other runs' mounts on the same machine are not ours to judge.
 */
export function mountsOf(roots: string[]): string[] {
  return fs
    .readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((line) => {
      const fields = line.split(' ');
      const source = fields[fields.indexOf('-') + 2] ?? '';
      return roots.some((root) => source.includes(`:${root}`));
    })
    .map((line) => line.split(' ')[4]);
}

/** `count` links root/links/lN -> ../releases/v1, and a spec file switching them all to v2. */
export function manyRemoteLinks(root: string, count: number): string {
  fs.mkdirSync(path.join(root, 'links'));
  for (let i = 0; i < count; i++)
    fs.symlinkSync('../releases/v1', path.join(root, 'links', `l${i}`));
  const specFile = path.join(root, 'specs.txt');
  fs.writeFileSync(
    specFile,
    Array.from({ length: count }, (_, i) => `links/l${i} -> ../releases/v2`).join('\n'),
  );
  return specFile;
}

/**
 * One sshd for a test file: started before its tests and stopped after them, its root holding
 * a fresh deploy tree (makeServerTree) at the start of each test. Returns the server's getter.
 */
export function useSshd(): () => SshServer {
  let server: SshServer | undefined;
  beforeAll(async () => {
    server = await startSshd();
  });
  afterAll(() => server?.stop());
  beforeEach(() => freshTree(server!));
  return () => server!;
}

/** The server's root emptied and holding a fresh deploy tree (makeServerTree). */
export function freshTree(server: SshServer): void {
  fs.rmSync(server.root, { recursive: true, force: true });
  fs.mkdirSync(server.root);
  makeServerTree(server.root);
}

/**
 * Mounts `source` (the server's root, by default) with sshfs on `mountPoint` (a fresh directory,
 * by default), logging in with `identity` (the server's key) and checking its host key; `options`
 * are more of sshfs's -o. Returns the mount point.
 */
export function mountSshfs(
  server: SshServer,
  {
    source = `root@127.0.0.1:${server.root}`,
    mountPoint = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-usermount-')),
    identity = server.identity,
    options = '',
  } = {},
): string {
  execFileSync('sshfs', [
    source,
    mountPoint,
    '-p',
    String(server.port),
    '-o',
    `IdentityFile=${identity},UserKnownHostsFile=${server.knownHosts},StrictHostKeyChecking=yes,BatchMode=yes${options ? `,${options}` : ''}`,
  ]);
  return mountPoint;
}
