// The benchmarks: `npm run bench` (everything) or `npm run bench -- local cold` (some).
// Each prints its figures and ratios; all of them go to bench/results/results.json, from which
// scripts/performance.js writes the tables of docs/performance.md and the README's headline
// figures, and the local batch figures to docs/bench-local.svg. Figures are medians of runs
// taken in turns.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { perLinkChart } from './chart.js';
import { benchBaseline } from './baseline.js';
import { benchCold } from './cold.js';
import { benchGuardEyes } from './guard-eyes.js';
import { benchImage } from './image.js';
import { benchLocal } from './local.js';
import { benchRemote } from './remote.js';
import { benchRollback } from './rollback.js';
import { benchFleet } from './fleet.js';
import { benchJump } from './jump.js';
import { describeFilesystem, round, shell } from './measure.js';

const SECTIONS = [
  'local',
  'cold',
  'remote',
  'eyes',
  'image',
  'fleet',
  'baseline',
  'jump',
  'rollback',
];
const chosen = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const sizesArg = process.argv.find((arg) => arg.startsWith('--sizes='));
const sizes = sizesArg ? sizesArg.slice(8).split(',').map(Number) : [10, 100, 1000, 10000, 100000];
// --in=DIR: where section 1 makes its link trees (default: the temp dir).
const inArg = process.argv.find((arg) => arg.startsWith('--in='));
const treesIn = inArg ? path.resolve(inArg.slice(5)) : os.tmpdir();
const chart = inArg ? `docs/bench-local-${path.basename(treesIn)}.svg` : 'docs/bench-local.svg';
// --baseline=REF: the commit the baseline section compares this build with. By default the
// main before the engine went over the batch port (issue 9), whose goal is "no regression".
const baselineArg = process.argv.find((arg) => arg.startsWith('--baseline='));
const baselineRef = baselineArg ? baselineArg.slice(11) : '05d3218';
const run = (section: string) => chosen.length === 0 || chosen.includes(section);
for (const section of chosen) {
  if (!SECTIONS.includes(section))
    throw new Error(`unknown section ${section}; one of ${SECTIONS}`);
}

const log = (line: string) => console.log(line);
const machine = {
  cpu: shell("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").trim(),
  cores: os.cpus().length,
  memoryGiB: round(os.totalmem() / 2 ** 30, 1),
  kernel: os.release(),
  node: process.version,
  date: new Date().toISOString(),
};
log(`machine: ${JSON.stringify(machine)}`);
const results: Record<string, unknown> = { machine };

if (run('local')) {
  log(`\n1. Local batch throughput (median wall time of the whole command), in ${treesIn}`);
  const local = benchLocal(sizes, treesIn, log);
  // A run elsewhere (--in) is kept beside the default one, not in its place.
  const key = inArg ? `local in ${treesIn}` : 'local';
  fs.mkdirSync('docs', { recursive: true });
  fs.writeFileSync(
    chart,
    perLinkChart(
      local,
      `Per-link cost of switching N links (${machine.cores} cores, ${describeFilesystem(treesIn).short})`,
    ),
  );
  log('\n| N | ' + [...new Set(local.map((r) => r.name))].join(' | ') + ' |');
  for (const count of sizes) {
    const row = local.filter((r) => r.count === count);
    log(
      `| ${count} | ${row.map((r) => `${r.perLinkMicros.toFixed(1)} µs (${r.ratioToFloor.toFixed(2)}x)`).join(' | ')} |`,
    );
  }
  const falseAlarms = local
    .filter((r) => r.name.includes('guard on'))
    .reduce((sum, r) => sum + r.failedRuns, 0);
  const switches = local
    .filter((r) => r.name.includes('guard on'))
    .reduce((sum, r) => sum + r.count * r.runs, 0);
  results[key] = {
    filesystem: describeFilesystem(treesIn),
    results: local,
    falseAlarms: { switches, runsFailed: falseAlarms },
  };
  log(`guard false alarms: ${falseAlarms} failed runs in ${switches} atomic switches`);
}
if (run('cold')) {
  log('\n2. One link, cold (median of 15 runs; peak memory of one run)');
  results.cold = benchCold(log);
}
if (run('remote')) {
  log('\n3. Links over SSH: loopback sshd, and the same through a 20 ms RTT delay proxy');
  results.remote = await benchRemote(log);
}
if (run('eyes')) {
  log("\n4. The guard's eyes (runs failed with exit 3, over non-atomic switches and without)");
  results.eyes = await benchGuardEyes(Number(process.env.ATOMIC_LINK_EYES_RUNS ?? 20), log);
}
if (run('image')) {
  log('\n5. Docker image size');
  const image = benchImage('atomic-link:test', 'atomic-link-base:bookworm');
  log(
    `  ${image.image}: ${image.imageMB.toFixed(1)} MB, base ${image.baseMB.toFixed(1)} MB, +${image.addedMB.toFixed(1)} MB`,
  );
  results.image = image;
}
if (run('fleet')) {
  log('\n6. Many hosts as one: 10 hosts x 100 links, each host behind its own 20 ms RTT proxy');
  results.fleet = await benchFleet(log);
}
if (run('baseline')) {
  // tmpfs: a steady floor (ext4 without a journal moves with its recent deletions); --in adds
  // a place of one's own.
  const places = inArg ? ['/dev/shm', treesIn] : ['/dev/shm'];
  // 20 rounds: on a shared 2-core machine the ratio of medians of 10 moved by 4% between runs.
  const rounds = 20;
  log(
    `\n7. This build against ${baselineRef}, 10,000 links (medians of ${rounds} rounds in turns)`,
  );
  results.baseline = benchBaseline(baselineRef, places, 10000, rounds, log);
}

if (run('jump')) {
  log(
    '\n8. Through a jump host: one link at 20 ms RTT on each hop, 10 hosts behind one jump host at 10 ms',
  );
  results.jump = await benchJump(log);
}

if (run('rollback')) {
  log('\n9. History and rollback over SFTP against a plain switch (medians of 5 rounds in turns)');
  results.rollback = await benchRollback(log);
}

const out = path.join('bench', 'results', 'results.json');
fs.mkdirSync(path.dirname(out), { recursive: true });
const previous = fs.existsSync(out) ? JSON.parse(fs.readFileSync(out, 'utf8')) : {};
fs.writeFileSync(out, JSON.stringify({ ...previous, ...results }, null, 2) + '\n');
log(`\nwritten: ${out}${run('local') ? `, ${chart}` : ''}`);
// docs/performance.md's tables and the README's headline figures are made from that file.
execFileSync(process.execPath, ['scripts/performance.js'], { stdio: 'inherit' });
