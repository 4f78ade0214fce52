import type { GuardReport, MissingSighting, ReplacedLink } from '../../engine/types.js';
import type { Rename, Watch } from '../../engine/port.js';
import { Lookups } from './lookups.js';
import type { Found, LookupChannel } from './lookups.js';

/**
 * The rate at which one OpenSSH sftp-server answers lstat spoken raw, about (measured here:
 * 31 to 39 a ms on loopback, one guard over 200 links; through ssh2's SFTP client, whose cost
 * per lookup bounded it, 11 to 12). Lookups in flight are this times the round trip (the
 * bandwidth-delay product), so that the server's queue never runs dry and the guard's rate
 * does not fall with the round trip; between these bounds.
 */
const SERVER_RATE_PER_MS = 40;
/**
 * A few links need no more than this many looks a millisecond each: a 3 ms gap is looked into
 * several times. More only costs processor time on both ends (one link through a jump host,
 * 1,024 in flight through ssh2's SFTP client: 0.75 s of the client's processor against 0.39 s).
 */
const LINK_RATE_PER_MS = 2;
const MIN_IN_FLIGHT = 128;
/**
 * Lookups in flight also cover this long at that rate beyond the round trip: the server's
 * queue outlasts a pause of this process or of sshd, which on a busy machine is descheduled for
 * milliseconds, just as the renames keep the processors busy. The one 3 ms gap of the eyes
 * bench (made at the first of 20 renames, load 2 to 4 here), caught at loopback in 12 of 30
 * runs with 256 in flight, 22 of 30 with 2,048 (in turns), and 17 of 20 with 4,096; with
 * STALL_MS 40 (2,000 at loopback) in 18 of 20 against 6 of 20 without, in turns. Until twice
 * STALL_MS before the window ends: from then on only the round trip's need, so that the queue
 * drains within the window and stop() does not wait for it.
 */
const STALL_MS = 40;
/**
 * At begin() one slice of lookups goes out ahead of the renames, the rest of the wave right
 * behind them (renamesSent()), or in the next turn of the event loop if no rename follows.
 * All at once ahead of them, 1,024 lookups through ssh2's SFTP client took 66 ms of this
 * processor to send (cold, under load): the renames reached the server as that wave ended, and
 * a 3 ms gap made there just after the first rename fell before the next wave, a round trip
 * later (caught in 4 of 20 runs at 200 ms RTT; 10 of 20 with the wave in slices). Spoken raw a
 * wave costs little, but the renames still go first. Two looks at each link a slice, within
 * these bounds.
 */
const SLICE_MIN = 32;
const SLICE_MAX = 128;
/**
 * The cap: at 200 ms RTT the server's rate needs 10,000 on the way; 8,192 (about 700 KB of
 * requests, within OpenSSH's 2 MiB channel window) made 26.7 lookups a ms there, and a 200-link
 * batch took as long as with 1,024 (4.16 s a run against 4.11 s), which made 4.5 a ms. Through
 * ssh2's SFTP client 8,192 had taken the client's processor from the renames (the batch 8.9 s
 * instead of 1).
 */
const MAX_IN_FLIGHT = 8192;
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
/**
 * A guard whose channel answers nothing for this long (or SILENT_ROUND_TRIPS times its first
 * answer's wait, where that is longer) while lookups are on the way, whether it waits for its
 * first answer, stands by or looks through the window, is taken for hung, and that channel
 * alone is closed: it can vouch for nothing, and the switch's channel, still answering, takes
 * back what the run made (before the switch) and releases the lock. Left to the watchdog, which closes the
 * whole connection after 10 s, the run ended 11 s later with its lock left on the server. On a
 * healthy server answers keep coming while lookups are on the way: the longest silence is the
 * round trip of a wave sent from idle.
 */
export const SILENT_AFTER_SWITCH_MS = 2000;
const SILENT_ROUND_TRIPS = 10;
const OPEN_ROUND_TRIPS = 3;
export const PER_LINK = 10;
const MAX_WINDOW_MS = 10_000;
const NO_SUCH_FILE = 2;
const UNSTAMPED = -1;
const NOT_OURS = -2;

