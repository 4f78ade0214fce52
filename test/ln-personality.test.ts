import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ME } from '../lib/platform/identity.js';
import { tracedPid, underStrace } from './helpers/faults.js';
import { CLI, startCli } from './helpers/tree.js';

/**
 * atomic-link named ln against GNU ln (/bin/ln, coreutils 9) on the same command lines, in
 * fresh directories alike: the same exit status, stdout, stderr, and the same files after
 * (each name's kind, symlink text, content, and which names are one file).
 */

function binWith(program: string): string {
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-lnbin-'));
  fs.symlinkSync(program, path.join(bin, 'ln'));
  return bin;
}

const GNU_BIN = binWith('/bin/ln');
const OUR_BIN = binWith(CLI);

/** Every name under `dir`: kind, symlink text or content, and its file's first name. */
function state(dir: string): string[] {
  const firstName = new Map<string, string>();
  const lines: string[] = [];
  const walk = (sub: string) => {
    for (const name of fs.readdirSync(path.join(dir, sub)).sort()) {
      const rel = sub ? `${sub}/${name}` : name;
      const full = path.join(dir, rel);
      const stats = fs.lstatSync(full);
      const key = `${stats.dev}:${stats.ino}`;
      if (!firstName.has(key)) firstName.set(key, rel);
      const same = firstName.get(key) === rel ? '' : ` (one file with ${firstName.get(key)})`;
      if (stats.isSymbolicLink())
        lines.push(`${JSON.stringify(rel)} -> ${JSON.stringify(fs.readlinkSync(full))}${same}`);
      else if (stats.isDirectory()) {
        lines.push(`${JSON.stringify(rel)}/`);
        walk(rel);
      } else
        lines.push(
          `${JSON.stringify(rel)}: ${JSON.stringify(fs.readFileSync(full, 'utf8'))}${same}`,
        );
    }
  };
  walk('');
  return lines;
}

interface Outcome {
  status: number | null;
  stdout: string;
  stderr: string;
  files: string[];
}

// A home apart from the directories compared: atomic-link keeps its code cache there.
const HOME = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-lnhome-'));

/** `setup` then `command` (shell), in a fresh directory, with `bin`'s ln first in PATH. */
function runWith(bin: string, setup: string, command: string, input = ''): Outcome {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-lncase-'));
  const env = { PATH: `${bin}:${process.env.PATH}`, LC_ALL: 'C', HOME };
  const prepared = spawnSync('sh', ['-c', `/bin/sh -ec '${setup.replace(/'/g, "'\\''")}'`], {
    cwd: dir,
    env,
  });
  if (prepared.status !== 0) throw new Error(`setup failed: ${setup}: ${prepared.stderr}`);
  const run = spawnSync('sh', ['-c', command], { cwd: dir, env, input, encoding: 'utf8' });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr, files: state(dir) };
}

