import { parseArgs } from 'node:util';
import { UsageError, isSpecText } from '../engine/index.js';
import { isBackupControl } from './backups.js';

/**
 * One command-line option. This table is the only place options are defined: the parser, the
 * --help text and the README's option tables are all made from it.
 */
export interface OptionDefinition {
  /** Short letters; the first is the option's own, more are synonyms (ln's -d, -F). */
  short?: string;
  /** ln's -b has no long name: help shows the letter alone. */
  shortOnly?: boolean;
  /** The value's name in help (`--suffix=SUFFIX`); a flag when absent. */
  value?: string;
  /** `--backup[=CONTROL]`: the value, if any, is only ever given after `=`. */
  optionalValue?: boolean;
  multiple?: boolean;
  group: OptionGroup;
  /** What the option does in atomic-link. */
  help?: string;
  /** Why atomic-link refuses the option (exit 2), instead of `help`. */
  refused?: string;
  /** What GNU ln (coreutils 9) says the option does, for ln's own options. */
  gnu?: string;
  /**
   * The action's input that does the same, as a workflow sets it (`allow-dangling: true`), so
   * that the action's messages name it instead of the option (checked against action.yml).
   */
  input?: string;
}

export type OptionGroup = 'ln' | 'own' | 'remote';

export const GROUP_TITLES: Record<OptionGroup, string> = {
  ln: "GNU ln's options (coreutils 9), and what atomic-link does with them:",
  own: "atomic-link's own options:",
  remote: 'Remote directories, over SSH (LINKs and -C are read from PATH):',
};

