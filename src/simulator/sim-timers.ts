/** Timers in simulated time: every delay is multiplied by the time scale; close() cancels them all. */
export class SimTimers {
  private readonly pending = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly scale: number) {}

  /** Runs `fn` after `ms` simulated milliseconds. Returns a cancel function. */
  after(ms: number, fn: () => void): () => void {
    if (this.closed) return () => undefined;
    const handle = setTimeout(() => {
      this.pending.delete(handle);
      fn();
    }, Math.max(0, ms * this.scale));
    this.pending.add(handle);
    return () => {
      clearTimeout(handle);
      this.pending.delete(handle);
    };
  }

  /** Real milliseconds converted to simulated milliseconds. */
  toSimulated(realMs: number): number {
    return this.scale > 0 ? realMs / this.scale : realMs;
  }

  close(): void {
    this.closed = true;
    for (const handle of this.pending) clearTimeout(handle);
    this.pending.clear();
  }
}

/** Asterisk's timestamp format: `2026-11-29T15:29:14.606+0000`. */
export function asteriskTimestamp(date = new Date()): string {
  return date.toISOString().replace('Z', '+0000');
}