const CASES: [string, string, string, string?][] = [
  // [what, setup, command, stdin]
  ['a new symlink, dangling', '', 'ln -s missing link'],
  ['an existing link without -f', 'ln -s a link', 'ln -s b link'],
  ['-sf replaces a symlink', 'ln -s a link', 'ln -sf b link'],
  ['-sf onto a symlink to a directory links inside it', 'mkdir d; ln -s d link', 'ln -sf b link'],
  ['-sfn replaces the symlink to a directory', 'mkdir d; ln -s d link', 'ln -sfn b link'],
  ['-f replaces a regular file with a hard link', 'echo a > a; echo b > b', 'ln -f a b'],
  ['-sf replaces a regular file', 'echo b > b', 'ln -sf a b'],
  ['a hard link to an existing name without -f', 'echo a > a; echo b > b', 'ln a b'],
  ['-f onto a directory', 'echo a > a; mkdir b', 'ln -fT a b'],
  [
    'numbered backups, three times',
    'ln -s 1 link',
    'ln -sf --backup=numbered 2 link && ln -sf --backup=t 3 link && ln -sf --backup=numbered 4 link',
  ],
  [
    'existing backups: simple, then numbered once one exists',
    'ln -s 1 link',
    'ln -s --backup 2 link && ln -s --backup=nil 3 link && ln -s --backup=t 4 link && ln -s --backup 5 link',
  ],
  ['VERSION_CONTROL', 'ln -s 1 link', 'VERSION_CONTROL=numbered ln -sb 2 link'],
  ['-S sets the suffix and implies -b', 'ln -s 1 link', 'ln -s -S .old 2 link'],
  [
    'a suffix with a slash is ~',
    'mkdir x; ln -s 1 link',
    'ln -sf -S /../x/evil 2 link && ln -sf --suffix=../x 3 link',
  ],
  ['SIMPLE_BACKUP_SUFFIX', 'ln -s 1 link', 'SIMPLE_BACKUP_SUFFIX=.bak ln -sb 2 link'],
  ['a backup of a regular file', 'echo old > f; echo new > g', 'ln -fb g f'],
  ['--b=simple', 'echo a > a; echo b > b; ln b b~', 'ln -f --b=simple a b'],
  [
    '-f onto the same file through a symlinked directory, with another name: nothing to do',
    'mkdir d; ln -s d e; echo a > d/a; ln d/a d/b',
    'ln -f d/a e/a; echo $?; ln -f d/a d/a; echo $?; rm d/b; ln -f d/a e/a; echo $?',
  ],
  // The link failing after a backup whose name was already LINK's file: ln renames it back
  // (nothing, as the rename away was nothing) and both names stay.
  [
    'a backup name that was a hard link of LINK, the symlink then failing (ENOSPC)',
    'ln -s a b; ln b b~',
    'strace -f -qq -o /dev/null -e trace=symlink,symlinkat ' +
      '-e inject=symlink,symlinkat:error=ENOSPC:when=2 ln -sfb x b',
  ],
  [
    'a backup name that was a hard link of LINK, the link then failing (EIO on its rename)',
    'echo a > a; echo b > b; ln b b~',
    'strace -f -qq -o /dev/null -e trace=rename,renameat,renameat2 ' +
      '-e inject=rename,renameat,renameat2:error=EIO:when=2 ln -fb a b',
  ],
  ['names with line breaks', '', "ln -s 'a\nb' 'c\nd' && ln -s x 'c\nd'"],
  ['a quote in a name', 'touch "it\'s"', 'ln "it\'s" "it\'s"'],
  ['-- and names that start with -', '', 'ln -s -- -x y && ln -s -- x -y && ln -s -- - z'],
  ['- is an operand', '', 'ln -s - dash'],
  ['options after operands', '', 'ln x y -s'],
  ['POSIXLY_CORRECT stops at the first operand', '', 'POSIXLY_CORRECT=1 ln -s x y -v'],
  ['-t with several targets', 'mkdir d', 'ln -s -t d a b/c c/'],
  ['-t onto a missing directory', '', 'ln -s -t nowhere a'],
  ['-t onto a file', 'touch f', 'ln -s -t f a'],
  ['-t twice', 'mkdir d e', 'ln -s -t d -t e a'],
  ['-t and -T', 'mkdir d', 'ln -s -T -t d a'],
  ['-T with an extra operand', '', 'ln -sT a b c'],
  ['-T with one operand', '', 'ln -sT a'],
  ['no operand', '', 'ln -s'],
  ['the last of several is not a directory', 'touch f', 'ln -s a b f'],
  ['the last of several is missing', '', 'ln -s a b nowhere'],
  ['an unknown long option', '', 'ln --frobnicate a b'],
  ['an unknown letter', '', 'ln -sk a b'],
  ['an ambiguous abbreviation', '', 'ln --s a b'],
  ['abbreviations', 'mkdir d', 'ln --sym --target-dir=d --verb a && ln --no-t --sy b c'],
  ['--backup=bogus', 'ln -s a b', 'ln -s --backup=bogus c b'],
  ['--backup with an ambiguous CONTROL', 'ln -s a b', 'ln -s --backup=n c b'],
  ['--suffix without a value', '', 'ln -s a b --suffix'],
  ['-S without a value', '', 'ln -s a b -S'],
  ['--force=1', '', 'ln --force=1 a b'],
  ['--backup SEPARATE is a file', 'mkdir simple', 'ln -s --backup a simple'],
  ['-r without -s', '', 'ln -r a b'],
  [
    '-sr',
    'mkdir -p usr/bin usr/lib; touch usr/lib/f',
    'ln -sr usr/lib/f usr/bin/f && ln -sr usr/bin/f usr/lib/g && ln -sr / root && ln -sr usr usr/self',
  ],
  [
    '-sr through a symlinked directory',
    'mkdir -p real/a; ln -s real/a via',
    'ln -sr via/x real/link',
  ],
  ['a hard link to a directory', 'mkdir d', 'ln d e'],
  ['-d to a directory', 'mkdir d', 'ln -d d e'],
  ['the same file', 'touch f', 'ln -f f f'],
  ['the same file with -s', 'touch f', 'ln -sf f f'],
  ['a second hard link replaced by itself', 'echo a > a; ln a b', 'ln -f a b'],
  ['will not overwrite just-created', 'mkdir d b; echo x > x; echo bx > b/x', 'ln -f x b/x d'],
  ['a directory symlink loop as LINK', 'ln -s l2 l1; ln -s l1 l2', 'ln -s x l1/'],
  ['a directory symlink loop as DIRECTORY', 'ln -s l2 l1; ln -s l1 l2', 'ln -s x y l1'],
  ['-n with a directory symlink as the last of several', 'mkdir d; ln -s d dl', 'ln -sn a b dl'],
  ['a trailing slash on a missing LINK', 'touch f', 'ln -s f nothere/ ; ln f nothere/'],
  ['a trailing slash on a target in DIRECTORY', 'mkdir d e', 'ln -s e/ d'],
  ['-v', 'ln -s old link', 'ln -sfvb new link && ln -v -s x y'],
  ['-L and -P', 'echo a > a; ln -s a s', 'ln -L s hl && ln -P s hp && ln -s -L s ss'],
  ['-L with a dangling symlink', 'ln -s nowhere s', 'ln -L s h'],
  ['-i answered yes', 'ln -s a link', 'ln -si b link', 'y\n'],
  ['-i answered no', 'ln -s a link', 'ln -si b link', 'n\n'],
  ['-i at the end of input', 'ln -s a link', 'ln -si b link'],
  ['-i onto a new name asks nothing', '', 'ln -si b link'],
  ['-if: the last wins', 'ln -s a link', 'ln -s -i -f b link'],
  ['-fi: the last wins', 'ln -s a link', 'ln -s -f -i b link', 'n\n'],
  ['one operand', 'mkdir d; touch d/f', 'ln -s d/f && ln -s d/f'],
  ['an empty LINK', '', "ln foo ''"],
  ['an empty TARGET with -sr', '', "ln -sr '' F"],
  ['a long name', '', `ln -sf ${'0'.repeat(300)} long`],
  ['-h is not an option of ln', '', 'ln -h'],
  [
    'a link that fails after its backup: no backup left',
    'mkdir d; ln -s d dl; touch d/x',
    'ln --backup=existing -F dl/ d/x; ln -F -b --backup=t d d/x',
  ],
  [
    'an empty TARGET into a directory',
    'mkdir d',
    "ln -sb --backup=t '' . ; ln -sf '' d; ln -t d ''",
  ],
  [
    'a backup of a hard-linked symlink is that same file',
    'ln -s a self; mkdir d',
    'ln -b -t d self self',
  ],
  ['--help stops at once, after what came before it', '', 'ln -k --help; ln --help -k >/dev/null'],
  ['options act in order: -t before a bad option', '', 'ln -t nowhere -k; ln -k -t nowhere'],
  [
    'a backup name past NAME_MAX',
    '',
    `ln -s x ${'a'.repeat(255)} && ln -sfb y ${'a'.repeat(255)} && ln -sf --backup=t z ${'a'.repeat(255)}`,
  ],
  [
    'a numbered backup name past NAME_MAX',
    '',
    `ln -s x ${'b'.repeat(252)} && ln -sf --backup=t y ${'b'.repeat(252)} && ln -s x ${'c'.repeat(250)} && ln -sf --backup=t y ${'c'.repeat(250)}`,
  ],
  [
    'a simple backup name past NAME_MAX',
    '',
    `ln -s x ${'a'.repeat(255)}; ln -sf --backup=simple y ${'a'.repeat(255)}`,
  ],
  ['-t onto a directory symlink loop', 'ln -s l2 l1; ln -s l1 l2', 'ln -s -t l1 a'],
  ['a backup name taken by a directory', 'ln -s a link; mkdir link~', 'ln -sfb b link'],
  ['a backup name taken by a file', 'ln -s a link; echo x > link~', 'ln -sfb b link'],
  ['TARGET linked into . onto itself', 'touch a', 'ln -sf a . ; ln -f a .'],
  ['a backup with -i answered yes', 'ln -s a link', 'ln -sib b link', 'yes\n'],
  [
    'a numbered backup past ~9~',
    'ln -s a link; touch link.~9~ link.~10~ link.~x~',
    'ln -sf --backup=t b link',
  ],
  [
    'a suffix with a line break',
    'ln -s a link',
    "ln -sf -S '\n' b link && ln -sfv -S '~\n' c link",
  ],
  [
    'hard links into a directory with -f, numbered',
    'mkdir d b; echo x > x; echo bx > b/x',
    'ln -f --backup=t x b/x d',
  ],
];

