import type { AttemptOutcome } from '../domain/call-outcome';
import type { RequestStatus } from '../domain/help-request';

/** One try at reaching a customer: the `contact_attempts` table. */
export interface ContactAttempt {
  id: string;
  requestId: string;
  /** 1, 2, 3 ... per request; unique with the request id. */
  attemptNo: number;
  mode: string;
  channelId: string | null;
  agentId: string | null;
  dialString: string | null;
  /** The controller process that owns the attempt while it runs. */
  owner: string;
  /** The owner renews this while the attempt runs; an open attempt past its lease belongs to a dead process. */
  leaseUntil: Date | null;
  startedAt: Date;
  answeredAt: Date | null;
  endedAt: Date | null;
  outcome: AttemptOutcome | null;
  dialStatus: string | null;
  hangupCause: number | null;
}

export interface NewAttempt {
  requestId: string;
  mode: string;
  owner: string;
  leaseUntil: Date;
  startedAt: Date;
  agentId?: string | null;
  dialString?: string | null;
  channelId?: string | null;
}

export interface AttemptResult {
  outcome: AttemptOutcome;
  endedAt: Date;
  answeredAt?: Date | null;
  dialStatus?: string | null;
  hangupCause?: number | null;
}

export interface AttemptRepository {
  /**
   * Claims a request for dialling in one transaction: moves it from one of `from` to 'dialling'
   * (with `context`) and opens its next attempt. Null when the request was not in `from` (taken,
   * cancelled, already dialled); ConflictError when another attempt of it is open. Either both
   * happen or neither, so a crash never leaves a request 'dialling' without its attempt.
   */
  claim(attempt: NewAttempt, from: readonly RequestStatus[], context: Record<string, unknown>): Promise<ContactAttempt | null>;
  /**
   * Undoes a claim before anything was dialled (the reserved agent turned out to be held by
   * another controller), in one transaction: the open attempt of `owner`, with no channel yet, is
   * removed and the request goes from 'dialling' back to `backTo`. False when the attempt was not
   * in that state (closed, swept or dialling), and then nothing changes.
   */
  unclaim(attempt: Pick<ContactAttempt, 'id' | 'requestId' | 'owner'>, backTo: RequestStatus): Promise<boolean>;
  /**
   * Opens the next attempt of a request (attempt_no = previous + 1). Rejects with ConflictError
   * when another attempt of the request is still open: two processes never dial one request at once.
   */
  open(attempt: NewAttempt): Promise<ContactAttempt>;
  /** Fills in what is known once dialling starts (channel id, dial string, agent). */
  update(id: string, patch: Partial<Pick<ContactAttempt, 'channelId' | 'dialString' | 'agentId' | 'answeredAt'>>): Promise<void>;
  /** Extends the lease of an open attempt still owned by `owner`; false when it is no longer ours. */
  renew(id: string, owner: string, leaseUntil: Date): Promise<boolean>;
  /** Closes an open attempt with its outcome, once: false when it was already closed. */
  close(id: string, result: AttemptResult): Promise<boolean>;
  /** Open attempts whose lease ran out before `now` (their owner died). */
  findExpired(now: Date, limit: number): Promise<ContactAttempt[]>;
  /** Open attempts of this owner (at start-up, those of a previous life with the same owner id). */
  findOpenByOwner(owner: string): Promise<ContactAttempt[]>;
  listForRequest(requestId: string): Promise<ContactAttempt[]>;
}
