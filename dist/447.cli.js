export const id = 447;
export const ids = [447];
export const modules = {

/***/ 9002:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Qb: () => (/* binding */ hostKeyAlgorithms),
/* harmony export */   ST: () => (/* binding */ patternListMatches),
/* harmony export */   Tx: () => (/* binding */ judgeHostKey),
/* harmony export */   Wc: () => (/* binding */ hostKeysIn),
/* harmony export */   a1: () => (/* binding */ blobType),
/* harmony export */   ax: () => (/* binding */ fingerprintOf),
/* harmony export */   eu: () => (/* binding */ globMatch)
/* harmony export */ });
/* unused harmony export hostKeysFor */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);

/** The host key types ssh2 can check a server's signature with. */
const CHECKABLE = new Set([
    'ssh-ed25519',
    'ecdsa-sha2-nistp256',
    'ecdsa-sha2-nistp384',
    'ecdsa-sha2-nistp521',
    'ssh-rsa',
    'ssh-dss',
]);
/**
 * What known_hosts text gives for `host` on `port`, as OpenSSH reads it: the name is `host` on
 * port 22 and `[host]:port` otherwise; a line's names may be patterns (`*`, `?`, `!negation`,
 * comma-separated) or hashed (`|1|salt|hmac`). Every line naming the host counts, in any
 * order: a key is accepted when one line lists it, and refused when one marks it `@revoked`.
 * Lines this client cannot use are passed over, not fatal: keys of other types (a FIDO
 * `sk-ssh-ed25519@openssh.com` key), `@cert-authority` lines (host certificates are not
 * supported), unknown markers, keys that do not parse.
 */
function hostKeysFor(text, host, port) {
    const name = port === 22 ? host : `[${host}]:${port}`;
    const found = { keys: [], revoked: [], skipped: [] };
    text.split('\n').forEach((raw, index) => {
        const line = raw.trim();
        if (line === '' || line.startsWith('#'))
            return;
        const fields = line.split(/\s+/);
        const marker = fields[0].startsWith('@') ? fields.shift() : undefined;
        if (fields.length < 3 || !namesMatch(fields[0], name))
            return;
        const [, type, base64] = fields;
        const at = `line ${index + 1}`;
        const blob = Buffer.from(base64, 'base64');
        if (marker === '@cert-authority') {
            found.skipped.push(`${at}: a @cert-authority line (host certificates are not supported)`);
        }
        else if (marker !== undefined && marker !== '@revoked') {
            found.skipped.push(`${at}: the unknown marker ${marker}`);
        }
        else if (blobType(blob) !== type) {
            found.skipped.push(`${at}: a ${type} key that does not parse`);
        }
        else if (marker === '@revoked') {
            found.revoked.push(blob);
        }
        else if (!CHECKABLE.has(type)) {
            found.skipped.push(`${at}: a ${type} key, a type this client cannot check`);
        }
        else {
            found.keys.push({ type, blob });
        }
    });
    // A revoked key is not even asked for: the server is asked for another it holds, if any.
    found.keys = found.keys.filter((key) => !found.revoked.some((blob) => blob.equals(key.blob)));
    return found;
}
/**
 * What several known_hosts files say of one host, as ssh reads them all: a key listed in any
 * is accepted, unless one marks it @revoked. Each line passed over is named with its file.
 */
