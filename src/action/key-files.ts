import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UsageError } from '../engine/index.js';
import { atLastSignal } from '../platform/stop-signals.js';
import { planRoute } from '../transport/ssh-route.js';
import type { SshTarget } from '../transport/ssh-target.js';
import type { RemoteSettings } from './inputs.js';
import { adviseInput } from './inputs.js';

export interface KeyFiles {
  dir: string;
  identity: string;
  knownHosts: string;
  /** The `ssh-config` input's text, when it is given. */
  config?: string;
  /** The `ssh-jump-private-key` input, when it is given. */
  jumpIdentity?: string;
}

/**
 * The key, ssh config and known_hosts inputs as files in a fresh directory under RUNNER_TEMP
 * (keys and config 0600), for as long as `work` runs; removed on every way out: return, throw,
 * a second stop signal (a cancelled job's SIGTERM exits at once) or a crash. Only a SIGKILL
 * leaves it, to the runner, which empties RUNNER_TEMP after the job.
 */
export async function withKeyFiles<T>(
  settings: RemoteSettings,
  work: (keys: KeyFiles) => Promise<T>,
): Promise<T> {
  const dir = fs.mkdtempSync(path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'atomic-link-'));
  const remove = () => fs.rmSync(dir, { recursive: true, force: true });
  const forget = atLastSignal(remove);
  const keys: KeyFiles = {
    dir,
    identity: path.join(dir, 'id'),
    knownHosts: path.join(dir, 'known_hosts'),
    ...(settings.sshConfig !== '' && { config: path.join(dir, 'config') }),
    ...(settings.jumpPrivateKey !== '' && { jumpIdentity: path.join(dir, 'jump_id') }),
  };
  try {
    // ssh rejects a key file whose last line has no newline.
    const secret = (file: string | undefined, text: string) => {
      if (file !== undefined) fs.writeFileSync(file, text.trimEnd() + '\n', { mode: 0o600 });
    };
    secret(keys.identity, settings.privateKey);
    secret(keys.jumpIdentity, settings.jumpPrivateKey);
    secret(keys.config, settings.sshConfig);
    fs.writeFileSync(keys.knownHosts, settings.knownHosts.trimEnd() + '\n');
    return await work(keys);
  } finally {
    forget();
    remove();
  }
}

/** The SFTP target of each host, reached with the key files. */
export function sshTargets(settings: RemoteSettings, keys: KeyFiles): SshTarget[] {
  return settings.hosts.map(({ host, port }) => ({
    destination: `${settings.user}@${host.includes(':') ? `[${host}]` : host}`,
    path: settings.remotePath,
    ...(port !== undefined && { port }),
    identity: keys.identity,
    // Always this file, never the runner's own: it holds the jump hosts' keys too.
    knownHosts: keys.knownHosts,
    sshfsOptions: [],
    advise: adviseInput,
    ...(keys.config !== undefined && { sshConfig: keys.config }),
    ...(settings.jump.length > 0 && { jump: settings.jump }),
    ...(keys.jumpIdentity !== undefined && { jumpIdentity: keys.jumpIdentity }),
    ...(settings.passphrase !== undefined && { passphrase: settings.passphrase }),
    ...(settings.hostKeyFingerprints.length > 0 && {
      hostKeyFingerprints: settings.hostKeyFingerprints,
    }),
  }));
}

/**
 * Checks that every target can be reached as its config says, before any host is contacted;
 * a fault of the `ssh-config` input is named as the input's, not as its temporary file.
 */
export function checkRoutes(targets: SshTarget[], keys: KeyFiles): void {
  try {
    for (const target of targets) planRoute(target);
  } catch (error) {
    if (!(error instanceof UsageError) || keys.config === undefined) throw error;
    throw new UsageError(error.message.split(keys.config).join('input "ssh-config"'));
  }
}
