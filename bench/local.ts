import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { median, timeCommand } from './measure.js';
import { linkTree } from './trees.js';

export const CLI = path.resolve('dist/cli.js');

/** The floor: a C loop of symlink + rename, the least any atomic switch can do. */
const FLOOR_C = `#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
int main(int argc, char **argv) {
  long n = atol(argv[1]);
  char target[64], link[64], temp[64];
  for (long i = 0; i < n; i++) {
    snprintf(target, sizeof target, "../releases/%s/f%ld", argv[2], i);
    snprintf(link, sizeof link, "links/l%ld", i);
    snprintf(temp, sizeof temp, "links/.tmp%ld", i);
    if (symlink(target, temp) != 0 || rename(temp, link) != 0) { perror(link); return 1; }
  }
  return 0;
}
`;

/**
 * The least any Node program can do: the same loop in JavaScript, with no checks, no guard and
 * no results. What atomic-link adds to Node's own cost is the distance to this one.
 */
const NODE_LOOP = `const fs = require('node:fs');
const [n, v] = [Number(process.argv[1]), process.argv[2]];
for (let i = 0; i < n; i++) {
  fs.symlinkSync(\`../releases/\${v}/f\${i}\`, \`links/.tmp\${i}\`);
  fs.renameSync(\`links/.tmp\${i}\`, \`links/l\${i}\`);
}
`;

/**
 * The least a Node program can do that makes the calls atomic-link's guarantees need, in its
 * order: each old target read (the report, the switch back), each new target looked up (no
 * dangling link), every new link made under a temporary name, then renamed in chunks with the
 * directory watched (the guard's notifications: two events a rename, read between chunks,
 * and a marker after each to know they were all read). No lock, no parsing, no report. How far
 * atomic-link is from this is what its own logic costs.
 */
const NODE_CALLS = `const fs = require('node:fs');
const [n, v] = [Number(process.argv[1]), process.argv[2]];
const old = new Array(n);
for (let i = 0; i < n; i++) old[i] = fs.readlinkSync(\`links/l\${i}\`);
for (let i = 0; i < n; i++) fs.accessSync(\`releases/\${v}/f\${i}\`);
for (let i = 0; i < n; i++) fs.symlinkSync(\`../releases/\${v}/f\${i}\`, \`links/.tmp\${i}\`);
let events = 0;
const watcher = fs.watch('links', { persistent: false }, () => events++);
let i = 0;
const chunk = () => {
  for (const end = Math.min(n, i + 4096); i < end; i++) {
    fs.renameSync(\`links/.tmp\${i}\`, \`links/l\${i}\`);
  }
  fs.symlinkSync('.', 'links/.marker');
  fs.unlinkSync('links/.marker');
  if (i < n) return setImmediate(chunk);
  setImmediate(() => {
    watcher.close();
    if (events < 2 * n) process.exit(1);
  });
};
setImmediate(chunk);
`;

const PYTHON = `import os, sys
n, v = int(sys.argv[1]), sys.argv[2]
for i in range(n):
    os.symlink(f"../releases/{v}/f{i}", f"links/.tmp{i}")
    os.replace(f"links/.tmp{i}", f"links/l{i}")
`;

const PYTHON_NAME = 'Python os.symlink+os.replace';

export interface Contender {
  name: string;
  /** The command that switches `count` links in the tree to `version`. */
  command: (count: number, version: string) => string[];
  /** Largest N it is run at (a process per link is too slow beyond). */
  upTo?: number;
}

export function contenders(): Contender[] {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-floor-'));
  fs.writeFileSync(path.join(work, 'floor.c'), FLOOR_C);
  execFileSync('cc', ['-O2', '-o', path.join(work, 'floor'), path.join(work, 'floor.c')]);
  const floor = path.join(work, 'floor');
  return [
    { name: 'C symlink+rename (floor)', command: (n, v) => [floor, String(n), v] },
    {
      name: 'atomic-link, guard on',
      command: (_, v) => [process.execPath, CLI, '--spec-file', `specs-${v}`],
    },
    {
      name: 'atomic-link, guard off',
      command: (_, v) => [process.execPath, CLI, '--no-guard', '--spec-file', `specs-${v}`],
    },
    {
      name: 'Node symlinkSync+renameSync loop',
      command: (n, v) => [process.execPath, '-e', NODE_LOOP, String(n), v],
    },
    {
      name: "Node loop of atomic-link's calls",
      command: (n, v) => [process.execPath, '-e', NODE_CALLS, String(n), v],
    },
    {
      name: PYTHON_NAME,
      command: (n, v) => ['python3', '-c', PYTHON, String(n), v],
    },
    {
      name: 'shell loop of ln -sfn',
      command: (n, v) => [
        'sh',
        '-c',
        `i=0; while [ $i -lt ${n} ]; do ln -sfn ../releases/${v}/f$i links/l$i; i=$((i+1)); done`,
      ],
      upTo: 10000,
    },
  ];
}

export interface LocalResult {
  count: number;
  name: string;
  runs: number;
  medianSeconds: number;
  perLinkMicros: number;
  ratioToFloor: number;
  failedRuns: number;
}

/**
 * Each size gets a fresh tree; the contenders take turns, round after round, each run
 * switching every link to the other release, so that noise spreads over all of them alike.
 */
export function benchLocal(
  sizes: number[],
  parent: string,
  log: (line: string) => void,
): LocalResult[] {
  const all = contenders();
  const results: LocalResult[] = [];
  for (const count of sizes) {
    const dir = linkTree(count, parent);
    const rounds = count <= 1000 ? 7 : count <= 10000 ? 5 : 3;
    const active = all.filter((contender) => count <= (contender.upTo ?? Infinity));
    const times = new Map<string, number[]>(active.map((contender) => [contender.name, []]));
    const failures = new Map<string, number>(active.map((contender) => [contender.name, 0]));
    let version = 'v1';
    for (let round = 0; round < rounds; round++) {
      for (const contender of active) {
        version = version === 'v1' ? 'v2' : 'v1';
        const run = timeCommand(contender.command(count, version), { cwd: dir });
        if (run.status !== 0) failures.set(contender.name, (failures.get(contender.name) ?? 0) + 1);
        times.get(contender.name)?.push(run.seconds);
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
    const floor = median(times.get(all[0].name) as number[]);
    // The peer a user would write instead (issue 26: atomic-link within 1.2x of it).
    const python = median(times.get(PYTHON_NAME) as number[]);
    for (const contender of active) {
      const seconds = median(times.get(contender.name) as number[]);
      results.push({
        count,
        name: contender.name,
        runs: rounds,
        medianSeconds: seconds,
        perLinkMicros: (seconds / count) * 1e6,
        ratioToFloor: seconds / floor,
        failedRuns: failures.get(contender.name) ?? 0,
      });
      // The ratio moves with the floor's own cost, which on some filesystems depends on what
      // was deleted in the last minutes; what a contender adds to the floor does not.
      log(
        `  N=${count} ${contender.name}: ${seconds.toFixed(3)} s, ` +
          `${(seconds / floor).toFixed(2)}x floor, +${((seconds - floor) * 1000).toFixed(0)} ms, ` +
          `${(seconds / python).toFixed(2)}x Python`,
      );
    }
  }
  return results;
}
