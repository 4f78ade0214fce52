this === undefined && (process.stderr.write('atomic-link: run cli.js beside main.cli.js, not main.cli.js\n'), process.exit(1));
(async function (__WEBPACK_EXTERNAL_createRequire, __atomicLinkUrl, __atomicLinkImport) {
'use strict';
/******/ var __webpack_modules__ = ({

/***/ 406:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(__atomicLinkUrl)("./crypto/build/Release/sshcrypto.node");

/***/ }),

/***/ 2613:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(__atomicLinkUrl)("assert");

/***/ }),

/***/ 181:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(__atomicLinkUrl)("buffer");

/***/ }),

/***/ 5317:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(__atomicLinkUrl)("child_process");

/***/ }),

/***/ 4573:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(__atomicLinkUrl)("cpu-features");

/***/ }),

/***/ 6982:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(__atomicLinkUrl)("crypto");

/***/ }),

/***/ 2250:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(__atomicLinkUrl)("dns");

/***/ }),

/***/ 4434:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(__atomicLinkUrl)("events");

/***/ }),

/***/ 9896:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(__atomicLinkUrl)("fs");

/***/ }),

/***/ 8611:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(__atomicLinkUrl)("http");

/***/ }),

/***/ 5692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(__atomicLinkUrl)("https");

/***/ }),

/***/ 9278:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(__atomicLinkUrl)("net");

/***/ }),

/***/ 1421:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(__atomicLinkUrl)("node:child_process");

/***/ }),

/***/ 7598:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(__atomicLinkUrl)("node:crypto");

/***/ }),

/***/ 3024:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(__atomicLinkUrl)("node:fs");

/***/ }),

/***/ 7030:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(__atomicLinkUrl)("node:net");

/***/ }),

/***/ 8161:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(__atomicLinkUrl)("node:os");

/***/ }),

/***/ 6760:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(__atomicLinkUrl)("node:path");

/***/ }),

/***/ 7075:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(__atomicLinkUrl)("node:stream");

/***/ }),

/***/ 3136:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(__atomicLinkUrl)("node:url");

/***/ }),

/***/ 6928:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(__atomicLinkUrl)("path");

/***/ }),

/***/ 2203:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(__atomicLinkUrl)("stream");

/***/ }),

/***/ 4756:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(__atomicLinkUrl)("tls");

/***/ }),

/***/ 9023:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(__atomicLinkUrl)("util");

/***/ }),

/***/ 3106:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(__atomicLinkUrl)("zlib");

/***/ }),

/***/ 9069:
/***/ ((__webpack_module__, __unused_webpack___webpack_exports__, __nccwpck_require__) => {

__nccwpck_require__.a(__webpack_module__, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony import */ var _cli_main_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(8470);

// The exit status tells how the switch went; a report that cannot be written does not change
// it. A reader gone early (`atomic-link -v ... | head`) is the reader's choice; anything else
// (a full disk behind `>`) is said on stderr, where it can be. The streams get their handlers
// as Node makes them, at their first use, not here: making them loads Node's streams (and
// net, for a pipe): 4 to 5 ms on pipes, 2 to 3 on files, that a run writing nothing never needs.
whenMade('stdout', (stdout) => stdout.on('error', (error) => {
    if (error.code !== 'EPIPE') {
        process.stderr.write(`atomic-link: cannot write to standard output: ${error.code}\n`);
    }
}));
whenMade('stderr', (stderr) => stderr.on('error', () => undefined));
function whenMade(name, ready) {
    const made = Object.getOwnPropertyDescriptor(process, name);
    const make = made?.get;
    if (make === undefined || made?.configurable !== true) {
        ready(process[name]);
        return;
    }
    let stream;
    Object.defineProperty(process, name, {
        configurable: true,
        enumerable: made.enumerable,
        get() {
            if (stream === undefined) {
                stream = make.call(process);
                ready(stream);
            }
            return stream;
        },
    });
}
process.exitCode = await (0,_cli_main_js__WEBPACK_IMPORTED_MODULE_0__/* .run */ .e)(process.argv.slice(2), process.argv[1]);

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 5737:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  ZI: () => (/* binding */ lockTimeout),
  Du: () => (/* binding */ parseCommandLine),
  KJ: () => (/* binding */ undecodableArgument)
});

;// CONCATENATED MODULE: external "node:buffer"
const external_node_buffer_namespaceObject = __WEBPACK_EXTERNAL_createRequire(__atomicLinkUrl)("node:buffer");
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __nccwpck_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __nccwpck_require__(6760);
// EXTERNAL MODULE: ./lib/engine/index.js + 8 modules
var engine = __nccwpck_require__(2955);
// EXTERNAL MODULE: ./lib/platform/read-file.js
var read_file = __nccwpck_require__(3994);
// EXTERNAL MODULE: ./lib/cli/backups.js
var backups = __nccwpck_require__(9925);
// EXTERNAL MODULE: ./lib/cli/options.js + 1 modules
var options = __nccwpck_require__(3786);
;// CONCATENATED MODULE: ./lib/cli/args.js







/**
 * Turns the command line into settings, or throws a UsageError that says what is wrong. `env`
 * holds ln's VERSION_CONTROL and SIMPLE_BACKUP_SUFFIX.
 */
async function parseCommandLine(argv, cwd, env) {
    const undecodable = undecodableArgument(argv);
    if (undecodable !== undefined) {
        throw new engine/* UsageError */.eb(`argument ${JSON.stringify(undecodable)} is not UTF-8 text (shown with U+FFFD): it ` +
            'would name another file; give the names in UTF-8');
    }
    refuseUnquotedSpec(argv, ['->', '=>']);
    const { values, positionals, order } = (0,options/* parseOptions */.Ac)(argv);
    // Not in argv: `--spec-file -` reads stdin. `-f -` once read it too.
    if (values.force && positionals.includes('-')) {
        throw new engine/* UsageError */.eb(`argument "-" is no file to link${specFileHint(values)}`);
    }
    refuseUnquotedSpec(positionals, ['-']);
    if (values.ln)
        throw new engine/* UsageError */.eb("--ln must be the first argument: all after it are ln's");
    const place = await placeOf(values, cwd, env);
    const remote = place.kind !== 'local';
    const base = remote ? (values.chdir ?? '.') : external_node_path_.resolve(cwd, values.chdir ?? '.');
    const settings = {
        command: values.help
            ? 'help'
            : values.version
                ? 'version'
                : values.status
                    ? 'status'
                    : 'switch',
        specs: [],
        options: switchOptions(values, base),
        json: values.json ?? false,
        verbose: values.verbose ?? false,
        place,
    };
    if (settings.command === 'help' || settings.command === 'version')
        return settings;
    if (values['install-ln'] !== undefined) {
        if (argv.length !== (argv.includes(`--install-ln=${values['install-ln']}`) ? 1 : 2)) {
            throw new engine/* UsageError */.eb('--install-ln DIR takes nothing else');
        }
        // An empty DIR names no directory (it is not the working directory, as resolving it makes it).
        if (values['install-ln'] === '')
            throw new engine/* UsageError */.eb('--install-ln: DIR is empty');
        return {
            ...settings,
            command: 'install-ln',
            installDir: external_node_path_.resolve(cwd, values['install-ln']),
        };
    }
    if (values.rollback || values.status) {
        settings.specs = lookBackSpecs(values, positionals, cwd, env, place);
        return settings;
    }
    settings.backup = (0,backups/* backupPlan */.SY)(values, env);
    const notSpec = positionals.find((arg) => !(0,engine/* isSpecText */.p0)(arg));
    if (remote && notSpec !== undefined) {
        throw new engine/* UsageError */.eb(`--ssh takes SPECs ('LINK -> TARGET'), not ln-style arguments` +
            (arrowHint(notSpec) ?? specFileHint(values)));
    }
    // As in ln: -s ignores -L and -P; otherwise the last of them given counts.
    const logical = !values.symbolic &&
        order.findLast((name) => name === 'logical' || name === 'physical') === 'logical';
    const specs = readSpecs(values, positionals, remote ? cwd : base, logical);
    settings.specs = placedLinks(specs, place);
    if (settings.specs.length === 0)
        throw new engine/* UsageError */.eb('no links given; see --help');
    if (values.expect !== undefined && settings.specs.length !== 1) {
        throw new engine/* UsageError */.eb('--expect takes exactly one link');
    }
    // The specs are this parse's own objects: the options that apply to all are set in place,
    // and a spec that takes --expect's value is checked again.
    for (const spec of settings.specs) {
        if (values.relative)
            spec.relative = true;
        if (values.expect !== undefined) {
            spec.expect = values.expect;
            (0,engine/* checkSpec */.g3)(spec);
        }
    }
    const swap = settings.specs.find((spec) => spec.expect !== undefined);
    if (swap && !settings.options.lock) {
        throw new engine/* UsageError */.eb(`${swap.origin}: an expected target (--expect) needs the lock, so --no-lock is refused: ` +
            'only under the lock are the check and the switch one compare-and-swap');
    }
    return settings;
}
/** Remote LINKs are read from the remote directory and must stay in it. */
function placedLinks(specs, place) {
    if (place.kind === 'local')
        return specs;
    if (place.kind === 'fleet')
        return specs.map((spec) => relativeLink(spec));
    return specs.map((spec) => remoteLink(spec, place.target.path));
}
/** Options that make or place links, which a rollback and a status do not. */
const SWITCH_ONLY = [
    'target-directory',
    'no-target-directory',
    'relative',
    'logical',
    'symbolic',
];
/**
 * --rollback and --status take LINKs alone, as arguments or --spec-file lines: what each goes
 * back to, or shows, is read from its backups.
 */
function lookBackSpecs(values, positionals, cwd, env, place) {
    const mode = values.rollback ? '--rollback' : '--status';
    if (values.rollback && values.status)
        throw new engine/* UsageError */.eb('--rollback and --status conflict');
    const stray = SWITCH_ONLY.find((name) => values[name]);
    if (stray !== undefined)
        throw new engine/* UsageError */.eb(`${mode} takes LINKs alone: --${stray} is refused`);
    if (values.status && values.expect !== undefined) {
        throw new engine/* UsageError */.eb('--status changes nothing: --expect goes with a switch or --rollback');
    }
    const suffix = (0,backups/* rollbackSuffix */.QB)(values, env, mode);
    const file = values['spec-file'];
    const fromFile = file === undefined
        ? []
        : (0,engine/* parseLinkLines */.hT)(readText(file, cwd), file === '-' ? 'stdin' : file, mode);
    const specs = placedLinks([...fromFile, ...positionals.map((arg, index) => (0,engine/* linkOnly */.PG)(arg, `argument ${index + 1}`, mode))], place);
    if (specs.length === 0)
        throw new engine/* UsageError */.eb(`${mode} takes the LINKs to read; see --help`);
    if (values.expect !== undefined && specs.length !== 1) {
        throw new engine/* UsageError */.eb('--expect takes exactly one link');
    }
    if (values.expect !== undefined && values['no-lock']) {
        throw new engine/* UsageError */.eb('an expected target (--expect) needs the lock, so --no-lock is refused');
    }
    return specs.map((spec) => (0,engine/* checkExpect */.GR)({
        ...spec,
        rollback: { suffix },
        ...(values.expect !== undefined && { expect: values.expect }),
    }));
}
async function placeOf(values, cwd, env) {
    if (values.ssh === undefined) {
        const stray = SSH_ONLY.find((name) => values[name] !== undefined);
        if (stray)
            throw new engine/* UsageError */.eb(`--${stray} goes with --ssh`);
        if (values['sshfs-option'] !== undefined) {
            throw new engine/* UsageError */.eb('--sshfs-option goes with --ssh and --sshfs');
        }
        return { kind: 'local' };
    }
    const { remotePlace } = await Promise.all(/* import() */[__nccwpck_require__.e(447), __nccwpck_require__.e(656)]).then(__nccwpck_require__.bind(__nccwpck_require__, 1656));
    return remotePlace({ ...values, ssh: values.ssh }, cwd, env);
}
const SSH_ONLY = [
    'ssh-port',
    'identity',
    'known-hosts',
    'sshfs',
    'max-hosts',
    'ssh-config',
    'jump',
    'jump-identity',
    'passphrase-file',
    'allow-proxy-command',
    'host-key-fingerprint',
];
/** Each host reads LINKs from its own PATH: a LINK that names one host's path is refused. */
function relativeLink(spec) {
    if (!external_node_path_.posix.isAbsolute(spec.link))
        return spec;
    throw new engine/* UsageError */.eb(`${spec.origin}: LINK ${JSON.stringify(spec.link)} must be relative with several --ssh: each host reads it from its own PATH`);
}
/** An absolute LINK names a path on the server: it must lie in the remote directory. */
function remoteLink(spec, root) {
    if (!external_node_path_.posix.isAbsolute(spec.link))
        return spec;
    const inside = external_node_path_.posix.relative(root, spec.link);
    if (inside === '' || inside.startsWith('..')) {
        throw new engine/* UsageError */.eb(`${spec.origin}: LINK ${JSON.stringify(spec.link)} is outside the remote directory ${root}`);
    }
    return { ...spec, link: inside };
}
function switchOptions(values, cwd) {
    if (values.probe && values['no-probe'])
        throw new engine/* UsageError */.eb('--probe and --no-probe conflict');
    const probe = values.probe ? 'always' : values['no-probe'] ? 'never' : 'auto';
    return {
        cwd,
        allowDangling: values['allow-dangling'] ?? false,
        replaceFiles: values['replace-files'] ?? false,
        dryRun: values['dry-run'] ?? false,
        guard: !values['no-guard'],
        probe,
        lock: !values['no-lock'],
        lockTimeoutSeconds: lockTimeout(values['lock-timeout']),
        fsync: !values['no-fsync'],
    };
}
function lockTimeout(text) {
    if (text === undefined)
        return 60;
    const seconds = Number(text);
    if (text.trim() === '' || !Number.isFinite(seconds) || seconds < engine/* MIN_LOCK_TIMEOUT_SECONDS */.xg) {
        throw new engine/* UsageError */.eb(`--lock-timeout ${JSON.stringify(text)} must be a number of seconds, at least ` +
            `${engine/* MIN_LOCK_TIMEOUT_SECONDS */.xg}: a shorter one would let a busy holder's lock look stale`);
    }
    return seconds;
}
function readSpecs(values, positionals, cwd, logical) {
    const fromFile = values['spec-file'] === undefined ? [] : readSpecFile(values['spec-file'], cwd);
    const specArgs = positionals.filter((arg) => (0,engine/* isSpecText */.p0)(arg));
    if (specArgs.length > 0 || fromFile.length > 0 || values['spec-file'] !== undefined) {
        if (specArgs.length !== positionals.length) {
            const odd = positionals.find((arg) => !(0,engine/* isSpecText */.p0)(arg));
            throw new engine/* UsageError */.eb(`argument ${JSON.stringify(odd)} is not a SPEC ('LINK -> TARGET')` +
                (arrowHint(odd) ?? '; SPECs and ln-style arguments cannot be mixed'));
        }
        if (values['target-directory'] !== undefined || values['no-target-directory'] || logical) {
            throw new engine/* UsageError */.eb('-t, -T and -L go with ln-style arguments, not with SPECs');
        }
        return [...fromFile, ...specArgs.map((arg, index) => (0,engine/* parseSpec */.F9)(arg, `argument ${index + 1}`))];
    }
    // A spec without spaces around its arrow reads as an ln TARGET: said so, unless it is one.
    const arrowed = positionals.find((arg) => arrowHint(arg) !== undefined && !exists(external_node_path_.resolve(cwd, arg)));
    if (arrowed !== undefined) {
        throw new engine/* UsageError */.eb(`argument ${JSON.stringify(arrowed)} is neither a SPEC nor a file${arrowHint(arrowed)}`);
    }
    return lnStyleSpecs(values, positionals, cwd, logical);
}
/** `; a SPEC needs spaces around its arrow: 'a -> b'`, for an argument with an arrow without them. */
function arrowHint(arg) {
    if (!/->|=>/.test(arg) || (0,engine/* isSpecText */.p0)(arg))
        return undefined;
    const spaced = arg.replace(/\s*(->|=>)\s*/, ' $1 ').trim();
    return `; a SPEC needs spaces around its arrow: ${JSON.stringify(spaced)}`;
}
/**
 * `atomic-link current -> v42` unquoted: the shell takes `> v42` as a redirection (and makes
 * the file v42), and leaves `current -`. A lone arrow or `-` is such a spec, cut by the shell.
 */
function refuseUnquotedSpec(args, lone) {
    const index = args.findIndex((arg) => lone.includes(arg));
    if (index < 0)
        return;
    const [arg, before] = [args[index], args[index - 1]];
    const link = before !== undefined && !before.startsWith('-') ? before : 'LINK';
    const example = `'${link} ${arg === '=>' ? '=>' : '->'} TARGET'`;
    const cut = arg === '-'
        ? ` (what the shell leaves of an unquoted SPEC: it takes '> TARGET' for a redirection, ` +
            `and makes a file TARGET)`
        : '';
    throw new engine/* UsageError */.eb(`argument ${JSON.stringify(arg)}${cut}: quote each SPEC whole, as one argument: ` +
        `atomic-link ${example}`);
}
/**
 * The largest spec file read: a million links take about 60 MiB, and a file past this size
 * would take seconds to read and most of the memory Node has, to fail anyway.
 */
const SPEC_FILE_LIMIT = 256 * 1024 * 1024;
function readSpecFile(file, cwd) {
    return (0,engine/* parseSpecText */.gJ)(readText(file, cwd), file === '-' ? 'stdin' : file);
}
/** A spec file's text, checked: within the size limit, and UTF-8. */
function readText(file, cwd) {
    const source = file === '-' ? 'stdin' : file;
    let bytes;
    try {
        bytes = (0,read_file/* readAtMost */.r)(file === '-' ? 0 : external_node_path_.resolve(cwd, file), SPEC_FILE_LIMIT);
    }
    catch (error) {
        throw new engine/* UsageError */.eb(`spec file ${file}: ${error.message}`);
    }
    if (bytes === undefined) {
        throw new engine/* UsageError */.eb(`spec file ${source} is over ${SPEC_FILE_LIMIT / 2 ** 20} MiB, the most one may hold`);
    }
    // Decoded leniently, bytes that are not UTF-8 would become U+FFFD and name another file.
    if (!(0,external_node_buffer_namespaceObject.isUtf8)(bytes)) {
        throw new engine/* UsageError */.eb(`${source} line ${firstNonUtf8Line(bytes)}: not UTF-8 text; write the names in UTF-8`);
    }
    return bytes.toString('utf8');
}
/** The number of the first line that is not UTF-8, in bytes known to hold one. */
function firstNonUtf8Line(bytes) {
    let line = 1;
    let start = 0;
    for (let end = bytes.indexOf(0x0a); end >= 0; end = bytes.indexOf(0x0a, start)) {
        if (!(0,external_node_buffer_namespaceObject.isUtf8)(bytes.subarray(start, end)))
            return line;
        start = end + 1;
        line++;
    }
    return line;
}
/**
 * ln's argument forms. ln reads TARGET from the current directory for hard links and for -r,
 * so those become absolute here; a plain symlink TARGET is stored as given, as ln does.
 */
function lnStyleSpecs(values, positionals, cwd, logical) {
    const type = values.symbolic ? 'symbolic' : 'hard';
    const spec = (target, link) => {
        const origin = `argument ${JSON.stringify(target)}`;
        let linked = type === 'hard' || values.relative ? external_node_path_.resolve(cwd, target) : target;
        if (logical)
            linked = resolvedTarget(linked, origin);
        const linkPath = external_node_path_.resolve(cwd, link);
        const reached = external_node_path_.resolve(external_node_path_.dirname(linkPath), linked);
        const given = external_node_path_.resolve(cwd, target);
        if (!exists(given) && (reached === linkPath || type === 'hard')) {
            throw new engine/* UsageError */.eb(`${origin}: TARGET ${JSON.stringify(target)} does not exist${specFileHint(values)}`);
        }
        // `-sfn current releases/v2`: LINK and TARGET swapped, the link to replace named as TARGET.
        const swapped = type === 'symbolic' && positionals.length > 1 && isSymlink(given);
        const swap = `: TARGET and LINK swapped? As in ln, TARGET comes first` +
            (positionals.length === 2 && values['target-directory'] === undefined
                ? `: atomic-link -s ${shellWord(positionals[1])} ${shellWord(positionals[0])}`
                : '');
        // Its directory missing is said as such, by the engine.
        const dangling = !exists(reached) && exists(external_node_path_.dirname(linkPath));
        if (swapped && !values['allow-dangling'] && dangling) {
            throw new engine/* UsageError */.eb(`${origin}: TARGET ${JSON.stringify(target)} is a symlink here, but read from the ` +
                `directory of LINK ${JSON.stringify(link)}, as a symlink's text is, it leads nowhere${swap}`);
        }
        if (reached === linkPath) {
            throw new engine/* UsageError */.eb(`${origin}: TARGET and LINK ${JSON.stringify(link)} are the same file` +
                (swapped ? swap : specFileHint(values)));
        }
        return (0,engine/* checkSpec */.g3)({ link, target: linked, type, origin });
    };
    const into = (dir, targets) => targets.map((target) => spec(target, (0,engine/* linkInto */.$e)(dir, target)));
    if (positionals.length === 0)
        return [];
    const dir = values['target-directory'];
    if (dir !== undefined) {
        if (values['no-target-directory'])
            throw new engine/* UsageError */.eb('-t and -T conflict');
        if (!isRealDirectory(cwd, dir))
            throw new engine/* UsageError */.eb(`-t ${JSON.stringify(dir)} is not a directory`);
        return into(dir, positionals);
    }
    if (values['no-target-directory']) {
        if (positionals.length !== 2)
            throw new engine/* UsageError */.eb('-T takes exactly TARGET and LINK');
        return [spec(positionals[0], positionals[1])];
    }
    if (positionals.length === 1)
        return into('.', positionals);
    const last = positionals.at(-1);
    // A symlink to a directory is a link to replace, never a directory to link into (ln -n).
    if (isRealDirectory(cwd, last))
        return into(last, positionals.slice(0, -1));
    if (positionals.length > 2) {
        throw new engine/* UsageError */.eb(`the last argument ${JSON.stringify(last)} is not a directory`);
    }
    return [spec(positionals[0], last)];
}
/** `-f FILE` once read a spec file: such a command line now ends in a refusal that says so. */
function specFileHint(values) {
    return values.force ? '; spec files are read with --spec-file=FILE (-f is --force)' : '';
}
/** What is at `file`, if anything: a path through a file (ENOTDIR) leads nowhere too. */
function lstatOf(file) {
    try {
        return external_node_fs_.lstatSync(file, { throwIfNoEntry: false });
    }
    catch (error) {
        if (error.code === 'ENOTDIR')
            return undefined;
        throw new engine/* UsageError */.eb(`${file}: ${(0,engine/* describeError */.Uc)(error)}`);
    }
}
const exists = (file) => lstatOf(file) !== undefined;
const isSymlink = (file) => lstatOf(file)?.isSymbolicLink() ?? false;
/** A word to paste into a shell: quoted unless plain. */
function shellWord(word) {
    return /^[\w./@:+=-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
function isRealDirectory(cwd, dir) {
    return external_node_fs_.lstatSync(external_node_path_.resolve(cwd, dir), { throwIfNoEntry: false })?.isDirectory() ?? false;
}
/**
 * -L. The engine makes a hard link with link(2), which on Linux links a symlink itself: ln's
 * -P. ln -L calls linkat(AT_SYMLINK_FOLLOW), which links the file the symlink leads to; its
 * real path names that same file, so linking the real path is -L.
 */
function resolvedTarget(target, origin) {
    try {
        return external_node_fs_.realpathSync(target);
    }
    catch (error) {
        throw new engine/* UsageError */.eb(`${origin}: -L cannot follow TARGET ${JSON.stringify(target)}: ${(0,engine/* describeError */.Uc)(error)}`);
    }
}
/**
 * Node decodes arguments as UTF-8, and a byte that is not becomes U+FFFD: a LINK given so would
 * make or replace a link of another name. Where the raw arguments can be read (Linux's /proc),
 * a U+FFFD that was in them is kept; the first argument with any other is returned.
 */
function undecodableArgument(argv) {
    if (!argv.some((arg) => arg.includes('\uFFFD')))
        return undefined;
    let raw = [];
    try {
        const all = external_node_fs_.readFileSync('/proc/self/cmdline');
        const parts = [];
        for (let start = 0, end = all.indexOf(0); end >= 0; start = end + 1, end = all.indexOf(0, start)) {
            parts.push(all.subarray(start, end));
        }
        raw = parts.slice(parts.length - argv.length);
    }
    catch {
        // No /proc: no way to tell a real U+FFFD from a byte that is not UTF-8.
    }
    return argv.find((arg, index) => {
        if (!arg.includes('\uFFFD'))
            return false;
        const bytes = raw.length === argv.length ? raw[index] : undefined;
        return !(bytes !== undefined && (0,external_node_buffer_namespaceObject.isUtf8)(bytes) && bytes.toString('utf8') === arg);
    });
}


/***/ }),

/***/ 9925:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   E7: () => (/* binding */ isBackupControl),
/* harmony export */   EJ: () => (/* binding */ backupControl),
/* harmony export */   QB: () => (/* binding */ rollbackSuffix),
/* harmony export */   SY: () => (/* binding */ backupPlan),
/* harmony export */   T9: () => (/* binding */ nameBackups)
/* harmony export */ });
/* harmony import */ var _engine_index_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(2955);

/** GNU ln's backup CONTROL words, by the method each names. */
const CONTROLS = {
    none: ['none', 'off'],
    numbered: ['numbered', 't'],
    existing: ['existing', 'nil'],
    simple: ['simple', 'never'],
};
const WORDS = Object.entries(CONTROLS).flatMap(([control, words]) => words.map((word) => ({ word, control: control })));
function isBackupControl(word) {
    return WORDS.some((entry) => entry.word === word);
}
/** A CONTROL read as GNU's argmatch reads it: a word, or an abbreviation naming one method. */
function backupControl(word, source) {
    const exact = WORDS.find((entry) => entry.word === word);
    if (exact)
        return exact.control;
    const controls = new Set(WORDS.filter((entry) => entry.word.startsWith(word)).map((entry) => entry.control));
    if (controls.size === 1)
        return [...controls][0];
    throw new _engine_index_js__WEBPACK_IMPORTED_MODULE_0__/* .UsageError */ .eb(`${source}=${JSON.stringify(word)}: ${controls.size === 0 ? 'not' : 'ambiguous as'} a backup ` +
        'CONTROL, which is none or off, numbered or t, existing or nil, simple or never');
}
/**
 * ln's -b, --backup[=CONTROL] and -S, with VERSION_CONTROL and SIMPLE_BACKUP_SUFFIX as ln reads
 * them: the backups to make, or undefined for none.
 */
function backupPlan(request, env) {
    const keep = keepBackups(request['keep-backups']);
    const asked = request.backup !== undefined || request.b || request.suffix !== undefined;
    if (!asked && keep === undefined)
        return undefined;
    const control = typeof request.backup === 'string'
        ? backupControl(request.backup, '--backup')
        : !asked
            ? 'numbered'
            : env.VERSION_CONTROL
                ? backupControl(env.VERSION_CONTROL, 'VERSION_CONTROL')
                : 'existing';
    if (keep !== undefined && (control === 'none' || control === 'simple')) {
        throw new _engine_index_js__WEBPACK_IMPORTED_MODULE_0__/* .UsageError */ .eb(`--keep-backups keeps numbered backups, and the backup CONTROL here is ${control}: ` +
            'use --backup=numbered (or existing), or leave --backup out');
    }
    if (control === 'none')
        return undefined;
    return {
        method: control,
        suffix: simpleSuffix(request.suffix, env.SIMPLE_BACKUP_SUFFIX),
        ...(keep !== undefined && { keep }),
    };
}
/** --keep-backups=N: a whole number, 1 or more (0 would remove the backup just made). */
function keepBackups(text) {
    if (text === undefined)
        return undefined;
    const keep = Number(text);
    if (!/^[0-9]+$/.test(text) || !Number.isSafeInteger(keep) || keep < 1) {
        throw new _engine_index_js__WEBPACK_IMPORTED_MODULE_0__/* .UsageError */ .eb(`--keep-backups ${JSON.stringify(text)} must be a whole number, 1 or more`);
    }
    return keep;
}
/** GNU ln would put '~' in place of a bad suffix without a word; a deploy should hear of it. */
function simpleSuffix(option, fromEnv) {
    const [suffix, source] = option !== undefined
        ? [option, '-S, --suffix']
        : fromEnv
            ? [fromEnv, 'SIMPLE_BACKUP_SUFFIX']
            : ['~', ''];
    if (suffix === '' || /[/\r\n]/.test(suffix)) {
        throw new _engine_index_js__WEBPACK_IMPORTED_MODULE_0__/* .UsageError */ .eb(`${source} ${JSON.stringify(suffix)}: a backup suffix must be a name, with no '/' or line break`);
    }
    return suffix;
}
/**
 * Gives each spec without a backup suffix of its own (a JSON spec's) the backups `plan` names.
 * Numbered ones are named by the engine under the directories' locks, from each LINK's own
 * directory on each host: two runs cannot choose the same N, and a fleet's hosts each number
 * their own history.
 */
function nameBackups(specs, plan) {
    if (plan === undefined)
        return;
    const history = plan.method === 'simple'
        ? undefined
        : {
            numbered: plan.method === 'numbered',
            ...(plan.keep !== undefined && { keep: plan.keep }),
        };
    for (const spec of specs) {
        if (spec.backup !== undefined)
            continue;
        if (plan.method !== 'numbered')
            spec.backup = plan.suffix;
        if (history)
            spec.history = history;
    }
}
/** The suffix a rollback looks for simple backups under: -S, else SIMPLE_BACKUP_SUFFIX, else '~'. */
function rollbackSuffix(request, env, mode) {
    if (request.backup !== undefined || request.b || request['keep-backups'] !== undefined) {
        const why = mode === '--rollback'
            ? '--rollback makes no backup (a second rollback would go forward again)'
            : '--status changes nothing';
        throw new _engine_index_js__WEBPACK_IMPORTED_MODULE_0__/* .UsageError */ .eb(`${why}: -b, --backup and --keep-backups are refused with it; ` +
            '-S names the backups it looks for');
    }
    return simpleSuffix(request.suffix, env.SIMPLE_BACKUP_SUFFIX);
}


/***/ }),

/***/ 8470:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  e: () => (/* binding */ run)
});

// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __nccwpck_require__(6760);
// EXTERNAL MODULE: ./lib/engine/index.js + 8 modules
var engine = __nccwpck_require__(2955);
// EXTERNAL MODULE: ./lib/platform/stop-signals.js + 1 modules
var stop_signals = __nccwpck_require__(9962);
// EXTERNAL MODULE: ./lib/platform/filesystems.js
var filesystems = __nccwpck_require__(4135);
// EXTERNAL MODULE: ./lib/transport/local/local-store.js + 3 modules
var local_store = __nccwpck_require__(186);
;// CONCATENATED MODULE: ./lib/transport/open-store.js




/**
 * Opens the store for `place`, runs `work` on it with the options made right for it (remote
 * LINKs are read from the remote directory and must stay in it), and closes it on every way
 * out. The SFTP store, and ssh2 with it, and the sshfs mount are loaded only when asked for.
 */
async function withStore(place, specs, options, work) {
    const guard = options.guard !== false;
    if (place.kind !== 'sftp' && filesystems/* LOCAL_UNSUPPORTED */.ye)
        throw new engine/* UpdateError */.mp(filesystems/* LOCAL_UNSUPPORTED */.ye);
    if (place.kind === 'local')
        return using(new local_store/* LocalStore */.V({ guard }), options, work);
    if (place.kind === 'sshfs') {
        const { withRemoteMount } = await __nccwpck_require__.e(/* import() */ 52).then(__nccwpck_require__.bind(__nccwpck_require__, 7052));
        return withRemoteMount(place.target, (mountPoint) => using(new local_store/* LocalStore */.V({ guard }), inside(mountPoint, options), work));
    }
    const { SftpStore } = await Promise.all(/* import() */[__nccwpck_require__.e(447), __nccwpck_require__.e(899)]).then(__nccwpck_require__.bind(__nccwpck_require__, 8899));
    const hardLinks = specs.some((spec) => spec.type === 'hard');
    const store = await SftpStore.open(place.target, { hardLinks, signal: options.signal });
    return using(store, inside(place.target.path, options), work);
}
function inside(root, options) {
    return { ...options, cwd: external_node_path_.posix.resolve(root, options.cwd), root };
}
async function using(store, options, work) {
    try {
        return await work(store, options);
    }
    finally {
        await store.close();
    }
}
/** The hosts of a fleet, each opened over SFTP when its turn comes, with its own paths. */
function fleetMembers(targets, specs, options) {
    const hardLinks = specs.some((spec) => spec.type === 'hard');
    return targets.map((target) => ({
        host: `ssh://${target.destination}${target.port === undefined ? '' : `:${target.port}`}${target.path}`,
        options: inside(target.path, options),
        open: async () => {
            const { SftpStore } = await Promise.all(/* import() */[__nccwpck_require__.e(447), __nccwpck_require__.e(899)]).then(__nccwpck_require__.bind(__nccwpck_require__, 8899));
            return SftpStore.open(target, { hardLinks, signal: options.signal });
        },
    }));
}

// EXTERNAL MODULE: ./lib/cli/args.js + 1 modules
var args = __nccwpck_require__(5737);
;// CONCATENATED MODULE: ./lib/cli/progress.js

/** A phase shorter than this says nothing: most runs are over before anyone would look. */
const QUIET_MS = 1000;
/** On a terminal the line is redrawn at most this often; elsewhere a line a second at most. */
const REDRAW_MS = 100;
const LINE_MS = 1000;
/** `switched 8000 of 20000 links`, and the host when the links are on one. */
function describeProgress({ phase, done, total, where }) {
    const text = phase === 'checking'
        ? `checking ${(0,engine/* count */.U9)(total, 'link')}`
        : phase === 'making'
            ? `made ${done} of ${total} new links`
            : `switched ${done} of ${total} links`;
    return (0,engine/* oneLine */.TN)(where ? `${where}: ${text}` : text);
}
/**
 * The progress of the phases that last over a second: on a terminal one line, redrawn in
 * place; elsewhere (a log) a line when it changed, at most once a second. A timer shows a
 * phase that sends no news of its own (the checks are one request), when the event loop is free.
 */
