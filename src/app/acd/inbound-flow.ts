import { menuIdForDid } from '../../domain/center-config';
import { INITIAL_MENU_STATE, nextStep, type MenuInput, type MenuStep } from '../../domain/ivr-menu';
import type { CallEvent } from '../../ports/call-control';
import { CallerHold } from './caller-hold';
import { CallerGoneError, ChannelIo } from './channel-io';
import type { InboundDeps } from './inbound-deps';
import { keepMyPlace } from './keep-my-place';
import { leaveVoiceMessage } from './voice-message';
import { callerRequest } from './caller-request';

export const INBOUND_FLOW = 'inbound';

type FinalStep = Exclude<MenuStep, { kind: 'collect' } | { kind: 'menu' }>;

/**
 * Calls from the PSTN: the dialplan runs `Stasis(app,inbound,<DID>)`. The flow answers, runs
 * the IVR menu chosen by the DID (it only plays and collects; `nextStep` decides), and then
 * puts the caller on hold in a queue, books a callback, records a voice message or hangs up.
 */
export class InboundFlow {
  private readonly active = new Set<Promise<void>>();
  private off: (() => void) | null = null;

  constructor(private readonly deps: InboundDeps) {}

  start(): void {
    this.off = this.deps.cc.onStasisStart(INBOUND_FLOW, (e) => {
      const run = this.handle(e).finally(() => this.active.delete(run));
      this.active.add(run);
    });
  }

  stop(): void {
    this.off?.();
    this.off = null;
  }

  /** Calls still in their IVR or hold (for a graceful drain and tests). */
  get activeCalls(): number {
    return this.active.size;
  }

  async drain(): Promise<void> {
    await Promise.allSettled([...this.active]);
  }

  private async handle(event: Extract<CallEvent, { type: 'StasisStart' }>): Promise<void> {
    const { cc, clock, records, center } = this.deps;
    const channel = event.channel;
    const did = event.args[1] ?? channel.exten;
    const log = this.deps.log.child({ channelId: channel.id, did });
    const io = new ChannelIo(cc, channel.id, clock);
    let keepIo = false;
    try {
      await records.callStarted({ id: channel.id, direction: 'inbound', callerNumber: channel.callerNumber || null, did: did || null, startedAt: clock.now() });
      await io.run(() => cc.answer(channel.id));
      if (center.prompts.welcome) await io.play(center.prompts.welcome);
      const choices: string[] = [];
      const step = await this.runMenus(io, menuIdForDid(center, did), choices);
      log.info({ step: step.kind, choices }, 'IVR done');
      keepIo = await this.act(io, step, channel.callerNumber, channel.id, choices);
    } catch (err) {
      if (err instanceof CallerGoneError) log.info('caller hung up');
      else {
        log.error({ err }, 'inbound call failed');
        await io.hangup();
      }
      await records.callUpdated(channel.id, { endedAt: clock.now(), endReason: err instanceof CallerGoneError ? 'caller-hangup' : 'error' }).catch(() => undefined);
    } finally {
      if (!keepIo) io.dispose();
    }
  }

  /** Runs menus (and sub-menus) until a final step. Records each key as `menu:key`. */
  private async runMenus(io: ChannelIo, menuId: string, choices: string[]): Promise<FinalStep> {
    let current = menuId;
    for (let hops = 0; hops < 50; hops++) {
      const menu = this.deps.center.menus[current]!;
      let step = nextStep(menu, INITIAL_MENU_STATE, { kind: 'start' });
      while (step.kind === 'collect') {
        io.clearDigits();
        await io.play(step.media);
        const key = await io.collect(step.timeoutSeconds * 1000);
        const input: MenuInput = key ? { kind: 'digit', digit: key } : { kind: 'timeout' };
        if (key) choices.push(`${current}:${key}`);
        step = nextStep(menu, step.state, input);
      }
      if (step.kind !== 'menu') return step;
      current = step.menu;
    }
    return { kind: 'operator' };
  }

  /** Carries out the IVR's decision; true when the channel now belongs to someone else (an agent connection). */
  private async act(io: ChannelIo, step: FinalStep, callerNumber: string, callId: string, choices: string[]): Promise<boolean> {
    const { center, dispatcher } = this.deps;
    switch (step.kind) {
      case 'queue':
      case 'operator': {
        const queueId = step.kind === 'queue' ? step.queue : center.operator.queue;
        const priority = step.kind === 'queue' ? (step.priority ?? dispatcher.queueConfig(queueId).priority) : center.operator.priority;
        return (await this.hold(io, queueId, priority, callerNumber, callId, choices)) === 'connected';
      }
      case 'callback': {
        const q = dispatcher.queueConfig(step.queue);
        const booked = await keepMyPlace(this.deps, io, { queue: q.id, priority: q.priority, arrivalAt: this.deps.clock.now(), callerNumber, ivrChoices: choices, callId });
        if (!booked) {
          await io.play(center.prompts.goodbye, false);
          await io.hangup();
        }
        return false;
      }
      case 'voicemail':
        await leaveVoiceMessage(this.deps, io, { queue: step.queue, callerNumber, callId, ivrChoices: choices });
        return false;
      case 'hangup':
        await io.play(step.media, false);
        await io.hangup();
        return false;
    }
  }

  private async hold(io: ChannelIo, queueId: string, priority: number, callerNumber: string, callId: string, choices: string[]) {
    const { requests, queue, callers, records, clock, dispatcher } = this.deps;
    const now = clock.now();
    const requestId = this.deps.newRequestId();
    const q = dispatcher.queueConfig(queueId);
    await requests.create(
      callerRequest({ id: requestId, channel: 'inbound', queue: queueId, phone: callerNumber || null, priority, arrivalAt: now, dueAt: now, context: { ivrChoices: choices, callId } }),
      { actor: `ivr:${callId}`, action: 'caller-queued', entityType: 'help_request', entityId: requestId },
    );
    const holdSession = new CallerHold(this.deps, io, q, requestId, callerNumber, callId, now, priority, choices);
    callers.add(holdSession);
    await queue.add({ requestId, queue: queueId, kind: 'caller', priority, arrivalAt: now, dueAt: now });
    await requests.markEnqueued(requestId);
    await records.callUpdated(callId, { requestId, queueId });
    await records.queueEntered({ requestId, callId, queueId, enteredAt: now });
    dispatcher.kick();
    return holdSession.run();
  }
}
