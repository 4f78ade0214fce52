export const id = 483;
export const ids = [483];
export const modules = {

/***/ 483:
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
// EXTERNAL MODULE: external "node:url"
var external_node_url_ = __webpack_require__(3136);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:net"
var external_node_net_ = __webpack_require__(7030);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
;// CONCATENATED MODULE: ./lib/transport/sftp/known-hosts.js

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
    return `SHA256:${(0,external_node_crypto_.createHash)('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
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
        const mac = (0,external_node_crypto_.createHmac)('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
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

;// CONCATENATED MODULE: ./lib/transport/ssh-config.js







const DISK_READER = {
    read(file) {
        let fd;
        try {
            fd = external_node_fs_.openSync(file, 'r');
        }
        catch (error) {
            if ((0,errors/* errnoCode */.UK)(error) === 'ENOENT')
                return undefined;
            throw error;
        }
        try {
            // Owner and mode of the file read, not of what the name points to a moment later.
            const stat = external_node_fs_.fstatSync(fd);
            const text = stat.isDirectory() ? '' : external_node_fs_.readFileSync(fd, 'utf8');
            return { text, uid: stat.uid, mode: stat.mode };
        }
        finally {
            external_node_fs_.closeSync(fd);
        }
    },
    list(dir) {
        try {
            return external_node_fs_.readdirSync(dir);
        }
        catch {
            return [];
        }
    },
};
function localSshEnvironment() {
    const me = external_node_os_.userInfo();
    return {
        home: me.homedir,
        envHome: process.env.HOME ?? me.homedir,
        localUser: me.username,
        uid: process.getuid?.() ?? -1,
        localHost: external_node_os_.hostname(),
        env: process.env,
        systemConfig: '/etc/ssh/ssh_config',
        reader: DISK_READER,
    };
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
    const hostname = external_node_net_.isIP(name) ? name : name.toLowerCase();
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
    throw new errors/* UsageError */.eb(`${source}: ${message}`);
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
            fail(`--ssh-config ${configFile}`, `cannot read it (${(0,errors/* describeError */.Uc)(error)})`);
        }
        if (text === undefined)
            fail(`--ssh-config ${configFile}`, 'no such file');
        readFile(reading, { file: configFile, user: true, neverMatch: false, depth: 0 }, text, true);
        return;
    }
    // ssh passes over either file when it cannot open it, but refuses an unsafe user file.
    const defaults = [
        { file: external_node_path_.join(environment.home, '.ssh', 'config'), user: true },
        { file: environment.systemConfig, user: false },
    ];
    for (const { file, user } of defaults) {
        let text;
        try {
            text = load(environment, file, user);
        }
        catch (error) {
            if (error instanceof errors/* UsageError */.eb)
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
        throw new errors/* UsageError */.eb(`Bad owner or permissions on ${file} (owner uid ${uid}, mode ` +
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
        if (!globMatch(negated ? arg.slice(1) : arg, line.reading.host, false))
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
            matched = patternListMatches(criteria, matchedHost(reading), true);
        }
        else if (attribute === 'originalhost') {
            matched = patternListMatches(criteria, request.host, true);
        }
        else if (attribute === 'user') {
            matched = patternListMatches(criteria, options.user ?? environment.localUser, false);
        }
        else if (attribute === 'localuser') {
            matched = patternListMatches(criteria, environment.localUser, false);
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
        const under = place.user ? '~/.ssh' : external_node_path_.dirname(environment.systemConfig);
        const pattern = tilde(relative ? `${under}/${arg}` : arg, environment.envHome, source);
        for (const file of glob(pattern, environment.reader, source)) {
            if (place.depth >= MAX_INCLUDE_DEPTH)
                fail(source, 'too many nested Include levels');
            let text;
            try {
                text = load(environment, file, true);
            }
            catch (error) {
                if (error instanceof errors/* UsageError */.eb)
                    throw error;
                fail(source, `cannot read ${file} (${(0,errors/* describeError */.Uc)(error)})`);
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
        const matches = (name) => globMatch(segment, name, false) && (segment.startsWith('.') || !name.startsWith('.'));
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
        C: (0,external_node_crypto_.createHash)('sha1').update(`${localHost}${hostname}${port}${user}`).digest('hex'),
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

;// CONCATENATED MODULE: ./lib/transport/ssh-target.js


/**
 * Parses `USER@HOST:PATH` (HOST may be `[IPv6]`) or `ssh://USER@HOST[:PORT]/PATH`; PATH must be
 * absolute. A destination ssh would read as an option (a leading `-`) is refused.
 */
function parseSshTarget(text) {
    if (text.startsWith('ssh://'))
        return parseSshUrl(text);
    const match = /^((?:[^@:/\s]+@)?(?:\[[^\]]+\]|[^:[\]\s/]+)):(.*)$/.exec(text);
    if (!match)
        throw new UsageError(`--ssh ${JSON.stringify(text)} must be USER@HOST:PATH`);
    const [, destination, dir] = match;
    if (destination.startsWith('-')) {
        throw new UsageError(`--ssh ${JSON.stringify(text)}: a destination may not start with '-'`);
    }
    if (!dir.startsWith('/')) {
        throw new UsageError(`--ssh ${JSON.stringify(text)}: PATH must be absolute, as the server sees it`);
    }
    if (splitDestination(destination).host === '') {
        throw new UsageError(`--ssh ${JSON.stringify(text)} names no HOST`);
    }
    return { destination, path: path.posix.normalize(dir) };
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
        throw new UsageError(`--ssh ${JSON.stringify(text)} must be ssh://USER@HOST[:PORT]/PATH`);
    }
    if (url.hostname === '' || url.pathname === '' || url.password !== '' || url.search !== '') {
        throw new UsageError(`--ssh ${JSON.stringify(text)} must be ssh://USER@HOST[:PORT]/PATH`);
    }
    const user = decodeURIComponent(url.username);
    if (user.startsWith('-') || url.hostname.startsWith('-')) {
        throw new UsageError(`--ssh ${JSON.stringify(text)}: a destination may not start with '-'`);
    }
    return {
        destination: `${user ? `${user}@` : ''}${url.hostname}`,
        path: path.posix.normalize(decodeURIComponent(url.pathname)),
        port: url.port === '' ? undefined : checkedPort(Number(url.port), text),
    };
}
/** The URL's parser takes 0 for a port; no server listens there. */
function checkedPort(port, text) {
    if (port < 1)
        throw new UsageError(`--ssh ${JSON.stringify(text)}: port ${port} is not a port`);
    return port;
}

