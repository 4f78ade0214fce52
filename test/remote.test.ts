import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  leftovers,
  runCli,
  snapshot,
  startCli,
  startReader,
  switchingStarted,
  withoutProgress,
} from './helpers/tree.js';
import { startDelayProxy } from './helpers/delay-proxy.js';
import { TEST_USER, ensureTestUser } from './helpers/faults.js';
import {
  makeServerTree,
  manyRemoteLinks,
  mountSshfs,
  mountsOf,
  startSshd,
} from './helpers/ssh-server.js';
import type { SshServer } from './helpers/ssh-server.js';

let server: SshServer;
let plainServer: SshServer;

beforeAll(async () => {
  server = await startSshd();
  plainServer = await startSshd({ posixRename: false });
});
afterAll(() => {
  server.stop();
  plainServer.stop();
});
beforeEach(() => {
  for (const target of [server, plainServer]) {
    fs.rmSync(target.root, { recursive: true, force: true });
    fs.mkdirSync(target.root);
    makeServerTree(target.root);
  }
});
afterEach(() => {
  // Every way out of the CLI unmounts what it mounted.
  expect(mountsOf([server.root, plainServer.root])).toEqual([]);
});

const remoteLink = (name: string) => fs.readlinkSync(path.join(server.root, name));

/** SFTP spoken by atomic-link itself (the default), and the server mounted with sshfs. */
const MODES = [
  { mode: 'SFTP', flags: [] as string[] },
  { mode: 'sshfs', flags: ['--sshfs'] },
];

