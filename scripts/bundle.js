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
// own, a directory only they can write (not a shared /tmp, and not a home of another user's
// that sudo kept in HOME). NODE_COMPILE_CACHE, when set, is Node's own doing. Anything failing
// here leaves the run uncached; Node 20 has no cache and does nothing here.
const CLI_STUB = `#!/usr/bin/env node
import fs from 'node:fs';
import module from 'node:module';
import path from 'node:path';

if (module.enableCompileCache && !process.env.NODE_COMPILE_CACHE) {
  try {
    const home = process.env.XDG_CACHE_HOME || path.join(process.env.HOME || '/nonexistent', '.cache');
    const dir = path.join(home, 'atomic-link');
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stats = fs.lstatSync(dir);
    if (stats.isDirectory() && stats.uid === process.geteuid() && (stats.mode & 0o022) === 0) {
      module.enableCompileCache(dir);
    }
  } catch {
    // No cache: the same run, compiled from the source.
  }
}
await import('./main.cli.js');
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
