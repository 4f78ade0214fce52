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
 * A tiny C program that forks, runs the command and prints the child's peak resident memory
 * (KiB) from wait4: the child is the command alone, not a copy of a larger parent.
 */
const PEAK_C = `#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
int main(int argc, char **argv) {
  pid_t pid = fork();
  if (pid == 0) { execvp(argv[1], argv + 1); _exit(127); }
  int status; struct rusage usage;
  wait4(pid, &status, 0, &usage);
  printf("%ld\\n", usage.ru_maxrss);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
`;

let peakTool: string | undefined;

/** Peak resident memory (KiB) of one run of a command. */
export function peakMemoryKiB(command: string[], cwd: string): number {
  if (peakTool === undefined) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-peak-'));
    fs.writeFileSync(path.join(dir, 'peak.c'), PEAK_C);
    execFileSync('cc', ['-O2', '-o', path.join(dir, 'peak'), path.join(dir, 'peak.c')]);
    peakTool = path.join(dir, 'peak');
  }
  const result = spawnSync(peakTool, command, { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command.join(' ')} failed: ${result.stderr}`);
  return Number(result.stdout.trim().split('\n').at(-1));
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
