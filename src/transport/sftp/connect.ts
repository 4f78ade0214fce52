import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AuthenticationType, Client, ConnectConfig, SFTPWrapper } from 'ssh2';
import { UpdateError } from '../../engine/errors.js';
import { splitDestination } from '../ssh-target.js';
import type { SshTarget } from '../ssh-target.js';
import { hostKeyAlgorithms, knownKeysFor } from './known-hosts.js';

/** A dead or silent server fails the run within seconds: 3 keep-alives 2 s apart unanswered. */
const KEEPALIVE_MS = 2000;
const KEEPALIVE_MISSES = 3;
const CONNECT_TIMEOUT_MS = 20000;

export interface SshSession {
  client: Client;
  /** The channel the switch is made through. */
  sftp: SFTPWrapper;
  /** The server's SFTP extensions, from its version reply. */
  extensions: Set<string>;
  /** A second channel, opened on demand: the guard looks through it while the first works. */
  second: () => Promise<SFTPWrapper>;
  /**
   * Holds what is written to the connection until the current turn of the event loop ends,
   * then sends it in one system call: a phase's requests, made one by one, leave together.
   */
  batchWrites: () => void;
  /** The connection's socket, ours (ssh2 was handed it). */
  socket: net.Socket;
  /**
   * Rejects when the connection is gone. ssh2 does not always answer the requests still on
   * the way then, so every wait on the server races this.
   */
  lost: Promise<never>;
  where: string;
}

/**
 * Connects with the host key checked against known_hosts before anything is sent, logs in with
 * the identity, an agent or the usual key files, and opens an SFTP channel. ssh2 is loaded
 * here, so local runs never pay for it.
 */
export async function connect(target: SshTarget): Promise<SshSession> {
  const { user, host } = splitDestination(target.destination);
  const username = user ?? os.userInfo().username;
  const where = `${username}@${target.destination.slice(target.destination.lastIndexOf('@') + 1)}:${target.path}`;
  const knownFile = target.knownHosts ?? path.join(os.homedir(), '.ssh', 'known_hosts');
  const known = knownKeysFor(readOr(knownFile, ''), host, target.port);
  const hostName = target.port === 22 ? host : `[${host}]:${target.port}`;
  if (known.every((key) => key.revoked)) {
    throw new UpdateError(
      `${hostName} is not in ${knownFile}: its host key cannot be checked, so nothing was ` +
        `sent; add its line (ssh-keyscan, checked out of band)`,
    );
  }
  // ssh2's poly1305 (emscripten output) reads CommonJS's __dirname, which this ES module
  // bundle lacks; it only builds a path to a file it never reads (its wasm is inline).
  const scope = globalThis as { __dirname?: string };
  scope.__dirname ??= path.dirname(fileURLToPath(import.meta.url));
  const { Client } = (await import('ssh2')).default;
  const client = new Client();
  // ssh2 may emit more than one error (a failed handshake, then the socket): each is reported
  // where it is awaited; an unheard one must not end the process.
  client.on('error', () => undefined);
  let hostKeyProblem: string | undefined;
  // Our own socket, so that writes can be held and sent together (batchWrites).
  const socket = net.connect({ host, port: target.port });
  // ssh2 writes a packet in several pieces; with Nagle's algorithm on, each piece after the
  // first waits for the server's delayed ACK (40 ms on Linux), at every round trip.
  socket.setNoDelay(true);
  const config: ConnectConfig = {
    sock: socket,
    username,
    readyTimeout: CONNECT_TIMEOUT_MS,
    keepaliveInterval: KEEPALIVE_MS,
    keepaliveCountMax: KEEPALIVE_MISSES,
    algorithms: { serverHostKey: hostKeyAlgorithms(known) as never },
    hostVerifier: (key: Buffer) => {
      const match = known.find((entry) => entry.blob.equals(key));
      if (match && !match.revoked) return true;
      hostKeyProblem = match
        ? `the host key of ${hostName} is marked @revoked in ${knownFile}`
        : `the host key of ${hostName} does not match ${knownFile} (changed, or another host)`;
      return false;
    },
    ...credentials(target),
  };
  await new Promise<void>((resolve, reject) => {
    client.once('ready', () => resolve());
    client.once('error', (error) => reject(error));
    client.once('close', () => reject(new Error('the connection closed during the handshake')));
    client.connect(config);
  }).catch((error: Error) => {
    client.end();
    const reason = hostKeyProblem ?? error.message;
    throw new UpdateError(
      `cannot connect to ${where} (port ${target.port}): ${reason}; nothing was changed`,
    );
  });
  const lost = new Promise<never>((_, reject) => {
    const gone = () => reject(new Error('the connection was lost'));
    client.once('close', gone);
    client.once('end', gone);
  });
  lost.catch(() => undefined);
  const openSftp = () =>
    Promise.race([
      new Promise<SFTPWrapper>((resolve, reject) =>
        client.sftp((error, sftp) => (error ? reject(error) : resolve(sftp))),
      ),
      lost,
    ]);
  const sftp = await openSftp().catch((error: Error) => {
    client.end();
    throw new UpdateError(
      `${where}: the server offers no SFTP (${error.message}); nothing was changed`,
    );
  });
  // ssh2 keeps the extensions of the server's version reply here, and checks them itself.
  const extensions = new Set(Object.keys((sftp as unknown as { _extensions: object })._extensions));
  let second: Promise<SFTPWrapper> | undefined;
  let held = false;
  // Each SFTP request is a packet of its own, and each packet a write: 100 lookups were 100
  // system calls (and as many segments for the network and the server to take in).
  const batchWrites = () => {
    if (held) return;
    held = true;
    socket.cork();
    process.nextTick(() => {
      held = false;
      socket.uncork();
    });
  };
  return {
    client,
    sftp,
    extensions,
    second: () => (second ??= openSftp()),
    batchWrites,
    socket,
    lost,
    where,
  };
}

/**
 * --identity, else an agent, else the first of the usual key files that exists. The methods
 * are tried straight away: ssh2 would first ask the server which it takes (the "none"
 * method), a round trip the answer of which changes nothing here.
 */
function credentials(target: SshTarget): Partial<ConnectConfig> {
  if (target.identity) {
    return { privateKey: readKey(target.identity), authHandler: ['publickey'] };
  }
  const agent = process.env.SSH_AUTH_SOCK;
  const usual = ['id_ed25519', 'id_ecdsa', 'id_rsa']
    .map((name) => path.join(os.homedir(), '.ssh', name))
    .find((file) => fs.existsSync(file));
  const methods: AuthenticationType[] = [
    ...(usual ? (['publickey'] as const) : []),
    ...(agent ? (['agent'] as const) : []),
  ];
  return {
    ...(agent ? { agent } : {}),
    ...(usual ? { privateKey: readKey(usual) } : {}),
    authHandler: methods.length > 0 ? methods : ['none'],
  };
}

function readKey(file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (error) {
    throw new UpdateError(`cannot read the identity ${file}: ${(error as Error).message}`);
  }
}

function readOr(file: string, fallback: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}
