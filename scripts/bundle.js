// Bundles the compiled entry points (lib/) with ncc into dist/: index.js for the action,
// cli.js for the command line, and the guard's worker, which ncc copies beside them as an asset.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const ncc = path.join(root, 'node_modules', '.bin', 'ncc');
const dist = path.join(root, 'dist');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-bundle-'));

try {
  for (const [entry, name] of [
    ['lib/index.js', 'index.js'],
    ['lib/cli.js', 'cli.js'],
  ]) {
    const out = path.join(work, name);
    execFileSync(
      ncc,
      ['build', path.join(root, entry), '-o', out, '--license', 'licenses.txt', '-q'],
      {
        stdio: 'inherit',
      },
    );
    fs.mkdirSync(dist, { recursive: true });
    fs.copyFileSync(path.join(out, 'index.js'), path.join(dist, name));
    for (const asset of fs.readdirSync(out)) {
      // ncc writes licenses.txt only when the bundle holds third-party code.
      const copy = asset === 'licenses.txt' ? name.replace('.js', '.licenses.txt') : asset;
      if (asset !== 'index.js') fs.copyFileSync(path.join(out, asset), path.join(dist, copy));
    }
  }
  fs.chmodSync(path.join(dist, 'cli.js'), 0o755);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
