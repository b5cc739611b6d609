import {
  BridgeGoneError,
  CallControlUnavailableError,
  ChannelGoneError,
  InvalidStateError,
  PlaybackGoneError,
  RecordingGoneError,
} from '../../src/domain/errors';
import type {
  CallControl,
  CallEvent,
  ChannelInfo,
  ChannelState,
  EventHandler,
  HangupReason,
  OriginateRequest,
  RecordingFile,
  RecordRequest,
} from '../../src/ports/call-control';
import { flush } from './fake-clock';
import { silentWav } from '../../src/simulator/silent-wav';

export interface Command {
  op: string;
  args: unknown[];
}

type StasisStartEvent = Extract<CallEvent, { type: 'StasisStart' }>;

export interface FakeChannel extends ChannelInfo {
  inStasis: boolean;
  originated?: OriginateRequest;
  bridgeId?: string;
  moh: boolean;
  ringing: boolean;
}

export interface FakeCallControlOptions {
  /** Playbacks finish by themselves right after they start (default true). */
  autoFinishPlayback?: boolean;
}

/**
 * An in-memory CallControl for flow tests. It records every command in `commands`, keeps just
 * enough channel/bridge state to reject what Asterisk would reject (ChannelGoneError on a gone
 * channel, BridgeGoneError on a missing bridge), and emits the events Asterisk would emit for the
 * app's own commands (on the next turn of the event loop, as over a WebSocket). The far end is
 * played by the test: `inbound`, `farEndAnswer/farEndBusy/farEndNoAnswer` for originated legs, `farEndHangup`,
 * `dtmf`, `finishPlayback`, `finishRecording`, or any raw event with `emit`.
 */
export class FakeCallControl implements CallControl {
  readonly commands: Command[] = [];
  readonly channels = new Map<string, FakeChannel>();
  readonly bridges = new Map<string, { id: string; type: 'mixing' | 'holding'; channelIds: string[]; moh: boolean }>();
  readonly playbacks = new Map<string, { channelId: string; media: string[] }>();
  readonly recordings = new Map<string, { channelId: string; request: RecordRequest }>();
  readonly deletedRecordings: string[] = [];
  /** Recordings that finished `done` (or that a test put here), as getRecordingFile serves them. */
  readonly storedRecordings = new Map<string, RecordingFile>();
  private readonly flows = new Map<string, Set<(e: StasisStartEvent) => void>>();
  private readonly watchers = new Map<string, Set<EventHandler>>();
  private readonly connectionHandlers = new Set<(c: boolean) => void>();
  private readonly failures = new Map<string, Error[]>();
  private connected = true;
  private seq = 0;
  private readonly autoFinishPlayback: boolean;

  constructor(options: FakeCallControlOptions = {}) {
    this.autoFinishPlayback = options.autoFinishPlayback ?? true;
  }

  // ---------- what the test does ----------

  /** The next call of `op` rejects with `error` (queued, one per call). */
  failNext(op: keyof CallControl, error: Error): void {
    const list = this.failures.get(op) ?? [];
    list.push(error);
    this.failures.set(op, list);
  }

  setConnected(connected: boolean): void {
    this.connected = connected;
    for (const h of this.connectionHandlers) h(connected);
  }

  /** Commands of one kind, e.g. `ops('originate')`. */
  ops(op: string): unknown[][] {
    return this.commands.filter((c) => c.op === op).map((c) => c.args);
  }

  /** Media URIs played to a channel, in order. */
  played(channelId: string): string[] {
    return this.commands.filter((c) => c.op === 'play' && c.args[0] === channelId).flatMap((c) => c.args[1] as string[]);
  }

  /** The originate requests sent so far. */
  originated(): OriginateRequest[] {
    return this.ops('originate').map((a) => a[0] as OriginateRequest);
  }

