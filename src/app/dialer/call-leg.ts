import { LegTracker, type AttemptOutcome } from '../../domain/call-outcome';
import { CallControlError, CallControlUnavailableError, ChannelGoneError, PlaybackGoneError } from '../../domain/errors';
import type { CallControl, CallEvent, OriginateRequest } from '../../ports/call-control';
import type { Clock } from '../../ports/clock';

export type AnswerWait = 'answered' | 'ended' | 'timeout' | 'aborted';

/**
 * One originated leg: registered with `watch` before the originate, so no event can arrive
 * before its handler. Follows the leg with a LegTracker and offers what the flows need: wait for
 * answer, collect digits, play and wait, hang up. Never leaves a listener behind (`dispose`).
 */
export class CallLeg {
  readonly tracker: LegTracker;
  answeredAt: Date | null = null;
  private readonly unwatch: () => void;
  private readonly digits: string[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly finishedPlaybacks = new Set<string>();
  private playbackSeq = 0;

  private constructor(
    private readonly cc: CallControl,
    private readonly clock: Clock,
    readonly channelId: string,
    readonly endpoint: string,
  ) {
    this.tracker = new LegTracker(channelId);
    this.unwatch = cc.watch(channelId, (e) => this.onEvent(e));
  }

  /** Watches, then originates. An originate Asterisk refuses ends the leg at once with an outcome. */
  static async originate(cc: CallControl, clock: Clock, request: OriginateRequest): Promise<CallLeg> {
    const leg = new CallLeg(cc, clock, request.channelId, request.endpoint);
    try {
      await cc.originate(request);
    } catch (err) {
      if (!(err instanceof CallControlError)) {
        leg.dispose();
        throw err;
      }
      leg.tracker.endLocally(outcomeOfOriginateError(err));
      leg.wake();
    }
    return leg;
  }

  get ended(): boolean {
    return this.tracker.state.phase === 'ended';
  }

  get answered(): boolean {
    return this.answeredAt !== null;
  }

  /** Waits for StasisStart (answered) or the end of the leg, at most `timeoutMs`. */
  async waitAnswered(timeoutMs: number, signal: AbortSignal): Promise<AnswerWait> {
    const r = await this.waitFor(() => this.answered || this.ended, timeoutMs, signal);
    if (r === 'timeout' || r === 'aborted') return r;
    return this.answered ? 'answered' : 'ended';
  }

  /** Waits until the leg is gone (or the signal aborts). */
  async waitEnded(signal: AbortSignal, timeoutMs = 24 * 3600_000): Promise<void> {
    await this.waitFor(() => this.ended, timeoutMs, signal);
  }

  /** The next digit keyed (typed ahead or during a prompt), or null on timeout / hang-up / abort. */
  async nextDigit(timeoutMs: number, signal: AbortSignal): Promise<string | null> {
    const r = await this.waitFor(() => this.digits.length > 0 || this.ended, timeoutMs, signal);
    if (r !== 'ok' || this.digits.length === 0) return null;
    return this.digits.shift()!;
  }

  /**
   * Plays media and waits until it finished, a digit was keyed (barge-in: the playback is
   * stopped), or the leg ended. Returns the digit if one was keyed.
   */
  async playAndListen(media: string[], signal: AbortSignal, bargeIn = true): Promise<string | null> {
    if (media.length === 0 || this.ended) return bargeIn ? (this.digits.shift() ?? null) : null;
    const playbackId = `${this.channelId}-pb${++this.playbackSeq}`;
    const unwatch = this.cc.watch(playbackId, (e) => {
      if (e.type === 'PlaybackFinished') {
        this.finishedPlaybacks.add(playbackId);
        this.wake();
      }
    });
    try {
      await this.cc.play(this.channelId, media, playbackId);
      await this.waitFor(() => this.finishedPlaybacks.has(playbackId) || this.ended || (bargeIn && this.digits.length > 0), 10 * 60_000, signal);
      if (!this.finishedPlaybacks.has(playbackId) && !this.ended) await ignoreGone(this.cc.stopPlayback(playbackId));
    } catch (err) {
      if (!(err instanceof ChannelGoneError || err instanceof PlaybackGoneError)) throw err;
    } finally {
      unwatch();
      this.finishedPlaybacks.delete(playbackId);
    }
    return bargeIn ? (this.digits.shift() ?? null) : null;
  }

  async hangup(): Promise<void> {
    if (this.ended) return;
    await ignoreGone(this.cc.hangup(this.channelId, 'normal'));
  }

  /** Ends the leg from our side with an outcome (ring timeout enforced by us, cancellation). */
  async abandon(outcome: AttemptOutcome): Promise<void> {
    const wasEnded = this.ended;
    this.tracker.endLocally(outcome);
    this.wake();
    if (!wasEnded) await ignoreGone(this.cc.hangup(this.channelId, 'normal'));
  }

  dispose(): void {
    this.unwatch();
    this.wake();
  }

  private onEvent(e: CallEvent): void {
    if (e.type === 'StasisStart' && e.channel.id === this.channelId && !this.answeredAt) this.answeredAt = this.clock.now();
    if (e.type === 'ChannelDtmfReceived' && e.channelId === this.channelId) this.digits.push(e.digit);
    this.tracker.feed(e);
    this.wake();
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }

  private waitFor(done: () => boolean, timeoutMs: number, signal: AbortSignal): Promise<'ok' | 'timeout' | 'aborted'> {
    if (done()) return Promise.resolve('ok');
    if (signal.aborted) return Promise.resolve('aborted');
    return new Promise((resolve) => {
      const finish = (r: 'ok' | 'timeout' | 'aborted') => {
        this.waiters.delete(check);
        this.clock.clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        resolve(r);
      };
      const check = () => done() && finish('ok');
      const onAbort = () => finish('aborted');
      const timer = this.clock.setTimeout(() => finish(done() ? 'ok' : 'timeout'), timeoutMs);
      this.waiters.add(check);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}

/** What an originate refused by Asterisk means for the attempt. */
export function outcomeOfOriginateError(err: CallControlError): AttemptOutcome {
  // Asterisk unreachable: nothing was dialled, so nothing is held against the customer.
  if (err instanceof CallControlUnavailableError) return 'interrupted';
  // Refused endpoint (400) or no channel to be had (500 Allocation failed), and anything else.
  return 'failed';
}

/** Awaits a clean-up command; a resource already gone (or Asterisk unreachable) is not an error then. */
export async function ignoreGone(p: Promise<unknown>): Promise<void> {
  try {
    await p;
  } catch (err) {
    if (err instanceof CallControlError) return;
    throw err;
  }
}
