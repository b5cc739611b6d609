import type { Knex } from 'knex';
import type { AttemptOutcome } from '../../domain/call-outcome';
import type { RequestStatus } from '../../domain/help-request';
import { ConflictError } from '../../domain/errors';
import type { AttemptRepository, AttemptResult, ContactAttempt, NewAttempt } from '../../ports/attempt-repository';

/**
 * Contact attempts in MySQL/MariaDB. The next attempt number and the "one open attempt per
 * request" rule are the database's (a unique (request_id, attempt_no) and a unique generated
 * column over open attempts), so they hold across controller processes. Parameterized SQL only.
 */
export class KnexAttemptRepository implements AttemptRepository {
  constructor(private readonly knex: Knex) {}

  async claim(a: NewAttempt, from: readonly RequestStatus[], context: Record<string, unknown>): Promise<ContactAttempt | null> {
    // One call: the request's move to dialling and its attempt row commit together (migration 004).
    const bindings = [a.requestId, statusList(from), JSON.stringify(context), a.mode, a.channelId ?? null, a.agentId ?? null, a.dialString ?? null, a.owner, a.leaseUntil, a.startedAt];
    try {
      const [sets] = (await retryOnDeadlock(() => this.knex.raw('CALL cc_claim_attempt(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', bindings))) as [unknown[]];
      const row = (sets[0] as Array<Record<string, unknown>>)[0];
      return row ? fromRow(row) : null;
    } catch (err) {
      throw translate(err, a.requestId);
    }
  }

  async unclaim(a: Pick<ContactAttempt, 'id' | 'requestId' | 'owner'>, backTo: RequestStatus): Promise<boolean> {
    return this.knex.transaction(async (trx) => {
      const removed = await trx('contact_attempts').where({ id: a.id, request_id: a.requestId, owner: a.owner }).whereNull('ended_at').whereNull('channel_id').delete();
      if (removed !== 1) return false;
      const moved = await trx('help_requests').where({ id: a.requestId, status: 'dialling' }).update({ status: backTo, updated_at: trx.fn.now(3) });
      if (moved !== 1) throw new UnclaimRefused();
      return true;
    }).catch((err: unknown) => {
      if (err instanceof UnclaimRefused) return false;
      throw err;
    });
  }

  async open(a: NewAttempt): Promise<ContactAttempt> {
    try {
      return await retryOnDeadlock(() => insertAttempt(this.knex, a));
    } catch (err) {
      throw translate(err, a.requestId);
    }
  }

  async update(id: string, patch: Partial<Pick<ContactAttempt, 'channelId' | 'dialString' | 'agentId' | 'answeredAt'>>): Promise<void> {
    const changes: Record<string, unknown> = {};
    if (patch.channelId !== undefined) changes.channel_id = patch.channelId;
    if (patch.dialString !== undefined) changes.dial_string = patch.dialString;
    if (patch.agentId !== undefined) changes.agent_id = patch.agentId;
    if (patch.answeredAt !== undefined) changes.answered_at = patch.answeredAt;
    if (Object.keys(changes).length) await this.knex('contact_attempts').where({ id }).update(changes);
  }

  async renew(id: string, owner: string, leaseUntil: Date): Promise<boolean> {
    const n = await this.knex('contact_attempts').where({ id, owner }).whereNull('ended_at').update({ lease_until: leaseUntil });
    return n === 1;
  }

  async close(id: string, r: AttemptResult): Promise<boolean> {
    const changes: Record<string, unknown> = { outcome: r.outcome, ended_at: r.endedAt, dial_status: r.dialStatus ?? null, hangup_cause: r.hangupCause ?? null };
    if (r.answeredAt) changes.answered_at = r.answeredAt;
    const n = await this.knex('contact_attempts').where({ id }).whereNull('ended_at').update(changes);
    return n === 1;
  }

