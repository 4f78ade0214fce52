import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import {
  UNCACHED_OPTIONS,
  UpdateError,
  UsageError,
  mountSshfs,
  unmountFuse,
} from '../engine/index.js';

/** Where and how to reach a remote directory: `--ssh USER@HOST:PATH` and its options. */
export interface SshTarget {
  /** `[user@]host`, as ssh takes it. */
  destination: string;
  /** The remote directory, absolute. */
  path: string;
  port: number;
  identity?: string;
  knownHosts?: string;
  sshfsOptions: string[];
}

/** Parses `USER@HOST:PATH` (HOST may be `[IPv6]`); PATH must be absolute. */
export function parseSshTarget(text: string): Pick<SshTarget, 'destination' | 'path'> {
  const match = /^((?:[^@:/\s]+@)?(?:\[[^\]]+\]|[^:[\]\s/]+)):(.*)$/.exec(text);
  if (!match) throw new UsageError(`--ssh ${JSON.stringify(text)} must be USER@HOST:PATH`);
  const [, destination, dir] = match;
  if (!dir.startsWith('/')) {
    throw new UsageError(
      `--ssh ${JSON.stringify(text)}: PATH must be absolute, as the server sees it`,
    );
  }
  return { destination, path: path.posix.normalize(dir) };
}

/**
 * Host keys are always checked, and a dead server fails the run within seconds instead of
 * hanging it: BatchMode never prompts, and keep-alives notice a silent peer.
 */
function sshOptions(target: SshTarget): string[] {
  const options = [
    'StrictHostKeyChecking=yes',
    'BatchMode=yes',
    'ConnectTimeout=10',
    'ServerAliveInterval=2',
    'ServerAliveCountMax=3',
  ];
  if (target.knownHosts) {
    options.push(`UserKnownHostsFile=${target.knownHosts}`, 'GlobalKnownHostsFile=/dev/null');
  }
  if (target.identity) options.push(`IdentityFile=${target.identity}`, 'IdentitiesOnly=yes');
  return options;
}

/** A comma inside a FUSE `-o` value must be escaped, or it splits the option. */
const escapeOption = (option: string) => option.replace(/\\/g, '\\\\').replace(/,/g, '\\,');

/** Mounts the remote directory on a private mount point and returns that mount point. */
export function mountRemote(target: SshTarget): string {
  // Uncached: what the switch reads (the links' state, their targets) is the server's truth.
  const options = [...sshOptions(target), ...UNCACHED_OPTIONS, ...target.sshfsOptions];
  try {
    return mountSshfs((mountPoint) => [
      `${target.destination}:${target.path}`,
      mountPoint,
      '-p',
      String(target.port),
      '-o',
      options.map(escapeOption).join(','),
    ]);
  } catch (error) {
    throw new UpdateError(
      `cannot mount ${target.destination}:${target.path} (port ${target.port}) with sshfs: ` +
        `${sshDiagnosis(target) || (error as Error).message}; nothing was changed`,
    );
  }
}

/**
 * sshfs swallows ssh's own messages ("Host key verification failed."), so after a failed mount
 * the same connection is tried once with ssh alone, to say why.
 */
function sshDiagnosis(target: SshTarget): string {
  const options = sshOptions(target).flatMap((option) => ['-o', option]);
  const result = spawnSync(
    'ssh',
    [...options, '-p', String(target.port), target.destination, '-s', 'sftp'],
    { input: '', encoding: 'utf8', timeout: 20000 },
  );
  const lines = (result.stderr ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  return lines.slice(-2).join(' ').replace(/\.$/, '');
}

/**
 * Runs `work` on the mounted remote directory and unmounts it on every way out: return, throw,
 * or a signal. A first SIGINT, SIGTERM or SIGHUP lets the run end cleanly (a batch of renames
 * is never stopped halfway, the lock is released, the mount removed), then exits with 128+N;
 * a second one unmounts and exits at once.
 */
export async function withRemoteMount<T>(
  target: SshTarget,
  work: (mountPoint: string) => Promise<T>,
): Promise<T> {
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  let interrupted: NodeJS.Signals | undefined;
  let mountPoint: string | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted === undefined) {
      interrupted = signal;
      return;
    }
    if (mountPoint) unmountFuse(mountPoint);
    process.exit(128 + os.constants.signals[signal]);
  };
  for (const signal of signals) process.on(signal, onSignal);
  try {
    mountPoint = mountRemote(target);
    if (interrupted) throw new UpdateError(`stopped by ${interrupted}; nothing was changed`);
    return await work(mountPoint);
  } finally {
    if (mountPoint) unmountFuse(mountPoint);
    for (const signal of signals) process.off(signal, onSignal);
    if (interrupted) process.exit(128 + os.constants.signals[interrupted]);
  }
}
