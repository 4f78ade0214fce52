import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ConnectConfig, SFTPWrapper } from 'ssh2';
import { InterruptedError, UpdateError } from '../../engine/errors.js';
import { splitDestination } from '../ssh-target.js';
import type { SshTarget } from '../ssh-target.js';
import { identities } from './identities.js';
import { hostKeyAlgorithms, hostKeysFor, judgeHostKey } from './known-hosts.js';
import { Watchdog } from './watchdog.js';
import type { Requests } from './watchdog.js';

/** A dead server or network fails the run within seconds: 3 keep-alives 2 s apart unanswered. */
const KEEPALIVE_MS = 2000;
const KEEPALIVE_MISSES = 3;
/** The whole handshake: key exchange, host key check, login. */
const CONNECT_TIMEOUT_MS = 20000;

/** An SFTP channel, with its requests as the watchdog counts them. */
export interface Channel {
  sftp: SFTPWrapper;
  /** Every request sent on `sftp` is counted here when sent and when answered. */
  requests: Requests;
}

export interface SshSession {
  /** The channel the switch is made through. */
  main: Channel;
  /** The server's SFTP extensions, from its version reply. */
  extensions: Set<string>;
  /** A second channel, opened on demand: the guard looks through it while the first works. */
  second: () => Promise<Channel>;
  /**
   * Holds what is written to the connection until the current turn of the event loop ends,
   * then sends it in one system call: a phase's requests, made one by one, leave together.
   */
  batchWrites: () => void;
  /**
   * Rejects when the connection is gone. ssh2 does not always answer the requests still on
   * the way then, so every wait on the server races this.
   */
  lost: Promise<never>;
  /**
   * Why the connection ended, once it has: `signal` when it was closed because a stop was asked
   * and the server did not answer in time.
   */
  ended: () => { reason: string; signal?: string } | undefined;
  /** What connecting passed over (known_hosts lines, key files): for -v. */
  notes: string[];
  where: string;
  /** Says goodbye and lets the process exit without waiting for the server's. */
  close: () => void;
}

/**
 * Connects with the host key checked against known_hosts before anything is sent, logs in with
 * the agent or key files (identities.ts), and opens an SFTP channel. ssh2 is loaded here, so
 * local runs never pay for it. `signal` ends the connecting at once (an InterruptedError), and
 * once connected has the watchdog stop waiting for a silent server. Every way out of a failed
 * connect leaves nothing behind that keeps the process alive.
 */