  async findExpired(now: Date, limit: number): Promise<ContactAttempt[]> {
    const rows = await this.knex('contact_attempts').whereNull('ended_at').where('lease_until', '<', now).orderBy('id').limit(limit);
    return rows.map(fromRow);
  }

  async findOpenByOwner(owner: string): Promise<ContactAttempt[]> {
    const rows = await this.knex('contact_attempts').whereNull('ended_at').where({ owner }).orderBy('id');
    return rows.map(fromRow);
  }

  async listForRequest(requestId: string): Promise<ContactAttempt[]> {
    const rows = await this.knex('contact_attempts').where({ request_id: requestId }).orderBy('attempt_no');
    return rows.map(fromRow);
  }
}

/** Inserts the request's next attempt (number = previous + 1) and reads it back. */
async function insertAttempt(db: Knex, a: NewAttempt): Promise<ContactAttempt> {
  const [result] = (await db.raw(
    `INSERT INTO contact_attempts (request_id, attempt_no, mode, channel_id, agent_id, dial_string, owner, lease_until, started_at)
     SELECT ?, COALESCE(MAX(attempt_no), 0) + 1, ?, ?, ?, ?, ?, ?, ? FROM contact_attempts WHERE request_id = ?`,
    [a.requestId, a.mode, a.channelId ?? null, a.agentId ?? null, a.dialString ?? null, a.owner, a.leaseUntil, a.startedAt, a.requestId],
  )) as [{ insertId: number | string }];
  return fromRow(await db('contact_attempts').where({ id: String(result.insertId) }).first());
}

/** The statuses a claim may move from, as the procedure's comma-separated list. */
function statusList(from: readonly RequestStatus[]): string {
  for (const s of from) if (!/^[a-z-]+$/.test(s)) throw new Error(`not a request status: ${s}`);
  return from.join(',');
}

/**
 * Racing inserts of the next attempt number (INSERT ... SELECT MAX) take gap and auto-increment
 * locks, and the server may roll one racer's statement back: a deadlock, or on MariaDB
 * ER_AUTOINC_READ_FAILED. Trying again is safe: the retry sees the winner's row and ends in the
 * unique-key conflict (or the failed conditional update) that names the loser.
 */
const RETRYABLE = new Set(['ER_LOCK_DEADLOCK', 'ER_AUTOINC_READ_FAILED']);

async function retryOnDeadlock<T>(fn: () => Promise<T>, tries = 4): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (!RETRYABLE.has((err as { code?: string }).code ?? '') || i >= tries) throw err;
      await new Promise((resolve) => setTimeout(resolve, 5 * i));
    }
  }
}

function translate(err: unknown, requestId: string): unknown {
  if ((err as { code?: string }).code === 'ER_DUP_ENTRY') return new ConflictError(`an attempt of request ${requestId} is already open`);
  return err;
}

function date(v: unknown): Date | null {
  if (v === null || v === undefined) return null;
  return v instanceof Date ? v : new Date(String(v));
}

function fromRow(r: Record<string, unknown>): ContactAttempt {
  return {
    id: String(r.id),
    requestId: String(r.request_id),
    attemptNo: Number(r.attempt_no),
    mode: String(r.mode),
    channelId: (r.channel_id as string | null) ?? null,
    agentId: (r.agent_id as string | null) ?? null,
    dialString: (r.dial_string as string | null) ?? null,
    owner: String(r.owner),
    leaseUntil: date(r.lease_until),
    startedAt: date(r.started_at)!,
    answeredAt: date(r.answered_at),
    endedAt: date(r.ended_at),
    outcome: (r.outcome as AttemptOutcome | null) ?? null,
    dialStatus: (r.dial_status as string | null) ?? null,
    hangupCause: r.hangup_cause === null || r.hangup_cause === undefined ? null : Number(r.hangup_cause),
  };
}

/** Rolls back an unclaim whose request is no longer 'dialling' (closed meanwhile): nothing changes. */
class UnclaimRefused extends Error {}
