export const id = 656;
export const ids = [656];
export const modules = {

/***/ 1656:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   remotePlace: () => (/* binding */ remotePlace)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3024);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(6760);
/* harmony import */ var _engine_index_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(2955);
/* harmony import */ var _transport_ssh_config_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(7266);
/* harmony import */ var _transport_ssh_route_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(8447);
/* harmony import */ var _transport_ssh_target_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(2121);






/**
 * Where --ssh leads: one server over SFTP or sshfs, or a fleet; the ssh config is read here.
 * Loaded only when --ssh is given, so that a local run does not load the ssh config's
 * resolver.
 */
function remotePlace(values, cwd, env) {
    if (values['sshfs-option'] !== undefined && !values.sshfs) {
        throw new _engine_index_js__WEBPACK_IMPORTED_MODULE_2__/* .UsageError */ .eb('--sshfs-option goes with --sshfs (without it, SFTP is spoken directly)');
    }
    const port = values['ssh-port'] === undefined ? undefined : Number(values['ssh-port']);
    if (port !== undefined && (!Number.isInteger(port) || port < 1 || port > 65535)) {
        throw new _engine_index_js__WEBPACK_IMPORTED_MODULE_2__/* .UsageError */ .eb(`--ssh-port ${JSON.stringify(values['ssh-port'])} must be a port number`);
    }
    const common = {
        identity: readableFile(values.identity, '--identity', cwd),
        knownHosts: readableFile(values['known-hosts'], '--known-hosts', cwd),
        sshfsOptions: values['sshfs-option'] ?? [],
        ...reachOptions(values, cwd, env),
    };
    if (values.sshfs)
        refuseWithSshfs(common);
    const targets = values.ssh.map((text) => {
        const { port: own, ...where } = (0,_transport_ssh_target_js__WEBPACK_IMPORTED_MODULE_5__/* .parseSshTarget */ .vW)(text);
        return { ...where, port: own ?? port, ...common };
    });
    // The ssh config is read now, so that what cannot be followed ends the run before anything
    // is sent to any host.
    for (const target of targets)
        (0,_transport_ssh_route_js__WEBPACK_IMPORTED_MODULE_4__/* .planRoute */ .Z)(target);
    if (targets.length === 1)
        return { kind: values.sshfs ? 'sshfs' : 'sftp', target: targets[0] };
    if (values.sshfs)
        throw new _engine_index_js__WEBPACK_IMPORTED_MODULE_2__/* .UsageError */ .eb('--sshfs takes one --ssh: many hosts are switched over SFTP');
    const maxHosts = Number(values['max-hosts'] ?? '16');
    if (!Number.isInteger(maxHosts) || maxHosts < 1) {
        throw new _engine_index_js__WEBPACK_IMPORTED_MODULE_2__/* .UsageError */ .eb(`--max-hosts ${JSON.stringify(values['max-hosts'])} must be a whole number, 1 or more`);
    }
    return { kind: 'fleet', targets, maxHosts };
}
/** The passphrase's variable: a secret is never taken from the command line, which others see. */
const PASSPHRASE_VARIABLE = 'ATOMIC_LINK_SSH_PASSPHRASE';
/** How the hosts are reached beyond the key and known_hosts: the ssh config, jumps, secrets. */
function reachOptions(values, cwd, env) {
    const config = values['ssh-config'];
    // As ssh -F takes it: a named file is read whoever owns it (only the default ones are checked).
    const sshConfig = config?.toLowerCase() === 'none' ? config : readableFile(config, '--ssh-config', cwd);
    const jump = (values.jump ?? []).flatMap((text) => text.split(',').map((spec) => (0,_transport_ssh_config_js__WEBPACK_IMPORTED_MODULE_3__/* .parseJumpHost */ ._3)(spec, `--jump ${JSON.stringify(text)}`)));
    const passphrase = values['passphrase-file'] === undefined
        ? env[PASSPHRASE_VARIABLE] || undefined
        : readPassphrase(readableFile(values['passphrase-file'], '--passphrase-file', cwd));
    const fingerprints = values['host-key-fingerprint']?.map((text) => (0,_transport_ssh_target_js__WEBPACK_IMPORTED_MODULE_5__/* .parseFingerprint */ .sr)(text, '--host-key-fingerprint'));
    return {
        ...(sshConfig !== undefined && { sshConfig }),
        ...(jump.length > 0 && { jump }),
        ...(values['jump-identity'] !== undefined && {
            jumpIdentity: readableFile(values['jump-identity'], '--jump-identity', cwd),
        }),
        ...(values['allow-proxy-command'] && { allowProxyCommand: true }),
        ...(passphrase !== undefined && { passphrase }),
        ...(fingerprints !== undefined && { hostKeyFingerprints: fingerprints }),
    };
}
/** The passphrase file's first line, as a passphrase prompt would take it. */
function readPassphrase(file) {
    let text;
    try {
        text = node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync(file, 'utf8');
    }
    catch (error) {
        throw new _engine_index_js__WEBPACK_IMPORTED_MODULE_2__/* .UsageError */ .eb(`--passphrase-file ${file}: ${(0,_engine_index_js__WEBPACK_IMPORTED_MODULE_2__/* .describeError */ .Uc)(error)}`);
    }
    const [line] = text.split(/\r?\n/);
    if (line === '')
        throw new _engine_index_js__WEBPACK_IMPORTED_MODULE_2__/* .UsageError */ .eb(`--passphrase-file ${file}: its first line is empty`);
    return line;
}
/**
 * sshfs runs ssh, which reads the ssh config itself. What ssh cannot be handed is refused
 * rather than left unused: a passphrase, a fingerprint, and jump hosts of the command line
 * (ssh logs in to those without the options it was given: its key, its known_hosts).
 */
