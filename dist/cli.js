#!/usr/bin/env node
import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 69:
/***/ ((__webpack_module__, __unused_webpack___webpack_exports__, __nccwpck_require__) => {

__nccwpck_require__.a(__webpack_module__, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony import */ var _cli_main_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(319);

process.exitCode = await (0,_cli_main_js__WEBPACK_IMPORTED_MODULE_0__/* .run */ .e)(process.argv.slice(2));

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 319:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  e: () => (/* binding */ run)
});

;// CONCATENATED MODULE: external "node:fs"
const external_node_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");
;// CONCATENATED MODULE: external "node:os"
const external_node_os_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");
;// CONCATENATED MODULE: external "node:path"
const external_node_path_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");
;// CONCATENATED MODULE: ./lib/engine/errors.js
/**
 * Every failure the engine reports carries the exit code the CLI and the action use, so that
 * callers never have to guess from a message what kind of failure they are looking at.
 */
class AtomicLinkError extends Error {
    exitCode;
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
/** The update failed; every link is as it was, or was switched back (exit 1). */
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

;// CONCATENATED MODULE: external "node:crypto"
const external_node_crypto_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");
;// CONCATENATED MODULE: ./lib/engine/temp-names.js





/**
 * Temporary names start with this prefix, then the host and pid of the run that made them,
 * so that a later run can tell a dead run's leftovers from a live run's names.
 */
const PREFIX = '.atomic-link-tmp-';
const HOST = external_node_os_namespaceObject.hostname().replace(/[^A-Za-z0-9]/g, '') || 'host';
const LEFTOVER = /^\.atomic-link-tmp-([A-Za-z0-9]+)-(\d+)-/;
/**
 * Names for new links, made in the links' own directory and renamed over their destination.
 *
 * Why the same directory and not a private 0700 subdirectory (google/renameio's scheme):
 * - It is as safe. The race raised against "create under a temporary name, then rename" is
 *   someone replacing the temporary link before the rename. Only someone allowed to remove or
 *   rename entries of this directory can, and they can replace the destination itself just as
 *   well; in a sticky directory (+t) nobody but us, the directory's owner and root can touch
 *   our entry at all. A name planted in advance is never adopted either: symlink() and link()
 *   fail with EEXIST on an existing name, and a fresh, unpredictable name is tried instead.
 * - It costs nothing more than the rename itself: no directory to make and remove in every
 *   directory of links (two more round trips each over sshfs), and each rename stays inside
 *   one directory, where a rename between two directories also takes the filesystem-wide
 *   rename lock. (A first measurement that found symlink() slower in a fresh subdirectory did
 *   not hold up: on ext4 without a journal, the cost of a new inode depends on how many were
 *   freed in its block group in the last minutes, in either directory.)
 */
class TempNames {
    dir;
    prefix;
    count = 0;
    /** Names that may outlive the call that made them: removed by removeKept(). */
    kept = new Set();
    constructor(dir) {
        this.dir = dir;
        const token = (0,external_node_crypto_namespaceObject.randomBytes)(6).toString('hex');
        this.prefix = external_node_path_namespaceObject.join(dir, `${PREFIX}${HOST}-${process.pid}-${token}-`);
    }
    /** A fresh name; names are never reused within a run. */
    next() {
        return this.prefix + String(this.count++);
    }
    /** A fresh name that the run keeps (a scratch link, a file kept for rollback) until the end. */
    keep() {
        const name = this.next();
        this.kept.add(name);
        return name;
    }
    removeKept() {
        for (const name of this.kept)
            external_node_fs_namespaceObject.rmSync(name, { force: true });
        this.kept.clear();
    }
}
/**
 * Removes temporary names that runs killed mid-batch left in `dir`: those of a process that
 * no longer exists on this host, or older than `maxAgeMs` (they may come from another host
 * sharing the directory). Call it while holding the directory's lock, so no live locked run's
 * directory can be taken.
 */
function sweepLeftovers(dir, maxAgeMs) {
    for (const name of external_node_fs_namespaceObject.readdirSync(dir)) {
        // Most names in a directory of links are links: one cheap test passes them over.
        if (!name.startsWith(PREFIX))
            continue;
        const match = LEFTOVER.exec(name);
        if (!match)
            continue;
        const leftover = external_node_path_namespaceObject.join(dir, name);
        const deadHere = match[1] === HOST && !processExists(Number(match[2]));
        if (deadHere || isOlderThan(leftover, maxAgeMs)) {
            external_node_fs_namespaceObject.rmSync(leftover, { recursive: true, force: true });
        }
    }
}
function isOlderThan(file, ageMs) {
    const stats = external_node_fs_namespaceObject.lstatSync(file, { throwIfNoEntry: false });
    return stats !== undefined && Date.now() - stats.mtimeMs > ageMs;
}
function processExists(pid) {
    if (pid === process.pid)
        return true;
    try {
        process.kill(pid, 0);
        return true;
    }
    catch (error) {
        // EPERM: it exists but belongs to someone else.
        return errnoCode(error) === 'EPERM';
    }
}

;// CONCATENATED MODULE: ./lib/engine/dir-lock.js





const LOCK_NAME = '.atomic-link.lock';
const POLL_MS = 50;
/**
 * An exclusive lock on one directory, so that two runs never interleave their batches there.
 * It is a file created with O_EXCL next to the links: that works on every filesystem the
 * engine supports, sshfs included, where flock() does not reach the server.
 */
class DirLock {
    file;
    constructor(file) {
        this.file = file;
    }
    /**
     * Waits for the lock. A lock is stale, and is broken, when its holder is gone from this host
     * or it has not been refreshed for `timeoutMs`; a holder refreshes it during long batches.
     */
    static acquire(dir, timeoutMs) {
        const file = external_node_path_namespaceObject.join(dir, LOCK_NAME);
        const me = { pid: process.pid, host: external_node_os_namespaceObject.hostname(), since: new Date().toISOString() };
        const deadline = Date.now() + timeoutMs;
        for (;;) {
            try {
                external_node_fs_namespaceObject.writeFileSync(file, JSON.stringify(me) + '\n', { flag: 'wx', mode: 0o644 });
                return new DirLock(file);
            }
            catch (error) {
                if (errnoCode(error) !== 'EEXIST') {
                    throw new UpdateError(`cannot create lock ${file}: ${describeError(error)}`);
                }
            }
            const holder = readHolder(file);
            if (holder === undefined)
                continue; // released between our create and read
            if (isStale(file, holder, timeoutMs)) {
                breakLock(file, holder);
                continue;
            }
            if (Date.now() >= deadline) {
                throw new UpdateError(`${dir} is locked by pid ${holder.pid} on ${holder.host} since ${holder.since} ` +
                    `(${file}); waited ${Math.round(timeoutMs / 1000)} s`);
            }
            sleep(POLL_MS);
        }
    }
    /** Tells waiting runs that this holder is alive, during batches longer than the timeout. */
    refresh() {
        const now = new Date();
        external_node_fs_namespaceObject.utimesSync(this.file, now, now);
    }
    release() {
        external_node_fs_namespaceObject.rmSync(this.file, { force: true });
    }
}
function readHolder(file) {
    try {
        return JSON.parse(external_node_fs_namespaceObject.readFileSync(file, 'utf8'));
    }
    catch (error) {
        if (errnoCode(error) === 'ENOENT')
            return undefined;
        // A holder killed between create and write leaves an empty file: treat as unknown holder.
        return { pid: 0, host: '', since: 'unknown' };
    }
}
function isStale(file, holder, timeoutMs) {
    if (holder.host === external_node_os_namespaceObject.hostname() && holder.pid > 0 && !processExists(holder.pid))
        return true;
    const stats = external_node_fs_namespaceObject.statSync(file, { throwIfNoEntry: false });
    return stats !== undefined && Date.now() - stats.mtimeMs > timeoutMs;
}
/**
 * Moves the stale lock to a name of our own before looking at it again: of two runs breaking
 * the same stale lock, the second either fails the rename (ENOENT) or finds that it moved a
 * fresh lock, which it puts back with link(), an exclusive create that never clobbers.
 */
function breakLock(file, stale) {
    const aside = `${file}.stale-${process.pid}-${Date.now()}`;
    try {
        external_node_fs_namespaceObject.renameSync(file, aside);
    }
    catch (error) {
        if (errnoCode(error) === 'ENOENT')
            return;
        throw error;
    }
    const moved = readHolder(aside);
    if (moved && (moved.pid !== stale.pid || moved.since !== stale.since)) {
        try {
            external_node_fs_namespaceObject.linkSync(aside, file);
        }
        catch (error) {
            if (errnoCode(error) !== 'EEXIST')
                throw error;
        }
    }
    external_node_fs_namespaceObject.rmSync(aside, { force: true });
}
const sleeper = new Int32Array(new SharedArrayBuffer(4));
function sleep(ms) {
    Atomics.wait(sleeper, 0, 0, ms);
}

;// CONCATENATED MODULE: external "node:worker_threads"
const external_node_worker_threads_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:worker_threads");
;// CONCATENATED MODULE: ./lib/engine/guard-protocol.js
/** Slots of the Int32Array over the shared control buffer. */
const STOP = 0; // set to 1 by the main thread: report and exit
const LOOKING = 1; // set to 1 by the worker once it is looking
const HOT = 2; // index of the path being switched right now
const LOOKUPS = 3; // lookups made so far, kept by the worker
const MISSES = 4; // lookups that found a link missing so far
const CONTROL_SLOTS = 5;

;// CONCATENATED MODULE: ./lib/engine/guard.js


/**
 * Watches links from a worker thread while the main thread switches them. It has to run in
 * parallel: lookups made between two synchronous renames on the same thread could never see
 * a gap. Every lookup that finds a name missing is counted.
 *
 * The thread is started first and given its links later, so that its start-up overlaps the
 * checks the main thread makes before any switch.
 */
class Guard {
    flags = new Int32Array(new SharedArrayBuffer(CONTROL_SLOTS * 4));
    worker;
    result;
    paths = [];
    constructor() {
        this.worker = new external_node_worker_threads_namespaceObject.Worker(__nccwpck_require__.ab + "guard-worker.cjs", {
            workerData: this.flags.buffer,
        });
        this.result = new Promise((resolve, reject) => {
            this.worker.once('message', resolve);
            this.worker.once('error', reject);
            this.worker.once('exit', (code) => reject(new Error(`the guard stopped early (${code})`)));
        });
        // A failed guard fails the run where it is awaited, in watch() or stop().
        this.result.catch(() => undefined);
    }
    /** Starts looking at `paths`; resolves once the worker is looking. */
    async watch(paths) {
        this.paths = paths;
        const message = { paths };
        this.worker.postMessage(message);
        const looking = Atomics.waitAsync(this.flags, LOOKING, 0);
        // Racing the result rethrows a worker that died before it began looking.
        if (looking.async)
            await Promise.race([looking.value, this.result]);
    }
    /** Tells the guard which path (an index into the watched paths) is being switched now. */
    switching(index) {
        Atomics.store(this.flags, HOT, index);
    }
    /** What the guard has seen so far, while it is still looking. */
    soFar() {
        return {
            lookups: Atomics.load(this.flags, LOOKUPS),
            missing: Atomics.load(this.flags, MISSES),
        };
    }
    /** Stops looking and reports what was seen, in the paths' own terms. */
    async stop() {
        Atomics.store(this.flags, STOP, 1);
        const result = await this.result;
        await this.worker.terminate();
        return {
            lookups: result.lookups,
            blind: result.blind,
            missing: result.misses.reduce((sum, miss) => sum + miss.count, 0),
            sightings: result.misses.map(({ index, count, firstMs, lastMs }) => ({
                link: this.paths[index],
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
        throw new UsageError(`${origin}: ${quote(text)} must be 'LINK -> TARGET' (symbolic) or 'LINK => TARGET' (hard)` +
            (another ? ', with one arrow' : ''));
    }
    const link = text.slice(0, arrow.index).trim();
    const target = text.slice(arrow.index + arrow[0].length).trim();
    return checkSpec({ link, target, type: ARROWS[arrow[1]], origin });
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
        throw new UsageError(`${source}: not valid JSON: ${error.message}`);
    }
    if (!Array.isArray(items))
        throw new UsageError(`${source}: the JSON must be an array`);
    return items.flatMap((item, index) => {
        const origin = `${source} item ${index + 1}`;
        if (typeof item !== 'object' || item === null || Array.isArray(item)) {
            throw new UsageError(`${origin}: must be an object with "link" and "target", or "into"`);
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
        throw new UsageError(`${origin}: "targets" must be a non-empty array of paths`);
    }
    const type = typeField(record, origin);
    const relative = booleanField(record, 'relative', origin);
    return targets.map((target, index) => {
        const where = `${origin} target ${index + 1}`;
        if (typeof target !== 'string')
            throw new UsageError(`${where}: must be a string`);
        return checkSpec({ link: linkInto(into, target), target, type, relative, origin: where });
    });
}
/** The link `ln TARGET DIR` makes: DIR/basename(TARGET). */
function linkInto(dir, target) {
    return external_node_path_namespaceObject.join(dir, external_node_path_namespaceObject.basename(target));
}
/** Rejects names no filesystem call should ever see. */
function checkSpec(spec) {
    checkName(spec.link, 'LINK', spec.origin);
    checkName(spec.target, 'TARGET', spec.origin);
    if (spec.expect !== undefined)
        checkName(spec.expect, 'expect', spec.origin);
    if (spec.backup !== undefined) {
        checkName(spec.backup, 'backup suffix', spec.origin);
        if (spec.backup.includes('/')) {
            throw new UsageError(`${spec.origin}: backup suffix ${quote(spec.backup)} contains '/'`);
        }
    }
    if (spec.link.endsWith('/')) {
        throw new UsageError(`${spec.origin}: LINK ${quote(spec.link)} ends with '/', which would follow the link into its target`);
    }
    return spec;
}
function checkName(value, what, origin) {
    if (value === '')
        throw new UsageError(`${origin}: ${what} is empty`);
    if (value.includes('\0'))
        throw new UsageError(`${origin}: ${what} contains a NUL byte`);
    if (/[\r\n]/.test(value)) {
        throw new UsageError(`${origin}: ${what} ${quote(value)} contains a line break`);
    }
}
function checkKeys(record, allowed, origin) {
    const unknown = Object.keys(record).filter((key) => !allowed.has(key));
    if (unknown.length > 0) {
        throw new UsageError(`${origin}: unknown field ${unknown.map((k) => JSON.stringify(k)).join(', ')}`);
    }
}
function stringField(record, key, origin, required) {
    const value = record[key];
    if (value === undefined && !required)
        return undefined;
    if (typeof value !== 'string') {
        throw new UsageError(`${origin}: "${key}" must be a string`);
    }
    return value;
}
function booleanField(record, key, origin) {
    const value = record[key] ?? false;
    if (typeof value !== 'boolean')
        throw new UsageError(`${origin}: "${key}" must be true or false`);
    return value;
}
function typeField(record, origin) {
    const value = record.type ?? 'symbolic';
    if (value !== 'symbolic' && value !== 'hard') {
        throw new UsageError(`${origin}: "type" must be "symbolic" or "hard"`);
    }
    return value;
}
/** Quotes a name for a message so that spaces and control characters stay visible. */
function quote(text) {
    return JSON.stringify(text);
}

;// CONCATENATED MODULE: ./lib/engine/prefetch.js

// The lookups below run on libuv's thread pool, 4 threads unless this is set before its first
// use: 4 requests in flight would leave most of the round trip time unused.
process.env.UV_THREADPOOL_SIZE ??= '32';
const IN_FLIGHT = 32;
/**
 * Answers to readlink and access fetched ahead, many at once. Over sshfs every lookup is a
 * round trip to the server, and inspecting links one after another costs two round trips per
 * link in turn; sshfs pipelines concurrent requests, so asking for all of them together takes
 * a fraction of that. inspect() reads the answers instead of asking again.
 */
class Prefetched {
    links = new Map();
    targets = new Map();
    static async fetch(links, targets) {
        const fetched = new Prefetched();
        const jobs = [
            ...links.map((file) => () => settle(external_node_fs_namespaceObject.promises.readlink(file), fetched.links, file)),
            ...targets.map((file) => () => settle(external_node_fs_namespaceObject.promises.access(file), fetched.targets, file)),
        ];
        let next = 0;
        const worker = async () => {
            while (next < jobs.length)
                await jobs[next++]();
        };
        await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, jobs.length) }, worker));
        return fetched;
    }
    /** readlinkSync(file), answered from what was fetched when it was. */
    readlink(file) {
        const answer = this.links.get(file);
        if (answer === undefined)
            return external_node_fs_namespaceObject.readlinkSync(file);
        if ('error' in answer)
            throw answer.error;
        return answer.value;
    }
    /** accessSync(file), answered from what was fetched when it was. */
    access(file) {
        const answer = this.targets.get(file);
        if (answer === undefined)
            return external_node_fs_namespaceObject.accessSync(file);
        if ('error' in answer)
            throw answer.error;
    }
}
async function settle(call, into, file) {
    try {
        into.set(file, { value: String(await call) });
    }
    catch (error) {
        into.set(file, { error });
    }
}

;// CONCATENATED MODULE: ./lib/engine/plan.js





/**
 * Resolves every link path, reading nothing but the links' parent directories, so that locks
 * can be taken on the real directories before the links' state is read.
 */
function placeSpecs(specs, options) {
    const root = options.root === undefined ? undefined : realRoot(options.root);
    // Batches put many links in few directories: each directory is resolved and checked once,
    // keyed by how the specs spell it.
    const places = new Map();
    return specs.map((spec) => {
        const slash = spec.link.lastIndexOf('/');
        const name = spec.link.slice(slash + 1);
        if (name === '.' || name === '..') {
            throw new UsageError(`${spec.origin}: LINK ${quote(spec.link)} does not name a link`);
        }
        const spelled = slash < 0 ? '.' : spec.link.slice(0, slash) || '/';
        let place = places.get(spelled);
        if (place === undefined) {
            const dir = external_node_path_namespaceObject.resolve(options.cwd, spelled);
            place = { dir, realDir: realDirectory(dir, spec) };
            if (root !== undefined)
                checkInside(root, dir, place.realDir, spec);
            places.set(spelled, place);
        }
        const file = place.realDir === '/' ? `/${name}` : `${place.realDir}/${name}`;
        return { spec, dir: place.dir, realDir: place.realDir, path: file };
    });
}
function realDirectory(dir, spec) {
    try {
        const real = external_node_fs_namespaceObject.realpathSync(dir);
        if (!external_node_fs_namespaceObject.statSync(real).isDirectory())
            throw Object.assign(new Error(), { code: 'ENOTDIR' });
        return real;
    }
    catch (error) {
        const code = errnoCode(error);
        const reason = code === 'ENOENT'
            ? 'does not exist'
            : code === 'ENOTDIR'
                ? 'is not a directory'
                : `is not usable: ${describeError(error)}`;
        throw new UsageError(`${spec.origin}: the directory of LINK ${quote(spec.link)}, ${dir}, ${reason}`);
    }
}
function realRoot(root) {
    try {
        return external_node_fs_namespaceObject.realpathSync(root);
    }
    catch (error) {
        throw new UsageError(`working directory ${root}: ${describeError(error)}`);
    }
}
/**
 * Refuses a link whose directory leaves `root` by `..`, by an absolute path, or through a
 * symlinked parent (`lexical` and `real` are that directory as spelled and resolved).
 */
function checkInside(root, lexical, real, spec) {
    const lexicalRoot = external_node_path_namespaceObject.resolve(root);
    for (const [base, candidate] of [
        [lexicalRoot, lexical],
        [root, real],
    ]) {
        const relative = external_node_path_namespaceObject.relative(base, candidate);
        if (relative === '..' || relative.startsWith('../') || external_node_path_namespaceObject.isAbsolute(relative)) {
            throw new UsageError(`${spec.origin}: LINK ${quote(spec.link)} is outside the working directory ${lexicalRoot}`);
        }
    }
}
/**
 * Reads each link's current state and checks the spec against it, refusing anything that
 * would lose data. Call it under the directories' locks: --expect is a compare-and-swap.
 * Backups come out as operations of their own, placed before the link they keep.
 */
async function inspect(placed, options, views) {
    const known = await prefetchRemote(placed, options, views);
    const operations = [];
    for (const item of placed) {
        const operation = inspectOne(item, options, views, known);
        const backup = item.spec.backup;
        if (backup !== undefined && operation.changed && operation.prior.kind !== 'none') {
            operations.push(backupOperation(operation, backup, options, views, known));
        }
        operations.push(operation);
    }
    refuseDuplicates(operations);
    return operations;
}
/**
 * On sshfs, the readlink and access calls that inspectOne() will make, fetched ahead all at
 * once; on local disks each call is cheap, and is made when needed.
 */
async function prefetchRemote(placed, options, views) {
    const remote = placed.filter((item) => views.mountOf(item.path) !== undefined);
    const targets = remote.flatMap((item) => {
        if (item.spec.type !== 'symbolic' || options.allowDangling)
            return [];
        const here = targetHere(item.path, item.realDir, symlinkContent(item), views);
        return here === undefined ? [] : [here];
    });
    return Prefetched.fetch(remote.map((item) => item.path), targets);
}
function symlinkContent(item) {
    return item.spec.relative ? relativeTarget(item.dir, item.spec.target) : item.spec.target;
}
function inspectOne(item, options, views, known) {
    const { spec } = item;
    const prior = readPrior(item.path, spec.link, spec.origin, views, known);
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
    };
    if (spec.type === 'symbolic') {
        operation.content = symlinkContent(item);
        operation.target = operation.content;
        checkSymlinkTarget(operation, options, views, known);
        operation.changed = !(prior.kind === 'symlink' && prior.text === operation.content);
    }
    else {
        operation.content = external_node_path_namespaceObject.resolve(item.realDir, spec.target);
        const target = checkHardTarget(operation);
        operation.changed = !(prior.kind === 'file' && sameInode(prior, target));
    }
    if (operation.changed)
        checkReplaceable(operation, options);
    if (spec.expect !== undefined)
        checkExpected(operation, spec.expect);
    return operation;
}
function readPrior(file, link, origin, views, known) {
    // readlink first: for the common case, an existing symlink, it is the only call needed.
    try {
        return { kind: 'symlink', text: known.readlink(file) };
    }
    catch (error) {
        const code = errnoCode(error);
        if (code === 'ENOENT')
            return { kind: 'none' };
        // Debian's sshfs will not read back absolute or `..` texts (contain_symlinks).
        if (code === 'EPERM' && views.mountOf(file)) {
            return { kind: 'symlink', text: external_node_fs_namespaceObject.readlinkSync(views.viewOf(file)) };
        }
        if (code !== 'EINVAL') {
            throw new UsageError(`${origin}: cannot read LINK ${quote(link)}: ${describeError(error)}`);
        }
    }
    const stats = external_node_fs_namespaceObject.lstatSync(file);
    if (stats.isDirectory()) {
        throw new UsageError(`${origin}: LINK ${quote(link)} is a real directory; rename cannot replace a directory ` +
            `and its contents would be lost. Move it away first (this is never done for you)`);
    }
    if (!stats.isFile()) {
        throw new UsageError(`${origin}: LINK ${quote(link)} is not a link or regular file`);
    }
    return { kind: 'file', dev: stats.dev, ino: stats.ino };
}
/**
 * A regular file at the destination is data unless it is a hard link whose inode has another
 * name, which survives the switch. sshfs reports st_nlink 1 for everything, so hard links
 * there need --replace-files.
 */
function checkReplaceable(operation, options) {
    if (operation.prior.kind !== 'file' || options.replaceFiles)
        return;
    const stats = external_node_fs_namespaceObject.lstatSync(operation.path);
    if (operation.type === 'hard' && stats.nlink > 1)
        return;
    throw new UsageError(`${operation.origin}: LINK ${quote(operation.link)} is a regular file` +
        (operation.type === 'hard' ? ' with no other name' : '') +
        `; pass --replace-files to replace it`);
}
function relativeTarget(dir, target) {
    return external_node_path_namespaceObject.relative(dir, external_node_path_namespaceObject.resolve(dir, target)) || '.';
}
/**
 * Where the link's target is visible from here. On a local disk the kernel resolves the text
 * from the link's real directory. On sshfs the text is resolved as the server will, on the
 * server's paths, and mapped onto the mount; following links through the mount would not
 * give the server's view (and Debian's sshfs refuses absolute and `..` links there).
 * Undefined when the target lies outside the mounted directory.
 */
function targetHere(file, realDir, text, views) {
    const mount = views.mountOf(file);
    if (mount === undefined)
        return external_node_path_namespaceObject.isAbsolute(text) ? text : `${realDir}/${text}`;
    const inMount = external_node_path_namespaceObject.relative(mount.mountPoint, realDir);
    if (mount.serverPath === undefined) {
        return external_node_path_namespaceObject.isAbsolute(text)
            ? undefined
            : insideOrUndefined(mount.mountPoint, external_node_path_namespaceObject.join(inMount, text));
    }
    const serverTarget = external_node_path_namespaceObject.posix.resolve(external_node_path_namespaceObject.posix.join(mount.serverPath, inMount), text);
    return insideOrUndefined(mount.mountPoint, external_node_path_namespaceObject.posix.relative(mount.serverPath, serverTarget));
}
function insideOrUndefined(root, relative) {
    if (relative.startsWith('..') || external_node_path_namespaceObject.isAbsolute(relative))
        return undefined;
    return external_node_path_namespaceObject.join(root, relative);
}
function checkSymlinkTarget(operation, options, views, known) {
    if (options.allowDangling)
        return;
    const here = targetHere(operation.path, operation.realDir, operation.content, views);
    if (here === undefined) {
        throw new UsageError(`${operation.origin}: TARGET ${quote(operation.content)} is outside the remote path, ` +
            `so it cannot be checked; pass --allow-dangling to link it unchecked`);
    }
    try {
        // access() resolves the target as stat() would, without building a Stats object per link.
        known.access(here);
    }
    catch (error) {
        const code = errnoCode(error);
        const reason = code === 'ENOENT' || code === 'ENOTDIR' ? 'does not exist' : describeError(error);
        throw new UsageError(`${operation.origin}: TARGET ${quote(operation.content)} of LINK ${quote(operation.link)} ` +
            `${reason} (resolved from ${operation.realDir}); pass --allow-dangling to link it anyway`);
    }
}
function checkHardTarget(operation) {
    let stats;
    try {
        stats = external_node_fs_namespaceObject.lstatSync(operation.content);
    }
    catch (error) {
        throw new UsageError(`${operation.origin}: hard link TARGET ${quote(operation.target)} cannot be used: ` +
            describeError(error));
    }
    if (stats.isDirectory()) {
        throw new UsageError(`${operation.origin}: hard link TARGET ${quote(operation.target)} is a directory`);
    }
    return stats;
}
function sameInode(prior, stats) {
    return prior.dev === stats.dev && prior.ino === stats.ino;
}
/** --expect: the link must point at `expected` now, or nothing is switched (exit 1). */
function checkExpected(operation, expected) {
    const { prior, realDir } = operation;
    let matches = false;
    if (operation.type === 'symbolic' && prior.kind === 'symlink') {
        matches = external_node_path_namespaceObject.resolve(realDir, prior.text) === external_node_path_namespaceObject.resolve(realDir, expected);
    }
    else if (operation.type === 'hard' && prior.kind === 'file') {
        const stats = external_node_fs_namespaceObject.statSync(external_node_path_namespaceObject.resolve(realDir, expected), { throwIfNoEntry: false });
        matches = stats !== undefined && sameInode(prior, stats);
    }
    if (!matches) {
        const now = prior.kind === 'symlink' ? `points at ${quote(prior.text)}` : describePrior(prior);
        throw new UpdateError(`${operation.origin}: LINK ${quote(operation.link)} ${now}, not at the expected ` +
            `${quote(expected)}; nothing was changed`);
    }
}
function describePrior(prior) {
    return prior.kind === 'none' ? 'does not exist' : 'is a hard link or file';
}
/**
 * LINK+SUFFIX made to point at what LINK points at now: a symlink with the same text, or a new
 * name for the same inode. It is switched in like any link, so it is never missing either.
 */
function backupOperation(operation, suffix, options, views, known) {
    const prior = operation.prior;
    const link = operation.link + suffix;
    const file = operation.path + suffix;
    const backup = {
        origin: `${operation.origin} (backup)`,
        link,
        path: file,
        realDir: operation.realDir,
        type: prior.kind === 'symlink' ? 'symbolic' : 'hard',
        content: prior.kind === 'symlink' ? prior.text : operation.path,
        target: prior.kind === 'symlink' ? prior.text : operation.link,
        prior: readPrior(file, link, operation.origin, views, known),
        changed: true,
    };
    if (backup.type === 'symbolic' && backup.prior.kind === 'symlink') {
        backup.changed = backup.prior.text !== backup.content;
    }
    if (backup.changed)
        checkReplaceable(backup, options);
    return backup;
}
function refuseDuplicates(operations) {
    const seen = new Map();
    for (const operation of operations) {
        const earlier = seen.get(operation.path);
        if (earlier) {
            throw new UsageError(`${operation.origin}: LINK ${quote(operation.link)} is also named by ${earlier.origin}`);
        }
        seen.set(operation.path, operation);
    }
}

;// CONCATENATED MODULE: ./lib/engine/replace-link.js


/**
 * Makes `dest` a link to `content` (a symlink's text, or the path to hard-link) with a single
 * rename(2), so that no lookup of `dest` ever finds it missing: rename replaces the name in one
 * step and never follows a symlink at `dest`. `dest` is never unlinked.
 *
 * On failure the error of the failing call is thrown, `dest` is as it was (a rename happens
 * whole or not at all) and the temporary name is gone.
 */
function replaceLink(temps, type, content, dest) {
    const temp = createLink(temps, type, content);
    try {
        external_node_fs_namespaceObject.renameSync(temp, dest);
    }
    catch (error) {
        try {
            removeIfPresent(temp);
        }
        catch {
            // The rename's error is the one to report.
        }
        throw error;
    }
    // When temp and dest already name the same inode, POSIX rename succeeds without doing
    // anything and leaves temp behind; only hard links can get here (as coreutils' force-link).
    if (type === 'hard')
        removeIfPresent(temp);
}
const ATTEMPTS = 10;
/**
 * Creates the new link under a fresh temporary name and returns that name. The create is
 * itself exclusive; a name someone planted (EEXIST) is passed over for another, a few times.
 */
function createLink(temps, type, content) {
    for (let attempt = 1;; attempt++) {
        const temp = temps.next();
        try {
            if (type === 'symbolic')
                external_node_fs_namespaceObject.symlinkSync(content, temp);
            else
                external_node_fs_namespaceObject.linkSync(content, temp);
            return temp;
        }
        catch (error) {
            if (errnoCode(error) !== 'EEXIST' || attempt === ATTEMPTS)
                throw error;
        }
    }
}
function removeIfPresent(file) {
    try {
        external_node_fs_namespaceObject.unlinkSync(file);
    }
    catch (error) {
        if (errnoCode(error) !== 'ENOENT')
            throw error;
    }
}

;// CONCATENATED MODULE: ./lib/engine/probe.js




/**
 * statfs magic numbers of filesystems whose rename may not be a single atomic replace: FUSE
 * (sshfs may emulate it, workaround=rename), and network filesystems that may retry or emulate.
 */
const SUSPECT_FILESYSTEMS = new Map([
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
 * Trial swaps go on until the guard has looked often enough to have seen a gap if there is
 * one: on a busy machine a fixed handful of swaps can all fall between its lookups. They stop
 * at once when a gap is seen.
 */
const MIN_SWAPS = 20;
const MIN_LOOKUPS = 400;
const MAX_SWAPS = 500;
/** The kind of filesystem `dir` is on when it is one to probe, else undefined. */
function suspectFilesystem(dir) {
    return SUSPECT_FILESYSTEMS.get(external_node_fs_namespaceObject.statfsSync(dir).type);
}
function shouldProbe(dir, mode) {
    return mode === 'always' || (mode === 'auto' && suspectFilesystem(dir) !== undefined);
}
/**
 * Trial swaps of a scratch link in `dir`, done exactly as the real switch will be and watched
 * by a guard, before any real link is touched. A rename that will not replace an existing name
 * fails the run (exit 1); a scratch link seen missing fails it as a missing moment (exit 3).
 */
async function probeDirectory(dir, temps, views) {
    const scratch = temps.next();
    replaceLink(temps, 'symbolic', scratchTarget(0), scratch);
    try {
        const guard = new Guard();
        await guard.watch([views.viewOf(scratch)]);
        const { swaps, refused } = trialSwaps(temps, scratch, guard);
        const report = await guard.stop();
        if (report.missing > 0) {
            throw new MissingLinkError(`probe: a scratch link in ${dir} was seen missing ${report.missing} times in ` +
                `${swaps} trial swaps (${report.lookups} lookups): rename on this filesystem ` +
                `is not atomic (sshfs -o workaround=rename does this); no real link was touched`);
        }
        if (refused !== undefined)
            throw renameRefused(dir, refused);
    }
    finally {
        removeIfPresent(scratch);
    }
}
/** Swaps the scratch link while the guard looks; stops at the first failed swap. */
function trialSwaps(temps, scratch, guard) {
    for (let swap = 1;; swap++) {
        try {
            replaceLink(temps, 'symbolic', scratchTarget(swap), scratch);
        }
        catch (error) {
            return { swaps: swap, refused: error };
        }
        const seen = guard.soFar();
        const enough = swap >= MIN_SWAPS && seen.lookups >= MIN_LOOKUPS;
        if (seen.missing > 0 || enough || swap >= MAX_SWAPS)
            return { swaps: swap };
    }
}
/**
 * Texts naming the directory itself, so the scratch link is live like a real one: a plain SFTP
 * rename overwrites a dangling link but refuses a live one, and the probe must meet the refusal.
 */
function scratchTarget(swap) {
    return swap % 2 === 0 ? '.' : './';
}
function renameRefused(dir, error) {
    const code = errnoCode(error);
    const cause = code === 'EPERM' || code === 'EEXIST' || code === 'ENOTSUP' || code === 'EACCES'
        ? 'rename there will not replace an existing link; over SFTP this means the server ' +
            'lacks the posix-rename@openssh.com extension (OpenSSH has it), and replacing a link ' +
            'without it always leaves a moment with no link'
        : 'the trial rename failed';
    return new UpdateError(`probe: ${cause} (${describeError(error)} in ${dir}); no real link was touched`);
}

;// CONCATENATED MODULE: external "node:child_process"
const external_node_child_process_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:child_process");
;// CONCATENATED MODULE: ./lib/engine/sshfs-view.js





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
    mounts = readMounts();
    mountOfDir = new Map();
    // Asked for every link: where no sshfs is mounted at all, the answer needs no path work.
    anySshfs = this.mounts.some((mount) => mount.type === 'fuse.sshfs');
    /** The sshfs mount holding `file`, or undefined when it is on another filesystem. */
    mountOf(file) {
        if (!this.anySshfs)
            return undefined;
        const dir = external_node_path_namespaceObject.dirname(file);
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
        return external_node_path_namespaceObject.join(view, external_node_path_namespaceObject.relative(mount.mountPoint, file));
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
    const mountPoint = external_node_fs_namespaceObject.mkdtempSync(external_node_path_namespaceObject.join(external_node_os_namespaceObject.tmpdir(), 'atomic-link-mnt-'));
    try {
        (0,external_node_child_process_namespaceObject.execFileSync)('sshfs', args(mountPoint), {
            stdio: ['ignore', 'ignore', 'pipe'],
            timeout: 60000,
        });
    }
    catch (error) {
        external_node_fs_namespaceObject.rmdirSync(mountPoint);
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
        throw new UpdateError(`cannot watch links on the sshfs mount ${mount.mountPoint}: the sshfs process serving it ` +
            `is not visible here, so no second connection can be opened, and through the mount ` +
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
        throw new UpdateError(`cannot open a second, uncached view of the sshfs mount ${mount.mountPoint} to watch ` +
            `the switch: ${error.message}`);
    }
}
function unmountFuse(mountPoint) {
    try {
        (0,external_node_child_process_namespaceObject.execFileSync)('fusermount3', ['-u', '-z', mountPoint], { stdio: 'ignore' });
    }
    catch {
        // Already gone (its connection died) or never mounted: the directory is all that is left.
    }
    try {
        external_node_fs_namespaceObject.rmdirSync(mountPoint);
    }
    catch {
        // Still busy after a lazy unmount: an empty directory in the temp dir is all it leaves.
    }
}
/** The arguments of the sshfs process that serves `mount`, with its own mount point in them. */
function servingArguments(mount) {
    for (const pid of external_node_fs_namespaceObject.readdirSync('/proc')) {
        if (!/^\d+$/.test(pid))
            continue;
        let argv;
        try {
            argv = external_node_fs_namespaceObject.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, -1);
        }
        catch {
            continue; // gone, or not ours to read
        }
        if (external_node_path_namespaceObject.basename(argv[0] ?? '') !== 'sshfs')
            continue;
        const args = argv.slice(1);
        if (args.includes(mount.source) && args.includes(mount.mountPoint))
            return args;
    }
    return undefined;
}
function readMounts() {
    return external_node_fs_namespaceObject.readFileSync('/proc/self/mountinfo', 'utf8')
        .split('\n')
        .flatMap((line) => {
        const fields = line.split(' ');
        const dash = fields.indexOf('-');
        if (dash < 0)
            return [];
        const point = unescapeMountField(fields[4]);
        return [{ point, type: fields[dash + 1], source: unescapeMountField(fields[dash + 2]) }];
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
    return { mountPoint: best.point, source: best.source, serverPath: serverPathOf(best.source) };
}
function serverPathOf(source) {
    const rest = source.startsWith('[') ? source.slice(source.indexOf(']') + 1) : source;
    const dir = rest.slice(rest.indexOf(':') + 1);
    return dir.startsWith('/') ? external_node_path_namespaceObject.posix.normalize(dir) : undefined;
}
/** mountinfo writes space, tab, newline and backslash as octal escapes. */
function unescapeMountField(field) {
    return field.replace(/\\([0-7]{3})/g, (_, octal) => String.fromCharCode(parseInt(octal, 8)));
}

;// CONCATENATED MODULE: ./lib/engine/switch-links.js









const PROGRESS_EVERY_MS = 1000;
/**
 * Switches every link of the batch, or none: all specs are checked before anything is touched,
 * and a switch that fails midway switches back the links already switched. Each switch is one
 * rename, watched by the guard; a link seen missing fails the run after the switch.
 */
async function switchLinks(specs, options) {
    const placed = placeSpecs(specs, options);
    const views = new SshfsViews();
    try {
        if (options.dryRun) {
            const operations = await inspect(placed, options, views);
            return { results: operations.map(toResult), probed: [], dryRun: true };
        }
        return await switchPlaced(placed, options, views);
    }
    finally {
        views.close();
    }
}
async function switchPlaced(placed, options, views) {
    // Started first, so that the thread boots while the locks are taken and the links read.
    const guard = options.guard === false ? undefined : new Guard();
    const dirs = [...new Set(placed.map((item) => item.realDir))].sort();
    const timeoutMs = (options.lockTimeoutSeconds ?? 60) * 1000;
    const locks = [];
    const temps = new Map();
    let watching = false;
    try {
        // Sorted, so two runs over overlapping directories cannot deadlock.
        if (options.lock !== false)
            for (const dir of dirs)
                locks.push(DirLock.acquire(dir, timeoutMs));
        for (const dir of dirs)
            sweepLeftovers(dir, timeoutMs);
        const operations = await inspect(placed, options, views);
        const pending = operations.filter((operation) => operation.changed);
        for (const operation of pending) {
            if (!temps.has(operation.realDir))
                temps.set(operation.realDir, new TempNames(operation.realDir));
        }
        const probed = [...temps.keys()].filter((dir) => shouldProbe(dir, options.probe ?? 'auto'));
        for (const dir of probed)
            await probeDirectory(dir, temps.get(dir), views);
        // Links that exist now are the ones that must never be missing. Where they are on sshfs,
        // the guard looks through an uncached second view.
        const watchedPaths = [];
        // Per pending operation, its index among the watched paths, or -1.
        const watchSlots = new Int32Array(pending.length).fill(-1);
        pending.forEach((operation, index) => {
            if (operation.prior.kind === 'none')
                return;
            watchSlots[index] = watchedPaths.length;
            watchedPaths.push(views.viewOf(operation.path));
        });
        if (guard && watchedPaths.length > 0) {
            await guard.watch(watchedPaths);
            watching = true;
        }
        let failure;
        try {
            runBatch(pending, temps, locks, options, (index) => {
                if (watchSlots[index] >= 0)
                    guard?.switching(watchSlots[index]);
            });
        }
        catch (error) {
            failure = error;
        }
        const report = watching ? await guard.stop() : undefined;
        watching = false;
        if (report && report.missing > 0) {
            const linkSeenAs = new Map(pending.map((op) => [views.viewOf(op.path), op.link]));
            throw missingError(report, linkSeenAs, failure);
        }
        if (failure !== undefined)
            throw failure;
        if (report?.blind) {
            throw new MissingLinkError(`every link is switched, but the guard lost sight of them (${report.blind}), ` +
                `so it cannot vouch that none was missing`);
        }
        if (options.fsync !== false)
            for (const dir of temps.keys())
                fsyncDirectory(dir);
        return { results: operations.map(toResult), guard: report, probed, dryRun: false };
    }
    finally {
        // On the way out after a failure; the failure is what gets reported.
        if (watching)
            await guard?.stop().catch(() => undefined);
        else
            await guard?.dispose();
        for (const names of temps.values())
            names.removeKept();
        for (const lock of locks)
            lock.release();
    }
}
/** Switches each link; on a failure, switches back those already done and throws. */
function runBatch(pending, temps, locks, options, beforeSwitch) {
    const done = [];
    // Files (hard links, or regular files with --replace-files) keep a second, temporary name
    // until the batch is over, so a rollback can rename them back.
    const kept = new Map();
    let lastReport = Date.now();
    for (let index = 0; index < pending.length; index++) {
        const operation = pending[index];
        const names = temps.get(operation.realDir);
        try {
            if (operation.prior.kind === 'file') {
                const keep = names.keep();
                external_node_fs_namespaceObject.linkSync(operation.path, keep);
                kept.set(operation, keep);
            }
            beforeSwitch(index);
            replaceLink(names, operation.type, operation.content, operation.path);
        }
        catch (error) {
            const undone = rollback(done, temps, kept);
            throw new UpdateError(`${operation.origin}: could not switch LINK ${JSON.stringify(operation.link)}: ` +
                `${describeError(error)}; ${undone}`);
        }
        done.push(operation);
        if (Date.now() - lastReport >= PROGRESS_EVERY_MS) {
            lastReport = Date.now();
            for (const lock of locks)
                lock.refresh();
            options.onProgress?.(done.length, pending.length);
        }
    }
}
/** Puts each switched link back as it was, newest first, each again in one rename. */
function rollback(done, temps, kept) {
    const failed = [];
    for (const operation of [...done].reverse()) {
        const prior = operation.prior;
        try {
            if (prior.kind === 'symlink') {
                replaceLink(temps.get(operation.realDir), 'symbolic', prior.text, operation.path);
            }
            else if (prior.kind === 'file') {
                external_node_fs_namespaceObject.renameSync(kept.get(operation), operation.path);
            }
            else {
                // There was no link before this run: back to no link.
                removeIfPresent(operation.path);
            }
        }
        catch (error) {
            failed.push(`${JSON.stringify(operation.link)} (${describeError(error)})`);
        }
    }
    if (done.length === 0)
        return 'no link was changed';
    if (failed.length === 0) {
        return `switched back the ${done.length} link${done.length === 1 ? '' : 's'} already switched`;
    }
    const more = failed.length > 5 ? ` and ${failed.length - 5} more` : '';
    return (`switched back ${done.length - failed.length} of ${done.length}; ` +
        `could not switch back ${failed.slice(0, 5).join(', ')}${more}`);
}
function missingError(report, linkSeenAs, failure) {
    const shown = report.sightings.slice(0, 10).map((sighting) => {
        const when = sighting.firstMs === sighting.lastMs
            ? `at ${sighting.firstMs} ms`
            : `between ${sighting.firstMs} and ${sighting.lastMs} ms`;
        const link = linkSeenAs.get(sighting.link) ?? sighting.link;
        return `${JSON.stringify(link)} missing ${sighting.count} times ${when}`;
    });
    const more = report.sightings.length > 10 ? `, and ${report.sightings.length - 10} more links` : '';
    const also = failure === undefined ? '' : `; the update also failed: ${describeError(failure)}`;
    return new MissingLinkError(`the guard saw links missing during the update (${report.missing} of ${report.lookups} ` +
        `lookups; times from when the guard started): ${shown.join('; ')}${more}${also}`);
}
function toResult(operation) {
    return {
        link: operation.link,
        type: operation.type,
        target: operation.target,
        previous: operation.prior.kind === 'symlink' ? operation.prior.text : null,
        changed: operation.changed,
    };
}
/**
 * rename is atomic at once but durable only once the directory is on disk. Filesystems that
 * cannot fsync a directory (some FUSE and network ones) say so with these codes.
 */
function fsyncDirectory(dir) {
    const fd = external_node_fs_namespaceObject.openSync(dir, 'r');
    try {
        external_node_fs_namespaceObject.fsyncSync(fd);
    }
    catch (error) {
        const code = error.code ?? '';
        if (!['EINVAL', 'ENOTSUP', 'ENOSYS', 'EPERM', 'EBADF'].includes(code))
            throw error;
    }
    finally {
        external_node_fs_namespaceObject.closeSync(fd);
    }
}

;// CONCATENATED MODULE: ./lib/engine/report-text.js
/** What happened to one link, in the words every front end uses. */
function resultStatus(result, dryRun) {
    if (!result.changed)
        return 'unchanged';
    return dryRun ? 'would switch' : 'switched';
}
/** `switched: "current" -> "releases/v2" (was "releases/v1")`, one line per link. */
function describeResult(result, dryRun) {
    const arrow = result.type === 'symbolic' ? '->' : '=>';
    const was = result.previous === null ? '' : ` (was ${JSON.stringify(result.previous)})`;
    return (`${resultStatus(result, dryRun)}: ${JSON.stringify(result.link)} ${arrow} ` +
        `${JSON.stringify(result.target)}${was}`);
}

;// CONCATENATED MODULE: ./lib/engine/index.js
/** The engine's public API: everything the CLI and the action need, and nothing more. */






;// CONCATENATED MODULE: ./lib/remote/ssh-mount.js




/** Parses `USER@HOST:PATH` (HOST may be `[IPv6]`); PATH must be absolute. */
function parseSshTarget(text) {
    const match = /^((?:[^@:/\s]+@)?(?:\[[^\]]+\]|[^:[\]\s/]+)):(.*)$/.exec(text);
    if (!match)
        throw new UsageError(`--ssh ${JSON.stringify(text)} must be USER@HOST:PATH`);
    const [, destination, dir] = match;
    if (!dir.startsWith('/')) {
        throw new UsageError(`--ssh ${JSON.stringify(text)}: PATH must be absolute, as the server sees it`);
    }
    return { destination, path: external_node_path_namespaceObject.posix.normalize(dir) };
}
/**
 * Host keys are always checked, and a dead server fails the run within seconds instead of
 * hanging it: BatchMode never prompts, and keep-alives notice a silent peer.
 */
function sshOptions(target) {
    const options = [
        'StrictHostKeyChecking=yes',
        'BatchMode=yes',
        'ConnectTimeout=10',
        'ServerAliveInterval=2',
        'ServerAliveCountMax=3',
    ];
    if (target.knownHosts) {
        options.push(`UserKnownHostsFile=${target.knownHosts}`, 'GlobalKnownHostsFile=/dev/null');
    }
    if (target.identity)
        options.push(`IdentityFile=${target.identity}`, 'IdentitiesOnly=yes');
    return options;
}
/** A comma inside a FUSE `-o` value must be escaped, or it splits the option. */
const escapeOption = (option) => option.replace(/\\/g, '\\\\').replace(/,/g, '\\,');
/** Mounts the remote directory on a private mount point and returns that mount point. */
function mountRemote(target) {
    // Uncached: what the switch reads (the links' state, their targets) is the server's truth.
    const options = [...sshOptions(target), ...UNCACHED_OPTIONS, ...target.sshfsOptions];
    try {
        return mountSshfs((mountPoint) => [
            `${target.destination}:${target.path}`,
            mountPoint,
            '-p',
            String(target.port),
            '-o',
            options.map(escapeOption).join(','),
        ]);
    }
    catch (error) {
        throw new UpdateError(`cannot mount ${target.destination}:${target.path} (port ${target.port}) with sshfs: ` +
            `${sshDiagnosis(target) || error.message}; nothing was changed`);
    }
}
/**
 * sshfs swallows ssh's own messages ("Host key verification failed."), so after a failed mount
 * the same connection is tried once with ssh alone, to say why.
 */
function sshDiagnosis(target) {
    const options = sshOptions(target).flatMap((option) => ['-o', option]);
    const result = (0,external_node_child_process_namespaceObject.spawnSync)('ssh', [...options, '-p', String(target.port), target.destination, '-s', 'sftp'], { input: '', encoding: 'utf8', timeout: 20000 });
    const lines = (result.stderr ?? '')
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '');
    return lines.slice(-2).join(' ').replace(/\.$/, '');
}
/**
 * Runs `work` on the mounted remote directory and unmounts it on every way out: return, throw,
 * or a signal. A first SIGINT, SIGTERM or SIGHUP lets the run end cleanly (a batch of renames
 * is never stopped halfway, the lock is released, the mount removed), then exits with 128+N;
 * a second one unmounts and exits at once.
 */
async function withRemoteMount(target, work) {
    const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    let interrupted;
    let mountPoint;
    const onSignal = (signal) => {
        if (interrupted === undefined) {
            interrupted = signal;
            return;
        }
        if (mountPoint)
            unmountFuse(mountPoint);
        process.exit(128 + external_node_os_namespaceObject.constants.signals[signal]);
    };
    for (const signal of signals)
        process.on(signal, onSignal);
    try {
        mountPoint = mountRemote(target);
        if (interrupted)
            throw new UpdateError(`stopped by ${interrupted}; nothing was changed`);
        return await work(mountPoint);
    }
    finally {
        if (mountPoint)
            unmountFuse(mountPoint);
        for (const signal of signals)
            process.off(signal, onSignal);
        if (interrupted)
            process.exit(128 + external_node_os_namespaceObject.constants.signals[interrupted]);
    }
}

;// CONCATENATED MODULE: external "node:buffer"
const external_node_buffer_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:buffer");
;// CONCATENATED MODULE: ./lib/cli/backups.js



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
    throw new UsageError(`${source}=${JSON.stringify(word)}: ${controls.size === 0 ? 'not' : 'ambiguous as'} a backup ` +
        'CONTROL, which is none or off, numbered or t, existing or nil, simple or never');
}
/**
 * ln's -b, --backup[=CONTROL] and -S, with VERSION_CONTROL and SIMPLE_BACKUP_SUFFIX as ln reads
 * them: the backups to make, or undefined for none.
 */
function backupPlan(request, env) {
    if (request.backup === undefined && !request.b && request.suffix === undefined)
        return undefined;
    const control = typeof request.backup === 'string'
        ? backupControl(request.backup, '--backup')
        : env.VERSION_CONTROL
            ? backupControl(env.VERSION_CONTROL, 'VERSION_CONTROL')
            : 'existing';
    if (control === 'none')
        return undefined;
    return { method: control, suffix: simpleSuffix(request.suffix, env.SIMPLE_BACKUP_SUFFIX) };
}
/** GNU ln would put '~' in place of a bad suffix without a word; a deploy should hear of it. */
function simpleSuffix(option, fromEnv) {
    const [suffix, source] = option !== undefined
        ? [option, '-S, --suffix']
        : fromEnv
            ? [fromEnv, 'SIMPLE_BACKUP_SUFFIX']
            : ['~', ''];
    if (suffix === '' || /[/\r\n]/.test(suffix)) {
        throw new UsageError(`${source} ${JSON.stringify(suffix)}: a backup suffix must be a name, with no '/' or line break`);
    }
    return suffix;
}
/** NAME.~N~ as GNU's backupfile.c counts it: N from 1, with no leading zero. */
const NUMBERED = /^(.+)\.~([1-9][0-9]*)~$/s;
/** The highest N of each name's numbered backups NAME.~N~ among a directory's entries. */
function highestBackups(entries) {
    const highest = new Map();
    for (const entry of entries) {
        const match = NUMBERED.exec(entry);
        if (!match)
            continue;
        const number = BigInt(match[2]);
        if (number > (highest.get(match[1]) ?? 0n))
            highest.set(match[1], number);
    }
    return highest;
}
/** The suffix of a link's next backup, given its highest numbered backup so far. */
function backupSuffix(plan, highest) {
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
function nameBackups(specs, plan, cwd) {
    if (plan === undefined)
        return;
    const listings = new Map();
    for (const spec of specs) {
        if (spec.backup !== undefined)
            continue;
        if (plan.method === 'simple') {
            spec.backup = plan.suffix;
            continue;
        }
        const dir = external_node_path_namespaceObject.resolve(cwd, external_node_path_namespaceObject.dirname(spec.link));
        let highest = listings.get(dir);
        if (highest === undefined) {
            highest = highestBackups(listDirectory(dir, spec));
            listings.set(dir, highest);
        }
        spec.backup = backupSuffix(plan, highest.get(external_node_path_namespaceObject.basename(spec.link)));
    }
}
/** A missing directory holds no backups; the engine then names it as missing. */
function listDirectory(dir, spec) {
    try {
        return external_node_fs_namespaceObject.readdirSync(dir);
    }
    catch (error) {
        const code = error.code;
        if (code === 'ENOENT' || code === 'ENOTDIR')
            return [];
        throw new UsageError(`${spec.origin}: cannot list ${dir} for LINK ${JSON.stringify(spec.link)}'s numbered ` +
            `backup: ${describeError(error)}`);
    }
}

;// CONCATENATED MODULE: external "node:util"
const external_node_util_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util");
;// CONCATENATED MODULE: ./lib/cli/options.js



const GROUP_TITLES = {
    ln: "GNU ln's options (coreutils 9), and what atomic-link does with them:",
    own: "atomic-link's own options:",
    remote: 'Remote directories, mounted with sshfs (LINKs and -C are read from PATH):',
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
    chdir: {
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
        group: 'own',
        help: 'allow symlink targets that do not exist',
    },
    'replace-files': {
        group: 'own',
        help: 'allow replacing a regular file at LINK',
    },
    expect: {
        value: 'TARGET',
        group: 'own',
        help: 'switch only if the link now points at TARGET (one link; a compare-and-swap under the lock)',
    },
    'dry-run': {
        group: 'own',
        help: 'check everything and print the plan; change nothing',
    },
    json: {
        group: 'own',
        help: 'print the report as JSON on stdout',
    },
    'no-guard': {
        group: 'own',
        help: 'do not watch the links for a missing moment',
    },
    probe: {
        group: 'own',
        help: 'make trial swaps before the switch on any filesystem (default: on network and FUSE filesystems)',
    },
    'no-probe': {
        group: 'own',
        help: 'make no trial swaps',
    },
    'no-lock': {
        group: 'own',
        help: "do not lock the links' directories (refused with --expect)",
    },
    'lock-timeout': {
        value: 'SECONDS',
        group: 'own',
        help: 'wait this long for a lock; older locks are stale (default 60)',
    },
    'no-fsync': {
        group: 'own',
        help: 'do not fsync the directories after the switch',
    },
    ssh: {
        value: 'USER@HOST:PATH',
        group: 'remote',
        help: 'switch links in PATH (absolute) on HOST over SSH; LINKs must stay inside PATH',
    },
    'ssh-port': {
        value: 'N',
        group: 'remote',
        help: 'the SSH port (default 22)',
    },
    identity: {
        value: 'FILE',
        group: 'remote',
        help: 'the private key to log in with',
    },
    'known-hosts': {
        value: 'FILE',
        group: 'remote',
        help: "the host keys to check HOST against (always checked; default: ssh's own known_hosts)",
    },
    'sshfs-option': {
        value: 'OPT',
        multiple: true,
        group: 'remote',
        help: 'one more sshfs -o option (repeatable)',
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
    let parsed;
    try {
        parsed = (0,external_node_util_namespaceObject.parseArgs)({
            args,
            options: PARSE_ARGS_OPTIONS,
            allowPositionals: true,
            strict: true,
            tokens: true,
        });
    }
    catch (error) {
        // parseArgs explains over several lines (how to pass a value that starts with '-'): kept.
        const message = error.message.replace(/\s*\n\s*/g, ' ').replace(/\.$/, '');
        throw new UsageError(`${message}; see --help`);
    }
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
function refusal(rawName, why) {
    return new UsageError(`${rawName} is refused: ${why}`);
}
/**
 * In ln a word after a bare --backup is a file. atomic-link's --backup once took a SUFFIX that
 * way, so such a word is refused, as a likely old command line, rather than read as a file.
 * A SPEC after it is unambiguous, and allowed.
 */
function refuseSeparateValue(rawName, next, index) {
    if (next?.kind !== 'positional' || next.index !== index + 1 || isSpecText(next.value))
        return;
    const word = next.value;
    const fix = isBackupControl(word)
        ? `write ${rawName}=${word}`
        : `for a backup suffix write -S ${word} -b (or --suffix=${word}); for a CONTROL, ${rawName}=CONTROL`;
    throw new UsageError(`${rawName} ${JSON.stringify(word)}: ${rawName} takes no separate value; ${fix}; ` +
        'before ln-style arguments use -b');
}

;// CONCATENATED MODULE: ./lib/cli/args.js







/**
 * Turns the command line into settings, or throws a UsageError that says what is wrong. `env`
 * holds ln's VERSION_CONTROL and SIMPLE_BACKUP_SUFFIX.
 */
function parseCommandLine(argv, cwd, env) {
    const { values, positionals, order } = parseOptions(argv);
    const remote = remoteTarget(values, cwd);
    const base = remote ? (values.chdir ?? '.') : external_node_path_namespaceObject.resolve(cwd, values.chdir ?? '.');
    const settings = {
        command: values.help ? 'help' : values.version ? 'version' : 'switch',
        specs: [],
        options: switchOptions(values, base),
        json: values.json ?? false,
        verbose: values.verbose ?? false,
        remote,
    };
    if (settings.command !== 'switch')
        return settings;
    settings.backup = backupPlan(values, env);
    if (remote && positionals.some((arg) => !isSpecText(arg))) {
        throw new UsageError(`--ssh takes SPECs ('LINK -> TARGET'), not ln-style arguments${specFileHint(values)}`);
    }
    // As in ln: -s ignores -L and -P; otherwise the last of them given counts.
    const logical = !values.symbolic &&
        order.findLast((name) => name === 'logical' || name === 'physical') === 'logical';
    const specs = readSpecs(values, positionals, remote ? cwd : base, logical);
    settings.specs = remote ? specs.map((spec) => remoteLink(spec, remote)) : specs;
    if (settings.specs.length === 0)
        throw new UsageError('no links given; see --help');
    if (values.expect !== undefined && settings.specs.length !== 1) {
        throw new UsageError('--expect takes exactly one link');
    }
    // The specs are this parse's own objects: the options that apply to all are set in place,
    // and a spec that takes --expect's value is checked again.
    for (const spec of settings.specs) {
        if (values.relative)
            spec.relative = true;
        if (values.expect !== undefined) {
            spec.expect = values.expect;
            checkSpec(spec);
        }
    }
    const swap = settings.specs.find((spec) => spec.expect !== undefined);
    if (swap && !settings.options.lock) {
        throw new UsageError(`${swap.origin}: an expected target (--expect) needs the lock, so --no-lock is refused: ` +
            'only under the lock are the check and the switch one compare-and-swap');
    }
    return settings;
}
function remoteTarget(values, cwd) {
    const sshOnly = ['ssh-port', 'identity', 'known-hosts', 'sshfs-option'];
    if (values.ssh === undefined) {
        const stray = sshOnly.find((name) => values[name] !== undefined);
        if (stray)
            throw new UsageError(`--${stray} goes with --ssh`);
        return undefined;
    }
    const port = Number(values['ssh-port'] ?? '22');
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
        throw new UsageError(`--ssh-port ${JSON.stringify(values['ssh-port'])} must be a port number`);
    }
    return {
        ...parseSshTarget(values.ssh),
        port,
        identity: readableFile(values.identity, '--identity', cwd),
        knownHosts: readableFile(values['known-hosts'], '--known-hosts', cwd),
        sshfsOptions: values['sshfs-option'] ?? [],
    };
}
function readableFile(file, option, cwd) {
    if (file === undefined)
        return undefined;
    const absolute = external_node_path_namespaceObject.resolve(cwd, file);
    try {
        external_node_fs_namespaceObject.accessSync(absolute, external_node_fs_namespaceObject.constants.R_OK);
    }
    catch (error) {
        throw new UsageError(`${option} ${absolute}: ${describeError(error)}`);
    }
    return absolute;
}
/** An absolute LINK names a path on the server: it must lie in the remote directory. */
function remoteLink(spec, remote) {
    if (!external_node_path_namespaceObject.posix.isAbsolute(spec.link))
        return spec;
    const inside = external_node_path_namespaceObject.posix.relative(remote.path, spec.link);
    if (inside === '' || inside.startsWith('..')) {
        throw new UsageError(`${spec.origin}: LINK ${JSON.stringify(spec.link)} is outside the remote directory ${remote.path}`);
    }
    return { ...spec, link: inside };
}
function switchOptions(values, cwd) {
    if (values.probe && values['no-probe'])
        throw new UsageError('--probe and --no-probe conflict');
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
    if (text.trim() === '' || !Number.isFinite(seconds) || seconds <= 0) {
        throw new UsageError(`--lock-timeout ${JSON.stringify(text)} must be a positive number of seconds`);
    }
    return seconds;
}
function readSpecs(values, positionals, cwd, logical) {
    const fromFile = values['spec-file'] === undefined ? [] : readSpecFile(values['spec-file'], cwd);
    const specArgs = positionals.filter((arg) => isSpecText(arg));
    if (specArgs.length > 0 || fromFile.length > 0 || values['spec-file'] !== undefined) {
        if (specArgs.length !== positionals.length) {
            const odd = positionals.find((arg) => !isSpecText(arg));
            throw new UsageError(`argument ${JSON.stringify(odd)} is not a SPEC ('LINK -> TARGET'); ` +
                'SPECs and ln-style arguments cannot be mixed');
        }
        if (values['target-directory'] !== undefined || values['no-target-directory'] || logical) {
            throw new UsageError('-t, -T and -L go with ln-style arguments, not with SPECs');
        }
        return [...fromFile, ...specArgs.map((arg, index) => parseSpec(arg, `argument ${index + 1}`))];
    }
    return lnStyleSpecs(values, positionals, cwd, logical);
}
function readSpecFile(file, cwd) {
    const source = file === '-' ? 'stdin' : file;
    let bytes;
    try {
        bytes = external_node_fs_namespaceObject.readFileSync(file === '-' ? 0 : external_node_path_namespaceObject.resolve(cwd, file));
    }
    catch (error) {
        throw new UsageError(`spec file ${file}: ${error.message}`);
    }
    // Decoded leniently, bytes that are not UTF-8 would become U+FFFD and name another file.
    if (!(0,external_node_buffer_namespaceObject.isUtf8)(bytes)) {
        throw new UsageError(`${source} line ${firstNonUtf8Line(bytes)}: not UTF-8 text; write the names in UTF-8`);
    }
    return parseSpecText(bytes.toString('utf8'), source);
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
        let linked = type === 'hard' || values.relative ? external_node_path_namespaceObject.resolve(cwd, target) : target;
        if (logical)
            linked = resolvedTarget(linked, origin);
        const linkPath = external_node_path_namespaceObject.resolve(cwd, link);
        if (external_node_path_namespaceObject.resolve(external_node_path_namespaceObject.dirname(linkPath), linked) === linkPath) {
            throw new UsageError(`${origin}: TARGET and LINK ${JSON.stringify(link)} are the same file` +
                specFileHint(values));
        }
        return checkSpec({ link, target: linked, type, origin });
    };
    const into = (dir, targets) => targets.map((target) => spec(target, linkInto(dir, target)));
    if (positionals.length === 0)
        return [];
    const dir = values['target-directory'];
    if (dir !== undefined) {
        if (values['no-target-directory'])
            throw new UsageError('-t and -T conflict');
        if (!isRealDirectory(cwd, dir))
            throw new UsageError(`-t ${JSON.stringify(dir)} is not a directory`);
        return into(dir, positionals);
    }
    if (values['no-target-directory']) {
        if (positionals.length !== 2)
            throw new UsageError('-T takes exactly TARGET and LINK');
        return [spec(positionals[0], positionals[1])];
    }
    if (positionals.length === 1)
        return into('.', positionals);
    const last = positionals.at(-1);
    // A symlink to a directory is a link to replace, never a directory to link into (ln -n).
    if (isRealDirectory(cwd, last))
        return into(last, positionals.slice(0, -1));
    if (positionals.length > 2) {
        throw new UsageError(`the last argument ${JSON.stringify(last)} is not a directory`);
    }
    return [spec(positionals[0], last)];
}
/** `-f FILE` once read a spec file: such a command line now ends in a refusal that says so. */
function specFileHint(values) {
    return values.force ? '; spec files are read with --spec-file=FILE (-f is --force)' : '';
}
function isRealDirectory(cwd, dir) {
    return external_node_fs_namespaceObject.lstatSync(external_node_path_namespaceObject.resolve(cwd, dir), { throwIfNoEntry: false })?.isDirectory() ?? false;
}
/**
 * -L. The engine makes a hard link with link(2), which on Linux links a symlink itself: ln's
 * -P. ln -L calls linkat(AT_SYMLINK_FOLLOW), which links the file the symlink leads to; its
 * real path names that same file, so linking the real path is -L.
 */
function resolvedTarget(target, origin) {
    try {
        return external_node_fs_namespaceObject.realpathSync(target);
    }
    catch (error) {
        throw new UsageError(`${origin}: -L cannot follow TARGET ${JSON.stringify(target)}: ${describeError(error)}`);
    }
}

;// CONCATENATED MODULE: ./lib/cli/usage.js

const WIDTH = 100;
/** Where help text starts after an option's name, as in GNU's --help. */
const HELP_COLUMN = 30;
const usage_DEFINITIONS = Object.entries(OPTIONS);
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
    const lines = usage_DEFINITIONS.filter(([, definition]) => definition.group === group).map(([name, definition]) => helpLine(name, definition));
    return `${GROUP_TITLES[group]}\n${lines.join('\n')}\n`;
}
const paragraph = (text) => wrap(text, 0, 0) + '\n';
const USAGE = `Usage: atomic-link [OPTION]... [-T] TARGET LINK
  or:  atomic-link [OPTION]... TARGET
  or:  atomic-link [OPTION]... TARGET... DIRECTORY
  or:  atomic-link [OPTION]... -t DIRECTORY TARGET...
  or:  atomic-link [OPTION]... SPEC...
  or:  atomic-link [OPTION]... --spec-file=FILE
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
const cell = (text) => text.replace(/\|/g, '\\|');
/**
 * A group's options as a Markdown table for the README (scripts/readme-options.js puts it
 * there); ln's own options with GNU ln's meaning beside atomic-link's.
 */
function optionTable(group) {
    const rows = usage_DEFINITIONS.filter(([, definition]) => definition.group === group).map(([name, definition]) => {
        const cells = [`\`${optionLabel(name, definition)}\``];
        if (group === 'ln')
            cells.push(definition.gnu ?? '');
        cells.push(optionText(definition));
        return `| ${cells.map(cell).join(' | ')} |`;
    });
    const header = group === 'ln' ? ['option', 'GNU ln', 'atomic-link'] : ['option', 'meaning'];
    return [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows].join('\n');
}

