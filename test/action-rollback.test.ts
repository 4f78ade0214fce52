import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeServerTree, startSshd } from './helpers/ssh-server.js';
import type { SshServer } from './helpers/ssh-server.js';
import { runStep } from './helpers/runner.js';
import { makeDeployTree, snapshot } from './helpers/tree.js';

const readLink = (dir: string, name = 'current') => fs.readlinkSync(path.join(dir, name));
const backupsOf = (dir: string) =>
  fs
    .readdirSync(dir)
    .filter((entry) => entry.startsWith('current.~') || entry === 'current~')
    .sort();

describe("the action's history and rollback, run as the runner runs it", () => {
  test('history: N keeps numbered backups; rollback: true goes back one step per run', async () => {
    const dir = makeDeployTree();
    for (const version of ['v2', 'v3', 'v1']) {
      const step = await runStep(dir, { links: `current -> releases/${version}`, history: '2' });
      expect(step.status).toBe(0);
    }
    expect(backupsOf(dir)).toEqual(['current.~2~', 'current.~3~']);

    const back = await runStep(dir, { links: 'current', rollback: 'true' });
    expect(back.status).toBe(0);
    expect(readLink(dir)).toBe('releases/v3');
    expect(JSON.parse(back.outputs.result)).toEqual([
      {
        link: 'current',
        type: 'symbolic',
        target: 'releases/v3',
        previous: 'releases/v1',
        changed: true,
        state: 'switched',
        from: 'current.~3~',
      },
    ]);
    expect(JSON.parse(back.outputs.previous)).toEqual({ current: 'releases/v1' });
    expect(back.summary).toContain('<td>current</td><td>releases/v1</td><td>releases/v3</td>');

    // A later workflow run needs nothing from this one: it reads the history itself.
    const again = await runStep(dir, { links: 'current', rollback: 'true' });
    expect(again.status).toBe(0);
    expect(readLink(dir)).toBe('releases/v2');
    expect(backupsOf(dir)).toEqual([]);

    const before = snapshot(dir);
    const none = await runStep(dir, { links: 'current', rollback: 'true' });
    expect(none.status).toBe(1);
    expect(none.stdout).toContain(
      '::error::links line 1: LINK "current" has no backup to roll back to',
    );
    expect(snapshot(dir)).toEqual(before);
  });

  test('on a first deploy: no previous target, and a rollback is refused with nothing changed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-first-'));
    fs.mkdirSync(path.join(dir, 'releases', 'v1'), { recursive: true });
    const deploy = await runStep(dir, { links: 'current -> releases/v1', history: '5' });
    expect(deploy.status).toBe(0);
    // What the README's rollback step tests before it runs.
    expect(JSON.parse(deploy.outputs.previous)).toEqual({ current: null });
    const before = snapshot(dir);
    const back = await runStep(dir, { links: 'current', rollback: 'true' });
    expect(back.status).toBe(1);
    expect(back.stdout).toContain('LINK "current" has no backup to roll back to');
    expect(snapshot(dir)).toEqual(before);
  });

  test('bad combinations are refused before anything is touched', async () => {
    const dir = makeDeployTree();
    const before = snapshot(dir);
    for (const [inputs, message] of [
      [{ links: 'current -> releases/v2', rollback: 'true' }, 'takes LINKs, not SPECs'],
      [{ links: 'current', rollback: 'true', status: 'true' }, 'conflict'],
      [{ links: 'current -> releases/v2', history: '0' }, 'input "history" must be a whole'],
      [
        { links: 'current -> releases/v2', history: '2', 'backup-suffix': '.old' },
        'inputs "history" and "backup-suffix" conflict',
      ],
      [
        { links: 'current -> releases/v2', history: '2', lock: 'false' },
        'the numbered backups of LINK "current" are named under the lock',
      ],
      [
        { links: 'current', rollback: 'true', lock: 'false' },
        'running without the lock is refused',
      ],
    ] as const) {
      const step = await runStep(dir, inputs);
      expect(step.status).toBe(1);
      expect(step.stdout).toContain(message);
    }
    expect(snapshot(dir)).toEqual(before);
  });

  test('status: true sets the status output and changes nothing', async () => {
    const dir = makeDeployTree();
    await runStep(dir, { links: 'current -> releases/v2', 'backup-suffix': '.prev' });
    const before = snapshot(dir);
    const step = await runStep(dir, { links: 'current', status: 'true', 'backup-suffix': '.prev' });
    expect(step.status).toBe(0);
    expect(JSON.parse(step.outputs.status)).toEqual({
      links: [
        {
          link: 'current',
          type: 'symbolic',
          target: 'releases/v2',
          exists: true,
          backups: [
            { name: 'current.prev', type: 'symbolic', target: 'releases/v1', exists: true },
          ],
        },
      ],
    });
    expect(snapshot(dir)).toEqual(before);
  });
});

describe('the action rolls back over SFTP', () => {
  let server: SshServer;
  beforeAll(async () => {
    server = await startSshd();
  });
  afterAll(() => server.stop());

  /** A fresh tree on the server, named `name`, and the inputs that reach it. */
  function remoteTree(name: string) {
    const dir = path.join(server.root, name);
    fs.mkdirSync(dir);
    makeServerTree(dir);
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-workspace-'));
    const remote = {
      'ssh-host': '127.0.0.1',
      'ssh-port': String(server.port),
      'ssh-user': 'root',
      'ssh-private-key': fs.readFileSync(server.identity, 'utf8'),
      'ssh-known-hosts': fs.readFileSync(server.knownHosts, 'utf8'),
      'remote-path': dir,
    };
    return { dir, workspace, remote };
  }

  test('rollback: true on ssh-host goes back to the host’s own previous target', async () => {
    const { dir, workspace, remote } = remoteTree('app');
    const deploy = await runStep(workspace, {
      ...remote,
      links: 'current -> releases/v3',
      history: '3',
    });
    expect(deploy.status).toBe(0);
    expect(readLink(dir, 'current.~1~')).toBe('releases/v1');
    const back = await runStep(workspace, { ...remote, links: 'current', rollback: 'true' });
    expect(back.stdout).not.toContain('::error::');
    expect(back.status).toBe(0);
    expect(readLink(dir)).toBe('releases/v1');
    expect(backupsOf(dir)).toEqual([]);
  });

  test('in container mode the CLI in the image keeps the history and rolls back', async () => {
    const { dir, workspace, remote: sftp } = remoteTree('in-container');
    const remote = {
      ...sftp,
      'docker-network': 'host',
      image: process.env.ATOMIC_LINK_TEST_IMAGE ?? 'atomic-link:test',
    };
    for (const version of ['v2', 'v3']) {
      const step = await runStep(workspace, {
        ...remote,
        links: `current -> releases/${version}`,
        history: '1',
      });
      expect(step.status).toBe(0);
    }
    expect(backupsOf(dir)).toEqual(['current.~2~']);
    const back = await runStep(workspace, { ...remote, links: 'current', rollback: 'true' });
    expect(back.stdout).not.toContain('::error::');
    expect(back.status).toBe(0);
    expect(readLink(dir)).toBe('releases/v2');
    expect(JSON.parse(back.outputs.result)[0]).toMatchObject({ from: 'current.~2~' });
    const none = await runStep(workspace, { ...remote, links: 'current', rollback: 'true' });
    expect(none.status).toBe(1);
    expect(none.stdout).toContain('::error::links line 1: LINK "current" has no backup');
    expect(readLink(dir)).toBe('releases/v2');
  });
});
