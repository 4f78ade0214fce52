import { isUtf8 } from 'node:buffer';
import fs from 'node:fs';
import path from 'node:path';
import {
  MIN_LOCK_TIMEOUT_SECONDS,
  UsageError,
  checkSpec,
  describeError,
  isSpecText,
  linkInto,
  parseSpec,
  parseSpecText,
} from '../engine/index.js';
import type { LinkSpec, ProbeMode, SwitchOptions } from '../engine/index.js';
import type { Place } from '../transport/open-store.js';
import { parseJumpHost } from '../transport/ssh-config.js';
import { planRoute } from '../transport/ssh-route.js';
import { parseFingerprint, parseSshTarget } from '../transport/ssh-target.js';
import { readAtMost } from '../platform/read-file.js';
import type { SshTarget } from '../transport/ssh-target.js';
import { backupPlan } from './backups.js';
import type { BackupPlan } from './backups.js';
import { parseOptions } from './options.js';
import type { OptionValues as Values } from './options.js';

export interface CliSettings {
  command: 'help' | 'version' | 'switch';
  specs: LinkSpec[];
  /** With --ssh, `cwd` is relative to the remote directory, and is resolved once it is mounted. */
  options: SwitchOptions;
  /** ln's backups, named per link once its directory can be read (nameBackups). */
  backup?: BackupPlan;
  json: boolean;
  verbose: boolean;
  place: Place;
}

/**
 * Turns the command line into settings, or throws a UsageError that says what is wrong. `env`
 * holds ln's VERSION_CONTROL and SIMPLE_BACKUP_SUFFIX.
 */
export function parseCommandLine(
  argv: string[],
  cwd: string,
  env: Record<string, string | undefined>,
): CliSettings {
  refuseUnquotedSpec(argv, ['->', '=>']);
  const { values, positionals, order } = parseOptions(argv);
  // Not in argv: `--spec-file -` reads stdin. `-f -` once read it too.
  if (values.force && positionals.includes('-')) {
    throw new UsageError(`argument "-" is no file to link${specFileHint(values)}`);
  }
  refuseUnquotedSpec(positionals, ['-']);
  const place = placeOf(values, cwd, env);
  const remote = place.kind !== 'local';
  const base = remote ? (values.chdir ?? '.') : path.resolve(cwd, values.chdir ?? '.');
  const settings: CliSettings = {
    command: values.help ? 'help' : values.version ? 'version' : 'switch',
    specs: [],
    options: switchOptions(values, base),
    json: values.json ?? false,
    verbose: values.verbose ?? false,
    place,
  };
  if (settings.command !== 'switch') return settings;
  settings.backup = backupPlan(values, env);
  const notSpec = positionals.find((arg) => !isSpecText(arg));
  if (remote && notSpec !== undefined) {
    throw new UsageError(
      `--ssh takes SPECs ('LINK -> TARGET'), not ln-style arguments` +
        (arrowHint(notSpec) ?? specFileHint(values)),
    );
  }
  // As in ln: -s ignores -L and -P; otherwise the last of them given counts.
  const logical =
    !values.symbolic &&
    order.findLast((name) => name === 'logical' || name === 'physical') === 'logical';
  const specs = readSpecs(values, positionals, remote ? cwd : base, logical);
  settings.specs =
    place.kind === 'local'
      ? specs
      : place.kind === 'fleet'
        ? specs.map((spec) => relativeLink(spec))
        : specs.map((spec) => remoteLink(spec, place.target.path));
  if (settings.specs.length === 0) throw new UsageError('no links given; see --help');
  if (values.expect !== undefined && settings.specs.length !== 1) {
    throw new UsageError('--expect takes exactly one link');
  }
  // The specs are this parse's own objects: the options that apply to all are set in place,
  // and a spec that takes --expect's value is checked again.
  for (const spec of settings.specs) {
    if (values.relative) spec.relative = true;
    if (values.expect !== undefined) {
      spec.expect = values.expect;
      checkSpec(spec);
    }
  }
  const swap = settings.specs.find((spec) => spec.expect !== undefined);
  if (swap && !settings.options.lock) {
    throw new UsageError(
      `${swap.origin}: an expected target (--expect) needs the lock, so --no-lock is refused: ` +
        'only under the lock are the check and the switch one compare-and-swap',
    );
  }
  return settings;
}

