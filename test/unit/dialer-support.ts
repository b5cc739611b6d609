import { randomUUID } from 'node:crypto';
import { ConflictError } from '../../src/domain/errors';
import { DEFAULT_PRIORITY, type HelpRequest, type RequestStatus } from '../../src/domain/help-request';
import type { AttemptRepository, AttemptResult, ContactAttempt, NewAttempt } from '../../src/ports/attempt-repository';
import type { AuditEntry, CreateResult, HelpRequestPatch, HelpRequestRepository, NewHelpRequest } from '../../src/ports/help-request-repository';
import type { Logger } from '../../src/ports/logger';
import type { MailMessage, Mailer } from '../../src/ports/mailer';
import type { RateLimitDecision, RateLimiter } from '../../src/ports/rate-limiter';

/** In-memory help requests with the same conditional-transition semantics as the MySQL repository. */
export class MemoryRequests implements Pick<HelpRequestRepository, 'create' | 'findById' | 'transition' | 'findByStatus' | 'audit' | 'auditTrail'> {
  readonly rows = new Map<string, HelpRequest>();
  readonly audits: AuditEntry[] = [];

  constructor(private readonly now: () => Date) {}

  async create(request: NewHelpRequest, audit: AuditEntry): Promise<CreateResult> {
    const { idempotencyKey: _k, clientIp: _ip, ...fields } = request;
    const row: HelpRequest = { ...fields, customerId: request.customerId ?? null, attempts: 0, outcome: null, createdAt: this.now(), updatedAt: this.now() };
    this.rows.set(row.id, row);
    this.audits.push(audit);
    return { request: { ...row }, created: true, clientIp: request.clientIp ?? null, idempotencyKey: request.idempotencyKey ?? null };
  }
  async findById(id: string): Promise<HelpRequest | null> {
    const r = this.rows.get(id);
    return r ? { ...r, context: { ...r.context } } : null;
  }
  async transition(id: string, from: readonly RequestStatus[], patch: HelpRequestPatch, audit?: AuditEntry): Promise<HelpRequest | null> {
    const r = this.rows.get(id);
    if (!r || !from.includes(r.status)) return null;
    Object.assign(r, patch, { updatedAt: this.now() });
    if (audit) this.audits.push(audit);
    return { ...r, context: { ...r.context } };
  }
  async findByStatus(statuses: readonly RequestStatus[], queue?: string): Promise<HelpRequest[]> {
    return [...this.rows.values()].filter((r) => statuses.includes(r.status) && (!queue || r.queue === queue));
  }
  async audit(entry: AuditEntry): Promise<void> {
    this.audits.push(entry);
  }
  async auditTrail(entityType: string, entityId: string): Promise<Array<AuditEntry & { at: Date }>> {
    return this.audits.filter((a) => a.entityType === entityType && a.entityId === entityId).map((a) => ({ ...a, at: this.now() }));
  }
}

/** In-memory attempts: one open attempt per request, numbered 1, 2, 3... */
export class MemoryAttempts implements AttemptRepository {
  readonly rows: ContactAttempt[] = [];
  private seq = 0;

  /** `requests` is needed for `claim`. */
  constructor(private readonly requests?: MemoryRequests) {}

  async claim(a: NewAttempt, from: readonly RequestStatus[], context: Record<string, unknown>): Promise<ContactAttempt | null> {
    const r = this.requests?.rows.get(a.requestId);
    if (!r || !from.includes(r.status)) return null;
    const attempt = await this.open(a); // throws ConflictError before anything changed
    Object.assign(r, { status: 'dialling', context });
    return attempt;
  }

