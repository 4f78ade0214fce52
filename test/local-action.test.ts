import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, leftovers, makeDeployTree, snapshot } from './helpers/tree.js';

const LOCAL_ACTION = path.join(ROOT, 'node_modules', '.bin', 'local-action');

/**
 * Runs the action from its sources as GitHub's @github/local-action does (tsx, its own
 * @actions/core), with `inputs` as INPUT_* lines of its dotenv file. Its setFailed stub does
 * not set the exit code: a failure is read from the `::error::` line it prints.
 */
function runLocalAction(inputs: Record<string, string>) {
  const files = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-local-action-'));
  const summary = path.join(files, 'summary.md');
  const lines = Object.entries(inputs).map(
    ([name, value]) => `INPUT_${name.toUpperCase()}=${JSON.stringify(value)}`,
  );
  fs.writeFileSync(
    path.join(files, '.env'),
    [...lines, `GITHUB_STEP_SUMMARY=${summary}`].join('\n'),
  );
  const run = spawnSync(
    LOCAL_ACTION,
    ['run', ROOT, 'src/action/main.ts', path.join(files, '.env')],
    // From the action's directory, as its users run it (it runs the action's own tsx); not
    // with this test's Node options (jest's VM modules).
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' }, timeout: 120_000 },
  );
  const said = run.stdout.slice(run.stdout.indexOf('Running Action'));
  return {
    status: run.status,
    said,
    errors: said.split('\n').filter((line) => line.startsWith('::error::')),
    summary: fs.existsSync(summary) ? fs.readFileSync(summary, 'utf8') : '',
  };
}

describe('the action run from its sources under @github/local-action', () => {
  test('finds its guard worker in its own files, switches, and sets its outputs', () => {
    expect(fs.existsSync(LOCAL_ACTION)).toBe(true);
    const dir = makeDeployTree();
    const run = runLocalAction({ links: 'current -> releases/v2', 'working-directory': dir });
    expect(run.errors).toEqual([]);
    expect(run.status).toBe(0);
    expect(fs.readlinkSync(path.join(dir, 'current'))).toBe('releases/v2');
    expect(run.said).toContain('::set-output name=changed::1');
    expect(run.summary).toMatch(
      /Guard: kernel notifications, certain: 1 change to the links&#39; names told, none but ours/,
    );
    expect(leftovers(dir)).toEqual([]);
  }, 180_000);

  test('a refusal is its ::error:: line, naming the input, and nothing changes', () => {
    const dir = makeDeployTree();
    const before = snapshot(dir);
    const run = runLocalAction({ links: 'current -> releases/v9', 'working-directory': dir });
    expect(run.errors).toHaveLength(1);
    expect(run.errors[0]).toContain(
      'links line 1: TARGET "releases/v9" of LINK "current" does not exist',
    );
    expect(run.errors[0]).not.toContain('--allow-dangling');
    expect(run.errors[0]).toContain('allow-dangling: true');
    expect(snapshot(dir)).toEqual(before);
  }, 180_000);
});
