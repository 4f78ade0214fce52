import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { TEST_USER, cliCopyIn, ensureTestUser } from './helpers/faults.js';
import {
  expectRefused,
  leftovers,
  makeDeployTree,
  runCli,
  runCliUnder,
  snapshot,
  startCli,
  startReader,
  switchingStarted,
} from './helpers/tree.js';

const readLink = (dir: string, name: string) => fs.readlinkSync(path.join(dir, name));
/** The names beside `current` that are its backups, sorted. */
const backupsOf = (dir: string, name = 'current') =>
  fs
    .readdirSync(dir)
    .filter((entry) => entry.startsWith(`${name}.~`) || entry === `${name}~`)
    .sort();

/** current went v1 -> v2 -> v3 with numbered backups: current.~1~ -> v1, current.~2~ -> v2. */
function deployedThrice(): string {
  const dir = makeDeployTree();
  for (const version of ['v2', 'v3']) {
    const run = runCli(['--backup=numbered', `current -> releases/${version}`], dir);
    expect(run.status).toBe(0);
  }
  expect(readLink(dir, 'current.~1~')).toBe('releases/v1');
  expect(readLink(dir, 'current.~2~')).toBe('releases/v2');
  return dir;
}

describe('--rollback on this machine', () => {
  test('each rollback goes one further back and removes the backup it used; none left is refused', () => {
    const dir = deployedThrice();
    const first = runCli(['--rollback', '--json', 'current'], dir);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(JSON.parse(first.stdout).results).toEqual([
      {
        link: 'current',
        type: 'symbolic',
        target: 'releases/v2',
        previous: 'releases/v3',
        changed: true,
        state: 'switched',
        from: 'current.~2~',
      },
    ]);
    expect(readLink(dir, 'current')).toBe('releases/v2');
    expect(backupsOf(dir)).toEqual(['current.~1~']);

    const second = runCli(['--rollback', '-v', 'current'], dir);
    expect(second.status).toBe(0);
    expect(second.stdout).toBe(
      'switched: "current" -> "releases/v1" (was "releases/v2", from backup "current.~1~")\n',
    );
    expect(readLink(dir, 'current')).toBe('releases/v1');
    expect(backupsOf(dir)).toEqual([]);

    const before = snapshot(dir);
    const none = runCli(['--rollback', 'current'], dir);
    expect(none.status).toBe(1);
    expect(none.stderr).toBe(
      'atomic-link: argument 1: LINK "current" has no backup to roll back to: no ' +
        '"current.~N~" and no "current~"; nothing was changed\n',
    );
    expect(snapshot(dir)).toEqual(before);
    expect(leftovers(dir)).toEqual([]);
  });

  test('a simple backup (-b, -S) is taken when there is no numbered one', () => {
    const dir = makeDeployTree();
    expect(runCli(['-S', '.previous', 'current -> releases/v2'], dir).status).toBe(0);
    expect(readLink(dir, 'current.previous')).toBe('releases/v1');
    const run = runCli(['--rollback', '-S', '.previous', 'current'], dir);
    expect(run.status).toBe(0);
    expect(readLink(dir, 'current')).toBe('releases/v1');
    expect(fs.existsSync(path.join(dir, 'current.previous'))).toBe(false);
    // Not toggled forward again: nothing is left to go back to.
    expect(runCli(['--rollback', '-S', '.previous', 'current'], dir).status).toBe(1);
    expect(readLink(dir, 'current')).toBe('releases/v1');
  });

  test('numbered backups come before LINK+suffix', () => {
    const dir = makeDeployTree();
    fs.symlinkSync('releases/v2', path.join(dir, 'current~'));
    fs.symlinkSync('releases/v3', path.join(dir, 'current.~7~'));
    expect(runCli(['--rollback', 'current'], dir).status).toBe(0);
    expect(readLink(dir, 'current')).toBe('releases/v3');
    expect(runCli(['--rollback', 'current'], dir).status).toBe(0);
    expect(readLink(dir, 'current')).toBe('releases/v2');
    expect(backupsOf(dir)).toEqual([]);
  });

  test('a backup whose target is gone is refused, naming both; nothing changes', () => {
    const dir = deployedThrice();
    fs.rmSync(path.join(dir, 'releases', 'v2'), { recursive: true });
    const before = snapshot(dir);
    const run = runCli(['--rollback', 'current'], dir);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      'argument 1: cannot roll LINK "current" back: the target "releases/v2" of its backup ' +
        '"current.~2~" does not exist',
    );
    expect(snapshot(dir)).toEqual(before);
  });

  test('a directory at LINK is bad input (exit 2) with or without a backup; a missing LINK exit 1', () => {
    expectRefused(['--rollback', 'releases'], 'LINK "releases" is not a link');
    expectRefused(['--rollback', 'releases'], 'LINK "releases" is not a link', 2, (dir) =>
      fs.symlinkSync('v1', path.join(dir, 'releases~')),
    );
    expectRefused(['--rollback', 'gone'], 'LINK "gone" does not exist', 1);
  });

  test('a batch is all or nothing: one link without a backup leaves every link as it was', () => {
    const dir = deployedThrice();
    fs.symlinkSync('releases/v1', path.join(dir, 'other'));
    const before = snapshot(dir);
    const run = runCli(['--rollback', 'current', 'other'], dir);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('argument 2: LINK "other" has no backup');
    expect(snapshot(dir)).toEqual(before);
  });

  test('LINKs from a spec file of LINK-only lines; a SPEC there is refused (exit 2)', () => {
    const dir = deployedThrice();
    fs.writeFileSync(path.join(dir, 'links.txt'), '# the app\ncurrent\n\n');
    expect(runCli(['--rollback', '--spec-file', 'links.txt'], dir).status).toBe(0);
    expect(readLink(dir, 'current')).toBe('releases/v2');
    expectRefused(
      ['--rollback', 'current -> releases/v2'],
      'argument 1: --rollback takes LINKs, not SPECs',
    );
    expectRefused(
      ['--rollback', '--spec-file', 'links.json'],
      'links.json: --rollback takes LINKs one a line, not a JSON array',
      2,
      (at) => fs.writeFileSync(path.join(at, 'links.json'), '[{"link": "current"}]'),
    );
    expectRefused(['--rollback', '-b', 'current'], '--rollback makes no backup');
    expectRefused(['--rollback', '-T', 'current'], '--rollback takes LINKs alone: --no-target');
  });

  test('hard links go back to the file their backup names', () => {
    const dir = makeDeployTree();
    const file = (version: string) => path.join(dir, 'releases', version, 'index.html');
    fs.linkSync(file('v1'), path.join(dir, 'page'));
    expect(runCli(['--backup=numbered', `page => ${file('v2')}`], dir).status).toBe(0);
    expect(fs.statSync(path.join(dir, 'page')).ino).toBe(fs.statSync(file('v2')).ino);
    const run = runCli(['--rollback', '--json', 'page'], dir);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout).results[0]).toMatchObject({
      link: 'page',
      type: 'hard',
      state: 'switched',
      from: 'page.~1~',
    });
    expect(fs.statSync(path.join(dir, 'page')).ino).toBe(fs.statSync(file('v1')).ino);
    expect(backupsOf(dir, 'page')).toEqual([]);
    // Both releases' files are still there: only the backup name went.
    expect(fs.readFileSync(file('v2'), 'utf8')).toBe('v2\n');
  });

  test('--expect: a rollback from another target than expected changes nothing (exit 1)', () => {
    const dir = deployedThrice();
    const before = snapshot(dir);
    const wrong = runCli(['--rollback', '--expect', 'releases/v2', 'current'], dir);
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toContain('points at "releases/v3", not at the expected "releases/v2"');
    expect(snapshot(dir)).toEqual(before);
    expect(runCli(['--rollback', '--expect', 'releases/v3', 'current'], dir).status).toBe(0);
    expect(readLink(dir, 'current')).toBe('releases/v2');
  });

  test('--dry-run shows where each link would go back to and changes nothing', () => {
    const dir = deployedThrice();
    const before = snapshot(dir);
    const run = runCli(['--rollback', '--dry-run', 'current'], dir);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(
      'would switch: "current" -> "releases/v2" (was "releases/v3", from backup "current.~2~")\n',
    );
    expect(snapshot(dir)).toEqual(before);
  });

  test('a backup that is a regular file or a directory is refused, never taken as LINK', () => {
    for (const make of [
      (at: string) => fs.writeFileSync(at, 'data'),
      (at: string) => fs.mkdirSync(at),
    ]) {
      const dir = deployedThrice();
      make(path.join(dir, 'current.~3~'));
      const before = snapshot(dir);
      const run = runCli(['--rollback', 'current'], dir);
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(
        /the backup "current.~3~" of LINK "current" is a (regular file|directory), and LINK a symbolic link: it is not a backup a switch made/,
      );
      expect(snapshot(dir)).toEqual(before);
    }
  });

  test('a backup left by a rollback stopped before its removal is passed over and removed', () => {
    const dir = deployedThrice();
    // What a rollback killed between its rename and the backup's removal leaves.
    fs.rmSync(path.join(dir, 'current'));
    fs.symlinkSync('releases/v2', path.join(dir, 'current'));
    const run = runCli(['--rollback', 'current'], dir);
    expect(run.status).toBe(0);
    expect(readLink(dir, 'current')).toBe('releases/v1');
    expect(backupsOf(dir)).toEqual([]);
  });

  test('hostile names: spaces, globs, regex characters, a LINK named like a numbered backup', () => {
    const dir = makeDeployTree();
    const names = ['a b*', 'x.~2~', '(.+)$'];
    for (const name of names) {
      fs.symlinkSync('releases/v1', path.join(dir, name));
      expect(runCli(['--backup=numbered', `${name} -> releases/v2`], dir).status).toBe(0);
    }
    const run = runCli(['--rollback', ...names], dir);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    for (const name of names) expect(readLink(dir, name)).toBe('releases/v1');
    const backups = fs.readdirSync(dir).filter((entry) => /\.~[0-9]+~$/.test(entry));
    expect(backups).toEqual(['x.~2~']);
  });

  test('two rollbacks started together each go one back, one after the other under the lock', async () => {
    const dir = deployedThrice();
    const runs = await Promise.all([
      startCli(['--rollback', 'current'], dir),
      startCli(['--rollback', 'current'], dir),
    ]);
    expect(runs.map((run) => run.status)).toEqual([0, 0]);
    expect(readLink(dir, 'current')).toBe('releases/v1');
    expect(backupsOf(dir)).toEqual([]);
    expect(leftovers(dir)).toEqual([]);
  });

  test('a reader through current/ sees no gap while switches and rollbacks go back and forth', async () => {
    const dir = makeDeployTree();
    const reader = startReader(path.join(dir, 'current', 'index.html'));
    for (let i = 0; i < 8; i++) {
      expect(runCli(['--backup=numbered', 'current -> releases/v2'], dir).status).toBe(0);
      expect(runCli(['--rollback', 'current'], dir).status).toBe(0);
      expect(readLink(dir, 'current')).toBe('releases/v1');
    }
    const seen = await reader.stop();
    expect(seen.reads).toBeGreaterThan(1000);
    expect(seen.missing).toBe(0);
  });
});

