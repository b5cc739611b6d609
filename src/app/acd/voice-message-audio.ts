import { CallControlUnavailableError, DomainError, NotFoundError, RecordingGoneError, UnavailableError } from '../../domain/errors';
import type { CallControl, RecordingFile } from '../../ports/call-control';
import type { CallRecords } from '../../ports/call-records';
import type { HelpRequestRepository } from '../../ports/help-request-repository';

export interface VoiceMessageAudioDeps {
  cc: Pick<CallControl, 'getRecordingFile'>;
  requests: Pick<HelpRequestRepository, 'findById'>;
  records: Pick<CallRecords, 'wasOfferedTo'>;
}

/**
 * The audio of a voice message, for the agent it was offered to. The recording's name comes
 * from the request's own context (written when the message was left), never from the caller of
 * this service. Another agent's request (or an unknown id) is `forbidden`; a request of this
 * agent that is not a voice message, or whose recording is no longer stored, is `not_found`.
 */
export class VoiceMessageAudio {
  constructor(private readonly deps: VoiceMessageAudioDeps) {}

  async open(agentId: string, requestId: string): Promise<RecordingFile> {
    if (!(await this.deps.records.wasOfferedTo(requestId, agentId))) {
      throw new DomainError('forbidden', 'no contact of this agent with that request id', 'requestId');
    }
    const request = await this.deps.requests.findById(requestId);
    const recording = request?.context.recording;
    if (!request || request.channel !== 'voicemail' || typeof recording !== 'string' || recording === '') {
      throw new NotFoundError('voice message of this request');
    }
    try {
      return await this.deps.cc.getRecordingFile(recording);
    } catch (err) {
      if (err instanceof RecordingGoneError) throw new NotFoundError('recording of this voice message');
      if (err instanceof CallControlUnavailableError) throw new UnavailableError('the phone system did not deliver the recording; try again shortly');
      throw err;
    }
  }
}
