import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runStep } from './helpers/runner.js';
import { makeDeployTree, makeManyLinks, snapshot } from './helpers/tree.js';

describe('the bundled action, run as the runner runs it', () => {
  test('two links in one step, with comments and blank lines; outputs and summary', async () => {
    const dir = makeDeployTree();
    fs.symlinkSync('releases/v1/index.html', path.join(dir, 'home'));
    const step = await runStep(dir, {
      links: '# the site\ncurrent -> releases/v2\n\n  home -> releases/v2/index.html\n',
    });
    expect(step.status).toBe(0);
    expect(fs.readlinkSync(path.join(dir, 'current'))).toBe('releases/v2');
    expect(fs.readlinkSync(path.join(dir, 'home'))).toBe('releases/v2/index.html');
    expect(JSON.parse(step.outputs.result)).toEqual([
      {
        link: 'current',
        type: 'symbolic',
        target: 'releases/v2',
        previous: 'releases/v1',
        changed: true,
        state: 'switched',
      },
      {
        link: 'home',
        type: 'symbolic',
        target: 'releases/v2/index.html',
        previous: 'releases/v1/index.html',
        changed: true,
        state: 'switched',
      },
    ]);
    expect(step.outputs.changed).toBe('2');
    expect(JSON.parse(step.outputs.previous)).toEqual({
      current: 'releases/v1',
      home: 'releases/v1/index.html',
    });
    expect(step.summary).toContain('<td>current</td><td>releases/v1</td><td>releases/v2</td>');
    expect(step.summary).toMatch(
      /Guard: kernel notifications, certain: 2 changes to the links&#39; names told, none but ours; window \d+ ms\./,
    );
    expect(step.stdout).toContain('::group::Switching 2 links');
  });

  test('JSON specs with a hard link and a backup; the previous output rolls back', async () => {
    const dir = makeDeployTree();
    fs.linkSync(path.join(dir, 'releases/v1/index.html'), path.join(dir, 'page'));
    const links = JSON.stringify([
      { link: 'current', target: 'releases/v2', backup: '.prev' },
      { link: 'page', target: 'releases/v2/index.html', type: 'hard' },
    ]);
    const step = await runStep(dir, { links });
    expect(step.status).toBe(0);
    expect(fs.readlinkSync(path.join(dir, 'current.prev'))).toBe('releases/v1');
    expect(fs.readFileSync(path.join(dir, 'page'), 'utf8')).toBe('v2\n');
    const previous = JSON.parse(step.outputs.previous);
    const rollback = await runStep(dir, { links: `current -> ${previous.current}` });
    expect(rollback.status).toBe(0);
    expect(fs.readlinkSync(path.join(dir, 'current'))).toBe('releases/v1');
  });

  test('a failed step writes a summary too: the error, escaped, and nothing changed', async () => {
    const dir = makeDeployTree();
    const before = snapshot(dir);
    const step = await runStep(dir, { links: 'current -> releases/<v9>' });
    expect(step.stdout).toContain('::error::');
    expect(step.summary).toContain('Failed: links line 1: TARGET &quot;releases/&lt;v9&gt;&quot;');
    expect(step.summary).not.toContain('<v9>');
    expect(snapshot(dir)).toEqual(before);
  });

  test("advice names the action's inputs, not the CLI's options", async () => {
    const dir = makeDeployTree();
    fs.writeFileSync(path.join(dir, 'data'), 'precious');
    const before = snapshot(dir);
    const dangling = await runStep(dir, { links: 'current -> releases/v9' });
    expect(dangling.status).toBe(1);
    expect(dangling.stdout).toMatch(
      /^::error::links line 1: TARGET "releases\/v9" of LINK "current" does not exist .*; set allow-dangling: true to link it anyway$/m,
    );
    const file = await runStep(dir, { links: 'data -> releases/v2' });
    expect(file.stdout).toMatch(
      /^::error::.*"data" is a regular file; set replace-files: true to replace it$/m,
    );
    for (const step of [dangling, file]) expect(step.stdout).not.toMatch(/--allow|--replace/);
    expect(snapshot(dir)).toEqual(before);
  });

  test('dry-run reports the plan and changes nothing', async () => {
    const dir = makeDeployTree();
    const before = snapshot(dir);
    const step = await runStep(dir, { links: 'current -> releases/v2', 'dry-run': 'true' });
    expect(step.status).toBe(0);
    expect(step.outputs.changed).toBe('1');
    expect(step.summary).toContain('would switch');
    expect(snapshot(dir)).toEqual(before);
  });

  test.each([
    [{ links: 'current -> releases/v2\nnew -> releases/v9' }, 'links line 2: TARGET "releases/v9"'],
    [{ links: '../outside -> releases/v2' }, 'is outside the working directory'],
    [{ links: `${os.tmpdir()}/x -> releases/v2` }, 'is outside the working directory'],
    [{ links: 'escape/current -> releases/v2' }, 'is outside the working directory'],
    [{ links: 'current -> releases/v2', guard: 'yes' }, 'input "guard" must be true or false'],
    [{ links: 'current -> releases/v2', probe: 'sometimes' }, 'input "probe" must be auto'],
    [{ links: 'current -> releases/v2', 'lock-timeout': '-1' }, 'input "lock-timeout"'],
    [{ links: '' }, 'Input required and not supplied: links'],
    [{ links: 'current releases/v2' }, 'links line 1'],
    [
      {
        links: '[{"link": "current", "target": "releases/v2", "expect": "releases/v1"}]',
        lock: 'false',
      },
      'a compare-and-swap only under the lock',
    ],
    [{ links: 'current -> releases/v2', 'ssh-host': '-oProxyCommand=sh' }, 'input "ssh-host"'],
    [
      { links: 'current -> releases/v2', 'ssh-user': 'deploy', 'remote-path': '/srv/app' },
      'input "ssh-host" is empty, but "ssh-user", "remote-path" are set',
    ],
    [{ links: 'current -> releases/v2', sshfs: 'true' }, 'input "ssh-host" is empty, but "sshfs"'],
    [
      {
        links: 'current -> releases/v2',
        'ssh-host': 'web1',
        'ssh-user': '-oProxyCommand=sh',
        'ssh-private-key': 'key',
        'ssh-known-hosts': 'web1 ssh-ed25519 AAAA',
        'remote-path': '/srv/app',
      },
      'input "ssh-user" must be a name',
    ],
    [
      { links: 'current -> releases/v2', 'working-directory': 'nowhere' },
      '"nowhere" does not exist',
    ],
  ])('bad input %j fails the job, naming it, and changes nothing', async (inputs, mention) => {
    const dir = makeDeployTree();
    fs.symlinkSync(os.tmpdir(), path.join(dir, 'escape'));
    const before = snapshot(dir);
    const step = await runStep(dir, inputs);
    expect(step.status).toBe(1);
    const error = step.stdout.split('\n').find((line) => line.startsWith('::error::'));
    expect(error).toContain(mention);
    expect(snapshot(dir)).toEqual(before);
  });

  test('names and targets reach the job summary HTML-escaped', async () => {
    const dir = makeDeployTree();
    const hostile = '<img src=x onerror=alert(1)>';
    fs.symlinkSync('releases/<svg onload=alert(2)>', path.join(dir, hostile));
    // A blank line would end the table's HTML block and start Markdown.
    fs.symlinkSync('releases/v1\n\n![x](y)', path.join(dir, 'home'));
    fs.mkdirSync(path.join(dir, 'releases', `"v4" & 'v5'`));
    const links = JSON.stringify([
      { link: hostile, target: 'releases/v2' },
      { link: 'current', target: `releases/"v4" & 'v5'` },
      { link: 'home', target: 'releases/v2' },
    ]);
    const step = await runStep(dir, { links });
    expect(step.status).toBe(0);
    expect(step.summary).not.toMatch(/<(img|svg)/);
    expect(step.summary).toContain('<td>&lt;img src=x onerror=alert(1)&gt;</td>');
    expect(step.summary).toContain('<td>releases/&lt;svg onload=alert(2)&gt;</td>');
    expect(step.summary).toContain('<td>releases/&quot;v4&quot; &amp; &#39;v5&#39;</td>');
    expect(step.summary).toContain('<td>releases/v1&#10;&#10;![x](y)</td>');
  });

  describe('a working directory behind a symlink, as /var/www -> /data/www', () => {
    /** workspace/www -> data/www, a deploy tree, and data/www/escape -> data (outside www). */
    function symlinkedSite(): { workspace: string; site: string } {
      const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-workspace-'));
      const site = path.join(workspace, 'data', 'www');
      fs.mkdirSync(path.dirname(site));
      fs.renameSync(makeDeployTree(), site);
      fs.symlinkSync('data/www', path.join(workspace, 'www'));
      fs.symlinkSync('..', path.join(site, 'escape'));
      return { workspace, site };
    }

    test.each([
      ['a relative path', () => 'www'],
      ['an absolute path', (workspace: string) => path.join(workspace, 'www')],
    ])('works, given as %s', async (_, workingDirectory) => {
      const { workspace, site } = symlinkedSite();
      const step = await runStep(workspace, {
        links: 'current -> releases/v2',
        'working-directory': workingDirectory(workspace),
      });
      expect(step.stdout).not.toContain('::error::');
      expect(step.status).toBe(0);
      expect(fs.readlinkSync(path.join(site, 'current'))).toBe('releases/v2');
      expect(JSON.parse(step.outputs.previous)).toEqual({ current: 'releases/v1' });
    });

    test.each(['escape/current', '../current', '../../current'])(
      'a LINK that leaves it (%s) is still refused',
      async (link) => {
        const { workspace, site } = symlinkedSite();
        const before = snapshot(path.dirname(site));
        const step = await runStep(workspace, {
          links: `${link} -> www/releases/v2`,
          'working-directory': 'www',
        });
        expect(step.status).toBe(1);
        expect(step.stdout).toMatch(/::error::.*is outside the working directory/);
        expect(snapshot(path.dirname(site))).toEqual(before);
      },
    );
  });

  test('the guard fails the job when a link goes missing during the update', async () => {
    const count = 200;
    const dir = makeManyLinks(count);
    const links = Array.from({ length: count }, (_, i) => `links/l${i} -> ../releases/v2/f${i}`);
    // Someone else switching 50 of the same links the naive way, throughout the step.
    const flipper = spawn(
      'sh',
      [
        '-c',
        'while :; do for i in $(seq 0 49); do rm -f links/l$i; ln -s ../releases/v3/f$i links/l$i 2>/dev/null; done; done',
      ],
      { cwd: dir },
    );
    // strace holds one rename 1 s, so that the flipper is sure to run inside the window.
    const holdOneRename = [
      'strace',
      '-f',
      '--seccomp-bpf',
      '-o',
      '/dev/null',
      '-e',
      'trace=rename,renameat,renameat2',
      '-e',
      'inject=rename,renameat,renameat2:delay_enter=1000000:when=60',
    ];
    try {
      const step = await runStep(dir, { links: links.join('\n') }, {}, holdOneRename);
      expect(step.status).toBe(1);
      // On a local disk the kernel tells the guard of each of the other writer's changes.
      expect(step.stdout).toMatch(
        /::error::the kernel told of changes to links during the update that were not ours .*"links\/l\d+" changed \d+ times where our rename made 1/,
      );
    } finally {
      flipper.kill();
    }
  });
});
