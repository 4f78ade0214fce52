import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Built by scripts/test.sh from the Dockerfile, on a base image made without a registry. */
const IMAGE = process.env.ATOMIC_LINK_TEST_IMAGE ?? 'atomic-link:test';
const LN = '/opt/atomic-link/bin/ln';

function docker(args: string[]) {
  return spawnSync('docker', ['run', '--rm', ...args], { encoding: 'utf8' });
}

describe("the Docker image's ln", () => {
  test('is GNU ln with atomic renames, beside the system ln, which it leaves alone', () => {
    expect(docker(['--entrypoint', LN, IMAGE, '--version']).stdout).toMatch(
      /^ln \(atomic-link\) \d/,
    );
    expect(docker(['--entrypoint', 'ln', IMAGE, '--version']).stdout).toMatch(
      /^ln \(GNU coreutils\) /,
    );
    const onPath = docker([
      '-e',
      'PATH=/opt/atomic-link/bin:/usr/local/bin:/usr/bin:/bin',
      '--entrypoint',
      'sh',
      IMAGE,
      '-c',
      'command -v ln && ln --version',
    ]);
    expect(onPath.stdout).toMatch(/^\/opt\/atomic-link\/bin\/ln\nln \(atomic-link\) /);
  });

  test('switches a mounted directory as ln -sfnb would, keeping the backup', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-dockerln-'));
    fs.chmodSync(dir, 0o777);
    fs.mkdirSync(path.join(dir, 'v1'));
    fs.symlinkSync('v1', path.join(dir, 'current'));
    const user = `${process.getuid?.()}:${process.getgid?.()}`;
    const mount = ['--user', user, '-v', `${dir}:/w`, '-w', '/w', '--entrypoint', LN, IMAGE];
    const exists = docker([...mount, '-sn', 'v2', 'current']);
    expect(exists.status).toBe(1);
    expect(exists.stderr).toBe("ln: failed to create symbolic link 'current': File exists\n");
    const run = docker([...mount, '-sfnbv', 'v2', 'current']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe("'current~' ~ 'current' -> 'v2'\n");
    expect(fs.readlinkSync(path.join(dir, 'current'))).toBe('v2');
    expect(fs.readlinkSync(path.join(dir, 'current~'))).toBe('v1');
    expect(fs.readdirSync(path.join(dir, 'v1'))).toEqual([]);
  });
});
