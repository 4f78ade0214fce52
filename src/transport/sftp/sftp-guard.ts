import type { SFTPWrapper } from 'ssh2';
import type { GuardReport, MissingSighting } from '../../engine/types.js';
import type { Watch } from '../../engine/port.js';
import type { Channel } from './connect.js';
import type { Requests } from './watchdog.js';

/**
 * Lookups kept in flight on the guard's channel. The server answers them one after another as
 * fast as it can lstat, so the sampling rate does not depend on the round trip: a round trip
 * only decides how many lookups are on the way at once.
 */
const IN_FLIGHT = 128;
/**
 * Guards at the full rate in this process (a fleet's hosts) share IN_FLIGHT: every answer
 * comes through this one process, which is the bound on the rate once several look at once;
 * 128 lookups for each of ten hosts only queued, ahead of the renames' answers on the same
 * connections (through one jump host, one TCP stream): a 1-link switch took 1.8 s.
 */
const MIN_SHARE = 16;
const looking = new Set<SftpGuard>();
/**
 * Lookups kept in flight while standing by (prepared, waiting for the switch): enough to show
 * that the server is looking and to notice a connection lost, no load on it.
 */
const STAND_BY_IN_FLIGHT = 1;
/**
 * Over a fast link a whole batch is renamed in a millisecond or two, less than one time slice
 * of a busy server: the guard keeps looking at least this long, so that another writer's gap
 * at the same moment is not missed for want of lookups.
 */
const MIN_WATCH_MS = 50;
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
  private standingBy: boolean;
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
    this.standingBy = standBy;
    if (!standBy) looking.add(this);
  }

  /** Lookups to keep on the way now. */
  private inFlight(): number {
    if (this.standingBy) return STAND_BY_IN_FLIGHT;
    return Math.max(MIN_SHARE, Math.ceil(IN_FLIGHT / Math.max(1, looking.size)));
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
    if (!this.standingBy || this.stopping || this.blind !== undefined) return;
    this.standingBy = false;
    looking.add(this);
    this.begun = performance.now();
    this.topUp();
  }

  soFar(): { lookups: number; missing: number } {
    return { lookups: this.lookups, missing: this.missing };
  }

  /** Stops sending, waits for the lookups on the way (they cover the last renames), reports. */
  async stop(): Promise<GuardReport> {
    const left = MIN_WATCH_MS - (performance.now() - this.begun);
    if (left > 0 && this.blind === undefined)
      await new Promise((resolve) => setTimeout(resolve, left));
    this.stopping = true;
    looking.delete(this);
    if (this.outstanding > 0) await new Promise<void>((resolve) => (this.settled = resolve));
    return {
      lookups: this.lookups,
      missing: this.missing,
      blind: this.blind,
      sightings: [...this.sightings.values()],
    };
  }

  /** Up to its share on the way; more than one when a guard that stopped left its share. */
  private topUp(): void {
    while (!this.stopping && this.blind === undefined && this.outstanding < this.inFlight())
      this.send();
  }

  private send(): void {
    const index = this.next;
    this.next = (this.next + 1) % this.paths.length;
    this.outstanding++;
    this.requests.sent();
    // Each lookup leaves at once, not held to go with others (batchWrites): lookups sent in
    // bunches are answered in bunches, with gaps between them in which nothing is looked at
    // (a naive writer on the server was then missed in some runs out of 20).
    try {
      this.sftp.lstat(this.paths[index], (error) => this.answered(index, error));
    } catch (error) {
      this.answered(index, error as Error);
    }
  }

  private answered(index: number, error: Error | null | undefined): void {
    this.outstanding--;
    this.requests.done();
    this.lookups++;
    if (error) {
      if ((error as { code?: unknown }).code === NO_SUCH_FILE) this.seenMissing(index);
      else this.goBlind(`${error.message} looking up ${this.paths[index]}`);
    }
    // The first answer means the server is looking; the caller may start switching.
    if (!this.stopping && this.lookups === 1) this.wake();
    if (!this.stopping && this.blind === undefined) this.topUp();
    else if (this.outstanding === 0) this.wake();
  }

  /** It can no longer look: its share goes to the guards that still can. */
  private goBlind(reason: string): void {
    this.blind ??= reason;
    looking.delete(this);
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
