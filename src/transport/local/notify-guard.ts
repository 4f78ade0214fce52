import fs from 'node:fs';
import path from 'node:path';
import type { Rename, Watch } from '../../engine/port.js';
import { TEMP_PREFIX, tempName } from '../../engine/temp-names.js';
import type { GuardReport, TouchedLink } from '../../engine/types.js';

/** Where the kernel says how many events it queues for one watcher before it drops them. */
const QUEUE_LIMIT = '/proc/sys/fs/inotify/max_queued_events';
/** How long the marker may take to come back before the notifications are taken as stopped. */
const SETTLE_MS = 2000;

/**
 * What the guard needs from the store: the paths by which to reach the watched directories
 * and the names in them (through the directories opened at the start, where they are), and
 * a sampling guard to fall back on.
 */
export interface NotifyIo {
  /** `file` (a name in a watched directory), reached through its directory as resolved. */
  reach(file: string): string;
  /** Why `dir` is no longer the directory resolved at the start, or undefined. */
  moved(dir: string): string | undefined;
  /** A sampling guard over `paths`, looking from when it resolves. */
  sample(paths: string[]): Promise<Watch>;
}

/** Whether the kernel here tells of every change to a name (Linux's inotify, via fs.watch). */
export const NOTIFICATIONS = process.platform === 'linux';

/**
 * Watches the directories of the links with the kernel's change notifications (inotify),
 * from begin() to the end of stop(): every unlink, create or rename of a name in them is
 * queued by the kernel and read on this thread between the store's chunks of renames. Each
 * of our renames onto a link accounts for one event on its name (node's fs.watch says
 * `rename` for each of IN_MOVED_TO, IN_MOVED_FROM, IN_CREATE, IN_DELETE): more events on a
 * link than our renames made mean another writer changed that name during the window, which
 * no lookup could have missed. No thread is needed: the kernel queues while we rename.
 *
 * Events can be lost: the kernel drops them once its queue for us is full (libuv drops even
 * the overflow event), so that is told from a marker, a reserved temporary name created and
 * removed after each chunk. The queue is read in order, so seeing the marker means every
 * event before it was read; a marker never seen was dropped, the queue having been full
 * since the last read. Then the guard says it was partly blind and samples from there on.
 */
export class NotifyGuard implements Watch {
  /** Renames per chunk: their events (two each) fill at most half of the kernel's queue. */
  readonly maxChunk: number;
  private readonly watchers: fs.FSWatcher[] = [];
  private readonly byPath = new Map<string, number>();
  private readonly dirs: Map<string, Map<string, number>>;
  /** Events on each link's name, read so far. */
  private readonly seen: Uint32Array;
  /** Our renames onto each link. */
  private readonly ours: Uint32Array;
  /** When each link's first change not ours was read (NaN: none). */
  private readonly firstMs: Float64Array;
  private seenTotal = 0;
  private oursTotal = 0;
  private start = 0;
  /** Markers made and not yet accounted for, in order, and those of them read back. */
  private markers: string[] = [];
  private readonly marked = new Set<string>();
  private dropped = 0;
  private partlyBlind: string | undefined;
  private blind: string | undefined;
  private sampler: Watch | undefined;
  private samplerFrom = 0;
  private begun = false;

  get method(): GuardReport['method'] {
    return this.sampler ? 'notifications, then sampling' : 'notifications';
  }

  /** Links that were not there when the watches were armed (another writer's gap then). */
  private readonly absent: number[] = [];

  /** `paths`: the links that exist, then (from `existing` on) the batch's new ones. */
  constructor(
    private readonly paths: string[],
    private readonly io: NotifyIo,
    private readonly existing = paths.length,
  ) {
    this.seen = new Uint32Array(paths.length);
    this.ours = new Uint32Array(paths.length);
    this.firstMs = new Float64Array(paths.length).fill(NaN);
    this.dirs = new Map();
    // Sliced, not path.dirname() and basename(), which check and normalise each path again (a
    // link's path is absolute, with no trailing slash): they showed in a profile of 10,000.
    let dir = '\0';
    let names = new Map<string, number>();
    for (let index = 0; index < paths.length; index++) {
      const file = paths[index];
      this.byPath.set(file, index);
      const slash = file.lastIndexOf('/');
      // A batch's links mostly share a directory, one after another: the last one's map serves.
      if (slash !== dir.length || !file.startsWith(dir)) {
        dir = file.slice(0, slash) || '/';
        let known = this.dirs.get(dir);
        if (known === undefined) this.dirs.set(dir, (known = new Map()));
        names = known;
      }
      names.set(file.slice(slash + 1), index);
    }
    this.maxChunk = Math.max(16, Math.floor(queueLimit() / 4));
  }

