import path from 'node:path';
import { UsageError } from '../engine/errors.js';
import type { JumpHost } from './ssh-config.js';

/**
 * Where and how to reach a remote directory: `--ssh USER@HOST:PATH` and its options. HOST is
 * resolved through the OpenSSH client configuration (ssh-route.ts); what is set here wins over
 * the config, as ssh's own options do.
 */
export interface SshTarget {
  /**
   * How the front end says to give an option (the CLI's long name) in advice, as
   * SwitchOptions.advise: `pass --allow-proxy-command` when absent.
   */
  advise?: (option: string) => string;
  /** `[user@]host`, as ssh takes it (an IPv6 host in brackets); host may be a config alias. */
  destination: string;
  /** The remote directory, absolute. */
  path: string;
  /** Unset: the config's Port, else 22. */
  port?: number;
  /** Tried before the config's IdentityFile; a key that cannot be used is an error. */
  identity?: string;
  /** Read instead of the config's UserKnownHostsFile (GlobalKnownHostsFile still counts). */
  knownHosts?: string;
  sshfsOptions: string[];
  /** A config file read instead of ~/.ssh/config and /etc/ssh/ssh_config, or `none` (ssh -F). */
  sshConfig?: string;
  /** The jump hosts, first first (ssh -J): replaces the config's ProxyJump. */
  jump?: JumpHost[];
  /** The key for the jump hosts instead of `identity` (each hop's config still counts). */
  jumpIdentity?: string;
  /** Runs a ProxyCommand of the config; without it one is refused (it runs a command). */
  allowProxyCommand?: boolean;
  /** Decrypts encrypted key files: `identity`, `jumpIdentity` and the config's. */
  passphrase?: string;
  /** `SHA256:…` fingerprints, one of which the host's key must have: known_hosts is not read. */
  hostKeyFingerprints?: string[];
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
  if (splitDestination(destination).host === '') {
    throw new UsageError(`--ssh ${JSON.stringify(text)} names no HOST`);
  }
  return { destination, path: path.posix.normalize(dir) };
}

/**
 * A host key fingerprint as `ssh-keygen -l` prints it: `SHA256:` and 43 base64 characters (a
 * trailing `=` allowed), without the `=`. Throws a UsageError naming `source`.
 */
export function parseFingerprint(text: string, source: string): string {
  const match = /^SHA256:([A-Za-z0-9+/]{43})=?$/.exec(text.trim());
  if (!match) {
    throw new UsageError(
      `${source} ${JSON.stringify(text)} must be SHA256:… as ssh-keygen -lf prints it ` +
        '(ssh-keyscan HOST | ssh-keygen -lf -)',
    );
  }
  return `SHA256:${match[1]}`;
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
    port: url.port === '' ? undefined : checkedPort(Number(url.port), text),
  };
}

/** The URL's parser takes 0 for a port; no server listens there. */
function checkedPort(port: number, text: string): number {
  if (port < 1) throw new UsageError(`--ssh ${JSON.stringify(text)}: port ${port} is not a port`);
  return port;
}
