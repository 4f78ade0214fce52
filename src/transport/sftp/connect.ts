import path from 'node:path';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { SFTPWrapper } from 'ssh2';
import { AtomicLinkError, InterruptedError, UpdateError } from '../../engine/errors.js';
import { planRoute } from '../ssh-route.js';
import { splitDestination } from '../ssh-target.js';
import type { SshTarget } from '../ssh-target.js';
import { approach, reach, untilStopped } from './hops.js';
import type { Approach, Link } from './hops.js';
import { startSftp } from './lookups.js';
import type { LookupChannel } from './lookups.js';
import type { Requests } from './watchdog.js';

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
  /**
   * A second channel, opened beside the first: the guard looks through it while the first
   * works, speaking SFTP on it itself (lookups.ts).
   */
  second: () => Promise<LookupChannel>;
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
 * Connects to the target, through its jump hosts or ProxyCommand if it has any (hops.ts), each
 * hop's host key checked before anything is sent to it and each logged in with its own keys,
 * and opens an SFTP channel. ssh2 is loaded here, so local runs never pay for it. `signal` ends
 * the connecting at once (an InterruptedError), and once connected has the watchdog stop
 * waiting for a silent server. Every way out of a failed connect leaves nothing behind that
 * keeps the process alive. A config that cannot be followed is a UsageError, before anything
 * is sent.
 */
export async function connect(target: SshTarget, signal?: AbortSignal): Promise<SshSession> {
  const route = planRoute(target);
  const { config } = route[route.length - 1];
  const { host } = splitDestination(target.destination);
  const where = `${config.user}@${target.destination.slice(target.destination.lastIndexOf('@') + 1)}:${target.path}`;
  const address =
    config.hostname === host ? `port ${config.port}` : `${config.hostname} port ${config.port}`;
  const stopped = () =>
    new InterruptedError(
      `stopped by ${signal?.reason} while connecting to ${where}; nothing was changed`,
      String(signal?.reason),
    );
  if (signal?.aborted) throw stopped();
  const failed = (error: Error, reason = error.message) => {
    if (error instanceof InterruptedError) return stopped();
    if (error instanceof AtomicLinkError) return error;
    return new UpdateError(
      `cannot connect to ${where} (${address}): ${reason}; nothing was changed`,
    );
  };
  let approached: Approach;
  try {
    approached = approach(route);
  } catch (error) {
    throw failed(error as Error);
  }
  let link: Link;
  try {
    // ssh2's poly1305 (emscripten output) reads CommonJS's __dirname, which this ES module
    // bundle lacks; it only builds a path to a file it never reads (its wasm is inline).
    const scope = globalThis as { __dirname?: string };
    scope.__dirname ??= path.dirname(fileURLToPath(import.meta.url));
    const { Client, utils, createAgent } = (await import('ssh2')).default;
    if (signal?.aborted) throw stopped();
    link = await reach(approached, {
      Client,
      keys: { parseKey: utils.parseKey, createAgent },
      passphrase: target.passphrase,
      advise: target.advise,
      signal,
    }).catch((error: Error) => {
      throw failed(error);
    });
  } finally {
    approached.drop();
  }
  const { client, watchdog, lost, notes } = link;
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
  const openLookups = async (name: string): Promise<LookupChannel> => {
    opening.sent();
    const asked = performance.now();
    const stream = await Promise.race([
      new Promise<Duplex>((resolve, reject) =>
        client.subsys('sftp', (error, stream) => (error ? reject(error) : resolve(stream))),
      ),
      lost,
    ]).finally(() => opening.done());
    // SFTP's INIT is awaited on that channel: left unanswered, that channel alone is closed.
    // Counted as the connection's, the stop's grace (or 10 s) closed the connection for it,
    // leaving the lock and the new links on the server though the switch's channel answered.
    const requests = watchdog.track(name);
    requests.sent();
    await Promise.race([
      new Promise<void>((resolve, reject) => {
        requests.hangUp = (reason, stoppedBy) => {
          stream.destroy();
          reject(stoppedBy ? new InterruptedError(reason, stoppedBy) : new Error(reason));
        };
        startSftp(stream).then(resolve, reject);
      }),
      lost,
    ]).finally(() => {
      requests.done();
      requests.hangUp = undefined;
    });
    return { stream, requests, openMs: performance.now() - asked };
  };
  const openedAt = performance.now();
  const opened = openChannel('the SFTP channel');
  // The guard's channel is asked for right behind the first, in the same round trips: opened
  // once the first was ready, its round trips (and the guard's first lookup) were the
  // last thing a fleet's hosts waited for before their switch (ten hosts through a jump host
  // at 10 ms a hop: up to 130 ms after their locks and new links were ready).
  const second = openLookups("the guard's SFTP channel");
  second.catch(() => undefined);
  const main = await untilStopped(opened, signal).catch((error: Error) => {
    link.close();
    const gone = link.ended();
    throw failed(
      error,
      gone
        ? `${gone.reason}, opening the SFTP channel`
        : `the server offers no SFTP (${error.message})`,
    );
  });
  // Three round trips (open the channel, start the subsystem, exchange versions): the measure
  // of the link the deadline scales with.
  watchdog.measured(performance.now() - openedAt);
  // ssh2 keeps the extensions of the server's version reply here, and checks them itself.
  const extensions = new Set(
    Object.keys((main.sftp as unknown as { _extensions: object })._extensions),
  );
  let held = false;
  // Each SFTP request is a packet of its own, and each packet a write: 100 lookups were 100
  // system calls (and as many segments for the network and the server to take in).
  const batchWrites = () => {
    if (held) return;
    held = true;
    for (const stream of link.streams) stream.cork();
    process.nextTick(() => {
      held = false;
      for (const stream of link.streams) stream.uncork();
    });
  };
  return {
    main,
    extensions,
    second: () => second,
    batchWrites,
    lost,
    ended: link.ended,
    notes,
    where,
    close: link.close,
  };
}
