import { AriError } from './ari-error';
import type { RecordingOps, SimCore } from './sim-core';
import type { SimChannel } from './sim-channel';
import type { SimRecordingView } from './types';
import { silentWav } from './silent-wav';

export const RECORDING_FORMATS = ['wav', 'wav16', 'gsm', 'ulaw', 'alaw', 'sln', 'sln16', 'g722', 'g729', 'ogg'];

export interface RecordParams {
  name?: string;
  format?: string;
  maxDurationSeconds: number;
  maxSilenceSeconds: number;
  ifExists: string;
  beep: boolean;
  terminateOn: string;
}

interface LiveRecording {
  name: string;
  format: string;
  targetUri: string;
  channel: SimChannel;
  state: 'queued' | 'recording' | 'paused' | 'done' | 'failed' | 'canceled';
  terminateOn: string;
  startedAt: number;
  cancels: Array<() => void>;
}

/** Live recordings of channels (terminated by DTMF, max duration, stop or hang-up) and the stored files they leave. */
export class RecordingService implements RecordingOps {
  private readonly live = new Map<string, LiveRecording>();
  private readonly stored = new Map<string, { name: string; format: string; durationSeconds: number }>();

  constructor(private readonly core: SimCore, private readonly answer: (channel: SimChannel) => void) {}

  record(channel: SimChannel, p: RecordParams): Record<string, unknown> {
    if (!p.name) throw new AriError(400, 'Recording name is required');
    if (!/^[A-Za-z0-9_.-][A-Za-z0-9_./-]{0,127}$/.test(p.name) || p.name.includes('..')) throw new AriError(400, 'Invalid recording name');
    if (!p.format || !RECORDING_FORMATS.includes(p.format)) throw new AriError(422, 'specified format is unknown on this system');
    if (!['fail', 'overwrite', 'append'].includes(p.ifExists)) throw new AriError(400, 'ifExists must be fail, overwrite or append');
    if (!['none', 'any', '*', '#'].includes(p.terminateOn)) throw new AriError(400, 'terminateOn must be none, any, * or #');
    if (this.live.has(p.name) || (p.ifExists === 'fail' && this.stored.has(p.name))) {
      throw new AriError(409, 'A recording with the same name already exists on the system');
    }
    if (channel.bridgeId) throw new AriError(409, 'Channel is currently bridged with other channels');
    const rec: LiveRecording = {
      name: p.name, format: p.format, targetUri: `channel:${channel.id}`, channel, state: 'queued', terminateOn: p.terminateOn, startedAt: 0, cancels: [],
    };
    this.live.set(rec.name, rec);
    const response = this.toJson(rec);
    rec.cancels.push(this.core.timers.after(0, () => {
      if (channel.state !== 'Up') this.answer(channel);
      rec.state = 'recording';
      rec.startedAt = Date.now();
      this.core.emitChannel(channel, 'RecordingStarted', { recording: this.toJson(rec) });
      if (p.maxDurationSeconds > 0) rec.cancels.push(this.core.timers.after(p.maxDurationSeconds * 1000, () => this.finish(rec, 'done')));
    }));
    return response;
  }

  getLive(name: string): Record<string, unknown> {
    return this.toJson(this.findLive(name));
  }

  stop(name: string): void {
    this.finish(this.findLive(name), 'done');
  }

  cancel(name: string): void {
    this.finish(this.findLive(name), 'canceled');
  }

  pause(name: string, paused: boolean): void {
    const rec = this.findLive(name);
    if (rec.state === 'recording' && paused) rec.state = 'paused';
    else if (rec.state === 'paused' && !paused) rec.state = 'recording';
  }

  listStored(): Array<{ name: string; format: string }> {
    return [...this.stored.values()].map((r) => ({ name: r.name, format: r.format }));
  }

  getStored(name: string): { name: string; format: string; durationSeconds: number } {
    const rec = this.stored.get(name);
    if (!rec) throw new AriError(404, 'Recording not found');
    return rec;
  }

  deleteStored(name: string): void {
    this.getStored(name);
    this.stored.delete(name);
  }

  copyStored(name: string, destination: string | undefined): { name: string; format: string } {
    const rec = this.getStored(name);
    if (!destination) throw new AriError(400, 'destinationRecordingName is required');
    if (this.stored.has(destination)) throw new AriError(409, 'A recording with the same name already exists on the system');
    this.stored.set(destination, { ...rec, name: destination });
    return { name: destination, format: rec.format };
  }

  /** A WAV file of silence as long as the recording, capped at 10 minutes. */
  storedFile(name: string): Buffer {
    return silentWav(Math.min(this.getStored(name).durationSeconds, 600));
  }

  list(): { live: SimRecordingView[]; stored: Array<{ name: string; format: string }> } {
    return {
      live: [...this.live.values()].map((r) => ({ name: r.name, format: r.format, targetUri: r.targetUri, state: r.state })),
      stored: this.listStored(),
    };
  }

  dtmf(channel: SimChannel, digit: string): void {
    for (const rec of this.live.values()) {
      if (rec.channel !== channel || rec.state !== 'recording') continue;
      if (rec.terminateOn === 'any' || rec.terminateOn === digit) this.finish(rec, 'done');
    }
  }

  channelGone(channel: SimChannel): void {
    for (const rec of [...this.live.values()]) if (rec.channel === channel) this.finish(rec, rec.state === 'queued' ? 'failed' : 'done');
  }

  private finish(rec: LiveRecording, state: 'done' | 'canceled' | 'failed'): void {
    for (const cancel of rec.cancels.splice(0)) cancel();
    const durationSeconds = rec.startedAt ? Math.floor(this.core.timers.toSimulated(Date.now() - rec.startedAt) / 1000) : 0;
    rec.state = state;
    this.live.delete(rec.name);
    if (state === 'done') this.stored.set(rec.name, { name: rec.name, format: rec.format, durationSeconds });
    const recording = { ...this.toJson(rec), duration: durationSeconds };
    this.core.emitChannel(rec.channel, state === 'failed' ? 'RecordingFailed' : 'RecordingFinished', { recording });
  }

  private findLive(name: string): LiveRecording {
    const rec = this.live.get(name);
    if (!rec) throw new AriError(404, 'Recording not found');
    return rec;
  }

  private toJson(r: LiveRecording): Record<string, unknown> {
    return { name: r.name, format: r.format, state: r.state, target_uri: r.targetUri };
  }
}
