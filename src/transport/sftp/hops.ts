import { spawn } from 'node:child_process';
import net from 'node:net';
import { Duplex } from 'node:stream';
import type { Writable } from 'node:stream';
import type { Client, ClientChannel, ConnectConfig } from 'ssh2';
import { InterruptedError } from '../../engine/errors.js';
import { readAtMost } from '../../platform/read-file.js';
import { atLastSignal } from '../../platform/stop-signals.js';
import type { Hop } from '../ssh-route.js';
import { identities } from './identities.js';
import type { Identities, KeyTools } from './identities.js';
import {
  blobType,
  fingerprintOf,
  hostKeyAlgorithms,
  hostKeysIn,
  judgeHostKey,
} from './known-hosts.js';
import { Watchdog } from './watchdog.js';

/** A dead server or network fails the run within seconds: 3 keep-alives 2 s apart unanswered. */
const KEEPALIVE_MS = 2000;
const KEEPALIVE_MISSES = 3;
/** The whole handshake (key exchange, host key check, login), unless ConnectTimeout says. */
const CONNECT_TIMEOUT_MS = 20000;

/** What every connection of a run is made with. */
export interface Reach {
  Client: new () => Client;
  keys: KeyTools;
  passphrase?: string;
  /** How the front end names an option in advice (SshTarget.advise). */
  advise?: (option: string) => string;
  /** The run's stop: ends a connect at once, and has the watchdog give up on a silent server. */
  signal?: AbortSignal;
}

export interface Ended {
  reason: string;
  /** Set when it was closed because a stop was asked and the server did not answer in time. */
  signal?: string;
}

/** One SSH connection, logged in. */
export interface Link {
  hop: Hop;
  client: Client;
  watchdog: Watchdog;
  /** Rejects when the connection is gone. */
  lost: Promise<never>;
  ended: () => Ended | undefined;
  /** What connecting passed over (known_hosts lines, key files) on every hop: for -v. */
  notes: string[];
  /** The connection's stream and those it is carried over, down to the socket. */
  streams: Writable[];
  /** Says goodbye and lets the process exit without waiting for the server's. */
  close: () => void;
}

/** What a connection is spoken over: a socket, a ProxyCommand, a jump host's channel. */
interface Transport {
  stream: Duplex;
  streams: Writable[];
  /** Drops it at once: a failure, or a server taken for hung. */
  destroy: () => void;
  /** Lets it go once the goodbye is written. */
  close: () => void;
  /** What the ProxyCommand said on stderr, if it said anything. */
  said?: () => string;
}

/** A route whose hops' host keys can be checked, its first hop's connection perhaps opening. */
export interface Approach {
  route: Hop[];
  checks: HostKeyCheck[];
  /** Closes the first hop's connection if nobody took it (the connect failed before). */
  drop: () => void;
}

/**
 * First connections opened early, by the hop they reach (see leaseKey), until taken: one a hop,
 * as the jump host's connection is one for the run.
 */
const opening = new Map<string, net.Socket>();

/**
 * Reads the known hosts of every hop of `route` (a hop that cannot be checked fails here,
 * before any connection is opened), then opens the first hop's connection at once, unless one
 * is open or opening already: ssh2 takes 60 to 80 ms to load, in which the server starts its
 * session and sends its greeting (sshd took 20 to 40 ms here, through a 10 ms proxy). Nothing
 * is sent on it before reach() has checked the keys to log in with.
 */
export function approach(route: Hop[]): Approach {
  const checks = route.map(hostKeyCheck);
  const first = route[0];
  const key = leaseKey([first]);
  if (first.proxyCommand || shared.has(key) || opening.has(key)) {
    return { route, checks, drop: () => undefined };
  }
  const socket = net.connect({ host: first.config.hostname, port: first.config.port });
  // Until ssh2 takes it: a failure is then met again, and said, by a connection of its own.
  socket.on('error', () => undefined);
  opening.set(key, socket);
  return {
    route,
    checks,
    drop: () => {
      if (opening.get(key) !== socket) return;
      opening.delete(key);
      socket.destroy();
    },
  };
}

