import { holdAnnouncement } from '../../domain/hold-announcement';
import { estimateWaitSeconds } from '../../domain/wait-estimate';
import { CallerHold, type HoldResult } from '../acd/caller-hold';
import { CallerGoneError, ChannelIo } from '../acd/channel-io';
import type { InboundDeps } from '../acd/inbound-deps';

export interface AdmittedCaller {
  channelId: string;
  requestId: string;
  queue: string;
  priority: number;
  callerNumber: string;
  /** The moment the caller joins the line (their place). */
  arrivalAt: Date;
}

/** Puts an answered channel into the ACD as an inbound caller on hold. */
export interface CallerAdmission {
  /**
   * Adds the request's `caller` entry to the combined list, tells the caller the anticipated
   * wait, and holds them until an agent takes the call, they take a callback, or they hang up.
   */
  admit(caller: AdmittedCaller): Promise<HoldResult>;
}

/**
 * The ACD's own hold (music, position and wait announcements, callback offer) for a channel the
 * dialer originated: a "ring me now" customer who confirmed is from then on an inbound caller.
 */
export class AcdCallerAdmission implements CallerAdmission {
  constructor(private readonly deps: InboundDeps) {}

  async admit(caller: AdmittedCaller): Promise<HoldResult> {
    const { queue, callers, dispatcher, records, requests, center, cc, clock } = this.deps;
    const q = dispatcher.queueConfig(caller.queue);
    const io = new ChannelIo(cc, caller.channelId, clock);
    let handedOver = false;
    try {
      await records.callStarted({ id: caller.channelId, direction: 'outbound', callerNumber: caller.callerNumber, did: null, startedAt: caller.arrivalAt });
      await records.callUpdated(caller.channelId, { requestId: caller.requestId, queueId: q.id });
      const hold = new CallerHold(this.deps, io, q, caller.requestId, caller.callerNumber, caller.channelId, caller.arrivalAt, caller.priority, []);
      callers.add(hold);
      await queue.add({ requestId: caller.requestId, queue: q.id, kind: 'caller', priority: caller.priority, arrivalAt: caller.arrivalAt, dueAt: caller.arrivalAt });
      await requests.markEnqueued(caller.requestId);
      await records.queueEntered({ requestId: caller.requestId, callId: caller.channelId, queueId: q.id, enteredAt: caller.arrivalAt });
      const position = await queue.position(caller.requestId, q.id);
      const wait = estimateWaitSeconds({ position, handleSeconds: q.handleSeconds, agentsLoggedIn: this.deps.agentsFor(q.id) });
      dispatcher.kick();
      await io.play(holdAnnouncement(center.prompts, position, wait, false), false).catch((err: unknown) => {
        if (!(err instanceof CallerGoneError)) throw err;
      });
      const result = await hold.run();
      handedOver = result === 'connected';
      return result;
    } finally {
      if (!handedOver) io.dispose();
    }
  }
}
