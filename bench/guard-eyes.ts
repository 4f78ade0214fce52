import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startSshd } from '../test/helpers/ssh-server.js';
import { CLI } from './local.js';
import { timeCommand } from './measure.js';
import { linkTree } from './trees.js';

export interface EyesResult {
  case: string;
  runs: number;
  caught: number;
}

/** How often a run over a non-atomic switch fails with exit 3, out of `runs`. */
export async function benchGuardEyes(
  runs: number,
  log: (line: string) => void,
): Promise<EyesResult[]> {
  const results = [...(await sshfsWorkaround(runs)), await localNaiveWriter(runs)];
  for (const result of results) log(`  ${result.case}: caught ${result.caught} of ${result.runs}`);
  return results;
}

/** A server without posix-rename, mounted with -o workaround=rename, given as a plain path. */
async function sshfsWorkaround(runs: number): Promise<EyesResult[]> {
  const server = await startSshd({ posixRename: false });
  const mountPoint = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-bench-mnt-'));
  try {
    const dir = linkTree(20, server.root);
    execFileSync('sshfs', [
      `root@127.0.0.1:${dir}`,
      mountPoint,
      '-p',
      String(server.port),
      '-o',
      `IdentityFile=${server.identity},UserKnownHostsFile=${server.knownHosts},StrictHostKeyChecking=yes,BatchMode=yes,workaround=rename`,
    ]);
    const count = (extra: string[]) => {
      let caught = 0;
      for (let run = 0; run < runs; run++) {
        // A caught probe leaves the links as they were: switch to the release not in place.
        const version = otherVersion(path.join(dir, 'links', 'l0'));
        const args = [
          process.execPath,
          CLI,
          ...extra,
          '--spec-file',
          path.join(dir, `specs-${version}`),
        ];
        if (timeCommand(args, { cwd: mountPoint }).status === 3) caught++;
      }
      return caught;
    };
    return [
      { case: 'sshfs workaround=rename, probe (default)', runs, caught: count([]) },
      {
        case: 'sshfs workaround=rename, guard alone (--no-probe), 20 links',
        runs,
        caught: count(['--no-probe']),
      },
    ];
  } finally {
    execFileSync('fusermount3', ['-u', '-z', mountPoint]);
    fs.rmdirSync(mountPoint);
    server.stop();
  }
}

/**
 * Another process switching 50 of the same links by unlink + symlink (to a third release, so
 * that atomic-link always has them to switch) while atomic-link runs.
 */
async function localNaiveWriter(runs: number): Promise<EyesResult> {
  const dir = linkTree(1000);
  const loop = 'for i in $(seq 0 49); do rm -f links/l$i; ln -s ../releases/v3/f$i links/l$i; done';
  const writer = spawn('sh', ['-c', `while :; do ${loop}; done`], {
    cwd: dir,
    stdio: 'ignore',
    detached: true, // its own process group, so that its rm and ln go with it
  });
  const exited = new Promise((resolve) => writer.once('exit', resolve));
  try {
    let caught = 0;
    for (let run = 0; run < runs; run++) {
      const version = otherVersion(path.join(dir, 'links', 'l999'));
      const args = [process.execPath, CLI, '--spec-file', `specs-${version}`];
      if (timeCommand(args, { cwd: dir }).status === 3) caught++;
    }
    return { case: 'local disk, unlink-then-symlink writer on 50 of 1,000 links', runs, caught };
  } finally {
    process.kill(-(writer.pid as number), 'SIGKILL');
    await exited;
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function otherVersion(link: string): string {
  return fs.readlinkSync(link).includes('/v1/') ? 'v2' : 'v1';
}
