/**
 * Call control as the app needs it, independent of ari-client. The ARI adapter implements it
 * against Asterisk (or the simulator); unit tests use a fake that records commands and lets the
 * test emit events.
 *
 * Errors: a vanished channel/bridge/playback rejects with ChannelGoneError/BridgeGoneError/
 * PlaybackGoneError (src/domain/errors.ts); a refused state change with InvalidStateError; a call
 * made while Asterisk is unreachable with CallControlUnavailableError.
 */

export type ChannelState = 'Down' | 'Rsrvd' | 'OffHook' | 'Dialing' | 'Ring' | 'Ringing' | 'Up' | 'Busy' | 'Dialing Offhook' | 'Pre-ring' | 'Unknown';

export interface ChannelInfo {
  id: string;
  name: string;
  state: ChannelState;
  callerNumber: string;
  callerName: string;
  /** Extension dialled (the DID for inbound calls), from the channel's dialplan location. */
  exten: string;
  context: string;
}

export type CallEvent =
  /**
   * `resumed` is true when the channel was already in the Stasis app before the controller
   * (re)connected and nobody watched it: the flow re-adopts it mid-call (e.g. after a restart).
   */
  | { type: 'StasisStart'; channel: ChannelInfo; args: string[]; resumed?: boolean }
  | { type: 'StasisEnd'; channelId: string }
  | { type: 'ChannelStateChange'; channelId: string; state: ChannelState }
  | { type: 'ChannelDtmfReceived'; channelId: string; digit: string; durationMs: number }
  /** cause is absent when the far end sent a plain BYE (see traces). */
  | { type: 'ChannelHangupRequest'; channelId: string; cause?: number; soft?: boolean }
  | { type: 'ChannelDestroyed'; channelId: string; cause: number; causeText: string }
  /** Dial progress of an originated channel: dialStatus '', 'RINGING', 'PROGRESS', 'ANSWER', 'BUSY', 'NOANSWER', 'CONGESTION', 'CHANUNAVAIL', 'CANCEL'. */
  | { type: 'Dial'; channelId: string; dialStatus: string }
  | { type: 'ChannelVarset'; channelId?: string; variable: string; value: string }
  | { type: 'PlaybackStarted'; playbackId: string; targetUri: string }
  | { type: 'PlaybackFinished'; playbackId: string; targetUri: string; state: string }
  | { type: 'RecordingStarted'; recordingName: string; targetUri: string }
  | { type: 'RecordingFinished'; recordingName: string; targetUri: string; state: string; durationSeconds?: number }
  | { type: 'RecordingFailed'; recordingName: string; targetUri: string; cause?: string }
  | { type: 'ChannelEnteredBridge'; bridgeId: string; channelId: string }
  | { type: 'ChannelLeftBridge'; bridgeId: string; channelId: string }
  | { type: 'BridgeDestroyed'; bridgeId: string };

export type CallEventType = CallEvent['type'];

export interface OriginateRequest {
  /** Chosen by the caller and registered with `watch` BEFORE originating. */
  channelId: string;
  /** Asterisk endpoint, e.g. `PJSIP/+15551230000@trunk`, `PJSIP/agent-1001`, `PJSIP/sip:bob@example.com`. */
  endpoint: string;
  /** Arguments delivered in StasisStart.args when the channel answers: `[flow, ...]`. */
  appArgs: string[];
  callerId?: string;
  timeoutSeconds?: number;
  variables?: Record<string, string>;
  otherChannelId?: string;
}

export interface RecordRequest {
  name: string;
  format?: string;
  maxDurationSeconds?: number;
  maxSilenceSeconds?: number;
  beep?: boolean;
  terminateOn?: 'none' | 'any' | '*' | '#';
  ifExists?: 'fail' | 'overwrite' | 'append';
}

export type HangupReason = 'normal' | 'busy' | 'congestion' | 'no_answer' | 'timeout' | 'rejected' | 'unallocated' | 'answered_elsewhere';

export type EventHandler = (event: CallEvent) => void;

export interface CallControl {
  /** True while the event WebSocket of the Stasis application is connected. */
  isConnected(): boolean;
  /** Connection state changes (connected / disconnected), e.g. to pause the dialer. */
  onConnectionChange(handler: (connected: boolean) => void): () => void;

  /** Route StasisStart of channels whose first app argument is `flow` to the handler. */
  onStasisStart(flow: string, handler: (event: Extract<CallEvent, { type: 'StasisStart' }>) => void): () => void;
  /** Receive every event concerning a channel, bridge, playback or recording id. Returns an unsubscribe. */
  watch(id: string, handler: EventHandler): () => void;

  answer(channelId: string): Promise<void>;
  ring(channelId: string): Promise<void>;
  ringStop(channelId: string): Promise<void>;
  hangup(channelId: string, reason?: HangupReason): Promise<void>;
  /** Starts playing one or more media URIs (sound:, number:, digits:, recording:, tone:). Resolves with the playback id. */
  play(channelId: string, media: string | string[], playbackId?: string): Promise<string>;
  stopPlayback(playbackId: string): Promise<void>;
  startMoh(channelId: string, mohClass?: string): Promise<void>;
  stopMoh(channelId: string): Promise<void>;
  record(channelId: string, request: RecordRequest): Promise<void>;
  sendDtmf(channelId: string, dtmf: string): Promise<void>;
  originate(request: OriginateRequest): Promise<void>;
  getVariable(channelId: string, name: string): Promise<string | undefined>;
  setVariable(channelId: string, name: string, value: string): Promise<void>;
  continueInDialplan(channelId: string, target?: { context?: string; extension?: string; priority?: number }): Promise<void>;

  createBridge(bridgeId: string, type: 'mixing' | 'holding', name?: string): Promise<void>;
  destroyBridge(bridgeId: string): Promise<void>;
  addToBridge(bridgeId: string, channelIds: string[], role?: 'participant' | 'announcer'): Promise<void>;
  removeFromBridge(bridgeId: string, channelIds: string[]): Promise<void>;
  startBridgeMoh(bridgeId: string, mohClass?: string): Promise<void>;
  stopBridgeMoh(bridgeId: string): Promise<void>;

  listChannels(): Promise<ChannelInfo[]>;
  listBridges(): Promise<Array<{ id: string; type: string; channelIds: string[] }>>;
  /** Deletes a stored recording. */
  deleteRecording(name: string): Promise<void>;
  /** The audio of a stored recording, as Asterisk serves it; RecordingGoneError when it is not stored. */
  getRecordingFile(name: string): Promise<RecordingFile>;
}

export interface RecordingFile {
  /** Media type Asterisk gives the file, e.g. `audio/wav`. */
  contentType: string;
  data: Buffer;
}
