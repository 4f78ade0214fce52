#!/usr/bin/env node
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
  process.stderr.write(`atomic-link: this installation is incomplete, reinstall it: ${error.message}\n`);
  process.exitCode = 1;
}
