import type { Knex } from 'knex';
import type { CallbackStats, CallRecords, OfferOutcome, QueueExit, QueueIntervalStats, QueueStatsQuery } from '../../ports/call-records';

interface EntryRow {
  queue_id: string;
  entered_at: Date | string;
  outcome: QueueExit | null;
  wait_seconds: number | null;
  answered_at: Date | string | null;
  ended_at: Date | string | null;
}

/** Calls, queue entries, agent offers and dispositions in MySQL, and the per-queue, per-interval statistics computed from them. */
export class KnexCallRecordRepository implements CallRecords {
  constructor(private readonly knex: Knex) {}

  async callStarted(call: { id: string; direction: 'inbound' | 'outbound'; callerNumber: string | null; did: string | null; startedAt: Date }): Promise<void> {
    await this.knex('calls')
      .insert({ id: call.id, direction: call.direction, caller_number: call.callerNumber, did: call.did, started_at: call.startedAt })
      .onConflict('id')
      .ignore();
  }

  async callUpdated(id: string, patch: { requestId?: string; queueId?: string; agentId?: string; answeredAt?: Date; endedAt?: Date; endReason?: string }): Promise<void> {
    const row: Record<string, unknown> = {};
    if (patch.requestId !== undefined) row.request_id = patch.requestId;
    if (patch.queueId !== undefined) row.queue_id = patch.queueId;
    if (patch.agentId !== undefined) row.agent_id = patch.agentId;
    if (patch.answeredAt !== undefined) row.answered_at = patch.answeredAt;
    if (patch.endedAt !== undefined) row.ended_at = patch.endedAt;
    if (patch.endReason !== undefined) row.end_reason = patch.endReason;
    if (Object.keys(row).length) await this.knex('calls').where({ id }).update(row);
  }

  async queueEntered(entry: { requestId: string; callId: string | null; queueId: string; enteredAt: Date }): Promise<void> {
    await this.knex('queue_entries').insert({ request_id: entry.requestId, call_id: entry.callId, queue_id: entry.queueId, entered_at: entry.enteredAt });
  }

  async queueLeft(requestId: string, exit: { outcome: QueueExit; leftAt: Date; waitSeconds: number; position: number | null; agentId?: string }): Promise<void> {
    await this.knex('queue_entries')
      .where({ request_id: requestId })
      .whereNull('outcome')
      .update({
        outcome: exit.outcome,
        left_at: exit.leftAt,
        connected_at: exit.outcome === 'connected' ? exit.leftAt : null,
        wait_seconds: exit.waitSeconds,
        position_at_exit: exit.position,
        agent_id: exit.agentId ?? null,
      });
  }

  async offerStarted(offer: { requestId: string; agentId: string; channelId: string; attemptNo: number; startedAt: Date }): Promise<void> {
    await this.knex('agent_offers').insert({ request_id: offer.requestId, agent_id: offer.agentId, channel_id: offer.channelId, attempt_no: offer.attemptNo, started_at: offer.startedAt });
  }

  async offerEnded(channelId: string, end: { outcome: OfferOutcome; endedAt: Date; answeredAt?: Date }): Promise<void> {
    await this.knex('agent_offers')
      .where({ channel_id: channelId })
      .whereNull('outcome')
      .update({ outcome: end.outcome, ended_at: end.endedAt, answered_at: end.answeredAt ?? null });
  }

  async setDisposition(entry: { requestId: string; agentId: string; disposition: string; notes: string | null; at: Date }): Promise<void> {
    await this.knex('dispositions').insert({ request_id: entry.requestId, agent_id: entry.agentId, disposition: entry.disposition, notes: entry.notes, at: entry.at });
    await this.knex('calls').where({ request_id: entry.requestId, agent_id: entry.agentId }).update({ disposition: entry.disposition, notes: entry.notes });
  }

  async wasOfferedTo(requestId: string, agentId: string): Promise<boolean> {
    const row = await this.knex('agent_offers').where({ request_id: requestId, agent_id: agentId }).first('id');
    return row !== undefined;
  }

  async callbackStats(query: { from: Date; to: Date; queue?: string }): Promise<CallbackStats> {
    const rows = (await this.knex('help_requests as r')
      .leftJoin('contact_attempts as a', 'a.request_id', 'r.id')
      .whereIn('r.channel', CALLBACK_CHANNELS)
      .andWhere('r.arrival_at', '>=', query.from)
      .andWhere('r.arrival_at', '<', query.to)
      .modify((qb) => {
        if (query.queue) qb.andWhere('r.queue_id', query.queue);
      })
      .groupBy('r.id', 'r.status', 'r.arrival_at')
      .select('r.status', 'r.arrival_at')
      .count({ attempts: 'a.id' })
      .min({ first_attempt_at: 'a.started_at' })
      .select(this.knex.raw("MIN(CASE WHEN a.outcome = 'connected' THEN a.answered_at END) AS connected_at"))) as CallbackRow[];
    return aggregateCallbacks(rows);
  }

