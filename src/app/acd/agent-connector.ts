import { randomUUID } from 'node:crypto';
import type { ServiceQueue } from '../../domain/center-config';
import type { CallControl, CallEvent } from '../../ports/call-control';
import type { CallRecords, OfferOutcome } from '../../ports/call-records';
import type { Clock, TimerHandle } from '../../ports/clock';
import type { ContactQueue, ListEntry } from '../../ports/contact-queue';
import type { HelpRequestRepository } from '../../ports/help-request-repository';
import type { Logger } from '../../ports/logger';
import type { AgentEventBus } from './agent-events';
import type { AgentRoster, RosterAgent } from './agent-roster';
import type { HoldingCaller } from './holding-callers';

/** The StasisStart flow name of agent legs the ACD originates. */
export const AGENT_LEG_FLOW = 'acd-agent';

export interface ConnectorHooks {
  /** Something changed that may let the dispatcher serve more contacts. */
  kick(): void;
  /** The agent's part of a contact ended: run the timed wrap-up. */
  wrapUp(agentId: string, queue: ServiceQueue, requestId: string): void;
}

/**
 * Rings an agent for a caller on hold and, on answer, bridges the two. Exactly one of answered /
 * missed / caller-gone settles each offer. A miss puts the caller's entry back in its place (the
 * arrival time is kept) and the next agent gets it; a hang-up on either side after the bridge
 * hangs up the other, removes the bridge and starts the agent's wrap-up.
 */
export class AgentConnector {
  private readonly legs = new Map<string, (e: CallEvent) => void>();

  constructor(
    private readonly cc: CallControl,
    private readonly roster: AgentRoster,
    private readonly queue: ContactQueue,
    private readonly requests: HelpRequestRepository,
    private readonly records: CallRecords,
    private readonly bus: AgentEventBus,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly hooks: ConnectorHooks,
  ) {
    // Agent legs are watched by id; the flow handler only keeps StasisStart of our legs from being treated as unknown.
    cc.onStasisStart(AGENT_LEG_FLOW, (e) => this.legs.get(e.channel.id)?.(e));
  }

  /** Rings `agent` (already reserved) for `caller`. Resolves once the originate is sent. */
  async ring(agent: RosterAgent, caller: HoldingCaller, entry: ListEntry, queue: ServiceQueue, attemptNo: number): Promise<void> {
    const agentId = agent.definition.id;
    const legId = `agent-${randomUUID()}`;
    const log = this.log.child({ agentId, requestId: caller.requestId, legId });
    let state: 'ringing' | 'answered' | 'over' = 'ringing';
    let timer: TimerHandle | null = null;
    let agentHungUp: (() => void) | null = null;
    const offWatch = this.cc.watch(legId, (e) => onLeg(e));
    this.legs.set(legId, (e) => onLeg(e));
    const offCaller = caller.io.onHangup(() => void callerGone());
    const cleanupRing = () => {
      if (timer) this.clock.clearTimeout(timer);
      timer = null;
      offCaller();
    };
    const endOffer = (outcome: OfferOutcome) => {
      this.bg(this.records.offerEnded(legId, { outcome, endedAt: this.clock.now(), ...(outcome === 'answered' ? { answeredAt: this.clock.now() } : {}) }), 'offer end');
    };

    const missed = async (outcome: OfferOutcome) => {
      if (state !== 'ringing') return;
      state = 'over';
      cleanupRing();
      this.forgetLeg(legId, offWatch);
      await this.cc.hangup(legId, 'no_answer').catch(() => undefined);
      endOffer(outcome);
      caller.offering = false;
      log.info({ outcome }, 'agent did not answer; the caller keeps their place');
      await this.queue.requeue(entry.requestId, entry.queue).catch((err: unknown) => log.error({ err }, 'requeue after a miss failed'));
      // The cooldown is set before the agent becomes available again, so this pass does not ring them at once.
      this.roster.setCooldown(agentId, new Date(this.clock.now().getTime() + queue.ringRetrySeconds * 1000));
      await this.roster.applyIfAllowed(agentId, { type: 'miss', missesBeforePause: queue.missesBeforePause });
      if (queue.ringRetrySeconds > 0) this.clock.setTimeout(() => this.hooks.kick(), queue.ringRetrySeconds * 1000);
      this.hooks.kick();
    };

    const callerGone = async () => {
      if (state !== 'ringing') return;
      state = 'over';
      cleanupRing();
      this.forgetLeg(legId, offWatch);
      await this.cc.hangup(legId).catch(() => undefined);
      endOffer('caller-gone');
      await this.roster.applyIfAllowed(agentId, { type: 'release' });
      this.hooks.kick();
    };

    const answered = async () => {
      if (state !== 'ringing') return;
      state = 'answered';
      cleanupRing();
      if (caller.io.isGone) {
        state = 'over';
        this.forgetLeg(legId, offWatch);
        await this.cc.hangup(legId).catch(() => undefined);
        endOffer('caller-gone');
        await this.roster.applyIfAllowed(agentId, { type: 'release' });
        this.hooks.kick();
        return;
      }
      endOffer('answered');
      await this.connect(agent, caller, entry, queue, legId, offWatch, log, (fn) => (agentHungUp = fn));
    };

    const onLeg = (e: CallEvent) => {
      if (e.type === 'StasisStart' || (e.type === 'Dial' && e.dialStatus === 'ANSWER')) void answered();
      else if (e.type === 'ChannelDestroyed' || e.type === 'ChannelHangupRequest') {
        if (state === 'ringing') void missed('missed');
        else if (state === 'answered') agentHungUp?.();
      } else if (e.type === 'Dial' && ['BUSY', 'NOANSWER', 'CONGESTION', 'CHANUNAVAIL'].includes(e.dialStatus)) void missed('missed');
    };

    // The agent is already held (the reservation's conditional write is stored), so the ringing
    // state is set in memory now and written beside the originate, in order after the reservation.
    const ringing = this.roster.apply(agentId, { type: 'ring' });
    ringing.catch(() => undefined);
    this.bg(this.records.offerStarted({ requestId: caller.requestId, agentId, channelId: legId, attemptNo, startedAt: this.clock.now() }), 'offer start');
    timer = this.clock.setTimeout(() => void missed('missed'), queue.ringTimeoutSeconds * 1000);
    try {
      await this.cc.originate({
        channelId: legId,
        endpoint: agent.definition.endpoint,
        appArgs: [AGENT_LEG_FLOW, caller.requestId],
        callerId: caller.callerNumber || undefined,
        timeoutSeconds: queue.ringTimeoutSeconds,
        variables: { CC_REQUEST_ID: caller.requestId, CC_QUEUE: queue.id },
      });
      log.info({ endpoint: agent.definition.endpoint }, 'ringing agent');
    } catch (err) {
      log.warn({ err }, 'agent phone could not be rung');
      await ringing.catch(() => undefined);
      await missed('failed');
      return;
    }
    try {
      await ringing;
    } catch (err) {
      log.error({ err }, 'the ringing state was not stored; the agent leg is hung up');
      await missed('failed');
    }
  }