class ProgressLine {
    write;
    onTerminal;
    phase = '';
    since = 0;
    news;
    shown = '';
    shownAt = 0;
    drawn = false;
    timer;
    constructor(write, 
    /** Asked when there is a line to show: asking makes the stream. */
    onTerminal) {
        this.write = write;
        this.onTerminal = onTerminal;
    }
    terminal;
    update = (progress) => {
        const now = Date.now();
        // A fleet's hosts each go through the phases: a phase is one host's.
        const phase = `${progress.where}\0${progress.phase}`;
        if (phase !== this.phase) {
            this.phase = phase;
            this.since = now;
        }
        // A phase done is no news: a fleet's host waiting for the others is in none. Described
        // only when shown: most runs are over before that.
        this.news = progress.done < progress.total ? progress : undefined;
        if (this.timer === undefined) {
            this.timer = setInterval(() => this.show(Date.now()), REDRAW_MS);
            this.timer.unref();
        }
        this.show(now);
    };
    /** Takes the line away, for a line of something else; it comes back with the next news. */
    clear() {
        if (this.drawn)
            this.write('\r\x1b[K');
        this.drawn = false;
        this.shown = '';
    }
    /** Clears the line and stops: the run is over. */
    stop() {
        this.clear();
        clearInterval(this.timer);
        this.timer = undefined;
    }
    show(now) {
        if (this.news === undefined || now - this.since < QUIET_MS)
            return;
        const text = describeProgress(this.news);
        if (text === this.shown)
            return;
        this.terminal ??= this.onTerminal();
        if (now - this.shownAt < (this.terminal ? REDRAW_MS : LINE_MS))
            return;
        this.shown = text;
        this.shownAt = now;
        if (this.terminal) {
            this.write(`\r\x1b[Katomic-link: ${text}`);
            this.drawn = true;
        }
        else {
            this.write(`atomic-link: ${text}\n`);
        }
    }
}

// EXTERNAL MODULE: ./lib/cli/backups.js
var backups = __nccwpck_require__(9925);
// EXTERNAL MODULE: ./package.json
var package_0 = __nccwpck_require__(8330);
;// CONCATENATED MODULE: ./lib/cli/main.js








/**
 * Runs the CLI and returns its exit code; never throws. `script` is the path it was started by:
 * named ln, it is GNU ln.
 */
async function run(argv, script) {
    let json = false;
    let verbose = false;
    const progress = new ProgressLine((chunk) => process.stderr.write(chunk), () => process.stderr.isTTY === true);
    const told = new Set();
    const onNotice = (message) => {
        told.add(message);
        progress.clear();
        say(message);
    };
    try {
        // The personality is loaded only when asked for: an ordinary run does not pay for it.
        if (argv[0] === '--ln' || (script !== undefined && external_node_path_.basename(script) === 'ln')) {
            const { runLn } = await __nccwpck_require__.e(/* import() */ 760).then(__nccwpck_require__.bind(__nccwpck_require__, 9760));
            return await runLn(argv[0] === '--ln' ? argv.slice(1) : argv, process.env);
        }
        const settings = await (0,args/* parseCommandLine */.Du)(argv, workingDirectory(), process.env);
        if (settings.command === 'install-ln') {
            process.stdout.write((await __nccwpck_require__.e(/* import() */ 760).then(__nccwpck_require__.bind(__nccwpck_require__, 9760))).installLn(settings.installDir, script) +
                '\n');
            return 0;
        }
        if (settings.command === 'help') {
            const { usage } = await __nccwpck_require__.e(/* import() */ 761).then(__nccwpck_require__.bind(__nccwpck_require__, 4761));
            process.stdout.write(usage());
            return 0;
        }
        if (settings.command === 'version') {
            process.stdout.write(`atomic-link ${package_0/* version */.rE}\n`);
            return 0;
        }
        ({ json, verbose } = settings);
        const onProgress = progress.update;
        const { place, specs, options, backup } = settings;
        if (settings.command === 'status') {
            printStatus(await readAnyStatus(settings), settings.json);
            return 0;
        }
        (0,backups/* nameBackups */.T9)(specs, backup);
        let stoppedBy;
        if (place.kind === 'fleet') {
            const report = await (0,stop_signals/* withStopSignals */.c_)(async (signal) => {
                const done = await (0,engine/* switchFleet */.jm)(fleetMembers(place.targets, specs, { ...options, signal, onProgress, onNotice }), specs, place.maxHosts);
                stoppedBy = signal.aborted ? String(signal.reason) : undefined;
                return done;
            });
            progress.stop();
            printFleet(report, settings.json, settings.verbose);
            for (const host of report.hosts) {
                for (const warning of host.warnings ?? [])
                    say(`${host.host}: warning: ${warning}`);
            }
        }
        else {
            const report = await (0,stop_signals/* withStopSignals */.c_)(async (signal) => {
                const done = await withStore(place, specs, { ...options, signal, onProgress, onNotice }, (store, placed) => (0,engine/* switchLinks */.Wj)(store, specs, placed));
                stoppedBy = signal.aborted ? String(signal.reason) : undefined;
                return done;
            });
            progress.stop();
            if (settings.json)
                process.stdout.write((0,engine/* inertJson */.nl)(report) + '\n');
            else
                printReport(report, settings.verbose, told);
            // Left undone after a switch that stands: the run succeeds, and says so even in --json.
            for (const warning of report.warnings ?? [])
                say(`warning: ${warning}`);
        }
        if (stoppedBy === undefined)
            return 0;
        // The signal came when the batch could only be finished: it is, and the exit says so.
        process.stderr.write(`atomic-link: stopped by ${stoppedBy} after the batch was done\n`);
        return (0,stop_signals/* exitCodeOf */.FO)(stoppedBy);
    }
    catch (error) {
        progress.stop();
        if (error?.code === 'ERR_MODULE_NOT_FOUND') {
            // A part loaded on demand (the bundle's NNN.cli.js) is missing: a broken install.
            say(`this installation is incomplete, reinstall it: ${error.message}`);
            return 1;
        }
        if (!(error instanceof engine/* AtomicLinkError */.G7)) {
            // Every failure the engine foresees is an AtomicLinkError: this is a bug, said as one.
            say(`internal error (please report it): ${error?.message ?? error}`);
            return 1;
        }
        const signal = error instanceof engine/* InterruptedError */.p4 || error instanceof engine/* FleetError */.tp ? error.signal : undefined;
        const exitCode = signal === undefined ? error.exitCode : (0,stop_signals/* exitCodeOf */.FO)(signal);
        // Asked for before the command line could be read whole: still one JSON document.
        if (json || argv.includes('--json'))
            printFailure(error, exitCode);
        else if (error instanceof engine/* FleetError */.tp)
            printHosts(error.report, verbose);
        say(error.message);
        for (const note of error.notes)
            say(note);
        return exitCode;
    }
}
/** --status: read-only, so no stop signal needs to end it whole. */
function readAnyStatus(settings) {
    const { place, specs, options } = settings;
    if (place.kind === 'fleet') {
        return (0,engine/* statusFleet */.dO)(fleetMembers(place.targets, specs, options), specs, place.maxHosts);
    }
    return withStore(place, specs, { ...options, guard: false }, (store, placed) => (0,engine/* readStatus */.rk)(store, specs, placed));
}
/** Each link and its backups; with --json `{"links": [...]}`, or a fleet's `{"hosts": [...]}`. */
function printStatus(status, json) {
    if (json) {
        const document = Array.isArray(status) ? { links: status } : status;
        process.stdout.write((0,engine/* inertJson */.nl)(document) + '\n');
        return;
    }
    const hosts = Array.isArray(status) ? [{ host: '', links: status }] : status.hosts;
    for (const { host, links } of hosts) {
        for (const link of links) {
            for (const line of (0,engine/* describeStatus */.Wn)(link)) {
                process.stdout.write((0,engine/* oneLine */.TN)(host ? `${host}: ${line}` : line) + '\n');
            }
        }
    }
}
/** A line on stderr, kept to one line whatever the message carries from elsewhere. */
function say(message) {
    process.stderr.write(`atomic-link: ${(0,engine/* oneLine */.TN)(message)}\n`);
}
/** Quiet like ln unless asked; a dry run always shows its plan. */
function printReport(report, verbose, told) {
    // A guard that could not see the whole window says so, asked or not.
    if (!verbose && report.guard?.partlyBlind)
        say((0,engine/* describeGuard */.NO)(report.guard));
    if (!verbose && !report.dryRun)
        return;
    for (const result of report.results)
        process.stdout.write((0,engine/* oneLine */.TN)((0,engine/* describeResult */.dy)(result)) + '\n');
    // A stale lock broken was said as it happened.
    if (verbose)
        for (const note of report.notes)
            if (!told.has(note))
                say(`note: ${note}`);
    if (verbose && report.guard)
        say((0,engine/* describeGuard */.NO)(report.guard));
}
/** With --json the whole report on stdout; with -v (or a dry run) a line per host and link. */
function printFleet(report, json, verbose) {
    if (json)
        process.stdout.write((0,engine/* inertJson */.nl)(report) + '\n');
    else if (verbose || report.dryRun)
        printHosts(report, true);
}
/**
 * Each host's end state on stderr, and each link's on stdout: every link with -v, and after
 * a failure every link left new or unknown on a host that is not switched, so that nobody has
 * to guess which hosts are on which release.
 */
function printHosts(report, verbose) {
    for (const host of report.hosts) {
        const rtt = host.roundTripMs === undefined ? '' : `, round trip ${host.roundTripMs} ms`;
        say(`${host.host}: ${host.state}${rtt}`);
        if (verbose)
            for (const note of host.notes)
                say(`${host.host}: note: ${note}`);
        for (const result of host.results) {
            const astray = host.state !== 'switched' && (result.state === 'switched' || result.state === 'unknown');
            if (verbose || astray) {
                process.stdout.write(`${(0,engine/* oneLine */.TN)(`${host.host}: ${(0,engine/* describeResult */.dy)(result)}`)}\n`);
            }
        }
    }
    if (report.skewMs !== undefined)
        say(`skew ${report.skewMs} ms`);
}
/**
 * With --json, a failure is one JSON document too: the error, and where the links stand as
 * far as the run got (a fleet's report, or one host's results once its links were read).
 */
function printFailure(error, exitCode) {
    const said = { message: error.message, exitCode, notes: error.notes };
    const document = error instanceof engine/* FleetError */.tp
        ? { ...error.report, error: said }
        : { results: error.results ?? null, guard: error.guard, error: said };
    process.stdout.write((0,engine/* inertJson */.nl)(document) + '\n');
}
/** The working directory, which every path given is read from: one removed is said so. */
function workingDirectory() {
    try {
        return process.cwd();
    }
    catch (error) {
        throw new engine/* UpdateError */.mp(`the working directory cannot be read (${error.code}): ` +
            `removed, or not to be searched; run atomic-link from another; nothing was changed`);
    }
}


/***/ }),

/***/ 3786:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  Cx: () => (/* binding */ GROUP_TITLES),
  lw: () => (/* binding */ OPTIONS),
  Ac: () => (/* binding */ parseOptions)
});

// UNUSED EXPORTS: nearestOptions

;// CONCATENATED MODULE: external "node:util"
const external_node_util_namespaceObject = __WEBPACK_EXTERNAL_createRequire(__atomicLinkUrl)("node:util");
// EXTERNAL MODULE: ./lib/engine/index.js + 8 modules
var engine = __nccwpck_require__(2955);
// EXTERNAL MODULE: ./lib/cli/backups.js
var backups = __nccwpck_require__(9925);
;// CONCATENATED MODULE: ./lib/cli/options.js



const GROUP_TITLES = {
    ln: "GNU ln's options (coreutils 9), and what atomic-link does with them:",
    own: "atomic-link's own options:",
    remote: 'Remote directories, over SSH (LINKs and -C are read from PATH):',
};
/** ln's options first, in ln's order, then atomic-link's. Keys are the long names. */
const OPTIONS = {
    backup: {
        value: 'CONTROL',
        optionalValue: true,
        group: 'ln',
        gnu: 'make a backup of each existing destination file',
        help: 'keep a backup of each LINK that is replaced: a link to its old target, in place before LINK is switched (CONTROL: see below)',
    },
    // parseArgs needs a long name for every option; `--b` works as -b, and is not shown.
    b: {
        short: 'b',
        shortOnly: true,
        group: 'ln',
        gnu: 'like --backup but does not accept an argument',
        help: 'like --backup but does not accept an argument',
    },
    directory: {
        short: 'dF',
        group: 'ln',
        gnu: 'allow the superuser to attempt to hard link directories',
        refused: 'hard links to directories cannot be made, the kernel refuses them even to root (to resolve LINKs from DIR, use -C, --chdir=DIR)',
    },
    force: {
        short: 'f',
        group: 'ln',
        gnu: 'remove existing destination files',
        help: 'accepted: LINK is always replaced, in one rename (a regular file only with --replace-files)',
    },
    interactive: {
        short: 'i',
        group: 'ln',
        gnu: 'prompt whether to remove destinations',
        refused: 'atomic-link never prompts, a deploy runs unattended (--expect=TARGET switches only from a known target; --dry-run shows the plan)',
    },
    logical: {
        short: 'L',
        group: 'ln',
        gnu: 'dereference TARGETs that are symbolic links',
        help: 'hard links to a symlink TARGET go to what it points to',
    },
    'no-dereference': {
        short: 'n',
        group: 'ln',
        gnu: 'treat LINK_NAME as a normal file if it is a symbolic link to a directory',
        help: 'accepted: a symlink at LINK is always the link to replace, never a directory to enter',
    },
    physical: {
        short: 'P',
        group: 'ln',
        gnu: 'make hard links directly to symbolic links',
        help: 'hard links to a symlink TARGET go to the symlink itself (the default)',
    },
    relative: {
        input: 'relative: true',
        short: 'r',
        group: 'ln',
        gnu: 'with -s, create links relative to link location',
        help: "store targets relative to each link's directory (the link's path is not resolved)",
    },
    symbolic: {
        short: 's',
        group: 'ln',
        gnu: 'make symbolic links instead of hard links',
        help: "make symbolic links instead of hard links (a SPEC's arrow says which)",
    },
    suffix: {
        input: 'backup-suffix',
        short: 'S',
        value: 'SUFFIX',
        group: 'ln',
        gnu: 'override the usual backup suffix',
        help: 'override the usual backup suffix; implies -b (empty or with / refused)',
    },
    'target-directory': {
        short: 't',
        value: 'DIRECTORY',
        group: 'ln',
        gnu: 'specify the DIRECTORY in which to create the links',
        help: 'make the links inside DIRECTORY',
    },
    'no-target-directory': {
        short: 'T',
        group: 'ln',
        gnu: 'treat LINK_NAME as a normal file always',
        help: 'treat LINK as the link always (a real directory there is refused)',
    },
    verbose: {
        short: 'v',
        group: 'ln',
        gnu: 'print name of each linked file',
        help: 'print each link switched, and what the guard saw',
    },
    help: {
        short: 'h',
        group: 'ln',
        gnu: 'display this help and exit',
        help: 'display this help and exit',
    },
    version: {
        group: 'ln',
        gnu: 'output version information and exit',
        help: 'output version information and exit',
    },
    ln: {
        group: 'own',
        help: 'act as GNU ln (coreutils 9) with every replacement one rename, as when installed as ln (first argument only; see --install-ln)',
    },
    'install-ln': {
        value: 'DIR',
        group: 'own',
        help: "make DIR/ln a symlink to this program, which then acts as GNU ln; DIR/ln must not exist (the system's ln is never replaced)",
    },
    chdir: {
        input: 'working-directory',
        short: 'C',
        value: 'DIR',
        group: 'own',
        help: 'resolve LINK paths (and ln-style TARGETs) from DIR',
    },
    'spec-file': {
        value: 'FILE',
        group: 'own',
        help: "read SPECs from FILE ('-' = stdin, UTF-8): one per line, or a JSON array",
    },
    'allow-dangling': {
        input: 'allow-dangling: true',
        group: 'own',
        help: 'allow symlink targets that do not exist',
    },
    'replace-files': {
        input: 'replace-files: true',
        group: 'own',
        help: 'allow replacing a regular file at LINK',
    },
    expect: {
        value: 'TARGET',
        group: 'own',
        help: 'switch only if the link now points at TARGET (one link; a compare-and-swap under the lock)',
    },
    rollback: {
        group: 'own',
        help: "put each LINK back to its newest backup's target (LINK.~N~, else LINK+SUFFIX) in one rename, then remove that backup; LINKs as arguments or --spec-file lines, no TARGETs; no backup left: exit 1, nothing changed",
    },
    'keep-backups': {
        value: 'N',
        group: 'own',
        help: "after the switch, remove each LINK's own numbered backups but the newest N (only those links, never what they point at); implies --backup=numbered",
    },
    status: {
        group: 'own',
        help: 'print each LINK, its target, whether the target exists, and its backups newest first; change nothing (LINKs as for --rollback)',
    },
    'dry-run': {
        input: 'dry-run: true',
        group: 'own',
        help: 'check everything and print the plan; change nothing',
    },
    json: {
        group: 'own',
        help: 'print the report as JSON on stdout',
    },
    'no-guard': {
        input: 'guard: false',
        group: 'own',
        help: 'do not watch the links for a missing moment',
    },
    probe: {
        group: 'own',
        help: 'make trial swaps before the switch on any filesystem (default: on network and FUSE filesystems)',
    },
    'no-probe': {
        input: 'probe: false',
        group: 'own',
        help: 'make no trial swaps',
    },
    'no-lock': {
        input: 'lock: false',
        group: 'own',
        help: "do not lock the links' directories (refused with --expect, --rollback and numbered backups)",
    },
    'lock-timeout': {
        input: 'lock-timeout',
        value: 'SECONDS',
        group: 'own',
        help: 'wait this long for a lock; a lock not refreshed this long is stale (default 60, at least 5)',
    },
    'no-fsync': {
        input: 'fsync: false',
        group: 'own',
        help: 'do not fsync the directories after the switch',
    },
    ssh: {
        value: 'USER@HOST:PATH',
        multiple: true,
        group: 'remote',
        help: 'switch links in PATH (absolute) on HOST, speaking SFTP; LINKs must stay inside PATH. Also ssh://USER@HOST[:PORT]/PATH. HOST is resolved through the ssh config as ssh resolves it (an alias, its HostName, User, Port, keys, ProxyJump). Given again: many hosts switched as one (prepared everywhere, then switched everywhere)',
    },
    'max-hosts': {
        value: 'N',
        group: 'remote',
        help: 'with several --ssh: prepare at most N hosts at once (default 16)',
    },
    'ssh-port': {
        input: 'ssh-port',
        value: 'N',
        group: 'remote',
        help: "the SSH port (default: the ssh config's Port, else 22)",
    },
    identity: {
        input: 'ssh-private-key',
        value: 'FILE',
        group: 'remote',
        help: "the private key to log in with, tried before the ssh config's IdentityFile",
    },
    'known-hosts': {
        input: 'ssh-known-hosts',
        value: 'FILE',
        group: 'remote',
        help: "the host keys to check HOST against, instead of the ssh config's UserKnownHostsFile (always checked; default: ~/.ssh/known_hosts)",
    },
    'host-key-fingerprint': {
        input: 'ssh-host-fingerprint',
        value: 'SHA256:FP',
        multiple: true,
        group: 'remote',
        help: "accept HOST's key only if it has this fingerprint, as ssh-keygen -lf prints it, instead of known_hosts (repeatable)",
    },
    'ssh-config': {
        input: 'ssh-config',
        value: 'FILE',
        group: 'remote',
        help: "the ssh config to resolve HOST with, as ssh -F (default: ~/.ssh/config, then /etc/ssh/ssh_config; 'none': no file)",
    },
    jump: {
        input: 'ssh-jump',
        value: '[USER@]HOST[:PORT]',
        multiple: true,
        group: 'remote',
        help: "reach HOST through this jump host, as ssh -J (repeatable or comma-separated, first hop first; instead of the config's ProxyJump); each hop's host key is checked",
    },
    'jump-identity': {
        input: 'ssh-jump-private-key',
        value: 'FILE',
        group: 'remote',
        help: 'the private key for the jump hosts, instead of --identity',
    },
    'passphrase-file': {
        input: 'ssh-passphrase',
        value: 'FILE',
        group: 'remote',
        help: "decrypt encrypted keys (--identity, the ssh config's) with the passphrase in FILE; or set ATOMIC_LINK_SSH_PASSPHRASE. Never on the command line",
    },
    'allow-proxy-command': {
        group: 'remote',
        help: "run the ssh config's ProxyCommand to reach HOST (refused without this: it runs a command)",
    },
    sshfs: {
        input: 'sshfs: true',
        group: 'remote',
        help: 'mount PATH with sshfs and switch on the mount, instead of speaking SFTP (needs FUSE)',
    },
    'sshfs-option': {
        input: 'sshfs-options',
        value: 'OPT',
        multiple: true,
        group: 'remote',
        help: 'with --sshfs: one more sshfs -o option (repeatable)',
    },
};
const DEFINITIONS = Object.entries(OPTIONS);
/** Long names by each option's own letter and its synonyms' letters. */
const BY_LETTER = new Map(DEFINITIONS.flatMap(([name, definition]) => [...(definition.short ?? '')].map((letter) => [letter, name])));
/** parseArgs' table; a synonym letter gets an entry of its own, named by the letter. */
const PARSE_ARGS_OPTIONS = Object.fromEntries(DEFINITIONS.flatMap(([name, definition]) => {
    const type = definition.value && !definition.optionalValue ? 'string' : 'boolean';
    // parseArgs refuses a `short` or `multiple` key that is present but undefined.
    const [own, ...synonyms] = definition.short ?? '';
    const config = {
        type,
        ...(own && { short: own }),
        ...(definition.multiple && { multiple: true }),
    };
    return [[name, config], ...synonyms.map((letter) => [letter, { type, short: letter }])];
}));
/** The long name behind a parsed option's name (a synonym's letter, or the name itself). */
function longName(name) {
    return Object.hasOwn(OPTIONS, name)
        ? name
        : BY_LETTER.get(name);
}
/**
 * Parses the options as GNU ln's getopt does, where parseArgs cannot. parseArgs has no optional
 * values, so `--backup=CONTROL` is taken apart before it runs. Each `--NAME=VALUE` before `--`
 * is an option, never the value of the one before it: parseArgs refuses a separate value that
 * starts with '-'. Throws a UsageError naming the option.
 */
function parseOptions(argv) {
    const args = [...argv];
    const optionalValues = new Map();
    const end = args.includes('--') ? args.indexOf('--') : args.length;
    for (let index = 0; index < end; index++) {
        const [, name, value] = /^--([^=]+)=(.*)$/s.exec(args[index]) ?? [];
        if (name === undefined || !Object.hasOwn(OPTIONS, name))
            continue;
        const definition = OPTIONS[name];
        if (definition.refused)
            throw refusal(`--${name}`, definition.refused);
        if (definition.optionalValue) {
            args[index] = `--${name}`;
            optionalValues.set(index, { name, value });
        }
    }
    // Not strict: parseArgs' own refusals are Node's text; each is checked here and said with its fix.
    const parsed = (0,external_node_util_namespaceObject.parseArgs)({
        args,
        options: PARSE_ARGS_OPTIONS,
        allowPositionals: true,
        strict: false,
        tokens: true,
    });
    for (const token of parsed.tokens)
        if (token.kind === 'option')
            checkToken(token, args);
    const order = [];
    const { tokens } = parsed;
    tokens.forEach((token, position) => {
        if (token.kind !== 'option')
            return;
        const name = longName(token.name);
        const definition = OPTIONS[name];
        if (definition.refused)
            throw refusal(token.rawName, definition.refused);
        order.push(name);
        if (definition.optionalValue && !optionalValues.has(token.index)) {
            refuseSeparateValue(token.rawName, tokens[position + 1], token.index);
        }
    });
    const values = parsed.values;
    // As in GNU ln: `--backup=` is a bare --backup, and a later bare one keeps the last CONTROL.
    for (const { name, value } of optionalValues.values())
        if (value)
            values[name] = value;
    return { values: values, positionals: parsed.positionals, order };
}
/** What strict parsing refuses, said with what to write instead. */
function checkToken(token, args) {
    if (!Object.hasOwn(PARSE_ARGS_OPTIONS, token.name))
        throw unknownOption(token, args);
    const { rawName, value, inlineValue } = token;
    if (PARSE_ARGS_OPTIONS[token.name].type === 'boolean') {
        if (inlineValue)
            throw new engine/* UsageError */.eb(`${rawName} takes no value (given ${shown(value)})`);
        return;
    }
    const attached = rawName.startsWith('--') ? `${rawName}=` : rawName;
    if (value === undefined) {
        throw new engine/* UsageError */.eb(`${rawName} needs a value: ${attached}${valueName(token.name)}`);
    }
    // '-' alone is a value (stdin); anything else that starts with '-' may be an option.
    if (!inlineValue && value.length > 1 && value.startsWith('-')) {
        throw new engine/* UsageError */.eb(`${rawName} is followed by ${shown(value)}: give ${rawName} its value, or write a value ` +
            `that starts with '-' as ${attached}${shown(value)}`);
    }
}
function valueName(name) {
    const definition = OPTIONS[longName(name)];
    return definition.value ?? 'VALUE';
}
/**
 * An argument as a message shows it: as typed when it is plain, else quoted (control characters
 * escaped), and cut short when long.
 */
function shown(text) {
    const cut = String(text).length > 80 ? `${String(text).slice(0, 80)}...` : String(text);
    return /^[\x21-\x7e]+$/.test(cut) ? cut : JSON.stringify(cut);
}
/** `unknown option --dryrun; did you mean --dry-run?`, for `-dryrun` and `-- "--dryrun"` too. */
function unknownOption(token, args) {
    const arg = args[token.index];
    // A short letter unknown inside a word (-dryrun): the word may be a long name with one dash.
    const typed = token.rawName.startsWith('--') ? token.rawName : arg.split('=')[0];
    const near = nearestOptions(typed);
    const unknown = token.rawName === typed || near.length > 0
        ? shown(typed)
        : `${token.rawName} (in ${shown(typed)})`;
    const advice = near.length > 0
        ? `did you mean ${near.map((name) => `--${name}`).join(' or ')}?`
        : "see --help (a file named with a leading '-' goes after '--')";
    return new engine/* UsageError */.eb(`unknown option ${unknown}; ${advice}`);
}
/** The long options nearest to what was typed: those it begins, or a typo or two away. */
function nearestOptions(typed) {
    const word = typed.toLowerCase().replace(/^[^a-z0-9]+|[^a-z0-9-]+$/g, '');
    // Longer than any option: no typo of one (and a megabyte would take a while to compare).
    if (word.length < 2 || word.length > 40)
        return [];
    const names = DEFINITIONS.filter(([, definition]) => !definition.shortOnly).map(([name]) => name);
    const prefixed = names.filter((name) => name.startsWith(word));
    if (prefixed.length > 0)
        return prefixed.slice(0, 3);
    const allowed = word.length <= 4 ? 1 : 2;
    const scored = names
        .map((name) => ({ name, distance: editDistance(word, name) }))
        .filter(({ distance }) => distance <= allowed);
    const best = Math.min(...scored.map(({ distance }) => distance));
    return scored.filter(({ distance }) => distance === best).map(({ name }) => name);
}
/** Edits (insert, delete, replace, swap two neighbours) from `a` to `b`. */
function editDistance(a, b) {
    const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
    for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) {
            const cost = a[i - 1] === b[j - 1] ? 0 : 1;
            rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
                rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
            }
        }
    }
    return rows[a.length][b.length];
}
function refusal(rawName, why) {
    return new engine/* UsageError */.eb(`${rawName} is refused: ${why}`);
}
/**
 * In ln a word after a bare --backup is a file. atomic-link's --backup once took a SUFFIX that
 * way, so such a word is refused, as a likely old command line, rather than read as a file.
 * A SPEC after it is unambiguous, and allowed.
 */
function refuseSeparateValue(rawName, next, index) {
    if (next?.kind !== 'positional' || next.index !== index + 1 || (0,engine/* isSpecText */.p0)(next.value))
        return;
    const word = next.value;
    const fix = (0,backups/* isBackupControl */.E7)(word)
        ? `write ${rawName}=${word}`
        : `for a backup suffix write -S ${word} -b (or --suffix=${word}); for a CONTROL, ${rawName}=CONTROL`;
    throw new engine/* UsageError */.eb(`${rawName} ${JSON.stringify(word)}: ${rawName} takes no separate value; ${fix}; ` +
        'before ln-style arguments use -b');
}


/***/ }),

/***/ 137:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   qC: () => (/* binding */ DirLocks),
/* harmony export */   xg: () => (/* binding */ MIN_LOCK_TIMEOUT_SECONDS)
/* harmony export */ });
/* unused harmony export LOCK_NAME */
/* harmony import */ var _platform_identity_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(1801);
/* harmony import */ var _platform_no_crypto_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(732);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(4899);
/* harmony import */ var _port_js__WEBPACK_IMPORTED_MODULE_4__ = __nccwpck_require__(4799);
/* harmony import */ var _temp_names_js__WEBPACK_IMPORTED_MODULE_3__ = __nccwpck_require__(3363);





const LOCK_NAME = '.atomic-link.lock';
const BREAK_SUFFIX = '.break';
const POLL_MS = 100;
/** Below this, a holder busy between two refreshes could be taken for dead. */
const MIN_LOCK_TIMEOUT_SECONDS = 5;
/**
 * How often a holder refreshes its lock: a quarter of the shortest timeout any waiting run may
 * judge it by, whatever its own timeout is.
 */
const HEARTBEAT_MS = (MIN_LOCK_TIMEOUT_SECONDS * 1000) / 4;
/** The coarsest lock time a store gives: SFTP v3 carries whole seconds. */
const CLOCK_GRAIN_MS = 1000;
/**
 * The lock's timing. A waiter breaks a lock that is not provably dead only once it has seen
 * it unchanged for its timeout, or the store's own clock says it has not changed for that
 * long (see lookAged); so no waiter, whatever its timeout, breaks a lock within
 * MIN_LOCK_TIMEOUT_SECONDS of a refresh, less the grain of the store's times (two refreshes
 * that fall in one second look like one). A holder is therefore safe for SAFE_MS from the
 * moment it sent a refresh that found its lock still its own, on its own clock.
 */
const SAFE_MS = MIN_LOCK_TIMEOUT_SECONDS * 1000 - CLOCK_GRAIN_MS;
/**
 * A holder refreshing in one round trip, each refresh sent as the one before is answered or
 * HEARTBEAT_MS after it was sent, whichever is later, changes its lock at most
 * max(HEARTBEAT_MS, RTT) + RTT apart: under SAFE_MS, with a second to spare for a slower
 * round trip, up to this round trip. A run measuring a longer one to the store refuses to
 * hold a lock there.
 */
const MAX_ROUND_TRIP_MS = 1500;
/**
 * How a create fails on a name taken. SFTP v3 says no more than "failure", also for a full or
 * read-only disk: with no lock there, that is waited for until the timeout.
 */
const TAKEN = new Set(['EEXIST', 'EFAILURE']);
/** A wait for a lock this long is said as it goes on: a wait of a minute is not silent. */
const TELL_WAIT_MS = 1000;
/** The break lock is held for a few requests; one this old belongs to a run that died there. */
const BREAK_STALE_MS = 10000;
/**
 * Exclusive locks on the links' directories, so that two runs never interleave their batches.
 *
 * A lock is a symlink whose text names its holder: creating a symlink is exclusive and writes
 * the holder in the same step, on a local disk, any mounted volume and over SFTP alike, so a
 * run on the server and a remote run exclude each other, and there is never a lock without a
 * holder in it. Its mtime, refreshed by a heartbeat from the moment it is taken, says it is
 * alive: a fresh lock with the same text is renamed over it, which renews its mtime on every
 * store (a symlink's own times cannot be set through sshfs).
 *
 * A stale lock (its holder provably gone, or not refreshed for the timeout) is broken under a
 * second lock, `LOCK.break`, itself broken the same way when its breaker died in the act. What
 * is broken, and what a holder releases, is first renamed aside to a name of the remover's own
 * and looked at there: only the very lock judged stale (or our own) is removed, and another
 * run's lock found there instead is put back.
 *
 * The lock is also what tells a directory over SFTP: v3 has no inode numbers, and every
 * request names a path that the server resolves anew, following any symlink put in place of
 * a directory meanwhile. Right behind the lock's creation, each directory is resolved again
 * (its realpath must still be itself); after that, our lock with our text at the directory's
 * path is what says the path still leads to the directory locked, and every chunk of writes
 * is sent with that check in front of it and behind it (confirm()). Its limits: a lock with
 * our text can be copied by someone who may write in the other directory (who could write
 * there anyway); a directory swapped between a check and the writes sent with it takes those
 * writes, and that is seen in the check behind them (new links under temporary names, then
 * removed by the same paths; a rename there finds no temporary name of ours to move, unless
 * its create went there too, which the check behind the creates stops); a switch back after
 * such a failure writes by path too; and a directory moved away and another made at its path
 * reads as our lock removed. A local store works inside the directories it opened, and
 * notices one replaced before each read or write (LocalStore).
 */
