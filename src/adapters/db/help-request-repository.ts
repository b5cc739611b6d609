import type { Knex } from 'knex';
import { ConflictError, DomainError, UnavailableError } from '../../domain/errors';
import { FINAL_STATUSES, type HelpRequest, type RequestStatus } from '../../domain/help-request';
import type { AuditEntry, CreateResult, HelpRequestPatch, HelpRequestRepository, NewHelpRequest } from '../../ports/help-request-repository';
import type { Logger } from '../../ports/logger';
import { EnqueuedFlags } from './enqueued-flags';
import { GroupCommit, type GroupCommitOptions } from './group-commit';

const OPEN_KEY_CHANNELS = new Set(['pstn', 'voip', 'ivr', 'click-to-call']);
const COLUMNS: Record<keyof HelpRequestPatch, string> = {
  priority: 'priority',
  preferredAt: 'preferred_at',
  dueAt: 'due_at',
  status: 'status',
  attempts: 'attempts',
  outcome: 'outcome',
  context: 'context',
  customerId: 'customer_id',
  queue: 'queue_id',
};

/**
 * Help requests in MySQL/MariaDB. Every statement is parameterized through knex; every change
 * writes its audit row in the same transaction. "One open request per destination and queue" is
 * the database's own rule (the `open_key` unique column), so it holds across processes.
 */
export class KnexHelpRequestRepository implements HelpRequestRepository {
  private readonly inserts: GroupCommit;
  private readonly flags: EnqueuedFlags;

  constructor(
    private readonly knex: Knex,
    private readonly logger?: Logger,
    options: { groupCommit?: Pick<GroupCommitOptions, 'maxBatch' | 'maxInFlight' | 'oneTrip'> } = {},
  ) {
    this.flags = new EnqueuedFlags(knex, () => this.inserts.busy, (err) => this.translate(err));
    this.inserts = new GroupCommit(knex, {
      ...options.groupCommit,
      isConnectionError,
      rider: () => this.flags.rider(),
      onIdle: () => this.flags.kick(),
    });
  }

  async create(request: NewHelpRequest, audit: AuditEntry): Promise<CreateResult> {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const now = new Date();
        // Committed with whatever other requests arrive at the same moment (a group commit).
        await this.inserts.insert([
          { table: 'help_requests', row: { ...toRow(request), created_at: now, updated_at: now } },
          { table: 'audit_log', row: auditRow(audit) },
        ]);
        const { idempotencyKey: _key, clientIp: _ip, ...fields } = request;
        return {
          request: { ...fields, customerId: request.customerId ?? null, context: request.context ?? {}, attempts: 0, outcome: null, createdAt: now, updatedAt: now },
          created: true,
          clientIp: request.clientIp ?? null,
          idempotencyKey: request.idempotencyKey ?? null,
        };
      } catch (err) {
        if (!isDuplicateKey(err)) throw this.translate(err);
      }
      const existing = await this.findExisting(request);
      if (existing) {
        return {
          request: fromRow(existing),
          created: false,
          clientIp: (existing.client_ip as string | null) ?? null,
          idempotencyKey: (existing.idempotency_key as string | null) ?? null,
        };
      }
      // The clashing request was closed between our insert and our read: try again.
    }
    throw new UnavailableError('could not store the help request, please retry');
  }

  async findById(id: string): Promise<HelpRequest | null> {
    // Raw SQL on this hot path (every callback served reads its request): building the same
    // statement with knex's query builder costs as much client CPU as the round trip itself.
    const [rows] = (await this.run(() => this.knex.raw('SELECT * FROM help_requests WHERE id = ? LIMIT 1', [id]))) as [Array<Record<string, unknown>>];
    const row = rows[0];
    return row ? fromRow(row) : null;
  }

  async findByIds(ids: readonly string[]): Promise<HelpRequest[]> {
    if (ids.length === 0) return [];
    const rows = await this.run(() => this.knex('help_requests').whereIn('id', [...ids]));
    return rows.map(fromRow);
  }

  async findClosedVoiceMessages(closedBefore: Date, limit: number): Promise<HelpRequest[]> {
    const rows = await this.run(() =>
      this.knex('help_requests')
        .where({ channel: 'voicemail' })
        .whereIn('status', [...FINAL_STATUSES])
        .where('updated_at', '<', closedBefore)
        .whereRaw("JSON_VALUE(context, '$.recording') IS NOT NULL")
        .orderBy('updated_at')
        .limit(limit),
    );
    return rows.map(fromRow);
  }

  async transition(id: string, from: readonly RequestStatus[], patch: HelpRequestPatch, audit?: AuditEntry): Promise<HelpRequest | null> {
    const changes: Record<string, unknown> = { updated_at: this.knex.fn.now(3) };
    for (const [key, value] of Object.entries(patch) as Array<[keyof HelpRequestPatch, unknown]>) {
      if (value === undefined) continue;
      changes[COLUMNS[key]] = key === 'context' ? JSON.stringify(value) : value;
    }
    const changed = await this.run(() =>
      this.knex
        .transaction(async (trx) => {
          const count = await trx('help_requests').where({ id }).whereIn('status', [...from]).update(changes);
          if (count === 0) return false;
          if (audit) await trx('audit_log').insert(auditRow(audit));
          return true;
        })
        .catch((err: unknown) => {
          if (isDuplicateKey(err)) throw new ConflictError('another open request exists for this destination and queue');
          throw err;
        }),
    );
    return changed ? this.findById(id) : null;
  }

  /** Marks the list entry as created (see EnqueuedFlags: usually no commit of its own). */
  markEnqueued(id: string): Promise<void> {
    return this.flags.mark(id);
  }

  async findNotEnqueued(limit: number): Promise<HelpRequest[]> {
    const rows = await this.run(() =>
      this.knex('help_requests').where({ enqueued: false }).whereIn('status', ['queued', 'scheduled']).whereNot('channel', 'inbound').orderBy('id').limit(limit),
    );
    return rows.map(fromRow);
  }

  async findByStatus(statuses: readonly RequestStatus[], queue?: string, limit = 500, afterId?: string): Promise<HelpRequest[]> {
    const rows = await this.run(() => {
      const q = this.knex('help_requests').whereIn('status', [...statuses]);
      if (queue !== undefined) q.andWhere('queue_id', queue);
      if (afterId !== undefined) q.andWhere('id', '>', afterId);
      return q.orderBy('id').limit(limit);
    });
    return rows.map(fromRow);
  }

  async audit(entry: AuditEntry): Promise<void> {
    await this.run(() => this.knex('audit_log').insert(auditRow(entry)));
  }

  async auditTrail(entityType: string, entityId: string): Promise<Array<AuditEntry & { at: Date }>> {
    const rows = await this.run(() =>
      this.knex('audit_log').where({ entity_type: entityType, entity_id: entityId }).orderBy([{ column: 'at' }, { column: 'id' }]),
    );
    return rows.map((r: Record<string, unknown>) => ({
      actor: String(r.actor),
      action: String(r.action),
      entityType: String(r.entity_type),
      entityId: String(r.entity_id),
      details: parseJson(r.details) as Record<string, unknown> | undefined,
      at: toDate(r.at),
    }));
  }

  private async findExisting(request: NewHelpRequest): Promise<Record<string, unknown> | null> {
    if (request.idempotencyKey) {
      const row = await this.run(() => this.knex('help_requests').where({ idempotency_key: request.idempotencyKey }).first());
      if (row) return row;
    }
    if (OPEN_KEY_CHANNELS.has(request.channel)) {
      const openKey = `${request.queue}|${request.phone ?? request.sipUri ?? request.id}`;
      const row = await this.run(() => this.knex('help_requests').where({ open_key: openKey }).first());
      if (row) return row;
    }
    return null;
  }

  private async run<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw this.translate(err);
    }
  }

  /** Database outages become UnavailableError (503); anything else is a bug and stays as it is. */
  private translate(err: unknown): Error {
    if (err instanceof DomainError) return err;
    const e = err as { code?: string };
    if (isConnectionError(err) || ['ER_LOCK_WAIT_TIMEOUT', 'ER_LOCK_DEADLOCK'].includes(e.code ?? '')) {
      this.logger?.warn({ err }, 'database unavailable');
      return new UnavailableError('the database is unavailable');
    }
    return err instanceof Error ? err : new Error(String(err));
  }
}

