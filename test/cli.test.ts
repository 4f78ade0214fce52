import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  CLI,
  leftovers,
  makeDeployTree,
  onLinux,
  runCli,
  runCliUnder,
  snapshot,
  startCli,
  startReader,
  withoutProgress,
} from './helpers/tree.js';

const readLink = (dir: string, name: string) => fs.readlinkSync(path.join(dir, name));

describe('the CLI switches links', () => {
  test('a SPEC switches a symlink in one go and reports the previous target', () => {
    const dir = makeDeployTree();
    const run = runCli(['--json', 'current -> releases/v2'], dir);
    expect(run.status).toBe(0);
    expect(readLink(dir, 'current')).toBe('releases/v2');
    const report = JSON.parse(run.stdout);
    expect(report.results).toEqual([
      {
        link: 'current',
        type: 'symbolic',
        target: 'releases/v2',
        previous: 'releases/v1',
        changed: true,
        state: 'switched',
      },
    ]);
    // On Linux the kernel tells the guard of every change to the link's name: ours, one.
    expect(report.guard).toMatchObject({
      method: 'notifications',
      certain: true,
      missing: 0,
      events: 1,
      touched: [],
    });
    expect(leftovers(dir)).toEqual([]);
  });

  test('a link already pointing at its target is left alone and reported unchanged', () => {
    const dir = makeDeployTree();
    const before = fs.lstatSync(path.join(dir, 'current')).ino;
    const run = runCli(['--json', 'current -> releases/v1'], dir);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout).results[0].changed).toBe(false);
    expect(fs.lstatSync(path.join(dir, 'current')).ino).toBe(before);
  });

  test('ln -s TARGET LINK replaces a symlink to a directory instead of linking inside it', () => {
    const dir = makeDeployTree();
    const run = runCli(['-s', 'releases/v2', 'current'], dir);
    expect(run.status).toBe(0);
    expect(readLink(dir, 'current')).toBe('releases/v2');
    // The pitfall of `ln -sf` without -n: a link named v2 inside the old release.
    expect(fs.existsSync(path.join(dir, 'releases', 'v1', 'v2'))).toBe(false);
  });

  test('ln -s TARGET... DIR makes one link per target inside a real directory', () => {
    const dir = makeDeployTree();
    fs.mkdirSync(path.join(dir, 'bin'));
    const run = runCli(['-s', '../releases/v1/index.html', '../releases/v2', 'bin'], dir);
    expect(run.status).toBe(0);
    expect(readLink(dir, 'bin/index.html')).toBe('../releases/v1/index.html');
    expect(readLink(dir, 'bin/v2')).toBe('../releases/v2');
  });

  test('-t DIR and -T name the directory or the link explicitly', () => {
    const dir = makeDeployTree();
    fs.mkdirSync(path.join(dir, 'bin'));
    expect(runCli(['-s', '-t', 'bin', '../releases/v3'], dir).status).toBe(0);
    expect(readLink(dir, 'bin/v3')).toBe('../releases/v3');
    expect(runCli(['-s', '-T', 'releases/v3', 'current'], dir).status).toBe(0);
    expect(readLink(dir, 'current')).toBe('releases/v3');
  });

  test('without -s ln-style arguments make a hard link, as ln does', () => {
    const dir = makeDeployTree();
    const run = runCli(['releases/v2/index.html', 'page.html'], dir);
    expect(run.status).toBe(0);
    const page = fs.statSync(path.join(dir, 'page.html'));
    expect(page.ino).toBe(fs.statSync(path.join(dir, 'releases/v2/index.html')).ino);
  });

  test('--relative stores the target relative to the link, without resolving the link path', () => {
    const dir = makeDeployTree();
    fs.mkdirSync(path.join(dir, 'www'));
    fs.symlinkSync('www', path.join(dir, 'alias'));
    const run = runCli(['-s', '-r', path.join(dir, 'releases/v2'), 'alias/current'], dir);
    expect(run.status).toBe(0);
    // From alias/ as written, not from the real www/ (the same here, but computed lexically).
    expect(readLink(dir, 'www/current')).toBe('../releases/v2');
  });

  test('-C, --chdir resolves links from another directory', () => {
    const dir = makeDeployTree();
    expect(runCli(['-C', dir, 'current -> releases/v3'], '/').status).toBe(0);
    expect(readLink(dir, 'current')).toBe('releases/v3');
    expect(runCli([`--chdir=${dir}`, 'current -> releases/v2'], '/').status).toBe(0);
    expect(readLink(dir, 'current')).toBe('releases/v2');
  });

  test('a spec file holds specs, comments and blank lines; - reads stdin', () => {
    const dir = makeDeployTree();
    fs.writeFileSync(
      path.join(dir, 'links.txt'),
      '# the site\n\ncurrent -> releases/v2\n  previous -> releases/v1  \npage => releases/v2/index.html\n',
    );
    expect(runCli(['--spec-file', 'links.txt'], dir).status).toBe(0);
    expect(readLink(dir, 'current')).toBe('releases/v2');
    expect(readLink(dir, 'previous')).toBe('releases/v1');
    expect(fs.statSync(path.join(dir, 'page')).ino).toBe(
      fs.statSync(path.join(dir, 'releases/v2/index.html')).ino,
    );
    expect(runCli(['--spec-file', '-'], dir, 'current -> releases/v3\n').status).toBe(0);
    expect(readLink(dir, 'current')).toBe('releases/v3');
  });

  test('a JSON spec file takes links, hard links, backups and "into" groups', () => {
    const dir = makeDeployTree();
    fs.mkdirSync(path.join(dir, 'bin'));
    const specs = [
      { link: 'current', target: 'releases/v2', backup: '.old' },
      { link: 'page', target: 'releases/v2/index.html', type: 'hard' },
      { into: 'bin', targets: ['../releases/v2', '../releases/v3'] },
    ];
    fs.writeFileSync(path.join(dir, 'links.json'), JSON.stringify(specs));
    const run = runCli(['--spec-file', 'links.json', '--json'], dir);
    expect(run.status).toBe(0);
    expect(readLink(dir, 'current')).toBe('releases/v2');
    expect(readLink(dir, 'current.old')).toBe('releases/v1');
    expect(readLink(dir, 'bin/v3')).toBe('../releases/v3');
    expect(JSON.parse(run.stdout).results.map((r: { link: string }) => r.link)).toEqual([
      'current.old',
      'current',
      'page',
      'bin/v2',
      'bin/v3',
    ]);
  });

  test('-b keeps the previous target under LINK~, for symbolic and hard links', () => {
    const dir = makeDeployTree();
    fs.linkSync(path.join(dir, 'releases/v1/index.html'), path.join(dir, 'page'));
    const v1 = fs.statSync(path.join(dir, 'page')).ino;
    const run = runCli(['-b', 'current -> releases/v2', 'page => releases/v2/index.html'], dir);
    expect(run.status).toBe(0);
    expect(readLink(dir, 'current~')).toBe('releases/v1');
    expect(fs.statSync(path.join(dir, 'page~')).ino).toBe(v1);
    expect(fs.readFileSync(path.join(dir, 'page'), 'utf8')).toBe('v2\n');
  });

  test('--expect switches only when the link points where expected (exit 1 otherwise)', () => {
    const dir = makeDeployTree();
    const wrong = runCli(['--expect', 'releases/v3', 'current -> releases/v2'], dir);
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toContain('not at the expected "releases/v3"');
    expect(readLink(dir, 'current')).toBe('releases/v1');
    expect(runCli(['--expect', 'releases/v1', 'current -> releases/v2'], dir).status).toBe(0);
    expect(readLink(dir, 'current')).toBe('releases/v2');
  });

  test('a hard link onto the inode it already names changes nothing and leaves no temp', () => {
    const dir = makeDeployTree();
    fs.linkSync(path.join(dir, 'releases/v1/index.html'), path.join(dir, 'page'));
    const before = snapshot(dir);
    const run = runCli(['--json', 'page => releases/v1/index.html'], dir);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout).results[0].changed).toBe(false);
    expect(snapshot(dir)).toEqual(before);
  });

  test('a hard link replaces another hard link, whose inode lives on elsewhere', () => {
    const dir = makeDeployTree();
    fs.linkSync(path.join(dir, 'releases/v1/index.html'), path.join(dir, 'page'));
    expect(runCli(['page => releases/v2/index.html'], dir).status).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'page'), 'utf8')).toBe('v2\n');
    expect(fs.readFileSync(path.join(dir, 'releases/v1/index.html'), 'utf8')).toBe('v1\n');
    expect(leftovers(dir)).toEqual([]);
  });

  test('--dry-run prints the plan and changes nothing', () => {
    const dir = makeDeployTree();
    const before = snapshot(dir);
    const run = runCli(['--dry-run', 'current -> releases/v2', 'new -> releases/v3'], dir);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('would switch: "current" -> "releases/v2" (was "releases/v1")');
    expect(run.stdout).toContain('would switch: "new" -> "releases/v3"');
    expect(snapshot(dir)).toEqual(before);
  });

  test('--probe runs trial swaps first, and passes on a local disk', () => {
    const dir = makeDeployTree();
    const run = runCli(['--json', '--probe', 'current -> releases/v2'], dir);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout).probed).toEqual([fs.realpathSync(dir)]);
    expect(leftovers(dir)).toEqual([]);
  });

  test('--help and --version', () => {
    const help = runCli(['--help'], '/');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("'LINK -> TARGET'");
    expect(runCli(['--version'], '/').stdout).toMatch(/^atomic-link \d+\.\d+\.\d+\n$/);
  });

  test('a report nobody reads, or that a full disk refuses, leaves the exit status as it was', () => {
    const dir = makeDeployTree();
    fs.mkdirSync(path.join(dir, 'bin'));
    const specs = Array.from({ length: 3000 }, (_, i) => `bin/l${i} -> ../releases/v2`).join('\n');
    fs.writeFileSync(path.join(dir, 'specs'), `${specs}\n`);
    // `head` goes away after one byte: the rest of the -v lines meet a closed pipe (EPIPE).
    const piped = spawnSync(
      'bash',
      [
        '-c',
        `"${process.execPath}" "${CLI}" -v --spec-file specs | head -c 1; echo "$\{PIPESTATUS[0]}" >&2`,
      ],
      { cwd: dir, encoding: 'utf8' },
    );
    // Nothing but the exit status, and the progress lines a slow run (a busy machine) prints.
    expect(withoutProgress(piped.stderr)).toBe('0\n');
    expect(readLink(dir, 'bin/l2999')).toBe('../releases/v2');
    const full = spawnSync(
      'bash',
      ['-c', `"${process.execPath}" "${CLI}" --json 'current -> releases/v2' > /dev/full`],
      { cwd: dir, encoding: 'utf8' },
    );
    expect(full.status).toBe(0);
    expect(full.stderr).toBe('atomic-link: cannot write to standard output: ENOSPC\n');
    expect(readLink(dir, 'current')).toBe('releases/v2');
  });
});

