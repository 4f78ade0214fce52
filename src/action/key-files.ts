import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { atLastSignal } from '../platform/stop-signals.js';
import type { RemoteSettings } from './inputs.js';

export interface KeyFiles {
  dir: string;
  identity: string;
  knownHosts: string;
}

/**
 * The private key and known_hosts inputs as files in a fresh directory under RUNNER_TEMP (the
 * key 0600), for as long as `work` runs; removed on every way out: return, throw, a second stop
 * signal (a cancelled job's SIGTERM exits at once) or a crash. Only a SIGKILL leaves it, to the
 * runner, which empties RUNNER_TEMP after the job.
 */
export async function withKeyFiles<T>(
  settings: RemoteSettings,
  work: (keys: KeyFiles) => Promise<T>,
): Promise<T> {
  const dir = fs.mkdtempSync(path.join(process.env.RUNNER_TEMP || os.tmpdir(), 'atomic-link-'));
  const remove = () => fs.rmSync(dir, { recursive: true, force: true });
  const forget = atLastSignal(remove);
  const keys = { dir, identity: path.join(dir, 'id'), knownHosts: path.join(dir, 'known_hosts') };
  try {
    // ssh rejects a key file whose last line has no newline.
    fs.writeFileSync(keys.identity, settings.privateKey.trimEnd() + '\n', { mode: 0o600 });
    fs.writeFileSync(keys.knownHosts, settings.knownHosts.trimEnd() + '\n');
    return await work(keys);
  } finally {
    forget();
    remove();
  }
}
