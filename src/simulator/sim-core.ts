import type { EventHub } from './event-hub';
import type { FarEndScripts } from './far-end';
import type { SimBridge } from './sim-bridge';
import type { SimChannel } from './sim-channel';
import type { SimTimers } from './sim-timers';
import type { EndpointConfig, OriginationRecord, SimLogger } from './types';

/** Event types the simulator emits; events.json declares each of them. */
export type SimEventType =
  | 'StasisStart' | 'StasisEnd' | 'ChannelCreated' | 'ChannelStateChange' | 'ChannelDtmfReceived' | 'ChannelHangupRequest'
  | 'ChannelDestroyed' | 'ChannelDialplan' | 'ChannelVarset' | 'ChannelCallerId' | 'Dial'
  | 'PlaybackStarted' | 'PlaybackContinuing' | 'PlaybackFinished' | 'RecordingStarted' | 'RecordingFinished' | 'RecordingFailed'
  | 'ChannelEnteredBridge' | 'ChannelLeftBridge' | 'BridgeCreated' | 'BridgeDestroyed';

export interface BridgeOps {
  /** The channel leaves its bridge (hang-up, removal, moved elsewhere). */
  leave(channel: SimChannel): void;
}

export interface PlaybackOps {
  /** Ends the channel's playbacks as its hang-up does. */
  channelGone(channel: SimChannel): void;
}

export interface RecordingOps {
  channelGone(channel: SimChannel): void;
  dtmf(channel: SimChannel, digit: string): void;
}

export interface ChannelOps {
  answer(channel: SimChannel): void;
}

/** Shared state and services of one simulated Asterisk. */
export interface SimCore {
  readonly channels: Map<string, SimChannel>;
  readonly bridges: Map<string, SimBridge>;
  readonly hub: EventHub;
  readonly timers: SimTimers;
  readonly scripts: FarEndScripts;
  readonly sounds: Map<string, number | null>;
  readonly endpoints: Map<string, Required<EndpointConfig>>;
  readonly originations: OriginationRecord[];
  readonly logger: SimLogger;
  readonly defaultApp: string;
  bridgeOps: BridgeOps;
  playbackOps: PlaybackOps;
  recordingOps: RecordingOps;
  channelOps: ChannelOps;
  /** Asterisk-style unique id (`1795966203.12`). */
  nextUniqueId(): string;
  /** Channel name suffix (`00000012`). */
  nextChannelSequence(): string;
  /** Sends a channel event to the apps subscribed to the channel. */
  emitChannel(channel: SimChannel, type: SimEventType, fields?: Record<string, unknown>, leading?: Record<string, unknown>): void;
  emitTo(apps: Iterable<string>, type: SimEventType, fields: Record<string, unknown>, leading?: Record<string, unknown>): void;
  findChannel(id: string | undefined): SimChannel;
}

/** Hang-up reasons accepted by DELETE /channels/{id} and their Q.850 causes. */
export const HANGUP_REASONS: Record<string, number> = {
  normal: 16,
  busy: 17,
  congestion: 34,
  no_answer: 19,
  timeout: 18,
  rejected: 21,
  unallocated: 1,
  normal_unspecified: 31,
  number_incomplete: 28,
  codec_mismatch: 58,
  interworking: 127,
  failure: 38,
  answered_elsewhere: 26,
};

export const CAUSE_TEXT: Record<number, string> = {
  0: 'Unknown',
  1: 'Unallocated (unassigned) number',
  16: 'Normal Clearing',
  17: 'User busy',
  18: 'No user responding',
  19: 'User alerting, no answer',
  21: 'Call Rejected',
  26: 'Answered elsewhere',
  28: 'Invalid number format (incomplete number)',
  31: 'Normal, unspecified',
  34: 'Circuit/channel congestion',
  38: 'Network out of order',
  58: 'Bearer capability not available',
  127: 'Interworking, unspecified',
};

export function causeText(cause: number): string {
  return CAUSE_TEXT[cause] ?? 'Unknown';
}
