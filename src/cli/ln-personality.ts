import fs from 'node:fs';
import path from 'node:path';
import {
  AtomicLinkError,
  UsageError,
  count,
  inertJson,
  nextBackupSuffix,
  numberedBackups,
} from '../engine/index.js';
import type { GuardReport } from '../engine/index.js';
import { DirLocks } from '../engine/dir-lock.js';
import { Guard } from '../transport/local/guard.js';
import { LocalStore } from '../transport/local/local-store.js';
import { lockTimeout, undecodableArgument } from './args.js';
import { tempName } from '../engine/temp-names.js';
import { backupControl } from './backups.js';
import type { BackupMethod } from './backups.js';
import { LnUsageError, lnUsage, parseLnCommandLine } from './ln-getopt.js';
import pkg from '../../package.json' with { type: 'json' };

/**
 * atomic-link as GNU ln (coreutils 9): invoked as `ln`, or as `atomic-link --ln`. Every option,
 * default, message and exit status is ln's, step for step as ln.c's do_link takes them, so that
 * scripts written for ln run unchanged. What differs is how a name is replaced: a new LINK is
 * made at once (ln's exclusive create), an existing one only under a temporary name that one
 * rename puts in its place, and a backup is a second link to the old file made before that
 * rename, where ln renames the old file away and leaves the name missing until the new link
 * is made. macOS, the BSDs and BusyBox unlink first; GNU ln 9 is atomic except for backups.
 */

interface Settings {
  symbolic: boolean;
  force: boolean;
  interactive: boolean;
  logical: boolean;
  relative: boolean;
  verbose: boolean;
  dereferenceDestDir: boolean;
  backup?: { method: BackupMethod; suffix: string };
  json: boolean;
}

/** What became of one link, for --json. */
interface LnResult {
  link: string;
  target: string;
  type: 'symbolic' | 'hard';
  /** The backup kept, if one was made. */
  backup: string | null;
  /** Whether an existing name was replaced (by one rename). */
  replaced: boolean;
  error: string | null;
}

/** A fatal error, ending the run as ln's die() does: message, exit 1. */
class Fatal extends Error {}

const PROGRAM = 'ln';

/** Runs ln; returns its exit status. */
export async function runLn(
  argv: string[],
  env: Record<string, string | undefined>,
): Promise<number> {
  const results: LnResult[] = [];
  let json = false;
  try {
    refuseUndecodable(argv);
    const settings = readCommandLine(argv, env);
    if (typeof settings === 'number') return settings;
    json = settings.json;
    const dests = plannedLinks(settings);
    const locks = settings.lockTimeout === undefined ? undefined : await lockDirs(dests, settings);
    let ok: boolean;
    let guard: GuardReport | undefined;
    try {
      await locks?.ready(1000);
      const watching = settings.guard ? await watch(dests) : undefined;
      try {
        ok = linkAll(
          settings.run,
          settings.operands,
          settings.targetDir,
          settings.noTarget,
          results,
        );
      } finally {
        guard = await watching?.stop();
      }
    } finally {
      for (const problem of (await locks?.release()) ?? []) say(problem);
    }
    if (json) process.stdout.write(inertJson({ results, ...(guard && { guard }) }) + '\n');
    if (guard?.blind) say(`the guard could not watch: ${guard.blind}`);
    for (const seen of guard?.sightings ?? []) {
      say(
        `the guard saw ${quoteaf(seen.link)} missing ${count(seen.count, 'time')} (not by this ln)`,
      );
    }
    if (guard && guard.missing > 0) return 3;
    return ok ? 0 : 1;
  } catch (error) {
    if (error instanceof LnUsageError) {
      say(error.message);
      process.stderr.write(`Try '${PROGRAM} --help' for more information.\n`);
      return 1;
    }
    if (error instanceof Fatal || error instanceof AtomicLinkError) {
      say(error.message);
      if (json) process.stdout.write(inertJson({ results, error: error.message }) + '\n');
      return 1;
    }
    say(`internal error (please report it): ${(error as Error)?.message ?? error}`);
    return 1;
  }
}

