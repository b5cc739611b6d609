import { ChannelGoneError, PlaybackGoneError, RecordingGoneError } from '../../domain/errors';
import type { CallEvent } from '../../ports/call-control';
import type { Logger } from '../../ports/logger';
import type { AriCallControl } from './ari-call-control';
import type { EventPipeline } from './event-pipeline';
import type { EventRouter } from './event-router';
import { toChannelInfo } from './translate-event';

export interface ReconcileDeps {
  app: string;
  control: AriCallControl;
  router: EventRouter;
  pipeline: EventPipeline;
  logger: Logger;
}

export interface ReconcileReport {
  /** Watched channels that ended while the event socket was down (StasisEnd/ChannelDestroyed synthesized). */
  endedChannels: string[];
  destroyedBridges: string[];
  finishedMedia: string[];
  /** Channels in the app nobody handled, re-offered to their flow with `resumed: true`. */
  resumedChannels: string[];
}

export const ENDED_WHILE_AWAY = 'Ended while the controller was disconnected from Asterisk';

type RawChannel = { id?: unknown; dialplan?: { app_name?: unknown; app_data?: unknown } };

/**
 * Runs after every (re)connection: asks Asterisk what is alive and tells the sessions that watched
 * something that is gone (with the events they would have received), then offers channels that sit
 * in the Stasis app without a handler to their flow again, so no call is left hanging in silence.
 */
export async function reconcile(deps: ReconcileDeps): Promise<ReconcileReport> {
  const { control, router, pipeline, logger, app } = deps;
  const report: ReconcileReport = { endedChannels: [], destroyedBridges: [], finishedMedia: [], resumedChannels: [] };
  const watchedBefore = router.watchedIds();
  const rawChannels = ((await control.invoke<RawChannel[]>('listChannels', {})) ?? []) as RawChannel[];
  const liveBridges = new Set((await control.listBridges()).map((b) => b.id));
  const liveChannels = new Map<string, RawChannel>();
  for (const ch of rawChannels) if (typeof ch.id === 'string') liveChannels.set(ch.id, ch);

  for (const [id, entry] of [...control.media]) {
    if (await mediaEnded(control, id, entry.kind)) {
      const finished: CallEvent =
        entry.kind === 'playback'
          ? { type: 'PlaybackFinished', playbackId: id, targetUri: entry.targetUri, state: 'done' }
          : await recordingOutcome(control, id, entry.targetUri);
      pipeline.deliver(finished);
      report.finishedMedia.push(id);
    }
  }

  for (const id of watchedBefore) {
    if (!router.isWatched(id) || liveChannels.has(id) || liveBridges.has(id) || control.media.has(id)) continue;
    if (control.bridges.has(id)) {
      pipeline.deliver({ type: 'BridgeDestroyed', bridgeId: id });
      report.destroyedBridges.push(id);
      continue;
    }
    if (control.originating.has(id) || !(await channelGone(control, id))) continue;
    pipeline.deliver({ type: 'StasisEnd', channelId: id });
    pipeline.deliver({ type: 'ChannelDestroyed', channelId: id, cause: 0, causeText: ENDED_WHILE_AWAY });
    report.endedChannels.push(id);
  }

  for (const id of [...control.bridges]) if (!liveBridges.has(id)) control.bridges.delete(id);
  for (const id of [...control.originated]) {
    if (!liveChannels.has(id) && !control.originating.has(id)) control.originated.delete(id);
  }
  for (const id of [...pipeline.inStasis]) if (!liveChannels.has(id)) pipeline.inStasis.delete(id);

  for (const [id, raw] of liveChannels) {
    const args = stasisArgs(raw, app);
    if (!args || pipeline.inStasis.has(id) || router.isWatched(id)) continue;
    const channel = toChannelInfo(raw);
    if (!channel) continue;
    logger.warn({ channelId: id, args }, 'channel in the Stasis app without a handler; offering it to its flow again');
    pipeline.deliver({ type: 'StasisStart', channel, args, resumed: true });
    report.resumedChannels.push(id);
  }
  logger.info(
    {
      endedChannels: report.endedChannels.length,
      destroyedBridges: report.destroyedBridges.length,
      finishedMedia: report.finishedMedia.length,
      resumedChannels: report.resumedChannels.length,
    },
    'ARI state reconciled',
  );
  return report;
}

/** The Stasis arguments of a channel currently inside this app, from its dialplan snapshot. */
export function stasisArgs(raw: RawChannel, app: string): string[] | undefined {
  const dp = raw.dialplan;
  if (!dp || dp.app_name !== 'Stasis' || typeof dp.app_data !== 'string') return undefined;
  const [name, ...args] = dp.app_data.split(',');
  return name?.trim() === app ? args : undefined;
}

async function channelGone(control: AriCallControl, id: string): Promise<boolean> {
  try {
    await control.invoke('getChannel', { channelId: id }, id);
    return false;
  } catch (err) {
    return err instanceof ChannelGoneError;
  }
}

async function mediaEnded(control: AriCallControl, id: string, kind: 'playback' | 'recording'): Promise<boolean> {
  try {
    if (kind === 'playback') await control.invoke('getPlayback', { playbackId: id }, id);
    else await control.invoke('getLiveRecording', { recordingName: id }, id);
    return false;
  } catch (err) {
    return err instanceof PlaybackGoneError || err instanceof RecordingGoneError;
  }
}

async function recordingOutcome(control: AriCallControl, name: string, targetUri: string): Promise<CallEvent> {
  try {
    await control.invoke('getStoredRecording', { recordingName: name }, name);
    return { type: 'RecordingFinished', recordingName: name, targetUri, state: 'done' };
  } catch {
    return { type: 'RecordingFailed', recordingName: name, targetUri, cause: ENDED_WHILE_AWAY };
  }
}
