import fs from 'node:fs';
import path from 'node:path';
import * as core from '@actions/core';
import {
  MIN_LOCK_TIMEOUT_SECONDS,
  UsageError,
  checkSpec,
  describeError,
  parseLinkLines,
  parseSpecText,
} from '../engine/index.js';
import type { LinkSpec, ProbeMode, SwitchOptions } from '../engine/index.js';
import { parseJumpHost } from '../transport/ssh-config.js';
import type { JumpHost } from '../transport/ssh-config.js';
import { parseFingerprint } from '../transport/ssh-target.js';
import { OPTIONS } from '../cli/options.js';
import type { OptionDefinition } from '../cli/options.js';

export interface ActionSettings {
  /** With `rollback`, LINKs alone (LinkSpec.rollback); with `status`, LINKs to read. */
  specs: LinkSpec[];
  /** `status: true`: read the links and their backups, change nothing. */
  status: boolean;
  /** `history: N`, for the container's CLI, which names numbered backups itself. */
  keepBackups?: number;
  /** With `ssh-host`, `cwd` is relative to `remote.remotePath`. */
  options: SwitchOptions;
  /** Set when `ssh-host` is: the links are on that host. */
  remote?: RemoteSettings;
}

export interface RemoteSettings {
  /** Run the action's image (or `image`) instead of switching from the runner over SFTP. */
  container: boolean;
  /** Mount remote-path with sshfs (container mode) instead of speaking SFTP. */
  sshfs: boolean;
  /** One host, or a fleet switched as one (SFTP from the runner only); no port: the config's. */
  hosts: { host: string; port?: number }[];
  user: string;
  privateKey: string;
  /** known_hosts lines for every hop: `ssh-known-hosts`, then `ssh-jump-known-hosts`. */
  knownHosts: string;
  /** The text of an ssh config file; empty: the runner's own files are read. */
  sshConfig: string;
  jump: JumpHost[];
  /** Empty: the jump hosts take `privateKey`. */
  jumpPrivateKey: string;
  passphrase?: string;
  /** Fingerprints of the hosts' keys: known_hosts is then not read for them (jumps still are). */
  hostKeyFingerprints: string[];
  remotePath: string;
  /** Empty: build the action's own Dockerfile. */
  image: string;
  network: string;
  sshfsOptions: string[];
}

/**
 * Reads and checks every input in one place, before anything is touched. Messages name the
 * input, and for `links` the offending line.
 */
export function getSettings(): ActionSettings {
  const remote = remoteSettings();
  const workingInput = core.getInput('working-directory') || '.';
  if (remote && path.isAbsolute(workingInput)) {
    throw new UsageError(
      `input "working-directory" must be relative to "remote-path" when "ssh-host" is set`,
    );
  }
  const workingDirectory = remote ? workingInput : realWorkingDirectory(workingInput);
  const backup = core.getInput('backup-suffix');
  const relative = booleanInput('relative', false);
  const rollback = booleanInput('rollback', false);
  const status = booleanInput('status', false);
  const keepBackups = historyInput(backup);
  const links = core.getInput('links', { required: true });
  let specs: LinkSpec[];
  if (rollback || status) {
    specs = lookBackSpecs(links, { rollback, status, relative, keepBackups, backup });
  } else {
    // The suffix is checked as the CLI's is, once it is a spec's: `/../x` would leave the directory.
    specs = parseSpecText(links, 'links').map((spec) => {
      const history = keepBackups !== undefined && spec.backup === undefined;
      return checkSpec({
        ...spec,
        relative: spec.relative || relative,
        backup: spec.backup ?? (backup || undefined),
        ...(history && { history: { numbered: true, keep: keepBackups } }),
      });
    });
  }
  if (specs.length === 0) throw new UsageError('input "links" holds no link specs');
  const lock = booleanInput('lock', true);
  const unguarded = lock ? undefined : specs.find((spec) => spec.expect !== undefined);
  if (unguarded) {
    throw new UsageError(
      `${unguarded.origin}: "expect" is a compare-and-swap only under the lock, and input "lock" ` +
        'is false: another run could switch the link between the comparison and the swap',
    );
  }
  return {
    specs,
    status,
    ...(keepBackups !== undefined && { keepBackups }),
    remote,
    options: {
      cwd: workingDirectory,
      root: remote ? undefined : workingDirectory,
      allowDangling: booleanInput('allow-dangling', false),
      replaceFiles: booleanInput('replace-files', false),
      dryRun: booleanInput('dry-run', false),
      guard: booleanInput('guard', true),
      probe: probeInput(),
      lock,
      lockTimeoutSeconds: secondsInput('lock-timeout', 60, MIN_LOCK_TIMEOUT_SECONDS),
      fsync: booleanInput('fsync', true),
      advise: adviseInput,
    },
  };
}

