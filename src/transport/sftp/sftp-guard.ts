import type { SFTPWrapper } from 'ssh2';
import type { GuardReport, MissingSighting } from '../../engine/types.js';
import type { Watch } from '../../engine/port.js';
import type { Channel } from './connect.js';
import type { Requests } from './watchdog.js';

/**
 * The rate at which one OpenSSH sftp-server answers lstat, about (measured here: 15,000 to
 * 25,000 a second on loopback). Lookups in flight are this times the round trip (the
 * bandwidth-delay product), so that the server is kept busy and the guard's rate does not
 * fall with the round trip; between these bounds.
 */
const SERVER_RATE_PER_MS = 25;
/**
 * A few links need no more than this many looks a millisecond each: a 3 ms gap is looked into
 * several times. More only costs processor time on both ends (one link through a jump host,
 * 1,024 in flight: 0.75 s of the client's processor against 0.39 s).
 */
const LINK_RATE_PER_MS = 2;
const MIN_IN_FLIGHT = 128;
/**
 * At begin() one slice of lookups goes out ahead of the renames, the rest of the wave right
 * behind them (renamesSent()), or a slice per turn of the event loop if no rename follows.
 * All at once ahead of them, 1,024 lookups took 66 ms of this processor to send (cold, under
 * load): the renames reached the server as that wave ended, and a 3 ms gap made there just
 * after the first rename fell before the next wave, a round trip later (caught in 4 of 20
 * runs at 200 ms RTT; 10 of 20 with the wave in slices). Two looks at each link a slice,
 * within these bounds.
 */
const SLICE_MIN = 32;
const SLICE_MAX = 128;
/**
 * The cap: with 8,192 in flight at 200 ms the answers took the server and the connection from
 * the renames (a 200-link batch 8.9 s instead of 1), with 1,024 the guard made 3.6 lookups a
 * ms there against 6 on loopback (and 0.64 with a fixed 128).
 */
const MAX_IN_FLIGHT = 1024;
/**
 * The guards of this process (a fleet's hosts) share SHARED_IN_FLIGHT at the full rate, at
 * least MIN_SHARE each: every answer comes through this one process, which bounds the rate
 * once several look at once; 128 lookups for each of ten hosts only queued, ahead of the
 * renames' answers on the same connections (through one jump host, one TCP stream): the commit
 * of ten hosts took 712 ms against 253 ms shared. A guard's window waits for its per-link
 * minimum all the same. Those standing by count too: a fleet's guards begin one after another
 * in one turn, and counted as they began, the first took 128, the next 64 and so on (382 on
 * the way in all, every one encrypted twice through a jump host, before the first host's
 * renames were sent, 63 ms after its guard began).
 */
const SHARED_IN_FLIGHT = 128;
const MIN_SHARE = 16;
const sharing = new Set<SftpGuard>();
/**
 * Lookups kept in flight while standing by (prepared, waiting for the switch): enough to show
 * that the server is looking and to notice a connection lost, no load on it; and one at a
 * time, each answer tells the round trip.
 */
const STAND_BY_IN_FLIGHT = 1;
/**
 * The window: from the first rename sent, the guard keeps looking until the last rename is
 * acknowledged and then at least WINDOW_MS more, and until every link was looked up at least
 * PER_LINK times since the first rename (a batch renamed in a millisecond, less than a busy
 * server's time slice, is not left to a handful of lookups). Bounded by MAX_WINDOW_MS.
 */
export const WINDOW_MS = 100;
export const PER_LINK = 10;
const MAX_WINDOW_MS = 10_000;
const NO_SUCH_FILE = 2;

/**
 * Watches links on the server through a channel of its own (a second sftp-server process,
 * running beside the one that renames), with lstat, which sees the name itself: a dangling
 * link is present, a name in the middle of an unlink-then-create is not.
 */
export class SftpGuard implements Watch {
  private lookups = 0;
  private missing = 0;
  private outstanding = 0;
  private next = 0;
  private stopping = false;
  private blind: string | undefined;
  private readonly start = performance.now();
  /** When it began looking at the full rate: the minimum watch counts from there. */
  private begun = this.start;
  /** Lookups it would keep on the way alone: the round trip's need (see inFlightFor). */
  private wanted: number;
  /** The shortest round trip seen of a lookup sent alone, in ms. */
  private roundTrip = Infinity;
  /** Lookups of each link answered since begin(). */
  private readonly counts: Uint32Array;
  private looking = false;
  /** Lookups it may have on the way while the wave goes out slice by slice (see SLICE_MIN). */
  private ramp = Infinity;
  readonly method = 'sampling';
  private readonly sightings = new Map<number, MissingSighting>();
  private settled: (() => void) | undefined;
  private readonly sftp: SFTPWrapper;
  private readonly requests: Requests;

  private constructor(
    channel: Channel,
    private readonly paths: string[],
    standBy: boolean,
  ) {
    this.sftp = channel.sftp;
    this.requests = channel.requests;
    this.counts = new Uint32Array(paths.length);
    this.wanted = standBy ? STAND_BY_IN_FLIGHT : MIN_IN_FLIGHT;
    this.looking = !standBy;
    sharing.add(this);
  }

  /** Lookups to keep on the way now: its need, or its share when others look at once. */
  private inFlight(): number {
    if (!this.looking || sharing.size < 2) return Math.min(this.wanted, this.ramp);
    return Math.min(
      this.wanted,
      this.ramp,
      Math.max(MIN_SHARE, Math.ceil(SHARED_IN_FLIGHT / sharing.size)),
    );
  }

