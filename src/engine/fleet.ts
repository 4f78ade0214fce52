import {
  AtomicLinkError,
  InterruptedError,
  MissingLinkError,
  UsageError,
  describeError,
} from './errors.js';
import type { LinkStore } from './port.js';
import { readStatus } from './status.js';
import type { LinkStatus } from './status.js';
import { prepareSwitch, stopIfAsked, switchLinks } from './switch-links.js';
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
  /** What the host left undone after its switch, as SwitchReport.warnings. */
  warnings?: string[];
  /** One SFTP round trip to the host, measured while preparing. */
  roundTripMs?: number;
  /** Why the host did not end switched, or what its guard saw, when either happened. */
  error?: string;
}

export interface FleetReport {
  hosts: HostReport[];
  /** A dry run: each host's results are its plan (would switch, unchanged); nothing changed. */
  dryRun?: true;
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
  if (members.some((member) => member.options.dryRun)) return planFleet(members, specs, maxHosts);
  const ready: Ready[] = [];
  const failures = await onEachHost(members, maxHosts, async (member, store) => {
    // Timed beside the preparation's own first requests, so that it costs no round trip.
    const started = Date.now();
    const [roundTripMs, prepared] = await Promise.all([
      store.realDirs([member.options.cwd]).then(() => Date.now() - started),
      prepareSwitch(store, specs, member.options),
    ]);
    ready.push({ member, store, prepared, roundTripMs });
    return 'keep';
  });
  let report: FleetReport | undefined;
  let failed: FleetError | undefined;
  try {
    if (failures.length > 0) {
      const hosts = ready.map(({ member, prepared, roundTripMs }) => ({
        host: member.host,
        state: 'unchanged' as const,
        results: prepared.results(),
        notes: [],
        roundTripMs,
      }));
      throw notReady(members, hosts, failures);
    }
    report = await switchReady(members, ready);
    return report;
  } catch (error) {
    if (error instanceof FleetError) ({ report } = failed = error);
    throw error;
  } finally {
    // Every host at once: one after another, ten hosts' releases (two round trips each) took
    // longer than their whole switch. What a host could not clean up is said with that host.
    await Promise.all(
      ready.map(async ({ member, prepared, store }) => {
        const problems = await prepared
          .release()
          .catch((error: unknown) => [`could not clean up: ${describeError(error)}`]);
        const hostReport = report?.hosts.find(({ host }) => host === member.host);
        if (hostReport && problems.length > 0) hostReport.warnings = problems;
        failed?.notes.push(...problems.map((problem) => `${member.host}: ${problem}`));
        await store.close().catch(() => undefined);
      }),
    );
  }
}

/**
 * A dry run: each host checked and its plan read, as a switch would read them, and nothing
 * changed anywhere (no lock taken, no link made).
 */
async function planFleet(
  members: FleetMember[],
  specs: LinkSpec[],
  maxHosts: number,
): Promise<FleetReport> {
  const hosts: HostReport[] = [];
  const failures = await onEachHost(members, maxHosts, async (member, store) => {
    const plan = await switchLinks(store, specs, member.options);
    hosts.push({
      host: member.host,
      state: 'unchanged',
      results: plan.results,
      notes: [...(store.notes ?? [])],
    });
    return 'close';
  });
  if (failures.length > 0) throw notReady(members, hosts, failures);
  return { hosts: inOrder(members, hosts), dryRun: true };
}

/** Each host's links, by host: what `--status` reads on a fleet. */
export interface FleetStatus {
  hosts: { host: string; links: LinkStatus[] }[];
}

/**
 * Reads each host's links and backups, at most `maxHosts` at once, changing nothing. Every
 * host is read even when one cannot be: the error names each that could not.
 */
export async function statusFleet(
  members: FleetMember[],
  specs: LinkSpec[],
  maxHosts: number,
): Promise<FleetStatus> {
  const hosts: FleetStatus['hosts'] = [];
  const failures = await onEachHost(members, maxHosts, async (member, store) => {
    hosts.push({ host: member.host, links: await readStatus(store, specs, member.options) });
    return 'close';
  });
  const rank = new Map(members.map((member, index) => [member.host, index]));
  hosts.sort((a, b) => (rank.get(a.host) ?? 0) - (rank.get(b.host) ?? 0));
  if (failures.length === 0) return { hosts };
  const said = failures.map(({ member, error }) => `${member.host}: ${describeError(error)}`);
  const usage = failures.every(({ error }) => error instanceof UsageError);
  throw new FleetError(
    said.join('; '),
    usage ? 2 : 1,
    { hosts: [] },
    stoppedBy(
      failures.map(({ member }) => member),
      failures.map(({ error }) => error),
    ),
  );
}

/**
 * Sends every host its renames together. The fleet ends on one release: when any host does not
 * end switched, every host that did is switched back, those whose guard saw a link missing
 * included (their readers saw a gap already; a fleet split between releases would add to it).
 * Each host's report is its true end state, and the message claims no more than they show.
 */
