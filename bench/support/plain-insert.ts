import type { Knex } from 'knex';
import { newRequestId } from '../../src/app/intake/request-id';

/**
 * The baseline: the rows an accepted web help request leaves in the database (the request and
 * its audit entry, in one transaction), written with plain knex and nothing else.
 */
export async function insertHelpRequestRows(knex: Knex, phone: string, pageUrl: string, idempotencyKey: string): Promise<void> {
  const id = newRequestId();
  const now = new Date();
  await knex.transaction(async (trx) => {
    await trx('help_requests').insert({
      id,
      channel: 'pstn',
      queue_id: 'support',
      phone,
      sip_uri: null,
      name: 'Bench Visitor',
      email: null,
      page_url: pageUrl,
      message: null,
      priority: 5,
      arrival_at: now,
      preferred_at: null,
      due_at: now,
      status: 'queued',
      context: '{}',
      customer_id: null,
      idempotency_key: idempotencyKey,
      client_ip: '127.0.0.1',
      created_at: now,
      updated_at: now,
    });
    await trx('audit_log').insert({
      actor: 'visitor',
      action: 'created',
      entity_type: 'help_request',
      entity_id: id,
      details: JSON.stringify({ channel: 'pstn', queue: 'support', ip: '127.0.0.1' }),
    });
  });
}
