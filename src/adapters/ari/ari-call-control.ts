import { randomUUID } from 'node:crypto';
import { CallControlUnavailableError } from '../../domain/errors';
import type {
  CallControl,
  CallEvent,
  ChannelInfo,
  EventHandler,
  HangupReason,
  OriginateRequest,
  RecordingFile,
  RecordRequest,
} from '../../ports/call-control';
import type { Logger } from '../../ports/logger';
import { ariOperation, type AriClientLike } from './ari-client-like';
import type { AriConnection } from './ari-connection';
import { ARI_OPERATIONS, type AriOperationName } from './ari-operations';
import type { AriRecordingFiles } from './ari-recording-files';
import { classifyAriError } from './classify-ari-error';
import type { EventRouter } from './event-router';
import { toChannelInfo } from './translate-event';
import { checkDtmf, checkId, checkMedia, checkOriginate, checkRecord, checkVariableName } from './validate-ari-input';
import { withTimeout } from './with-timeout';

export interface AriCallControlOptions {
  app: string;
  connection: AriConnection;
  router: EventRouter;
  requestTimeoutMs: number;
  logger: Logger;
  /** Fetches stored recordings' audio; without it getRecordingFile is unavailable. */
  recordingFiles?: Pick<AriRecordingFiles, 'get'>;
}

type Params = Record<string, unknown>;

/**
 * CallControl over ari-client. Every REST call goes through `invoke`: parameters checked against
 * the operation table, bounded by a timeout, and failures classified into typed errors.
 */
export class AriCallControl implements CallControl {
  /** Channels this controller originated: handed back by hanging up, never by continuing in dialplan. */
  readonly originated = new Set<string>();
  /** Originate requests sent and not yet answered: their channels may not be listed yet. */
  readonly originating = new Set<string>();
  /** Bridges this controller created and has not seen destroyed. */
  readonly bridges = new Set<string>();
  /** Playbacks and recordings in progress, by id, with the channel or bridge they target. */
  readonly media = new Map<string, { kind: 'playback' | 'recording'; targetUri: string }>();

  constructor(private readonly options: AriCallControlOptions) {}

  isConnected(): boolean {
    return this.options.connection.isConnected();
  }

  onConnectionChange(handler: (connected: boolean) => void): () => void {
    return this.options.connection.onChange(handler);
  }

  onStasisStart(flow: string, handler: (event: Extract<CallEvent, { type: 'StasisStart' }>) => void): () => void {
    return this.options.router.onStasisStart(flow, handler);
  }

  watch(id: string, handler: EventHandler): () => void {
    return this.options.router.watch(id, handler);
  }

  /** Forgets state kept for ids that can receive no more events. Called by the event pipeline. */
  noteEvent(event: CallEvent): void {
    switch (event.type) {
      case 'ChannelDestroyed':
        this.originated.delete(event.channelId);
        break;
      case 'BridgeDestroyed':
        this.bridges.delete(event.bridgeId);
        break;
      case 'PlaybackFinished':
        this.media.delete(event.playbackId);
        break;
      case 'RecordingFinished':
      case 'RecordingFailed':
        this.media.delete(event.recordingName);
        break;
      default:
        break;
    }
  }

  async answer(channelId: string): Promise<void> {
    await this.invoke('answer', { channelId }, channelId);
  }

  async ring(channelId: string): Promise<void> {
    await this.invoke('ring', { channelId }, channelId);
  }

  async ringStop(channelId: string): Promise<void> {
    await this.invoke('ringStop', { channelId }, channelId);
  }

  async hangup(channelId: string, reason: HangupReason = 'normal'): Promise<void> {
    await this.invoke('hangup', { channelId, reason }, channelId);
  }

  async play(channelId: string, media: string | string[], playbackId?: string): Promise<string> {
    const list = checkMedia(media);
    const id = playbackId === undefined ? randomUUID() : checkId('playbackId', playbackId);
    this.media.set(id, { kind: 'playback', targetUri: `channel:${channelId}` });
    try {
      await this.invoke('play', { channelId, media: list.join(','), playbackId: id }, channelId);
    } catch (err) {
      this.media.delete(id);
      throw err;
    }
    return id;
  }

