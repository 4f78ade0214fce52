/**
 * The deadline of every request to the server: a channel that has requests outstanding and
 * answers none of them for HUNG_AFTER_MS, or for HUNG_AFTER_OPENS times what opening the SFTP
 * channel took (about three round trips) where that is longer, is taken for hung, and the
 * connection is closed: every request still on the way fails as lost (a channel that can be
 * closed alone, the guard's, is closed alone: see Requests.hangUp). This is what a server
 * whose filesystem hangs (a hard NFS mount) looks like: sshd itself still answers keep-alives,
 * its sftp-server nothing. sftp-server answers its requests one after another, so on a healthy
 * server replies keep coming for as long as requests are outstanding; a single request that
 * takes the server 10 s is a hung server for any purpose of ours.
 */
export const HUNG_AFTER_MS = 10000;
export const HUNG_AFTER_OPENS = 10;
/**
 * Once a stop is asked (a signal), a channel that answers nothing for this long is not waited
 * for: the run must end within 2 s of the signal. A healthy server answers well within it, and
 * the engine then stops between two chunks and switches back.
 */
export const STOP_GRACE_MS = 1000;
/** How often the watchdog looks: a deadline is met within one look of its time. */
const LOOK_EVERY_MS = 250;

/** One channel's requests as the watchdog sees them; its user says when each leaves and returns. */
export class Requests {
  outstanding = 0;
  /** Set by an answer, cleared by each look: silence is the time between looks without one. */
  answered = false;
  silentMs = 0;
  /**
   * Closes this channel alone, where that is enough (the guard's, from its SFTP INIT on): the
   * connection, and the switch's channel on it, live on to release the lock. `signal` names the
   * stop that the channel did not answer in time, if one did.
   */
  hangUp: ((reason: string, signal?: string) => void) | undefined;

  constructor(readonly channel: string) {}

  sent(): void {
    // From idle, the silence counts from this request, not from the last answer.
    if (this.outstanding++ === 0) this.answered = true;
  }

  done(): void {
    this.outstanding--;
    this.answered = true;
  }
}

/**
 * Looks at the channels of one connection every LOOK_EVERY_MS and calls `hung` once, with why
 * and the signal that asked for a stop (if one did), when one has been silent too long. Its
 * timer never keeps the process alive; stop() ends it.
 */
export class Watchdog {
  private readonly channels: Requests[] = [];
  private readonly timer: NodeJS.Timeout;
  private last = performance.now();
  private limitMs = HUNG_AFTER_MS;
  private stopAsked = false;

  constructor(
    private readonly hung: (reason: string, signal?: string) => void,
    private readonly signal?: AbortSignal,
  ) {
    this.timer = setInterval(() => this.look(), LOOK_EVERY_MS);
    this.timer.unref();
    signal?.addEventListener('abort', this.onStop);
  }

  track(channel: string): Requests {
    const requests = new Requests(channel);
    this.channels.push(requests);
    return requests;
  }

  /** Scales the deadline to the link, from the time the SFTP channel took to open. */
  measured(openMs: number): void {
    this.limitMs = Math.max(HUNG_AFTER_MS, Math.round(HUNG_AFTER_OPENS * openMs));
  }

  stop(): void {
    clearInterval(this.timer);
    this.signal?.removeEventListener('abort', this.onStop);
  }

  /** The server gets a full grace from the stop, whatever silence came before it. */
  private readonly onStop = () => {
    this.stopAsked = true;
    this.last = performance.now();
    for (const requests of this.channels) requests.silentMs = 0;
  };

  private look(): void {
    const now = performance.now();
    // A look made late (this process was busy, or stopped) counts as one on time: the silence
    // measured is the server's, not a stall of our own event loop.
    const elapsed = Math.min(now - this.last, 2 * LOOK_EVERY_MS);
    this.last = now;
    const limit = this.stopAsked ? STOP_GRACE_MS : this.limitMs;
    for (const requests of this.channels) {
      const silent = requests.outstanding > 0 && !requests.answered;
      requests.silentMs = silent ? requests.silentMs + elapsed : 0;
      requests.answered = false;
      if (requests.silentMs < limit) continue;
      const waiting = `${requests.outstanding} ${requests.outstanding === 1 ? 'request' : 'requests'}`;
      const seconds = `${Math.round(limit / 100) / 10} s`;
      const signal = this.stopAsked ? String(this.signal?.reason) : undefined;
      const why = signal
        ? `stopped by ${signal}, and the server answered nothing on ${requests.channel} for ` +
          `${seconds} after it (${waiting} waiting)`
        : `the server stopped answering: nothing came back on ${requests.channel} for ` +
          `${seconds} with ${waiting} waiting`;
      // The guard's channel silent after a stop: closing the connection for it left the lock on
      // the server, the switch's channel still answering (exit 3, the signal only in a note).
      if (requests.hangUp) {
        requests.hangUp(`${why}, so that channel was closed`, signal);
        continue;
      }
      this.stop();
      this.hung(`${why}, so the connection was closed`, signal);
      return;
    }
  }
}