/** ln's options first, in ln's order, then atomic-link's. Keys are the long names. */
export const OPTIONS = {
  backup: {
    value: 'CONTROL',
    optionalValue: true,
    group: 'ln',
    gnu: 'make a backup of each existing destination file',
    help: 'keep a backup of each LINK that is replaced: a link to its old target, in place before LINK is switched (CONTROL: see below)',
  },
  // parseArgs needs a long name for every option; `--b` works as -b, and is not shown.
  b: {
    short: 'b',
    shortOnly: true,
    group: 'ln',
    gnu: 'like --backup but does not accept an argument',
    help: 'like --backup but does not accept an argument',
  },
  directory: {
    short: 'dF',
    group: 'ln',
    gnu: 'allow the superuser to attempt to hard link directories',
    refused:
      'hard links to directories cannot be made, the kernel refuses them even to root (to resolve LINKs from DIR, use -C, --chdir=DIR)',
  },
  force: {
    short: 'f',
    group: 'ln',
    gnu: 'remove existing destination files',
    help: 'accepted: LINK is always replaced, in one rename (a regular file only with --replace-files)',
  },
  interactive: {
    short: 'i',
    group: 'ln',
    gnu: 'prompt whether to remove destinations',
    refused:
      'atomic-link never prompts, a deploy runs unattended (--expect=TARGET switches only from a known target; --dry-run shows the plan)',
  },
  logical: {
    short: 'L',
    group: 'ln',
    gnu: 'dereference TARGETs that are symbolic links',
    help: 'hard links to a symlink TARGET go to what it points to',
  },
  'no-dereference': {
    short: 'n',
    group: 'ln',
    gnu: 'treat LINK_NAME as a normal file if it is a symbolic link to a directory',
    help: 'accepted: a symlink at LINK is always the link to replace, never a directory to enter',
  },
  physical: {
    short: 'P',
    group: 'ln',
    gnu: 'make hard links directly to symbolic links',
    help: 'hard links to a symlink TARGET go to the symlink itself (the default)',
  },
  relative: {
    input: 'relative: true',
    short: 'r',
    group: 'ln',
    gnu: 'with -s, create links relative to link location',
    help: "store targets relative to each link's directory (the link's path is not resolved)",
  },
  symbolic: {
    short: 's',
    group: 'ln',
    gnu: 'make symbolic links instead of hard links',
    help: "make symbolic links instead of hard links (a SPEC's arrow says which)",
  },
  suffix: {
    input: 'backup-suffix',
    short: 'S',
    value: 'SUFFIX',
    group: 'ln',
    gnu: 'override the usual backup suffix',
    help: 'override the usual backup suffix; implies -b (empty or with / refused)',
  },
  'target-directory': {
    short: 't',
    value: 'DIRECTORY',
    group: 'ln',
    gnu: 'specify the DIRECTORY in which to create the links',
    help: 'make the links inside DIRECTORY',
  },
  'no-target-directory': {
    short: 'T',
    group: 'ln',
    gnu: 'treat LINK_NAME as a normal file always',
    help: 'treat LINK as the link always (a real directory there is refused)',
  },
  verbose: {
    short: 'v',
    group: 'ln',
    gnu: 'print name of each linked file',
    help: 'print each link switched, and what the guard saw',
  },
  help: {
    short: 'h',
    group: 'ln',
    gnu: 'display this help and exit',
    help: 'display this help and exit',
  },
  version: {
    group: 'ln',
    gnu: 'output version information and exit',
    help: 'output version information and exit',
  },
  ln: {
    group: 'own',
    help: 'act as GNU ln (coreutils 9) with every replacement one rename, as when installed as ln (first argument only; see --install-ln)',
  },
  'install-ln': {
    value: 'DIR',
    group: 'own',
    help: "make DIR/ln a symlink to this program, which then acts as GNU ln; DIR/ln must not exist (the system's ln is never replaced)",
  },
  chdir: {
    input: 'working-directory',
    short: 'C',
    value: 'DIR',
    group: 'own',
    help: 'resolve LINK paths (and ln-style TARGETs) from DIR',
  },
  'spec-file': {
    value: 'FILE',
    group: 'own',
    help: "read SPECs from FILE ('-' = stdin, UTF-8): one per line, or a JSON array",
  },
  'allow-dangling': {
    input: 'allow-dangling: true',
    group: 'own',
    help: 'allow symlink targets that do not exist',
  },
  'replace-files': {
    input: 'replace-files: true',
    group: 'own',
    help: 'allow replacing a regular file at LINK',
  },
  expect: {
    value: 'TARGET',
    group: 'own',
    help: 'switch only if the link now points at TARGET (one link; a compare-and-swap under the lock)',
  },
  rollback: {
    group: 'own',
    help: "put each LINK back to its newest backup's target (LINK.~N~, else LINK+SUFFIX) in one rename, then remove that backup; LINKs as arguments or --spec-file lines, no TARGETs; no backup left: exit 1, nothing changed",
  },
  'keep-backups': {
    value: 'N',
    group: 'own',
    help: "after the switch, remove each LINK's own numbered backups but the newest N (only those links, never what they point at); implies --backup=numbered",
  },
  status: {
    group: 'own',
    help: 'print each LINK, its target, whether the target exists, and its backups newest first; change nothing (LINKs as for --rollback)',
  },
  'dry-run': {
    input: 'dry-run: true',
    group: 'own',
    help: 'check everything and print the plan; change nothing',
  },
  json: {
    group: 'own',
    help: 'print the report as JSON on stdout',
  },
  'no-guard': {
    input: 'guard: false',
    group: 'own',
    help: 'do not watch the links for a missing moment',
  },
  probe: {
    group: 'own',
    help: 'make trial swaps before the switch on any filesystem (default: on network and FUSE filesystems)',
  },
  'no-probe': {
    input: 'probe: false',
    group: 'own',
    help: 'make no trial swaps',
  },
  'no-lock': {
    input: 'lock: false',
    group: 'own',
    help: "do not lock the links' directories (refused with --expect, --rollback and numbered backups)",
  },
  'lock-timeout': {
    input: 'lock-timeout',
    value: 'SECONDS',
    group: 'own',
    help: 'wait this long for a lock; a lock not refreshed this long is stale (default 60, at least 5)',
  },
  'no-fsync': {
    input: 'fsync: false',
    group: 'own',
    help: 'do not fsync the directories after the switch',
  },
  ssh: {
    value: 'USER@HOST:PATH',
    multiple: true,
    group: 'remote',
    help: 'switch links in PATH (absolute) on HOST, speaking SFTP; LINKs must stay inside PATH. Also ssh://USER@HOST[:PORT]/PATH. HOST is resolved through the ssh config as ssh resolves it (an alias, its HostName, User, Port, keys, ProxyJump). Given again: many hosts switched as one (prepared everywhere, then switched everywhere)',
  },
  'max-hosts': {
    value: 'N',
    group: 'remote',
    help: 'with several --ssh: prepare at most N hosts at once (default 16)',
  },
  'ssh-port': {
    input: 'ssh-port',
    value: 'N',
    group: 'remote',
    help: "the SSH port (default: the ssh config's Port, else 22)",
  },
  identity: {
    input: 'ssh-private-key',
    value: 'FILE',
    group: 'remote',
    help: "the private key to log in with, tried before the ssh config's IdentityFile",
  },
  'known-hosts': {
    input: 'ssh-known-hosts',
    value: 'FILE',
    group: 'remote',
    help: "the host keys to check HOST against, instead of the ssh config's UserKnownHostsFile (always checked; default: ~/.ssh/known_hosts)",
  },
  'host-key-fingerprint': {
    input: 'ssh-host-fingerprint',
    value: 'SHA256:FP',
    multiple: true,
    group: 'remote',
    help: "accept HOST's key only if it has this fingerprint, as ssh-keygen -lf prints it, instead of known_hosts (repeatable)",
  },
  'ssh-config': {
    input: 'ssh-config',
    value: 'FILE',
    group: 'remote',
    help: "the ssh config to resolve HOST with, as ssh -F (default: ~/.ssh/config, then /etc/ssh/ssh_config; 'none': no file)",
  },
  jump: {
    input: 'ssh-jump',
    value: '[USER@]HOST[:PORT]',
    multiple: true,
    group: 'remote',
    help: "reach HOST through this jump host, as ssh -J (repeatable or comma-separated, first hop first; instead of the config's ProxyJump); each hop's host key is checked",
  },
  'jump-identity': {
    input: 'ssh-jump-private-key',
    value: 'FILE',
    group: 'remote',
    help: 'the private key for the jump hosts, instead of --identity',
  },
  'passphrase-file': {
    input: 'ssh-passphrase',
    value: 'FILE',
    group: 'remote',
    help: "decrypt encrypted keys (--identity, the ssh config's) with the passphrase in FILE; or set ATOMIC_LINK_SSH_PASSPHRASE. Never on the command line",
  },
  'allow-proxy-command': {
    group: 'remote',
    help: "run the ssh config's ProxyCommand to reach HOST (refused without this: it runs a command)",
  },
  sshfs: {
    input: 'sshfs: true',
    group: 'remote',
    help: 'mount PATH with sshfs and switch on the mount, instead of speaking SFTP (needs FUSE)',
  },
  'sshfs-option': {
    input: 'sshfs-options',
    value: 'OPT',
    multiple: true,
    group: 'remote',
    help: 'with --sshfs: one more sshfs -o option (repeatable)',
  },
} as const satisfies Record<string, OptionDefinition>;

