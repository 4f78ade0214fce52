import path from 'node:path';
import { UsageError } from './errors.js';
import type { LinkSpec, LinkType } from './types.js';

const ARROWS: Record<string, LinkType> = { '->': 'symbolic', '=>': 'hard' };
// Global, so that a second exec() from where the first match ended finds a second arrow.
const ARROW_PATTERN = /\s(->|=>)\s/g;

/** Parses one `LINK -> TARGET` (symbolic) or `LINK => TARGET` (hard) spec. */
export function parseSpec(text: string, origin: string): LinkSpec {
  ARROW_PATTERN.lastIndex = 0;
  const arrow = ARROW_PATTERN.exec(text);
  const another = arrow !== null && ARROW_PATTERN.exec(text) !== null;
  if (arrow === null || another) {
    throw new UsageError(
      `${origin}: ${quote(text)} must be 'LINK -> TARGET' (symbolic) or 'LINK => TARGET' (hard)` +
        (another ? ', with one arrow' : ''),
    );
  }
  const link = text.slice(0, arrow.index).trim();
  const target = text.slice(arrow.index + arrow[0].length).trim();
  return checkSpec({ link, target, type: ARROWS[arrow[1]], origin });
}

/**
 * LINKs alone, one a line (blank lines and `#` comments skipped), for a rollback or a status:
 * their targets come from the links' backups. `what` names the mode in messages.
 */
export function parseLinkLines(text: string, source: string, what: string): LinkSpec[] {
  if (text.trimStart().startsWith('[')) {
    throw new UsageError(`${source}: ${what} takes LINKs one a line, not a JSON array`);
  }
  const specs: LinkSpec[] = [];
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index].trim();
    if (line !== '' && !line.startsWith('#')) {
      specs.push(linkOnly(line, `${source} line ${index + 1}`, what));
    }
  }
  return specs;
}

/** A spec naming a LINK only; `target` stays empty until its backup is read. */
export function linkOnly(link: string, origin: string, what: string): LinkSpec {
  if (isSpecText(link)) {
    throw new UsageError(`${origin}: ${what} takes LINKs, not SPECs: ${quote(link)}`);
  }
  checkName(link, 'LINK', origin);
  if (link.endsWith('/')) {
    throw new UsageError(`${origin}: LINK ${quote(link)} ends with '/'`);
  }
  return { link, target: '', type: 'symbolic', origin };
}

/** True when the text looks like a spec rather than an ln-style path. */
export function isSpecText(text: string): boolean {
  return new RegExp(ARROW_PATTERN.source).test(text);
}

/**
 * Parses a spec file's text: a JSON array when it starts with `[`, otherwise one spec per line
 * with blank lines and `#` comments. `source` names the file or input in messages.
 */
export function parseSpecText(text: string, source: string): LinkSpec[] {
  if (text.trimStart().startsWith('[')) return parseSpecJson(text, source);
  const specs: LinkSpec[] = [];
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index].trim();
    if (line !== '' && !line.startsWith('#')) {
      specs.push(parseSpec(line, `${source} line ${index + 1}`));
    }
  }
  return specs;
}

const SPEC_KEYS = new Set(['link', 'target', 'type', 'relative', 'expect', 'backup']);
const INTO_KEYS = new Set(['into', 'targets', 'type', 'relative']);

function parseSpecJson(text: string, source: string): LinkSpec[] {
  let items: unknown;
  try {
    items = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${source}: not valid JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(items)) throw new UsageError(`${source}: the JSON must be an array`);
  return items.flatMap((item: unknown, index) => {
    const origin = `${source} item ${index + 1}`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw new UsageError(`${origin}: must be an object with "link" and "target", or "into"`);
    }
    const record = item as Record<string, unknown>;
    return 'into' in record ? intoSpecs(record, origin) : [objectSpec(record, origin)];
  });
}

