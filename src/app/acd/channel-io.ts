import { randomUUID } from 'node:crypto';
import { CallControlError, ChannelGoneError } from '../../domain/errors';
import type { CallControl, CallEvent, RecordRequest } from '../../ports/call-control';
import type { Clock, TimerHandle } from '../../ports/clock';

/** The caller hung up (or the channel vanished) while the flow was waiting on it. */
export class CallerGoneError extends Error {
  constructor(public readonly channelId: string) {
    super(`channel ${channelId} hung up`);
    this.name = 'CallerGoneError';
  }
}

/**
 * Plays, collects keys and records on one channel, and turns a hang-up into CallerGoneError for
 * whatever the flow is waiting on. Keys pressed during a prompt interrupt it and are kept for the
 * next `collect`. Playbacks and recordings get ids chosen here and are watched before they start.
 */
export class ChannelIo {
  private readonly digits: string[] = [];
  private readonly digitWaiters = new Set<() => void>();
  private goneWaiters = new Set<(err: CallerGoneError) => void>();
  private gone = false;
  private readonly hangupHandlers = new Set<() => void>();
  private readonly unwatch: () => void;
  private currentPlayback: string | null = null;

  constructor(
    private readonly cc: CallControl,
    readonly channelId: string,
    private readonly clock: Clock,
  ) {
    this.unwatch = cc.watch(channelId, (e) => this.onEvent(e));
  }

  get isGone(): boolean {
    return this.gone;
  }

  /** Called once when the channel hangs up. */
  onHangup(handler: () => void): () => void {
    if (this.gone) handler();
    else this.hangupHandlers.add(handler);
    return () => this.hangupHandlers.delete(handler);
  }

  /** Throws CallerGoneError if the channel is gone. */
  check(): void {
    if (this.gone) throw new CallerGoneError(this.channelId);
  }

  /** Runs a call-control command; a vanished channel becomes CallerGoneError. */
  async run<T>(op: () => Promise<T>): Promise<T> {
    this.check();
    try {
      return await op();
    } catch (err) {
      if (err instanceof CallControlError && (this.gone || err instanceof ChannelGoneError)) {
        this.markGone();
        throw new CallerGoneError(this.channelId);
      }
      throw err;
    }
  }

  /** Plays media to the end; with `interruptible`, a key stops it. Resolves with whether a key interrupted. */
  async play(media: string[], interruptible = true): Promise<boolean> {
    if (media.length === 0) return false;
    if (interruptible && this.digits.length > 0) return true;
    const playbackId = `pb-${randomUUID()}`;
    let finished!: () => void;
    const done = new Promise<void>((resolve) => (finished = resolve));
    const off = this.cc.watch(playbackId, (e) => {
      if (e.type === 'PlaybackFinished') finished();
    });
    this.currentPlayback = playbackId;
    try {
      await this.run(() => this.cc.play(this.channelId, media, playbackId));
      const interrupted = await this.race(done.then(() => false), interruptible ? this.nextDigit().then(() => true) : null);
      if (interrupted) await this.cc.stopPlayback(playbackId).catch(() => undefined);
      return interrupted;
    } finally {
      off();
      if (this.currentPlayback === playbackId) this.currentPlayback = null;
    }
  }

  /**
   * Collects keys: up to `max`, ending early on `terminator`; gives up `timeoutMs` after the last
   * key (or after the start). Returns what was collected ('' on timeout), terminator excluded.
   */
  async collect(timeoutMs: number, max = 1, terminator?: string): Promise<string> {
    let got = '';
    for (;;) {
      const key = this.digits.shift() ?? (await this.waitDigit(timeoutMs));
      if (key === null) return got;
      if (terminator !== undefined && key === terminator) return got;
      got += key;
      if (got.length >= max) return got;
    }
  }

  /** Forgets keys pressed so far. */
  clearDigits(): void {
    this.digits.length = 0;
  }

  /** A pending key, without waiting. */
  takeDigit(): string | undefined {
    return this.digits.shift();
  }

  /** Resolves when a key arrives (without consuming it). */
  nextDigit(): Promise<void> {
    if (this.digits.length > 0) return Promise.resolve();
    return new Promise<void>((resolve) => this.digitWaiters.add(resolve));
  }

