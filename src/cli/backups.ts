import { UsageError } from '../engine/index.js';
import type { History, LinkSpec } from '../engine/index.js';

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
  /** --keep-backups: how many numbered backups of each LINK are left after the switch. */
  keep?: number;
}

/** What the command line asked: --backup[=CONTROL] (true without one), -b, -S, --keep-backups. */
export interface BackupRequest {
  backup?: string | true;
  b?: boolean;
  suffix?: string;
  'keep-backups'?: string;
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
  const keep = keepBackups(request['keep-backups']);
  const asked = request.backup !== undefined || request.b || request.suffix !== undefined;
  if (!asked && keep === undefined) return undefined;
  const control =
    typeof request.backup === 'string'
      ? backupControl(request.backup, '--backup')
      : !asked
        ? 'numbered'
        : env.VERSION_CONTROL
          ? backupControl(env.VERSION_CONTROL, 'VERSION_CONTROL')
          : 'existing';
  if (keep !== undefined && (control === 'none' || control === 'simple')) {
    throw new UsageError(
      `--keep-backups keeps numbered backups, and the backup CONTROL here is ${control}: ` +
        'use --backup=numbered (or existing), or leave --backup out',
    );
  }
  if (control === 'none') return undefined;
  return {
    method: control,
    suffix: simpleSuffix(request.suffix, env.SIMPLE_BACKUP_SUFFIX),
    ...(keep !== undefined && { keep }),
  };
}

/** --keep-backups=N: a whole number, 1 or more (0 would remove the backup just made). */
function keepBackups(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const keep = Number(text);
  if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(keep) || keep < 1) {
    throw new UsageError(
      `--keep-backups ${JSON.stringify(text)} must be a whole number, 1 or more`,
    );
  }
  return keep;
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

/**
 * Gives each spec without a backup suffix of its own (a JSON spec's) the backups `plan` names.
 * Numbered ones are named by the engine under the directories' locks, from each LINK's own
 * directory on each host: two runs cannot choose the same N, and a fleet's hosts each number
 * their own history.
 */
export function nameBackups(specs: LinkSpec[], plan: BackupPlan | undefined): void {
  if (plan === undefined) return;
  const history: History | undefined =
    plan.method === 'simple'
      ? undefined
      : {
          numbered: plan.method === 'numbered',
          ...(plan.keep !== undefined && { keep: plan.keep }),
        };
  for (const spec of specs) {
    if (spec.backup !== undefined) continue;
    if (plan.method !== 'numbered') spec.backup = plan.suffix;
    if (history) spec.history = history;
  }
}

/** The suffix a rollback looks for simple backups under: -S, else SIMPLE_BACKUP_SUFFIX, else '~'. */
export function rollbackSuffix(
  request: BackupRequest,
  env: Record<string, string | undefined>,
  mode: '--rollback' | '--status',
): string {
  if (request.backup !== undefined || request.b || request['keep-backups'] !== undefined) {
    const why =
      mode === '--rollback'
        ? '--rollback makes no backup (a second rollback would go forward again)'
        : '--status changes nothing';
    throw new UsageError(
      `${why}: -b, --backup and --keep-backups are refused with it; ` +
        '-S names the backups it looks for',
    );
  }
  return simpleSuffix(request.suffix, env.SIMPLE_BACKUP_SUFFIX);
}