  async queueStats(query: QueueStatsQuery): Promise<QueueIntervalStats[]> {
    const rows = (await this.knex('queue_entries as e')
      .leftJoin('calls as c', 'c.id', 'e.call_id')
      .where('e.entered_at', '>=', query.from)
      .andWhere('e.entered_at', '<', query.to)
      .modify((qb) => {
        if (query.queue) qb.andWhere('e.queue_id', query.queue);
      })
      .select('e.queue_id', 'e.entered_at', 'e.outcome', 'e.wait_seconds', 'c.answered_at', 'c.ended_at')) as EntryRow[];
    return aggregate(rows, query);
  }
}

/** One callback request with its calls summed up. */
export interface CallbackRow {
  status: string;
  arrival_at: Date | string;
  attempts: number | string;
  first_attempt_at: Date | string | null;
  connected_at: Date | string | null;
}

const CALLBACK_CHANNELS = ['pstn', 'voip', 'ivr', 'click-to-call'];

/** Sums up callback requests; averages in seconds to one decimal. */
export function aggregateCallbacks(rows: readonly CallbackRow[]): CallbackStats {
  const seconds = (from: Date | string, to: Date | string) => (new Date(to).getTime() - new Date(from).getTime()) / 1000;
  const avg = (xs: number[]) => (xs.length ? Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 10) / 10 : null);
  const count = (status: string) => rows.filter((r) => r.status === status).length;
  const completed = count('completed');
  const failed = count('failed');
  return {
    requested: rows.length,
    completed,
    failed,
    cancelled: count('cancelled'),
    open: rows.length - completed - failed - count('cancelled'),
    attempts: rows.reduce((n, r) => n + Number(r.attempts), 0),
    firstAttemptSeconds: avg(rows.filter((r) => r.first_attempt_at).map((r) => seconds(r.arrival_at, r.first_attempt_at!))),
    connectSeconds: avg(rows.filter((r) => r.connected_at).map((r) => seconds(r.arrival_at, r.connected_at!))),
    reachRate: completed + failed > 0 ? Math.round((completed / (completed + failed)) * 1000) / 1000 : null,
  };
}

/** Groups entries by queue and interval; rates over entries that left the queue. */
export function aggregate(rows: readonly EntryRow[], query: QueueStatsQuery): QueueIntervalStats[] {
  const width = query.intervalMinutes * 60_000;
  const groups = new Map<string, { queue: string; start: number; rows: EntryRow[] }>();
  for (const r of rows) {
    const t = new Date(r.entered_at).getTime();
    const start = query.from.getTime() + Math.floor((t - query.from.getTime()) / width) * width;
    const key = `${r.queue_id}|${start}`;
    const g = groups.get(key) ?? { queue: r.queue_id, start, rows: [] };
    g.rows.push(r);
    groups.set(key, g);
  }
  const avg = (xs: number[]) => (xs.length ? Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 10) / 10 : null);
  const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 1000) / 1000 : null);
  return [...groups.values()]
    .sort((a, b) => (a.queue < b.queue ? -1 : a.queue > b.queue ? 1 : a.start - b.start))
    .map((g) => {
      const answered = g.rows.filter((r) => r.outcome === 'connected');
      const abandoned = g.rows.filter((r) => r.outcome === 'abandoned');
      const deflected = g.rows.filter((r) => r.outcome === 'callback' || r.outcome === 'voicemail').length;
      const inSl = answered.filter((r) => (r.wait_seconds ?? Infinity) <= query.serviceLevelSeconds).length;
      const talk = answered.filter((r) => r.answered_at && r.ended_at).map((r) => (new Date(r.ended_at!).getTime() - new Date(r.answered_at!).getTime()) / 1000);
      const offered = g.rows.length;
      return {
        queue: g.queue,
        intervalStart: new Date(g.start),
        offered,
        answered: answered.length,
        answeredInServiceLevel: inSl,
        abandoned: abandoned.length,
        deflected,
        serviceLevel: ratio(inSl, offered - deflected),
        asaSeconds: avg(answered.map((r) => r.wait_seconds ?? 0)),
        handleSeconds: avg(talk),
        abandonRate: ratio(abandoned.length, offered),
        averageAbandonWaitSeconds: avg(abandoned.map((r) => r.wait_seconds ?? 0)),
      };
    });
}
