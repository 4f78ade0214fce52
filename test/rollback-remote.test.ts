import fs from 'node:fs';
import path from 'node:path';
import { makeServerTree, mountsOf, startSshd } from './helpers/ssh-server.js';
import type { SshServer } from './helpers/ssh-server.js';
import { leftovers, runCli, snapshot } from './helpers/tree.js';

let server: SshServer;
beforeAll(async () => {
  server = await startSshd();
});
afterAll(() => server.stop());

const readLink = (dir: string, name = 'current') => fs.readlinkSync(path.join(dir, name));
const backupsOf = (dir: string, name = 'current') =>
  fs
    .readdirSync(dir)
    .filter((entry) => entry.startsWith(`${name}.~`) || entry === `${name}~`)
    .sort();

let count = 0;
/** A fresh tree on the server (current -> releases/v1), and the CLI arguments that reach it. */
function serverTree(): { dir: string; args: string[] } {
  const dir = path.join(server.root, `tree${count++}`);
  fs.mkdirSync(dir);
  makeServerTree(dir);
  const args = [...server.args];
  args[1] = `root@127.0.0.1:${dir}`;
  return { dir, args };
}

/** The same options for many directories of the server, each a host of a fleet. */
function fleetArgs(dirs: string[]): string[] {
  return [...dirs.flatMap((dir) => ['--ssh', `root@127.0.0.1:${dir}`]), ...server.args.slice(2)];
}

describe('--rollback over SFTP', () => {
  test('one level, then another, then none left (refused, nothing changed)', () => {
    const { dir, args } = serverTree();
    for (const version of ['v2', 'v3']) {
      const run = runCli([...args, '--backup=numbered', `current -> releases/${version}`], '/');
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
    }
    expect(backupsOf(dir)).toEqual(['current.~1~', 'current.~2~']);
    const first = runCli([...args, '--rollback', '--json', 'current'], '/');
    expect(first.status).toBe(0);
    expect(JSON.parse(first.stdout).results[0]).toMatchObject({
      target: 'releases/v2',
      previous: 'releases/v3',
      state: 'switched',
      from: 'current.~2~',
    });
    expect(readLink(dir)).toBe('releases/v2');
    expect(backupsOf(dir)).toEqual(['current.~1~']);
    expect(runCli([...args, '--rollback', 'current'], '/').status).toBe(0);
    expect(readLink(dir)).toBe('releases/v1');
    const before = snapshot(dir);
    const none = runCli([...args, '--rollback', 'current'], '/');
    expect(none.status).toBe(1);
    expect(none.stderr).toContain('LINK "current" has no backup to roll back to');
    expect(snapshot(dir)).toEqual(before);
    expect(leftovers(dir)).toEqual([]);
  });

  test('a backup whose target was removed is refused; --expect and --dry-run hold', () => {
    const { dir, args } = serverTree();
    expect(runCli([...args, '-b', 'current -> releases/v2'], '/').status).toBe(0);
    expect(readLink(dir, 'current~')).toBe('releases/v1');

    const plan = runCli([...args, '--rollback', '--dry-run', 'current'], '/');
    expect(plan.status).toBe(0);
    expect(plan.stdout).toContain('would switch: "current" -> "releases/v1"');
    const wrong = runCli([...args, '--rollback', '--expect', 'releases/v3', 'current'], '/');
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toContain('not at the expected "releases/v3"');
    expect(readLink(dir)).toBe('releases/v2');

    fs.renameSync(path.join(dir, 'releases/v1'), path.join(dir, 'releases/old'));
    const before = snapshot(dir);
    const gone = runCli([...args, '--rollback', 'current'], '/');
    expect(gone.status).toBe(1);
    expect(gone.stderr).toContain(
      'the target "releases/v1" of its backup "current~" does not exist',
    );
    expect(snapshot(dir)).toEqual(before);
    fs.renameSync(path.join(dir, 'releases/old'), path.join(dir, 'releases/v1'));
    const run = runCli([...args, '--rollback', '--expect', 'releases/v2', 'current'], '/');
    expect(run.status).toBe(0);
    expect(readLink(dir)).toBe('releases/v1');
    expect(backupsOf(dir)).toEqual([]);
  });

  test('a hard link goes back to its backup file (SFTP cannot count names: --replace-files)', () => {
    const { dir, args } = serverTree();
    const file = (version: string) => path.join(dir, 'releases', version, 'index.html');
    fs.linkSync(file('v1'), path.join(dir, 'page'));
    const page = path.join(dir, 'page');
    expect(
      runCli(
        [...args, '--replace-files', '--backup=numbered', 'page => releases/v2/index.html'],
        '/',
      ).status,
    ).toBe(0);
    expect(fs.statSync(page).ino).toBe(fs.statSync(file('v2')).ino);
    const run = runCli([...args, '--replace-files', '--rollback', 'page'], '/');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(fs.statSync(page).ino).toBe(fs.statSync(file('v1')).ino);
    expect(backupsOf(dir, 'page')).toEqual([]);
  });
});