type Options = typeof OPTIONS;
type ValueOf<D> = D extends { optionalValue: true }
  ? string | true
  : D extends { multiple: true }
    ? string[]
    : D extends { value: string }
      ? string
      : boolean;

/** Each given option's value; `backup` is its CONTROL, or true when given without one. */
export type OptionValues = { -readonly [K in keyof Options]?: ValueOf<Options[K]> };

export interface ParsedOptions {
  values: OptionValues;
  positionals: string[];
  /** The options given, by long name, in the order given (ln: the last of -L and -P wins). */
  order: (keyof Options)[];
}

const DEFINITIONS = Object.entries(OPTIONS) as [keyof Options, OptionDefinition][];

/** Long names by each option's own letter and its synonyms' letters. */
const BY_LETTER = new Map(
  DEFINITIONS.flatMap(([name, definition]) =>
    [...(definition.short ?? '')].map((letter) => [letter, name] as const),
  ),
);

/** parseArgs' table; a synonym letter gets an entry of its own, named by the letter. */
const PARSE_ARGS_OPTIONS = Object.fromEntries(
  DEFINITIONS.flatMap(([name, definition]) => {
    const type = definition.value && !definition.optionalValue ? 'string' : 'boolean';
    // parseArgs refuses a `short` or `multiple` key that is present but undefined.
    const [own, ...synonyms] = definition.short ?? '';
    const config = {
      type,
      ...(own && { short: own }),
      ...(definition.multiple && { multiple: true }),
    };
    return [[name, config], ...synonyms.map((letter) => [letter, { type, short: letter }])];
  }),
);