/**
 * Connects to the last hop of the route through the others, each hop's host key checked and
 * each logged in on its own. A jump host is shared: routes that pass through the same hops in
 * one run use one connection to them, closed when the last of its users closes. Keys of every
 * hop are read before anything is sent, so a hop that cannot be logged in to fails the run
 * first. Every way out of a failed connect leaves nothing behind (sockets, commands, timers)
 * that keeps the process alive.
 */
export async function reach({ route, checks }: Approach, run: Reach): Promise<Link> {
  const prepared = route.map((hop, index) => ({
    hop,
    check: checks[index],
    login: identities(hop, run.passphrase, run.keys, run.advise),
  }));
  return reachFrom(prepared, run);
}

/** A hop with its host key check and its ways to log in, read before anything is sent. */
interface Prepared {
  hop: Hop;
  check: HostKeyCheck;
  login: Identities;
}

async function reachFrom(route: Prepared[], run: Reach): Promise<Link> {
  const last = route[route.length - 1];
  if (route.length === 1) {
    return logIn(
      last,
      last.hop.proxyCommand ? commandTransport(last.hop) : socketTransport(last.hop),
      run,
    );
  }
  const { link: jump, release } = await lease(route.slice(0, -1), run);
  let transport: Transport;
  try {
    transport = await forwarded(jump, last.hop, release, run);
  } catch (error) {
    release();
    throw error;
  }
  const link = await logIn(last, transport, run);
  return {
    ...link,
    notes: [...jump.notes, ...link.notes],
    // The connection ends with the jump host's: why that one ended is the news.
    ended: () => {
      const own = link.ended();
      const under = jump.ended();
      if (own === undefined || under === undefined) return own;
      return { ...own, reason: `${own.reason} (the jump host ${jump.hop.name}: ${under.reason})` };
    },
  };
}

/** The jump hosts' connections of this run, by the hops they pass: shared, counted. */
const shared = new Map<string, { link: Promise<Link>; users: number }>();

/** What tells the connections to the last of `route` one from another. */
function leaseKey(route: Hop[]): string {
  return JSON.stringify(
    route.map((hop) => [hop.config, hop.knownHosts, hop.identity, hop.proxyCommand]),
  );
}

/** A connection to the last of `route`, shared with every other user of the same hops. */
async function lease(route: Prepared[], run: Reach): Promise<{ link: Link; release: () => void }> {
  const key = leaseKey(route.map(({ hop }) => hop));
  let entry = shared.get(key);
  if (entry === undefined) {
    const created = { link: reachFrom(route, run), users: 0 };
    const forget = () => {
      if (shared.get(key) === created) shared.delete(key);
    };
    // A lost connection is not handed out again: the next user makes a new one.
    created.link.then((link) => link.lost.catch(forget), forget);
    shared.set(key, created);
    entry = created;
  }
  const mine = entry;
  mine.users++;
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    if (--mine.users > 0) return;
    if (shared.get(key) === mine) shared.delete(key);
    mine.link.then(
      (link) => link.close(),
      () => undefined,
    );
  };
  try {
    return { link: await untilStopped(mine.link, run.signal), release };
  } catch (error) {
    release();
    throw error;
  }
}

/**
 * Logs in over `transport`: the host key checked before anything is sent on the connection,
 * then each way of logging in tried in turn. Rejects with an Error that says why, in words about
 * `hop` (an InterruptedError when stopped); the transport is destroyed then.
 */