;// CONCATENATED MODULE: ./lib/transport/ssh-route.js



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
function planRoute(target, environment = localSshEnvironment()) {
    const { user, host } = splitDestination(target.destination);
    const jumps = target.jump?.length ? target.jump : undefined;
    return chain(target, { host, user, port: target.port }, jumps, false, environment);
}
function chain(target, host, jumps, jump, environment, depth = 1) {
    if (depth > MAX_HOPS) {
        throw new errors/* UsageError */.eb(`reaching ${target.destination} takes more than ${MAX_HOPS} jump hosts: does a ` +
            `ProxyJump of the ssh config lead back to itself?`);
    }
    const identity = jump ? (target.jumpIdentity ?? target.identity) : target.identity;
    const config = resolveSshConfig({ ...host, identityFiles: identity === undefined ? [] : [identity] }, target.sshConfig, environment);
    const before = jumps ?? config.proxyJump;
    // A ProxyJump, given or from the config, stands in for the config's ProxyCommand, as in ssh.
    const hop = makeHop(target, config, identity, jump, before.length === 0);
    if (before.length === 0)
        return [hop];
    const last = before[before.length - 1];
    const earlier = before.length > 1 ? before.slice(0, -1) : undefined;
    return [...chain(target, last, earlier, true, environment, depth + 1), hop];
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
        throw new errors/* UsageError */.eb(`${command.source}: ProxyCommand ${command.value} runs a command to reach ` +
            `${config.host}, which atomic-link does only when --allow-proxy-command is given`);
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
        ...(command && { proxyCommand: { value: proxyCommandLine(config), source: command.source } }),
        notes,
    };
}

