/**
 * What the ACD writes down for statistics: calls, queue entries (enter, connect, abandon, with
 * waits and positions), offers to agents (each ring of an agent's phone) and dispositions.
 */

export type QueueExit = 'connected' | 'abandoned' | 'callback' | 'voicemail' | 'failed';
export type OfferOutcome = 'answered' | 'missed' | 'caller-gone' | 'failed';

export interface QueueStatsQuery {
  from: Date;
  to: Date;
  intervalMinutes: number;
  /** Answered within this many seconds counts towards the service level. */
  serviceLevelSeconds: number;
  queue?: string;
}

export interface QueueIntervalStats {
  queue: string;
  intervalStart: Date;
  offered: number;
  answered: number;
  answeredInServiceLevel: number;
  abandoned: number;
  /** Callers who chose a callback or a voice message instead of holding. */
  deflected: number;
  /** answeredInServiceLevel / (offered - deflected), null without calls. */
  serviceLevel: number | null;
  /** Average speed of answer, seconds. */
  asaSeconds: number | null;
  /** Average talk time of answered calls, seconds. */
  handleSeconds: number | null;
  abandonRate: number | null;
  averageAbandonWaitSeconds: number | null;
}

export interface CallRecords {
  callStarted(call: { id: string; direction: 'inbound' | 'outbound'; callerNumber: string | null; did: string | null; startedAt: Date }): Promise<void>;
  callUpdated(id: string, patch: { requestId?: string; queueId?: string; agentId?: string; answeredAt?: Date; endedAt?: Date; endReason?: string }): Promise<void>;
  queueEntered(entry: { requestId: string; callId: string | null; queueId: string; enteredAt: Date }): Promise<void>;
  queueLeft(requestId: string, exit: { outcome: QueueExit; leftAt: Date; waitSeconds: number; position: number | null; agentId?: string }): Promise<void>;
  offerStarted(offer: { requestId: string; agentId: string; channelId: string; attemptNo: number; startedAt: Date }): Promise<void>;
  offerEnded(channelId: string, end: { outcome: OfferOutcome; endedAt: Date; answeredAt?: Date }): Promise<void>;
  /** The agent's wrap-up: disposition and notes for a contact they handled. */
  setDisposition(entry: { requestId: string; agentId: string; disposition: string; notes: string | null; at: Date }): Promise<void>;
  /** Whether the agent was offered this request (so only they can set its disposition). */
  wasOfferedTo(requestId: string, agentId: string): Promise<boolean>;
  queueStats(query: QueueStatsQuery): Promise<QueueIntervalStats[]>;
}
