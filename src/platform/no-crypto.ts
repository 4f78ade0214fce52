import fs from 'node:fs';
import { nodeCrypto } from './builtins.js';

/*
 * What a run needs of cryptography, without node:crypto: loading it cost a one-link run
 * 3.5 ms on Node 20 and 7 to 12 ms on Node 24, more than the switch itself. It is loaded only
 * where the kernel's random source cannot be read.
 */

/** `count` random bytes in hex, from the kernel's /dev/urandom. */
export function randomHex(count: number): string {
  const bytes = Buffer.allocUnsafe(count);
  try {
    const fd = fs.openSync('/dev/urandom', 'r');
    try {
      if (isRandomDevice(fs.fstatSync(fd)) && fs.readSync(fd, bytes, 0, count, null) === count)
        return bytes.toString('hex');
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // No /dev/urandom here (a bare chroot): Node's own source.
  }
  return nodeCrypto().randomBytes(count).toString('hex');
}

/**
 * The kernel's random devices as Linux numbers them (1:8 and 1:9): another device bound over
 * /dev/urandom in a container (/dev/zero) would give every name and token the same bytes.
 */
const LINUX_RANDOM = new Set([0x108, 0x109]);

function isRandomDevice(stats: fs.Stats): boolean {
  return (
    stats.isCharacterDevice() && (process.platform !== 'linux' || LINUX_RANDOM.has(stats.rdev))
  );
}

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/**
 * SHA-256 (FIPS 180-4) of `text` in UTF-8, in hex: the same digest node:crypto gives, for the
 * few short strings a run hashes (its identity, which runs of every version must agree on).
 */
export function sha256Hex(text: string): string {
  const data = Buffer.from(text, 'utf8');
  const blocks = Math.ceil((data.length + 9) / 64);
  const padded = Buffer.alloc(blocks * 64);
  data.copy(padded);
  padded[data.length] = 0x80;
  padded.writeUInt32BE(Math.floor((data.length * 8) / 2 ** 32), padded.length - 8);
  padded.writeUInt32BE((data.length * 8) >>> 0, padded.length - 4);
  const h = new Uint32Array([
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
  ]);
  const w = new Uint32Array(64);
  const rotr = (x: number, n: number) => (x >>> n) | (x << (32 - n));
  for (let block = 0; block < blocks; block++) {
    for (let i = 0; i < 16; i++) w[i] = padded.readUInt32BE(block * 64 + i * 4);
    for (let i = 16; i < 64; i++) {
      const s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >>> 3);
      const s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >>> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    let [a, b, c, d, e, f, g, hh] = h;
    for (let i = 0; i < 64; i++) {
      const t1 = hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
      const t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
      hh = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    const add = [a, b, c, d, e, f, g, hh];
    for (let i = 0; i < 8; i++) h[i] += add[i];
  }
  const digest = Buffer.alloc(32);
  for (let i = 0; i < 8; i++) digest.writeUInt32BE(h[i], i * 4);
  return digest.toString('hex');
}