describe('atomic-link named ln does what GNU ln does', () => {
  // One argument beside the name: a test of four parameters would be taken as one with done().
  test.each(CASES.map((entry) => [entry[0], entry] as const))('%s', (_what, entry) => {
    const [, setup, command, input] = entry;
    const gnu = runWith(GNU_BIN, setup, command, input);
    const ours = runWith(OUR_BIN, setup, command, input);
    expect(ours).toEqual(gnu);
  });
});

describe('atomic-link named ln', () => {
  test("--help lists every option GNU ln's --help lists, with ln's own usage lines", () => {
    const ours = runWith(OUR_BIN, '', 'ln --help').stdout;
    const gnu = runWith(GNU_BIN, '', 'ln --help').stdout;
    const optionsOf = (help: string) =>
      [...help.matchAll(/^ {2}(?:-\w, )*(-\w|--[\w-]+)/gm)].map((match) => match[1]).sort();
    expect(optionsOf(ours)).toEqual(optionsOf(gnu));
    expect(ours.split('\n').slice(0, 4)).toEqual(gnu.split('\n').slice(0, 4));
  });

  test('is atomic-link, and says so only when asked for its version', () => {
    const ours = runWith(OUR_BIN, '', 'ln --version');
    expect(ours.stdout).toMatch(/^ln \(atomic-link\) \d/);
    expect(runWith(GNU_BIN, '', 'ln --version').stdout).toMatch(/^ln \(GNU coreutils\)/);
  });
});

