import type { Clock, TimerHandle } from '../../ports/clock';
import { recoverInterruptedAttempts, releaseStaleReservations, type InterruptedAttemptsDeps } from './interrupted-attempts';

/**
 * Runs the recovery of interrupted attempts at start-up (this process's own leftovers included)
 * and then every lease period, so the attempts of a controller that died are found by the others.
 */
export class DialerSweeper {
  private timer: TimerHandle | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly deps: InterruptedAttemptsDeps & { clock: Clock },
    private readonly everyMs = 30_000,
  ) {}

  /** The start-up pass; resolves when it is done, then keeps sweeping in the background. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.sweep(true);
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) this.deps.clock.clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One pass; returns how many attempts and reservations were recovered. */
  async sweep(includeOwn = false): Promise<number> {
    const run = (async () => {
      const n = await recoverInterruptedAttempts(this.deps, { includeOwn });
      return n + (await releaseStaleReservations(this.deps, this.everyMs * 2));
    })();
    this.running = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.deps.clock.setTimeout(() => {
      this.sweep().catch((err: unknown) => this.deps.logger.warn({ err }, 'dialer recovery sweep failed'));
      void this.running?.then(() => this.schedule());
    }, this.everyMs);
  }
}
