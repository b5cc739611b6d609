import type { CallEvent, ChannelInfo, ChannelState } from '../../ports/call-control';

/**
 * Translates the JSON events Asterisk sends on the ARI WebSocket into the port's CallEvent union,
 * and names the ids an event is routed by. Unknown event types and malformed events yield
 * undefined; the router logs and drops them.
 */
type Raw = Record<string, unknown>;

const obj = (v: unknown): Raw | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Raw) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const idOf = (v: unknown): string | undefined => str(obj(v)?.id);

const CHANNEL_STATES: ReadonlySet<string> = new Set<ChannelState>([
  'Down',
  'Rsrvd',
  'OffHook',
  'Dialing',
  'Ring',
  'Ringing',
  'Up',
  'Busy',
  'Dialing Offhook',
  'Pre-ring',
  'Unknown',
]);

export function toChannelState(v: unknown): ChannelState {
  return typeof v === 'string' && CHANNEL_STATES.has(v) ? (v as ChannelState) : 'Unknown';
}

/** ChannelInfo from an ARI Channel object; undefined when it has no id. */
export function toChannelInfo(v: unknown): ChannelInfo | undefined {
  const ch = obj(v);
  const id = str(ch?.id);
  if (!ch || !id) return undefined;
  const caller = obj(ch.caller);
  const dialplan = obj(ch.dialplan);
  return {
    id,
    name: str(ch.name) ?? '',
    state: toChannelState(ch.state),
    callerNumber: str(caller?.number) ?? '',
    callerName: str(caller?.name) ?? '',
    exten: str(dialplan?.exten) ?? '',
    context: str(dialplan?.context) ?? '',
  };
}

/** `channel:abc` -> abc, `bridge:b1` -> b1 (playback and recording targets). */
function targetId(uri: string | undefined): string | undefined {
  if (!uri) return undefined;
  const at = uri.indexOf(':');
  return at > 0 ? uri.slice(at + 1) : undefined;
}

export function translateAriEvent(raw: unknown): CallEvent | undefined {
  const e = obj(raw);
  const type = str(e?.type);
  if (!e || !type) return undefined;
  const channelId = idOf(e.channel);
  const playback = obj(e.playback);
  const recording = obj(e.recording);
  switch (type) {
    case 'StasisStart': {
      const channel = toChannelInfo(e.channel);
      const args = Array.isArray(e.args) ? e.args.filter((a): a is string => typeof a === 'string') : [];
      return channel ? { type, channel, args } : undefined;
    }
    case 'StasisEnd':
      return channelId ? { type, channelId } : undefined;
    case 'ChannelStateChange':
      return channelId ? { type, channelId, state: toChannelState(obj(e.channel)?.state) } : undefined;
    case 'ChannelDtmfReceived': {
      const digit = str(e.digit);
      return channelId && digit ? { type, channelId, digit, durationMs: num(e.duration_ms) ?? 0 } : undefined;
    }
    case 'ChannelHangupRequest': {
      if (!channelId) return undefined;
      const cause = num(e.cause);
      const soft = typeof e.soft === 'boolean' ? e.soft : undefined;
      return { type, channelId, ...(cause !== undefined ? { cause } : {}), ...(soft !== undefined ? { soft } : {}) };
    }
    case 'ChannelDestroyed':
      return channelId ? { type, channelId, cause: num(e.cause) ?? 0, causeText: str(e.cause_txt) ?? '' } : undefined;
    case 'Dial': {
      // Dial events name the dialled channel `peer` (see traces/originate-*.jsonl).
      const peerId = idOf(e.peer);
      return peerId ? { type, channelId: peerId, dialStatus: str(e.dialstatus) ?? '' } : undefined;
    }
    case 'ChannelVarset': {
      const variable = str(e.variable);
      if (!variable) return undefined;
      return { type, ...(channelId ? { channelId } : {}), variable, value: str(e.value) ?? '' };
    }
    case 'PlaybackStarted':
    case 'PlaybackFinished': {
      const playbackId = str(playback?.id);
      if (!playbackId) return undefined;
      const targetUri = str(playback?.target_uri) ?? '';
      return type === 'PlaybackStarted'
        ? { type, playbackId, targetUri }
        : { type, playbackId, targetUri, state: str(playback?.state) ?? '' };
    }
    case 'RecordingStarted':
    case 'RecordingFinished':
    case 'RecordingFailed': {
      const recordingName = str(recording?.name);
      if (!recordingName) return undefined;
      const targetUri = str(recording?.target_uri) ?? '';
      if (type === 'RecordingStarted') return { type, recordingName, targetUri };
      if (type === 'RecordingFailed') {
        const cause = str(recording?.cause);
        return { type, recordingName, targetUri, ...(cause !== undefined ? { cause } : {}) };
      }
      const duration = num(recording?.duration);
      return { type, recordingName, targetUri, state: str(recording?.state) ?? '', ...(duration !== undefined ? { durationSeconds: duration } : {}) };
    }
    case 'ChannelEnteredBridge':
    case 'ChannelLeftBridge': {
      const bridgeId = idOf(e.bridge);
      return bridgeId && channelId ? { type, bridgeId, channelId } : undefined;
    }
    case 'BridgeDestroyed': {
      const bridgeId = idOf(e.bridge);
      return bridgeId ? { type, bridgeId } : undefined;
    }
    default:
      return undefined;
  }
}

/** The ARI event types the router subscribes to, once each. */
export const ROUTED_EVENT_TYPES = [
  'StasisStart',
  'StasisEnd',
  'ChannelStateChange',
  'ChannelDtmfReceived',
  'ChannelHangupRequest',
  'ChannelDestroyed',
  'Dial',
  'ChannelVarset',
  'PlaybackStarted',
  'PlaybackFinished',
  'RecordingStarted',
  'RecordingFinished',
  'RecordingFailed',
  'ChannelEnteredBridge',
  'ChannelLeftBridge',
  'BridgeDestroyed',
] as const satisfies ReadonlyArray<CallEvent['type']>;

/**
 * The ids an event is delivered to: the channel, bridge, playback or recording it concerns, and
 * for playbacks and recordings also their target (`channel:<id>`), so a flow watching its channel
 * sees its media events even before it learns the playback id.
 */
export function routingIds(event: CallEvent): string[] {
  switch (event.type) {
    case 'StasisStart':
      return [event.channel.id];
    case 'ChannelVarset':
      return event.channelId ? [event.channelId] : [];
    case 'PlaybackStarted':
    case 'PlaybackFinished':
      return withTarget(event.playbackId, event.targetUri);
    case 'RecordingStarted':
    case 'RecordingFinished':
    case 'RecordingFailed':
      return withTarget(event.recordingName, event.targetUri);
    case 'ChannelEnteredBridge':
    case 'ChannelLeftBridge':
      return [event.bridgeId, event.channelId];
    case 'BridgeDestroyed':
      return [event.bridgeId];
    default:
      return [event.channelId];
  }
}

function withTarget(id: string, uri: string): string[] {
  const target = targetId(uri);
  return target && target !== id ? [id, target] : [id];
}

/** The id whose watchers are released after this event: nothing more can arrive for it. */
export function terminalId(event: CallEvent): string | undefined {
  switch (event.type) {
    case 'ChannelDestroyed':
      return event.channelId;
    case 'BridgeDestroyed':
      return event.bridgeId;
    case 'PlaybackFinished':
      return event.playbackId;
    case 'RecordingFinished':
    case 'RecordingFailed':
      return event.recordingName;
    default:
      return undefined;
  }
}
