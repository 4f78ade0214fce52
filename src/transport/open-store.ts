import path from 'node:path';
import { UpdateError } from '../engine/index.js';
import type { FleetMember, LinkSpec, LinkStore, SwitchOptions } from '../engine/index.js';
import { LOCAL_UNSUPPORTED } from '../platform/filesystems.js';
import { LocalStore } from './local/local-store.js';
import type { SshTarget } from './ssh-target.js';

/**
 * Where the links are: this machine (or a volume mounted on it), a server spoken to over SFTP,
 * or a server mounted with sshfs for the run.
 */
export type Place =
  | { kind: 'local' }
  | { kind: 'sftp'; target: SshTarget }
  | { kind: 'sshfs'; target: SshTarget }
  | { kind: 'fleet'; targets: SshTarget[]; maxHosts: number };

export type OnePlace = Exclude<Place, { kind: 'fleet' }>;

/**
 * Opens the store for `place`, runs `work` on it with the options made right for it (remote
 * LINKs are read from the remote directory and must stay in it), and closes it on every way
 * out. The SFTP store, and ssh2 with it, and the sshfs mount are loaded only when asked for.
 */
export async function withStore<T>(
  place: OnePlace,
  specs: LinkSpec[],
  options: SwitchOptions,
  work: (store: LinkStore, options: SwitchOptions) => Promise<T>,
): Promise<T> {
  const guard = options.guard !== false;
  if (place.kind !== 'sftp' && LOCAL_UNSUPPORTED) throw new UpdateError(LOCAL_UNSUPPORTED);
  if (place.kind === 'local') return using(new LocalStore({ guard }), options, work);
  if (place.kind === 'sshfs') {
    const { withRemoteMount } = await import('./sshfs-mount.js');
    return withRemoteMount(place.target, (mountPoint) =>
      using(new LocalStore({ guard }), inside(mountPoint, options), work),
    );
  }
  const { SftpStore } = await import('./sftp/sftp-store.js');
  const hardLinks = specs.some((spec) => spec.type === 'hard');
  const store = await SftpStore.open(place.target, { hardLinks, signal: options.signal });
  return using(store, inside(place.target.path, options), work);
}

function inside(root: string, options: SwitchOptions): SwitchOptions {
  return { ...options, cwd: path.posix.resolve(root, options.cwd), root };
}

async function using<T>(
  store: LinkStore,
  options: SwitchOptions,
  work: (store: LinkStore, options: SwitchOptions) => Promise<T>,
): Promise<T> {
  try {
    return await work(store, options);
  } finally {
    await store.close();
  }
}

/** The hosts of a fleet, each opened over SFTP when its turn comes, with its own paths. */
export function fleetMembers(
  targets: SshTarget[],
  specs: LinkSpec[],
  options: SwitchOptions,
): FleetMember[] {
  const hardLinks = specs.some((spec) => spec.type === 'hard');
  return targets.map((target) => ({
    host: `ssh://${target.destination}${target.port === undefined ? '' : `:${target.port}`}${target.path}`,
    options: inside(target.path, options),
    open: async () => {
      const { SftpStore } = await import('./sftp/sftp-store.js');
      return SftpStore.open(target, { hardLinks, signal: options.signal });
    },
  }));
}