  /**
   * Whether every directory can be watched here and now (a user's inotify watches or
   * instances may all be taken: ENOSPC, EMFILE); the reason when not. The watches are given
   * back at once: armed during the creates, they would queue an event per temporary link.
   */
  tryOut(): string | undefined {
    for (const dir of this.dirs.keys()) {
      try {
        fs.watch(this.io.reach(`${dir}/.`), { persistent: false }).close();
      } catch (error) {
        return `the kernel will not watch ${dir} (${(error as NodeJS.ErrnoException).code ?? error})`;
      }
    }
    return undefined;
  }

  /** Arms a watch on every directory: from here every change to a name in them is queued. */
  begin(): void {
    if (this.begun) return;
    this.begun = true;
    this.start = performance.now();
    try {
      for (const [dir, names] of this.dirs) {
        const watcher = fs.watch(this.io.reach(`${dir}/.`), { persistent: false }, (event, name) =>
          this.heard(names, event, name),
        );
        watcher.on('error', (error) => (this.blind ??= `watching ${dir}: ${error.message}`));
        this.watchers.push(watcher);
      }
    } catch (error) {
      this.close();
      throw error;
    }
    this.checkPresent();
  }

  /**
   * From the arming on, every change is told; a link another writer had removed just before
   * (and makes again after our rename, or never) would not be. So each directory is listed once
   * now: an existing link not in it was missing as the switch began.
   */
  private checkPresent(): void {
    const listed = new Uint8Array(this.existing);
    for (const [dir, names] of this.dirs) {
      for (const name of fs.readdirSync(this.io.reach(`${dir}/.`))) {
        const index = names.get(name);
        if (index !== undefined && index < this.existing) listed[index] = 1;
      }
    }
    for (let index = 0; index < this.existing; index++) {
      if (listed[index] === 0) this.absent.push(index);
    }
  }

  /** Counts a rename of ours onto a watched link, once made. */
  renamed(rename: Rename): void {
    const index = rename.watchIndex ?? this.byPath.get(rename.to);
    if (index === undefined) return;
    this.ours[index]++;
    this.oursTotal++;
  }

  /** Counts a removal of ours (a new link taken back by a rollback). */
  removed(file: string): void {
    const index = this.byPath.get(file);
    if (index === undefined) return;
    this.ours[index]++;
    this.oursTotal++;
  }

  /** After a chunk of renames: a marker, to know later that all its events were read. */
  mark(): void {
    // Before begin() nothing is watched: a marker would never come back.
    if (!this.begun) return;
    const [dir] = this.dirs.keys();
    // A name someone made in advance is never ours: the create is exclusive; another is drawn.
    for (let attempt = 0; attempt < 3; attempt++) {
      const marker = tempName(dir);
      const at = this.io.reach(marker);
      try {
        fs.symlinkSync('.', at);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
        this.blind ??= `cannot make its marker in ${dir}: ${(error as Error).message}`;
        return;
      }
      try {
        fs.unlinkSync(at);
      } catch {
        // Removed by someone else: its create was seen all the same, and a later run sweeps it.
      }
      this.markers.push(path.basename(marker));
      return;
    }
    this.blind ??= `cannot make its marker in ${dir}: every name drawn was taken`;
  }

  /** Whether a marker made is not read back yet. */
  unsettled(): boolean {
    return this.markers.length > 0;
  }

  /**
   * Reads every event up to the last marker; a marker dropped (the queue overflowed) or
   * events fewer than our renames made leave the guard partly blind: it samples from here.
   */
  async settle(): Promise<void> {
    if (this.markers.length === 0) return;
    // Sampling already: a marker tells nothing more, and waiting for one under a flood would
    // hold up every chunk.
    if (this.partlyBlind !== undefined) {
      this.markers = [];
      this.marked.clear();
      return;
    }
    const deadline = performance.now() + SETTLE_MS;
    // No marker back in time: another writer's flood keeps the queue overflowing (each marker
    // dropped in turn), or the notifications stopped. Either way events were lost: partly
    // blind, sampled from here, as for one overflow.
    for (let round = 0; !this.marked.has(this.markers[this.markers.length - 1]); round++) {
      if (performance.now() > deadline) break;
      // Not back after the queue was read: dropped, or not read yet. A second marker, made
      // after the read, tells which: it comes back either way, and the first did not.
      if (round === 3) this.mark();
      await new Promise((resolve) => (round < 8 ? setImmediate(resolve) : setTimeout(resolve, 5)));
    }
    const lost = this.markers.filter((marker) => !this.marked.has(marker)).length;
    this.markers = [];
    this.marked.clear();
    this.dropped += lost;
    if (this.partlyBlind === undefined && (lost > 0 || this.seenTotal < this.oursTotal)) {
      const at = Math.round(performance.now() - this.start);
      this.partlyBlind =
        `the kernel's queue of notifications overflowed (more than ${queueLimit()} events ` +
        `between two reads) by ${at} ms: changes made until then may not have been told; ` +
        `sampled from there`;
      await this.startSampling();
    }
  }

