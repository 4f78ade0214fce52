import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { ROOT } from './helpers/tree.js';

const GENERATOR = path.join(ROOT, 'scripts', 'readme-action.js');

function checkReadme(readme?: string) {
  const args = readme === undefined ? [] : [readme];
  return spawnSync(process.execPath, [GENERATOR, '--check', ...args], { encoding: 'utf8' });
}

describe("the README's action usage, generated from action.yml", () => {
  test('matches action.yml', () => {
    const result = checkReadme();
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  test('a README that drifted fails the check', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const drifted = readme.replace(/^\| `ssh-port` .*\n/m, '');
    expect(drifted).not.toBe(readme);
    const file = path.join(
      fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-readme-')),
      'README.md',
    );
    fs.writeFileSync(file, drifted);
    const result = checkReadme(file);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("differ from action.yml: run 'npm run readme'");
    expect(fs.readFileSync(file, 'utf8')).toBe(drifted);
  });
});

describe("action.yml keeps to the Marketplace's rules", () => {
  const action = YAML.parse(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8'));

  test('a description under 125 characters', () => {
    expect(action.description.length).toBeLessThan(125);
  });

  test('branding with one of the colours the Marketplace offers', () => {
    expect([
      'white',
      'black',
      'yellow',
      'blue',
      'green',
      'orange',
      'red',
      'purple',
      'gray-dark',
    ]).toContain(action.branding.color);
  });
});

test("README's option tables are the ones the option table makes (npm run readme)", () => {
  const check = spawnSync(
    process.execPath,
    [path.join(ROOT, 'scripts', 'readme-options.js'), '--check'],
    { encoding: 'utf8' },
  );
  expect(check.stderr).toBe('');
  expect(check.status).toBe(0);
});

describe('one version everywhere: package.json, the README, the Dockerfile, the release workflow', () => {
  const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');
  const pkg = JSON.parse(read('package.json'));
  const version: string = pkg.version;
  const major = version.split('.')[0];
  const repository = 'atomic-link/atomic-link';

  /** What in the README's install commands names another version or another place. */
  function versionProblems(readme: string): string[] {
    const problems: string[] = [];
    const every = (pattern: RegExp, check: (match: RegExpMatchArray) => string | undefined) => {
      const matches = [...readme.matchAll(pattern)];
      if (matches.length === 0) problems.push(`nothing matches ${pattern}`);
      for (const match of matches) {
        const problem = check(match);
        if (problem) problems.push(problem);
      }
    };
    const ours = (tag: string) => tag === major || tag === version;
    every(/releases\/download\/v([^/\s]+)\/([^\s`]+\.tgz)/g, ([all, tag, file]) =>
      tag === version && file === `${pkg.name}-${version}.tgz` ? undefined : all,
    );
    every(/atomic-link\/atomic-link@v([\w.]+)/g, ([all, tag]) => (ours(tag) ? undefined : all));
    every(/`@v([\w.]+)`/g, ([all, tag]) => (ours(tag) ? undefined : all));
    every(/ghcr\.io\/([\w-]+\/[\w-]+)(?::([\w.]+))?/g, ([all, image, tag]) =>
      image === repository && (tag === undefined || tag === 'VERSION' || ours(tag))
        ? undefined
        : all,
    );
    every(/\(or `:([\w.]+)`\)/g, ([all, tag]) => (ours(tag) ? undefined : all));
    return problems;
  }

  test('package.json and package-lock.json agree', () => {
    const lock = JSON.parse(read('package-lock.json'));
    expect(version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(lock.version).toBe(version);
    expect(lock.packages[''].version).toBe(version);
  });

  test("the README's install commands name package.json's version, its major version, and this repository", () => {
    expect(versionProblems(read('README.md'))).toEqual([]);
    expect(read('README.md')).toContain(`The first release will be **${version}**`);
  });

  test('a README that names another version fails the check', () => {
    const drifted = read('README.md').replaceAll(version, '1.2.3');
    expect(versionProblems(drifted).length).toBeGreaterThan(0);
    const otherMajor = read('README.md').replaceAll(`@v${major}`, `@v${Number(major) + 1}`);
    expect(versionProblems(otherMajor).length).toBeGreaterThan(0);
  });

  test('the release workflow publishes only the version package.json names, under the same names', () => {
    const release = YAML.parse(read('.github/workflows/release.yml'));
    const tagPattern = new RegExp(`^${release.on.push.tags[0].replace(/\./g, '\\.')}$`);
    expect(`v${version}`).toMatch(tagPattern);
    const meta = release.jobs.meta.steps.find((step: { id?: string }) => step.id === 'meta').run;
    expect(meta).toContain('version="${GITHUB_REF_NAME#v}"');
    expect(meta).toContain(`package="$(node -p 'require("./package.json").version')"`);
    expect(meta).toMatch(/if \[ "\$version" != "\$package" \]; then[\s\S]*?exit 1/);
    // The image pushed is ghcr.io/OWNER/NAME, the README's; the tarball is npm pack's name.
    expect(meta).toContain('image="ghcr.io/${GITHUB_REPOSITORY,,}"');
    const steps = JSON.stringify(release.jobs.release.steps);
    expect(steps).toContain('atomic-link-${{ needs.meta.outputs.version }}.tgz');
    expect(pkg.name).toBe('atomic-link');
    const build = release.jobs.image.steps.find((step: { uses?: string }) =>
      step.uses?.startsWith('docker/build-push-action'),
    );
    expect(build.with['build-args']).toContain('VERSION=${{ needs.meta.outputs.version }}');
  });

  test('the Dockerfile labels the image with that version and this repository', () => {
    const dockerfile = read('Dockerfile');
    expect(dockerfile).toMatch(/^ARG VERSION=/m);
    expect(dockerfile).toContain('org.opencontainers.image.version="${VERSION}"');
    expect(dockerfile).toContain(
      `org.opencontainers.image.source="https://github.com/${repository}"`,
    );
  });
});

describe("the figures of docs/performance.md and the README's Performance, from bench/results", () => {
  const GENERATOR = path.join(ROOT, 'scripts', 'performance.js');
  const check = (...args: string[]) =>
    spawnSync(process.execPath, [GENERATOR, '--check', ...args], { encoding: 'utf8' });

  test('match bench/results/results.json', () => {
    const result = check();
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  test('a measurement that changed fails the check, naming both files, and writes nothing', () => {
    const results = JSON.parse(
      fs.readFileSync(path.join(ROOT, 'bench', 'results', 'results.json'), 'utf8'),
    );
    results.fleet[1].medianSkewMs += 1;
    const file = path.join(
      fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-bench-')),
      'results.json',
    );
    fs.writeFileSync(file, JSON.stringify(results));
    const before = fs.readFileSync(path.join(ROOT, 'docs', 'performance.md'), 'utf8');
    const result = check('--results', file);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`docs/performance.md: its figures differ from ${file}`);
    expect(result.stderr).toContain(`README.md: its figures differ from ${file}`);
    expect(fs.readFileSync(path.join(ROOT, 'docs', 'performance.md'), 'utf8')).toBe(before);
  });
});

test('every link between the README, CONTRIBUTING.md and docs/ leads to a file and heading that exist', () => {
  const files = ['README.md', 'CONTRIBUTING.md', 'docs/GUIDE.md', 'docs/performance.md'];
  // GitHub's anchors: the heading in lower case, punctuation but - and _ dropped, spaces to -.
  const anchors = (file: string) =>
    fs
      .readFileSync(path.join(ROOT, file), 'utf8')
      .replace(/```[\s\S]*?```/g, '')
      .split('\n')
      .filter((line) => /^#{1,6} /.test(line))
      .map((line) =>
        line
          .replace(/^#+ /, '')
          .toLowerCase()
          .replace(/[^\p{L}\p{N} _-]/gu, '')
          .replace(/ /g, '-'),
      );
  const broken: string[] = [];
  for (const file of files) {
    const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target)) continue;
      const [where, anchor] = target.split('#');
      const linked = where === '' ? file : path.join(path.dirname(file), where);
      if (!fs.existsSync(path.join(ROOT, linked))) broken.push(`${file}: ${target}`);
      else if (anchor !== undefined && !anchors(linked).includes(anchor))
        broken.push(`${file}: ${target}`);
    }
  }
  expect(broken).toEqual([]);
});

describe("the README's command lines, run as written", () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  /** The shell code block that follows `heading`, without comments, a command a line. */
  function commands(heading: string): string[] {
    const section = readme.slice(readme.indexOf(heading));
    const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
    return block
      .split('\n')
      .map((line) => line.replace(/\s+#.*$/, '').trim())
      .filter((line) => line.startsWith('atomic-link '));
  }
  // `atomic-link` on PATH is the bundle, as scripts/demo.sh installs it.
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-bin-'));
  fs.symlinkSync(path.join(ROOT, 'dist', 'cli.js'), path.join(bin, 'atomic-link'));
  const made: string[] = [bin];
  afterAll(() => made.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));
  function releases(): string {
    const app = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-app-'));
    made.push(app);
    for (const version of ['v41', 'v42']) {
      fs.mkdirSync(path.join(app, 'releases', version), { recursive: true });
      fs.writeFileSync(path.join(app, 'releases', version, 'app.conf'), `${version}\n`);
    }
    fs.symlinkSync('releases/v41', path.join(app, 'current'));
    return app;
  }
  const sh = (line: string, cwd: string) =>
    spawnSync('bash', ['-c', line], {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
    });

  test('Quick start: each local line does what its comment says, from current -> releases/v41', () => {
    const lines = commands('## Quick start').filter((line) => !line.includes('--ssh'));
    expect(lines.length).toBeGreaterThanOrEqual(5);
    for (const line of lines) {
      const app = releases();
      const run = sh(line, app);
      expect({ line, stderr: run.stderr, status: run.status }).toEqual({
        line,
        stderr: '',
        status: 0,
      });
      const now = fs.readlinkSync(path.join(app, 'current'));
      expect({ line, now }).toEqual({
        line,
        now: line.includes('--dry-run') ? 'releases/v41' : 'releases/v42',
      });
      if (line.includes('-S .previous')) {
        expect(fs.readlinkSync(path.join(app, 'current.previous'))).toBe('releases/v41');
        expect(fs.statSync(path.join(app, 'config')).ino).toBe(
          fs.statSync(path.join(app, 'releases', 'v42', 'app.conf')).ino,
        );
      }
    }
  });

  test('Rollback and history: switch keeping history, roll back, read the status', () => {
    const lines = commands('### Rollback and history');
    expect(lines).toHaveLength(3);
    const app = releases();
    expect(sh(lines[0], app).status).toBe(0);
    expect(fs.readlinkSync(path.join(app, 'current'))).toBe('releases/v42');
    expect(fs.readlinkSync(path.join(app, 'current.~1~'))).toBe('releases/v41');
    const back = sh(lines[1], app);
    expect(back.stderr).toBe('');
    expect(back.status).toBe(0);
    expect(fs.readlinkSync(path.join(app, 'current'))).toBe('releases/v41');
    expect(fs.existsSync(path.join(app, 'current.~1~'))).toBe(false);
    const status = sh(lines[2], app);
    expect(status.status).toBe(0);
    expect(status.stdout).toContain('releases/v41');
    // Nothing left to go back to: refused, and current stays where it is.
    expect(sh(lines[1], app).status).toBe(1);
    expect(fs.readlinkSync(path.join(app, 'current'))).toBe('releases/v41');
  });
});
