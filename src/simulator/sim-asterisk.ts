import { channelNotFound } from './ari-error';
import { BridgeService } from './bridge-service';
import { ChannelService } from './channel-service';
import { EventHub, makeEvent } from './event-hub';
import { FarEndScripts } from './far-end';
import { DEFAULT_SOUNDS } from './media-durations';
import { normalizeEndpoints } from './endpoint-parser';
import { PlaybackService } from './playback-service';
import { RecordingService } from './recording-service';
import type { BridgeOps, ChannelOps, PlaybackOps, RecordingOps, SimCore, SimEventType } from './sim-core';
import type { SimChannel } from './sim-channel';
import type { SimBridge } from './sim-bridge';
import { SimTimers } from './sim-timers';
import type { EndpointConfig, OriginationRecord, SimLogger, SimulatorOptions } from './types';

const DEFAULT_ENDPOINTS: string[] = ['trunk', ...Array.from({ length: 10 }, (_, i) => `agent-${1001 + i}`)];

const silentLogger: SimLogger = { info: () => undefined, warn: () => undefined, debug: () => undefined, error: () => undefined };

/** One simulated Asterisk: its state, services and event hub (no I/O; the HTTP server sits on top). */
export class SimAsterisk implements SimCore {
  readonly channels = new Map<string, SimChannel>();
  readonly bridges = new Map<string, SimBridge>();
  readonly hub = new EventHub();
  readonly scripts = new FarEndScripts();
  readonly sounds = new Map<string, number | null>(Object.entries(DEFAULT_SOUNDS));
  readonly endpoints: Map<string, Required<EndpointConfig>>;
  readonly originations: OriginationRecord[] = [];
  readonly timers: SimTimers;
  readonly logger: SimLogger;
  readonly defaultApp: string;
  readonly globals = new Map<string, string>();
  readonly channelService: ChannelService;
  readonly bridgeService: BridgeService;
  readonly playbackService: PlaybackService;
  readonly recordingService: RecordingService;
  bridgeOps: BridgeOps;
  playbackOps: PlaybackOps;
  recordingOps: RecordingOps;
  channelOps: ChannelOps;
  private uniqueCounter = 0;
  private sequenceCounter = 0;
  private readonly epoch = Math.floor(Date.now() / 1000);

  constructor(options: SimulatorOptions = {}) {
    const scale = options.timeScale ?? 1;
    if (!(scale > 0) || !Number.isFinite(scale)) throw new Error('timeScale must be a positive number');
    this.timers = new SimTimers(scale);
    this.logger = options.logger ?? silentLogger;
    this.defaultApp = options.defaultApp ?? 'contact-center';
    this.endpoints = normalizeEndpoints(options.endpoints ?? DEFAULT_ENDPOINTS);
    for (const [name, ms] of Object.entries(options.sounds ?? {})) this.sounds.set(name, ms);
    for (const rule of options.scripts ?? []) this.scripts.set(rule);
    this.channelService = new ChannelService(this);
    this.bridgeService = new BridgeService(this);
    this.playbackService = new PlaybackService(this);
    this.recordingService = new RecordingService(this, (channel) => this.channelService.answerChannel(channel));
    this.bridgeOps = this.bridgeService;
    this.playbackOps = this.playbackService;
    this.recordingOps = this.recordingService;
    this.channelOps = { answer: (channel) => this.channelService.answerChannel(channel) };
  }

  nextUniqueId(): string {
    this.uniqueCounter += 1;
    return `${this.epoch}.${this.uniqueCounter}`;
  }

  nextChannelSequence(): string {
    const seq = this.sequenceCounter.toString(16).padStart(8, '0');
    this.sequenceCounter += 1;
    return seq;
  }

  emitChannel(channel: SimChannel, type: SimEventType, fields: Record<string, unknown> = { channel: channel.toJson() }, leading: Record<string, unknown> = {}): void {
    this.hub.emit(channel.subscribers, makeEvent(type, fields, leading));
  }

  emitTo(apps: Iterable<string>, type: SimEventType, fields: Record<string, unknown>, leading: Record<string, unknown> = {}): void {
    this.hub.emit(apps, makeEvent(type, fields, leading));
  }

  findChannel(id: string | undefined): SimChannel {
    const channel = id === undefined ? undefined : this.channels.get(id);
    if (!channel || channel.hungUp) throw channelNotFound();
    return channel;
  }

  /** Hangs every call up silently and cancels all timers. */
  close(): void {
    this.timers.close();
    for (const channel of this.channels.values()) channel.cancelFarEnd();
    this.channels.clear();
    this.bridges.clear();
  }
}
