import {
  AtomicLinkError,
  InterruptedError,
  MissingLinkError,
  UsageError,
  describeError,
} from './errors.js';
import type { LinkStore } from './port.js';
import { prepareSwitch, stopIfAsked } from './switch-links.js';
import type { PreparedSwitch } from './switch-links.js';
import type { BatchState, GuardReport, LinkResult, LinkSpec, SwitchOptions } from './types.js';

/** One host of a fleet: how to reach its store, and the options with its own paths. */
export interface FleetMember {
  host: string;
  open: () => Promise<LinkStore>;
  options: SwitchOptions;
}

export interface HostReport {
  host: string;
  /** Where the host's links stand at the end: see BatchState. */
  state: BatchState;
  results: LinkResult[];
  guard?: GuardReport;
  notes: string[];
  /** One SFTP round trip to the host, measured while preparing. */
  roundTripMs?: number;
  /** Why the host did not end switched, or what its guard saw, when either happened. */
  error?: string;
}

export interface FleetReport {
  hosts: HostReport[];
  /**
   * From the first rename sent to any host to the last acknowledged by any host; absent when
   * no rename was sent.
   */
  skewMs?: number;
}

/** The engine's failures, with the fleet's report of where every host ended. */
export class FleetError extends AtomicLinkError {
  constructor(
    message: string,
    exitCode: number,
    readonly report: FleetReport,
    /** The signal that stopped the fleet, when one did and no link was seen missing. */
    readonly signal?: string,
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
      // Hosts not begun when a stop is asked are not begun at all.
      stopIfAsked(member.options, 'nothing was changed');
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

/**
 * Sends every host its renames together. The fleet ends on one release: when any host does not
 * end switched, every host that did is switched back, those whose guard saw a link missing
 * included (their readers saw a gap already; a fleet split between releases would add to it).
 * Each host's report is its true end state, and the message claims no more than they show.
 */
async function switchReady(members: FleetMember[], ready: Ready[]): Promise<FleetReport> {
  const outcomes = await Promise.allSettled(ready.map(({ prepared }) => prepared.commit()));
  const times = outcomes.flatMap((outcome) =>
    outcome.status === 'fulfilled' ? [outcome.value] : [],
  );
  const hosts = ready.map((item, index): HostReport => {
    const outcome = outcomes[index];
    const report: HostReport = {
      host: item.member.host,
      state: item.prepared.state(),
      results: [],
      notes: [
        ...(item.store.notes ?? []),
        ...(outcome.status === 'fulfilled' ? outcome.value.notes : []),
      ],
      roundTripMs: item.roundTripMs,
    };
    if (outcome.status === 'fulfilled') report.guard = outcome.value.guard;
    else {
      report.error = describeError(outcome.reason);
      if (outcome.reason instanceof AtomicLinkError) report.notes.push(...outcome.reason.notes);
    }
    return report;
  });
  const failed = hosts.filter((host) => host.state !== 'switched');
  if (failed.length > 0) {
    const cause = `${describeHosts(failed.map(({ host }) => host))} could not switch`;
    await Promise.all(
      ready.map(async (item, index) => {
        if (hosts[index].state !== 'switched') return;
        const undone = await item.prepared.revert(cause);
        hosts[index].state = item.prepared.state();
        if (!undone.whole) hosts[index].error = undone.message;
      }),
    );
  }
  ready.forEach((item, index) => (hosts[index].results = item.prepared.results()));
  const report: FleetReport = { hosts: inOrder(members, hosts) };
  if (times.length > 0) {
    report.skewMs = Math.round(
      Math.max(...times.map((t) => t.ackedAt)) - Math.min(...times.map((t) => t.sentAt)),
    );
  }
  const errors = outcomes.flatMap((outcome) =>
    outcome.status === 'rejected' ? [outcome.reason as unknown] : [],
  );
  const seen = ready.flatMap((item, index) => {
    const reason = outcomes[index].status === 'rejected' ? outcomes[index].reason : undefined;
    return reason instanceof MissingLinkError ? [`${item.member.host}: ${reason.message}`] : [];
  });
  if (failed.length === 0 && seen.length === 0) return report;
  const said =
    failed.length === 0
      ? [`every host is switched, but ${seen.join('; ')}`]
      : [
          `the switch failed on ${failed
            .map(({ host, error }) => `${host} (${error ?? 'no answer'})`)
            .join('; ')}`,
          endStates(report.hosts),
          ...(seen.length > 0 ? [`and a link was seen missing: ${seen.join('; ')}`] : []),
        ];
  throw new FleetError(
    said.join('; '),
    seen.length > 0 ? 3 : 1,
    report,
    seen.length === 0 ? interruptedBy(errors) : undefined,
  );
}

/** What the hosts end as, in words that claim nothing their states do not show. */
function endStates(hosts: HostReport[]): string {
  const old = hosts.filter(({ state }) => state === 'unchanged' || state === 'switched back');
  if (old.length === hosts.length) {
    const back = hosts.filter(({ state }) => state === 'switched back').length;
    return back === 0 ? 'no host was changed' : `every host is as it was (${back} switched back)`;
  }
  const others = hosts.filter((host) => !old.includes(host));
  return `the fleet is not on one release: ${others
    .map(({ host, state }) => `${host} is ${state === 'switched' ? 'new' : state}`)
    .join('; ')}; every other host is as it was`;
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
    { hosts: inOrder(members, hosts) },
    interruptedBy(failures.map(({ error }) => error)),
  );
}

/** The signal that stopped some host, if one did. */
function interruptedBy(errors: unknown[]): string | undefined {
  return errors.find((error): error is InterruptedError => error instanceof InterruptedError)
    ?.signal;
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