class DirLocks {
    store;
    files;
    text;
    atOnce;
    confirmedAt;
    roundTripMs;
    notes;
    timer;
    keeper;
    beating;
    /**
     * Why the locks can no longer be counted on, once a refresh or a check found one gone or
     * taken over (another run may be working here, so the batch must stop), or could not
     * refresh it, or keep its timing.
     */
    lostHow;
    released = false;
    constructor(store, files, text, 
    /** Whether every lock was taken at the first try: nothing was waited for or broken. */
    atOnce, 
    /**
     * When the latest refresh (or the creation) that found every lock ours was sent, on
     * performance.now()'s clock: no waiter takes the locks for stale within SAFE_MS of it.
     */
    confirmedAt, 
    /** The last round trip a refresh (or the creation) took. */
    roundTripMs, 
    /** What the run should be told: the stale locks it broke. */
    notes) {
        this.store = store;
        this.files = files;
        this.text = text;
        this.atOnce = atOnce;
        this.confirmedAt = confirmedAt;
        this.roundTripMs = roundTripMs;
        this.notes = notes;
    }
    /** The last round trip to the store: what every chunk of writes costs, whatever its size. */
    get roundTrip() {
        return this.roundTripMs;
    }
    /**
     * Takes the locks of all `dirs` together, or none: a run that gets only some lets them go
     * and tries again, so two runs over overlapping directories cannot deadlock. A stop
     * request ends the wait. `behind` is called once, right after the first try's creates are
     * sent and before their answers are read: a store that carries out requests in order
     * (`inOrder`) does what it sends there after them.
     *
     * A run gives up at its timeout only on a lock seen changing meanwhile (a live holder
     * refreshing it, or another run taking it): one that did not change is stale by then, or
     * a round trip later, and is broken. `tell` hears, as it happens, of a wait past
     * TELL_WAIT_MS (once) and of each stale lock broken.
     */
    static async acquire(store, dirs, timeoutMs, signal, behind, tell) {
        const text = holderText();
        const files = dirs.map((dir) => `${dir === '/' ? '' : dir}/${LOCK_NAME}`);
        const deadline = Date.now() + timeoutMs;
        const seen = new Map();
        const notes = [];
        const started = Date.now();
        let told = false;
        for (let first = true;; first = false) {
            const sentAt = performance.now();
            const making = store.create(files.map((file) => ({ path: file, type: 'symbolic', content: text })));
            // Each directory resolved again right behind the locks, in the same round trip where
            // the store answers in order: one swapped for a symlink since it was resolved would
            // have taken the lock, and would take every write after it.
            const resolving = store.inOrder ? store.realDirs(dirs) : undefined;
            resolving?.catch(() => undefined);
            if (first)
                behind?.();
            const made = await making;
            const busy = files.filter((_, index) => (0,_port_js__WEBPACK_IMPORTED_MODULE_4__/* .isFailure */ .N)(made[index]));
            if (busy.length === 0) {
                const locks = new DirLocks(store, files, text, first, sentAt, performance.now() - sentAt, notes);
                await locks.settle(dirs, await (resolving ?? store.realDirs(dirs)), first);
                return locks;
            }
            const mine = files.filter((_, index) => !(0,_port_js__WEBPACK_IMPORTED_MODULE_4__/* .isFailure */ .N)(made[index]));
            if (mine.length > 0)
                await store.remove(mine);
            const looked = await lookAged(store, busy);
            for (const [index, file] of busy.entries()) {
                const { entry, minAgeMs } = looked[index];
                if ((0,_port_js__WEBPACK_IMPORTED_MODULE_4__/* .isFailure */ .N)(entry)) {
                    throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .UpdateError */ .mp(`cannot take the lock ${where(store, file)}: ${(0,_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .describeError */ .Uc)(made[files.indexOf(file)])}`);
                }
                if (entry.kind === 'none') {
                    // Released between our create and our look (whatever is there next is a change),
                    // or the create failed for a reason of its own, which waiting does not mend.
                    const failure = made[files.indexOf(file)];
                    const taken = TAKEN.has(failure.code);
                    if (!taken || Date.now() >= deadline) {
                        throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .UpdateError */ .mp(`cannot take the lock ${where(store, file)}: ${(0,_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .describeError */ .Uc)(failure)}` +
                            (taken ? `; waited ${Math.round(timeoutMs / 1000)} s` : ''));
                    }
                    seen.set(file, { state: 'none', since: Date.now(), changed: true });
                    continue;
                }
                if (entry.kind !== 'symlink') {
                    throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .UpdateError */ .mp(`${where(store, file)} is a ${entry.kind}, not a lock of atomic-link's (a symlink ` +
                        `naming its holder); remove it if no other tool uses that name`);
                }
                if (isThisRun(entry.text)) {
                    // Two hosts of one fleet that are one directory: waiting would wait for itself.
                    throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .UpdateError */ .mp(`${where(store, file)} is held by this very run: this directory is reached twice ` +
                        `(two hosts, or two names for one host, lead to it); nothing was changed`);
                }
                const stale = staleness(file, entry, minAgeMs, seen, timeoutMs);
                if (stale !== undefined) {
                    if (await breakLock(store, file, entry, text, seen)) {
                        const note = `broke the lock ${where(store, file)} of ${describeHolder(entry.text)}: ${stale}`;
                        notes.push(note);
                        tell?.(note);
                    }
                    seen.delete(file);
                    continue;
                }
                if (Date.now() >= deadline && seen.get(file)?.changed) {
                    throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .UpdateError */ .mp(`${where(store, file)} is held by ${describeHolder(entry.text)}; waited ` +
                        `${Math.round(timeoutMs / 1000)} s`);
                }
                if (!told && tell && Date.now() - started >= TELL_WAIT_MS) {
                    told = true;
                    tell(`waiting for the lock ${where(store, file)}, held by ${describeHolder(entry.text)}; ` +
                        `waiting up to ${Math.max(1, Math.round((deadline - Date.now()) / 1000))} s more`);
                }
            }
            if (signal?.aborted) {
                throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .InterruptedError */ .p4(`stopped by ${signal.reason} while waiting for a lock; nothing was changed`, String(signal.reason));
            }
            // A random share of the wait, so that runs which collided do not collide again.
            await sleep(POLL_MS / 2 + Math.random() * POLL_MS);
        }
    }
    /**
     * Resolves once the locks are safe from waiting runs for `needMs` more (the time the next
     * chunk of writes is expected to take, at least a round trip), refreshing them first when
     * they are not; throws when they are lost, or when even a refresh just made leaves too
     * little time (a round trip grown too long to keep the lock's timing).
     */
    async ready(needMs) {
        const stopped = this.keeper?.stopped();
        if (stopped !== undefined) {
            // The store's own thread stopped keeping them: the check says who took one, if one was.
            await this.confirm();
            this.lostHow ??= `cannot keep the locks fresh: ${stopped}`;
        }
        const need = Math.max(needMs, this.roundTripMs);
        // A refresh in flight when asked was sent earlier: a second one may be needed.
        for (let tries = 0; tries < 2 && !this.keeper && !this.lostHow && !this.safeFor(need); tries++)
            await this.beat();
        if (!this.keeper && this.lostHow === undefined && !this.safeFor(need)) {
            this.lostHow =
                `${this.store.where || 'the store'} answers too slowly to keep the lock's timing: the ` +
                    `next writes are expected to take ${(need / 1000).toFixed(1)} s, after a refresh that ` +
                    `took ${(this.roundTripMs / 1000).toFixed(1)} s, and a run waiting ` +
                    `${MIN_LOCK_TIMEOUT_SECONDS} s could take the lock for dead meanwhile`;
        }
        if (this.lostHow)
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .UpdateError */ .mp(this.lostHow);
    }
    /**
     * Checks that every lock is still ours where it was made (for a store that names paths,
     * that each directory at its path is still the one locked); throws, and the locks count
     * as lost, when one is not. On an in-order store, a check sent right before (or after) a
     * write is answered as of just before (or after) it.
     */
    async confirm() {
        const entries = await this.store.inspect(this.files);
        const index = entries.findIndex((entry) => !this.isOurs(entry));
        if (index >= 0)
            throw await this.lose(index, entries[index]);
    }
    /**
     * Removes the locks that are still ours; never another run's. Returns what could not be
     * removed, for the report.
     */
    async release() {
        this.released = true;
        clearTimeout(this.timer);
        await this.keeper?.stop();
        await this.beating;
        const removed = await Promise.all(this.files.map((file) => removeIf(this.store, file, (entry) => entry.text === this.text)));
        return this.files.flatMap((file, index) => {
            const outcome = removed[index];
            return (0,_port_js__WEBPACK_IMPORTED_MODULE_4__/* .isFailure */ .N)(outcome) && outcome.code !== 'ENOENT'
                ? [`cannot remove the lock ${where(this.store, file)}: ${(0,_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .describeError */ .Uc)(outcome)}`]
                : [];
        });
    }
    /**
     * Checks the locks just taken before anything is read under them: every directory must
     * still resolve to itself, and the store's round trip allow the lock's timing. Then starts
     * the heartbeat. Throws, with the locks released, when the run cannot go on.
     */
    async settle(dirs, resolved, first) {
        const moved = dirs.findIndex((dir, index) => resolved[index] !== dir);
        let refusal;
        if (moved >= 0) {
            const now = resolved[moved];
            refusal =
                `${where(this.store, dirs[moved])} is no longer the directory resolved at the start: ` +
                    ((0,_port_js__WEBPACK_IMPORTED_MODULE_4__/* .isFailure */ .N)(now) ? (0,_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .describeError */ .Uc)(now) : `it now leads to ${JSON.stringify(now)}`) +
                    ` (moved, or replaced by a symlink${first ? '' : ' while this run waited for its lock'})`;
        }
        else if (!this.store.keepLocks && this.roundTripMs > MAX_ROUND_TRIP_MS) {
            refusal =
                `a round trip to ${this.store.where || 'the store'} took ` +
                    `${(this.roundTripMs / 1000).toFixed(1)} s: over ${MAX_ROUND_TRIP_MS / 1000} s, the ` +
                    `lock's refreshes could land so far apart that a run waiting ` +
                    `${MIN_LOCK_TIMEOUT_SECONDS} s for it takes it for dead`;
        }
        if (refusal !== undefined) {
            const problems = await this.release();
            const error = new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .UpdateError */ .mp(`${refusal}; nothing was changed`);
            error.notes.push(...problems);
            throw error;
        }
        if (this.store.keepLocks) {
            this.keeper = this.store.keepLocks(this.files.map((path) => ({ path, freshPrefix: (0,_temp_names_js__WEBPACK_IMPORTED_MODULE_3__/* .tempPrefix */ .hF)(dirOf(path)) })), this.text, HEARTBEAT_MS);
        }
        else {
            this.beatIn(HEARTBEAT_MS);
        }
    }
    /**
     * The heartbeat of a store without a thread of its own: a timer on the main thread (its
     * requests go through it anyway), each refresh one round trip, the next sent HEARTBEAT_MS
     * after the last was, or as soon as it is answered when it took longer.
     */
    beatIn(delayMs) {
        this.timer = setTimeout(() => {
            const started = performance.now();
            void this.beat().then(() => {
                if (this.released || this.lostHow)
                    return;
                this.beatIn(Math.max(0, HEARTBEAT_MS - (performance.now() - started)));
            });
        }, delayMs);
        this.timer.unref();
    }
    /** A refresh: the one in flight, or a new one. Never rejects: a failure loses the locks. */
    beat() {
        this.beating ??= this.refresh()
            .catch((error) => {
            this.lostHow ??= error instanceof Error ? error.message : (0,_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .describeError */ .Uc)(error);
        })
            .finally(() => (this.beating = undefined));
        return this.beating;
    }
    safeFor(needMs) {
        return performance.now() + needMs < this.confirmedAt + SAFE_MS;
    }
    /**
     * Tells waiting runs that the holder is alive, and makes sure the locks are still ours: a
     * lock removed or taken over means another run may be working here. On an in-order store
     * the look, the fresh lock and its rename go together, in one round trip; the rename then
     * also lands on a lock that is no longer ours, and that one is put back as it was (only a
     * breaker that saw ours unchanged for the whole timeout could have taken it meanwhile).
     */
    async refresh() {
        const sentAt = performance.now();
        const looking = this.store.inspect(this.files);
        if (!this.store.inOrder) {
            // Requests may be reordered: the look is answered before anything is written.
            const entries = await looking;
            const index = entries.findIndex((entry) => !this.isOurs(entry));
            if (index >= 0)
                throw await this.lose(index, entries[index]);
        }
        const fresh = this.files.map((file) => (0,_temp_names_js__WEBPACK_IMPORTED_MODULE_3__/* .tempName */ .u8)(dirOf(file)));
        const making = this.store.create(fresh.map((path) => ({ path, type: 'symbolic', content: this.text })));
        const renaming = this.store.rename(fresh.map((from, index) => ({ from, to: this.files[index] })));
        const [entries, made, renamed] = await Promise.all([looking, making, renaming]);
        const index = entries.findIndex((entry) => !this.isOurs(entry));
        if (index >= 0) {
            await this.putBack(entries, renamed);
            throw await this.lose(index, entries[index]);
        }
        const failed = [...made, ...renamed].find(_port_js__WEBPACK_IMPORTED_MODULE_4__/* .isFailure */ .N);
        if (failed) {
            await this.store.remove(fresh);
            throw new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .UpdateError */ .mp(`cannot refresh the lock in ${where(this.store, this.files[0])}: ${(0,_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .describeError */ .Uc)(failed)}`);
        }
        this.confirmedAt = sentAt;
        this.roundTripMs = performance.now() - sentAt;
    }
    /** Puts back each other run's lock that a refresh renamed ours over. */
    async putBack(entries, renamed) {
        for (const [index, entry] of entries.entries()) {
            if ((0,_port_js__WEBPACK_IMPORTED_MODULE_4__/* .isFailure */ .N)(entry) || entry.kind !== 'symlink' || entry.text === this.text)
                continue;
            if ((0,_port_js__WEBPACK_IMPORTED_MODULE_4__/* .isFailure */ .N)(renamed[index]))
                continue;
            const file = this.files[index];
            const removed = await removeIf(this.store, file, (now) => now.text === this.text);
            // Exclusive: a lock someone took meanwhile is left as it is.
            if (removed === true) {
                await this.store.create([{ path: file, type: 'symbolic', content: entry.text }]);
            }
        }
    }
    /** The locks are lost: says how, once, and returns the error to stop the batch with. */
    async lose(index, entry) {
        const file = this.files[index];
        const gone = !(0,_port_js__WEBPACK_IMPORTED_MODULE_4__/* .isFailure */ .N)(entry) && entry.kind === 'none';
        const how = gone ? await this.whyGone(dirOf(file)) : lostHow(entry);
        this.lostHow ??= `the lock ${where(this.store, file)} is no longer ours (${how})`;
        return new _errors_js__WEBPACK_IMPORTED_MODULE_2__/* .UpdateError */ .mp(this.lostHow);
    }
    /**
     * Why our lock is not at its path: removed, or its directory moved or replaced. A store that
     * knows inodes works inside the directories it opened, and tells a replaced one itself.
     */
    async whyGone(dir) {
        if (this.store.knowsInodes)
            return 'it was removed';
        const [now] = await this.store.realDirs([dir]).catch((error) => [error]);
        if (typeof now === 'string' && now !== dir) {
            return `its directory now leads to ${JSON.stringify(now)}: moved, or replaced by a symlink`;
        }
        if (typeof now !== 'string')
            return `its directory is gone: ${(0,_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .describeError */ .Uc)(now)}`;
        // Without inode numbers, a directory moved away and another made at its path looks so.
        return 'it was removed, or its directory moved';
    }
    isOurs(entry) {
        return !(0,_port_js__WEBPACK_IMPORTED_MODULE_4__/* .isFailure */ .N)(entry) && entry.kind === 'symlink' && entry.text === this.text;
    }
}
function holderText() {
    const holder = {
        host: _platform_identity_js__WEBPACK_IMPORTED_MODULE_0__.ME.host,
        instance: _platform_identity_js__WEBPACK_IMPORTED_MODULE_0__.ME.instance,
        pid: _platform_identity_js__WEBPACK_IMPORTED_MODULE_0__.ME.pid,
        token: (0,_platform_no_crypto_js__WEBPACK_IMPORTED_MODULE_1__/* .randomHex */ .n)(8),
        since: new Date().toISOString(),
    };
    return JSON.stringify(holder);
}
/**
 * What is at each lock `file`, with a lower bound of how long it has been so by the store's
 * own clock: a name made in its directory just before the look gives the store's time now,
 * the lock's mtime its last change; less CLOCK_GRAIN_MS, as a store may give whole seconds.
 * So a lock left long ago by a run that cannot be proven dead (another machine, another
 * container) is stale at first sight, whatever the clocks of the machines. The three phases
 * go together: one round trip on an in-order store. 0 where it cannot be told.
 */
async function lookAged(store, files) {
    const probes = files.map((file) => (0,_temp_names_js__WEBPACK_IMPORTED_MODULE_3__/* .tempName */ .u8)(dirOf(file)));
    const [, entries] = await Promise.all([
        store.create(probes.map((path) => ({ path, type: 'symbolic', content: '.' }))),
        store.inspect([...files, ...probes], { times: true }),
        store.remove(probes),
    ]);
    return files.map((_, index) => {
        const entry = entries[index];
        const probe = entries[files.length + index];
        const age = !(0,_port_js__WEBPACK_IMPORTED_MODULE_4__/* .isFailure */ .N)(entry) && entry.kind === 'symlink' && !(0,_port_js__WEBPACK_IMPORTED_MODULE_4__/* .isFailure */ .N)(probe) && probe.kind === 'symlink'
            ? (probe.mtimeMs ?? 0) - (entry.mtimeMs ?? Infinity) - CLOCK_GRAIN_MS
            : 0;
        return { entry, minAgeMs: Math.max(0, age) };
    });
}
/**
 * Why the lock `file` is stale, or undefined when it is not: its holder is provably gone, or
 * it has not changed for the timeout, seen from here or known `minAgeMs` old at first sight.
 */
function staleness(file, entry, minAgeMs, seen, timeoutMs) {
    const holder = parseHolder(entry.text);
    if (holder && (0,_platform_identity_js__WEBPACK_IMPORTED_MODULE_0__/* .isGone */ .S)(holder))
        return 'its holder is gone';
    const state = `${entry.mtimeMs} ${entry.text}`;
    let first = seen.get(file);
    if (first === undefined || first.state !== state) {
        first = { state, since: Date.now() - minAgeMs, changed: first !== undefined };
        seen.set(file, first);
    }
    const unchangedMs = Date.now() - first.since;
    return unchangedMs > timeoutMs
        ? `it was not refreshed for ${Math.round(unchangedMs / 1000)} s`
        : undefined;
}
/**
 * Removes the lock `file` if it is still the `stale` one, under the break lock; returns
 * whether it did. The break lock names the breaker: one left by a breaker that died is broken
 * in turn, as a lock is.
 */
async function breakLock(store, file, stale, text, seen) {
    const guardFile = file + BREAK_SUFFIX;
    const [taken] = await store.create([{ path: guardFile, type: 'symbolic', content: text }]);
    if ((0,_port_js__WEBPACK_IMPORTED_MODULE_4__/* .isFailure */ .N)(taken)) {
        // Another run is breaking it right now, or died doing so.
        const [{ entry: breaker, minAgeMs }] = await lookAged(store, [guardFile]);
        if (!(0,_port_js__WEBPACK_IMPORTED_MODULE_4__/* .isFailure */ .N)(breaker) &&
            breaker.kind === 'symlink' &&
            staleness(guardFile, breaker, minAgeMs, seen, BREAK_STALE_MS) !== undefined) {
            await removeIf(store, guardFile, (entry) => sameEntry(entry, breaker));
            seen.delete(guardFile);
        }
        return false;
    }
    try {
        return (await removeIf(store, file, (entry) => sameEntry(entry, stale))) === true;
    }
    finally {
        await removeIf(store, guardFile, (entry) => entry.text === text);
    }
}
/**
 * Removes `file` only if what is there passes `isIt`. It is renamed aside to a temporary name
 * of ours first, in one rename, and looked at there: what is removed is exactly what was
 * judged, however the name changed since. Anything else found there was another run's, and is
 * put back: a symlink as a new one with its text, made only if the name is still free, so that
 * a lock taken meanwhile is never replaced. Returns whether it was removed, or the failure of
 * the rename or the removal.
 */
async function removeIf(store, file, isIt) {
    const aside = (0,_temp_names_js__WEBPACK_IMPORTED_MODULE_3__/* .tempName */ .u8)(dirOf(file));
    // Sent together: the server answers in order, so the look is at what the rename moved.
    const [[moved], [entry]] = await Promise.all([
        store.rename([{ from: file, to: aside }]),
        store.inspect([aside], { times: true }),
    ]);
    if ((0,_port_js__WEBPACK_IMPORTED_MODULE_4__/* .isFailure */ .N)(moved))
        return moved;
    if (!(0,_port_js__WEBPACK_IMPORTED_MODULE_4__/* .isFailure */ .N)(entry) && entry.kind === 'symlink') {
        const judged = isIt(entry);
        if (!judged)
            await store.create([{ path: file, type: 'symbolic', content: entry.text }]);
        const [removed] = await store.remove([aside]);
        return (0,_port_js__WEBPACK_IMPORTED_MODULE_4__/* .isFailure */ .N)(removed) ? removed : judged;
    }
    const [back] = await store.rename([{ from: aside, to: file }]);
    return (0,_port_js__WEBPACK_IMPORTED_MODULE_4__/* .isFailure */ .N)(back) ? back : false;
}
function sameEntry(entry, judged) {
    return entry.text === judged.text && entry.mtimeMs === judged.mtimeMs;
}
function parseHolder(text) {
    try {
        const holder = JSON.parse(text);
        return typeof holder?.instance === 'string' && Number.isInteger(holder.pid)
            ? holder
            : undefined;
    }
    catch {
        return undefined;
    }
}
/**
 * The holder a lock's text names, for a message. The text was read from disk and may be
 * anyone's: every part of it is quoted, so that a message stays one line and no part of it
 * reads as a workflow command.
 */
function isThisRun(text) {
    const holder = parseHolder(text);
    return holder?.instance === _platform_identity_js__WEBPACK_IMPORTED_MODULE_0__.ME.instance && holder.pid === _platform_identity_js__WEBPACK_IMPORTED_MODULE_0__.ME.pid;
}
function describeHolder(text) {
    const holder = parseHolder(text);
    return holder
        ? `pid ${holder.pid} on ${quoted(holder.host)} since ${quoted(holder.since)}`
        : `an unknown holder (${JSON.stringify(text.slice(0, 80))})`;
}
const quoted = (value) => JSON.stringify(String(value));
function lostHow(entry) {
    if ((0,_port_js__WEBPACK_IMPORTED_MODULE_4__/* .isFailure */ .N)(entry))
        return (0,_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .describeError */ .Uc)(entry);
    if (entry.kind === 'none')
        return 'it was removed';
    if (entry.kind === 'symlink')
        return `now held by ${describeHolder(entry.text)}`;
    return `a ${entry.kind} is there now`;
}
function where(store, file) {
    return store.where ? `${store.where}:${file}` : file;
}
const dirOf = (file) => file.slice(0, file.lastIndexOf('/')) || '/';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));


/***/ }),

/***/ 4899:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   G7: () => (/* binding */ AtomicLinkError),
/* harmony export */   U8: () => (/* binding */ StoreLostError),
/* harmony export */   UK: () => (/* binding */ errnoCode),
/* harmony export */   Uc: () => (/* binding */ describeError),
/* harmony export */   dP: () => (/* binding */ MissingLinkError),
/* harmony export */   eb: () => (/* binding */ UsageError),
/* harmony export */   mp: () => (/* binding */ UpdateError),
/* harmony export */   p4: () => (/* binding */ InterruptedError)
/* harmony export */ });
/**
 * Every failure the engine reports carries the exit code the CLI and the action use, so that
 * callers never have to guess from a message what kind of failure they are looking at.
 */
class AtomicLinkError extends Error {
    exitCode;
    /**
     * Lines that go with the message: each link left neither old nor switched back, and what
     * could not be cleaned up.
     */
    notes = [];
    /** Where each link stands, when the run failed after reading them all (during the switch). */
    results;
    /** What the guard did and saw, when the run failed after it watched. */
    guard;
    constructor(message, exitCode) {
        super(message);
        this.exitCode = exitCode;
        this.name = new.target.name;
    }
}
/** Bad usage or input, found before anything on disk was touched (exit 2). */
class UsageError extends AtomicLinkError {
    constructor(message) {
        super(message, 2);
    }
}
/**
 * The update failed (exit 1): every link is as it was, or was switched back; or, when even
 * the switch back failed, the message says so and the notes name each link that is not.
 */
class UpdateError extends AtomicLinkError {
    constructor(message) {
        super(message, 1);
    }
}
/** A link was seen missing by the guard or the probe (exit 3). */
class MissingLinkError extends AtomicLinkError {
    constructor(message) {
        super(message, 3);
    }
}
/** The errno code of a Node system error, or undefined for anything else. */
function errnoCode(error) {
    const code = error?.code;
    return typeof code === 'string' ? code : undefined;
}
/** A one-line reason for a failed system call, without Node's stack or path noise: `EPERM (rename)`. */
function describeError(error) {
    const code = errnoCode(error);
    if (code) {
        const syscall = error.syscall;
        return syscall ? `${code} (${syscall})` : code;
    }
    return error instanceof Error ? error.message : String(error);
}
/**
 * The store stopped answering (a connection lost) with work in flight: what it did with the
 * last requests cannot be known. Each link is still old or new, as every change is a rename.
 */
class StoreLostError extends AtomicLinkError {
    constructor(message) {
        super(message, 1);
    }
}
/**
 * A signal asked the run to stop; the batch was ended whole (finished nothing, or switched back
 * what it had switched). Front ends exit with 128 + the signal's number.
 */
class InterruptedError extends AtomicLinkError {
    signal;
    constructor(message, signal) {
        super(message, 1);
        this.signal = signal;
    }
}


/***/ }),

/***/ 2955:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  G7: () => (/* reexport */ engine_errors/* AtomicLinkError */.G7),
  tp: () => (/* reexport */ FleetError),
  p4: () => (/* reexport */ engine_errors/* InterruptedError */.p4),
  xg: () => (/* reexport */ dir_lock/* MIN_LOCK_TIMEOUT_SECONDS */.xg),
  mp: () => (/* reexport */ engine_errors/* UpdateError */.mp),
  eb: () => (/* reexport */ engine_errors/* UsageError */.eb),
  GR: () => (/* reexport */ checkExpect),
  g3: () => (/* reexport */ checkSpec),
  U9: () => (/* reexport */ count),
  Uc: () => (/* reexport */ engine_errors/* describeError */.Uc),
  NO: () => (/* reexport */ describeGuard),
  dy: () => (/* reexport */ describeResult),
  Wn: () => (/* reexport */ describeStatus),
  nl: () => (/* reexport */ inertJson),
  p0: () => (/* reexport */ isSpecText),
  $e: () => (/* reexport */ linkInto),
  PG: () => (/* reexport */ linkOnly),
  px: () => (/* reexport */ nextBackupSuffix),
  So: () => (/* reexport */ numberedBackups),
  TN: () => (/* reexport */ oneLine),
  hT: () => (/* reexport */ parseLinkLines),
  F9: () => (/* reexport */ parseSpec),
  gJ: () => (/* reexport */ parseSpecText),
  rk: () => (/* reexport */ readStatus),
  dO: () => (/* reexport */ statusFleet),
  jm: () => (/* reexport */ switchFleet),
  Wj: () => (/* reexport */ switchLinks)
});

// UNUSED EXPORTS: MissingLinkError, StoreLostError, isFailure, quote

// EXTERNAL MODULE: ./lib/engine/dir-lock.js
var dir_lock = __nccwpck_require__(137);
// EXTERNAL MODULE: ./lib/engine/errors.js
var engine_errors = __nccwpck_require__(4899);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __nccwpck_require__(6760);
// EXTERNAL MODULE: ./lib/engine/port.js
var port = __nccwpck_require__(4799);
;// CONCATENATED MODULE: ./lib/engine/specs.js


const ARROWS = { '->': 'symbolic', '=>': 'hard' };
// Global, so that a second exec() from where the first match ended finds a second arrow.
const ARROW_PATTERN = /\s(->|=>)\s/g;
/** Parses one `LINK -> TARGET` (symbolic) or `LINK => TARGET` (hard) spec. */
function parseSpec(text, origin) {
    ARROW_PATTERN.lastIndex = 0;
    const arrow = ARROW_PATTERN.exec(text);
    const another = arrow !== null && ARROW_PATTERN.exec(text) !== null;
    if (arrow === null || another) {
        throw new engine_errors/* UsageError */.eb(`${origin}: ${quote(text)} must be 'LINK -> TARGET' (symbolic) or 'LINK => TARGET' (hard)` +
            (another ? ', with one arrow' : ''));
    }
    const link = text.slice(0, arrow.index).trim();
    const target = text.slice(arrow.index + arrow[0].length).trim();
    return checkSpec({ link, target, type: ARROWS[arrow[1]], origin });
}
/**
 * LINKs alone, one a line (blank lines and `#` comments skipped), for a rollback or a status:
 * their targets come from the links' backups. `what` names the mode in messages.
 */
