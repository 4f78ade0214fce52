#!/usr/bin/env node
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
