import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connect } from '../lib/transport/sftp/connect.js';
import { startDelayProxy } from './helpers/delay-proxy.js';
import { startOneGap } from './helpers/one-gap.js';
import {
  freshTree,
  makeServerTree,
  manyRemoteLinks,
  mountSshfs,
  startSshd,
} from './helpers/ssh-server.js';
import type { SshServer } from './helpers/ssh-server.js';
import { runStep } from './helpers/runner.js';
import { CLI, leftovers, runCli, snapshot, startCli } from './helpers/tree.js';

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

const textOrMissing = (file: string) => {
  try {
    return fs.readlinkSync(file);
  } catch {
    return undefined;
  }
};

const linkTexts = (root: string, count: number) =>
  Array.from({ length: count }, (_, i) => fs.readlinkSync(path.join(root, 'links', `l${i}`)));

describe('SFTP spoken by atomic-link itself', () => {
  test('the connection cut at several moments of a 2,000-link batch: no hang, every link old or new, a re-run finishes clean', async () => {
    const count = 2000;
    const specFile = manyRemoteLinks(server.root, count);
    for (const cutAfterMs of [100, 250, 400, 550, 700, 900]) {
      const proxy = await startDelayProxy({ targetPort: server.port, delayMs: 25 });
      try {
        const run = startCli([...server.argsVia(proxy.port), '--spec-file', specFile], '/');
        await new Promise((resolve) => setTimeout(resolve, cutAfterMs));
        const cutAt = Date.now();
        proxy.cut();
        const result = await run;
        expect(Date.now() - cutAt).toBeLessThan(20000);
        if (result.status !== 0) {
          expect(result.status).toBe(1);
          expect(result.stderr).not.toMatch(/internal error|\n\s+at /);
        }
        // readlink throws if a link is missing.
        for (const text of linkTexts(server.root, count)) {
          expect(['../releases/v1', '../releases/v2']).toContain(text);
        }
      } finally {
        await proxy.close();
      }
      // The next run, from here, breaks the cut run's lock (its pid is gone) and sweeps its names.
      const again = runCli([...server.args, '--spec-file', specFile], '/');
      expect(again.stderr).not.toMatch(/internal error/);
      expect(again.status).toBe(0);
      expect(new Set(linkTexts(server.root, count))).toEqual(new Set(['../releases/v2']));
      expect(leftovers(path.join(server.root, 'links'))).toEqual([]);
      // Back to v1 for the next round.
      fs.writeFileSync(specFile, fs.readFileSync(specFile, 'utf8').replaceAll('v2', 'v1'));
      expect(runCli([...server.args, '--spec-file', specFile], '/').status).toBe(0);
      fs.writeFileSync(specFile, fs.readFileSync(specFile, 'utf8').replaceAll('v1', 'v2'));
    }
  });

  test('the guard, through a second channel, catches a naive writer on the server 20 of 20 times, and never cries wolf', async () => {
    const count = 20;
    const specFile = manyRemoteLinks(server.root, count);
    const links = path.join(server.root, 'links');
    for (let round = 0; round < 20; round++) {
      const clean = runCli([...server.args, '--spec-file', specFile], '/');
      expect(clean.stderr).toBe('');
      expect(clean.status).toBe(0);
      fs.writeFileSync(
        specFile,
        fs.readFileSync(specFile, 'utf8').replaceAll(/v[12]/g, round % 2 ? 'v2' : 'v1'),
      );
    }
    for (let round = 0; round < 20; round++) {
      // What rm + ln -s (and BusyBox or BSD ln -sf) do on the server meanwhile: unlink, then
      // symlink, each link missing between the two.
      const writer = spawn('bash', [
        '-c',
        `cd '${links}' && while :; do for i in $(seq 0 ${count - 1}); do rm -f l$i; ln -s ../releases/v3 l$i; done; done`,
      ]);
      try {
        // Under way once l0 reads v3 (now and then it is missing: that is the writer's gap).
        for (;;) {
          if (textOrMissing(path.join(links, 'l0')) === '../releases/v3') break;
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
        const run = await startCli([...server.args, '--spec-file', specFile], '/');
        // Seen missing, or found made again once the renames were acknowledged.
        expect(run.stderr).toMatch(
          /the guard saw links missing|were not the ones atomic-link renamed there/,
        );
        expect(run.status).toBe(3);
      } finally {
        writer.kill('SIGKILL');
        await new Promise((resolve) => writer.once('close', resolve));
      }
      for (let i = 0; i < count; i++) {
        fs.rmSync(path.join(links, `l${i}`), { force: true });
        fs.symlinkSync('../releases/v1', path.join(links, `l${i}`));
      }
    }
  });

  test('the guard states its window: each link looked up at least 10 times, for 100 ms after the last rename, its lookups in flight by the round trip (loopback and 200 ms)', async () => {
    const count = 200;
    const specFile = manyRemoteLinks(server.root, count);
    const rates: number[] = [];
    for (const delayMs of [0, 100]) {
      const proxy = await startDelayProxy({ targetPort: server.port, delayMs });
      try {
        const run = await startCli(
          [...server.argsVia(proxy.port), '--json', '-v', '--spec-file', specFile],
          '/',
        );
        expect(run.stderr).not.toMatch(/error|missing/);
        expect(run.status).toBe(0);
        const { guard } = JSON.parse(run.stdout);
        expect(guard).toMatchObject({ method: 'sampling', certain: false, missing: 0 });
        expect(guard.sampledBecause).toContain('on a server');
        expect(guard.perLinkMin).toBeGreaterThanOrEqual(10);
        expect(guard.windowMs).toBeGreaterThanOrEqual(100);
        rates.push(guard.lookups / guard.windowMs);
      } finally {
        await proxy.close();
      }
      for (const text of linkTexts(server.root, count)) expect(text).toBe('../releases/v2');
      fs.writeFileSync(specFile, fs.readFileSync(specFile, 'utf8').replaceAll('v2', 'v1'));
      expect(runCli([...server.args, '--spec-file', specFile], '/').status).toBe(0);
      fs.writeFileSync(specFile, fs.readFileSync(specFile, 'utf8').replaceAll('v1', 'v2'));
    }
    // At 200 ms the lookups in flight (1,024 at most) cover most of the round trip: with a
    // fixed 128 the rate fell to 640 a second (0.64 a ms).
    expect(rates[1]).toBeGreaterThan(1.5);
  });

  test('the guard knows each link it renamed by its stamp: a 3 ms gap made right after a rename fails the run at every round trip, the link named', async () => {
    const count = 20;
    const specFile = manyRemoteLinks(server.root, count);
    const links = path.join(server.root, 'links');
    for (const delayMs of [0, 100]) {
      const proxy = await startDelayProxy({ targetPort: server.port, delayMs });
      try {
        for (let round = 0; round < 3; round++) {
          const gap = await startOneGap(server.root, 2, 3);
          const run = await startCli(
            [...server.argsVia(proxy.port), '--json', '--spec-file', specFile],
            '/',
          );
          const made = (await gap.ended(5000))?.split(' ')[0];
          expect(made).toMatch(/^links\/l[0-9]+$/);
          expect(run.status).toBe(3);
          expect(run.stderr).toContain('were not the ones atomic-link renamed there');
          const { guard } = JSON.parse(run.stdout);
          expect(guard.stamps).toEqual({ links: count, checked: count });
          expect(guard.replaced).toEqual([
            expect.objectContaining({
              link: expect.stringMatching(new RegExp(`/${made}$`)),
              found: expect.stringMatching(/^a symlink dated .*, ours /),
              now: '-> "../releases/v2"',
            }),
          ]);
          // The writer made it again with our text: readlink alone could not tell.
          for (const text of linkTexts(server.root, count)) expect(text).toBe('../releases/v2');
          for (let i = 0; i < count; i++) {
            fs.rmSync(path.join(links, `l${i}`));
            fs.symlinkSync('../releases/v1', path.join(links, `l${i}`));
          }
        }
      } finally {
        await proxy.close();
      }
    }
  });

  test('a link that did not exist when the run read the links, made again right after its rename, is caught too', async () => {
    const count = 5;
    const specFile = manyRemoteLinks(server.root, count);
    // Missing as the run reads it: a new link to atomic-link (or another writer's gap).
    fs.rmSync(path.join(server.root, 'links', 'l0'));
    const gap = await startOneGap(server.root, 2, 3);
    const run = await startCli([...server.args, '--json', '--spec-file', specFile], '/');
    expect((await gap.ended(5000))?.split(' ')[0]).toBe('links/l0');
    expect(run.status).toBe(3);
    const { guard } = JSON.parse(run.stdout);
    expect(guard.stamps).toEqual({ links: count, checked: count });
    expect(guard.replaced).toEqual([
      expect.objectContaining({ link: expect.stringMatching(/\/links\/l0$/) }),
    ]);
    expect(linkTexts(server.root, count)).toEqual(Array(count).fill('../releases/v2'));
  });

  test('a clean run leaves every link stamped a second before its lock, and says each was checked; without lsetstat the links are only sampled', async () => {
    const count = 20;
    const specFile = manyRemoteLinks(server.root, count);
    const before = Math.floor(Date.now() / 1000);
    const run = runCli([...server.args, '--json', '--spec-file', specFile], '/');
    const after = Math.floor(Date.now() / 1000);
    expect(run.status).toBe(0);
    const { guard } = JSON.parse(run.stdout);
    expect(guard.stamps).toEqual({ links: count, checked: count });
    expect(guard.replaced).toBeUndefined();
    const stamps = new Set(
      Array.from({ length: count }, (_, i) =>
        Math.floor(fs.lstatSync(path.join(server.root, 'links', `l${i}`)).mtimeMs / 1000),
      ),
    );
    expect(stamps.size).toBe(1);
    const [stamp] = stamps;
    expect(stamp).toBeGreaterThanOrEqual(before - 1);
    expect(stamp).toBeLessThan(after);
    fs.writeFileSync(specFile, fs.readFileSync(specFile, 'utf8').replaceAll('v2', 'v3'));
    const told = runCli([...server.args, '-v', '--spec-file', specFile], '/');
    expect(told.status).toBe(0);
    expect(told.stdout + told.stderr).toContain(
      `stamps: ${count} of ${count} links looked at once every rename was acknowledged, each the very link renamed there`,
    );

    const plain = await startSshd({ deny: ['lsetstat'] });
    try {
      freshTree(plain);
      const specs = manyRemoteLinks(plain.root, count);
      const sampled = runCli([...plain.args, '--json', '--spec-file', specs], '/');
      expect(sampled.stderr).toBe('');
      expect(sampled.status).toBe(0);
      const report = JSON.parse(sampled.stdout).guard;
      expect(report).toMatchObject({ method: 'sampling', missing: 0 });
      expect(report.stamps).toBeUndefined();
      expect(linkTexts(plain.root, count)).toEqual(Array(count).fill('../releases/v2'));
      expect(leftovers(path.join(plain.root, 'links'))).toEqual([]);
    } finally {
      plain.stop();
    }
  });

  test("a directory the server reaches through sshfs, whose lsetstat sets the link's target's times (sshfs follows the link): the links are only sampled, exit 0, the target's times untouched", () => {
    // sshfs sets times with plain SFTP setstat, which follows a symlink: lsetstat on our new
    // link answered OK and dated releases/v2, not the link; the guard took every clean run for
    // another writer's (exit 3).
    const mountPoint = mountSshfs(server);
    try {
      const release = path.join(server.root, 'releases', 'v2');
      const before = fs.statSync(release).mtimeMs;
      const args = server.args.map((arg) =>
        arg === `root@127.0.0.1:${server.root}` ? `root@127.0.0.1:${mountPoint}` : arg,
      );
      for (const version of ['v2', 'v3', 'v2']) {
        const run = runCli([...args, '--json', `current -> releases/${version}`], '/');
        expect(run.stderr).toBe('');
        expect(run.status).toBe(0);
        const { guard } = JSON.parse(run.stdout);
        expect(guard).toMatchObject({ method: 'sampling', missing: 0 });
        expect(guard.stamps).toBeUndefined();
        expect(fs.readlinkSync(path.join(server.root, 'current'))).toBe(`releases/${version}`);
      }
      expect(fs.statSync(release).mtimeMs).toBe(before);
      expect(leftovers(server.root)).toEqual([]);
    } finally {
      execFileSync('fusermount3', ['-u', mountPoint]);
      fs.rmdirSync(mountPoint);
    }
  });

  test("the guard's channel is opened beside the first, in the same round trips: ready as soon as the connection is (100 ms each way)", async () => {
    const proxy = await startDelayProxy({ targetPort: server.port, delayMs: 100 });
    try {
      const args = server.argsVia(proxy.port);
      const session = await connect({
        destination: 'root@127.0.0.1',
        path: server.root,
        port: proxy.port,
        identity: server.identity,
        knownHosts: args[args.indexOf('--known-hosts') + 1],
        sshConfig: 'none',
        sshfsOptions: [],
      });
      try {
        const asked = performance.now();
        await session.second();
        // Opened once the first was ready, it took four round trips more (the channel, the
        // subsystem, the versions, ssh2's limits@openssh.com): 800 ms here.
        expect(performance.now() - asked).toBeLessThan(200);
      } finally {
        session.close();
      }
    } finally {
      await proxy.close();
    }
  });

  test('a server without hardlink@openssh.com: hard links refused before anything is touched', async () => {
    const noHardlink = await startSshd({ deny: ['hardlink'] });
    try {
      makeServerTree(noHardlink.root);
      const before = snapshot(noHardlink.root);
      const run = runCli([...noHardlink.args, 'page => releases/v1/index.html'], '/');
      expect(run.stderr).toContain('lacks hardlink@openssh.com');
      expect(run.status).toBe(1);
      expect(snapshot(noHardlink.root)).toEqual(before);
      // Symbolic links need only posix-rename.
      expect(runCli([...noHardlink.args, 'current -> releases/v2'], '/').status).toBe(0);
    } finally {
      noHardlink.stop();
    }
  });

  test('host keys from hashed known_hosts lines; ECDSA and RSA identities; an agent', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-keys-'));
    try {
      const hashed = path.join(dir, 'known_hosts');
      fs.copyFileSync(server.knownHosts, hashed);
      execFileSync('ssh-keygen', ['-q', '-H', '-f', hashed]);
      expect(fs.readFileSync(hashed, 'utf8')).toMatch(/^\|1\|/);
      const authorized = path.join(path.dirname(server.identity), 'authorized_keys');
      const keyed = (identity: string, known = hashed) =>
        server.args.map((arg) =>
          arg === server.identity ? identity : arg === server.knownHosts ? known : arg,
        );
      let version = 2;
      for (const [type, bits] of [
        ['ecdsa', '256'],
        ['rsa', '3072'],
      ]) {
        const key = path.join(dir, `id_${type}`);
        execFileSync('ssh-keygen', ['-q', '-t', type, '-b', bits, '-N', '', '-f', key]);
        fs.appendFileSync(authorized, fs.readFileSync(`${key}.pub`));
        const run = runCli([...keyed(key), `current -> releases/v${version}`], '/');
        expect(run.stderr).not.toMatch(/error/);
        expect(run.status).toBe(0);
        expect(fs.readlinkSync(path.join(server.root, 'current'))).toBe(`releases/v${version}`);
        version = 5 - version;
      }
      // No --identity: the agent's key.
      const agent = execFileSync('ssh-agent', ['-s', '-a', path.join(dir, 'agent.sock')], {
        encoding: 'utf8',
      });
      const pid = Number(/SSH_AGENT_PID=(\d+)/.exec(agent)?.[1]);
      try {
        const env = { ...process.env, SSH_AUTH_SOCK: path.join(dir, 'agent.sock'), HOME: dir };
        execFileSync('ssh-add', ['-q', server.identity], { env });
        const withoutIdentity = keyed(server.identity).filter(
          (arg, index, all) => arg !== '--identity' && all[index - 1] !== '--identity',
        );
        const run = spawnSync(
          process.execPath,
          [CLI, ...withoutIdentity, 'current -> releases/v1'],
          {
            env,
            encoding: 'utf8',
          },
        );
        expect(run.stderr).toBe('');
        expect(run.status).toBe(0);
        expect(fs.readlinkSync(path.join(server.root, 'current'))).toBe('releases/v1');
      } finally {
        process.kill(pid);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the action with ssh-host switches from the runner itself: no docker on PATH', async () => {
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-workspace-'));
    const step = await runStep(
      workspace,
      {
        'ssh-host': '127.0.0.1',
        'ssh-port': String(server.port),
        'ssh-user': 'root',
        'ssh-private-key': fs.readFileSync(server.identity, 'utf8'),
        'ssh-known-hosts': fs.readFileSync(server.knownHosts, 'utf8'),
        'remote-path': server.root,
        links: 'current -> releases/v2\npage => releases/v2/index.html\n',
      },
      // Nothing to run: a docker (or ssh, or sshfs) started from here would fail.
      { PATH: fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-empty-path-')) },
    );
    expect(step.stdout).not.toContain('::error::');
    expect(step.status).toBe(0);
    expect(fs.readlinkSync(path.join(server.root, 'current'))).toBe('releases/v2');
    expect(fs.statSync(path.join(server.root, 'page')).ino).toBe(
      fs.statSync(path.join(server.root, 'releases/v2/index.html')).ino,
    );
    expect(JSON.parse(step.outputs.previous)).toEqual({ current: 'releases/v1', page: null });
    expect(step.stdout).toContain('not flushed to disk: SFTP cannot fsync a directory');
    // The key file is gone from RUNNER_TEMP.
    expect(
      fs.readdirSync(step.runnerTemp).filter((name) => name.startsWith('atomic-link-')),
    ).toEqual([]);
  });

  test('a remote path behind a symlink holds its links; a LINK through a symlink leading out is refused', () => {
    fs.mkdirSync(path.join(server.root, 'data', 'www'), { recursive: true });
    makeServerTree(path.join(server.root, 'data', 'www'));
    fs.symlinkSync('data/www', path.join(server.root, 'www'));
    fs.symlinkSync('/tmp', path.join(server.root, 'data', 'www', 'out'));
    const www = server.args.map((arg) => arg.replace(`:${server.root}`, `:${server.root}/www`));
    const run = runCli([...www, 'current -> releases/v2'], '/');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(fs.readlinkSync(path.join(server.root, 'data', 'www', 'current'))).toBe('releases/v2');
    const out = runCli([...www, 'out/x -> releases/v2'], '/');
    expect(out.stderr).toContain('is outside the working directory');
    expect(out.status).toBe(2);
  });
});
