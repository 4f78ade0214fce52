import { MessageChannel, Worker, receiveMessageOnPort } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import type { KeptLock, LockKeeper } from '../../engine/port.js';
import { WORKER_FILE } from './guard.js';
import type { KeeperWorkerData } from './guard-protocol.js';

/**
 * Keeps a run's locks fresh from a thread of its own, with its own event loop: the main
 * thread makes a local batch's calls synchronously, and a phase of a large batch (60,000
 * links read, or renamed under a slowed disk) can keep it busy for longer than the shortest
 * lock timeout. Started only once a lock is held. Why it stopped is read synchronously from
 * its port: a busy main thread asks between two chunks, without a turn of its event loop.
 */
export class LockKeeperThread implements LockKeeper {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private why: string | undefined;

  constructor(locks: KeptLock[], text: string, everyMs: number) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const workerData: KeeperWorkerData = { keep: { locks, text, everyMs }, port: port2 };
    this.worker = new Worker(WORKER_FILE, { workerData, transferList: [port2] });
    // A thread that could not start, or failed, keeps nothing: said as it would say it.
    this.worker.once('error', (error) => (this.why ??= `its thread failed: ${error.message}`));
    this.worker.unref();
    this.port.unref();
  }

  stopped(): string | undefined {
    this.why ??= receiveMessageOnPort(this.port)?.message as string | undefined;
    return this.why;
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
    this.port.close();
  }
}
