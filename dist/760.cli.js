export const id = 760;
export const ids = [760,761];
export const modules = {

/***/ 9760:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  installLn: () => (/* binding */ installLn),
  quoteaf: () => (/* binding */ quoteaf),
  runLn: () => (/* binding */ runLn)
});

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./lib/engine/index.js + 8 modules
var engine = __webpack_require__(2955);
// EXTERNAL MODULE: ./lib/engine/dir-lock.js
var dir_lock = __webpack_require__(137);
// EXTERNAL MODULE: ./lib/transport/local/guard.js + 2 modules
var local_guard = __webpack_require__(3300);
// EXTERNAL MODULE: ./lib/transport/local/local-store.js + 3 modules
var local_store = __webpack_require__(186);
// EXTERNAL MODULE: ./lib/cli/args.js + 1 modules
var args = __webpack_require__(5737);
// EXTERNAL MODULE: ./lib/engine/temp-names.js
var temp_names = __webpack_require__(3363);
// EXTERNAL MODULE: ./lib/cli/backups.js
var backups = __webpack_require__(9925);
// EXTERNAL MODULE: ./lib/cli/options.js + 1 modules
var options = __webpack_require__(3786);
// EXTERNAL MODULE: ./lib/cli/usage.js
var usage = __webpack_require__(4761);
;// CONCATENATED MODULE: ./lib/cli/ln-getopt.js


