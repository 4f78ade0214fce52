import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SpawnSyncOptions } from 'node:child_process';

export interface Timed {
  seconds: number;
  status: number | null;
}

/** Wall time of one command, from spawn to exit, as a user waiting for it sees it. */
export function timeCommand(command: string[], options: SpawnSyncOptions = {}): Timed {
  const start = process.hrtime.bigint();
  const result = spawnSync(command[0], command.slice(1), { stdio: 'ignore', ...options });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.error) throw result.error;
  return { seconds, status: result.status };
}

/**
 * A tiny C program that forks, runs the command and prints what wait4 says of the child alone
 * (not of a larger parent): its wall time, CPU time (user + system, all threads) and peak
 * resident memory.
 */
const USAGE_C = `#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
int main(int argc, char **argv) {
  struct timespec start, end;
  clock_gettime(CLOCK_MONOTONIC, &start);
  pid_t pid = fork();
  if (pid == 0) { execvp(argv[1], argv + 1); _exit(127); }
  int status; struct rusage usage;
  wait4(pid, &status, 0, &usage);
  clock_gettime(CLOCK_MONOTONIC, &end);
  printf("%.6f %.6f %ld\\n",
    (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9,
    usage.ru_utime.tv_sec + usage.ru_stime.tv_sec
      + (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6,
    usage.ru_maxrss);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
`;

let usageTool: string | undefined;

export interface Usage {
  wallSeconds: number;
  cpuSeconds: number;
  peakMemoryKiB: number;
}

/** Wall time, CPU time and peak memory of one run of a command, which must succeed. */
export function usageOf(command: string[], cwd: string): Usage {
  if (usageTool === undefined) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-usage-'));
    fs.writeFileSync(path.join(dir, 'usage.c'), USAGE_C);
    execFileSync('cc', ['-O2', '-o', path.join(dir, 'usage'), path.join(dir, 'usage.c')]);
    usageTool = path.join(dir, 'usage');
  }
  const result = spawnSync(usageTool, command, { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command.join(' ')} failed: ${result.stderr}`);
  const [wallSeconds, cpuSeconds, peakMemoryKiB] = result.stdout
    .trim()
    .split('\n')
    .at(-1)
    ?.split(' ')
    .map(Number) as number[];
  return { wallSeconds, cpuSeconds, peakMemoryKiB };
}

/** Peak resident memory (KiB) of one run of a command. */
export function peakMemoryKiB(command: string[], cwd: string): number {
  return usageOf(command, cwd).peakMemoryKiB;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function shell(script: string, cwd?: string): string {
  const result = spawnSync('sh', ['-c', script], { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${script}: ${result.stderr}`);
  return result.stdout;
}

export const round = (value: number, digits = 2) => Number(value.toFixed(digits));

/**
 * The filesystem holding `dir`: device, type, mount options, and for ext4 whether it has a
 * journal. Without one, ext4 passes over inodes freed in the last minutes when it allocates
 * (fs/ext4/ialloc.c, recently_deleted()), so the floor's cost depends on recent history.
 */
export function describeFilesystem(dir: string): { short: string; mount: string } {
  const [source, type, options] = shell(`findmnt -n -T ${dir} -o SOURCE,FSTYPE,OPTIONS`)
    .trim()
    .split(/\s+/);
  let short = type;
  if (type === 'ext4') {
    const journal = fs.existsSync(`/proc/fs/jbd2/${path.basename(source)}-8`);
    short = `ext4 ${journal ? 'with' : 'without'} a journal`;
  }
  return { short, mount: `${source} on ${dir}: ${type} (${options})` };
}
