import type { AttemptOutcome } from '../../domain/call-outcome';
import type { CallbackSettings } from '../../domain/dialling-settings';
import { REQUEST_STATUSES, type HelpRequest } from '../../domain/help-request';
import type { AttemptRepository, ContactAttempt } from '../../ports/attempt-repository';
import type { CallControl } from '../../ports/call-control';
import type { Clock } from '../../ports/clock';
import type { HelpRequestRepository } from '../../ports/help-request-repository';
import type { Logger } from '../../ports/logger';
import { AttemptLease } from './attempt-lease';
import { CallLeg } from './call-leg';
import type { CallerAdmission } from './caller-admission';
import { legIds, resultOf, type CallbackProgress } from './flow-context';
import { awaitAnswer, runMenu, sayGoodbye } from './flow-steps';

export interface ClickToCallFlowDeps {
  callControl: CallControl;
  requests: Pick<HelpRequestRepository, 'findById' | 'transition'>;
  attempts: AttemptRepository;
  clock: Clock;
  logger: Logger;
  admission: CallerAdmission;
  owner: string;
}

/**
 * The call of a "ring me now" request: ring the customer, ask them to press 1, then hand the
 * channel to the ACD as a caller in line. Not retried: the customer is at their screen and can
 * press the button again.
 */
export async function runClickToCall(deps: ClickToCallFlowDeps, request: HelpRequest, attempt: ContactAttempt, endpoint: string, settings: CallbackSettings): Promise<void> {
  const log = deps.logger.child({ requestId: request.id, flow: 'click-to-call' });
  const abort = new AbortController();
  const lease = new AttemptLease(deps, attempt.id, request.id, deps.owner, 30_000, (why) => abort.abort(why));
  const progress = (step: CallbackProgress) => deps.requests.transition(request.id, ['dialling', 'queued', 'connected'], { context: { ...request.context, progress: step } });
  const channelId = legIds(request.id, attempt.attemptNo).customer;
  let leg: CallLeg | null = null;
  let handedOver = false;
  const close = async (outcome: AttemptOutcome, status: 'failed' | 'cancelled' | null) => {
    const r = leg ? resultOf(leg, outcome) : { answeredAt: null, dialStatus: null, hangupCause: null };
    await deps.attempts.close(attempt.id, { outcome, endedAt: deps.clock.now(), answeredAt: r.answeredAt, dialStatus: r.dialStatus, hangupCause: r.hangupCause });
    if (status) {
      await deps.requests.transition(request.id, ['dialling'], { status, outcome, attempts: 1, context: { ...request.context, progress: 'ended' } }, {
        actor: 'dialer',
        action: 'click-to-call.ended',
        entityType: 'help_request',
        entityId: request.id,
        details: { outcome, dialStatus: r.dialStatus, hangupCause: r.hangupCause },
      });
    }
    log.info({ outcome }, 'ring-me-now attempt ended');
  };
  try {
    lease.start();
    await deps.attempts.update(attempt.id, { channelId });
    leg = await CallLeg.originate(deps.callControl, deps.clock, {
      channelId,
      endpoint,
      appArgs: ['click-to-call', request.id],
      callerId: settings.callerId,
      timeoutSeconds: settings.ringTimeoutSeconds,
      variables: { CC_REQUEST_ID: request.id },
    });
    const answered = await awaitAnswer(abort.signal, leg, settings.ringTimeoutSeconds);
    if (answered !== 'answered') {
      if (answered === 'aborted') await leg.abandon('cancelled');
      const outcome = resultOf(leg, 'failed').outcome;
      await close(outcome, outcome === 'cancelled' ? 'cancelled' : 'failed');
      return;
    }
    await progress('connected');
    const choice = await runMenu(abort.signal, leg, settings.menu);
    if (choice !== 'connect') {
      // "Another time" makes no sense for a call the customer asked for now: it ends the request too.
      const outcome = choice === 'cancel' || choice === 'later' || choice === 'aborted' ? 'cancelled' : 'unconfirmed';
      if (choice === 'no-input') await sayGoodbye(abort.signal, leg, settings.menu.goodbye['no-input']);
      else if (choice !== 'hung-up' && choice !== 'aborted') await sayGoodbye(abort.signal, leg, settings.menu.goodbye.cancel);
      await leg.hangup();
      await close(outcome, outcome === 'cancelled' ? 'cancelled' : 'failed');
      return;
    }
    lease.stop();
    await close('connected', null);
    const now = deps.clock.now();
    const queued = await deps.requests.transition(request.id, ['dialling'], { status: 'queued', attempts: 1, outcome: 'connected', dueAt: now, context: { ...request.context, progress: 'in-queue' } });
    if (!queued) return;
    // From here the ACD owns the channel (hold, announcements, distribution to an agent).
    leg.dispose();
    handedOver = true;
    const result = await deps.admission.admit({ channelId, requestId: request.id, queue: request.queue, priority: request.priority, callerNumber: request.phone ?? '', arrivalAt: now });
    await deps.requests.transition(request.id, REQUEST_STATUSES, {
      context: { ...request.context, progress: result === 'connected' ? 'with-agent' : 'ended', holdResult: result },
    });
  } finally {
    lease.stop();
    if (leg && !handedOver) {
      await leg.hangup();
      leg.dispose();
    }
  }
}
