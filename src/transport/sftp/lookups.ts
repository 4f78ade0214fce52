import type { Duplex } from 'node:stream';
import type { Requests } from './watchdog.js';

/** SFTP version 3 (draft-ietf-secsh-filexfer-02): the packets the guard sends and reads. */
const FXP_INIT = 1;
const FXP_VERSION = 2;
const FXP_LSTAT = 7;
const FXP_STATUS = 101;
const FXP_ATTRS = 105;
/** Status codes with a name worth saying when the server sends no message. */
const STATUS_NAMES = ['OK', 'EOF', 'no such file', 'permission denied', 'failure'];
/** Larger than any answer to lstat or version: a length beyond it is a stream out of step. */
const MAX_ANSWER = 256 * 1024;

/** The channel the guard looks through, with its requests as the watchdog counts them. */
export interface LookupChannel {
  /** A session channel running the `sftp` subsystem, its SFTP started (startSftp). */
  stream: Duplex;
  requests: Requests;
  /** How long it took to open and start, in ms: a few round trips of this link. */
  openMs: number;
}

/**
 * An answer: `status` 0 when the name is there (ATTRS, what they say in `found`), else the
 * server's status code. `seq` counts the lookups in the order sent, from 0.
 */
export type Answered = (
  index: number,
  status: number,
  message: string,
  seq: number,
  found?: Found,
) => void;

/** What an lstat found at a name: its type, and its mtime in seconds where the server said. */
export interface Found {
  type: 'symlink' | 'file' | 'directory' | 'other' | 'unknown';
  mtime?: number;
}

/**
 * lstat spoken on an SFTP channel directly: each lookup is a packet made from its path's
 * template (only the request id changes), and a whole wave goes out in one write, which ssh2
 * sends as one SSH packet per 32 KiB, hundreds of lookups in each. Through ssh2's SFTP client
 * each lookup was a packet of its own, encrypted on its own (twice through a jump host), and
 * cost this processor about 64 µs (1,024 sent in 66 ms): the client, not the server, bounded
 * the rate (4.2 lookups a ms at 200 ms RTT; one sftp-server answers 31 to 39 a ms raw).
 */
export class Lookups {
  private readonly templates: Buffer[];
  /** The index of each lookup on the way, by request id. */
  private readonly pending = new Map<number, number>();
  private id = 0;
  private rest: Buffer | undefined;
  private ended: ((reason: string) => void) | undefined;

  private constructor(
    private readonly channel: LookupChannel,
    paths: string[],
    private readonly answered: Answered,
  ) {
    this.templates = paths.map((file) => {
      const name = Buffer.from(file);
      const packet = Buffer.alloc(13 + name.length);
      packet.writeUInt32BE(packet.length - 4, 0);
      packet[4] = FXP_LSTAT;
      packet.writeUInt32BE(name.length, 9);
      name.copy(packet, 13);
      return packet;
    });
  }

  /**
   * Reports each answer to `answered`, and once to `ended` why the channel can no longer
   * answer (closed, or an answer that makes no sense).
   */
  static on(
    channel: LookupChannel,
    paths: string[],
    answered: Answered,
    ended: (reason: string) => void,
  ): Lookups {
    const lookups = new Lookups(channel, paths, answered);
    lookups.ended = ended;
    const { stream } = channel;
    stream.on('data', (chunk: Buffer) => lookups.read(chunk));
    const closed = () => lookups.end("the guard's SFTP channel closed");
    stream.once('close', closed);
    stream.once('end', closed);
    stream.on('error', (error: Error) => lookups.end(error.message));
    channel.requests.hangUp = (reason) => lookups.close(reason);
    return lookups;
  }

  /** The seq the next lookup sent will have (see Answered). */
  get nextSeq(): number {
    return this.id;
  }

  /** Sends a lookup of each of `indexes` in one write. */
  send(indexes: number[]): void {
    let length = 0;
    for (const index of indexes) length += this.templates[index].length;
    const out = Buffer.allocUnsafe(length);
    let at = 0;
    for (const index of indexes) {
      const template = this.templates[index];
      template.copy(out, at);
      const id = this.id;
      this.id = (this.id + 1) >>> 0;
      out.writeUInt32BE(id, at + 5);
      this.pending.set(id, index);
      at += template.length;
      this.channel.requests.sent();
    }
    this.channel.stream.write(out);
  }

