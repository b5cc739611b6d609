import { AriError } from './ari-error';
import { planMedia } from './media-durations';
import type { PlaybackOps, SimCore } from './sim-core';
import type { SimBridge } from './sim-bridge';
import type { SimChannel } from './sim-channel';
import type { SimPlaybackView } from './types';

type Target = { kind: 'channel'; channel: SimChannel } | { kind: 'bridge'; bridge: SimBridge };

interface Playback {
  id: string;
  media: string[];
  index: number;
  targetUri: string;
  target: Target;
  state: 'queued' | 'playing' | 'paused' | 'done' | 'failed';
  cancel: (() => void) | null;
  startedAt: number;
  remainingMs: number;
}

/** Playbacks on channels and bridges: queued per target, timed from the media, stoppable. */
export class PlaybackService implements PlaybackOps {
  private readonly playbacks = new Map<string, Playback>();
  private readonly queues = new Map<string, Playback[]>();

  constructor(private readonly core: SimCore) {}

  play(target: Target, media: string[], playbackId: string | undefined): Record<string, unknown> {
    if (media.length === 0 || media.some((m) => m === '')) throw new AriError(500, 'Failed to queue media for playback');
    const id = playbackId || globalThis.crypto.randomUUID();
    if (this.playbacks.has(id)) throw new AriError(409, `Playback with id '${id}' already exists`);
    const targetUri = target.kind === 'channel' ? `channel:${target.channel.id}` : `bridge:${target.bridge.id}`;
    const playback: Playback = { id, media, index: 0, targetUri, target, state: 'queued', cancel: null, startedAt: 0, remainingMs: 0 };
    this.playbacks.set(id, playback);
    const queue = this.queues.get(targetUri) ?? [];
    queue.push(playback);
    this.queues.set(targetUri, queue);
    const response = this.toJson(playback);
    if (queue.length === 1) playback.cancel = this.core.timers.after(0, () => this.start(playback));
    return response;
  }

  get(id: string): Record<string, unknown> {
    return this.toJson(this.find(id));
  }

  list(): SimPlaybackView[] {
    return [...this.playbacks.values()].map((p) => ({ id: p.id, mediaUri: p.media[p.index] ?? '', targetUri: p.targetUri, state: p.state }));
  }

  /** DELETE /playbacks/{id}: finishes with state "done", as Asterisk reports a stopped playback. */
  stop(id: string): void {
    const playback = this.find(id);
    this.finish(playback, 'done');
  }

  control(id: string, operation: string | undefined): void {
    const playback = this.find(id);
    const ops = ['restart', 'pause', 'unpause', 'reverse', 'forward'];
    if (!operation || !ops.includes(operation)) throw new AriError(400, `operation must be one of ${ops.join(', ')}`);
    if (playback.state === 'queued') throw new AriError(409, 'Playback not yet started');
    if (operation === 'pause' && playback.state === 'playing') {
      playback.cancel?.();
      playback.remainingMs = Math.max(0, playback.remainingMs - this.core.timers.toSimulated(Date.now() - playback.startedAt));
      playback.state = 'paused';
    } else if (operation === 'unpause' && playback.state === 'paused') {
      playback.state = 'playing';
      this.runCurrent(playback, playback.remainingMs);
    } else if (operation === 'restart') {
      playback.cancel?.();
      playback.index = 0;
      playback.state = 'playing';
      this.playCurrent(playback);
    }
  }

  channelGone(channel: SimChannel): void {
    this.targetGone(`channel:${channel.id}`);
  }

  bridgeGone(bridge: SimBridge): void {
    this.targetGone(`bridge:${bridge.id}`);
  }

  private targetGone(targetUri: string): void {
    const queue = this.queues.get(targetUri);
    if (!queue) return;
    const [current, ...waiting] = queue;
    for (const p of waiting) this.playbacks.delete(p.id);
    queue.length = current ? 1 : 0;
    if (current && current.state !== 'queued') this.finish(current, 'done');
    else if (current) {
      current.cancel?.();
      this.playbacks.delete(current.id);
      this.queues.delete(targetUri);
    }
  }

  private start(playback: Playback): void {
    playback.state = 'playing';
    this.emit(playback, 'PlaybackStarted');
    this.playCurrent(playback);
  }

  private playCurrent(playback: Playback): void {
    const plan = planMedia(playback.media[playback.index]!, this.core.sounds);
    if (plan.kind === 'fails') this.finish(playback, 'failed');
    else if (plan.kind === 'plays') this.runCurrent(playback, plan.durationMs);
  }

  private runCurrent(playback: Playback, durationMs: number): void {
    playback.startedAt = Date.now();
    playback.remainingMs = durationMs;
    playback.cancel = this.core.timers.after(durationMs, () => {
      if (playback.index + 1 < playback.media.length) {
        playback.index += 1;
        this.emit(playback, 'PlaybackContinuing');
        this.playCurrent(playback);
      } else this.finish(playback, 'done');
    });
  }

  private finish(playback: Playback, state: 'done' | 'failed'): void {
    playback.cancel?.();
    playback.cancel = null;
    const wasQueued = playback.state === 'queued';
    playback.state = state;
    if (!wasQueued) this.emit(playback, 'PlaybackFinished');
    this.playbacks.delete(playback.id);
    const queue = this.queues.get(playback.targetUri) ?? [];
    const index = queue.indexOf(playback);
    if (index >= 0) queue.splice(index, 1);
    if (queue.length === 0) this.queues.delete(playback.targetUri);
    else if (index === 0) {
      const next = queue[0]!;
      next.cancel = this.core.timers.after(0, () => this.start(next));
    }
  }

  private find(id: string): Playback {
    const playback = this.playbacks.get(id);
    if (!playback) throw new AriError(404, 'Playback not found');
    return playback;
  }

  private emit(playback: Playback, type: 'PlaybackStarted' | 'PlaybackContinuing' | 'PlaybackFinished'): void {
    const fields = { playback: this.toJson(playback) };
    if (playback.target.kind === 'channel') this.core.emitChannel(playback.target.channel, type, fields);
    else this.core.emitTo(playback.target.bridge.followers, type, fields);
  }

  private toJson(p: Playback): Record<string, unknown> {
    const json: Record<string, unknown> = { id: p.id, media_uri: p.media[p.index], target_uri: p.targetUri, language: 'en', state: p.state };
    if (p.index + 1 < p.media.length) json.next_media_uri = p.media[p.index + 1];
    return json;
  }
}