const TRACED = 'trace=unlink,unlinkat,rename,renameat,renameat2,symlink,symlinkat,link,linkat';

/** The link and rename calls of `ln ARGS` in `dir`, by the ln in `bin`. */
function traced(bin: string, dir: string, args: string[]): string {
  const trace = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-trace-')), 'calls');
  const run = spawnSync(
    'strace',
    ['-f', '-qq', '-o', trace, '-e', TRACED, path.join(bin, 'ln'), ...args],
    {
      cwd: dir,
      encoding: 'utf8',
    },
  );
  expect(run.error).toBeUndefined();
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return fs.readFileSync(trace, 'utf8');
}

describe('every replacement by atomic-link named ln is one rename', () => {
  const replacements: [string, string[], string[]][] = [
    // [what, ln's arguments, the names replaced]
    ['-sf over a symlink', ['-sf', 'b', 'link'], ['link']],
    ['-sfn over a symlink to a directory', ['-sfn', 'b', 'dirlink'], ['dirlink']],
    ['-f over a regular file', ['-f', 'n', 'file'], ['file']],
    ['-sf over a regular file', ['-sf', 'n', 'file'], ['file']],
    ['-sb: a simple backup, then the link', ['-sb', 'b', 'link'], ['link~', 'link']],
    [
      '-f --backup=numbered over a file',
      ['-f', '--backup=numbered', 'n', 'file'],
      ['file.~1~', 'file'],
    ],
    ['-sf -t DIR over two links', ['-sf', '-t', 'd', 'x', 'y'], ['d/x', 'd/y']],
  ];
  test.each(replacements)('%s', (_what, args, names) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-lntrace-'));
    fs.mkdirSync(path.join(dir, 'd'));
    fs.symlinkSync('a', path.join(dir, 'link'));
    fs.symlinkSync('d', path.join(dir, 'dirlink'));
    fs.writeFileSync(path.join(dir, 'file'), 'old\n');
    fs.writeFileSync(path.join(dir, 'n'), 'new\n');
    fs.symlinkSync('old-x', path.join(dir, 'd', 'x'));
    fs.symlinkSync('old-y', path.join(dir, 'd', 'y'));
    const calls = traced(OUR_BIN, dir, args);
    const quoted = (name: string) => name.replace(/[.~]/g, '\\$&');
    for (const name of names) {
      // Onto the name by a rename from a temporary name; never removed, never renamed away.
      expect(calls).toMatch(
        new RegExp(
          `rename(at2?)?\\([^\\n]*"[^"\\n]*\\.atomic-link-tmp-[^"]*", [^\\n]*"${quoted(name)}"`,
        ),
      );
      expect(calls).not.toMatch(new RegExp(`unlink(at)?\\([^\\n]*"${quoted(name)}"`));
      expect(calls).not.toMatch(new RegExp(`rename(at2?)?\\([^\\n]*"${quoted(name)}", `));
    }
    // The backup is in place before the link is replaced.
    if (names.length === 2 && !args.includes('-t')) {
      expect(calls.indexOf(`"${names[0]}"`)).toBeLessThan(calls.lastIndexOf(`"${names[1]}")`));
    }
  });

  test('GNU ln makes a backup by renaming LINK away: the gap atomic-link closes', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-lntrace-'));
    fs.symlinkSync('a', path.join(dir, 'link'));
    expect(traced(GNU_BIN, dir, ['-sb', 'b', 'link'])).toMatch(
      /rename(at2?)?\([^\n]*"link", [^\n]*"link~"\)/,
    );
  });
});