/**
 * Watches links on the server through a channel of its own (a second sftp-server process,
 * running beside the one that renames), with lstat, which sees the name itself: a dangling
 * link is present, a name in the middle of an unlink-then-create is not. It speaks SFTP on
 * that channel itself (lookups.ts): a wave of lookups costs this processor little, so the
 * server's queue of lookups need never run dry.
 */
export class SftpGuard implements Watch {
  private looked = 0;
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
  /** When the one lookup on the way was sent, if it went alone. */
  private sentAlone: number | undefined;
  /** Lookups of each link answered since begin(). */
  private readonly counts: Uint32Array;
  private looking = false;
  /** Lookups it may have on the way until the renames are sent (see SLICE_MIN). */
  private ramp = Infinity;
  private toppingUp = false;
  readonly method = 'sampling';
  private readonly sightings = new Map<number, MissingSighting>();
  private settled: (() => void) | undefined;
  private lookups!: Lookups;
  /** When the last answer came, or a wave went out with none on the way. */
  private lastHeard = performance.now();
  /** How long its first answer took: a round trip, whether or not sent alone. */
  private firstAnswerMs = 0;
  /** When stop() was called: the last rename acknowledged. */
  private acked = 0;
  /** While it stands by, when it next looks for a silence (see watchStandBy). */
  private standingBy: NodeJS.Timeout | undefined;
  /**
   * Each link's stamp (an mtime, in seconds) as our last rename onto it left it; UNSTAMPED
   * when that link bore none, NOT_OURS when we renamed nothing there, or removed what we did
   * (see landed()).
   */
  private readonly stamps: Float64Array;
  private stamped = false;
  /** The first lookup (by seq) sent once every rename was acknowledged: see stop(). */
  private finalFrom = Infinity;
  /** Answers to lookups sent from finalFrom on. */
  private finalLooked = 0;
  /**
   * The links it looks at in turn: those that exist, then, from finalFrom on, the new ones
   * too (see `all`).
   */
  private cycle: number;
  /** Each new link's index in `all`. */
  private readonly newIndex: Map<string, number>;
  /** Which links a lookup sent from finalFrom on found there (1), stamp and all. */
  private readonly checked: Uint8Array;
  private readonly replaced = new Map<number, ReplacedLink>();