describe('--rollback and --status through an sshfs mount (--sshfs)', () => {
  test('absolute and .. backups, which the mount will not read back, are read on the server', () => {
    const { dir, args } = serverTree();
    const absolute = path.join(dir, 'releases/v2');
    expect(runCli([...args, '--sshfs', '-b', `current -> ${absolute}`], '/').status).toBe(0);
    expect(
      runCli(
        [
          ...args,
          '--sshfs',
          '--backup=numbered',
          'current -> ../' + path.basename(dir) + '/releases/v3',
        ],
        '/',
      ).status,
    ).toBe(0);
    const status = runCli([...args, '--sshfs', '--status', '--json', 'current'], '/');
    expect(status.stderr).toBe('');
    expect(JSON.parse(status.stdout).links[0].backups).toEqual([
      { name: 'current.~1~', type: 'symbolic', target: absolute, exists: true },
      { name: 'current~', type: 'symbolic', target: 'releases/v1', exists: true },
    ]);
    const run = runCli([...args, '--sshfs', '--rollback', 'current'], '/');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(readLink(dir)).toBe(absolute);
    expect(runCli([...args, '--sshfs', '--rollback', 'current'], '/').status).toBe(0);
    expect(readLink(dir)).toBe('releases/v1');
    expect(backupsOf(dir)).toEqual([]);
    expect(mountsOf([server.root])).toEqual([]);
  });
});

describe('--rollback on a fleet', () => {
  /** Three hosts whose current came to v3 from different releases. */
  function threeHosts(): string[] {
    const dirs = [serverTree().dir, serverTree().dir, serverTree().dir];
    const histories = [['v2', 'v3'], ['v3'], ['v1', 'v3']];
    for (const [index, dir] of dirs.entries()) {
      fs.rmSync(path.join(dir, 'current'));
      fs.symlinkSync(`releases/v${index + 1}`, path.join(dir, 'current'));
      for (const version of histories[index]) {
        const args = [...server.args];
        args[1] = `root@127.0.0.1:${dir}`;
        expect(
          runCli([...args, '--backup=numbered', `current -> releases/${version}`], '/').status,
        ).toBe(0);
      }
    }
    return dirs;
  }

  test('each host goes back to its own previous target, together', () => {
    const dirs = threeHosts();
    expect(dirs.map((dir) => readLink(dir))).toEqual(['releases/v3', 'releases/v3', 'releases/v3']);
    const before = dirs.map((dir) => snapshot(dir));
    const plan = runCli([...fleetArgs(dirs), '--rollback', '--dry-run', '--json', 'current'], '/');
    expect(plan.status).toBe(0);
    expect(
      JSON.parse(plan.stdout).hosts.map(
        (host: { results: { state: string; target: string }[] }) =>
          `${host.results[0].state} ${host.results[0].target}`,
      ),
    ).toEqual(['would switch releases/v2', 'would switch releases/v2', 'would switch releases/v1']);
    expect(dirs.map((dir) => snapshot(dir))).toEqual(before);
    const run = runCli([...fleetArgs(dirs), '--rollback', '--json', 'current'], '/');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.hosts.map((host: { state: string }) => host.state)).toEqual([
      'switched',
      'switched',
      'switched',
    ]);
    expect(dirs.map((dir) => readLink(dir))).toEqual(['releases/v2', 'releases/v2', 'releases/v1']);
    expect(
      report.hosts.map((host: { results: { target: string }[] }) => host.results[0].target),
    ).toEqual(['releases/v2', 'releases/v2', 'releases/v1']);
    expect(dirs.map((dir) => backupsOf(dir))).toEqual([['current.~1~'], [], ['current.~1~']]);
  });

  test('one host without a backup: no host is changed', () => {
    const dirs = threeHosts();
    // The second host's only backup was used by a rollback of its own.
    const args = [...server.args];
    args[1] = `root@127.0.0.1:${dirs[1]}`;
    expect(runCli([...args, '--rollback', 'current'], '/').status).toBe(0);
    const before = dirs.map((dir) => snapshot(dir));
    const run = runCli([...fleetArgs(dirs), '--rollback', 'current'], '/');
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      `127.0.0.1:${server.port}${dirs[1]}: argument 1: LINK "current" has no backup`,
    );
    expect(run.stderr).toContain('no host was changed');
    expect(dirs.map((dir) => readLink(dir))).toEqual(['releases/v3', 'releases/v2', 'releases/v3']);
    expect(dirs.map((dir) => snapshot(dir))).toEqual(before);
  });

  test('numbered backups in a fleet: each host numbers its own history', () => {
    const dirs = [serverTree().dir, serverTree().dir];
    fs.symlinkSync('releases/v1', path.join(dirs[1], 'current.~4~'));
    const run = runCli([...fleetArgs(dirs), '--keep-backups=5', 'current -> releases/v2'], '/');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(backupsOf(dirs[0])).toEqual(['current.~1~']);
    expect(backupsOf(dirs[1])).toEqual(['current.~4~', 'current.~5~']);
  });
});