async function logIn(
  { hop, check, login }: Prepared,
  transport: Transport,
  run: Reach,
): Promise<Link> {
  const { config } = hop;
  const notes = [...hop.notes, ...check.notes, ...login.skipped];
  const client = new run.Client();
  // ssh2 may emit more than one error (a failed handshake, then the socket): each is reported
  // where it is awaited; an unheard one must not end the process.
  client.on('error', () => undefined);
  let hostKeyProblem: string | undefined;
  let ended: Ended | undefined;
  const watchdog = new Watchdog((reason, by) => {
    ended ??= { reason, signal: by };
    transport.destroy();
  }, run.signal);
  const keepalive = config.serverAliveInterval > 0;
  const connectConfig: ConnectConfig = {
    sock: transport.stream,
    username: config.user,
    readyTimeout: config.connectTimeout ? config.connectTimeout * 1000 : CONNECT_TIMEOUT_MS,
    keepaliveInterval: keepalive ? config.serverAliveInterval * 1000 : KEEPALIVE_MS,
    keepaliveCountMax: keepalive ? config.serverAliveCountMax : KEEPALIVE_MISSES,
    ...(check.algorithms && { algorithms: { serverHostKey: check.algorithms as never } }),
    hostVerifier: (key: Buffer) => {
      hostKeyProblem = check.judge(key);
      return hostKeyProblem === undefined;
    },
    authHandler: login.authHandler,
  };
  const handshake = new Promise<void>((resolve, reject) => {
    client.once('ready', () => resolve());
    client.on('error', (error: Error & { level?: string }) => {
      // The agent failing is one method failing: the next is tried.
      if (error.level === 'agent') notes.push(`the agent could not be used: ${error.message}`);
      else reject(error);
    });
    client.once('close', () => reject(new Error('the connection closed during the handshake')));
    client.connect(connectConfig);
  });
  try {
    await untilStopped(handshake, run.signal);
  } catch (error) {
    watchdog.stop();
    transport.destroy();
    if (error instanceof InterruptedError) throw error;
    const said = transport.said?.();
    const reason =
      hostKeyProblem ??
      (/authentication methods failed/.test((error as Error).message)
        ? `the server accepted no identity (tried ${login.tried.join(', ')})` +
          login.skipped.map((skip) => `; ${skip}`).join('')
        : (error as Error).message) +
        (said ? `; the ProxyCommand (${hop.proxyCommand?.source}) said: ${said}` : '');
    throw new Error(aboutHop(hop, reason));
  }
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
  return {
    hop,
    client,
    watchdog,
    lost,
    ended: () => ended,
    notes: hop.jump ? notes.map((note) => `the jump host ${hop.name}: ${note}`) : notes,
    streams: transport.streams,
    close: () => {
      watchdog.stop();
      client.end();
      transport.close();
    },
  };
}

/** A reason about `hop`, as the target's connect message takes it. */
function aboutHop(hop: Hop, reason: string): string {
  if (!hop.jump) return reason;
  return `the jump host ${hop.name} (${hop.config.hostname} port ${hop.config.port}): ${reason}`;
}

/**
 * Our own socket, so that writes can be held and sent together (batchWrites), and so that
 * every way out can destroy it: ssh2 never learns of it when its config is refused.
 */
function socketTransport(hop: Hop): Transport {
  const key = leaseKey([hop]);
  const early = opening.get(key);
  opening.delete(key);
  const socket =
    early !== undefined && !early.destroyed
      ? early
      : net.connect({ host: hop.config.hostname, port: hop.config.port });
  // ssh2 writes a packet in several pieces; with Nagle's algorithm on, each piece after the
  // first waits for the server's delayed ACK (40 ms on Linux), at every round trip.
  socket.setNoDelay(true);
  wholePackets(socket);
  return {
    stream: socket,
    streams: [socket],
    destroy: () => socket.destroy(),
    // Everything is said once the goodbye is written: the process need not wait for the
    // server's, a round trip and sshd's teardown later (15 to 35 ms through a jump host at 10 ms
    // a hop), for which ssh2 held it with its keep-alive timer until the socket closed. Closing
    // the socket closes every channel carried on it: the connections through it end with it.
    close: () => {
      socket.unref();
      socket.end(() => socket.destroy());
    },
  };
}

