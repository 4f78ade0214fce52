// Bundles the compiled entry points (lib/) with ncc into dist/: index.js for the action,
// cli.js for the command line, each with the chunks it loads on demand (ssh2 and the SFTP
// store, only for remote work), and the guard's worker, which ncc copies as an asset. The
// command line's bundle is main.cli.js, a script run by a small cli.js with V8's compiled code
// of it kept between runs (below).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const ncc = path.join(root, 'node_modules', '.bin', 'ncc');
const dist = path.join(root, 'dist');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-bundle-'));
// ssh2's optional native parts stay out: its own binding (built or not, depending on the
// machine that installed it) and cpu-features; without them it uses Node's crypto. Pageant
// is a Windows agent atomic-link never asks for.
const EXTERNALS = ['./crypto/build/Release/sshcrypto.node', 'cpu-features'];
const LEFT_OUT = new Set(['pagent.exe']);
const CHUNK = /^(\d+)\.index\.js$/;

// The command line's bundle, main.cli.js, is run as a script (see toScript), not imported as an
// ES module: Node 20 has no compile cache, and V8 keeps the compiled code of a script (its
// cached data) but not of a module loaded by Node's ES module loader. The launcher, cli.js,
// keeps that code between runs in a file of the user's cache directory, with the source it was
// made from and its data twice: V8 checks only the data's version, flags and length (it runs a
// cache made from another source of the same length, or with a byte changed), so the launcher
// uses it only if the source is byte for byte the bundle's and the two copies agree; else the
// run compiles as before and writes it anew when it ends. Node 22.1+ keeps the code of the
// chunks loaded on demand too (module.enableCompileCache).
//
// Code read from a cache is run as it is: the cache must be the user's own, in a directory
// nobody else can write, rename or swap, through every directory above it (not another user's
// home that sudo -E kept in HOME, where that user could move root's cache aside and put theirs
// in its place after the check). A directory writable by others above it must be sticky and the
// user's or root's (/tmp). The cache is used by its real path, so a symlink on the way is not
// followed again later. A relative XDG_CACHE_HOME is ignored, as the XDG spec says.
// NODE_COMPILE_CACHE, when set, is Node's own doing for the chunks; NODE_DISABLE_COMPILE_CACHE
// turns both off. Anything failing here leaves the run uncached, and the same.
const CLI_STUB = `#!/usr/bin/env node
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
const MAGIC = Buffer.from('atomic-link code cache 1\\n');
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
  const temp = \`\${file}.\${process.pid}.tmp\`;
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
    if (!/^main\\.cli-.*\\.\\d+\\.tmp$/.test(name)) continue;
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
  process.stderr.write(\`atomic-link: this installation is incomplete, reinstall it: cannot read \${bundle}: \${error.code}\\n\`);
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
const cacheFile = dir && path.join(dir, \`main.cli-\${process.version}-\${process.arch}.cache\`);
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
  process.stderr.write(\`atomic-link: this installation is damaged, reinstall it: \${bundle}: \${error.message}\\n\`);
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
  process.stderr.write(\`atomic-link: this installation is incomplete, reinstall it: \${error.message}\\n\`);
  process.exitCode = 1;
}
`;

/**
 * ncc's ES module bundle as a script for vm.Script: a strict async function of what the module
 * took from its surroundings (createRequire, its own URL, import() of its chunks), which the
 * launcher passes. Throws where ncc's output is not of the shape this expects.
 */
function toScript(main) {
  const head =
    '#!/usr/bin/env node\nimport { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";\n';
  const chunkImport = 'import("./" + __nccwpck_require__.u(chunkId))';
  if (!main.startsWith(head) || main.split(chunkImport).length !== 2) {
    throw new Error("lib/cli.js: ncc's module header or chunk loader changed");
  }
  const body = main
    .slice(head.length)
    .replace(chunkImport, '__atomicLinkImport("./" + __nccwpck_require__.u(chunkId))')
    .replaceAll('import.meta.url', '__atomicLinkUrl');
  // ncc's comments that name import() are not calls.
  const code = body.replaceAll('/* import() */', '').replace('// import() chunk loading', '');
  if (/\bimport\s*[(.]|^\s*(?:import|export)\b/m.test(code)) {
    throw new Error('lib/cli.js: the bundle uses import or export where a script cannot');
  }
  // Run by node itself (as before 66f5963 it could be), the file would be an ES module whose
  // only statement is a function never called: exit 0, nothing done. There top-level this is
  // undefined, in the launcher's script the global object.
  return `this === undefined && (process.stderr.write('atomic-link: run cli.js beside main.cli.js, not main.cli.js\\n'), process.exit(1));
(async function (__WEBPACK_EXTERNAL_createRequire, __atomicLinkUrl, __atomicLinkImport) {
'use strict';
${body}
})`;
}

try {
  fs.mkdirSync(dist, { recursive: true });
  for (const [entry, name] of [
    ['lib/index.js', 'index'],
    ['lib/cli.js', 'cli'],
  ]) {
    const out = path.join(work, name);
    const externals = EXTERNALS.flatMap((external) => ['-e', external]);
    execFileSync(
      ncc,
      ['build', path.join(root, entry), '-o', out, '--license', 'licenses.txt', '-q', ...externals],
      {
        stdio: 'inherit',
      },
    );
    // Both bundles hold a chunk of ssh2, not byte for byte the same: each entry loads chunks
    // named after itself (472.cli.js), so the two sets can lie side by side in dist/.
    const main = fs.readFileSync(path.join(out, 'index.js'), 'utf8');
    const loader = 'return "" + chunkId + ".index.js";';
    if (main.split(loader).length !== 2) throw new Error(`${entry}: ncc's chunk loader changed`);
    const named = main.replace(loader, `return "" + chunkId + ".${name}.js";`);
    fs.writeFileSync(
      path.join(dist, name === 'cli' ? 'main.cli.js' : `${name}.js`),
      name === 'cli' ? toScript(named) : named,
    );
    if (name === 'cli') fs.writeFileSync(path.join(dist, 'cli.js'), CLI_STUB);
    for (const asset of fs.readdirSync(out)) {
      if (asset === 'index.js' || LEFT_OUT.has(asset)) continue;
      // ncc writes licenses.txt only when the bundle holds third-party code.
      const copy =
        asset === 'licenses.txt'
          ? `${name}.licenses.txt`
          : asset.replace(CHUNK, (_, id) => `${id}.${name}.js`);
      fs.copyFileSync(path.join(out, asset), path.join(dist, copy));
    }
  }
  // The guard's worker is loaded by its name; the package and the image ship it by that name.
  if (!fs.existsSync(path.join(dist, 'guard-worker.cjs'))) {
    throw new Error('dist/guard-worker.cjs is missing: ncc did not relocate the guard worker');
  }
  fs.chmodSync(path.join(dist, 'cli.js'), 0o755);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