/** `ln -sf x $'\xff'` would make or replace a link of another name: see undecodableArgument. */
function refuseUndecodable(argv: string[]): void {
  const arg = undecodableArgument(argv);
  if (arg === undefined) return;
  throw new Fatal(
    `${quoteaf(arg)}: an argument that is not UTF-8 text (shown with U+FFFD) is refused: ` +
      'it would name another file',
  );
}

function say(message: string): void {
  process.stderr.write(`${PROGRAM}: ${message}\n`);
}

interface Parsed {
  run: Settings & { hardDirLink: boolean };
  json: boolean;
  /** With --lock: how long to wait for the locks, in seconds. */
  lockTimeout?: number;
  guard: boolean;
  operands: string[];
  targetDir: string | undefined;
  noTarget: boolean;
}

/** ln's main() up to the links: options in order, then the operands' form. */
function readCommandLine(argv: string[], env: Record<string, string | undefined>): Parsed | number {
  const { options, operands } = parseLnCommandLine(argv, env);
  const run = {
    symbolic: false,
    force: false,
    interactive: false,
    logical: false,
    relative: false,
    verbose: false,
    dereferenceDestDir: true,
    hardDirLink: false,
    json: false,
  } as Parsed['run'];
  let makeBackups = false;
  let control: string | undefined;
  let suffix: string | undefined;
  let targetDir: string | undefined;
  let noTarget = false;
  let lock = false;
  let guard = false;
  let lockSeconds: string | undefined;
  for (const { key, value } of options) {
    switch (key) {
      case 'b':
        makeBackups = true;
        if (value !== undefined) control = value;
        break;
      case 'F':
        run.hardDirLink = true;
        break;
      case 'f':
        run.force = true;
        run.interactive = false;
        break;
      case 'i':
        run.force = false;
        run.interactive = true;
        break;
      case 'L':
        run.logical = true;
        break;
      case 'P':
        run.logical = false;
        break;
      case 'n':
        run.dereferenceDestDir = false;
        break;
      case 'r':
        run.relative = true;
        break;
      case 's':
        run.symbolic = true;
        break;
      case 't':
        if (targetDir !== undefined) throw new Fatal('multiple target directories specified');
        targetDir = checkTargetDirectory(value as string);
        break;
      case 'T':
        noTarget = true;
        break;
      case 'v':
        run.verbose = true;
        break;
      case 'S':
        makeBackups = true;
        suffix = value;
        break;
      case 'json':
        run.json = true;
        break;
      case 'lock':
        lock = true;
        break;
      case 'guard':
        guard = true;
        break;
      case 'lock-timeout':
        lockSeconds = value;
        break;
      case 'error':
        throw new LnUsageError(value as string);
      case 'help':
        process.stdout.write(lnUsage());
        return 0;
      case 'version':
        process.stdout.write(`${PROGRAM} (atomic-link) ${pkg.version}\n`);
        return 0;
    }
  }
  if (operands.length === 0) throw new LnUsageError('missing file operand');
  if (run.relative && !run.symbolic) throw new Fatal('cannot do --relative without --symbolic');
  if (noTarget) {
    if (targetDir !== undefined) {
      throw new Fatal('cannot combine --target-directory and --no-target-directory');
    }
    if (operands.length < 2) {
      throw new LnUsageError(`missing destination file operand after ${quoteaf(operands[0])}`);
    }
    if (operands.length > 2) throw new LnUsageError(`extra operand ${quoteaf(operands[2])}`);
  }
  if (makeBackups) {
    const method = backupMethod(control, env);
    if (method !== undefined) run.backup = { method, suffix: simpleSuffix(suffix, env) };
  }
  if (lockSeconds !== undefined && !lock) throw new Fatal('--lock-timeout goes with --lock');
  return {
    run,
    json: run.json,
    operands,
    targetDir,
    noTarget,
    guard,
    ...(lock && { lockTimeout: lockTimeout(lockSeconds) }),
  };
}

