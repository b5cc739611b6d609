/** Counts events per key in a time window, shared by every process (per IP, per number, ...). */
export interface RateLimitDecision {
  allowed: boolean;
  remaining: number;
  /** Seconds until the window resets (for Retry-After). */
  retryAfterSeconds: number;
}

export interface RateLimiter {
  /** Counts one event for `key` and says whether it is within `limit` per `windowSeconds`. */
  consume(key: string, limit: number, windowSeconds: number): Promise<RateLimitDecision>;
}