describe('ln on PATH', () => {
  test('--install-ln DIR makes DIR/ln, which is GNU ln with atomic renames', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-install-'));
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    const install = spawnSync(process.execPath, [CLI, '--install-ln', bin], { encoding: 'utf8' });
    expect(install.stderr).toBe('');
    expect(install.status).toBe(0);
    expect(fs.readlinkSync(path.join(bin, 'ln'))).toBe(fs.realpathSync(CLI));
    expect(install.stdout).toBe(`${path.join(bin, 'ln')} -> ${fs.realpathSync(CLI)}\n`);
    const run = runWith(
      bin,
      'ln -s a link',
      'ln -s b link; echo $?; ln -sf b link && readlink link',
    );
    expect(run.stderr).toBe("ln: failed to create symbolic link 'link': File exists\n");
    expect(run.stdout).toBe('1\nb\n');
    // Again: nothing to do; over any other ln: refused, and that ln left alone.
    const again = spawnSync(process.execPath, [CLI, '--install-ln', bin], { encoding: 'utf8' });
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('(already there)');
    const other = path.join(dir, 'other');
    fs.mkdirSync(other);
    fs.symlinkSync('/bin/ln', path.join(other, 'ln'));
    const refused = spawnSync(process.execPath, [CLI, '--install-ln', other], { encoding: 'utf8' });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain(`${path.join(other, 'ln')} exists and is not this program`);
    expect(fs.readlinkSync(path.join(other, 'ln'))).toBe('/bin/ln');
    const missing = spawnSync(process.execPath, [CLI, '--install-ln', path.join(dir, 'nowhere')], {
      encoding: 'utf8',
    });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(
      /^atomic-link: --install-ln .*nowhere: cannot make .*: No such file or directory\n$/,
    );
    const extra = spawnSync(process.execPath, [CLI, '--install-ln', bin, '-s'], {
      encoding: 'utf8',
    });
    expect(extra.status).toBe(2);
    expect(extra.stderr).toContain('--install-ln DIR takes nothing else');
    // An empty DIR is no directory, not the working directory.
    const empty = spawnSync(process.execPath, [CLI, '--install-ln', ''], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(empty.stderr).toBe('atomic-link: --install-ln: DIR is empty\n');
    expect(empty.status).toBe(2);
    expect(fs.existsSync(path.join(dir, 'ln'))).toBe(false);
  });

  test('atomic-link --ln ARGS is ln ARGS; --ln elsewhere is refused', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-lnflag-'));
    fs.symlinkSync('a', path.join(dir, 'link'));
    const exists = spawnSync(process.execPath, [CLI, '--ln', '-s', 'b', 'link'], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(exists.status).toBe(1);
    expect(exists.stderr).toBe("ln: failed to create symbolic link 'link': File exists\n");
    const dangling = spawnSync(process.execPath, [CLI, '--ln', '-sf', 'missing', 'link'], {
      cwd: dir,
    });
    expect(dangling.status).toBe(0);
    expect(fs.readlinkSync(path.join(dir, 'link'))).toBe('missing');
    const late = spawnSync(process.execPath, [CLI, '-s', 'b', 'link', '--ln'], {
      cwd: dir,
      encoding: 'utf8',
    });
    expect(late.status).toBe(2);
    expect(late.stderr).toContain('--ln must be the first argument');
    expect(fs.readlinkSync(path.join(dir, 'link'))).toBe('missing');
  });

  test('--json reports each link as it ended, failures too', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-lnjson-'));
    fs.symlinkSync('a', path.join(dir, 'link'));
    fs.mkdirSync(path.join(dir, 'd'));
    fs.mkdirSync(path.join(dir, 'd', 'x'));
    const ln = (args: string[]) =>
      spawnSync(path.join(OUR_BIN, 'ln'), args, { cwd: dir, encoding: 'utf8' });
    const replaced = ln(['-sb', '--json', 'b', 'link']);
    expect(replaced.status).toBe(0);
    expect(JSON.parse(replaced.stdout).results).toEqual([
      { link: 'link', target: 'b', type: 'symbolic', backup: 'link~', replaced: true, error: null },
    ]);
    expect([
      fs.readlinkSync(path.join(dir, 'link')),
      fs.readlinkSync(path.join(dir, 'link~')),
    ]).toEqual(['b', 'a']);
    const partly = ln(['-sf', '--json', 'x', 'y', 'd']);
    expect(partly.status).toBe(1);
    expect(partly.stderr).toBe('ln: d/x: cannot overwrite directory\n');
    expect(JSON.parse(partly.stdout).results).toEqual([
      {
        link: 'd/x',
        target: 'x',
        type: 'symbolic',
        backup: null,
        replaced: false,
        error: 'd/x: cannot overwrite directory',
      },
      { link: 'd/y', target: 'y', type: 'symbolic', backup: null, replaced: false, error: null },
    ]);
    expect(fs.readlinkSync(path.join(dir, 'd', 'y'))).toBe('y');
  });
});

