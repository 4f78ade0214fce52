import { GROUP_TITLES, OPTIONS } from './options.js';
import type { OptionDefinition, OptionGroup } from './options.js';

const WIDTH = 100;
/** Where help text starts after an option's name, as in GNU's --help. */
const HELP_COLUMN = 30;

const DEFINITIONS = Object.entries(OPTIONS) as [string, OptionDefinition][];

/** An option as help and the README show it: `-d, -F, --directory`, `--backup[=CONTROL]`, `-b`. */
export function optionLabel(name: string, definition: OptionDefinition): string {
  const letters = [...(definition.short ?? '')].map((letter) => `-${letter}`);
  if (definition.shortOnly) return letters.join(', ');
  const value = definition.value ?? '';
  const shown = !value ? '' : definition.optionalValue ? `[=${value}]` : `=${value}`;
  return [...letters, `--${name}${shown}`].join(', ');
}

function optionText(definition: OptionDefinition): string {
  return definition.refused ? `refused: ${definition.refused}` : (definition.help ?? '');
}

/** Words in lines of at most `width` characters, the first `first` characters in. */
function wrap(text: string, first: number, indent: number): string {
  const lines: string[] = [];
  let line = '';
  let start = first;
  for (const word of text.split(' ')) {
    if (line && start + line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = word;
      start = indent;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  lines.push(line);
  return lines.join('\n' + ' '.repeat(indent));
}

function helpLine(name: string, definition: OptionDefinition): string {
  const label = (definition.short ? '  ' : '      ') + optionLabel(name, definition);
  const padded = label.length + 2 > HELP_COLUMN ? `${label}  ` : label.padEnd(HELP_COLUMN);
  return padded + wrap(optionText(definition), padded.length, HELP_COLUMN + 2);
}

function helpGroup(group: OptionGroup): string {
  const lines = DEFINITIONS.filter(([, definition]) => definition.group === group).map(
    ([name, definition]) => helpLine(name, definition),
  );
  return `${GROUP_TITLES[group]}\n${lines.join('\n')}\n`;
}

const paragraph = (text: string) => wrap(text, 0, 0) + '\n';

/** The --help text; made only when asked for, not on every start. */
export function usage(): string {
  return `Usage: atomic-link [OPTION]... [-T] TARGET LINK
  or:  atomic-link [OPTION]... TARGET
  or:  atomic-link [OPTION]... TARGET... DIRECTORY
  or:  atomic-link [OPTION]... -t DIRECTORY TARGET...
  or:  atomic-link [OPTION]... SPEC...
  or:  atomic-link [OPTION]... --spec-file=FILE
  or:  atomic-link [OPTION]... --rollback LINK...
  or:  atomic-link [OPTION]... --status LINK...
${paragraph(
  'As ln: in the 1st form, make LINK a link to TARGET; in the 2nd, a link to TARGET in the ' +
    'current directory; in the 3rd and 4th, a link to each TARGET in DIRECTORY. Hard links by ' +
    "default, symbolic links with -s. A SPEC is 'LINK -> TARGET' (symbolic) or 'LINK => TARGET' " +
    "(hard); its TARGET is read from the link's own directory, as the kernel reads a symlink's text.",
)}
${paragraph(
  'Unlike ln, each LINK is switched with a single rename, so that nothing looking it up ever ' +
    'finds it missing, and the run fails (exit 3) if a link was seen missing anyway. A LINK ' +
    'that exists is always replaced (ln -f), and a symlink at LINK is always the link itself, ' +
    'never a directory to link into (ln -n).',
)}
${helpGroup('ln')}
${paragraph(
  "The backup suffix is '~', unless set with --suffix or SIMPLE_BACKUP_SUFFIX. The version " +
    'control method may be selected via the --backup option or through the VERSION_CONTROL ' +
    'environment variable. Here are the values:',
)}
  none, off       never make backups (even if --backup is given)
  numbered, t     make numbered backups (LINK.~N~)
  existing, nil   numbered if numbered backups exist, simple otherwise
  simple, never   always make simple backups

${paragraph(
  "A backup is a new link to LINK's old target, switched in before LINK, so that neither is " +
    'ever missing; none is made when LINK is new or already points at TARGET. Using -s ignores ' +
    '-L and -P. Otherwise, the last option specified controls behavior when a TARGET is a ' +
    'symbolic link, defaulting to -P.',
)}
${helpGroup('own')}
${helpGroup('remote')}
${paragraph(
  'Exit codes: 0 done; 1 the update failed (links as before, or switched back); 2 bad usage ' +
    'or input (nothing touched); 3 a link was seen missing (guard or probe).',
)}`;
}

const cell = (text: string) => text.replace(/\|/g, '\\|');

/**
 * A group's options as a Markdown table for the README (scripts/readme-options.js puts it
 * there); ln's own options with GNU ln's meaning beside atomic-link's.
 */
export function optionTable(group: OptionGroup): string {
  const rows = DEFINITIONS.filter(([, definition]) => definition.group === group).map(
    ([name, definition]) => {
      const cells = [`\`${optionLabel(name, definition)}\``];
      if (group === 'ln') cells.push(definition.gnu ?? '');
      cells.push(optionText(definition));
      return `| ${cells.map(cell).join(' | ')} |`;
    },
  );
  const header = group === 'ln' ? ['option', 'GNU ln', 'atomic-link'] : ['option', 'meaning'];
  return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows].join(
    '\n',
  );
}