;// CONCATENATED MODULE: ./package.json
const package_namespaceObject = {"rE":"0.1.0"};
;// CONCATENATED MODULE: ./lib/cli/main.js







/** Runs the CLI and returns its exit code; never throws. */
async function run(argv) {
    try {
        const settings = parseCommandLine(argv, process.cwd(), process.env);
        if (settings.command === 'help') {
            process.stdout.write(USAGE);
            return 0;
        }
        if (settings.command === 'version') {
            process.stdout.write(`atomic-link ${package_namespaceObject.rE}\n`);
            return 0;
        }
        const onProgress = (done, total) => process.stderr.write(`atomic-link: switched ${done} of ${total} links\n`);
        const { remote, specs, options, backup } = settings;
        const switchFrom = (cwd, root) => {
            nameBackups(specs, backup, cwd);
            return switchLinks(specs, { ...options, cwd, root, onProgress });
        };
        const report = remote
            ? await withRemoteMount(remote, (mountPoint) => switchFrom(external_node_path_namespaceObject.resolve(mountPoint, options.cwd), mountPoint))
            : await switchFrom(options.cwd);
        if (settings.json)
            process.stdout.write(JSON.stringify(report, null, 2) + '\n');
        else
            printReport(report, settings.verbose);
        return 0;
    }
    catch (error) {
        if (error instanceof AtomicLinkError) {
            process.stderr.write(`atomic-link: ${error.message}\n`);
            return error.exitCode;
        }
        process.stderr.write(`atomic-link: unexpected error: ${error?.message ?? error}\n`);
        return 1;
    }
}
/** Quiet like ln unless asked; a dry run always shows its plan. */
function printReport(report, verbose) {
    if (!verbose && !report.dryRun)
        return;
    for (const result of report.results) {
        process.stdout.write(describeResult(result, report.dryRun) + '\n');
    }
    if (verbose && report.guard) {
        const { lookups, missing } = report.guard;
        process.stderr.write(`atomic-link: guard made ${lookups} lookups, saw ${missing} missing\n`);
    }
}


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
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
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
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/************************************************************************/
/******/ 
/******/ // startup
/******/ // Load entry module and return exports
/******/ // This entry module used 'module' so it can't be inlined
/******/ var __webpack_exports__ = __nccwpck_require__(69);
/******/ __webpack_exports__ = await __webpack_exports__;
/******/ 