function hostKeysIn(files, host, port) {
    const all = { keys: [], revoked: [], skipped: [] };
    for (const { file, text } of files) {
        const found = hostKeysFor(text, host, port);
        all.keys.push(...found.keys);
        all.revoked.push(...found.revoked);
        all.skipped.push(...found.skipped.map((line) => `${file} ${line}`));
    }
    all.keys = all.keys.filter((key) => !all.revoked.some((blob) => blob.equals(key.blob)));
    return all;
}
/** A key's fingerprint as `ssh-keygen -l` prints it: `SHA256:` and unpadded base64. */
function fingerprintOf(blob) {
    return `SHA256:${(0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}
/** The type a key blob names in its first field, or undefined when it has none. */
function blobType(blob) {
    if (blob.length < 4)
        return undefined;
    const length = blob.readUInt32BE(0);
    return blob.length >= 4 + length ? blob.toString('latin1', 4, 4 + length) : undefined;
}
function namesMatch(names, name) {
    if (names.startsWith('|1|')) {
        const [, , salt, hash] = names.split('|');
        const mac = (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHmac)('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
        return mac === hash;
    }
    return patternListMatches(names, name, true);
}
/**
 * Whether `name` matches a comma-separated list of OpenSSH patterns, any of them negated with
 * `!` (a negated match refuses the name whatever else matches), as OpenSSH's
 * match_pattern_list: known_hosts names and ssh_config's `Match host`/`user` lists.
 */
function patternListMatches(list, name, ignoreCase) {
    let matched = false;
    for (const pattern of list.split(',')) {
        const negated = pattern.startsWith('!');
        if (!globMatch(negated ? pattern.slice(1) : pattern, name, ignoreCase))
            continue;
        if (negated)
            return false;
        matched = true;
    }
    return matched;
}
/** One OpenSSH pattern (`*` any run of characters, `?` one) against the whole of `name`. */
function globMatch(pattern, name, ignoreCase) {
    const regex = pattern
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.');
    return new RegExp(`^${regex}$`, ignoreCase ? 'i' : '').test(name);
}
/**
 * The host key algorithms to offer, in the order of the known keys' types, so that the server
 * is asked for a key we can check (as OpenSSH orders them by known_hosts).
 */
function hostKeyAlgorithms(keys) {
    const algorithms = [];
    for (const key of keys) {
        const names = key.type === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [key.type];
        for (const algorithm of names)
            if (!algorithms.includes(algorithm))
                algorithms.push(algorithm);
    }
    return algorithms;
}
/** Whether the server's key `blob` may be trusted: `accepted`, `revoked`, or `unknown`. */
function judgeHostKey(known, blob) {
    if (known.revoked.some((revoked) => revoked.equals(blob)))
        return 'revoked';
    return known.keys.some((key) => key.blob.equals(blob)) ? 'accepted' : 'unknown';
}


/***/ }),

/***/ 7266:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   J: () => (/* binding */ resolveSshConfig),
/* harmony export */   _3: () => (/* binding */ parseJumpHost),
/* harmony export */   r2: () => (/* binding */ localSshEnvironment),
/* harmony export */   w: () => (/* binding */ proxyCommandLine)
/* harmony export */ });
/* unused harmony export DISK_READER */
/* harmony import */ var node_crypto__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(7598);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(3024);
/* harmony import */ var node_net__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(7030);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(8161);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(6760);
/* harmony import */ var _engine_errors_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(4899);
/* harmony import */ var _sftp_known_hosts_js__WEBPACK_IMPORTED_MODULE_6__ = __webpack_require__(9002);







const DISK_READER = {
    read(file) {
        let fd;
        try {
            fd = node_fs__WEBPACK_IMPORTED_MODULE_1__.openSync(file, 'r');
        }
        catch (error) {
            if ((0,_engine_errors_js__WEBPACK_IMPORTED_MODULE_5__/* .errnoCode */ .UK)(error) === 'ENOENT')
                return undefined;
            throw error;
        }
        try {
            // Owner and mode of the file read, not of what the name points to a moment later.
            const stat = node_fs__WEBPACK_IMPORTED_MODULE_1__.fstatSync(fd);
            const text = stat.isDirectory() ? '' : node_fs__WEBPACK_IMPORTED_MODULE_1__.readFileSync(fd, 'utf8');
            return { text, uid: stat.uid, mode: stat.mode };
        }
        finally {
            node_fs__WEBPACK_IMPORTED_MODULE_1__.closeSync(fd);
        }
    },
    list(dir) {
        try {
            return node_fs__WEBPACK_IMPORTED_MODULE_1__.readdirSync(dir);
        }
        catch {
            return [];
        }
    },
};
function localSshEnvironment() {
    const me = passwdEntry();
    const home = me?.homedir ?? process.env.HOME ?? '/';
    return {
        home,
        envHome: process.env.HOME ?? home,
        localUser: me?.username ?? process.env.USER ?? process.env.LOGNAME ?? String(process.getuid?.()),
        uid: process.getuid?.() ?? -1,
        localHost: node_os__WEBPACK_IMPORTED_MODULE_3__.hostname(),
        env: process.env,
        systemConfig: '/etc/ssh/ssh_config',
        reader: DISK_READER,
    };
}
/**
 * This user's passwd entry, or undefined where there is none: a container run with
 * `--user "$(id -u)"` (as the action runs its image) has a uid its /etc/passwd does not name.
 * The environment's HOME and USER stand in then.
 */
function passwdEntry() {
    try {
        return node_os__WEBPACK_IMPORTED_MODULE_3__.userInfo();
    }
    catch {
        return undefined;
    }
}
/**
 * Resolves `request.host` through the config: `configFile` as `ssh -F` takes it (`none`: no
 * file at all), or ~/.ssh/config then the system-wide file. Throws a UsageError naming the
 * file and line of anything it cannot follow.
 */
function resolveSshConfig(request, configFile, environment = localSshEnvironment()) {
    const options = {
        user: request.user,
        port: request.port,
        identityFiles: (request.identityFiles ?? []).map((value) => ({
            value,
            source: '--identity',
            system: false,
        })),
        certificateFiles: [],
    };
    const reading = {
        options,
        environment,
        request,
        host: request.host,
        final: false,
        wantFinal: false,
        files: [],
    };
    readConfigs(reading, configFile);
    const canonicalize = options.canonicalizeHostname;
    if (canonicalize !== undefined && canonicalize.value !== 'no') {
        if (options.canonicalDomains !== undefined) {
            fail(canonicalize.source, `CanonicalizeHostname ${canonicalize.value} with CanonicalDomains asks DNS for the ` +
                `host's full name, which atomic-link does not do: give the full name in HostName`);
        }
        reading.wantFinal = true;
    }
    const name = matchedHost(reading);
    const hostname = node_net__WEBPACK_IMPORTED_MODULE_2__.isIP(name) ? name : name.toLowerCase();
    if (reading.wantFinal) {
        // ssh's second reading: `Host` now matches the resolved name, `Match final` applies.
        options.hostname = { value: hostname, source: options.hostname?.source ?? request.host };
        readConfigs({ ...reading, host: hostname, final: true, files: [] }, configFile);
    }
    return settle(options, environment, request.host, hostname, reading.files);
}
/** As deep as ssh follows Include. */
const MAX_INCLUDE_DEPTH = 16;
const DEFAULT_IDENTITIES = ['rsa', 'ecdsa', 'ecdsa_sk', 'ed25519', 'ed25519_sk', 'xmss', 'dsa'];
const DEFAULT_USER_KNOWN_HOSTS = ['~/.ssh/known_hosts', '~/.ssh/known_hosts2'];
const DEFAULT_GLOBAL_KNOWN_HOSTS = ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'];
function fail(source, message) {
    throw new _engine_errors_js__WEBPACK_IMPORTED_MODULE_5__/* .UsageError */ .eb(`${source}: ${message}`);
}
function readConfigs(reading, configFile) {
    const { environment } = reading;
    if (configFile?.toLowerCase() === 'none')
        return;
    if (configFile !== undefined) {
        let text;
        try {
            text = load(environment, configFile, false);
        }
        catch (error) {
            fail(`--ssh-config ${configFile}`, `cannot read it (${(0,_engine_errors_js__WEBPACK_IMPORTED_MODULE_5__/* .describeError */ .Uc)(error)})`);
        }
        if (text === undefined)
            fail(`--ssh-config ${configFile}`, 'no such file');
        readFile(reading, { file: configFile, user: true, neverMatch: false, depth: 0 }, text, true);
        return;
    }
    // ssh passes over either file when it cannot open it, but refuses an unsafe user file.
    const defaults = [
        { file: node_path__WEBPACK_IMPORTED_MODULE_4__.join(environment.home, '.ssh', 'config'), user: true },
        { file: environment.systemConfig, user: false },
    ];
    for (const { file, user } of defaults) {
        let text;
        try {
            text = load(environment, file, user);
        }
        catch (error) {
            if (error instanceof _engine_errors_js__WEBPACK_IMPORTED_MODULE_5__/* .UsageError */ .eb)
                throw error;
        }
        if (text !== undefined)
            readFile(reading, { file, user, neverMatch: false, depth: 0 }, text, true);
    }
}
/**
 * A config file's text, or undefined when there is none. A `checked` file is refused, as ssh
 * refuses it, when another user than root owns it or others may write it: they could send
 * the connection elsewhere.
 */
