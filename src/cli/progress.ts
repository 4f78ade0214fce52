import { count, oneLine } from '../engine/index.js';
import type { Progress } from '../engine/index.js';

/** A phase shorter than this says nothing: most runs are over before anyone would look. */
const QUIET_MS = 1000;
/** On a terminal the line is redrawn at most this often; elsewhere a line a second at most. */
const REDRAW_MS = 100;
const LINE_MS = 1000;

/** `switched 8000 of 20000 links`, and the host when the links are on one. */
export function describeProgress({ phase, done, total, where }: Progress): string {
  const text =
    phase === 'checking'
      ? `checking ${count(total, 'link')}`
      : phase === 'making'
        ? `made ${done} of ${total} new links`
        : `switched ${done} of ${total} links`;
  return oneLine(where ? `${where}: ${text}` : text);
}

/**
 * The progress of the phases that last over a second: on a terminal one line, redrawn in
 * place; elsewhere (a log) a line when it changed, at most once a second. A timer shows a
 * phase that sends no news of its own (the checks are one request), when the event loop is free.
 */
export class ProgressLine {
  private phase = '';
  private since = 0;
  private news: Progress | undefined;
  private shown = '';
  private shownAt = 0;
  private drawn = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly write: (chunk: string) => void,
    /** Asked when there is a line to show: asking makes the stream. */
    private readonly onTerminal: () => boolean,
  ) {}

  private terminal: boolean | undefined;

  readonly update = (progress: Progress): void => {
    const now = Date.now();
    // A fleet's hosts each go through the phases: a phase is one host's.
    const phase = `${progress.where}\0${progress.phase}`;
    if (phase !== this.phase) {
      this.phase = phase;
      this.since = now;
    }
    // A phase done is no news: a fleet's host waiting for the others is in none. Described
    // only when shown: most runs are over before that.
    this.news = progress.done < progress.total ? progress : undefined;
    if (this.timer === undefined) {
      this.timer = setInterval(() => this.show(Date.now()), REDRAW_MS);
      this.timer.unref();
    }
    this.show(now);
  };

  /** Takes the line away, for a line of something else; it comes back with the next news. */
  clear(): void {
    if (this.drawn) this.write('\r\x1b[K');
    this.drawn = false;
    this.shown = '';
  }

  /** Clears the line and stops: the run is over. */
  stop(): void {
    this.clear();
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private show(now: number): void {
    if (this.news === undefined || now - this.since < QUIET_MS) return;
    const text = describeProgress(this.news);
    if (text === this.shown) return;
    this.terminal ??= this.onTerminal();
    if (now - this.shownAt < (this.terminal ? REDRAW_MS : LINE_MS)) return;
    this.shown = text;
    this.shownAt = now;
    if (this.terminal) {
      this.write(`\r\x1b[Katomic-link: ${text}`);
      this.drawn = true;
    } else {
      this.write(`atomic-link: ${text}\n`);
    }
  }
}
