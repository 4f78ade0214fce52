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
      },
      {
        link: 'home',
        type: 'symbolic',
        target: 'releases/v2/index.html',
        previous: 'releases/v1/index.html',
        changed: true,
      },
    ]);
    expect(step.outputs.changed).toBe('2');
    expect(JSON.parse(step.outputs.previous)).toEqual({
      current: 'releases/v1',
      home: 'releases/v1/index.html',
    });
    expect(step.summary).toContain('<td>current</td><td>releases/v1</td><td>releases/v2</td>');
    expect(step.summary).toMatch(/Guard: \d+ lookups, 0 missing/);
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

  test('the guard fails the job when a link goes missing during the update', async () => {
    const count = 2000;
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
    try {
      const step = await runStep(dir, { links: links.join('\n') });
      expect(step.status).toBe(1);
      expect(step.stdout).toMatch(
        /::error::the guard saw links missing during the update .*"links\/l\d+" missing \d+ times/,
      );
    } finally {
      flipper.kill();
    }
  });
});
