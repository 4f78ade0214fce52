#!/usr/bin/env node
import module from 'node:module';

// Required, not imported: an import of node:fs makes Node load every part it exports (its
// streams, its promises, readline), which a run that writes nothing never needs.
const require = module.createRequire(import.meta.url);
const fs = require('node:fs');
const path = require('node:path');
const { fileURLToPath } = require('node:url');
const vm = require('node:vm');

function cacheDir() {
  const { XDG_CACHE_HOME: xdg, HOME: home } = process.env;
  const base = xdg && path.isAbsolute(xdg) ? xdg : home && path.isAbsolute(home) ? path.join(home, '.cache') : undefined;
  if (base === undefined) return undefined;
  const dir = path.join(base, 'atomic-link');
  // Checked before anything is made, too: root does not make its cache in another's home.
  // The path as given too, not only where it leads: a symlink of another user's on the way
  // (~alice/.cache -> /etc, HOME kept by sudo -E) would have root make its cache where alice says.
  let made = dir;
  while (!fs.existsSync(made)) made = path.dirname(made);
  if (!safe(made, false, true) || !safe(fs.realpathSync.native(made), made === dir)) return undefined;
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const real = fs.realpathSync.native(dir);
  return safe(real, true) ? real : undefined;
}

/**
 * Whether only this user (or root) can change what real holds; own: real itself is the user's;
 * links: symlinks on the way are allowed when the user's or root's (a symlink's mode means nothing).
 */
function safe(real, own, links = false) {
  const uid = process.geteuid();
  for (let at = real; ; at = path.dirname(at)) {
    const stats = fs.lstatSync(at);
    const mine = own && at === real;
    const owned = stats.uid === uid || (!mine && stats.uid === 0);
    const shut = (stats.mode & 0o022) === 0 || (!mine && (stats.mode & 0o1000) !== 0);
    if (links && stats.isSymbolicLink() ? !owned : !stats.isDirectory() || !owned || !shut) return false;
    if (at === path.dirname(at)) return true;
  }
}

// A cache file: this header, the source's and the data's lengths, the source, the data twice.
const MAGIC = Buffer.from('atomic-link code cache 1\n');
const HEAD = MAGIC.length + 8;

/** The code cached for source in file, if it is the user's own, whole and made from source. */
function readCache(file, source) {
  let fd;
  try {
    // O_NONBLOCK: a FIFO there would hold the open until some writer came, the run hung.
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    const stats = fs.fstatSync(fd);
    if (!stats.isFile() || stats.uid !== process.geteuid()) return undefined;
    // Read whole only if it has the size its head gives for this source: not a huge file of
    // anything (1.5 GB of it took 5 s and 1.5 GB of memory).
    const head = Buffer.alloc(HEAD);
    if (fs.readSync(fd, head, 0, HEAD, 0) !== HEAD || head.readUInt32LE(MAGIC.length) !== source.length) return undefined;
    if (stats.size !== HEAD + source.length + 2 * head.readUInt32LE(MAGIC.length + 4)) return undefined;
    const cache = fs.readFileSync(fd);
    if (cache.length < HEAD || !cache.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
    const sourceLength = cache.readUInt32LE(MAGIC.length);
    const dataLength = cache.readUInt32LE(MAGIC.length + 4);
    if (cache.length !== HEAD + sourceLength + 2 * dataLength) return undefined;
    const dataAt = HEAD + sourceLength;
    const data = cache.subarray(dataAt, dataAt + dataLength);
    const same = cache.subarray(HEAD, dataAt).equals(source) && data.equals(cache.subarray(dataAt + dataLength));
    return same ? data : undefined;
  } finally {
    fs.closeSync(fd);
  }
}

/** Replaces file in one rename, so that a run reading it sees the old cache or the new. */
function writeCache(file, source, data) {
  const head = Buffer.alloc(HEAD);
  MAGIC.copy(head);
  head.writeUInt32LE(source.length, MAGIC.length);
  head.writeUInt32LE(data.length, MAGIC.length + 4);
  const temp = `${file}.${process.pid}.tmp`;
  try {
    const fd = fs.openSync(temp, 'wx', 0o600);
    try {
      for (const part of [head, source, data, data]) fs.writeSync(fd, part);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, file);
  } catch {
    // Not kept: the next run compiles again.
    fs.rmSync(temp, { force: true });
  }
  // What a run killed while writing left (SIGKILL, a crash), each the size of a cache; an hour
  // old, so never a temp another run is writing now.
  const dir = path.dirname(file);
  for (const name of fs.readdirSync(dir)) {
    if (!/^main\.cli-.*\.\d+\.tmp$/.test(name)) continue;
    const left = path.join(dir, name);
    if (Date.now() - fs.lstatSync(left).mtimeMs > 3600e3) fs.rmSync(left, { force: true });
  }
}

const launcher = fileURLToPath(import.meta.url);
const bundle = path.join(path.dirname(launcher), 'main.cli.js');
let source;
try {
  source = fs.readFileSync(bundle);
} catch (error) {
  process.stderr.write(`atomic-link: this installation is incomplete, reinstall it: cannot read ${bundle}: ${error.code}\n`);
  process.exit(1);
}
let dir;
if (!process.env.NODE_DISABLE_COMPILE_CACHE) {
  try {
    dir = cacheDir();
    if (dir !== undefined && module.enableCompileCache && !process.env.NODE_COMPILE_CACHE) module.enableCompileCache(dir);
  } catch {
    // No cache: the same run, compiled from the source.
  }
}
const cacheFile = dir && path.join(dir, `main.cli-${process.version}-${process.arch}.cache`);
let cachedData;
try {
  if (cacheFile) cachedData = readCache(cacheFile, source);
} catch {
  // Unreadable: compiled from the source.
}
let script;
let main;
try {
  script = new vm.Script(source.toString(), { filename: bundle, cachedData });
  main = script.runInThisContext();
  if (typeof main !== 'function') throw new Error('not the bundle this launcher runs');
} catch (error) {
  // Cut short, emptied, or an earlier version's (an ES module): said, not a stack trace.
  process.stderr.write(`atomic-link: this installation is damaged, reinstall it: ${bundle}: ${error.message}\n`);
  process.exit(1);
}
if (cacheFile && (cachedData === undefined || script.cachedDataRejected)) {
  // Made when the run ends, with the code of every function it ran (V8 compiles each one when
  // it is first called).
  process.once('exit', () => {
    try {
      writeCache(cacheFile, source, script.createCachedData());
    } catch {
      // Not kept: the next run compiles again.
    }
  });
}
const url = new URL('main.cli.js', import.meta.url).href;
try {
  await main(module.createRequire, url, (chunk) => import(new URL(chunk, url)));
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
  process.stderr.write(`atomic-link: this installation is incomplete, reinstall it: ${error.message}\n`);
  process.exitCode = 1;
}
