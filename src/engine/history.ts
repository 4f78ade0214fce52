import path from 'node:path';
import { UpdateError, UsageError, describeError } from './errors.js';
import { isFailure } from './port.js';
import type { Entry, LinkStore, Outcome } from './port.js';
import type { Placed } from './plan.js';
import { quote } from './specs.js';

/** NAME.~N~ as GNU's backupfile.c counts it: N from 1, with no leading zero. */
const NUMBERED = /^(.+)\.~([1-9][0-9]*)~$/s;

export interface NumberedBackup {
  name: string;
  number: bigint;
}

/** Each name's numbered backups NAME.~N~ among a directory's entries, newest (highest N) first. */
export function numberedBackups(entries: Iterable<string>): Map<string, NumberedBackup[]> {
  const byName = new Map<string, NumberedBackup[]>();
  for (const entry of entries) {
    const match = NUMBERED.exec(entry);
    if (!match) continue;
    const found = byName.get(match[1]);
    const backup = { name: entry, number: BigInt(match[2]) };
    if (found) found.push(backup);
    else byName.set(match[1], [backup]);
  }
  for (const backups of byName.values()) {
    backups.sort((a, b) => (a.number < b.number ? 1 : a.number > b.number ? -1 : 0));
  }
  return byName;
}

/**
 * The suffix of LINK's next backup, given its own numbered backups (newest first): numbered
 * when it has any or `numbered` asks for it, as GNU's `existing` and `numbered` controls say,
 * else the simple suffix.
 */
export function nextBackupSuffix<Simple extends string | undefined>(
  own: readonly NumberedBackup[],
  numbered: boolean,
  simple: Simple,
): string | Simple {
  return own.length > 0 || numbered ? `.~${(own[0]?.number ?? 0n) + 1n}~` : simple;
}

const join = (dir: string, name: string) => (dir === '/' ? `/${name}` : `${dir}/${name}`);
const nameOf = (link: string) => link.slice(link.lastIndexOf('/') + 1);
/** A backup's name as the user would write it: beside LINK as LINK is spelled. */
const spelled = (link: string, name: string) => link.slice(0, link.lastIndexOf('/') + 1) + name;

/**
 * Reads, under the directories' locks, what numbered backups and rollbacks need: each
 * directory's entries (one listing for the batch), then for rollbacks every backup's state (one
 * inspection). Returns the items with specs of their own (the caller's are shared by a fleet's
 * hosts, whose histories differ): a numbered backup named, a rollback turned into the switch
 * back to its backup's target.
 */
export async function readHistory(
  store: LinkStore,
  placed: Placed[],
  locked: boolean,
  listed?: Listed,
): Promise<Placed[]> {
  const wanted = placed.filter(({ spec }) => spec.history ?? spec.rollback);
  if (wanted.length === 0) return placed;
  if (!locked) refuseUnlocked(wanted.find(({ spec }) => spec.rollback ?? spec.history?.numbered));
  const backupsIn = await listBackups(store, wanted, listed);
  const rollbacks: { index: number; candidates: string[] }[] = [];
  const items = placed.map((item, index): Placed => {
    const { spec } = item;
    if (!spec.history && !spec.rollback) return item;
    const name = nameOf(spec.link);
    const { numbered, entries } = backupsIn(item.realDir);
    const own = numbered.get(name) ?? [];
    if (spec.rollback) {
      const simple = name + spec.rollback.suffix;
      const candidates = own.map((backup) => backup.name);
      if (entries.has(simple)) candidates.push(simple);
      rollbacks.push({ index, candidates });
      return item;
    }
    const history = spec.history as NonNullable<typeof spec.history>;
    // `existing` numbers once LINK has numbered backups: only then is the lock needed.
    if (own.length > 0 && !locked) refuseUnlocked(item);
    const backup = nextBackupSuffix(own, history.numbered, spec.backup);
    const paths = own.map((numberedBackup) => join(item.realDir, numberedBackup.name));
    return {
      ...item,
      spec: { ...spec, backup },
      ...(history.keep !== undefined && { numbered: paths }),
    };
  });
  if (rollbacks.length > 0) await resolveRollbacks(store, items, rollbacks);
  return items;
}

/**
 * A history is read, then written, under the lock: without it two runs at once choose the
 * same N (the second backup renamed over the first), or roll back with the same backup.
 */
function refuseUnlocked(item: Placed | undefined): void {
  if (item === undefined) return;
  const { origin, link, rollback } = item.spec;
  throw new UsageError(
    `${origin}: ${rollback ? 'a rollback of' : 'the numbered backups of'} LINK ${quote(link)} ` +
      `${rollback ? 'reads and removes its backups' : 'are named'} under the lock ` +
      `(two runs at once would ${rollback ? 'take the same backup' : 'choose the same N, and one backup would be lost'}), ` +
      'so running without the lock is refused; nothing was changed',
  );
}

/** A directory's entries, and its numbered backups by name. */
interface Backups {
  numbered: Map<string, NumberedBackup[]>;
  entries: Set<string>;
}

/** Directories' entries read already under their locks (in the locks' round trip). */
export interface Listed {
  dirs: string[];
  listings: Promise<Outcome<string[]>[]>;
}

/**
 * The entries of the directories of `wanted`, from `listed` if it holds them all, else listed
 * at once; a directory that cannot be listed ends the run.
 */