  async unclaim(a: Pick<ContactAttempt, 'id' | 'requestId' | 'owner'>, backTo: RequestStatus): Promise<boolean> {
    const i = this.rows.findIndex((r) => r.id === a.id && r.requestId === a.requestId && r.owner === a.owner && !r.endedAt && !r.channelId);
    const request = this.requests?.rows.get(a.requestId);
    if (i < 0 || request?.status !== 'dialling') return false;
    this.rows.splice(i, 1);
    request.status = backTo;
    return true;
  }
  async open(a: NewAttempt): Promise<ContactAttempt> {
    const mine = this.rows.filter((r) => r.requestId === a.requestId);
    if (mine.some((r) => r.endedAt === null)) throw new ConflictError(`an attempt of request ${a.requestId} is already open`);
    const row: ContactAttempt = {
      id: String(++this.seq),
      requestId: a.requestId,
      attemptNo: mine.length + 1,
      mode: a.mode,
      channelId: a.channelId ?? null,
      agentId: a.agentId ?? null,
      dialString: a.dialString ?? null,
      owner: a.owner,
      leaseUntil: a.leaseUntil,
      startedAt: a.startedAt,
      answeredAt: null,
      endedAt: null,
      outcome: null,
      dialStatus: null,
      hangupCause: null,
    };
    this.rows.push(row);
    return { ...row };
  }
  async update(id: string, patch: Partial<ContactAttempt>): Promise<void> {
    Object.assign(this.get(id), patch);
  }
  async renew(id: string, owner: string, leaseUntil: Date): Promise<boolean> {
    const r = this.get(id);
    if (r.endedAt || r.owner !== owner) return false;
    r.leaseUntil = leaseUntil;
    return true;
  }
  async close(id: string, result: AttemptResult): Promise<boolean> {
    const r = this.get(id);
    if (r.endedAt) return false;
    Object.assign(r, { outcome: result.outcome, endedAt: result.endedAt, dialStatus: result.dialStatus ?? null, hangupCause: result.hangupCause ?? null });
    if (result.answeredAt) r.answeredAt = result.answeredAt;
    return true;
  }
  async findExpired(now: Date): Promise<ContactAttempt[]> {
    return this.rows.filter((r) => !r.endedAt && r.leaseUntil && r.leaseUntil < now).map((r) => ({ ...r }));
  }
  async findOpenByOwner(owner: string): Promise<ContactAttempt[]> {
    return this.rows.filter((r) => !r.endedAt && r.owner === owner).map((r) => ({ ...r }));
  }
  async listForRequest(requestId: string): Promise<ContactAttempt[]> {
    return this.rows.filter((r) => r.requestId === requestId).map((r) => ({ ...r }));
  }
  private get(id: string): ContactAttempt {
    const r = this.rows.find((x) => x.id === id);
    if (!r) throw new Error(`no attempt ${id}`);
    return r;
  }
}

/** Counts per key for ever (no window); a refusal answers the Retry-After given. */
export class MemoryRateLimiter implements RateLimiter {
  private readonly counts = new Map<string, number>();
  constructor(private readonly retryAfterSeconds: number) {}
  async consume(key: string, limit: number): Promise<RateLimitDecision> {
    const n = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, n);
    return { allowed: n <= limit, remaining: Math.max(0, limit - n), retryAfterSeconds: this.retryAfterSeconds };
  }
}

export class MemoryMailer implements Mailer {
  readonly sent: MailMessage[] = [];
  async send(message: MailMessage): Promise<void> {
    this.sent.push(message);
  }
}

export const silentLogger: Logger = {
  child: () => silentLogger,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

export function newRequest(now: Date, over: Partial<NewHelpRequest> = {}): NewHelpRequest {
  return {
    id: `hr-${randomUUID().slice(0, 8)}`,
    channel: 'pstn',
    queue: 'support',
    phone: '+442079460123',
    sipUri: null,
    name: 'Ada',
    email: 'ada@example.com',
    pageUrl: null,
    message: 'my router',
    priority: DEFAULT_PRIORITY,
    arrivalAt: now,
    preferredAt: null,
    dueAt: now,
    status: 'reserved',
    context: {},
    ...over,
  };
}