  /** A caller dials a DID: the dialplan runs Stasis(app, inbound, did). Returns the channel id. */
  inbound(did: string, callerNumber = '+15551230000', opts: { id?: string; callerName?: string; args?: string[]; name?: string } = {}): string {
    const id = opts.id ?? `${1_700_000_000 + ++this.seq}.${this.seq}`;
    const channel: FakeChannel = {
      id,
      name: opts.name ?? `PJSIP/trunk-${id}`,
      state: 'Ring',
      callerNumber,
      callerName: opts.callerName ?? '',
      exten: did,
      context: 'from-trunk',
      inStasis: true,
      moh: false,
      ringing: false,
    };
    this.channels.set(id, channel);
    this.emit({ type: 'StasisStart', channel: this.info(channel), args: opts.args ?? ['inbound', did] });
    return id;
  }

  /** The far end of an originated leg answers: ChannelStateChange Up, Dial ANSWER, StasisStart. */
  farEndAnswer(channelId: string): void {
    const ch = this.mustHave(channelId);
    ch.state = 'Up';
    ch.inStasis = true;
    this.emit({ type: 'ChannelStateChange', channelId, state: 'Up' });
    this.emit({ type: 'Dial', channelId, dialStatus: 'ANSWER' });
    this.emit({ type: 'StasisStart', channel: this.info(ch), args: ch.originated?.appArgs ?? [] });
  }

  /** The far end of an originated leg rings. */
  farEndRinging(channelId: string): void {
    const ch = this.mustHave(channelId);
    ch.state = 'Ringing';
    this.emit({ type: 'ChannelStateChange', channelId, state: 'Ringing' });
    this.emit({ type: 'Dial', channelId, dialStatus: 'RINGING' });
  }

  /** The far end refuses (486 Busy): HangupRequest 17, Dial BUSY, ChannelDestroyed 17. */
  farEndBusy(channelId: string): void {
    this.mustHave(channelId);
    this.emit({ type: 'ChannelHangupRequest', channelId, cause: 17 });
    this.emit({ type: 'Dial', channelId, dialStatus: 'BUSY' });
    this.destroy(channelId, 17, 'User busy');
  }

  /** The originate timeout expires while ringing: ChannelDestroyed 19, no Dial NOANSWER (as Asterisk 22 does). */
  farEndNoAnswer(channelId: string): void {
    this.mustHave(channelId);
    this.destroy(channelId, 19, 'User alerting, no answer');
  }

  /** The far end hangs up (BYE): HangupRequest without cause, StasisEnd, ChannelDestroyed. */
  farEndHangup(channelId: string): void {
    const ch = this.mustHave(channelId);
    this.emit({ type: 'ChannelHangupRequest', channelId });
    this.leaveBridge(ch);
    if (ch.inStasis) this.emit({ type: 'StasisEnd', channelId });
    this.destroy(channelId, 16, 'Normal Clearing');
  }

  /** The caller keys digits. */
  dtmf(channelId: string, digits: string): void {
    this.mustHave(channelId);
    for (const digit of digits) this.emit({ type: 'ChannelDtmfReceived', channelId, digit, durationMs: 100 });
  }

  finishPlayback(playbackId: string, state = 'done'): void {
    const p = this.playbacks.get(playbackId);
    if (!p) throw new Error(`no playback ${playbackId}`);
    this.playbacks.delete(playbackId);
    this.emit({ type: 'PlaybackFinished', playbackId, targetUri: `channel:${p.channelId}`, state });
  }

  /** Ends a recording (e.g. '#' pressed, or max length reached). */
  finishRecording(name: string, durationSeconds = 5, state = 'done'): void {
    const r = this.recordings.get(name);
    if (!r) throw new Error(`no recording ${name}`);
    this.recordings.delete(name);
    if (state === 'done') this.storedRecordings.set(name, { contentType: 'audio/wav', data: silentWav(durationSeconds) });
    this.emit({ type: 'RecordingFinished', recordingName: name, targetUri: `channel:${r.channelId}`, state, durationSeconds });
  }