function load(environment, file, checked) {
    const content = environment.reader.read(file);
    if (content === undefined)
        return undefined;
    const { uid, mode } = content;
    const foreign = uid !== 0 && uid !== environment.uid;
    if (checked && environment.uid >= 0 && (foreign || (mode & 0o022) !== 0)) {
        throw new _engine_errors_js__WEBPACK_IMPORTED_MODULE_5__/* .UsageError */ .eb(`Bad owner or permissions on ${file} (owner uid ${uid}, mode ` +
            `${(mode & 0o777).toString(8).padStart(4, '0')}): ssh refuses a config file that ` +
            `another user owns or may write, and so does atomic-link (chown it, chmod go-w)`);
    }
    return content.text;
}
function readFile(reading, place, text, active) {
    reading.files.push(place.file);
    text.split('\n').forEach((raw, index) => {
        active = readLine(reading, place, raw, active, `${place.file} line ${index + 1}`);
    });
}
/** Applies one line; returns whether the lines after it apply (Host and Match change it). */
function readLine(reading, place, raw, active, source) {
    const split = /^[ \t\r\n]*([^ \t\r\n=]*)[ \t\r\n]*(?:=[ \t\r\n]*)?(.*)$/s.exec(raw.replace(/[ \t\r\n\f]+$/, ''));
    const [, word, text] = split ?? ['', '', ''];
    if (word === '' || word.startsWith('#'))
        return active;
    const keyword = word.toLowerCase();
    if (text === '')
        fail(source, `no argument after keyword "${word}"`);
    const line = { reading, place, active, text, args: splitArguments(text, source), source };
    if (keyword === 'host')
        return !place.neverMatch && hostLineMatches(line);
    if (keyword === 'match')
        return matchLineMatches(line) && !place.neverMatch;
    if (Object.hasOwn(KEYWORDS, keyword))
        KEYWORDS[keyword](line);
    return active;
}
/** ssh's argv_split: words split at blanks, quotes and backslash escapes, a `#` word ends it. */
function splitArguments(text, source) {
    const args = [];
    let i = 0;
    while (i < text.length) {
        if (text[i] === ' ' || text[i] === '\t') {
            i++;
            continue;
        }
        if (text[i] === '#')
            break;
        let arg = '';
        let quote = '';
        for (; i < text.length; i++) {
            const char = text[i];
            const next = text[i + 1];
            if (char === '\\' && (`'"\\`.includes(next ?? '-') || (!quote && next === ' '))) {
                arg += next;
                i++;
            }
            else if (!quote && (char === ' ' || char === '\t')) {
                break;
            }
            else if (!quote && (char === '"' || char === "'")) {
                quote = char;
            }
            else if (quote && char === quote) {
                quote = '';
            }
            else {
                arg += char;
            }
        }
        if (quote)
            fail(source, 'invalid quotes');
        args.push(arg);
    }
    return args;
}
/** `Host PATTERN...`: any pattern matches the host (case counts), and no `!PATTERN` does. */
function hostLineMatches(line) {
    let matched = false;
    for (const arg of line.args) {
        if (arg === '')
            fail(line.source, 'empty argument');
        const negated = arg.startsWith('!');
        if (!(0,_sftp_known_hosts_js__WEBPACK_IMPORTED_MODULE_6__/* .globMatch */ .eu)(negated ? arg.slice(1) : arg, line.reading.host, false))
            continue;
        if (negated)
            return false;
        matched = true;
    }
    return matched;
}
/** `Match CRITERIA`: ssh's match_cfg_line, without running `exec`. */
function matchLineMatches(line) {
    const { reading, args, source } = line;
    const { options, environment, request } = reading;
    let result = true;
    let attributes = 0;
    for (let i = 0; i < args.length; i++) {
        const negate = args[i].startsWith('!');
        const attribute = (negate ? args[i].slice(1) : args[i]).toLowerCase();
        if (attribute === 'all') {
            if (attributes > 1 || i + 1 < args.length) {
                fail(source, `'${args[i]}' cannot be combined with other Match attributes`);
            }
            return result && !negate;
        }
        attributes++;
        if (attribute === 'canonical' || attribute === 'final') {
            if (attribute === 'final')
                reading.wantFinal = true;
            if (reading.final === negate)
                result = false;
            continue;
        }
        const criteria = args[++i];
        if (criteria === undefined)
            fail(source, `missing Match criteria for ${attribute}`);
        let matched;
        if (attribute === 'host') {
            matched = (0,_sftp_known_hosts_js__WEBPACK_IMPORTED_MODULE_6__/* .patternListMatches */ .ST)(criteria, matchedHost(reading), true);
        }
        else if (attribute === 'originalhost') {
            matched = (0,_sftp_known_hosts_js__WEBPACK_IMPORTED_MODULE_6__/* .patternListMatches */ .ST)(criteria, request.host, true);
        }
        else if (attribute === 'user') {
            matched = (0,_sftp_known_hosts_js__WEBPACK_IMPORTED_MODULE_6__/* .patternListMatches */ .ST)(criteria, options.user ?? environment.localUser, false);
        }
        else if (attribute === 'localuser') {
            matched = (0,_sftp_known_hosts_js__WEBPACK_IMPORTED_MODULE_6__/* .patternListMatches */ .ST)(criteria, environment.localUser, false);
        }
        else if (attribute === 'exec') {
            // Not reached when an earlier criterion failed: ssh does not run it then either.
            if (!result || line.place.neverMatch)
                continue;
            fail(source, `Match exec cannot be followed: atomic-link runs no command from an ssh config, so ` +
                `it cannot tell whether this block applies to ${request.host}; put its settings in ` +
                `a Host block, or name a config file without it (--ssh-config FILE)`);
        }
        else {
            fail(source, `unsupported Match attribute ${attribute}`);
        }
        if (matched === negate)
            result = false;
    }
    if (attributes === 0)
        fail(source, 'one or more attributes required for Match');
    return result;
}
/** What `Match host` compares: HostName so far with `%h` expanded, or the host as given. */
function matchedHost(reading) {
    const { hostname } = reading.options;
    if (hostname === undefined)
        return reading.request.host;
    if (reading.final)
        return hostname.value;
    return substitute(hostname.value, { h: reading.request.host }, undefined, hostname.source);
}
const KEYWORDS = {
    hostname: (line) => set(line, 'hostname', { value: single(line), source: line.source }),
    user: (line) => set(line, 'user', single(line)),
    port: (line) => {
        const arg = single(line);
        const port = parsePort(arg);
        if (port === undefined)
            fail(line.source, `bad port '${arg}' (a number from 1 to 65535)`);
        set(line, 'port', port);
    },
    identityfile: (line) => addFile(line, line.reading.options.identityFiles),
    certificatefile: (line) => addFile(line, line.reading.options.certificateFiles),
    identitiesonly: (line) => set(line, 'identitiesOnly', choice(line, FLAG)),
    identityagent: (line) => {
        const value = single(line);
        // As ssh checks it when reading, even in a block that does not apply.
        if (/^\$(?!\{)/.test(value) && !/^\$\w+$/.test(value)) {
            fail(line.source, `invalid environment name ${value}`);
        }
        substitute(value, undefined, line.reading.environment.env, line.source);
        set(line, 'identityAgent', { value, source: line.source });
    },
    proxyjump: (line) => {
        const text = rawArgument(line);
        const { options } = line.reading;
        // `none` as the whole text: with a comment after it, ssh reads it as a host named "none".
        if (text.toLowerCase() === 'none') {
            if (line.active)
                options.jump ??= 'none';
            return;
        }
        const hops = text
            .replace(/#.*/s, '')
            .trimEnd()
            .split(',')
            .map((spec) => parseJumpHost(spec, line.source));
        if (line.active && options.jump === undefined && options.proxyCommand === undefined) {
            options.jump = hops;
            // A later ProxyCommand is ignored, as ssh ignores it.
            options.proxyCommand = { value: 'none', source: line.source };
        }
    },
    proxycommand: (line) => set(line, 'proxyCommand', { value: rawArgument(line), source: line.source }),
    userknownhostsfile: (line) => set(line, 'userKnownHostsFiles', fileList(line)),
    globalknownhostsfile: (line) => set(line, 'globalKnownHostsFiles', fileList(line)),
    hostkeyalias: (line) => set(line, 'hostKeyAlias', single(line)),
    connecttimeout: (line) => setTime(line, 'connectTimeout'),
    serveraliveinterval: (line) => setTime(line, 'serverAliveInterval'),
    serveralivecountmax: (line) => {
        const arg = single(line);
        if (!/^\d+$/.test(arg) || Number(arg) > 2 ** 31 - 1) {
            fail(line.source, `integer value '${arg}' is invalid`);
        }
        set(line, 'serverAliveCountMax', Number(arg));
    },
    stricthostkeychecking: (line) => set(line, 'strictHostKeyChecking', { value: choice(line, STRICTNESS), source: line.source }),
    canonicalizehostname: (line) => set(line, 'canonicalizeHostname', { value: choice(line, CANONICALIZE), source: line.source }),
    canonicaldomains: (line) => set(line, 'canonicalDomains', line.args),
    include,
};
const FLAG = { yes: true, true: true, no: false, false: false };
const STRICTNESS = {
    yes: 'yes',
    true: 'yes',
    no: 'no',
    false: 'no',
    off: 'no',
    ask: 'ask',
    'accept-new': 'accept-new',
};
const CANONICALIZE = {
    yes: 'yes',
    true: 'yes',
    no: 'no',
    false: 'no',
    always: 'always',
};
/** Sets an option unless it was set before: the first value obtained wins. */
function set(line, key, value) {
    if (line.active && line.reading.options[key] === undefined)
        line.reading.options[key] = value;
}
/** The one argument a keyword takes. */
function single(line) {
    const [arg, extra] = line.args;
    if (arg === undefined || arg === '')
        fail(line.source, 'missing argument');
    if (extra !== undefined)
        fail(line.source, 'extra arguments at end of line');
    return arg;
}
function choice(line, values) {
    const arg = single(line);
    if (!Object.hasOwn(values, arg.toLowerCase()))
        fail(line.source, `unsupported option "${arg}"`);
    return values[arg.toLowerCase()];
}
/** The rest of the line as written (ProxyCommand, ProxyJump): ssh does not split it. */
function rawArgument(line) {
    return line.text.replace(/^[ \t\r\n=]+/, '');
}
/** IdentityFile and CertificateFile add up, each file once. */
function addFile(line, files) {
    const value = single(line);
    const system = !line.place.user;
    if (!line.active || files.some((file) => file.value === value && file.system === system))
        return;
    files.push({ value, source: line.source, system });
}
function fileList(line) {
    for (const arg of line.args) {
        if (arg === '')
            fail(line.source, 'empty argument');
        if (arg.toLowerCase() === 'none' && line.args.length > 1) {
            fail(line.source, '"none" must appear alone');
        }
    }
    if (line.args.length === 0)
        fail(line.source, 'missing argument');
    return { value: line.args, source: line.source };
}
function setTime(line, key) {
    const arg = single(line);
    // ssh keeps `none` as "not set": a later line may still set it.
    if (arg === 'none')
        return;
    const seconds = parseTime(arg);
    if (seconds === undefined)
        fail(line.source, `invalid time value '${arg}'`);
    set(line, key, seconds);
}
const UNIT_SECONDS = { '': 1, s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
/** ssh's convtime: `90`, `1m30s`, `2h`… in seconds. */
function parseTime(text) {
    if (!/^(?:\d+[smhdw])*\d*$/i.test(text) || text === '')
        return undefined;
    let total = 0;
    for (const [, count, unit] of text.matchAll(/(\d+)([smhdw]?)/gi)) {
        total += Number(count) * UNIT_SECONDS[unit.toLowerCase()];
    }
    return total <= 2 ** 31 - 1 ? total : undefined;
}
function parsePort(text) {
    const port = /^\d+$/.test(text) ? Number(text) : 0;
    return port >= 1 && port <= 65535 ? port : undefined;
}
/**
 * `[USER@]HOST[:PORT]` (HOST may be `[IPv6]`) or `ssh://[USER@]HOST[:PORT]`: one hop of
 * ProxyJump, or of `ssh -J`. Throws a UsageError naming `source`.
 */
function parseJumpHost(spec, source) {
    const uri = spec.startsWith('ssh://');
    const text = uri ? spec.slice('ssh://'.length).replace(/\/$/, '') : spec;
    const at = uri ? text.indexOf('@') : text.lastIndexOf('@');
    let user = at < 0 ? undefined : text.slice(0, at);
    if (uri && user !== undefined)
        user = decodeUser(user.split(';')[0]);
    const match = /^(?:\[([^\]]*)\]|([^:/]*))(?:[:/](.*))?$/s.exec(text.slice(at + 1));
    const host = match?.[1] ?? match?.[2];
    const port = match?.[3] ? parsePort(match[3]) : undefined;
    if (user === '' || !host || (match?.[3] && port === undefined)) {
        fail(source, `invalid ProxyJump "${spec}"`);
    }
    return { host, ...(user === undefined ? {} : { user }), ...(port === undefined ? {} : { port }) };
}
function decodeUser(text) {
    try {
        return decodeURIComponent(text);
    }
    catch {
        return '';
    }
}
function include(line) {
    const { reading, place, source } = line;
    const { environment } = reading;
    if (line.args.length === 0)
        fail(source, 'missing argument');
    for (const arg of line.args) {
        if (arg === '')
            fail(source, 'empty argument');
        if (arg.startsWith('~') && !place.user)
            fail(source, `bad include path ${arg}`);
        const relative = !arg.startsWith('/') && !arg.startsWith('~');
        const under = place.user ? '~/.ssh' : node_path__WEBPACK_IMPORTED_MODULE_4__.dirname(environment.systemConfig);
        const pattern = tilde(relative ? `${under}/${arg}` : arg, environment.envHome, source);
        for (const file of glob(pattern, environment.reader, source)) {
            if (place.depth >= MAX_INCLUDE_DEPTH)
                fail(source, 'too many nested Include levels');
            let text;
            try {
                text = load(environment, file, true);
            }
            catch (error) {
                if (error instanceof _engine_errors_js__WEBPACK_IMPORTED_MODULE_5__/* .UsageError */ .eb)
                    throw error;
                fail(source, `cannot read ${file} (${(0,_engine_errors_js__WEBPACK_IMPORTED_MODULE_5__/* .describeError */ .Uc)(error)})`);
            }
            if (text === undefined)
                continue;
            const inner = { file, user: place.user, neverMatch: place.neverMatch || !line.active };
            // The included file starts in the including block's state, and cannot change it.
            readFile(reading, { ...inner, depth: place.depth + 1 }, text, line.active);
        }
    }
}
/** The paths a pattern names, sorted, as glob(3) lists them (missing files are dropped later). */
function glob(pattern, reader, source) {
    if (pattern.includes('[')) {
        fail(source, `Include ${pattern}: [...] patterns are not supported, only * and ?`);
    }
    let paths = [''];
    for (const segment of pattern.split('/').slice(1)) {
        if (!/[*?]/.test(segment)) {
            paths = paths.map((dir) => `${dir}/${segment}`);
            continue;
        }
        // A wildcard does not match a leading dot, as in a shell.
        const matches = (name) => (0,_sftp_known_hosts_js__WEBPACK_IMPORTED_MODULE_6__/* .globMatch */ .eu)(segment, name, false) && (segment.startsWith('.') || !name.startsWith('.'));
        paths = paths.flatMap((dir) => reader
            .list(dir || '/')
            .filter(matches)
            .map((name) => `${dir}/${name}`));
    }
    return paths.sort();
}
function tilde(file, home, source) {
    if (!file.startsWith('~'))
        return file;
    if (file !== '~' && !file.startsWith('~/')) {
        fail(source, `${file}: ~USER paths are not supported, write the path in full`);
    }
    return `${home.replace(/\/$/, '')}/${file.slice(1).replace(/^\/+/, '')}`;
}
/**
 * ssh's percent_expand and dollar_expand: `%x` from `tokens` (`%%` a percent sign), and when
 * `env` is given, `${NAME}` from the environment. Anything else with `%` is an error, as in ssh.
 */
function substitute(text, tokens, env, source) {
    let out = '';
    for (let i = 0; i < text.length; i++) {
        const char = text[i];
        if (env && char === '$' && text[i + 1] === '{') {
            const end = text.indexOf('}', i + 2);
            const name = text.slice(i + 2, end);
            if (end < 0 || name === '')
                fail(source, `invalid environment variable in "${text}"`);
            const value = env[name];
            if (value === undefined)
                fail(source, `\${${name}} in "${text}" has no value`);
            out += value;
            i = end;
        }
        else if (tokens && char === '%') {
            const key = text[++i] ?? '';
            if (key !== '%' && !Object.hasOwn(tokens, key)) {
                fail(source, `unknown token %${key} in "${text}"`);
            }
            out += key === '%' ? '%' : tokens[key];
        }
        else {
            out += char;
        }
    }
    return out;
}
/** The options read, with ssh's defaults filled in and paths expanded as ssh expands them. */
function settle(options, environment, host, hostname, files) {
    const { home, localHost, env } = environment;
    const user = options.user ?? environment.localUser;
    const port = options.port ?? 22;
    const hostKeyAlias = options.hostKeyAlias?.toLowerCase();
    const tokens = {
        C: (0,node_crypto__WEBPACK_IMPORTED_MODULE_0__.createHash)('sha1').update(`${localHost}${hostname}${port}${user}`).digest('hex'),
        L: localHost.split('.')[0],
        i: String(environment.uid),
        k: hostKeyAlias ?? host,
        l: localHost,
        n: host,
        p: String(port),
        d: home,
        h: hostname,
        r: user,
        u: environment.localUser,
    };
    const expand = ({ value, source }) => substitute(tilde(value, home, source), tokens, env, source);
    const each = (list, one) => list.value[0].toLowerCase() === 'none'
        ? []
        : list.value.map((value) => one({ value, source: list.source }));
    const defaults = (value) => ({ value, source: 'the defaults' });
    const identities = options.identityFiles.length
        ? options.identityFiles
        : DEFAULT_IDENTITIES.map((kind) => ({ value: `~/.ssh/id_${kind}`, source: 'the defaults' }));
    const proxyCommand = options.proxyCommand;
    return {
        host,
        hostname,
        user,
        port,
        identityFiles: identities.filter((file) => file.value.toLowerCase() !== 'none').map(expand),
        identitiesOnly: options.identitiesOnly ?? false,
        certificateFiles: options.certificateFiles.map(expand),
        identityAgent: agentSocket(options.identityAgent && expand(options.identityAgent), env),
        proxyJump: Array.isArray(options.jump) ? options.jump : [],
        proxyCommand: proxyCommand?.value.toLowerCase() === 'none' ? undefined : proxyCommand,
        userKnownHostsFiles: each(options.userKnownHostsFiles ?? defaults(DEFAULT_USER_KNOWN_HOSTS), expand),
        // ssh expands only `~` in these.
        globalKnownHostsFiles: each(options.globalKnownHostsFiles ?? defaults(DEFAULT_GLOBAL_KNOWN_HOSTS), ({ value, source }) => tilde(value, home, source)),
        hostKeyAlias,
        connectTimeout: options.connectTimeout || undefined,
        serverAliveInterval: options.serverAliveInterval ?? 0,
        serverAliveCountMax: options.serverAliveCountMax ?? 3,
        strictHostKeyChecking: options.strictHostKeyChecking,
        files,
    };
}
/**
 * The ProxyCommand to run for `config`, with the tokens ssh expands in it (`%h` the host name,
 * `%n` the host as given, `%p`, `%r`, `%%`); undefined when there is none. Anything else after
 * a `%` is refused with the config line, as ssh refuses it.
 */
function proxyCommandLine(config) {
    const { proxyCommand, hostname, host, port, user } = config;
    if (proxyCommand === undefined)
        return undefined;
    const tokens = { h: hostname, n: host, p: String(port), r: user };
    return substitute(proxyCommand.value, tokens, undefined, proxyCommand.source);
}
/** IdentityAgent as ssh takes it: `none`, `SSH_AUTH_SOCK` (the default), `$NAME`, or a path. */
function agentSocket(setting, env) {
    if (setting === 'none')
        return undefined;
    if (setting === undefined || setting === 'SSH_AUTH_SOCK')
        return env.SSH_AUTH_SOCK || undefined;
    return setting.startsWith('$') ? env[setting.slice(1)] || undefined : setting;
}


/***/ }),

