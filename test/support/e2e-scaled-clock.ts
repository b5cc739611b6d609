import type { Clock, TimerHandle } from '../../src/ports/clock';

/**
 * A clock that runs `1 / scale` times faster than the wall clock, to match a simulator started
 * with the same time scale: with 0.05, a 15-second announcement interval passes in 0.75 s and
 * `now()` has moved on by 15 s meanwhile, so waits written to MySQL read as the center's own
 * seconds. With 1 it is the system clock.
 */
export function scaledClock(scale: number): Clock {
  if (!(scale > 0 && scale <= 1)) throw new Error(`scale: must be in (0, 1], got ${scale}`);
  const origin = Date.now();
  return {
    now: () => new Date(origin + (Date.now() - origin) / scale),
    setTimeout: (fn, ms) => setTimeout(fn, Math.max(0, ms) * scale) as unknown as TimerHandle,
    clearTimeout: (handle) => clearTimeout(handle as unknown as NodeJS.Timeout),
  };
}