  /**
   * Resolves once the server has answered a first lookup: from then on it is looking. When
   * `lost` rejects (the watchdog closes a connection whose channel stopped answering), the
   * guard has lost sight, and says so.
   */
  static async start(
    channel: Channel,
    paths: string[],
    lost: Promise<never>,
    standBy = false,
  ): Promise<SftpGuard> {
    const guard = new SftpGuard(channel, paths, standBy);
    lost.catch((error: Error) => {
      guard.goBlind(error.message);
      guard.outstanding = 0;
      guard.wake();
    });
    await new Promise<void>((resolve) => {
      guard.settled = resolve;
      guard.topUp();
    });
    return guard;
  }

  /** From standing by to the full rate: the renames follow these lookups on the connection. */
  begin(): void {
    if (this.looking || this.stopping || this.blind !== undefined) return;
    this.looking = true;
    this.wanted = inFlightFor(this.roundTrip, this.paths.length);
    this.begun = performance.now();
    const slice = Math.min(SLICE_MAX, Math.max(SLICE_MIN, 2 * this.paths.length));
    this.ramp = this.outstanding;
    const next = () => {
      this.ramp += slice;
      this.topUp();
      if (this.ramp < this.wanted && !this.stopping) setImmediate(next);
      else this.ramp = Infinity;
    };
    next();
  }

  /**
   * The renames are on their way: the rest of the wave follows them to the server at once,
   * once they have left (the store holds a batch's writes until the next tick).
   */
  renamesSent(): void {
    if (!this.looking || this.ramp === Infinity) return;
    this.ramp = Infinity;
    process.nextTick(() => this.topUp());
  }

  soFar(): { lookups: number; missing: number } {
    return { lookups: this.lookups, missing: this.missing };
  }

  /**
   * Called once the last rename is acknowledged: keeps looking for the window, stops sending,
   * waits for the lookups on the way (they cover the last renames), reports.
   */
  async stop(): Promise<GuardReport> {
    const until = performance.now() + WINDOW_MS;
    const limit = this.begun + MAX_WINDOW_MS;
    while (this.blind === undefined && !this.stopping) {
      const now = performance.now();
      if (now >= limit || (now >= until && this.perLinkMin() >= PER_LINK)) break;
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, Math.min(10, until - now))));
    }
    this.stopping = true;
    sharing.delete(this);
    if (this.outstanding > 0) await new Promise<void>((resolve) => (this.settled = resolve));
    return {
      method: 'sampling',
      certain: false,
      lookups: this.lookups,
      missing: this.missing,
      blind: this.blind,
      windowMs: Math.round(performance.now() - this.begun),
      perLinkMin: this.perLinkMin(),
      sampledBecause: 'the links are on a server, whose kernel tells this machine nothing',
      sightings: [...this.sightings.values()],
    };
  }

  /** Up to its share on the way; more when a guard that stopped left its share. */
  private topUp(): void {
    while (!this.stopping && this.blind === undefined && this.outstanding < this.inFlight()) {
      this.send();
    }
  }

  /** It can no longer look: its share goes to the guards that still can. */
  private goBlind(reason: string): void {
    this.blind ??= reason;
    sharing.delete(this);
  }

  private perLinkMin(): number {
    let least = Infinity;
    for (const count of this.counts) if (count < least) least = count;
    return least === Infinity ? 0 : least;
  }

  private send(): void {
    const index = this.next;
    this.next = (this.next + 1) % this.paths.length;
    this.outstanding++;
    this.requests.sent();
    // Each lookup leaves at once, not held to go with others (batchWrites): lookups sent in
    // bunches are answered in bunches, with gaps between them in which nothing is looked at
    // (a naive writer on the server was then missed in some runs out of 20).
    const sent = performance.now();
    const alone = this.outstanding === 1;
    try {
      this.sftp.lstat(this.paths[index], (error) => {
        if (alone) this.roundTrip = Math.min(this.roundTrip, performance.now() - sent);
        this.answered(index, error);
      });
    } catch (error) {
      this.answered(index, error as Error);
    }
  }

  private answered(index: number, error: Error | null | undefined): void {
    this.outstanding--;
    this.requests.done();
    this.lookups++;
    if (this.looking) this.counts[index]++;
    if (error) {
      if ((error as { code?: unknown }).code === NO_SUCH_FILE) this.seenMissing(index);
      else this.goBlind(`${error.message} looking up ${this.paths[index]}`);
    }
    // The first answer means the server is looking; the caller may start switching.
    if (!this.stopping && this.lookups === 1) this.wake();
    if (!this.stopping && this.blind === undefined) this.topUp();
    else if (this.outstanding === 0) this.wake();
  }

  private seenMissing(index: number): void {
    this.missing++;
    const now = Math.round(performance.now() - this.start);
    const sighting = this.sightings.get(index);
    if (sighting) {
      sighting.count++;
      sighting.lastMs = now;
    } else {
      this.sightings.set(index, { link: this.paths[index], count: 1, firstMs: now, lastMs: now });
    }
  }

  private wake(): void {
    const settled = this.settled;
    this.settled = undefined;
    settled?.();
  }
}

/** Lookups in flight for a round trip of `roundTripMs`: the rate the server or `links` need, times it. */
function inFlightFor(roundTripMs: number, links: number): number {
  if (!Number.isFinite(roundTripMs)) return MIN_IN_FLIGHT;
  const rate = Math.min(SERVER_RATE_PER_MS, links * LINK_RATE_PER_MS);
  const needed = Math.ceil(rate * roundTripMs * 1.25);
  return Math.min(MAX_IN_FLIGHT, Math.max(MIN_IN_FLIGHT, needed));
}