/** A usage error as getopt reports it: its message, then ln's "Try 'ln --help'" line, exit 1. */
class LnUsageError extends Error {
}
/** GNU ln's long options, by the short letter each stands for (coreutils 9, ln.c). */
const LONG = {
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
const OWN_IN_LN = ['json', 'lock', 'lock-timeout', 'guard'];
function parseLnCommandLine(argv, env) {
    const options = [];
    const operands = [];
    const posixly = env.POSIXLY_CORRECT !== undefined;
    try {
        readArguments(argv, posixly, options, operands);
    }
    catch (error) {
        if (!(error instanceof LnUsageError))
            throw error;
        // ln acts on each option as getopt hands it over: what comes before a bad one (--help,
        // -t checking its directory) happens first. The error takes its place, and ends the list.
        options.push({ key: 'error', value: error.message });
    }
    return { options, operands };
}
function readArguments(argv, posixly, options, operands) {
    for (let index = 0; index < argv.length; index++) {
        const arg = argv[index];
        if (arg === '--') {
            operands.push(...argv.slice(index + 1));
            break;
        }
        if (arg.startsWith('--')) {
            index = longOption(argv, index, options);
        }
        else if (arg.startsWith('-') && arg !== '-') {
            index = shortOptions(argv, index, options);
        }
        else if (posixly) {
            operands.push(...argv.slice(index));
            break;
        }
        else {
            operands.push(arg);
        }
    }
}
function longOption(argv, index, options) {
    const arg = argv[index];
    const equals = arg.indexOf('=');
    const given = arg.slice(2, equals < 0 ? undefined : equals);
    const glued = equals < 0 ? undefined : arg.slice(equals + 1);
    const name = resolveLong(given, arg);
    if (name === undefined) {
        const own = OWN_IN_LN.find((candidate) => candidate === given);
        if (own === undefined)
            throw new LnUsageError(`unrecognized option '${arg}'`);
        if (own === 'lock-timeout')
            return required(argv, index, glued, own, `--${own}`, options);
        if (glued !== undefined)
            throw new LnUsageError(`option '--${own}' doesn't allow an argument`);
        options.push({ key: own });
        return index;
    }
    const { key, takes } = LONG[name];
    if (takes === 'none') {
        if (glued !== undefined)
            throw new LnUsageError(`option '--${name}' doesn't allow an argument`);
        options.push({ key });
        return index;
    }
    if (takes === 'optional') {
        options.push({ key, ...(glued !== undefined && { value: glued }) });
        return index;
    }
    return required(argv, index, glued, key, `--${name}`, options);
}
function required(argv, index, glued, key, shown, options) {
    if (glued !== undefined) {
        options.push({ key, value: glued });
        return index;
    }
    if (index + 1 >= argv.length)
        throw new LnUsageError(`option '${shown}' requires an argument`);
    options.push({ key, value: argv[index + 1] });
    return index + 1;
}
/** A long name as getopt_long matches it: exact, or the one option a prefix begins. */
function resolveLong(given, arg) {
    if (Object.hasOwn(LONG, given))
        return given;
    if (given === '')
        return undefined;
    const matches = Object.keys(LONG).filter((name) => name.startsWith(given));
    if (matches.length === 1)
        return matches[0];
    if (matches.length > 1) {
        const possibilities = matches.map((name) => `'--${name}'`).join(' ');
        throw new LnUsageError(`option '${arg.split('=')[0]}' is ambiguous; possibilities: ${possibilities}`);
    }
    return undefined;
}
function shortOptions(argv, index, options) {
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
        if (!SHORT_FLAGS.has(letter))
            throw new LnUsageError(`invalid option -- '${letter}'`);
        options.push({ key: letter === 'd' ? 'F' : letter });
    }
    return index;
}
/** ln's --help: GNU's own option texts, from the one table of options. */
function lnUsage() {
    const lines = Object.entries(options/* OPTIONS */.lw)
        .filter(([, definition]) => definition.group === 'ln')
        .map(([name, definition]) => {
        // Only ln's own letters: atomic-link's -h is not ln's.
        const short = [...(definition.short ?? '')]
            .filter((letter) => SHORT_FLAGS.has(letter) || SHORT_VALUED.has(letter))
            .join('');
        const label = `${short ? '  ' : '      '}${(0,usage/* optionLabel */.e)(name, { ...definition, short })}`;
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

// EXTERNAL MODULE: ./package.json
var package_0 = __webpack_require__(8330);
;// CONCATENATED MODULE: ./lib/cli/ln-personality.js











/** A fatal error, ending the run as ln's die() does: message, exit 1. */
class Fatal extends Error {
}
const PROGRAM = 'ln';
/** Runs ln; returns its exit status. */
async function runLn(argv, env) {
    const results = [];
    let json = false;
    try {
        refuseUndecodable(argv);
        const settings = readCommandLine(argv, env);
        if (typeof settings === 'number')
            return settings;
        json = settings.json;
        const dests = plannedLinks(settings);
        const locks = settings.lockTimeout === undefined ? undefined : await lockDirs(dests, settings);
        let ok;
        let guard;
        try {
            await locks?.ready(1000);
            const watching = settings.guard ? await watch(dests) : undefined;
            try {
                ok = linkAll(settings.run, settings.operands, settings.targetDir, settings.noTarget, results);
            }
            finally {
                guard = await watching?.stop();
            }
        }
        finally {
            for (const problem of (await locks?.release()) ?? [])
                say(problem);
        }
        if (json)
            process.stdout.write((0,engine/* inertJson */.nl)({ results, ...(guard && { guard }) }) + '\n');
        if (guard?.blind)
            say(`the guard could not watch: ${guard.blind}`);
        for (const seen of guard?.sightings ?? []) {
            say(`the guard saw ${quoteaf(seen.link)} missing ${(0,engine/* count */.U9)(seen.count, 'time')} (not by this ln)`);
        }
        if (guard && guard.missing > 0)
            return 3;
        return ok ? 0 : 1;
    }
    catch (error) {
        if (error instanceof LnUsageError) {
            say(error.message);
            process.stderr.write(`Try '${PROGRAM} --help' for more information.\n`);
            return 1;
        }
        if (error instanceof Fatal || error instanceof engine/* AtomicLinkError */.G7) {
            say(error.message);
            if (json)
                process.stdout.write((0,engine/* inertJson */.nl)({ results, error: error.message }) + '\n');
            return 1;
        }
        say(`internal error (please report it): ${error?.message ?? error}`);
        return 1;
    }
}
/** `ln -sf x $'\xff'` would make or replace a link of another name: see undecodableArgument. */
function refuseUndecodable(argv) {
    const arg = (0,args/* undecodableArgument */.KJ)(argv);
    if (arg === undefined)
        return;
    throw new Fatal(`${quoteaf(arg)}: an argument that is not UTF-8 text (shown with U+FFFD) is refused: ` +
        'it would name another file');
}
function say(message) {
    process.stderr.write(`${PROGRAM}: ${message}\n`);
}
/** ln's main() up to the links: options in order, then the operands' form. */
function readCommandLine(argv, env) {
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
    };
    let makeBackups = false;
    let control;
    let suffix;
    let targetDir;
    let noTarget = false;
    let lock = false;
    let guard = false;
    let lockSeconds;
    for (const { key, value } of options) {
        switch (key) {
            case 'b':
                makeBackups = true;
                if (value !== undefined)
                    control = value;
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
                if (targetDir !== undefined)
                    throw new Fatal('multiple target directories specified');
                targetDir = checkTargetDirectory(value);
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
                throw new LnUsageError(value);
            case 'help':
                process.stdout.write(lnUsage());
                return 0;
            case 'version':
                process.stdout.write(`${PROGRAM} (atomic-link) ${package_0/* version */.rE}\n`);
                return 0;
        }
    }
    if (operands.length === 0)
        throw new LnUsageError('missing file operand');
    if (run.relative && !run.symbolic)
        throw new Fatal('cannot do --relative without --symbolic');
    if (noTarget) {
        if (targetDir !== undefined) {
            throw new Fatal('cannot combine --target-directory and --no-target-directory');
        }
        if (operands.length < 2) {
            throw new LnUsageError(`missing destination file operand after ${quoteaf(operands[0])}`);
        }
        if (operands.length > 2)
            throw new LnUsageError(`extra operand ${quoteaf(operands[2])}`);
    }
    if (makeBackups) {
        const method = backupMethod(control, env);
        if (method !== undefined)
            run.backup = { method, suffix: simpleSuffix(suffix, env) };
    }
    if (lockSeconds !== undefined && !lock)
        throw new Fatal('--lock-timeout goes with --lock');
    return {
        run,
        json: run.json,
        operands,
        targetDir,
        noTarget,
        guard,
        ...(lock && { lockTimeout: (0,args/* lockTimeout */.ZI)(lockSeconds) }),
    };
}
function checkTargetDirectory(dir) {
    let stats;
    try {
        stats = external_node_fs_.statSync(dir);
    }
    catch (error) {
        throw new Fatal(`failed to access ${quoteaf(dir)}: ${strerror(error)}`);
    }
    if (!stats.isDirectory())
        throw new Fatal(`target ${quoteaf(dir)} is not a directory`);
    return dir;
}
/** xget_version: CONTROL, else VERSION_CONTROL, else existing; undefined for none. */
function backupMethod(control, env) {
    const [word, source] = control !== undefined
        ? [control, 'backup type']
        : env.VERSION_CONTROL
            ? [env.VERSION_CONTROL, '$VERSION_CONTROL']
            : ['existing', ''];
    let method;
    try {
        method = (0,backups/* backupControl */.EJ)(word, source);
    }
    catch {
        const ambiguous = ['n', 'ne', 'nev', 'e', 'ex', 'exi', 'exis', 'exist', 'existi', 'existin'];
        throw new LnUsageError(`${ambiguous.includes(word) ? 'ambiguous' : 'invalid'} argument ${quoteaf(word)} for ` +
            `${quoteaf(source)}\nValid arguments are:\n  - 'none', 'off'\n  - 'simple', 'never'\n` +
            `  - 'existing', 'nil'\n  - 'numbered', 't'`);
    }
    return method === 'none' ? undefined : method;
}
/**
 * gnulib's set_simple_backup_suffix: -S, else SIMPLE_BACKUP_SUFFIX, else '~'; a suffix that
 * is empty or holds a '/' is '~' (a suffix must not lead the backup out of LINK's directory).
 */
function simpleSuffix(option, env) {
    const suffix = option ?? env.SIMPLE_BACKUP_SUFFIX;
    return suffix && !suffix.includes('/') ? suffix : '~';
}
/**
 * The LINKs this command line will make, judged before anything is made as ln will judge
 * them (the last operand a directory or not): what --lock locks and --guard watches.
 */
function plannedLinks(parsed) {
    const { operands, targetDir, noTarget, run } = parsed;
    const into = (dir, files) => files.map((file) => external_node_path_.join(dir, lastComponent(file).replace(/(.)\/+$/s, '$1')));
    if (targetDir !== undefined)
        return into(targetDir, operands);
    if (noTarget)
        return [operands[1]];
    if (operands.length < 2)
        return into('.', operands);
    const last = operands.at(-1);
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
async function lockDirs(links, parsed) {
    const dirs = new Set();
    for (const link of links) {
        try {
            dirs.add(external_node_fs_.realpathSync(external_node_path_.dirname(link)));
        }
        catch {
            // Nothing can be made there: ln says so.
        }
    }
    const store = new local_store/* LocalStore */.V({ guard: false, keepAtOnce: true });
    return dir_lock/* DirLocks */.qC.acquire(store, [...dirs], parsed.lockTimeout * 1000);
}
/** --guard: the links that exist now, watched from the guard's thread until stop(). */
async function watch(links) {
    const existing = links.filter((link) => {
        try {
            return !external_node_fs_.lstatSync(link).isDirectory();
        }
        catch {
            return false;
        }
    });
    if (existing.length === 0)
        return undefined;
    const guard = new local_guard/* Guard */.w();
    await guard.watch(existing.map((link) => external_node_path_.resolve(link)), { names: existing, followSwitch: false });
    return guard;
}
/** ln's operand forms: TARGET LINK, TARGET, TARGET... DIR, -t DIR TARGET... */
function linkAll(run, operands, targetDirectory, noTarget, results) {
    const linker = new Linker(run, results);
    let targetDir = targetDirectory;
    let files = operands;
    let linkErrno = 'untried';
    if (!noTarget) {
        if (files.length < 2 && targetDir === undefined) {
            targetDir = '.';
        }
        else {
            if (files.length === 2 && targetDir === undefined) {
                linkErrno = linker.atomicLink(files[0], files[1]);
            }
            if (linkErrno === 'untried' ||
                linkErrno === 'EEXIST' ||
                linkErrno === 'ENOTDIR' ||
                linkErrno === 'EINVAL') {
                const dir = targetDir ?? files.at(-1);
                const error = directoryError(dir, run.dereferenceDestDir);
                if (error === undefined) {
                    if (targetDir === undefined)
                        files = files.slice(0, -1);
                    targetDir = dir;
                }
                else if (!(files.length === 2 && targetDir === undefined)) {
                    throw new Fatal(`target ${quoteaf(dir)}: ${error}`);
                }
            }
        }
    }
    if (targetDir === undefined)
        return linker.doLink(files[0], files[1], linkErrno);
    linker.recordHardLinks = files.length >= 2 && run.force && !run.symbolic;
    if (run.backup?.method === 'numbered')
        linker.recordHardLinks = false;
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
function directoryError(dir, follow) {
    try {
        const stats = follow ? external_node_fs_.statSync(dir) : external_node_fs_.lstatSync(dir);
        return stats.isDirectory() ? undefined : strerror({ code: 'ENOTDIR' });
    }
    catch (error) {
        return strerror(error);
    }
}
/** gnulib's last_component: the name after the last slash, trailing slashes kept. */
function lastComponent(file) {
    const match = /([^/]+\/*)$/s.exec(file);
    return match ? match[1] : '';
}
class Linker {
    run;
    results;
    /** ln's dest_set: hard links made by this run, which a later TARGET must not replace. */
    recordHardLinks = false;
    made = new Set();
    constructor(run, results) {
        this.run = run;
        this.results = results;
    }
    /** ln's atomic_link: the plain exclusive create, tried first; 'untried' when ln would not. */
    atomicLink(source, dest) {
        if (this.run.symbolic)
            return this.run.relative ? 'untried' : attempt(() => external_node_fs_.symlinkSync(source, dest));
        return this.hardLink(source, dest);
    }
    hardLink(source, dest) {
        return attempt(() => {
            // link(2) links a symlink itself (ln -P); ln -L's linkat(AT_SYMLINK_FOLLOW) links the
            // file it leads to, which its real path names.
            external_node_fs_.linkSync(this.run.logical ? external_node_fs_.realpathSync(source) : source, dest);
        });
    }
    /** ln.c's do_link, with each replacement and backup made by one rename. */
    doLink(source, dest, tried, at = dest) {
        const run = this.run;
        const result = {
            link: dest,
            target: source,
            type: run.symbolic ? 'symbolic' : 'hard',
            backup: null,
            replaced: false,
            error: null,
        };
        this.results.push(result);
        const fail = (message) => {
            result.error = message;
            say(message);
            return false;
        };
        let linkErrno = tried === 'untried' ? this.atomicLink(source, at) : tried;
        let sourceStats;
        let backupHeldBefore = false;
        if ((linkErrno !== 'done' || this.recordHardLinks) && !run.symbolic) {
            try {
                sourceStats = run.logical ? external_node_fs_.statSync(source) : external_node_fs_.lstatSync(source);
            }
            catch (error) {
                return fail(`failed to access ${quoteaf(source)}: ${strerror(error)}`);
            }
        }
        let target = source;
        if (linkErrno !== 'done') {
            if (!run.symbolic && !run.hardDirLink && sourceStats?.isDirectory()) {
                return fail(`${quotef(source)}: hard link not allowed for directory`);
            }
            if (run.relative)
                target = result.target = relativeTo(source, dest);
            let force = run.force || run.interactive || run.backup !== undefined;
            if (force) {
                let destStats;
                try {
                    destStats = external_node_fs_.lstatSync(at);
                }
                catch (error) {
                    if (codeOf(error) !== 'ENOENT') {
                        return fail(`failed to access ${quoteaf(dest)}: ${strerror(error)}`);
                    }
                    destStats = undefined;
                    force = false;
                }
                if (force) {
                    if (destStats.isDirectory())
                        return fail(`${quotef(dest)}: cannot overwrite directory`);
                    if (this.made.has(fileKey(dest, destStats))) {
                        return fail(`will not overwrite just-created ${quoteaf(dest)} with ${quoteaf(target)}`);
                    }
                    if (run.backup !== undefined ? !run.symbolic : run.force) {
                        // Replacing DEST would remove TARGET itself when both are one directory entry.
                        let stats = sourceStats;
                        try {
                            stats ??= external_node_fs_.statSync(target);
                        }
                        catch {
                            stats = undefined;
                        }
                        if (stats !== undefined &&
                            stats.dev === destStats.dev &&
                            stats.ino === destStats.ino &&
                            (stats.nlink === 1 || sameName(target, dest))) {
                            return fail(`${quoteaf(target)} and ${quoteaf(dest)} are the same file`);
                        }
                    }
                    if (linkErrno === 'untried' || linkErrno === 'EEXIST') {
                        if (run.interactive && !ln_personality_confirm(`${PROGRAM}: replace ${quoteaf(dest)}? `))
                            return true;
                        if (run.backup !== undefined) {
                            const made = this.backUp(dest);
                            if (made instanceof Error)
                                return fail(made.message);
                            if (made === undefined)
                                force = false;
                            result.backup = made?.backup ?? null;
                            backupHeldBefore = made?.heldBefore ?? false;
                        }
                    }
                }
            }
            linkErrno = this.forceLink(target, at, force, linkErrno);
            if (linkErrno === 'replaced')
                result.replaced = true;
        }
        if (linkErrno === 'done' || linkErrno === 'replaced') {
            if (!run.symbolic && this.recordHardLinks && sourceStats) {
                this.made.add(fileKey(dest, sourceStats));
            }
            if (run.verbose) {
                const backup = result.backup === null ? '' : `${quoteaf(result.backup)} ~ `;
                process.stdout.write(`${backup}${quoteaf(dest)} ${run.symbolic ? '-' : '='}> ${quoteaf(target)}\n`);
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
    forceLink(target, dest, force, tried) {
        const create = (name) => this.run.symbolic ? attempt(() => external_node_fs_.symlinkSync(target, name)) : this.hardLink(target, name);
        const first = tried === 'untried' ? create(dest) : tried;
        if (!force || first !== 'EEXIST')
            return first;
        return replaceByRename(dest, create, !this.run.symbolic);
    }
    /**
     * A backup of DEST under its backup name, made as a second link to what DEST is (a copy of a
     * symlink, a hard link of anything else) and renamed onto that name: DEST stays in place until
     * the new link replaces it. Returns the backup's path and whether that name was already
     * DEST's file (a hard link of it: ln's rename then does nothing), undefined when DEST is gone
     * (ln then makes the link as new), or the error to report.
     */
    backUp(dest) {
        const plan = this.run.backup;
        const dir = external_node_path_.dirname(dest);
        const base = external_node_path_.basename(dest);
        let suffix = plan.suffix;
        if (plan.method !== 'simple') {
            let entries = [];
            try {
                entries = external_node_fs_.readdirSync(dir);
            }
            catch {
                // ln's numbering reads nothing it cannot list: the first number, or the simple suffix.
            }
            suffix = (0,engine/* nextBackupSuffix */.px)((0,engine/* numberedBackups */.So)(entries).get(base) ?? [], plan.method === 'numbered', plan.suffix);
        }
        const backupBase = plan.method === 'simple' ? base + suffix : fitted(base, suffix);
        const backup = dest.slice(0, dest.length - base.length) + backupBase;
        // ln's backup is DEST's own file under the new name. Linux's link(2) links a symlink
        // itself; elsewhere it may follow it, so a symlink is copied (its text) instead.
        let text;
        let heldBefore = false;
        try {
            const stats = external_node_fs_.lstatSync(dest);
            text =
                stats.isSymbolicLink() && process.platform !== 'linux' ? external_node_fs_.readlinkSync(dest) : undefined;
            heldBefore = sameFile(stats, backup);
        }
        catch (error) {
            if (codeOf(error) === 'ENOENT')
                return undefined;
            return new Error(`cannot backup ${quoteaf(dest)}: ${strerror(error)}`);
        }
        const copy = (name) => attempt(() => (text === undefined ? external_node_fs_.linkSync(dest, name) : external_node_fs_.symlinkSync(text, name)));
        const made = replaceByRename(backup, copy, text === undefined);
        if (made === 'replaced')
            return { backup, heldBefore };
        if (made === 'ENOENT')
            return undefined;
        return new Error(`cannot backup ${quoteaf(dest)}: ${strerror({ code: made })}`);
    }
}
/**
 * After a failed link, ln renames its backup back to LINK: LINK is as it was and the backup
 * name is gone. Here LINK never left, so the backup is removed, if it is still the copy of
 * LINK this run made (the same file, or on other systems the same symlink text).
 */
function dropBackup(backup, link) {
    try {
        const [kept, now] = [external_node_fs_.lstatSync(backup), external_node_fs_.lstatSync(link)];
        const same = (kept.dev === now.dev && kept.ino === now.ino) ||
            (kept.isSymbolicLink() &&
                now.isSymbolicLink() &&
                external_node_fs_.readlinkSync(backup) === external_node_fs_.readlinkSync(link));
        if (same)
            external_node_fs_.unlinkSync(backup);
        return same;
    }
    catch {
        return false;
    }
}
/**
 * gnulib's check_extension, for numbered and existing backups: a backup name longer than the
 * directory's NAME_MAX less one (255 - 1 on Linux's filesystems) becomes LINK's name cut short,
 * ending in '~'. Counted in bytes, as there; cut only between characters.
 */
function fitted(base, suffix) {
    const limit = NAME_MAX - 1;
    if (Buffer.byteLength(base + suffix) <= limit)
        return base + suffix;
    const keep = Math.min(Buffer.byteLength(base), limit - 1);
    let cut = base;
    while (Buffer.byteLength(cut) > keep)
        cut = cut.slice(0, -1);
    return `${cut}~`;
}
const NAME_MAX = 255;
/**
 * Puts a new link at `dest` by one rename: `create` makes it under a fresh temporary name in
 * dest's directory (exclusive; another name is drawn if that one was taken), and rename(2)
 * replaces `dest` with it. A hard link's temporary name is removed even after the rename: when
 * it and `dest` were already one file, rename does nothing and leaves both names.
 */
function replaceByRename(dest, create, hard) {
    const dir = external_node_path_.dirname(dest);
    for (let tries = 0; tries < 100; tries++) {
        const temp = external_node_path_.join(dir, external_node_path_.basename((0,temp_names/* tempName */.u8)('/')));
        const made = create(temp);
        if (made === 'EEXIST')
            continue;
        if (made !== 'done')
            return made;
        const renamed = attempt(() => external_node_fs_.renameSync(temp, dest));
        if (renamed !== 'done' || hard)
            attempt(() => external_node_fs_.unlinkSync(temp));
        return renamed === 'done' ? 'replaced' : renamed;
    }
    return 'EEXIST';
}
function attempt(action) {
    try {
        action();
        return 'done';
    }
    catch (error) {
        return codeOf(error) ?? 'EIO';
    }
}
function codeOf(error) {
    return error?.code;
}
/** Whether `name` is, now, the file `stats` describe. */
function sameFile(stats, name) {
    try {
        const other = external_node_fs_.lstatSync(name);
        return other.dev === stats.dev && other.ino === stats.ino;
    }
    catch {
        return false;
    }
}
function fileKey(name, stats) {
    return `${stats.dev}:${stats.ino}:${name}`;
}
/**
 * same_nameat: one name in one directory (the last components alike, the directories one).
 * The directories are not followed, as there: through a symlinked directory the names are two
 * (and replacing one with the file it already is changes nothing).
 */
function sameName(source, dest) {
    if (external_node_path_.basename(source) !== external_node_path_.basename(dest))
        return false;
    try {
        const a = external_node_fs_.lstatSync(external_node_path_.dirname(source));
        const b = external_node_fs_.lstatSync(external_node_path_.dirname(dest));
        return a.dev === b.dev && a.ino === b.ino;
    }
    catch {
        return false;
    }
}
/**
 * ln -r's convert_abs_rel: TARGET relative to LINK's directory, both canonicalized with
 * missing components allowed (LINK's own name is not resolved: it may be the symlink to
 * replace). TARGET as given when it cannot be canonicalized (a loop, an empty name).
 */
function relativeTo(source, dest) {
    const from = canonicalizeMissing(source);
    const dir = canonicalizeMissing(external_node_path_.dirname(dest));
    if (from === undefined || dir === undefined)
        return source;
    return external_node_path_.posix.relative(dir, from) || '.';
}
/** canonicalize_filename_mode(CAN_MISSING): symlinks resolved where components exist. */
function canonicalizeMissing(file) {
    if (file === '')
        return undefined;
    let rest = external_node_path_.resolve(file).split('/').filter(Boolean);
    let resolved = '/';
    let hops = 0;
    while (rest.length > 0) {
        const part = rest.shift();
        if (part === '.')
            continue;
        if (part === '..') {
            resolved = external_node_path_.dirname(resolved);
            continue;
        }
        const next = external_node_path_.join(resolved, part);
        let text;
        try {
            text = external_node_fs_.lstatSync(next).isSymbolicLink() ? external_node_fs_.readlinkSync(next) : undefined;
        }
        catch {
            // A component that cannot be read is taken as it is, as CAN_MISSING takes a missing one.
        }
        if (text === undefined) {
            resolved = next;
            continue;
        }
        if (++hops > 40)
            return undefined;
        if (text.startsWith('/'))
            resolved = '/';
        rest = [...text.split('/').filter(Boolean), ...rest];
    }
    return resolved;
}
/** yesno(): a line from stdin, yes when it starts with y or Y; no at its end. */
function ln_personality_confirm(question) {
    process.stderr.write(question);
    const byte = Buffer.alloc(1);
    let line = '';
    for (;;) {
        let read;
        try {
            read = external_node_fs_.readSync(0, byte, 0, 1, null);
        }
        catch (error) {
            if (codeOf(error) === 'EAGAIN')
                continue;
            return false;
        }
        if (read === 0 || byte[0] === 0x0a)
            break;
        line += String.fromCharCode(byte[0]);
    }
    return /^[yY]/.test(line);
}
const ERRNO_TEXT = {
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
function strerror(error) {
    const code = codeOf(error) ?? 'EIO';
    return ERRNO_TEXT[code] ?? code;
}
/**
 * quoteaf (shell-escape-always quoting): 'name', "it's", and control characters as $'\n', so
 * that a name with a line break is still one line on stderr.
 */
function quoteaf(name) {
    // eslint-disable-next-line no-control-regex
    if (!/[\x00-\x1f\x7f]/.test(name)) {
        if (!name.includes("'"))
            return `'${name}'`;
        if (!/[\\"$`]/.test(name))
            return `"${name}"`;
    }
    let out = '';
    let open = false;
    for (const char of name) {
        const code = char.codePointAt(0);
        if (code < 0x20 || code === 0x7f || char === "'") {
            if (open)
                out += "'";
            open = false;
            out += char === "'" ? "\\'" : `$'${controlEscape(code)}'`;
        }
        else {
            if (!open)
                out += "'";
            open = true;
            out += char;
        }
    }
    return open ? `${out}'` : out || "''";
}
function controlEscape(code) {
    const named = {
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
function quotef(name) {
    return /^[A-Za-z0-9_./:,+@%=-]+$/.test(name) ? name : quoteaf(name);
}
/**
 * --install-ln DIR: DIR/ln, a symlink to this program, made only where no ln is (the system's
 * own is never replaced: put DIR before it in PATH). Returns what was done, as a line to print.
 */
function installLn(dir, script) {
    if (script === undefined)
        throw new engine/* UsageError */.eb('--install-ln: cannot tell where this program is');
    const program = external_node_fs_.realpathSync(script);
    const link = external_node_path_.join(dir, 'ln');
    try {
        external_node_fs_.symlinkSync(program, link);
        return `${link} -> ${program}`;
    }
    catch (error) {
        const code = codeOf(error);
        if (code === 'EEXIST') {
            let text;
            try {
                text = external_node_fs_.readlinkSync(link);
            }
            catch {
                text = undefined;
            }
            if (text !== undefined && external_node_path_.resolve(dir, text) === program) {
                return `${link} -> ${program} (already there)`;
            }
            throw new engine/* UsageError */.eb(`--install-ln ${dir}: ${link} exists and is not this program; it is left alone ` +
                '(choose a directory of your own, early in PATH)');
        }
        throw new engine/* UsageError */.eb(`--install-ln ${dir}: cannot make ${link}: ${strerror(error)}`);
    }
}


/***/ }),

/***/ 4761:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   e: () => (/* binding */ optionLabel),
/* harmony export */   usage: () => (/* binding */ usage)
/* harmony export */ });
/* unused harmony export optionTable */
/* harmony import */ var _options_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3786);

const WIDTH = 100;
/** Where help text starts after an option's name, as in GNU's --help. */
const HELP_COLUMN = 30;
const DEFINITIONS = Object.entries(_options_js__WEBPACK_IMPORTED_MODULE_0__/* .OPTIONS */ .lw);
/** An option as help and the README show it: `-d, -F, --directory`, `--backup[=CONTROL]`, `-b`. */
function optionLabel(name, definition) {
    const letters = [...(definition.short ?? '')].map((letter) => `-${letter}`);
    if (definition.shortOnly)
        return letters.join(', ');
    const value = definition.value ?? '';
    const shown = !value ? '' : definition.optionalValue ? `[=${value}]` : `=${value}`;
    return [...letters, `--${name}${shown}`].join(', ');
}
function optionText(definition) {
    return definition.refused ? `refused: ${definition.refused}` : (definition.help ?? '');
}
/** Words in lines of at most `width` characters, the first `first` characters in. */
function wrap(text, first, indent) {
    const lines = [];
    let line = '';
    let start = first;
    for (const word of text.split(' ')) {
        if (line && start + line.length + 1 + word.length > WIDTH) {
            lines.push(line);
            line = word;
            start = indent;
        }
        else {
            line = line ? `${line} ${word}` : word;
        }
    }
    lines.push(line);
    return lines.join('\n' + ' '.repeat(indent));
}
function helpLine(name, definition) {
    const label = (definition.short ? '  ' : '      ') + optionLabel(name, definition);
    const padded = label.length + 2 > HELP_COLUMN ? `${label}  ` : label.padEnd(HELP_COLUMN);
    return padded + wrap(optionText(definition), padded.length, HELP_COLUMN + 2);
}
function helpGroup(group) {
    const lines = DEFINITIONS.filter(([, definition]) => definition.group === group).map(([name, definition]) => helpLine(name, definition));
    return `${_options_js__WEBPACK_IMPORTED_MODULE_0__/* .GROUP_TITLES */ .Cx[group]}\n${lines.join('\n')}\n`;
}
const paragraph = (text) => wrap(text, 0, 0) + '\n';
/** The --help text; made only when asked for, not on every start. */
function usage() {
    return `Usage: atomic-link [OPTION]... [-T] TARGET LINK
  or:  atomic-link [OPTION]... TARGET
  or:  atomic-link [OPTION]... TARGET... DIRECTORY
  or:  atomic-link [OPTION]... -t DIRECTORY TARGET...
  or:  atomic-link [OPTION]... SPEC...
  or:  atomic-link [OPTION]... --spec-file=FILE
  or:  atomic-link [OPTION]... --rollback LINK...
  or:  atomic-link [OPTION]... --status LINK...
${paragraph('As ln: in the 1st form, make LINK a link to TARGET; in the 2nd, a link to TARGET in the ' +
        'current directory; in the 3rd and 4th, a link to each TARGET in DIRECTORY. Hard links by ' +
        "default, symbolic links with -s. A SPEC is 'LINK -> TARGET' (symbolic) or 'LINK => TARGET' " +
        "(hard); its TARGET is read from the link's own directory, as the kernel reads a symlink's text.")}
${paragraph('Unlike ln, each LINK is switched with a single rename, so that nothing looking it up ever ' +
        'finds it missing, and the run fails (exit 3) if a link was seen missing anyway. A LINK ' +
        'that exists is always replaced (ln -f), and a symlink at LINK is always the link itself, ' +
        'never a directory to link into (ln -n).')}
${helpGroup('ln')}
${paragraph("The backup suffix is '~', unless set with --suffix or SIMPLE_BACKUP_SUFFIX. The version " +
        'control method may be selected via the --backup option or through the VERSION_CONTROL ' +
        'environment variable. Here are the values:')}
  none, off       never make backups (even if --backup is given)
  numbered, t     make numbered backups (LINK.~N~)
  existing, nil   numbered if numbered backups exist, simple otherwise
  simple, never   always make simple backups

${paragraph("A backup is a new link to LINK's old target, switched in before LINK, so that neither is " +
        'ever missing; none is made when LINK is new or already points at TARGET. Using -s ignores ' +
        '-L and -P. Otherwise, the last option specified controls behavior when a TARGET is a ' +
        'symbolic link, defaulting to -P.')}
${helpGroup('own')}
${helpGroup('remote')}
${paragraph('Exit codes: 0 done; 1 the update failed (links as before, or switched back); 2 bad usage ' +
        'or input (nothing touched); 3 a link was seen missing (guard or probe).')}`;
}
const cell = (text) => text.replace(/\|/g, '\\|');
/**
 * A group's options as a Markdown table for the README (scripts/readme-options.js puts it
 * there); ln's own options with GNU ln's meaning beside atomic-link's.
 */
function optionTable(group) {
    const rows = DEFINITIONS.filter(([, definition]) => definition.group === group).map(([name, definition]) => {
        const cells = [`\`${optionLabel(name, definition)}\``];
        if (group === 'ln')
            cells.push(definition.gnu ?? '');
        cells.push(optionText(definition));
        return `| ${cells.map(cell).join(' | ')} |`;
    });
    const header = group === 'ln' ? ['option', 'GNU ln', 'atomic-link'] : ['option', 'meaning'];
    return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows].join('\n');
}


/***/ })

};
