import { INTERRUPTED_RETRY_SECONDS } from '../../domain/retry-policy';
import type { AttemptRepository, ContactAttempt } from '../../ports/attempt-repository';
import type { CallControl } from '../../ports/call-control';
import type { Clock } from '../../ports/clock';
import type { ContactQueue } from '../../ports/contact-queue';
import type { HelpRequestRepository } from '../../ports/help-request-repository';
import type { Logger } from '../../ports/logger';
import { ignoreGone } from './call-leg';
import type { QueueDialling } from './callback-dialer';
import { legIds } from './flow-context';
import { retryDueAt } from './settle-attempt';

export interface InterruptedAttemptsDeps {
  attempts: AttemptRepository;
  requests: Pick<HelpRequestRepository, 'findById' | 'transition' | 'findByStatus'>;
  contactQueue: ContactQueue;
  callControl: CallControl;
  clock: Clock;
  logger: Logger;
  queueDialling(queue: string): QueueDialling;
  /** This process: its own open attempts at start-up are from a previous life. */
  owner: string;
}

/**
 * Finds attempts left open by a controller that died mid-dial (its lease ran out, or it is this
 * process's own previous life), records them as interrupted, hangs up whatever is left of their
 * legs, and puts each request back in the combined list for one clean retry, its place kept.
 * Safe to run in several processes at once: closing an attempt is conditional, so each
 * interrupted attempt is recovered exactly once.
 */
export async function recoverInterruptedAttempts(deps: InterruptedAttemptsDeps, opts: { includeOwn: boolean }): Promise<number> {
  const now = deps.clock.now();
  const found = new Map<string, ContactAttempt>();
  for (const a of await deps.attempts.findExpired(now, 200)) found.set(a.id, a);
  if (opts.includeOwn) for (const a of await deps.attempts.findOpenByOwner(deps.owner)) found.set(a.id, a);
  let recovered = 0;
  for (const attempt of found.values()) {
    if (await recoverOne(deps, attempt)) recovered++;
  }
  return recovered;
}

/**
 * Requests left 'reserved' by a controller that died between reserving an agent and claiming the
 * callback (no attempt was opened): after `staleMs` they go back into the list, never dialled.
 */
export async function releaseStaleReservations(deps: InterruptedAttemptsDeps, staleMs: number): Promise<number> {
  const cutoff = deps.clock.now().getTime() - staleMs;
  let released = 0;
  for (const request of await deps.requests.findByStatus(['reserved'], undefined, 200)) {
    if (request.updatedAt.getTime() > cutoff) continue;
    const open = (await deps.attempts.listForRequest(request.id)).some((a) => a.endedAt === null);
    if (open) continue;
    const updated = await deps.requests.transition(request.id, ['reserved'], { status: 'queued' }, {
      actor: 'dialer',
      action: 'callback.reservation-released',
      entityType: 'help_request',
      entityId: request.id,
    });
    if (!updated) continue;
    await deps.contactQueue.remove(request.id, request.queue);
    await deps.contactQueue.add({ requestId: request.id, queue: request.queue, kind: 'callback', priority: request.priority, arrivalAt: request.arrivalAt, dueAt: request.dueAt });
    released++;
  }
  return released;
}

async function recoverOne(deps: InterruptedAttemptsDeps, attempt: ContactAttempt): Promise<boolean> {
  const now = deps.clock.now();
  const log = deps.logger.child({ requestId: attempt.requestId, attemptNo: attempt.attemptNo, previousOwner: attempt.owner });
  if (!(await deps.attempts.close(attempt.id, { outcome: 'interrupted', endedAt: now }))) return false;
  const ids = legIds(attempt.requestId, attempt.attemptNo);
  // A real Asterisk keeps ringing an originated leg after its controller died: stop it before the retry.
  if (deps.callControl.isConnected()) {
    for (const id of new Set([ids.customer, ids.agent, attempt.channelId].filter((x): x is string => !!x))) await ignoreGone(deps.callControl.hangup(id));
  }
  const request = await deps.requests.findById(attempt.requestId);
  if (!request || (request.status !== 'dialling' && request.status !== 'connected')) {
    log.info({ status: request?.status }, 'interrupted attempt recorded; request needs no retry');
    return true;
  }
  const { callback } = deps.queueDialling(request.queue);
  const dueAt = retryDueAt(request, callback, now, INTERRUPTED_RETRY_SECONDS);
  const updated = await deps.requests.transition(
    request.id,
    ['dialling', 'connected'],
    { status: 'scheduled', dueAt, outcome: 'interrupted', context: { ...request.context, progress: 'ended', lastOutcome: 'interrupted' } },
    { actor: 'dialer', action: 'callback.interrupted', entityType: 'help_request', entityId: request.id, details: { attemptNo: attempt.attemptNo, previousOwner: attempt.owner } },
  );
  if (!updated) return true;
  // The entry may still be held by the dead dispatcher: remove it in whatever state, then add it back with its arrival time.
  await deps.contactQueue.remove(request.id, request.queue);
  await deps.contactQueue.add({ requestId: request.id, queue: request.queue, kind: 'callback', priority: request.priority, arrivalAt: request.arrivalAt, dueAt });
  log.warn({ dueAt }, 'interrupted attempt recorded; one clean retry scheduled');
  return true;
}