/***/ 8447:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   Z: () => (/* binding */ planRoute)
/* harmony export */ });
/* harmony import */ var _engine_errors_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(4899);
/* harmony import */ var _ssh_config_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(7266);
/* harmony import */ var _ssh_target_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(2121);



/** Longer than any real chain: a ProxyJump that leads back to itself ends here. */
const MAX_HOPS = 10;
/**
 * The servers to pass through to reach `target`, the first jump host first and the target
 * last, as `ssh` would reach it: `--jump` (ssh -J) or else the config's ProxyJump. As ssh runs
 * `ssh -J a,…,y -W HOST:PORT z` for the last hop z, each hop is resolved through the config on
 * its own (its user, port, keys, known_hosts), with the hops before it in place of its own
 * ProxyJump; only the first hop's own ProxyJump or ProxyCommand is followed. Throws a
 * UsageError, before anything is sent, for a config that cannot be followed or a ProxyCommand
 * without `allowProxyCommand`.
 */
function planRoute(target, environment) {
    const known = environment === undefined ? planned.get(target) : undefined;
    if (known !== undefined)
        return known;
    const { user, host } = (0,_ssh_target_js__WEBPACK_IMPORTED_MODULE_2__/* .splitDestination */ .RG)(target.destination);
    const jumps = target.jump?.length ? target.jump : undefined;
    const resolve = environment === undefined ? resolveHere : _ssh_config_js__WEBPACK_IMPORTED_MODULE_1__/* .resolveSshConfig */ .J;
    const route = chain(target, { host, user, port: target.port }, jumps, false, environment ?? (0,_ssh_config_js__WEBPACK_IMPORTED_MODULE_1__/* .localSshEnvironment */ .r2)(), resolve);
    if (environment === undefined)
        planned.set(target, route);
    return route;
}
/**
 * Each target's route as planned from this machine's config, once a run: the front end plans
 * every target before anything is sent (a config that cannot be followed ends the run there),
 * and the connection follows that very plan; and each hop resolved once, however many targets
 * pass through it. Ten hosts behind a jump host, each planned twice, read and parsed the
 * config forty times, on the thread that then makes their handshakes (30 ms of the bench's
 * ten-host run in --cpu-prof, 12 ms now); now eleven times.
 */