  async stopPlayback(playbackId: string): Promise<void> {
    await this.invoke('stopPlayback', { playbackId }, playbackId);
  }

  async startMoh(channelId: string, mohClass?: string): Promise<void> {
    await this.invoke('startMoh', { channelId, mohClass }, channelId);
  }

  async stopMoh(channelId: string): Promise<void> {
    await this.invoke('stopMoh', { channelId }, channelId);
  }

  async record(channelId: string, request: RecordRequest): Promise<void> {
    const req = checkRecord(request);
    this.media.set(req.name, { kind: 'recording', targetUri: `channel:${channelId}` });
    try {
      await this.invoke(
        'record',
        {
          channelId,
          name: req.name,
          format: req.format ?? 'wav',
          maxDurationSeconds: req.maxDurationSeconds,
          maxSilenceSeconds: req.maxSilenceSeconds,
          ifExists: req.ifExists,
          beep: req.beep,
          terminateOn: req.terminateOn,
        },
        channelId,
      );
    } catch (err) {
      this.media.delete(req.name);
      throw err;
    }
  }

  async sendDtmf(channelId: string, dtmf: string): Promise<void> {
    await this.invoke('sendDtmf', { channelId, dtmf: checkDtmf(dtmf) }, channelId);
  }

  async originate(request: OriginateRequest): Promise<void> {
    checkOriginate(request);
    if (!this.isConnected()) {
      throw new CallControlUnavailableError('originate refused: the ARI event socket is down, the call could not be followed', request.channelId);
    }
    this.originated.add(request.channelId);
    this.originating.add(request.channelId);
    try {
      await this.invoke(
        'originate',
        {
          endpoint: request.endpoint,
          app: this.options.app,
          appArgs: request.appArgs.join(','),
          channelId: request.channelId,
          otherChannelId: request.otherChannelId,
          callerId: request.callerId,
          timeout: request.timeoutSeconds,
          variables: request.variables && Object.keys(request.variables).length > 0 ? request.variables : undefined,
        },
        request.channelId,
      );
    } catch (err) {
      // A timed-out originate may still have created the channel: keep tracking it until reconciled.
      if (!(err instanceof CallControlUnavailableError)) this.originated.delete(request.channelId);
      throw err;
    } finally {
      this.originating.delete(request.channelId);
    }
  }

  async getVariable(channelId: string, name: string): Promise<string | undefined> {
    const result = await this.invoke<{ value?: unknown }>('getChannelVar', { channelId, variable: checkVariableName(name) }, channelId, isMissingVariable);
    return result === undefined || typeof result.value !== 'string' ? undefined : result.value;
  }

  async setVariable(channelId: string, name: string, value: string): Promise<void> {
    await this.invoke('setChannelVar', { channelId, variable: checkVariableName(name), value }, channelId);
  }

  async continueInDialplan(channelId: string, target: { context?: string; extension?: string; priority?: number } = {}): Promise<void> {
    await this.invoke('continueInDialplan', { channelId, context: target.context, extension: target.extension, priority: target.priority }, channelId);
  }

  async createBridge(bridgeId: string, type: 'mixing' | 'holding', name?: string): Promise<void> {
    checkId('bridgeId', bridgeId);
    await this.invoke('createBridge', { type, bridgeId, name }, bridgeId);
    this.bridges.add(bridgeId);
  }

  async destroyBridge(bridgeId: string): Promise<void> {
    try {
      await this.invoke('destroyBridge', { bridgeId }, bridgeId);
    } finally {
      this.bridges.delete(bridgeId);
    }
  }

  async addToBridge(bridgeId: string, channelIds: string[], role?: 'participant' | 'announcer'): Promise<void> {
    channelIds.forEach((id, i) => checkId(`channelIds[${i}]`, id));
    await this.invoke('addChannel', { bridgeId, channel: channelIds.join(','), role }, bridgeId);
  }

