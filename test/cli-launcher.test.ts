import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { cliCopyIn, ensureTestUser } from './helpers/faults.js';
import { CLI } from './helpers/tree.js';

/**
 * dist/cli.js, the launcher: V8's compile cache (Node 22.1+) only where no one but the user can
 * change what it holds, since cached code is run as it is; and a clear word, not a stack trace,
 * when a part of the bundle is missing.
 *
 * Node 20 has no module.enableCompileCache: a preload gives it one that records the directory
 * the launcher asks for (and calls Node's own where there is one), so that the launcher's
 * choice is seen on any Node. Everything else is real: the directories, their owners, modes.
 */

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-launcher-'));
const preload = path.join(work, 'record-cache.mjs');
fs.writeFileSync(
  preload,
  `import fs from 'node:fs';
import module from 'node:module';
const own = module.enableCompileCache;
module.enableCompileCache = (dir) => {
  fs.writeFileSync(process.env.CACHE_RECORD, String(dir));
  return own?.(dir);
};
`,
);

let cases = 0;

/** `atomic-link --version` through the launcher; the cache directory it turned on, if any. */
function launch(env: Record<string, string>, cwd = work) {
  const record = path.join(work, `record-${++cases}`);
  const run = spawnSync(
    process.execPath,
    ['--import', pathToFileURL(preload).href, CLI, '--version'],
    {
      cwd,
      encoding: 'utf8',
      env: { PATH: process.env.PATH as string, ...env, CACHE_RECORD: record },
    },
  );
  expect(run.stderr).toBe('');
  expect(run.stdout).toMatch(/^atomic-link \d/);
  expect(run.status).toBe(0);
  return fs.existsSync(record) ? fs.readFileSync(record, 'utf8') : undefined;
}

function freshDir(mode = 0o700): string {
  const dir = fs.mkdtempSync(path.join(work, 'home-'));
  fs.chmodSync(dir, mode);
  return dir;
}

describe('the compile cache', () => {
  test("is the user's own ~/.cache/atomic-link (0700), used by its real path", () => {
    const home = freshDir();
    const link = path.join(work, `home-link-${cases}`);
    fs.symlinkSync(home, link);
    const cache = path.join(home, '.cache', 'atomic-link');
    expect(launch({ HOME: link })).toBe(cache);
    expect(fs.statSync(cache).mode & 0o777).toBe(0o700);
    const xdg = freshDir();
    expect(launch({ HOME: home, XDG_CACHE_HOME: xdg })).toBe(path.join(xdg, 'atomic-link'));
  });

  test('a relative XDG_CACHE_HOME is ignored (XDG spec), not made in the working directory', () => {
    const home = freshDir();
    const cwd = freshDir();
    expect(launch({ HOME: home, XDG_CACHE_HOME: 'cache' }, cwd)).toBe(
      path.join(home, '.cache', 'atomic-link'),
    );
    expect(fs.readdirSync(cwd)).toEqual([]);
    expect(launch({ HOME: 'relative' }, cwd)).toBeUndefined();
    expect(fs.readdirSync(cwd)).toEqual([]);
    expect(launch({})).toBeUndefined();
  });

  test('is not used under a directory others may write: they could swap it after the check', () => {
    // The user's own 0700 cache, made by an earlier run, in a directory anyone may rename in.
    const shared = freshDir(0o777);
    fs.mkdirSync(path.join(shared, '.cache', 'atomic-link'), { recursive: true, mode: 0o700 });
    expect(launch({ HOME: shared })).toBeUndefined();
    const group = freshDir(0o770);
    expect(launch({ HOME: path.join(group, 'home') })).toBeUndefined();
    expect(fs.readdirSync(group)).toEqual([]);
  });

  test("is not used, nor made, in another user's home that sudo -E kept in HOME", () => {
    const { uid, gid } = ensureTestUser();
    const home = freshDir(0o755);
    fs.chownSync(home, uid, gid);
    expect(launch({ HOME: home })).toBeUndefined();
    expect(fs.readdirSync(home)).toEqual([]);
    // A cache of root's own there (an earlier version made it), which that user can move aside.
    fs.mkdirSync(path.join(home, '.cache', 'atomic-link'), { recursive: true, mode: 0o700 });
    expect(launch({ HOME: home })).toBeUndefined();
  });

  test("in a sticky world-writable directory (/tmp): the user's own, never another's", () => {
    const { uid, gid } = ensureTestUser();
    const tmp = freshDir(0o1777);
    expect(launch({ XDG_CACHE_HOME: tmp })).toBe(path.join(tmp, 'atomic-link'));
    const taken = freshDir(0o1777);
    fs.mkdirSync(path.join(taken, 'atomic-link'), { mode: 0o700 });
    fs.chownSync(path.join(taken, 'atomic-link'), uid, gid);
    expect(launch({ XDG_CACHE_HOME: taken })).toBeUndefined();
    const symlinked = freshDir(0o1777);
    fs.symlinkSync(freshDir(0o777), path.join(symlinked, 'atomic-link'));
    expect(launch({ XDG_CACHE_HOME: symlinked })).toBeUndefined();
  });
  test("not made where a symlink of another user's on the way leads: they chose the place", () => {
    const { uid, gid } = ensureTestUser();
    // sudo -E kept HOME: ~/.cache is that user's symlink to a directory of root's.
    const home = freshDir(0o755);
    fs.chownSync(home, uid, gid);
    const elsewhere = freshDir(0o755);
    fs.symlinkSync(elsewhere, path.join(home, '.cache'));
    fs.lchownSync(path.join(home, '.cache'), uid, gid);
    expect(launch({ HOME: home })).toBeUndefined();
    expect(fs.readdirSync(elsewhere)).toEqual([]);
    // In /tmp (where fs.protected_symlinks=0 lets root follow it), atomic-link is theirs.
    const tmp = freshDir(0o1777);
    const target = freshDir();
    fs.symlinkSync(target, path.join(tmp, 'atomic-link'));
    fs.lchownSync(path.join(tmp, 'atomic-link'), uid, gid);
    expect(launch({ XDG_CACHE_HOME: tmp })).toBeUndefined();
    expect(fs.readdirSync(target)).toEqual([]);
  });
});