/** The database cannot be reached or refused the connection: nothing about the rows themselves. */
function isConnectionError(err: unknown): boolean {
  const e = err as { code?: string; name?: string; fatal?: boolean };
  return e.name === 'KnexTimeoutError' || e.fatal === true || ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'PROTOCOL_CONNECTION_LOST', 'ER_CON_COUNT_ERROR', 'ER_SERVER_SHUTDOWN'].includes(e.code ?? '');
}

function isDuplicateKey(err: unknown): boolean {
  return (err as { code?: string }).code === 'ER_DUP_ENTRY';
}

function toRow(r: NewHelpRequest): Record<string, unknown> {
  return {
    id: r.id,
    channel: r.channel,
    queue_id: r.queue,
    phone: r.phone,
    sip_uri: r.sipUri,
    name: r.name,
    email: r.email,
    page_url: r.pageUrl,
    message: r.message,
    priority: r.priority,
    arrival_at: r.arrivalAt,
    preferred_at: r.preferredAt,
    due_at: r.dueAt,
    status: r.status,
    context: JSON.stringify(r.context ?? {}),
    customer_id: r.customerId ?? null,
    idempotency_key: r.idempotencyKey ?? null,
    client_ip: r.clientIp ?? null,
  };
}

function auditRow(a: AuditEntry): Record<string, unknown> {
  return { actor: a.actor, action: a.action, entity_type: a.entityType, entity_id: a.entityId, details: a.details === undefined ? null : JSON.stringify(a.details) };
}

function parseJson(v: unknown): unknown {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') return JSON.parse(v);
  if (Buffer.isBuffer(v)) return JSON.parse(v.toString('utf8'));
  return v;
}

function toDate(v: unknown): Date {
  return v instanceof Date ? v : new Date(String(v));
}

function fromRow(r: Record<string, unknown>): HelpRequest {
  return {
    id: String(r.id),
    channel: r.channel as HelpRequest['channel'],
    queue: String(r.queue_id),
    phone: (r.phone as string | null) ?? null,
    sipUri: (r.sip_uri as string | null) ?? null,
    name: (r.name as string | null) ?? null,
    email: (r.email as string | null) ?? null,
    pageUrl: (r.page_url as string | null) ?? null,
    message: (r.message as string | null) ?? null,
    priority: Number(r.priority),
    arrivalAt: toDate(r.arrival_at),
    preferredAt: r.preferred_at === null || r.preferred_at === undefined ? null : toDate(r.preferred_at),
    dueAt: toDate(r.due_at),
    status: r.status as RequestStatus,
    attempts: Number(r.attempts),
    context: (parseJson(r.context) as Record<string, unknown> | undefined) ?? {},
    customerId: r.customer_id === null || r.customer_id === undefined ? null : String(r.customer_id),
    outcome: (r.outcome as string | null) ?? null,
    createdAt: toDate(r.created_at),
    updatedAt: toDate(r.updated_at),
  };
}
