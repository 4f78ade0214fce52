import fs from 'node:fs';
import { CLI } from './local.js';
import { median, peakMemoryKiB, timeCommand } from './measure.js';
import { linkTree } from './trees.js';

export interface ColdResult {
  name: string;
  runs: number;
  medianMillis: number;
  peakMemoryKiB: number;
}

/** One link, one process, as a deploy step does it: wall time and peak memory. */
export function benchCold(log: (line: string) => void): ColdResult[] {
  const dir = linkTree(1);
  const target = (v: string) => `../releases/${v}/f0`;
  const contenders: { name: string; command: (v: string) => string[] }[] = [
    {
      name: 'atomic-link (guard on)',
      command: (v) => [process.execPath, CLI, `links/l0 -> ${target(v)}`],
    },
    {
      name: 'atomic-link --no-guard',
      command: (v) => [process.execPath, CLI, '--no-guard', `links/l0 -> ${target(v)}`],
    },
    // Loading the bundle and answering: what a run pays before it touches a link.
    { name: 'atomic-link --version', command: () => [process.execPath, CLI, '--version'] },
    {
      name: 'Python os.symlink + os.replace',
      command: (v) => [
        'python3',
        '-c',
        'import os, sys; os.symlink(sys.argv[1], "links/.tmp"); os.replace("links/.tmp", "links/l0")',
        target(v),
      ],
    },
    { name: 'ln -sfn', command: (v) => ['ln', '-sfn', target(v), 'links/l0'] },
    {
      name: 'ln -s + mv -T (sh -c)',
      command: (v) => ['sh', '-c', `ln -s ${target(v)} links/.tmp && mv -T links/.tmp links/l0`],
    },
    { name: 'node -e 0 (start-up alone)', command: () => [process.execPath, '-e', '0'] },
  ];
  const runs = 15;
  const times = new Map<string, number[]>(contenders.map((contender) => [contender.name, []]));
  let version = 'v1';
  for (let round = 0; round < runs; round++) {
    for (const contender of contenders) {
      version = version === 'v1' ? 'v2' : 'v1';
      const run = timeCommand(contender.command(version), { cwd: dir });
      if (run.status !== 0) throw new Error(`${contender.name} failed`);
      times.get(contender.name)?.push(run.seconds);
    }
  }
  const results = contenders.map((contender) => ({
    name: contender.name,
    runs,
    medianMillis: median(times.get(contender.name) as number[]) * 1000,
    peakMemoryKiB: peakMemoryKiB(contender.command('v1'), dir),
  }));
  // Node's own start, measured in the same turns: what atomic-link adds to it is the figure.
  const node = results[results.length - 1].medianMillis;
  for (const result of results) {
    log(
      `  ${result.name}: ${result.medianMillis.toFixed(1)} ms (node -e 0 ${result.medianMillis >= node ? '+' : '-'}` +
        `${Math.abs(result.medianMillis - node).toFixed(1)} ms), ${result.peakMemoryKiB} KiB`,
    );
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return results;
}
