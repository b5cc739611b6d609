import type { Knex } from 'knex';
import type { ContactHistory, CustomerLookup, CustomerQuery, CustomerRecord, HistoryItem } from '../../ports/customer-lookup';

interface HistoryRow {
  id: string;
  channel: string;
  queue_id: string;
  status: string;
  outcome: string | null;
  arrival_at: Date | string;
  disposition: string | null;
  notes: string | null;
}

/** The `customers` table as a CustomerLookup, and earlier help requests of the same phone or e-mail as the contact history. */
export class KnexCustomerRepository implements CustomerLookup, ContactHistory {
  constructor(private readonly knex: Knex) {}

  async find(query: CustomerQuery): Promise<CustomerRecord | null> {
    for (const [column, value] of [['phone', query.phone], ['email', query.email], ['sip_uri', query.sipUri]] as const) {
      if (!value) continue;
      const row = await this.knex('customers').where(column, value).orderBy('id', 'desc').first();
      if (row) return { id: String(row.id), name: row.name ?? null, phone: row.phone ?? null, email: row.email ?? null, accountRef: row.account_ref ?? null, notes: row.notes ?? null, source: 'db' };
    }
    return null;
  }

  async history(query: CustomerQuery & { excludeRequestId?: string }, limit: number): Promise<HistoryItem[]> {
    const conditions = ([['phone', query.phone], ['email', query.email], ['sip_uri', query.sipUri]] as const).filter(([, v]) => !!v);
    if (conditions.length === 0) return [];
    const rows = (await this.knex('help_requests as r')
      .leftJoin(
        this.knex('dispositions as d').select('d.request_id').max('d.id as last_id').groupBy('d.request_id').as('ld'),
        'ld.request_id',
        'r.id',
      )
      .leftJoin('dispositions as dd', 'dd.id', 'ld.last_id')
      .where((qb) => {
        for (const [column, value] of conditions) qb.orWhere(`r.${column}`, value as string);
      })
      .modify((qb) => {
        if (query.excludeRequestId) qb.whereNot('r.id', query.excludeRequestId);
      })
      .orderBy('r.arrival_at', 'desc')
      .limit(Math.min(Math.max(1, limit), 100))
      .select('r.id', 'r.channel', 'r.queue_id', 'r.status', 'r.outcome', 'r.arrival_at', 'dd.disposition', 'dd.notes')) as HistoryRow[];
    return rows.map((r) => ({ requestId: r.id, channel: r.channel, queue: r.queue_id, status: r.status, outcome: r.outcome ?? null, arrivalAt: new Date(r.arrival_at), disposition: r.disposition ?? null, notes: r.notes ?? null }));
  }
}
