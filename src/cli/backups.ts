import path from 'node:path';
import { UsageError, describeError, isFailure } from '../engine/index.js';
import type { LinkSpec, LinkStore, Outcome } from '../engine/index.js';

/** GNU ln's backup CONTROL words, by the method each names. */
const CONTROLS = {
  none: ['none', 'off'],
  numbered: ['numbered', 't'],
  existing: ['existing', 'nil'],
  simple: ['simple', 'never'],
} as const;

type Control = keyof typeof CONTROLS;
export type BackupMethod = Exclude<Control, 'none'>;

/** How the CLI names backups; the engine only knows a suffix per spec. */
export interface BackupPlan {
  method: BackupMethod;
  /** The simple backup suffix. */
  suffix: string;
}

/** What the command line asked: --backup[=CONTROL] (true without one), -b, -S SUFFIX. */
export interface BackupRequest {
  backup?: string | true;
  b?: boolean;
  suffix?: string;
}

const WORDS = Object.entries(CONTROLS).flatMap(([control, words]) =>
  words.map((word) => ({ word, control: control as Control })),
);

export function isBackupControl(word: string): boolean {
  return WORDS.some((entry) => entry.word === word);
}

/** A CONTROL read as GNU's argmatch reads it: a word, or an abbreviation naming one method. */
export function backupControl(word: string, source: string): Control {
  const exact = WORDS.find((entry) => entry.word === word);
  if (exact) return exact.control;
  const controls = new Set(
    WORDS.filter((entry) => entry.word.startsWith(word)).map((entry) => entry.control),
  );
  if (controls.size === 1) return [...controls][0];
  throw new UsageError(
    `${source}=${JSON.stringify(word)}: ${controls.size === 0 ? 'not' : 'ambiguous as'} a backup ` +
      'CONTROL, which is none or off, numbered or t, existing or nil, simple or never',
  );
}

/**
 * ln's -b, --backup[=CONTROL] and -S, with VERSION_CONTROL and SIMPLE_BACKUP_SUFFIX as ln reads
 * them: the backups to make, or undefined for none.
 */
export function backupPlan(
  request: BackupRequest,
  env: Record<string, string | undefined>,
): BackupPlan | undefined {
  if (request.backup === undefined && !request.b && request.suffix === undefined) return undefined;
  const control =
    typeof request.backup === 'string'
      ? backupControl(request.backup, '--backup')
      : env.VERSION_CONTROL
        ? backupControl(env.VERSION_CONTROL, 'VERSION_CONTROL')
        : 'existing';
  if (control === 'none') return undefined;
  return { method: control, suffix: simpleSuffix(request.suffix, env.SIMPLE_BACKUP_SUFFIX) };
}

/** GNU ln would put '~' in place of a bad suffix without a word; a deploy should hear of it. */
function simpleSuffix(option: string | undefined, fromEnv: string | undefined): string {
  const [suffix, source] =
    option !== undefined
      ? [option, '-S, --suffix']
      : fromEnv
        ? [fromEnv, 'SIMPLE_BACKUP_SUFFIX']
        : ['~', ''];
  if (suffix === '' || /[/\r\n]/.test(suffix)) {
    throw new UsageError(
      `${source} ${JSON.stringify(suffix)}: a backup suffix must be a name, with no '/' or line break`,
    );
  }
  return suffix;
}

/** NAME.~N~ as GNU's backupfile.c counts it: N from 1, with no leading zero. */
const NUMBERED = /^(.+)\.~([1-9][0-9]*)~$/s;

/** The highest N of each name's numbered backups NAME.~N~ among a directory's entries. */
export function highestBackups(entries: Iterable<string>): Map<string, bigint> {
  const highest = new Map<string, bigint>();
  for (const entry of entries) {
    const match = NUMBERED.exec(entry);
    if (!match) continue;
    const number = BigInt(match[2]);
    if (number > (highest.get(match[1]) ?? 0n)) highest.set(match[1], number);
  }
  return highest;
}

/** The suffix of a link's next backup, given its highest numbered backup so far. */
export function backupSuffix(plan: BackupPlan, highest: bigint | undefined): string {
  if (plan.method === 'simple' || (plan.method === 'existing' && highest === undefined)) {
    return plan.suffix;
  }
  return `.~${(highest ?? 0n) + 1n}~`;
}

/**
 * Gives each spec without a backup suffix of its own (a JSON spec's) the one `plan` names, with
 * LINK paths read from `cwd`. Numbered suffixes are chosen from the directories' entries here,
 * before the engine takes the directories' locks: a concurrent run can choose the same N, and
 * the later backup link then replaces the earlier one atomically, like any link. No name is ever
 * missing, but that earlier backup is not kept.
 */
export async function nameBackups(
  store: LinkStore,
  specs: LinkSpec[],
  plan: BackupPlan | undefined,
  cwd: string,
): Promise<void> {
  if (plan === undefined) return;
  const unnamed = specs.filter((spec) => spec.backup === undefined);
  if (plan.method === 'simple') {
    for (const spec of unnamed) spec.backup = plan.suffix;
    return;
  }
  const dirOf = (spec: LinkSpec) => path.posix.resolve(cwd, path.posix.dirname(spec.link));
  const dirs = [...new Set(unnamed.map(dirOf))];
  const listings = await store.list(dirs);
  const highest = new Map<string, Map<string, bigint>>();
  for (const spec of unnamed) {
    const dir = dirOf(spec);
    if (!highest.has(dir))
      highest.set(dir, highestBackups(names(listings[dirs.indexOf(dir)], dir, spec)));
    spec.backup = backupSuffix(plan, highest.get(dir)?.get(path.posix.basename(spec.link)));
  }
}

/** A missing directory holds no backups; the engine then names it as missing. */
function names(listing: Outcome<string[]>, dir: string, spec: LinkSpec): string[] {
  if (!isFailure(listing)) return listing;
  if (listing.code === 'ENOENT' || listing.code === 'ENOTDIR') return [];
  throw new UsageError(
    `${spec.origin}: cannot list ${dir} for LINK ${JSON.stringify(spec.link)}'s numbered ` +
      `backup: ${describeError(listing)}`,
  );
}