function objectSpec(record: Record<string, unknown>, origin: string): LinkSpec {
  checkKeys(record, SPEC_KEYS, origin);
  return checkSpec({
    link: stringField(record, 'link', origin, true) as string,
    target: stringField(record, 'target', origin, true) as string,
    type: typeField(record, origin),
    relative: booleanField(record, 'relative', origin),
    expect: stringField(record, 'expect', origin, false),
    backup: stringField(record, 'backup', origin, false),
    origin,
  });
}

/** `{"into": DIR, "targets": [...]}`: one link per target inside DIR, as `ln TARGET... DIR`. */
function intoSpecs(record: Record<string, unknown>, origin: string): LinkSpec[] {
  checkKeys(record, INTO_KEYS, origin);
  const into = stringField(record, 'into', origin, true) as string;
  const targets = record.targets;
  if (!Array.isArray(targets) || targets.length === 0) {
    throw new UsageError(`${origin}: "targets" must be a non-empty array of paths`);
  }
  const type = typeField(record, origin);
  const relative = booleanField(record, 'relative', origin);
  return targets.map((target: unknown, index) => {
    const where = `${origin} target ${index + 1}`;
    if (typeof target !== 'string') throw new UsageError(`${where}: must be a string`);
    return checkSpec({ link: linkInto(into, target), target, type, relative, origin: where });
  });
}

/** The link `ln TARGET DIR` makes: DIR/basename(TARGET). */
export function linkInto(dir: string, target: string): string {
  return path.join(dir, path.basename(target));
}

/** Rejects names no filesystem call should ever see. */
export function checkSpec(spec: LinkSpec): LinkSpec {
  checkName(spec.link, 'LINK', spec.origin);
  checkName(spec.target, 'TARGET', spec.origin);
  checkExpect(spec);
  if (spec.backup !== undefined) {
    checkName(spec.backup, 'backup suffix', spec.origin);
    if (spec.backup.includes('/')) {
      throw new UsageError(`${spec.origin}: backup suffix ${quote(spec.backup)} contains '/'`);
    }
  }
  if (spec.link.endsWith('/')) {
    throw new UsageError(
      `${spec.origin}: LINK ${quote(spec.link)} ends with '/', which would follow the link into its target`,
    );
  }
  return spec;
}

/** An expected target (--expect) is a name like any other. */
export function checkExpect(spec: LinkSpec): LinkSpec {
  if (spec.expect !== undefined) checkName(spec.expect, 'expect', spec.origin);
  return spec;
}

function checkName(value: string, what: string, origin: string): void {
  if (value === '') throw new UsageError(`${origin}: ${what} is empty`);
  if (value.includes('\0')) throw new UsageError(`${origin}: ${what} contains a NUL byte`);
  if (/[\r\n]/.test(value)) {
    throw new UsageError(`${origin}: ${what} ${quote(value)} contains a line break`);
  }
}

function checkKeys(record: Record<string, unknown>, allowed: Set<string>, origin: string): void {
  const unknown = Object.keys(record).filter((key) => !allowed.has(key));
  if (unknown.length > 0) {
    throw new UsageError(
      `${origin}: unknown field ${unknown.map((k) => JSON.stringify(k)).join(', ')}`,
    );
  }
}

function stringField(
  record: Record<string, unknown>,
  key: string,
  origin: string,
  required: boolean,
): string | undefined {
  const value = record[key];
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string') {
    throw new UsageError(`${origin}: "${key}" must be a string`);
  }
  return value;
}

function booleanField(record: Record<string, unknown>, key: string, origin: string): boolean {
  const value = record[key] ?? false;
  if (typeof value !== 'boolean') throw new UsageError(`${origin}: "${key}" must be true or false`);
  return value;
}

function typeField(record: Record<string, unknown>, origin: string): LinkType {
  const value = record.type ?? 'symbolic';
  if (value !== 'symbolic' && value !== 'hard') {
    throw new UsageError(`${origin}: "type" must be "symbolic" or "hard"`);
  }
  return value;
}

/** Quotes a name for a message so that spaces and control characters stay visible. */
export function quote(text: string): string {
  return JSON.stringify(text);
}
