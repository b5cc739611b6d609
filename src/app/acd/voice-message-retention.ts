import { RecordingGoneError } from '../../domain/errors';
import type { CallControl } from '../../ports/call-control';
import type { Clock } from '../../ports/clock';
import type { HelpRequestRepository } from '../../ports/help-request-repository';
import type { Logger } from '../../ports/logger';
import { PeriodicTask } from '../periodic-task';

export interface VoiceMessageRetentionDeps {
  cc: Pick<CallControl, 'deleteRecording'>;
  requests: Pick<HelpRequestRepository, 'findClosedVoiceMessages' | 'transition'>;
  clock: Clock;
  logger: Logger;
  /** Days a voice message's recording is kept after its request was closed. */
  retentionDays: number;
}

const BATCH = 100;
/** Batches a pass deletes at most; the next pass goes on where it stopped. */
const BATCHES_PER_PASS = 10;
const DAY_MS = 86_400_000;

/**
 * Deletes the recordings of voice messages once their request has been closed for the retention
 * period: callers' voices are personal data, and Asterisk would keep every one of them forever.
 * The recording goes from Asterisk first, then its name leaves the request (an audit row keeps
 * it), so a recording that could not be deleted is tried again at the next pass. Open requests keep
 * their recording whatever its age.
 */
export class VoiceMessageRetention {
  private readonly task: PeriodicTask;
  private readonly firstPass: () => Promise<unknown>;

  constructor(
    private readonly deps: VoiceMessageRetentionDeps,
    everyMs = 3_600_000,
  ) {
    if (!Number.isInteger(deps.retentionDays) || deps.retentionDays < 1) throw new Error('retentionDays: must be a whole number of days, at least 1');
    const reportFailure = (err: unknown): void => deps.logger.warn({ err }, 'voice message retention pass failed');
    this.task = new PeriodicTask(deps.clock, everyMs, () => this.purge(), reportFailure);
    this.firstPass = () => this.purge().catch(reportFailure);
  }

  /** Runs a pass now, then one every hour, until stopped. A failed pass is logged and the next one comes. */
  start(): void {
    void this.task.start(this.firstPass);
  }

  async stop(): Promise<void> {
    await this.task.stop();
  }

  /** One pass; returns how many recordings were deleted. */
  async purge(): Promise<number> {
    const { cc, requests, clock, logger, retentionDays } = this.deps;
    const now = clock.now();
    const closedBefore = new Date(now.getTime() - retentionDays * DAY_MS);
    let deleted = 0;
    for (let pass = 0; pass < BATCHES_PER_PASS; pass++) {
      const batch = await requests.findClosedVoiceMessages(closedBefore, BATCH);
      for (const request of batch) {
        const recording = String(request.context.recording);
        try {
          await cc.deleteRecording(recording);
        } catch (err) {
          // Gone already (deleted by hand, another controller): only the request is left to update.
          if (!(err instanceof RecordingGoneError)) {
            logger.warn({ err, requestId: request.id, recording }, 'voice message recording not deleted; trying again at the next pass');
            return deleted;
          }
        }
        const { recording: _name, ...context } = request.context;
        await requests.transition(request.id, [request.status], { context: { ...context, recordingDeletedAt: now.toISOString() } }, {
          actor: 'retention',
          action: 'voice-message.deleted',
          entityType: 'help_request',
          entityId: request.id,
          details: { recording, retentionDays, closedAt: request.updatedAt.toISOString() },
        });
        deleted++;
      }
      if (batch.length < BATCH) break;
    }
    if (deleted) logger.info({ deleted, retentionDays }, 'voice message recordings deleted after the retention period');
    return deleted;
  }
}
