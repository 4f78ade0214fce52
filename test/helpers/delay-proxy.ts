import net from 'node:net';

export interface DelayProxy {
  /** The port on 127.0.0.1 to connect to instead of the target's. */
  port: number;
  /** Destroys every open connection at once, as a dropped network would; new ones still work. */
  cut: () => void;
  /** Destroys every connection and closes the listener. */
  close: () => Promise<void>;
}

/**
 * A TCP proxy on 127.0.0.1 in front of `127.0.0.1:targetPort` that holds every chunk
 * `delayMs` before passing it on, in both directions: a WAN of 2·delayMs round trip, since
 * this kernel has no netem. The TCP handshake itself is not delayed, so a new connection
 * costs about 1.5 round trips less than on a real WAN.
 */
export async function startDelayProxy({
  targetPort,
  delayMs,
}: {
  targetPort: number;
  delayMs: number;
}): Promise<DelayProxy> {
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    // Errors end up as 'close' events, which the directions turn into resets.
    socket.on('error', () => {});
  };
  // Half-open on both sides: an end must travel with the delay, behind the data before it,
  // not be answered by Node at once.
  const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (client) => {
    const upstream = net.connect({
      port: targetPort,
      host: '127.0.0.1',
      allowHalfOpen: true,
      noDelay: true,
    });
    track(client);
    track(upstream);
    delayDirection(client, upstream, delayMs);
    delayDirection(upstream, client, delayMs);
  });
  const cut = () => {
    for (const socket of sockets) socket.destroy();
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    port: (server.address() as net.AddressInfo).port,
    cut,
    close: () =>
      new Promise<void>((resolve, reject) => {
        cut();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

const END = Symbol('end');
const RESET = Symbol('reset');

/**
 * Passes what `from` sends on to `to` `delayMs` after it arrived. One queue and one timer per
 * direction, released by due time: a chunk can never overtake an earlier one, which separate
 * timers per chunk could do when the event loop is late.
 */
function delayDirection(from: net.Socket, to: net.Socket, delayMs: number): void {
  const queue: { due: number; item: Buffer | typeof END | typeof RESET }[] = [];
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let ended = false;

  const release = () => {
    timer = undefined;
    // Destroyed but not closed yet: its 'close' is about to drop the queue.
    if (to.destroyed) return;
    const now = performance.now();
    while (queue.length > 0 && queue[0].due <= now) {
      const { item } = queue[0];
      queue.shift();
      if (item === RESET) {
        to.destroy();
      } else if (item === END) {
        to.end();
      } else if (!to.write(item) && !from.isPaused()) {
        // The receiver is slow: stop reading, as a full TCP window would.
        from.pause();
        to.once('drain', () => from.resume());
      }
    }
    // Timers may fire a little early; what is not due yet waits for another one.
    if (queue.length > 0) timer = setTimeout(release, queue[0].due - now);
  };
  const enqueue = (item: Buffer | typeof END | typeof RESET) => {
    if (stopped) return;
    queue.push({ due: performance.now() + delayMs, item });
    timer ??= setTimeout(release, delayMs);
  };

  from.on('data', (chunk: Buffer) => enqueue(chunk));
  from.on('end', () => {
    ended = true;
    enqueue(END);
  });
  // A side that closes without ending (an error, a reset, a cut) resets the other, late.
  from.on('close', () => {
    if (!ended) enqueue(RESET);
  });
  // Nothing more can reach a closed receiver.
  to.on('close', () => {
    stopped = true;
    clearTimeout(timer);
    queue.length = 0;
  });
}