  private read(chunk: Buffer): void {
    const data = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
    this.rest = undefined;
    let at = 0;
    while (data.length - at >= 4) {
      const length = data.readUInt32BE(at);
      if (length < 5 || length > MAX_ANSWER) {
        this.end(`the guard's SFTP channel sent a packet of ${length} bytes, out of step`);
        return;
      }
      if (data.length - at - 4 < length) break;
      const packet = data.subarray(at + 4, at + 4 + length);
      at += 4 + length;
      if (!this.take(packet)) return;
    }
    if (at < data.length) this.rest = Buffer.from(data.subarray(at));
  }

  /** One packet from the server; false once the channel is taken for lost. */
  private take(packet: Buffer): boolean {
    const type = packet[0];
    const id = packet.readUInt32BE(1);
    const index = this.pending.get(id);
    if (index === undefined || (type !== FXP_ATTRS && type !== FXP_STATUS)) {
      this.end(`the guard's SFTP channel sent an answer (type ${type}) to no lookup of its own`);
      return false;
    }
    this.pending.delete(id);
    this.channel.requests.done();
    if (type === FXP_ATTRS) {
      this.answered(index, 0, '', id, foundIn(packet));
      return true;
    }
    const status = packet.length >= 9 ? packet.readUInt32BE(5) : -1;
    const said = packet.length >= 13 ? packet.readUInt32BE(9) : 0;
    const message =
      said > 0 && packet.length >= 13 + said
        ? packet.toString('utf8', 13, 13 + said)
        : (STATUS_NAMES[status] ?? `status ${status}`);
    // A status that says OK answers no lstat: not a sighting, not a look either.
    this.answered(index, status === 0 ? -1 : status, message, id);
    return true;
  }

  /** Hangs up on a channel that stopped answering: `reason` is why, for `ended`. */
  close(reason: string): void {
    this.end(reason);
    this.channel.stream.destroy();
  }

  /**
   * Once: the lookups still on the way will never be answered, and the watchdog waits for them
   * no more (it would take the silence for a hung server and close the connection, the
   * switch's channel with it).
   */
  private end(reason: string): void {
    if (!this.ended) return;
    const ended = this.ended;
    this.ended = undefined;
    for (let i = this.pending.size; i > 0; i--) this.channel.requests.done();
    this.pending.clear();
    ended(reason);
  }
}

const ATTR_SIZE = 0x1;
const ATTR_UIDGID = 0x2;
const ATTR_PERMISSIONS = 0x4;
const ATTR_ACMODTIME = 0x8;
const TYPES: Record<number, Found['type']> = {
  0o120000: 'symlink',
  0o100000: 'file',
  0o040000: 'directory',
};

/** The type and mtime an ATTRS packet (type, id, then the attributes) tells. */
function foundIn(packet: Buffer): Found {
  if (packet.length < 9) return { type: 'unknown' };
  const flags = packet.readUInt32BE(5);
  let at = 9;
  if (flags & ATTR_SIZE) at += 8;
  if (flags & ATTR_UIDGID) at += 8;
  let type: Found['type'] = 'unknown';
  if (flags & ATTR_PERMISSIONS) {
    if (packet.length < at + 4) return { type };
    type = TYPES[packet.readUInt32BE(at) & 0o170000] ?? 'other';
    at += 4;
  }
  if (!(flags & ATTR_ACMODTIME) || packet.length < at + 8) return { type };
  return { type, mtime: packet.readUInt32BE(at + 4) };
}

/**
 * Starts SFTP on `stream`, a session channel running the `sftp` subsystem: INIT, and the
 * server's VERSION (one round trip). Rejects if the server does not speak version 3 or the
 * channel ends first.
 */
export function startSftp(stream: Duplex): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let got = Buffer.alloc(0);
    const done = (error?: Error) => {
      stream.off('data', read);
      stream.off('close', closed);
      stream.off('error', done);
      if (error) reject(error);
      else resolve();
    };
    const read = (chunk: Buffer) => {
      got = Buffer.concat([got, chunk]);
      if (got.length < 9) return;
      const length = got.readUInt32BE(0);
      if (got[4] !== FXP_VERSION || length > MAX_ANSWER) {
        done(new Error(`the server answered SFTP's INIT with a packet of type ${got[4]}`));
      } else if (got.length >= 4 + length) {
        const version = got.readUInt32BE(5);
        done(version === 3 ? undefined : new Error(`the server speaks SFTP version ${version}`));
      }
    };
    const closed = () => done(new Error('the channel closed before SFTP started'));
    stream.on('data', read);
    stream.once('close', closed);
    stream.once('error', done);
    stream.write(Buffer.from([0, 0, 0, 5, FXP_INIT, 0, 0, 0, 3]));
  });
}
