import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDelayProxy } from '../test/helpers/delay-proxy.js';
import { startSshd } from '../test/helpers/ssh-server.js';
import type { SshServer } from '../test/helpers/ssh-server.js';
import { CLI } from './local.js';
import { median } from './measure.js';
import { linkTree } from './trees.js';

const COUNTS = [1, 100, 1000];
const ROUNDS = 5;
/**
 * Over 20 ms RTT one run of atomic-link --ssh takes from tens of seconds to minutes: a contender
 * is run again in a cell only while its runs there have taken less than this in all.
 */
const CELL_BUDGET_SECONDS = 30;

export interface RemoteResult {
  network: string;
  count: number;
  name: string;
  runs: number;
  medianSeconds: number;
  ratioToOneSshCall: number;
}

/** The way to the sshd: straight, or through the delay proxy with its own known_hosts. */
interface Route {
  network: string;
  server: SshServer;
  port: number;
  knownHosts: string;
}

interface Contender {
  name: string;
  /** The N it runs for, when not all of them. */
  counts?: number[];
  /** Seconds of one run switching all `count` links of the tree in `dir` to `version`. */
  run: (route: Route, dir: string, count: number, version: string) => Promise<number>;
}

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
    name: 'atomic-link --ssh (sshfs)',
    run: (route, dir, _count, version) =>
      timed([
        process.execPath,
        CLI,
        ...cliSsh(route, dir),
        '--spec-file',
        path.join(dir, `specs-${version}`),
      ]),
  },
  // The native SFTP --ssh joins here, with `atomic-link --ssh ... --sshfs` beside it.
  {
    name: 'atomic-link -C on an sshfs mount (probe; mount not timed)',
    counts: [1],
    run: (route, dir, _count, version) =>
      onMount(route, dir, (mount) =>
        timed([process.execPath, CLI, '-C', mount, `links/l0 -> ../releases/${version}/f0`]),
      ),
  },
];

/**
 * Each contender switching N links (N = 1, 100, 1,000) on a loopback sshd, straight and through
 * a proxy that holds every chunk 10 ms each way (this kernel has no netem), in turns within
 * rounds; the ratios are to the one ssh call of the same network and N.
 */
export async function benchRemote(log: (line: string) => void): Promise<RemoteResult[]> {
  const server = await startSshd();
  const proxy = await startDelayProxy({ targetPort: server.port, delayMs: 10 });
  try {
    // known_hosts names the port, so the proxy's needs a line of its own; beside the server's,
    // it goes when the server stops.
    const proxyKnownHosts = path.join(path.dirname(server.knownHosts), 'known_hosts-proxy');
    fs.writeFileSync(
      proxyKnownHosts,
      fs
        .readFileSync(server.knownHosts, 'utf8')
        .replace(`[127.0.0.1]:${server.port} `, `[127.0.0.1]:${proxy.port} `),
    );
    const routes: Route[] = [
      { network: 'loopback', server, port: server.port, knownHosts: server.knownHosts },
      { network: '20 ms RTT', server, port: proxy.port, knownHosts: proxyKnownHosts },
    ];
    const trees = COUNTS.map((count) => ({ count, dir: linkTree(count, server.root), at: 'v1' }));
    const results: RemoteResult[] = [];
    for (const route of routes) {
      for (const tree of trees) {
        const here = CONTENDERS.filter(
          (contender) => contender.counts?.includes(tree.count) ?? true,
        );
        const times = here.map((): number[] => []);
        for (let round = 0; round < ROUNDS; round++) {
          for (const [i, contender] of here.entries()) {
            if (times[i].reduce((sum, seconds) => sum + seconds, 0) >= CELL_BUDGET_SECONDS)
              continue;
            tree.at = tree.at === 'v1' ? 'v2' : 'v1';
            times[i].push(await contender.run(route, tree.dir, tree.count, tree.at));
          }
        }
        log(`  ${route.network}, N = ${tree.count}:`);
        const baseline = median(times[0]);
        for (const [i, contender] of here.entries()) {
          const seconds = median(times[i]);
          const record = {
            network: route.network,
            count: tree.count,
            name: contender.name,
            runs: times[i].length,
            medianSeconds: seconds,
            ratioToOneSshCall: seconds / baseline,
          };
          log(
            `    ${record.name}: ${seconds.toFixed(2)} s, ${record.ratioToOneSshCall.toFixed(2)}x ` +
              `one ssh call (${record.runs} run${record.runs === 1 ? '' : 's'})`,
          );
          results.push(record);
        }
      }
    }
    return results;
  } finally {
    await proxy.close();
    server.stop();
  }
}

function ssh(route: Route): string[] {
  return [
    'ssh',
    '-p',
    String(route.port),
    '-i',
    route.server.identity,
    '-o',
    `UserKnownHostsFile=${route.knownHosts}`,
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    'BatchMode=yes',
    'root@127.0.0.1',
  ];
}

/** The test server's --ssh arguments, aimed at `dir` along `route`. */
function cliSsh(route: Route, dir: string): string[] {
  const values: Record<string, string> = {
    '--ssh': `root@127.0.0.1:${dir}`,
    '--ssh-port': String(route.port),
    '--known-hosts': route.knownHosts,
  };
  return route.server.args.map((arg, i, args) => values[args[i - 1]] ?? arg);
}

/** `dir` mounted with sshfs along `route`, as the tests mount it, for the time of `use`. */
async function onMount<T>(route: Route, dir: string, use: (mount: string) => Promise<T>) {
  const mount = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-bench-mount-'));
  try {
    await timed([
      'sshfs',
      `root@127.0.0.1:${dir}`,
      mount,
      '-p',
      String(route.port),
      '-o',
      `IdentityFile=${route.server.identity},UserKnownHostsFile=${route.knownHosts},` +
        'StrictHostKeyChecking=yes,BatchMode=yes',
    ]);
    try {
      return await use(mount);
    } finally {
      await timed(['fusermount3', '-u', mount]);
    }
  } finally {
    fs.rmdirSync(mount);
  }
}

/**
 * Wall time of a command that must succeed. Spawned asynchronously, unlike timeCommand: the
 * delay proxy forwards in this process's event loop, which a synchronous spawn would stall.
 */
function timed(command: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(command[0], command.slice(1), { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (status) => {
      if (status === 0) resolve(Number(process.hrtime.bigint() - start) / 1e9);
      else reject(new Error(`${command[0]} failed with ${status}: ${stderr.slice(-2000)}`));
    });
  });
}
