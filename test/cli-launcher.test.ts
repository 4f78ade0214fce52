import { spawnSync } from 'node:child_process';
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

  test('the main bundle: said plainly by the launcher, exit 1', () => {
    const { cli, lost } = broken(() => 'main.cli.js');
    expectClearError(cli, lost, ['-s', 'target', 'link']);
  });
});
