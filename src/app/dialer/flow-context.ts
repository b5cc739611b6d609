import type { AttemptOutcome } from '../../domain/call-outcome';
import type { CallbackSettings } from '../../domain/dialling-settings';
import type { HelpRequest } from '../../domain/help-request';
import type { CallControl } from '../../ports/call-control';
import type { Clock } from '../../ports/clock';
import type { Logger } from '../../ports/logger';
import type { ReservedAgent } from '../acd/dispatch-contract';
import type { CallLeg } from './call-leg';

/** Progress of a callback as the request's status endpoint shows it (context.progress). */
export type CallbackProgress = 'agent-ringing' | 'ringing' | 'answered' | 'connected' | 'in-queue' | 'with-agent' | 'ended';

/** What a callback flow gets for one attempt. */
export interface FlowContext {
  cc: CallControl;
  clock: Clock;
  logger: Logger;
  /** Aborted when the request is cancelled (or the controller shuts down) mid-attempt. */
  signal: AbortSignal;
  request: HelpRequest;
  settings: CallbackSettings;
  agent: ReservedAgent | null;
  attemptNo: number;
  /** The customer's dial string, built and checked before the flow started. */
  customerEndpoint: string;
  /** Reports progress; the customer leg is announced here once originated so the attempt row knows its channel. */
  progress(step: CallbackProgress, detail?: { customerChannelId?: string; agentChannelId?: string }): Promise<void>;
}

export interface FlowResult {
  outcome: AttemptOutcome;
  answeredAt: Date | null;
  dialStatus: string | null;
  hangupCause: number | null;
  /** False when the customer was never dialled (the attempt is not held against them). */
  customerDialled: boolean;
  /** Anything the customer keyed or chose, kept in the request's context. */
  input?: Record<string, unknown>;
}

export function legIds(requestId: string, attemptNo: number): { customer: string; agent: string; bridge: string } {
  return { customer: `cb-${requestId}-${attemptNo}-c`, agent: `cb-${requestId}-${attemptNo}-a`, bridge: `call-${requestId}` };
}

/** The result of a leg that did not end in a connected call. */
export function resultOf(leg: CallLeg, fallback: AttemptOutcome, customerDialled = true): FlowResult {
  const s = leg.tracker.state;
  const ended = s.phase === 'ended' ? s : null;
  return {
    outcome: ended?.outcome ?? fallback,
    answeredAt: leg.answeredAt,
    dialStatus: ended?.dialStatus ?? null,
    hangupCause: ended?.cause ?? null,
    customerDialled,
  };
}
