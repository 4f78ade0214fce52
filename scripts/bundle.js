// Bundles the compiled entry points (lib/) with ncc into dist/: index.js for the action,
// cli.js for the command line, each with the chunks it loads on demand (ssh2 and the SFTP
// store, only for remote work), and the guard's worker, which ncc copies as an asset. The
// command line's bundle is main.cli.js, loaded by a small cli.js that first turns V8's code
// cache on where Node has it: a module is cached only when loaded after that.
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

// Node 22.1+ keeps V8's compiled code of the bundle between runs (a run that finds none
// compiles as before). Code read from a cache is run as it is: the cache must be the user's
// own, in a directory nobody else can write, rename or swap, through every directory above it
// (not another user's home that sudo -E kept in HOME, where that user could move root's cache
// aside and put theirs in its place after the check). A directory writable by others above
// it must be sticky and the user's or root's (/tmp). The cache is used by its real path, so a
// symlink on the way is not followed again later. A relative XDG_CACHE_HOME is ignored, as the
// XDG spec says. NODE_COMPILE_CACHE, when set, is Node's own doing. Anything failing here
// leaves the run uncached; Node 20 has no cache and does nothing here.
const CLI_STUB = `#!/usr/bin/env node
import module from 'node:module';

// Required, not imported: an import of node:fs makes Node load every part it exports (its
// streams, its promises, readline), which a run that writes nothing never needs.
const require = module.createRequire(import.meta.url);
const fs = require('node:fs');
const path = require('node:path');

function cacheDir() {
  const { XDG_CACHE_HOME: xdg, HOME: home } = process.env;
  const base = xdg && path.isAbsolute(xdg) ? xdg : home && path.isAbsolute(home) ? path.join(home, '.cache') : undefined;
  if (base === undefined) return undefined;
  const dir = path.join(base, 'atomic-link');
  // Checked before anything is made, too: root does not make its cache in another's home.
  let made = dir;
  while (!fs.existsSync(made)) made = path.dirname(made);
  if (!safe(fs.realpathSync.native(made), made === dir)) return undefined;
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const real = fs.realpathSync.native(dir);
  return safe(real, true) ? real : undefined;
}

/** Whether only this user (or root) can change what real holds; own: real itself is the user's. */
function safe(real, own) {
  const uid = process.geteuid();
  for (let at = real; ; at = path.dirname(at)) {
    const stats = fs.lstatSync(at);
    const mine = own && at === real;
    const owned = stats.uid === uid || (!mine && stats.uid === 0);
    const shut = (stats.mode & 0o022) === 0 || (!mine && (stats.mode & 0o1000) !== 0);
    if (!stats.isDirectory() || !owned || !shut) return false;
    if (at === path.dirname(at)) return true;
  }
}

if (module.enableCompileCache && !process.env.NODE_COMPILE_CACHE) {
  try {
    const dir = cacheDir();
    if (dir !== undefined) module.enableCompileCache(dir);
  } catch {
    // No cache: the same run, compiled from the source.
  }
}
try {
  await import('./main.cli.js');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
  process.stderr.write(\`atomic-link: this installation is incomplete, reinstall it: \${error.message}\\n\`);
  process.exitCode = 1;
}
`;

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
    fs.writeFileSync(
      path.join(dist, name === 'cli' ? 'main.cli.js' : `${name}.js`),
      main.replace(loader, `return "" + chunkId + ".${name}.js";`),
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
