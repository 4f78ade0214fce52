import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeServerTree, startSshd } from './helpers/ssh-server.js';
import type { SshServer } from './helpers/ssh-server.js';
import { runStep } from './helpers/runner.js';
import { ROOT } from './helpers/tree.js';

/** Built by scripts/test.sh from the Dockerfile, on a base image made without a registry. */
const IMAGE = process.env.ATOMIC_LINK_TEST_IMAGE ?? 'atomic-link:test';
const BASE_IMAGE = process.env.ATOMIC_LINK_BASE_IMAGE ?? 'atomic-link-base:bookworm';
const FUSE = [
  '--device',
  '/dev/fuse',
  '--cap-add',
  'SYS_ADMIN',
  '--security-opt',
  'apparmor=unconfined',
];

let server: SshServer;
beforeAll(async () => {
  server = await startSshd();
});
afterAll(() => server.stop());
beforeEach(() => {
  fs.rmSync(server.root, { recursive: true, force: true });
  fs.mkdirSync(server.root);
  makeServerTree(server.root);
});

describe('the Docker image', () => {
  test('prints the usage and its version, runs as a user of its own, and is labelled', () => {
    const help = spawnSync('docker', ['run', '--rm', IMAGE, '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("'LINK -> TARGET'");
    const version = spawnSync('docker', ['run', '--rm', IMAGE, '--version'], { encoding: 'utf8' });
    expect(version.stdout).toMatch(/^atomic-link \d+\.\d+\.\d+/);
    const config = JSON.parse(
      spawnSync('docker', ['image', 'inspect', IMAGE, '--format', '{{json .Config}}'], {
        encoding: 'utf8',
      }).stdout,
    );
    expect(config.User).toBe('atomic-link');
    expect(config.Labels['org.opencontainers.image.title']).toBe('atomic-link');
    expect(config.Labels['org.opencontainers.image.version']).toBeDefined();
  });

  /**
   * The keys in a directory the image's own user can read (`keyMode` 0644), as a user would
   * hand them over; ssh, for --sshfs, wants the key 0600, read as root.
   */
  function withKeys(work: (keys: string) => void, keyMode = 0o644): void {
    const keys = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-keys-'));
    fs.chmodSync(keys, 0o755);
    fs.copyFileSync(server.identity, path.join(keys, 'id'));
    fs.chmodSync(path.join(keys, 'id'), keyMode);
    fs.copyFileSync(server.knownHosts, path.join(keys, 'known_hosts'));
    try {
      work(keys);
    } finally {
      fs.rmSync(keys, { recursive: true, force: true });
    }
  }

  const remoteArgs = () => [
    '--ssh',
    `root@127.0.0.1:${server.root}`,
    '--ssh-port',
    String(server.port),
    '--identity',
    '/keys/id',
    '--known-hosts',
    '/keys/known_hosts',
    '--json',
  ];

  test('switches links over SFTP as its own unprivileged user: no FUSE, no added capability', () => {
    withKeys((keys) => {
      const run = spawnSync(
        'docker',
        [
          'run',
          '--rm',
          '--network',
          'host',
          '--cap-drop',
          'ALL',
          '--security-opt',
          'no-new-privileges',
          '-v',
          `${keys}:/keys:ro`,
          IMAGE,
          ...remoteArgs(),
          'current -> releases/v2',
          `abs -> ${server.root}/releases/v3`,
        ],
        { encoding: 'utf8' },
      );
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(fs.readlinkSync(path.join(server.root, 'current'))).toBe('releases/v2');
      expect(fs.readlinkSync(path.join(server.root, 'abs'))).toBe(`${server.root}/releases/v3`);
      expect(JSON.parse(run.stdout).guard.missing).toBe(0);
    });
  });

  test('an ordinary 0600 key of the user who runs docker: the refusal says why and what to do, and --user "$(id -u)" switches', () => {
    withKeys((keys) => {
      const before = fs.readlinkSync(path.join(server.root, 'current'));
      const run = spawnSync(
        'docker',
        [
          'run',
          '--rm',
          '--network',
          'host',
          '-v',
          `${keys}:/keys:ro`,
          IMAGE,
          ...remoteArgs(),
          'current -> releases/v3',
        ],
        { encoding: 'utf8' },
      );
      expect(run.status).toBe(2);
      const uid = process.getuid?.() as number;
      expect(JSON.parse(run.stdout).error.message).toBe(
        `--identity /keys/id: EACCES (access): it belongs to uid ${uid} (mode 0600), and ` +
          `atomic-link runs as uid 10001; in a container, run it as the file's owner: ` +
          `docker run --user "$(id -u)" ...`,
      );
      expect(fs.readlinkSync(path.join(server.root, 'current'))).toBe(before);
      const asOwner = spawnSync(
        'docker',
        [
          ...['run', '--rm', '--network', 'host', '--user', String(uid)],
          ...['-v', `${keys}:/keys:ro`, IMAGE, ...remoteArgs(), 'current -> releases/v3'],
        ],
        { encoding: 'utf8' },
      );
      expect(asOwner.stderr).toBe('');
      expect(asOwner.status).toBe(0);
      expect(fs.readlinkSync(path.join(server.root, 'current'))).toBe('releases/v3');
    }, 0o600);
  });

  test('run as a uid its /etc/passwd does not name (--user "$(id -u)", as the action runs it): switches', () => {
    withKeys((keys) => {
      const run = spawnSync(
        'docker',
        [
          ...['run', '--rm', '--network', 'host', '--user', '4242:4242'],
          ...['-v', `${keys}:/keys:ro`, IMAGE, ...remoteArgs(), 'current -> releases/v3'],
        ],
        { encoding: 'utf8' },
      );
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(fs.readlinkSync(path.join(server.root, 'current'))).toBe('releases/v3');
    });
  });

  test('with --sshfs, mounts the remote directory: root in the container, with FUSE', () => {
    withKeys((keys) => {
      const run = spawnSync(
        'docker',
        [
          'run',
          '--rm',
          '--network',
          'host',
          '--user',
          '0',
          ...FUSE,
          '-v',
          `${keys}:/keys:ro`,
          IMAGE,
          ...remoteArgs(),
          '--sshfs',
          'current -> releases/v3',
        ],
        { encoding: 'utf8' },
      );
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      expect(fs.readlinkSync(path.join(server.root, 'current'))).toBe('releases/v3');
      expect(JSON.parse(run.stdout).guard.missing).toBe(0);
    }, 0o600);
  });

  test("the README's example: keys only their owner may read, and --user that owner", () => {
    // As ~/.ssh is: a directory 0700 and a key 0600, owned by the user who runs docker.
    const owner = 4242;
    withKeys((keys) => {
      fs.chmodSync(keys, 0o700);
      for (const name of ['', 'id', 'known_hosts'])
        fs.chownSync(path.join(keys, name), owner, owner);
      const run = (user: string[]) =>
        spawnSync(
          'docker',
          [
            ...['run', '--rm', '--network', 'host', ...user, '-v', `${keys}:/keys:ro`, IMAGE],
            ...remoteArgs(),
            'current -> releases/v3',
          ],
          { encoding: 'utf8' },
        );
      const asImageUser = run([]);
      expect(asImageUser.status).not.toBe(0);
      expect(asImageUser.stderr).toContain('/keys');
      expect(fs.readlinkSync(path.join(server.root, 'current'))).toBe('releases/v1');
      const asOwner = run(['--user', String(owner)]);
      expect(asOwner.stderr).toBe('');
      expect(asOwner.status).toBe(0);
      expect(fs.readlinkSync(path.join(server.root, 'current'))).toBe('releases/v3');
    }, 0o600);
  });

  test('ships the licences of the packages in its bundle, and its own', () => {
    const read = (file: string) =>
      spawnSync('docker', ['run', '--rm', '--entrypoint', 'cat', IMAGE, file], {
        encoding: 'utf8',
      });
    const notices = read('/opt/atomic-link/cli.licenses.txt');
    expect(notices.status).toBe(0);
    expect(notices.stdout).toBe(
      fs.readFileSync(path.join(ROOT, 'dist', 'cli.licenses.txt'), 'utf8'),
    );
    const own = read('/opt/atomic-link/LICENSE');
    expect(own.status).toBe(0);
    expect(own.stdout).toBe(fs.readFileSync(path.join(ROOT, 'LICENSE'), 'utf8'));
  });

  test('is smaller than its base plus 25 MB', () => {
    const size = (image: string) =>
      Number(
        spawnSync('docker', ['image', 'inspect', image, '--format', '{{.Size}}'], {
          encoding: 'utf8',
        }).stdout,
      );
    expect(size(IMAGE) - size(BASE_IMAGE)).toBeLessThan(25 * 1024 * 1024);
  });
});

describe('the bundled action in container mode, run as the runner runs it', () => {
  const sshInputs = () => ({
    'ssh-host': '127.0.0.1',
    'ssh-port': String(server.port),
    'ssh-user': 'root',
    'ssh-private-key': fs.readFileSync(server.identity, 'utf8'),
    'ssh-known-hosts': fs.readFileSync(server.knownHosts, 'utf8'),
    'remote-path': server.root,
    'docker-network': 'host',
  });

  test('container: true builds its own image, switches the links, and never prints the key', async () => {
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-workspace-'));
    const step = await runStep(
      workspace,
      {
        ...sshInputs(),
        container: 'true',
        links: '# remote\ncurrent -> releases/v2\npage => releases/v2/index.html\n',
      },
      // A registry on loopback that is not there: the pull fails at once, and the image is built.
      {
        ATOMIC_LINK_BASE_IMAGE: BASE_IMAGE,
        ATOMIC_LINK_IMAGE_REPOSITORY: '127.0.0.1:9/atomic-link',
      },
    );
    expect(step.stdout).toMatch(
      /Could not pull 127\.0\.0\.1:9\/atomic-link:\d+\.\d+\.\d+: building/,
    );
    expect(step.status).toBe(0);
    expect(fs.readlinkSync(path.join(server.root, 'current'))).toBe('releases/v2');
    expect(fs.statSync(path.join(server.root, 'page')).ino).toBe(
      fs.statSync(path.join(server.root, 'releases/v2/index.html')).ino,
    );
    expect(JSON.parse(step.outputs.previous)).toEqual({ current: 'releases/v1', page: null });
    expect(step.outputs.changed).toBe('2');
    expect(step.summary).toContain('<td>current</td><td>releases/v1</td><td>releases/v2</td>');
    expect(step.stdout).toMatch(/Building the image atomic-link:[0-9a-f]{16}|docker run/);

    // The runner hides ::add-mask:: commands; every other line must be free of the key.
    const printed = step.stdout.split('\n').filter((line) => !line.startsWith('::add-mask::'));
    const key = fs.readFileSync(server.identity, 'utf8');
    const keyLines = key.split('\n').filter((line) => line.length > 8);
    for (const keyLine of keyLines) {
      expect(printed.filter((line) => line.includes(keyLine))).toEqual([]);
    }
    expect(step.stdout).toContain('::add-mask::');
    // The key file is gone from RUNNER_TEMP.
    expect(
      fs.readdirSync(step.runnerTemp).filter((name) => name.startsWith('atomic-link-')),
    ).toEqual([]);
  });

  test('a failure in the container fails the job with its message, naming the input line', async () => {
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-workspace-'));
    const step = await runStep(workspace, {
      ...sshInputs(),
      image: IMAGE,
      links: 'current -> releases/v2\n\nnext -> releases/v9\n',
    });
    expect(step.status).toBe(1);
    expect(step.stdout).toMatch(/::error::links line 3: TARGET "releases\/v9" .*does not exist/);
    expect(fs.readlinkSync(path.join(server.root, 'current'))).toBe('releases/v1');
  });

  test('the published image of its own version is used when present', async () => {
    const version = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
    const published = `atomic-link-published.test/atomic-link:${version}`;
    spawnSync('docker', ['tag', IMAGE, published]);
    try {
      const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-workspace-'));
      const step = await runStep(
        workspace,
        { ...sshInputs(), container: 'true', links: 'current -> releases/v3\n' },
        { ATOMIC_LINK_IMAGE_REPOSITORY: 'atomic-link-published.test/atomic-link' },
      );
      expect(step.stdout).toContain(`Using the image ${published}`);
      expect(step.status).toBe(0);
      expect(fs.readlinkSync(path.join(server.root, 'current'))).toBe('releases/v3');
    } finally {
      spawnSync('docker', ['rmi', published]);
    }
  });

  test('sshfs: true mounts remote-path in the container', async () => {
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-workspace-'));
    const step = await runStep(workspace, {
      ...sshInputs(),
      image: IMAGE,
      sshfs: 'true',
      links: 'current -> releases/v3\n',
    });
    expect(step.stdout).not.toContain('::error::');
    expect(step.status).toBe(0);
    expect(fs.readlinkSync(path.join(server.root, 'current'))).toBe('releases/v3');
    expect(step.stdout).toMatch(/docker run --rm -i --user 0:0 --device \/dev\/fuse/);
  });

  test('missing ssh-known-hosts is an input error', async () => {
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-workspace-'));
    const step = await runStep(workspace, {
      ...sshInputs(),
      'ssh-known-hosts': '',
      links: 'current -> releases/v2',
    });
    expect(step.status).toBe(1);
    expect(step.stdout).toContain(
      '::error::input "ssh-known-hosts" (or "ssh-host-fingerprint") is required when "ssh-host" is set',
    );
  });
});
