import fs from 'node:fs';
import path from 'node:path';
import { CLI } from './local.js';
import { median } from './measure.js';
import { cliSsh, timed, withRoutes } from './routes.js';
import { linkTree, otherVersion } from './trees.js';

const COUNTS = [1, 100, 1000];
const ROUNDS = 5;

export interface RollbackResult {
  network: string;
  count: number;
  name: string;
  medianSeconds: number;
  ratioToSwitch: number;
}

/**
 * What history and rollback cost over SFTP against a plain switch of the same links: each round
 * switches the links to the other release (the baseline), back with --keep-backups (a backup
 * link made and an old one removed per link), then rolls them back (to the first switch's
 * state, so that the next round starts where this one did). Loopback and 20 ms RTT.
 */
export function benchRollback(log: (line: string) => void): Promise<RollbackResult[]> {
  return withRoutes({}, async (routes) => {
    const results: RollbackResult[] = [];
    for (const route of routes) {
      for (const count of COUNTS) {
        const dir = linkTree(count, routes[0].server.root);
        const links = path.join(dir, 'links.txt');
        fs.writeFileSync(links, Array.from({ length: count }, (_, i) => `links/l${i}\n`).join(''));
        const cli = [process.execPath, CLI, ...cliSsh(route, dir)];
        const specs = (version: string) => ['--spec-file', path.join(dir, `specs-${version}`)];
        const steps = [
          { name: 'switch', args: () => specs(otherVersion(path.join(dir, 'links', 'l0'))) },
          {
            name: 'switch with --keep-backups=3',
            args: () => ['--keep-backups=3', ...specs(otherVersion(path.join(dir, 'links', 'l0')))],
          },
          { name: '--rollback', args: () => ['--rollback', '--spec-file', links] },
        ];
        const times = steps.map((): number[] => []);
        // A first history to roll back past, and a backup to prune from then on.
        await timed([...cli, '--keep-backups=3', ...specs('v2')]);
        await timed([...cli, '--keep-backups=3', ...specs('v1')]);
        for (let round = 0; round < ROUNDS; round++) {
          for (const [i, step] of steps.entries())
            times[i].push(await timed([...cli, ...step.args()]));
        }
        fs.rmSync(dir, { recursive: true, force: true });
        log(`  ${route.network}, N = ${count}:`);
        const baseline = median(times[0]);
        for (const [i, step] of steps.entries()) {
          const seconds = median(times[i]);
          results.push({
            network: route.network,
            count,
            name: step.name,
            medianSeconds: seconds,
            ratioToSwitch: seconds / baseline,
          });
          log(
            `    ${step.name}: ${seconds.toFixed(2)} s, ${(seconds / baseline).toFixed(2)}x switch`,
          );
        }
      }
    }
    return results;
  });
}
