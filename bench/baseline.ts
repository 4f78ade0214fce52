import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CLI } from './local.js';
import { median, usageOf } from './measure.js';
import { linkTree } from './trees.js';

export interface BaselineResult {
  where: string;
  guard: boolean;
  count: number;
  rounds: number;
  baseline: { ref: string; wallSeconds: number; cpuSeconds: number };
  current: { wallSeconds: number; cpuSeconds: number };
  wallRatio: number;
  cpuRatio: number;
}

/**
 * The CLI of an earlier commit, bundled in a scratch worktree beside this one (its node_modules
 * borrowed from here), so that "does not regress" is measured in the same run as this build.
 */
export function bundleBaseline(ref: string): { cli: string; specFileFlag: string; done(): void } {
  const tree = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-baseline-'));
  execFileSync('git', ['worktree', 'add', '--detach', tree, ref], { stdio: 'ignore' });
  const done = () => {
    spawnSync('git', ['worktree', 'remove', '--force', tree], { stdio: 'ignore' });
    fs.rmSync(tree, { recursive: true, force: true });
  };
  try {
    fs.symlinkSync(path.resolve('node_modules'), path.join(tree, 'node_modules'));
    execFileSync('npm', ['run', 'bundle'], { cwd: tree, stdio: 'ignore' });
    const cli = path.join(tree, 'dist', 'cli.js');
    // Before the ln letters (issue 11), spec files were `-f FILE`.
    const help = spawnSync(process.execPath, [cli, '--help'], { encoding: 'utf8' }).stdout;
    return { cli, specFileFlag: help.includes('--spec-file') ? '--spec-file' : '-f', done };
  } catch (error) {
    done();
    throw error;
  }
}

/**
 * This build against the baseline's, in turns on one link tree, each run switching all
 * `count` links to the release not in place: median wall time of the whole command, and the
 * CPU time of all its threads (steadier on a shared machine than the wall).
 */
export function benchBaseline(
  ref: string,
  places: string[],
  count: number,
  rounds: number,
  log: (line: string) => void,
): BaselineResult[] {
  const baseline = bundleBaseline(ref);
  const results: BaselineResult[] = [];
  try {
    for (const where of places) {
      const dir = linkTree(count, where);
      try {
        for (const guard of [true, false]) {
          const flags = guard ? [] : ['--no-guard'];
          const contenders = [
            (v: string) => [
              process.execPath,
              baseline.cli,
              ...flags,
              baseline.specFileFlag,
              `specs-${v}`,
            ],
            (v: string) => [process.execPath, CLI, ...flags, '--spec-file', `specs-${v}`],
          ];
          const wall: number[][] = [[], []];
          const cpu: number[][] = [[], []];
          let version = 'v1';
          for (let round = 0; round < rounds; round++) {
            contenders.forEach((command, index) => {
              version = version === 'v1' ? 'v2' : 'v1';
              const usage = usageOf(command(version), dir);
              wall[index].push(usage.wallSeconds);
              cpu[index].push(usage.cpuSeconds);
            });
          }
          const [before, after] = [0, 1].map((index) => ({
            wallSeconds: median(wall[index]),
            cpuSeconds: median(cpu[index]),
          }));
          const result: BaselineResult = {
            where,
            guard,
            count,
            rounds,
            baseline: { ref, ...before },
            current: after,
            wallRatio: after.wallSeconds / before.wallSeconds,
            cpuRatio: after.cpuSeconds / before.cpuSeconds,
          };
          results.push(result);
          log(
            `  ${where}, guard ${guard ? 'on' : 'off'}, ${count} links, ${rounds} rounds: ` +
              `${ref} ${before.wallSeconds.toFixed(3)} s (CPU ${before.cpuSeconds.toFixed(3)} s), ` +
              `this build ${after.wallSeconds.toFixed(3)} s (CPU ${after.cpuSeconds.toFixed(3)} s): ` +
              `${result.wallRatio.toFixed(2)}x wall, ${result.cpuRatio.toFixed(2)}x CPU`,
          );
        }
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
  } finally {
    baseline.done();
  }
  return results;
}