describe('a part of the bundle missing', () => {
  const broken = (lose: (dist: string) => string) => {
    const cli = cliCopyIn(fs.mkdtempSync(path.join(work, 'dist-')));
    const dist = path.dirname(cli);
    const lost = path.join(dist, lose(dist));
    fs.rmSync(lost);
    return { cli, lost };
  };
  const expectClearError = (cli: string, lost: string, args: string[]) => {
    const cwd = freshDir();
    const run = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8' });
    expect(run.stderr).toBe(
      `atomic-link: this installation is incomplete, reinstall it: Cannot find module '${lost}' ` +
        `imported from ${run.stderr.match(/imported from (\S+)/)?.[1]}\n`,
    );
    expect(run.stdout).toBe('');
    expect(run.status).toBe(1);
    expect(fs.readdirSync(cwd)).toEqual([]);
  };

  test('the ln personality: said plainly, exit 1, nothing made', () => {
    const { cli, lost } = broken(
      (dist) =>
        fs
          .readdirSync(dist)
          .find(
            (name) =>
              /^\d+\.cli\.js$/.test(name) &&
              fs.readFileSync(path.join(dist, name), 'utf8').includes('cannot overwrite directory'),
          ) as string,
    );
    expectClearError(cli, lost, ['--ln', '-s', 'target', 'link']);
    const bin = fs.mkdtempSync(path.join(work, 'bin-'));
    fs.symlinkSync(cli, path.join(bin, 'ln'));
    expectClearError(path.join(bin, 'ln'), lost, ['-s', 'target', 'link']);
  });

  test.each([
    ['cut short', (source: Buffer) => source.subarray(0, source.length / 2)],
    ['empty', () => Buffer.alloc(0)],
    ['an ES module, as before 66f5963', (source: Buffer) => Buffer.from(`export {};\n${source}`)],
  ])('the main bundle %s: said plainly by the launcher, exit 1', (_, spoil) => {
    const cli = cliCopyIn(fs.mkdtempSync(path.join(work, 'dist-')));
    const bundle = path.join(path.dirname(cli), 'main.cli.js');
    fs.writeFileSync(bundle, spoil(fs.readFileSync(bundle)));
    const cwd = freshDir();
    const run = spawnSync(process.execPath, [cli, '-s', 'target', 'link'], {
      cwd,
      encoding: 'utf8',
      env: { PATH: process.env.PATH as string, HOME: freshDir() },
    });
    expect(run.stderr).toMatch(
      new RegExp(
        `^atomic-link: this installation is damaged, reinstall it: ${bundle}: [^\\n]+\\n$`,
      ),
    );
    expect(run.stdout).toBe('');
    expect(run.status).toBe(1);
    expect(fs.readdirSync(cwd)).toEqual([]);
  });

  test('the main bundle run by node itself, not through cli.js: said, exit 1, nothing done', () => {
    const cwd = freshDir();
    const run = spawnSync(
      process.execPath,
      [path.join(path.dirname(CLI), 'main.cli.js'), '-s', 'target', 'link'],
      { cwd, encoding: 'utf8' },
    );
    expect(run.stderr).toBe('atomic-link: run cli.js beside main.cli.js, not main.cli.js\n');
    expect(run.stdout).toBe('');
    expect(run.status).toBe(1);
    expect(fs.readdirSync(cwd)).toEqual([]);
  });

  test('the main bundle: said plainly by the launcher, exit 1', () => {
    const { cli, lost } = broken(() => 'main.cli.js');
    const cwd = freshDir();
    const run = spawnSync(process.execPath, [cli, '-s', 'target', 'link'], {
      cwd,
      encoding: 'utf8',
    });
    expect(run.stderr).toBe(
      `atomic-link: this installation is incomplete, reinstall it: cannot read ${lost}: ENOENT\n`,
    );
    expect(run.stdout).toBe('');
    expect(run.status).toBe(1);
    expect(fs.readdirSync(cwd)).toEqual([]);
  });
});

