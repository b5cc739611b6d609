import type { AttemptOutcome } from './call-outcome';

/**
 * What to do after an attempt: close the request, or put it back in the combined list after a
 * delay. Each outcome has its own delay and its own cap on attempts (counted over the request's
 * customer attempts, this one included).
 */

export interface OutcomeRule {
  delaySeconds: number;
  maxAttempts: number;
}

export type RetryRules = Record<'busy' | 'no_answer' | 'failed' | 'unconfirmed' | 'rescheduled', OutcomeRule>;

export const DEFAULT_RETRY_RULES: RetryRules = {
  busy: { delaySeconds: 300, maxAttempts: 3 },
  no_answer: { delaySeconds: 600, maxAttempts: 3 },
  failed: { delaySeconds: 300, maxAttempts: 3 },
  unconfirmed: { delaySeconds: 900, maxAttempts: 3 },
  rescheduled: { delaySeconds: 7200, maxAttempts: 5 },
};

/** Delay before the clean retry after an interrupted attempt or an agent who did not answer. */
export const INTERRUPTED_RETRY_SECONDS = 30;

export type FinalStatus = 'completed' | 'failed' | 'cancelled';

export type RetryDecision =
  | { action: 'close'; status: FinalStatus; reason: AttemptOutcome }
  | { action: 'retry'; delaySeconds: number; countsAsAttempt: boolean };

/**
 * @param attempts customer attempts made so far, including the one that just ended
 */
export function decideAfterAttempt(outcome: AttemptOutcome, attempts: number, rules: RetryRules = DEFAULT_RETRY_RULES): RetryDecision {
  switch (outcome) {
    case 'connected':
      return { action: 'close', status: 'completed', reason: outcome };
    case 'cancelled':
      return { action: 'close', status: 'cancelled', reason: outcome };
    case 'invalid_number':
    case 'forbidden':
      return { action: 'close', status: 'failed', reason: outcome };
    case 'agent_missed':
    case 'interrupted':
      // Not the customer's doing: one clean retry, the attempt is not held against them.
      return { action: 'retry', delaySeconds: INTERRUPTED_RETRY_SECONDS, countsAsAttempt: false };
    default: {
      const rule = rules[outcome];
      if (attempts >= rule.maxAttempts) return { action: 'close', status: 'failed', reason: outcome };
      return { action: 'retry', delaySeconds: rule.delaySeconds, countsAsAttempt: true };
    }
  }
}
