import { OPTIONS } from './options.js';
import type { OptionDefinition } from './options.js';
import { optionLabel } from './usage.js';

/**
 * GNU ln's command line as glibc's getopt_long reads it ("bdfinrst:vFLPS:T"): short options
 * clustered, a value glued or in the next word, long options abbreviated to any unique prefix,
 * `--backup[=CONTROL]` taking a value only after `=`, options after operands (unless
 * POSIXLY_CORRECT), `--` ending them. Scripts written for ln depend on all of it.
 */

/** One option as given, by its GNU letter (or atomic-link's long name), in the order given. */
export interface LnOption {
  key: string;
  value?: string;
}

export interface LnCommandLine {
  options: LnOption[];
  operands: string[];
}

/** A usage error as getopt reports it: its message, then ln's "Try 'ln --help'" line, exit 1. */
export class LnUsageError extends Error {}

/** GNU ln's long options, by the short letter each stands for (coreutils 9, ln.c). */
const LONG: Record<string, { key: string; takes: 'none' | 'required' | 'optional' }> = {
  backup: { key: 'b', takes: 'optional' },
  directory: { key: 'F', takes: 'none' },
  'no-dereference': { key: 'n', takes: 'none' },
  'no-target-directory': { key: 'T', takes: 'none' },
  force: { key: 'f', takes: 'none' },
  interactive: { key: 'i', takes: 'none' },
  suffix: { key: 'S', takes: 'required' },
  'target-directory': { key: 't', takes: 'required' },
  logical: { key: 'L', takes: 'none' },
  physical: { key: 'P', takes: 'none' },
  relative: { key: 'r', takes: 'none' },
  symbolic: { key: 's', takes: 'none' },
  verbose: { key: 'v', takes: 'none' },
  help: { key: 'help', takes: 'none' },
  version: { key: 'version', takes: 'none' },
};

const SHORT_FLAGS = new Set('bdfinrsvFLPT');
const SHORT_VALUED = new Set('tS');

/**
 * atomic-link's own options that ln mode takes too, by their full long names only: GNU's
 * abbreviations must mean what they mean to ln (`--s` stays ambiguous, never `--spec-file`).
 */
export const OWN_IN_LN = ['json', 'lock', 'lock-timeout', 'guard'] as const;

export function parseLnCommandLine(
  argv: string[],
  env: Record<string, string | undefined>,
): LnCommandLine {
  const options: LnOption[] = [];
  const operands: string[] = [];
  const posixly = env.POSIXLY_CORRECT !== undefined;
  try {
    readArguments(argv, posixly, options, operands);
  } catch (error) {
    if (!(error instanceof LnUsageError)) throw error;
    // ln acts on each option as getopt hands it over: what comes before a bad one (--help,
    // -t checking its directory) happens first. The error takes its place, and ends the list.
    options.push({ key: 'error', value: error.message });
  }
  return { options, operands };
}

function readArguments(
  argv: string[],
  posixly: boolean,
  options: LnOption[],
  operands: string[],
): void {
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index];
    if (arg === '--') {
      operands.push(...argv.slice(index + 1));
      break;
    }
    if (arg.startsWith('--')) {
      index = longOption(argv, index, options);
    } else if (arg.startsWith('-') && arg !== '-') {
      index = shortOptions(argv, index, options);
    } else if (posixly) {
      operands.push(...argv.slice(index));
      break;
    } else {
      operands.push(arg);
    }
  }
}

function longOption(argv: string[], index: number, options: LnOption[]): number {
  const arg = argv[index];
  const equals = arg.indexOf('=');
  const given = arg.slice(2, equals < 0 ? undefined : equals);
  const glued = equals < 0 ? undefined : arg.slice(equals + 1);
  const name = resolveLong(given, arg);
  if (name === undefined) {
    const own = OWN_IN_LN.find((candidate) => candidate === given);
    if (own === undefined) throw new LnUsageError(`unrecognized option '${arg}'`);
    if (own === 'lock-timeout') return required(argv, index, glued, own, `--${own}`, options);
    if (glued !== undefined) throw new LnUsageError(`option '--${own}' doesn't allow an argument`);
    options.push({ key: own });
    return index;
  }
  const { key, takes } = LONG[name];
  if (takes === 'none') {
    if (glued !== undefined) throw new LnUsageError(`option '--${name}' doesn't allow an argument`);
    options.push({ key });
    return index;
  }
  if (takes === 'optional') {
    options.push({ key, ...(glued !== undefined && { value: glued }) });
    return index;
  }
  return required(argv, index, glued, key, `--${name}`, options);
}

