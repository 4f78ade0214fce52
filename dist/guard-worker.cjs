"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const node_crypto_1 = require("node:crypto");
const node_fs_1 = __importDefault(require("node:fs"));
const node_path_1 = __importDefault(require("node:path"));
const node_worker_threads_1 = require("node:worker_threads");
/*
 * The local store's threads, from one file (the bundle ships it under its name): the guard,
 * or, started with `keep`, the keeper of a run's locks.
 */
const data = node_worker_threads_1.workerData;
/**
 * Looks names up with lstat, which sees the name itself and not what it points to: a dangling
 * link is present, a name in the middle of an unlink-then-create is not. Each round looks at
 * the next link in turn, so every link is looked at again and again, and with `followSwitch`
 * at the link being switched right now, where a non-atomic switch opens its gap.
 */
function watch({ paths, standBy, followSwitch }, { buffer, slots }) {
    const flags = new Int32Array(buffer);
    Atomics.store(flags, slots.ready, 1);
    Atomics.notify(flags, slots.ready);
    if (standBy)
        Atomics.wait(flags, slots.begin, 0);
    const start = performance.now();
    const misses = new Map();
    let lookups = 0;
    let blind;
    const look = (index) => {
        Atomics.store(flags, slots.lookups, ++lookups);
        try {
            if (node_fs_1.default.lstatSync(paths[index], { throwIfNoEntry: false }) !== undefined)
                return;
            // A link is missing only from a directory that is there: when the directory is gone
            // too, the guard has lost sight (an sshfs connection died), which it reports instead.
            const dir = node_path_1.default.dirname(paths[index]);
            if (node_fs_1.default.lstatSync(dir, { throwIfNoEntry: false }) === undefined) {
                blind = `${dir} vanished`;
                return;
            }
        }
        catch (error) {
            blind = `${error.code ?? error} looking up ${paths[index]}`;
            return;
        }
        Atomics.add(flags, slots.misses, 1);
        const now = performance.now() - start;
        const miss = misses.get(index);
        if (miss) {
            miss.count++;
            miss.lastMs = now;
        }
        else {
            misses.set(index, { count: 1, firstMs: now, lastMs: now });
        }
    };
    Atomics.store(flags, slots.looking, 1);
    Atomics.notify(flags, slots.looking);
    let next = 0;
    let rounds = 0;
    do {
        if (followSwitch)
            look(Atomics.load(flags, slots.hot));
        look(next);
        next = (next + 1) % paths.length;
        if (next === 0)
            rounds++;
    } while (Atomics.load(flags, slots.stop) === 0 && blind === undefined);
    const result = {
        lookups,
        rounds,
        windowMs: performance.now() - start,
        blind,
        misses: [...misses].map(([index, miss]) => ({ index, ...miss })),
    };
    node_worker_threads_1.parentPort?.postMessage(result);
}
/**
 * Refreshes the locks every `everyMs` on this thread's own loop, however busy the main thread
 * is: each lock still ours (its text) is replaced by a fresh one, made under a temporary name
 * of the run's and renamed over it. Stops at the first lock found not ours, never touching it,
 * or the first refresh that fails, and says why on `port`.
 */
function keep({ keep: { locks, text, everyMs }, port }) {
    const timer = setInterval(() => {
        const problem = refresh(locks, text);
        if (problem === undefined)
            return;
        clearInterval(timer);
        port.postMessage(problem);
    }, everyMs);
}
function refresh(locks, text) {
    for (const lock of locks) {
        let now;
        try {
            now = node_fs_1.default.readlinkSync(lock.path);
        }
        catch (error) {
            return error.code === 'ENOENT'
                ? 'a lock is no longer ours'
                : `cannot read a lock: ${describe(error)}`;
        }
        if (now !== text)
            return 'a lock is no longer ours';
    }
    for (const lock of locks) {
        const fresh = lock.freshPrefix + (0, node_crypto_1.randomBytes)(8).toString('hex');
        try {
            node_fs_1.default.symlinkSync(text, fresh);
            node_fs_1.default.renameSync(fresh, lock.path);
        }
        catch (error) {
            try {
                node_fs_1.default.unlinkSync(fresh);
            }
            catch {
                // never made
            }
            return `cannot refresh a lock: ${describe(error)}`;
        }
    }
    return undefined;
}
function describe(error) {
    const { code, syscall } = error;
    return code ? `${code} (${syscall})` : String(error);
}
if ('keep' in data)
    keep(data);
else
    node_worker_threads_1.parentPort?.once('message', (message) => watch(message, data));