function checkTargetDirectory(dir: string): string {
  let stats: fs.Stats;
  try {
    stats = fs.statSync(dir);
  } catch (error) {
    throw new Fatal(`failed to access ${quoteaf(dir)}: ${strerror(error)}`);
  }
  if (!stats.isDirectory()) throw new Fatal(`target ${quoteaf(dir)} is not a directory`);
  return dir;
}

/** xget_version: CONTROL, else VERSION_CONTROL, else existing; undefined for none. */
function backupMethod(
  control: string | undefined,
  env: Record<string, string | undefined>,
): BackupMethod | undefined {
  const [word, source] =
    control !== undefined
      ? [control, 'backup type']
      : env.VERSION_CONTROL
        ? [env.VERSION_CONTROL, '$VERSION_CONTROL']
        : ['existing', ''];
  let method;
  try {
    method = backupControl(word, source);
  } catch {
    const ambiguous = ['n', 'ne', 'nev', 'e', 'ex', 'exi', 'exis', 'exist', 'existi', 'existin'];
    throw new LnUsageError(
      `${ambiguous.includes(word) ? 'ambiguous' : 'invalid'} argument ${quoteaf(word)} for ` +
        `${quoteaf(source)}\nValid arguments are:\n  - 'none', 'off'\n  - 'simple', 'never'\n` +
        `  - 'existing', 'nil'\n  - 'numbered', 't'`,
    );
  }
  return method === 'none' ? undefined : method;
}

/**
 * gnulib's set_simple_backup_suffix: -S, else SIMPLE_BACKUP_SUFFIX, else '~'; a suffix that
 * is empty or holds a '/' is '~' (a suffix must not lead the backup out of LINK's directory).
 */
function simpleSuffix(option: string | undefined, env: Record<string, string | undefined>): string {
  const suffix = option ?? env.SIMPLE_BACKUP_SUFFIX;
  return suffix && !suffix.includes('/') ? suffix : '~';
}

/**
 * The LINKs this command line will make, judged before anything is made as ln will judge
 * them (the last operand a directory or not): what --lock locks and --guard watches.
 */
function plannedLinks(parsed: Parsed): string[] {
  const { operands, targetDir, noTarget, run } = parsed;
  const into = (dir: string, files: string[]) =>
    files.map((file) => path.join(dir, lastComponent(file).replace(/(.)\/+$/s, '$1')));
  if (targetDir !== undefined) return into(targetDir, operands);
  if (noTarget) return [operands[1]];
  if (operands.length < 2) return into('.', operands);
  const last = operands.at(-1) as string;
  if (directoryError(last, run.dereferenceDestDir) === undefined) {
    return into(last, operands.slice(0, -1));
  }
  return operands.length === 2 ? [last] : [];
}

/**
 * --lock: atomic-link's locks on the links' directories, taken before anything is made, so
 * that this ln and atomic-link runs over the same directories take turns. A directory that
 * does not resolve is not locked (ln then fails there, naming it).
 */
async function lockDirs(links: string[], parsed: Parsed): Promise<DirLocks> {
  const dirs = new Set<string>();
  for (const link of links) {
    try {
      dirs.add(fs.realpathSync(path.dirname(link)));
    } catch {
      // Nothing can be made there: ln says so.
    }
  }
  const store = new LocalStore({ guard: false, keepAtOnce: true });
  return DirLocks.acquire(store, [...dirs], (parsed.lockTimeout as number) * 1000);
}

/** --guard: the links that exist now, watched from the guard's thread until stop(). */
async function watch(links: string[]): Promise<Guard | undefined> {
  const existing = links.filter((link) => {
    try {
      return !fs.lstatSync(link).isDirectory();
    } catch {
      return false;
    }
  });
  if (existing.length === 0) return undefined;
  const guard = new Guard();
  await guard.watch(
    existing.map((link) => path.resolve(link)),
    { names: existing, followSwitch: false },
  );
  return guard;
}

