/**
 * What became of one dial attempt, classified from what Asterisk reports: the Dial event's
 * status and the hang-up cause of ChannelDestroyed. A leg that never reached StasisStart was
 * not answered, whatever else happened (see the originate-* traces: a busy Local channel ends
 * with cause 0 "Unknown" and only the Dial event says BUSY; a ring timeout has no final Dial
 * event at all, only cause 19).
 */

export const ATTEMPT_OUTCOMES = [
  'connected', // answered and connected to an agent, or the IVR callback played through
  'unconfirmed', // answered, but nobody confirmed (voicemail, wrong person, hung up in the menu)
  'busy',
  'no_answer', // rang out (ring timeout), or nobody responded
  'failed', // congestion, unavailable channel, network failure
  'invalid_number', // the network says the number does not exist
  'cancelled', // cancelled by the customer (menu choice, or the request was cancelled while ringing)
  'rescheduled', // the customer asked to be called another time
  'agent_missed', // the reserved agent did not take the call: not the customer's fault
  'forbidden', // the destination is no longer allowed by configuration; never dialled
  'interrupted', // the controller stopped mid-attempt; found at the next start
] as const;
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];

/** Q.850 causes that mean the number itself is wrong. */
const INVALID_NUMBER_CAUSES = new Set([1, 2, 3, 22, 28]);
const BUSY_CAUSES = new Set([17, 21]); // user busy; call rejected (declined now, try later)
const NO_ANSWER_CAUSES = new Set([18, 19, 20]); // no user responding; alerting, no answer; subscriber absent
const FAILED_CAUSES = new Set([27, 29, 31, 34, 38, 41, 42, 44, 47, 58, 102]);

const DIAL_STATUS_OUTCOME: Record<string, AttemptOutcome> = {
  BUSY: 'busy',
  NOANSWER: 'no_answer',
  CANCEL: 'no_answer',
  CONGESTION: 'failed',
  CHANUNAVAIL: 'failed',
};

/** Classifies an unanswered leg. The specific cause wins; cause 0/16 defer to the Dial status. */
export function classifyUnanswered(dialStatus: string | null, cause: number | null): AttemptOutcome {
  if (cause !== null) {
    if (INVALID_NUMBER_CAUSES.has(cause)) return 'invalid_number';
    if (BUSY_CAUSES.has(cause)) return 'busy';
    if (NO_ANSWER_CAUSES.has(cause)) return 'no_answer';
    if (FAILED_CAUSES.has(cause)) return 'failed';
  }
  const byStatus = dialStatus ? DIAL_STATUS_OUTCOME[dialStatus] : undefined;
  if (byStatus) return byStatus;
  if (dialStatus === 'RINGING' || dialStatus === 'PROGRESS') return 'no_answer';
  return 'failed';
}

/** Minimal event shapes the tracker needs (structurally compatible with the CallControl port's events). */
export type LegEvent =
  | { type: 'StasisStart'; channel: { id: string } }
  | { type: 'Dial'; channelId: string; dialStatus: string }
  | { type: 'ChannelHangupRequest'; channelId: string; cause?: number }
  | { type: 'ChannelDestroyed'; channelId: string; cause: number }
  | { type: string };

export type LegState =
  | { phase: 'dialling'; ringing: boolean }
  | { phase: 'answered' }
  | { phase: 'ended'; answered: boolean; outcome: AttemptOutcome | null; dialStatus: string | null; cause: number | null };

/** Follows one originated leg through its events. Pure: feed events, read `state`. */
export class LegTracker {
  private dialStatus: string | null = null;
  private hangupCause: number | null = null;
  private answered = false;
  private ringing = false;
  private ended: Extract<LegState, { phase: 'ended' }> | null = null;

  constructor(public readonly channelId: string) {}

  get state(): LegState {
    if (this.ended) return this.ended;
    return this.answered ? { phase: 'answered' } : { phase: 'dialling', ringing: this.ringing };
  }

  /** Returns true when the event changed the phase. */
  feed(event: LegEvent): boolean {
    if (this.ended) return false;
    const before = this.state.phase;
    const e = event as { type: string; channelId?: string; channel?: { id: string }; dialStatus?: string; cause?: number };
    const id = e.channelId ?? e.channel?.id;
    if (id !== this.channelId) return false;
    switch (e.type) {
      case 'StasisStart':
        this.answered = true;
        break;
      case 'Dial':
        if (e.dialStatus) this.dialStatus = e.dialStatus;
        if (e.dialStatus === 'RINGING' || e.dialStatus === 'PROGRESS') this.ringing = true;
        break;
      case 'ChannelHangupRequest':
        if (typeof e.cause === 'number') this.hangupCause = e.cause;
        break;
      case 'StasisEnd':
      case 'ChannelDestroyed': {
        const cause = e.type === 'ChannelDestroyed' && typeof e.cause === 'number' ? e.cause : this.hangupCause;
        const specific = cause !== null && cause !== 0 && cause !== 16 ? cause : (this.hangupCause ?? cause);
        this.ended = {
          phase: 'ended',
          answered: this.answered,
          outcome: this.answered ? null : classifyUnanswered(this.dialStatus, specific),
          dialStatus: this.dialStatus,
          cause,
        };
        break;
      }
      default:
        return false;
    }
    return this.state.phase !== before;
  }

  /** Ends the leg from our side (originate refused, ring timeout enforced by us, cancellation). */
  endLocally(outcome: AttemptOutcome | null): void {
    if (this.ended) return;
    this.ended = { phase: 'ended', answered: this.answered, outcome: this.answered ? null : outcome, dialStatus: this.dialStatus, cause: this.hangupCause };
  }
}