/**
 * The bundle's compiled code, kept between runs in the cache directory (on every Node: Node 20
 * has no compile cache of its own). V8 runs cached code it is given after checking only its
 * version, flags and length, so the launcher checks the rest; whatever the cache holds, or if it
 * cannot be written, a run does and says the same as a run without it.
 */
describe("the bundle's code cache", () => {
  const cacheName = `main.cli-${process.version}-${process.arch}.cache`;
  const installed: string[] = [];
  afterAll(() => {
    for (const root of installed) fs.rmSync(root, { recursive: true, force: true });
  });

  /** A copy of dist/ and a home for it, reachable by TEST_USER, who may run it. */
  function install() {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-cache-'));
    fs.chmodSync(root, 0o755);
    installed.push(root);
    const cli = cliCopyIn(root);
    const home = path.join(root, 'home');
    fs.mkdirSync(home, { mode: 0o700 });
    const tree = path.join(root, 'tree');
    fs.mkdirSync(path.join(tree, 'releases', 'v1'), { recursive: true });
    fs.mkdirSync(path.join(tree, 'releases', 'v2'));
    fs.symlinkSync('releases/v1', path.join(tree, 'current'));
    fs.chmodSync(tree, 0o777);
    return { root, cli, home, tree, cache: path.join(home, '.cache', 'atomic-link', cacheName) };
  }

  /** The CLI switching current to version, and what it said, with HOME and env as given. */
  function run(
    at: ReturnType<typeof install>,
    version: string,
    env: Record<string, string> = {},
    user?: { uid: number; gid: number },
  ) {
    const result = spawnSync(
      process.execPath,
      [at.cli, '--json', `current -> releases/${version}`],
      {
        cwd: at.tree,
        encoding: 'utf8',
        env: { PATH: process.env.PATH as string, HOME: at.home, ...env },
        // A run that hangs fails the test instead of holding it forever.
        timeout: 60_000,
        ...user,
      },
    );
    expect(fs.readlinkSync(path.join(at.tree, 'current'))).toBe(`releases/${version}`);
    const { status, stderr } = result;
    const report = JSON.parse(result.stdout);
    return { status, stderr, links: report.links, changed: report.changed };
  }

  const uncached = (at: ReturnType<typeof install>, version: string) =>
    run(at, version, { NODE_DISABLE_COMPILE_CACHE: '1' });

  test("is made by a run (0600, in the user's 0700 directory) and kept while it is whole", () => {
    const at = install();
    const first = run(at, 'v2');
    const made = fs.statSync(at.cache, { bigint: true });
    expect(made.mode & 0o777n).toBe(0o600n);
    expect(fs.statSync(path.dirname(at.cache)).mode & 0o777).toBe(0o700);
    expect(run(at, 'v1')).toEqual(uncached(at, 'v1'));
    expect(run(at, 'v2')).toEqual(first);
    // Used, not made again.
    const kept = fs.statSync(at.cache, { bigint: true });
    expect([kept.ino, kept.mtimeNs]).toEqual([made.ino, made.mtimeNs]);
    expect(fs.readdirSync(path.dirname(at.cache))).toEqual([cacheName]);
  });

  test.each([
    ['holds something else', (cache: Buffer) => Buffer.from(cache.toString('base64'))],
    ['is cut short', (cache: Buffer) => cache.subarray(0, cache.length - 1000)],
    ['is empty', () => Buffer.alloc(0)],
    // V8 would run this one: it checks the data's length, not what the data says.
    [
      'has a byte of the compiled code changed',
      (cache: Buffer) => {
        const changed = Buffer.from(cache);
        changed[cache.length - 5000] ^= 0x55;
        return changed;
      },
    ],
  ])('that %s is not used: the run is the same, and makes it again', (_, spoil) => {
    const at = install();
    run(at, 'v2');
    const spoilt = spoil(fs.readFileSync(at.cache));
    fs.writeFileSync(at.cache, spoilt);
    expect(run(at, 'v1')).toEqual(uncached(at, 'v1'));
    const made = fs.readFileSync(at.cache);
    expect(made.equals(spoilt)).toBe(false);
    expect(run(at, 'v2')).toEqual(uncached(at, 'v2'));
    // Whole again: kept.
    expect(fs.readFileSync(at.cache).equals(made)).toBe(true);
  });

  test('made from an earlier bundle of the same length, it is not used: the new code runs', () => {
    const at = install();
    run(at, 'v2');
    // What V8 alone would take: a source of the same length, another version.
    const bundle = path.join(path.dirname(at.cli), 'main.cli.js');
    const source = fs.readFileSync(bundle, 'utf8');
    const version = source.match(/\{"rE":"([^"]+)"\}/)?.[1] as string;
    const other = version.replace(/\d/g, '9');
    fs.writeFileSync(bundle, source.replace(`{"rE":"${version}"}`, `{"rE":"${other}"}`));
    expect(fs.statSync(bundle).size).toBe(Buffer.byteLength(source));
    const answer = spawnSync(process.execPath, [at.cli, '--version'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH as string, HOME: at.home },
    });
    expect(answer.stdout).toBe(`atomic-link ${other}\n`);
    expect(answer.status).toBe(0);
    expect(run(at, 'v1')).toEqual(uncached(at, 'v1'));
  });

  test('a FIFO in its place does not hang the run; a huge file is not read whole', () => {
    const at = install();
    fs.mkdirSync(path.dirname(at.cache), { recursive: true, mode: 0o700 });
    execFileSync('mkfifo', [at.cache]);
    expect(run(at, 'v2')).toEqual(uncached(at, 'v2'));
    expect(fs.lstatSync(at.cache).isFile()).toBe(true);
    // 1 GiB (sparse) read whole would take that much memory: the run's peak, from wait4.
    fs.rmSync(at.cache);
    fs.writeFileSync(at.cache, '');
    fs.truncateSync(at.cache, 2 ** 30);
    const peak = spawnSync(
      'python3',
      [
        '-c',
        'import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, capture_output=True); ' +
          'print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)',
        process.execPath,
        at.cli,
        '--version',
      ],
      { encoding: 'utf8', env: { PATH: process.env.PATH as string, HOME: at.home } },
    );
    expect(peak.stderr).toBe('');
    expect(Number(peak.stdout)).toBeLessThan(300 * 1024);
    expect(fs.statSync(at.cache).size).toBeLessThan(2 ** 30);
  });

  test("a temp of it left by a run killed while writing, an hour old, is removed; another's now is not", () => {
    const at = install();
    fs.mkdirSync(path.dirname(at.cache), { recursive: true, mode: 0o700 });
    const [old, now] = [`${at.cache}.99998.tmp`, `${at.cache}.99999.tmp`];
    for (const left of [old, now]) fs.writeFileSync(left, 'x'.repeat(1000));
    const past = new Date(Date.now() - 2 * 3600e3);
    fs.utimesSync(old, past, past);
    expect(run(at, 'v2')).toEqual(uncached(at, 'v2'));
    expect(fs.readdirSync(path.dirname(at.cache)).sort()).toEqual([cacheName, path.basename(now)]);
  });

  test('that cannot be written, or read, the run is the same and nothing is left', () => {
    const user = ensureTestUser();
    const at = install();
    // The user's own cache directory, which the user has made read-only.
    const dir = path.dirname(at.cache);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const made of [at.home, path.dirname(dir), dir]) fs.chownSync(made, user.uid, user.gid);
    fs.chmodSync(dir, 0o500);
    const expected = uncached(at, 'v2');
    expect(run(at, 'v2', {}, user)).toEqual(expected);
    expect(run(at, 'v1', {}, user)).toEqual(uncached(at, 'v1'));
    expect(fs.readdirSync(dir)).toEqual([]);
    // A directory in its place: neither read nor replaced.
    fs.chmodSync(dir, 0o700);
    fs.mkdirSync(at.cache);
    expect(run(at, 'v2', {}, user)).toEqual(expected);
    expect(fs.readdirSync(dir)).toEqual([cacheName]);
    expect(fs.readdirSync(at.cache)).toEqual([]);
  });
});
