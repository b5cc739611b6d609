import { FINAL_STATUSES } from '../../domain/help-request';
import type { AttemptRepository } from '../../ports/attempt-repository';
import type { Clock, TimerHandle } from '../../ports/clock';
import type { HelpRequestRepository } from '../../ports/help-request-repository';
import type { Logger } from '../../ports/logger';

/**
 * Keeps an attempt's lease alive while it runs (so no other process takes it for a crashed one),
 * and watches the request meanwhile: a request cancelled elsewhere (web page, supervisor, another
 * process) aborts the attempt, as does losing the lease.
 */
export class AttemptLease {
  private timer: TimerHandle | null = null;
  private stopped = false;

  constructor(
    private readonly deps: { attempts: AttemptRepository; requests: Pick<HelpRequestRepository, 'findById' | 'transition'>; clock: Clock; logger: Logger },
    private readonly attemptId: string,
    private readonly requestId: string,
    private readonly owner: string,
    private readonly leaseMs: number,
    private readonly abort: (reason: 'cancelled' | 'lease-lost') => void,
  ) {}

  start(): void {
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) this.deps.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.deps.clock.setTimeout(() => void this.tick(), Math.max(250, Math.floor(this.leaseMs / 3)));
  }

  private async tick(): Promise<void> {
    try {
      const ours = await this.deps.attempts.renew(this.attemptId, this.owner, new Date(this.deps.clock.now().getTime() + this.leaseMs));
      if (this.stopped) return;
      if (!ours) {
        this.deps.logger.warn({ attemptId: this.attemptId }, 'attempt lease lost; abandoning the attempt');
        this.abort('lease-lost');
        return;
      }
      const request = await this.deps.requests.findById(this.requestId);
      if (this.stopped) return;
      if (!request || FINAL_STATUSES.includes(request.status)) {
        this.deps.logger.info({ status: request?.status }, 'request closed while dialling; hanging up');
        this.abort('cancelled');
        return;
      }
    } catch (err) {
      this.deps.logger.warn({ err }, 'attempt lease renewal failed; trying again');
    }
    this.schedule();
  }
}