// EXTERNAL MODULE: external "node:child_process"
var external_node_child_process_ = __webpack_require__(1421);
// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(7075);
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
/** Where the passphrase comes from, for the messages that need one. */
const PASSPHRASE_SOURCES = 'ATOMIC_LINK_SSH_PASSPHRASE or --passphrase-file';
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
function identities(hop, passphrase, tools) {
    const { user: username, identityFiles, identitiesOnly, identityAgent } = hop.config;
    const tried = [];
    const skipped = [];
    const files = [];
    const publicKeys = [];
    for (const file of identityFiles) {
        if (file !== hop.identity && !external_node_fs_.existsSync(file))
            continue;
        const key = readKey(file, passphrase, tools.parseKey);
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
function readKey(file, passphrase, parse) {
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
            return `is encrypted, and no passphrase was given (${PASSPHRASE_SOURCES}; or add the key to an agent with ssh-add)`;
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

;// CONCATENATED MODULE: ./lib/transport/sftp/watchdog.js
/**
 * The deadline of every request to the server: a channel that has requests outstanding and
 * answers none of them for HUNG_AFTER_MS, or for HUNG_AFTER_OPENS times what opening the SFTP
 * channel took (about three round trips) where that is longer, is taken for hung, and the
 * connection is closed: every request still on the way fails as lost. This is what a server
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
            this.stop();
            const waiting = `${requests.outstanding} ${requests.outstanding === 1 ? 'request' : 'requests'}`;
            const seconds = `${Math.round(limit / 100) / 10} s`;
            if (this.stopAsked) {
                const signal = String(this.signal?.reason);
                this.hung(`stopped by ${signal}, and the server answered nothing on ${requests.channel} for ` +
                    `${seconds} after it (${waiting} waiting), so the connection was closed`, signal);
            }
            else {
                this.hung(`the server stopped answering: nothing came back on ${requests.channel} for ` +
                    `${seconds} with ${waiting} waiting, so the connection was closed`);
            }
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
 * Connects to the last hop of `route` through the others, each hop's host key checked and each
 * logged in on its own. A jump host is shared: routes that pass through the same hops in one
 * run use one connection to them, closed when the last of its users closes. Known hosts and
 * keys of every hop are read before anything is sent, so a hop that cannot be checked or logged
 * in to fails the run first. Every way out of a failed connect leaves nothing behind (sockets,
 * commands, timers) that keeps the process alive.
 */
async function reach(route, run) {
    const prepared = route.map((hop) => ({
        hop,
        check: hostKeyCheck(hop),
        login: identities(hop, run.passphrase, run.keys),
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
/** A connection to the last of `route`, shared with every other user of the same hops. */
async function lease(route, run) {
    const key = JSON.stringify(route.map(({ hop }) => [hop.config, hop.knownHosts, hop.identity, hop.proxyCommand]));
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
    const socket = external_node_net_.connect({ host: hop.config.hostname, port: hop.config.port });
    // ssh2 writes a packet in several pieces; with Nagle's algorithm on, each piece after the
    // first waits for the server's delayed ACK (40 ms on Linux), at every round trip.
    socket.setNoDelay(true);
    return {
        stream: socket,
        streams: [socket],
        destroy: () => socket.destroy(),
        // Everything is said: the process need not wait a round trip for the server's goodbye.
        close: () => socket.unref(),
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
            judge: (blob) => fingerprints.includes(fingerprintOf(blob))
                ? undefined
                : `the host key of ${label} (${blobType(blob)} ${fingerprintOf(blob)}) has none of ` +
                    `the fingerprints given (${fingerprints.join(', ')})`,
            notes: [],
        };
    }
    const files = hop.knownHosts.flatMap((file) => {
        const text = readIfThere(file);
        return text === undefined ? [] : [{ file, text }];
    });
    const known = hostKeysIn(files, name, port);
    const notes = known.skipped.map((line) => `${line}: passed over`);
    const read = files.map(({ file }) => file);
    const where = read.length > 0 ? read.join(', ') : `any known_hosts file (${hop.knownHosts.join(', ')})`;
    if (known.keys.length === 0) {
        throw new Error(aboutHop(hop, unknownHost(label, where, known.revoked, notes)));
    }
    return {
        algorithms: hostKeyAlgorithms(known.keys),
        judge: (blob) => {
            const verdict = judgeHostKey(known, blob);
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
    const route = planRoute(target);
    const { config } = route[route.length - 1];
    const { host } = splitDestination(target.destination);
    const where = `${config.user}@${target.destination.slice(target.destination.lastIndexOf('@') + 1)}:${target.path}`;
    const address = config.hostname === host ? `port ${config.port}` : `${config.hostname} port ${config.port}`;
    const stopped = () => new errors/* InterruptedError */.p4(`stopped by ${signal?.reason} while connecting to ${where}; nothing was changed`, String(signal?.reason));
    if (signal?.aborted)
        throw stopped();
    // ssh2's poly1305 (emscripten output) reads CommonJS's __dirname, which this ES module
    // bundle lacks; it only builds a path to a file it never reads (its wasm is inline).
    const scope = globalThis;
    scope.__dirname ??= external_node_path_.dirname((0,external_node_url_.fileURLToPath)(import.meta.url));
    const { Client, utils, createAgent } = (await __webpack_require__.e(/* import() */ 472).then(__webpack_require__.t.bind(__webpack_require__, 5472, 19))).default;
    if (signal?.aborted)
        throw stopped();
    const failed = (error, reason = error.message) => {
        if (error instanceof errors/* InterruptedError */.p4)
            return stopped();
        if (error instanceof errors/* AtomicLinkError */.G7)
            return error;
        return new errors/* UpdateError */.mp(`cannot connect to ${where} (${address}): ${reason}; nothing was changed`);
    };
    const link = await reach(route, {
        Client,
        keys: { parseKey: utils.parseKey, createAgent },
        passphrase: target.passphrase,
        signal,
    }).catch((error) => {
        throw failed(error);
    });
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
    const openedAt = performance.now();
    const main = await untilStopped(openChannel('the SFTP channel'), signal).catch((error) => {
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
    let second;
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
        second: () => (second ??= openChannel("the guard's SFTP channel")),
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
    sftp;
    requests;
    constructor(channel, paths, standBy) {
        this.paths = paths;
        this.sftp = channel.sftp;
        this.requests = channel.requests;
        this.inFlight = standBy ? STAND_BY_IN_FLIGHT : IN_FLIGHT;
    }
    /**
     * Resolves once the server has answered a first lookup: from then on it is looking. When
     * `lost` rejects (the watchdog closes a connection whose channel stopped answering), the
     * guard has lost sight, and says so.
     */
    static async start(channel, paths, lost, standBy = false) {
        const guard = new SftpGuard(channel, paths, standBy);
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
        this.requests.sent();
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
        this.requests.done();
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
    constructor(session) {
        this.session = session;
        this.where = session.where.slice(0, session.where.lastIndexOf(':'));
        this.notes = session.notes;
        this.channel = session.main;
        this.sftp = session.main.sftp;
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
        const answer = new Promise((resolve, reject) => {
            requests.sent();
            try {
                send((error, value) => {
                    requests.done();
                    if (error)
                        reject(asFailure(error, syscall));
                    else
                        resolve(value);
                });
            }
            catch (error) {
                requests.done();
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
