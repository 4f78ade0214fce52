import {
  AtomicLinkError,
  MissingLinkError,
  StoreLostError,
  UsageError,
  describeError,
} from './errors.js';
import type { LinkStore } from './port.js';
import { prepareSwitch } from './switch-links.js';
import type { PreparedSwitch } from './switch-links.js';
import type { GuardReport, LinkResult, LinkSpec, SwitchOptions } from './types.js';

/** One host of a fleet: how to reach its store, and the options with its own paths. */
export interface FleetMember {
  host: string;
  open: () => Promise<LinkStore>;
  options: SwitchOptions;
}

export interface HostReport {
  host: string;
  /** switched, switched back, unchanged (nothing reached it), or unknown (lost mid-switch). */
  state: 'switched' | 'switched back' | 'unchanged' | 'unknown';
  results: LinkResult[];
  guard?: GuardReport;
  notes: string[];
  /** One SFTP round trip to the host, measured while preparing. */
  roundTripMs?: number;
  /** Why the host did not end switched, when it did not. */
  error?: string;
}

export interface FleetReport {
  hosts: HostReport[];
  /** From the first rename sent to any host to the last acknowledged by any host. */
  skewMs: number;
}

/** The engine's failures, with the fleet's report of where every host ended. */
export class FleetError extends AtomicLinkError {
  constructor(
    message: string,
    exitCode: number,
    readonly report: FleetReport,
  ) {
    super(message, exitCode);
  }
}

interface Ready {
  member: FleetMember;
  store: LinkStore;
  prepared: PreparedSwitch;
  roundTripMs: number;
}

/**
 * Switches the same links on many hosts as one: first every host is prepared (connected,
 * checked, locked, every new link made under its temporary name), at most `maxHosts` at once;
 * only when all are ready are the renames sent to every host together. A host that fails to
 * get ready leaves every host unchanged; a host that fails to switch has every host that did
 * switched back.
 */
export async function switchFleet(
  members: FleetMember[],
  specs: LinkSpec[],
  maxHosts: number,
): Promise<FleetReport> {
  const ready: Ready[] = [];
  const failures: { member: FleetMember; error: unknown }[] = [];
  await eachLimited(members, maxHosts, async (member) => {
    let store: LinkStore | undefined;
    try {
      store = await member.open();
      // Timed beside the preparation's own first requests, so that it costs no round trip.
      const started = Date.now();
      const [roundTripMs, prepared] = await Promise.all([
        store.realDirs([member.options.cwd]).then(() => Date.now() - started),
        prepareSwitch(store, specs, member.options),
      ]);
      ready.push({ member, store, prepared, roundTripMs });
    } catch (error) {
      failures.push({ member, error });
      await store?.close().catch(() => undefined);
    }
  });
  try {
    if (failures.length > 0) throw notReady(members, ready, failures);
    return await switchReady(members, ready);
  } finally {
    // Every host at once: one after another, ten hosts' releases (two round trips each) took
    // longer than their whole switch.
    await Promise.all(
      ready.map(async ({ prepared, store }) => {
        await prepared.release().catch(() => undefined);
        await store.close().catch(() => undefined);
      }),
    );
  }
}

async function switchReady(members: FleetMember[], ready: Ready[]): Promise<FleetReport> {
  const started = performance.now();
  const outcomes = await Promise.allSettled(ready.map(({ prepared }) => prepared.commit()));
  // From the first rename sent to the last acknowledged, over the hosts that switched.
  const times = outcomes.flatMap((outcome) =>
    outcome.status === 'fulfilled' ? [outcome.value] : [],
  );
  const skewMs =
    times.length === 0
      ? Math.round(performance.now() - started)
      : Math.round(
          Math.max(...times.map((t) => t.ackedAt)) - Math.min(...times.map((t) => t.sentAt)),
        );
  const failed = outcomes.flatMap((outcome, index) =>
    outcome.status === 'rejected'
      ? [{ host: ready[index].member.host, error: outcome.reason }]
      : [],
  );
  // A host whose guard saw a link missing was still switched: the fleet stays switched.
  const switchFailed = failed.filter(({ error }) => !(error instanceof MissingLinkError));
  const hosts: HostReport[] = [];
  for (const [index, item] of ready.entries()) {
    const outcome = outcomes[index];
    const report: HostReport = {
      host: item.member.host,
      state: 'switched',
      results: item.prepared.results(),
      notes: [],
      roundTripMs: item.roundTripMs,
    };
    if (outcome.status === 'fulfilled') {
      report.guard = outcome.value.guard;
      report.notes = outcome.value.notes;
      if (switchFailed.length > 0) {
        const undone = await item.prepared.revert(
          `${describeHosts(switchFailed.map(({ host }) => host))} could not switch`,
        );
        report.state = undone.whole ? 'switched back' : 'unknown';
        report.error = undone.message;
      }
    } else if (!(outcome.reason instanceof MissingLinkError)) {
      report.state = outcome.reason instanceof StoreLostError ? 'unknown' : 'switched back';
      report.error = describeError(outcome.reason);
    } else {
      report.error = describeError(outcome.reason);
    }
    hosts.push(report);
  }
  const report = { hosts: inOrder(members, hosts), skewMs };
  if (switchFailed.length > 0) {
    throw new FleetError(
      `the switch failed on ${describeHosts(switchFailed.map(({ host }) => host))}; ` +
        `every host that had switched was switched back: ` +
        switchFailed.map(({ host, error }) => `${host}: ${describeError(error)}`).join('; '),
      1,
      report,
    );
  }
  const missing = failed.filter(({ error }) => error instanceof MissingLinkError);
  if (missing.length > 0) {
    throw new FleetError(
      missing.map(({ host, error }) => `${host}: ${describeError(error)}`).join('; '),
      3,
      report,
    );
  }
  return report;
}

/** Nothing was renamed anywhere: a bad spec or target is exit 2, anything else exit 1. */
function notReady(
  members: FleetMember[],
  ready: Ready[],
  failures: { member: FleetMember; error: unknown }[],
): FleetError {
  const usage = failures.some(({ error }) => error instanceof UsageError);
  const hosts: HostReport[] = [
    ...ready.map(({ member, prepared, roundTripMs }) => ({
      host: member.host,
      state: 'unchanged' as const,
      results: prepared.results(),
      notes: [],
      roundTripMs,
    })),
    ...failures.map(({ member, error }) => ({
      host: member.host,
      state: 'unchanged' as const,
      results: [],
      notes: [],
      error: describeError(error),
    })),
  ];
  const said = failures.map(({ member, error }) => `${member.host}: ${describeError(error)}`);
  return new FleetError(
    `${said.join('; ')}; no host was changed`,
    usage ? 2 : failures.some(({ error }) => error instanceof MissingLinkError) ? 3 : 1,
    { hosts: inOrder(members, hosts), skewMs: 0 },
  );
}

function inOrder(members: FleetMember[], hosts: HostReport[]): HostReport[] {
  const rank = new Map(members.map((member, index) => [member.host, index]));
  return hosts.sort((a, b) => (rank.get(a.host) ?? 0) - (rank.get(b.host) ?? 0));
}

function describeHosts(hosts: string[]): string {
  return hosts.length === 1 ? hosts[0] : `${hosts.length} hosts (${hosts.join(', ')})`;
}

/** Runs `work` on every item, at most `limit` at once: one slow host holds up no other. */
async function eachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
