import { DomainError } from '../../domain/errors';
import type { ChannelIo } from './channel-io';
import type { InboundDeps } from './inbound-deps';
import { callerRequest } from './caller-request';

/**
 * "Leave a message": beep, record until `#`, silence, the queue's maximum length or hang-up;
 * the recording and the caller ID become a help request of channel `voicemail` in the combined
 * list. An empty recording is discarded. Returns the request id, or null.
 */
export async function leaveVoiceMessage(
  deps: InboundDeps,
  io: ChannelIo,
  input: { queue: string; callerNumber: string; callId: string; ivrChoices: string[] },
): Promise<string | null> {
  const q = deps.dispatcher.queueConfig(input.queue);
  const requestId = deps.newRequestId();
  const name = `vm-${requestId}`;
  await io.play(deps.center.prompts.leaveMessage, false);
  const result = await io.record({ name, format: 'wav', maxDurationSeconds: q.voicemailMaxSeconds, maxSilenceSeconds: 10, beep: true, terminateOn: '#', ifExists: 'fail' });
  if (result.state === 'failed' || result.durationSeconds === 0) {
    deps.log.info({ callId: input.callId, state: result.state }, 'empty or failed voice message discarded');
    await deps.cc.deleteRecording(name).catch(() => undefined);
    await io.hangup();
    return null;
  }
  const now = deps.clock.now();
  let phone: string | null = null;
  try {
    phone = input.callerNumber ? deps.destinations.checkPhone(input.callerNumber, 'phone').e164 : null;
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
  }
  const { request } = await deps.requests.create(
    callerRequest({
      id: requestId,
      channel: 'voicemail',
      queue: q.id,
      phone,
      priority: q.priority,
      arrivalAt: now,
      dueAt: now,
      context: { recording: name, durationSeconds: result.durationSeconds, callerId: input.callerNumber, ivrChoices: input.ivrChoices, callId: input.callId },
    }),
    { actor: `ivr:${input.callId}`, action: 'voice-message', entityType: 'help_request', entityId: requestId },
  );
  await deps.queue.add({ requestId: request.id, queue: request.queue, kind: 'callback', priority: request.priority, arrivalAt: request.arrivalAt, dueAt: now });
  await deps.requests.markEnqueued(request.id);
  await deps.records.callUpdated(input.callId, { requestId: request.id, queueId: q.id, endedAt: now, endReason: 'voice-message' }).catch(() => undefined);
  deps.dispatcher.kick();
  deps.log.info({ requestId: request.id, recording: name }, 'voice message saved as a request');
  if (!io.isGone) {
    await io.play(deps.center.prompts.messageSaved, false).catch(() => undefined);
    await io.hangup();
  }
  return request.id;
}