  private constructor(
    private readonly paths: string[],
    /**
     * `paths`, then the batch's links that do not exist yet, looked at only once every rename
     * was acknowledged, when they must be there as renamed. Made again by another writer
     * right after, one is another's as surely as one that existed (also one that existed
     * but was missing when the run read it, another writer's gap: it counted as new).
     */
    private readonly all: string[],
    standBy: boolean,
  ) {
    this.counts = new Uint32Array(paths.length);
    this.cycle = paths.length;
    this.newIndex = new Map(all.slice(paths.length).map((file, at) => [file, paths.length + at]));
    this.stamps = new Float64Array(all.length).fill(NOT_OURS);
    this.checked = new Uint8Array(all.length);
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
   * `lost` rejects (the watchdog closes a connection whose channel stopped answering), or the
   * channel itself ends, the guard has lost sight, and says so.
   */
  static async start(
    channel: LookupChannel,
    paths: string[],
    lost: Promise<never>,
    options: { standBy?: boolean; newPaths?: string[] } = {},
  ): Promise<SftpGuard> {
    const all = options.newPaths?.length ? [...paths, ...options.newPaths] : paths;
    const guard = new SftpGuard(paths, all, options.standBy ?? false);
    const lostSight = (reason: string) => {
      guard.goBlind(reason);
      guard.outstanding = 0;
      guard.wake();
    };
    lost.catch((error: Error) => lostSight(error.message));
    guard.lookups = Lookups.on(
      channel,
      all,
      (index, status, message, seq, found) => guard.answered(index, status, message, seq, found),
      lostSight,
    );
    // Until its first answer tells the round trip, the channel's opening does: three round
    // trips (the channel, its subsystem, SFTP's INIT) and the server's start of sftp-server.
    // Taken whole, a server slow to start it (0.6 to 0.9 s here, under load) was allowed 6 to
    // 9 s of silence before the switch, not 2.
    guard.firstAnswerMs = channel.openMs / OPEN_ROUND_TRIPS;
    guard.topUp();
    await guard.untilHeard(() => guard.looked > 0, 'before the switch');
    guard.firstAnswerMs = performance.now() - guard.start;
    guard.watchStandBy();
    return guard;
  }

  /**
   * From standing by to the full rate: the renames follow these lookups on the connection.
   * Throws when it has already lost sight (its channel closed or answered nonsense while it
   * stood by), so that nothing is switched unwatched (the Watch contract).
   */
  begin(): void {
    if (this.blind !== undefined) throw new Error(`it lost sight of the links: ${this.blind}`);
    if (this.looking || this.stopping) return;
    clearTimeout(this.standingBy);
    this.looking = true;
    this.wanted = inFlightFor(this.roundTrip, this.paths.length);
    this.begun = performance.now();
    this.ramp = this.outstanding + Math.min(SLICE_MAX, Math.max(SLICE_MIN, 2 * this.paths.length));
    this.topUp();
    // No rename in this turn: the rest goes out in the next.
    setImmediate(() => this.renamesSent());
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

  /**
   * A rename of ours onto a watched link is acknowledged: the link there now bears `stamp`
   * (the mtime its store gave it), or none. Once every rename is acknowledged, a lookup that
   * finds a stamped link with another mtime, or another kind of file, found a link that
   * another writer made after ours (see stop()).
   */
  landed(rename: Rename, stamp: number | undefined): void {
    const index = rename.watchIndex ?? this.newIndex.get(rename.to);
    if (index === undefined) return;
    this.stamps[index] = stamp ?? UNSTAMPED;
    if (stamp !== undefined) this.stamped = true;
  }

  /** A new link of ours is removed (a rollback): from now on it is to be missing. */
  removed(file: string): void {
    const index = this.newIndex.get(file);
    if (index !== undefined) this.stamps[index] = NOT_OURS;
  }

  soFar(): { lookups: number; missing: number } {
    return { lookups: this.looked, missing: this.missing };
  }

  /**
   * Called once the last rename is acknowledged: keeps looking for the window, stops sending,
   * waits for the lookups on the way (they cover the last renames), reports.
   */
  async stop(): Promise<GuardReport> {
    clearTimeout(this.standingBy);
    this.acked = performance.now();
    this.finalFrom = this.lookups.nextSeq;
    this.cycle = this.all.length;
    const until = this.acked + WINDOW_MS;
    const limit = this.begun + MAX_WINDOW_MS;
    // The last look at every stamped link is owed past that bound too (bounded as long again
    // from the last acknowledgement): renames that took over 10 s (2,000 links on a starved
    // server) ended the window at once, no link looked at after them, and a link another
    // writer renamed over ours meanwhile went untold (exit 0, "0 of 2000" checked).
    const lastLookLimit = this.acked + MAX_WINDOW_MS;
    // One still standing by watched no rename, and counts no look (only those since begin()
    // do): it would wait out MAX_WINDOW_MS, and a fleet whose host failed while the others
    // stood by ended 10 s later, deaf to SIGTERM meanwhile.
    while (this.looking && this.blind === undefined && !this.stopping) {
      const now = performance.now();
      if (
        now >= lastLookLimit ||
        (this.lookedLast() && (now >= limit || (now >= until && this.perLinkMin() >= PER_LINK)))
      ) {
        break;
      }
      if (await this.hungUp('when the switch ended')) break;
      if (this.looking && now >= until - 2 * STALL_MS) {
        this.wanted = inFlightFor(this.roundTrip, this.paths.length, 0);
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, Math.min(10, until - now))));
    }
    this.stopping = true;
    sharing.delete(this);
    // One that never began (a fleet's host failed elsewhere) saw no switch.
    await this.untilHeard(
      () => this.outstanding === 0,
      this.looking ? 'when the switch ended' : 'while it stood by',
    );
    return {
      method: 'sampling',
      certain: false,
      lookups: this.looked,
      missing: this.missing,
      blind: this.blind,
      windowMs: Math.round(performance.now() - this.begun),
      perLinkMin: this.perLinkMin(),
      sampledBecause: 'the links are on a server, whose kernel tells this machine nothing',
      sightings: [...this.sightings.values()],
      ...(this.stamped && { stamps: this.stampsChecked() }),
      ...(this.replaced.size > 0 && { replaced: [...this.replaced.values()] }),
    };
  }

