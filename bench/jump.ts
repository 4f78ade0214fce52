import fs from 'node:fs';
import path from 'node:path';
import { forwardOnly } from '../test/helpers/bastion.js';
import { startDelayProxy } from '../test/helpers/delay-proxy.js';
import type { DelayProxy } from '../test/helpers/delay-proxy.js';
import { startSshd } from '../test/helpers/ssh-server.js';
import type { SshServer } from '../test/helpers/ssh-server.js';
import { CLI } from './local.js';
import { median } from './measure.js';
import { run } from './routes.js';
import { linkTree, otherVersion } from './trees.js';

const HOSTS = 10;
/** Rounds in turns: with 5, the fleet's ratio moved by 0.1x between runs on this shared machine. */
const ROUNDS = 11;

export interface JumpResult {
  name: string;
  /** The round trip on each hop (client to jump host, jump host to host), in ms. */
  hopRttMs: number;
  runs: number;
  medianSeconds: number;
  /** Against one `ssh -J` call to one host at the same round trip, taken in the same rounds. */
  ratioToOneSshJump: number;
  /** Medians of the processor time of one run: the command's, and each sshd's for it. */
  cpuSeconds: { client: number; targetSshd: number; jumpSshd: number };
}

/** One run: wall time, and processor time of the command (children included) and the sshds. */
interface Measured {
  seconds: number;
  client: number;
  targetSshd: number;
  jumpSshd: number;
}

interface Contender {
  name: string;
  /** The command switching `links/l0` to `version` in each of `dirs` (by host). */
  command: (config: string, dirs: string[], version: string) => string[];
}

const SSH_JUMP: Contender = {
  name: 'one ssh -J call to one host: ln -s + mv -T',
  command: (config, [dir], version) => [
    ...['ssh', '-F', config, 'host0'],
    `cd ${dir} && ln -s ../releases/${version}/f0 links/.l0.tmp && mv -T links/.l0.tmp links/l0`,
  ],
};

/** The command switching `links/l0` on the first `hosts` hosts of the fleet, in one run. */
const atomicLink = (name: string, hosts: number): Contender => ({
  name,
  command: (config, dirs, version) => [
    ...[process.execPath, CLI, '--ssh-config', config],
    ...dirs.slice(0, hosts).flatMap((dir, host) => ['--ssh', `host${host}:${dir}`]),
    `links/l0 -> ../releases/${version}/f0`,
  ],
});

/** Issue 21's two figures: each a fleet at its round trip, atomic-link against one ssh -J call. */
const CASES: { hopRttMs: number; hosts: number; contender: Contender }[] = [
  {
    hopRttMs: 20,
    hosts: 1,
    contender: atomicLink('atomic-link --ssh through the jump host (ProxyJump)', 1),
  },
  {
    hopRttMs: 10,
    hosts: HOSTS,
    contender: atomicLink(
      `atomic-link, ${HOSTS} hosts behind the same jump host (one connection to it)`,
      HOSTS,
    ),
  },
];

/**
 * Issue 21's figures: one link through a jump host at 20 ms round trips on each hop, and a
 * fleet of 10 hosts behind one jump host at 10 ms on each hop, each against one `ssh -J` call
 * to one host doing `ln -s` + `mv -T` at the same round trips. All four contenders run in
 * turns, in each round.
 */
export async function benchJump(log: (line: string) => void): Promise<JumpResult[]> {
  const fleets: JumpFleet[] = [];
  const closes: (() => Promise<void>)[] = [];
  try {
    for (const { hopRttMs, hosts } of CASES) {
      const fleet = await startJumpFleet(hosts, hopRttMs / 2);
      closes.push(fleet.close);
      fleets.push(fleet);
    }
    const pairs = CASES.flatMap((one, i) => [
      { ...one, contender: SSH_JUMP, fleet: fleets[i] },
      { ...one, fleet: fleets[i] },
    ]);
    const runs = pairs.map((): Measured[] => []);
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, { contender, fleet }] of pairs.entries()) {
        const { config, dirs, target, bastion } = fleet;
        const version = otherVersion(path.join(dirs[0], 'links', 'l0'));
        runs[i].push(await measured(contender.command(config, dirs, version), target, bastion));
      }
    }
    return pairs.map(({ contender, hopRttMs }, i) => {
      const of = (key: keyof Measured, at = i) => median(runs[at].map((one) => one[key]));
      const seconds = of('seconds');
      // Each case's baseline is the ssh -J call just before it in the list.
      const baseline = of('seconds', i - (i % 2));
      const cpuSeconds = {
        client: of('client'),
        targetSshd: of('targetSshd'),
        jumpSshd: of('jumpSshd'),
      };
      log(
        `  ${hopRttMs} ms RTT a hop, ${contender.name}: ${seconds.toFixed(2)} s, ` +
          `${(seconds / baseline).toFixed(2)}x one ssh -J call (${runs[i].length} runs); ` +
          `processor time: the command ${cpuSeconds.client.toFixed(2)} s, the hosts' sshd ` +
          `${cpuSeconds.targetSshd.toFixed(2)} s, the jump host's ${cpuSeconds.jumpSshd.toFixed(2)} s`,
      );
      return {
        name: contender.name,
        hopRttMs,
        runs: runs[i].length,
        medianSeconds: seconds,
        ratioToOneSshJump: seconds / baseline,
        cpuSeconds,
      };
    });
  } finally {
    for (const close of closes) await close();
  }
}