/** `history: N`: numbered backups, the newest N kept; instead of a simple `backup-suffix`. */
function historyInput(backup: string): number | undefined {
  const value = core.getInput('history');
  if (value === '') return undefined;
  const keep = Number(value);
  if (!/^[0-9]+$/.test(value) || !Number.isSafeInteger(keep) || keep < 1) {
    throw new UsageError(
      `input "history" must be a whole number, 1 or more, not ${JSON.stringify(value)}`,
    );
  }
  if (backup !== '') {
    throw new UsageError(
      'inputs "history" and "backup-suffix" conflict: history keeps numbered backups (LINK.~N~), ' +
        'backup-suffix one simple backup',
    );
  }
  return keep;
}

/**
 * `rollback` and `status` take LINKs alone, one a line: what each goes back to, or shows, is
 * read from its backups; `backup-suffix` names the simple ones (default '~').
 */
function lookBackSpecs(
  links: string,
  given: {
    rollback: boolean;
    status: boolean;
    relative: boolean;
    keepBackups?: number;
    backup: string;
  },
): LinkSpec[] {
  const what = given.rollback ? 'input "rollback"' : 'input "status"';
  if (given.rollback && given.status) {
    throw new UsageError('inputs "rollback" and "status" conflict: choose one');
  }
  if (given.keepBackups !== undefined || given.relative) {
    throw new UsageError(
      `${what} takes LINKs alone: input "${given.relative ? 'relative' : 'history'}" goes with a switch`,
    );
  }
  const specs = parseLinkLines(links, 'links', what).map((spec) =>
    checkSpec({ ...spec, target: '.', backup: given.backup || undefined }),
  );
  if (specs.length === 0) throw new UsageError('input "links" holds no LINKs');
  // Checked as a switch's suffix is, then kept only as the name of the backups to look for.
  return specs.map(({ backup, ...spec }) => ({
    ...spec,
    target: '',
    rollback: { suffix: backup ?? '~' },
  }));
}

/**
 * Advice names the input a workflow sets, from the option table's `input` of each option; an
 * option no input sets is said to be the CLI's.
 */
export function adviseInput(option: string): string {
  const input = Object.hasOwn(OPTIONS, option)
    ? (OPTIONS[option as keyof typeof OPTIONS] as OptionDefinition).input
    : undefined;
  return input === undefined
    ? `the CLI's --${option}; no input of the action sets it`
    : `set ${input}`;
}

/**
 * The working directory as the kernel resolves it, once: links are placed and checked against
 * the real directory, so one behind a symlink (/var/www -> /data/www) holds its own links, and
 * a LINK whose parent is a symlink leading out of it is still refused.
 */
function realWorkingDirectory(input: string): string {
  try {
    return fs.realpathSync(input);
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : describeError(error);
    throw new UsageError(`input "working-directory" ${JSON.stringify(input)} ${reason}`);
  }
}

