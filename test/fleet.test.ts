import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDelayProxy } from './helpers/delay-proxy.js';
import type { DelayProxy } from './helpers/delay-proxy.js';
import { startOneGap } from './helpers/one-gap.js';
import { makeServerTree, startSshd } from './helpers/ssh-server.js';
import type { SshServer } from './helpers/ssh-server.js';
import { runStep } from './helpers/runner.js';
import { holdsTempLink, leftovers, startCli, withoutProgress } from './helpers/tree.js';

let server: SshServer;
let plainServer: SshServer;
const proxies: DelayProxy[] = [];

beforeAll(async () => {
  server = await startSshd();
  plainServer = await startSshd({ posixRename: false });
});
afterAll(async () => {
  for (const proxy of proxies) await proxy.close();
  server.stop();
  plainServer.stop();
});

/** `count` hosts: directories of one real sshd, each reached through its own delaying proxy. */
async function fleet(delaysMs: number[]): Promise<{ dirs: string[]; args: string[] }> {
  const dirs: string[] = [];
  const args: string[] = [];
  for (const [index, delayMs] of delaysMs.entries()) {
    const dir = path.join(server.root, `host${index}`);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    makeServerTree(dir);
    dirs.push(dir);
    const proxy = await startDelayProxy({ targetPort: server.port, delayMs });
    proxies.push(proxy);
    const via = server.argsVia(proxy.port);
    // --identity and --known-hosts apply to all hosts: one known_hosts naming every proxy.
    fs.appendFileSync(knownHosts(), fs.readFileSync(via[via.indexOf('--known-hosts') + 1]));
    args.push('--ssh', `ssh://root@127.0.0.1:${proxy.port}${dir}`);
  }
  return { dirs, args: [...args, '--identity', server.identity, '--known-hosts', knownHosts()] };
}

/**
 * The action switching `links` on the last three proxies' hosts, which share `dir`: one
 * directory of one server, behind three proxies. Each host would wait for the others' lock,
 * held until the fleet is done: no lock here.
 */
function actionOnLastThree(dir: string, links: string) {
  const ports = proxies.slice(-3).map((proxy) => proxy.port);
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-workspace-'));
  return runStep(workspace, {
    lock: 'false',
    'ssh-host': ports.map((port) => `127.0.0.1:${port}`).join('\n'),
    'ssh-user': 'root',
    'ssh-private-key': fs.readFileSync(server.identity, 'utf8'),
    'ssh-known-hosts': fs.readFileSync(knownHosts(), 'utf8'),
    'remote-path': dir,
    links,
  });
}

const knownHosts = () => path.join(path.dirname(server.identity), 'known_hosts_fleet');
const current = (dir: string) => fs.readlinkSync(path.join(dir, 'current'));

