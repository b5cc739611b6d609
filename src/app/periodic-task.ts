import type { Clock, TimerHandle } from '../ports/clock';

/**
 * Work that runs once at start and then again `everyMs` after each run ends (never two at once),
 * until stopped; stopping waits for a run in progress. A scheduled run that fails is reported to
 * `onError` and the schedule goes on.
 */
export class PeriodicTask {
  private timer: TimerHandle | null = null;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = true;

  constructor(
    private readonly clock: Clock,
    private readonly everyMs: number,
    private readonly run: () => Promise<unknown>,
    private readonly onError: (err: unknown) => void,
  ) {}

  /**
   * Runs `first` (by default the scheduled run) now and resolves when it is done; the schedule
   * starts after it. If `first` fails, start rejects with its error and nothing is scheduled.
   */
  async start(first: () => Promise<unknown> = this.run): Promise<void> {
    this.stopped = false;
    await this.track(first());
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) this.clock.clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Work started outside the schedule (a run on demand), which stop() waits for too. */
  track<T>(work: Promise<T>): Promise<T> {
    this.running = work.then(
      () => undefined,
      () => undefined,
    );
    return work;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      void this.track(this.run())
        .catch(this.onError)
        .finally(() => this.schedule());
    }, this.everyMs);
  }
}
