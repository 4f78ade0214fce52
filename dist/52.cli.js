export const id = 52;
export const ids = [52];
export const modules = {

/***/ 7052:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   withRemoteMount: () => (/* binding */ withRemoteMount)
/* harmony export */ });
/* unused harmony export mountRemote */
/* harmony import */ var node_child_process__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(1421);
/* harmony import */ var _engine_errors_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(4899);
/* harmony import */ var _local_sshfs_view_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(4452);
/* harmony import */ var _platform_stop_signals_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(9962);




/**
 * Host keys are always checked, and a dead server fails the run within seconds instead of
 * hanging it: BatchMode never prompts, and keep-alives notice a silent peer. These options win
 * over the ssh config, which ssh reads itself (the one named with -F, when one is).
 */
function sshOptions(target) {
    const options = [
        'StrictHostKeyChecking=yes',
        'BatchMode=yes',
        'ConnectTimeout=10',
        'ServerAliveInterval=2',
        'ServerAliveCountMax=3',
    ];
    // As over SFTP: the file given replaces the user's known_hosts, the system-wide ones count.
    if (target.knownHosts)
        options.push(`UserKnownHostsFile=${target.knownHosts}`);
    if (target.identity)
        options.push(`IdentityFile=${target.identity}`, 'IdentitiesOnly=yes');
    return options;
}
/** The port and config file given, as both ssh and sshfs take them. */
function sshArgs(target) {
    return [
        ...(target.port === undefined ? [] : ['-p', String(target.port)]),
        ...(target.sshConfig === undefined ? [] : ['-F', target.sshConfig]),
    ];
}
/** A comma inside a FUSE `-o` value must be escaped, or it splits the option. */
const escapeOption = (option) => option.replace(/\\/g, '\\\\').replace(/,/g, '\\,');
/** Mounts the remote directory on a private mount point and returns that mount point. */
function mountRemote(target) {
    // Uncached: what the switch reads (the links' state, their targets) is the server's truth.
    const options = [...sshOptions(target), ..._local_sshfs_view_js__WEBPACK_IMPORTED_MODULE_2__/* .UNCACHED_OPTIONS */ .NE, ...target.sshfsOptions];
    try {
        return (0,_local_sshfs_view_js__WEBPACK_IMPORTED_MODULE_2__/* .mountSshfs */ .Ts)((mountPoint) => [
            `${target.destination}:${target.path}`,
            mountPoint,
            ...sshArgs(target),
            '-o',
            options.map(escapeOption).join(','),
        ]);
    }
    catch (error) {
        throw new _engine_errors_js__WEBPACK_IMPORTED_MODULE_1__/* .UpdateError */ .mp(`cannot mount ${target.destination}:${target.path} with sshfs: ` +
            `${sshDiagnosis(target) || error.message}; nothing was changed`);
    }
}
/**
 * sshfs swallows ssh's own messages ("Host key verification failed."), so after a failed mount
 * the same connection is tried once with ssh alone, to say why.
 */
function sshDiagnosis(target) {
    const options = sshOptions(target).flatMap((option) => ['-o', option]);
    const result = (0,node_child_process__WEBPACK_IMPORTED_MODULE_0__.spawnSync)('ssh', [...options, ...sshArgs(target), target.destination, '-s', 'sftp'], { input: '', encoding: 'utf8', timeout: 20000 });
    const lines = (result.stderr ?? '')
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '');
    return lines.slice(-2).join(' ').replace(/\.$/, '');
}
/**
 * Runs `work` on the mounted remote directory and unmounts it on every way out: return, throw,
 * or a second stop signal, which exits at once.
 */
async function withRemoteMount(target, work) {
    const mountPoint = mountRemote(target);
    const forget = (0,_platform_stop_signals_js__WEBPACK_IMPORTED_MODULE_3__/* .atLastSignal */ .ao)(() => (0,_local_sshfs_view_js__WEBPACK_IMPORTED_MODULE_2__/* .unmountFuse */ .Ot)(mountPoint));
    try {
        return await work(mountPoint);
    }
    finally {
        forget();
        (0,_local_sshfs_view_js__WEBPACK_IMPORTED_MODULE_2__/* .unmountFuse */ .Ot)(mountPoint);
    }
}


/***/ })

};