  /** Delivers an event to the StasisStart flow handlers and to every watcher of the ids it names. */
  emit(event: CallEvent): void {
    if (event.type === 'StasisStart') {
      const flow = event.args[0] ?? '';
      for (const h of [...(this.flows.get(flow) ?? [])]) h(event);
    }
    for (const id of idsOf(event)) for (const h of [...(this.watchers.get(id) ?? [])]) h(event);
  }

  /** Number of live watchers (to check that flows unsubscribe). */
  watcherCount(): number {
    let n = 0;
    for (const s of this.watchers.values()) n += s.size;
    return n;
  }

  // ---------- CallControl ----------

  isConnected(): boolean {
    return this.connected;
  }

  onConnectionChange(handler: (connected: boolean) => void): () => void {
    this.connectionHandlers.add(handler);
    return () => this.connectionHandlers.delete(handler);
  }

  onStasisStart(flow: string, handler: (event: StasisStartEvent) => void): () => void {
    const set = this.flows.get(flow) ?? new Set();
    set.add(handler);
    this.flows.set(flow, set);
    return () => set.delete(handler);
  }

  watch(id: string, handler: EventHandler): () => void {
    const set = this.watchers.get(id) ?? new Set();
    set.add(handler);
    this.watchers.set(id, set);
    return () => {
      set.delete(handler);
      if (set.size === 0) this.watchers.delete(id);
    };
  }

  async answer(channelId: string): Promise<void> {
    const ch = await this.begin('answer', [channelId], channelId);
    if (ch.state !== 'Up') {
      ch.state = 'Up';
      this.later({ type: 'ChannelStateChange', channelId, state: 'Up' });
    }
  }

  async ring(channelId: string): Promise<void> {
    (await this.begin('ring', [channelId], channelId)).ringing = true;
  }

  async ringStop(channelId: string): Promise<void> {
    (await this.begin('ringStop', [channelId], channelId)).ringing = false;
  }

  async hangup(channelId: string, reason: HangupReason = 'normal'): Promise<void> {
    const ch = await this.begin('hangup', [channelId, reason], channelId);
    this.channels.delete(channelId);
    setImmediate(() => {
      this.emit({ type: 'ChannelHangupRequest', channelId, cause: 16, soft: true });
      this.leaveBridge(ch);
      if (ch.inStasis) this.emit({ type: 'StasisEnd', channelId });
      this.emit({ type: 'ChannelDestroyed', channelId, cause: 16, causeText: 'Normal Clearing' });
    });
  }

  async play(channelId: string, media: string | string[], playbackId?: string): Promise<string> {
    const list = Array.isArray(media) ? media : [media];
    const id = playbackId ?? `pb-${++this.seq}`;
    await this.begin('play', [channelId, list, id], channelId);
    this.playbacks.set(id, { channelId, media: list });
    setImmediate(() => {
      if (!this.playbacks.has(id)) return;
      this.emit({ type: 'PlaybackStarted', playbackId: id, targetUri: `channel:${channelId}` });
      if (this.autoFinishPlayback && this.playbacks.has(id)) this.finishPlayback(id);
    });
    return id;
  }

  async stopPlayback(playbackId: string): Promise<void> {
    await this.begin('stopPlayback', [playbackId]);
    if (!this.playbacks.has(playbackId)) throw new PlaybackGoneError('Playback not found', playbackId);
    setImmediate(() => this.playbacks.has(playbackId) && this.finishPlayback(playbackId, 'done'));
  }

  async startMoh(channelId: string, mohClass?: string): Promise<void> {
    (await this.begin('startMoh', [channelId, mohClass], channelId)).moh = true;
  }

  async stopMoh(channelId: string): Promise<void> {
    (await this.begin('stopMoh', [channelId], channelId)).moh = false;
  }

  async record(channelId: string, request: RecordRequest): Promise<void> {
    const ch = await this.begin('record', [channelId, request], channelId);
    ch.state = 'Up';
    this.recordings.set(request.name, { channelId, request });
    this.later({ type: 'RecordingStarted', recordingName: request.name, targetUri: `channel:${channelId}` });
  }