function parseLinkLines(text, source, what) {
    if (text.trimStart().startsWith('[')) {
        throw new engine_errors/* UsageError */.eb(`${source}: ${what} takes LINKs one a line, not a JSON array`);
    }
    const specs = [];
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
function linkOnly(link, origin, what) {
    if (isSpecText(link)) {
        throw new engine_errors/* UsageError */.eb(`${origin}: ${what} takes LINKs, not SPECs: ${quote(link)}`);
    }
    checkName(link, 'LINK', origin);
    if (link.endsWith('/')) {
        throw new engine_errors/* UsageError */.eb(`${origin}: LINK ${quote(link)} ends with '/'`);
    }
    return { link, target: '', type: 'symbolic', origin };
}
/** True when the text looks like a spec rather than an ln-style path. */
function isSpecText(text) {
    return new RegExp(ARROW_PATTERN.source).test(text);
}
/**
 * Parses a spec file's text: a JSON array when it starts with `[`, otherwise one spec per line
 * with blank lines and `#` comments. `source` names the file or input in messages.
 */
function parseSpecText(text, source) {
    if (text.trimStart().startsWith('['))
        return parseSpecJson(text, source);
    const specs = [];
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
function parseSpecJson(text, source) {
    let items;
    try {
        items = JSON.parse(text);
    }
    catch (error) {
        throw new engine_errors/* UsageError */.eb(`${source}: not valid JSON: ${error.message}`);
    }
    if (!Array.isArray(items))
        throw new engine_errors/* UsageError */.eb(`${source}: the JSON must be an array`);
    return items.flatMap((item, index) => {
        const origin = `${source} item ${index + 1}`;
        if (typeof item !== 'object' || item === null || Array.isArray(item)) {
            throw new engine_errors/* UsageError */.eb(`${origin}: must be an object with "link" and "target", or "into"`);
        }
        const record = item;
        return 'into' in record ? intoSpecs(record, origin) : [objectSpec(record, origin)];
    });
}
function objectSpec(record, origin) {
    checkKeys(record, SPEC_KEYS, origin);
    return checkSpec({
        link: stringField(record, 'link', origin, true),
        target: stringField(record, 'target', origin, true),
        type: typeField(record, origin),
        relative: booleanField(record, 'relative', origin),
        expect: stringField(record, 'expect', origin, false),
        backup: stringField(record, 'backup', origin, false),
        origin,
    });
}
/** `{"into": DIR, "targets": [...]}`: one link per target inside DIR, as `ln TARGET... DIR`. */
function intoSpecs(record, origin) {
    checkKeys(record, INTO_KEYS, origin);
    const into = stringField(record, 'into', origin, true);
    const targets = record.targets;
    if (!Array.isArray(targets) || targets.length === 0) {
        throw new engine_errors/* UsageError */.eb(`${origin}: "targets" must be a non-empty array of paths`);
    }
    const type = typeField(record, origin);
    const relative = booleanField(record, 'relative', origin);
    return targets.map((target, index) => {
        const where = `${origin} target ${index + 1}`;
        if (typeof target !== 'string')
            throw new engine_errors/* UsageError */.eb(`${where}: must be a string`);
        return checkSpec({ link: linkInto(into, target), target, type, relative, origin: where });
    });
}
/** The link `ln TARGET DIR` makes: DIR/basename(TARGET). */
function linkInto(dir, target) {
    return external_node_path_.join(dir, external_node_path_.basename(target));
}
/** Rejects names no filesystem call should ever see. */
function checkSpec(spec) {
    checkName(spec.link, 'LINK', spec.origin);
    checkName(spec.target, 'TARGET', spec.origin);
    checkExpect(spec);
    if (spec.backup !== undefined) {
        checkName(spec.backup, 'backup suffix', spec.origin);
        if (spec.backup.includes('/')) {
            throw new engine_errors/* UsageError */.eb(`${spec.origin}: backup suffix ${quote(spec.backup)} contains '/'`);
        }
    }
    if (spec.link.endsWith('/')) {
        throw new engine_errors/* UsageError */.eb(`${spec.origin}: LINK ${quote(spec.link)} ends with '/', which would follow the link into its target`);
    }
    return spec;
}
/** An expected target (--expect) is a name like any other. */
function checkExpect(spec) {
    if (spec.expect !== undefined)
        checkName(spec.expect, 'expect', spec.origin);
    return spec;
}
function checkName(value, what, origin) {
    if (value === '')
        throw new engine_errors/* UsageError */.eb(`${origin}: ${what} is empty`);
    if (value.includes('\0'))
        throw new engine_errors/* UsageError */.eb(`${origin}: ${what} contains a NUL byte`);
    if (/[\r\n]/.test(value)) {
        throw new engine_errors/* UsageError */.eb(`${origin}: ${what} ${quote(value)} contains a line break`);
    }
}
function checkKeys(record, allowed, origin) {
    const unknown = Object.keys(record).filter((key) => !allowed.has(key));
    if (unknown.length > 0) {
        throw new engine_errors/* UsageError */.eb(`${origin}: unknown field ${unknown.map((k) => JSON.stringify(k)).join(', ')}`);
    }
}
function stringField(record, key, origin, required) {
    const value = record[key];
    if (value === undefined && !required)
        return undefined;
    if (typeof value !== 'string') {
        throw new engine_errors/* UsageError */.eb(`${origin}: "${key}" must be a string`);
    }
    return value;
}
function booleanField(record, key, origin) {
    const value = record[key] ?? false;
    if (typeof value !== 'boolean')
        throw new engine_errors/* UsageError */.eb(`${origin}: "${key}" must be true or false`);
    return value;
}
function typeField(record, origin) {
    const value = record.type ?? 'symbolic';
    if (value !== 'symbolic' && value !== 'hard') {
        throw new engine_errors/* UsageError */.eb(`${origin}: "type" must be "symbolic" or "hard"`);
    }
    return value;
}
/** Quotes a name for a message so that spaces and control characters stay visible. */
function quote(text) {
    return JSON.stringify(text);
}

;// CONCATENATED MODULE: ./lib/engine/history.js




/** NAME.~N~ as GNU's backupfile.c counts it: N from 1, with no leading zero. */
const NUMBERED = /^(.+)\.~([1-9][0-9]*)~$/s;
/** Each name's numbered backups NAME.~N~ among a directory's entries, newest (highest N) first. */
function numberedBackups(entries) {
    const byName = new Map();
    for (const entry of entries) {
        const match = NUMBERED.exec(entry);
        if (!match)
            continue;
        const found = byName.get(match[1]);
        const backup = { name: entry, number: BigInt(match[2]) };
        if (found)
            found.push(backup);
        else
            byName.set(match[1], [backup]);
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
function nextBackupSuffix(own, numbered, simple) {
    return own.length > 0 || numbered ? `.~${(own[0]?.number ?? 0n) + 1n}~` : simple;
}
const join = (dir, name) => (dir === '/' ? `/${name}` : `${dir}/${name}`);
const nameOf = (link) => link.slice(link.lastIndexOf('/') + 1);
/** A backup's name as the user would write it: beside LINK as LINK is spelled. */
const spelled = (link, name) => link.slice(0, link.lastIndexOf('/') + 1) + name;
/**
 * Reads, under the directories' locks, what numbered backups and rollbacks need: each
 * directory's entries (one listing for the batch), then for rollbacks every backup's state (one
 * inspection). Returns the items with specs of their own (the caller's are shared by a fleet's
 * hosts, whose histories differ): a numbered backup named, a rollback turned into the switch
 * back to its backup's target.
 */
async function readHistory(store, placed, locked, listed) {
    const wanted = placed.filter(({ spec }) => spec.history ?? spec.rollback);
    if (wanted.length === 0)
        return placed;
    if (!locked)
        refuseUnlocked(wanted.find(({ spec }) => spec.rollback ?? spec.history?.numbered));
    const backupsIn = await listBackups(store, wanted, listed);
    const rollbacks = [];
    const items = placed.map((item, index) => {
        const { spec } = item;
        if (!spec.history && !spec.rollback)
            return item;
        const name = nameOf(spec.link);
        const { numbered, entries } = backupsIn(item.realDir);
        const own = numbered.get(name) ?? [];
        if (spec.rollback) {
            const simple = name + spec.rollback.suffix;
            const candidates = own.map((backup) => backup.name);
            if (entries.has(simple))
                candidates.push(simple);
            rollbacks.push({ index, candidates });
            return item;
        }
        const history = spec.history;
        // `existing` numbers once LINK has numbered backups: only then is the lock needed.
        if (own.length > 0 && !locked)
            refuseUnlocked(item);
        const backup = nextBackupSuffix(own, history.numbered, spec.backup);
        const paths = own.map((numberedBackup) => join(item.realDir, numberedBackup.name));
        return {
            ...item,
            spec: { ...spec, backup },
            ...(history.keep !== undefined && { numbered: paths }),
        };
    });
    if (rollbacks.length > 0)
        await resolveRollbacks(store, items, rollbacks);
    return items;
}
/**
 * A history is read, then written, under the lock: without it two runs at once choose the
 * same N (the second backup renamed over the first), or roll back with the same backup.
 */
function refuseUnlocked(item) {
    if (item === undefined)
        return;
    const { origin, link, rollback } = item.spec;
    throw new engine_errors/* UsageError */.eb(`${origin}: ${rollback ? 'a rollback of' : 'the numbered backups of'} LINK ${quote(link)} ` +
        `${rollback ? 'reads and removes its backups' : 'are named'} under the lock ` +
        `(two runs at once would ${rollback ? 'take the same backup' : 'choose the same N, and one backup would be lost'}), ` +
        'so running without the lock is refused; nothing was changed');
}
/**
 * The entries of the directories of `wanted`, from `listed` if it holds them all, else listed
 * at once; a directory that cannot be listed ends the run.
 */
async function listBackups(store, wanted, listed) {
    const needed = new Set(wanted.map((item) => item.realDir));
    let dirs = [...needed];
    let listings;
    const known = new Set(listed?.dirs);
    if (listed && dirs.every((dir) => known.has(dir))) {
        ({ dirs } = listed);
        listings = await listed.listings;
    }
    else {
        listings = await store.list(dirs);
    }
    const read = new Map();
    dirs.forEach((dir, index) => {
        if (!needed.has(dir))
            return;
        const listing = listings[index];
        if ((0,port/* isFailure */.N)(listing)) {
            const item = wanted.find((each) => each.realDir === dir);
            throw new engine_errors/* UpdateError */.mp(`${item.spec.origin}: cannot list ${dir} for the backups of LINK ` +
                `${quote(item.spec.link)}: ${(0,engine_errors/* describeError */.Uc)(listing)}; nothing was changed`);
        }
        read.set(dir, { numbered: numberedBackups(listing), entries: new Set(listing) });
    });
    return (dir) => read.get(dir);
}
/**
 * Turns each rollback into a switch to its newest backup's target. A backup that points where
 * LINK points already is what an interrupted rollback left (LINK switched, the backup not yet
 * removed): it is passed over, and removed with the one used.
 */
async function resolveRollbacks(store, items, rollbacks) {
    const paths = [];
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
        const passed = [];
        let chosen;
        for (const name of candidates) {
            const entry = entryOf(entries[at++], item, spelled(item.spec.link, name));
            if (chosen !== undefined || entry.kind === 'none')
                continue;
            checkBackupKind(item, link, name, entry);
            if (sameTarget(item.realDir, link, entry))
                passed.push(join(item.realDir, name));
            else
                chosen = { name, entry };
        }
        if (chosen === undefined)
            throw noBackup(item, link, passed.length);
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
function entryOf(entry, item, name) {
    if (!(0,port/* isFailure */.N)(entry))
        return entry;
    throw new engine_errors/* UpdateError */.mp(`${item.spec.origin}: cannot read ${quote(name)} to roll back LINK ` +
        `${quote(item.spec.link)}: ${(0,engine_errors/* describeError */.Uc)(entry)}; nothing was changed`);
}
/** Only a link (a symlink, or a file: a hard link) has a target to go back from. */
function checkLink(item, link) {
    if (link.kind === 'symlink' || link.kind === 'file')
        return;
    const what = link.kind === 'none' ? 'does not exist' : 'is not a link';
    const Refusal = link.kind === 'none' ? engine_errors/* UpdateError */.mp : engine_errors/* UsageError */.eb;
    throw new Refusal(`${item.spec.origin}: LINK ${quote(item.spec.link)} ${what}: nothing to roll back`);
}
/**
 * What a rollback can go back from: a symlink's backups are symlinks, a hard link's are names
 * of files. Anything else at a backup's name (a directory, a file where a symlink was) was not
 * made by a switch: refused, so that nobody's data becomes LINK.
 */
function checkBackupKind(item, link, name, backup) {
    const { origin, link: linkName } = item.spec;
    if (backup.kind === link.kind)
        return;
    const kinds = {
        none: 'missing',
        symlink: 'a symbolic link',
        file: 'a regular file',
        directory: 'a directory',
        other: 'not a link or regular file',
    };
    throw new engine_errors/* UpdateError */.mp(`${origin}: the backup ${quote(spelled(linkName, name))} of LINK ${quote(linkName)} is ` +
        `${kinds[backup.kind]}, and LINK ${link.kind === 'symlink' ? 'a symbolic link' : 'a hard link or file'}: ` +
        `it is not a backup a switch made; move it away to roll back past it; nothing was changed`);
}
/** Whether a backup leads where LINK does (a hard link: the same file, where inodes are known). */
function sameTarget(dir, link, backup) {
    if (link.kind === 'symlink' && backup.kind === 'symlink') {
        return external_node_path_.posix.resolve(dir, link.text) === external_node_path_.posix.resolve(dir, backup.text);
    }
    return (link.kind === 'file' && backup.kind === 'file' && link.id !== undefined && link.id === backup.id);
}
function noBackup(item, link, passed) {
    const { origin, link: linkName, rollback } = item.spec;
    const name = nameOf(linkName);
    const stale = passed === 0
        ? ''
        : ` (${passed === 1 ? 'a backup points' : `${passed} backups point`} where LINK ` +
            `${link.kind === 'symlink' ? `does, at ${quote(link.text)}` : 'does'})`;
    return new engine_errors/* UpdateError */.mp(`${origin}: LINK ${quote(linkName)} has no backup to roll back to: no ${quote(`${name}.~N~`)} ` +
        `and no ${quote(name + (rollback?.suffix ?? '~'))}${stale}; nothing was changed`);
}

// EXTERNAL MODULE: ./lib/engine/temp-names.js
var temp_names = __nccwpck_require__(3363);
;// CONCATENATED MODULE: ./lib/engine/plan.js





const plan_join = (dir, name) => (dir === '/' ? `/${name}` : `${dir}/${name}`);
/**
 * Resolves every link's directory (each once: batches put many links in few directories),
 * reading nothing but the directories, so that locks can be taken on the real directories
 * before the links' state is read.
 */
async function placeSpecs(store, specs, options) {
    let last = '';
    const spelledOf = specs.map((spec) => {
        const slash = spec.link.lastIndexOf('/');
        const name = spec.link.slice(slash + 1);
        if (name === '.' || name === '..') {
            throw new engine_errors/* UsageError */.eb(`${spec.origin}: LINK ${quote(spec.link)} does not name a link`);
        }
        const reserved = [name, ...(spec.backup === undefined ? [] : [name + spec.backup])].find(temp_names/* isReservedName */.ce);
        if (reserved !== undefined) {
            const what = reserved === name ? 'LINK' : `the backup of LINK ${quote(spec.link)},`;
            throw new engine_errors/* UsageError */.eb(`${spec.origin}: ${what} ${quote(reserved === name ? spec.link : reserved)} takes a ` +
                `name atomic-link keeps for its lock and temporary links, which later runs remove`);
        }
        // Links of one directory mostly come one after another: one string then, hashed once.
        if (slash <= 0 || slash !== last.length || !spec.link.startsWith(last)) {
            last = slash < 0 ? '.' : spec.link.slice(0, slash) || '/';
        }
        return last;
    });
    const spelled = [...new Set(spelledOf)];
    const dirs = spelled.map((dir) => external_node_path_.posix.resolve(options.cwd, dir));
    const asked = options.root === undefined ? dirs : [...dirs, external_node_path_.posix.resolve(options.root)];
    const reals = await store.realDirs(asked);
    const root = options.root === undefined ? undefined : reals[dirs.length];
    if (root !== undefined && (0,port/* isFailure */.N)(root)) {
        throw new engine_errors/* UsageError */.eb(`working directory ${options.root}: ${(0,engine_errors/* describeError */.Uc)(root)}`);
    }
    const places = new Map();
    spelled.forEach((key, index) => places.set(key, { dir: dirs[index], realDir: '' }));
    return specs.map((spec, index) => {
        const place = places.get(spelledOf[index]);
        if (place.realDir === '') {
            const real = reals[spelled.indexOf(spelledOf[index])];
            if ((0,port/* isFailure */.N)(real))
                throw missingDirectory(spec, place.dir, real);
            if (root !== undefined)
                checkInside(external_node_path_.posix.resolve(options.root), root, place.dir, real, spec);
            place.realDir = real;
        }
        const name = spec.link.slice(spec.link.lastIndexOf('/') + 1);
        return { spec, dir: place.dir, realDir: place.realDir, path: plan_join(place.realDir, name) };
    });
}
function missingDirectory(spec, dir, failure) {
    const code = (0,port/* isFailure */.N)(failure) ? failure.code : '';
    const reason = code === 'ENOENT'
        ? 'does not exist'
        : code === 'ENOTDIR'
            ? 'is not a directory'
            : `is not usable: ${(0,engine_errors/* describeError */.Uc)(failure)}`;
    return new engine_errors/* UsageError */.eb(`${spec.origin}: the directory of LINK ${quote(spec.link)}, ${dir}, ${reason}`);
}
/**
 * Refuses a link whose directory leaves the root by `..`, by an absolute path, or through a
 * symlinked parent: the directory as spelled must lie in the root as spelled, and the resolved
 * directory in the resolved root (so a root that is itself a symlink works).
 */
function checkInside(root, realRoot, lexical, real, spec) {
    for (const [base, candidate] of [
        [root, lexical],
        [realRoot, real],
    ]) {
        const relative = external_node_path_.posix.relative(base, candidate);
        if (relative === '..' || relative.startsWith('../') || external_node_path_.posix.isAbsolute(relative)) {
            throw new engine_errors/* UsageError */.eb(`${spec.origin}: LINK ${quote(spec.link)} is outside the working directory ${root}`);
        }
    }
}
/**
 * Reads each link's current state and checks the spec against it, refusing anything that
 * would lose data. Everything is asked of the store at once. Call it under the directories'
 * locks: --expect is a compare-and-swap. Backups come out as operations of their own, placed
 * before the link they keep.
 */
async function inspect(store, placed, options, asked = askState(store, placed, options)) {
    const { at, reachAt } = asked;
    const [entries, reached] = await asked.answers;
    const entryAt = (position) => (position < 0 ? undefined : entries[position]);
    const operations = [];
    placed.forEach((item, index) => {
        const operation = plan(item, entries[index]);
        if (item.spec.type === 'symbolic') {
            if (reachAt[index] >= 0) {
                checkReached(operation, reached[reachAt[index]], options, item.from);
            }
        }
        else {
            const target = entries[at.hard[index]];
            checkHardTarget(operation, target);
            operation.changed = !(operation.prior.kind === 'file' && sameFile(operation.prior, target));
        }
        if (operation.changed)
            checkReplaceable(operation, options);
        if (item.spec.expect !== undefined) {
            checkExpected(operation, item.spec.expect, entryAt(at.expect[index]));
        }
        const backup = item.spec.backup;
        const backedUp = backup !== undefined && operation.changed && operation.prior.kind !== 'none';
        if (backedUp) {
            operations.push(backupOperation(operation, backup, entries[at.backup[index]], options));
        }
        const keep = item.spec.history?.keep;
        if (keep !== undefined && item.numbered !== undefined) {
            // The backup made now is one of the `keep`. Only backups of LINK's own kind go: a file
            // named like a symlink's backup is someone's data, and a directory is never removed.
            const kind = operation.prior.kind === 'file' ? 'file' : 'symlink';
            const first = at.numbered.get(index);
            operation.removeAfter = item.numbered
                .map((backup, offset) => ({ backup, entry: entries[first + offset] }))
                .slice(backedUp ? keep - 1 : keep)
                .filter(({ entry }) => !(0,port/* isFailure */.N)(entry) && entry.kind === kind)
                .map(({ backup }) => backup);
        }
        operations.push(operation);
    });
    const byPath = refuseDuplicates(operations);
    refuseLoops(operations, byPath);
    refuseRemovingLinks(operations, byPath);
    return operations;
}
/** Sends what inspect() needs to know of the links, without waiting for the answers. */
function askState(store, placed, options) {
    // One request of each kind for the whole batch: the links first, then what some specs
    // also need (a backup's path, a hard link's target, a hard link's expected file), each
    // found again by its position.
    const count = placed.length;
    const paths = new Array(count);
    const at = {
        backup: new Int32Array(count),
        hard: new Int32Array(count),
        expect: new Int32Array(count),
        numbered: new Map(),
    };
    const checked = [];
    const reachAt = new Int32Array(count).fill(-1);
    placed.forEach((item, index) => {
        const { spec } = item;
        paths[index] = item.path;
        at.backup[index] = spec.backup === undefined ? -1 : paths.push(item.path + spec.backup) - 1;
        if (spec.history?.keep !== undefined && item.numbered !== undefined) {
            at.numbered.set(index, paths.length);
            paths.push(...item.numbered);
        }
        at.hard[index] =
            spec.type === 'hard' ? paths.push(external_node_path_.posix.resolve(item.realDir, spec.target)) - 1 : -1;
        at.expect[index] =
            spec.type === 'hard' && spec.expect !== undefined
                ? paths.push(external_node_path_.posix.resolve(item.realDir, spec.expect)) - 1
                : -1;
        if (spec.type === 'symbolic' && !options.allowDangling) {
            reachAt[index] = checked.push({ dir: item.realDir, text: symlinkContent(item) }) - 1;
        }
    });
    const answers = Promise.all([store.inspect(paths), store.reach(checked)]);
    return { at, reachAt, answers };
}
function symlinkContent(item) {
    return item.spec.relative ? relativeTarget(item.dir, item.spec.target) : item.spec.target;
}
function relativeTarget(dir, target) {
    return external_node_path_.posix.relative(dir, external_node_path_.posix.resolve(dir, target)) || '.';
}
function plan(item, entry) {
    const { spec } = item;
    const prior = toPrior(entry, spec.origin, spec.link);
    const operation = {
        origin: spec.origin,
        link: spec.link,
        path: item.path,
        realDir: item.realDir,
        type: spec.type,
        content: '',
        target: spec.target,
        prior,
        changed: true,
        ...(item.from !== undefined && { from: item.from, removeAfter: item.removeAfter }),
    };
    if (spec.type === 'symbolic') {
        operation.content = symlinkContent(item);
        operation.target = operation.content;
        operation.changed = !(prior.kind === 'symlink' && prior.text === operation.content);
    }
    else {
        operation.content = external_node_path_.posix.resolve(item.realDir, spec.target);
    }
    return operation;
}
function toPrior(entry, origin, link) {
    if ((0,port/* isFailure */.N)(entry)) {
        throw new engine_errors/* UsageError */.eb(`${origin}: cannot read LINK ${quote(link)}: ${(0,engine_errors/* describeError */.Uc)(entry)}`);
    }
    switch (entry.kind) {
        case 'none':
            return { kind: 'none' };
        // The entry itself: a copy per link would be thousands of objects more to collect.
        case 'symlink':
        case 'file':
            return entry;
        case 'directory':
            throw new engine_errors/* UsageError */.eb(`${origin}: LINK ${quote(link)} is a real directory; rename cannot replace a ` +
                `directory and its contents would be lost. Move it away first (this is never done for you)`);
        default:
            throw new engine_errors/* UsageError */.eb(`${origin}: LINK ${quote(link)} is not a link or regular file`);
    }
}
/**
 * A regular file at the destination is data unless it is a hard link whose inode has another
 * name, which survives the switch. Where the store cannot count names (SFTP, sshfs), replacing
 * any file needs --replace-files.
 */
function checkReplaceable(operation, options) {
    const prior = operation.prior;
    if (prior.kind !== 'file' || options.replaceFiles)
        return;
    if (operation.type === 'hard' && (prior.nlink ?? 1) > 1)
        return;
    throw new engine_errors/* UsageError */.eb(`${operation.origin}: LINK ${quote(operation.link)} is a regular file` +
        (operation.type === 'hard' ? ' with no other name' : '') +
        `; ${advise(options, 'replace-files')} to replace it`);
}
/** `from`: a rollback's backup, whose target is gone: the history is wrong, not the input. */
function checkReached(operation, reached, options, from) {
    if (!(0,port/* isFailure */.N)(reached))
        return;
    const code = reached.code;
    const reason = code === 'ENOENT' || code === 'ENOTDIR'
        ? 'does not exist'
        : code === 'EUNCHECKABLE'
            ? reached.message
            : (0,engine_errors/* describeError */.Uc)(reached);
    if (from !== undefined) {
        throw new engine_errors/* UpdateError */.mp(`${operation.origin}: cannot roll LINK ${quote(operation.link)} back: the target ` +
            `${quote(operation.content)} of its backup ${quote(from)} ${reason} (resolved from ` +
            `${operation.realDir}); nothing was changed`);
    }
    throw new engine_errors/* UsageError */.eb(`${operation.origin}: TARGET ${quote(operation.content)} of LINK ${quote(operation.link)} ` +
        `${reason} (resolved from ${operation.realDir}); ${advise(options, 'allow-dangling')} to link it anyway`);
}
/** `pass --replace-files`, or as the front end says it. */
function advise(options, option) {
    return options.advise?.(option) ?? `pass --${option}`;
}
function checkHardTarget(operation, entry) {
    if ((0,port/* isFailure */.N)(entry) || entry.kind === 'none') {
        const missing = !(0,port/* isFailure */.N)(entry) || entry.code === 'ENOENT' || entry.code === 'ENOTDIR';
        throw new engine_errors/* UsageError */.eb(`${operation.origin}: hard link TARGET ${quote(operation.target)} ` +
            (missing ? 'does not exist' : `cannot be used: ${(0,engine_errors/* describeError */.Uc)(entry)}`));
    }
    if (entry.kind === 'directory') {
        throw new engine_errors/* UsageError */.eb(`${operation.origin}: hard link TARGET ${quote(operation.target)} is a directory`);
    }
}
/** Only a store that knows inodes can tell that a hard link is already the one asked for. */
function sameFile(prior, target) {
    return target.kind === 'file' && prior.id !== undefined && prior.id === target.id;
}
/** --expect: the link must point at `expected` now, or nothing is switched (exit 1). */
function checkExpected(operation, expected, hardExpected) {
    const { prior, realDir } = operation;
    let matches = false;
    if (operation.type === 'symbolic' && prior.kind === 'symlink') {
        matches = external_node_path_.posix.resolve(realDir, prior.text) === external_node_path_.posix.resolve(realDir, expected);
    }
    else if (operation.type === 'hard' && prior.kind === 'file' && hardExpected !== undefined) {
        matches = !(0,port/* isFailure */.N)(hardExpected) && sameFile(prior, hardExpected);
    }
    if (!matches) {
        const now = prior.kind === 'symlink'
            ? `points at ${quote(prior.text)}`
            : prior.kind === 'none'
                ? 'does not exist'
                : 'is a hard link or file';
        throw new engine_errors/* UpdateError */.mp(`${operation.origin}: LINK ${quote(operation.link)} ${now}, not at the expected ` +
            `${quote(expected)}; nothing was changed`);
    }
}
/**
 * LINK+SUFFIX made to point at what LINK points at now: a symlink with the same text, or a new
 * name for the same inode. It is switched in like any link, so it is never missing either.
 */
function backupOperation(operation, suffix, entry, options) {
    const prior = operation.prior;
    const link = operation.link + suffix;
    const backup = {
        origin: `${operation.origin} (backup)`,
        link,
        path: operation.path + suffix,
        realDir: operation.realDir,
        type: prior.kind === 'symlink' ? 'symbolic' : 'hard',
        content: prior.kind === 'symlink' ? prior.text : operation.path,
        target: prior.kind === 'symlink' ? prior.text : operation.link,
        prior: toPrior(entry, operation.origin, link),
        changed: true,
    };
    if (backup.type === 'symbolic' && backup.prior.kind === 'symlink') {
        backup.changed = backup.prior.text !== backup.content;
    }
    if (backup.changed)
        checkReplaceable(backup, options);
    return backup;
}
/** Every operation by its path; two that name one link are refused. */
function refuseDuplicates(operations) {
    const byPath = new Map();
    for (const operation of operations) {
        const earlier = byPath.get(operation.path);
        if (earlier) {
            throw new engine_errors/* UsageError */.eb(`${operation.origin}: LINK ${quote(operation.link)} is also named by ${earlier.origin}`);
        }
        byPath.set(operation.path, operation);
    }
    return byPath;
}
/**
 * A LINK of the batch named like a backup that another LINK's switch removes (past
 * --keep-backups, or a rollback's): it would be switched, reported so, and then be gone.
 */
function refuseRemovingLinks(operations, byPath) {
    for (const operation of operations) {
        if (!operation.changed)
            continue;
        const link = operation.removeAfter?.map((removed) => byPath.get(removed)).find(Boolean);
        if (link === undefined)
            continue;
        throw new engine_errors/* UsageError */.eb(`${link.origin}: LINK ${quote(link.link)} is a backup of LINK ${quote(operation.link)}, ` +
            'which this run removes once that is switched: switch them in separate runs');
    }
}
/**
 * Refuses new symlinks that would lead to each other in a circle (`a -> a`, or `a -> b` and
 * `b -> a`): the target checks pass, as each target exists before the switch, and after it
 * nothing resolves.
 */
function refuseLoops(operations, byPath) {
    const linkDirs = new Set();
    for (const operation of operations) {
        if (operation.type === 'symbolic')
            linkDirs.add(operation.realDir);
    }
    // Only a text naming a file in a directory of the batch's links can lead to one: the rest,
    // nearly all in a batch (they name a release), are passed over without resolving them.
    const mayLead = namesFileIn(linkDirs);
    const next = (operation) => {
        if (!mayLead(operation.realDir, operation.content))
            return undefined;
        const at = byPath.get(external_node_path_.posix.resolve(operation.realDir, operation.content));
        return at?.type === 'symbolic' ? at : undefined;
    };
    for (const start of operations) {
        if (start.type !== 'symbolic')
            continue;
        let at = next(start);
        if (at === undefined)
            continue;
        const visited = new Set([start.path]);
        for (; at !== undefined; at = next(at)) {
            if (visited.has(at.path)) {
                throw new engine_errors/* UsageError */.eb(`${start.origin}: LINK ${quote(start.link)} -> ${quote(start.content)} would make a ` +
                    `symlink loop with the other links of the batch; nothing was changed`);
            }
            visited.add(at.path);
        }
    }
}
/**
 * Whether a symlink text read from a directory may name a file in one of `dirs` (a text not
 * ending in a plain name may lead anywhere). A batch's texts mostly name files of one
 * directory, one after another: the directory is resolved once for a run of them.
 */
function namesFileIn(dirs) {
    let lastFrom;
    let lastPrefix = '';
    let leads = true;
    return (from, text) => {
        const slash = text.lastIndexOf('/');
        const name = text.slice(slash + 1);
        if (name === '' || name === '.' || name === '..')
            return true;
        if (from !== lastFrom || slash + 1 !== lastPrefix.length || !text.startsWith(lastPrefix)) {
            lastFrom = from;
            lastPrefix = text.slice(0, slash + 1);
            leads = dirs.has(external_node_path_.posix.resolve(from, lastPrefix || '.'));
        }
        return leads;
    };
}

;// CONCATENATED MODULE: ./lib/engine/probe.js



/**
 * Trial swaps are bounded by time, not by a count of lookups: over a network every swap and
 * every lookup costs round trips, and a count would make the probe as slow as the network.
 */
const PROBE_MS = 1000;
const MIN_SWAPS = 3;
/**
 * Before any real link is touched: fails the run where rename is known not to replace in one
 * step (exit 3), and makes trial swaps of a scratch link, watched, where that is not known.
 * Returns the directories where trial swaps ran.
 */
async function probeDirectories(store, dirs, options) {
    const mode = options.probe ?? 'auto';
    if (mode === 'never')
        return [];
    const probed = [];
    for (const dir of dirs) {
        const behaviour = await store.renameBehaviour(dir);
        if (behaviour.kind === 'gap') {
            throw new engine_errors/* MissingLinkError */.dP(`probe: rename in ${dir} is not atomic (${behaviour.reason}): links would be missing ` +
                `for a moment at each switch; no real link was touched`);
        }
        if (behaviour.kind === 'atomic' && mode === 'auto')
            continue;
        await trialSwaps(store, dir, behaviour.kind === 'unknown' && behaviour.exact);
        probed.push(dir);
    }
    return probed;
}
/**
 * Swaps a scratch link as the real switch will, while a guard watches it. Where only the
 * rename's ability to replace is in question (`exact`), one swap settles it.
 */
async function trialSwaps(store, dir, exact) {
    const scratch = (0,temp_names/* tempName */.u8)(dir);
    const left = new Set();
    try {
        const [made] = await store.create([{ path: scratch, type: 'symbolic', content: '.' }]);
        if ((0,port/* isFailure */.N)(made))
            throw trialFailed(dir, made);
        left.add(scratch);
        const watch = await store.watch([scratch]);
        const started = Date.now();
        let swaps = 0;
        let refused;
        for (;;) {
            swaps++;
            const next = (0,temp_names/* tempName */.u8)(dir);
            left.add(next);
            // Sent together: a remote store makes the swap in one round trip. The texts name the
            // directory itself, so the scratch link is live as real links are: a plain SFTP rename
            // overwrites a dangling link but refuses a live one, and the probe must meet the refusal.
            const [created, renamed] = await Promise.all([
                store.create([{ path: next, type: 'symbolic', content: swaps % 2 ? './' : '.' }]),
                store.rename([{ from: next, to: scratch, watchIndex: 0 }]),
            ]);
            if ((0,port/* isFailure */.N)(created[0]))
                refused = created[0];
            else if ((0,port/* isFailure */.N)(renamed[0]))
                refused = renamed[0];
            else
                left.delete(next);
            if (refused !== undefined || watch.soFar().missing > 0)
                break;
            if (exact || (swaps >= MIN_SWAPS && Date.now() - started >= PROBE_MS))
                break;
        }
        const report = await watch.stop();
        if (report.missing > 0) {
            throw new engine_errors/* MissingLinkError */.dP(`probe: a scratch link in ${dir} was seen missing ${report.missing} times in ` +
                `${swaps} trial swaps (${report.lookups} lookups): rename on this filesystem ` +
                `is not atomic (sshfs -o workaround=rename does this); no real link was touched`);
        }
        if (refused !== undefined)
            throw trialFailed(dir, refused);
    }
    finally {
        // A store that is gone cannot remove them; its error is not the one to report.
        await store.remove([...left]).catch(() => undefined);
    }
}
function trialFailed(dir, error) {
    const code = (0,port/* isFailure */.N)(error) ? error.code : '';
    const cause = ['EPERM', 'EEXIST', 'ENOTSUP', 'EACCES'].includes(code)
        ? 'rename there will not replace an existing link; over SFTP this means the server ' +
            'lacks the posix-rename@openssh.com extension (OpenSSH has it), and replacing a link ' +
            'without it always leaves a moment with no link'
        : 'the trial rename failed';
    return new engine_errors/* UpdateError */.mp(`probe: ${cause} (${(0,engine_errors/* describeError */.Uc)(error)} in ${dir}); no real link was touched`);
}

;// CONCATENATED MODULE: ./lib/engine/report-text.js
/**
 * `switched: "current" -> "releases/v2" (was "releases/v1")`, one line per link, saying where
 * the link stands: a link not switched says what it still points at.
 */
function describeResult(result) {
    const arrow = result.type === 'symbolic' ? '->' : '=>';
    const previous = result.previous === null ? undefined : JSON.stringify(result.previous);
    const after = {
        switched: previous && `was ${previous}`,
        'would switch': previous && `was ${previous}`,
        unchanged: undefined,
        'not switched': previous && `still ${previous}`,
        unknown: `no answer came: it is this or ${previous ?? 'as it was'}`,
    };
    const from = result.from === undefined ? [] : [`from backup ${JSON.stringify(result.from)}`];
    const said = [after[result.state], ...from].filter(Boolean).join(', ');
    return (`${result.state}: ${JSON.stringify(result.link)} ${arrow} ` +
        `${JSON.stringify(result.target)}${said ? ` (${said})` : ''}`);
}
/** `1 lookup`, `2 lookups`. */
function count(number, noun) {
    return `${number} ${noun}${number === 1 ? '' : 's'}`;
}
/**
 * `"current" -> "releases/3"`, then a line per backup, newest first, indented: `backup
 * "current.~2~" -> "releases/2"`. A target that cannot be reached is marked `(missing)`.
 */
function describeStatus(status) {
    return [
        describeName(status.link, status),
        ...status.backups.map((backup) => `  backup ${describeName(backup.name, backup)}`),
    ];
}
function describeName(name, status) {
    const what = {
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
function describeGuard(guard) {
    const plural = (number, one, many) => `${number} ${number === 1 ? one : many}`;
    const parts = [];
    if (guard.method !== 'sampling') {
        const others = guard.touched?.length ?? 0;
        parts.push(`kernel notifications${guard.certain ? ', certain' : ''}: ` +
            `${plural(guard.events ?? 0, "change to the links' names", "changes to the links' names")} told, ` +
            (others === 0
                ? 'none but ours'
                : `${plural(others, 'link', 'links')} changed by another writer`));
    }
    if (guard.method !== 'notifications') {
        const least = guard.perLinkMin === undefined ? '' : `, each link at least ${guard.perLinkMin} times`;
        parts.push(`sampled${guard.sampledBecause ? ` (${guard.sampledBecause})` : ''}: ` +
            `${count(guard.lookups, 'lookup')}${least}, ${guard.missing} found a link missing`);
    }
    if (guard.stamps) {
        const replaced = guard.replaced?.length ?? 0;
        parts.push(`stamps: ${guard.stamps.checked} of ${plural(guard.stamps.links, 'link', 'links')} ` +
            `looked at once every rename was acknowledged, ` +
            (replaced === 0
                ? 'each the very link renamed there'
                : `${plural(replaced, 'link', 'links')} made again by another writer`));
    }
    if (guard.partlyBlind)
        parts.push(`partly blind: ${guard.partlyBlind}`);
    if (guard.blind)
        parts.push(`blind: ${guard.blind}`);
    parts.push(`window ${guard.windowMs} ms`);
    return `guard: ${parts.join('; ')}`;
}
/**
 * Text for a log, one line: what a message carries from elsewhere (a lock's holder, a link's
 * text, a server's error) may hold line breaks, and a line of its own that starts with `::`,
 * or `##[` anywhere in a line, is a command to the GitHub runner. Control characters and line
 * separators are shown as escapes, and `##[` as `##\u005b`.
 */
function oneLine(text) {
    return text.replace(
    // eslint-disable-next-line no-control-regex -- control characters are what it escapes
    /[\u0000-\u001f\u007f\u2028\u2029]|##\[/g, report_text_escape);
}
const report_text_escape = (found) => SHORT_ESCAPES[found] ?? `\\u${found.charCodeAt(0).toString(16).padStart(4, '0')}`;
const SHORT_ESCAPES = {
    '\n': '\\n',
    '\r': '\\r',
    '\t': '\\t',
    '##[': '##\\u005b',
};
/**
 * A JSON document for stdout, each of its lines as inert as oneLine's: JSON.stringify leaves
 * U+2028, U+2029 and `##[` as they are, and a `\u` escape reads back as the same text.
 */
function inertJson(value) {
    return JSON.stringify(value, null, 2).replace(/[\u2028\u2029]|##\[/g, report_text_escape);
}

;// CONCATENATED MODULE: ./lib/engine/switch-links.js








/**
 * Per-link phases go to the store in chunks: between two chunks the lock is refreshed, progress
 * reported and a stop request seen. A chunk is one round trip remotely, and takes from
 * microseconds a link (a local disk) to round trips a link (a mounted network volume), so
 * its size follows the time the last one took.
 */
const FIRST_CHUNK = 128;
const MAX_CHUNK = 8192;
const CHUNK_MS = 250;
/**
 * Switches every link of the batch, or none: all specs are checked before anything is touched,
 * and a switch that fails midway switches back the links already switched. Each switch is one
 * rename, watched by the guard; a link seen missing fails the run after the switch.
 */
async function switchLinks(store, specs, options) {
    if (options.dryRun) {
        const placed = await readHistory(store, await placeSpecs(store, specs, options), options.lock !== false);
        const operations = await inspect(store, placed, options);
        const results = operations.map((operation) => toResult(operation, operation.changed ? 'would switch' : 'unchanged'));
        return { results, probed: [], dryRun: true, notes: [] };
    }
    const prepared = await prepareSwitch(store, specs, options);
    let report;
    try {
        const { guard, notes } = await prepared.commit();
        report = { results: prepared.results(), guard, probed: prepared.probed, dryRun: false, notes };
    }
    catch (error) {
        // A failure to clean up is said, never put in place of what happened to the links.
        const problems = await prepared.release();
        if (error instanceof engine_errors/* AtomicLinkError */.G7) {
            error.notes.push(...problems);
            error.results = prepared.results();
        }
        throw error;
    }
    report.notes.unshift(...(store.notes ?? []));
    const warnings = await prepared.release();
    return warnings.length > 0 ? { ...report, warnings } : report;
}
/** Everything before the first rename: place, lock, sweep, inspect, probe, make the new links. */
async function prepareSwitch(store, specs, options) {
    const placed = await placeSpecs(store, specs, options);
    const dirs = [...new Set(placed.map((item) => item.realDir))].sort();
    const timeoutMs = (options.lockTimeoutSeconds ?? 60) * 1000;
    // A store that carries out requests in order gets the reads of the batch sent right behind
    // the locks' creation: one round trip for the locks, the sweep's listing and the links'
    // state, instead of three. They count only if every lock was taken at that first try.
    // Backups are read before the links' state can be asked for (a rollback's targets come from
    // them): then the listing alone is read behind, for the sweep and the backups both.
    const readsHistory = specs.some((spec) => spec.history ?? spec.rollback);
    let behind;
    const readBehind = () => {
        const listed = store.list(dirs);
        const asked = readsHistory ? undefined : askState(store, placed, options);
        behind = { listed, asked };
        // Read later, or never (the locks were not taken at once): never an unheard failure.
        listed.catch(() => undefined);
        asked?.answers.catch(() => undefined);
    };
    const locks = options.lock === false
        ? undefined
        : await dir_lock/* DirLocks */.qC.acquire(store, dirs, timeoutMs, options.signal, store.inOrder ? readBehind : undefined, options.onNotice);
    const early = locks?.atOnce ? behind : undefined;
    const batch = new Batch(store, options, locks);
    let sweeping;
    try {
        stopIfAsked(options, 'nothing was changed');
        // A dead run's names are its own: removing them can go on while the batch is checked and
        // its new links made, on a store where waiting for the listing costs a round trip.
        sweeping = locks && (0,temp_names/* sweepLeftovers */.ZW)(store, dirs, locks.files, timeoutMs, early?.listed);
        sweeping?.catch(() => undefined);
        if (!store.inOrder)
            await sweeping;
        const listed = early && { dirs, listings: early.listed };
        const current = readsHistory
            ? await readHistory(store, placed, locks !== undefined, listed)
            : placed;
        progress(store, options, 'checking', 0, current.length);
        const operations = await inspect(store, current, options, early?.asked);
        progress(store, options, 'checking', current.length, current.length);
        const pending = operations.filter((operation) => operation.changed);
        const pendingDirs = [...new Set(pending.map((op) => op.realDir))];
        const probed = await probeDirectories(store, pendingDirs, options);
        stopIfAsked(options, 'nothing was changed');
        await batch.prepare(pending);
        await sweeping;
        return {
            results: () => batch.results(operations),
            state: () => batch.state(),
            probed,
            commit: async () => {
                const guard = await batch.commit();
                const notes = [
                    ...(guard?.partlyBlind ? [`the guard was partly blind: ${guard.partlyBlind}`] : []),
                    ...(locks?.notes ?? []),
                    ...(await makeDurable(store, pendingDirs, options)),
                ];
                return { guard, notes, renamed: batch.renameTimes };
            },
            revert: (cause) => batch.revert(cause),
            release: () => batch.cleanUp(),
        };
    }
    catch (error) {
        await sweeping?.catch(() => undefined);
        const problems = await batch.cleanUp();
        if (error instanceof engine_errors/* AtomicLinkError */.G7)
            error.notes.push(...problems);
        throw error;
    }
}
function stopIfAsked(options, state) {
    const reason = options.signal?.reason;
    if (options.signal?.aborted) {
        throw new engine_errors/* InterruptedError */.p4(`stopped by ${reason}${state ? `; ${state}` : ''}`, reason);
    }
}
/** The switch itself and everything it leaves to clean up, whatever way it ends. */
class Batch {
    store;
    options;
    locks;
    /**
     * What became of each pending link's temporary name: 0 not made, 1 made, 2 renamed into
     * place. By index, not in a set of names: hashing thousands of fresh names costs more than
     * the bookkeeping is worth.
     */
    made = new Uint8Array(0);
    /** The other temporary names made: files' second names and the rollback's links. */
    others = new Set();
    constructor(store, options, locks) {
        this.store = store;
        this.options = options;
        this.locks = locks;
    }
    pending = [];
    /** Each pending link's temporary name. */
    temps = [];
    /** Each pending link's index among the watched paths, or -1. */
    watchIndex = new Int32Array(0);
    watched = [];
    kept = new Map();
    done = [];
    unsure = [];
    /** Set once rollback() ran: the links in `left` are those it could not put back. */
    rolledBack = false;
    left = new Map();
    watch;
    sentAt = 0;
    ackedAt = 0;
    /** How long the last chunk took: the next is sent only under locks safe for that long. */
    chunkMs = 0;
    /**
     * Makes every new link under a temporary name; nothing a reader sees changes yet. The
     * guard is handed its links meanwhile, standing by until commit(): its start-up (a thread
     * taking 10,000 paths, a first round trip) is then not part of the switch, nor of a fleet's
     * skew, and it looks only from the first rename, as lookups made while the temporary links
     * are made would take the processor from them (on two cores, 4% more time for 10,000).
     */
    async prepare(pending) {
        this.pending = pending;
        this.made = new Uint8Array(pending.length);
        this.temps = new Array(pending.length);
        this.watchIndex = new Int32Array(pending.length).fill(-1);
        const keeping = [];
        pending.forEach((operation, index) => {
            this.temps[index] = (0,temp_names/* tempName */.u8)(operation.realDir);
            // Links that exist now are the ones that must never be missing.
            if (operation.prior.kind !== 'none')
                this.watchIndex[index] = this.watched.push(index) - 1;
            // Files at a LINK (hard links, or regular files with --replace-files) keep a second name
            // until the batch is over, so that a rollback can rename them back.
            if (operation.prior.kind === 'file') {
                const keep = (0,temp_names/* tempName */.u8)(operation.realDir);
                this.kept.set(index, keep);
                keeping.push({ path: keep, type: 'hard', content: operation.path });
            }
        });
        const watching = this.startWatch();
        watching.catch(() => undefined);
        try {
            await this.createAll(pending.length + keeping.length, (index) => {
                if (index >= pending.length)
                    return keeping[index - pending.length];
                const { type, content } = pending[index];
                const link = { path: this.temps[index], type, content };
                // Stamped for a guard (one that knows the links it renamed looks at new ones too).
                if (this.options.guard !== false && this.watched.length > 0)
                    link.stamp = true;
                return link;
            });
        }
        catch (error) {
            // Settled, so that cleanUp() stops a guard that started meanwhile.
            await watching.catch(() => undefined);
            throw error;
        }
        await watching;
    }
    /**
     * Starts the guard on the links that exist now, standing by until commit(): a fleet's first
     * hosts ready wait for the last, and ten guards looking at full rate meanwhile took the
     * processor from the hosts not ready yet.
     */
    async startWatch() {
        if (this.options.guard === false || this.watched.length === 0)
            return;
        this.watch = await this.store
            .watch(this.watched.map((index) => this.pending[index].path), {
            standBy: true,
            newPaths: this.pending.flatMap((operation) => operation.prior.kind === 'none' ? [operation.path] : []),
        })
            .catch((error) => {
            throw this.guardFailed(error, `cannot start the guard: ${(0,engine_errors/* describeError */.Uc)(error)}; no link was changed`);
        });
    }
    /**
     * The guard could not start or begin: stopped, as any run stopped before the switch
     * (128+N), when a stop blinded it (its channel silent past the stop's grace is closed); it
     * ended with exit 1, the signal unsaid.
     */
    guardFailed(error, message) {
        const { signal } = this.options;
        return signal?.aborted
            ? new engine_errors/* InterruptedError */.p4(message, String(signal.reason))
            : wrap(error, message);
    }
    /**
     * Renames the new links into place while the guard watches. Returns the guard's report;
     * throws when the batch could not be done, with every link old or switched back, or with
     * the truth about each link that is not.
     */
    async commit() {
        const { pending } = this;
        let failure;
        try {
            this.watch?.begin();
        }
        catch (error) {
            throw this.guardFailed(error, `the guard cannot look: ${(0,engine_errors/* describeError */.Uc)(error)}; no link was changed`);
        }
        this.sentAt = performance.now();
        try {
            await this.renameAll(this.done, this.unsure, pending);
        }
        catch (error) {
            failure = await this.rollback(error);
        }
        this.ackedAt = performance.now();
        const report = await this.stopWatching();
        if (report?.replaced)
            await this.readNow(report.replaced);
        if (report &&
            (report.missing > 0 || (report.touched?.length ?? 0) > 0 || report.replaced !== undefined)) {
            const missing = missingError(report, pending, failure);
            missing.notes.push(...(failure?.notes ?? []));
            missing.guard = report;
            throw missing;
        }
        if (failure) {
            failure.guard = report;
            throw failure;
        }
        if (report?.blind) {
            const blind = new engine_errors/* MissingLinkError */.dP(`every link is switched, but the guard lost sight of them (${report.blind}), ` +
                `so it cannot vouch that none was missing`);
            blind.guard = report;
            throw blind;
        }
        return report;
    }
    /** Where each link another writer replaced stands now, for the report. */
    async readNow(replaced) {
        const entries = await this.store
            .inspect(replaced.map((link) => link.link))
            .catch((error) => replaced.map(() => error));
        replaced.forEach((link, index) => (link.now = stateOf(entries[index])));
    }
    /** Switches back a batch commit() switched whole, for a cause outside it. */
    async revert(cause) {
        const error = await this.rollback(new engine_errors/* UpdateError */.mp(cause));
        return {
            whole: this.left.size === 0,
            message: [error.message, ...error.notes].join('; '),
        };
    }
    /** Each pending link's state now, by index. */
    linkStates() {
        const states = new Array(this.pending.length).fill('not switched');
        if (!this.rolledBack) {
            for (const index of this.done)
                states[index] = 'switched';
            for (const index of this.unsure)
                states[index] = 'unknown';
        }
        for (const [index, { state }] of this.left) {
            states[index] = state === 'new' ? 'switched' : 'unknown';
        }
        return states;
    }
    /** Every operation's result; `operations` holds the pending ones in their order. */
    results(operations) {
        const states = this.linkStates();
        let index = 0;
        return operations.map((operation) => toResult(operation, operation.changed ? states[index++] : 'unchanged'));
    }
    /** See PreparedSwitch.state. */
    state() {
        const states = this.linkStates();
        if (states.includes('unknown'))
            return 'unknown';
        const switched = states.filter((state) => state === 'switched').length;
        if (switched === states.length)
            return 'switched';
        if (switched > 0)
            return 'mixed';
        return this.done.length > 0 ? 'switched back' : 'unchanged';
    }
    /** When the first rename was sent and the last acknowledged, on performance.now()'s clock. */
    get renameTimes() {
        if (this.pending.length === 0)
            return undefined;
        return { sentAt: this.sentAt, ackedAt: this.ackedAt };
    }
    async stopWatching() {
        const watch = this.watch;
        this.watch = undefined;
        return watch === undefined ? undefined : stopWatching(watch);
    }
    /** Creates every temporary link; if any cannot be made, nothing has been switched yet. */
    async createAll(count, linkAt) {
        progress(this.store, this.options, 'making', 0, count);
        for (let start = 0, size = FIRST_CHUNK; start < count;) {
            // Made chunk by chunk, each left to die young: thousands of objects that lived through
            // the whole batch would be copied by every collection.
            const chunk = range(start, Math.min(count, start + size), linkAt);
            const began = Date.now();
            const { sent, checked } = await this.sendChecked(() => this.store.create(chunk), 'no link was changed');
            const made = await sent;
            size = nextChunk(size, began, this.locks?.roundTrip);
            this.chunkMs = Date.now() - began;
            const failed = this.recordMade(start, chunk, made);
            start += chunk.length;
            progress(this.store, this.options, 'making', start, count);
            // Recorded first: links made where a directory was swapped in are removed from there.
            await checked;
            if (failed >= 0) {
                throw new engine_errors/* UpdateError */.mp(`cannot create ${JSON.stringify(chunk[failed].path)}, a new link to put in place: ` +
                    `${(0,engine_errors/* describeError */.Uc)(made[failed])}; no link was changed`);
            }
            await this.between('no link was changed');
        }
    }
    /**
     * Renames in chunks; `done` collects the indexes switched, also when one fails, and `unsure`
     * those of a chunk that got no answer (the store was lost), each now old or new.
     */
    async renameAll(done, unsure, pending) {
        const renameAt = (index) => {
            const rename = { from: this.temps[index], to: pending[index].path };
            if (this.watchIndex[index] >= 0)
                rename.watchIndex = this.watchIndex[index];
            return rename;
        };
        progress(this.store, this.options, 'switching', 0, pending.length);
        const most = this.watch?.maxChunk ?? MAX_CHUNK;
        for (let start = 0, size = Math.min(FIRST_CHUNK, most); start < pending.length;) {
            // Before the first chunk too: the lock must be known to be ours when the first link moves.
            // After the last, a stop request finds the batch whole: it stays done.
            await this.between();
            const chunk = range(start, Math.min(pending.length, start + size), renameAt);
            const began = Date.now();
            const { sent, checked } = await this.sendChecked(() => this.store.rename(chunk));
            const outcomes = await sent.catch((error) => {
                unsure.push(...chunk.map((_, offset) => start + offset));
                throw error;
            });
            size = Math.min(most, nextChunk(size, began, this.locks?.roundTrip));
            this.chunkMs = Date.now() - began;
            const failed = this.recordSwitched(start, outcomes, done);
            // Recorded first: a lock lost meanwhile switches this chunk back too.
            await checked;
            if (failed !== undefined) {
                const operation = pending[failed];
                throw new engine_errors/* UpdateError */.mp(`${operation.origin}: could not switch LINK ${JSON.stringify(operation.link)}: ` +
                    (0,engine_errors/* describeError */.Uc)(outcomes[failed - start]));
            }
            start += outcomes.length;
            progress(this.store, this.options, 'switching', done.length, pending.length);
        }
    }
    /*
     * The bookkeeping of a chunk, link by link, is kept out of the loops over chunks: V8 then
     * compiles these small functions, not the whole of each loop (12 ms of a compiler thread,
     * taken from the switch on two cores).
     */
    /** Records each link of a chunk made; returns the offset of the first that was not, or -1. */
    recordMade(start, chunk, made) {
        let failed = -1;
        for (let offset = 0; offset < chunk.length; offset++) {
            if ((0,port/* isFailure */.N)(made[offset]))
                failed = failed < 0 ? offset : failed;
            else if (start + offset < this.made.length)
                this.made[start + offset] = 1;
            else
                this.others.add(chunk[offset].path);
        }
        return failed;
    }
    /** Records each link of a chunk switched in `done`; returns the index of the first not. */
    recordSwitched(start, outcomes, done) {
        let failed;
        for (let index = start; index < start + outcomes.length; index++) {
            if ((0,port/* isFailure */.N)(outcomes[index - start]))
                failed ??= index;
            else {
                done.push(index);
                // A hard link renamed onto its own inode stays: it is removed with the leftovers.
                if (this.pending[index].type === 'symbolic')
                    this.made[index] = 2;
            }
        }
        return failed;
    }
    /**
     * Between two chunks: a stop request, or a lock found lost, ends the batch; `state` says
     * what that leaves, when the caller knows. The locks must be safe for the next chunk: a
     * refresh is waited for when the last one was too long ago.
     */
    async between(state) {
        // A signal, and the heartbeat's timer, run on the event loop: let them run after a chunk
        // made synchronously.
        await new Promise((resolve) => setImmediate(resolve));
        stopIfAsked(this.options, state);
        await this.locks?.ready(this.chunkMs).catch((error) => {
            throw new engine_errors/* UpdateError */.mp(state ? `${error.message}; ${state}` : error.message);
        });
    }
    /**
     * Sends a chunk of writes with the check that every lock is still ours where it was made:
     * on an in-order store in the same write, one check in front of the chunk and one behind
     * it, at no round trip of its own, so that the answers say whether the chunk was done in
     * the locked directories under our locks; elsewhere (a local store, whose checks cost a
     * readlink) the check is made first, and nothing is sent under a lock lost. `checked` is
     * to be awaited once the chunk's outcomes are recorded: whoever cleans up or switches back
     * then knows what the chunk did. `state` says what a lost lock leaves, when known here.
     */
    async sendChecked(send, state) {
        const locks = this.locks;
        if (locks === undefined)
            return { sent: send(), checked: Promise.resolve() };
        const saying = (error) => {
            throw state ? new engine_errors/* UpdateError */.mp(`${error.message}; ${state}`) : error;
        };
        if (!this.store.inOrder) {
            await locks.confirm().catch(saying);
            return { sent: send(), checked: Promise.resolve() };
        }
        const before = locks.confirm();
        const sent = send();
        const checked = Promise.all([before, locks.confirm()]).catch(saying);
        checked.catch(() => undefined);
        return { sent, checked };
    }
    /**
     * Puts each switched link back as it was, each again in one rename. Returns the error to
     * report: the cause, and the truth about every link that could not be put back.
     */
    async rollback(cause) {
        const { pending, done, unsure, kept } = this;
        const why = cause instanceof Error ? cause.message : String(cause);
        const left = new Map();
        for (const index of unsure)
            left.set(index, { state: 'unknown', reason: why });
        if (done.length > 0)
            await this.putBack(pending, done, kept, left);
        this.rolledBack = true;
        this.left = left;
        if (left.size === 0) {
            const count = done.length === 1 ? 'the link' : `the ${done.length} links`;
            return wrap(cause, done.length === 0
                ? `${why}; no link was changed`
                : `${why}; switched back ${count} already switched`);
        }
        const told = [...left.values()];
        const some = (state, what) => {
            const count = told.filter((link) => link.state === state).length;
            return count === 0 ? [] : [`${count} ${count === 1 ? 'link is' : 'links are'} ${what}`];
        };
        const message = `${why}; the batch could not be switched back whole: ` +
            [...some('new', 'new'), ...some('unknown', 'old or new, as no answer came')].join('; ') +
            `; each is named below, and every other link is as it was`;
        const error = cause instanceof engine_errors/* InterruptedError */.p4
            ? new engine_errors/* InterruptedError */.p4(message, cause.signal)
            : new engine_errors/* UpdateError */.mp(message);
        for (const [index, { state, reason }] of left) {
            const link = JSON.stringify(pending[index].link);
            error.notes.push(state === 'new'
                ? `${link} is new (${JSON.stringify(pending[index].target)}), not switched back: ${reason}`
                : `${link} is old or new: ${reason}`);
        }
        return error;
    }
    /**
     * Switches back the links in `done`, and records in `left` each one that could not be. The
     * old symlinks are made again under temporary names, then renamed over the new ones; files
     * come back from the names they kept; links that were not there are removed.
     *
     * The old symlinks are made only now, not before the first rename: that would double the
     * links every batch makes, for 25% (tmpfs) to 60% (ext4) more time on 10,000 links, to
     * help only when the disk is full. And each rename freed the inode of the link it replaced,
     * so even a full disk has room for them, unless something else took it meanwhile.
     */
    async putBack(pending, done, kept, left) {
        const back = done.map((index) => {
            const operation = pending[index];
            const prior = operation.prior;
            // The links that were there are watched: the guard is told of each rename back.
            const watchIndex = this.watchIndex[index];
            if (prior.kind === 'symlink') {
                const from = (0,temp_names/* tempName */.u8)(operation.realDir);
                return {
                    index,
                    link: {
                        path: from,
                        type: 'symbolic',
                        content: prior.text,
                        stamp: this.watch !== undefined,
                    },
                    rename: { from, to: operation.path, watchIndex },
                };
            }
            if (prior.kind === 'file')
                return {
                    index,
                    rename: { from: kept.get(index), to: operation.path, watchIndex },
                };
            return { index };
        });
        const fail = (item, state, error) => left.set(item.index, { state, reason: (0,engine_errors/* describeError */.Uc)(error) });
        // Links go back by path: a directory moved, or replaced by a symlink, since the last chunk's
        // check would take them into another directory (over SFTP, one of another user's). Those
        // stay new, and are said so.
        const moved = await this.movedDirs(done.map((index) => pending[index].realDir));
        for (const item of back) {
            const why = moved.get(pending[item.index].realDir);
            if (why !== undefined)
                fail(item, 'new', new Error(why));
        }
        const making = back.filter((item) => item.link && !left.has(item.index));
        let made;
        try {
            made = await this.store.create(making.map((item) => item.link));
        }
        catch (error) {
            // Nothing went back: every switched link is still new.
            back.forEach((item) => fail(item, 'new', error));
            return;
        }
        making.forEach((item, i) => {
            if ((0,port/* isFailure */.N)(made[i]))
                fail(item, 'new', made[i]);
            else
                this.others.add(item.link.path);
        });
        const renaming = back.filter((item) => item.rename && !left.has(item.index));
        const removing = back.filter((item) => !item.rename && !left.has(item.index));
        let renamed;
        try {
            renamed = await this.store.rename(renaming.map((item) => item.rename));
        }
        catch (error) {
            renaming.forEach((item) => fail(item, 'unknown', error));
            removing.forEach((item) => fail(item, 'new', error));
            return;
        }
        renaming.forEach((item, i) => {
            if ((0,port/* isFailure */.N)(renamed[i]))
                fail(item, 'new', renamed[i]);
            else
                this.others.delete(item.rename.from);
        });
        try {
            const removed = await this.store.remove(removing.map((item) => pending[item.index].path));
            removing.forEach((item, i) => {
                const outcome = removed[i];
                if ((0,port/* isFailure */.N)(outcome) && outcome.code !== 'ENOENT')
                    fail(item, 'new', outcome);
            });
        }
        catch (error) {
            removing.forEach((item) => fail(item, 'unknown', error));
        }
    }
    /** Each of `dirs` that no longer resolves to itself, with what it is now. */
    async movedDirs(dirs) {
        const unique = [...new Set(dirs)];
        let reals;
        try {
            reals = await this.store.realDirs(unique);
        }
        catch (error) {
            return new Map(unique.map((dir) => [dir, `cannot resolve ${dir}: ${(0,engine_errors/* describeError */.Uc)(error)}`]));
        }
        return new Map(unique.flatMap((dir, index) => {
            const real = reals[index];
            if (real === dir)
                return [];
            const now = (0,port/* isFailure */.N)(real)
                ? (0,engine_errors/* describeError */.Uc)(real)
                : `it now leads to ${JSON.stringify(real)}`;
            return [
                [dir, `${dir} is no longer the directory switched (${now}): not switched back there`],
            ];
        }));
    }
    /**
     * The backups each switched link no longer needs: a rollback's, and those past
     * --keep-backups. Once only: a second cleanUp() finds a link switched again by nobody.
     */
    removeAfterSwitch() {
        const states = this.linkStates();
        const paths = this.pending.flatMap((operation, index) => states[index] === 'switched' ? (operation.removeAfter ?? []) : []);
        for (const operation of this.pending)
            delete operation.removeAfter;
        return paths;
    }
    /** Removes every temporary name still there, and the locks; returns what it could not. */
    async cleanUp() {
        const problems = [];
        await this.stopWatching();
        const removing = this.removeAfterSwitch();
        const temps = [...this.others];
        this.others.clear();
        this.made.forEach((state, index) => {
            if (state === 1)
                temps.push(this.temps[index]);
        });
        this.made.fill(0);
        const removals = Promise.all([
            this.store.remove(temps),
            removing.length === 0 ? [] : this.store.remove(removing),
        ]);
        // On a store that carries out requests in order, the locks' release (a read of each, then
        // its removal) follows the removals on the way: the reads are answered after them, so the
        // locks go only once the names are gone, and one round trip sooner.
        const releasing = this.store.inOrder ? this.releaseLocks() : undefined;
        try {
            const [removed, backupsRemoved] = await removals;
            for (const [outcomes, what] of [
                [removed, 'temporary link'],
                [backupsRemoved, 'used or surplus backup'],
            ]) {
                const failed = outcomes.filter((outcome) => (0,port/* isFailure */.N)(outcome) && outcome.code !== 'ENOENT');
                if (failed.length > 0) {
                    problems.push(`cannot remove ${failed.length} ${what}${failed.length === 1 ? '' : 's'}: ` +
                        (0,engine_errors/* describeError */.Uc)(failed[0]));
                }
            }
        }
        catch (error) {
            problems.push(`cannot remove the temporary links: ${(0,engine_errors/* describeError */.Uc)(error)}`);
        }
        problems.push(...(await (releasing ?? this.releaseLocks())));
        return problems.length === 0
            ? []
            : [`could not clean up: ${problems.join('; ')}; a later run removes what is left`];
    }
    /** Removes the locks; returns what it could not. */
    async releaseLocks() {
        try {
            return (await this.locks?.release()) ?? [];
        }
        catch (error) {
            return [`cannot remove the lock: ${(0,engine_errors/* describeError */.Uc)(error)}`];
        }
    }
}
/** A guard that cannot report has lost sight of the links, as a blind one has. */
async function stopWatching(watch) {
    try {
        return await watch.stop();
    }
    catch (error) {
        return {
            ...watch.soFar(),
            method: watch.method,
            certain: false,
            windowMs: 0,
            blind: (0,engine_errors/* describeError */.Uc)(error),
            sightings: [],
        };
    }
}
function progress(store, options, phase, done, total) {
    options.onProgress?.({ phase, done, total, where: store.where });
}
/** `make(index)` for each index from `start` up to `end`. */
function range(start, end, make) {
    const items = new Array(end - start);
    for (let index = start; index < end; index++)
        items[index - start] = make(index);
    return items;
}
/**
 * The next chunk's size: CHUNK_MS of the store's work, beyond the round trip (`fixedMs`, known
 * from the lock) that a remote chunk costs whatever its size. Timed whole, a chunk at 500 ms
 * RTT took twice CHUNK_MS at any size, so the chunks shrank to 16 links: 500 links over SFTP
 * took 29 s, in steps of 16 a round trip or two.
 */
function nextChunk(size, began, fixedMs = 0) {
    const took = Math.max(1, Date.now() - began - fixedMs);
    return Math.max(16, Math.min(MAX_CHUNK, Math.round((size * CHUNK_MS) / took)));
}
function wrap(cause, message) {
    if (cause instanceof engine_errors/* InterruptedError */.p4)
        return new engine_errors/* InterruptedError */.p4(message, cause.signal);
    if (cause instanceof engine_errors/* AtomicLinkError */.G7 && cause.exitCode !== 1)
        return cause;
    return new engine_errors/* UpdateError */.mp(message);
}
/**
 * rename is atomic at once but durable only once the directory is on disk. Filesystems that
 * cannot fsync a directory say so, and SFTP has no way to ask: the report says which.
 */
async function makeDurable(store, dirs, options) {
    if (options.fsync === false || dirs.length === 0)
        return [];
    if (!store.canSyncDirs) {
        return ['the new links are in place but not flushed to disk: SFTP cannot fsync a directory'];
    }
    const synced = await store.syncDirs(dirs);
    return dirs.flatMap((dir, index) => {
        const outcome = synced[index];
        return (0,port/* isFailure */.N)(outcome)
            ? [`${dir} could not be flushed to disk: ${(0,engine_errors/* describeError */.Uc)(outcome)}`]
            : [];
    });
}
function missingError(report, pending, failure) {
    const linkAt = new Map(pending.map((operation) => [operation.path, operation.link]));
    const named = (file) => JSON.stringify(linkAt.get(file) ?? file);
    const listed = (items, say) => items.slice(0, 10).map(say).join('; ') +
        (items.length > 10 ? `, and ${items.length - 10} more links` : '');
    const parts = [];
    const touched = report.touched ?? [];
    if (touched.length > 0) {
        parts.push(`the kernel told of changes to links during the update that were not ours (an ` +
            `unlink, a create or another rename: each may have left the link missing; times ` +
            `from when the guard started): ` +
            listed(touched, (link) => {
                const ours = link.ours === 1 ? 'our rename made 1' : `our renames made ${link.ours}`;
                const start = link.missingAtStart ? 'was missing when the guard began, ' : '';
                const first = link.events > link.ours ? `, first at ${link.firstMs} ms` : '';
                return (`${named(link.link)} ${start}changed ${link.events} times where ${ours}${first}, ` +
                    `and is now ${link.now}`);
            }));
    }
    if (report.missing > 0) {
        parts.push(`the guard saw links missing during the update (${report.missing} of ${report.lookups} ` +
            `lookups; times from when the guard started): ` +
            listed(report.sightings, (sighting) => {
                const when = sighting.firstMs === sighting.lastMs
                    ? `at ${sighting.firstMs} ms`
                    : `between ${sighting.firstMs} and ${sighting.lastMs} ms`;
                return `${named(sighting.link)} missing ${count(sighting.count, 'time')} ${when}`;
            }));
    }
    const replaced = report.replaced ?? [];
    if (replaced.length > 0) {
        parts.push(`links looked at once every rename was acknowledged were not the ones atomic-link ` +
            `renamed there: another writer made them again, and may have left each missing ` +
            `meanwhile (times from when the guard started): ` +
            listed(replaced, (link) => {
                const now = link.now === undefined ? '' : `, and is now ${link.now}`;
                return `${named(link.link)} was ${link.found} at ${link.firstMs} ms${now}`;
            }));
    }
    const also = failure === undefined ? '' : `; the update also failed: ${(0,engine_errors/* describeError */.Uc)(failure)}`;
    return new engine_errors/* MissingLinkError */.dP(`${parts.join('; ')}${also}`);
}
/** Where a link stands, said for a report: `-> TEXT`, `missing`, `a file`... */
function stateOf(entry) {
    if ((0,port/* isFailure */.N)(entry))
        return `unreadable (${(0,engine_errors/* describeError */.Uc)(entry)})`;
    if (entry.kind === 'symlink')
        return `-> ${JSON.stringify(entry.text)}`;
    const said = {
        none: 'missing',
        file: 'a file',
        directory: 'a directory',
        other: 'something else',
    };
    return said[entry.kind];
}
function toResult(operation, state) {
    return {
        link: operation.link,
        type: operation.type,
        target: operation.target,
        previous: operation.prior.kind === 'symlink' ? operation.prior.text : null,
        changed: state === 'switched' || state === 'would switch',
        state,
        ...(operation.from !== undefined && { from: operation.from }),
    };
}

;// CONCATENATED MODULE: ./lib/engine/status.js





/**
 * Each link, its target and its backups, read without a lock and without changing anything:
 * one listing of the links' directories, one inspection of every name, one check that each
 * symlink's text leads somewhere (as the store's own kernel resolves it).
 */
async function readStatus(store, specs, options) {
    const placed = await placeSpecs(store, specs, options);
    const dirs = [...new Set(placed.map((item) => item.realDir))];
    const listings = await store.list(dirs);
    // Each directory's entries read once, however many of its links are asked about.
    const read = new Map();
    const names = placed.map((item) => {
        let entries = read.get(item.realDir);
        if (entries === undefined) {
            const listing = listings[dirs.indexOf(item.realDir)];
            if ((0,port/* isFailure */.N)(listing)) {
                throw new engine_errors/* UsageError */.eb(`${item.spec.origin}: cannot list ${item.realDir}: ${(0,engine_errors/* describeError */.Uc)(listing)}`);
            }
            entries = { numbered: numberedBackups(listing), all: new Set(listing) };
            read.set(item.realDir, entries);
        }
        const name = item.path.slice(item.path.lastIndexOf('/') + 1);
        const simple = name + (item.spec.rollback?.suffix ?? '~');
        const backups = (entries.numbered.get(name) ?? []).map((backup) => backup.name);
        return [name, ...backups, ...(entries.all.has(simple) ? [simple] : [])];
    });
    const paths = placed.flatMap((item, index) => names[index].map((name) => `${item.realDir === '/' ? '' : item.realDir}/${name}`));
    const entries = await store.inspect(paths);
    const texts = [];
    let at = 0;
    const found = placed.map((item, index) => names[index].map((name) => {
        const entry = entries[at++];
        if ((0,port/* isFailure */.N)(entry)) {
            throw new engine_errors/* UsageError */.eb(`${item.spec.origin}: cannot read ${quote(name)} in ${item.realDir}: ${(0,engine_errors/* describeError */.Uc)(entry)}`);
        }
        const reach = entry.kind === 'symlink' ? texts.push({ dir: item.realDir, text: entry.text }) - 1 : -1;
        return { name, entry, reach };
    }));
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
            backups: backups.filter((backup) => backup.type !== 'none'),
        };
    });
}
function described(entry, reached) {
    switch (entry.kind) {
        case 'symlink':
            return { type: 'symbolic', target: entry.text, exists: !(0,port/* isFailure */.N)(reached) };
        case 'file':
            return { type: 'hard', target: null, exists: true };
        case 'none':
            return { type: 'none', target: null, exists: false };
        default:
            return { type: entry.kind, target: null, exists: true };
    }
}

;// CONCATENATED MODULE: ./lib/engine/fleet.js



/** The engine's failures, with the fleet's report of where every host ended. */
class FleetError extends engine_errors/* AtomicLinkError */.G7 {
    report;
    signal;
    constructor(message, exitCode, report, 
    /** The signal that stopped the fleet, when one did and no link was seen missing. */
    signal) {
        super(message, exitCode);
        this.report = report;
        this.signal = signal;
    }
}
/**
 * Switches the same links on many hosts as one: first every host is prepared (connected,
 * checked, locked, every new link made under its temporary name), at most `maxHosts` at once;
 * only when all are ready are the renames sent to every host together. A host that fails to
 * get ready leaves every host unchanged; a host that fails to switch has every host that did
 * switched back.
 */
async function switchFleet(members, specs, maxHosts) {
    if (members.some((member) => member.options.dryRun))
        return planFleet(members, specs, maxHosts);
    const ready = [];
    const failures = await onEachHost(members, maxHosts, async (member, store) => {
        // Timed beside the preparation's own first requests, so that it costs no round trip.
        const started = Date.now();
        const [roundTripMs, prepared] = await Promise.all([
            store.realDirs([member.options.cwd]).then(() => Date.now() - started),
            prepareSwitch(store, specs, member.options),
        ]);
        ready.push({ member, store, prepared, roundTripMs });
        return 'keep';
    });
    let report;
    let failed;
    try {
        if (failures.length > 0) {
            const hosts = ready.map(({ member, prepared, roundTripMs }) => ({
                host: member.host,
                state: 'unchanged',
                results: prepared.results(),
                notes: [],
                roundTripMs,
            }));
            throw notReady(members, hosts, failures);
        }
        report = await switchReady(members, ready);
        return report;
    }
    catch (error) {
        if (error instanceof FleetError)
            ({ report } = failed = error);
        throw error;
    }
    finally {
        // Every host at once: one after another, ten hosts' releases (two round trips each) took
        // longer than their whole switch. What a host could not clean up is said with that host.
        await Promise.all(ready.map(async ({ member, prepared, store }) => {
            const problems = await prepared
                .release()
                .catch((error) => [`could not clean up: ${(0,engine_errors/* describeError */.Uc)(error)}`]);
            const hostReport = report?.hosts.find(({ host }) => host === member.host);
            if (hostReport && problems.length > 0)
                hostReport.warnings = problems;
            failed?.notes.push(...problems.map((problem) => `${member.host}: ${problem}`));
            await store.close().catch(() => undefined);
        }));
    }
}
/**
 * A dry run: each host checked and its plan read, as a switch would read them, and nothing
 * changed anywhere (no lock taken, no link made).
 */
async function planFleet(members, specs, maxHosts) {
    const hosts = [];
    const failures = await onEachHost(members, maxHosts, async (member, store) => {
        const plan = await switchLinks(store, specs, member.options);
        hosts.push({
            host: member.host,
            state: 'unchanged',
            results: plan.results,
            notes: [...(store.notes ?? [])],
        });
        return 'close';
    });
    if (failures.length > 0)
        throw notReady(members, hosts, failures);
    return { hosts: inOrder(members, hosts), dryRun: true };
}
/**
 * Reads each host's links and backups, at most `maxHosts` at once, changing nothing. Every
 * host is read even when one cannot be: the error names each that could not.
 */
async function statusFleet(members, specs, maxHosts) {
    const hosts = [];
    const failures = await onEachHost(members, maxHosts, async (member, store) => {
        hosts.push({ host: member.host, links: await readStatus(store, specs, member.options) });
        return 'close';
    });
    const rank = new Map(members.map((member, index) => [member.host, index]));
    hosts.sort((a, b) => (rank.get(a.host) ?? 0) - (rank.get(b.host) ?? 0));
    if (failures.length === 0)
        return { hosts };
    const said = failures.map(({ member, error }) => `${member.host}: ${(0,engine_errors/* describeError */.Uc)(error)}`);
    const usage = failures.every(({ error }) => error instanceof engine_errors/* UsageError */.eb);
    throw new FleetError(said.join('; '), usage ? 2 : 1, { hosts: [] }, stoppedBy(failures.map(({ member }) => member), failures.map(({ error }) => error)));
}
/**
 * Sends every host its renames together. The fleet ends on one release: when any host does not
 * end switched, every host that did is switched back, those whose guard saw a link missing
 * included (their readers saw a gap already; a fleet split between releases would add to it).
 * Each host's report is its true end state, and the message claims no more than they show.
 */
async function switchReady(members, ready) {
    const outcomes = await Promise.allSettled(ready.map(({ prepared }) => prepared.commit()));
    // Over the hosts that sent renames: a host with nothing to change sent none.
    const times = outcomes.flatMap((outcome) => outcome.status === 'fulfilled' && outcome.value.renamed ? [outcome.value.renamed] : []);
    const hosts = ready.map((item, index) => {
        const outcome = outcomes[index];
        const report = {
            host: item.member.host,
            state: item.prepared.state(),
            results: [],
            notes: [
                ...(item.store.notes ?? []),
                ...(outcome.status === 'fulfilled' ? outcome.value.notes : []),
            ],
            roundTripMs: item.roundTripMs,
        };
        if (outcome.status === 'fulfilled')
            report.guard = outcome.value.guard;
        else {
            report.error = (0,engine_errors/* describeError */.Uc)(outcome.reason);
            if (outcome.reason instanceof engine_errors/* AtomicLinkError */.G7)
                report.notes.push(...outcome.reason.notes);
        }
        return report;
    });
    const failed = hosts.filter((host) => host.state !== 'switched');
    if (failed.length > 0) {
        const cause = `${describeHosts(failed.map(({ host }) => host))} could not switch`;
        await Promise.all(ready.map(async (item, index) => {
            if (hosts[index].state !== 'switched')
                return;
            const undone = await item.prepared.revert(cause);
            hosts[index].state = item.prepared.state();
            // Its guard's "every link is switched, but ..." no longer holds once switched back.
            const blind = blindOnly(outcomes[index]);
            if (blind !== undefined)
                hosts[index].error = lostSight(blind);
            if (!undone.whole)
                hosts[index].error = undone.message;
        }));
    }
    ready.forEach((item, index) => (hosts[index].results = item.prepared.results()));
    const report = { hosts: inOrder(members, hosts) };
    if (times.length > 0) {
        report.skewMs = Math.round(Math.max(...times.map((t) => t.ackedAt)) - Math.min(...times.map((t) => t.sentAt)));
    }
    const errors = outcomes.flatMap((outcome) => outcome.status === 'rejected' ? [outcome.reason] : []);
    const seen = ready.flatMap((item, index) => {
        const reason = outcomes[index].status === 'rejected' ? outcomes[index].reason : undefined;
        return reason instanceof engine_errors/* MissingLinkError */.dP
            ? [{ host: item.member.host, message: reason.message, blind: blindOnly(outcomes[index]) }]
            : [];
    });
    if (failed.length === 0 && seen.length === 0)
        return report;
    // A guard blind while its host was switched saw nothing missing: said as such (exit 3 all the
    // same, it cannot vouch for that time), not as "a link was seen missing".
    const missing = seen.filter(({ blind }) => blind === undefined);
    const blinded = seen.flatMap(({ host, blind }) => blind === undefined ? [] : [`${host}: ${lostSight(blind)}`]);
    const said = failed.length === 0
        ? [
            `every host is switched, but ${seen.map(({ host, message }) => `${host}: ${message}`).join('; ')}`,
        ]
        : [
            `the switch failed on ${failed
                .map(({ host, error }) => `${host} (${error ?? 'no answer'})`)
                .join('; ')}`,
            endStates(report.hosts),
            ...(missing.length > 0
                ? [
                    `and a link may have been missing: ${missing.map(({ host, message }) => `${host}: ${message}`).join('; ')}`,
                ]
                : []),
            ...(blinded.length > 0 ? [`and ${blinded.join('; ')}`] : []),
        ];
    throw new FleetError(said.join('; '), seen.length > 0 ? 3 : 1, report, seen.length === 0
        ? stoppedBy(ready.map(({ member }) => member), errors)
        : undefined);
}
/**
 * Why the guard of a host that switched lost sight, when that is all it reports (it saw no
 * link missing): its error says "every link is switched, but ...".
 */
function blindOnly(outcome) {
    if (outcome.status === 'fulfilled' || !(outcome.reason instanceof engine_errors/* MissingLinkError */.dP))
        return;
    const guard = outcome.reason.guard;
    if (guard?.blind === undefined ||
        guard.missing > 0 ||
        (guard.touched?.length ?? 0) > 0 ||
        guard.replaced !== undefined) {
        return;
    }
    return guard.blind;
}
function lostSight(blind) {
    return (`its guard lost sight of the links while they were switched (${blind}), ` +
        'so it cannot vouch that none was missing');
}
/** What the hosts end as, in words that claim nothing their states do not show. */
function endStates(hosts) {
    const old = hosts.filter(({ state }) => state === 'unchanged' || state === 'switched back');
    if (old.length === hosts.length) {
        const back = hosts.filter(({ state }) => state === 'switched back').length;
        return back === 0 ? 'no host was changed' : `every host is as it was (${back} switched back)`;
    }
    const others = hosts.filter((host) => !old.includes(host));
    return `the fleet is not on one release: ${others
        .map(({ host, state }) => `${host} is ${state === 'switched' ? 'new' : state}`)
        .join('; ')}; every other host is as it was`;
}
/** Nothing was renamed anywhere: a bad spec or target is exit 2, anything else exit 1. */
function notReady(members, others, failures) {
    const usage = failures.some(({ error }) => error instanceof engine_errors/* UsageError */.eb);
    const hosts = [
        ...others,
        ...failures.map(({ member, error }) => ({
            host: member.host,
            state: 'unchanged',
            results: [],
            notes: [],
            error: (0,engine_errors/* describeError */.Uc)(error),
        })),
    ];
    const said = failures.map(({ member, error }) => `${member.host}: ${(0,engine_errors/* describeError */.Uc)(error)}`);
    return new FleetError(`${said.join('; ')}; no host was changed`, usage ? 2 : failures.some(({ error }) => error instanceof engine_errors/* MissingLinkError */.dP) ? 3 : 1, { hosts: inOrder(members, hosts) }, stoppedBy(failures.map(({ member }) => member), failures.map(({ error }) => error)));
}
/**
 * The signal that stopped the fleet, if one did: a host's own InterruptedError, or a stop asked
 * while a failed fleet was being switched back (which ends the revert, not the commit).
 */
function stoppedBy(members, errors) {
    const interrupted = errors.find((error) => error instanceof engine_errors/* InterruptedError */.p4);
    const signal = members.find((member) => member.options.signal?.aborted)?.options.signal;
    return interrupted?.signal ?? (signal ? String(signal.reason) : undefined);
}
function inOrder(members, hosts) {
    const rank = new Map(members.map((member, index) => [member.host, index]));
    return hosts.sort((a, b) => (rank.get(a.host) ?? 0) - (rank.get(b.host) ?? 0));
}
function describeHosts(hosts) {
    return hosts.length === 1 ? hosts[0] : `${hosts.length} hosts (${hosts.join(', ')})`;
}
/**
 * Opens each host's store, at most `maxHosts` at once, and runs `work` on it; the store is
 * closed after, unless `work` keeps it. Returns the hosts that failed, with their errors.
 */
async function onEachHost(members, maxHosts, work) {
    const failures = [];
    await eachLimited(members, maxHosts, async (member) => {
        let store;
        let keep = false;
        try {
            // Hosts not begun when a stop is asked are not begun at all.
            stopIfAsked(member.options, 'nothing was changed');
            store = await member.open();
            keep = (await work(member, store)) === 'keep';
        }
        catch (error) {
            failures.push({ member, error });
        }
        finally {
            if (!keep)
                await store?.close().catch(() => undefined);
        }
    });
    return failures;
}
/** Runs `work` on every item, at most `limit` at once: one slow host holds up no other. */
async function eachLimited(items, limit, work) {
    let next = 0;
    const worker = async () => {
        while (next < items.length)
            await work(items[next++]);
    };
    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

;// CONCATENATED MODULE: ./lib/engine/index.js
/** The engine's public API: everything the front ends and the stores need, and nothing more. */











/***/ }),

/***/ 4799:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   N: () => (/* binding */ isFailure)
/* harmony export */ });
/** Told by shape, not by class: an error made in another realm (a VM context) is one too. */
function isFailure(outcome) {
    const maybe = outcome;
    return typeof maybe?.code === 'string' && typeof maybe?.message === 'string';
}


/***/ }),

/***/ 3363:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   MX: () => (/* binding */ TEMP_PREFIX),
/* harmony export */   ZW: () => (/* binding */ sweepLeftovers),
/* harmony export */   ce: () => (/* binding */ isReservedName),
/* harmony export */   hF: () => (/* binding */ tempPrefix),
/* harmony export */   u8: () => (/* binding */ tempName)
/* harmony export */ });
/* harmony import */ var _platform_identity_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(1801);
/* harmony import */ var _platform_no_crypto_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(732);
/* harmony import */ var _port_js__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(4799);