const planned = new WeakMap();
const resolved = new Map();
const resolveHere = (request, configFile, environment) => {
    const key = JSON.stringify([request, configFile ?? null]);
    let config = resolved.get(key);
    if (config === undefined) {
        config = (0,_ssh_config_js__WEBPACK_IMPORTED_MODULE_1__/* .resolveSshConfig */ .J)(request, configFile, environment);
        resolved.set(key, config);
    }
    return config;
};
function chain(target, host, jumps, jump, environment, resolve, depth = 1) {
    if (depth > MAX_HOPS) {
        throw new _engine_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .UsageError */ .eb(`reaching ${target.destination} takes more than ${MAX_HOPS} jump hosts: does a ` +
            `ProxyJump of the ssh config lead back to itself?`);
    }
    const identity = jump ? (target.jumpIdentity ?? target.identity) : target.identity;
    const config = resolve({ ...host, identityFiles: identity === undefined ? [] : [identity] }, target.sshConfig, environment);
    const before = jumps ?? config.proxyJump;
    // A ProxyJump, given or from the config, stands in for the config's ProxyCommand, as in ssh.
    const hop = makeHop(target, config, identity, jump, before.length === 0);
    if (before.length === 0)
        return [hop];
    const last = before[before.length - 1];
    const earlier = before.length > 1 ? before.slice(0, -1) : undefined;
    return [...chain(target, last, earlier, true, environment, resolve, depth + 1), hop];
}
function makeHop(target, config, identity, jump, direct) {
    const notes = [];
    const strict = config.strictHostKeyChecking;
    if (strict?.value === 'no' || strict?.value === 'accept-new') {
        notes.push(`StrictHostKeyChecking ${strict.value} (${strict.source}) is not followed: host keys ` +
            'are always checked');
    }
    const command = direct ? config.proxyCommand : undefined;
    if (command !== undefined && !target.allowProxyCommand) {
        throw new _engine_errors_js__WEBPACK_IMPORTED_MODULE_0__/* .UsageError */ .eb(`${command.source}: ProxyCommand ${command.value} runs a command to reach ` +
            `${config.host}, which atomic-link does only when asked ` +
            `(${target.advise?.('allow-proxy-command') ?? 'pass --allow-proxy-command'})`);
    }
    const fingerprints = jump ? undefined : target.hostKeyFingerprints;
    return {
        name: `${config.user}@${config.host}`,
        jump,
        config,
        identity,
        knownHosts: [
            ...(target.knownHosts === undefined ? config.userKnownHostsFiles : [target.knownHosts]),
            ...config.globalKnownHostsFiles,
        ],
        ...(fingerprints?.length ? { fingerprints } : {}),
        ...(command && { proxyCommand: { value: (0,_ssh_config_js__WEBPACK_IMPORTED_MODULE_1__/* .proxyCommandLine */ .w)(config), source: command.source } }),
        notes,
    };
}