  /** The agent answered: bridge the two and follow the call to its end. */
  private async connect(agent: RosterAgent, caller: HoldingCaller, entry: ListEntry, queue: ServiceQueue, legId: string, offWatch: () => void, log: Logger, onAgentHangup: (fn: () => void) => void): Promise<void> {
    const agentId = agent.definition.id;
    const bridgeId = `call-${caller.requestId}`;
    let ended = false;
    let leftQueue = false;
    const leaveQueue = async (now: Date) => {
      if (leftQueue) return;
      leftQueue = true;
      await this.queue.complete(entry.requestId, entry.queue).catch((err: unknown) => log.error({ err }, 'completing the list entry failed'));
      const waitSeconds = Math.round((now.getTime() - caller.enteredAt.getTime()) / 1000);
      this.bg(this.records.queueLeft(caller.requestId, { outcome: 'connected', leftAt: now, waitSeconds, position: 1, agentId }), 'queue connect');
    };
    const end = async (who: 'caller' | 'agent' | 'error') => {
      if (ended) return;
      ended = true;
      this.forgetLeg(legId, offWatch);
      offCallerHangup();
      await Promise.all([this.cc.hangup(caller.io.channelId).catch(() => undefined), this.cc.hangup(legId).catch(() => undefined)]);
      await this.cc.destroyBridge(bridgeId).catch(() => undefined);
      caller.io.dispose();
      const now = this.clock.now();
      this.bg(this.records.callUpdated(caller.callId, { endedAt: now, endReason: `${who}-hangup` }), 'call end');
      this.bg(this.requests.transition(caller.requestId, ['connected', 'queued', 'reserved'], { status: 'completed', outcome: 'served' }).then(() => undefined), 'request completed');
      log.info({ who }, 'call ended');
      // The agent answered, so a hang-up while the bridge was still being set up ends a call too:
      // the entry leaves the list and the agent goes through on-call to wrap-up, never left ringing.
      await leaveQueue(now);
      await this.roster.applyIfAllowed(agentId, { type: 'answer' });
      if (await this.roster.applyIfAllowed(agentId, { type: 'end' })) this.hooks.wrapUp(agentId, queue, caller.requestId);
    };
    onAgentHangup(() => void end('agent'));
    const offCallerHangup = caller.io.onHangup(() => void end('caller'));
    try {
      await caller.handOver(agentId);
      await this.cc.createBridge(bridgeId, 'mixing', bridgeId);
      await this.cc.addToBridge(bridgeId, [caller.io.channelId, legId]);
    } catch (err) {
      log.warn({ err }, 'bridging failed');
      await this.roster.applyIfAllowed(agentId, { type: 'answer' });
      await end('error');
      return;
    }
    if (ended) return;
    const now = this.clock.now();
    await this.roster.applyIfAllowed(agentId, { type: 'answer' });
    await leaveQueue(now);
    this.bus.publish(agentId, { type: 'connected', requestId: caller.requestId, at: now.toISOString() });
    const waitSeconds = Math.round((now.getTime() - caller.enteredAt.getTime()) / 1000);
    this.bg(this.records.callUpdated(caller.callId, { answeredAt: now, agentId }), 'call answered');
    this.bg(this.requests.transition(caller.requestId, ['queued', 'reserved'], { status: 'connected' }).then(() => undefined), 'request connected');
    log.info({ bridgeId, waitSeconds }, 'caller connected to agent');
  }

  private forgetLeg(legId: string, offWatch: () => void): void {
    offWatch();
    this.legs.delete(legId);
  }

  private bg(p: Promise<unknown>, what: string): void {
    p.catch((err: unknown) => this.log.error({ err }, `record failed: ${what}`));
  }
}
