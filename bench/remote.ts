import path from 'node:path';
import { CLI } from './local.js';
import { median } from './measure.js';
import { cliSsh, onMount, ssh, timed, withRoutes } from './routes.js';
import type { Route } from './routes.js';
import { linkTree, otherVersion } from './trees.js';

const COUNTS = [1, 100, 1000];
const ROUNDS = 5;
/**
 * Some contenders take tens of seconds a run over 20 ms RTT: a contender is run again in a cell
 * only while its runs there have taken less than this in all.
 */
const CELL_BUDGET_SECONDS = 30;

export interface RemoteResult {
  network: string;
  count: number;
  name: string;
  runs: number;
  /** Of the runs that succeeded; null when none did. */
  medianSeconds: number | null;
  ratioToOneSshCall: number | null;
  /** A failed run ends the contender's cell: its error is kept here. */
  failure?: string;
}

interface Contender {
  name: string;
  /** Whether it runs at this network and N, when not everywhere. */
  runsAt?: (network: string, count: number) => boolean;
  /** Seconds of one run switching all `count` links of the tree in `dir` to `version`. */
  run: (route: Route, dir: string, count: number, version: string) => Promise<number>;
}

/**
 * A far server (another continent): a batch's chunks are sized to the work beyond the round
 * trip, and at 500 ms RTT 500 links took 29 s when they were not. The mounts are not run there.
 */
const FAR = '200 ms RTT';

/** The first is the baseline the others are compared with. */
const CONTENDERS: Contender[] = [
  {
    name: 'one ssh call: ln -s + mv -T per link',
    run: (route, dir, count, version) =>
      timed([
        ...ssh(route),
        `set -e; cd ${dir}; for i in $(seq 0 ${count - 1}); do ` +
          `ln -s ../releases/${version}/f$i links/.l$i.tmp; mv -T links/.l$i.tmp links/l$i; done`,
      ]),
  },
  {
    name: 'atomic-link --ssh (SFTP)',
    run: (route, dir, _count, version) =>
      timed([
        process.execPath,
        CLI,
        ...cliSsh(route, dir),
        '--spec-file',
        path.join(dir, `specs-${version}`),
      ]),
  },
  {
    name: 'atomic-link --ssh --sshfs',
    // One run of 1,000 links through the mount took 356 s at 20 ms RTT (results of 1fbb36f).
    runsAt: (network, count) => network === 'loopback' || (network === '20 ms RTT' && count <= 100),
    run: (route, dir, _count, version) =>
      timed([
        process.execPath,
        CLI,
        ...cliSsh(route, dir),
        '--sshfs',
        '--spec-file',
        path.join(dir, `specs-${version}`),
      ]),
  },
  {
    name: 'atomic-link -C on an sshfs mount (probe; mount not timed)',
    runsAt: (network, count) => network !== FAR && count === 1,
    run: (route, dir, _count, version) =>
      onMount(route, dir, (mount) =>
        timed([process.execPath, CLI, '-C', mount, `links/l0 -> ../releases/${version}/f0`]),
      ),
  },
];

/**
 * Each contender switching N links (N = 1, 100, 1,000) on a loopback sshd, straight and through
 * the 20 ms and 200 ms RTT proxies, in turns within rounds; the ratios are to the one ssh call of
 * the same network and N.
 */
export function benchRemote(log: (line: string) => void): Promise<RemoteResult[]> {
  return withRoutes(
    {},
    async (routes, server) => {
      const trees = COUNTS.map((count) => ({ count, dir: linkTree(count, server.root) }));
      const results: RemoteResult[] = [];
      for (const route of routes) {
        for (const tree of trees) {
          const here = CONTENDERS.filter(
            (contender) => contender.runsAt?.(route.network, tree.count) ?? true,
          );
          const times = here.map((): number[] => []);
          const failures = here.map((): string | undefined => undefined);
          for (let round = 0; round < ROUNDS; round++) {
            for (const [i, contender] of here.entries()) {
              const spent = times[i].reduce((sum, seconds) => sum + seconds, 0);
              if (failures[i] !== undefined || spent >= CELL_BUDGET_SECONDS) continue;
              // From the links' state, not a count of runs: a failed run leaves them as they were.
              const version = otherVersion(path.join(tree.dir, 'links', 'l0'));
              try {
                times[i].push(await contender.run(route, tree.dir, tree.count, version));
              } catch (error) {
                // Every ratio of the cell is to the baseline: without it the cell means nothing.
                if (i === 0) throw error;
                failures[i] = (error as Error).message;
              }
            }
          }
          log(`  ${route.network}, N = ${tree.count}:`);
          const baseline = median(times[0]);
          for (const [i, contender] of here.entries()) {
            const seconds = times[i].length > 0 ? median(times[i]) : null;
            const record: RemoteResult = {
              network: route.network,
              count: tree.count,
              name: contender.name,
              runs: times[i].length,
              medianSeconds: seconds,
              ratioToOneSshCall: seconds === null ? null : seconds / baseline,
              ...(failures[i] === undefined ? {} : { failure: failures[i] }),
            };
            const figure =
              seconds === null
                ? 'no run succeeded'
                : `${seconds.toFixed(2)} s, ${(seconds / baseline).toFixed(2)}x one ssh call`;
            log(
              `    ${record.name}: ${figure} (${record.runs} run${record.runs === 1 ? '' : 's'})` +
                (record.failure === undefined ? '' : `; then failed: ${record.failure}`),
            );
            results.push(record);
          }
        }
      }
      return results;
    },
    [20, 200],
  );
}