describe('many hosts switched as one', () => {
  test('hosts of different latencies are prepared, then switched together; skew and round trips reported', async () => {
    const { dirs, args } = await fleet([0, 5, 10, 20]);
    // Started asynchronously, so that the proxies in this process keep forwarding.
    const run = await startCli([...args, '--json', 'current -> releases/v2'], '/');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report.hosts).toHaveLength(4);
    for (const [index, host] of report.hosts.entries()) {
      expect(host.host).toContain(dirs[index]);
      expect(host.state).toBe('switched');
      expect(host.results[0]).toMatchObject({ link: 'current', previous: 'releases/v1' });
      expect(host.guard.missing).toBe(0);
      expect(host.roundTripMs).toBeGreaterThanOrEqual(0);
    }
    // 20 ms round trips at most: the renames on every host land within a few of them.
    expect(report.skewMs).toBeLessThan(200);
    for (const dir of dirs) {
      expect(current(dir)).toBe('releases/v2');
      expect(leftovers(dir)).toEqual([]);
    }
  });

  test('one host without posix-rename, or missing a target: no host changes', async () => {
    const { dirs, args } = await fleet([0, 5]);
    fs.rmSync(path.join(plainServer.root), { recursive: true, force: true });
    fs.mkdirSync(plainServer.root);
    makeServerTree(plainServer.root);
    fs.appendFileSync(knownHosts(), fs.readFileSync(plainServer.knownHosts));
    // --identity applies to every host: the other server takes the same key.
    const authorized = path.join(path.dirname(plainServer.identity), 'authorized_keys');
    fs.appendFileSync(authorized, fs.readFileSync(`${server.identity}.pub`));
    const plain = `ssh://root@127.0.0.1:${plainServer.port}${plainServer.root}`;
    const nonAtomic = await startCli([...args, '--ssh', plain, 'current -> releases/v2'], '/');
    expect(nonAtomic.stderr).toContain(`${plain}: `);
    expect(nonAtomic.stderr).toContain('lacks posix-rename@openssh.com');
    expect(nonAtomic.stderr).toContain('no host was changed');
    expect(nonAtomic.status).toBe(1);

    fs.rmSync(path.join(dirs[1], 'releases', 'v3'), { recursive: true });
    const missing = await startCli([...args, 'current -> releases/v3'], '/');
    expect(missing.stderr).toMatch(
      new RegExp(`${dirs[1]}: .*TARGET "releases/v3".*does not exist`),
    );
    expect(missing.status).toBe(2);
    // No host was touched: nothing claims otherwise, with -v or --json either.
    expect(missing.stdout).toBe('');
    const told = await startCli([...args, '-v', 'current -> releases/v3'], '/');
    expect(told.stdout).not.toMatch(/: switched:/);
    expect(told.stdout).toContain('not switched: "current" -> "releases/v3" (still "releases/v1")');
    const json = await startCli([...args, '--json', 'current -> releases/v3'], '/');
    expect(json.status).toBe(2);
    const report = JSON.parse(json.stdout) as { hosts: HostJson[]; skewMs?: number };
    expect(report.hosts.map((host) => host.state)).toEqual(['unchanged', 'unchanged']);
    expect(report.hosts[1].error).toContain('does not exist');
    expect(report.hosts[0].results).toEqual([
      expect.objectContaining({ state: 'not switched', changed: false }),
    ]);
    expect(report.skewMs).toBeUndefined();
    for (const dir of [...dirs, plainServer.root]) {
      expect(current(dir)).toBe('releases/v1');
      expect(leftovers(dir)).toEqual([]);
    }
  });

  test("one host's connection cut between the phases: every host ends with its old links, and a re-run finishes clean", async () => {
    // The last host is slow to get ready, so the first is ready, waiting, when it is cut off.
    const { dirs, args } = await fleet([5, 5, 150]);
    const victim = proxies.at(-3) as DelayProxy;
    const run = startCli([...args, 'current -> releases/v2'], '/');
    const deadline = Date.now() + 20000;
    while (!holdsTempLink(dirs[0])) {
      if (Date.now() > deadline) throw new Error('the first host never got ready');
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    victim.cut();
    const result = await run;
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(dirs[0]);
    for (const dir of dirs) expect(current(dir)).toBe('releases/v1');
    // The cut host keeps the lock and the temporary link of the run; the next run clears them.
    expect(leftovers(dirs[0]).length).toBeGreaterThan(0);
    const again = await startCli([...args, 'current -> releases/v2'], '/');
    // The lock the cut connection left is broken, and that is said.
    expect(withoutProgress(again.stderr)).toMatch(
      /^atomic-link: broke the lock root@127\.0\.0\.1:\S+\/host0\/\.atomic-link\.lock of pid \d+ on "[^"]*" since "[^"]*": its holder is gone\n$/,
    );
    expect(again.status).toBe(0);
    for (const dir of dirs) {
      expect(current(dir)).toBe('releases/v2');
      expect(leftovers(dir)).toEqual([]);
    }
  });

  test('--max-hosts bounds the hosts prepared at once; bad fleet usage is exit 2', async () => {
    const { dirs, args } = await fleet([0, 0, 0]);
    const run = await startCli([...args, '--max-hosts', '1', 'current -> releases/v3'], '/');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    for (const dir of dirs) expect(current(dir)).toBe('releases/v3');
    for (const [extra, says] of [
      [['--max-hosts', '0'], '--max-hosts "0"'],
      [['--sshfs'], '--sshfs takes one --ssh'],
      [[], 'must be relative with several --ssh'],
    ] as const) {
      const link = says.includes('relative') ? `${dirs[0]}/current` : 'current';
      const bad = await startCli([...args, ...extra, `${link} -> releases/v2`], '/');
      expect(bad.stderr).toContain(says);
      expect(bad.status).toBe(2);
    }
  });

  test('the action switches several hosts as one, from the runner, and says how far apart', async () => {
    const { dirs } = await fleet([0, 5, 10]);
    const step = await actionOnLastThree(dirs[0], 'current -> releases/v3\n');
    expect(step.stdout).not.toContain('::error::');
    expect(step.status).toBe(0);
    expect(current(dirs[0])).toBe('releases/v3');
    const result = JSON.parse(step.outputs.result);
    expect(result).toHaveLength(3);
    expect(new Set(result.map((record: { host: string }) => record.host)).size).toBe(3);
    const previous = JSON.parse(step.outputs.previous);
    expect(Object.values(previous)).toEqual([
      { current: 'releases/v1' },
      { current: 'releases/v1' },
      { current: 'releases/v1' },
    ]);
    expect(Number(step.outputs['skew-ms'])).toBeGreaterThanOrEqual(0);
    expect(step.summary).toContain('<th>Host</th>');
  });
});