  soFar(): { lookups: number; missing: number } {
    return this.sampler?.soFar() ?? { lookups: 0, missing: 0 };
  }

  /** Ends the window: reads every event up to a last marker, and reports. */
  async stop(): Promise<GuardReport> {
    // Stopped before it began (the run ended before any switch): it saw nothing.
    if (!this.begun) {
      return {
        method: this.method,
        certain: false,
        lookups: 0,
        missing: 0,
        windowMs: 0,
        sightings: [],
      };
    }
    if (this.blind === undefined) {
      this.mark();
      await this.settle();
    }
    const windowMs = Math.round(performance.now() - this.start);
    this.close();
    const sampled = await this.sampler?.stop();
    const touched: TouchedLink[] = [];
    let short = false;
    const absent = new Set(this.absent);
    for (let index = 0; index < this.paths.length; index++) {
      if (this.seen[index] < this.ours[index]) short = true;
      if (this.seen[index] <= this.ours[index] && !absent.has(index)) continue;
      touched.push({
        ...(absent.has(index) ? { missingAtStart: true } : {}),
        link: this.paths[index],
        events: this.seen[index],
        ours: this.ours[index],
        now: stateOf(this.io.reach(this.paths[index])),
        firstMs: Number.isNaN(this.firstMs[index]) ? 0 : Math.round(this.firstMs[index]),
      });
    }
    if (short && this.partlyBlind === undefined) {
      this.partlyBlind = 'the kernel told of fewer changes than our renames made: some were lost';
    }
    const moved = [...this.dirs.keys()].map((dir) => this.io.moved(dir)).find(Boolean);
    return {
      method: this.method,
      certain: this.partlyBlind === undefined && this.blind === undefined && !moved,
      lookups: sampled?.lookups ?? 0,
      missing: sampled?.missing ?? 0,
      blind: this.blind ?? moved ?? sampled?.blind,
      partlyBlind: this.partlyBlind,
      windowMs,
      perLinkMin: sampled?.perLinkMin,
      events: this.seenTotal,
      sightings: (sampled?.sightings ?? []).map((sighting) => ({
        ...sighting,
        firstMs: sighting.firstMs + this.samplerFrom,
        lastMs: sighting.lastMs + this.samplerFrom,
      })),
      touched,
    };
  }

  private heard(names: Map<string, number>, event: string, name: string | null): void {
    if (event !== 'rename' || name === null) return;
    if (name.startsWith(TEMP_PREFIX)) {
      if (this.markers.includes(name)) this.marked.add(name);
      return;
    }
    const index = names.get(name);
    if (index === undefined) return;
    this.seenTotal++;
    // Our rename is counted when made, before its event can be read: more events than
    // renames is a change that was not ours.
    if (++this.seen[index] > this.ours[index] && Number.isNaN(this.firstMs[index])) {
      this.firstMs[index] = performance.now() - this.start;
    }
  }

  private async startSampling(): Promise<void> {
    if (this.sampler !== undefined) return;
    this.samplerFrom = Math.round(performance.now() - this.start);
    try {
      // Only the links that exist: a new one is missing until our rename makes it.
      this.sampler = await this.io.sample(this.paths.slice(0, this.existing));
    } catch (error) {
      this.blind ??= `cannot sample after the notifications overflowed: ${(error as Error).message}`;
    }
  }

  private close(): void {
    for (const watcher of this.watchers.splice(0)) watcher.close();
  }
}

/** The kernel's limit, read once; the default where it cannot be read. */
let limit: number | undefined;
function queueLimit(): number {
  if (limit === undefined) {
    try {
      limit = Number(fs.readFileSync(QUEUE_LIMIT, 'utf8')) || 16384;
    } catch {
      limit = 16384;
    }
  }
  return limit;
}

/** Where a link stands, said for the report: `-> TEXT`, `missing`, `a file`... */
export function stateOf(file: string): string {
  try {
    return `-> ${JSON.stringify(fs.readlinkSync(file))}`;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'missing';
    if (code !== 'EINVAL') return `unreadable (${code})`;
  }
  const stats = fs.lstatSync(file, { throwIfNoEntry: false });
  if (stats === undefined) return 'missing';
  return stats.isDirectory() ? 'a directory' : stats.isFile() ? 'a file' : 'something else';
}