/**
 * Temporary names: the prefix, the instance and pid of the run that made them (so a later run
 * can tell a dead run's leftovers from a live one's), and a random part drawn for each name,
 * so that nobody can plant the next name in advance.
 *
 * They live in the links' own directory, not in a private 0700 subdirectory (google/renameio's
 * scheme), and that is as safe: the race raised against "create under a temporary name, then
 * rename" is someone replacing the temporary link before the rename, and only someone allowed
 * to remove or rename entries of this directory can, who could replace the destination itself
 * just as well; in a sticky directory nobody but us, the directory's owner and root can touch
 * our entry at all. A planted name is never adopted: the create is exclusive. And it costs
 * nothing more than the rename itself: no directory to make and remove per run (two more round
 * trips remotely), and every rename stays inside one directory.
 */
const TEMP_PREFIX = '.atomic-link-tmp-';
const RUN_PART = `${TEMP_PREFIX}${_platform_identity_js__WEBPACK_IMPORTED_MODULE_0__.ME.instance}-${_platform_identity_js__WEBPACK_IMPORTED_MODULE_0__.ME.pid}-`;
const LEFTOVER = /^\.atomic-link-tmp-([0-9a-f]{12})-(\d+)-[0-9a-f]{16}$/;
let pool = '';
let used = 0;
/** A fresh temporary name in `dir`. */
function tempName(dir) {
    // One random draw per 512 names, turned to hex at once: per name, either costs more than
    // the symlink it names.
    if (used === pool.length) {
        pool = (0,_platform_no_crypto_js__WEBPACK_IMPORTED_MODULE_1__/* .randomHex */ .n)(8 * 512);
        used = 0;
    }
    const random = pool.slice(used, used + 16);
    used += 16;
    return tempPrefix(dir) + random;
}
/**
 * The temporary names of this run in `dir` without their random part (16 hex digits), for
 * names made where this module cannot run (a thread of the store's own).
 */