describe('arguments that are not UTF-8', () => {
  test('are refused before anything is made: they would name another file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-lnbytes-'));
    // The shell passes the byte 0xff as it is; Node would read it as U+FFFD.
    const run = runWith(OUR_BIN, '', `ln -s x "$(printf 'a\\377b')"; echo $?`);
    expect(run.stdout).toBe('1\n');
    expect(run.stderr).toMatch(/^ln: 'a\uFFFDb': an argument that is not UTF-8 text/);
    expect(run.files).toEqual([]);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  test('a real U+FFFD is a name like any other', () => {
    const run = runWith(OUR_BIN, '', `ln -s x "$(printf 'a\\357\\277\\275b')"`);
    expect(run.stderr).toBe('');
    expect(run.files).toEqual(['"a\uFFFDb" -> "x"']);
  });
});

describe('ln --lock', () => {
  test("waits for atomic-link's lock on LINK's directory, and leaves none behind", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-lnlock-'));
    fs.symlinkSync('a', path.join(dir, 'link'));
    const lock = path.join(dir, '.atomic-link.lock');
    // A lock of a live holder (this test's process), fresh: the run waits for it.
    fs.symlinkSync(JSON.stringify({ ...ME, pid: process.pid, token: 't', since: 'x' }), lock);
    const child = spawn(path.join(OUR_BIN, 'ln'), ['--lock', '-sf', 'b', 'link'], { cwd: dir });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(fs.readlinkSync(path.join(dir, 'link'))).toBe('a');
    fs.unlinkSync(lock);
    expect(await exited).toBe(0);
    expect(stderr).toBe('');
    expect(fs.readlinkSync(path.join(dir, 'link'))).toBe('b');
    expect(fs.readdirSync(dir).sort()).toEqual(['link']);
    // Without --lock, ln does not look at it.
    fs.symlinkSync(JSON.stringify({ ...ME, pid: process.pid, token: 't', since: 'x' }), lock);
    const unlocked = spawnSync(path.join(OUR_BIN, 'ln'), ['-sf', 'c', 'link'], { cwd: dir });
    expect(unlocked.status).toBe(0);
    expect(fs.readlinkSync(path.join(dir, 'link'))).toBe('c');
  });

  test('makes its links in one synchronous run past the lock timeout (each symlink(2) held 200 ms, 8 s in all): its lock stays its own, and an atomic-link run waiting --lock-timeout 5 gives up', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-lnlock-'));
    fs.symlinkSync('a', path.join(dir, 'link'));
    const targets = Array.from({ length: 40 }, (_, i) => `/x/f${i}`);
    const calls = ['symlink', 'symlinkat'];
    const command = [
      ...underStrace(calls, [`${calls.join(',')}:delay_enter=200000`]),
      path.join(OUR_BIN, 'ln'),
      '--lock',
      '-s',
      ...targets,
      '.',
    ];
    const ln = spawn(command[0], command.slice(1), { cwd: dir });
    let stderr = '';
    ln.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => ln.on('close', resolve));
    const pid = await tracedPid(ln.pid as number);
    const lock = path.join(dir, '.atomic-link.lock');
    while (fs.lstatSync(lock, { throwIfNoEntry: false }) === undefined) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const waiter = await startCli(['--lock-timeout', '5', '-s', 'b', 'link'], dir);
    expect(waiter.stderr).toContain(`.atomic-link.lock is held by pid ${pid} on`);
    expect(waiter.status).toBe(1);
    expect(await exited).toBe(0);
    expect(stderr).toBe('');
    expect(fs.readlinkSync(path.join(dir, 'link'))).toBe('a');
    expect(fs.readdirSync(dir).filter((name) => name.startsWith('.atomic-link'))).toEqual([]);
  }, 60000);

  test('a bad --lock-timeout, or one without --lock, is an error and nothing is made', () => {
    const short = runWith(OUR_BIN, '', 'ln --lock --lock-timeout=1 -s a b');
    expect(short.status).toBe(1);
    expect(short.stderr).toMatch(/^ln: --lock-timeout "1" must be a number of seconds, at least 5/);
    const alone = runWith(OUR_BIN, '', 'ln --lock-timeout=10 -s a b');
    expect(alone.stderr).toBe('ln: --lock-timeout goes with --lock\n');
    expect([short.files, alone.files]).toEqual([[], []]);
  });
});

