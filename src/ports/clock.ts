/** Time as the app sees it, so tests can run on a fake clock. */
export interface Clock {
  now(): Date;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}
export interface TimerHandle {
  readonly __timer: unique symbol;
}
