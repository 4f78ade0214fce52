import { isUtf8 } from 'node:buffer';
import fs from 'node:fs';
import path from 'node:path';
import {
  MIN_LOCK_TIMEOUT_SECONDS,
  UsageError,
  checkExpect,
  checkSpec,
  describeError,
  isSpecText,
  linkInto,
  linkOnly,
  parseLinkLines,
  parseSpec,
  parseSpecText,
} from '../engine/index.js';
import type { LinkSpec, ProbeMode, SwitchOptions } from '../engine/index.js';
import type { Place } from '../transport/open-store.js';
import { readAtMost } from '../platform/read-file.js';
import { backupPlan, rollbackSuffix } from './backups.js';
import type { BackupPlan } from './backups.js';
import { parseOptions } from './options.js';
import type { OptionValues as Values } from './options.js';

export interface CliSettings {
  /** `switch` takes in a rollback too: its specs then name LINKs only (LinkSpec.rollback). */
  command: 'help' | 'version' | 'switch' | 'status' | 'install-ln';
  specs: LinkSpec[];
  /** With --ssh, `cwd` is relative to the remote directory, and is resolved once it is mounted. */
  options: SwitchOptions;
  /** ln's backups: given to the specs by nameBackups, numbered ones named by the engine. */
  backup?: BackupPlan;
  json: boolean;
  verbose: boolean;
  place: Place;
  /** --install-ln's directory. */
  installDir?: string;
}

/**
 * Turns the command line into settings, or throws a UsageError that says what is wrong. `env`
 * holds ln's VERSION_CONTROL and SIMPLE_BACKUP_SUFFIX.
 */
