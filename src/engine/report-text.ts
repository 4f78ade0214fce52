import type { BackupStatus, LinkStatus } from './status.js';
import type { GuardReport, LinkResult } from './types.js';

/**
 * `switched: "current" -> "releases/v2" (was "releases/v1")`, one line per link, saying where
 * the link stands: a link not switched says what it still points at.
 */
export function describeResult(result: LinkResult): string {
  const arrow = result.type === 'symbolic' ? '->' : '=>';
  const previous = result.previous === null ? undefined : JSON.stringify(result.previous);
  const after: Record<LinkResult['state'], string | undefined> = {
    switched: previous && `was ${previous}`,
    'would switch': previous && `was ${previous}`,
    unchanged: undefined,
    'not switched': previous && `still ${previous}`,
    unknown: `no answer came: it is this or ${previous ?? 'as it was'}`,
  };
  const from = result.from === undefined ? [] : [`from backup ${JSON.stringify(result.from)}`];
  const said = [after[result.state], ...from].filter(Boolean).join(', ');
  return (
    `${result.state}: ${JSON.stringify(result.link)} ${arrow} ` +
    `${JSON.stringify(result.target)}${said ? ` (${said})` : ''}`
  );
}

/** `1 lookup`, `2 lookups`. */
export function count(number: number, noun: string): string {
  return `${number} ${noun}${number === 1 ? '' : 's'}`;
}

/**
 * `"current" -> "releases/3"`, then a line per backup, newest first, indented: `backup
 * "current.~2~" -> "releases/2"`. A target that cannot be reached is marked `(missing)`.
 */
export function describeStatus(status: LinkStatus): string[] {
  return [
    describeName(status.link, status),
    ...status.backups.map((backup) => `  backup ${describeName(backup.name, backup)}`),
  ];
}

function describeName(name: string, status: Omit<BackupStatus, 'name'> | LinkStatus): string {
  const what: Record<LinkStatus['type'], string> = {
    symbolic: `-> ${JSON.stringify(status.target)}${status.exists ? '' : ' (missing)'}`,
    hard: 'is a hard link or regular file',
    directory: 'is a directory',
    other: 'is not a link or regular file',
    none: 'does not exist',
  };
  return `${JSON.stringify(name)} ${what[status.type]}`;
}

/**
 * What the guard did, in one line: how it watched, whether it was certain, for how long, and
 * what it saw.
 */
export function describeGuard(guard: GuardReport): string {
  const plural = (number: number, one: string, many: string) =>
    `${number} ${number === 1 ? one : many}`;
  const parts: string[] = [];
  if (guard.method !== 'sampling') {
    const others = guard.touched?.length ?? 0;
    parts.push(
      `kernel notifications${guard.certain ? ', certain' : ''}: ` +
        `${plural(guard.events ?? 0, "change to the links' names", "changes to the links' names")} told, ` +
        (others === 0
          ? 'none but ours'
          : `${plural(others, 'link', 'links')} changed by another writer`),
    );
  }
  if (guard.method !== 'notifications') {
    const least =
      guard.perLinkMin === undefined ? '' : `, each link at least ${guard.perLinkMin} times`;
    parts.push(
      `sampled${guard.sampledBecause ? ` (${guard.sampledBecause})` : ''}: ` +
        `${count(guard.lookups, 'lookup')}${least}, ${guard.missing} found a link missing`,
    );
  }
  if (guard.stamps) {
    const replaced = guard.replaced?.length ?? 0;
    parts.push(
      `stamps: ${guard.stamps.checked} of ${plural(guard.stamps.links, 'link', 'links')} ` +
        `looked at once every rename was acknowledged, ` +
        (replaced === 0
          ? 'each the very link renamed there'
          : `${plural(replaced, 'link', 'links')} made again by another writer`),
    );
  }
  if (guard.partlyBlind) parts.push(`partly blind: ${guard.partlyBlind}`);
  if (guard.blind) parts.push(`blind: ${guard.blind}`);
  parts.push(`window ${guard.windowMs} ms`);
  return `guard: ${parts.join('; ')}`;
}

/**
 * Text for a log, one line: what a message carries from elsewhere (a lock's holder, a link's
 * text, a server's error) may hold line breaks, and a line of its own that starts with `::`,
 * or `##[` anywhere in a line, is a command to the GitHub runner. Control characters and line
 * separators are shown as escapes, and `##[` as `##\u005b`.
 */
export function oneLine(text: string): string {
  return text.replace(
    // eslint-disable-next-line no-control-regex -- control characters are what it escapes
    /[\u0000-\u001f\u007f\u2028\u2029]|##\[/g,
    escape,
  );
}

const escape = (found: string) =>
  SHORT_ESCAPES[found] ?? `\\u${found.charCodeAt(0).toString(16).padStart(4, '0')}`;

const SHORT_ESCAPES: Record<string, string> = {
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '##[': '##\\u005b',
};

/**
 * A JSON document for stdout, each of its lines as inert as oneLine's: JSON.stringify leaves
 * U+2028, U+2029 and `##[` as they are, and a `\u` escape reads back as the same text.
 */
export function inertJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/[\u2028\u2029]|##\[/g, escape);
}
