import fs from 'node:fs';
import path from 'node:path';
import { startDelayProxy } from '../test/helpers/delay-proxy.js';
import type { DelayProxy } from '../test/helpers/delay-proxy.js';
import { startSshd } from '../test/helpers/ssh-server.js';
import { CLI } from './local.js';
import { median } from './measure.js';
import { run } from './routes.js';
import type { Finished } from './routes.js';
import { linkTree } from './trees.js';

const HOSTS = 10;
const LINKS = 100;
const ROUNDS = 5;
/** 20 ms round trips: each proxy holds every chunk 10 ms each way. */
const DELAY_MS = 10;

export interface FleetResult {
  name: string;
  runs: number;
  medianSeconds: number;
  ratioToOneHost: number;
  /** Median spread between the hosts' switches, where the contender can tell it. */
  medianSkewMs?: number;
}

interface Outcome {
  seconds: number;
  skewMs?: number;
}

/**
 * 10 hosts x 100 links behind 20 ms round trips (one delaying proxy per host, in front of one
 * real sshd, each host its own directory): atomic-link switching them as one, against one ssh
 * call doing the 100 links on one host (the baseline), one such call per host in turn, and all
 * of them started at once. Contenders run in turns; figures are medians.
 */
export async function benchFleet(log: (line: string) => void): Promise<FleetResult[]> {
  const server = await startSshd();
  const proxies: DelayProxy[] = [];
  try {
    const dirs = Array.from({ length: HOSTS }, () => linkTree(LINKS, server.root));
    const known = path.join(path.dirname(server.identity), 'known_hosts_bench_fleet');
    const hostKey = fs.readFileSync(server.knownHosts, 'utf8').split(' ').slice(1).join(' ');
    for (let i = 0; i < HOSTS; i++) {
      const proxy = await startDelayProxy({ targetPort: server.port, delayMs: DELAY_MS });
      proxies.push(proxy);
      fs.appendFileSync(known, `[127.0.0.1]:${proxy.port} ${hostKey}`);
    }
    const ssh = (host: number) => [
      'ssh',
      '-p',
      String(proxies[host].port),
      '-i',
      server.identity,
      '-o',
      `UserKnownHostsFile=${known}`,
      '-o',
      'StrictHostKeyChecking=yes',
      '-o',
      'BatchMode=yes',
      'root@127.0.0.1',
      `set -e; cd ${dirs[host]}; for i in $(seq 0 ${LINKS - 1}); do ` +
        `ln -s ../releases/$V/f$i links/.l$i.tmp; mv -T links/.l$i.tmp links/l$i; done`,
    ];
    const withVersion = (command: string[], version: string) =>
      command.map((arg) => arg.replaceAll('$V', version));
    const contenders: { name: string; run: (version: string) => Promise<Outcome> }[] = [
      {
        name: `one ssh call, ${LINKS} links on one host (ln -s + mv -T)`,
        run: async (version) => ({ seconds: (await timed(withVersion(ssh(0), version))).seconds }),
      },
      {
        name: `atomic-link, ${HOSTS} hosts x ${LINKS} links as one`,
        run: async (version) => {
          const args = dirs.flatMap((dir, i) => [
            '--ssh',
            `ssh://root@127.0.0.1:${proxies[i].port}${dir}`,
          ]);
          const finished = await timed([
            process.execPath,
            CLI,
            ...args,
            '--identity',
            server.identity,
            '--known-hosts',
            known,
            '--json',
            '--spec-file',
            path.join(dirs[0], `specs-${version}`),
          ]);
          return { seconds: finished.seconds, skewMs: JSON.parse(finished.stdout).skewMs };
        },
      },
      {
        name: `${HOSTS} ssh calls one after another`,
        run: async (version) => {
          let seconds = 0;
          for (let host = 0; host < HOSTS; host++) {
            seconds += (await timed(withVersion(ssh(host), version))).seconds;
          }
          return { seconds };
        },
      },
      {
        name: `${HOSTS} ssh calls started at once (&)`,
        run: async (version) => {
          const started = process.hrtime.bigint();
          const runs = await Promise.all(
            dirs.map((_, host) => timed(withVersion(ssh(host), version), started)),
          );
          // The hosts switch at the end of their calls: the spread of the ends.
          const ends = runs.map((run) => run.seconds * 1000);
          return {
            seconds: Math.max(...ends) / 1000,
            skewMs: Math.round(Math.max(...ends) - Math.min(...ends)),
          };
        },
      },
    ];
    const outcomes = new Map(contenders.map((contender) => [contender.name, [] as Outcome[]]));
    let version = 'v1';
    for (let round = 0; round < ROUNDS; round++) {
      for (const contender of contenders) {
        version = version === 'v1' ? 'v2' : 'v1';
        // Every host is switched by every contender: each run starts from the other version.
        outcomes.get(contender.name)?.push(await contender.run(version));
      }
    }
    const baseline = median((outcomes.get(contenders[0].name) as Outcome[]).map((o) => o.seconds));
    return contenders.map((contender) => {
      const runs = outcomes.get(contender.name) as Outcome[];
      const seconds = median(runs.map((o) => o.seconds));
      const skews = runs.flatMap((o) => (o.skewMs === undefined ? [] : [o.skewMs]));
      const skew = skews.length > 0 ? median(skews) : undefined;
      log(
        `  ${contender.name}: ${seconds.toFixed(2)} s, ${(seconds / baseline).toFixed(2)}x one host` +
          (skew === undefined ? '' : `, skew ${Math.round(skew)} ms`),
      );
      return {
        name: contender.name,
        runs: runs.length,
        medianSeconds: seconds,
        ratioToOneHost: seconds / baseline,
        medianSkewMs: skew,
      };
    });
  } finally {
    for (const proxy of proxies) await proxy.close();
    server.stop();
  }
}

/** A run that must succeed; the proxies forward on this process's event loop meanwhile. */
async function timed(command: string[], since?: bigint): Promise<Finished> {
  const finished = await run(command, since);
  if (finished.status !== 0)
    throw new Error(`${command[0]} failed with ${finished.status}: ${finished.said}`);
  return finished;
}
