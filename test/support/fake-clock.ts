import type { Clock, TimerHandle } from '../../src/ports/clock';

interface PendingTimer {
  id: number;
  at: number;
  fn: () => void;
}

/** Lets queued promise callbacks, microtasks and setImmediate callbacks run (a few rounds). */
export async function flush(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * A Clock whose time moves only when the test says so. `advance(ms)` fires every timer that
 * falls due, in due order (ties in creation order), letting promises settle between timers, so
 * a flow that awaits after a timer sees the time of that timer.
 */
export class FakeClock implements Clock {
  private current: number;
  private seq = 0;
  private timers: PendingTimer[] = [];

  constructor(start: Date | string = '2030-01-07T09:00:00.000Z') {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer: PendingTimer = { id: ++this.seq, at: this.current + Math.max(0, ms), fn };
    this.timers.push(timer);
    return { id: timer.id } as unknown as TimerHandle;
  }

  clearTimeout(handle: TimerHandle): void {
    const id = (handle as unknown as { id: number } | undefined)?.id;
    this.timers = this.timers.filter((t) => t.id !== id);
  }

  /** Number of timers not yet fired. */
  pending(): number {
    return this.timers.length;
  }

  /** When the next timer fires, or null. */
  nextAt(): Date | null {
    const next = this.sorted()[0];
    return next ? new Date(next.at) : null;
  }

  /** Moves time forward by `ms`, firing due timers in order and letting the app react to each. */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    await flush();
    for (;;) {
      const next = this.sorted()[0];
      if (!next || next.at > target) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.current = Math.max(this.current, next.at);
      next.fn();
      await flush();
    }
    this.current = target;
    await flush();
  }

  /** Sets the time without firing anything (for setting up a scene). */
  set(date: Date | string): void {
    this.current = new Date(date).getTime();
  }

  private sorted(): PendingTimer[] {
    return [...this.timers].sort((a, b) => a.at - b.at || a.id - b.id);
  }
}
