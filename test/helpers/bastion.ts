import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { descendants, killTree } from './ssh-server.js';

/**
 * A network namespace made for the run, its loopback up. Servers listening on its 127.0.0.1 are
 * reachable from nowhere else: from here, only through a bastion that runs inside it.
 */
export function makeNetns(): { name: string; remove: () => void } {
  const name = `atomic-link-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  execFileSync('ip', ['netns', 'add', name]);
  execFileSync('ip', ['netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up']);
  return { name, remove: () => execFileSync('ip', ['netns', 'del', name]) };
}

/** sshd_config lines of a server that only forwards TCP, and only to `ports` on its loopback. */
export function forwardOnly(ports: number[]): string[] {
  return [
    'AllowTcpForwarding yes',
    `PermitOpen ${ports.map((port) => `127.0.0.1:${port}`).join(' ')}`,
    'ForceCommand /bin/false',
    'PermitTTY no',
    'X11Forwarding no',
    'AllowAgentForwarding no',
    'LogLevel VERBOSE',
  ];
}

export interface Bastion {
  /** The port on this machine's 127.0.0.1 that reaches it. */
  port: number;
  /** What its sshd logged, every connection's. */
  log: string;
  /** Its host key as a known_hosts line for `[127.0.0.1]:port`. */
  knownHostsLine: string;
  /** The keys it lets in (read again at each connection). */
  authorizedKeys: string;
  /** The pids of the sshd processes serving its connections now. */
  sessions: () => number[];
  stop: () => void;
}

/**
 * A bastion that permits only TCP forwarding (to `ports` on the namespace's loopback), logging
 * in the key of `authorized` (a .pub file). Its sshd runs inside `netns`, one `sshd -i` per
 * connection (as inetd would run it), behind a small listener on this machine's 127.0.0.1:
 * so it is the one way from here into the namespace.
 */
export async function startBastion(
  netns: string,
  ports: number[],
  authorized: string,
): Promise<Bastion> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-bastion-'));
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'host_key')]);
  fs.copyFileSync(authorized, path.join(dir, 'authorized_keys'));
  const config = path.join(dir, 'sshd_config');
  const log = path.join(dir, 'sshd.log');
  fs.writeFileSync(
    config,
    [
      `HostKey ${dir}/host_key`,
      `AuthorizedKeysFile ${dir}/authorized_keys`,
      'StrictModes no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      ...forwardOnly(ports),
      '',
    ].join('\n'),
  );
  fs.writeFileSync(log, '');
  const sshd = ['ip', 'netns', 'exec', netns, '/usr/sbin/sshd', '-i', '-f', config, '-E', log];
  // Its own process: the tests run the CLI with spawnSync too, which would stall a listener
  // in the test's event loop.
  const listener = spawn(process.execPath, ['-e', LISTENER, JSON.stringify(sshd)], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    listener.stdout.once('data', (chunk: Buffer) => resolve(Number(String(chunk).trim())));
    listener.once('exit', (code) => reject(new Error(`the bastion's listener exited (${code})`)));
  });
  const [type, key] = fs.readFileSync(path.join(dir, 'host_key.pub'), 'utf8').split(' ');
  return {
    port,
    log,
    knownHostsLine: `[127.0.0.1]:${port} ${type} ${key}`,
    authorizedKeys: path.join(dir, 'authorized_keys'),
    sessions: () => descendants(listener.pid as number).filter((pid) => commandOf(pid) === 'sshd'),
    stop: () => {
      killTree(listener.pid as number);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Accepts on 127.0.0.1 and hands each connection to a new `COMMAND` (its stdin and stdout). */
const LISTENER = `
const net = require('node:net');
const { spawn } = require('node:child_process');
const [program, ...args] = JSON.parse(process.argv[1]);
const server = net.createServer((socket) => {
  const child = spawn(program, args, { stdio: ['pipe', 'pipe', 'ignore'] });
  socket.on('error', () => socket.destroy());
  child.stdin.on('error', () => undefined);
  socket.pipe(child.stdin);
  child.stdout.pipe(socket);
});
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
`;

export interface Silent {
  port: number;
  /** How many connections it has accepted so far. */
  connections: () => number;
  stop: () => void;
}

/**
 * A listener on 127.0.0.1:`port` (in `netns` if given) that accepts connections and never says
 * a word: a server hung before its banner.
 */
export async function startSilent(netns?: string, port = 0): Promise<Silent> {
  const command = [process.execPath, '-e', SILENT, String(port)];
  const [program, ...args] = netns ? ['ip', 'netns', 'exec', netns, ...command] : command;
  const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'ignore'] });
  let said = '';
  child.stdout.on('data', (chunk: Buffer) => (said += chunk));
  await new Promise<void>((resolve, reject) => {
    child.stdout.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`the silent listener exited (${code})`)));
  });
  return {
    port: Number(said.split('\n')[0]),
    connections: () => said.split('\n').filter((line) => line === 'connection').length,
    stop: () => killTree(child.pid as number),
  };
}

const SILENT = `
const server = require('node:net').createServer(() => process.stdout.write('connection\\n'));
server.listen(Number(process.argv[1]), '127.0.0.1', () =>
  process.stdout.write(server.address().port + '\\n'),
);
`;

/** How many lines of `log` hold `text`. */
export function countIn(log: string, text: string): number {
  return fs
    .readFileSync(log, 'utf8')
    .split('\n')
    .filter((line) => line.includes(text)).length;
}

function commandOf(pid: number): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}
