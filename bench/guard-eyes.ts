import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CLI } from './local.js';
import { median } from './measure.js';
import { cliSsh, onMount, run, withRoutes } from './routes.js';
import type { Route } from './routes.js';
import { linkTree, otherVersion } from './trees.js';

export interface EyesResult {
  case: string;
  network: string;
  runs: number;
  /** Runs that failed with exit 3: caught, or false alarms where nothing was non-atomic. */
  caught: number;
  /** How many runs ended with each exit status. */
  exits: Record<string, number>;
  medianSeconds: number;
}

/** How often a run fails with exit 3, out of `runs`, over non-atomic switches and without. */
export async function benchGuardEyes(
  runs: number,
  log: (line: string) => void,
): Promise<EyesResult[]> {
  const results = [
    ...(await sshfsWorkaround(runs)),
    ...(await sftpNaiveWriter(runs)),
    await localNaiveWriter(runs),
  ];
  for (const result of results) {
    log(
      `  ${result.case}, ${result.network}: exit 3 in ${result.caught} of ${result.runs} ` +
        `(exits ${JSON.stringify(result.exits)}), ${result.medianSeconds.toFixed(2)} s a run`,
    );
  }
  return results;
}

/**
 * A server without posix-rename, mounted with -o workaround=rename and given as a plain path:
 * the 1-link switch with the default probe along both routes, and the guard alone over 20 links.
 */
function sshfsWorkaround(runs: number): Promise<EyesResult[]> {
  return withRoutes({ posixRename: false }, async (routes, server) => {
    const results: EyesResult[] = [];
    for (const route of routes) {
      const dir = linkTree(20, server.root);
      await onMount(
        route,
        dir,
        async (mount) => {
          // A caught run leaves the links as they were: each switches to the release not in place.
          const version = () => otherVersion(path.join(dir, 'links', 'l0'));
          results.push(
            await count('sshfs workaround=rename, 1 link, probe (default)', route, runs, () => [
              process.execPath,
              CLI,
              '-C',
              mount,
              `links/l0 -> ../releases/${version()}/f0`,
            ]),
          );
          if (route.network !== 'loopback') return;
          results.push(
            await count(
              'sshfs workaround=rename, 20 links, guard alone (--no-probe)',
              route,
              runs,
              () => [
                process.execPath,
                CLI,
                '-C',
                mount,
                '--no-probe',
                '--spec-file',
                path.join(dir, `specs-${version()}`),
              ],
            ),
          );
        },
        ['workaround=rename'],
      );
    }
    return results;
  });
}

/**
 * atomic-link --ssh switching 20 links while a naive writer on the server replaces the same
 * links by unlink + symlink; and as many runs without the writer, where exit 3 is a false alarm.
 */
function sftpNaiveWriter(runs: number): Promise<EyesResult[]> {
  return withRoutes({}, async (routes, server) => {
    const results: EyesResult[] = [];
    for (const route of routes) {
      const dir = linkTree(20, server.root);
      const command = (version: string) => [
        process.execPath,
        CLI,
        ...cliSsh(route, dir),
        '--spec-file',
        path.join(dir, `specs-${version}`),
      ];
      // The server is this machine: the writer runs beside sshd, as a process on the server would.
      const loop =
        'for i in $(seq 0 19); do rm -f links/l$i; ln -s ../releases/v3/f$i links/l$i; done';
      await withWriter(dir, loop, async () => {
        let turn = 0;
        results.push(
          // The writer turns every link to a third release, so either one is a switch; l0 may be
          // missing at any moment, so the release is not read from it.
          await count('SFTP --ssh, 20 links, naive writer on the server', route, runs, () =>
            command(turn++ % 2 ? 'v1' : 'v2'),
          ),
        );
      });
      results.push(
        await count('SFTP --ssh, 20 links, no writer (false alarms)', route, runs, () =>
          command(otherVersion(path.join(dir, 'links', 'l0'))),
        ),
      );
    }
    return results;
  });
}

/**
 * Another process switching 50 of the same links by unlink + symlink (to a third release, so
 * that atomic-link always has them to switch) while atomic-link runs.
 */
async function localNaiveWriter(runs: number): Promise<EyesResult> {
  const dir = linkTree(1000);
  const loop = 'for i in $(seq 0 49); do rm -f links/l$i; ln -s ../releases/v3/f$i links/l$i; done';
  try {
    return await withWriter(dir, loop, () =>
      count('local disk, unlink-then-symlink writer on 50 of 1,000 links', undefined, runs, () => [
        process.execPath,
        CLI,
        '-C',
        dir,
        '--spec-file',
        path.join(dir, `specs-${otherVersion(path.join(dir, 'links', 'l999'))}`),
      ]),
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** `loop` run over and over in `dir` by bash for the time of `use`. */
async function withWriter<T>(dir: string, loop: string, use: () => Promise<T>): Promise<T> {
  const writer: ChildProcess = spawn('bash', ['-c', `while :; do ${loop}; done`], {
    cwd: dir,
    stdio: 'ignore',
    detached: true, // its own process group, so that its rm and ln go with it
  });
  const exited = new Promise((resolve) => writer.once('exit', resolve));
  try {
    return await use();
  } finally {
    process.kill(-(writer.pid as number), 'SIGKILL');
    await exited;
  }
}

/** `runs` runs of the command made afresh for each, one after another. */
async function count(
  name: string,
  route: Route | undefined,
  runs: number,
  command: () => string[],
): Promise<EyesResult> {
  const exits: Record<string, number> = {};
  const seconds: number[] = [];
  for (let i = 0; i < runs; i++) {
    const finished = await run(command());
    exits[String(finished.status)] = (exits[String(finished.status)] ?? 0) + 1;
    seconds.push(finished.seconds);
  }
  return {
    case: name,
    network: route?.network ?? 'none',
    runs,
    caught: exits['3'] ?? 0,
    exits,
    medianSeconds: median(seconds),
  };
}