function refuseWithSshfs(target) {
    const refusals = [
        [
            target.jump ?? target.jumpIdentity,
            '--jump and --jump-identity: ssh would log in to the jump host without --identity and ' +
                '--known-hosts; a ProxyJump of the ssh config works, ssh follows it itself',
        ],
        [
            target.passphrase,
            `a passphrase (--passphrase-file, ${PASSPHRASE_VARIABLE}): ssh asks for one only at a ` +
                'terminal; add the key to an agent (ssh-add) instead',
        ],
        [
            target.hostKeyFingerprints,
            '--host-key-fingerprint: ssh checks host keys against known_hosts only; give --known-hosts',
        ],
    ];
    const refused = refusals.find(([given]) => given !== undefined);
    if (refused)
        throw new _engine_index_js__WEBPACK_IMPORTED_MODULE_2__/* .UsageError */ .eb(`--sshfs cannot take ${refused[1]}`);
}
function readableFile(file, option, cwd) {
    if (file === undefined)
        return undefined;
    const absolute = node_path__WEBPACK_IMPORTED_MODULE_1__.resolve(cwd, file);
    try {
        node_fs__WEBPACK_IMPORTED_MODULE_0__.accessSync(absolute, node_fs__WEBPACK_IMPORTED_MODULE_0__.constants.R_OK);
    }
    catch (error) {
        throw new _engine_index_js__WEBPACK_IMPORTED_MODULE_2__/* .UsageError */ .eb(`${option} ${absolute}: ${(0,_engine_index_js__WEBPACK_IMPORTED_MODULE_2__/* .describeError */ .Uc)(error)}${whyDenied(error, absolute)}`);
    }
    return absolute;
}
/**
 * Why a file cannot be read, when it is another user's, private: most often a key (0600)
 * handed to the image, which runs as its own user, not as the key's owner.
 */
function whyDenied(error, file) {
    const uid = process.getuid?.();
    if (error.code !== 'EACCES' || uid === undefined)
        return '';
    let stats;
    try {
        stats = node_fs__WEBPACK_IMPORTED_MODULE_0__.statSync(file);
    }
    catch {
        // Its directory is closed to us: nothing more can be told.
        return '';
    }
    if (stats.uid === uid)
        return '';
    return (`: it belongs to uid ${stats.uid} (mode ${(stats.mode & 0o777).toString(8).padStart(4, '0')}), ` +
        `and atomic-link runs as uid ${uid}; in a container, run it as the file's owner: ` +
        `docker run --user "$(id -u)" ...`);
}


/***/ })

};