/** The inputs that only mean something with ssh-host: set without it, a remote run was meant. */
const REMOTE_TEXTS = [
  'ssh-user',
  'ssh-private-key',
  'ssh-known-hosts',
  'ssh-config',
  'ssh-jump',
  'ssh-jump-private-key',
  'ssh-jump-known-hosts',
  'ssh-passphrase',
  'ssh-host-fingerprint',
  'remote-path',
  'image',
  'sshfs-options',
];
const REMOTE_SWITCHES = ['sshfs', 'container'];

function remoteSettings(): RemoteSettings | undefined {
  const hostInput = core.getInput('ssh-host');
  if (hostInput.trim() === '') {
    // An undefined `${{ vars.HOST }}` is empty: switching on the runner instead would report
    // success for a deploy that never reached the server.
    const stray = [
      ...REMOTE_TEXTS.filter((name) => core.getInput(name) !== ''),
      ...REMOTE_SWITCHES.filter((name) => booleanInput(name, false)),
    ];
    if (stray.length > 0) {
      throw new UsageError(
        `input "ssh-host" is empty, but ${stray.map((name) => `"${name}"`).join(', ')} ` +
          `${stray.length === 1 ? 'is' : 'are'} set: name the host (an empty variable?), or ` +
          'remove them to switch links on the runner',
      );
    }
    return undefined;
  }
  const portInput = core.getInput('ssh-port');
  // Left empty, the port is the ssh config's, as ssh's own.
  const port = portInput === '' ? undefined : Number(portInput);
  if (port !== undefined && !isPort(port)) {
    throw new UsageError(
      `input "ssh-port" must be a port number, not ${JSON.stringify(portInput)}`,
    );
  }
  const hosts = listInput('ssh-host').map((entry) => hostAndPort(entry, port));
  const required = (name: string) => {
    const value = core.getInput(name);
    if (value === '') throw new UsageError(`input "${name}" is required when "ssh-host" is set`);
    return value;
  };
  const user = required('ssh-user');
  checkSshName('ssh-user', user);
  // Masked before anything else can print them; the runner masks each line of a multi-line secret.
  const privateKey = secretInput('ssh-private-key');
  if (privateKey === '') {
    throw new UsageError('input "ssh-private-key" is required when "ssh-host" is set');
  }
  const jumpPrivateKey = secretInput('ssh-jump-private-key');
  // Not trimmed: a passphrase may end in a space.
  const passphrase = secretInput('ssh-passphrase', false);
  const hostKeyFingerprints = listInput('ssh-host-fingerprint').map((text) =>
    parseFingerprint(text, 'input "ssh-host-fingerprint"'),
  );
  const jump = listInput('ssh-jump').map((spec) => {
    checkSshName('ssh-jump', spec);
    return parseJumpHost(spec, `input "ssh-jump"`);
  });
  const knownHosts = core.getInput('ssh-known-hosts');
  const jumpKnownHosts = core.getInput('ssh-jump-known-hosts');
  if (knownHosts === '' && hostKeyFingerprints.length === 0) {
    throw new UsageError(
      'input "ssh-known-hosts" (or "ssh-host-fingerprint") is required when "ssh-host" is set',
    );
  }
  if (jump.length > 0 && knownHosts === '' && jumpKnownHosts === '') {
    throw new UsageError(
      'input "ssh-jump" needs the jump hosts\' keys in "ssh-jump-known-hosts": ' +
        '"ssh-host-fingerprint" is checked for ssh-host only',
    );
  }
  const remotePath = required('remote-path');
  if (!remotePath.startsWith('/')) {
    throw new UsageError(`input "remote-path" must be absolute, not ${JSON.stringify(remotePath)}`);
  }
  const image = core.getInput('image');
  const sshfs = booleanInput('sshfs', false);
  const container = booleanInput('container', false) || image !== '' || sshfs;
  const unsupported = [
    'ssh-jump',
    'ssh-jump-private-key',
    'ssh-passphrase',
    'ssh-host-fingerprint',
  ];
  const refused = sshfs ? unsupported.find((name) => core.getInput(name) !== '') : undefined;
  if (refused) {
    // sshfs runs ssh, which takes none of them (see the CLI's --sshfs): they would go unused.
    throw new UsageError(
      `input "${refused}" cannot be used with "sshfs": ssh, which sshfs runs, cannot take it ` +
        '(a ProxyJump in "ssh-config" works; a passphrase-less key; "ssh-known-hosts")',
    );
  }
  if (container && hosts.length > 1) {
    throw new UsageError(
      'input "ssh-host" names several hosts: they are switched as one from the runner, over ' +
        'SFTP, not in a container (container, image and sshfs take one host)',
    );
  }
  return {
    container,
    sshfs,
    hosts,
    user,
    privateKey,
    knownHosts: [knownHosts, jumpKnownHosts].filter((text) => text !== '').join('\n'),
    sshConfig: core.getInput('ssh-config'),
    jump,
    jumpPrivateKey,
    ...(passphrase !== '' && { passphrase }),
    hostKeyFingerprints,
    remotePath,
    image,
    network: core.getInput('docker-network'),
    sshfsOptions: listInput('sshfs-options'),
  };
}

