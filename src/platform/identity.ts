import fs from 'node:fs';
import os from 'node:os';
import { sha256Hex } from './no-crypto.js';

/**
 * Who this run is, in terms another run can check. A pid means something only inside one pid
 * namespace of one boot of one machine: a container sharing the host's name (`--network host`)
 * has its own pid 1, 2, 3…, so host and pid alone would make a live holder look dead there.
 * `instance` names the boot and the pid namespace where the platform shows them (Linux /proc);
 * elsewhere it is the host name alone, and a holder is judged alive or dead by its pid only
 * when it is ours.
 */
export interface RunIdentity {
  host: string;
  instance: string;
  pid: number;
}

function readOrEmpty(read: () => string): string {
  try {
    return read().trim();
  } catch {
    return '';
  }
}

const HOST = os.hostname().replace(/[^A-Za-z0-9.-]/g, '') || 'host';
const BOOT = readOrEmpty(() => fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8'));
const PID_NAMESPACE = readOrEmpty(() => fs.readlinkSync('/proc/self/ns/pid'));

export const ME: RunIdentity = {
  host: HOST,
  instance: sha256Hex(`${HOST}\0${BOOT}\0${PID_NAMESPACE}`).slice(0, 12),
  pid: process.pid,
};

/**
 * True when `other` is provably gone: it ran where our pids are its pids, and that pid no
 * longer exists. Anything else (another machine, another container, a pid that exists,
 * perhaps reused) is not provably gone.
 */
export function isGone(other: { instance: string; pid: number }): boolean {
  if (other.instance !== ME.instance || other.pid === ME.pid) return false;
  try {
    process.kill(other.pid, 0);
    return false;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
