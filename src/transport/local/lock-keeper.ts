import type { MessagePort, Worker } from 'node:worker_threads';
import { workerThreads } from '../../platform/builtins.js';
import type { KeptLock, LockKeeper } from '../../engine/port.js';
import { WORKER_FILE } from './guard.js';
import type { KeeperWorkerData } from './guard-protocol.js';

/**
 * How long a run holds its locks before their keeper's thread is started. Its first refresh is
 * due a heartbeat after it starts: started this late it still lands seconds before any waiter
 * could break the lock, and a run over sooner (one link takes a few milliseconds) never pays
 * for the thread: a one-link run took 35 ms less without it on Node 20 (9 ms less processor
 * time; most of it was spent waiting at release for the thread to boot and stop).
 */
const KEEPER_AFTER_MS = 200;

/**
 * Keeps a run's locks fresh from a thread of its own, with its own event loop: the main
 * thread makes a local batch's calls synchronously, and a phase of a large batch (60,000
 * links read, or renamed under a slowed disk) can keep it busy for longer than the shortest
 * lock timeout. The thread is started KEEPER_AFTER_MS after the locks are taken: by a timer
 * when the main thread is idle then, or by the next call the store makes (poke()) when it is
 * busy, so a synchronous phase starts it as surely as the event loop does. Why it stopped is
 * read synchronously from its port: a busy main thread asks between two chunks, without a turn
 * of its event loop.
 */
export class LockKeeperThread implements LockKeeper {
  private worker: Worker | undefined;
  private port: MessagePort | undefined;
  private why: string | undefined;
  private readonly due = performance.now() + KEEPER_AFTER_MS;
  private readonly timer: NodeJS.Timeout;
  private ended = false;

  constructor(
    private readonly locks: KeptLock[],
    private readonly text: string,
    private readonly everyMs: number,
  ) {
    this.timer = setTimeout(() => this.start(), KEEPER_AFTER_MS);
    this.timer.unref();
  }

  /** Starts the thread once it is due; called before each of the store's calls. */
  poke(): void {
    if (this.worker === undefined && performance.now() >= this.due) this.start();
  }

  /** Whether its thread is still to be started. */
  get pending(): boolean {
    return this.worker === undefined && !this.ended;
  }

  stopped(): string | undefined {
    if (this.port !== undefined) {
      this.why ??= workerThreads().receiveMessageOnPort(this.port)?.message as string | undefined;
    }
    return this.why;
  }

  async stop(): Promise<void> {
    this.ended = true;
    clearTimeout(this.timer);
    // Never started, it never refreshed: nothing to wait for.
    if (this.worker === undefined) return;
    await this.worker.terminate();
    this.port?.close();
  }

  /** Starts the thread now, due or not. */
  start(): void {
    if (this.worker !== undefined || this.ended) return;
    clearTimeout(this.timer);
    const { MessageChannel, Worker } = workerThreads();
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const { locks, text, everyMs } = this;
    const workerData: KeeperWorkerData = { keep: { locks, text, everyMs }, port: port2 };
    this.worker = new Worker(WORKER_FILE, { workerData, transferList: [port2] });
    // A thread that could not start, or failed, keeps nothing: said as it would say it.
    this.worker.once('error', (error) => (this.why ??= `its thread failed: ${error.message}`));
    this.worker.unref();
    this.port.unref();
  }
}
