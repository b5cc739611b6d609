import { DomainError } from '../../domain/errors';
import type { ChannelIo } from './channel-io';
import type { InboundDeps } from './inbound-deps';
import { callerRequest } from './caller-request';

export interface KeepMyPlaceInput {
  queue: string;
  priority: number;
  /** The caller's place in line: when they first called. */
  arrivalAt: Date;
  callerNumber: string;
  ivrChoices: string[];
  callId: string;
  /** The inbound request being converted, when the caller was holding. */
  holdingRequestId?: string;
}

/**
 * "Call me back instead": the caller confirms their caller ID or keys another number (checked
 * like the web form), and a callback request with the caller's original arrival time joins the
 * combined list, so it keeps the caller's place ahead of later arrivals. Returns the callback's
 * request id, or null when the caller did not give a callable number (they keep holding).
 * `stillWanted` is asked between steps: an agent may pick the call up meanwhile.
 */
export async function keepMyPlace(deps: InboundDeps, io: ChannelIo, input: KeepMyPlaceInput, stillWanted: () => boolean = () => true): Promise<string | null> {
  const phone = await askNumber(deps, io, input.callerNumber, stillWanted);
  if (!phone || !stillWanted()) return null;
  const now = deps.clock.now();
  const { request, created } = await deps.requests.create(
    callerRequest({
      id: deps.newRequestId(),
      channel: 'ivr',
      queue: input.queue,
      phone,
      priority: input.priority,
      arrivalAt: input.arrivalAt,
      dueAt: now,
      context: { ivrChoices: input.ivrChoices, callerId: input.callerNumber, callId: input.callId, convertedFrom: input.holdingRequestId ?? null },
    }),
    { actor: `ivr:${input.callId}`, action: 'callback-requested', entityType: 'help_request', entityId: input.holdingRequestId ?? input.callId },
  );
  if (created) {
    await deps.queue.add({ requestId: request.id, queue: request.queue, kind: 'callback', priority: request.priority, arrivalAt: request.arrivalAt, dueAt: now });
    await deps.requests.markEnqueued(request.id);
  }
  if (input.holdingRequestId) {
    const position = await deps.queue.position(input.holdingRequestId, input.queue).catch(() => null);
    await deps.queue.remove(input.holdingRequestId, input.queue);
    deps.callers.delete(input.holdingRequestId);
    await deps.requests.transition(input.holdingRequestId, ['queued', 'reserved'], { status: 'cancelled', outcome: 'converted-to-callback' });
    await deps.records.queueLeft(input.holdingRequestId, { outcome: 'callback', leftAt: now, waitSeconds: Math.round((now.getTime() - input.arrivalAt.getTime()) / 1000), position });
  }
  deps.log.info({ requestId: request.id, created, from: input.holdingRequestId }, 'caller chose a callback; place kept');
  deps.dispatcher.kick();
  await io.play(deps.center.prompts.callbackBooked, false).catch(() => undefined);
  await io.hangup();
  return request.id;
}

async function askNumber(deps: InboundDeps, io: ChannelIo, callerNumber: string, stillWanted: () => boolean): Promise<string | null> {
  const p = deps.center.prompts;
  const callerE164 = tryPhone(deps, callerNumber);
  if (callerE164) {
    for (let tries = 0; tries < 3 && stillWanted(); tries++) {
      io.clearDigits();
      await io.play([...p.confirmNumber, `digits:${callerE164.replace(/^\+/, '')}`, ...p.confirmOrEnter]);
      const key = await io.collect(6000);
      if (key === '1') return callerE164;
      if (key === '2') break;
    }
  }
  for (let tries = 0; tries < 3 && stillWanted(); tries++) {
    io.clearDigits();
    await io.play(p.enterNumber);
    const typed = await io.collect(8000, 16, '#');
    if (!typed) continue;
    const e164 = tryPhone(deps, typed);
    if (e164) return e164;
    await io.play(p.invalidNumber, false);
  }
  return null;
}

function tryPhone(deps: InboundDeps, input: string): string | null {
  if (!input) return null;
  try {
    return deps.destinations.checkPhone(input, 'phone').e164;
  } catch (err) {
    if (err instanceof DomainError) return null;
    throw err;
  }
}
