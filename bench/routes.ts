import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDelayProxy } from '../test/helpers/delay-proxy.js';
import type { DelayProxy } from '../test/helpers/delay-proxy.js';
import { startSshd } from '../test/helpers/ssh-server.js';
import type { SshServer } from '../test/helpers/ssh-server.js';

/** The way to the sshd: straight, or through the delay proxy with its own known_hosts. */
export interface Route {
  network: string;
  server: SshServer;
  port: number;
  knownHosts: string;
}

/**
 * A loopback sshd reached straight and through a proxy for each of `roundTripsMs` that holds
 * every chunk half of it each way (this kernel has no netem), for the time of `use`.
 */
export async function withRoutes<T>(
  serverOptions: Parameters<typeof startSshd>[0],
  use: (routes: Route[], server: SshServer) => Promise<T>,
  roundTripsMs = [20],
): Promise<T> {
  const server = await startSshd(serverOptions);
  const proxies: DelayProxy[] = [];
  try {
    const routes: Route[] = [
      { network: 'loopback', server, port: server.port, knownHosts: server.knownHosts },
    ];
    for (const roundTripMs of roundTripsMs) {
      const proxy = await startDelayProxy({ targetPort: server.port, delayMs: roundTripMs / 2 });
      proxies.push(proxy);
      // known_hosts names the port, so each proxy needs a line of its own; beside the
      // server's, it goes when the server stops.
      const knownHosts = path.join(path.dirname(server.knownHosts), `known_hosts-${proxy.port}`);
      fs.writeFileSync(
        knownHosts,
        fs
          .readFileSync(server.knownHosts, 'utf8')
          .replace(`[127.0.0.1]:${server.port} `, `[127.0.0.1]:${proxy.port} `),
      );
      routes.push({ network: `${roundTripMs} ms RTT`, server, port: proxy.port, knownHosts });
    }
    return await use(routes, server);
  } finally {
    for (const proxy of proxies) await proxy.close();
    server.stop();
  }
}

export function ssh(route: Route): string[] {
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
export function cliSsh(route: Route, dir: string): string[] {
  const values: Record<string, string> = {
    '--ssh': `root@127.0.0.1:${dir}`,
    '--ssh-port': String(route.port),
    '--known-hosts': route.knownHosts,
  };
  return route.server.args.map((arg, i, args) => values[args[i - 1]] ?? arg);
}

/**
 * `dir` mounted with sshfs along `route`, as the tests mount it (and with `options`, sshfs -o
 * options), for the time of `use`.
 */
export async function onMount<T>(
  route: Route,
  dir: string,
  use: (mount: string) => Promise<T>,
  options: string[] = [],
): Promise<T> {
  const mount = fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-link-bench-mount-'));
  try {
    await timed([
      'sshfs',
      `root@127.0.0.1:${dir}`,
      mount,
      '-p',
      String(route.port),
      '-o',
      [
        `IdentityFile=${route.server.identity}`,
        `UserKnownHostsFile=${route.knownHosts}`,
        'StrictHostKeyChecking=yes',
        'BatchMode=yes',
        ...options,
      ].join(','),
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

export interface Finished {
  seconds: number;
  status: number | null;
  /** Its last line on stderr. */
  said: string;
  stdout: string;
}

/**
 * Wall time (from `start`, when commands started together are timed from one moment) and exit
 * of a command. Spawned asynchronously, unlike timeCommand: the delay proxy forwards in this
 * process's event loop, which a synchronous spawn would stall.
 */
export function run(command: string[], start = process.hrtime.bigint()): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0], command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (status) => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      resolve({ seconds, status, said: stderr.trim().split('\n').at(-1) ?? '', stdout });
    });
  });
}

/** Wall time of a command that must succeed. */
export async function timed(command: string[]): Promise<number> {
  const { seconds, status, said } = await run(command);
  if (status !== 0) throw new Error(`${command[0]} failed with ${status}: ${said}`);
  return seconds;
}
