import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CLI, ROOT } from './helpers/tree.js';

/**
 * GNU coreutils' own tests of ln (tests/ln/*.sh), run with `ln` = atomic-link named ln. The
 * scripts are GPL: they are fetched here, at test time, from Debian's coreutils source package
 * (a deb-src entry given to apt for these calls only, in a directory of their own: the
 * machine's apt sources and lists are not touched), never kept in the repository. They run
 * under test/coreutils/init.sh, a stand-in for the functions of coreutils' init.sh they use.
 */

interface Scripts {
  version: string;
  dir: string;
}

function codename(): string {
  const release = fs.readFileSync('/etc/os-release', 'utf8');
  const name = /^VERSION_CODENAME=(\S+)$/m.exec(release)?.[1];
  if (!name) throw new Error('/etc/os-release names no Debian release (VERSION_CODENAME)');
  return name;
}

function fetchLnTests(): Scripts {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-coreutils-'));
  const sources = path.join(work, 'sources.list');
  fs.writeFileSync(sources, `deb-src http://deb.debian.org/debian ${codename()} main\n`);
  for (const dir of ['lists/partial', 'cache/archives/partial']) {
    fs.mkdirSync(path.join(work, dir), { recursive: true });
  }
  const apt = [
    '-q',
    '-o',
    `Dir::Etc::SourceList=${sources}`,
    '-o',
    'Dir::Etc::SourceParts=/dev/null',
    '-o',
    `Dir::State::Lists=${work}/lists`,
    '-o',
    `Dir::Cache=${work}/cache`,
  ];
  const quiet = { cwd: work, stdio: 'pipe' } as const;
  execFileSync('apt-get', [...apt, 'update'], quiet);
  execFileSync('apt-get', [...apt, 'source', '--download-only', 'coreutils'], quiet);
  const tarball = fs.readdirSync(work).find((name) => /^coreutils_.*\.orig\.tar\.\w+$/.test(name));
  if (!tarball) throw new Error(`apt-get source left no coreutils tarball in ${work}`);
  const version = /^coreutils_(.+)\.orig/.exec(tarball)?.[1] as string;
  execFileSync('tar', ['-xf', tarball, '--wildcards', '*/tests/ln/*'], quiet);
  return { version, dir: path.join(work, `coreutils-${version}`, 'tests', 'ln') };
}

/** A directory whose `ln` is `program` (and whose ginstall is install, for misc.sh). */
function binWith(program: string, how: 'symlink' | 'wrapper'): string {
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-bin-'));
  if (how === 'symlink') fs.symlinkSync(program, path.join(bin, 'ln'));
  else
    fs.writeFileSync(path.join(bin, 'ln'), `#!/bin/sh\nexec '${program}' "$@"\n`, { mode: 0o755 });
  fs.symlinkSync(
    execFileSync('sh', ['-c', 'command -v install'], { encoding: 'utf8' }).trim(),
    path.join(bin, 'ginstall'),
  );
  return bin;
}

/** Each script's exit status (0 pass, 1 fail, 77 skip, 99 framework failure) with this bin. */
function runScripts(scripts: Scripts, bin: string): Record<string, number | null> {
  const harness = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-harness-'));
  fs.mkdirSync(path.join(harness, 'tests'));
  fs.copyFileSync(
    path.join(ROOT, 'test', 'coreutils', 'init.sh'),
    path.join(harness, 'tests', 'init.sh'),
  );
  const statuses: Record<string, number | null> = {};
  for (const script of fs
    .readdirSync(scripts.dir)
    .filter((name) => name.endsWith('.sh'))
    .sort()) {
    const run = spawnSync('sh', [path.join(scripts.dir, script)], {
      env: { ...process.env, srcdir: harness, LN_TEST_BIN: bin, LC_ALL: 'C' },
      encoding: 'utf8',
    });
    statuses[script] = run.status;
  }
  return statuses;
}

describe("GNU coreutils' tests/ln", () => {
  let scripts: Scripts;
  beforeAll(() => {
    scripts = fetchLnTests();
  });

  test('every script passes with ln = atomic-link, as with GNU ln', () => {
    const gnu = runScripts(scripts, binWith('/bin/ln', 'symlink'));
    const ours = runScripts(scripts, binWith(CLI, 'symlink'));
    const table = Object.keys(ours).map(
      (script) => `${script}: GNU ${gnu[script]}, atomic-link ${ours[script]}`,
    );
    console.log(`coreutils ${scripts.version} tests/ln (exit 0 = pass)\n${table.join('\n')}`);
    expect(Object.keys(ours).length).toBeGreaterThanOrEqual(8);
    // The harness is sound: GNU ln passes it whole.
    expect(Object.values(gnu).every((status) => status === 0)).toBe(true);
    expect(ours).toEqual(gnu);
  });

  test('the atomic-link command itself (its safer defaults) fails them: the harness sees failures', () => {
    const plain = runScripts(scripts, binWith(CLI, 'wrapper'));
    expect(Object.values(plain).filter((status) => status === 0)).toEqual([]);
  });
});
