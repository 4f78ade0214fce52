export const id = 690;
export const ids = [690];
export const modules = {

/***/ 8690:
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
// EXTERNAL MODULE: ./lib/engine/temp-names.js
var temp_names = __webpack_require__(3363);
// EXTERNAL MODULE: external "node:url"
var external_node_url_ = __webpack_require__(3136);
// EXTERNAL MODULE: ./lib/transport/ssh-route.js
var ssh_route = __webpack_require__(8447);
// EXTERNAL MODULE: ./lib/transport/ssh-target.js
var ssh_target = __webpack_require__(2121);
// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(1421);
// EXTERNAL MODULE: external "node:net"
var external_node_net_ = __webpack_require__(7030);
// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(7075);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
;// CONCATENATED MODULE: ./lib/platform/read-file.js

/**
 * The bytes of a file or stdin, or undefined when there are more than `limit`: a regular file
 * is judged by its size before anything is read, a pipe (which has no size) once it has sent
 * more.
 */
function readAtMost(file, limit) {
    const fd = typeof file === 'number' ? file : external_node_fs_.openSync(file, 'r');
    try {
        const stats = external_node_fs_.fstatSync(fd);
        if (stats.isFile() && stats.size > limit)
            return undefined;
        const chunks = [];
        let total = 0;
        for (;;) {
            const chunk = Buffer.allocUnsafe(Math.min(2 ** 20, limit + 1 - total));
            const read = external_node_fs_.readSync(fd, chunk, 0, chunk.length, null);
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
            external_node_fs_.closeSync(fd);
    }
}

// EXTERNAL MODULE: ./lib/platform/stop-signals.js
var stop_signals = __webpack_require__(1127);
;// CONCATENATED MODULE: ./lib/transport/sftp/identities.js



/**
 * How long the agent has to answer one request. An agent that never answers (a stale
 * SSH_AUTH_SOCK forwarded from a dead session) is then one failed method, and the key files
 * are tried next; without it, its socket kept the process alive after every failure.
 */
const AGENT_ANSWER_MS = 5000;
/** The largest key file read (an RSA key of 16,384 bits is 12 KiB): /dev/zero is refused. */
const KEY_FILE_LIMIT = 1024 * 1024;
/**
 * Each key file's reading, by file and passphrase, once a process: a fleet's hosts behind one
 * jump host read the same files for every hop (twenty parses of one ed25519 key for ten hosts,
 * 3 ms each on the one thread that also makes their handshakes).
 */
const readKeys = new Map();
/** Where the passphrase comes from, for the messages that need one: the CLI's, or as advised. */
const passphraseSources = (advise) => advise?.('passphrase-file') ?? 'ATOMIC_LINK_SSH_PASSPHRASE or --passphrase-file';
/**
 * The ways to log in to `hop`, in the order OpenSSH tries them: the agent's keys (IdentityAgent,
 * by default SSH_AUTH_SOCK), then the key files (--identity, then the config's IdentityFile,
 * else the usual ~/.ssh/id_* files). With IdentitiesOnly, only the agent's keys that are one of
 * those files' (their public key read from FILE.pub, or from the key itself) are offered. An
 * encrypted key is decrypted with `passphrase`. A key file that is missing is passed over
 * silently, as ssh passes it over; one that cannot be used is passed over with the reason, but
 * ends the run (an UpdateError, before anything is sent) when it is the command line's. With
 * nothing at all, the "none" method is asked for, as a server may let a user in without a key.
 * Each method is tried straight away: ssh2 would first ask the server which it takes, a round
 * trip the answer of which changes nothing here.
 */
function identities(hop, passphrase, tools, advise) {
    const { user: username, identityFiles, identitiesOnly, identityAgent } = hop.config;
    const tried = [];
    const skipped = [];
    const files = [];
    const publicKeys = [];
    for (const file of identityFiles) {
        if (file !== hop.identity && !external_node_fs_.existsSync(file))
            continue;
        const cacheKey = JSON.stringify([file, passphrase]);
        const key = readKeys.get(cacheKey) ?? readKey(file, passphrase, tools.parseKey, advise);
        readKeys.set(cacheKey, key);
        const publicKey = typeof key === 'string' ? publicKeyOf(file, tools.parseKey) : key;
        if (publicKey !== undefined)
            publicKeys.push(publicKey.getPublicSSH());
        if (typeof key !== 'string') {
            files.push({ file, key });
        }
        else if (file === hop.identity) {
            throw new errors/* UpdateError */.mp(`the identity ${file} ${key}; nothing was changed`);
        }
        else {
            skipped.push(`${file} was passed over: it ${key}`);
        }
    }
    for (const certificate of certificatesOf(hop)) {
        skipped.push(`${certificate} was not offered: OpenSSH certificates are not supported (see the README)`);
    }
    const methods = [];
    if (identityAgent && !(identitiesOnly && publicKeys.length === 0)) {
        const agent = answering(tools.createAgent(identityAgent));
        methods.push({
            type: 'agent',
            username,
            agent: identitiesOnly ? onlyKeys(agent, publicKeys) : agent,
        });
        tried.push(`the agent's keys (${identityAgent})${identitiesOnly ? ' that are one of the key files (IdentitiesOnly)' : ''}`);
    }
    for (const { file, key } of files) {
        methods.push({ type: 'publickey', username, key });
        tried.push(file);
    }
    if (methods.length === 0) {
        methods.push({ type: 'none', username });
        tried.push('no key (no agent, no --identity, no usable key file)');
    }
    let next = 0;
    return {
        // `false` ends the login, failed: ssh2 takes it, its types do not say so.
        authHandler: (_left, _partial, callback) => callback(methods[next++] ?? false),
        tried,
        skipped,
    };
}
/** The private key in `file`, or why it cannot be used (said after "the identity FILE"). */
function readKey(file, passphrase, parse, advise) {
    let data;
    try {
        data = readAtMost(file, KEY_FILE_LIMIT);
    }
    catch (error) {
        return `cannot be read (${(0,errors/* errnoCode */.UK)(error) ?? error.message})`;
    }
    if (data === undefined)
        return `is over ${KEY_FILE_LIMIT / 1024} KiB: not a key file`;
    let parsed = parse(data);
    if (parsed instanceof Error && /no passphrase given/.test(parsed.message)) {
        if (passphrase === undefined) {
            return `is encrypted, and no passphrase was given (${passphraseSources(advise)}; or add the key to an agent with ssh-add)`;
        }
        parsed = parse(data, passphrase);
        if (parsed instanceof Error)
            return 'is encrypted, and the passphrase given does not decrypt it';
    }
    if (parsed instanceof Error) {
        return `is not a private key this client can read (${parsed.message})`;
    }
    const key = Array.isArray(parsed) ? parsed[0] : parsed;
    return key?.isPrivateKey() ? key : 'is not a private key (a public key?)';
}
/** The public half of a key file that cannot be used itself, from FILE.pub, as ssh reads it. */
function publicKeyOf(file, parse) {
    let parsed;
    try {
        parsed = parse(external_node_fs_.readFileSync(`${file}.pub`));
    }
    catch {
        return undefined;
    }
    return parsed instanceof Error ? undefined : Array.isArray(parsed) ? parsed[0] : parsed;
}
/**
 * The agent, each of its connections ended after AGENT_ANSWER_MS without an answer, and never
 * one that keeps the process alive. ssh2's OpenSSH agent opens a connection per request
 * (getStream), and ends the request as failed when that connection closes.
 */
function answering(agent) {
    const open = agent.getStream;
    if (open === undefined)
        return agent;
    const bounded = Object.create(agent);
    bounded.getStream = (callback) => open.call(bounded, (error, stream) => {
        stream?.setTimeout(AGENT_ANSWER_MS, () => stream.destroy()).unref();
        callback(error, stream);
    });
    return bounded;
}
/** The agent's keys narrowed to `allowed` (IdentitiesOnly); it still signs with them itself. */
function onlyKeys(agent, allowed) {
    // A child of the agent object: ssh2 takes it for an agent, and it inherits sign().
    const narrowed = Object.create(agent);
    narrowed.getIdentities = (callback) => agent.getIdentities((error, keys) => callback(error, keys?.filter((key) => allowed.some((blob) => blob.equals(key.getPublicSSH())))));
    return narrowed;
}
/** The certificates ssh would offer: CertificateFile, and FILE-cert.pub beside each key file. */
function certificatesOf(hop) {
    const { certificateFiles, identityFiles } = hop.config;
    const beside = identityFiles.map((file) => `${file}-cert.pub`);
    return [...new Set([...certificateFiles, ...beside])].filter((file) => external_node_fs_.existsSync(file));
}

// EXTERNAL MODULE: ./lib/transport/sftp/known-hosts.js
var known_hosts = __webpack_require__(9002);
;// CONCATENATED MODULE: ./lib/transport/sftp/watchdog.js
/**
 * The deadline of every request to the server: a channel that has requests outstanding and
 * answers none of them for HUNG_AFTER_MS, or for HUNG_AFTER_OPENS times what opening the SFTP
 * channel took (about three round trips) where that is longer, is taken for hung, and the
 * connection is closed: every request still on the way fails as lost (a channel that can be
 * closed alone, the guard's, is closed alone: see Requests.hangUp). This is what a server
 * whose filesystem hangs (a hard NFS mount) looks like: sshd itself still answers keep-alives,
 * its sftp-server nothing. sftp-server answers its requests one after another, so on a healthy
 * server replies keep coming for as long as requests are outstanding; a single request that
 * takes the server 10 s is a hung server for any purpose of ours.
 */
const HUNG_AFTER_MS = 10000;
const HUNG_AFTER_OPENS = 10;
/**
 * Once a stop is asked (a signal), a channel that answers nothing for this long is not waited
 * for: the run must end within 2 s of the signal. A healthy server answers well within it, and
 * the engine then stops between two chunks and switches back.
 */
const STOP_GRACE_MS = 1000;
/** How often the watchdog looks: a deadline is met within one look of its time. */
const LOOK_EVERY_MS = 250;
/** One channel's requests as the watchdog sees them; its user says when each leaves and returns. */
class Requests {
    channel;
    outstanding = 0;
    /** Set by an answer, cleared by each look: silence is the time between looks without one. */
    answered = false;
    silentMs = 0;
    /**
     * Closes this channel alone, where that is enough (the guard's, from its SFTP INIT on): the
     * connection, and the switch's channel on it, live on to release the lock. `signal` names the
     * stop that the channel did not answer in time, if one did.
     */
    hangUp;
    constructor(channel) {
        this.channel = channel;
    }
    sent() {
        // From idle, the silence counts from this request, not from the last answer.
        if (this.outstanding++ === 0)
            this.answered = true;
    }
    done() {
        this.outstanding--;
        this.answered = true;
    }
}
/**
 * Looks at the channels of one connection every LOOK_EVERY_MS and calls `hung` once, with why
 * and the signal that asked for a stop (if one did), when one has been silent too long. Its
 * timer never keeps the process alive; stop() ends it.
 */
class Watchdog {
    hung;
    signal;
    channels = [];
    timer;
    last = performance.now();
    limitMs = HUNG_AFTER_MS;
    stopAsked = false;
    constructor(hung, signal) {
        this.hung = hung;
        this.signal = signal;
        this.timer = setInterval(() => this.look(), LOOK_EVERY_MS);
        this.timer.unref();
        signal?.addEventListener('abort', this.onStop);
    }
    track(channel) {
        const requests = new Requests(channel);
        this.channels.push(requests);
        return requests;
    }
    /** Scales the deadline to the link, from the time the SFTP channel took to open. */
    measured(openMs) {
        this.limitMs = Math.max(HUNG_AFTER_MS, Math.round(HUNG_AFTER_OPENS * openMs));
    }
    stop() {
        clearInterval(this.timer);
        this.signal?.removeEventListener('abort', this.onStop);
    }
    /** The server gets a full grace from the stop, whatever silence came before it. */
    onStop = () => {
        this.stopAsked = true;
        this.last = performance.now();
        for (const requests of this.channels)
            requests.silentMs = 0;
    };
    look() {
        const now = performance.now();
        // A look made late (this process was busy, or stopped) counts as one on time: the silence
        // measured is the server's, not a stall of our own event loop.
        const elapsed = Math.min(now - this.last, 2 * LOOK_EVERY_MS);
        this.last = now;
        const limit = this.stopAsked ? STOP_GRACE_MS : this.limitMs;
        for (const requests of this.channels) {
            const silent = requests.outstanding > 0 && !requests.answered;
            requests.silentMs = silent ? requests.silentMs + elapsed : 0;
            requests.answered = false;
            if (requests.silentMs < limit)
                continue;
            const waiting = `${requests.outstanding} ${requests.outstanding === 1 ? 'request' : 'requests'}`;
            const seconds = `${Math.round(limit / 100) / 10} s`;
            const signal = this.stopAsked ? String(this.signal?.reason) : undefined;
            const why = signal
                ? `stopped by ${signal}, and the server answered nothing on ${requests.channel} for ` +
                    `${seconds} after it (${waiting} waiting)`
                : `the server stopped answering: nothing came back on ${requests.channel} for ` +
                    `${seconds} with ${waiting} waiting`;
            // The guard's channel silent after a stop: closing the connection for it left the lock on
            // the server, the switch's channel still answering (exit 3, the signal only in a note).
            if (requests.hangUp) {
                requests.hangUp(`${why}, so that channel was closed`, signal);
                continue;
            }
            this.stop();
            this.hung(`${why}, so the connection was closed`, signal);
            return;
        }
    }
}

;// CONCATENATED MODULE: ./lib/transport/sftp/hops.js









/** A dead server or network fails the run within seconds: 3 keep-alives 2 s apart unanswered. */
const KEEPALIVE_MS = 2000;
const KEEPALIVE_MISSES = 3;
/** The whole handshake (key exchange, host key check, login), unless ConnectTimeout says. */
const CONNECT_TIMEOUT_MS = 20000;
/**
 * First connections opened early, by the hop they reach (see leaseKey), until taken: one a hop,
 * as the jump host's connection is one for the run.
 */
const opening = new Map();
/**
 * Reads the known hosts of every hop of `route` (a hop that cannot be checked fails here,
 * before any connection is opened), then opens the first hop's connection at once, unless one
 * is open or opening already: ssh2 takes 60 to 80 ms to load, in which the server starts its
 * session and sends its greeting (sshd took 20 to 40 ms here, through a 10 ms proxy). Nothing
 * is sent on it before reach() has checked the keys to log in with.
 */
function approach(route) {
    const checks = route.map(hostKeyCheck);
    const first = route[0];
    const key = leaseKey([first]);
    if (first.proxyCommand || shared.has(key) || opening.has(key)) {
        return { route, checks, drop: () => undefined };
    }
    const socket = external_node_net_.connect({ host: first.config.hostname, port: first.config.port });
    // Until ssh2 takes it: a failure is then met again, and said, by a connection of its own.
    socket.on('error', () => undefined);
    opening.set(key, socket);
    return {
        route,
        checks,
        drop: () => {
            if (opening.get(key) !== socket)
                return;
            opening.delete(key);
            socket.destroy();
        },
    };
}
/**
 * Connects to the last hop of the route through the others, each hop's host key checked and
 * each logged in on its own. A jump host is shared: routes that pass through the same hops in
 * one run use one connection to them, closed when the last of its users closes. Keys of every
 * hop are read before anything is sent, so a hop that cannot be logged in to fails the run
 * first. Every way out of a failed connect leaves nothing behind (sockets, commands, timers)
 * that keeps the process alive.
 */
async function reach({ route, checks }, run) {
    const prepared = route.map((hop, index) => ({
        hop,
        check: checks[index],
        login: identities(hop, run.passphrase, run.keys, run.advise),
    }));
    return reachFrom(prepared, run);
}
async function reachFrom(route, run) {
    const last = route[route.length - 1];
    if (route.length === 1) {
        return logIn(last, last.hop.proxyCommand ? commandTransport(last.hop) : socketTransport(last.hop), run);
    }
    const { link: jump, release } = await lease(route.slice(0, -1), run);
    let transport;
    try {
        transport = await forwarded(jump, last.hop, release, run);
    }
    catch (error) {
        release();
        throw error;
    }
    const link = await logIn(last, transport, run);
    return {
        ...link,
        notes: [...jump.notes, ...link.notes],
        // The connection ends with the jump host's: why that one ended is the news.
        ended: () => {
            const own = link.ended();
            const under = jump.ended();
            if (own === undefined || under === undefined)
                return own;
            return { ...own, reason: `${own.reason} (the jump host ${jump.hop.name}: ${under.reason})` };
        },
    };
}
/** The jump hosts' connections of this run, by the hops they pass: shared, counted. */
const shared = new Map();
/** What tells the connections to the last of `route` one from another. */
function leaseKey(route) {
    return JSON.stringify(route.map((hop) => [hop.config, hop.knownHosts, hop.identity, hop.proxyCommand]));
}
/** A connection to the last of `route`, shared with every other user of the same hops. */
async function lease(route, run) {
    const key = leaseKey(route.map(({ hop }) => hop));
    let entry = shared.get(key);
    if (entry === undefined) {
        const created = { link: reachFrom(route, run), users: 0 };
        const forget = () => {
            if (shared.get(key) === created)
                shared.delete(key);
        };
        // A lost connection is not handed out again: the next user makes a new one.
        created.link.then((link) => link.lost.catch(forget), forget);
        shared.set(key, created);
        entry = created;
    }
    const mine = entry;
    mine.users++;
    let released = false;
    const release = () => {
        if (released)
            return;
        released = true;
        if (--mine.users > 0)
            return;
        if (shared.get(key) === mine)
            shared.delete(key);
        mine.link.then((link) => link.close(), () => undefined);
    };
    try {
        return { link: await untilStopped(mine.link, run.signal), release };
    }
    catch (error) {
        release();
        throw error;
    }
}
/**
 * Logs in over `transport`: the host key checked before anything is sent on the connection,
 * then each way of logging in tried in turn. Rejects with an Error that says why, in words about
 * `hop` (an InterruptedError when stopped); the transport is destroyed then.
 */
async function logIn({ hop, check, login }, transport, run) {
    const { config } = hop;
    const notes = [...hop.notes, ...check.notes, ...login.skipped];
    const client = new run.Client();
    // ssh2 may emit more than one error (a failed handshake, then the socket): each is reported
    // where it is awaited; an unheard one must not end the process.
    client.on('error', () => undefined);
    let hostKeyProblem;
    let ended;
    const watchdog = new Watchdog((reason, by) => {
        ended ??= { reason, signal: by };
        transport.destroy();
    }, run.signal);
    const keepalive = config.serverAliveInterval > 0;
    const connectConfig = {
        sock: transport.stream,
        username: config.user,
        readyTimeout: config.connectTimeout ? config.connectTimeout * 1000 : CONNECT_TIMEOUT_MS,
        keepaliveInterval: keepalive ? config.serverAliveInterval * 1000 : KEEPALIVE_MS,
        keepaliveCountMax: keepalive ? config.serverAliveCountMax : KEEPALIVE_MISSES,
        ...(check.algorithms && { algorithms: { serverHostKey: check.algorithms } }),
        hostVerifier: (key) => {
            hostKeyProblem = check.judge(key);
            return hostKeyProblem === undefined;
        },
        authHandler: login.authHandler,
    };
    const handshake = new Promise((resolve, reject) => {
        client.once('ready', () => resolve());
        client.on('error', (error) => {
            // The agent failing is one method failing: the next is tried.
            if (error.level === 'agent')
                notes.push(`the agent could not be used: ${error.message}`);
            else
                reject(error);
        });
        client.once('close', () => reject(new Error('the connection closed during the handshake')));
        client.connect(connectConfig);
    });
    try {
        await untilStopped(handshake, run.signal);
    }
    catch (error) {
        watchdog.stop();
        transport.destroy();
        if (error instanceof errors/* InterruptedError */.p4)
            throw error;
        const said = transport.said?.();
        const reason = hostKeyProblem ??
            (/authentication methods failed/.test(error.message)
                ? `the server accepted no identity (tried ${login.tried.join(', ')})` +
                    login.skipped.map((skip) => `; ${skip}`).join('')
                : error.message) +
                (said ? `; the ProxyCommand (${hop.proxyCommand?.source}) said: ${said}` : '');
        throw new Error(aboutHop(hop, reason));
    }
    const lost = new Promise((_, reject) => {
        const gone = () => {
            ended ??= { reason: 'the connection was lost' };
            watchdog.stop();
            reject(new Error(ended.reason));
        };
        client.once('close', gone);
        client.once('end', gone);
        // An error after the handshake (a reset, keep-alives unanswered) ends the connection.
        client.on('error', (error) => {
            ended ??= { reason: `the connection was lost (${error.message})` };
        });
    });
    lost.catch(() => undefined);
    return {
        hop,
        client,
        watchdog,
        lost,
        ended: () => ended,
        notes: hop.jump ? notes.map((note) => `the jump host ${hop.name}: ${note}`) : notes,
        streams: transport.streams,
        close: () => {
            watchdog.stop();
            client.end();
            transport.close();
        },
    };
}
/** A reason about `hop`, as the target's connect message takes it. */
function aboutHop(hop, reason) {
    if (!hop.jump)
        return reason;
    return `the jump host ${hop.name} (${hop.config.hostname} port ${hop.config.port}): ${reason}`;
}
/**
 * Our own socket, so that writes can be held and sent together (batchWrites), and so that
 * every way out can destroy it: ssh2 never learns of it when its config is refused.
 */
function socketTransport(hop) {
    const key = leaseKey([hop]);
    const early = opening.get(key);
    opening.delete(key);
    const socket = early !== undefined && !early.destroyed
        ? early
        : external_node_net_.connect({ host: hop.config.hostname, port: hop.config.port });
    // ssh2 writes a packet in several pieces; with Nagle's algorithm on, each piece after the
    // first waits for the server's delayed ACK (40 ms on Linux), at every round trip.
    socket.setNoDelay(true);
    wholePackets(socket);
    return {
        stream: socket,
        streams: [socket],
        destroy: () => socket.destroy(),
        // Everything is said once the goodbye is written: the process need not wait for the
        // server's, a round trip and sshd's teardown later (15 to 35 ms through a jump host at 10 ms
        // a hop), for which ssh2 held it with its keep-alive timer until the socket closed. Closing
        // the socket closes every channel carried on it: the connections through it end with it.
        close: () => {
            socket.unref();
            socket.end(() => socket.destroy());
        },
    };
}
/**
 * The hop's ProxyCommand, run as ssh runs it (`exec COMMAND` by the shell), SSH spoken over its
 * stdin and stdout. It runs in a process group of its own, which every way out ends (SIGHUP, as
 * ssh ends it), a second stop signal or a crash included.
 */
function commandTransport(hop) {
    const child = (0,external_node_child_process_.spawn)('/bin/sh', ['-c', `exec ${hop.proxyCommand?.value}`], {
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: true,
    });
    let said = '';
    child.stderr.on('data', (chunk) => {
        said = (said + chunk.toString()).slice(-4000);
    });
    // A command that cannot start, or ends, is seen by ssh2 as the stream ending.
    child.on('error', () => undefined);
    const stream = external_node_stream_.Duplex.from({ readable: child.stdout, writable: child.stdin });
    const end = () => {
        forget();
        try {
            if (child.pid !== undefined)
                process.kill(-child.pid, 'SIGHUP');
        }
        catch {
            // It has ended already.
        }
        child.unref();
        for (const pipe of [child.stdin, child.stdout, child.stderr])
            pipe.destroy();
    };
    const forget = (0,stop_signals/* atLastSignal */.ao)(end);
    return {
        stream,
        streams: [stream],
        destroy: end,
        close: end,
        said: () => said.trim().split('\n').slice(-2).join(' '),
    };
}
/**
 * A channel from the jump host to `hop` (direct-tcpip, as `ssh -W`): the jump host connects to
 * the hop's HostName and Port as it resolves them. `release` lets the jump host go when the
 * channel is closed.
 */
async function forwarded(jump, hop, release, run) {
    const { hostname, port } = hop.config;
    const opening = jump.watchdog.track(`the jump host's channel to ${hostname} port ${port}`);
    opening.sent();
    const channel = await untilStopped(Promise.race([
        new Promise((resolve, reject) => jump.client.forwardOut('127.0.0.1', 0, hostname, port, (error, stream) => error ? reject(error) : resolve(stream))),
        jump.lost,
    ]).finally(() => opening.done()), run.signal).catch((error) => {
        if (error instanceof errors/* InterruptedError */.p4)
            throw error;
        throw new Error(aboutHop(jump.hop, `it could not open a channel to ${hostname} port ${port} (${error.message})`));
    });
    // A channel writes each write in a packet of its own: pieces held together go as one.
    const gathering = channel;
    gathering._writev = (chunks, callback) => channel._write(Buffer.concat(chunks.map(({ chunk }) => chunk)), 'buffer', callback);
    wholePackets(channel);
    return {
        stream: channel,
        streams: [channel, ...jump.streams],
        destroy: () => {
            channel.destroy();
            release();
        },
        close: release,
    };
}
/**
 * Has `stream` take each SSH packet ssh2 writes to it in one write. Without its native binding
 * (npm here runs no install scripts), ssh2 writes a packet in three pieces: its length, its
 * body, its MAC. On a socket that was three system calls a packet; through a jump host, three
 * channel packets, each encrypted and written in three pieces in turn: nine system calls and
 * four encryptions for one lookup (7,260 writes in a run on ten hosts; 869 now). A packet
 * begins with its 4-byte length, and no other piece is 4 bytes long (a packet is at least 16):
 * what was held goes when the next packet begins, the last at the end of the event loop's
 * turn, so that each packet (each of the guard's lookups) still leaves on its own.
 */
function wholePackets(stream) {
    const write = stream.write;
    let holding = false;
    let flushing = false;
    const flush = () => {
        flushing = false;
        if (!holding)
            return;
        holding = false;
        stream.uncork();
    };
    stream.write = function (...args) {
        if (args[0].length === 4)
            flush();
        if (!holding) {
            holding = true;
            stream.cork();
        }
        if (!flushing) {
            flushing = true;
            process.nextTick(flush);
        }
        return write.apply(this, args);
    };
}
/**
 * The hop's host key check, from its known_hosts files or its fingerprints. A host with no key
 * that can be checked is refused here, before anything is sent.
 */
function hostKeyCheck(hop) {
    const { config, fingerprints } = hop;
    // As ssh looks a host up: under HostKeyAlias alone, or its name with the port unless 22.
    const name = config.hostKeyAlias ?? config.hostname;
    const port = config.hostKeyAlias === undefined ? config.port : 22;
    const label = port === 22 ? name : `[${name}]:${port}`;
    if (fingerprints !== undefined) {
        return {
            judge: (blob) => fingerprints.includes((0,known_hosts/* fingerprintOf */.ax)(blob))
                ? undefined
                : `the host key of ${label} (${(0,known_hosts/* blobType */.a1)(blob)} ${(0,known_hosts/* fingerprintOf */.ax)(blob)}) has none of ` +
                    `the fingerprints given (${fingerprints.join(', ')})`,
            notes: [],
        };
    }
    const files = hop.knownHosts.flatMap((file) => {
        const text = readIfThere(file);
        return text === undefined ? [] : [{ file, text }];
    });
    const known = (0,known_hosts/* hostKeysIn */.Wc)(files, name, port);
    const notes = known.skipped.map((line) => `${line}: passed over`);
    const read = files.map(({ file }) => file);
    const where = read.length > 0 ? read.join(', ') : `any known_hosts file (${hop.knownHosts.join(', ')})`;
    if (known.keys.length === 0) {
        throw new Error(aboutHop(hop, unknownHost(label, where, known.revoked, notes)));
    }
    return {
        algorithms: (0,known_hosts/* hostKeyAlgorithms */.Qb)(known.keys),
        judge: (blob) => {
            const verdict = (0,known_hosts/* judgeHostKey */.Tx)(known, blob);
            if (verdict === 'accepted')
                return undefined;
            return verdict === 'revoked'
                ? `the host key of ${label} is marked @revoked in ${where}`
                : `the host key of ${label} does not match ${where} (changed, or another host)`;
        },
        notes,
    };
}
/** Why a host with no usable key in known_hosts is refused before anything is sent. */
function unknownHost(host, where, revoked, notes) {
    const passedOver = notes.map((note) => `; ${note}`).join('');
    if (revoked.length > 0)
        return `${host} has only @revoked keys in ${where}, so nothing was sent${passedOver}`;
    return ((notes.length > 0
        ? `${host} has no key in ${where} that this client can check`
        : `${host} is not in ${where}: its host key cannot be checked`) +
        `, so nothing was sent; add its line (ssh-keyscan, checked out of band)${passedOver}`);
}
/** `work`, or an InterruptedError as soon as `signal` asks for a stop. */
function untilStopped(work, signal) {
    if (signal === undefined)
        return work;
    let onAbort = () => undefined;
    const stop = new Promise((_, reject) => {
        onAbort = () => reject(new errors/* InterruptedError */.p4('stopped', String(signal.reason)));
        if (signal.aborted)
            onAbort();
        signal.addEventListener('abort', onAbort, { once: true });
    });
    return Promise.race([work, stop]).finally(() => signal.removeEventListener('abort', onAbort));
}
/** Larger than any known_hosts file: /dev/zero, or a device, is passed over as unreadable. */
const KNOWN_HOSTS_LIMIT = 64 * 1024 * 1024;
/**
 * A known_hosts file's text, or undefined when it cannot be read (as ssh passes over a missing
 * one) or is larger than any known_hosts file (/dev/zero).
 */
function readIfThere(file) {
    try {
        return readAtMost(file, KNOWN_HOSTS_LIMIT)?.toString('utf8');
    }
    catch {
        return undefined;
    }
}

;// CONCATENATED MODULE: ./lib/transport/sftp/lookups.js
/** SFTP version 3 (draft-ietf-secsh-filexfer-02): the packets the guard sends and reads. */
const FXP_INIT = 1;
const FXP_VERSION = 2;
const FXP_LSTAT = 7;
const FXP_STATUS = 101;
const FXP_ATTRS = 105;
/** Status codes with a name worth saying when the server sends no message. */
const STATUS_NAMES = ['OK', 'EOF', 'no such file', 'permission denied', 'failure'];
/** Larger than any answer to lstat or version: a length beyond it is a stream out of step. */
const MAX_ANSWER = 256 * 1024;
/**
 * lstat spoken on an SFTP channel directly: each lookup is a packet made from its path's
 * template (only the request id changes), and a whole wave goes out in one write, which ssh2
 * sends as one SSH packet per 32 KiB, hundreds of lookups in each. Through ssh2's SFTP client
 * each lookup was a packet of its own, encrypted on its own (twice through a jump host), and
 * cost this processor about 64 µs (1,024 sent in 66 ms): the client, not the server, bounded
 * the rate (4.2 lookups a ms at 200 ms RTT; one sftp-server answers 31 to 39 a ms raw).
 */
class Lookups {
    channel;
    answered;
    templates;
    /** The index of each lookup on the way, by request id. */
    pending = new Map();
    id = 0;
    rest;
    ended;
    constructor(channel, paths, answered) {
        this.channel = channel;
        this.answered = answered;
        this.templates = paths.map((file) => {
            const name = Buffer.from(file);
            const packet = Buffer.alloc(13 + name.length);
            packet.writeUInt32BE(packet.length - 4, 0);
            packet[4] = FXP_LSTAT;
            packet.writeUInt32BE(name.length, 9);
            name.copy(packet, 13);
            return packet;
        });
    }
    /**
     * Reports each answer to `answered`, and once to `ended` why the channel can no longer
     * answer (closed, or an answer that makes no sense).
     */
    static on(channel, paths, answered, ended) {
        const lookups = new Lookups(channel, paths, answered);
        lookups.ended = ended;
        const { stream } = channel;
        stream.on('data', (chunk) => lookups.read(chunk));
        const closed = () => lookups.end("the guard's SFTP channel closed");
        stream.once('close', closed);
        stream.once('end', closed);
        stream.on('error', (error) => lookups.end(error.message));
        channel.requests.hangUp = (reason) => lookups.close(reason);
        return lookups;
    }
    /** The seq the next lookup sent will have (see Answered). */
    get nextSeq() {
        return this.id;
    }
    /** Sends a lookup of each of `indexes` in one write. */
    send(indexes) {
        let length = 0;
        for (const index of indexes)
            length += this.templates[index].length;
        const out = Buffer.allocUnsafe(length);
        let at = 0;
        for (const index of indexes) {
            const template = this.templates[index];
            template.copy(out, at);
            const id = this.id;
            this.id = (this.id + 1) >>> 0;
            out.writeUInt32BE(id, at + 5);
            this.pending.set(id, index);
            at += template.length;
            this.channel.requests.sent();
        }
        this.channel.stream.write(out);
    }
    read(chunk) {
        const data = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
        this.rest = undefined;
        let at = 0;
        while (data.length - at >= 4) {
            const length = data.readUInt32BE(at);
            if (length < 5 || length > MAX_ANSWER) {
                this.end(`the guard's SFTP channel sent a packet of ${length} bytes, out of step`);
                return;
            }
            if (data.length - at - 4 < length)
                break;
            const packet = data.subarray(at + 4, at + 4 + length);
            at += 4 + length;
            if (!this.take(packet))
                return;
        }
        if (at < data.length)
            this.rest = Buffer.from(data.subarray(at));
    }
    /** One packet from the server; false once the channel is taken for lost. */
    take(packet) {
        const type = packet[0];
        const id = packet.readUInt32BE(1);
        const index = this.pending.get(id);
        if (index === undefined || (type !== FXP_ATTRS && type !== FXP_STATUS)) {
            this.end(`the guard's SFTP channel sent an answer (type ${type}) to no lookup of its own`);
            return false;
        }
        this.pending.delete(id);
        this.channel.requests.done();
        if (type === FXP_ATTRS) {
            this.answered(index, 0, '', id, foundIn(packet));
            return true;
        }
        const status = packet.length >= 9 ? packet.readUInt32BE(5) : -1;
        const said = packet.length >= 13 ? packet.readUInt32BE(9) : 0;
        const message = said > 0 && packet.length >= 13 + said
            ? packet.toString('utf8', 13, 13 + said)
            : (STATUS_NAMES[status] ?? `status ${status}`);
        // A status that says OK answers no lstat: not a sighting, not a look either.
        this.answered(index, status === 0 ? -1 : status, message, id);
        return true;
    }
    /** Hangs up on a channel that stopped answering: `reason` is why, for `ended`. */
    close(reason) {
        this.end(reason);
        this.channel.stream.destroy();
    }
    /**
     * Once: the lookups still on the way will never be answered, and the watchdog waits for them
     * no more (it would take the silence for a hung server and close the connection, the
     * switch's channel with it).
     */
    end(reason) {
        if (!this.ended)
            return;
        const ended = this.ended;
        this.ended = undefined;
        for (let i = this.pending.size; i > 0; i--)
            this.channel.requests.done();
        this.pending.clear();
        ended(reason);
    }
}
const ATTR_SIZE = 0x1;
const ATTR_UIDGID = 0x2;
const ATTR_PERMISSIONS = 0x4;
const ATTR_ACMODTIME = 0x8;
const TYPES = {
    0o120000: 'symlink',
    0o100000: 'file',
    0o040000: 'directory',
};
/** The type and mtime an ATTRS packet (type, id, then the attributes) tells. */
function foundIn(packet) {
    if (packet.length < 9)
        return { type: 'unknown' };
    const flags = packet.readUInt32BE(5);
    let at = 9;
    if (flags & ATTR_SIZE)
        at += 8;
    if (flags & ATTR_UIDGID)
        at += 8;
    let type = 'unknown';
    if (flags & ATTR_PERMISSIONS) {
        if (packet.length < at + 4)
            return { type };
        type = TYPES[packet.readUInt32BE(at) & 0o170000] ?? 'other';
        at += 4;
    }
    if (!(flags & ATTR_ACMODTIME) || packet.length < at + 8)
        return { type };
    return { type, mtime: packet.readUInt32BE(at + 4) };
}
/**
 * Starts SFTP on `stream`, a session channel running the `sftp` subsystem: INIT, and the
 * server's VERSION (one round trip). Rejects if the server does not speak version 3 or the
 * channel ends first.
 */
function startSftp(stream) {
    return new Promise((resolve, reject) => {
        let got = Buffer.alloc(0);
        const done = (error) => {
            stream.off('data', read);
            stream.off('close', closed);
            stream.off('error', done);
            if (error)
                reject(error);
            else
                resolve();
        };
        const read = (chunk) => {
            got = Buffer.concat([got, chunk]);
            if (got.length < 9)
                return;
            const length = got.readUInt32BE(0);
            if (got[4] !== FXP_VERSION || length > MAX_ANSWER) {
                done(new Error(`the server answered SFTP's INIT with a packet of type ${got[4]}`));
            }
            else if (got.length >= 4 + length) {
                const version = got.readUInt32BE(5);
                done(version === 3 ? undefined : new Error(`the server speaks SFTP version ${version}`));
            }
        };
        const closed = () => done(new Error('the channel closed before SFTP started'));
        stream.on('data', read);
        stream.once('close', closed);
        stream.once('error', done);
        stream.write(Buffer.from([0, 0, 0, 5, FXP_INIT, 0, 0, 0, 3]));
    });
}

;// CONCATENATED MODULE: ./lib/transport/sftp/connect.js







/**
 * Connects to the target, through its jump hosts or ProxyCommand if it has any (hops.ts), each
 * hop's host key checked before anything is sent to it and each logged in with its own keys,
 * and opens an SFTP channel. ssh2 is loaded here, so local runs never pay for it. `signal` ends
 * the connecting at once (an InterruptedError), and once connected has the watchdog stop
 * waiting for a silent server. Every way out of a failed connect leaves nothing behind that
 * keeps the process alive. A config that cannot be followed is a UsageError, before anything
 * is sent.
 */
async function connect(target, signal) {
    const route = (0,ssh_route/* planRoute */.Z)(target);
    const { config } = route[route.length - 1];
    const { host } = (0,ssh_target/* splitDestination */.RG)(target.destination);
    const where = `${config.user}@${target.destination.slice(target.destination.lastIndexOf('@') + 1)}:${target.path}`;
    const address = config.hostname === host ? `port ${config.port}` : `${config.hostname} port ${config.port}`;
    const stopped = () => new errors/* InterruptedError */.p4(`stopped by ${signal?.reason} while connecting to ${where}; nothing was changed`, String(signal?.reason));
    if (signal?.aborted)
        throw stopped();
    const failed = (error, reason = error.message) => {
        if (error instanceof errors/* InterruptedError */.p4)
            return stopped();
        if (error instanceof errors/* AtomicLinkError */.G7)
            return error;
        return new errors/* UpdateError */.mp(`cannot connect to ${where} (${address}): ${reason}; nothing was changed`);
    };
    let approached;
    try {
        approached = approach(route);
    }
    catch (error) {
        throw failed(error);
    }
    let link;
    try {
        // ssh2's poly1305 (emscripten output) reads CommonJS's __dirname, which this ES module
        // bundle lacks; it only builds a path to a file it never reads (its wasm is inline).
        const scope = globalThis;
        scope.__dirname ??= external_node_path_.dirname((0,external_node_url_.fileURLToPath)(import.meta.url));
        const { Client, utils, createAgent } = (await __webpack_require__.e(/* import() */ 472).then(__webpack_require__.t.bind(__webpack_require__, 5472, 19))).default;
        if (signal?.aborted)
            throw stopped();
        link = await reach(approached, {
            Client,
            keys: { parseKey: utils.parseKey, createAgent },
            passphrase: target.passphrase,
            advise: target.advise,
            signal,
        }).catch((error) => {
            throw failed(error);
        });
    }
    finally {
        approached.drop();
    }
    const { client, watchdog, lost, notes } = link;
    const opening = watchdog.track('the connection (opening a channel)');
    const openChannel = async (name) => {
        opening.sent();
        const sftp = await Promise.race([
            new Promise((resolve, reject) => client.sftp((error, sftp) => (error ? reject(error) : resolve(sftp)))),
            lost,
        ]).finally(() => opening.done());
        return { sftp, requests: watchdog.track(name) };
    };
    const openLookups = async (name) => {
        opening.sent();
        const asked = performance.now();
        const stream = await Promise.race([
            new Promise((resolve, reject) => client.subsys('sftp', (error, stream) => (error ? reject(error) : resolve(stream)))),
            lost,
        ]).finally(() => opening.done());
        // SFTP's INIT is awaited on that channel: left unanswered, that channel alone is closed.
        // Counted as the connection's, the stop's grace (or 10 s) closed the connection for it,
        // leaving the lock and the new links on the server though the switch's channel answered.
        const requests = watchdog.track(name);
        requests.sent();
        await Promise.race([
            new Promise((resolve, reject) => {
                requests.hangUp = (reason, stoppedBy) => {
                    stream.destroy();
                    reject(stoppedBy ? new errors/* InterruptedError */.p4(reason, stoppedBy) : new Error(reason));
                };
                startSftp(stream).then(resolve, reject);
            }),
            lost,
        ]).finally(() => {
            requests.done();
            requests.hangUp = undefined;
        });
        return { stream, requests, openMs: performance.now() - asked };
    };
    const openedAt = performance.now();
    const opened = openChannel('the SFTP channel');
    // The guard's channel is asked for right behind the first, in the same round trips: opened
    // once the first was ready, its round trips (and the guard's first lookup) were the
    // last thing a fleet's hosts waited for before their switch (ten hosts through a jump host
    // at 10 ms a hop: up to 130 ms after their locks and new links were ready).
    const second = openLookups("the guard's SFTP channel");
    second.catch(() => undefined);
    const main = await untilStopped(opened, signal).catch((error) => {
        link.close();
        const gone = link.ended();
        throw failed(error, gone
            ? `${gone.reason}, opening the SFTP channel`
            : `the server offers no SFTP (${error.message})`);
    });
    // Three round trips (open the channel, start the subsystem, exchange versions): the measure
    // of the link the deadline scales with.
    watchdog.measured(performance.now() - openedAt);
    // ssh2 keeps the extensions of the server's version reply here, and checks them itself.
    const extensions = new Set(Object.keys(main.sftp._extensions));
    let held = false;
    // Each SFTP request is a packet of its own, and each packet a write: 100 lookups were 100
    // system calls (and as many segments for the network and the server to take in).
    const batchWrites = () => {
        if (held)
            return;
        held = true;
        for (const stream of link.streams)
            stream.cork();
        process.nextTick(() => {
            held = false;
            for (const stream of link.streams)
                stream.uncork();
        });
    };
    return {
        main,
        extensions,
        second: () => second,
        batchWrites,
        lost,
        ended: link.ended,
        notes,
        where,
        close: link.close,
    };
}

;// CONCATENATED MODULE: ./lib/transport/sftp/sftp-guard.js

/**
 * The rate at which one OpenSSH sftp-server answers lstat spoken raw, about (measured here:
 * 31 to 39 a ms on loopback, one guard over 200 links; through ssh2's SFTP client, whose cost
 * per lookup bounded it, 11 to 12). Lookups in flight are this times the round trip (the
 * bandwidth-delay product), so that the server's queue never runs dry and the guard's rate
 * does not fall with the round trip; between these bounds.
 */
const SERVER_RATE_PER_MS = 40;
/**
 * A few links need no more than this many looks a millisecond each: a 3 ms gap is looked into
 * several times. More only costs processor time on both ends (one link through a jump host,
 * 1,024 in flight through ssh2's SFTP client: 0.75 s of the client's processor against 0.39 s).
 */
const LINK_RATE_PER_MS = 2;
const MIN_IN_FLIGHT = 128;
/**
 * Lookups in flight also cover this long at that rate beyond the round trip: the server's
 * queue outlasts a pause of this process or of sshd, which on a busy machine is descheduled for
 * milliseconds, just as the renames keep the processors busy. The one 3 ms gap of the eyes
 * bench (made at the first of 20 renames, load 2 to 4 here), caught at loopback in 12 of 30
 * runs with 256 in flight, 22 of 30 with 2,048 (in turns), and 17 of 20 with 4,096; with
 * STALL_MS 40 (2,000 at loopback) in 18 of 20 against 6 of 20 without, in turns. Until twice
 * STALL_MS before the window ends: from then on only the round trip's need, so that the queue
 * drains within the window and stop() does not wait for it.
 */
const STALL_MS = 40;
/**
 * At begin() one slice of lookups goes out ahead of the renames, the rest of the wave right
 * behind them (renamesSent()), or in the next turn of the event loop if no rename follows.
 * All at once ahead of them, 1,024 lookups through ssh2's SFTP client took 66 ms of this
 * processor to send (cold, under load): the renames reached the server as that wave ended, and
 * a 3 ms gap made there just after the first rename fell before the next wave, a round trip
 * later (caught in 4 of 20 runs at 200 ms RTT; 10 of 20 with the wave in slices). Spoken raw a
 * wave costs little, but the renames still go first. Two looks at each link a slice, within
 * these bounds.
 */
const SLICE_MIN = 32;
const SLICE_MAX = 128;
/**
 * The cap: at 200 ms RTT the server's rate needs 10,000 on the way; 8,192 (about 700 KB of
 * requests, within OpenSSH's 2 MiB channel window) made 26.7 lookups a ms there, and a 200-link
 * batch took as long as with 1,024 (4.16 s a run against 4.11 s), which made 4.5 a ms. Through
 * ssh2's SFTP client 8,192 had taken the client's processor from the renames (the batch 8.9 s
 * instead of 1).
 */
const MAX_IN_FLIGHT = 8192;
/**
 * The guards of this process (a fleet's hosts) share SHARED_IN_FLIGHT at the full rate, at
 * least MIN_SHARE each: every answer comes through this one process, which bounds the rate
 * once several look at once; 128 lookups for each of ten hosts only queued, ahead of the
 * renames' answers on the same connections (through one jump host, one TCP stream): the commit
 * of ten hosts took 712 ms against 253 ms shared. A guard's window waits for its per-link
 * minimum all the same. Those standing by count too: a fleet's guards begin one after another
 * in one turn, and counted as they began, the first took 128, the next 64 and so on (382 on
 * the way in all, every one encrypted twice through a jump host, before the first host's
 * renames were sent, 63 ms after its guard began).
 */
const SHARED_IN_FLIGHT = 128;
const MIN_SHARE = 16;
const sharing = new Set();
/**
 * Lookups kept in flight while standing by (prepared, waiting for the switch): enough to show
 * that the server is looking and to notice a connection lost, no load on it; and one at a
 * time, each answer tells the round trip.
 */
const STAND_BY_IN_FLIGHT = 1;
/**
 * The window: from the first rename sent, the guard keeps looking until the last rename is
 * acknowledged and then at least WINDOW_MS more, and until every link was looked up at least
 * PER_LINK times since the first rename (a batch renamed in a millisecond, less than a busy
 * server's time slice, is not left to a handful of lookups). Bounded by MAX_WINDOW_MS.
 */
const WINDOW_MS = 100;
/**
 * A guard whose channel answers nothing for this long (or SILENT_ROUND_TRIPS times its first
 * answer's wait, where that is longer) while lookups are on the way, whether it waits for its
 * first answer, stands by or looks through the window, is taken for hung, and that channel
 * alone is closed: it can vouch for nothing, and the switch's channel, still answering, takes
 * back what the run made (before the switch) and releases the lock. Left to the watchdog, which closes the
 * whole connection after 10 s, the run ended 11 s later with its lock left on the server. On a
 * healthy server answers keep coming while lookups are on the way: the longest silence is the
 * round trip of a wave sent from idle.
 */
const SILENT_AFTER_SWITCH_MS = 2000;
const SILENT_ROUND_TRIPS = 10;
const OPEN_ROUND_TRIPS = 3;
const PER_LINK = 10;
const MAX_WINDOW_MS = 10_000;
const NO_SUCH_FILE = 2;
const UNSTAMPED = -1;
const NOT_OURS = -2;
/**
 * Watches links on the server through a channel of its own (a second sftp-server process,
 * running beside the one that renames), with lstat, which sees the name itself: a dangling
 * link is present, a name in the middle of an unlink-then-create is not. It speaks SFTP on
 * that channel itself (lookups.ts): a wave of lookups costs this processor little, so the
 * server's queue of lookups need never run dry.
 */
class SftpGuard {
    paths;
    all;
    looked = 0;
    missing = 0;
    outstanding = 0;
    next = 0;
    stopping = false;
    blind;
    start = performance.now();
    /** When it began looking at the full rate: the minimum watch counts from there. */
    begun = this.start;
    /** Lookups it would keep on the way alone: the round trip's need (see inFlightFor). */
    wanted;
    /** The shortest round trip seen of a lookup sent alone, in ms. */
    roundTrip = Infinity;
    /** When the one lookup on the way was sent, if it went alone. */
    sentAlone;
    /** Lookups of each link answered since begin(). */
    counts;
    looking = false;
    /** Lookups it may have on the way until the renames are sent (see SLICE_MIN). */
    ramp = Infinity;
    toppingUp = false;
    method = 'sampling';
    sightings = new Map();
    settled;
    lookups;
    /** When the last answer came, or a wave went out with none on the way. */
    lastHeard = performance.now();
    /** How long its first answer took: a round trip, whether or not sent alone. */
    firstAnswerMs = 0;
    /** When stop() was called: the last rename acknowledged. */
    acked = 0;
    /** While it stands by, when it next looks for a silence (see watchStandBy). */
    standingBy;
    /**
     * Each link's stamp (an mtime, in seconds) as our last rename onto it left it; UNSTAMPED
     * when that link bore none, NOT_OURS when we renamed nothing there, or removed what we did
     * (see landed()).
     */
    stamps;
    stamped = false;
    /** The first lookup (by seq) sent once every rename was acknowledged: see stop(). */
    finalFrom = Infinity;
    /** Answers to lookups sent from finalFrom on. */
    finalLooked = 0;
    /**
     * The links it looks at in turn: those that exist, then, from finalFrom on, the new ones
     * too (see `all`).
     */
    cycle;
    /** Each new link's index in `all`. */
    newIndex;
    /** Which links a lookup sent from finalFrom on found there (1), stamp and all. */
    checked;
    replaced = new Map();
    constructor(paths, 
    /**
     * `paths`, then the batch's links that do not exist yet, looked at only once every rename
     * was acknowledged, when they must be there as renamed. Made again by another writer
     * right after, one is another's as surely as one that existed (also one that existed
     * but was missing when the run read it, another writer's gap: it counted as new).
     */
    all, standBy) {
        this.paths = paths;
        this.all = all;
        this.counts = new Uint32Array(paths.length);
        this.cycle = paths.length;
        this.newIndex = new Map(all.slice(paths.length).map((file, at) => [file, paths.length + at]));
        this.stamps = new Float64Array(all.length).fill(NOT_OURS);
        this.checked = new Uint8Array(all.length);
        this.wanted = standBy ? STAND_BY_IN_FLIGHT : MIN_IN_FLIGHT;
        this.looking = !standBy;
        sharing.add(this);
    }
    /** Lookups to keep on the way now: its need, or its share when others look at once. */
    inFlight() {
        if (!this.looking || sharing.size < 2)
            return Math.min(this.wanted, this.ramp);
        return Math.min(this.wanted, this.ramp, Math.max(MIN_SHARE, Math.ceil(SHARED_IN_FLIGHT / sharing.size)));
    }
    /**
     * Resolves once the server has answered a first lookup: from then on it is looking. When
     * `lost` rejects (the watchdog closes a connection whose channel stopped answering), or the
     * channel itself ends, the guard has lost sight, and says so.
     */
    static async start(channel, paths, lost, options = {}) {
        const all = options.newPaths?.length ? [...paths, ...options.newPaths] : paths;
        const guard = new SftpGuard(paths, all, options.standBy ?? false);
        const lostSight = (reason) => {
            guard.goBlind(reason);
            guard.outstanding = 0;
            guard.wake();
        };
        lost.catch((error) => lostSight(error.message));
        guard.lookups = Lookups.on(channel, all, (index, status, message, seq, found) => guard.answered(index, status, message, seq, found), lostSight);
        // Until its first answer tells the round trip, the channel's opening does: three round
        // trips (the channel, its subsystem, SFTP's INIT) and the server's start of sftp-server.
        // Taken whole, a server slow to start it (0.6 to 0.9 s here, under load) was allowed 6 to
        // 9 s of silence before the switch, not 2.
        guard.firstAnswerMs = channel.openMs / OPEN_ROUND_TRIPS;
        guard.topUp();
        await guard.untilHeard(() => guard.looked > 0, 'before the switch');
        guard.firstAnswerMs = performance.now() - guard.start;
        guard.watchStandBy();
        return guard;
    }
    /**
     * From standing by to the full rate: the renames follow these lookups on the connection.
     * Throws when it has already lost sight (its channel closed or answered nonsense while it
     * stood by), so that nothing is switched unwatched (the Watch contract).
     */
    begin() {
        if (this.blind !== undefined)
            throw new Error(`it lost sight of the links: ${this.blind}`);
        if (this.looking || this.stopping)
            return;
        clearTimeout(this.standingBy);
        this.looking = true;
        this.wanted = inFlightFor(this.roundTrip, this.paths.length);
        this.begun = performance.now();
        this.ramp = this.outstanding + Math.min(SLICE_MAX, Math.max(SLICE_MIN, 2 * this.paths.length));
        this.topUp();
        // No rename in this turn: the rest goes out in the next.
        setImmediate(() => this.renamesSent());
    }
    /**
     * The renames are on their way: the rest of the wave follows them to the server at once,
     * once they have left (the store holds a batch's writes until the next tick).
     */
    renamesSent() {
        if (!this.looking || this.ramp === Infinity)
            return;
        this.ramp = Infinity;
        process.nextTick(() => this.topUp());
    }
    /**
     * A rename of ours onto a watched link is acknowledged: the link there now bears `stamp`
     * (the mtime its store gave it), or none. Once every rename is acknowledged, a lookup that
     * finds a stamped link with another mtime, or another kind of file, found a link that
     * another writer made after ours (see stop()).
     */
    landed(rename, stamp) {
        const index = rename.watchIndex ?? this.newIndex.get(rename.to);
        if (index === undefined)
            return;
        this.stamps[index] = stamp ?? UNSTAMPED;
        if (stamp !== undefined)
            this.stamped = true;
    }
    /** A new link of ours is removed (a rollback): from now on it is to be missing. */
    removed(file) {
        const index = this.newIndex.get(file);
        if (index !== undefined)
            this.stamps[index] = NOT_OURS;
    }
    soFar() {
        return { lookups: this.looked, missing: this.missing };
    }
    /**
     * Called once the last rename is acknowledged: keeps looking for the window, stops sending,
     * waits for the lookups on the way (they cover the last renames), reports.
     */
    async stop() {
        clearTimeout(this.standingBy);
        this.acked = performance.now();
        this.finalFrom = this.lookups.nextSeq;
        this.cycle = this.all.length;
        const until = this.acked + WINDOW_MS;
        const limit = this.begun + MAX_WINDOW_MS;
        // The last look at every stamped link is owed past that bound too (bounded as long again
        // from the last acknowledgement): renames that took over 10 s (2,000 links on a starved
        // server) ended the window at once, no link looked at after them, and a link another
        // writer renamed over ours meanwhile went untold (exit 0, "0 of 2000" checked).
        const lastLookLimit = this.acked + MAX_WINDOW_MS;
        // One still standing by watched no rename, and counts no look (only those since begin()
        // do): it would wait out MAX_WINDOW_MS, and a fleet whose host failed while the others
        // stood by ended 10 s later, deaf to SIGTERM meanwhile.
        while (this.looking && this.blind === undefined && !this.stopping) {
            const now = performance.now();
            if (now >= lastLookLimit ||
                (this.lookedLast() && (now >= limit || (now >= until && this.perLinkMin() >= PER_LINK)))) {
                break;
            }
            if (await this.hungUp('when the switch ended'))
                break;
            if (this.looking && now >= until - 2 * STALL_MS) {
                this.wanted = inFlightFor(this.roundTrip, this.paths.length, 0);
            }
            await new Promise((resolve) => setTimeout(resolve, Math.max(1, Math.min(10, until - now))));
        }
        this.stopping = true;
        sharing.delete(this);
        // One that never began (a fleet's host failed elsewhere) saw no switch.
        await this.untilHeard(() => this.outstanding === 0, this.looking ? 'when the switch ended' : 'while it stood by');
        return {
            method: 'sampling',
            certain: false,
            lookups: this.looked,
            missing: this.missing,
            blind: this.blind,
            windowMs: Math.round(performance.now() - this.begun),
            perLinkMin: this.perLinkMin(),
            sampledBecause: 'the links are on a server, whose kernel tells this machine nothing',
            sightings: [...this.sightings.values()],
            ...(this.stamped && { stamps: this.stampsChecked() }),
            ...(this.replaced.size > 0 && { replaced: [...this.replaced.values()] }),
        };
    }
    /**
     * Whether every link was looked at once more since the last rename was acknowledged, where
     * the links bear stamps: lookups go to the links in turn, so as many as there are links.
     */
    lookedLast() {
        return !this.stamped || this.finalLooked >= this.all.length;
    }
    stampsChecked() {
        let links = 0;
        let checked = 0;
        for (let index = 0; index < this.all.length; index++) {
            if (this.stamps[index] < 0)
                continue;
            links++;
            checked += this.checked[index];
        }
        return { links, checked };
    }
    /** Up to its share on the way, in one write; more when a guard that stopped left its share. */
    topUp() {
        if (this.stopping || this.blind !== undefined)
            return;
        const wanted = this.inFlight() - this.outstanding;
        if (wanted > 0)
            this.send(wanted);
    }
    silenceAllowed() {
        return Math.max(SILENT_AFTER_SWITCH_MS, SILENT_ROUND_TRIPS * this.firstAnswerMs);
    }
    /**
     * Whether its channel, silent too long with lookups on the way, or still answering them a
     * silence past the window's bound (a server that drips an answer at a time would hold the
     * run, deaf to SIGTERM), is now closed (see SILENT_AFTER_SWITCH_MS).
     */
    async hungUp(when) {
        const why = () => {
            if (this.outstanding === 0 || this.blind !== undefined)
                return undefined;
            const waiting = `${this.outstanding} ${this.outstanding === 1 ? 'lookup' : 'lookups'}`;
            const now = performance.now();
            const silent = now - this.lastHeard;
            if (silent >= this.silenceAllowed())
                return `had answered nothing for ${seconds(silent)} with ${waiting} waiting ${when}`;
            if (this.looking && now >= this.dripBound())
                return `still had ${waiting} unanswered ${seconds(now - this.begun)} after the switch began`;
            return undefined;
        };
        if (why() === undefined)
            return false;
        // Timers run before the turn reads what came in: after a pause of this process (SIGSTOP,
        // a long collection) the answers are there, unread. Judged once they are read.
        await new Promise((resolve) => setImmediate(resolve));
        const reason = why();
        if (reason === undefined)
            return false;
        this.lookups.close(`its SFTP channel ${reason}, so that channel was closed`);
        return true;
    }
    /** Waits until `heard` (checked at each answer), or until it has hung up a silent channel. */
    async untilHeard(heard, when) {
        while (!heard() && this.blind === undefined && !(await this.hungUp(when))) {
            let timer;
            await new Promise((resolve) => {
                this.settled = resolve;
                timer = setTimeout(resolve, this.untilHungUp());
            });
            clearTimeout(timer);
        }
    }
    /**
     * When one still answering is a drip: a silence past the window's bound, or past the last
     * rename's acknowledgement where that is later. Counted from begin() alone, a healthy server
     * slow to rename a batch (answering all along, the guard too) had its guard's channel closed
     * at stop(), the window's lookups still draining: exit 3 for a good switch (2,000 links whose
     * renames took 16 s, 6,111 lookups on the way).
     */
    dripBound() {
        return Math.max(this.begun + MAX_WINDOW_MS, this.acked) + this.silenceAllowed();
    }
    /**
     * While it stands by, a channel silent too long is hung up on as it would be once switching,
     * so that begin() refuses (no link changed) rather than let the switch go unwatched. Left to
     * the watchdog's 10 s, a fleet host's guard silent for 2 to 10 s as it waited for a slower
     * host (3.4 s and 6.9 s, the other host 300 and 600 ms away) began all the same: every host
     * switched, that guard blind from the first rename, exit 3.
     */
    watchStandBy() {
        if (this.looking || this.stopping || this.blind !== undefined)
            return;
        this.standingBy = setTimeout(() => {
            this.standingBy = undefined;
            if (this.looking || this.stopping)
                return;
            void this.hungUp('while it stood by').then(() => this.watchStandBy());
        }, Math.max(1, this.untilHungUp()));
        // The connection keeps the process alive while it is wanted, not this look.
        this.standingBy.unref();
    }
    /** Until hungUp() may next find it hung, in ms. */
    untilHungUp() {
        const now = performance.now();
        const silence = this.silenceAllowed() - (now - this.lastHeard);
        return this.looking ? Math.min(silence, this.dripBound() - now) : silence;
    }
    /** It can no longer look: its share goes to the guards that still can. */
    goBlind(reason) {
        this.blind ??= reason;
        sharing.delete(this);
    }
    perLinkMin() {
        let least = Infinity;
        for (const count of this.counts)
            if (count < least)
                least = count;
        return least === Infinity ? 0 : least;
    }
    /** Sends `count` lookups, the next links in turn, in one write. */
    send(count) {
        const indexes = new Array(count);
        for (let i = 0; i < count; i++) {
            indexes[i] = this.next;
            this.next = (this.next + 1) % this.cycle;
        }
        // One sent alone tells the round trip (standing by, one at a time).
        if (this.outstanding === 0)
            this.lastHeard = performance.now();
        this.sentAlone = count === 1 && this.outstanding === 0 ? this.lastHeard : undefined;
        this.outstanding += count;
        this.lookups.send(indexes);
    }
    /** An answer; the lookups that replace those answered go out once the chunk is read. */
    answered(index, status, message, seq, found) {
        this.outstanding--;
        this.looked++;
        if (seq >= this.finalFrom)
            this.lookedAfter(index, found);
        this.lastHeard = performance.now();
        if (this.sentAlone !== undefined && this.outstanding === 0) {
            this.roundTrip = Math.min(this.roundTrip, performance.now() - this.sentAlone);
        }
        const existed = index < this.paths.length;
        if (this.looking && existed)
            this.counts[index]++;
        // A new link is to be there only once renamed, and until a rollback removes it.
        if (status === NO_SUCH_FILE && (existed || this.stamps[index] !== NOT_OURS)) {
            this.seenMissing(index);
        }
        else if (status !== 0)
            this.goBlind(`${message} looking up ${this.all[index]}`);
        // The first answer means the server is looking; the caller may start switching.
        if (!this.stopping && this.looked === 1)
            this.wake();
        if (!this.stopping && this.blind === undefined) {
            if (!this.toppingUp) {
                this.toppingUp = true;
                queueMicrotask(() => {
                    this.toppingUp = false;
                    this.topUp();
                });
            }
        }
        else if (this.outstanding === 0)
            this.wake();
    }
    /**
     * A lookup sent once every rename was acknowledged: a stamped link must be there as our
     * rename left it. Missing, it is a sighting already. An answer that tells no time cannot tell
     * ours from another's, and checks nothing: a server whose lookups left the times out had
     * every clean run said made again by another writer (exit 3). One that tells no type is
     * judged by its time alone.
     */
    lookedAfter(index, found) {
        this.finalLooked++;
        const stamp = this.stamps[index];
        if (stamp < 0 || found?.mtime === undefined)
            return;
        this.checked[index] = 1;
        if (found.mtime === stamp && (found.type === 'symlink' || found.type === 'unknown'))
            return;
        if (this.replaced.has(index))
            return;
        this.replaced.set(index, {
            link: this.all[index],
            firstMs: Math.round(performance.now() - this.start),
            found: found.type === 'symlink'
                ? `a symlink dated ${isoSeconds(found.mtime)}, ours ${isoSeconds(stamp)}`
                : found.type === 'unknown'
                    ? `a name of unknown type dated ${isoSeconds(found.mtime)}, ours ${isoSeconds(stamp)}`
                    : `a ${found.type === 'other' ? 'special file' : found.type}`,
        });
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
            this.sightings.set(index, { link: this.all[index], count: 1, firstMs: now, lastMs: now });
        }
    }
    wake() {
        const settled = this.settled;
        this.settled = undefined;
        settled?.();
    }
}
/**
 * Lookups in flight for a round trip of `roundTripMs`: the rate the server or `links` need,
 * times it and `stallMs`.
 */
function inFlightFor(roundTripMs, links, stallMs = STALL_MS) {
    if (!Number.isFinite(roundTripMs))
        return MIN_IN_FLIGHT;
    const rate = Math.min(SERVER_RATE_PER_MS, links * LINK_RATE_PER_MS);
    const needed = Math.ceil(rate * (roundTripMs + stallMs) * 1.25);
    return Math.min(MAX_IN_FLIGHT, Math.max(MIN_IN_FLIGHT, needed));
}
function isoSeconds(seconds) {
    return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}
function seconds(ms) {
    return `${(ms / 1000).toFixed(1)} s`;
}

;// CONCATENATED MODULE: ./lib/transport/sftp/sftp-store.js






const POSIX_RENAME = 'posix-rename@openssh.com';
const HARDLINK = 'hardlink@openssh.com';
const LSETSTAT = 'lsetstat@openssh.com';
/** The mtime a directory's probe link is given (see probeStamps): any the clock is past. */
const PROBE_TIME = 1;
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
    knowsInodes = false;
    /** One channel: sftp-server carries out its requests one after another, as sent. */
    inOrder = true;
    where;
    /**
     * What connecting passed over and did not fail for (known_hosts lines it cannot use, key
     * files it could not): for the caller to show with -v.
     */
    notes;
    sftp;
    channel;
    /** The guard watching this store's links: the rest of its wave goes out behind the renames. */
    guard;
    /**
     * The mtime (in seconds) the links to be renamed onto watched ones are stamped with: one
     * second before the first link this store made (the lock, on the server's clock), so that
     * no link made later can bear it. Unknown until then; never, without lsetstat@openssh.com,
     * which sets a symlink's own times (plain setstat would follow it).
     */
    stamp;
    canStamp;
    /**
     * Each directory's links are stamped only once a probe there showed lsetstat set a
     * symlink's own mtime (see probeStamps): on a directory the server reaches through sshfs it
     * answered OK and dated the link's target instead, and the guard took every clean run for
     * another writer's (exit 3). false while unknown.
     */
    stampable = new Map();
    /** Links made and stamped, not yet renamed. */
    stamped = new Set();
    /**
     * The requests waiting for an answer, each ended as lost when the connection is: one
     * handler on the connection for them all, not one a request raced against its answer (those
     * stayed on the connection's promise for the run's life, one more with every request).
     */
    waiting = new Set();
    /** Why the connection is gone, once it is. */
    gone;
    constructor(session) {
        this.session = session;
        this.where = session.where.slice(0, session.where.lastIndexOf(':'));
        this.notes = session.notes;
        this.channel = session.main;
        this.sftp = session.main.sftp;
        this.canStamp = session.extensions.has(LSETSTAT);
        session.lost.catch((error) => {
            this.gone = error;
            for (const cutOff of this.waiting)
                cutOff(error);
            this.waiting.clear();
        });
    }
    /**
     * Connects and checks the server's extensions exactly, before anything is touched: the
     * renames need posix-rename, hard links need hardlink. `signal` (the run's stop request)
     * ends a connect at once, and later has a server that does not answer left within a second.
     */
    static async open(target, needs) {
        const session = await connect(target, needs.signal);
        const missing = [POSIX_RENAME, ...(needs.hardLinks ? [HARDLINK] : [])].filter((name) => !session.extensions.has(name));
        if (missing.length > 0) {
            session.close();
            throw new errors/* UpdateError */.mp(`${session.where}: the server's SFTP lacks ${missing.join(' and ')}` +
                (missing.includes(POSIX_RENAME)
                    ? ': plain SFTP rename will not replace an existing link, and replacing one ' +
                        'without it always leaves a moment with no link'
                    : '') +
                `; nothing was changed`);
        }
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
        // The server's clock, read from the first symlink made, which is then looked at right
        // behind its creation (the lock: before any link to be stamped).
        let clock = this.canStamp && this.stamp === undefined;
        const made = this.batch(links, (link) => {
            if (link.type !== 'symbolic') {
                return this.call('hardlink', (cb) => this.sftp.ext_openssh_hardlink(link.content, link.path, cb));
            }
            const readClock = clock;
            clock = false;
            return this.symlink(link, readClock);
        });
        // In the same write, behind them: the first links made (the locks) probe every directory.
        if (this.canStamp)
            this.probeStamps(links);
        return made;
    }
    /**
     * Probes each directory of `links` not probed yet, behind the requests already sent (no
     * round trip of its own): a symlink to a name that does not exist, dated with lsetstat,
     * looked at, removed. Its mtime as set says lsetstat sets a symlink's own times there; a
     * server that follows the link (sshfs's setstat) fails on the missing name, and so dates
     * nothing of the user's.
     */
    probeStamps(links) {
        for (const link of links) {
            const dir = external_node_path_.posix.dirname(link.path);
            if (link.type !== 'symbolic' || this.stampable.has(dir))
                continue;
            this.stampable.set(dir, false);
            const probe = (0,temp_names/* tempName */.u8)(dir);
            const made = this.call('symlink', (cb) => this.sftp.symlink(`${external_node_path_.posix.basename(probe)}.none`, probe, cb));
            const dated = this.call('lsetstat', (cb) => this.sftp.ext_openssh_lsetstat(probe, { atime: PROBE_TIME, mtime: PROBE_TIME }, cb));
            const looked = this.call('lstat', (cb) => this.sftp.lstat(probe, cb));
            const removed = this.call('unlink', (cb) => this.sftp.unlink(probe, cb));
            void Promise.all([made, dated, looked, removed]).then(([, , stats]) => this.stampable.set(dir, stats.isSymbolicLink() && stats.mtime === PROBE_TIME), () => undefined);
        }
    }
    /** Makes `link`, stamps it where asked and known, or first reads the clock from it. */
    async symlink(link, readClock) {
        const made = this.call('symlink', (cb) => this.sftp.symlink(link.content, link.path, cb));
        const clock = readClock
            ? this.call('lstat', (cb) => this.sftp.lstat(link.path, cb)).catch(() => undefined)
            : undefined;
        const stamp = link.stamp && this.stampable.get(external_node_path_.posix.dirname(link.path)) ? this.stamp : undefined;
        const stamped = stamp === undefined
            ? undefined
            : this.call('lsetstat', (cb) => this.sftp.ext_openssh_lsetstat(link.path, { atime: stamp, mtime: stamp }, cb)).then(() => true, () => false);
        await made;
        if (await stamped)
            this.stamped.add(link.path);
        const stats = await clock;
        // A server whose lstat tells no time gives no clock.
        if (stats?.isSymbolicLink() && this.stamp === undefined && Number.isInteger(stats.mtime)) {
            this.stamp = stats.mtime - 1;
        }
    }
    async rename(renames) {
        const outcomes = this.batch(renames, ({ from, to }) => this.call('rename', (cb) => this.sftp.ext_openssh_rename(from, to, cb)));
        this.guard?.renamesSent();
        const done = await outcomes;
        renames.forEach((rename, index) => {
            if ((0,port/* isFailure */.N)(done[index]))
                return;
            const stamped = this.stamped.delete(rename.from);
            this.guard?.landed(rename, stamped ? this.stamp : undefined);
        });
        return done;
    }
    async remove(paths) {
        const done = await this.batch(paths, (file) => this.call('unlink', (cb) => this.sftp.unlink(file, cb)));
        paths.forEach((file, index) => {
            if (!(0,port/* isFailure */.N)(done[index]))
                this.guard?.removed(file);
        });
        return done;
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
            const message = `cannot open a second SFTP channel for the guard: ${error.message}`;
            // Closed by a stop that the server did not answer in time: the run was stopped (143).
            const signal = error instanceof errors/* InterruptedError */.p4 ? error.signal : this.session.ended()?.signal;
            throw signal ? new errors/* InterruptedError */.p4(message, signal) : new errors/* UpdateError */.mp(message);
        });
        this.guard = await SftpGuard.start(channel, paths, this.session.lost, options);
        return this.guard;
    }
    async renameBehaviour() {
        return { kind: 'atomic' };
    }
    async close() {
        this.session.close();
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
            throw this.lostError(lost.message);
        return outcomes;
    }
    /**
     * Work cut off by the connection's end: lost (each link old or new), or stopped by a signal
     * when the stop had the connection closed, as the server did not answer it in time.
     */
    lostError(message) {
        const ended = this.session.ended();
        const why = `${this.where}: ${ended?.reason ?? message}`;
        return ended?.signal ? new errors/* InterruptedError */.p4(why, ended.signal) : new errors/* StoreLostError */.U8(why);
    }
    call(syscall, send) {
        const { requests } = this.channel;
        return new Promise((resolve, reject) => {
            if (this.gone !== undefined) {
                reject(failure('ELOST', syscall, this.gone.message));
                return;
            }
            const cutOff = (error) => reject(failure('ELOST', syscall, error.message));
            this.waiting.add(cutOff);
            requests.sent();
            try {
                send((error, value) => {
                    this.waiting.delete(cutOff);
                    requests.done();
                    if (error)
                        reject(asFailure(error, syscall));
                    else
                        resolve(value);
                });
            }
            catch (error) {
                this.waiting.delete(cutOff);
                requests.done();
                // ssh2 throws at once when the channel is already closed.
                reject(failure('ELOST', syscall, `the connection is gone (${error.message})`));
            }
        });
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