async function switchReady(members: FleetMember[], ready: Ready[]): Promise<FleetReport> {
  const outcomes = await Promise.allSettled(ready.map(({ prepared }) => prepared.commit()));
  // Over the hosts that sent renames: a host with nothing to change sent none.
  const times = outcomes.flatMap((outcome) =>
    outcome.status === 'fulfilled' && outcome.value.renamed ? [outcome.value.renamed] : [],
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
        // Its guard's "every link is switched, but ..." no longer holds once switched back.
        const blind = blindOnly(outcomes[index]);
        if (blind !== undefined) hosts[index].error = lostSight(blind);
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
    return reason instanceof MissingLinkError
      ? [{ host: item.member.host, message: reason.message, blind: blindOnly(outcomes[index]) }]
      : [];
  });
  if (failed.length === 0 && seen.length === 0) return report;
  // A guard blind while its host was switched saw nothing missing: said as such (exit 3 all the
  // same, it cannot vouch for that time), not as "a link was seen missing".
  const missing = seen.filter(({ blind }) => blind === undefined);
  const blinded = seen.flatMap(({ host, blind }) =>
    blind === undefined ? [] : [`${host}: ${lostSight(blind)}`],
  );
  const said =
    failed.length === 0
      ? [
          `every host is switched, but ${seen.map(({ host, message }) => `${host}: ${message}`).join('; ')}`,
        ]
      : [
          `the switch failed on ${failed
            .map(({ host, error }) => `${host} (${error ?? 'no answer'})`)
            .join('; ')}`,
          endStates(report.hosts),
          ...(missing.length > 0
            ? [
                `and a link may have been missing: ${missing.map(({ host, message }) => `${host}: ${message}`).join('; ')}`,
              ]
            : []),
          ...(blinded.length > 0 ? [`and ${blinded.join('; ')}`] : []),
        ];
  throw new FleetError(
    said.join('; '),
    seen.length > 0 ? 3 : 1,
    report,
    seen.length === 0
      ? stoppedBy(
          ready.map(({ member }) => member),
          errors,
        )
      : undefined,
  );
}

/**
 * Why the guard of a host that switched lost sight, when that is all it reports (it saw no
 * link missing): its error says "every link is switched, but ...".
 */
function blindOnly(outcome: PromiseSettledResult<unknown>): string | undefined {
  if (outcome.status === 'fulfilled' || !(outcome.reason instanceof MissingLinkError)) return;
  const guard = outcome.reason.guard;
  if (
    guard?.blind === undefined ||
    guard.missing > 0 ||
    (guard.touched?.length ?? 0) > 0 ||
    guard.replaced !== undefined
  ) {
    return;
  }
  return guard.blind;
}

function lostSight(blind: string): string {
  return (
    `its guard lost sight of the links while they were switched (${blind}), ` +
    'so it cannot vouch that none was missing'
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
  others: HostReport[],
  failures: { member: FleetMember; error: unknown }[],
): FleetError {
  const usage = failures.some(({ error }) => error instanceof UsageError);
  const hosts: HostReport[] = [
    ...others,
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
    stoppedBy(
      failures.map(({ member }) => member),
      failures.map(({ error }) => error),
    ),
  );
}

/**
 * The signal that stopped the fleet, if one did: a host's own InterruptedError, or a stop asked
 * while a failed fleet was being switched back (which ends the revert, not the commit).
 */
function stoppedBy(members: FleetMember[], errors: unknown[]): string | undefined {
  const interrupted = errors.find(
    (error): error is InterruptedError => error instanceof InterruptedError,
  );
  const signal = members.find((member) => member.options.signal?.aborted)?.options.signal;
  return interrupted?.signal ?? (signal ? String(signal.reason) : undefined);
}

function inOrder(members: FleetMember[], hosts: HostReport[]): HostReport[] {
  const rank = new Map(members.map((member, index) => [member.host, index]));
  return hosts.sort((a, b) => (rank.get(a.host) ?? 0) - (rank.get(b.host) ?? 0));
}

function describeHosts(hosts: string[]): string {
  return hosts.length === 1 ? hosts[0] : `${hosts.length} hosts (${hosts.join(', ')})`;
}

/**
 * Opens each host's store, at most `maxHosts` at once, and runs `work` on it; the store is
 * closed after, unless `work` keeps it. Returns the hosts that failed, with their errors.
 */
async function onEachHost(
  members: FleetMember[],
  maxHosts: number,
  work: (member: FleetMember, store: LinkStore) => Promise<'keep' | 'close'>,
): Promise<{ member: FleetMember; error: unknown }[]> {
  const failures: { member: FleetMember; error: unknown }[] = [];
  await eachLimited(members, maxHosts, async (member) => {
    let store: LinkStore | undefined;
    let keep = false;
    try {
      // Hosts not begun when a stop is asked are not begun at all.
      stopIfAsked(member.options, 'nothing was changed');
      store = await member.open();
      keep = (await work(member, store)) === 'keep';
    } catch (error) {
      failures.push({ member, error });
    } finally {
      if (!keep) await store?.close().catch(() => undefined);
    }
  });
  return failures;
}

/** Runs `work` on every item, at most `limit` at once: one slow host holds up no other. */
async function eachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