describe('ln --guard', () => {
  test('sees a LINK someone else removes while it is being replaced: exit 3, saying so', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-lnguard-'));
    fs.symlinkSync('a', path.join(dir, 'link'));
    // strace holds ln's rename 1 s; meanwhile the link is removed, the naive way's gap.
    const child = spawn(
      'strace',
      [
        '-f',
        '-o',
        '/dev/null',
        '-e',
        'trace=rename,renameat,renameat2',
        '-e',
        'inject=rename,renameat,renameat2:delay_enter=1000000',
        path.join(OUR_BIN, 'ln'),
        '--guard',
        '--json',
        '-sf',
        'b',
        'link',
      ],
      { cwd: dir },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    for (
      let waited = 0;
      !fs.readdirSync(dir).some((name) => name.startsWith('.atomic-link-tmp-'));
      waited++
    ) {
      if (waited > 200) throw new Error('ln made no temporary link in 10 s');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    fs.unlinkSync(path.join(dir, 'link'));
    expect(await exited).toBe(3);
    expect(stderr).toMatch(/^ln: the guard saw 'link' missing \d+ times? \(not by this ln\)\n$/);
    const report = JSON.parse(stdout);
    expect(report.guard.missing).toBeGreaterThan(0);
    expect(report.results[0]).toMatchObject({ link: 'link', replaced: true, error: null });
    expect(fs.readlinkSync(path.join(dir, 'link'))).toBe('b');
  });

  test('a replacement watched and not disturbed: exit 0, nothing seen missing', () => {
    const run = runWith(
      OUR_BIN,
      'ln -s a link; mkdir d; ln -s x d/x',
      'ln --guard --json -sf b link && ln --guard -sf y d',
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout).guard).toMatchObject({ missing: 0, sightings: [] });
    expect(run.files).toEqual(['"d"/', '"d/x" -> "x"', '"d/y" -> "y"', '"link" -> "b"']);
  });
});

