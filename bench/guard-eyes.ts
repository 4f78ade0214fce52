import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CLI } from './local.js';
import { median } from './measure.js';
import { cliSsh, onMount, run, withRoutes } from './routes.js';
import type { Finished, Route } from './routes.js';
import { linkTree, otherVersion } from './trees.js';
import { startDelayProxy } from '../test/helpers/delay-proxy.js';
import { startOneGap } from '../test/helpers/one-gap.js';

export interface EyesResult {
  case: string;
  network: string;
  runs: number;
  /** Runs that failed with exit 3: caught, or false alarms where nothing was non-atomic. */
  caught: number;
  /** How many runs ended with each exit status. */
  exits: Record<string, number>;
  medianSeconds: number;
  /** The one-gap case: gaps the writer made (one a run at most), and their lengths. */
  gaps?: { made: number; minMs: number; maxMs: number; afterRenameMs: number };
}

/** How often a run fails with exit 3, out of `runs`, over non-atomic switches and without. */
export async function benchGuardEyes(
  runs: number,
  log: (line: string) => void,
): Promise<EyesResult[]> {
  // ATOMIC_LINK_EYES_ONLY=local (or sftp, sshfs): one part, for a run in less time.
  const only = process.env.ATOMIC_LINK_EYES_ONLY;
  const wanted = (part: string) => only === undefined || only === part;
  const results = [
    ...(wanted('local') ? await localDetection(runs, CLEAN_RUNS) : []),
    ...(wanted('sftp') ? await sftpDetection(runs, CLEAN_RUNS) : []),
    ...(wanted('sshfs') ? await sshfsWorkaround(runs) : []),
  ];
  for (const result of results) {
    log(
      `  ${result.case}, ${result.network}: exit 3 in ${result.caught} of ${result.runs} ` +
        `(exits ${JSON.stringify(result.exits)}), ${result.medianSeconds.toFixed(2)} s a run` +
        (result.gaps
          ? `; gaps made ${result.gaps.made}, ${result.gaps.minMs.toFixed(2)} to ` +
            `${result.gaps.maxMs.toFixed(2)} ms, median ${result.gaps.afterRenameMs.toFixed(1)} ms ` +
            `after the first rename`
          : ''),
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
 * ATOMIC_LINK_EYES_MATCH=REGEX: only the cases whose "case, network" matches (say
 * 'microseconds.* 50 of|one 3 ms.*200 ms'), for a subset in chunks under the bench lock.
 */
const MATCH = process.env.ATOMIC_LINK_EYES_MATCH;
const picked = (name: string, route: Route | undefined) =>
  MATCH === undefined || new RegExp(MATCH).test(`${name}, ${route?.network ?? 'none'}`);

/** Clean runs for false alarms: the 200, or fewer with ATOMIC_LINK_EYES_CLEAN. */
const CLEAN_RUNS = Number(process.env.ATOMIC_LINK_EYES_CLEAN ?? 200);
const BATCH = 200;

/**
 * The two kinds of writer another tool is: one process replacing links by unlink + symlink
 * in a loop (BusyBox or BSD `ln -sf`, a deploy script in Python: each link missing for
 * microseconds), and `rm` then `ln` as processes (milliseconds). Each turns its links to a
 * third release, so that atomic-link always has them to switch.
 */
const WRITERS = {
  'unlink+symlink loop (microseconds)': (links: number) =>
    [
      'python3',
      '-c',
      `import os
while True:
    for i in range(${links}):
        l = "links/l%d" % i
        try: os.unlink(l)
        except FileNotFoundError: pass
        try: os.symlink("../releases/v3/f%d" % i, l)
        except FileExistsError: pass`,
    ] as const,
  'rm + ln processes (milliseconds)': (links: number) =>
    [
      'bash',
      '-c',
      `while :; do for i in $(seq 0 ${links - 1}); do rm -f links/l$i; ln -s ../releases/v3/f$i links/l$i; done; done`,
    ] as const,
};

/** What an unrelated program does beside the links: a log written, a scratch name made and removed. */
const UNRELATED = [
  'python3',
  '-c',
  `import os
while True:
    with open("links/app.log", "a") as log: log.write("line\\n")
    os.symlink("x", "links/scratch"); os.unlink("links/scratch")`,
];

const GAP_BATCH = 20;
const GAP_MS = 3;
const GAP_AFTER_MS = 2;

/**
 * The one-gap case: GAP_MS on one link of a GAP_BATCH-link batch, made while the renames go
 * out (startOneGap), a writer started afresh for each run. Over SFTP only: on a local disk the
 * 20 renames take a fraction of a millisecond, and a gap made once the writer has heard of the
 * first one can fall after the switch, no longer a moment of it (a first run: 12 of 20 caught,
 * the gap beginning a median 2.8 ms after the first rename).
 */
async function oneGap(
  route: Route,
  where: string,
  runs: number,
  command: (dir: string, specs: string) => string[],
  parent: string,
): Promise<EyesResult[]> {
  const name = `${where}, one ${GAP_MS} ms gap on 1 of ${GAP_BATCH} links while the renames go out`;
  if (!picked(name, route)) return [];
  const dir = linkTree(GAP_BATCH, parent);
  const gaps: { afterMs: number; gapMs: number }[] = [];
  let turn = 0;
  try {
    const result = await count(
      name,
      route,
      runs,
      () => command(dir, path.join(dir, `specs-${turn++ % 2 ? 'v1' : 'v2'}`)),
      async (go) => {
        const writer = await startOneGap(dir, GAP_AFTER_MS, GAP_MS);
        try {
          return await go();
        } finally {
          const [, afterMs, gapMs] = (await writer.ended(1000))?.split(' ') ?? [];
          if (gapMs !== undefined) gaps.push({ afterMs: Number(afterMs), gapMs: Number(gapMs) });
        }
      },
    );
    const lengths = gaps.map(({ gapMs }) => gapMs);
    return [
      {
        ...result,
        gaps: {
          made: gaps.length,
          minMs: Math.min(...lengths),
          maxMs: Math.max(...lengths),
          afterRenameMs: median(gaps.map(({ afterMs }) => afterMs)),
        },
      },
    ];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A 200-link tree with a third release for the writers. */
function detectionTree(parent?: string): string {
  const dir = linkTree(BATCH, parent);
  fs.mkdirSync(path.join(dir, 'releases', 'v3'));
  for (let i = 0; i < BATCH; i++) fs.writeFileSync(path.join(dir, 'releases', 'v3', `f${i}`), '');
  return dir;
}

/** Each writer on 1 and on 50 links of the batch, then clean runs beside an unrelated writer. */
async function detectionCases(
  dir: string,
  runs: number,
  cleanRuns: number,
  route: Route | undefined,
  where: string,
  command: (specs: string) => string[],
  kinds = Object.keys(WRITERS) as (keyof typeof WRITERS)[],
  sizes = [1, 50],
): Promise<EyesResult[]> {
  const results: EyesResult[] = [];
  let turn = 0;
  const next = () => command(path.join(dir, `specs-${turn++ % 2 ? 'v1' : 'v2'}`));
  for (const kind of kinds) {
    for (const links of sizes) {
      const name = `${where}, ${kind} on ${links} of ${BATCH} links`;
      if (!picked(name, route)) continue;
      results.push(
        await withProcess(
          dir,
          [...WRITERS[kind](links)],
          madeAgain(path.join(dir, 'links', 'l0')),
          () => count(name, route, runs, next),
        ),
      );
    }
  }
  const clean = `${where}, no writer of links, a log and a scratch name written beside them (false alarms)`;
  if (cleanRuns > 0 && picked(clean, route)) {
    // Back to a release atomic-link switches from, with nobody else writing the links.
    for (let i = 0; i < BATCH; i++) {
      fs.rmSync(path.join(dir, 'links', `l${i}`), { force: true });
      fs.symlinkSync(`../releases/v1/f${i}`, path.join(dir, 'links', `l${i}`));
    }
    turn = 0;
    results.push(
      await withProcess(
        dir,
        UNRELATED,
        () => fs.existsSync(path.join(dir, 'links', 'app.log')),
        () => count(clean, route, cleanRuns, next),
      ),
    );
  }
  return results;
}

/** On this machine's disk (the temp directory): the guard reads the kernel's notifications. */
async function localDetection(runs: number, cleanRuns: number): Promise<EyesResult[]> {
  const dir = detectionTree();
  try {
    return await detectionCases(dir, runs, cleanRuns, undefined, 'local disk', (specs) => [
      process.execPath,
      CLI,
      '-C',
      dir,
      '--spec-file',
      specs,
    ]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * atomic-link --ssh, the writers on the server (this machine, beside sshd), at loopback, 20 ms
 * and 200 ms RTT. At 200 ms, where a run takes seconds, only the microsecond writer.
 */
function sftpDetection(runs: number, cleanRuns: number): Promise<EyesResult[]> {
  return withRoutes({}, async (routes, server) => {
    const results: EyesResult[] = [];
    const far = await startDelayProxy({ targetPort: server.port, delayMs: 100 });
    const farKnownHosts = path.join(path.dirname(server.knownHosts), 'known_hosts-far');
    fs.writeFileSync(
      farKnownHosts,
      fs
        .readFileSync(server.knownHosts, 'utf8')
        .replace(`[127.0.0.1]:${server.port} `, `[127.0.0.1]:${far.port} `),
    );
    try {
      const all: Route[] = [
        ...routes,
        { network: '200 ms RTT', server, port: far.port, knownHosts: farKnownHosts },
      ];
      for (const route of all) {
        const dir = detectionTree(server.root);
        const command = (specs: string, at = dir) => [
          process.execPath,
          CLI,
          ...cliSsh(route, at),
          '--spec-file',
          specs,
        ];
        const far = route.network === '200 ms RTT';
        results.push(
          ...(await detectionCases(
            dir,
            runs,
            route.network === 'loopback' ? cleanRuns : 0,
            route,
            'SFTP --ssh',
            command,
            far ? ['unlink+symlink loop (microseconds)'] : undefined,
          )),
          ...(await oneGap(
            route,
            'SFTP --ssh',
            runs,
            (at, specs) => command(specs, at),
            server.root,
          )),
        );
      }
    } finally {
      await far.close();
    }
    return results;
  });
}

/**
 * `command` run in `dir` for the time of `use`, which starts once the command is `underWay`
 * (or after 10 s, said: a poll can miss a link that is there a third of the time):
 * started with the first run, a Python writer was not yet writing when a local switch, quicker
 * to start, was over (the first of 20 runs passed in each of 4 rounds of 20).
 */
async function withProcess<T>(
  dir: string,
  command: string[],
  underWay: () => boolean,
  use: () => Promise<T>,
): Promise<T> {
  const writer: ChildProcess = spawn(command[0], command.slice(1), {
    cwd: dir,
    stdio: 'ignore',
    detached: true, // its own process group, so that its rm and ln go with it
  });
  const exited = new Promise((resolve) => writer.once('exit', resolve));
  try {
    const deadline = Date.now() + 10_000;
    while (!underWay()) {
      if (writer.exitCode !== null) throw new Error(`${command.join(' ')} exited at once`);
      if (Date.now() > deadline) {
        console.log(`  (not seen under way after 10 s, in ${dir}: ${command.join(' ')})`);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return await use();
  } finally {
    process.kill(-(writer.pid as number), 'SIGKILL');
    await exited;
  }
}

/**
 * Whether `link` has been made again since now, to the writers' release: a later change time,
 * for the last writer may have left it with the same text (and a new link may get the inode
 * number of the one it replaces).
 */
function madeAgain(link: string): () => boolean {
  const changed = () => fs.lstatSync(link, { bigint: true, throwIfNoEntry: false })?.ctimeNs;
  const before = changed() ?? 0n;
  return () => {
    const now = changed();
    if (now === undefined || now <= before) return false;
    try {
      return fs.readlinkSync(link).startsWith('../releases/v3/');
    } catch {
      return false;
    }
  };
}

/** `runs` runs of the command made afresh for each, one after another. */
async function count(
  name: string,
  route: Route | undefined,
  runs: number,
  command: () => string[],
  beside = (go: () => Promise<Finished>) => go(),
): Promise<EyesResult> {
  const exits: Record<string, number> = {};
  const seconds: number[] = [];
  for (let i = 0; i < runs; i++) {
    const line = command();
    const finished = await beside(() => run(line));
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
