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

/** Callback requests (web, IVR "call me back", ring me now) that arrived in a range, and what became of them. */
export interface CallbackStats {
  requested: number;
  /** Closed as reached: the customer answered and was connected. */
  completed: number;
  /** Closed without reaching the customer (attempts used up, a number refused at dial time, ...). */
  failed: number;
  cancelled: number;
  /** Still waiting, scheduled or being dialled. */
  open: number;
  /** Calls placed to customers for these requests. */
  attempts: number;
  /** Average seconds from the request to its first call, over requests called at least once. */
  firstAttemptSeconds: number | null;
  /** Average seconds from the request to the customer answering the call that connected. */
  connectSeconds: number | null;
  /** completed / (completed + failed): the share of finished callbacks that reached the customer. */
  reachRate: number | null;
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
  callbackStats(query: { from: Date; to: Date; queue?: string }): Promise<CallbackStats>;
}
