"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const node_fs_1 = __importDefault(require("node:fs"));
const node_path_1 = __importDefault(require("node:path"));
const node_worker_threads_1 = require("node:worker_threads");
const { buffer, slots } = node_worker_threads_1.workerData;
const flags = new Int32Array(buffer);
/**
 * Looks names up with lstat, which sees the name itself and not what it points to: a dangling
 * link is present, a name in the middle of an unlink-then-create is not. Each round looks at
 * the next link in turn, so every link is looked at again and again, and with `followSwitch`
 * at the link being switched right now, where a non-atomic switch opens its gap.
 */
function watch({ paths, standBy, followSwitch }) {
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
    do {
        if (followSwitch)
            look(Atomics.load(flags, slots.hot));
        look(next);
        next = (next + 1) % paths.length;
    } while (Atomics.load(flags, slots.stop) === 0 && blind === undefined);
    const result = {
        lookups,
        blind,
        misses: [...misses].map(([index, miss]) => ({ index, ...miss })),
    };
    node_worker_threads_1.parentPort?.postMessage(result);
}
node_worker_threads_1.parentPort?.once('message', watch);