describe('random command lines', () => {
  // Options, operands and hostile names drawn at random (a fixed seed: the same lines each
  // run), in a tree with a file, directories, a symlink to one, a dangling one and a loop.
  const OPTIONS = [
    '-s',
    '-f',
    '-n',
    '-b',
    '-i',
    '-T',
    '-v',
    '-r',
    '-L',
    '-P',
    '-d',
    '-F',
    '--backup',
    '--backup=numbered',
    '--backup=simple',
    '--backup=existing',
    '-S.old',
    '--suffix=.x',
    '--force',
    '--symbolic',
    '--no-target-directory',
    '--target-directory=d',
    '-t',
    'd',
    '-t',
    'dl',
    '--relative',
    '--verbose',
    '--no-dereference',
    '--b=t',
    '--sym',
    '--for',
    '--',
    '-',
  ];
  const NAMES = [
    'a',
    'f',
    'd',
    'dl',
    'dang',
    'loop',
    'self',
    'e',
    'n l',
    'd/x',
    'd/',
    'dl/',
    '.',
    '',
    'new',
    'x/y',
    'f~',
    'a.~1~',
    'q\nr',
  ];
  const SETUP =
    'echo a > a; echo f > f; mkdir d e; ln -s d dl; ln -s nowhere dang; ln -s loop loop; touch d/x; ln -s a self; ln -s a f~';
  let seed = 20261206;
  const next = (limit: number) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % limit;
  };
  const quote = (word: string) => `'${word.replace(/'/g, "'\\''")}'`;
  const lines = Array.from({ length: 60 }, () => {
    const words = [
      ...Array.from({ length: next(4) + 1 }, () => OPTIONS[next(OPTIONS.length)]),
      ...Array.from({ length: next(3) + 1 }, () => NAMES[next(NAMES.length)]),
    ];
    return `ln ${words.map(quote).join(' ')}`;
  });
  test.each(lines.map((line) => [line]))('%s', (line) => {
    expect(runWith(OUR_BIN, SETUP, line)).toEqual(runWith(GNU_BIN, SETUP, line));
  });
});
