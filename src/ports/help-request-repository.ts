import type { HelpRequest, RequestStatus } from '../domain/help-request';

export type NewHelpRequest = Omit<HelpRequest, 'createdAt' | 'updatedAt' | 'attempts' | 'outcome' | 'customerId'> & {
  customerId?: string | null;
  idempotencyKey?: string | null;
  clientIp?: string | null;
};

export type HelpRequestPatch = Partial<
  Pick<HelpRequest, 'priority' | 'preferredAt' | 'dueAt' | 'status' | 'attempts' | 'outcome' | 'context' | 'customerId' | 'queue'>
>;

export interface CreateResult {
  request: HelpRequest;
  created: boolean;
  /** Address and Idempotency-Key the returned request was submitted with. */
  clientIp: string | null;
  idempotencyKey: string | null;
}

export interface AuditEntry {
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
  details?: Record<string, unknown>;
}

/** The system of record for help requests (MySQL). */
export interface HelpRequestRepository {
  /**
   * Inserts a request. When an open request for the same destination and queue exists, or one with the
   * same idempotency key, returns that one with `created: false` instead (never two open requests).
   * The result says where the returned request came from, so the caller can decide who may see it.
   */
  create(request: NewHelpRequest, audit: AuditEntry): Promise<CreateResult>;
  findById(id: string): Promise<HelpRequest | null>;
  /**
   * Conditional state change: applies `patch` only if the current status is one of `from`.
   * Returns the updated request, or null when the status did not match (someone else moved it).
   * This is the lock that keeps a request from being dialled twice.
   */
  transition(id: string, from: readonly RequestStatus[], patch: HelpRequestPatch, audit?: AuditEntry): Promise<HelpRequest | null>;
  /** Marks the request's list entry as created (the outbox flag). */
  markEnqueued(id: string): Promise<void>;
  /** Waiting requests (queued or scheduled, not callers on hold) never marked enqueued, for the start-up reconcile. */
  findNotEnqueued(limit: number): Promise<HelpRequest[]>;
  /** Requests in these statuses ordered by id; pass the last id seen as `afterId` to page. */
  findByStatus(statuses: readonly RequestStatus[], queue?: string, limit?: number, afterId?: string): Promise<HelpRequest[]>;
  /** The requests with these ids that exist, in no particular order. */
  findByIds(ids: readonly string[]): Promise<HelpRequest[]>;
  /**
   * Voice-mail requests closed (completed, failed, cancelled) before `closedBefore` whose context
   * still names a recording, oldest first: the retention's work.
   */
  findClosedVoiceMessages(closedBefore: Date, limit: number): Promise<HelpRequest[]>;
  audit(entry: AuditEntry): Promise<void>;
  auditTrail(entityType: string, entityId: string): Promise<Array<AuditEntry & { at: Date }>>;
}
