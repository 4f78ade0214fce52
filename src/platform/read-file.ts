import fs from 'node:fs';

/**
 * The bytes of a file or stdin, or undefined when there are more than `limit`: a regular file
 * is judged by its size before anything is read, a pipe (which has no size) once it has sent
 * more.
 */
export function readAtMost(file: string | number, limit: number): Buffer | undefined {
  const fd = typeof file === 'number' ? file : fs.openSync(file, 'r');
  try {
    const stats = fs.fstatSync(fd);
    if (stats.isFile() && stats.size > limit) return undefined;
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(2 ** 20, limit + 1 - total));
      const read = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (read === 0) return Buffer.concat(chunks, total);
      chunks.push(chunk.subarray(0, read));
      total += read;
      if (total > limit) return undefined;
    }
  } finally {
    if (typeof file !== 'number') fs.closeSync(fd);
  }
}
