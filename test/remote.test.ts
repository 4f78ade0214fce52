import { execFileSync } from 'node:child_process';
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
} from './helpers/tree.js';
import { makeServerTree, mountsUnder, startSshd } from './helpers/ssh-server.js';
import type { SshServer } from './helpers/ssh-server.js';

const MOUNTS = path.join(os.tmpdir(), 'atomic-link-');
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
  expect(mountsUnder(MOUNTS)).toEqual([]);
});

const remoteLink = (name: string) => fs.readlinkSync(path.join(server.root, name));

describe('links on a remote directory, over SSH with sshfs', () => {
  test('a reader on the server never sees current missing while the CLI switches it', async () => {
    const reader = startReader(path.join(server.root, 'current', 'index.html'));
    for (let i = 0; i < 8; i++) {
      const run = runCli([...server.args, `current -> releases/v${(i % 2) + 2}`], '/');
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
        ...server.args,
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
    const missing = runCli(
      [...server.args, `abs -> ${path.join(server.root, 'releases/v9')}`],
      '/',
    );
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('releases/v9');
    expect(missing.stderr).toContain('does not exist');
    const outside = runCli([...server.args, 'abs -> /etc'], '/');
    expect(outside.status).toBe(2);
    expect(outside.stderr).toContain('outside the remote path');
    expect(snapshot(server.root)).toEqual(before);
  });

  test('hard links are made on the server; replacing one needs --replace-files there', () => {
    const page = path.join(server.root, 'page');
    expect(runCli([...server.args, 'page => releases/v1/index.html'], '/').status).toBe(0);
    const v1 = fs.statSync(path.join(server.root, 'releases/v1/index.html')).ino;
    expect(fs.statSync(page).ino).toBe(v1);
    // sshfs reports every file with one link, so a hard link cannot be told from data.
    const refused = runCli([...server.args, 'page => releases/v2/index.html'], '/');
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('--replace-files');
    const run = runCli([...server.args, '--replace-files', 'page => releases/v2/index.html'], '/');
    expect(run.status).toBe(0);
    expect(fs.statSync(page).ino).toBe(
      fs.statSync(path.join(server.root, 'releases/v2/index.html')).ino,
    );
  });

  test('a server without posix-rename: exit 1, the cause named, nothing changed, no leftovers', () => {
    const before = snapshot(plainServer.root);
    const run = runCli([...plainServer.args, 'current -> releases/v2'], '/');
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
      for (const [file, says] of [
        [empty, 'No ED25519 host key is known'],
        [wrong, 'has changed'],
      ]) {
        const args = server.args.map((arg) => (arg === server.knownHosts ? file : arg));
        const run = runCli([...args, 'current -> releases/v2'], '/');
        expect(run.status).toBe(1);
        expect(run.stderr).toContain(says);
        expect(run.stderr).toContain('Host key verification failed');
      }
    } finally {
      fs.rmSync(empty);
      fs.rmSync(wrong);
    }
    expect(snapshot(server.root)).toEqual(before);
  });

  test('a directory mounted with workaround=rename, given as a plain path: the probe fails it (exit 3)', () => {
    const mountPoint = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-usermount-'));
    execFileSync('sshfs', [
      `root@127.0.0.1:${plainServer.root}`,
      mountPoint,
      '-p',
      String(plainServer.port),
      '-o',
      `IdentityFile=${plainServer.identity},UserKnownHostsFile=${plainServer.knownHosts},StrictHostKeyChecking=yes,BatchMode=yes,workaround=rename`,
    ]);
    try {
      const before = snapshot(plainServer.root);
      const run = runCli(['current -> releases/v2'], mountPoint);
      expect(run.stderr).toMatch(/probe: a scratch link .* was seen missing \d+ times/);
      expect(run.status).toBe(3);
      expect(snapshot(plainServer.root)).toEqual(before);
    } finally {
      execFileSync('fusermount3', ['-u', mountPoint]);
      fs.rmdirSync(mountPoint);
    }
  });

  test('sshd killed mid-batch: the run fails within seconds, every link is old or new', async () => {
    const victim = await startSshd();
    makeServerTree(victim.root);
    const count = 3000;
    const specFile = manyRemoteLinks(victim.root, count);
    try {
      const run = startCli([...victim.args, '--spec-file', specFile], '/');
      await switchingStarted(path.join(victim.root, 'links', 'l0'), '../releases/v2');
      const killedAt = Date.now();
      victim.kill();
      const result = await run;
      const seconds = (Date.now() - killedAt) / 1000;
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/^atomic-link: .*specs\.txt line \d+: could not switch LINK/m);
      expect(seconds).toBeLessThan(20);
      let switched = 0;
      for (let i = 0; i < count; i++) {
        const text = fs.readlinkSync(path.join(victim.root, 'links', `l${i}`)); // never missing
        expect(['../releases/v1', '../releases/v2']).toContain(text);
        if (text === '../releases/v2') switched++;
      }
      expect(switched).toBeGreaterThan(0);
      expect(switched).toBeLessThan(count);
    } finally {
      victim.stop();
    }
  });

  test('SIGTERM mid-batch: the batch ends whole, the lock and the mount are removed, exit 143', async () => {
    const count = 3000;
    const specFile = manyRemoteLinks(server.root, count);
    const run = startCli([...server.args, '--spec-file', specFile], '/');
    await switchingStarted(path.join(server.root, 'links', 'l0'), '../releases/v2');
    process.kill(run.pid, 'SIGTERM');
    const result = await run;
    expect(result.status).toBe(143);
    // A batch is never left half switched by a signal: it ends, then the run stops.
    for (let i = 0; i < count; i++) {
      expect(fs.readlinkSync(path.join(server.root, 'links', `l${i}`))).toBe('../releases/v2');
    }
    expect(leftovers(path.join(server.root, 'links'))).toEqual([]);
    // afterEach checks that no mount is left behind.
  });

  test('long batches report progress on stderr at least every 2 seconds', async () => {
    const specFile = manyRemoteLinks(server.root, 4000);
    const stamps: number[] = [];
    const run = startCli([...server.args, '--spec-file', specFile], '/', [], (line) => {
      if (/switched \d+ of 4000 links/.test(line)) stamps.push(Date.now());
    });
    const result = await run;
    expect(result.status).toBe(0);
    // Long enough for the claim to mean something: several reports.
    expect(stamps.length).toBeGreaterThanOrEqual(2);
    const gaps = stamps.slice(1).map((stamp, i) => stamp - stamps[i]);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(2000);
  });
});

/** `count` links root/links/lN -> ../releases/v1, and a spec file switching them all to v2. */
function manyRemoteLinks(root: string, count: number): string {
  fs.mkdirSync(path.join(root, 'links'));
  for (let i = 0; i < count; i++)
    fs.symlinkSync('../releases/v1', path.join(root, 'links', `l${i}`));
  const specFile = path.join(root, 'specs.txt');
  fs.writeFileSync(
    specFile,
    Array.from({ length: count }, (_, i) => `links/l${i} -> ../releases/v2`).join('\n'),
  );
  return specFile;
}