/** Resolves once `dir` holds a temporary link of a run: that host is prepared. */
async function prepared(dir: string): Promise<void> {
  const deadline = Date.now() + 30000;
  while (!holdsTempLink(dir)) {
    if (Date.now() > deadline) throw new Error(`${dir} never got ready`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

interface HostJson {
  host: string;
  state: string;
  error?: string;
  results: { link: string; state: string; changed: boolean }[];
}

describe('a fleet that fails says where every host ends, and ends on one release', () => {
  test('--expect not met on one host: exit 1, no host changed, and the action summary says so, cells closed', async () => {
    const { dirs, args } = await fleet([0, 5, 10]);
    fs.unlinkSync(path.join(dirs[2], 'current'));
    fs.symlinkSync('releases/v3', path.join(dirs[2], 'current'));
    const run = await startCli([...args, '--expect=releases/v1', 'current -> releases/v2'], '/');
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('not at the expected "releases/v1"');
    expect(run.stderr).toContain('no host was changed');
    expect(dirs.map(current)).toEqual(['releases/v1', 'releases/v1', 'releases/v3']);

    // The action: a TARGET missing fails every host before any rename.
    const step = await actionOnLastThree(dirs[0], 'current -> releases/<x>\n');
    expect(step.stdout).toContain('::error::');
    expect(current(dirs[0])).toBe('releases/v1');
    expect(step.outputs.result).toBeUndefined();
    expect(step.summary).toContain('Failed: ');
    expect(step.summary).toContain('releases/&lt;x&gt;');
    expect(step.summary).toContain('No rename was sent.');
    expect(step.summary).not.toContain('Skew');
    expect(step.summary).toContain('<td>unchanged</td><td>(not read: links line 1: TARGET');
    expect(step.summary).not.toContain('<td>switched</td>');
    // Every cell the summary opens, it closes.
    expect(step.summary.match(/<td>/g)?.length).toBe(step.summary.match(/<\/td>/g)?.length);
  });

  test('a host that cannot rename, a host whose guard sees another writer, a slow host: every host ends old, and the report says so host by host', async () => {
    const { dirs, args } = await fleet([5, 100, 400]);
    const [refusing, watched] = dirs;
    fs.symlinkSync('releases/v1', path.join(watched, 'other'));
    // Another writer on the second host replaces "other" as BSD ln -sf does: unlink, then
    // symlink, here with a whole second between them, so that its guard cannot miss the gap.
    // It starts once the host is prepared (its links read), while the slow host gets ready.
    const writing = prepared(watched).then(() =>
      spawn(process.execPath, [
        '-e',
        `const fs = require('fs'); const link = ${JSON.stringify(path.join(watched, 'other'))};
       const pause = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
       for (;;) {
         try { fs.unlinkSync(link); } catch {}
         pause(1000);
         try { fs.symlinkSync('releases/v1', link); } catch {}
         pause(20);
       }`,
      ]),
    );
    writing.catch(() => undefined);
    const run = startCli(
      [...args, '--json', 'current -> releases/v2', 'other -> releases/v2'],
      '/',
    );
    // Once the first host is prepared, its directory refuses every change, root's too: its
    // renames fail while the slow host is still getting ready.
    const refused = prepared(refusing).then(() => execFileSync('chattr', ['+i', refusing]));
    refused.catch(() => undefined);
    const result = await run.finally(async () => (await writing).kill());
    try {
      await refused;
    } finally {
      execFileSync('chattr', ['-i', refusing]);
    }
    const report = JSON.parse(result.stdout) as { hosts: HostJson[]; error: { exitCode: number } };
    const states = report.hosts.map((host) => host.state);
    expect(states).toEqual(['unchanged', 'switched back', 'switched back']);
    for (const dir of dirs) expect(current(dir)).toBe('releases/v1');
    for (const host of report.hosts) {
      for (const link of host.results) {
        expect(link).toMatchObject({ state: 'not switched', changed: false });
      }
    }
    expect(report.hosts[0].error).toContain('EACCES');
    expect(report.hosts[1].error).toContain('the guard saw links missing');
    expect(result.stderr).toContain('every host is as it was (2 switched back)');
    expect(result.stderr).toMatch(/a link may have been missing: .*"other" missing/);
    expect(
      result.stderr
        .trimEnd()
        .split('\n')
        .filter((line) => !line.startsWith('atomic-link: ')),
    ).toEqual([]);
    expect(report.error.exitCode).toBe(3);
    expect(result.status).toBe(3);
  });

  test('another writer makes a link again on one host right after its rename: every host stays switched, that host and link named, exit 3', async () => {
    const { dirs, args } = await fleet([5, 100]);
    const count = 5;
    for (const dir of dirs) {
      fs.mkdirSync(path.join(dir, 'links'));
      for (let i = 0; i < count; i++) {
        fs.symlinkSync('../releases/v1', path.join(dir, 'links', `l${i}`));
      }
    }
    const gap = await startOneGap(dirs[1], 2, 3);
    const specs = Array.from({ length: count }, (_, i) => `links/l${i} -> ../releases/v2`);
    const result = await startCli([...args, '--json', ...specs], '/');
    const made = (await gap.ended(5000))?.split(' ')[0];
    expect(made).toMatch(/^links\/l[0-9]$/);
    const report = JSON.parse(result.stdout) as { hosts: HostJson[]; error: { exitCode: number } };
    // Every host switched: none is switched back for what another writer did after.
    expect(report.hosts.map((host) => host.state)).toEqual(['switched', 'switched']);
    expect(report.hosts[1].error).toContain(`"${made}" was a symlink dated`);
    expect(result.stderr).toMatch(
      new RegExp(
        `^atomic-link: every host is switched, but \\S+:\\d+${dirs[1]}: links looked at once every rename was acknowledged were not the ones atomic-link renamed there: .*"${made}" was a symlink dated`,
        'm',
      ),
    );
    for (const dir of dirs) {
      for (let i = 0; i < count; i++) {
        expect(fs.readlinkSync(path.join(dir, 'links', `l${i}`))).toBe('../releases/v2');
      }
      expect(leftovers(path.join(dir, 'links'))).toEqual([]);
    }
    expect(report.error.exitCode).toBe(3);
    expect(result.status).toBe(3);
  });

  test('SIGTERM while the hosts get ready: exit 143, every host as it was, nothing left behind', async () => {
    const { dirs, args } = await fleet([0, 0, 300]);
    const run = startCli([...args, 'current -> releases/v2'], '/');
    await prepared(dirs[0]);
    process.kill(run.pid, 'SIGTERM');
    const result = await run;
    expect(result.stderr).toContain('stopped by SIGTERM');
    expect(result.status).toBe(143);
    for (const dir of dirs) {
      expect(current(dir)).toBe('releases/v1');
      expect(leftovers(dir)).toEqual([]);
    }
  });

  test('a host that fails while the others stand by ready ends the fleet at once, not after the guard window of those standing by', async () => {
    // The slow host's working directory is gone: it fails at its first look, well after the
    // first host is prepared, its guard standing by. That guard's stop() waited out the 10 s
    // window (no look counted before begin()), so the fleet ended 10.5 s after it started.
    const { dirs, args } = await fleet([0, 100]);
    fs.rmSync(dirs[1], { recursive: true });
    const started = Date.now();
    const run = await startCli([...args, 'current -> releases/v2'], '/');
    const tookMs = Date.now() - started;
    expect(run.stderr).toContain(`${dirs[1]}: ENOENT`);
    expect(run.stderr).toContain('no host was changed');
    expect(run.status).toBe(2);
    expect(tookMs).toBeLessThan(5000);
    expect(current(dirs[0])).toBe('releases/v1');
    expect(leftovers(dirs[0])).toEqual([]);
  });

  test('SIGTERM once every host has switched: the fleet stays switched, and the exit says it was stopped (143)', async () => {
    const { dirs, args } = await fleet([0, 0, 300]);
    const run = startCli([...args, 'current -> releases/v2'], '/');
    const deadline = Date.now() + 30000;
    // The slow host's answer to its renames, and its clean-up, are on their way for 600 ms more.
    while (!dirs.every((dir) => current(dir) === 'releases/v2')) {
      if (Date.now() > deadline) throw new Error('the fleet never switched');
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    process.kill(run.pid, 'SIGTERM');
    const result = await run;
    expect(result.stderr).toContain('stopped by SIGTERM after the batch was done');
    expect(result.status).toBe(143);
    for (const dir of dirs) {
      expect(current(dir)).toBe('releases/v2');
      expect(leftovers(dir)).toEqual([]);
    }
  });

  test('--dry-run reads every host and changes none; nothing to change sends no rename and claims no skew; one directory reached twice is refused at once', async () => {
    const { dirs, args } = await fleet([0, 5]);
    const plan = await startCli([...args, '--dry-run', 'current -> releases/v2'], '/');
    expect(plan.status).toBe(0);
    expect(plan.stdout).toMatch(/host0: would switch: "current" -> "releases\/v2"/);
    expect(plan.stdout).toMatch(/host1: would switch: "current" -> "releases\/v2"/);
    const json = await startCli([...args, '--dry-run', '--json', 'current -> releases/v2'], '/');
    const report = JSON.parse(json.stdout) as { dryRun: boolean; hosts: HostJson[] };
    expect(report.dryRun).toBe(true);
    expect(report.hosts.map((host) => host.results[0].state)).toEqual([
      'would switch',
      'would switch',
    ]);
    for (const dir of dirs) {
      expect(current(dir)).toBe('releases/v1');
      expect(leftovers(dir)).toEqual([]);
    }

    const already = await startCli([...args, '--json', 'current -> releases/v1'], '/');
    expect(already.status).toBe(0);
    expect(JSON.parse(already.stdout).skewMs).toBeUndefined();

    // The first host's directory again, through the second host's proxy.
    const twice = [...args];
    twice[twice.indexOf('--ssh', 1) + 1] = twice[1].replace(/:\d+\//, `:${proxies.at(-1)?.port}/`);
    const started = Date.now();
    const run = await startCli([...twice, 'current -> releases/v2'], '/');
    expect(run.stderr).toContain('is held by this very run: this directory is reached twice');
    expect(run.status).toBe(1);
    expect(Date.now() - started).toBeLessThan(30000);
    for (const dir of dirs) expect(current(dir)).toBe('releases/v1');
  });
});