/**
 * The hop's ProxyCommand, run as ssh runs it (`exec COMMAND` by the shell), SSH spoken over its
 * stdin and stdout. It runs in a process group of its own, which every way out ends (SIGHUP, as
 * ssh ends it), a second stop signal or a crash included.
 */
function commandTransport(hop: Hop): Transport {
  const child = spawn('/bin/sh', ['-c', `exec ${hop.proxyCommand?.value}`], {
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  let said = '';
  child.stderr.on('data', (chunk: Buffer) => {
    said = (said + chunk.toString()).slice(-4000);
  });
  // A command that cannot start, or ends, is seen by ssh2 as the stream ending.
  child.on('error', () => undefined);
  const stream = Duplex.from({ readable: child.stdout, writable: child.stdin });
  const end = () => {
    forget();
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGHUP');
    } catch {
      // It has ended already.
    }
    child.unref();
    for (const pipe of [child.stdin, child.stdout, child.stderr]) pipe.destroy();
  };
  const forget = atLastSignal(end);
  return {
    stream,
    streams: [stream],
    destroy: end,
    close: end,
    said: () => said.trim().split('\n').slice(-2).join(' '),
  };
}

/**
 * A channel from the jump host to `hop` (direct-tcpip, as `ssh -W`): the jump host connects to
 * the hop's HostName and Port as it resolves them. `release` lets the jump host go when the
 * channel is closed.
 */
async function forwarded(
  jump: Link,
  hop: Hop,
  release: () => void,
  run: Reach,
): Promise<Transport> {
  const { hostname, port } = hop.config;
  const opening = jump.watchdog.track(`the jump host's channel to ${hostname} port ${port}`);
  opening.sent();
  const channel = await untilStopped(
    Promise.race([
      new Promise<ClientChannel>((resolve, reject) =>
        jump.client.forwardOut('127.0.0.1', 0, hostname, port, (error, stream) =>
          error ? reject(error) : resolve(stream),
        ),
      ),
      jump.lost,
    ]).finally(() => opening.done()),
    run.signal,
  ).catch((error: Error) => {
    if (error instanceof InterruptedError) throw error;
    throw new Error(
      aboutHop(
        jump.hop,
        `it could not open a channel to ${hostname} port ${port} (${error.message})`,
      ),
    );
  });
  // A channel writes each write in a packet of its own: pieces held together go as one.
  const gathering = channel as ClientChannel & { _writev?: Writable['_writev'] };
  gathering._writev = (chunks, callback) =>
    channel._write(
      Buffer.concat(chunks.map(({ chunk }) => chunk as Buffer)),
      'buffer' as BufferEncoding,
      callback,
    );
  wholePackets(channel);
  return {
    stream: channel,
    streams: [channel, ...jump.streams],
    destroy: () => {
      channel.destroy();
      release();
    },
    close: release,
  };
}

/**
 * Has `stream` take each SSH packet ssh2 writes to it in one write. Without its native binding
 * (npm here runs no install scripts), ssh2 writes a packet in three pieces: its length, its
 * body, its MAC. On a socket that was three system calls a packet; through a jump host, three
 * channel packets, each encrypted and written in three pieces in turn: nine system calls and
 * four encryptions for one lookup (7,260 writes in a run on ten hosts; 869 now). A packet
 * begins with its 4-byte length, and no other piece is 4 bytes long (a packet is at least 16):
 * what was held goes when the next packet begins, the last at the end of the event loop's
 * turn, so that each packet (each of the guard's lookups) still leaves on its own.
 */
function wholePackets(stream: Writable): void {
  const write = stream.write;
  let holding = false;
  let flushing = false;
  const flush = () => {
    flushing = false;
    if (!holding) return;
    holding = false;
    stream.uncork();
  };
  stream.write = function (this: Writable, ...args: unknown[]) {
    if ((args[0] as Buffer).length === 4) flush();
    if (!holding) {
      holding = true;
      stream.cork();
    }
    if (!flushing) {
      flushing = true;
      process.nextTick(flush);
    }
    return (write as (...args: unknown[]) => boolean).apply(this, args);
  } as Writable['write'];
}

/** How a hop's host key is judged: known_hosts as ssh reads it, or the fingerprints given. */
interface HostKeyCheck {
  /** The host key algorithms to ask for, in order; none: ssh2's own. */
  algorithms?: string[];
  /** Why the key is refused, or undefined when it is accepted. */
  judge: (blob: Buffer) => string | undefined;
  notes: string[];
}

/**
 * The hop's host key check, from its known_hosts files or its fingerprints. A host with no key
 * that can be checked is refused here, before anything is sent.
 */
function hostKeyCheck(hop: Hop): HostKeyCheck {
  const { config, fingerprints } = hop;
  // As ssh looks a host up: under HostKeyAlias alone, or its name with the port unless 22.
  const name = config.hostKeyAlias ?? config.hostname;
  const port = config.hostKeyAlias === undefined ? config.port : 22;
  const label = port === 22 ? name : `[${name}]:${port}`;
  if (fingerprints !== undefined) {
    return {
      judge: (blob) =>
        fingerprints.includes(fingerprintOf(blob))
          ? undefined
          : `the host key of ${label} (${blobType(blob)} ${fingerprintOf(blob)}) has none of ` +
            `the fingerprints given (${fingerprints.join(', ')})`,
      notes: [],
    };
  }
  const files = hop.knownHosts.flatMap((file) => {
    const text = readIfThere(file);
    return text === undefined ? [] : [{ file, text }];
  });
  const known = hostKeysIn(files, name, port);
  const notes = known.skipped.map((line) => `${line}: passed over`);
  const read = files.map(({ file }) => file);
  const where =
    read.length > 0 ? read.join(', ') : `any known_hosts file (${hop.knownHosts.join(', ')})`;
  if (known.keys.length === 0) {
    throw new Error(aboutHop(hop, unknownHost(label, where, known.revoked, notes)));
  }
  return {
    algorithms: hostKeyAlgorithms(known.keys),
    judge: (blob) => {
      const verdict = judgeHostKey(known, blob);
      if (verdict === 'accepted') return undefined;
      return verdict === 'revoked'
        ? `the host key of ${label} is marked @revoked in ${where}`
        : `the host key of ${label} does not match ${where} (changed, or another host)`;
    },
    notes,
  };
}

/** Why a host with no usable key in known_hosts is refused before anything is sent. */
function unknownHost(host: string, where: string, revoked: Buffer[], notes: string[]): string {
  const passedOver = notes.map((note) => `; ${note}`).join('');
  if (revoked.length > 0)
    return `${host} has only @revoked keys in ${where}, so nothing was sent${passedOver}`;
  return (
    (notes.length > 0
      ? `${host} has no key in ${where} that this client can check`
      : `${host} is not in ${where}: its host key cannot be checked`) +
    `, so nothing was sent; add its line (ssh-keyscan, checked out of band)${passedOver}`
  );
}

/** `work`, or an InterruptedError as soon as `signal` asks for a stop. */
export function untilStopped<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return work;
  let onAbort = () => undefined as void;
  const stop = new Promise<never>((_, reject) => {
    onAbort = () => reject(new InterruptedError('stopped', String(signal.reason)));
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([work, stop]).finally(() => signal.removeEventListener('abort', onAbort));
}

/** Larger than any known_hosts file: /dev/zero, or a device, is passed over as unreadable. */
const KNOWN_HOSTS_LIMIT = 64 * 1024 * 1024;

/**
 * A known_hosts file's text, or undefined when it cannot be read (as ssh passes over a missing
 * one) or is larger than any known_hosts file (/dev/zero).
 */
function readIfThere(file: string): string | undefined {
  try {
    return readAtMost(file, KNOWN_HOSTS_LIMIT)?.toString('utf8');
  } catch {
    return undefined;
  }
}