export async function parseCommandLine(
  argv: string[],
  cwd: string,
  env: Record<string, string | undefined>,
): Promise<CliSettings> {
  const undecodable = undecodableArgument(argv);
  if (undecodable !== undefined) {
    throw new UsageError(
      `argument ${JSON.stringify(undecodable)} is not UTF-8 text (shown with U+FFFD): it ` +
        'would name another file; give the names in UTF-8',
    );
  }
  refuseUnquotedSpec(argv, ['->', '=>']);
  const { values, positionals, order } = parseOptions(argv);
  // Not in argv: `--spec-file -` reads stdin. `-f -` once read it too.
  if (values.force && positionals.includes('-')) {
    throw new UsageError(`argument "-" is no file to link${specFileHint(values)}`);
  }
  refuseUnquotedSpec(positionals, ['-']);
  if (values.ln) throw new UsageError("--ln must be the first argument: all after it are ln's");
  const place = await placeOf(values, cwd, env);
  const remote = place.kind !== 'local';
  const base = remote ? (values.chdir ?? '.') : path.resolve(cwd, values.chdir ?? '.');
  const settings: CliSettings = {
    command: values.help
      ? 'help'
      : values.version
        ? 'version'
        : values.status
          ? 'status'
          : 'switch',
    specs: [],
    options: switchOptions(values, base),
    json: values.json ?? false,
    verbose: values.verbose ?? false,
    place,
  };
  if (settings.command === 'help' || settings.command === 'version') return settings;
  if (values['install-ln'] !== undefined) {
    if (argv.length !== (argv.includes(`--install-ln=${values['install-ln']}`) ? 1 : 2)) {
      throw new UsageError('--install-ln DIR takes nothing else');
    }
    // An empty DIR names no directory (it is not the working directory, as resolving it makes it).
    if (values['install-ln'] === '') throw new UsageError('--install-ln: DIR is empty');
    return {
      ...settings,
      command: 'install-ln',
      installDir: path.resolve(cwd, values['install-ln']),
    };
  }
  if (values.rollback || values.status) {
    settings.specs = lookBackSpecs(values, positionals, cwd, env, place);
    return settings;
  }
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
  settings.specs = placedLinks(specs, place);
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

/** Remote LINKs are read from the remote directory and must stay in it. */
function placedLinks(specs: LinkSpec[], place: Place): LinkSpec[] {
  if (place.kind === 'local') return specs;
  if (place.kind === 'fleet') return specs.map((spec) => relativeLink(spec));
  return specs.map((spec) => remoteLink(spec, place.target.path));
}

/** Options that make or place links, which a rollback and a status do not. */
const SWITCH_ONLY = [
  'target-directory',
  'no-target-directory',
  'relative',
  'logical',
  'symbolic',
] as const;

/**
 * --rollback and --status take LINKs alone, as arguments or --spec-file lines: what each goes
 * back to, or shows, is read from its backups.
 */
function lookBackSpecs(
  values: Values,
  positionals: string[],
  cwd: string,
  env: Record<string, string | undefined>,
  place: Place,
): LinkSpec[] {
  const mode = values.rollback ? '--rollback' : '--status';
  if (values.rollback && values.status) throw new UsageError('--rollback and --status conflict');
  const stray = SWITCH_ONLY.find((name) => values[name]);
  if (stray !== undefined) throw new UsageError(`${mode} takes LINKs alone: --${stray} is refused`);
  if (values.status && values.expect !== undefined) {
    throw new UsageError('--status changes nothing: --expect goes with a switch or --rollback');
  }
  const suffix = rollbackSuffix(values, env, mode);
  const file = values['spec-file'];
  const fromFile =
    file === undefined
      ? []
      : parseLinkLines(readText(file, cwd), file === '-' ? 'stdin' : file, mode);
  const specs = placedLinks(
    [...fromFile, ...positionals.map((arg, index) => linkOnly(arg, `argument ${index + 1}`, mode))],
    place,
  );
  if (specs.length === 0) throw new UsageError(`${mode} takes the LINKs to read; see --help`);
  if (values.expect !== undefined && specs.length !== 1) {
    throw new UsageError('--expect takes exactly one link');
  }
  if (values.expect !== undefined && values['no-lock']) {
    throw new UsageError('an expected target (--expect) needs the lock, so --no-lock is refused');
  }
  return specs.map((spec) =>
    checkExpect({
      ...spec,
      rollback: { suffix },
      ...(values.expect !== undefined && { expect: values.expect }),
    }),
  );
}

async function placeOf(
  values: Values,
  cwd: string,
  env: Record<string, string | undefined>,
): Promise<Place> {
  if (values.ssh === undefined) {
    const stray = SSH_ONLY.find((name) => values[name] !== undefined);
    if (stray) throw new UsageError(`--${stray} goes with --ssh`);
    if (values['sshfs-option'] !== undefined) {
      throw new UsageError('--sshfs-option goes with --ssh and --sshfs');
    }
    return { kind: 'local' };
  }
  const { remotePlace } = await import('./remote-place.js');
  return remotePlace({ ...values, ssh: values.ssh }, cwd, env);
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

export function lockTimeout(text: string | undefined): number {
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
  return parseSpecText(readText(file, cwd), file === '-' ? 'stdin' : file);
}

/** A spec file's text, checked: within the size limit, and UTF-8. */
function readText(file: string, cwd: string): string {
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
  return bytes.toString('utf8');
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

/**
 * Node decodes arguments as UTF-8, and a byte that is not becomes U+FFFD: a LINK given so would
 * make or replace a link of another name. Where the raw arguments can be read (Linux's /proc),
 * a U+FFFD that was in them is kept; the first argument with any other is returned.
 */
export function undecodableArgument(argv: string[]): string | undefined {
  if (!argv.some((arg) => arg.includes('\uFFFD'))) return undefined;
  let raw: Buffer[] = [];
  try {
    const all = fs.readFileSync('/proc/self/cmdline');
    const parts: Buffer[] = [];
    for (
      let start = 0, end = all.indexOf(0);
      end >= 0;
      start = end + 1, end = all.indexOf(0, start)
    ) {
      parts.push(all.subarray(start, end));
    }
    raw = parts.slice(parts.length - argv.length);
  } catch {
    // No /proc: no way to tell a real U+FFFD from a byte that is not UTF-8.
  }
  return argv.find((arg, index) => {
    if (!arg.includes('\uFFFD')) return false;
    const bytes = raw.length === argv.length ? raw[index] : undefined;
    return !(bytes !== undefined && isUtf8(bytes) && bytes.toString('utf8') === arg);
  });
}