describe.each(MODES)('links on a remote directory, over SSH ($mode)', ({ mode, flags }) => {
  // A case of the mounted path alone is registered in its mode only, not passed empty in the other.
  const sshfsTest = (name: string, fn: jest.ProvidesCallback) => {
    if (mode === 'sshfs') test(name, fn);
  };
  const args = () => [...server.args, ...flags];
  const plainArgs = () => [...plainServer.args, ...flags];
  test('a reader on the server never sees current missing while the CLI switches it', async () => {
    const reader = startReader(path.join(server.root, 'current', 'index.html'));
    for (let i = 0; i < 8; i++) {
      const run = runCli([...args(), `current -> releases/v${(i % 2) + 2}`], '/');
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
    }
    const seen = await reader.stop();
    expect(seen.reads).toBeGreaterThan(1000);
    expect(seen.missing).toBe(0);
    expect(remoteLink('current')).toBe('releases/v3');
    expect(leftovers(server.root)).toEqual([]);
  });

  test('absolute and .. targets are checked as the server sees them, and read back', () => {
    const absolute = path.join(server.root, 'releases/v1');
    const dotdot = `../${path.basename(server.root)}/releases/v1`;
    fs.symlinkSync(absolute, path.join(server.root, 'abs'));
    fs.symlinkSync(dotdot, path.join(server.root, 'up'));
    const run = runCli(
      [
        ...args(),
        '--json',
        `abs -> ${path.join(server.root, 'releases/v2')}`,
        `up -> ../${path.basename(server.root)}/releases/v2`,
      ],
      '/',
    );
    expect(run.status).toBe(0);
    const results = JSON.parse(run.stdout).results;
    // Debian's sshfs refuses to read these texts back through the mount (contain_symlinks).
    expect(results.map((r: { previous: string }) => r.previous)).toEqual([absolute, dotdot]);
    expect(remoteLink('abs')).toBe(path.join(server.root, 'releases/v2'));
    expect(remoteLink('up')).toBe(`../${path.basename(server.root)}/releases/v2`);

    const before = snapshot(server.root);
    const missing = runCli([...args(), `abs -> ${path.join(server.root, 'releases/v9')}`], '/');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('releases/v9');
    expect(missing.stderr).toContain('does not exist');
    expect(snapshot(server.root)).toEqual(before);
    // Through a mount only the remote path can be seen; over SFTP the server checks any path.
    const outside = runCli([...args(), 'abs -> /etc'], '/');
    if (mode === 'sshfs') {
      expect(outside.stderr).toContain('outside the remote path');
      expect(outside.status).toBe(2);
    } else {
      expect(outside.status).toBe(0);
      expect(remoteLink('abs')).toBe('/etc');
    }
  });

  test('hard links are made on the server; replacing one needs --replace-files there', () => {
    const page = path.join(server.root, 'page');
    expect(runCli([...args(), 'page => releases/v1/index.html'], '/').status).toBe(0);
    const v1 = fs.statSync(path.join(server.root, 'releases/v1/index.html')).ino;
    expect(fs.statSync(page).ino).toBe(v1);
    // Neither SFTP nor sshfs tells how many names a file has: a hard link looks like data.
    const refused = runCli([...args(), 'page => releases/v2/index.html'], '/');
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('--replace-files');
    const run = runCli([...args(), '--replace-files', 'page => releases/v2/index.html'], '/');
    expect(run.status).toBe(0);
    expect(fs.statSync(page).ino).toBe(
      fs.statSync(path.join(server.root, 'releases/v2/index.html')).ino,
    );
  });

  test('a server without posix-rename: exit 1, the cause named, nothing changed, no leftovers', () => {
    const before = snapshot(plainServer.root);
    const run = runCli([...plainArgs(), 'current -> releases/v2'], '/');
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('posix-rename@openssh.com');
    expect(snapshot(plainServer.root)).toEqual(before);
  });

  test('an unknown or wrong host key fails before anything is touched', () => {
    const before = snapshot(server.root);
    const empty = path.join(os.tmpdir(), `atomic-link-empty-known-hosts-${process.pid}`);
    fs.writeFileSync(empty, '');
    const wrongKey = fs
      .readFileSync(plainServer.knownHosts, 'utf8')
      .replace(/\]:\d+/, `]:${server.port}`);
    const wrong = `${empty}-wrong`;
    fs.writeFileSync(wrong, wrongKey);
    try {
      const expected =
        mode === 'sshfs'
          ? [
              [empty, 'No ED25519 host key is known'],
              [wrong, 'has changed'],
            ]
          : [
              [empty, `[127.0.0.1]:${server.port} is not in ${empty}`],
              [wrong, 'does not match'],
            ];
      for (const [file, says] of expected) {
        const keyed = args().map((arg) => (arg === server.knownHosts ? file : arg));
        const run = runCli([...keyed, 'current -> releases/v2'], '/');
        expect(run.status).toBe(1);
        expect(run.stderr).toContain(says);
        expect(run.stderr).toContain(
          mode === 'sshfs' ? 'Host key verification failed' : 'nothing was',
        );
      }
    } finally {
      fs.rmSync(empty);
      fs.rmSync(wrong);
    }
    expect(snapshot(server.root)).toEqual(before);
  });

  test('a directory mounted with workaround=rename, given as a plain path: the probe fails it (exit 3)', () => {
    const mountPoint = mountSshfs(plainServer, { options: 'workaround=rename' });
    try {
      const before = snapshot(plainServer.root);
      const run = runCli(['current -> releases/v2'], mountPoint);
      // The sshfs serving it is ours and visible: its options say rename is emulated.
      expect(run.stderr).toMatch(/probe: rename in .* is not atomic \(.*workaround=rename/);
      expect(run.status).toBe(3);
      expect(snapshot(plainServer.root)).toEqual(before);
    } finally {
      execFileSync('fusermount3', ['-u', mountPoint]);
      fs.rmdirSync(mountPoint);
    }
  });

  // A mount handed over as a plain path is the same in both modes.
  sshfsTest(
    'a mounted volume whose second view cannot be opened: exit 1 at once, no hang, nothing changed',
    () => {
      // A key the serving sshfs used, gone afterwards: re-running its arguments cannot log in.
      const key = path.join(path.dirname(server.identity), 'short-lived-key');
      fs.copyFileSync(server.identity, key);
      const mountPoint = mountSshfs(server, { identity: key });
      fs.rmSync(key);
      try {
        const before = snapshot(server.root);
        const started = Date.now();
        const run = runCli(['current -> releases/v2'], mountPoint);
        expect(run.stderr).toContain('cannot open a second, uncached view of the sshfs mount');
        expect(run.status).toBe(1);
        expect(Date.now() - started).toBeLessThan(30000);
        expect(snapshot(server.root)).toEqual(before);
      } finally {
        execFileSync('fusermount3', ['-u', mountPoint]);
        fs.rmdirSync(mountPoint);
      }
    },
  );

  test('sshd killed mid-batch: the run fails within seconds, says which links may be new, and a run over SFTP recovers', async () => {
    const victim = await startSshd();
    makeServerTree(victim.root);
    const count = 3000;
    const specFile = manyRemoteLinks(victim.root, count);
    const links = path.join(victim.root, 'links');
    const proxy =
      mode === 'SFTP' ? await startDelayProxy({ targetPort: victim.port, delayMs: 40 }) : undefined;
    try {
      const reach = proxy ? [...victim.argsVia(proxy.port), ...flags] : [...victim.args, ...flags];
      const run = startCli([...reach, '--spec-file', specFile], '/');
      await switchingStarted(path.join(links, 'l0'), '../releases/v2');
      const killedAt = Date.now();
      victim.kill();
      const result = await run;
      const seconds = (Date.now() - killedAt) / 1000;
      expect(result.stderr).not.toContain('internal error');
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/^atomic-link: .*(could not switch LINK|connection)/m);
      expect(seconds).toBeLessThan(20);
      let switched = 0;
      for (let i = 0; i < count; i++) {
        const text = fs.readlinkSync(path.join(links, `l${i}`)); // never missing
        expect(['../releases/v1', '../releases/v2']).toContain(text);
        if (text === '../releases/v2') {
          switched++;
          // Each link left new is named, as new or as old or new: never "switched back".
          expect(result.stderr).toMatch(
            new RegExp(`^atomic-link: "links/l${i}" is (new|old or new)`, 'm'),
          );
        }
      }
      expect(switched).toBeGreaterThan(0);
      expect(switched).toBeLessThan(count);
      expect(result.stderr).not.toContain('switched back the');

      // The dead run's lock and temporary links are still on the server. A run over SFTP, by
      // way of another server on the same directory, breaks the lock (its holder is gone)
      // and sweeps the rest.
      expect(leftovers(links)).toContain('.atomic-link.lock');
      const rescue = await startSshd();
      try {
        const rescueArgs = rescue.args.map((arg) => arg.replace(rescue.root, victim.root));
        const again = runCli([...rescueArgs, '--spec-file', specFile], '/');
        expect(again.stderr).not.toContain('internal error');
        expect(again.status).toBe(0);
        for (let i = 0; i < count; i++)
          expect(fs.readlinkSync(path.join(links, `l${i}`))).toBe('../releases/v2');
        expect(leftovers(links)).toEqual([]);
      } finally {
        rescue.stop();
      }
    } finally {
      await proxy?.close();
      victim.stop();
    }
  });

  test('SIGTERM mid-batch: the batch ends whole, the lock and the mount are removed, exit 143', async () => {
    const count = 3000;
    const specFile = manyRemoteLinks(server.root, count);
    // Over SFTP a batch takes a few round trips: a slow network lets the signal land in it.
    const proxy =
      mode === 'SFTP' ? await startDelayProxy({ targetPort: server.port, delayMs: 40 }) : undefined;
    try {
      const reach = proxy ? [...server.argsVia(proxy.port), ...flags] : args();
      const run = startCli([...reach, '--spec-file', specFile], '/');
      await switchingStarted(path.join(server.root, 'links', 'l0'), '../releases/v2');
      process.kill(run.pid, 'SIGTERM');
      const result = await run;
      expect(result.stderr).toMatch(/^atomic-link: stopped by SIGTERM/m);
      expect(result.status).toBe(143);
      // A signal never leaves a batch half switched: it ends whole, here switched back.
      const texts = new Set<string>();
      for (let i = 0; i < count; i++)
        texts.add(fs.readlinkSync(path.join(server.root, 'links', `l${i}`)));
      expect(texts.size).toBe(1);
      expect(leftovers(path.join(server.root, 'links'))).toEqual([]);
      // afterEach checks that no mount is left behind.
    } finally {
      await proxy?.close();
    }
  });

  // Over SFTP a batch of this size is over before a second passes: nothing to report.
  sshfsTest('long batches report progress on stderr at least every 2 seconds', async () => {
    // Through sshfs on an idle machine 4,000 links were switched in about 2 s: one report, the
    // second due as the phase ended.
    const count = 8000;
    const specFile = manyRemoteLinks(server.root, count);
    const stamps: number[] = [];
    const run = startCli([...args(), '--spec-file', specFile], '/', [], (line) => {
      // The switch's own lines: the phases before it report theirs too, with gaps between.
      if (line.includes('switched ') && line.endsWith(` of ${count} links`))
        stamps.push(Date.now());
    });
    const result = await run;
    expect(withoutProgress(result.stderr)).toBe('');
    expect(result.status).toBe(0);
    // Long enough for the claim to mean something: several reports.
    expect(stamps.length).toBeGreaterThanOrEqual(2);
    const gaps = stamps.slice(1).map((stamp, i) => stamp - stamps[i]);
    // Reports come between chunks, each sized to take a quarter second at the pace of the last:
    // a loaded machine can stretch one, so the bound is loose.
    expect(Math.max(...gaps)).toBeLessThanOrEqual(5000);
  });
});

