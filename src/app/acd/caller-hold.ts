import type { ServiceQueue } from '../../domain/center-config';
import { holdAnnouncement } from '../../domain/hold-announcement';
import { estimateWaitSeconds } from '../../domain/wait-estimate';
import type { TimerHandle } from '../../ports/clock';
import type { Logger } from '../../ports/logger';
import { CallerGoneError, type ChannelIo } from './channel-io';
import type { HoldingCaller } from './holding-callers';
import { secondsBetween, type InboundDeps } from './inbound-deps';
import { keepMyPlace } from './keep-my-place';

export type HoldResult = 'connected' | 'callback' | 'abandoned';

/**
 * A caller waiting for an agent: a `caller` entry in the combined list, music on hold, an
 * announcement of position and anticipated wait every `announceEverySeconds`, and the offer of a
 * callback after `maxWaitSeconds` or whenever the caller presses the callback key. Ends when an
 * agent answers (the connector takes the channel over), when the caller chooses a callback, or
 * when the caller hangs up (recorded as abandoned, with wait and position).
 */
export class CallerHold implements HoldingCaller {
  offering = false;
  private handedOver = false;
  private wakeHandOver: () => void = () => undefined;
  private readonly handedOverSignal = new Promise<void>((resolve) => (this.wakeHandOver = resolve));
  private readonly log: Logger;

  constructor(
    private readonly deps: InboundDeps,
    readonly io: ChannelIo,
    private readonly q: ServiceQueue,
    readonly requestId: string,
    readonly callerNumber: string,
    readonly callId: string,
    readonly enteredAt: Date,
    private readonly priority: number,
    private readonly ivrChoices: string[],
  ) {
    this.log = deps.log.child({ requestId, queue: q.id, channelId: io.channelId });
  }

  get queue(): string {
    return this.q.id;
  }

  async handOver(agentId: string): Promise<void> {
    this.handedOver = true;
    this.wakeHandOver();
    this.deps.callers.delete(this.requestId);
    this.log.info({ agentId }, 'caller handed over to agent');
    await this.io.stopPlayback();
    await this.deps.cc.stopMoh(this.io.channelId).catch(() => undefined);
  }

  /** Runs the hold until it ends. The request and its `caller` entry exist already. */
  async run(): Promise<HoldResult> {
    const { clock, cc } = this.deps;
    let nextAnnouncement = this.enteredAt.getTime() + this.q.announceEverySeconds * 1000;
    const offerAt = this.q.maxWaitSeconds > 0 ? this.enteredAt.getTime() + this.q.maxWaitSeconds * 1000 : Infinity;
    let offered = false;
    try {
      if (this.handedOver) return 'connected';
      await this.io.run(() => cc.startMoh(this.io.channelId, this.q.mohClass));
      for (;;) {
        if (this.handedOver) return 'connected';
        const now = clock.now().getTime();
        const due = Math.min(nextAnnouncement, offered ? Infinity : offerAt);
        await this.waitFor(Math.max(0, due - now));
        if (this.handedOver) return 'connected';
        const key = this.io.takeDigit();
        const t = clock.now().getTime();
        if (this.offering) {
          if (t >= nextAnnouncement) nextAnnouncement = t + this.q.announceEverySeconds * 1000;
          continue;
        }
        const wantsCallback = key === this.q.callbackDigit || (!offered && t >= offerAt);
        if (wantsCallback) {
          offered = true;
          if (await this.offerCallback(key === this.q.callbackDigit)) return 'callback';
          nextAnnouncement = clock.now().getTime() + this.q.announceEverySeconds * 1000;
        } else if (t >= nextAnnouncement) {
          await this.announce();
          nextAnnouncement = clock.now().getTime() + this.q.announceEverySeconds * 1000;
        }
      }
    } catch (err) {
      if (!(err instanceof CallerGoneError)) throw err;
      if (this.handedOver) return 'connected';
      await this.abandoned();
      return 'abandoned';
    }
  }

  private async waitFor(ms: number): Promise<void> {
    let handle: TimerHandle | undefined;
    const timer = new Promise<void>((resolve) => (handle = this.deps.clock.setTimeout(resolve, ms)));
    try {
      await this.io.untilHangup(Promise.race([timer, this.io.nextDigit(), this.handedOverSignal]));
    } finally {
      if (handle) this.deps.clock.clearTimeout(handle);
    }
  }

  /** Plays with the music stopped, then starts the music again unless an agent took the call meanwhile. */
  private async withoutMusic<T>(fn: () => Promise<T>): Promise<T> {
    const { cc } = this.deps;
    await this.io.run(() => cc.stopMoh(this.io.channelId));
    try {
      return await fn();
    } finally {
      if (!this.handedOver && !this.io.isGone) await cc.startMoh(this.io.channelId, this.q.mohClass).catch(() => undefined);
    }
  }

  private async announce(): Promise<void> {
    const { queue, center, agentsFor } = this.deps;
    const position = await queue.position(this.requestId, this.q.id);
    const wait = estimateWaitSeconds({ position, handleSeconds: this.q.handleSeconds, agentsLoggedIn: agentsFor(this.q.id) });
    const media = holdAnnouncement(center.prompts, position, wait, true);
    await this.withoutMusic(() => this.io.play(media, false));
  }

  /** Offers "call me back instead"; true when the caller took it (the call is then over). */
  private async offerCallback(asked: boolean): Promise<boolean> {
    return this.withoutMusic(async () => {
      if (!asked) {
        this.io.clearDigits();
        await this.io.play(this.deps.center.prompts.offerCallback);
        const key = await this.io.collect(5000);
        if (key !== this.q.callbackDigit) return false;
      }
      const id = await keepMyPlace(
        this.deps,
        this.io,
        { queue: this.q.id, priority: this.priority, arrivalAt: this.enteredAt, callerNumber: this.callerNumber, ivrChoices: this.ivrChoices, callId: this.callId, holdingRequestId: this.requestId },
        () => !this.handedOver && !this.offering,
      );
      return id !== null;
    });
  }

  private async abandoned(): Promise<void> {
    const { queue, requests, records, callers, clock } = this.deps;
    const now = clock.now();
    const position = await queue.position(this.requestId, this.q.id).catch(() => null);
    await queue.remove(this.requestId, this.q.id).catch((err: unknown) => this.log.error({ err }, 'removing an abandoned entry failed'));
    callers.delete(this.requestId);
    await requests.transition(this.requestId, ['queued', 'reserved'], { status: 'cancelled', outcome: 'abandoned' });
    const waitSeconds = secondsBetween(this.enteredAt, now);
    await records.queueLeft(this.requestId, { outcome: 'abandoned', leftAt: now, waitSeconds, position });
    await records.callUpdated(this.callId, { endedAt: now, endReason: 'abandoned' });
    this.log.info({ waitSeconds, position }, 'caller abandoned');
  }
}
