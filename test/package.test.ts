import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, makeDeployTree } from './helpers/tree.js';

/** npm, quiet and offline: the package has no dependencies, so nothing is fetched. */
function npm(args: string[], cwd = ROOT): string {
  return execFileSync(
    'npm',
    [...args, '--offline', '--no-audit', '--no-fund', '--loglevel=error'],
    {
      cwd,
      encoding: 'utf8',
    },
  );
}

describe('the npm package, as a user installs it', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-package-'));
  const prefix = path.join(work, 'prefix');
  let files: string[];

  beforeAll(() => {
    const [packed] = JSON.parse(npm(['pack', '--json', '--pack-destination', work]));
    files = packed.files.map((file: { path: string }) => file.path).sort();
    npm(['install', '--global', '--prefix', prefix, path.join(work, packed.filename)]);
  });

  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  test('ships the CLI bundle, README and LICENSE, and nothing else', () => {
    // The CLI bundle (main.cli.js, which cli.js loads) and the chunks it loads for remote work
    // (ssh2, the SFTP store), numbered by ncc.
    const chunks = fs
      .readdirSync(path.join(ROOT, 'dist'))
      .filter((name) => /^(\d+|main)\.cli\.js$/.test(name));
    expect(chunks.length).toBeGreaterThan(0);
    expect(files).toEqual(
      [
        'LICENSE',
        'README.md',
        'dist/cli.js',
        ...chunks.map((chunk) => `dist/${chunk}`),
        'dist/guard-worker.cjs',
        'dist/package.json',
        'package.json',
      ].sort(),
    );
  });

  test('a global install brings no runtime packages', () => {
    const installed = path.join(prefix, 'lib', 'node_modules', 'atomic-link');
    expect(fs.existsSync(path.join(installed, 'package.json'))).toBe(true);
    expect(fs.existsSync(path.join(installed, 'node_modules'))).toBe(false);
  });

  test('the installed atomic-link switches a link', () => {
    const dir = makeDeployTree();
    execFileSync(path.join(prefix, 'bin', 'atomic-link'), ['-C', dir, 'current -> releases/v2']);
    expect(fs.readlinkSync(path.join(dir, 'current'))).toBe('releases/v2');
  });
});
