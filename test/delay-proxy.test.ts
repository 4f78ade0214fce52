import crypto from 'node:crypto';
import net from 'node:net';
import { once } from 'node:events';
import { startDelayProxy } from './helpers/delay-proxy.js';
import type { DelayProxy } from './helpers/delay-proxy.js';

const DELAY_MS = 25;

let echo: net.Server;
let proxy: DelayProxy;

beforeAll(async () => {
  // Node's default (no half-open) ends the echo's side once the client's end arrives.
  echo = net.createServer((socket) => {
    socket.on('error', () => {});
    socket.pipe(socket);
  });
  echo.listen(0, '127.0.0.1');
  await once(echo, 'listening');
  const targetPort = (echo.address() as net.AddressInfo).port;
  proxy = await startDelayProxy({ targetPort, delayMs: DELAY_MS });
});

afterAll(async () => {
  await proxy.close();
  echo.close();
});

async function connect(): Promise<net.Socket> {
  const socket = net.connect(proxy.port, '127.0.0.1');
  await once(socket, 'connect');
  return socket;
}

describe('the delay proxy', () => {
  test('a round trip takes at least twice the delay', async () => {
    const socket = await connect();
    try {
      const start = performance.now();
      socket.write('ping');
      const [reply] = await once(socket, 'data');
      expect(performance.now() - start).toBeGreaterThanOrEqual(2 * DELAY_MS);
      expect(reply.toString()).toBe('ping');
    } finally {
      socket.destroy();
    }
  });

  test('5 MB written in many chunks come back intact and in order, then the end', async () => {
    const sent = crypto.randomBytes(5 * 2 ** 20);
    const socket = await connect();
    const received: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    const ended = once(socket, 'end');
    // About a thousand chunks of uneven sizes, with turns of the event loop between some, so
    // that they reach the proxy at many different times.
    let size = 1;
    for (let offset = 0; offset < sent.length; offset += size) {
      size = (size * 7) % 8191;
      socket.write(sent.subarray(offset, offset + size));
      if (size % 3 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    socket.end();
    await ended;
    expect(Buffer.concat(received).equals(sent)).toBe(true);
  });

  test('cut() closes open connections at once; the proxy still takes new ones', async () => {
    const socket = await connect();
    socket.on('error', () => {});
    socket.write('ping');
    await once(socket, 'data');
    const closed = once(socket, 'close');
    const start = performance.now();
    proxy.cut();
    await closed;
    expect(performance.now() - start).toBeLessThan(DELAY_MS);

    const next = await connect();
    try {
      next.write('again');
      const [reply] = await once(next, 'data');
      expect(reply.toString()).toBe('again');
    } finally {
      next.destroy();
    }
  });
});