function required(
  argv: string[],
  index: number,
  glued: string | undefined,
  key: string,
  shown: string,
  options: LnOption[],
): number {
  if (glued !== undefined) {
    options.push({ key, value: glued });
    return index;
  }
  if (index + 1 >= argv.length) throw new LnUsageError(`option '${shown}' requires an argument`);
  options.push({ key, value: argv[index + 1] });
  return index + 1;
}

/** A long name as getopt_long matches it: exact, or the one option a prefix begins. */
function resolveLong(given: string, arg: string): string | undefined {
  if (Object.hasOwn(LONG, given)) return given;
  if (given === '') return undefined;
  const matches = Object.keys(LONG).filter((name) => name.startsWith(given));
  if (matches.length === 1) return matches[0];
  if (matches.length > 1) {
    const possibilities = matches.map((name) => `'--${name}'`).join(' ');
    throw new LnUsageError(
      `option '${arg.split('=')[0]}' is ambiguous; possibilities: ${possibilities}`,
    );
  }
  return undefined;
}

function shortOptions(argv: string[], index: number, options: LnOption[]): number {
  const arg = argv[index];
  for (let at = 1; at < arg.length; at++) {
    const letter = arg[at];
    if (SHORT_VALUED.has(letter)) {
      if (at + 1 < arg.length) {
        options.push({ key: letter, value: arg.slice(at + 1) });
        return index;
      }
      if (index + 1 >= argv.length) {
        throw new LnUsageError(`option requires an argument -- '${letter}'`);
      }
      options.push({ key: letter, value: argv[index + 1] });
      return index + 1;
    }
    if (!SHORT_FLAGS.has(letter)) throw new LnUsageError(`invalid option -- '${letter}'`);
    options.push({ key: letter === 'd' ? 'F' : letter });
  }
  return index;
}

/** ln's --help: GNU's own option texts, from the one table of options. */
export function lnUsage(): string {
  const lines = (Object.entries(OPTIONS) as [string, OptionDefinition][])
    .filter(([, definition]) => definition.group === 'ln')
    .map(([name, definition]) => {
      // Only ln's own letters: atomic-link's -h is not ln's.
      const short = [...(definition.short ?? '')]
        .filter((letter) => SHORT_FLAGS.has(letter) || SHORT_VALUED.has(letter))
        .join('');
      const label = `${short ? '  ' : '      '}${optionLabel(name, { ...definition, short })}`;
      return `${label.padEnd(28)}  ${definition.gnu}`;
    });
  return `Usage: ln [OPTION]... [-T] TARGET LINK_NAME
  or:  ln [OPTION]... TARGET
  or:  ln [OPTION]... TARGET... DIRECTORY
  or:  ln [OPTION]... -t DIRECTORY TARGET...
In the 1st form, create a link to TARGET with the name LINK_NAME.
In the 2nd form, create a link to TARGET in the current directory.
In the 3rd and 4th forms, create links to each TARGET in DIRECTORY.
Create hard links by default, symbolic links with --symbolic.
By default, each destination (name of new link) should not already exist.
When creating hard links, each TARGET must exist.  Symbolic links
can hold arbitrary text; if later resolved, a relative link is
interpreted in relation to its parent directory.

This is atomic-link acting as GNU ln: an existing LINK_NAME is replaced (with -f, -b
or -i) by one rename, never removed first, and a backup is made before it is replaced,
so that the name is never missing.

Mandatory arguments to long options are mandatory for short options too.
${lines.join('\n')}

atomic-link's options, by their full names only:
      --json                  print a JSON report of the links made on stdout
      --guard                 watch the existing LINKs while they are replaced, from a thread
                                of its own; exit 3 if one was seen missing
      --lock                  take atomic-link's lock in each LINK's directory first, as the
                                atomic-link command does (waits for other runs)
      --lock-timeout=SECONDS  with --lock: wait this long (default 60, at least 5)

The backup suffix is '~', unless set with --suffix or SIMPLE_BACKUP_SUFFIX.
The version control method may be selected via the --backup option or through
the VERSION_CONTROL environment variable.  Here are the values:

  none, off       never make backups (even if --backup is given)
  numbered, t     make numbered backups
  existing, nil   numbered if numbered backups exist, simple otherwise
  simple, never   always make simple backups

Using -s ignores -L and -P.  Otherwise, the last option specified controls
behavior when a TARGET is a symbolic link, defaulting to -P.
`;
}