  /**
   * Whether every link was looked at once more since the last rename was acknowledged, where
   * the links bear stamps: lookups go to the links in turn, so as many as there are links.
   */
  private lookedLast(): boolean {
    return !this.stamped || this.finalLooked >= this.all.length;
  }

  private stampsChecked(): { links: number; checked: number } {
    let links = 0;
    let checked = 0;
    for (let index = 0; index < this.all.length; index++) {
      if (this.stamps[index] < 0) continue;
      links++;
      checked += this.checked[index];
    }
    return { links, checked };
  }

  /** Up to its share on the way, in one write; more when a guard that stopped left its share. */
  private topUp(): void {
    if (this.stopping || this.blind !== undefined) return;
    const wanted = this.inFlight() - this.outstanding;
    if (wanted > 0) this.send(wanted);
  }

  private silenceAllowed(): number {
    return Math.max(SILENT_AFTER_SWITCH_MS, SILENT_ROUND_TRIPS * this.firstAnswerMs);
  }

  /**
   * Whether its channel, silent too long with lookups on the way, or still answering them a
   * silence past the window's bound (a server that drips an answer at a time would hold the
   * run, deaf to SIGTERM), is now closed (see SILENT_AFTER_SWITCH_MS).
   */
  private async hungUp(when: string): Promise<boolean> {
    const why = () => {
      if (this.outstanding === 0 || this.blind !== undefined) return undefined;
      const waiting = `${this.outstanding} ${this.outstanding === 1 ? 'lookup' : 'lookups'}`;
      const now = performance.now();
      const silent = now - this.lastHeard;
      if (silent >= this.silenceAllowed())
        return `had answered nothing for ${seconds(silent)} with ${waiting} waiting ${when}`;
      if (this.looking && now >= this.dripBound())
        return `still had ${waiting} unanswered ${seconds(now - this.begun)} after the switch began`;
      return undefined;
    };
    if (why() === undefined) return false;
    // Timers run before the turn reads what came in: after a pause of this process (SIGSTOP,
    // a long collection) the answers are there, unread. Judged once they are read.
    await new Promise((resolve) => setImmediate(resolve));
    const reason = why();
    if (reason === undefined) return false;
    this.lookups.close(`its SFTP channel ${reason}, so that channel was closed`);
    return true;
  }

  /** Waits until `heard` (checked at each answer), or until it has hung up a silent channel. */
  private async untilHeard(heard: () => boolean, when: string): Promise<void> {
    while (!heard() && this.blind === undefined && !(await this.hungUp(when))) {
      let timer: NodeJS.Timeout | undefined;
      await new Promise<void>((resolve) => {
        this.settled = resolve;
        timer = setTimeout(resolve, this.untilHungUp());
      });
      clearTimeout(timer);
    }
  }

  /**
   * When one still answering is a drip: a silence past the window's bound, or past the last
   * rename's acknowledgement where that is later. Counted from begin() alone, a healthy server
   * slow to rename a batch (answering all along, the guard too) had its guard's channel closed
   * at stop(), the window's lookups still draining: exit 3 for a good switch (2,000 links whose
   * renames took 16 s, 6,111 lookups on the way).
   */
  private dripBound(): number {
    return Math.max(this.begun + MAX_WINDOW_MS, this.acked) + this.silenceAllowed();
  }

  /**
   * While it stands by, a channel silent too long is hung up on as it would be once switching,
   * so that begin() refuses (no link changed) rather than let the switch go unwatched. Left to
   * the watchdog's 10 s, a fleet host's guard silent for 2 to 10 s as it waited for a slower
   * host (3.4 s and 6.9 s, the other host 300 and 600 ms away) began all the same: every host
   * switched, that guard blind from the first rename, exit 3.
   */
  private watchStandBy(): void {
    if (this.looking || this.stopping || this.blind !== undefined) return;
    this.standingBy = setTimeout(
      () => {
        this.standingBy = undefined;
        if (this.looking || this.stopping) return;
        void this.hungUp('while it stood by').then(() => this.watchStandBy());
      },
      Math.max(1, this.untilHungUp()),
    );
    // The connection keeps the process alive while it is wanted, not this look.
    this.standingBy.unref();
  }

