import type { Clock, TimerHandle } from '../../ports/clock';
import type { ContactQueue, ListEntry } from '../../ports/contact-queue';
import type { HelpRequestRepository } from '../../ports/help-request-repository';
import type { Logger } from '../../ports/logger';
import type { CallbackDialer } from './callback-dialer';

export interface IvrCallbackWorkerDeps {
  contactQueue: ContactQueue;
  requests: Pick<HelpRequestRepository, 'findById' | 'transition'>;
  dialer: Pick<CallbackDialer, 'serve'>;
  clock: Clock;
  logger: Logger;
  /** Queues whose callback mode is 'ivr' (no agent takes them). */
  queues: readonly string[];
  /** This process's holder token for taken entries. */
  holder: string;
  /** Outbound IVR calls at once (trunk capacity). */
  maxConcurrent?: number;
  pollMs?: number;
}

/**
 * Serves the automated IVR callbacks: no agent is involved, so instead of the dispatcher this
 * worker takes due entries of the IVR queues from the combined list, up to a number of calls at
 * once, and hands each to the dialer with a settlement that acts on the list directly.
 */
export class IvrCallbackWorker {
  private active = 0;
  private timer: TimerHandle | null = null;
  private stopped = true;
  private ticking = false;

  constructor(private readonly deps: IvrCallbackWorkerDeps) {}

  start(): void {
    if (this.deps.queues.length === 0) return;
    this.stopped = false;
    this.kick();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) this.deps.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  /** Looks for due work now (also called after each call ends). */
  kick(): void {
    if (this.stopped) return;
    void this.tick().catch((err: unknown) => this.deps.logger.warn({ err }, 'IVR callback worker tick failed'));
  }

  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      const max = this.deps.maxConcurrent ?? 5;
      while (!this.stopped && this.active < max) {
        const entry = await this.deps.contactQueue.take(this.deps.queues, this.deps.holder);
        if (!entry) break;
        await this.begin(entry);
      }
    } finally {
      this.ticking = false;
      if (this.timer) this.deps.clock.clearTimeout(this.timer);
      if (!this.stopped) this.timer = this.deps.clock.setTimeout(() => this.kick(), this.deps.pollMs ?? 1000);
    }
  }

  private async begin(entry: ListEntry): Promise<void> {
    const { contactQueue, requests } = this.deps;
    const reserved = await requests.transition(entry.requestId, ['queued', 'scheduled'], { status: 'reserved' });
    if (!reserved) {
      const current = await requests.findById(entry.requestId);
      if (!current || ['completed', 'failed', 'cancelled'].includes(current.status)) await contactQueue.remove(entry.requestId, entry.queue);
      else await contactQueue.requeue(entry.requestId, entry.queue, { dueAt: new Date(this.deps.clock.now().getTime() + 60_000) });
      return;
    }
    this.active++;
    void this.deps.dialer
      .serve({
        request: reserved,
        entry,
        agent: null,
        settle: async (o) => {
          if (o.kind === 'done') await contactQueue.complete(entry.requestId, entry.queue);
          else await contactQueue.requeue(entry.requestId, entry.queue, o.kind === 'requeue' && o.dueAt ? { dueAt: o.dueAt } : undefined);
        },
      })
      .catch((err: unknown) => this.deps.logger.error({ err, requestId: entry.requestId }, 'IVR callback failed'))
      .finally(() => {
        this.active--;
        this.kick();
      });
  }
}
