import fs from 'node:fs';

// The lookups below run on libuv's thread pool, 4 threads unless this is set before its first
// use: 4 requests in flight would leave most of the round trip time unused.
process.env.UV_THREADPOOL_SIZE ??= '32';
const IN_FLIGHT = 32;

type Answer = { value: string } | { error: unknown };

/**
 * Answers to readlink and access fetched ahead, many at once. Over sshfs every lookup is a
 * round trip to the server, and inspecting links one after another costs two round trips per
 * link in turn; sshfs pipelines concurrent requests, so asking for all of them together takes
 * a fraction of that. inspect() reads the answers instead of asking again.
 */
export class Prefetched {
  private readonly links = new Map<string, Answer>();
  private readonly targets = new Map<string, Answer>();

  static async fetch(links: string[], targets: string[]): Promise<Prefetched> {
    const fetched = new Prefetched();
    const jobs = [
      ...links.map((file) => () => settle(fs.promises.readlink(file), fetched.links, file)),
      ...targets.map((file) => () => settle(fs.promises.access(file), fetched.targets, file)),
    ];
    let next = 0;
    const worker = async () => {
      while (next < jobs.length) await jobs[next++]();
    };
    await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, jobs.length) }, worker));
    return fetched;
  }

  /** readlinkSync(file), answered from what was fetched when it was. */
  readlink(file: string): string {
    const answer = this.links.get(file);
    if (answer === undefined) return fs.readlinkSync(file);
    if ('error' in answer) throw answer.error;
    return answer.value;
  }

  /** accessSync(file), answered from what was fetched when it was. */
  access(file: string): void {
    const answer = this.targets.get(file);
    if (answer === undefined) return fs.accessSync(file);
    if ('error' in answer) throw answer.error;
  }
}

async function settle(
  call: Promise<string | void>,
  into: Map<string, Answer>,
  file: string,
): Promise<void> {
  try {
    into.set(file, { value: String(await call) });
  } catch (error) {
    into.set(file, { error });
  }
}
