import type { Clock } from '../../ports/clock';
import { PeriodicTask } from '../periodic-task';
import { recoverInterruptedAttempts, releaseStaleReservations, type InterruptedAttemptsDeps } from './interrupted-attempts';

/**
 * Runs the recovery of interrupted attempts at start-up (this process's own leftovers included)
 * and then every lease period, so the attempts of a controller that died are found by the others.
 */
export class DialerSweeper {
  private readonly task: PeriodicTask;

  constructor(
    private readonly deps: InterruptedAttemptsDeps & { clock: Clock },
    private readonly everyMs = 30_000,
  ) {
    this.task = new PeriodicTask(deps.clock, everyMs, () => this.sweep(), (err) => deps.logger.warn({ err }, 'dialer recovery sweep failed'));
  }

  /** The start-up pass; resolves when it is done (rejects if it failed), then keeps sweeping in the background. */
  async start(): Promise<void> {
    await this.task.start(() => this.sweep(true));
  }

  async stop(): Promise<void> {
    await this.task.stop();
  }

  /** One pass; returns how many attempts and reservations were recovered. */
  async sweep(includeOwn = false): Promise<number> {
    return this.task.track(
      (async () => {
        const n = await recoverInterruptedAttempts(this.deps, { includeOwn });
        return n + (await releaseStaleReservations(this.deps, this.everyMs * 2));
      })(),
    );
  }
}
