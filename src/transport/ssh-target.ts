import path from 'node:path';
import { UsageError } from '../engine/errors.js';

/** Where and how to reach a remote directory: `--ssh USER@HOST:PATH` and its options. */
export interface SshTarget {
  /** `[user@]host`, as ssh takes it (an IPv6 host in brackets). */
  destination: string;
  /** The remote directory, absolute. */
  path: string;
  port: number;
  identity?: string;
  knownHosts?: string;
  sshfsOptions: string[];
}

/**
 * Parses `USER@HOST:PATH` (HOST may be `[IPv6]`) or `ssh://USER@HOST[:PORT]/PATH`; PATH must be
 * absolute. A destination ssh would read as an option (a leading `-`) is refused.
 */
export function parseSshTarget(
  text: string,
): Pick<SshTarget, 'destination' | 'path'> & { port?: number } {
  if (text.startsWith('ssh://')) return parseSshUrl(text);
  const match = /^((?:[^@:/\s]+@)?(?:\[[^\]]+\]|[^:[\]\s/]+)):(.*)$/.exec(text);
  if (!match) throw new UsageError(`--ssh ${JSON.stringify(text)} must be USER@HOST:PATH`);
  const [, destination, dir] = match;
  if (destination.startsWith('-')) {
    throw new UsageError(`--ssh ${JSON.stringify(text)}: a destination may not start with '-'`);
  }
  if (!dir.startsWith('/')) {
    throw new UsageError(
      `--ssh ${JSON.stringify(text)}: PATH must be absolute, as the server sees it`,
    );
  }
  return { destination, path: path.posix.normalize(dir) };
}

/** The user and the host of a destination, the host without brackets. */
export function splitDestination(destination: string): { user?: string; host: string } {
  const at = destination.lastIndexOf('@');
  const host = destination.slice(at + 1);
  return {
    user: at < 0 ? undefined : destination.slice(0, at),
    host: host.startsWith('[') ? host.slice(1, -1) : host,
  };
}

function parseSshUrl(text: string): Pick<SshTarget, 'destination' | 'path'> & { port?: number } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--ssh ${JSON.stringify(text)} must be ssh://USER@HOST[:PORT]/PATH`);
  }
  if (url.hostname === '' || url.pathname === '' || url.password !== '' || url.search !== '') {
    throw new UsageError(`--ssh ${JSON.stringify(text)} must be ssh://USER@HOST[:PORT]/PATH`);
  }
  const user = decodeURIComponent(url.username);
  if (user.startsWith('-') || url.hostname.startsWith('-')) {
    throw new UsageError(`--ssh ${JSON.stringify(text)}: a destination may not start with '-'`);
  }
  return {
    destination: `${user ? `${user}@` : ''}${url.hostname}`,
    path: path.posix.normalize(decodeURIComponent(url.pathname)),
    port: url.port === '' ? undefined : Number(url.port),
  };
}