function tempPrefix(dir) {
    return `${dir === '/' ? '' : dir}/${RUN_PART}`;
}
/** True for a name of ours (a temporary name, or the lock), which no LINK may take. */
function isReservedName(name) {
    return name.startsWith(TEMP_PREFIX) || name.startsWith('.atomic-link.lock');
}
/**
 * Removes the temporary names that dead runs left in `dirs`: those of a run provably gone, or
 * older than `maxAgeMs`. Call it holding the directories' locks (`locks[i]` is the lock file of
 * `dirs[i]`), so that no live locked run's names can be taken; the lock, just made, tells the
 * store's own time, so ages are right even when the store's clock is not ours. Only links and
 * files with exactly our pattern are unlinked; nothing is removed recursively or followed.
 * `listed`: the listing of `dirs`, already asked for under the locks.
 */
async function sweepLeftovers(store, dirs, locks, maxAgeMs, listed) {
    const listings = await (listed ?? store.list(dirs));
    const candidates = [];
    listings.forEach((names, dir) => {
        if ((0,_port_js__WEBPACK_IMPORTED_MODULE_2__/* .isFailure */ .N)(names))
            return;
        for (const name of names) {
            if (name.startsWith(TEMP_PREFIX) && LEFTOVER.test(name)) {
                candidates.push({ file: `${dirs[dir] === '/' ? '' : dirs[dir]}/${name}`, dir });
            }
        }
    });
    if (candidates.length === 0)
        return;
    const entries = await store.inspect([...locks, ...candidates.map(({ file }) => file)], {
        times: true,
    });
    const doomed = candidates
        .filter(({ file, dir }, index) => isLeftover(file, entries[locks.length + index], entries[dir], maxAgeMs))
        .map(({ file }) => file);
    if (doomed.length > 0)
        await store.remove(doomed);
}
function isLeftover(file, entry, lock, maxAgeMs) {
    if ((0,_port_js__WEBPACK_IMPORTED_MODULE_2__/* .isFailure */ .N)(entry) || (entry.kind !== 'symlink' && entry.kind !== 'file'))
        return false;
    const [, instance, pid] = LEFTOVER.exec(file.slice(file.lastIndexOf('/') + 1)) ?? [];
    if ((0,_platform_identity_js__WEBPACK_IMPORTED_MODULE_0__/* .isGone */ .S)({ instance, pid: Number(pid) }))
        return true;
    const now = !(0,_port_js__WEBPACK_IMPORTED_MODULE_2__/* .isFailure */ .N)(lock) && lock.kind === 'symlink' ? lock.mtimeMs : undefined;
    return now !== undefined && entry.mtimeMs !== undefined && now - entry.mtimeMs > maxAgeMs;
}


/***/ }),

/***/ 7431:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  Qk: () => (/* binding */ childProcess),
  SI: () => (/* binding */ nodeCrypto),
  kp: () => (/* binding */ workerThreads)
});

;// CONCATENATED MODULE: external "node:module"
const external_node_module_namespaceObject = __WEBPACK_EXTERNAL_createRequire(__atomicLinkUrl)("node:module");
;// CONCATENATED MODULE: ./lib/platform/builtins.js

/*
 * Node's modules that only some runs need, loaded when first asked for: at start-up, every
 * module imported is loaded whether the run uses it or not (node:crypto cost a one-link run
 * 3.5 ms on Node 20 and 7 to 12 ms on Node 24, node:worker_threads and the streams it loads
 * 2.5 to 6 ms, node:child_process 1.5 ms).
 */
const load = (0,external_node_module_namespaceObject.createRequire)(__atomicLinkUrl);
const childProcess = () => load('node:child_process');
const nodeCrypto = () => load('node:crypto');
const workerThreads = () => load('node:worker_threads');


/***/ }),

/***/ 4135:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Az: () => (/* binding */ FUSE),
/* harmony export */   tm: () => (/* binding */ suspectFilesystem),
/* harmony export */   ye: () => (/* binding */ LOCAL_UNSUPPORTED)
/* harmony export */ });
/* unused harmony exports parseMountTable, filesystemOf */
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(3024);
/* harmony import */ var _builtins_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(7431);


/**
 * statfs magic numbers (Linux) of filesystems whose rename may not be one atomic replace: FUSE
 * (sshfs may emulate it, workaround=rename), and network filesystems that may retry or emulate.
 */
const SUSPECT_ON_LINUX = new Map([
    [0x65735546, 'FUSE'],
    [0x6969, 'NFS'],
    [0xff534d42, 'CIFS'],
    [0xfe534d42, 'SMB2'],
    [0x517b, 'SMB'],
    [0x01021997, '9P'],
    [0x00c36400, 'Ceph'],
    [0x786f4256, 'VirtualBox shared folder'],
    [0x47504653, 'GPFS'],
    [0x0bd00bd0, 'Lustre'],
]);
/**
 * Type names, as `mount` prints them on macOS and the BSDs, of the same kinds: FUSE in all its
 * builds (macfuse, osxfuse, fusefs.sshfs; FUSE-T serves through nfs), and network filesystems.
 */
const SUSPECT_NAME = /fuse|^(nfs|smbfs|cifs|afpfs|webdav|9p|sshfs)$/;
/**
 * Why links on this machine's own disk cannot be switched here, or undefined where they can.
 * On Windows the engine's paths (POSIX) do not fit, and one rename cannot replace a directory
 * symlink (a directory to MoveFileEx); deleting and re-creating instead is what atomic-link
 * exists not to do.
 */
const LOCAL_UNSUPPORTED = process.platform === 'win32'
    ? 'switching links on a Windows disk is not supported yet: a directory symlink cannot be ' +
        'replaced in one rename there, and atomic-link never deletes and re-creates a link; ' +
        '--ssh (over SFTP) works from Windows'
    : undefined;
/** Linux's FUSE, where the serving sshfs process and its mount can be found through /proc. */
const FUSE = 'FUSE';
/**
 * The kind of filesystem holding `dir` when it is one whose rename is suspect, else undefined.
 * Linux answers from statfs. macOS and the BSDs number their filesystems differently and Node
 * shows no type name (statfs's f_fstypename), so the mount table that `mount` prints is read,
 * once per run, and only there. Where neither works (Windows; `mount` not found), the answer is
 * undefined: the directory is not suspect, and trial swaps run only with --probe.
 */
function suspectFilesystem(dir) {
    if (process.platform === 'linux') {
        try {
            return SUSPECT_ON_LINUX.get(node_fs__WEBPACK_IMPORTED_MODULE_0__.statfsSync(dir).type);
        }
        catch {
            // A directory that cannot be asked (gone, not one) is refused by the call that needs it.
            return undefined;
        }
    }
    if (!PRINTS_MOUNTS.has(process.platform))
        return undefined;
    mounts ??= readMounts();
    const type = filesystemOf(dir, mounts);
    return type !== undefined && SUSPECT_NAME.test(type) ? type : undefined;
}
const PRINTS_MOUNTS = new Set(['darwin', 'freebsd', 'openbsd', 'netbsd']);
let mounts;
function readMounts() {
    try {
        return parseMountTable((0,_builtins_js__WEBPACK_IMPORTED_MODULE_1__/* .childProcess */ .Qk)().execFileSync('/sbin/mount', { encoding: 'utf8', timeout: 5000 }));
    }
    catch {
        return [];
    }
}
/**
 * `mount`'s lines: `SOURCE on MOUNTPOINT (TYPE, option, ...)` (macOS, FreeBSD) or
 * `SOURCE on MOUNTPOINT type TYPE (options)` (OpenBSD, NetBSD). A mount point may hold spaces;
 * the type is told by the last parenthesis.
 */
function parseMountTable(text) {
    const table = [];
    for (const line of text.split('\n')) {
        const bsd = / on (\/.*) type (\S+) \([^()]*\)$/.exec(line);
        const mac = bsd ? null : / on (\/.*) \(([^,()]+)(?:, [^()]*)?\)$/.exec(line);
        const found = bsd ?? mac;
        if (found)
            table.push({ mountPoint: found[1], type: found[2] });
    }
    return table;
}
/**
 * The type of the mount holding `dir` (a resolved path): the mount point that contains it with
 * the least of the path left over. On macOS a path of the data volume may be listed under
 * /System/Volumes/Data, its firmlink, so both spellings are tried.
 */
function filesystemOf(dir, table) {
    let best;
    for (const candidate of [dir, `/System/Volumes/Data${dir}`]) {
        for (const { mountPoint, type } of table) {
            const root = mountPoint === '/';
            if (!root && candidate !== mountPoint && !candidate.startsWith(`${mountPoint}/`))
                continue;
            const left = candidate.length - (root ? 0 : mountPoint.length);
            if (best === undefined || left < best.left)
                best = { type, left };
        }
    }
    return best?.type;
}


/***/ }),

/***/ 1801:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   ME: () => (/* binding */ ME),
/* harmony export */   S: () => (/* binding */ isGone)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(3024);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(8161);
/* harmony import */ var _no_crypto_js__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(732);



function readOrEmpty(read) {
    try {
        return read().trim();
    }
    catch {
        return '';
    }
}
const HOST = node_os__WEBPACK_IMPORTED_MODULE_1__.hostname().replace(/[^A-Za-z0-9.-]/g, '') || 'host';
const BOOT = readOrEmpty(() => node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8'));
const PID_NAMESPACE = readOrEmpty(() => node_fs__WEBPACK_IMPORTED_MODULE_0__.readlinkSync('/proc/self/ns/pid'));
const ME = {
    host: HOST,
    instance: (0,_no_crypto_js__WEBPACK_IMPORTED_MODULE_2__/* .sha256Hex */ .f)(`${HOST}\0${BOOT}\0${PID_NAMESPACE}`).slice(0, 12),
    pid: process.pid,
};
/**
 * True when `other` is provably gone: it ran where our pids are its pids, and that pid no
 * longer exists. Anything else (another machine, another container, a pid that exists,
 * perhaps reused) is not provably gone.
 */
function isGone(other) {
    if (other.instance !== ME.instance || other.pid === ME.pid)
        return false;
    try {
        process.kill(other.pid, 0);
        return false;
    }
    catch (error) {
        // EPERM: it exists, under another user.
        return error.code === 'ESRCH';
    }
}


/***/ }),

/***/ 732:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   f: () => (/* binding */ sha256Hex),
/* harmony export */   n: () => (/* binding */ randomHex)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(3024);
/* harmony import */ var _builtins_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(7431);


/*
 * What a run needs of cryptography, without node:crypto: loading it cost a one-link run
 * 3.5 ms on Node 20 and 7 to 12 ms on Node 24, more than the switch itself. It is loaded only
 * where the kernel's random source cannot be read.
 */
/** `count` random bytes in hex, from the kernel's /dev/urandom. */
function randomHex(count) {
    const bytes = Buffer.allocUnsafe(count);
    try {
        const fd = node_fs__WEBPACK_IMPORTED_MODULE_0__.openSync('/dev/urandom', 'r');
        try {
            if (isRandomDevice(node_fs__WEBPACK_IMPORTED_MODULE_0__.fstatSync(fd)) && node_fs__WEBPACK_IMPORTED_MODULE_0__.readSync(fd, bytes, 0, count, null) === count)
                return bytes.toString('hex');
        }
        finally {
            node_fs__WEBPACK_IMPORTED_MODULE_0__.closeSync(fd);
        }
    }
    catch {
        // No /dev/urandom here (a bare chroot): Node's own source.
    }
    return (0,_builtins_js__WEBPACK_IMPORTED_MODULE_1__/* .nodeCrypto */ .SI)().randomBytes(count).toString('hex');
}
/**
 * The kernel's random devices as Linux numbers them (1:8 and 1:9): another device bound over
 * /dev/urandom in a container (/dev/zero) would give every name and token the same bytes.
 */
const LINUX_RANDOM = new Set([0x108, 0x109]);
function isRandomDevice(stats) {
    return (stats.isCharacterDevice() && (process.platform !== 'linux' || LINUX_RANDOM.has(stats.rdev)));
}
const K = new Uint32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
/**
 * SHA-256 (FIPS 180-4) of `text` in UTF-8, in hex: the same digest node:crypto gives, for the
 * few short strings a run hashes (its identity, which runs of every version must agree on).
 */
function sha256Hex(text) {
    const data = Buffer.from(text, 'utf8');
    const blocks = Math.ceil((data.length + 9) / 64);
    const padded = Buffer.alloc(blocks * 64);
    data.copy(padded);
    padded[data.length] = 0x80;
    padded.writeUInt32BE(Math.floor((data.length * 8) / 2 ** 32), padded.length - 8);
    padded.writeUInt32BE((data.length * 8) >>> 0, padded.length - 4);
    const h = new Uint32Array([
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    ]);
    const w = new Uint32Array(64);
    const rotr = (x, n) => (x >>> n) | (x << (32 - n));
    for (let block = 0; block < blocks; block++) {
        for (let i = 0; i < 16; i++)
            w[i] = padded.readUInt32BE(block * 64 + i * 4);
        for (let i = 16; i < 64; i++) {
            const s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >>> 3);
            const s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >>> 10);
            w[i] = w[i - 16] + s0 + w[i - 7] + s1;
        }
        let [a, b, c, d, e, f, g, hh] = h;
        for (let i = 0; i < 64; i++) {
            const t1 = hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
            const t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
            hh = g;
            g = f;
            f = e;
            e = (d + t1) | 0;
            d = c;
            c = b;
            b = a;
            a = (t1 + t2) | 0;
        }
        const add = [a, b, c, d, e, f, g, hh];
        for (let i = 0; i < 8; i++)
            h[i] += add[i];
    }
    const digest = Buffer.alloc(32);
    for (let i = 0; i < 8; i++)
        digest.writeUInt32BE(h[i], i * 4);
    return digest.toString('hex');
}


/***/ }),

/***/ 5080:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   XL: () => (/* binding */ inOpenDir),
/* harmony export */   Y5: () => (/* binding */ openDir),
/* harmony export */   j9: () => (/* binding */ openDirsUsable),
/* harmony export */   rI: () => (/* binding */ leaveOpenDir),
/* harmony export */   u6: () => (/* binding */ enterOpenDir)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(3024);

/**
 * Calls made inside a directory opened once, rather than through its path: a parent swapped
 * for a symlink after the directory was opened cannot redirect them. Node has no `*at` calls;
 * on Linux /proc/self/fd/N names the open directory itself, not a path. Walking
 * /proc/self/fd/N/NAME for every call costs half as much again as the plain path (the walk
 * through /proc cannot take the kernel's fast path), so a run of calls is made with the
 * working directory moved onto the open directory, through /proc/self/fd/N once, and bare
 * names, which the kernel resolves from there, faster than a full path.
 *
 * The working directory is the whole process's: this holds only while every other path the
 * process uses is absolute, as atomic-link's are, and only in the main thread (a worker may
 * not change it). Not where /proc is not there (macOS, the BSDs, /proc hidden).
 */
const PROC_FD = '/proc/self/fd/';
const DIRECTORY = node_fs__WEBPACK_IMPORTED_MODULE_0__.constants.O_RDONLY | node_fs__WEBPACK_IMPORTED_MODULE_0__.constants.O_DIRECTORY | node_fs__WEBPACK_IMPORTED_MODULE_0__.constants.O_NOFOLLOW;
/** The working directory the process had, opened to come back to; null where it cannot be. */
let home;
function homeFd() {
    if (home === undefined) {
        home = null;
        if (process.platform === 'linux' && node_fs__WEBPACK_IMPORTED_MODULE_0__.existsSync(PROC_FD)) {
            try {
                const fd = node_fs__WEBPACK_IMPORTED_MODULE_0__.openSync('.', DIRECTORY);
                try {
                    // Moved onto itself: a worker thread, which may not move it, says so here.
                    enterOpenDir(fd);
                    home = fd;
                }
                catch {
                    node_fs__WEBPACK_IMPORTED_MODULE_0__.closeSync(fd);
                }
            }
            catch {
                // A working directory we may not read: calls go by path, checked before each chunk.
            }
        }
    }
    return home;
}
/** Whether calls can be made inside open directories here. */
function openDirsUsable() {
    return homeFd() !== null;
}
/**
 * Opens the directory at `real`, never a symlink at its name; undefined when it may be
 * searched but not read (calls in it then go by path). Throws when `real` no longer names the
 * directory opened: a parent swapped since it was resolved.
 */
function openDir(real) {
    let fd;
    try {
        fd = node_fs__WEBPACK_IMPORTED_MODULE_0__.openSync(real, DIRECTORY);
    }
    catch (error) {
        if (error.code === 'EACCES')
            return undefined;
        throw error;
    }
    try {
        const opened = node_fs__WEBPACK_IMPORTED_MODULE_0__.readlinkSync(`${PROC_FD}${fd}`);
        if (opened !== real) {
            throw Object.assign(new Error(`${real} was moved while it was resolved (to ${opened})`), {
                code: 'ESTALE',
                syscall: 'open',
            });
        }
        return { fd, stats: node_fs__WEBPACK_IMPORTED_MODULE_0__.fstatSync(fd) };
    }
    catch (error) {
        node_fs__WEBPACK_IMPORTED_MODULE_0__.closeSync(fd);
        throw error;
    }
}
/** `name` in the open directory `fd`, by a path through the open directory itself. */
function inOpenDir(fd, name) {
    return `${PROC_FD}${fd}/${name}`;
}
/** Moves the working directory onto the open directory `fd`: bare names resolve in it. */
function enterOpenDir(fd) {
    process.chdir(`${PROC_FD}${fd}`);
}
/** Back to the working directory the process had. */
function leaveOpenDir() {
    process.chdir(`${PROC_FD}${homeFd()}`);
}


/***/ }),

/***/ 3994:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   r: () => (/* binding */ readAtMost)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(3024);

/**
 * The bytes of a file or stdin, or undefined when there are more than `limit`: a regular file
 * is judged by its size before anything is read, a pipe (which has no size) once it has sent
 * more.
 */
function readAtMost(file, limit) {
    const fd = typeof file === 'number' ? file : node_fs__WEBPACK_IMPORTED_MODULE_0__.openSync(file, 'r');
    try {
        const stats = node_fs__WEBPACK_IMPORTED_MODULE_0__.fstatSync(fd);
        if (stats.isFile() && stats.size > limit)
            return undefined;
        const chunks = [];
        let total = 0;
        for (;;) {
            const chunk = Buffer.allocUnsafe(Math.min(2 ** 20, limit + 1 - total));
            const read = node_fs__WEBPACK_IMPORTED_MODULE_0__.readSync(fd, chunk, 0, chunk.length, null);
            if (read === 0)
                return Buffer.concat(chunks, total);
            chunks.push(chunk.subarray(0, read));
            total += read;
            if (total > limit)
                return undefined;
        }
    }
    finally {
        if (typeof file !== 'number')
            node_fs__WEBPACK_IMPORTED_MODULE_0__.closeSync(fd);
    }
}


/***/ }),

/***/ 9962:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  ao: () => (/* binding */ atLastSignal),
  FO: () => (/* binding */ exitCodeOf),
  c_: () => (/* binding */ withStopSignals)
});

// UNUSED EXPORTS: signalOfExitCode

;// CONCATENATED MODULE: external "node:events"
const external_node_events_namespaceObject = __WEBPACK_EXTERNAL_createRequire(__atomicLinkUrl)("node:events");
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __nccwpck_require__(3024);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __nccwpck_require__(8161);
;// CONCATENATED MODULE: ./lib/platform/stop-signals.js



const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const lastWords = new Set();
/**
 * Runs `work` with an AbortSignal that a first SIGINT, SIGTERM or SIGHUP (a cancelled job, a
 * Ctrl-C) aborts, its reason the signal's name: the work then ends whole and reports. A second
 * signal exits at once with 128+N, after the `atLastSignal` cleanups (an unmount); what was
 * switched stays switched, every link old or new, as every change is a rename.
 */
async function withStopSignals(work) {
    const controller = new AbortController();
    // Every connection listens for the stop (a fleet's hosts and their jump hosts): past ten,
    // Node would warn on stderr of a leak that is none.
    (0,external_node_events_namespaceObject.setMaxListeners)(0, controller.signal);
    const onSignal = (signal) => {
        if (!controller.signal.aborted) {
            controller.abort(signal);
            return;
        }
        try {
            // Written at once: the event loop will not run again to flush a stream.
            external_node_fs_.writeSync(2, `atomic-link: stopped at once by a second ${signal}: every link is old or new, but ` +
                'the batch may be part done; the next run breaks the lock and removes the temporary ' +
                'links\n');
        }
        catch {
            // Nobody is reading stderr any more: the exit code says it.
        }
        // The cleanups run on the way out (see atLastSignal).
        process.exit(exitCodeOf(signal));
    };
    for (const signal of SIGNALS)
        process.on(signal, onSignal);
    try {
        return await work(controller.signal);
    }
    finally {
        for (const signal of SIGNALS)
            process.off(signal, onSignal);
    }
}
/**
 * Registers a cleanup for an exit that skips the `finally` blocks: at a second signal, or a
 * crash (an uncaught exception ends the process with its 'exit' event, and no more). It must
 * be synchronous: nothing asynchronous runs on the way out. Returns its removal, for when the
 * resource is released the ordinary way.
 */
function atLastSignal(cleanup) {
    if (lastWords.size === 0)
        process.on('exit', sayLastWords);
    lastWords.add(cleanup);
    return () => {
        lastWords.delete(cleanup);
        if (lastWords.size === 0)
            process.off('exit', sayLastWords);
    };
}
function sayLastWords() {
    for (const cleanup of lastWords) {
        try {
            cleanup();
        }
        catch {
            // The others still run; the process is going away whatever this one says.
        }
    }
    lastWords.clear();
}
/** The shell's exit code for a process ended by `signal`. */
function exitCodeOf(signal) {
    return 128 + (external_node_os_.constants.signals[signal] ?? 0);
}
/** The signal a shell's exit code above 128 stands for, if any: `exitCodeOf`'s inverse. */
function signalOfExitCode(code) {
    const signals = Object.entries(os.constants.signals);
    return code > 128 ? signals.find(([, number]) => number === code - 128)?.[0] : undefined;
}


/***/ }),

/***/ 3300:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  w: () => (/* binding */ Guard),
  Y: () => (/* binding */ WORKER_FILE)
});

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __nccwpck_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __nccwpck_require__(6760);
// EXTERNAL MODULE: external "node:url"
var external_node_url_ = __nccwpck_require__(3136);
// EXTERNAL MODULE: ./lib/platform/builtins.js + 1 modules
var builtins = __nccwpck_require__(7431);
;// CONCATENATED MODULE: ./lib/platform/own-files.js