  async sendDtmf(channelId: string, dtmf: string): Promise<void> {
    await this.begin('sendDtmf', [channelId, dtmf], channelId);
  }

  async originate(request: OriginateRequest): Promise<void> {
    await this.begin('originate', [request]);
    if (this.channels.has(request.channelId)) throw new InvalidStateError('Channel with given unique ID already exists', request.channelId);
    this.channels.set(request.channelId, {
      id: request.channelId,
      name: `${request.endpoint}-${++this.seq}`,
      state: 'Down',
      callerNumber: request.callerId ?? '',
      callerName: '',
      exten: '',
      context: '',
      inStasis: false,
      originated: request,
      moh: false,
      ringing: false,
    });
    this.later({ type: 'Dial', channelId: request.channelId, dialStatus: '' });
  }

  async getVariable(channelId: string, name: string): Promise<string | undefined> {
    await this.begin('getVariable', [channelId, name], channelId);
    return undefined;
  }

  async setVariable(channelId: string, name: string, value: string): Promise<void> {
    await this.begin('setVariable', [channelId, name, value], channelId);
  }

  async continueInDialplan(channelId: string, target?: { context?: string; extension?: string; priority?: number }): Promise<void> {
    const ch = await this.begin('continueInDialplan', [channelId, target], channelId);
    ch.inStasis = false;
    this.later({ type: 'StasisEnd', channelId });
  }

  async createBridge(bridgeId: string, type: 'mixing' | 'holding', name?: string): Promise<void> {
    await this.begin('createBridge', [bridgeId, type, name]);
    if (this.bridges.has(bridgeId)) throw new InvalidStateError(`Bridge with id '${bridgeId}' already exists`, bridgeId);
    this.bridges.set(bridgeId, { id: bridgeId, type, channelIds: [], moh: false });
  }

  async destroyBridge(bridgeId: string): Promise<void> {
    await this.begin('destroyBridge', [bridgeId]);
    const b = this.mustBridge(bridgeId);
    this.bridges.delete(bridgeId);
    for (const cid of b.channelIds) {
      const ch = this.channels.get(cid);
      if (ch) ch.bridgeId = undefined;
      this.later({ type: 'ChannelLeftBridge', bridgeId, channelId: cid });
    }
  }

  async addToBridge(bridgeId: string, channelIds: string[], role?: 'participant' | 'announcer'): Promise<void> {
    await this.begin('addToBridge', [bridgeId, channelIds, role]);
    const b = this.mustBridge(bridgeId);
    for (const cid of channelIds) if (!this.channels.has(cid)) throw new ChannelGoneError('Channel not found', cid);
    for (const cid of channelIds) {
      const ch = this.channels.get(cid)!;
      if (ch.bridgeId && ch.bridgeId !== bridgeId) this.leaveBridge(ch);
      ch.bridgeId = bridgeId;
      if (!b.channelIds.includes(cid)) b.channelIds.push(cid);
      this.later({ type: 'ChannelEnteredBridge', bridgeId, channelId: cid });
    }
  }

  async removeFromBridge(bridgeId: string, channelIds: string[]): Promise<void> {
    await this.begin('removeFromBridge', [bridgeId, channelIds]);
    const b = this.mustBridge(bridgeId);
    for (const cid of channelIds) {
      if (!b.channelIds.includes(cid)) throw new ChannelGoneError('Channel not found', cid);
      const ch = this.channels.get(cid);
      if (ch) this.leaveBridge(ch);
    }
  }

  async startBridgeMoh(bridgeId: string, mohClass?: string): Promise<void> {
    await this.begin('startBridgeMoh', [bridgeId, mohClass]);
    this.mustBridge(bridgeId).moh = true;
  }

  async stopBridgeMoh(bridgeId: string): Promise<void> {
    await this.begin('stopBridgeMoh', [bridgeId]);
    this.mustBridge(bridgeId).moh = false;
  }