export async function connect(target: SshTarget, signal?: AbortSignal): Promise<SshSession> {
  const { user, host } = splitDestination(target.destination);
  const username = user ?? os.userInfo().username;
  const where = `${username}@${target.destination.slice(target.destination.lastIndexOf('@') + 1)}:${target.path}`;
  const stopped = () =>
    new InterruptedError(
      `stopped by ${signal?.reason} while connecting to ${where}; nothing was changed`,
      String(signal?.reason),
    );
  if (signal?.aborted) throw stopped();
  const knownFile = target.knownHosts ?? path.join(os.homedir(), '.ssh', 'known_hosts');
  const known = hostKeysFor(readOr(knownFile, ''), host, target.port);
  const hostName = target.port === 22 ? host : `[${host}]:${target.port}`;
  const notes = known.skipped.map((line) => `${knownFile} ${line}: passed over`);
  if (known.keys.length === 0) throw unknownHost(hostName, knownFile, known.revoked, notes);
  // ssh2's poly1305 (emscripten output) reads CommonJS's __dirname, which this ES module
  // bundle lacks; it only builds a path to a file it never reads (its wasm is inline).
  const scope = globalThis as { __dirname?: string };
  scope.__dirname ??= path.dirname(fileURLToPath(import.meta.url));
  const { Client, utils } = (await import('ssh2')).default;
  if (signal?.aborted) throw stopped();
  const login = identities(target, username, utils.parseKey);
  notes.push(...login.skipped);
  const client = new Client();
  // ssh2 may emit more than one error (a failed handshake, then the socket): each is reported
  // where it is awaited; an unheard one must not end the process.
  client.on('error', () => undefined);
  let hostKeyProblem: string | undefined;
  let ended: { reason: string; signal?: string } | undefined;
  // Our own socket, so that writes can be held and sent together (batchWrites), and so that
  // every way out can destroy it: ssh2 never learns of it when its config is refused.
  const socket = net.connect({ host, port: target.port });
  // ssh2 writes a packet in several pieces; with Nagle's algorithm on, each piece after the
  // first waits for the server's delayed ACK (40 ms on Linux), at every round trip.
  socket.setNoDelay(true);
  const watchdog = new Watchdog((reason, by) => {
    ended ??= { reason, signal: by };
    socket.destroy();
  }, signal);
  const config: ConnectConfig = {
    sock: socket,
    username,
    readyTimeout: CONNECT_TIMEOUT_MS,
    keepaliveInterval: KEEPALIVE_MS,
    keepaliveCountMax: KEEPALIVE_MISSES,
    algorithms: { serverHostKey: hostKeyAlgorithms(known.keys) as never },
    hostVerifier: (key: Buffer) => {
      const verdict = judgeHostKey(known, key);
      if (verdict === 'accepted') return true;
      hostKeyProblem =
        verdict === 'revoked'
          ? `the host key of ${hostName} is marked @revoked in ${knownFile}`
          : `the host key of ${hostName} does not match ${knownFile} (changed, or another host)`;
      return false;
    },
    authHandler: login.authHandler,
  };
  // Every way out of connecting: nothing of it may keep the process alive.
  const failed = (error: Error, reason = error.message) => {
    watchdog.stop();
    socket.destroy();
    if (error instanceof InterruptedError) return stopped();
    return new UpdateError(
      `cannot connect to ${where} (port ${target.port}): ${reason}; nothing was changed`,
    );
  };
  const handshake = new Promise<void>((resolve, reject) => {
    client.once('ready', () => resolve());
    client.on('error', (error: Error & { level?: string }) => {
      // The agent failing is one method failing: the next is tried.
      if (error.level === 'agent') notes.push(`the agent could not be used: ${error.message}`);
      else reject(error);
    });
    client.once('close', () => reject(new Error('the connection closed during the handshake')));
    client.connect(config);
  });
  await untilStopped(handshake, signal).catch((error: Error) => {
    if (hostKeyProblem) throw failed(error, hostKeyProblem);
    if (!/authentication methods failed/.test(error.message)) throw failed(error);
    throw failed(
      error,
      `the server accepted no identity (tried ${login.tried.join(', ')})` +
        login.skipped.map((skip) => `; ${skip}`).join(''),
    );
  });
  const lost = new Promise<never>((_, reject) => {
    const gone = () => {
      ended ??= { reason: 'the connection was lost' };
      watchdog.stop();
      reject(new Error(ended.reason));
    };
    client.once('close', gone);
    client.once('end', gone);
    // An error after the handshake (a reset, keep-alives unanswered) ends the connection.
    client.on('error', (error: Error) => {
      ended ??= { reason: `the connection was lost (${error.message})` };
    });
  });
  lost.catch(() => undefined);
  const opening = watchdog.track('the connection (opening a channel)');
  const openChannel = async (name: string): Promise<Channel> => {
    opening.sent();
    const sftp = await Promise.race([
      new Promise<SFTPWrapper>((resolve, reject) =>
        client.sftp((error, sftp) => (error ? reject(error) : resolve(sftp))),
      ),
      lost,
    ]).finally(() => opening.done());
    return { sftp, requests: watchdog.track(name) };
  };
  const openedAt = performance.now();
  const main = await untilStopped(openChannel('the SFTP channel'), signal).catch((error: Error) => {
    throw failed(error, `the server offers no SFTP (${error.message})`);
  });
  // Three round trips (open the channel, start the subsystem, exchange versions): the measure
  // of the link the deadline scales with.
  watchdog.measured(performance.now() - openedAt);
  // ssh2 keeps the extensions of the server's version reply here, and checks them itself.
  const extensions = new Set(
    Object.keys((main.sftp as unknown as { _extensions: object })._extensions),
  );
  let second: Promise<Channel> | undefined;
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
    main,
    extensions,
    second: () => (second ??= openChannel("the guard's SFTP channel")),
    batchWrites,
    lost,
    ended: () => ended,
    notes,
    where,
    close: () => {
      watchdog.stop();
      client.end();
      // Everything is said: the process need not wait a round trip for the server's goodbye.
      socket.unref();
    },
  };
}

/** Why a host with no usable key in known_hosts is refused before anything is sent. */
function unknownHost(host: string, file: string, revoked: Buffer[], notes: string[]): UpdateError {
  const passedOver = notes.map((note) => `; ${note}`).join('');
  if (revoked.length > 0) {
    return new UpdateError(
      `${host} has only @revoked keys in ${file}, so nothing was sent${passedOver}`,
    );
  }
  return new UpdateError(
    (notes.length > 0
      ? `${host} has no key in ${file} that this client can check`
      : `${host} is not in ${file}: its host key cannot be checked`) +
      `, so nothing was sent; add its line (ssh-keyscan, checked out of band)${passedOver}`,
  );
}

/** `work`, or an InterruptedError as soon as `signal` asks for a stop. */
function untilStopped<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return work;
  let onAbort = () => undefined as void;
  const stop = new Promise<never>((_, reject) => {
    onAbort = () => reject(new InterruptedError('stopped', String(signal.reason)));
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([work, stop]).finally(() => signal.removeEventListener('abort', onAbort));
}

function readOr(file: string, fallback: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return fallback;
  }
}