/** ln's operand forms: TARGET LINK, TARGET, TARGET... DIR, -t DIR TARGET... */
function linkAll(
  run: Parsed['run'],
  operands: string[],
  targetDirectory: string | undefined,
  noTarget: boolean,
  results: LnResult[],
): boolean {
  const linker = new Linker(run, results);
  let targetDir = targetDirectory;
  let files = operands;
  let linkErrno: LinkErrno = 'untried';
  if (!noTarget) {
    if (files.length < 2 && targetDir === undefined) {
      targetDir = '.';
    } else {
      if (files.length === 2 && targetDir === undefined) {
        linkErrno = linker.atomicLink(files[0], files[1]);
      }
      if (
        linkErrno === 'untried' ||
        linkErrno === 'EEXIST' ||
        linkErrno === 'ENOTDIR' ||
        linkErrno === 'EINVAL'
      ) {
        const dir = targetDir ?? (files.at(-1) as string);
        const error = directoryError(dir, run.dereferenceDestDir);
        if (error === undefined) {
          if (targetDir === undefined) files = files.slice(0, -1);
          targetDir = dir;
        } else if (!(files.length === 2 && targetDir === undefined)) {
          throw new Fatal(`target ${quoteaf(dir)}: ${error}`);
        }
      }
    }
  }
  if (targetDir === undefined) return linker.doLink(files[0], files[1], linkErrno);
  linker.recordHardLinks = files.length >= 2 && run.force && !run.symbolic;
  if (run.backup?.method === 'numbered') linker.recordHardLinks = false;
  let ok = true;
  for (const file of files) {
    const base = lastComponent(file).replace(/(.)\/+$/s, '$1');
    const dest = targetDir.endsWith('/') ? targetDir + base : `${targetDir}/${base}`;
    // ln works on the name in the directory: an empty one names nothing (ENOENT), even
    // where the joined path, DIRECTORY/, is the directory itself.
    ok = linker.doLink(file, dest, 'untried', base === '' ? '' : dest) && ok;
  }
  return ok;
}

/** Why `dir` cannot be linked into (open O_DIRECTORY, O_NOFOLLOW with -n), or undefined. */
function directoryError(dir: string, follow: boolean): string | undefined {
  try {
    const stats = follow ? fs.statSync(dir) : fs.lstatSync(dir);
    return stats.isDirectory() ? undefined : strerror({ code: 'ENOTDIR' });
  } catch (error) {
    return strerror(error);
  }
}

