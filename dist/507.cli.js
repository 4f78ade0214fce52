export const id = 507;
export const ids = [507];
export const modules = {

/***/ 6507:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  SftpStore: () => (/* binding */ SftpStore)
});

// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: ./lib/engine/errors.js
var errors = __webpack_require__(4899);
// EXTERNAL MODULE: ./lib/engine/port.js
var port = __webpack_require__(4799);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:net"
var external_node_net_ = __webpack_require__(7030);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
// EXTERNAL MODULE: external "node:url"
var external_node_url_ = __webpack_require__(3136);
// EXTERNAL MODULE: ./lib/transport/ssh-target.js
var ssh_target = __webpack_require__(2121);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
;// CONCATENATED MODULE: ./lib/transport/sftp/known-hosts.js

/**
 * The keys known_hosts text gives for `host` on `port`, as OpenSSH matches them: the name is
 * `host` on port 22 and `[host]:port` otherwise; a line's names may be patterns (`*`, `?`,
 * `!negation`, comma-separated) or hashed (`|1|salt|hmac`). `@cert-authority` lines are not
 * supported and are passed over; `@revoked` lines mark a key that must be refused.
 */
function knownKeysFor(text, host, port) {
    const name = port === 22 ? host : `[${host}]:${port}`;
    const keys = [];
    for (const raw of text.split('\n')) {
        const line = raw.trim();
        if (line === '' || line.startsWith('#'))
            continue;
        const fields = line.split(/\s+/);
        const marker = fields[0].startsWith('@') ? fields.shift() : undefined;
        if (marker === '@cert-authority' || fields.length < 3)
            continue;
        const [names, type, base64] = fields;
        if (!namesMatch(names, name))
            continue;
        keys.push({ type, blob: Buffer.from(base64, 'base64'), revoked: marker === '@revoked' });
    }
    return keys;
}
function namesMatch(names, name) {
    if (names.startsWith('|1|')) {
        const [, , salt, hash] = names.split('|');
        const mac = (0,external_node_crypto_.createHmac)('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
        return mac === hash;
    }
    let matched = false;
    for (const pattern of names.split(',')) {
        const negated = pattern.startsWith('!');
        if (!globMatch(negated ? pattern.slice(1) : pattern, name))
            continue;
        if (negated)
            return false;
        matched = true;
    }
    return matched;
}
function globMatch(pattern, name) {
    const regex = pattern
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.');
    return new RegExp(`^${regex}$`, 'i').test(name);
}
/**
 * The host key algorithms to offer, in the order of the known keys' types, so that the server
 * is asked for a key we can check (as OpenSSH orders them by known_hosts).
 */
function hostKeyAlgorithms(keys) {
    const algorithms = [];
    for (const key of keys) {
        if (key.revoked)
            continue;
        const names = key.type === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [key.type];
        for (const algorithm of names)
            if (!algorithms.includes(algorithm))
                algorithms.push(algorithm);
    }
    return algorithms;
}

;// CONCATENATED MODULE: ./lib/transport/sftp/connect.js








/** A dead or silent server fails the run within seconds: 3 keep-alives 2 s apart unanswered. */
const KEEPALIVE_MS = 2000;
const KEEPALIVE_MISSES = 3;
const CONNECT_TIMEOUT_MS = 20000;
/**
 * Connects with the host key checked against known_hosts before anything is sent, logs in with
 * the identity, an agent or the usual key files, and opens an SFTP channel. ssh2 is loaded
 * here, so local runs never pay for it.
 */
async function connect(target) {
    const { user, host } = (0,ssh_target/* splitDestination */.R)(target.destination);
    const username = user ?? external_node_os_.userInfo().username;
    const where = `${username}@${target.destination.slice(target.destination.lastIndexOf('@') + 1)}:${target.path}`;
    const knownFile = target.knownHosts ?? external_node_path_.join(external_node_os_.homedir(), '.ssh', 'known_hosts');
    const known = knownKeysFor(readOr(knownFile, ''), host, target.port);
    const hostName = target.port === 22 ? host : `[${host}]:${target.port}`;
    if (known.every((key) => key.revoked)) {
        throw new errors/* UpdateError */.mp(`${hostName} is not in ${knownFile}: its host key cannot be checked, so nothing was ` +
            `sent; add its line (ssh-keyscan, checked out of band)`);
    }
    // ssh2's poly1305 (emscripten output) reads CommonJS's __dirname, which this ES module
    // bundle lacks; it only builds a path to a file it never reads (its wasm is inline).
    const scope = globalThis;
    scope.__dirname ??= external_node_path_.dirname((0,external_node_url_.fileURLToPath)(import.meta.url));
    const { Client } = (await __webpack_require__.e(/* import() */ 472).then(__webpack_require__.t.bind(__webpack_require__, 5472, 19))).default;
    const client = new Client();
    // ssh2 may emit more than one error (a failed handshake, then the socket): each is reported
    // where it is awaited; an unheard one must not end the process.
    client.on('error', () => undefined);
    let hostKeyProblem;
    // Our own socket, so that writes can be held and sent together (batchWrites).
    const socket = external_node_net_.connect({ host, port: target.port });
    // ssh2 writes a packet in several pieces; with Nagle's algorithm on, each piece after the
    // first waits for the server's delayed ACK (40 ms on Linux), at every round trip.
    socket.setNoDelay(true);
    const config = {
        sock: socket,
        username,
        readyTimeout: CONNECT_TIMEOUT_MS,
        keepaliveInterval: KEEPALIVE_MS,
        keepaliveCountMax: KEEPALIVE_MISSES,
        algorithms: { serverHostKey: hostKeyAlgorithms(known) },
        hostVerifier: (key) => {
            const match = known.find((entry) => entry.blob.equals(key));
            if (match && !match.revoked)
                return true;
            hostKeyProblem = match
                ? `the host key of ${hostName} is marked @revoked in ${knownFile}`
                : `the host key of ${hostName} does not match ${knownFile} (changed, or another host)`;
            return false;
        },
        ...credentials(target),
    };
    await new Promise((resolve, reject) => {
        client.once('ready', () => resolve());
        client.once('error', (error) => reject(error));
        client.once('close', () => reject(new Error('the connection closed during the handshake')));
        client.connect(config);
    }).catch((error) => {
        client.end();
        const reason = hostKeyProblem ?? error.message;
        throw new errors/* UpdateError */.mp(`cannot connect to ${where} (port ${target.port}): ${reason}; nothing was changed`);
    });
    const lost = new Promise((_, reject) => {
        const gone = () => reject(new Error('the connection was lost'));
        client.once('close', gone);
        client.once('end', gone);
    });
    lost.catch(() => undefined);
    const openSftp = () => Promise.race([
        new Promise((resolve, reject) => client.sftp((error, sftp) => (error ? reject(error) : resolve(sftp)))),
        lost,
    ]);
    const sftp = await openSftp().catch((error) => {
        client.end();
        throw new errors/* UpdateError */.mp(`${where}: the server offers no SFTP (${error.message}); nothing was changed`);
    });
    // ssh2 keeps the extensions of the server's version reply here, and checks them itself.
    const extensions = new Set(Object.keys(sftp._extensions));
    let second;
    let held = false;
    // Each SFTP request is a packet of its own, and each packet a write: 100 lookups were 100
    // system calls (and as many segments for the network and the server to take in).
    const batchWrites = () => {
        if (held)
            return;
        held = true;
        socket.cork();
        process.nextTick(() => {
            held = false;
            socket.uncork();
        });
    };
    return {
        client,
        sftp,
        extensions,
        second: () => (second ??= openSftp()),
        batchWrites,
        socket,
        lost,
        where,
    };
}
/**
 * --identity, else an agent, else the first of the usual key files that exists. The methods
 * are tried straight away: ssh2 would first ask the server which it takes (the "none"
 * method), a round trip the answer of which changes nothing here.
 */
function credentials(target) {
    if (target.identity) {
        return { privateKey: readKey(target.identity), authHandler: ['publickey'] };
    }
    const agent = process.env.SSH_AUTH_SOCK;
    const usual = ['id_ed25519', 'id_ecdsa', 'id_rsa']
        .map((name) => external_node_path_.join(external_node_os_.homedir(), '.ssh', name))
        .find((file) => external_node_fs_.existsSync(file));
    const methods = [
        ...(usual ? ['publickey'] : []),
        ...(agent ? ['agent'] : []),
    ];
    return {
        ...(agent ? { agent } : {}),
        ...(usual ? { privateKey: readKey(usual) } : {}),
        authHandler: methods.length > 0 ? methods : ['none'],
    };
}
function readKey(file) {
    try {
        return external_node_fs_.readFileSync(file);
    }
    catch (error) {
        throw new errors/* UpdateError */.mp(`cannot read the identity ${file}: ${error.message}`);
    }
}
function readOr(file, fallback) {
    try {
        return external_node_fs_.readFileSync(file, 'utf8');
    }
    catch {
        return fallback;
    }
}

;// CONCATENATED MODULE: ./lib/transport/sftp/sftp-guard.js
/**
 * Lookups kept in flight on the guard's channel. The server answers them one after another as
 * fast as it can lstat, so the sampling rate does not depend on the round trip: a round trip
 * only decides how many lookups are on the way at once.
 */
const IN_FLIGHT = 128;
/**
 * Lookups kept in flight while standing by (prepared, waiting for the switch): enough to show
 * that the server is looking and to notice a connection lost, no load on it.
 */
const STAND_BY_IN_FLIGHT = 1;
/**
 * Over a fast link a whole batch is renamed in a millisecond or two, less than one time slice
 * of a busy server: the guard keeps looking at least this long, so that another writer's gap
 * at the same moment is not missed for want of lookups.
 */
const MIN_WATCH_MS = 50;
const NO_SUCH_FILE = 2;
/**
 * Watches links on the server through a channel of its own (a second sftp-server process,
 * running beside the one that renames), with lstat, which sees the name itself: a dangling
 * link is present, a name in the middle of an unlink-then-create is not.
 */
class SftpGuard {
    sftp;
    paths;
    lookups = 0;
    missing = 0;
    outstanding = 0;
    next = 0;
    stopping = false;
    blind;
    start = performance.now();
    /** When it began looking at the full rate: the minimum watch counts from there. */
    begun = this.start;
    inFlight;
    sightings = new Map();
    settled;
    constructor(sftp, paths, standBy) {
        this.sftp = sftp;
        this.paths = paths;
        this.inFlight = standBy ? STAND_BY_IN_FLIGHT : IN_FLIGHT;
    }
    /**
     * Resolves once the server has answered a first lookup: from then on it is looking. When
     * `lost` rejects, the guard has lost sight, and says so.
     */
    static async start(sftp, paths, lost, standBy = false) {
        const guard = new SftpGuard(sftp, paths, standBy);
        lost.catch((error) => {
            guard.blind ??= error.message;
            guard.outstanding = 0;
            guard.wake();
        });
        await new Promise((resolve) => {
            guard.settled = resolve;
            for (let i = 0; i < guard.inFlight; i++)
                guard.send();
        });
        return guard;
    }
    /** From standing by to the full rate: the renames follow these lookups on the connection. */
    begin() {
        if (this.inFlight === IN_FLIGHT || this.stopping || this.blind !== undefined)
            return;
        this.inFlight = IN_FLIGHT;
        this.begun = performance.now();
        while (this.outstanding < this.inFlight)
            this.send();
    }
    soFar() {
        return { lookups: this.lookups, missing: this.missing };
    }
    /** Stops sending, waits for the lookups on the way (they cover the last renames), reports. */
    async stop() {
        const left = MIN_WATCH_MS - (performance.now() - this.begun);
        if (left > 0 && this.blind === undefined)
            await new Promise((resolve) => setTimeout(resolve, left));
        this.stopping = true;
        if (this.outstanding > 0)
            await new Promise((resolve) => (this.settled = resolve));
        return {
            lookups: this.lookups,
            missing: this.missing,
            blind: this.blind,
            sightings: [...this.sightings.values()],
        };
    }
    send() {
        const index = this.next;
        this.next = (this.next + 1) % this.paths.length;
        this.outstanding++;
        // Each lookup leaves at once, not held to go with others (batchWrites): lookups sent in
        // bunches are answered in bunches, with gaps between them in which nothing is looked at
        // (a naive writer on the server was then missed in some runs out of 20).
        try {
            this.sftp.lstat(this.paths[index], (error) => this.answered(index, error));
        }
        catch (error) {
            this.answered(index, error);
        }
    }
    answered(index, error) {
        this.outstanding--;
        this.lookups++;
        if (error) {
            if (error.code === NO_SUCH_FILE)
                this.seenMissing(index);
            else
                this.blind ??= `${error.message} looking up ${this.paths[index]}`;
        }
        // The first answer means the server is looking; the caller may start switching.
        if (!this.stopping && this.lookups === 1)
            this.wake();
        if (!this.stopping && this.blind === undefined) {
            if (this.outstanding < this.inFlight)
                this.send();
        }
        else if (this.outstanding === 0)
            this.wake();
    }
    seenMissing(index) {
        this.missing++;
        const now = Math.round(performance.now() - this.start);
        const sighting = this.sightings.get(index);
        if (sighting) {
            sighting.count++;
            sighting.lastMs = now;
        }
        else {
            this.sightings.set(index, { link: this.paths[index], count: 1, firstMs: now, lastMs: now });
        }
    }
    wake() {
        const settled = this.settled;
        this.settled = undefined;
        settled?.();
    }
}

;// CONCATENATED MODULE: ./lib/transport/sftp/sftp-store.js





const POSIX_RENAME = 'posix-rename@openssh.com';
const HARDLINK = 'hardlink@openssh.com';
/** READDIR requests sent at once on one handle: up to ~100 names come back per request. */
const READDIRS_IN_FLIGHT = 16;
/** SFTP status codes as errno names, so that the engine reads them as it reads local errors. */
const STATUS_AS_ERRNO = {
    2: 'ENOENT',
    3: 'EACCES',
    4: 'EFAILURE',
    8: 'ENOTSUP',
};
/**
 * Links on a server, through SFTP spoken directly (OpenSSH's sftp-server or internal-sftp).
 * Every operation sends all its requests before reading a reply: the server answers them in
 * order, one after another, so a phase costs one round trip whatever the number of links.
 *
 * Renames use posix-rename@openssh.com, a plain rename(2) on the server; plain SFTP rename
 * refuses to overwrite, and emulating it leaves a gap, so without the extension nothing is
 * done at all.
 */
class SftpStore {
    session;
    canSyncDirs = false;
    sameClock = false;
    knowsInodes = false;
    /** One channel: sftp-server carries out its requests one after another, as sent. */
    inOrder = true;
    where;
    sftp;
    constructor(session) {
        this.session = session;
        this.where = session.where.slice(0, session.where.lastIndexOf(':'));
        this.sftp = session.sftp;
    }
    /**
     * Connects and checks the server's extensions exactly, before anything is touched: the
     * renames need posix-rename, hard links need hardlink.
     */
    static async open(target, needs) {
        const session = await connect(target);
        const missing = [POSIX_RENAME, ...(needs.hardLinks ? [HARDLINK] : [])].filter((name) => !session.extensions.has(name));
        if (missing.length > 0) {
            session.client.end();
            throw new errors/* UpdateError */.mp(`${session.where}: the server's SFTP lacks ${missing.join(' and ')}` +
                (missing.includes(POSIX_RENAME)
                    ? ': plain SFTP rename will not replace an existing link, and replacing one ' +
                        'without it always leaves a moment with no link'
                    : '') +
                `; nothing was changed`);
        }
        // Opened now, so that it is ready by the time the guard needs it.
        session.second().catch(() => undefined);
        return new SftpStore(session);
    }
    realDirs(dirs) {
        return this.batch(dirs, async (dir) => {
            const [real, stats] = await Promise.all([
                this.call('realpath', (cb) => this.sftp.realpath(dir, cb)),
                this.call('stat', (cb) => this.sftp.stat(dir, cb)),
            ]);
            if (!stats.isDirectory())
                throw failure('ENOTDIR', 'stat', `${dir} is not a directory`);
            return real;
        });
    }
    inspect(paths, options) {
        void options; // lstat's answer carries the time anyway
        return this.batch(paths, async (file) => {
            // Both sent at once: readlink fails on anything but a link, and is then not needed.
            const [stats, text] = await Promise.all([
                this.call('lstat', (cb) => this.sftp.lstat(file, cb)).catch((error) => {
                    if (error.code === 'ENOENT')
                        return undefined;
                    throw error;
                }),
                this.call('readlink', (cb) => this.sftp.readlink(file, cb)).catch(() => undefined),
            ]);
            if (stats === undefined)
                return { kind: 'none' };
            const mtimeMs = stats.mtime * 1000;
            if (stats.isSymbolicLink())
                return { kind: 'symlink', text: text ?? '', mtimeMs };
            if (stats.isDirectory())
                return { kind: 'directory' };
            if (stats.isFile())
                return { kind: 'file', mtimeMs };
            return { kind: 'other' };
        });
    }
    reach(targets) {
        return this.batch(targets, async ({ dir, text }) => {
            await this.call('stat', (cb) => this.sftp.stat(external_node_path_.posix.resolve(dir, text), cb));
        });
    }
    create(links) {
        return this.batch(links, (link) => link.type === 'symbolic'
            ? this.call('symlink', (cb) => this.sftp.symlink(link.content, link.path, cb))
            : this.call('hardlink', (cb) => this.sftp.ext_openssh_hardlink(link.content, link.path, cb)));
    }
    rename(renames) {
        return this.batch(renames, ({ from, to }) => this.call('rename', (cb) => this.sftp.ext_openssh_rename(from, to, cb)));
    }
    remove(paths) {
        return this.batch(paths, (file) => this.call('unlink', (cb) => this.sftp.unlink(file, cb)));
    }
    /** Opens each directory, then asks for many pages of names at once on its handle. */
    list(dirs) {
        return this.batch(dirs, async (dir) => {
            const handle = await this.call('opendir', (cb) => this.sftp.opendir(dir, cb));
            const names = [];
            try {
                for (let done = false; !done;) {
                    this.session.batchWrites();
                    const pages = await Promise.all(Array.from({ length: READDIRS_IN_FLIGHT }, () => this.call('readdir', (cb) => this.sftp.readdir(handle, cb)).catch((error) => {
                        // The end of the listing: SSH_FX_EOF.
                        if (error.code === 'EOF')
                            return undefined;
                        throw error;
                    })));
                    for (const page of pages) {
                        if (page === undefined)
                            done = true;
                        else
                            names.push(...page.map((item) => item.filename));
                    }
                }
            }
            finally {
                this.sftp.close(handle, () => undefined);
            }
            return names;
        });
    }
    async syncDirs(dirs) {
        return dirs.map(() => failure('ENOTSUP', 'fsync', 'SFTP cannot fsync a directory'));
    }
    async watch(paths, options) {
        const channel = await this.session.second().catch((error) => {
            throw new errors/* UpdateError */.mp(`cannot open a second SFTP channel for the guard: ${error.message}`);
        });
        return SftpGuard.start(channel, paths, this.session.lost, options?.standBy);
    }
    async renameBehaviour() {
        return { kind: 'atomic' };
    }
    async close() {
        this.session.client.end();
        // Everything is said: the process need not wait a round trip for the server's goodbye.
        this.session.socket.unref();
    }
    /**
     * Sends every item's requests, then waits for all answers. A request that got no answer at
     * all (the connection is gone) makes the whole phase throw: what it did is unknown.
     */
    async batch(items, call) {
        this.session.batchWrites();
        const outcomes = await Promise.all(items.map((item) => call(item).catch((error) => error)));
        const lost = outcomes.find((outcome) => (0,port/* isFailure */.N)(outcome) && outcome.code === 'ELOST');
        if (lost)
            throw new errors/* StoreLostError */.U8(`${this.where}: ${lost.message}`);
        return outcomes;
    }
    call(syscall, send) {
        const answer = new Promise((resolve, reject) => {
            try {
                send((error, value) => (error ? reject(asFailure(error, syscall)) : resolve(value)));
            }
            catch (error) {
                // ssh2 throws at once when the channel is already closed.
                reject(failure('ELOST', syscall, `the connection is gone (${error.message})`));
            }
        });
        const lost = this.session.lost.catch((error) => {
            throw failure('ELOST', syscall, error.message);
        });
        return Promise.race([answer, lost]);
    }
}
function asFailure(error, syscall) {
    const status = error.code;
    if (typeof status !== 'number') {
        return failure('ELOST', syscall, `the connection was lost (${error.message})`);
    }
    const code = status === 1 ? 'EOF' : (STATUS_AS_ERRNO[status] ?? 'EIO');
    return failure(code, syscall, error.message);
}
function failure(code, syscall, message) {
    return Object.assign(new Error(message), { code, syscall });
}


/***/ })

};
