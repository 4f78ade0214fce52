import { UsageError } from '../engine/errors.js';
import { localSshEnvironment, proxyCommandLine, resolveSshConfig } from './ssh-config.js';
import type { FromConfig, JumpHost, SshConfig, SshEnvironment } from './ssh-config.js';
import { splitDestination } from './ssh-target.js';
import type { SshTarget } from './ssh-target.js';

/** One SSH server on the way to a target, resolved through the config as ssh resolves it. */
export interface Hop {
  /** `user@host` as given (the host may be a config alias): for messages. */
  name: string;
  /** A jump host (every hop but the last), or the target. */
  jump: boolean;
  config: SshConfig;
  /** The command line's key (--identity): one that cannot be used ends the run, as in ssh. */
  identity?: string;
  /** The known_hosts files to read: the user's, then the system-wide ones. */
  knownHosts: string[];
  /** Fingerprints the host key must have one of, instead of known_hosts: the target's only. */
  fingerprints?: string[];
  /** The ProxyCommand to speak SSH through, its tokens expanded: only when it is allowed. */
  proxyCommand?: FromConfig<string>;
  /** What the config asks that is not followed: for -v. */
  notes: string[];
}

/** Longer than any real chain: a ProxyJump that leads back to itself ends here. */
const MAX_HOPS = 10;

/**
 * The servers to pass through to reach `target`, the first jump host first and the target
 * last, as `ssh` would reach it: `--jump` (ssh -J) or else the config's ProxyJump. As ssh runs
 * `ssh -J a,…,y -W HOST:PORT z` for the last hop z, each hop is resolved through the config on
 * its own (its user, port, keys, known_hosts), with the hops before it in place of its own
 * ProxyJump; only the first hop's own ProxyJump or ProxyCommand is followed. Throws a
 * UsageError, before anything is sent, for a config that cannot be followed or a ProxyCommand
 * without `allowProxyCommand`.
 */
export function planRoute(target: SshTarget, environment?: SshEnvironment): Hop[] {
  const known = environment === undefined ? planned.get(target) : undefined;
  if (known !== undefined) return known;
  const { user, host } = splitDestination(target.destination);
  const jumps = target.jump?.length ? target.jump : undefined;
  const resolve = environment === undefined ? resolveHere : resolveSshConfig;
  const route = chain(
    target,
    { host, user, port: target.port },
    jumps,
    false,
    environment ?? localSshEnvironment(),
    resolve,
  );
  if (environment === undefined) planned.set(target, route);
  return route;
}

/**
 * Each target's route as planned from this machine's config, once a run: the front end plans
 * every target before anything is sent (a config that cannot be followed ends the run there),
 * and the connection follows that very plan; and each hop resolved once, however many targets
 * pass through it. Ten hosts behind a jump host, each planned twice, read and parsed the
 * config forty times, on the thread that then makes their handshakes (30 ms of the bench's
 * ten-host run in --cpu-prof, 12 ms now); now eleven times.
 */
const planned = new WeakMap<SshTarget, Hop[]>();
const resolved = new Map<string, SshConfig>();

const resolveHere: typeof resolveSshConfig = (request, configFile, environment) => {
  const key = JSON.stringify([request, configFile ?? null]);
  let config = resolved.get(key);
  if (config === undefined) {
    config = resolveSshConfig(request, configFile, environment);
    resolved.set(key, config);
  }
  return config;
};

function chain(
  target: SshTarget,
  host: JumpHost,
  jumps: JumpHost[] | undefined,
  jump: boolean,
  environment: SshEnvironment,
  resolve: typeof resolveSshConfig,
  depth = 1,
): Hop[] {
  if (depth > MAX_HOPS) {
    throw new UsageError(
      `reaching ${target.destination} takes more than ${MAX_HOPS} jump hosts: does a ` +
        `ProxyJump of the ssh config lead back to itself?`,
    );
  }
  const identity = jump ? (target.jumpIdentity ?? target.identity) : target.identity;
  const config = resolve(
    { ...host, identityFiles: identity === undefined ? [] : [identity] },
    target.sshConfig,
    environment,
  );
  const before = jumps ?? config.proxyJump;
  // A ProxyJump, given or from the config, stands in for the config's ProxyCommand, as in ssh.
  const hop = makeHop(target, config, identity, jump, before.length === 0);
  if (before.length === 0) return [hop];
  const last = before[before.length - 1];
  const earlier = before.length > 1 ? before.slice(0, -1) : undefined;
  return [...chain(target, last, earlier, true, environment, resolve, depth + 1), hop];
}

function makeHop(
  target: SshTarget,
  config: SshConfig,
  identity: string | undefined,
  jump: boolean,
  direct: boolean,
): Hop {
  const notes: string[] = [];
  const strict = config.strictHostKeyChecking;
  if (strict?.value === 'no' || strict?.value === 'accept-new') {
    notes.push(
      `StrictHostKeyChecking ${strict.value} (${strict.source}) is not followed: host keys ` +
        'are always checked',
    );
  }
  const command = direct ? config.proxyCommand : undefined;
  if (command !== undefined && !target.allowProxyCommand) {
    throw new UsageError(
      `${command.source}: ProxyCommand ${command.value} runs a command to reach ` +
        `${config.host}, which atomic-link does only when asked ` +
        `(${target.advise?.('allow-proxy-command') ?? 'pass --allow-proxy-command'})`,
    );
  }
  const fingerprints = jump ? undefined : target.hostKeyFingerprints;
  return {
    name: `${config.user}@${config.host}`,
    jump,
    config,
    identity,
    knownHosts: [
      ...(target.knownHosts === undefined ? config.userKnownHostsFiles : [target.knownHosts]),
      ...config.globalKnownHostsFiles,
    ],
    ...(fingerprints?.length ? { fingerprints } : {}),
    ...(command && { proxyCommand: { value: proxyCommandLine(config)!, source: command.source } }),
    notes,
  };
}