describe('--keep-backups', () => {
  test("keeps each LINK's newest N numbered backups, and never what they point at", () => {
    const dir = makeDeployTree();
    fs.symlinkSync('releases/v1', path.join(dir, 'other'));
    fs.symlinkSync('releases/v1', path.join(dir, 'other.~1~'));
    for (const version of ['v2', 'v3', 'v1', 'v2']) {
      const run = runCli(['--keep-backups=2', `current -> releases/${version}`], dir);
      expect(run.status).toBe(0);
    }
    expect(backupsOf(dir)).toEqual(['current.~3~', 'current.~4~']);
    expect(readLink(dir, 'current.~3~')).toBe('releases/v3');
    expect(readLink(dir, 'current.~4~')).toBe('releases/v1');
    // Another link's backups, and the releases, are untouched.
    expect(backupsOf(dir, 'other')).toEqual(['other.~1~']);
    expect(fs.readdirSync(path.join(dir, 'releases')).sort()).toEqual(['v1', 'v2', 'v3']);
    // An unchanged link makes no backup and removes none.
    expect(runCli(['--keep-backups=1', 'current -> releases/v2'], dir).status).toBe(0);
    expect(backupsOf(dir)).toEqual(['current.~3~', 'current.~4~']);
    expect(runCli(['--keep-backups=1', 'current -> releases/v3'], dir).status).toBe(0);
    expect(backupsOf(dir)).toEqual(['current.~5~']);
    expect(readLink(dir, 'current.~5~')).toBe('releases/v2');
  });

  test('surplus backups it may not remove: the switch stands (exit 0), and a warning says so without -v', () => {
    ensureTestUser();
    const dir = makeDeployTree();
    const cli = cliCopyIn(dir);
    // A sticky, shared directory: the deploy user owns current, root owns the old backups.
    fs.symlinkSync('releases/v1', path.join(dir, 'current.~1~'));
    fs.symlinkSync('releases/v1', path.join(dir, 'current.~2~'));
    execFileSync('chown', ['-h', TEST_USER, path.join(dir, 'current')]);
    fs.chmodSync(dir, 0o1777);
    const as = ['runuser', '-u', TEST_USER, '--'];
    const text = runCliUnder(as, ['--keep-backups=1', 'current -> releases/v2'], dir, cli);
    expect(text.status).toBe(0);
    expect(text.stdout).toBe('');
    expect(text.stderr).toMatch(
      /^atomic-link: warning: could not clean up: cannot remove 2 used or surplus backups: .*EPERM/,
    );
    expect(readLink(dir, 'current')).toBe('releases/v2');
    expect(backupsOf(dir)).toEqual(['current.~1~', 'current.~2~', 'current.~3~']);

    const json = runCliUnder(
      as,
      ['--keep-backups=1', '--json', 'current -> releases/v3'],
      dir,
      cli,
    );
    expect(json.status).toBe(0);
    const report = JSON.parse(json.stdout) as {
      warnings?: string[];
      results: { state: string }[];
    };
    // The backup made before the switch is reported as a link of the batch, as always.
    expect(report.results.map((result) => result.state)).toEqual(['switched', 'switched']);
    expect(report.warnings).toEqual([
      expect.stringContaining('cannot remove 2 used or surplus backups'),
    ]);
    expect(readLink(dir, 'current')).toBe('releases/v3');
    // Its own surplus backup (~3~) it could remove; root's two stay.
    expect(backupsOf(dir)).toEqual(['current.~1~', 'current.~2~', 'current.~4~']);
  });

  test('a file or a directory named like a backup is never removed', () => {
    const dir = makeDeployTree();
    fs.writeFileSync(path.join(dir, 'current.~1~'), 'data');
    fs.mkdirSync(path.join(dir, 'current.~2~'));
    for (const version of ['v2', 'v3']) {
      const run = runCli(['--keep-backups=1', `current -> releases/${version}`], dir);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
    }
    expect(backupsOf(dir)).toEqual(['current.~1~', 'current.~2~', 'current.~4~']);
    expect(fs.readFileSync(path.join(dir, 'current.~1~'), 'utf8')).toBe('data');
    expect(readLink(dir, 'current.~4~')).toBe('releases/v2');
  });

  test("a LINK of the batch that is another LINK's backup to remove is refused, not switched and lost", () => {
    const thrice = (dir: string) => {
      fs.symlinkSync('releases/v1', path.join(dir, 'current.~1~'));
      fs.symlinkSync('releases/v2', path.join(dir, 'current.~2~'));
    };
    const conflict = 'LINK "current.~1~" is a backup of LINK "current", which this run removes';
    const batch = ['current -> releases/v3', 'current.~1~ -> releases/v3'];
    expectRefused(['--keep-backups=1', ...batch], conflict, 2, thrice);
    expectRefused(['--keep-backups=1', '--dry-run', ...batch], conflict, 2, thrice);
    expectRefused(
      ['--rollback', 'current', 'current.~2~'],
      'LINK "current.~2~" is a backup',
      2,
      (dir) => {
        thrice(dir);
        fs.symlinkSync('releases/v3', path.join(dir, 'current.~2~~'));
      },
    );
    // Kept backups are links like any other: switched in the same run, they stay.
    const dir = makeDeployTree();
    thrice(dir);
    const run = runCli(
      ['--keep-backups=2', 'current -> releases/v3', 'current.~2~ -> releases/v3'],
      dir,
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(readLink(dir, 'current.~2~')).toBe('releases/v3');
    expect(backupsOf(dir)).toEqual(['current.~2~', 'current.~2~.~1~', 'current.~3~']);
  });

  test('a bad N is refused with nothing changed', () => {
    expectRefused(['--keep-backups=0', 'current -> releases/v2'], '--keep-backups "0"');
    expectRefused(
      ['--backup=simple', '--keep-backups=2', 'current -> releases/v2'],
      '--keep-backups keeps numbered backups',
    );
  });
});

describe('a history needs the lock', () => {
  test('--no-lock is refused with numbered backups and --rollback; simple backups keep it', () => {
    const numbered = 'the numbered backups of LINK "current" are named under the lock';
    expectRefused(['--no-lock', '--backup=numbered', 'current -> releases/v2'], numbered);
    expectRefused(['--no-lock', '--keep-backups=3', 'current -> releases/v2'], numbered);
    // `existing` numbers only once LINK has numbered backups: then the lock is needed.
    expectRefused(['--no-lock', '-b', 'current -> releases/v2'], numbered, 2, (dir) =>
      fs.symlinkSync('releases/v3', path.join(dir, 'current.~1~')),
    );
    const rollback = 'a rollback of LINK "current" reads and removes its backups under the lock';
    const withBackup = (dir: string) => fs.symlinkSync('releases/v2', path.join(dir, 'current~'));
    expectRefused(['--no-lock', '--rollback', 'current'], rollback, 2, withBackup);
    expectRefused(['--no-lock', '--rollback', '--dry-run', 'current'], rollback, 2, withBackup);

    const dir = makeDeployTree();
    const simple = runCli(['--no-lock', '-b', 'current -> releases/v2'], dir);
    expect(simple.stderr).toBe('');
    expect(simple.status).toBe(0);
    expect(readLink(dir, 'current')).toBe('releases/v2');
    expect(backupsOf(dir)).toEqual(['current~']);
  });
});

describe('a rollback killed between its rename and the removal of its backup', () => {
  test('LINK is at the backup, the backup stays; the next rollback goes on past it', async () => {
    const dir = deployedThrice();
    // Every unlink held a second: the backup's removal comes well after LINK's rename.
    const slowUnlinks = [
      'strace',
      '-f',
      '--seccomp-bpf',
      '-o',
      '/dev/null',
      '-e',
      'trace=unlink,unlinkat',
      '-e',
      'inject=unlink,unlinkat:delay_enter=1000000',
    ];
    const run = startCli(['--rollback', 'current'], dir, slowUnlinks);
    await switchingStarted(path.join(dir, 'current'), 'releases/v2');
    const cli = execFileSync('pgrep', ['-P', String(run.pid)], { encoding: 'utf8' }).trim();
    process.kill(Number(cli), 'SIGKILL');
    await run;
    expect(readLink(dir, 'current')).toBe('releases/v2');
    expect(backupsOf(dir)).toEqual(['current.~1~', 'current.~2~']);

    const again = runCli(['--rollback', '-v', 'current'], dir);
    expect(again.stderr).not.toContain('error');
    expect(again.status).toBe(0);
    expect(readLink(dir, 'current')).toBe('releases/v1');
    expect(backupsOf(dir)).toEqual([]);
    expect(leftovers(dir)).toEqual([]);
  });
});