  async removeFromBridge(bridgeId: string, channelIds: string[]): Promise<void> {
    channelIds.forEach((id, i) => checkId(`channelIds[${i}]`, id));
    await this.invoke('removeChannel', { bridgeId, channel: channelIds.join(',') }, bridgeId);
  }

  async startBridgeMoh(bridgeId: string, mohClass?: string): Promise<void> {
    await this.invoke('startBridgeMoh', { bridgeId, mohClass }, bridgeId);
  }

  async stopBridgeMoh(bridgeId: string): Promise<void> {
    await this.invoke('stopBridgeMoh', { bridgeId }, bridgeId);
  }

  async listChannels(): Promise<ChannelInfo[]> {
    const raw = await this.invoke<unknown[]>('listChannels', {});
    return (Array.isArray(raw) ? raw : []).map(toChannelInfo).filter((c): c is ChannelInfo => c !== undefined);
  }

  async listBridges(): Promise<Array<{ id: string; type: string; channelIds: string[] }>> {
    const raw = await this.invoke<unknown[]>('listBridges', {});
    return (Array.isArray(raw) ? raw : []).flatMap((b) => {
      const bridge = b as { id?: unknown; bridge_type?: unknown; channels?: unknown };
      if (typeof bridge.id !== 'string') return [];
      const channelIds = Array.isArray(bridge.channels) ? bridge.channels.filter((c): c is string => typeof c === 'string') : [];
      return [{ id: bridge.id, type: typeof bridge.bridge_type === 'string' ? bridge.bridge_type : '', channelIds }];
    });
  }

  async deleteRecording(name: string): Promise<void> {
    await this.invoke('deleteStoredRecording', { recordingName: name }, name);
  }

  async getRecordingFile(name: string): Promise<RecordingFile> {
    const files = this.options.recordingFiles;
    if (!files) throw new CallControlUnavailableError('recording files are not available from this connection', name);
    return files.get(name);
  }

  /**
   * Calls one ARI operation on the current client. `rescue` may turn a raw failure into a result
   * (e.g. a missing variable is `undefined`, not an error).
   */
  async invoke<T = unknown>(name: AriOperationName, params: Params, resourceId?: string, rescue?: (err: unknown) => boolean): Promise<T | undefined> {
    const operation = ARI_OPERATIONS[name];
    const clean: Params = {};
    for (const [key, value] of Object.entries(params)) {
      if (!operation.params.includes(key)) throw new Error(`ARI ${operation.resource}.${operation.nickname} takes no parameter "${key}"`);
      if (value !== undefined) clean[key] = value;
    }
    const client: AriClientLike | undefined = this.options.connection.client();
    const what = `ARI ${operation.resource}.${operation.nickname}`;
    if (!client) throw new CallControlUnavailableError(`${what}: not connected to Asterisk`, resourceId);
    const fn = ariOperation(client, operation.resource, operation.nickname);
    if (!fn) throw new CallControlUnavailableError(`${what}: this Asterisk does not offer the operation`, resourceId);
    const timeoutMs = this.options.requestTimeoutMs;
    try {
      return (await withTimeout(
        Promise.resolve(fn(clean)),
        timeoutMs,
        () => new CallControlUnavailableError(`${what}: no answer from Asterisk within ${timeoutMs} ms`, resourceId),
      )) as T;
    } catch (err) {
      if (rescue?.(err)) return undefined;
      const classified = classifyAriError(err, operation, resourceId);
      this.options.logger.debug({ err: classified, operation: name, resourceId }, 'ARI request failed');
      throw classified;
    }
  }
}

/** Asterisk answers 404 `{"message":"Provided variable was not found"}` for an unset channel variable. */
function isMissingVariable(err: unknown): boolean {
  return err instanceof Error && /variable was not found/i.test(err.message);
}
