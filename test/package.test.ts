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

  test('ships the CLI bundle, its third-party licences, README and LICENSE, and nothing else', () => {
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
        'dist/cli.licenses.txt',
        'dist/package.json',
        'package.json',
      ].sort(),
    );
  });

  test('the installed package holds the licence of every package ssh2 brings into the bundle', () => {
    const installed = path.join(prefix, 'lib', 'node_modules', 'atomic-link');
    const notices = fs.readFileSync(path.join(installed, 'dist', 'cli.licenses.txt'), 'utf8');
    // The bundle's third-party code is ssh2 and what it depends on (its optional native parts
    // are left out of the bundle), read from node_modules rather than written down here.
    const bundled = new Set<string>();
    const visit = (name: string) => {
      if (bundled.has(name)) return;
      bundled.add(name);
      const manifest = JSON.parse(
        fs.readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8'),
      );
      Object.keys(manifest.dependencies ?? {}).forEach(visit);
    };
    visit('ssh2');
    expect([...bundled].sort()).toEqual(
      expect.arrayContaining(['asn1', 'bcrypt-pbkdf', 'safer-buffer', 'ssh2', 'tweetnacl']),
    );
    const lines = notices.split('\n');
    for (const name of bundled) expect(lines).toContain(name);
    // Each package is followed by its licence's name and text, not just listed.
    expect(notices).toMatch(/^ssh2\nMIT\n[\s\S]*Permission is hereby granted/m);
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