describe("GNU ln's letters mean what they mean in ln", () => {
  test('the deploy one-liner -sfn TARGET LINK switches atomically under a reader', async () => {
    const dir = makeDeployTree();
    const reader = startReader(path.join(dir, 'current', 'index.html'));
    for (let i = 0; i < 10; i++) {
      const run = runCli(['-sfn', `releases/v${(i % 2) + 2}`, 'current'], dir);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
    }
    const seen = await reader.stop();
    expect(seen.missing).toBe(0);
    expect(seen.reads).toBeGreaterThan(0);
    expect(readLink(dir, 'current')).toBe('releases/v3');
    expect(leftovers(dir)).toEqual([]);
    expect(fs.readdirSync(path.join(dir, 'releases', 'v2'))).toEqual(['index.html']);
  });

  test.each([['-sf'], ['-nfs'], ['-s', '-f', '-n'], ['--symbolic', '--force', '--no-dereference']])(
    '%j TARGET LINK replaces the link, never linking inside its directory',
    (...flags) => {
      const dir = makeDeployTree();
      const run = runCli([...flags, 'releases/v2', 'current'], dir);
      expect(run.status).toBe(0);
      expect(run.stdout).toBe('');
      expect(readLink(dir, 'current')).toBe('releases/v2');
      expect(fs.readdirSync(path.join(dir, 'releases', 'v1'))).toEqual(['index.html']);
    },
  );

  test('-sfnv says what it switched', () => {
    const dir = makeDeployTree();
    const run = runCli(['-sfnv', 'releases/v2', 'current'], dir);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('switched: "current" -> "releases/v2" (was "releases/v1")\n');
  });

  test('ln TARGET makes the link in the current directory, symbolic or hard', () => {
    const dir = makeDeployTree();
    expect(runCli(['-s', 'releases/v2'], dir).status).toBe(0);
    expect(readLink(dir, 'v2')).toBe('releases/v2');
    expect(runCli(['releases/v3/index.html'], dir).status).toBe(0);
    expect(fs.statSync(path.join(dir, 'index.html')).ino).toBe(
      fs.statSync(path.join(dir, 'releases/v3/index.html')).ino,
    );
  });

  test('-sfb keeps LINK~, -S SUFFIX (which implies -b) LINK+SUFFIX', () => {
    const dir = makeDeployTree();
    expect(runCli(['-sfb', 'releases/v2', 'current'], dir).status).toBe(0);
    expect(readLink(dir, 'current~')).toBe('releases/v1');
    expect(runCli(['-sfn', '-S', '.old', '-b', 'releases/v3', 'current'], dir).status).toBe(0);
    expect(readLink(dir, 'current.old')).toBe('releases/v2');
    expect(runCli(['-s', '--suffix=.prev', 'releases/v1', 'current'], dir).status).toBe(0);
    expect(readLink(dir, 'current.prev')).toBe('releases/v3');
    expect(readLink(dir, 'current')).toBe('releases/v1');
  });

  test('--backup=numbered counts on from the highest LINK.~N~; existing then stays numbered', () => {
    const dir = makeDeployTree();
    const numbered = () =>
      fs
        .readdirSync(dir)
        .filter((name) => name.includes('.~'))
        .sort();
    expect(runCli(['-s', '--backup=numbered', 'releases/v2', 'current'], dir).status).toBe(0);
    expect(runCli(['-s', '--backup=numbered', 'releases/v3', 'current'], dir).status).toBe(0);
    expect(numbered()).toEqual(['current.~1~', 'current.~2~']);
    expect(readLink(dir, 'current.~1~')).toBe('releases/v1');
    expect(readLink(dir, 'current.~2~')).toBe('releases/v2');
    expect(runCli(['-sb', 'releases/v1', 'current'], dir).status).toBe(0);
    expect(readLink(dir, 'current.~3~')).toBe('releases/v3');
    expect(fs.existsSync(path.join(dir, 'current~'))).toBe(false);
  });

  test('VERSION_CONTROL and SIMPLE_BACKUP_SUFFIX choose the backups, as for ln', () => {
    const dir = makeDeployTree();
    const env = { VERSION_CONTROL: 't', SIMPLE_BACKUP_SUFFIX: '.bak' };
    expect(runCli(['-sb', 'releases/v2', 'current'], dir, undefined, env).status).toBe(0);
    expect(readLink(dir, 'current.~1~')).toBe('releases/v1');
    const simple = { ...env, VERSION_CONTROL: 'never' };
    expect(runCli(['-sb', 'releases/v3', 'current'], dir, undefined, simple).status).toBe(0);
    expect(readLink(dir, 'current.bak')).toBe('releases/v2');
    // --backup=CONTROL wins over the environment; none makes no backup at all.
    expect(
      runCli(['-s', '--backup=off', 'releases/v1', 'current'], dir, undefined, env).status,
    ).toBe(0);
    expect(
      fs
        .readdirSync(dir)
        .filter((name) => name.startsWith('current'))
        .sort(),
    ).toEqual(['current', 'current.bak', 'current.~1~']);
  });

  test('-P (the default) hard-links a symlink TARGET itself, -L what it points to', () => {
    const dir = makeDeployTree();
    fs.symlinkSync('releases/v2/index.html', path.join(dir, 'alias'));
    const file = fs.statSync(path.join(dir, 'releases/v2/index.html')).ino;
    for (const flags of [[], ['-P'], ['-L', '-P']]) {
      expect(runCli([...flags, 'alias', 'page'], dir).status).toBe(0);
      expect(readLink(dir, 'page')).toBe('releases/v2/index.html');
      expect(fs.lstatSync(path.join(dir, 'page')).ino).toBe(
        fs.lstatSync(path.join(dir, 'alias')).ino,
      );
    }
    for (const flags of [['-L'], ['-P', '-L'], ['--logical']]) {
      expect(runCli([...flags, 'alias', 'page'], dir).status).toBe(0);
      expect(fs.lstatSync(path.join(dir, 'page')).ino).toBe(file);
    }
    // -s ignores -L, as in ln.
    expect(runCli(['-sL', 'alias', 'text'], dir).status).toBe(0);
    expect(readLink(dir, 'text')).toBe('alias');
  });

  onLinux('a local switch, guard on, needs no /proc (hidden here, as macOS has none)', () => {
    const dir = makeDeployTree();
    const hidden = spawnSync(
      'unshare',
      [
        '--mount',
        'sh',
        '-c',
        'mount -t tmpfs none /proc && ls -A /proc && exec "$@"',
        'sh',
        process.execPath,
        CLI,
        '-v',
        'current -> releases/v2',
      ],
      { cwd: dir, encoding: 'utf8' },
    );
    expect(hidden.stderr).toMatch(
      /^atomic-link: guard: kernel notifications, certain: 1 change to the links' names told, none but ours; window \d+ ms$/m,
    );
    // `ls -A /proc` printed nothing: the CLI ran with an empty /proc.
    expect(hidden.stdout).toBe('switched: "current" -> "releases/v2" (was "releases/v1")\n');
    expect(hidden.status).toBe(0);
    expect(fs.readlinkSync(path.join(dir, 'current'))).toBe('releases/v2');
  });

  test("a live lock whose holder text carries line breaks and workflow commands: one escaped line each, and --json's one document", async () => {
    const dir = makeDeployTree();
    const lock = path.join(dir, '.atomic-link.lock');
    const holder = JSON.stringify({
      host: 'evil\n::warning::pwned\r\n::set-output name=previous::{}',
      instance: '0123456789ab',
      pid: 4242,
      token: 'x',
      since: 'now\n::error::x',
    });
    // A holder that refreshes its lock, as a live run does: the waiters time out.
    const refresher = spawn(process.execPath, [
      '-e',
      `const fs = require('fs');
       const beat = () => { fs.symlinkSync(process.argv[1], process.argv[2] + '.new');
                            fs.renameSync(process.argv[2] + '.new', process.argv[2]); };
       beat(); setInterval(beat, 300);`,
      holder,
      lock,
    ]);
    try {
      // The lock is there before the runs start: a run quicker than the holder's first beat
      // would find the directory free. (The lock is a symlink to its holder's text.)
      const held = () => fs.readdirSync(dir).includes('.atomic-link.lock');
      for (let waited = 0; !held() && waited < 10_000; waited += 20) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const [text, json] = await Promise.all([
        startCli(['--lock-timeout', '5', 'current -> releases/v2'], dir),
        startCli(['--lock-timeout', '5', '--json', 'current -> releases/v2'], dir),
      ]);
      for (const run of [text, json]) {
        expect(run.status).toBe(1);
        const lines = run.stderr.trimEnd().split('\n');
        expect(lines.filter((line) => !line.startsWith('atomic-link: '))).toEqual([]);
        expect(run.stderr).toContain('::warning::pwned');
      }
      expect(text.stdout).toBe('');
      const report = JSON.parse(json.stdout);
      expect(report.error).toMatchObject({ exitCode: 1 });
      expect(report.error.message).toContain('is held by');
      expect(report.results).toBeNull();
      // Bad usage too, found while the command line is read.
      const usage = runCli(['--json', '--frobnicate', 'current -> releases/v2'], dir);
      expect(usage.status).toBe(2);
      expect(JSON.parse(usage.stdout).error).toMatchObject({ exitCode: 2 });
      expect(readLink(dir, 'current')).toBe('releases/v1');
    } finally {
      refresher.kill();
    }
  });

  test('a link text that carries a line break and runner commands is printed inert', () => {
    const dir = makeDeployTree();
    fs.unlinkSync(path.join(dir, 'current'));
    fs.symlinkSync('x\n::warning::a ##[error]b\u2028', path.join(dir, 'current'));
    for (const args of [['-v'], ['--json']]) {
      fs.rmSync(path.join(dir, 'current'));
      fs.symlinkSync('x\n::warning::a ##[error]b\u2028', path.join(dir, 'current'));
      const run = runCli([...args, 'current -> releases/v2'], dir);
      expect(run.status).toBe(0);
      expect(run.stdout).not.toMatch(/^\s*::|##\[|\u2028/m);
      expect(run.stdout).toContain('##\\u005b');
    }
    expect(readLink(dir, 'current')).toBe('releases/v2');
  });
});

test('run from a working directory since removed: exit 1, said plainly (not an internal error), nothing changed', () => {
  const dir = makeDeployTree();
  const gone = path.join(dir, 'gone');
  fs.mkdirSync(gone);
  const run = runCliUnder(
    ['sh', '-c', 'cd "$0" && rmdir "$0" && exec "$@"', gone],
    ['-s', path.join(dir, 'releases/v2'), path.join(dir, 'current')],
    dir,
  );
  expect(run.stderr).toBe(
    'atomic-link: the working directory cannot be read (ENOENT): removed, or not to be ' +
      'searched; run atomic-link from another; nothing was changed\n',
  );
  expect(run.status).toBe(1);
  expect(readLink(dir, 'current')).toBe('releases/v1');
});
