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
  for (const result of results) {
    log(`  ${result.name}: ${result.medianMillis.toFixed(1)} ms, ${result.peakMemoryKiB} KiB`);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  return results;
}
