/**
 * The anticipated wait shown to a customer. Deliberately simple for now: position times the
 * queue's configured handle time, shared among the agents logged in to the queue. Scheduled entries wait at least until their due time.
 */
export interface WaitEstimateInput {
  /** 1-based position among due entries, or null when not waiting (scheduled or being served). */
  position: number | null;
  /** Average handle time of the queue, in seconds. */
  handleSeconds: number;
  /** Agents logged in to the queue; 0 counts as one so the estimate never divides by zero. */
  agentsLoggedIn: number;
  /** Seconds until a scheduled entry becomes due (0 when due). */
  secondsUntilDue?: number;
}

export function estimateWaitSeconds(input: WaitEstimateInput): number | null {
  const agents = Math.max(1, Math.floor(input.agentsLoggedIn));
  const untilDue = Math.max(0, Math.ceil(input.secondsUntilDue ?? 0));
  if (input.position === null) return untilDue > 0 ? untilDue : null;
  // Everyone up to and including this entry, shared among the agents, one handle time each.
  return untilDue + Math.ceil((input.position * input.handleSeconds) / agents);
}