/** The entries of a list input, one per line or comma-separated. */
function listInput(name: string): string[] {
  return core
    .getInput(name)
    .split(/[\n,]/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
}

/** A secret input, masked in the log before anything can print it. */
function secretInput(name: string, trimWhitespace = true): string {
  const value = core.getInput(name, { trimWhitespace });
  if (value.trim() === '') return '';
  core.setSecret(value);
  return value;
}

function isPort(port: number): boolean {
  return Number.isInteger(port) && port >= 1 && port <= 65535;
}

/** `HOST`, `HOST:PORT`, `[IPv6]` or `[IPv6]:PORT`; a bare IPv6 address has no port. */
function hostAndPort(entry: string, fallback?: number): { host: string; port?: number } {
  const match = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry) ?? /^([^:]+)(?::(\d+))?$/.exec(entry);
  const [host, portText] = match ? [match[1], match[2]] : [entry, undefined];
  checkSshName('ssh-host', host);
  const port = portText === undefined ? fallback : Number(portText);
  if (port !== undefined && !isPort(port)) {
    throw new UsageError(`input "ssh-host" ${JSON.stringify(entry)}: not a port number`);
  }
  return { host, port };
}

/** ssh and sshfs would take a leading '-' for an option: -oProxyCommand=... runs a command. */
function checkSshName(name: string, value: string): void {
  if (value.startsWith('-') || /\s/.test(value)) {
    throw new UsageError(`input "${name}" must be a name, not ${JSON.stringify(value)}`);
  }
}

/** YAML 1.2 core schema booleans, as the runner's own getBooleanInput reads them. */
function booleanInput(name: string, fallback: boolean): boolean {
  const value = core.getInput(name);
  if (value === '') return fallback;
  if (['true', 'True', 'TRUE'].includes(value)) return true;
  if (['false', 'False', 'FALSE'].includes(value)) return false;
  throw new UsageError(`input "${name}" must be true or false, not ${JSON.stringify(value)}`);
}

function probeInput(): ProbeMode {
  const value = core.getInput('probe') || 'auto';
  if (value === 'auto') return 'auto';
  try {
    return booleanInput('probe', false) ? 'always' : 'never';
  } catch {
    throw new UsageError(`input "probe" must be auto, true or false, not ${JSON.stringify(value)}`);
  }
}

function secondsInput(name: string, fallback: number, minimum: number): number {
  const value = core.getInput(name);
  if (value === '') return fallback;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds < minimum) {
    throw new UsageError(
      `input "${name}" must be a number of seconds, at least ${minimum}, not ${JSON.stringify(value)}`,
    );
  }
  return seconds;
}
