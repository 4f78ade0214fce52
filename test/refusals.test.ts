import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ME } from '../lib/platform/identity.js';
import { CLI, expectRefused, makeDeployTree, runCli, snapshot } from './helpers/tree.js';

describe('refusals change nothing and say what is wrong', () => {
  test('a real directory at the destination', () => {
    expectRefused(['-T', '-s', 'releases/v2', 'releases/v1'], 'is a real directory');
  });

  test('a regular file unless --replace-files', () => {
    const prepare = (dir: string) => fs.writeFileSync(path.join(dir, 'data'), 'precious');
    expectRefused(['data -> releases/v2'], '"data" is a regular file', 2, prepare);
    const dir = makeDeployTree();
    prepare(dir);
    expect(runCli(['--replace-files', 'data -> releases/v2'], dir).status).toBe(0);
    expect(fs.readlinkSync(path.join(dir, 'data'))).toBe('releases/v2');
  });

  test('a dangling target unless --allow-dangling; it resolves from the link directory', () => {
    expectRefused(
      ['current -> releases/v9'],
      'TARGET "releases/v9" of LINK "current" does not exist',
    );
    const dir = makeDeployTree();
    fs.mkdirSync(path.join(dir, 'sub'));
    // releases/v2 exists from the top, but not from sub/, where the link is.
    expect(runCli(['sub/current -> releases/v2'], dir).status).toBe(2);
    expect(runCli(['sub/current -> ../releases/v2'], dir).status).toBe(0);
    expect(runCli(['--allow-dangling', 'current -> releases/v9'], dir).status).toBe(0);
    expect(fs.readlinkSync(path.join(dir, 'current'))).toBe('releases/v9');
  });

  test('a hard link to a directory', () => {
    expectRefused(['page => releases/v2'], 'hard link TARGET "releases/v2" is a directory');
  });

  test('one bad spec in a batch: nothing at all is touched', () => {
    const run = expectRefused(
      ['current -> releases/v2', 'other -> releases/v3', 'third -> releases/nope'],
      'argument 3',
    );
    expect(run.stderr).toContain('"releases/nope"');
  });

  test.each([
    [[' -> releases/v2'], 'argument 1: LINK is empty'],
    [['current ->  '], 'argument 1: TARGET is empty'],
    [['current -> releases/v1 -> releases/v2'], 'with one arrow'],
    [['current/ -> releases/v2'], "ends with '/'"],
    [['--frobnicate', 'current -> releases/v2'], 'unknown option --frobnicate'],
    [['current -> releases/v2', 'releases/v3'], 'cannot be mixed'],
    [['--lock-timeout', 'soon', 'current -> releases/v2'], '--lock-timeout "soon"'],
    [['--expect', 'x', 'a -> releases/v2', 'b -> releases/v2'], '--expect takes exactly one link'],
    [['current -> releases/v2', './current -> releases/v3'], 'also named by argument 1'],
    [[], 'no links given'],
    [['--ssh', 'root@:/srv', 'current -> releases/v2'], 'names no HOST'],
    [['--ssh', 'ssh://root@127.0.0.1:0/srv', 'current -> releases/v2'], 'port 0 is not a port'],
    [['--spec-file', 'missing.txt'], 'spec file missing.txt'],
    [['nodir/current -> ../releases/v2'], '/nodir, does not exist'],
    [
      ['-sfn', 'releases/v2', 'releases/v1', 'current'],
      'the last argument "current" is not a directory',
    ],
    [['-i', '-s', 'releases/v2', 'current'], '-i is refused: atomic-link never prompts'],
    [
      ['--interactive', 'current -> releases/v2'],
      '--interactive is refused: atomic-link never prompts',
    ],
    [['-d', 'releases/v2', 'dir'], '-d is refused: hard links to directories cannot be made'],
    [['-sF', 'releases/v2', 'dir'], '-F is refused: hard links to directories cannot be made'],
    [['--directory', '.', 'current -> releases/v2'], 'use -C, --chdir=DIR'],
    [['--directory=.', 'current -> releases/v2'], '--directory is refused'],
    [
      ['--backup', '.previous', 'current -> releases/v2'],
      'write -S .previous -b (or --suffix=.previous)',
    ],
    [['--backup', 'numbered', 'releases/v2', 'current'], 'write --backup=numbered'],
    [['-s', '--backup=nope', 'releases/v2', 'current'], '--backup="nope": not a backup CONTROL'],
    [['-s', '--backup=n', 'releases/v2', 'current'], '--backup="n": ambiguous as a backup CONTROL'],
    [
      ['-s', '-S', 'a/b', 'releases/v2', 'current'],
      '-S, --suffix "a/b": a backup suffix must be a name, with no \'/\'',
    ],
    [['-s', '-S', '', 'releases/v2', 'current'], '-S, --suffix "": a backup suffix must be a name'],
    [
      ['--expect', 'releases/v1', '--no-lock', 'current -> releases/v2'],
      'needs the lock, so --no-lock is refused',
    ],
    [['-L', 'current -> releases/v2'], '-t, -T and -L go with ln-style arguments'],
    [['-L', 'releases/v9', 'page'], '-L cannot follow TARGET'],
    [
      ['-f', 'links.txt'],
      'TARGET "links.txt" does not exist; spec files are read with --spec-file=FILE (-f is --force)',
    ],
    [['-sf', 'current'], 'argument "current": TARGET and LINK "current" are the same file'],
    [['-sf', './current', 'current'], 'are the same file'],
  ])('bad usage %j', (args, mention) => {
    expectRefused(args, mention);
  });

  test.each([
    ['current -> \0releases/v2\n', 'contains a NUL byte'],
    ['[{"link": "current", "target": "releases/v2\\nx"}]', 'contains a line break'],
    ['[{"link": "", "target": "releases/v2"}]', 'LINK is empty'],
    ['[{"link": "current", "target": "releases/v2", "typo": 1}]', 'unknown field "typo"'],
    ['[{"link": "current", "target": "releases/v2", "type": "soft"}]', '"type" must be'],
    ['[{"link": "current"', 'not valid JSON'],
    ['current => releases/v2/index.html\nbroken line\n', 'specs.txt line 2'],
  ])('bad spec file %j', (text, mention) => {
    expectRefused(['--spec-file', 'specs.txt'], mention, 2, (dir) =>
      fs.writeFileSync(path.join(dir, 'specs.txt'), text),
    );
  });

  test("a spec file's expected target without the lock", () => {
    const json = '[{"link": "current", "target": "releases/v2", "expect": "releases/v1"}]';
    expectRefused(
      ['--no-lock', '--spec-file', 'specs.json'],
      'specs.json item 1: an expected target',
      2,
      (dir) => fs.writeFileSync(path.join(dir, 'specs.json'), json),
    );
  });

  test('a spec file that is not UTF-8 is refused at its line, not read with replaced bytes', () => {
    const bytes = Buffer.concat([
      Buffer.from('current -> releases/v2\n'),
      Buffer.from([0x63, 0xff, 0xfe]),
      Buffer.from(' -> releases/v2\n'),
    ]);
    expectRefused(['--spec-file', 'specs.txt'], 'specs.txt line 2: not UTF-8 text', 2, (dir) =>
      fs.writeFileSync(path.join(dir, 'specs.txt'), bytes),
    );
  });

  test('arguments that are not UTF-8 are refused (exit 2), not read with U+FFFD: they would name another link', () => {
    // The shell passes the byte 0xff as it is; Node reads it as U+FFFD, and the run made (or
    // replaced) the link "c\uFFFD", exit 0. ln's personality refused it already.
    const dir = makeDeployTree();
    const before = snapshot(dir);
    const shell = (args: string) =>
      spawnSync('sh', ['-c', `exec "$0" "$1" ${args}`, process.execPath, CLI], {
        cwd: dir,
        encoding: 'utf8',
      });
    for (const args of [
      `-s releases/v2 "$(printf 'c\\377')"`,
      `"$(printf 'c\\377 -> releases/v2')"`,
    ]) {
      const run = shell(args);
      expect(run.stderr).toMatch(/^atomic-link: argument "c\uFFFD.*" is not UTF-8 text/);
      expect(run.status).toBe(2);
      expect(snapshot(dir)).toEqual(before);
    }
    // A U+FFFD given as UTF-8 is a name like any other.
    const real = shell(`-s releases/v2 "$(printf 'c\\357\\277\\275')"`);
    expect(real.stderr).toBe('');
    expect(real.status).toBe(0);
    expect(fs.readlinkSync(path.join(dir, 'c\uFFFD'))).toBe('releases/v2');
  });

  test('a lock its live holder keeps fresh makes the run wait, then fail with exit 1', () => {
    const dir = makeDeployTree();
    const lock = path.join(dir, '.atomic-link.lock');
    // A holder that refreshes its lock, as a run in a long batch does.
    const holder = spawn('sh', ['-c', `while :; do touch -h '${lock}'; sleep 0.2; done`]);
    try {
      const text = {
        host: os.hostname(),
        instance: ME.instance,
        pid: holder.pid,
        token: 't',
        since: 'test',
      };
      fs.symlinkSync(JSON.stringify(text), lock);
      const before = snapshot(dir);
      const started = Date.now();
      const run = runCli(['--lock-timeout', '5', 'current -> releases/v2'], dir);
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(`is held by pid ${holder.pid}`);
      expect(Date.now() - started).toBeGreaterThanOrEqual(5000);
      expect(snapshot(dir)).toEqual(before);
    } finally {
      holder.kill();
    }
  });

  test('a lock path holding a directory or a file: a clear error; garbage: a bounded wait', () => {
    for (const [plant, status, says] of [
      [(lock: string) => fs.mkdirSync(lock), 1, 'is a directory, not a lock'],
      [(lock: string) => fs.writeFileSync(lock, 'null'), 1, 'is a file, not a lock'],
      // A symlink naming no holder is a lock of unknown holder: stale once not refreshed.
      [(lock: string) => fs.symlinkSync('garbage', lock), 0, ''],
    ] as const) {
      const dir = makeDeployTree();
      const lock = path.join(dir, '.atomic-link.lock');
      plant(lock);
      const started = Date.now();
      const run = runCli(['--lock-timeout', '5', 'current -> releases/v2'], dir);
      expect(run.stderr).toContain(says);
      expect(run.status).toBe(status);
      expect(Date.now() - started).toBeLessThan(15000);
      expect(fs.readlinkSync(path.join(dir, 'current'))).toBe(
        status ? 'releases/v1' : 'releases/v2',
      );
    }
  });

  test('a lock of a holder that is gone is broken at once, and one not refreshed after the timeout', () => {
    for (const [holderPid, age] of [
      [2 ** 22 + 1, 0], // a pid no process has here
      [process.pid, 10], // alive, but its lock was last refreshed 10 s ago
    ]) {
      const dir = makeDeployTree();
      const lock = path.join(dir, '.atomic-link.lock');
      const text = {
        host: os.hostname(),
        instance: ME.instance,
        pid: holderPid,
        token: 't',
        since: 'x',
      };
      fs.symlinkSync(JSON.stringify(text), lock);
      const then = new Date(Date.now() - age * 1000);
      fs.lutimesSync(lock, then, then);
      const run = runCli(['--lock-timeout', '5', 'current -> releases/v2'], dir);
      // Said as it happens, not only with -v: someone's lock was removed.
      // Where the holder cannot be seen gone (no /proc), the wait is said first.
      expect(run.stderr).toMatch(
        /^(atomic-link: waiting for the lock \S+\.atomic-link\.lock, held by pid \d+ .*\n)?atomic-link: broke the lock \S+\.atomic-link\.lock of pid \d+ on "[^"]*" since "x": (its holder is gone|it was not refreshed for \d+ s)\n$/,
      );
      expect(run.status).toBe(0);
      expect(fs.readlinkSync(path.join(dir, 'current'))).toBe('releases/v2');
      expect(fs.existsSync(lock) || fs.readdirSync(dir).includes('.atomic-link.lock')).toBe(false);
    }
  });
});