function placeOf(values: Values, cwd: string, env: Record<string, string | undefined>): Place {
  if (values.ssh === undefined) {
    const stray = SSH_ONLY.find((name) => values[name] !== undefined);
    if (stray) throw new UsageError(`--${stray} goes with --ssh`);
    if (values['sshfs-option'] !== undefined) {
      throw new UsageError('--sshfs-option goes with --ssh and --sshfs');
    }
    return { kind: 'local' };
  }
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

const SSH_ONLY = [
  'ssh-port',
  'identity',
  'known-hosts',
  'sshfs',
  'max-hosts',
  'ssh-config',
  'jump',
  'jump-identity',
  'passphrase-file',
  'allow-proxy-command',
  'host-key-fingerprint',
] as const;

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

/** Each host reads LINKs from its own PATH: a LINK that names one host's path is refused. */
function relativeLink(spec: LinkSpec): LinkSpec {
  if (!path.posix.isAbsolute(spec.link)) return spec;
  throw new UsageError(
    `${spec.origin}: LINK ${JSON.stringify(spec.link)} must be relative with several --ssh: each host reads it from its own PATH`,
  );
}

/** An absolute LINK names a path on the server: it must lie in the remote directory. */
function remoteLink(spec: LinkSpec, root: string): LinkSpec {
  if (!path.posix.isAbsolute(spec.link)) return spec;
  const inside = path.posix.relative(root, spec.link);
  if (inside === '' || inside.startsWith('..')) {
    throw new UsageError(
      `${spec.origin}: LINK ${JSON.stringify(spec.link)} is outside the remote directory ${root}`,
    );
  }
  return { ...spec, link: inside };
}

function switchOptions(values: Values, cwd: string): SwitchOptions {
  if (values.probe && values['no-probe']) throw new UsageError('--probe and --no-probe conflict');
  const probe: ProbeMode = values.probe ? 'always' : values['no-probe'] ? 'never' : 'auto';
  return {
    cwd,
    allowDangling: values['allow-dangling'] ?? false,
    replaceFiles: values['replace-files'] ?? false,
    dryRun: values['dry-run'] ?? false,
    guard: !values['no-guard'],
    probe,
    lock: !values['no-lock'],
    lockTimeoutSeconds: lockTimeout(values['lock-timeout']),
    fsync: !values['no-fsync'],
  };
}

function lockTimeout(text: string | undefined): number {
  if (text === undefined) return 60;
  const seconds = Number(text);
  if (text.trim() === '' || !Number.isFinite(seconds) || seconds < MIN_LOCK_TIMEOUT_SECONDS) {
    throw new UsageError(
      `--lock-timeout ${JSON.stringify(text)} must be a number of seconds, at least ` +
        `${MIN_LOCK_TIMEOUT_SECONDS}: a shorter one would let a busy holder's lock look stale`,
    );
  }
  return seconds;
}

function readSpecs(
  values: Values,
  positionals: string[],
  cwd: string,
  logical: boolean,
): LinkSpec[] {
  const fromFile = values['spec-file'] === undefined ? [] : readSpecFile(values['spec-file'], cwd);
  const specArgs = positionals.filter((arg) => isSpecText(arg));
  if (specArgs.length > 0 || fromFile.length > 0 || values['spec-file'] !== undefined) {
    if (specArgs.length !== positionals.length) {
      const odd = positionals.find((arg) => !isSpecText(arg)) as string;
      throw new UsageError(
        `argument ${JSON.stringify(odd)} is not a SPEC ('LINK -> TARGET')` +
          (arrowHint(odd) ?? '; SPECs and ln-style arguments cannot be mixed'),
      );
    }
    if (values['target-directory'] !== undefined || values['no-target-directory'] || logical) {
      throw new UsageError('-t, -T and -L go with ln-style arguments, not with SPECs');
    }
    return [...fromFile, ...specArgs.map((arg, index) => parseSpec(arg, `argument ${index + 1}`))];
  }
  // A spec without spaces around its arrow reads as an ln TARGET: said so, unless it is one.
  const arrowed = positionals.find(
    (arg) => arrowHint(arg) !== undefined && !exists(path.resolve(cwd, arg)),
  );
  if (arrowed !== undefined) {
    throw new UsageError(
      `argument ${JSON.stringify(arrowed)} is neither a SPEC nor a file${arrowHint(arrowed)}`,
    );
  }
  return lnStyleSpecs(values, positionals, cwd, logical);
}

/** `; a SPEC needs spaces around its arrow: 'a -> b'`, for an argument with an arrow without them. */
function arrowHint(arg: string): string | undefined {
  if (!/->|=>/.test(arg) || isSpecText(arg)) return undefined;
  const spaced = arg.replace(/\s*(->|=>)\s*/, ' $1 ').trim();
  return `; a SPEC needs spaces around its arrow: ${JSON.stringify(spaced)}`;
}

/**
 * `atomic-link current -> v42` unquoted: the shell takes `> v42` as a redirection (and makes
 * the file v42), and leaves `current -`. A lone arrow or `-` is such a spec, cut by the shell.
 */
function refuseUnquotedSpec(args: string[], lone: string[]): void {
  const index = args.findIndex((arg) => lone.includes(arg));
  if (index < 0) return;
  const [arg, before] = [args[index], args[index - 1]];
  const link = before !== undefined && !before.startsWith('-') ? before : 'LINK';
  const example = `'${link} ${arg === '=>' ? '=>' : '->'} TARGET'`;
  const cut =
    arg === '-'
      ? ` (what the shell leaves of an unquoted SPEC: it takes '> TARGET' for a redirection, ` +
        `and makes a file TARGET)`
      : '';
  throw new UsageError(
    `argument ${JSON.stringify(arg)}${cut}: quote each SPEC whole, as one argument: ` +
      `atomic-link ${example}`,
  );
}

/**
 * The largest spec file read: a million links take about 60 MiB, and a file past this size
 * would take seconds to read and most of the memory Node has, to fail anyway.
 */
const SPEC_FILE_LIMIT = 256 * 1024 * 1024;

function readSpecFile(file: string, cwd: string): LinkSpec[] {
  const source = file === '-' ? 'stdin' : file;
  let bytes: Buffer | undefined;
  try {
    bytes = readAtMost(file === '-' ? 0 : path.resolve(cwd, file), SPEC_FILE_LIMIT);
  } catch (error) {
    throw new UsageError(`spec file ${file}: ${(error as Error).message}`);
  }
  if (bytes === undefined) {
    throw new UsageError(
      `spec file ${source} is over ${SPEC_FILE_LIMIT / 2 ** 20} MiB, the most one may hold`,
    );
  }
  // Decoded leniently, bytes that are not UTF-8 would become U+FFFD and name another file.
  if (!isUtf8(bytes)) {
    throw new UsageError(
      `${source} line ${firstNonUtf8Line(bytes)}: not UTF-8 text; write the names in UTF-8`,
    );
  }
  return parseSpecText(bytes.toString('utf8'), source);
}

/** The number of the first line that is not UTF-8, in bytes known to hold one. */
function firstNonUtf8Line(bytes: Buffer): number {
  let line = 1;
  let start = 0;
  for (let end = bytes.indexOf(0x0a); end >= 0; end = bytes.indexOf(0x0a, start)) {
    if (!isUtf8(bytes.subarray(start, end))) return line;
    start = end + 1;
    line++;
  }
  return line;
}

/**
 * ln's argument forms. ln reads TARGET from the current directory for hard links and for -r,
 * so those become absolute here; a plain symlink TARGET is stored as given, as ln does.
 */
function lnStyleSpecs(
  values: Values,
  positionals: string[],
  cwd: string,
  logical: boolean,
): LinkSpec[] {
  const type = values.symbolic ? 'symbolic' : 'hard';
  const spec = (target: string, link: string): LinkSpec => {
    const origin = `argument ${JSON.stringify(target)}`;
    let linked = type === 'hard' || values.relative ? path.resolve(cwd, target) : target;
    if (logical) linked = resolvedTarget(linked, origin);
    const linkPath = path.resolve(cwd, link);
    const reached = path.resolve(path.dirname(linkPath), linked);
    const given = path.resolve(cwd, target);
    if (!exists(given) && (reached === linkPath || type === 'hard')) {
      throw new UsageError(
        `${origin}: TARGET ${JSON.stringify(target)} does not exist${specFileHint(values)}`,
      );
    }
    // `-sfn current releases/v2`: LINK and TARGET swapped, the link to replace named as TARGET.
    const swapped = type === 'symbolic' && positionals.length > 1 && isSymlink(given);
    const swap =
      `: TARGET and LINK swapped? As in ln, TARGET comes first` +
      (positionals.length === 2 && values['target-directory'] === undefined
        ? `: atomic-link -s ${shellWord(positionals[1])} ${shellWord(positionals[0])}`
        : '');
    // Its directory missing is said as such, by the engine.
    const dangling = !exists(reached) && exists(path.dirname(linkPath));
    if (swapped && !values['allow-dangling'] && dangling) {
      throw new UsageError(
        `${origin}: TARGET ${JSON.stringify(target)} is a symlink here, but read from the ` +
          `directory of LINK ${JSON.stringify(link)}, as a symlink's text is, it leads nowhere${swap}`,
      );
    }
    if (reached === linkPath) {
      throw new UsageError(
        `${origin}: TARGET and LINK ${JSON.stringify(link)} are the same file` +
          (swapped ? swap : specFileHint(values)),
      );
    }
    return checkSpec({ link, target: linked, type, origin });
  };
  const into = (dir: string, targets: string[]) =>
    targets.map((target) => spec(target, linkInto(dir, target)));

  if (positionals.length === 0) return [];
  const dir = values['target-directory'];
  if (dir !== undefined) {
    if (values['no-target-directory']) throw new UsageError('-t and -T conflict');
    if (!isRealDirectory(cwd, dir))
      throw new UsageError(`-t ${JSON.stringify(dir)} is not a directory`);
    return into(dir, positionals);
  }
  if (values['no-target-directory']) {
    if (positionals.length !== 2) throw new UsageError('-T takes exactly TARGET and LINK');
    return [spec(positionals[0], positionals[1])];
  }
  if (positionals.length === 1) return into('.', positionals);
  const last = positionals.at(-1) as string;
  // A symlink to a directory is a link to replace, never a directory to link into (ln -n).
  if (isRealDirectory(cwd, last)) return into(last, positionals.slice(0, -1));
  if (positionals.length > 2) {
    throw new UsageError(`the last argument ${JSON.stringify(last)} is not a directory`);
  }
  return [spec(positionals[0], last)];
}

/** `-f FILE` once read a spec file: such a command line now ends in a refusal that says so. */
function specFileHint(values: Values): string {
  return values.force ? '; spec files are read with --spec-file=FILE (-f is --force)' : '';
}

/** What is at `file`, if anything: a path through a file (ENOTDIR) leads nowhere too. */
function lstatOf(file: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(file, { throwIfNoEntry: false });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw new UsageError(`${file}: ${describeError(error)}`);
  }
}

const exists = (file: string) => lstatOf(file) !== undefined;
const isSymlink = (file: string) => lstatOf(file)?.isSymbolicLink() ?? false;

/** A word to paste into a shell: quoted unless plain. */
function shellWord(word: string): string {
  return /^[\w./@:+=-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function isRealDirectory(cwd: string, dir: string): boolean {
  return fs.lstatSync(path.resolve(cwd, dir), { throwIfNoEntry: false })?.isDirectory() ?? false;
}

/**
 * -L. The engine makes a hard link with link(2), which on Linux links a symlink itself: ln's
 * -P. ln -L calls linkat(AT_SYMLINK_FOLLOW), which links the file the symlink leads to; its
 * real path names that same file, so linking the real path is -L.
 */
function resolvedTarget(target: string, origin: string): string {
  try {
    return fs.realpathSync(target);
  } catch (error) {
    throw new UsageError(
      `${origin}: -L cannot follow TARGET ${JSON.stringify(target)}: ${describeError(error)}`,
    );
  }
}