/***/ }),

/***/ 2121:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   RG: () => (/* binding */ splitDestination),
/* harmony export */   sr: () => (/* binding */ parseFingerprint),
/* harmony export */   vW: () => (/* binding */ parseSshTarget)
/* harmony export */ });
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(6760);
/* harmony import */ var _engine_errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4899);


/**
 * Parses `USER@HOST:PATH` (HOST may be `[IPv6]`) or `ssh://USER@HOST[:PORT]/PATH`; PATH must be
 * absolute. A destination ssh would read as an option (a leading `-`) is refused.
 */
function parseSshTarget(text) {
    if (text.startsWith('ssh://'))
        return parseSshUrl(text);
    const match = /^((?:[^@:/\s]+@)?(?:\[[^\]]+\]|[^:[\]\s/]+)):(.*)$/.exec(text);
    if (!match)
        throw new _engine_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .UsageError */ .eb(`--ssh ${JSON.stringify(text)} must be USER@HOST:PATH`);
    const [, destination, dir] = match;
    if (destination.startsWith('-')) {
        throw new _engine_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .UsageError */ .eb(`--ssh ${JSON.stringify(text)}: a destination may not start with '-'`);
    }
    if (!dir.startsWith('/')) {
        throw new _engine_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .UsageError */ .eb(`--ssh ${JSON.stringify(text)}: PATH must be absolute, as the server sees it`);
    }
    if (splitDestination(destination).host === '') {
        throw new _engine_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .UsageError */ .eb(`--ssh ${JSON.stringify(text)} names no HOST`);
    }
    return { destination, path: node_path__WEBPACK_IMPORTED_MODULE_0__.posix.normalize(dir) };
}
/**
 * A host key fingerprint as `ssh-keygen -l` prints it: `SHA256:` and 43 base64 characters (a
 * trailing `=` allowed), without the `=`. Throws a UsageError naming `source`.
 */
