import path from 'node:path';
import { startSshd } from '../test/helpers/ssh-server.js';
import { CLI } from './local.js';
import { median, timeCommand } from './measure.js';
import { linkTree } from './trees.js';

const SAMPLED = 100;

export interface RemoteResult {
  name: string;
  runs: number;
  medianSeconds: number;
  ratioToSingleSsh: number;
}

/**
 * 1,000 links on a loopback sshd: atomic-link --ssh (mount, second view, probe, guard) against
 * what SSH deploy steps do: one ssh running ln -sfn for each, and one ssh call per link.
 */
export async function benchRemote(
  count: number,
  log: (line: string) => void,
): Promise<RemoteResult[]> {
  const server = await startSshd();
  try {
    const dir = linkTree(count, server.root);
    const ssh = [
      'ssh',
      '-p',
      String(server.port),
      '-i',
      server.identity,
      '-o',
      `UserKnownHostsFile=${server.knownHosts}`,
      '-o',
      'StrictHostKeyChecking=yes',
      '-o',
      'BatchMode=yes',
      'root@127.0.0.1',
    ];
    const cliArgs = server.args.map((arg) =>
      arg.endsWith(`:${server.root}`) ? `root@127.0.0.1:${dir}` : arg,
    );
    const script = (v: string) =>
      `cd ${dir} && ` +
      Array.from({ length: count }, (_, i) => `ln -sfn ../releases/${v}/f${i} links/l${i}`).join(
        ' && ',
      );
    const contenders: { name: string; runs: number; run: (v: string) => number }[] = [
      {
        name: 'atomic-link --ssh, guard on',
        runs: 5,
        run: (v) =>
          check(
            timeCommand([
              process.execPath,
              CLI,
              ...cliArgs,
              '--spec-file',
              path.join(dir, `specs-${v}`),
            ]),
          ),
      },
      {
        name: "one ssh call: sh -c 'ln -sfn ...' per link",
        runs: 5,
        run: (v) => check(timeCommand([...ssh, script(v)])),
      },
      {
        // A connection per link takes minutes for 1,000: the first SAMPLED links are timed,
        // and the total is that time scaled to all links (the cost per call is flat).
        name: `one ssh call per link (ln -sfn; ${SAMPLED} timed, scaled to ${count})`,
        runs: 1,
        run: (v) => {
          let total = 0;
          for (let i = 0; i < SAMPLED; i++) {
            total += check(
              timeCommand([...ssh, `ln -sfn ../releases/${v}/f${i} ${dir}/links/l${i}`]),
            );
          }
          return (total * count) / SAMPLED;
        },
      },
    ];
    const times = new Map<string, number[]>(contenders.map((contender) => [contender.name, []]));
    let version = 'v1';
    for (let round = 0; round < 5; round++) {
      for (const contender of contenders) {
        if (round >= contender.runs) continue;
        version = version === 'v1' ? 'v2' : 'v1';
        times.get(contender.name)?.push(contender.run(version));
      }
    }
    const single = median(times.get(contenders[1].name) as number[]);
    return contenders.map((contender) => {
      const seconds = median(times.get(contender.name) as number[]);
      log(
        `  ${contender.name}: ${seconds.toFixed(2)} s, ${(seconds / single).toFixed(2)}x one ssh call`,
      );
      return {
        name: contender.name,
        runs: contender.runs,
        medianSeconds: seconds,
        ratioToSingleSsh: seconds / single,
      };
    });
  } finally {
    server.stop();
  }
}

function check(run: { seconds: number; status: number | null }): number {
  if (run.status !== 0) throw new Error(`a remote contender failed with ${run.status}`);
  return run.seconds;
}