/** gnulib's last_component: the name after the last slash, trailing slashes kept. */
function lastComponent(file: string): string {
  const match = /([^/]+\/*)$/s.exec(file);
  return match ? match[1] : '';
}

/** An errno code, 'done' when the link was made, 'untried' before trying. */
type LinkErrno = string;

class Linker {
  /** ln's dest_set: hard links made by this run, which a later TARGET must not replace. */
  recordHardLinks = false;
  private readonly made = new Set<string>();

  constructor(
    private readonly run: Parsed['run'],
    private readonly results: LnResult[],
  ) {}

  /** ln's atomic_link: the plain exclusive create, tried first; 'untried' when ln would not. */
  atomicLink(source: string, dest: string): LinkErrno {
    if (this.run.symbolic)
      return this.run.relative ? 'untried' : attempt(() => fs.symlinkSync(source, dest));
    return this.hardLink(source, dest);
  }

  private hardLink(source: string, dest: string): LinkErrno {
    return attempt(() => {
      // link(2) links a symlink itself (ln -P); ln -L's linkat(AT_SYMLINK_FOLLOW) links the
      // file it leads to, which its real path names.
      fs.linkSync(this.run.logical ? fs.realpathSync(source) : source, dest);
    });
  }

  /** ln.c's do_link, with each replacement and backup made by one rename. */
  doLink(source: string, dest: string, tried: LinkErrno, at = dest): boolean {
    const run = this.run;
    const result: LnResult = {
      link: dest,
      target: source,
      type: run.symbolic ? 'symbolic' : 'hard',
      backup: null,
      replaced: false,
      error: null,
    };
    this.results.push(result);
    const fail = (message: string): boolean => {
      result.error = message;
      say(message);
      return false;
    };
    let linkErrno = tried === 'untried' ? this.atomicLink(source, at) : tried;
    let sourceStats: fs.Stats | undefined;
    let backupHeldBefore = false;
    if ((linkErrno !== 'done' || this.recordHardLinks) && !run.symbolic) {
      try {
        sourceStats = run.logical ? fs.statSync(source) : fs.lstatSync(source);
      } catch (error) {
        return fail(`failed to access ${quoteaf(source)}: ${strerror(error)}`);
      }
    }
    let target = source;
    if (linkErrno !== 'done') {
      if (!run.symbolic && !run.hardDirLink && sourceStats?.isDirectory()) {
        return fail(`${quotef(source)}: hard link not allowed for directory`);
      }
      if (run.relative) target = result.target = relativeTo(source, dest);
      let force = run.force || run.interactive || run.backup !== undefined;
      if (force) {
        let destStats: fs.Stats;
        try {
          destStats = fs.lstatSync(at);
        } catch (error) {
          if (codeOf(error) !== 'ENOENT') {
            return fail(`failed to access ${quoteaf(dest)}: ${strerror(error)}`);
          }
          destStats = undefined as unknown as fs.Stats;
          force = false;
        }
        if (force) {
          if (destStats.isDirectory()) return fail(`${quotef(dest)}: cannot overwrite directory`);
          if (this.made.has(fileKey(dest, destStats))) {
            return fail(`will not overwrite just-created ${quoteaf(dest)} with ${quoteaf(target)}`);
          }
          if (run.backup !== undefined ? !run.symbolic : run.force) {
            // Replacing DEST would remove TARGET itself when both are one directory entry.
            let stats = sourceStats;
            try {
              stats ??= fs.statSync(target);
            } catch {
              stats = undefined;
            }
            if (
              stats !== undefined &&
              stats.dev === destStats.dev &&
              stats.ino === destStats.ino &&
              (stats.nlink === 1 || sameName(target, dest))
            ) {
              return fail(`${quoteaf(target)} and ${quoteaf(dest)} are the same file`);
            }
          }
          if (linkErrno === 'untried' || linkErrno === 'EEXIST') {
            if (run.interactive && !confirm(`${PROGRAM}: replace ${quoteaf(dest)}? `)) return true;
            if (run.backup !== undefined) {
              const made = this.backUp(dest);
              if (made instanceof Error) return fail(made.message);
              if (made === undefined) force = false;
              result.backup = made?.backup ?? null;
              backupHeldBefore = made?.heldBefore ?? false;
            }
          }
        }
      }
      linkErrno = this.forceLink(target, at, force, linkErrno);
      if (linkErrno === 'replaced') result.replaced = true;
    }
    if (linkErrno === 'done' || linkErrno === 'replaced') {
      if (!run.symbolic && this.recordHardLinks && sourceStats) {
        this.made.add(fileKey(dest, sourceStats));
      }
      if (run.verbose) {
        const backup = result.backup === null ? '' : `${quoteaf(result.backup)} ~ `;
        process.stdout.write(
          `${backup}${quoteaf(dest)} ${run.symbolic ? '-' : '='}> ${quoteaf(target)}\n`,
        );
      }
      return true;
    }
    const reason = strerror({ code: linkErrno });
    const message = run.symbolic
      ? linkErrno !== 'ENAMETOOLONG' && target !== ''
        ? `failed to create symbolic link ${quoteaf(dest)}`
        : `failed to create symbolic link ${quoteaf(dest)} -> ${quoteaf(target)}`
      : linkErrno === 'EMLINK'
        ? `failed to create hard link to ${quoteaf(target)}`
        : ['EDQUOT', 'EEXIST', 'ENOSPC', 'EROFS'].includes(linkErrno)
          ? `failed to create hard link ${quoteaf(dest)}`
          : `failed to create hard link ${quoteaf(dest)} => ${quoteaf(target)}`;
    // A backup name that was LINK's file before the run stays, as after ln's rename back.
    if (result.backup !== null && (backupHeldBefore || dropBackup(result.backup, at))) {
      result.backup = null;
    }
    return fail(`${message}: ${reason}`);
  }

  /**
   * force_symlinkat / force_linkat: the exclusive create, and when the name exists and may be
   * replaced, the link made under a fresh temporary name beside it and renamed over it.
   * Returns 'done', 'replaced' or the errno code.
   */
  private forceLink(target: string, dest: string, force: boolean, tried: LinkErrno): LinkErrno {
    const create = (name: string) =>
      this.run.symbolic ? attempt(() => fs.symlinkSync(target, name)) : this.hardLink(target, name);
    const first = tried === 'untried' ? create(dest) : tried;
    if (!force || first !== 'EEXIST') return first;
    return replaceByRename(dest, create, !this.run.symbolic);
  }

  /**
   * A backup of DEST under its backup name, made as a second link to what DEST is (a copy of a
   * symlink, a hard link of anything else) and renamed onto that name: DEST stays in place until
   * the new link replaces it. Returns the backup's path and whether that name was already
   * DEST's file (a hard link of it: ln's rename then does nothing), undefined when DEST is gone
   * (ln then makes the link as new), or the error to report.
   */
  private backUp(dest: string): { backup: string; heldBefore: boolean } | undefined | Error {
    const plan = this.run.backup as NonNullable<Settings['backup']>;
    const dir = path.dirname(dest);
    const base = path.basename(dest);
    let suffix = plan.suffix;
    if (plan.method !== 'simple') {
      let entries: string[] = [];
      try {
        entries = fs.readdirSync(dir);
      } catch {
        // ln's numbering reads nothing it cannot list: the first number, or the simple suffix.
      }
      suffix = nextBackupSuffix(
        numberedBackups(entries).get(base) ?? [],
        plan.method === 'numbered',
        plan.suffix,
      );
    }
    const backupBase = plan.method === 'simple' ? base + suffix : fitted(base, suffix);
    const backup = dest.slice(0, dest.length - base.length) + backupBase;
    // ln's backup is DEST's own file under the new name. Linux's link(2) links a symlink
    // itself; elsewhere it may follow it, so a symlink is copied (its text) instead.
    let text: string | undefined;
    let heldBefore = false;
    try {
      const stats = fs.lstatSync(dest);
      text =
        stats.isSymbolicLink() && process.platform !== 'linux' ? fs.readlinkSync(dest) : undefined;
      heldBefore = sameFile(stats, backup);
    } catch (error) {
      if (codeOf(error) === 'ENOENT') return undefined;
      return new Error(`cannot backup ${quoteaf(dest)}: ${strerror(error)}`);
    }
    const copy = (name: string) =>
      attempt(() => (text === undefined ? fs.linkSync(dest, name) : fs.symlinkSync(text, name)));
    const made = replaceByRename(backup, copy, text === undefined);
    if (made === 'replaced') return { backup, heldBefore };
    if (made === 'ENOENT') return undefined;
    return new Error(`cannot backup ${quoteaf(dest)}: ${strerror({ code: made })}`);
  }
}

/**
 * After a failed link, ln renames its backup back to LINK: LINK is as it was and the backup
 * name is gone. Here LINK never left, so the backup is removed, if it is still the copy of
 * LINK this run made (the same file, or on other systems the same symlink text).
 */
function dropBackup(backup: string, link: string): boolean {
  try {
    const [kept, now] = [fs.lstatSync(backup), fs.lstatSync(link)];
    const same =
      (kept.dev === now.dev && kept.ino === now.ino) ||
      (kept.isSymbolicLink() &&
        now.isSymbolicLink() &&
        fs.readlinkSync(backup) === fs.readlinkSync(link));
    if (same) fs.unlinkSync(backup);
    return same;
  } catch {
    return false;
  }
}

/**
 * gnulib's check_extension, for numbered and existing backups: a backup name longer than the
 * directory's NAME_MAX less one (255 - 1 on Linux's filesystems) becomes LINK's name cut short,
 * ending in '~'. Counted in bytes, as there; cut only between characters.
 */
function fitted(base: string, suffix: string): string {
  const limit = NAME_MAX - 1;
  if (Buffer.byteLength(base + suffix) <= limit) return base + suffix;
  const keep = Math.min(Buffer.byteLength(base), limit - 1);
  let cut = base;
  while (Buffer.byteLength(cut) > keep) cut = cut.slice(0, -1);
  return `${cut}~`;
}

const NAME_MAX = 255;

/**
 * Puts a new link at `dest` by one rename: `create` makes it under a fresh temporary name in
 * dest's directory (exclusive; another name is drawn if that one was taken), and rename(2)
 * replaces `dest` with it. A hard link's temporary name is removed even after the rename: when
 * it and `dest` were already one file, rename does nothing and leaves both names.
 */
function replaceByRename(
  dest: string,
  create: (name: string) => LinkErrno,
  hard: boolean,
): LinkErrno {
  const dir = path.dirname(dest);
  for (let tries = 0; tries < 100; tries++) {
    const temp = path.join(dir, path.basename(tempName('/')));
    const made = create(temp);
    if (made === 'EEXIST') continue;
    if (made !== 'done') return made;
    const renamed = attempt(() => fs.renameSync(temp, dest));
    if (renamed !== 'done' || hard) attempt(() => fs.unlinkSync(temp));
    return renamed === 'done' ? 'replaced' : renamed;
  }
  return 'EEXIST';
}

function attempt(action: () => void): LinkErrno {
  try {
    action();
    return 'done';
  } catch (error) {
    return codeOf(error) ?? 'EIO';
  }
}

function codeOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** Whether `name` is, now, the file `stats` describe. */
function sameFile(stats: fs.Stats, name: string): boolean {
  try {
    const other = fs.lstatSync(name);
    return other.dev === stats.dev && other.ino === stats.ino;
  } catch {
    return false;
  }
}

function fileKey(name: string, stats: fs.Stats): string {
  return `${stats.dev}:${stats.ino}:${name}`;
}

/**
 * same_nameat: one name in one directory (the last components alike, the directories one).
 * The directories are not followed, as there: through a symlinked directory the names are two
 * (and replacing one with the file it already is changes nothing).
 */
function sameName(source: string, dest: string): boolean {
  if (path.basename(source) !== path.basename(dest)) return false;
  try {
    const a = fs.lstatSync(path.dirname(source));
    const b = fs.lstatSync(path.dirname(dest));
    return a.dev === b.dev && a.ino === b.ino;
  } catch {
    return false;
  }
}

/**
 * ln -r's convert_abs_rel: TARGET relative to LINK's directory, both canonicalized with
 * missing components allowed (LINK's own name is not resolved: it may be the symlink to
 * replace). TARGET as given when it cannot be canonicalized (a loop, an empty name).
 */
function relativeTo(source: string, dest: string): string {
  const from = canonicalizeMissing(source);
  const dir = canonicalizeMissing(path.dirname(dest));
  if (from === undefined || dir === undefined) return source;
  return path.posix.relative(dir, from) || '.';
}

/** canonicalize_filename_mode(CAN_MISSING): symlinks resolved where components exist. */
function canonicalizeMissing(file: string): string | undefined {
  if (file === '') return undefined;
  let rest = path.resolve(file).split('/').filter(Boolean);
  let resolved = '/';
  let hops = 0;
  while (rest.length > 0) {
    const part = rest.shift() as string;
    if (part === '.') continue;
    if (part === '..') {
      resolved = path.dirname(resolved);
      continue;
    }
    const next = path.join(resolved, part);
    let text: string | undefined;
    try {
      text = fs.lstatSync(next).isSymbolicLink() ? fs.readlinkSync(next) : undefined;
    } catch {
      // A component that cannot be read is taken as it is, as CAN_MISSING takes a missing one.
    }
    if (text === undefined) {
      resolved = next;
      continue;
    }
    if (++hops > 40) return undefined;
    if (text.startsWith('/')) resolved = '/';
    rest = [...text.split('/').filter(Boolean), ...rest];
  }
  return resolved;
}

/** yesno(): a line from stdin, yes when it starts with y or Y; no at its end. */
function confirm(question: string): boolean {
  process.stderr.write(question);
  const byte = Buffer.alloc(1);
  let line = '';
  for (;;) {
    let read: number;
    try {
      read = fs.readSync(0, byte, 0, 1, null);
    } catch (error) {
      if (codeOf(error) === 'EAGAIN') continue;
      return false;
    }
    if (read === 0 || byte[0] === 0x0a) break;
    line += String.fromCharCode(byte[0]);
  }
  return /^[yY]/.test(line);
}

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'No such file or directory',
  EEXIST: 'File exists',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  EPERM: 'Operation not permitted',
  EACCES: 'Permission denied',
  ELOOP: 'Too many levels of symbolic links',
  ENAMETOOLONG: 'File name too long',
  EXDEV: 'Invalid cross-device link',
  EMLINK: 'Too many links',
  EROFS: 'Read-only file system',
  ENOSPC: 'No space left on device',
  EDQUOT: 'Disk quota exceeded',
  EINVAL: 'Invalid argument',
  EBUSY: 'Device or resource busy',
  ENOTEMPTY: 'Directory not empty',
  EIO: 'Input/output error',
};

/** strerror's text for a failed call, as ln prints it. */
function strerror(error: unknown): string {
  const code = codeOf(error) ?? 'EIO';
  return ERRNO_TEXT[code] ?? code;
}

/**
 * quoteaf (shell-escape-always quoting): 'name', "it's", and control characters as $'\n', so
 * that a name with a line break is still one line on stderr.
 */
export function quoteaf(name: string): string {
  // eslint-disable-next-line no-control-regex
  if (!/[\x00-\x1f\x7f]/.test(name)) {
    if (!name.includes("'")) return `'${name}'`;
    if (!/[\\"$`]/.test(name)) return `"${name}"`;
  }
  let out = '';
  let open = false;
  for (const char of name) {
    const code = char.codePointAt(0) as number;
    if (code < 0x20 || code === 0x7f || char === "'") {
      if (open) out += "'";
      open = false;
      out += char === "'" ? "\\'" : `$'${controlEscape(code)}'`;
    } else {
      if (!open) out += "'";
      open = true;
      out += char;
    }
  }
  return open ? `${out}'` : out || "''";
}

function controlEscape(code: number): string {
  const named: Record<number, string> = {
    7: 'a',
    8: 'b',
    9: 't',
    10: 'n',
    11: 'v',
    12: 'f',
    13: 'r',
  };
  return named[code] !== undefined ? `\\${named[code]}` : `\\${code.toString(8).padStart(3, '0')}`;
}

/** quotef: quoted only when the shell would need it. */
function quotef(name: string): string {
  return /^[A-Za-z0-9_./:,+@%=-]+$/.test(name) ? name : quoteaf(name);
}

/**
 * --install-ln DIR: DIR/ln, a symlink to this program, made only where no ln is (the system's
 * own is never replaced: put DIR before it in PATH). Returns what was done, as a line to print.
 */
export function installLn(dir: string, script: string | undefined): string {
  if (script === undefined) throw new UsageError('--install-ln: cannot tell where this program is');
  const program = fs.realpathSync(script);
  const link = path.join(dir, 'ln');
  try {
    fs.symlinkSync(program, link);
    return `${link} -> ${program}`;
  } catch (error) {
    const code = codeOf(error);
    if (code === 'EEXIST') {
      let text: string | undefined;
      try {
        text = fs.readlinkSync(link);
      } catch {
        text = undefined;
      }
      if (text !== undefined && path.resolve(dir, text) === program) {
        return `${link} -> ${program} (already there)`;
      }
      throw new UsageError(
        `--install-ln ${dir}: ${link} exists and is not this program; it is left alone ` +
          '(choose a directory of your own, early in PATH)',
      );
    }
    throw new UsageError(`--install-ln ${dir}: cannot make ${link}: ${strerror(error)}`);
  }
}
