import { DomainError } from './errors';

/**
 * An agent's state machine. Every change goes through `applyAgentEvent`, which follows the
 * transition table below and throws IllegalAgentTransitionError for anything else.
 */

export const AGENT_STATES = ['logged-out', 'available', 'reserved', 'ringing', 'on-call', 'wrap-up', 'paused'] as const;
export type AgentState = (typeof AGENT_STATES)[number];

export type AgentEvent =
  | { type: 'login' }
  | { type: 'logout' }
  | { type: 'pause'; reason: string }
  | { type: 'resume' }
  /** The dispatcher holds the agent for one contact. */
  | { type: 'reserve' }
  /** The reservation ended before the agent talked to anyone (nothing to offer, contact gone, requeued). */
  | { type: 'release' }
  | { type: 'ring' }
  | { type: 'answer' }
  /** The agent did not answer within the ring timeout. */
  | { type: 'miss'; missesBeforePause: number }
  /** The contact ended (hang-up, or a callback settled): timed wrap-up follows. */
  | { type: 'end' }
  | { type: 'wrap-up-done' };

export interface AgentStatus {
  state: AgentState;
  reason: string | null;
  since: Date;
  /** Consecutive missed rings (reset on answer and on login/resume). */
  missedInRow: number;
  callsHandled: number;
  lastCallEndedAt: Date | null;
}

export class IllegalAgentTransitionError extends DomainError {
  constructor(
    public readonly from: AgentState,
    public readonly event: AgentEvent['type'],
  ) {
    super('conflict', `an agent who is ${from} cannot ${event.replace(/-/g, ' ')}`, 'state', { from, event });
  }
}

/** From which states each event is allowed, and where it goes (miss is resolved below). */
export const AGENT_TRANSITIONS: Record<AgentEvent['type'], { from: readonly AgentState[]; to: AgentState }> = {
  login: { from: ['logged-out'], to: 'available' },
  logout: { from: ['available', 'paused', 'wrap-up'], to: 'logged-out' },
  pause: { from: ['available', 'wrap-up', 'paused'], to: 'paused' },
  resume: { from: ['paused'], to: 'available' },
  reserve: { from: ['available'], to: 'reserved' },
  release: { from: ['reserved', 'ringing'], to: 'available' },
  ring: { from: ['reserved'], to: 'ringing' },
  answer: { from: ['ringing', 'reserved'], to: 'on-call' },
  miss: { from: ['ringing', 'reserved'], to: 'available' },
  end: { from: ['on-call', 'reserved'], to: 'wrap-up' },
  'wrap-up-done': { from: ['wrap-up'], to: 'available' },
};

export function canApply(status: AgentStatus, type: AgentEvent['type']): boolean {
  return AGENT_TRANSITIONS[type].from.includes(status.state);
}

export function initialAgentStatus(now: Date): AgentStatus {
  return { state: 'logged-out', reason: null, since: now, missedInRow: 0, callsHandled: 0, lastCallEndedAt: null };
}

export function applyAgentEvent(status: AgentStatus, event: AgentEvent, now: Date): AgentStatus {
  const rule = AGENT_TRANSITIONS[event.type];
  if (!rule.from.includes(status.state)) throw new IllegalAgentTransitionError(status.state, event.type);
  const next: AgentStatus = { ...status, state: rule.to, reason: null, since: now };
  switch (event.type) {
    case 'pause':
      next.reason = event.reason;
      break;
    case 'login':
    case 'resume':
      next.missedInRow = 0;
      break;
    case 'answer':
      next.missedInRow = 0;
      break;
    case 'miss':
      next.missedInRow = status.missedInRow + 1;
      if (next.missedInRow >= event.missesBeforePause) {
        next.state = 'paused';
        next.reason = `auto: ${next.missedInRow} missed calls in a row`;
      }
      break;
    case 'end':
      next.callsHandled = status.callsHandled + 1;
      next.lastCallEndedAt = now;
      break;
    default:
      break;
  }
  return next;
}

/** States in which the agent is logged in. */
export function isLoggedIn(state: AgentState): boolean {
  return state !== 'logged-out';
}
