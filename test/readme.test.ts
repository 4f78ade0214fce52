import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { ROOT } from './helpers/tree.js';

const GENERATOR = path.join(ROOT, 'scripts', 'readme-action.js');

function checkReadme(readme?: string) {
  const args = readme === undefined ? [] : [readme];
  return spawnSync(process.execPath, [GENERATOR, '--check', ...args], { encoding: 'utf8' });
}

describe("the README's action usage, generated from action.yml", () => {
  test('matches action.yml', () => {
    const result = checkReadme();
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  test('a README that drifted fails the check', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const drifted = readme.replace(/^\| `ssh-port` .*\n/m, '');
    expect(drifted).not.toBe(readme);
    const file = path.join(
      fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-readme-')),
      'README.md',
    );
    fs.writeFileSync(file, drifted);
    const result = checkReadme(file);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("differ from action.yml: run 'npm run readme'");
    expect(fs.readFileSync(file, 'utf8')).toBe(drifted);
  });
});

describe("action.yml keeps to the Marketplace's rules", () => {
  const action = YAML.parse(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8'));

  test('a description under 125 characters', () => {
    expect(action.description.length).toBeLessThan(125);
  });

  test('branding with one of the colours the Marketplace offers', () => {
    expect([
      'white',
      'black',
      'yellow',
      'blue',
      'green',
      'orange',
      'red',
      'purple',
      'gray-dark',
    ]).toContain(action.branding.color);
  });
});

test("README's option tables are the ones the option table makes (npm run readme)", () => {
  const check = spawnSync(
    process.execPath,
    [path.join(ROOT, 'scripts', 'readme-options.js'), '--check'],
    { encoding: 'utf8' },
  );
  expect(check.stderr).toBe('');
  expect(check.status).toBe(0);
});
