import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { OPTIONS } from '../lib/cli/options.js';
import type { OptionDefinition } from '../lib/cli/options.js';
import { count } from '../lib/engine/index.js';
import { ME } from '../lib/platform/identity.js';
import {
  CLI,
  ROOT,
  PROGRESS_LINE,
  expectRefused,
  makeDeployTree,
  runCli,
  snapshot,
  startCli,
  withoutProgress,
} from './helpers/tree.js';

const readLink = (dir: string, name: string) => fs.readlinkSync(path.join(dir, name));

/** A deploy tree with a spec file, a file named like a spec-file and a symlink to a release. */
const prepare = (dir: string) => fs.writeFileSync(path.join(dir, 'specs.txt'), 'x -> y\n');

describe("a new user's mistakes get a sentence, exit 2, and nothing changed", () => {
  test.each([
    // A SPEC without spaces around its arrow is no file either: it is said to be neither.
    [
      ['current->releases/v2'],
      `"current->releases/v2" is neither a SPEC nor a file; a SPEC needs spaces around its arrow: "current -> releases/v2"`,
    ],
    [['current=>releases/v2'], 'a SPEC needs spaces around its arrow: "current => releases/v2"'],
    [['current -> releases/v2', 'a->b'], 'a SPEC needs spaces around its arrow: "a -> b"'],
    [['--ssh', 'u@h:/srv', 'current->x'], 'a SPEC needs spaces around its arrow: "current -> x"'],
    [['nosuchdir/file'], 'argument "nosuchdir/file": TARGET "nosuchdir/file" does not exist'],
    [['nosuchfile'], 'argument "nosuchfile": TARGET "nosuchfile" does not exist'],
    [['x => nosuchdir/file'], 'argument 1: hard link TARGET "nosuchdir/file" does not exist'],
    // What the shell leaves of `atomic-link current -> v42` (it writes v42), and lone arrows.
    [['current', '-'], `argument "-" (what the shell leaves of an unquoted SPEC`],
    [['current', '-'], `quote each SPEC whole, as one argument: atomic-link 'current -> TARGET'`],
    [['current', '->', 'v42'], `argument "->": quote each SPEC whole`],
    [['current', '=>', 'v42'], `atomic-link 'current => TARGET'`],
    [['--', 'current', '->', 'v42'], `argument "->": quote each SPEC whole`],
    // LINK and TARGET swapped: the release a directory (the link made inside), or not there.
    [
      ['-sfn', 'current', 'releases/v2'],
      'TARGET and LINK swapped? As in ln, TARGET comes first: atomic-link -s releases/v2 current',
    ],
    [
      ['-sfn', 'current', 'releases/v9'],
      'TARGET and LINK swapped? As in ln, TARGET comes first: atomic-link -s releases/v9 current',
    ],
    // -f FILE, once a spec file: an existing file, and a missing one.
    [
      ['-f', 'specs.txt'],
      'are the same file; spec files are read with --spec-file=FILE (-f is --force)',
    ],
    [
      ['-f', 'nospecs.txt'],
      'TARGET "nospecs.txt" does not exist; spec files are read with --spec-file',
    ],
    // Options: the nearest ones named; none of Node's text.
    [['--dryrun', 'current -> releases/v2'], 'unknown option --dryrun; did you mean --dry-run?'],
    [
      ['-- "--dryrun"', 'current -> releases/v2'],
      'unknown option "-- \\"--dryrun\\""; did you mean --dry-run?',
    ],
    [
      ['--no-gaurd', 'current -> releases/v2'],
      'unknown option --no-gaurd; did you mean --no-guard?',
    ],
    [['--alow-dangling', 'current -> releases/v2'], 'did you mean --allow-dangling?'],
    [['-dryrun', 'current -> releases/v2'], 'unknown option -dryrun; did you mean --dry-run?'],
    [['-sq', 'current', 'x'], 'unknown option -q (in -sq); see --help'],
    [['--frobnicate', 'current -> releases/v2'], 'unknown option --frobnicate; see --help'],
    [['--ssh'], '--ssh needs a value: --ssh=USER@HOST:PATH'],
    [
      ['--expect', '-x', 'current -> releases/v2'],
      "write a value that starts with '-' as --expect=-x",
    ],
    [['--json=yes', 'current -> releases/v2'], '--json takes no value (given yes)'],
  ])('%j', (args, message) => {
    const run = expectRefused(args, message, 2, prepare);
    expect(run.stderr).not.toMatch(/internal error|To specify|Unknown option/);
    // One line, and with --json one document saying the same.
    expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
    const dir = makeDeployTree();
    prepare(dir);
    const before = snapshot(dir);
    const json = runCli(['--json', ...args], dir);
    expect(json.status).toBe(2);
    expect(JSON.parse(json.stdout).error).toMatchObject({ exitCode: 2 });
    expect(JSON.parse(json.stdout).error.message).toContain(message);
    expect(snapshot(dir)).toEqual(before);
  });

  test('hostile option text is said escaped, cut short, on one line', () => {
    // Near the kernel's limit for one argument (128 KiB).
    const huge = `--${'a'.repeat(120_000)}`;
    for (const args of [['--\u001b]0;pwned\u0007\n::error::x'], [huge], ['-\u001b[31m']]) {
      const run = expectRefused([...args, 'current -> releases/v2'], 'unknown option');
      expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
      // eslint-disable-next-line no-control-regex -- no raw control character reaches the terminal
      expect(run.stderr.trimEnd()).not.toMatch(/[\u0000-\u001f]/);
      expect(run.stderr.length).toBeLessThan(400);
    }
  });

  test('a file whose name holds an arrow is an ln argument, as in ln', () => {
    const dir = makeDeployTree();
    fs.writeFileSync(path.join(dir, 'a->b'), 'data');
    const run = runCli(['-s', 'a->b', 'link'], dir);
    expect(run.status).toBe(0);
    expect(readLink(dir, 'link')).toBe('a->b');
  });

  test('the mistakes fixed, the same commands switch', () => {
    const dir = makeDeployTree();
    expect(runCli(['current -> releases/v2'], dir).status).toBe(0);
    expect(runCli(['-sfn', 'releases/v3', 'current'], dir).status).toBe(0);
    expect(readLink(dir, 'current')).toBe('releases/v3');
    expect(runCli(['--dry-run', 'current -> releases/v2'], dir).status).toBe(0);
  });
});