/**
 * The directory of the action a module belongs to: the nearest one above the module that holds
 * action.yml. The bundle lies in its dist/, the sources in its src/, wherever the runner or
 * GitHub's @github/local-action put them; process.argv[1] names whatever script started Node
 * (local-action's own, under it). Undefined outside an action (the CLI's package, the image).
 */
function actionRoot(moduleUrl) {
    let dir = external_node_path_.dirname((0,external_node_url_.fileURLToPath)(moduleUrl));
    for (;;) {
        if (external_node_fs_.existsSync(external_node_path_.join(dir, 'action.yml')))
            return dir;
        const up = external_node_path_.dirname(dir);
        if (up === dir)
            return undefined;
        dir = up;
    }
}

;// CONCATENATED MODULE: ./lib/transport/local/guard-protocol.js
/**
 * Slots of the Int32Array over the shared control buffer. The worker is handed this table
 * with the buffer (it may not import values).
 */
const SLOTS = {
    /** Set to 1 by the main thread: report and exit. */
    stop: 0,
    /** Set to 1 by the worker once it has the paths, standing by or looking. */
    ready: 1,
    /** Set to 1 by the main thread: a worker standing by looks from now. */
    begin: 2,
    /** Set to 1 by the worker once it is looking. */
    looking: 3,
    /** Index of the path being switched right now. */
    hot: 4,
    /** Lookups made so far, kept by the worker. */
    lookups: 5,
    /** Lookups that found a link missing so far. */
    misses: 6,
};
const CONTROL_SLOTS = Object.keys(SLOTS).length;

;// CONCATENATED MODULE: ./lib/transport/local/guard.js






/** The file of the local store's threads: the guard's, and the locks' keeper's. */
const BUILT_WORKER = __nccwpck_require__.ab + "guard-worker.cjs";
/**
 * Beside the module that loads it: in dist/ beside the bundle, in lib/ beside the compiled
 * module. Run from its sources (tsx, as GitHub's @github/local-action runs an action), the
 * action's own dist/ holds it: tsx compiles the sources of the main thread only.
 */
const WORKER_FILE = external_node_fs_.existsSync(BUILT_WORKER)
    ? BUILT_WORKER
    : (builtInAction() ?? BUILT_WORKER);
function builtInAction() {
    const root = actionRoot(__atomicLinkUrl);
    return root === undefined
        ? undefined
        : (0,external_node_url_.pathToFileURL)(external_node_path_.join(root, 'dist', 'guard-worker.cjs'));
}
/**
 * How long begin() waits for the worker to be looking. It wakes in a millisecond or two; one
 * that has not in this time leaves the switch unwatched, and the guard says it was blind.
 */
const BEGIN_WAIT_MS = 5000;
/**
 * Watches links from a worker thread while the main thread switches them. It has to run in
 * parallel: lookups made between two synchronous renames on the same thread could never see
 * a gap. Every lookup that finds a name missing is counted.
 *
 * The thread is started first and given its links later, so that its start-up overlaps the
 * checks the main thread makes before any switch; standing by, it takes its links while the
 * new links are made, and looks only from begin(), so as not to take the processor from them.
 */
class Guard {
    flags = new Int32Array(new SharedArrayBuffer(CONTROL_SLOTS * 4));
    worker;
    result;
    /** How the report names each watched path. */
    names = [];
    late = false;
    why;
    /** Why the thread ended, once it has: seen between the chunks of the creates. */
    ended;
    constructor() {
        const workerData = {
            buffer: this.flags.buffer,
            slots: SLOTS,
        };
        this.worker = new ((0,builtins/* workerThreads */.kp)().Worker)(WORKER_FILE, { workerData });
        this.result = new Promise((resolve, reject) => {
            this.worker.once('message', resolve);
            this.worker.once('error', reject);
            this.worker.once('exit', (code) => reject(new Error(`the guard stopped early (${code})`)));
        });
        // An error is followed by the exit: the first word is kept. Not with `??=`: ncc's asset
        // relocator cannot parse it, and then ships the worker's file under a hashed name.
        this.worker.once('error', (error) => (this.ended = `its thread failed: ${error.message}`));
        this.worker.once('exit', (code) => {
            if (this.ended === undefined)
                this.ended = `its thread ended (${code})`;
        });
        // A failed guard fails the run where it is awaited, in watch() or stop().
        this.result.catch(() => undefined);
    }
    /**
     * Starts looking at `paths`, or with `standBy` only from begin(); resolves once the worker
     * has them (and is looking, unless it stands by). The report names each path as `names`
     * does (the path as given, where the guard looks at it through another view). With
     * `followSwitch` (the default), each round also looks at the path switching() names. `why`:
     * why it samples, for the report.
     */
    async watch(paths, { standBy = false, names = paths, followSwitch = true, why, } = {}) {
        this.names = names;
        this.why = why;
        const message = { paths, standBy, followSwitch };
        this.worker.postMessage(message);
        const ready = Atomics.waitAsync(this.flags, standBy ? SLOTS.ready : SLOTS.looking, 0);
        // Racing the result rethrows a worker that died before it was ready.
        if (ready.async)
            await Promise.race([ready.value, this.result]);
    }
    /**
     * A guard standing by looks from now. Returns once it is looking, so that the first rename
     * made after it is watched: a blocking wait, as short as a thread's wake-up. Throws when its
     * thread has ended while it stood by: nothing has been switched, and nothing would be watched.
     */
    begin() {
        if (this.ended !== undefined)
            throw new Error(this.ended);
        Atomics.store(this.flags, SLOTS.begin, 1);
        Atomics.notify(this.flags, SLOTS.begin);
        this.late = Atomics.wait(this.flags, SLOTS.looking, 0, BEGIN_WAIT_MS) === 'timed-out';
    }
    /** Tells the guard which path (an index into the watched paths) is being switched now. */
    switching(index) {
        Atomics.store(this.flags, SLOTS.hot, index);
    }
    /** What the guard has seen so far, while it is still looking. */
    soFar() {
        return {
            lookups: Atomics.load(this.flags, SLOTS.lookups),
            missing: Atomics.load(this.flags, SLOTS.misses),
        };
    }
    /** Stops looking and reports what was seen, in the paths' own terms. */
    async stop() {
        Atomics.store(this.flags, SLOTS.stop, 1);
        // One standing by is woken to stop.
        Atomics.store(this.flags, SLOTS.begin, 1);
        Atomics.notify(this.flags, SLOTS.begin);
        const result = await this.result;
        await this.worker.terminate();
        return {
            method: 'sampling',
            certain: false,
            lookups: result.lookups,
            windowMs: Math.round(result.windowMs),
            perLinkMin: result.rounds,
            sampledBecause: this.why,
            blind: result.blind ??
                (this.late
                    ? `its thread was not looking ${BEGIN_WAIT_MS} ms after the switch began`
                    : undefined),
            missing: result.misses.reduce((sum, miss) => sum + miss.count, 0),
            sightings: result.misses.map(({ index, count, firstMs, lastMs }) => ({
                link: this.names[index],
                count,
                firstMs: Math.round(firstMs),
                lastMs: Math.round(lastMs),
            })),
        };
    }
    /** Ends the thread without a report, when the run ends before any switch. */
    async dispose() {
        await this.worker.terminate();
    }
}


/***/ }),

/***/ 186:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  V: () => (/* binding */ LocalStore)
});

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __nccwpck_require__(3024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __nccwpck_require__(6760);
// EXTERNAL MODULE: ./lib/engine/errors.js
var errors = __nccwpck_require__(4899);
// EXTERNAL MODULE: ./lib/engine/port.js
var port = __nccwpck_require__(4799);
// EXTERNAL MODULE: ./lib/platform/filesystems.js
var filesystems = __nccwpck_require__(4135);
// EXTERNAL MODULE: ./lib/platform/open-dirs.js
var open_dirs = __nccwpck_require__(5080);
// EXTERNAL MODULE: ./lib/transport/local/guard.js + 2 modules
var local_guard = __nccwpck_require__(3300);
// EXTERNAL MODULE: ./lib/engine/temp-names.js
var temp_names = __nccwpck_require__(3363);
;// CONCATENATED MODULE: ./lib/transport/local/notify-guard.js



/** Where the kernel says how many events it queues for one watcher before it drops them. */
const QUEUE_LIMIT = '/proc/sys/fs/inotify/max_queued_events';
/** How long the marker may take to come back before the notifications are taken as stopped. */
const SETTLE_MS = 2000;
/** Whether the kernel here tells of every change to a name (Linux's inotify, via fs.watch). */
const NOTIFICATIONS = process.platform === 'linux';
/**
 * Watches the directories of the links with the kernel's change notifications (inotify),
 * from begin() to the end of stop(): every unlink, create or rename of a name in them is
 * queued by the kernel and read on this thread between the store's chunks of renames. Each
 * of our renames onto a link accounts for one event on its name (node's fs.watch says
 * `rename` for each of IN_MOVED_TO, IN_MOVED_FROM, IN_CREATE, IN_DELETE): more events on a
 * link than our renames made mean another writer changed that name during the window, which
 * no lookup could have missed. No thread is needed: the kernel queues while we rename.
 *
 * Events can be lost: the kernel drops them once its queue for us is full (libuv drops even
 * the overflow event), so that is told from a marker, a reserved temporary name created and
 * removed after each chunk. The queue is read in order, so seeing the marker means every
 * event before it was read; a marker never seen was dropped, the queue having been full
 * since the last read. Then the guard says it was partly blind and samples from there on.
 */
class NotifyGuard {
    paths;
    io;
    existing;
    /** Renames per chunk: their events (two each) fill at most half of the kernel's queue. */
    maxChunk;
    watchers = [];
    byPath = new Map();
    dirs;
    /** Events on each link's name, read so far. */
    seen;
    /** Our renames onto each link. */
    ours;
    /** When each link's first change not ours was read (NaN: none). */
    firstMs;
    seenTotal = 0;
    oursTotal = 0;
    start = 0;
    /** Markers made and not yet accounted for, in order, and those of them read back. */
    markers = [];
    marked = new Set();
    dropped = 0;
    partlyBlind;
    blind;
    sampler;
    samplerFrom = 0;
    begun = false;
    get method() {
        return this.sampler ? 'notifications, then sampling' : 'notifications';
    }
    /** Links that were not there when the watches were armed (another writer's gap then). */
    absent = [];
    /** `paths`: the links that exist, then (from `existing` on) the batch's new ones. */
    constructor(paths, io, existing = paths.length) {
        this.paths = paths;
        this.io = io;
        this.existing = existing;
        this.seen = new Uint32Array(paths.length);
        this.ours = new Uint32Array(paths.length);
        this.firstMs = new Float64Array(paths.length).fill(NaN);
        this.dirs = new Map();
        // Sliced, not path.dirname() and basename(), which check and normalise each path again (a
        // link's path is absolute, with no trailing slash): they showed in a profile of 10,000.
        let dir = '\0';
        let names = new Map();
        for (let index = 0; index < paths.length; index++) {
            const file = paths[index];
            this.byPath.set(file, index);
            const slash = file.lastIndexOf('/');
            // A batch's links mostly share a directory, one after another: the last one's map serves.
            if (slash !== dir.length || !file.startsWith(dir)) {
                dir = file.slice(0, slash) || '/';
                let known = this.dirs.get(dir);
                if (known === undefined)
                    this.dirs.set(dir, (known = new Map()));
                names = known;
            }
            names.set(file.slice(slash + 1), index);
        }
        this.maxChunk = Math.max(16, Math.floor(queueLimit() / 4));
    }
    /**
     * Whether every directory can be watched here and now (a user's inotify watches or
     * instances may all be taken: ENOSPC, EMFILE); the reason when not. The watches are given
     * back at once: armed during the creates, they would queue an event per temporary link.
     */
    tryOut() {
        for (const dir of this.dirs.keys()) {
            try {
                external_node_fs_.watch(this.io.reach(`${dir}/.`), { persistent: false }).close();
            }
            catch (error) {
                return `the kernel will not watch ${dir} (${error.code ?? error})`;
            }
        }
        return undefined;
    }
    /** Arms a watch on every directory: from here every change to a name in them is queued. */
    begin() {
        if (this.begun)
            return;
        this.begun = true;
        this.start = performance.now();
        try {
            for (const [dir, names] of this.dirs) {
                const watcher = external_node_fs_.watch(this.io.reach(`${dir}/.`), { persistent: false }, (event, name) => this.heard(names, event, name));
                watcher.on('error', (error) => (this.blind ??= `watching ${dir}: ${error.message}`));
                this.watchers.push(watcher);
            }
        }
        catch (error) {
            this.close();
            throw error;
        }
        this.checkPresent();
    }
    /**
     * From the arming on, every change is told; a link another writer had removed just before
     * (and makes again after our rename, or never) would not be. So each directory is listed once
     * now: an existing link not in it was missing as the switch began.
     */
    checkPresent() {
        const listed = new Uint8Array(this.existing);
        for (const [dir, names] of this.dirs) {
            for (const name of external_node_fs_.readdirSync(this.io.reach(`${dir}/.`))) {
                const index = names.get(name);
                if (index !== undefined && index < this.existing)
                    listed[index] = 1;
            }
        }
        for (let index = 0; index < this.existing; index++) {
            if (listed[index] === 0)
                this.absent.push(index);
        }
    }
    /** Counts a rename of ours onto a watched link, once made. */
    renamed(rename) {
        const index = rename.watchIndex ?? this.byPath.get(rename.to);
        if (index === undefined)
            return;
        this.ours[index]++;
        this.oursTotal++;
    }
    /** Counts a removal of ours (a new link taken back by a rollback). */
    removed(file) {
        const index = this.byPath.get(file);
        if (index === undefined)
            return;
        this.ours[index]++;
        this.oursTotal++;
    }
    /** After a chunk of renames: a marker, to know later that all its events were read. */
    mark() {
        // Before begin() nothing is watched: a marker would never come back.
        if (!this.begun)
            return;
        const [dir] = this.dirs.keys();
        // A name someone made in advance is never ours: the create is exclusive; another is drawn.
        for (let attempt = 0; attempt < 3; attempt++) {
            const marker = (0,temp_names/* tempName */.u8)(dir);
            const at = this.io.reach(marker);
            try {
                external_node_fs_.symlinkSync('.', at);
            }
            catch (error) {
                if (error.code === 'EEXIST')
                    continue;
                this.blind ??= `cannot make its marker in ${dir}: ${error.message}`;
                return;
            }
            try {
                external_node_fs_.unlinkSync(at);
            }
            catch {
                // Removed by someone else: its create was seen all the same, and a later run sweeps it.
            }
            this.markers.push(external_node_path_.basename(marker));
            return;
        }
        this.blind ??= `cannot make its marker in ${dir}: every name drawn was taken`;
    }
    /** Whether a marker made is not read back yet. */
    unsettled() {
        return this.markers.length > 0;
    }
    /**
     * Reads every event up to the last marker; a marker dropped (the queue overflowed) or
     * events fewer than our renames made leave the guard partly blind: it samples from here.
     */
    async settle() {
        if (this.markers.length === 0)
            return;
        // Sampling already: a marker tells nothing more, and waiting for one under a flood would
        // hold up every chunk.
        if (this.partlyBlind !== undefined) {
            this.markers = [];
            this.marked.clear();
            return;
        }
        const deadline = performance.now() + SETTLE_MS;
        // No marker back in time: another writer's flood keeps the queue overflowing (each marker
        // dropped in turn), or the notifications stopped. Either way events were lost: partly
        // blind, sampled from here, as for one overflow.
        for (let round = 0; !this.marked.has(this.markers[this.markers.length - 1]); round++) {
            if (performance.now() > deadline)
                break;
            // Not back after the queue was read: dropped, or not read yet. A second marker, made
            // after the read, tells which: it comes back either way, and the first did not.
            if (round === 3)
                this.mark();
            await new Promise((resolve) => (round < 8 ? setImmediate(resolve) : setTimeout(resolve, 5)));
        }
        const lost = this.markers.filter((marker) => !this.marked.has(marker)).length;
        this.markers = [];
        this.marked.clear();
        this.dropped += lost;
        if (this.partlyBlind === undefined && (lost > 0 || this.seenTotal < this.oursTotal)) {
            const at = Math.round(performance.now() - this.start);
            this.partlyBlind =
                `the kernel's queue of notifications overflowed (more than ${queueLimit()} events ` +
                    `between two reads) by ${at} ms: changes made until then may not have been told; ` +
                    `sampled from there`;
            await this.startSampling();
        }
    }
    soFar() {
        return this.sampler?.soFar() ?? { lookups: 0, missing: 0 };
    }
    /** Ends the window: reads every event up to a last marker, and reports. */
    async stop() {
        // Stopped before it began (the run ended before any switch): it saw nothing.
        if (!this.begun) {
            return {
                method: this.method,
                certain: false,
                lookups: 0,
                missing: 0,
                windowMs: 0,
                sightings: [],
            };
        }
        if (this.blind === undefined) {
            this.mark();
            await this.settle();
        }
        const windowMs = Math.round(performance.now() - this.start);
        this.close();
        const sampled = await this.sampler?.stop();
        const touched = [];
        let short = false;
        const absent = new Set(this.absent);
        for (let index = 0; index < this.paths.length; index++) {
            if (this.seen[index] < this.ours[index])
                short = true;
            if (this.seen[index] <= this.ours[index] && !absent.has(index))
                continue;
            touched.push({
                ...(absent.has(index) ? { missingAtStart: true } : {}),
                link: this.paths[index],
                events: this.seen[index],
                ours: this.ours[index],
                now: stateOf(this.io.reach(this.paths[index])),
                firstMs: Number.isNaN(this.firstMs[index]) ? 0 : Math.round(this.firstMs[index]),
            });
        }
        if (short && this.partlyBlind === undefined) {
            this.partlyBlind = 'the kernel told of fewer changes than our renames made: some were lost';
        }
        const moved = [...this.dirs.keys()].map((dir) => this.io.moved(dir)).find(Boolean);
        return {
            method: this.method,
            certain: this.partlyBlind === undefined && this.blind === undefined && !moved,
            lookups: sampled?.lookups ?? 0,
            missing: sampled?.missing ?? 0,
            blind: this.blind ?? moved ?? sampled?.blind,
            partlyBlind: this.partlyBlind,
            windowMs,
            perLinkMin: sampled?.perLinkMin,
            events: this.seenTotal,
            sightings: (sampled?.sightings ?? []).map((sighting) => ({
                ...sighting,
                firstMs: sighting.firstMs + this.samplerFrom,
                lastMs: sighting.lastMs + this.samplerFrom,
            })),
            touched,
        };
    }
    heard(names, event, name) {
        if (event !== 'rename' || name === null)
            return;
        if (name.startsWith(temp_names/* TEMP_PREFIX */.MX)) {
            if (this.markers.includes(name))
                this.marked.add(name);
            return;
        }
        const index = names.get(name);
        if (index === undefined)
            return;
        this.seenTotal++;
        // Our rename is counted when made, before its event can be read: more events than
        // renames is a change that was not ours.
        if (++this.seen[index] > this.ours[index] && Number.isNaN(this.firstMs[index])) {
            this.firstMs[index] = performance.now() - this.start;
        }
    }
    async startSampling() {
        if (this.sampler !== undefined)
            return;
        this.samplerFrom = Math.round(performance.now() - this.start);
        try {
            // Only the links that exist: a new one is missing until our rename makes it.
            this.sampler = await this.io.sample(this.paths.slice(0, this.existing));
        }
        catch (error) {
            this.blind ??= `cannot sample after the notifications overflowed: ${error.message}`;
        }
    }
    close() {
        for (const watcher of this.watchers.splice(0))
            watcher.close();
    }
}
/** The kernel's limit, read once; the default where it cannot be read. */
let limit;
function queueLimit() {
    if (limit === undefined) {
        try {
            limit = Number(external_node_fs_.readFileSync(QUEUE_LIMIT, 'utf8')) || 16384;
        }
        catch {
            limit = 16384;
        }
    }
    return limit;
}
/** Where a link stands, said for the report: `-> TEXT`, `missing`, `a file`... */
function stateOf(file) {
    try {
        return `-> ${JSON.stringify(external_node_fs_.readlinkSync(file))}`;
    }
    catch (error) {
        const code = error.code;
        if (code === 'ENOENT')
            return 'missing';
        if (code !== 'EINVAL')
            return `unreadable (${code})`;
    }
    const stats = external_node_fs_.lstatSync(file, { throwIfNoEntry: false });
    if (stats === undefined)
        return 'missing';
    return stats.isDirectory() ? 'a directory' : stats.isFile() ? 'a file' : 'something else';
}

// EXTERNAL MODULE: ./lib/platform/builtins.js + 1 modules
var builtins = __nccwpck_require__(7431);
;// CONCATENATED MODULE: ./lib/transport/local/lock-keeper.js


/**
 * How long a run holds its locks before their keeper's thread is started. Its first refresh is
 * due a heartbeat after it starts: started this late it still lands seconds before any waiter
 * could break the lock, and a run over sooner (one link takes a few milliseconds) never pays
 * for the thread: a one-link run took 35 ms less without it on Node 20 (9 ms less processor
 * time; most of it was spent waiting at release for the thread to boot and stop).
 */
const KEEPER_AFTER_MS = 200;
/**
 * Keeps a run's locks fresh from a thread of its own, with its own event loop: the main
 * thread makes a local batch's calls synchronously, and a phase of a large batch (60,000
 * links read, or renamed under a slowed disk) can keep it busy for longer than the shortest
 * lock timeout. The thread is started KEEPER_AFTER_MS after the locks are taken: by a timer
 * when the main thread is idle then, or by the next call the store makes (poke()) when it is
 * busy, so a synchronous phase starts it as surely as the event loop does. Why it stopped is
 * read synchronously from its port: a busy main thread asks between two chunks, without a turn
 * of its event loop.
 */
class LockKeeperThread {
    locks;
    text;
    everyMs;
    worker;
    port;
    why;
    due = performance.now() + KEEPER_AFTER_MS;
    timer;
    ended = false;
    constructor(locks, text, everyMs) {
        this.locks = locks;
        this.text = text;
        this.everyMs = everyMs;
        this.timer = setTimeout(() => this.start(), KEEPER_AFTER_MS);
        this.timer.unref();
    }
    /** Starts the thread once it is due; called before each of the store's calls. */
    poke() {
        if (this.worker === undefined && performance.now() >= this.due)
            this.start();
    }
    /** Whether its thread is still to be started. */
    get pending() {
        return this.worker === undefined && !this.ended;
    }
    stopped() {
        if (this.port !== undefined) {
            this.why ??= (0,builtins/* workerThreads */.kp)().receiveMessageOnPort(this.port)?.message;
        }
        return this.why;
    }
    async stop() {
        this.ended = true;
        clearTimeout(this.timer);
        // Never started, it never refreshed: nothing to wait for.
        if (this.worker === undefined)
            return;
        await this.worker.terminate();
        this.port?.close();
    }
    /** Starts the thread now, due or not. */
    start() {
        if (this.worker !== undefined || this.ended)
            return;
        clearTimeout(this.timer);
        const { MessageChannel, Worker } = (0,builtins/* workerThreads */.kp)();
        const { port1, port2 } = new MessageChannel();
        this.port = port1;
        const { locks, text, everyMs } = this;
        const workerData = { keep: { locks, text, everyMs }, port: port2 };
        this.worker = new Worker(local_guard/* WORKER_FILE */.Y, { workerData, transferList: [port2] });
        // A thread that could not start, or failed, keeps nothing: said as it would say it.
        this.worker.once('error', (error) => (this.why ??= `its thread failed: ${error.message}`));
        this.worker.unref();
        this.port.unref();
    }
}

;// CONCATENATED MODULE: ./lib/transport/local/reach.js

/** From this many targets in one directory, it is listed rather than walked to for each. */
const LIST_FROM = 64;
/** A listing stops after this many entries per target sought in it. */
const ENTRIES_PER_TARGET = 4;
/**
 * Whether each symlink text leads somewhere from its directory, as access(2) tells on this
 * machine's filesystems: the kernel resolves the text, `..` after a symlink included.
 *
 * A batch's targets mostly share a directory (one release), and one listing of it costs less
 * than a path walk per target: for 10,000 targets, 4-9 ms against 14-20 on tmpfs. A listing
 * only ever confirms a target: a name listed as anything but a symlink is there. Every other
 * target is looked up alone: a symlink (it must lead somewhere too), a name not listed (it
 * may still be found on a case-insensitive filesystem, and its error is the lookup's own), a
 * text that is not plainly a name in a directory (`dir/`, `.`), and the rest of a directory
 * whose listing stopped: a listing reads at most a few entries per target sought, so a huge
 * directory holding a few targets costs little more than their lookups. `keeper` is poked
 * before each lookup: a slow disk can make this phase outlast the locks' timing.
 */
function reachOnDisk(targets, keeper) {
    const found = new Uint8Array(targets.length);
    for (const [parent, names] of byDirectory(targets)) {
        if (names.size >= LIST_FROM)
            findListed(parent, names, found);
    }
    const outcomes = new Array(targets.length);
    for (let index = 0; index < targets.length; index++) {
        if (found[index] === 1)
            continue;
        const { dir, text } = targets[index];
        keeper?.poke();
        try {
            external_node_fs_.accessSync(text.startsWith('/') ? text : `${dir}/${text}`);
        }
        catch (error) {
            outcomes[index] = error;
        }
    }
    return outcomes;
}
/** The most targets looked up by reachOffThread: it makes a lookup of each, never a listing. */
const OFF_THREAD_MAX = 1024;
/**
 * What reachOnDisk tells, each lookup made by libuv's threads: one that hangs holds none the
 * run needs (the main thread's timers run on).
 */
function reachOffThread(targets) {
    return Promise.all(targets.map(({ dir, text }) => new Promise((resolve) => external_node_fs_.access(text.startsWith('/') ? text : `${dir}/${text}`, (error) => resolve(error ?? undefined)))));
}
/**
 * Per directory a text names (as a path from its link's directory), the index of the target
 * by its name; left out are texts that do not end in a plain name, and a name met again in
 * one directory (two links to one file): it is looked up alone.
 */
function byDirectory(targets) {
    const directories = new Map();
    // Set by the first text: no text has its last slash at -2.
    let names = new Map();
    let lastDir = '';
    let lastSlash = -2;
    let lastPrefix = '';
    targets.forEach(({ dir, text }, index) => {
        const slash = text.lastIndexOf('/');
        const name = text.slice(slash + 1);
        if (name === '' || name === '.' || name === '..')
            return;
        // A batch's texts mostly name one directory one after another: the last one's map serves.
        if (slash !== lastSlash || dir !== lastDir || !text.startsWith(lastPrefix)) {
            lastDir = dir;
            lastSlash = slash;
            lastPrefix = text.slice(0, Math.max(slash, 0));
            const parent = slash < 0
                ? dir
                : slash === 0
                    ? '/'
                    : text.startsWith('/')
                        ? lastPrefix
                        : `${dir}/${lastPrefix}`;
            names = directories.get(parent) ?? new Map();
            directories.set(parent, names);
        }
        if (!names.has(name))
            names.set(name, index);
    });
    return directories;
}
/**
 * Marks in `found` the targets listed in `parent` as anything but a symlink. Nothing when the
 * directory cannot be searched or listed: each target is then looked up for its own error.
 */
function findListed(parent, names, found) {
    let dir;
    try {
        // access(2) needs to search the directory, a listing only to read it.
        external_node_fs_.accessSync(parent, external_node_fs_.constants.X_OK);
        dir = external_node_fs_.opendirSync(parent, { bufferSize: 1024 });
    }
    catch {
        return;
    }
    try {
        let left = names.size;
        let budget = ENTRIES_PER_TARGET * names.size;
        for (let entry = dir.readSync(); entry !== null && left > 0 && budget-- > 0;) {
            const index = entry.isSymbolicLink() ? undefined : names.get(entry.name);
            if (index !== undefined) {
                found[index] = 1;
                left--;
            }
            entry = dir.readSync();
        }
    }
    catch {
        // A listing cut short leaves the rest to be looked up alone.
    }
    finally {
        dir.closeSync();
    }
}

// EXTERNAL MODULE: ./lib/transport/local/sshfs-view.js
var sshfs_view = __nccwpck_require__(4452);
;// CONCATENATED MODULE: ./lib/transport/local/local-store.js











// Lookups on mounted network filesystems run on libuv's thread pool, 4 threads unless this is
// set before its first use: 4 requests in flight would leave most of a round trip unused.
process.env.UV_THREADPOOL_SIZE ??= '32';
const IN_FLIGHT = 32;
/** Errors from a mount whose server can no longer be asked. */
const DISCONNECTED = new Set(['ENOTCONN', 'ECONNABORTED']);
/**
 * The local filesystem through node:fs, which also serves any mounted volume (sshfs, NFS,
 * CIFS). On a local disk each call is cheap and made at once, synchronously; on a network
 * mount, the lookups of a phase are made many at a time, as each is a round trip.
 *
 * On sshfs, the guard looks through a second, uncached view of the same server directory:
 * through the mount that makes a switch nothing can see a gap (the kernel holds the directory's
 * lock for the whole FUSE rename), and symlink texts that Debian's sshfs will not read back
 * through the mount (absolute, or with `..`) are read through it.
 *
 * Each directory resolved is opened once where the platform allows, and every write in it is
 * made inside the open directory (platform/open-dirs): a parent swapped for a symlink after
 * the checks cannot send a write elsewhere. Where it does not, writes go by path.
 */
class LocalStore {
    where = '';
    canSyncDirs = true;
    knowsInodes = true;
    views = new sshfs_view/* SshfsViews */.Wm();
    suspect = new Map();
    /**
     * Each directory resolved: its device and inode, to notice one replaced under its name, and
     * the directory opened, when it is.
     */
    dirs = new Map();
    inOpenDirs = (0,open_dirs/* openDirsUsable */.j9)();
    guard;
    notify;
    /**
     * A guard thread started early, so that it boots while the links are checked: only where
     * the kernel's notifications cannot watch local links, as a run that needs none would pay
     * for starting it (29 ms of a one-link run).
     */
    spare;
    /** Poked before each call of a synchronous phase, which its timer cannot interrupt. */
    keeper;
    /**
     * Whether the keeper's thread starts as the locks are taken: for a holder whose work is not
     * made through this store (ln --lock makes its links itself, synchronously), no call pokes it.
     */
    keepAtOnce;
    constructor(options) {
        if (options.guard && !NOTIFICATIONS)
            this.spare = new local_guard/* Guard */.w();
        this.keepAtOnce = options.keepAtOnce ?? false;
    }
    async realDirs(dirs) {
        return each(dirs, (dir) => {
            const real = external_node_fs_.realpathSync(dir);
            const opened = this.inOpenDirs ? (0,open_dirs/* openDir */.Y5)(real) : undefined;
            const stats = opened?.stats ?? external_node_fs_.statSync(real);
            if (!stats.isDirectory())
                throw failure('ENOTDIR', 'stat', real);
            this.forget(real);
            this.dirs.set(real, { id: `${stats.dev}:${stats.ino}`, fd: opened?.fd });
            return real;
        });
    }
    async inspect(paths, options) {
        // Read inside the open directories too: what is read there must be what is at the path
        // (a run's check that its lock is still its own, right before a chunk of writes).
        this.checkStillThere(paths, itself);
        const times = options?.times ?? false;
        if (!this.anyRemote(paths)) {
            return this.inDirs(paths, itself, times ? this.calls.readTimed : this.calls.read);
        }
        return concurrently(paths, async (file) => {
            try {
                return await remoteEntryOf(file, times);
            }
            catch (error) {
                // Debian's sshfs will not read back absolute or `..` texts (contain_symlinks).
                const mount = error.code === 'EPERM' ? this.sshfsMount(file) : undefined;
                if (mount === undefined)
                    throw error;
                return { kind: 'symlink', text: external_node_fs_.readlinkSync(this.views.viewOf(file)) };
            }
        });
    }
    async reach(targets) {
        if (!this.anyRemoteDir(targets.map(({ dir }) => dir))) {
            // A lookup can hang (a target on a dead NFS or sshfs mount): made synchronously before
            // the keeper's thread runs, it would keep the thread from starting, and a waiting run
            // would break the lock of this live one. Targets are then looked up off the main thread,
            // whose timer starts the keeper; a batch too large for that (one lookup each, where a
            // listing serves) runs long enough to need the keeper anyway, and starts it at once.
            if (this.keeper?.pending && targets.length <= OFF_THREAD_MAX) {
                return reachOffThread(targets);
            }
            this.keeper?.start();
            return reachOnDisk(targets, this.keeper);
        }
        const places = targets.map(({ dir, text }) => this.targetHere(dir, text));
        return concurrently(places, async (place) => (0,port/* isFailure */.N)(place) ? throwIt(place) : external_node_fs_.promises.access(place));
    }
    async create(links) {
        return this.write(links, linkPath, this.calls.create);
    }
    async rename(renames) {
        const notify = this.notify;
        // What the last chunk's renames stirred is read first: a queue overflowed since makes
        // the guard sample from here on. Only then: the calls of a store are made as they are
        // asked for, in order (a rename asked for beside a read is made before it).
        if (notify?.unsettled())
            await notify.settle();
        const outcomes = this.write(renames, renameTo, this.calls.rename);
        notify?.mark();
        return outcomes;
    }
    async remove(paths) {
        return this.write(paths, itself, this.calls.remove);
    }
    async list(dirs) {
        return each(dirs, (dir) => {
            const fd = this.dirs.get(dir)?.fd;
            return external_node_fs_.readdirSync(fd === undefined ? dir : (0,open_dirs/* inOpenDir */.XL)(fd, '.'));
        });
    }
    async syncDirs(dirs) {
        return each(dirs, (dir) => {
            const held = this.dirs.get(dir)?.fd;
            if (held !== undefined)
                return external_node_fs_.fsyncSync(held);
            const fd = external_node_fs_.openSync(dir, 'r');
            try {
                external_node_fs_.fsyncSync(fd);
            }
            finally {
                external_node_fs_.closeSync(fd);
            }
        });
    }
    async watch(paths, options) {
        const remote = this.remoteDir(paths);
        let why;
        if (remote !== undefined) {
            why = `${remote.dir} is on ${remote.filesystem}, where the kernel here is not told of changes made elsewhere`;
        }
        else if (!NOTIFICATIONS) {
            why = `the kernel's notifications on ${process.platform} are not used: they cannot tell every change to a name`;
        }
        else {
            const notify = new NotifyGuard([...paths, ...(options?.newPaths ?? [])], {
                reach: (file) => this.throughOpenDir(file),
                moved: (dir) => this.movedFrom(dir),
                sample: (all) => this.sample(all, all, false, 'the notifications overflowed'),
            }, paths.length);
            why = notify.tryOut();
            if (why === undefined)
                return this.notifying(notify, options?.standBy ?? false);
        }
        // The view first: when it cannot be opened, no guard thread is taken that would keep the
        // process alive (the spare one is ended by close()).
        const seenAs = remote ? paths.map((file) => this.viewOf(file)) : paths;
        return this.sample(seenAs, paths, options?.standBy ?? false, why, remote !== undefined);
    }
    notifying(notify, standBy) {
        this.notify = notify;
        if (!standBy)
            notify.begin();
        return {
            method: 'notifications',
            maxChunk: notify.maxChunk,
            begin: () => notify.begin(),
            soFar: () => notify.soFar(),
            stop: () => {
                this.notify = undefined;
                return notify.stop();
            },
        };
    }
    /** A sampling guard: a thread looking `seenAs` up, named in its report by `paths`. */
    async sample(seenAs, paths, standBy, why, remote = false) {
        const guard = this.spare ?? new local_guard/* Guard */.w();
        this.spare = undefined;
        try {
            // Only a FUSE or network filesystem may open a gap of its own in a rename (sshfs's
            // workaround=rename): there the guard also looks at the link being renamed. On a local
            // filesystem the kernel replaces the name in one step, so those lookups could only see
            // another writer's gap, which going round the links sees as well; and they meet the
            // rename in the kernel (10,000 renames on two cores: 64 ms without them, 71-74 ms with).
            await guard.watch(seenAs, { standBy, names: paths, followSwitch: remote, why });
        }
        catch (error) {
            await guard.dispose();
            throw error;
        }
        this.guard = guard;
        return {
            method: 'sampling',
            begin: () => guard.begin(),
            soFar: () => guard.soFar(),
            stop: () => {
                this.guard = undefined;
                return guard.stop();
            },
        };
    }
    async renameBehaviour(dir) {
        const filesystem = this.suspectOf(dir);
        if (filesystem === undefined)
            return { kind: 'atomic' };
        const mount = filesystem === filesystems/* FUSE */.Az ? this.views.mountOf(`${dir}/.`) : undefined;
        const emulates = mount === undefined ? undefined : (0,sshfs_view/* emulatesRename */.dq)(mount);
        if (emulates)
            return {
                kind: 'gap',
                reason: `the sshfs serving ${mount?.mountPoint} runs with -o workaround=rename`,
            };
        // Known not to emulate: whether the server renames over a link is the only question left.
        return { kind: 'unknown', filesystem: mount ? 'sshfs' : filesystem, exact: emulates === false };
    }
    /** Through the open directories, as every other write: a directory swapped meanwhile is not. */
    keepLocks(locks, text, everyMs) {
        const kept = locks.map(({ path: lock, freshPrefix }) => ({
            path: this.throughOpenDir(lock),
            freshPrefix: this.throughOpenDir(freshPrefix),
        }));
        this.keeper = new LockKeeperThread(kept, text, everyMs);
        if (this.keepAtOnce)
            this.keeper.start();
        return this.keeper;
    }
    async close() {
        await this.spare?.dispose();
        for (const dir of [...this.dirs.keys()])
            this.forget(dir);
        this.views.close();
    }
    forget(dir) {
        const fd = this.dirs.get(dir)?.fd;
        if (fd !== undefined)
            external_node_fs_.closeSync(fd);
        this.dirs.delete(dir);
    }
    /**
     * The call made for each item, with `here` the path by which to reach its main file. Made
     * once per store, not per batch: V8 compiles the loop of inDirs() for the functions it
     * calls, and a fresh closure in each chunk of a batch undid that each time.
     */
    calls = {
        read: (_, here) => entryOf(here, false),
        readTimed: (_, here) => entryOf(here, true),
        create: (link, here) => link.type === 'symbolic'
            ? external_node_fs_.symlinkSync(link.content, here)
            : external_node_fs_.linkSync(link.content, here),
        rename: (rename, here) => {
            if (rename.watchIndex !== undefined)
                this.guard?.switching(rename.watchIndex);
            external_node_fs_.renameSync(this.at(rename.from), here);
            this.notify?.renamed(rename);
        },
        remove: (file, here) => {
            external_node_fs_.unlinkSync(here);
            this.notify?.removed(file);
        },
    };
    /** Where inDirs() makes its calls: the directory (with its slash), and whether inside it. */
    current = { prefix: '\0', inside: false };
    /** inDirs() for writes, after the directories are checked. */
    write(items, main, call) {
        this.checkStillThere(items, main);
        return answered(this.inDirs(items, main, call));
    }
    /**
     * Makes `call` for each item, with `here` the path by which to reach its `main` file (at()
     * gives it for any other file): where the directories are open, the calls are made inside
     * the directory of each item's main file, and a file there is reached by its bare name (the
     * kernel walks one component, not the whole path: 20% less time for readlink).
     */
    inDirs(items, main, call) {
        const outcomes = new Array(items.length);
        const current = { prefix: '\0', inside: false };
        this.current = current;
        let moved = false;
        // Why the calls cannot be made in the current directory (one we may read but not search).
        let refused;
        try {
            for (let index = 0; index < items.length; index++) {
                const item = items[index];
                const file = main(item);
                this.keeper?.poke();
                if (this.inOpenDirs && !isIn(current.prefix, file)) {
                    const dir = file.slice(0, file.lastIndexOf('/')) || '/';
                    const fd = this.dirs.get(dir)?.fd;
                    current.inside = false;
                    refused = undefined;
                    if (fd !== undefined) {
                        try {
                            (0,open_dirs/* enterOpenDir */.u6)(fd);
                            moved = true;
                        }
                        catch (error) {
                            refused = asFailure(error);
                        }
                    }
                    else if (moved)
                        (0,open_dirs/* leaveOpenDir */.rI)();
                    current.prefix = dir === '/' ? dir : `${dir}/`;
                    current.inside = fd !== undefined && refused === undefined;
                }
                if (refused !== undefined) {
                    outcomes[index] = refused;
                    continue;
                }
                try {
                    outcomes[index] = call(item, current.inside ? file.slice(current.prefix.length) : file);
                }
                catch (error) {
                    outcomes[index] = asFailure(error);
                }
            }
        }
        finally {
            if (moved)
                (0,open_dirs/* leaveOpenDir */.rI)();
            this.current = { prefix: '\0', inside: false };
        }
        return outcomes;
    }
    /** `file` as the calls of inDirs() reach it from where they are made. */
    at(file) {
        const { prefix, inside } = this.current;
        return inside && isIn(prefix, file) ? file.slice(prefix.length) : this.throughOpenDir(file);
    }
    /** `file` through its open directory, for a file outside the one the calls are made in. */
    throughOpenDir(file) {
        const slash = file.lastIndexOf('/');
        const fd = this.dirs.get(file.slice(0, slash) || '/')?.fd;
        return fd === undefined ? file : (0,open_dirs/* inOpenDir */.XL)(fd, file.slice(slash + 1));
    }
    /**
     * Every directory read or written must still be the one resolved at the start: a mount that
     * died (sshfs unmounts itself when its connection does) leaves an empty directory under the
     * same name, and links made there would be made nowhere the user looks. Where calls are
     * made inside the open directories, one moved away and replaced would take them unseen.
     */
    checkStillThere(items, pathOf) {
        // Few directories, as in nearly every batch: each of them, without reading every path.
        const dirs = this.dirs.size <= 16 ? this.dirs.keys() : dirsOf(items.map(pathOf));
        for (const dir of dirs) {
            const known = this.dirs.get(dir)?.id;
            if (known === undefined)
                continue;
            let now;
            try {
                const stats = external_node_fs_.statSync(dir);
                now = `${stats.dev}:${stats.ino}`;
            }
            catch (error) {
                now = error.code ?? 'gone';
            }
            if (now !== known) {
                throw new errors/* StoreLostError */.U8(`${dir} is no longer the directory it was (a mount gone, or the directory moved away?)`);
            }
        }
    }
    /** Why `dir` is no longer the directory resolved at the start, or undefined. */
    movedFrom(dir) {
        const known = this.dirs.get(dir)?.id;
        if (known === undefined)
            return undefined;
        const stats = external_node_fs_.statSync(dir, { throwIfNoEntry: false });
        if (stats !== undefined && `${stats.dev}:${stats.ino}` === known)
            return undefined;
        return `${dir} was moved away or replaced during the switch: its links were not at their paths`;
    }
    /** The first directory of `paths` on a filesystem whose rename is suspect, and its kind. */
    remoteDir(paths) {
        for (const dir of dirsOf(paths)) {
            const filesystem = this.suspectOf(dir);
            if (filesystem !== undefined)
                return { dir, filesystem };
        }
        return undefined;
    }
    suspectOf(dir) {
        if (!this.suspect.has(dir))
            this.suspect.set(dir, (0,filesystems/* suspectFilesystem */.tm)(dir));
        return this.suspect.get(dir);
    }
    anyRemote(paths) {
        return this.anyRemoteDir(dirsOf(paths));
    }
    anyRemoteDir(dirs) {
        let last;
        for (const dir of dirs) {
            // Thousands of items in a few directories, one after another: each run asked once.
            if (dir !== last && this.suspectOf(dir) !== undefined)
                return true;
            last = dir;
        }
        return false;
    }
    sshfsMount(file) {
        return this.suspectOf(external_node_path_.dirname(file)) === filesystems/* FUSE */.Az ? this.views.mountOf(file) : undefined;
    }
    viewOf(file) {
        return this.sshfsMount(file) === undefined ? file : this.views.viewOf(file);
    }
    /**
     * Where a symlink text read from `dir` leads, here. On a local disk the kernel resolves it
     * from `dir`. On sshfs it is resolved as the server will, on the server's paths, and mapped
     * onto the mount: following links through the mount would not give the server's view.
     */
    targetHere(dir, text) {
        const mount = this.sshfsMount(`${dir}/.`);
        if (mount === undefined)
            return external_node_path_.resolve(dir, text);
        const inMount = external_node_path_.relative(mount.mountPoint, dir);
        const outside = failure('EUNCHECKABLE', 'reach', dir, 'is outside the remote path, so it cannot be checked');
        if (mount.serverPath === undefined) {
            return external_node_path_.isAbsolute(text)
                ? outside
                : insideOr(mount.mountPoint, external_node_path_.join(inMount, text), outside);
        }
        const serverTarget = external_node_path_.posix.resolve(external_node_path_.posix.join(mount.serverPath, inMount), text);
        return insideOr(mount.mountPoint, external_node_path_.posix.relative(mount.serverPath, serverTarget), outside);
    }
}
const itself = (file) => file;
const linkPath = (link) => link.path;
const renameTo = (rename) => rename.to;
/**
 * Whether `file` is a name in the directory `prefix` (with its slash), told without slicing:
 * a batch's thousands of paths are mostly in one directory.
 */
const isIn = (prefix, file) => file.startsWith(prefix) && file.indexOf('/', prefix.length) < 0;
/** The directories of `paths`, each once: a batch has many links in few directories. */
function dirsOf(paths) {
    const dirs = new Set();
    let prefix = '\0';
    for (const file of paths) {
        // Told without lastIndexOf, which V8 does not make fast.
        if (isIn(prefix, file))
            continue;
        const dir = file.slice(0, file.lastIndexOf('/')) || '/';
        dirs.add(dir);
        prefix = dir === '/' ? dir : `${dir}/`;
    }
    return dirs;
}
function insideOr(root, relative, outside) {
    if (relative.startsWith('..') || external_node_path_.isAbsolute(relative))
        return outside;
    return external_node_path_.join(root, relative);
}
/** readlink first: for the common case, an existing symlink, it is the only call needed. */
function entryOf(file, times) {
    try {
        const text = external_node_fs_.readlinkSync(file);
        return times
            ? { kind: 'symlink', text, mtimeMs: external_node_fs_.lstatSync(file).mtimeMs }
            : { kind: 'symlink', text };
    }
    catch (error) {
        const code = error.code;
        if (code === 'ENOENT')
            return { kind: 'none' };
        if (code !== 'EINVAL')
            throw error;
    }
    return fromStats(external_node_fs_.lstatSync(file));
}
async function remoteEntryOf(file, times) {
    try {
        const text = await external_node_fs_.promises.readlink(file);
        if (!times)
            return { kind: 'symlink', text };
        return { kind: 'symlink', text, mtimeMs: (await external_node_fs_.promises.lstat(file)).mtimeMs };
    }
    catch (error) {
        const code = error.code;
        if (code === 'ENOENT')
            return { kind: 'none' };
        if (code !== 'EINVAL')
            throw error;
    }
    return fromStats(await external_node_fs_.promises.lstat(file));
}
function fromStats(stats) {
    if (stats.isDirectory())
        return { kind: 'directory' };
    if (stats.isFile()) {
        return {
            kind: 'file',
            id: `${stats.dev}:${stats.ino}`,
            nlink: stats.nlink,
            mtimeMs: stats.mtimeMs,
        };
    }
    if (stats.isSymbolicLink())
        return { kind: 'symlink', text: '', mtimeMs: stats.mtimeMs };
    return { kind: 'other' };
}
/**
 * A write to a mount whose connection is gone may or may not have reached the server: the
 * store is lost, as an SFTP store is, and nothing after can be trusted to say what happened.
 */
function answered(outcomes) {
    const lost = outcomes.find((outcome) => (0,port/* isFailure */.N)(outcome) && DISCONNECTED.has(outcome.code));
    if (lost)
        throw new errors/* StoreLostError */.U8(`the mount's connection is gone: ${(0,errors/* describeError */.Uc)(lost)}`);
    return outcomes;
}
/** Each item's outcome, in order; a loop, not a closure per item, on batches of thousands. */
function each(items, call) {
    const outcomes = new Array(items.length);
    for (let index = 0; index < items.length; index++) {
        try {
            outcomes[index] = call(items[index]);
        }
        catch (error) {
            outcomes[index] = asFailure(error);
        }
    }
    return outcomes;
}
async function concurrently(items, call) {
    const results = new Array(items.length);
    let next = 0;
    const worker = async () => {
        while (next < items.length) {
            const index = next++;
            try {
                results[index] = await call(items[index]);
            }
            catch (error) {
                results[index] = asFailure(error);
            }
        }
    };
    await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, items.length) }, worker));
    return results;
}
function asFailure(error) {
    if ((0,port/* isFailure */.N)(error))
        return error;
    return failure('EIO', '', '', error?.message ?? String(error));
}
function failure(code, syscall, file, message) {
    return Object.assign(new Error(message ?? `${code}: ${syscall} ${file}`), { code, syscall });
}
function throwIt(error) {
    throw error;
}


