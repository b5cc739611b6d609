import type { AttemptOutcome } from '../../domain/call-outcome';
import type { CallbackSettings } from '../../domain/dialling-settings';
import { REQUEST_STATUSES, type HelpRequest } from '../../domain/help-request';
import type { AttemptRepository, ContactAttempt } from '../../ports/attempt-repository';
import type { CallControl } from '../../ports/call-control';
import type { Clock } from '../../ports/clock';
import type { ContactQueue } from '../../ports/contact-queue';
import type { HelpRequestRepository } from '../../ports/help-request-repository';
import type { Logger } from '../../ports/logger';
import { AttemptLease } from './attempt-lease';
import { CallLeg } from './call-leg';
import type { CallerAdmission } from './caller-admission';
import { legIds, resultOf, type CallbackProgress } from './flow-context';
import { awaitAnswer, runMenu, sayGoodbye } from './flow-steps';
import { retryDueAt } from './settle-attempt';

export interface ClickToCallFlowDeps {
  callControl: CallControl;
  requests: Pick<HelpRequestRepository, 'findById' | 'transition'>;
  attempts: AttemptRepository;
  clock: Clock;
  logger: Logger;
  admission: CallerAdmission;
  /** The combined list, for a customer who asks to be called another time. */
  list: Pick<ContactQueue, 'add'>;
  owner: string;
}

/**
 * The call of a "ring me now" request: ring the customer, ask them to press 1, then hand the
 * channel to the ACD as a caller in line. Not retried: the customer is at their screen and can
 * press the button again. A customer who presses 2 ("another time", as the menu offers) gets a
 * callback: the request joins the combined list, due after the queue's delay for a rescheduled
 * call and inside the calling window.
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
  const callBackLater = async () => {
    await close('rescheduled', null);
    const dueAt = retryDueAt(request, settings, deps.clock.now(), settings.retry.rescheduled.delaySeconds);
    const scheduled = await deps.requests.transition(request.id, ['dialling'], { status: 'scheduled', dueAt, attempts: 1, outcome: 'rescheduled', context: { ...request.context, progress: 'rescheduled' } }, {
      actor: 'dialer',
      action: 'click-to-call.rescheduled',
      entityType: 'help_request',
      entityId: request.id,
      details: { dueAt: dueAt.toISOString() },
    });
    if (!scheduled) return;
    log.info({ dueAt }, 'ring-me-now customer asked to be called another time; callback scheduled');
    await deps.list.add({ requestId: request.id, queue: request.queue, kind: 'callback', priority: request.priority, arrivalAt: request.arrivalAt, dueAt }).catch((err: unknown) => {
      // Stored as scheduled: the list reconcile at the next start puts it on the list.
      log.warn({ err }, 'rescheduled ring-me-now request not listed yet');
    });
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
    if (choice === 'later') {
      await sayGoodbye(abort.signal, leg, settings.menu.goodbye.later);
      await leg.hangup();
      await callBackLater();
      return;
    }
    if (choice !== 'connect') {
      const outcome = choice === 'cancel' || choice === 'aborted' ? 'cancelled' : 'unconfirmed';
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