/**
 * Runs `command` under /usr/bin/time for its processor time (its children's included: ssh -J
 * runs a second ssh), and reads each sshd's from /proc: a listener's children, once reaped,
 * count in its own. On two cores, what the run costs the processors bounds how fast ten
 * handshakes can go, whoever makes them.
 */
async function measured(
  command: string[],
  target: SshServer,
  bastion: SshServer,
): Promise<Measured> {
  const before = [sshdSeconds(target), sshdSeconds(bastion)];
  const finished = await run(['/usr/bin/time', '-f', 'cpu %U %S', ...command]);
  const cpu = /^cpu ([\d.]+) ([\d.]+)$/.exec(finished.said);
  if (finished.status !== 0 || cpu === null) {
    throw new Error(`${command[0]} failed with ${finished.status}: ${finished.said}`);
  }
  // The sessions' processes are reaped by their listener a moment after the client is done.
  await new Promise((resolve) => setTimeout(resolve, 200));
  return {
    seconds: finished.seconds,
    client: Number(cpu[1]) + Number(cpu[2]),
    targetSshd: sshdSeconds(target) - before[0],
    jumpSshd: sshdSeconds(bastion) - before[1],
  };
}

/** Processor time of an sshd listener and of its reaped children, from /proc, in seconds. */
function sshdSeconds(server: SshServer): number {
  const pid = fs.readFileSync(path.join(path.dirname(server.identity), 'sshd.pid'), 'utf8');
  const stat = fs.readFileSync(`/proc/${pid.trim()}/stat`, 'utf8');
  // After the command's name: utime, stime, cutime and cstime are fields 12 to 15 from there.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = fields.slice(11, 15).reduce((sum, field) => sum + Number(field), 0);
  return ticks / 100;
}

export interface JumpFleet {
  /** The ssh config naming `bastion`, and `host0`... behind it. */
  config: string;
  /** Each host's directory, a tree of one link. */
  dirs: string[];
  target: SshServer;
  bastion: SshServer;
  close: () => Promise<void>;
}

/**
 * A fleet of `hosts` behind a jump host, each hop's chunks held `delayMs` each way. The jump
 * host is an sshd that only forwards; the hosts are one real sshd, each behind a delaying
 * proxy of its own (its own port, its own directory), which the jump host forwards to; the
 * jump host is behind a delaying proxy too. ssh and atomic-link read one ssh config.
 */
async function startJumpFleet(hosts: number, delayMs: number): Promise<JumpFleet> {
  const servers: SshServer[] = [];
  const proxies: DelayProxy[] = [];
  const close = async () => {
    for (const proxy of proxies) await proxy.close();
    for (const server of servers) server.stop();
  };
  try {
    const target = await startSshd();
    servers.push(target);
    for (let i = 0; i < hosts; i++) {
      proxies.push(await startDelayProxy({ targetPort: target.port, delayMs }));
    }
    const bastion = await startSshd({ config: forwardOnly(proxies.map(({ port }) => port)) });
    servers.push(bastion);
    fs.appendFileSync(
      path.join(path.dirname(bastion.identity), 'authorized_keys'),
      fs.readFileSync(`${target.identity}.pub`),
    );
    const front = await startDelayProxy({ targetPort: bastion.port, delayMs });
    proxies.push(front);
    const config = writeConfig(target, bastion, front.port, proxies.slice(0, hosts));
    const dirs = Array.from({ length: hosts }, () => linkTree(1, target.root));
    return { config, dirs, target, bastion, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * An ssh config that ssh and atomic-link both read: `bastion` behind the front proxy, and
 * `hostN` behind its proxy, reached through `bastion`; one known_hosts for all.
 */
function writeConfig(
  target: SshServer,
  bastion: SshServer,
  frontPort: number,
  hosts: DelayProxy[],
): string {
  const dir = path.dirname(target.identity);
  const known = path.join(dir, 'known_hosts_bench_jump');
  const keyOf = (server: SshServer) =>
    fs.readFileSync(server.knownHosts, 'utf8').split(' ').slice(1).join(' ');
  fs.writeFileSync(
    known,
    [
      `[127.0.0.1]:${frontPort} ${keyOf(bastion)}`,
      ...hosts.map(({ port }) => `[127.0.0.1]:${port} ${keyOf(target)}`),
    ].join(''),
  );
  const common = [
    '  HostName 127.0.0.1',
    '  User root',
    `  IdentityFile ${target.identity}`,
    `  UserKnownHostsFile ${known}`,
    '  StrictHostKeyChecking yes',
    '  BatchMode yes',
  ];
  const config = path.join(dir, 'ssh_config_bench_jump');
  fs.writeFileSync(
    config,
    [
      ...['Host bastion', `  Port ${frontPort}`, ...common],
      ...hosts.flatMap(({ port }, i) => [`Host host${i}`, `  Port ${port}`]),
      ...['Host host*', '  ProxyJump bastion', ...common],
      '',
    ].join('\n'),
    { mode: 0o600 },
  );
  return config;
}