/***/ }),

/***/ 4452:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   NE: () => (/* binding */ UNCACHED_OPTIONS),
/* harmony export */   Ot: () => (/* binding */ unmountFuse),
/* harmony export */   Ts: () => (/* binding */ mountSshfs),
/* harmony export */   Wm: () => (/* binding */ SshfsViews),
/* harmony export */   dq: () => (/* binding */ emulatesRename)
/* harmony export */ });
/* unused harmony export servingArguments */
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(3024);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(8161);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(6760);
/* harmony import */ var _engine_errors_js__WEBPACK_IMPORTED_MODULE_3__ = __nccwpck_require__(4899);
/* harmony import */ var _platform_builtins_js__WEBPACK_IMPORTED_MODULE_4__ = __nccwpck_require__(7431);
/* harmony import */ var _platform_open_dirs_js__WEBPACK_IMPORTED_MODULE_5__ = __nccwpck_require__(5080);






/**
 * Uncached second views of sshfs mounts. Through the mount that makes a switch, nothing can
 * see a gap in it: the kernel holds the directory's lock for the whole FUSE rename, and the
 * lookups of the guard wait behind it, even when sshfs emulates the rename with three calls
 * (`-o workaround=rename`) and other clients of the server see the name missing. A second
 * connection is another client: the guard looks through it, with every cache off.
 *
 * The view is also mounted with `no_contain_symlinks`, so that link texts which Debian's sshfs
 * will not read back through the main mount (absolute, or with `..`) can be read. Only lstat
 * and readlink are ever done through it, which follow no link.
 */
class SshfsViews {
    views = new Map();
    mounts;
    mountOfDir = new Map();
    /**
     * The sshfs mount holding `file`, or undefined when it is on another filesystem. Ask only
     * for files on FUSE: the mount table is read then, and only then (it needs /proc).
     */
    mountOf(file) {
        this.mounts ??= readMounts();
        const dir = node_path__WEBPACK_IMPORTED_MODULE_2__.dirname(file);
        if (!this.mountOfDir.has(dir))
            this.mountOfDir.set(dir, sshfsMountOf(this.mounts, file));
        return this.mountOfDir.get(dir);
    }
    /** `file` as seen through an uncached second connection, when it is on sshfs; else `file`. */
    viewOf(file) {
        const mount = this.mountOf(file);
        if (mount === undefined)
            return file;
        let view = this.views.get(mount.mountPoint);
        if (view === undefined) {
            view = openView(mount);
            this.views.set(mount.mountPoint, view);
        }
        return node_path__WEBPACK_IMPORTED_MODULE_2__.join(view, node_path__WEBPACK_IMPORTED_MODULE_2__.relative(mount.mountPoint, file));
    }
    close() {
        for (const view of this.views.values())
            unmountFuse(view);
        this.views.clear();
    }
}
/** What is looked up through a mount with these options is the server's truth, not a copy. */
const UNCACHED_OPTIONS = [
    'dir_cache=no',
    'attr_timeout=0',
    'entry_timeout=0',
    'negative_timeout=0',
];
/**
 * Runs sshfs with `args(mountPoint)` on a new private mount point and returns it. On failure
 * the mount point is removed and the error carries sshfs's own message.
 */
function mountSshfs(args) {
    const mountPoint = node_fs__WEBPACK_IMPORTED_MODULE_0__.mkdtempSync(node_path__WEBPACK_IMPORTED_MODULE_2__.join(node_os__WEBPACK_IMPORTED_MODULE_1__.tmpdir(), 'atomic-link-mnt-'));
    try {
        (0,_platform_builtins_js__WEBPACK_IMPORTED_MODULE_4__/* .childProcess */ .Qk)().execFileSync('sshfs', args(mountPoint), {
            stdio: ['ignore', 'ignore', 'pipe'],
            timeout: 60000,
        });
    }
    catch (error) {
        node_fs__WEBPACK_IMPORTED_MODULE_0__.rmdirSync(mountPoint);
        const stderr = String(error.stderr ?? '').trim();
        throw new Error(stderr || error.message);
    }
    return mountPoint;
}
/**
 * Mounts the same server directory again by re-running the serving sshfs with its own
 * arguments (so the same port, identity and host keys), on a private mount point.
 */
function openView(mount) {
    const args = servingArguments(mount);
    if (args === undefined) {
        throw new _engine_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .UpdateError */ .mp(`cannot watch links on the sshfs mount ${mount.mountPoint}: the sshfs process serving it ` +
            `is not visible here or is another user's, so no second connection can be opened, and through the mount ` +
            `itself no gap can be seen; pass --no-guard --no-probe to switch unwatched`);
    }
    const options = [...UNCACHED_OPTIONS, 'no_contain_symlinks'].join(',');
    try {
        return mountSshfs((view) => [
            ...args.map((arg) => (arg === mount.mountPoint ? view : arg)),
            '-o',
            options,
        ]);
    }
    catch (error) {
        throw new _engine_errors_js__WEBPACK_IMPORTED_MODULE_3__/* .UpdateError */ .mp(`cannot open a second, uncached view of the sshfs mount ${mount.mountPoint} to watch ` +
            `the switch: ${error.message}`);
    }
}
function unmountFuse(mountPoint) {
    try {
        (0,_platform_builtins_js__WEBPACK_IMPORTED_MODULE_4__/* .childProcess */ .Qk)().execFileSync('fusermount3', ['-u', '-z', mountPoint], { stdio: 'ignore' });
    }
    catch {
        // Already gone (its connection died) or never mounted: the directory is all that is left.
    }
    try {
        node_fs__WEBPACK_IMPORTED_MODULE_0__.rmdirSync(mountPoint);
    }
    catch {
        // Still busy after a lazy unmount: an empty directory in the temp dir is all it leaves.
    }
}
/**
 * The arguments of the sshfs process that serves `mount`, with its own mount point in them.
 * Only a process of our own user, on a mount of our own user, is taken: re-running another
 * user's command line would run whatever it holds (a ProxyCommand, an ssh_command) as us.
 */
function servingArguments(mount) {
    const me = process.getuid?.();
    if (me === undefined || mount.uid !== me)
        return undefined;
    for (const pid of node_fs__WEBPACK_IMPORTED_MODULE_0__.readdirSync('/proc')) {
        if (!/^\d+$/.test(pid))
            continue;
        const argv = commandLineOfOurs(pid, me);
        if (argv === undefined || node_path__WEBPACK_IMPORTED_MODULE_2__.basename(argv[0] ?? '') !== 'sshfs')
            continue;
        const args = argv.slice(1);
        if (args.includes(mount.source) && args.includes(mount.mountPoint))
            return args;
    }
    return undefined;
}
/**
 * The command line of process `pid` when every uid it has (real, effective, saved, filesystem)
 * is `me`, as its status says. Not the owner of /proc/PID: some kernels give root a process
 * that cannot be dumped (one that ran a file its user may not read, or made itself so), and a
 * setuid program keeps its user's real uid. Both are read through /proc/PID opened once, which
 * stays the process's own: a pid reused between the reads is not taken for it.
 */
function commandLineOfOurs(pid, me) {
    let fd;
    try {
        fd = node_fs__WEBPACK_IMPORTED_MODULE_0__.openSync(`/proc/${pid}`, node_fs__WEBPACK_IMPORTED_MODULE_0__.constants.O_RDONLY | node_fs__WEBPACK_IMPORTED_MODULE_0__.constants.O_DIRECTORY);
    }
    catch {
        return undefined; // gone
    }
    try {
        const uids = /^Uid:(.*)$/m.exec(node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync((0,_platform_open_dirs_js__WEBPACK_IMPORTED_MODULE_5__/* .inOpenDir */ .XL)(fd, 'status'), 'utf8'))?.[1];
        const ours = uids
            ?.trim()
            .split(/\s+/)
            .every((uid) => Number(uid) === me) ?? false;
        if (!ours)
            return undefined;
        return node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync((0,_platform_open_dirs_js__WEBPACK_IMPORTED_MODULE_5__/* .inOpenDir */ .XL)(fd, 'cmdline'), 'utf8').split('\0').slice(0, -1);
    }
    catch {
        return undefined; // gone meanwhile, or not ours to read
    }
    finally {
        node_fs__WEBPACK_IMPORTED_MODULE_0__.closeSync(fd);
    }
}
/** The mount table, or none where /proc is hidden (then no sshfs mount is recognised). */
function readMounts() {
    let table;
    try {
        table = node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync('/proc/self/mountinfo', 'utf8');
    }
    catch {
        return [];
    }
    return table.split('\n').flatMap((line) => {
        const fields = line.split(' ');
        const dash = fields.indexOf('-');
        if (dash < 0)
            return [];
        const point = unescapeMountField(fields[4]);
        return [
            {
                point,
                type: fields[dash + 1],
                source: unescapeMountField(fields[dash + 2]),
                options: fields[dash + 3] ?? '',
            },
        ];
    });
}
/** The innermost mount holding `file`, when it is sshfs. */
function sshfsMountOf(mounts, file) {
    let best;
    for (const mount of mounts) {
        const prefix = mount.point.endsWith('/') ? mount.point : `${mount.point}/`;
        if (file !== mount.point && !file.startsWith(prefix))
            continue;
        if (best === undefined || mount.point.length >= best.point.length)
            best = mount;
    }
    if (best?.type !== 'fuse.sshfs')
        return undefined;
    const uid = /(?:^|,)user_id=(\d+)/.exec(best.options)?.[1];
    return {
        mountPoint: best.point,
        uid: uid === undefined ? undefined : Number(uid),
        source: best.source,
        serverPath: serverPathOf(best.source),
    };
}
function serverPathOf(source) {
    const rest = source.startsWith('[') ? source.slice(source.indexOf(']') + 1) : source;
    const dir = rest.slice(rest.indexOf(':') + 1);
    return dir.startsWith('/') ? node_path__WEBPACK_IMPORTED_MODULE_2__.posix.normalize(dir) : undefined;
}
/** mountinfo writes space, tab, newline and backslash as octal escapes. */
function unescapeMountField(field) {
    return field.replace(/\\([0-7]{3})/g, (_, octal) => String.fromCharCode(parseInt(octal, 8)));
}
/**
 * Whether the sshfs serving `mount` emulates rename (`-o workaround=rename`, or `all`): it then
 * moves the destination aside first, and the link is missing for a moment at every switch.
 * Undefined when its options cannot be seen.
 */
function emulatesRename(mount) {
    const args = servingArguments(mount);
    if (args === undefined)
        return undefined;
    const options = args.flatMap((arg, index) => arg.startsWith('-o') ? [arg.length > 2 ? arg.slice(2) : (args[index + 1] ?? '')] : []);
    let emulates = false;
    for (const option of options.flatMap((list) => list.split(','))) {
        const match = /^workaround=(.*)$/.exec(option);
        if (!match)
            continue;
        for (const word of match[1].split(':')) {
            if (word === 'rename' || word === 'all')
                emulates = true;
            if (word === 'norename' || word === 'none')
                emulates = false;
        }
    }
    return emulates;
}


/***/ }),

/***/ 8330:
/***/ ((module) => {

module.exports = {"rE":"1.0.0"};

/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId](module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/******/ // expose the modules object (__webpack_modules__)
/******/ __nccwpck_require__.m = __webpack_modules__;
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', __atomicLinkUrl).pathname).slice(__atomicLinkUrl.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/async module */
/******/ (() => {
/******/ 	var webpackQueues = typeof Symbol === "function" ? Symbol("webpack queues") : "__webpack_queues__";
/******/ 	var webpackExports = typeof Symbol === "function" ? Symbol("webpack exports") : "__webpack_exports__";
/******/ 	var webpackError = typeof Symbol === "function" ? Symbol("webpack error") : "__webpack_error__";
/******/ 	var resolveQueue = (queue) => {
/******/ 		if(queue && queue.d < 1) {
/******/ 			queue.d = 1;
/******/ 			queue.forEach((fn) => (fn.r--));
/******/ 			queue.forEach((fn) => (fn.r-- ? fn.r++ : fn()));
/******/ 		}
/******/ 	}
/******/ 	var wrapDeps = (deps) => (deps.map((dep) => {
/******/ 		if(dep !== null && typeof dep === "object") {
/******/ 			if(dep[webpackQueues]) return dep;
/******/ 			if(dep.then) {
/******/ 				var queue = [];
/******/ 				queue.d = 0;
/******/ 				dep.then((r) => {
/******/ 					obj[webpackExports] = r;
/******/ 					resolveQueue(queue);
/******/ 				}, (e) => {
/******/ 					obj[webpackError] = e;
/******/ 					resolveQueue(queue);
/******/ 				});
/******/ 				var obj = {};
/******/ 				obj[webpackQueues] = (fn) => (fn(queue));
/******/ 				return obj;
/******/ 			}
/******/ 		}
/******/ 		var ret = {};
/******/ 		ret[webpackQueues] = x => {};
/******/ 		ret[webpackExports] = dep;
/******/ 		return ret;
/******/ 	}));
/******/ 	__nccwpck_require__.a = (module, body, hasAwait) => {
/******/ 		var queue;
/******/ 		hasAwait && ((queue = []).d = -1);
/******/ 		var depQueues = new Set();
/******/ 		var exports = module.exports;
/******/ 		var currentDeps;
/******/ 		var outerResolve;
/******/ 		var reject;
/******/ 		var promise = new Promise((resolve, rej) => {
/******/ 			reject = rej;
/******/ 			outerResolve = resolve;
/******/ 		});
/******/ 		promise[webpackExports] = exports;
/******/ 		promise[webpackQueues] = (fn) => (queue && fn(queue), depQueues.forEach(fn), promise["catch"](x => {}));
/******/ 		module.exports = promise;
/******/ 		body((deps) => {
/******/ 			currentDeps = wrapDeps(deps);
/******/ 			var fn;
/******/ 			var getResult = () => (currentDeps.map((d) => {
/******/ 				if(d[webpackError]) throw d[webpackError];
/******/ 				return d[webpackExports];
/******/ 			}))
/******/ 			var promise = new Promise((resolve) => {
/******/ 				fn = () => (resolve(getResult));
/******/ 				fn.r = 0;
/******/ 				var fnQueue = (q) => (q !== queue && !depQueues.has(q) && (depQueues.add(q), q && !q.d && (fn.r++, q.push(fn))));
/******/ 				currentDeps.map((dep) => (dep[webpackQueues](fnQueue)));
/******/ 			});
/******/ 			return fn.r ? promise : getResult();
/******/ 		}, (err) => ((err ? reject(promise[webpackError] = err) : outerResolve(exports)), resolveQueue(queue)));
/******/ 		queue && queue.d < 0 && (queue.d = 0);
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/create fake namespace object */
/******/ (() => {
/******/ 	var getProto = Object.getPrototypeOf ? (obj) => (Object.getPrototypeOf(obj)) : (obj) => (obj.__proto__);
/******/ 	var leafPrototypes;
/******/ 	// create a fake namespace object
/******/ 	// mode & 1: value is a module id, require it
/******/ 	// mode & 2: merge all properties of value into the ns
/******/ 	// mode & 4: return value when already ns object
/******/ 	// mode & 16: return value when it's Promise-like
/******/ 	// mode & 8|1: behave like require
/******/ 	__nccwpck_require__.t = function(value, mode) {
/******/ 		if(mode & 1) value = this(value);
/******/ 		if(mode & 8) return value;
/******/ 		if(typeof value === 'object' && value) {
/******/ 			if((mode & 4) && value.__esModule) return value;
/******/ 			if((mode & 16) && typeof value.then === 'function') return value;
/******/ 		}
/******/ 		var ns = Object.create(null);
/******/ 		__nccwpck_require__.r(ns);
/******/ 		var def = {};
/******/ 		leafPrototypes = leafPrototypes || [null, getProto({}), getProto([]), getProto(getProto)];
/******/ 		for(var current = mode & 2 && value; typeof current == 'object' && !~leafPrototypes.indexOf(current); current = getProto(current)) {
/******/ 			Object.getOwnPropertyNames(current).forEach((key) => (def[key] = () => (value[key])));
/******/ 		}
/******/ 		def['default'] = () => (value);
/******/ 		__nccwpck_require__.d(ns, def);
/******/ 		return ns;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/ensure chunk */
/******/ (() => {
/******/ 	__nccwpck_require__.f = {};
/******/ 	// This file contains only the entry chunk.
/******/ 	// The chunk loading function for additional chunks
/******/ 	__nccwpck_require__.e = (chunkId) => {
/******/ 		return Promise.all(Object.keys(__nccwpck_require__.f).reduce((promises, key) => {
/******/ 			__nccwpck_require__.f[key](chunkId, promises);
/******/ 			return promises;
/******/ 		}, []));
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/get javascript chunk filename */
/******/ (() => {
/******/ 	// This function allow to reference async chunks
/******/ 	__nccwpck_require__.u = (chunkId) => {
/******/ 		// return url for filenames based on template
/******/ 		return "" + chunkId + ".cli.js";
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/******/ /* webpack/runtime/make namespace object */
/******/ (() => {
/******/ 	// define __esModule on exports
/******/ 	__nccwpck_require__.r = (exports) => {
/******/ 		if(typeof Symbol !== 'undefined' && Symbol.toStringTag) {
/******/ 			Object.defineProperty(exports, Symbol.toStringTag, { value: 'Module' });
/******/ 		}
/******/ 		Object.defineProperty(exports, '__esModule', { value: true });
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/import chunk loading */
/******/ (() => {
/******/ 	// no baseURI
/******/ 	
/******/ 	// object to store loaded and loading chunks
/******/ 	// undefined = chunk not loaded, null = chunk preloaded/prefetched
/******/ 	// [resolve, Promise] = chunk loading, 0 = chunk loaded
/******/ 	var installedChunks = {
/******/ 		792: 0
/******/ 	};
/******/ 	
/******/ 	var installChunk = (data) => {
/******/ 		var {ids, modules, runtime} = data;
/******/ 		// add "modules" to the modules object,
/******/ 		// then flag all "ids" as loaded and fire callback
/******/ 		var moduleId, chunkId, i = 0;
/******/ 		for(moduleId in modules) {
/******/ 			if(__nccwpck_require__.o(modules, moduleId)) {
/******/ 				__nccwpck_require__.m[moduleId] = modules[moduleId];
/******/ 			}
/******/ 		}
/******/ 		if(runtime) runtime(__nccwpck_require__);
/******/ 		for(;i < ids.length; i++) {
/******/ 			chunkId = ids[i];
/******/ 			if(__nccwpck_require__.o(installedChunks, chunkId) && installedChunks[chunkId]) {
/******/ 				installedChunks[chunkId][0]();
/******/ 			}
/******/ 			installedChunks[ids[i]] = 0;
/******/ 		}
/******/ 	
/******/ 	}
/******/ 	
/******/ 	__nccwpck_require__.f.j = (chunkId, promises) => {
/******/ 			// import() chunk loading for javascript
/******/ 			var installedChunkData = __nccwpck_require__.o(installedChunks, chunkId) ? installedChunks[chunkId] : undefined;
/******/ 			if(installedChunkData !== 0) { // 0 means "already installed".
/******/ 	
/******/ 				// a Promise means "currently loading".
/******/ 				if(installedChunkData) {
/******/ 					promises.push(installedChunkData[1]);
/******/ 				} else {
/******/ 					if(true) { // all chunks have JS
/******/ 						// setup Promise in chunk cache
/******/ 						var promise = __atomicLinkImport("./" + __nccwpck_require__.u(chunkId)).then(installChunk, (e) => {
/******/ 							if(installedChunks[chunkId] !== 0) installedChunks[chunkId] = undefined;
/******/ 							throw e;
/******/ 						});
/******/ 						var promise = Promise.race([promise, new Promise((resolve) => (installedChunkData = installedChunks[chunkId] = [resolve]))])
/******/ 						promises.push(installedChunkData[1] = promise);
/******/ 					}
/******/ 				}
/******/ 			}
/******/ 	};
/******/ 	
/******/ 	// no prefetching
/******/ 	
/******/ 	// no preloaded
/******/ 	
/******/ 	// no external install chunk
/******/ 	
/******/ 	// no on chunks loaded
/******/ })();
/******/ 
/************************************************************************/
/******/ 
/******/ // startup
/******/ // Load entry module and return exports
/******/ // This entry module used 'module' so it can't be inlined
/******/ var __webpack_exports__ = __nccwpck_require__(9069);
/******/ __webpack_exports__ = await __webpack_exports__;
/******/ 

})