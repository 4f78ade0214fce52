import { spawnSync } from 'node:child_process';
import { UpdateError } from '../engine/errors.js';
import { UNCACHED_OPTIONS, mountSshfs, unmountFuse } from './local/sshfs-view.js';
import type { SshTarget } from './ssh-target.js';
import { atLastSignal } from '../platform/stop-signals.js';

/**
 * Host keys are always checked, and a dead server fails the run within seconds instead of
 * hanging it: BatchMode never prompts, and keep-alives notice a silent peer. These options win
 * over the ssh config, which ssh reads itself (the one named with -F, when one is).
 */
function sshOptions(target: SshTarget): string[] {
  const options = [
    'StrictHostKeyChecking=yes',
    'BatchMode=yes',
    'ConnectTimeout=10',
    'ServerAliveInterval=2',
    'ServerAliveCountMax=3',
  ];
  // As over SFTP: the file given replaces the user's known_hosts, the system-wide ones count.
  if (target.knownHosts) options.push(`UserKnownHostsFile=${target.knownHosts}`);
  if (target.identity) options.push(`IdentityFile=${target.identity}`, 'IdentitiesOnly=yes');
  return options;
}

/** The port and config file given, as both ssh and sshfs take them. */
function sshArgs(target: SshTarget): string[] {
  return [
    ...(target.port === undefined ? [] : ['-p', String(target.port)]),
    ...(target.sshConfig === undefined ? [] : ['-F', target.sshConfig]),
  ];
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
      ...sshArgs(target),
      '-o',
      options.map(escapeOption).join(','),
    ]);
  } catch (error) {
    throw new UpdateError(
      `cannot mount ${target.destination}:${target.path} with sshfs: ` +
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
    [...options, ...sshArgs(target), target.destination, '-s', 'sftp'],
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
 * or a second stop signal, which exits at once.
 */
export async function withRemoteMount<T>(
  target: SshTarget,
  work: (mountPoint: string) => Promise<T>,
): Promise<T> {
  const mountPoint = mountRemote(target);
  const forget = atLastSignal(() => unmountFuse(mountPoint));
  try {
    return await work(mountPoint);
  } finally {
    forget();
    unmountFuse(mountPoint);
  }
}