  /** Until hungUp() may next find it hung, in ms. */
  private untilHungUp(): number {
    const now = performance.now();
    const silence = this.silenceAllowed() - (now - this.lastHeard);
    return this.looking ? Math.min(silence, this.dripBound() - now) : silence;
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

  /** Sends `count` lookups, the next links in turn, in one write. */
  private send(count: number): void {
    const indexes = new Array<number>(count);
    for (let i = 0; i < count; i++) {
      indexes[i] = this.next;
      this.next = (this.next + 1) % this.cycle;
    }
    // One sent alone tells the round trip (standing by, one at a time).
    if (this.outstanding === 0) this.lastHeard = performance.now();
    this.sentAlone = count === 1 && this.outstanding === 0 ? this.lastHeard : undefined;
    this.outstanding += count;
    this.lookups.send(indexes);
  }

  /** An answer; the lookups that replace those answered go out once the chunk is read. */
  private answered(
    index: number,
    status: number,
    message: string,
    seq: number,
    found?: Found,
  ): void {
    this.outstanding--;
    this.looked++;
    if (seq >= this.finalFrom) this.lookedAfter(index, found);
    this.lastHeard = performance.now();
    if (this.sentAlone !== undefined && this.outstanding === 0) {
      this.roundTrip = Math.min(this.roundTrip, performance.now() - this.sentAlone);
    }
    const existed = index < this.paths.length;
    if (this.looking && existed) this.counts[index]++;
    // A new link is to be there only once renamed, and until a rollback removes it.
    if (status === NO_SUCH_FILE && (existed || this.stamps[index] !== NOT_OURS)) {
      this.seenMissing(index);
    } else if (status !== 0) this.goBlind(`${message} looking up ${this.all[index]}`);
    // The first answer means the server is looking; the caller may start switching.
    if (!this.stopping && this.looked === 1) this.wake();
    if (!this.stopping && this.blind === undefined) {
      if (!this.toppingUp) {
        this.toppingUp = true;
        queueMicrotask(() => {
          this.toppingUp = false;
          this.topUp();
        });
      }
    } else if (this.outstanding === 0) this.wake();
  }

  /**
   * A lookup sent once every rename was acknowledged: a stamped link must be there as our
   * rename left it. Missing, it is a sighting already. An answer that tells no time cannot tell
   * ours from another's, and checks nothing: a server whose lookups left the times out had
   * every clean run said made again by another writer (exit 3). One that tells no type is
   * judged by its time alone.
   */
  private lookedAfter(index: number, found: Found | undefined): void {
    this.finalLooked++;
    const stamp = this.stamps[index];
    if (stamp < 0 || found?.mtime === undefined) return;
    this.checked[index] = 1;
    if (found.mtime === stamp && (found.type === 'symlink' || found.type === 'unknown')) return;
    if (this.replaced.has(index)) return;
    this.replaced.set(index, {
      link: this.all[index],
      firstMs: Math.round(performance.now() - this.start),
      found:
        found.type === 'symlink'
          ? `a symlink dated ${isoSeconds(found.mtime)}, ours ${isoSeconds(stamp)}`
          : found.type === 'unknown'
            ? `a name of unknown type dated ${isoSeconds(found.mtime)}, ours ${isoSeconds(stamp)}`
            : `a ${found.type === 'other' ? 'special file' : found.type}`,
    });
  }

  private seenMissing(index: number): void {
    this.missing++;
    const now = Math.round(performance.now() - this.start);
    const sighting = this.sightings.get(index);
    if (sighting) {
      sighting.count++;
      sighting.lastMs = now;
    } else {
      this.sightings.set(index, { link: this.all[index], count: 1, firstMs: now, lastMs: now });
    }
  }

  private wake(): void {
    const settled = this.settled;
    this.settled = undefined;
    settled?.();
  }
}

/**
 * Lookups in flight for a round trip of `roundTripMs`: the rate the server or `links` need,
 * times it and `stallMs`.
 */
function inFlightFor(roundTripMs: number, links: number, stallMs = STALL_MS): number {
  if (!Number.isFinite(roundTripMs)) return MIN_IN_FLIGHT;
  const rate = Math.min(SERVER_RATE_PER_MS, links * LINK_RATE_PER_MS);
  const needed = Math.ceil(rate * (roundTripMs + stallMs) * 1.25);
  return Math.min(MAX_IN_FLIGHT, Math.max(MIN_IN_FLIGHT, needed));
}

function isoSeconds(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