describe('--dry-run --json', () => {
  test('has the shape of a real run, without guard (nothing is watched)', () => {
    const dir = makeDeployTree();
    const dry = runCli(['--json', '--dry-run', 'current -> releases/v2'], dir);
    expect(readLink(dir, 'current')).toBe('releases/v1');
    const real = runCli(['--json', 'current -> releases/v2'], dir);
    const [planned, done] = [JSON.parse(dry.stdout), JSON.parse(real.stdout)];
    expect(Object.keys(planned).sort()).toEqual(
      Object.keys(done)
        .filter((key) => key !== 'guard')
        .sort(),
    );
    expect(planned.results[0]).toEqual({ ...done.results[0], state: 'would switch' });
    expect(planned.dryRun).toBe(true);
  });
});

describe('waiting for a lock is said as it happens', () => {
  test('a live holder: one line after a second, naming it escaped, and how long the run waits', async () => {
    const dir = makeDeployTree();
    const lock = path.join(dir, '.atomic-link.lock');
    const holder = JSON.stringify({
      host: 'web1\n::error::pwned\u001b[2J',
      instance: '0123456789ab',
      pid: 4242,
      token: 'x',
      since: '2026-12-06T21:00:00.000Z',
    });
    // Refreshed, as a live run's lock is; released after three seconds.
    const holderRun = spawn(process.execPath, [
      '-e',
      `const fs = require('fs');
       const beat = () => { fs.symlinkSync(process.argv[1], process.argv[2] + '.new');
                            fs.renameSync(process.argv[2] + '.new', process.argv[2]); };
       beat(); const timer = setInterval(beat, 300);
       setTimeout(() => { clearInterval(timer); fs.unlinkSync(process.argv[2]); }, 3000);`,
      holder,
      lock,
    ]);
    try {
      // The lock is there before the run starts (a symlink to its holder's text).
      const held = () => fs.readdirSync(dir).includes('.atomic-link.lock');
      for (let waited = 0; !held() && waited < 10_000; waited += 20) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const run = await startCli(['--lock-timeout', '30', 'current -> releases/v2'], dir);
      expect(run.status).toBe(0);
      expect(readLink(dir, 'current')).toBe('releases/v2');
      const lines = run.stderr.trimEnd().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        /^atomic-link: waiting for the lock .*\.atomic-link\.lock, held by pid 4242 on "web1\\n::error::pwned\\u001b\[2J" since "2026-12-06T21:00:00.000Z"; waiting up to (29|30) s more$/,
      );
    } finally {
      holderRun.kill();
    }
  });

  test('a stale lock broken is said without -v, once', () => {
    const dir = makeDeployTree();
    const dead = spawnSync(process.execPath, ['-e', '0']).pid as number;
    const holder = { host: ME.host, instance: ME.instance, pid: dead, token: 't', since: 'then' };
    for (const args of [[], ['-v']]) {
      fs.symlinkSync(JSON.stringify(holder), path.join(dir, '.atomic-link.lock'));
      const run = runCli([...args, 'current -> releases/v2'], dir);
      expect(run.status).toBe(0);
      const broke = run.stderr.split('\n').filter((line) => line.includes('broke the lock'));
      expect(broke).toEqual([
        `atomic-link: broke the lock ${dir}/.atomic-link.lock of pid ${dead} on ${JSON.stringify(ME.host)} since "then": its holder is gone`,
      ]);
      expect(fs.existsSync(path.join(dir, '.atomic-link.lock'))).toBe(false);
      runCli(['current -> releases/v1'], dir);
    }
  });
});