  /**
   * Records until `#`, silence or the maximum length. Hanging up also ends a recording (the usual
   * way to finish a voice message), so this waits for RecordingFinished up to `graceMs` after a
   * hang-up instead of failing.
   */
  async record(request: RecordRequest, graceMs = 5000): Promise<{ name: string; durationSeconds: number | null; state: string }> {
    let settle!: (r: { durationSeconds: number | null; state: string }) => void;
    const finished = new Promise<{ durationSeconds: number | null; state: string }>((resolve) => (settle = resolve));
    const off = this.cc.watch(request.name, (e) => {
      if (e.type === 'RecordingFinished') settle({ durationSeconds: e.durationSeconds ?? null, state: e.state });
      if (e.type === 'RecordingFailed') settle({ durationSeconds: null, state: 'failed' });
    });
    let grace: TimerHandle | undefined;
    const offHangup = this.onHangup(() => (grace = this.clock.setTimeout(() => settle({ durationSeconds: null, state: 'hangup' }), graceMs)));
    try {
      await this.run(() => this.cc.record(this.channelId, request));
      const r = await finished;
      this.clearDigits();
      return { name: request.name, ...r };
    } finally {
      off();
      offHangup();
      if (grace) this.clock.clearTimeout(grace);
    }
  }

  /** Waits `ms` (or until hang-up). */
  async sleep(ms: number): Promise<void> {
    let handle: TimerHandle | undefined;
    try {
      await this.race(new Promise<void>((resolve) => (handle = this.clock.setTimeout(resolve, ms))), null);
    } finally {
      if (handle) this.clock.clearTimeout(handle);
    }
  }

  async hangup(): Promise<void> {
    if (this.gone) return;
    await this.cc.hangup(this.channelId).catch(() => undefined);
  }

  dispose(): void {
    this.unwatch();
    this.hangupHandlers.clear();
  }

  private waitDigit(timeoutMs: number): Promise<string | null> {
    return this.race(
      new Promise<string | null>((resolve) => {
        const waiter = () => {
          this.clock.clearTimeout(handle);
          resolve(this.digits.shift() ?? null);
        };
        const handle = this.clock.setTimeout(() => {
          this.digitWaiters.delete(waiter);
          resolve(null);
        }, timeoutMs);
        this.digitWaiters.add(waiter);
      }),
      null,
    );
  }

  /** Waits for `p`, or rejects with CallerGoneError when the channel hangs up first. */
  untilHangup<T>(p: Promise<T>): Promise<T> {
    return this.race(p, null);
  }

  /** Stops the prompt playing now, if any. */
  async stopPlayback(): Promise<void> {
    const id = this.currentPlayback;
    if (id) await this.cc.stopPlayback(id).catch(() => undefined);
  }

  /** Races a promise (and an optional second one) against the hang-up of the channel. */
  private race<T>(p: Promise<T>, q: Promise<T> | null): Promise<T> {
    if (this.gone) return Promise.reject(new CallerGoneError(this.channelId));
    let reject!: (err: CallerGoneError) => void;
    const gone = new Promise<never>((_, rej) => (reject = rej));
    this.goneWaiters.add(reject);
    return Promise.race(q ? [p, q, gone] : [p, gone]).finally(() => this.goneWaiters.delete(reject));
  }

  private onEvent(e: CallEvent): void {
    if (e.type === 'ChannelDtmfReceived') {
      this.digits.push(e.digit);
      const waiters = [...this.digitWaiters];
      this.digitWaiters.clear();
      for (const w of waiters) w();
    } else if (e.type === 'ChannelHangupRequest' || e.type === 'StasisEnd' || e.type === 'ChannelDestroyed') {
      this.markGone();
    }
  }

  private markGone(): void {
    if (this.gone) return;
    this.gone = true;
    const err = new CallerGoneError(this.channelId);
    for (const w of this.goneWaiters) w(err);
    this.goneWaiters.clear();
    for (const h of this.hangupHandlers) h();
    this.hangupHandlers.clear();
  }
}