function parseFingerprint(text, source) {
    const match = /^SHA256:([A-Za-z0-9+/]{43})=?$/.exec(text.trim());
    if (!match) {
        throw new _engine_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .UsageError */ .eb(`${source} ${JSON.stringify(text)} must be SHA256:… as ssh-keygen -lf prints it ` +
            '(ssh-keyscan HOST | ssh-keygen -lf -)');
    }
    return `SHA256:${match[1]}`;
}
/** The user and the host of a destination, the host without brackets. */
function splitDestination(destination) {
    const at = destination.lastIndexOf('@');
    const host = destination.slice(at + 1);
    return {
        user: at < 0 ? undefined : destination.slice(0, at),
        host: host.startsWith('[') ? host.slice(1, -1) : host,
    };
}
function parseSshUrl(text) {
    let url;
    try {
        url = new URL(text);
    }
    catch {
        throw new _engine_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .UsageError */ .eb(`--ssh ${JSON.stringify(text)} must be ssh://USER@HOST[:PORT]/PATH`);
    }
    if (url.hostname === '' || url.pathname === '' || url.password !== '' || url.search !== '') {
        throw new _engine_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .UsageError */ .eb(`--ssh ${JSON.stringify(text)} must be ssh://USER@HOST[:PORT]/PATH`);
    }
    const user = decodeURIComponent(url.username);
    if (user.startsWith('-') || url.hostname.startsWith('-')) {
        throw new _engine_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .UsageError */ .eb(`--ssh ${JSON.stringify(text)}: a destination may not start with '-'`);
    }
    return {
        destination: `${user ? `${user}@` : ''}${url.hostname}`,
        path: node_path__WEBPACK_IMPORTED_MODULE_0__.posix.normalize(decodeURIComponent(url.pathname)),
        port: url.port === '' ? undefined : checkedPort(Number(url.port), text),
    };
}
/** The URL's parser takes 0 for a port; no server listens there. */
function checkedPort(port, text) {
    if (port < 1)
        throw new _engine_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .UsageError */ .eb(`--ssh ${JSON.stringify(text)}: port ${port} is not a port`);
    return port;
}


/***/ })

};