/** The long name behind a parsed option's name (a synonym's letter, or the name itself). */
function longName(name: string): keyof Options {
  return Object.hasOwn(OPTIONS, name)
    ? (name as keyof Options)
    : (BY_LETTER.get(name) as keyof Options);
}

/**
 * Parses the options as GNU ln's getopt does, where parseArgs cannot. parseArgs has no optional
 * values, so `--backup=CONTROL` is taken apart before it runs. Each `--NAME=VALUE` before `--`
 * is an option, never the value of the one before it: parseArgs refuses a separate value that
 * starts with '-'. Throws a UsageError naming the option.
 */
export function parseOptions(argv: string[]): ParsedOptions {
  const args = [...argv];
  const optionalValues = new Map<number, { name: string; value: string }>();
  const end = args.includes('--') ? args.indexOf('--') : args.length;
  for (let index = 0; index < end; index++) {
    const [, name, value] = /^--([^=]+)=(.*)$/s.exec(args[index]) ?? [];
    if (name === undefined || !Object.hasOwn(OPTIONS, name)) continue;
    const definition: OptionDefinition = OPTIONS[name as keyof Options];
    if (definition.refused) throw refusal(`--${name}`, definition.refused);
    if (definition.optionalValue) {
      args[index] = `--${name}`;
      optionalValues.set(index, { name, value });
    }
  }

  // Not strict: parseArgs' own refusals are Node's text; each is checked here and said with its fix.
  const parsed = parseArgs({
    args,
    options: PARSE_ARGS_OPTIONS,
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  for (const token of parsed.tokens) if (token.kind === 'option') checkToken(token, args);

  const order: (keyof Options)[] = [];
  const { tokens } = parsed;
  tokens.forEach((token, position) => {
    if (token.kind !== 'option') return;
    const name = longName(token.name);
    const definition: OptionDefinition = OPTIONS[name];
    if (definition.refused) throw refusal(token.rawName, definition.refused);
    order.push(name);
    if (definition.optionalValue && !optionalValues.has(token.index)) {
      refuseSeparateValue(token.rawName, tokens[position + 1], token.index);
    }
  });
  const values: Record<string, unknown> = parsed.values;
  // As in GNU ln: `--backup=` is a bare --backup, and a later bare one keeps the last CONTROL.
  for (const { name, value } of optionalValues.values()) if (value) values[name] = value;
  return { values: values as OptionValues, positionals: parsed.positionals, order };
}

type Token = NonNullable<ReturnType<typeof parseArgs>['tokens']>[number];
type OptionToken = Extract<Token, { kind: 'option' }>;

/** What strict parsing refuses, said with what to write instead. */
function checkToken(token: OptionToken, args: string[]): void {
  if (!Object.hasOwn(PARSE_ARGS_OPTIONS, token.name)) throw unknownOption(token, args);
  const { rawName, value, inlineValue } = token;
  if (PARSE_ARGS_OPTIONS[token.name].type === 'boolean') {
    if (inlineValue) throw new UsageError(`${rawName} takes no value (given ${shown(value)})`);
    return;
  }
  const attached = rawName.startsWith('--') ? `${rawName}=` : rawName;
  if (value === undefined) {
    throw new UsageError(`${rawName} needs a value: ${attached}${valueName(token.name)}`);
  }
  // '-' alone is a value (stdin); anything else that starts with '-' may be an option.
  if (!inlineValue && value.length > 1 && value.startsWith('-')) {
    throw new UsageError(
      `${rawName} is followed by ${shown(value)}: give ${rawName} its value, or write a value ` +
        `that starts with '-' as ${attached}${shown(value)}`,
    );
  }
}

function valueName(name: string): string {
  const definition: OptionDefinition = OPTIONS[longName(name)];
  return definition.value ?? 'VALUE';
}

/**
 * An argument as a message shows it: as typed when it is plain, else quoted (control characters
 * escaped), and cut short when long.
 */
function shown(text: string | undefined): string {
  const cut = String(text).length > 80 ? `${String(text).slice(0, 80)}...` : String(text);
  return /^[\x21-\x7e]+$/.test(cut) ? cut : JSON.stringify(cut);
}

/** `unknown option --dryrun; did you mean --dry-run?`, for `-dryrun` and `-- "--dryrun"` too. */
function unknownOption(token: OptionToken, args: string[]): UsageError {
  const arg = args[token.index];
  // A short letter unknown inside a word (-dryrun): the word may be a long name with one dash.
  const typed = token.rawName.startsWith('--') ? token.rawName : arg.split('=')[0];
  const near = nearestOptions(typed);
  const unknown =
    token.rawName === typed || near.length > 0
      ? shown(typed)
      : `${token.rawName} (in ${shown(typed)})`;
  const advice =
    near.length > 0
      ? `did you mean ${near.map((name) => `--${name}`).join(' or ')}?`
      : "see --help (a file named with a leading '-' goes after '--')";
  return new UsageError(`unknown option ${unknown}; ${advice}`);
}

/** The long options nearest to what was typed: those it begins, or a typo or two away. */
export function nearestOptions(typed: string): string[] {
  const word = typed.toLowerCase().replace(/^[^a-z0-9]+|[^a-z0-9-]+$/g, '');
  // Longer than any option: no typo of one (and a megabyte would take a while to compare).
  if (word.length < 2 || word.length > 40) return [];
  const names = DEFINITIONS.filter(([, definition]) => !definition.shortOnly).map(([name]) => name);
  const prefixed = names.filter((name) => name.startsWith(word));
  if (prefixed.length > 0) return prefixed.slice(0, 3);
  const allowed = word.length <= 4 ? 1 : 2;
  const scored = names
    .map((name) => ({ name, distance: editDistance(word, name) }))
    .filter(({ distance }) => distance <= allowed);
  const best = Math.min(...scored.map(({ distance }) => distance));
  return scored.filter(({ distance }) => distance === best).map(({ name }) => name);
}

/** Edits (insert, delete, replace, swap two neighbours) from `a` to `b`. */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
      }
    }
  }
  return rows[a.length][b.length];
}

function refusal(rawName: string, why: string): UsageError {
  return new UsageError(`${rawName} is refused: ${why}`);
}

/**
 * In ln a word after a bare --backup is a file. atomic-link's --backup once took a SUFFIX that
 * way, so such a word is refused, as a likely old command line, rather than read as a file.
 * A SPEC after it is unambiguous, and allowed.
 */
function refuseSeparateValue(rawName: string, next: Token | undefined, index: number): void {
  if (next?.kind !== 'positional' || next.index !== index + 1 || isSpecText(next.value)) return;
  const word = next.value;
  const fix = isBackupControl(word)
    ? `write ${rawName}=${word}`
    : `for a backup suffix write -S ${word} -b (or --suffix=${word}); for a CONTROL, ${rawName}=CONTROL`;
  throw new UsageError(
    `${rawName} ${JSON.stringify(word)}: ${rawName} takes no separate value; ${fix}; ` +
      'before ln-style arguments use -b',
  );
}
