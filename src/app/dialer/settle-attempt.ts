import { nextCallableTime, zonesForDestination } from '../../domain/calling-hours';
import type { CallbackSettings } from '../../domain/dialling-settings';
import type { HelpRequest } from '../../domain/help-request';
import { decideAfterAttempt, type FinalStatus } from '../../domain/retry-policy';
import type { AttemptRepository, ContactAttempt } from '../../ports/attempt-repository';
import type { Clock } from '../../ports/clock';
import type { HelpRequestRepository } from '../../ports/help-request-repository';
import type { Logger } from '../../ports/logger';
import type { ReservationOutcome, ReservedAgent } from '../acd/dispatch-contract';
import type { FlowResult } from './flow-context';

export interface SettleDeps {
  requests: Pick<HelpRequestRepository, 'findById' | 'transition'>;
  attempts: AttemptRepository;
  clock: Clock;
  log: Logger;
}

export interface FinishedAttempt {
  request: HelpRequest;
  attempt: ContactAttempt;
  settings: CallbackSettings;
  zones: string[];
  result: FlowResult;
  agent: ReservedAgent | null;
  settle(outcome: ReservationOutcome): Promise<void>;
}

/**
 * When a request put back after `delaySeconds` may be called again: after the delay, inside the
 * calling window in its number's zones (or the time zone the request names).
 */
export function retryDueAt(request: HelpRequest, settings: CallbackSettings, now: Date, delaySeconds: number): Date {
  const zones = zonesForDestination(request.phone, typeof request.context.timeZone === 'string' ? request.context.timeZone : null, settings.timeZone);
  return nextCallableTime(new Date(now.getTime() + delaySeconds * 1000), settings.callingWindow, zones);
}

/**
 * Records how an attempt ended and applies the retry policy: the request goes back into the
 * combined list (its place kept, due after the outcome's delay and inside the calling window) or
 * is closed. Returns the closed request, for the customer's e-mail.
 */
export async function settleAttempt(deps: SettleDeps, a: FinishedAttempt): Promise<{ request: HelpRequest; status: FinalStatus } | null> {
  const { request, attempt, result } = a;
  const now = deps.clock.now();
  const closedHere = await deps.attempts.close(attempt.id, {
    outcome: result.outcome,
    endedAt: now,
    answeredAt: result.answeredAt,
    dialStatus: result.dialStatus,
    hangupCause: result.hangupCause,
  });
  if (!closedHere) {
    // Another process found this attempt abandoned and has already rescheduled the request.
    deps.log.warn({ attemptId: attempt.id }, 'attempt was closed elsewhere (lease lost); leaving the request to it');
    await a.settle({ kind: 'done' });
    return null;
  }

  const counts = result.customerDialled && result.outcome !== 'agent_missed' && result.outcome !== 'interrupted';
  const attempts = request.attempts + (counts ? 1 : 0);
  const decision = decideAfterAttempt(result.outcome, attempts, a.settings.retry);
  const context = { ...request.context, ...(result.input ?? {}), progress: 'ended', lastOutcome: result.outcome };
  const audit = {
    actor: 'dialer',
    action: 'callback.attempt',
    entityType: 'help_request',
    entityId: request.id,
    details: { attemptNo: attempt.attemptNo, outcome: result.outcome, dialStatus: result.dialStatus, hangupCause: result.hangupCause, decision: decision.action },
  };
  deps.log.info({ attemptNo: attempt.attemptNo, outcome: result.outcome, decision }, 'callback attempt ended');

  if (decision.action === 'retry') {
    const agentMissed = result.outcome === 'agent_missed';
    const earliest = new Date(now.getTime() + (agentMissed ? 0 : decision.delaySeconds * 1000));
    const dueAt = nextCallableTime(earliest, a.settings.callingWindow, a.zones);
    const status = agentMissed && dueAt.getTime() <= now.getTime() ? 'queued' : 'scheduled';
    const updated = await deps.requests.transition(request.id, ['dialling', 'connected'], { status, dueAt, attempts, outcome: result.outcome, context }, audit);
    if (!updated) {
      deps.log.info('request closed while the attempt ran (cancelled); not retrying');
      await a.settle({ kind: 'done' });
      return null;
    }
    await a.settle(agentMissed && a.agent ? { kind: 'agent-missed' } : { kind: 'requeue', dueAt });
    return null;
  }

  const updated = await deps.requests.transition(request.id, ['dialling', 'connected'], { status: decision.status, attempts, outcome: result.outcome, context }, audit);
  await a.settle({ kind: 'done' });
  if (!updated) return null;
  return { request: updated, status: decision.status };
}
