import { UsageError, describeError } from './errors.js';
import { numberedBackups } from './history.js';
import { placeSpecs } from './plan.js';
import { isFailure } from './port.js';
import type { Entry, LinkStore, Outcome } from './port.js';
import { quote } from './specs.js';
import type { LinkSpec, SwitchOptions } from './types.js';

/** A name's state: what it points at, and whether that is there. */
export interface BackupStatus {
  /** The name as the user would write it, beside LINK. */
  name: string;
  /** `symbolic`, `hard` (a regular file: a hard link or a file), or what else is there. */
  type: 'symbolic' | 'hard' | 'directory' | 'other';
  /** A symlink's text as stored; null for anything else. */
  target: string | null;
  /** Whether the target can be reached from the link's directory (a file: it is there). */
  exists: boolean;
}

export interface LinkStatus extends Omit<BackupStatus, 'type' | 'name'> {
  link: string;
  type: BackupStatus['type'] | 'none';
  /** Numbered backups newest first, then LINK+suffix: the order --rollback takes them in. */
  backups: BackupStatus[];
}

/**
 * Each link, its target and its backups, read without a lock and without changing anything:
 * one listing of the links' directories, one inspection of every name, one check that each
 * symlink's text leads somewhere (as the store's own kernel resolves it).
 */
export async function readStatus(
  store: LinkStore,
  specs: LinkSpec[],
  options: SwitchOptions,
): Promise<LinkStatus[]> {
  const placed = await placeSpecs(store, specs, options);
  const dirs = [...new Set(placed.map((item) => item.realDir))];
  const listings = await store.list(dirs);
  // Each directory's entries read once, however many of its links are asked about.
  const read = new Map<
    string,
    { numbered: ReturnType<typeof numberedBackups>; all: Set<string> }
  >();
  const names = placed.map((item) => {
    let entries = read.get(item.realDir);
    if (entries === undefined) {
      const listing = listings[dirs.indexOf(item.realDir)];
      if (isFailure(listing)) {
        throw new UsageError(
          `${item.spec.origin}: cannot list ${item.realDir}: ${describeError(listing)}`,
        );
      }
      entries = { numbered: numberedBackups(listing), all: new Set(listing) };
      read.set(item.realDir, entries);
    }
    const name = item.path.slice(item.path.lastIndexOf('/') + 1);
    const simple = name + (item.spec.rollback?.suffix ?? '~');
    const backups = (entries.numbered.get(name) ?? []).map((backup) => backup.name);
    return [name, ...backups, ...(entries.all.has(simple) ? [simple] : [])];
  });
  const paths = placed.flatMap((item, index) =>
    names[index].map((name) => `${item.realDir === '/' ? '' : item.realDir}/${name}`),
  );
  const entries = await store.inspect(paths);
  const texts: { dir: string; text: string }[] = [];
  let at = 0;
  const found = placed.map((item, index) =>
    names[index].map((name) => {
      const entry = entries[at++];
      if (isFailure(entry)) {
        throw new UsageError(
          `${item.spec.origin}: cannot read ${quote(name)} in ${item.realDir}: ${describeError(entry)}`,
        );
      }
      const reach =
        entry.kind === 'symlink' ? texts.push({ dir: item.realDir, text: entry.text }) - 1 : -1;
      return { name, entry, reach };
    }),
  );
  const reached = await store.reach(texts);
  return placed.map((item, index) => {
    const prefix = item.spec.link.slice(0, item.spec.link.lastIndexOf('/') + 1);
    const [link, ...backups] = found[index].map(({ name, entry, reach }) => ({
      name: prefix + name,
      ...described(entry, reach < 0 ? undefined : reached[reach]),
    }));
    const { name, ...own } = link;
    return {
      link: name,
      ...own,
      backups: backups.filter((backup): backup is BackupStatus => backup.type !== 'none'),
    };
  });
}

function described(
  entry: Entry,
  reached: Outcome<void> | undefined,
): { type: LinkStatus['type']; target: string | null; exists: boolean } {
  switch (entry.kind) {
    case 'symlink':
      return { type: 'symbolic', target: entry.text, exists: !isFailure(reached) };
    case 'file':
      return { type: 'hard', target: null, exists: true };
    case 'none':
      return { type: 'none', target: null, exists: false };
    default:
      return { type: entry.kind, target: null, exists: true };
  }
}