async function listBackups(
  store: LinkStore,
  wanted: Placed[],
  listed?: Listed,
): Promise<(dir: string) => Backups> {
  const needed = new Set(wanted.map((item) => item.realDir));
  let dirs = [...needed];
  let listings: Outcome<string[]>[];
  const known = new Set(listed?.dirs);
  if (listed && dirs.every((dir) => known.has(dir))) {
    ({ dirs } = listed);
    listings = await listed.listings;
  } else {
    listings = await store.list(dirs);
  }
  const read = new Map<string, Backups>();
  dirs.forEach((dir, index) => {
    if (!needed.has(dir)) return;
    const listing = listings[index];
    if (isFailure(listing)) {
      const item = wanted.find((each) => each.realDir === dir) as Placed;
      throw new UpdateError(
        `${item.spec.origin}: cannot list ${dir} for the backups of LINK ` +
          `${quote(item.spec.link)}: ${describeError(listing)}; nothing was changed`,
      );
    }
    read.set(dir, { numbered: numberedBackups(listing), entries: new Set(listing) });
  });
  return (dir) => read.get(dir) as Backups;
}

/**
 * Turns each rollback into a switch to its newest backup's target. A backup that points where
 * LINK points already is what an interrupted rollback left (LINK switched, the backup not yet
 * removed): it is passed over, and removed with the one used.
 */
async function resolveRollbacks(
  store: LinkStore,
  items: Placed[],
  rollbacks: { index: number; candidates: string[] }[],
): Promise<void> {
  const paths: string[] = [];
  for (const { index, candidates } of rollbacks) {
    const item = items[index];
    paths.push(item.path, ...candidates.map((name) => join(item.realDir, name)));
  }
  const entries = await store.inspect(paths);
  let at = 0;
  for (const { index, candidates } of rollbacks) {
    const item = items[index];
    const link = entryOf(entries[at++], item, item.spec.link);
    checkLink(item, link);
    const passed: string[] = [];
    let chosen: { name: string; entry: Entry } | undefined;
    for (const name of candidates) {
      const entry = entryOf(entries[at++], item, spelled(item.spec.link, name));
      if (chosen !== undefined || entry.kind === 'none') continue;
      checkBackupKind(item, link, name, entry);
      if (sameTarget(item.realDir, link, entry)) passed.push(join(item.realDir, name));
      else chosen = { name, entry };
    }
    if (chosen === undefined) throw noBackup(item, link, passed.length);
    const { origin, link: linkName, expect } = item.spec;
    // A hard link's backup is named from LINK's directory, as a spec's TARGET is.
    const target = chosen.entry.kind === 'symlink' ? chosen.entry.text : chosen.name;
    items[index] = {
      ...item,
      spec: {
        link: linkName,
        target,
        type: chosen.entry.kind === 'symlink' ? 'symbolic' : 'hard',
        origin,
        ...(expect !== undefined && { expect }),
      },
      from: spelled(linkName, chosen.name),
      removeAfter: [join(item.realDir, chosen.name), ...passed],
    };
  }
}

function entryOf(entry: Outcome<Entry>, item: Placed, name: string): Entry {
  if (!isFailure(entry)) return entry;
  throw new UpdateError(
    `${item.spec.origin}: cannot read ${quote(name)} to roll back LINK ` +
      `${quote(item.spec.link)}: ${describeError(entry)}; nothing was changed`,
  );
}

/** Only a link (a symlink, or a file: a hard link) has a target to go back from. */
function checkLink(item: Placed, link: Entry): void {
  if (link.kind === 'symlink' || link.kind === 'file') return;
  const what = link.kind === 'none' ? 'does not exist' : 'is not a link';
  const Refusal = link.kind === 'none' ? UpdateError : UsageError;
  throw new Refusal(
    `${item.spec.origin}: LINK ${quote(item.spec.link)} ${what}: nothing to roll back`,
  );
}

/**
 * What a rollback can go back from: a symlink's backups are symlinks, a hard link's are names
 * of files. Anything else at a backup's name (a directory, a file where a symlink was) was not
 * made by a switch: refused, so that nobody's data becomes LINK.
 */
function checkBackupKind(item: Placed, link: Entry, name: string, backup: Entry): void {
  const { origin, link: linkName } = item.spec;
  if (backup.kind === link.kind) return;
  const kinds: Record<Entry['kind'], string> = {
    none: 'missing',
    symlink: 'a symbolic link',
    file: 'a regular file',
    directory: 'a directory',
    other: 'not a link or regular file',
  };
  throw new UpdateError(
    `${origin}: the backup ${quote(spelled(linkName, name))} of LINK ${quote(linkName)} is ` +
      `${kinds[backup.kind]}, and LINK ${link.kind === 'symlink' ? 'a symbolic link' : 'a hard link or file'}: ` +
      `it is not a backup a switch made; move it away to roll back past it; nothing was changed`,
  );
}

/** Whether a backup leads where LINK does (a hard link: the same file, where inodes are known). */
function sameTarget(dir: string, link: Entry, backup: Entry): boolean {
  if (link.kind === 'symlink' && backup.kind === 'symlink') {
    return path.posix.resolve(dir, link.text) === path.posix.resolve(dir, backup.text);
  }
  return (
    link.kind === 'file' && backup.kind === 'file' && link.id !== undefined && link.id === backup.id
  );
}

function noBackup(item: Placed, link: Entry, passed: number): UpdateError {
  const { origin, link: linkName, rollback } = item.spec;
  const name = nameOf(linkName);
  const stale =
    passed === 0
      ? ''
      : ` (${passed === 1 ? 'a backup points' : `${passed} backups point`} where LINK ` +
        `${link.kind === 'symlink' ? `does, at ${quote(link.text)}` : 'does'})`;
  return new UpdateError(
    `${origin}: LINK ${quote(linkName)} has no backup to roll back to: no ${quote(`${name}.~N~`)} ` +
      `and no ${quote(name + (rollback?.suffix ?? '~'))}${stale}; nothing was changed`,
  );
}