describe('progress of a long batch', () => {
  /** 20,000 links l0..l19999 -> releases/v1, and a spec file switching them to v2. */
  function bigTree(): string {
    const dir = makeDeployTree();
    const lines: string[] = [];
    for (let index = 0; index < 20000; index++) {
      fs.symlinkSync('releases/v1', path.join(dir, `l${index}`));
      lines.push(`l${index} -> releases/v2`);
    }
    fs.writeFileSync(path.join(dir, 'specs'), lines.join('\n'));
    return dir;
  }

  /*
   * Each symlink (or symlinkat) is held 100 us by strace: making the 20,000 new links takes two seconds at
   * least, on any machine, so that the phase is long enough to be reported.
   */
  const SLOW = [
    'strace',
    '-f',
    '--seccomp-bpf',
    '-o',
    '/dev/null',
    '-e',
    'trace=symlink,symlinkat',
  ];
  const SLOWER = [...SLOW, '-e', 'inject=symlink,symlinkat:delay_enter=100'];

  test('without a terminal: lines on stderr, at most one a second, and nothing else', async () => {
    const dir = bigTree();
    const stamps: number[] = [];
    const run = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
      const child = spawn(
        SLOWER[0],
        [...SLOWER.slice(1), process.execPath, CLI, '--spec-file', 'specs'],
        {
          cwd: dir,
        },
      );
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk;
        for (const line of String(chunk).split('\n')) if (line) stamps.push(Date.now());
      });
      child.on('close', (status) => resolve({ status, stderr }));
    });
    expect(run.status).toBe(0);
    expect(readLink(dir, 'l19999')).toBe('releases/v2');
    expect(run.stderr).toMatch(/^atomic-link: made \d+ of 20000 new links$/m);
    expect(withoutProgress(run.stderr)).toBe('');
    expect(run.stderr.match(PROGRESS_LINE)?.length).toBe(stamps.length);
    // A second apart at least, as written (reading may bunch them: a little slack).
    const gaps = stamps.slice(1).map((stamp, index) => stamp - stamps[index]);
    expect(gaps.filter((gap) => gap < 900)).toEqual([]);
  }, 120_000);

  test('on a terminal: one line redrawn in place, and taken away at the end', () => {
    const dir = bigTree();
    const command = [...SLOWER, process.execPath, CLI, '--spec-file', 'specs']
      .map((word) => `'${word}'`)
      .join(' ');
    // script(1) gives the run a terminal; what the terminal got comes back on stdout.
    const run = spawnSync('script', ['-q', '-e', '-c', command, '/dev/null'], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    expect(readLink(dir, 'l19999')).toBe('releases/v2');
    const out = run.stdout;
    expect(out.startsWith('\r\x1b[Katomic-link: made ')).toBe(true);
    expect(out).toMatch(/made \d+ of 20000 new links/);
    // Never a line of its own: each redraw starts at the line's start; the end clears it.
    expect(out).not.toContain('\n');
    expect(out.endsWith('\r\x1b[K')).toBe(true);
  }, 120_000);
});

test("each option's action input, which the action's advice names, is an input of action.yml", () => {
  const action = YAML.parse(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8'));
  const named = Object.values(OPTIONS as Record<string, OptionDefinition>).flatMap((option) =>
    option.input === undefined ? [] : [option.input.split(':')[0]],
  );
  expect(named.length).toBeGreaterThan(10);
  for (const input of named) expect(Object.keys(action.inputs)).toContain(input);
});

test('one lookup is one lookup, in the CLI and in the summary', () => {
  expect(count(1, 'lookup')).toBe('1 lookup');
  expect(count(0, 'lookup')).toBe('0 lookups');
  expect(count(14, 'lookup')).toBe('14 lookups');
});