describe("another user's process named sshfs, naming a mount of ours", () => {
  // Left out: a mount served by another user's sshfs alone. Root can look into another user's
  // FUSE mount only if she mounted it with allow_other, which needs user_allow_other in
  // /etc/fuse.conf, a change to the machine no test should make; and such a mount is not of
  // our user, which servingArguments refuses before looking at any process.
  test('its command line is never run for the second view: the switch is watched through our own sshfs', async () => {
    ensureTestUser();
    const hers = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-hers-'));
    execFileSync('chown', [TEST_USER, hers]);
    // Root's, where she cannot write: a marker there was made by a command run as root.
    const marker = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-marker-')), 'ran');
    const mountPoint = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-usermount-'));
    const source = `root@127.0.0.1:${server.root}`;
    // A copy of xargs named sshfs, waiting on its input with her arguments: its comm and
    // cmdline say sshfs serving our mount. She may run it but not read it, which makes the
    // process undumpable (on some kernels /proc/PID is then root's). Started before our mount,
    // it comes first in /proc.
    const impostor = spawn(
      'runuser',
      [
        '-u',
        TEST_USER,
        '--',
        'sh',
        '-c',
        'cp /usr/bin/xargs sshfs && chmod 0111 sshfs && sleep 600 | exec ./sshfs "$@"',
        'sh',
        source,
        mountPoint,
        '-p',
        String(server.port),
        '-o',
        `ProxyCommand=touch ${marker}`,
      ],
      { cwd: hers, detached: true, stdio: 'ignore' },
    );
    try {
      await waitFor(() =>
        fs.readdirSync('/proc').some((pid) => {
          try {
            return (
              fs.readFileSync(`/proc/${pid}/comm`, 'utf8') === 'sshfs\n' &&
              fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(mountPoint)
            );
          } catch {
            return false;
          }
        }),
      );
      mountSshfs(server, { source, mountPoint });
      try {
        const run = runCli(['current -> releases/v2'], mountPoint);
        expect(fs.existsSync(marker)).toBe(false);
        expect(run.stderr).toBe('');
        expect(run.status).toBe(0);
        expect(remoteLink('current')).toBe('releases/v2');
        // The second view was ours, and is gone: only the mount made here is left.
        expect(mountsOf([server.root])).toEqual([mountPoint]);
      } finally {
        execFileSync('fusermount3', ['-u', mountPoint]);
      }
    } finally {
      process.kill(-(impostor.pid as number), 'SIGKILL');
      fs.rmdirSync(mountPoint);
      fs.rmSync(hers, { recursive: true });
      fs.rmSync(path.dirname(marker), { recursive: true });
    }
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 10000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('waited 10 s in vain');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
