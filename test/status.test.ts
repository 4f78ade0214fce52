import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { makeServerTree, startSshd } from './helpers/ssh-server.js';
import type { SshServer } from './helpers/ssh-server.js';
import { CLI, ROOT, expectRefused, makeDeployTree, runCli, snapshot } from './helpers/tree.js';

let server: SshServer;
beforeAll(async () => {
  server = await startSshd();
});
afterAll(() => server.stop());

/**
 * current -> releases/v3 with numbered backups .~1~ -> v1 (gone since), .~2~ -> v2, and a
 * simple backup current~ -> v2; page is a hard link; absent names nothing.
 */
function historyTree(dir: string): void {
  for (const version of ['v2', 'v3']) {
    const run = runCli(['--backup=numbered', `current -> releases/${version}`], dir);
    expect(run.status).toBe(0);
  }
  fs.symlinkSync('releases/v2', path.join(dir, 'current~'));
  fs.renameSync(path.join(dir, 'releases/v1'), path.join(dir, 'releases/v1-gone'));
  fs.linkSync(path.join(dir, 'releases/v2/index.html'), path.join(dir, 'page'));
}

const expected = [
  {
    link: 'current',
    type: 'symbolic',
    target: 'releases/v3',
    exists: true,
    backups: [
      { name: 'current.~2~', type: 'symbolic', target: 'releases/v2', exists: true },
      { name: 'current.~1~', type: 'symbolic', target: 'releases/v1', exists: false },
      { name: 'current~', type: 'symbolic', target: 'releases/v2', exists: true },
    ],
  },
  { link: 'page', type: 'hard', target: null, exists: true, backups: [] },
  { link: 'absent', type: 'none', target: null, exists: false, backups: [] },
];

describe('--status', () => {
  test('text and JSON: each link, its target, whether it exists, its backups newest first', () => {
    const dir = makeDeployTree();
    historyTree(dir);
    const before = snapshot(dir);
    const json = runCli(['--status', '--json', 'current', 'page', 'absent'], dir);
    expect(json.stderr).toBe('');
    expect(json.status).toBe(0);
    expect(JSON.parse(json.stdout)).toEqual({ links: expected });
    const text = runCli(['--status', 'current', 'page', 'absent'], dir);
    expect(text.status).toBe(0);
    expect(text.stdout).toBe(
      [
        '"current" -> "releases/v3"',
        '  backup "current.~2~" -> "releases/v2"',
        '  backup "current.~1~" -> "releases/v1" (missing)',
        '  backup "current~" -> "releases/v2"',
        '"page" is a hard link or regular file',
        '"absent" does not exist',
        '',
      ].join('\n'),
    );
    expect(snapshot(dir)).toEqual(before);
  });

  test('over SFTP, and for a fleet by host', () => {
    const dirs = [0, 1].map((index) => {
      const dir = path.join(server.root, `status${index}`);
      fs.mkdirSync(dir);
      makeServerTree(dir);
      return dir;
    });
    historyTree(dirs[0]);
    const one = [...server.args];
    one[1] = `root@127.0.0.1:${dirs[0]}`;
    const run = runCli([...one, '--status', '--json', 'current', 'page', 'absent'], '/');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ links: expected });

    const fleet = [
      ...dirs.flatMap((dir) => ['--ssh', `root@127.0.0.1:${dir}`]),
      ...server.args.slice(2),
    ];
    const both = runCli([...fleet, '--status', '--json', 'current'], '/');
    expect(both.status).toBe(0);
    const hosts = JSON.parse(both.stdout).hosts;
    expect(hosts.map((host: { host: string }) => host.host)).toEqual(
      dirs.map((dir) => `ssh://root@127.0.0.1:${server.port}${dir}`),
    );
    expect(hosts[0].links).toEqual([expected[0]]);
    expect(hosts[1].links).toEqual([
      { link: 'current', type: 'symbolic', target: 'releases/v1', exists: true, backups: [] },
    ]);
    const text = runCli([...fleet, '--status', 'current'], '/');
    expect(text.stdout).toContain(
      `ssh://root@127.0.0.1:${server.port}${dirs[1]}: "current" -> "releases/v1"\n`,
    );
  });

  test("the README's pruning script keeps the newest N releases and every one --status lists", () => {
    const dir = makeDeployTree();
    const releases = path.join(dir, 'releases');
    // v1..v6, oldest first by modification time.
    for (const version of ['v4', 'v5', 'v6']) fs.mkdirSync(path.join(releases, version));
    ['v1', 'v2', 'v3', 'v4', 'v5', 'v6'].forEach((version, index) =>
      fs.utimesSync(path.join(releases, version), 1000 + index, 1000 + index),
    );
    // current -> v6, with backups of v1 and v3: v2 and v4 are neither newest nor listed.
    fs.rmSync(path.join(dir, 'current'));
    fs.symlinkSync('releases/v6', path.join(dir, 'current'));
    fs.symlinkSync('releases/v1', path.join(dir, 'current.~1~'));
    fs.symlinkSync('releases/v3', path.join(dir, 'current.~2~'));
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const script = /<!-- prune -->\n+```sh\n([^`]*)```/.exec(readme)?.[1];
    expect(script).toBeDefined();
    // The CLI as an installed atomic-link would be found: on PATH.
    const bin = fs.mkdtempSync(path.join(dir, '.bin-'));
    fs.writeFileSync(
      path.join(bin, 'atomic-link'),
      `#!/bin/sh\nexec ${process.execPath} ${CLI} "$@"\n`,
      { mode: 0o755 },
    );
    execFileSync('sh', ['-c', script as string], {
      cwd: dir,
      env: { ...process.env, KEEP: '2', PATH: `${bin}:${process.env.PATH}` },
    });
    expect(fs.readdirSync(releases).sort()).toEqual(['v1', 'v3', 'v5', 'v6']);
  });

  test('takes LINKs alone and refuses --expect', () => {
    expectRefused(['--status', 'current -> releases/v2'], '--status takes LINKs, not SPECs');
    expectRefused(
      ['--status', '--expect', 'releases/v1', 'current'],
      '--status changes nothing: --expect goes with',
    );
    for (const option of ['-b', '--backup=numbered', '--keep-backups=2']) {
      const run = expectRefused(['--status', option, 'current'], '--status changes nothing: -b');
      expect(run.stderr).not.toContain('--rollback');
    }
  });
});