  async listChannels(): Promise<ChannelInfo[]> {
    await this.begin('listChannels', []);
    return [...this.channels.values()].map((c) => this.info(c));
  }

  async listBridges(): Promise<Array<{ id: string; type: string; channelIds: string[] }>> {
    await this.begin('listBridges', []);
    return [...this.bridges.values()].map((b) => ({ id: b.id, type: b.type, channelIds: [...b.channelIds] }));
  }

  async deleteRecording(name: string): Promise<void> {
    await this.begin('deleteRecording', [name]);
    this.deletedRecordings.push(name);
    this.storedRecordings.delete(name);
  }

  async getRecordingFile(name: string): Promise<RecordingFile> {
    await this.begin('getRecordingFile', [name]);
    const file = this.storedRecordings.get(name);
    if (!file) throw new RecordingGoneError('Recording not found', name);
    return { contentType: file.contentType, data: Buffer.from(file.data) };
  }

  // ---------- internals ----------

  /** Records the command, applies a queued failure, and checks the channel exists. */
  private async begin(op: string, args: unknown[], channelId?: string): Promise<FakeChannel> {
    this.commands.push({ op, args });
    await Promise.resolve();
    const failure = this.failures.get(op)?.shift();
    if (failure) throw failure;
    if (!this.connected) throw new CallControlUnavailableError('Asterisk is not reachable');
    if (channelId === undefined) return undefined as unknown as FakeChannel;
    const ch = this.channels.get(channelId);
    if (!ch) throw new ChannelGoneError('Channel not found', channelId);
    return ch;
  }

  private mustHave(channelId: string): FakeChannel {
    const ch = this.channels.get(channelId);
    if (!ch) throw new Error(`test error: no channel ${channelId}`);
    return ch;
  }

  private mustBridge(bridgeId: string) {
    const b = this.bridges.get(bridgeId);
    if (!b) throw new BridgeGoneError('Bridge not found', bridgeId);
    return b;
  }

  private leaveBridge(ch: FakeChannel): void {
    if (!ch.bridgeId) return;
    const b = this.bridges.get(ch.bridgeId);
    const bridgeId = ch.bridgeId;
    ch.bridgeId = undefined;
    if (b) b.channelIds = b.channelIds.filter((c) => c !== ch.id);
    this.emit({ type: 'ChannelLeftBridge', bridgeId, channelId: ch.id });
  }

  private destroy(channelId: string, cause: number, causeText: string): void {
    this.channels.delete(channelId);
    this.emit({ type: 'ChannelDestroyed', channelId, cause, causeText });
  }

  private later(event: CallEvent): void {
    setImmediate(() => this.emit(event));
  }

  private info(ch: FakeChannel): ChannelInfo {
    const state: ChannelState = ch.state;
    return { id: ch.id, name: ch.name, state, callerNumber: ch.callerNumber, callerName: ch.callerName, exten: ch.exten, context: ch.context };
  }
}

/** The ids an event concerns (channel, bridge, playback, recording). */
export function idsOf(event: CallEvent): string[] {
  switch (event.type) {
    case 'StasisStart':
      return [event.channel.id];
    case 'PlaybackStarted':
    case 'PlaybackFinished':
      return [event.playbackId, ...channelOfTarget(event.targetUri)];
    case 'RecordingStarted':
    case 'RecordingFinished':
    case 'RecordingFailed':
      return [event.recordingName, ...channelOfTarget(event.targetUri)];
    case 'ChannelEnteredBridge':
    case 'ChannelLeftBridge':
      return [event.bridgeId, event.channelId];
    case 'BridgeDestroyed':
      return [event.bridgeId];
    case 'ChannelVarset':
      return event.channelId ? [event.channelId] : [];
    default:
      return [event.channelId];
  }
}

function channelOfTarget(uri: string): string[] {
  return uri.startsWith('channel:') ? [uri.slice('channel:'.length)] : [];
}

export { flush };

export { silentWav };
