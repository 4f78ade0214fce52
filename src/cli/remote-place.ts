import fs from 'node:fs';
import path from 'node:path';
import { UsageError, describeError } from '../engine/index.js';
import type { Place } from '../transport/open-store.js';
import { parseJumpHost } from '../transport/ssh-config.js';
import { planRoute } from '../transport/ssh-route.js';
import { parseFingerprint, parseSshTarget } from '../transport/ssh-target.js';
import type { SshTarget } from '../transport/ssh-target.js';
import type { OptionValues as Values } from './options.js';

/**
 * Where --ssh leads: one server over SFTP or sshfs, or a fleet; the ssh config is read here.
 * Loaded only when --ssh is given, so that a local run does not load the ssh config's
 * resolver.
 */
export function remotePlace(
  values: Values & { ssh: string[] },
  cwd: string,
  env: Record<string, string | undefined>,
): Place {
  if (values['sshfs-option'] !== undefined && !values.sshfs) {
    throw new UsageError('--sshfs-option goes with --sshfs (without it, SFTP is spoken directly)');
  }
  const port = values['ssh-port'] === undefined ? undefined : Number(values['ssh-port']);
  if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) {
    throw new UsageError(`--ssh-port ${JSON.stringify(values['ssh-port'])} must be a port number`);
  }
  const common = {
    identity: readableFile(values.identity, '--identity', cwd),
    knownHosts: readableFile(values['known-hosts'], '--known-hosts', cwd),
    sshfsOptions: values['sshfs-option'] ?? [],
    ...reachOptions(values, cwd, env),
  };
  if (values.sshfs) refuseWithSshfs(common);
  const targets = values.ssh.map((text): SshTarget => {
    const { port: own, ...where } = parseSshTarget(text);
    return { ...where, port: own ?? port, ...common };
  });
  // The ssh config is read now, so that what cannot be followed ends the run before anything
  // is sent to any host.
  for (const target of targets) planRoute(target);
  if (targets.length === 1) return { kind: values.sshfs ? 'sshfs' : 'sftp', target: targets[0] };
  if (values.sshfs)
    throw new UsageError('--sshfs takes one --ssh: many hosts are switched over SFTP');
  const maxHosts = Number(values['max-hosts'] ?? '16');
  if (!Number.isInteger(maxHosts) || maxHosts < 1) {
    throw new UsageError(
      `--max-hosts ${JSON.stringify(values['max-hosts'])} must be a whole number, 1 or more`,
    );
  }
  return { kind: 'fleet', targets, maxHosts };
}

/** The passphrase's variable: a secret is never taken from the command line, which others see. */
const PASSPHRASE_VARIABLE = 'ATOMIC_LINK_SSH_PASSPHRASE';

/** How the hosts are reached beyond the key and known_hosts: the ssh config, jumps, secrets. */
function reachOptions(
  values: Values,
  cwd: string,
  env: Record<string, string | undefined>,
): Omit<SshTarget, 'destination' | 'path' | 'sshfsOptions'> {
  const config = values['ssh-config'];
  // As ssh -F takes it: a named file is read whoever owns it (only the default ones are checked).
  const sshConfig =
    config?.toLowerCase() === 'none' ? config : readableFile(config, '--ssh-config', cwd);
  const jump = (values.jump ?? []).flatMap((text) =>
    text.split(',').map((spec) => parseJumpHost(spec, `--jump ${JSON.stringify(text)}`)),
  );
  const passphrase =
    values['passphrase-file'] === undefined
      ? env[PASSPHRASE_VARIABLE] || undefined
      : readPassphrase(readableFile(values['passphrase-file'], '--passphrase-file', cwd)!);
  const fingerprints = values['host-key-fingerprint']?.map((text) =>
    parseFingerprint(text, '--host-key-fingerprint'),
  );
  return {
    ...(sshConfig !== undefined && { sshConfig }),
    ...(jump.length > 0 && { jump }),
    ...(values['jump-identity'] !== undefined && {
      jumpIdentity: readableFile(values['jump-identity'], '--jump-identity', cwd),
    }),
    ...(values['allow-proxy-command'] && { allowProxyCommand: true }),
    ...(passphrase !== undefined && { passphrase }),
    ...(fingerprints !== undefined && { hostKeyFingerprints: fingerprints }),
  };
}

/** The passphrase file's first line, as a passphrase prompt would take it. */
function readPassphrase(file: string): string {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--passphrase-file ${file}: ${describeError(error)}`);
  }
  const [line] = text.split(/\r?\n/);
  if (line === '') throw new UsageError(`--passphrase-file ${file}: its first line is empty`);
  return line;
}

/**
 * sshfs runs ssh, which reads the ssh config itself. What ssh cannot be handed is refused
 * rather than left unused: a passphrase, a fingerprint, and jump hosts of the command line
 * (ssh logs in to those without the options it was given: its key, its known_hosts).
 */
function refuseWithSshfs(target: Omit<SshTarget, 'destination' | 'path'>): void {
  const refusals: [unknown, string][] = [
    [
      target.jump ?? target.jumpIdentity,
      '--jump and --jump-identity: ssh would log in to the jump host without --identity and ' +
        '--known-hosts; a ProxyJump of the ssh config works, ssh follows it itself',
    ],
    [
      target.passphrase,
      `a passphrase (--passphrase-file, ${PASSPHRASE_VARIABLE}): ssh asks for one only at a ` +
        'terminal; add the key to an agent (ssh-add) instead',
    ],
    [
      target.hostKeyFingerprints,
      '--host-key-fingerprint: ssh checks host keys against known_hosts only; give --known-hosts',
    ],
  ];
  const refused = refusals.find(([given]) => given !== undefined);
  if (refused) throw new UsageError(`--sshfs cannot take ${refused[1]}`);
}

function readableFile(file: string | undefined, option: string, cwd: string): string | undefined {
  if (file === undefined) return undefined;
  const absolute = path.resolve(cwd, file);
  try {
    fs.accessSync(absolute, fs.constants.R_OK);
  } catch (error) {
    throw new UsageError(
      `${option} ${absolute}: ${describeError(error)}${whyDenied(error, absolute)}`,
    );
  }
  return absolute;
}

/**
 * Why a file cannot be read, when it is another user's, private: most often a key (0600)
 * handed to the image, which runs as its own user, not as the key's owner.
 */
function whyDenied(error: unknown, file: string): string {
  const uid = process.getuid?.();
  if ((error as NodeJS.ErrnoException).code !== 'EACCES' || uid === undefined) return '';
  let stats: fs.Stats;
  try {
    stats = fs.statSync(file);
  } catch {
    // Its directory is closed to us: nothing more can be told.
    return '';
  }
  if (stats.uid === uid) return '';
  return (
    `: it belongs to uid ${stats.uid} (mode ${(stats.mode & 0o777).toString(8).padStart(4, '0')}), ` +
    `and atomic-link runs as uid ${uid}; in a container, run it as the file's owner: ` +
    `docker run --user "$(id -u)" ...`
  );
}
