/**
 * Swagger models the simulator declares: the ARI objects it returns and every event type it can
 * send (ari-client looks each received event type up in events.json and fails on unknown ones).
 * Compact form: property name -> [type, required].
 */
type Props = Record<string, [string, boolean]>;

const channel: [string, boolean] = ['Channel', true];

export const RESOURCE_MODELS: Record<string, Props> = {
  CallerID: { name: ['string', true], number: ['string', true] },
  DialplanCEP: { context: ['string', true], exten: ['string', true], priority: ['long', true], app_name: ['string', true], app_data: ['string', true] },
  Channel: {
    id: ['string', true], protocol_id: ['string', true], name: ['string', true], state: ['string', true], caller: ['CallerID', true], connected: ['CallerID', true],
    accountcode: ['string', true], dialplan: ['DialplanCEP', true], creationtime: ['Date', true], language: ['string', true], channelvars: ['object', false],
  },
  Variable: { value: ['string', true] },
  Bridge: {
    id: ['string', true], technology: ['string', true], bridge_type: ['string', true], bridge_class: ['string', true], creator: ['string', true], name: ['string', true],
    channels: ['List[string]', true], video_mode: ['string', false], video_source_id: ['string', false], creationtime: ['Date', true],
  },
  Playback: { id: ['string', true], media_uri: ['string', true], next_media_uri: ['string', false], target_uri: ['string', true], language: ['string', false], state: ['string', true] },
  LiveRecording: {
    name: ['string', true], format: ['string', true], target_uri: ['string', true], state: ['string', true], duration: ['int', false],
    talking_duration: ['int', false], silence_duration: ['int', false], cause: ['string', false],
  },
  StoredRecording: { name: ['string', true], format: ['string', true] },
  Endpoint: { technology: ['string', true], resource: ['string', true], state: ['string', false], channel_ids: ['List[string]', true] },
  AsteriskPing: { asterisk_id: ['string', true], ping: ['string', true], timestamp: ['string', true] },
  AsteriskInfo: { build: ['BuildInfo', false], system: ['SystemInfo', false], config: ['ConfigInfo', false], status: ['StatusInfo', false] },
  Application: {
    name: ['string', true], channel_ids: ['List[string]', true], bridge_ids: ['List[string]', true], endpoint_ids: ['List[string]', true],
    device_names: ['List[string]', true], events_allowed: ['List[object]', true], events_disallowed: ['List[object]', true],
  },
  Sound: { id: ['string', true], text: ['string', false], formats: ['List[FormatLangPair]', true] },
  FormatLangPair: { language: ['string', true], format: ['string', true] },
};

/** Which models each resource declaration carries. */
export const MODELS_BY_RESOURCE: Record<string, string[]> = {
  channels: ['CallerID', 'DialplanCEP', 'Channel', 'Variable'],
  bridges: ['Bridge'],
  playbacks: ['Playback'],
  recordings: ['StoredRecording', 'LiveRecording'],
  endpoints: ['Endpoint'],
  asterisk: ['AsteriskInfo', 'AsteriskPing', 'Variable'],
  applications: ['Application'],
  sounds: ['FormatLangPair', 'Sound'],
};

export const EVENT_MODELS: Record<string, Props> = {
  StasisStart: { args: ['List[string]', true], channel, replace_channel: ['Channel', false] },
  StasisEnd: { channel },
  ChannelCreated: { channel },
  ChannelStateChange: { channel },
  ChannelDtmfReceived: { digit: ['string', true], duration_ms: ['int', true], channel },
  ChannelHangupRequest: { cause: ['int', false], tech_cause: ['int', false], soft: ['boolean', false], channel },
  ChannelDestroyed: { cause: ['int', true], cause_txt: ['string', true], tech_cause: ['int', false], channel },
  ChannelDialplan: { channel, dialplan_app: ['string', true], dialplan_app_data: ['string', true] },
  ChannelVarset: { variable: ['string', true], value: ['string', true], channel: ['Channel', false] },
  ChannelCallerId: { caller_presentation: ['int', true], caller_presentation_txt: ['string', true], channel },
  Dial: { caller: ['Channel', false], peer: ['Channel', true], forward: ['string', false], forwarded: ['Channel', false], dialstring: ['string', false], dialstatus: ['string', true] },
  PlaybackStarted: { playback: ['Playback', true] },
  PlaybackContinuing: { playback: ['Playback', true] },
  PlaybackFinished: { playback: ['Playback', true] },
  RecordingStarted: { recording: ['LiveRecording', true] },
  RecordingFinished: { recording: ['LiveRecording', true] },
  RecordingFailed: { recording: ['LiveRecording', true] },
  ChannelEnteredBridge: { bridge: ['Bridge', true], channel: ['Channel', false] },
  ChannelLeftBridge: { bridge: ['Bridge', true], channel },
  BridgeCreated: { bridge: ['Bridge', true] },
  BridgeDestroyed: { bridge: ['Bridge', true] },
};

export function swaggerModel(id: string, props: Props, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    ...extra,
    properties: Object.fromEntries(Object.entries(props).map(([name, [type, required]]) => [name, { type, required }])),
  };
}

/** events.json models: Message and Event as in Asterisk (with subTypes), then each event type. */
export function eventModels(): Record<string, unknown> {
  const types = Object.keys(EVENT_MODELS);
  const models: Record<string, unknown> = {
    Message: swaggerModel('Message', { type: ['string', true], asterisk_id: ['string', false] }, { description: 'Base type for errors and events', discriminator: 'type', subTypes: ['Event'] }),
    Event: swaggerModel('Event', { application: ['string', true], timestamp: ['Date', true] }, { description: 'Base type for asynchronous events from Asterisk.', subTypes: types }),
  };
  for (const [name, props] of Object.entries(EVENT_MODELS)) models[name] = swaggerModel(name, props, { description: `${name} event` });
  return models;
}
