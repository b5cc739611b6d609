import type { Knex } from 'knex';

/** The system of record: help requests, attempts, customers, queues, agents, calls and the audit trail. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('queues', (t) => {
    t.string('id', 64).primary();
    t.string('name', 200).notNullable();
    t.string('strategy', 32).notNullable().defaultTo('longest-idle');
    t.integer('handle_seconds').notNullable().defaultTo(300);
    t.string('callback_mode', 32).notNullable().defaultTo('agent-first');
    t.json('settings').nullable();
    t.dateTime('created_at', { precision: 3 }).notNullable().defaultTo(knex.fn.now(3));
  });

  await knex.schema.createTable('agents', (t) => {
    t.string('id', 64).primary();
    t.string('name', 200).notNullable();
    t.string('endpoint', 255).notNullable();
    t.string('state', 32).notNullable().defaultTo('logged-out');
    t.string('state_reason', 200).nullable();
    t.dateTime('state_since', { precision: 3 }).notNullable().defaultTo(knex.fn.now(3));
    t.dateTime('last_call_ended_at', { precision: 3 }).nullable();
    t.integer('missed_in_row').notNullable().defaultTo(0);
    t.integer('calls_handled').notNullable().defaultTo(0);
  });

  await knex.schema.createTable('agent_queues', (t) => {
    t.string('agent_id', 64).notNullable().references('agents.id').onDelete('CASCADE');
    t.string('queue_id', 64).notNullable().references('queues.id').onDelete('CASCADE');
    t.integer('skill').notNullable().defaultTo(1);
    t.primary(['agent_id', 'queue_id']);
  });

  await knex.schema.createTable('customers', (t) => {
    t.bigIncrements('id').primary();
    t.string('name', 200).nullable();
    t.string('phone', 32).nullable().index();
    t.string('email', 254).nullable().index();
    t.string('sip_uri', 255).nullable().index();
    t.string('account_ref', 64).nullable();
    t.text('notes').nullable();
    t.dateTime('created_at', { precision: 3 }).notNullable().defaultTo(knex.fn.now(3));
  });

  await knex.schema.createTable('help_requests', (t) => {
    t.string('id', 40).primary();
    t.string('channel', 20).notNullable();
    t.string('queue_id', 64).notNullable();
    t.string('phone', 32).nullable();
    t.string('sip_uri', 255).nullable();
    t.string('name', 200).nullable();
    t.string('email', 254).nullable();
    t.string('page_url', 2048).nullable();
    t.text('message').nullable();
    t.tinyint('priority').notNullable();
    t.dateTime('arrival_at', { precision: 3 }).notNullable();
    t.dateTime('preferred_at', { precision: 3 }).nullable();
    t.dateTime('due_at', { precision: 3 }).notNullable();
    t.string('status', 16).notNullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.json('context').nullable();
    t.bigInteger('customer_id').unsigned().nullable().references('customers.id').onDelete('SET NULL');
    t.string('outcome', 64).nullable();
    t.string('idempotency_key', 128).nullable().unique();
    t.string('client_ip', 64).nullable();
    t.boolean('enqueued').notNullable().defaultTo(false);
    t.string('lease_owner', 64).nullable();
    t.dateTime('lease_until', { precision: 3 }).nullable();
    t.dateTime('created_at', { precision: 3 }).notNullable().defaultTo(knex.fn.now(3));
    t.dateTime('updated_at', { precision: 3 }).notNullable().defaultTo(knex.fn.now(3));
    t.index(['queue_id', 'status']);
    t.index(['status', 'enqueued']);
  });
  // One open request per destination and queue, enforced by the database itself: the key is
  // NULL (not unique-checked) once the request is completed, failed or cancelled.
  await knex.raw(`ALTER TABLE help_requests ADD COLUMN open_key VARCHAR(330) AS (
      IF(status IN ('queued','scheduled','reserved','dialling','connected') AND channel IN ('pstn','voip','ivr','click-to-call'),
         CONCAT(queue_id, '|', COALESCE(phone, sip_uri, id)), NULL)) STORED`);
  await knex.raw('CREATE UNIQUE INDEX help_requests_open_key_unique ON help_requests (open_key)');

  await knex.schema.createTable('contact_attempts', (t) => {
    t.bigIncrements('id').primary();
    t.string('request_id', 40).notNullable().references('help_requests.id').onDelete('CASCADE');
    t.integer('attempt_no').notNullable();
    t.string('mode', 32).notNullable();
    t.string('channel_id', 64).nullable();
    t.string('agent_id', 64).nullable();
    t.string('dial_string', 300).nullable();
    t.string('owner', 64).nullable();
    t.dateTime('started_at', { precision: 3 }).notNullable();
    t.dateTime('answered_at', { precision: 3 }).nullable();
    t.dateTime('ended_at', { precision: 3 }).nullable();
    t.string('outcome', 32).nullable();
    t.string('dial_status', 32).nullable();
    t.integer('hangup_cause').nullable();
    t.unique(['request_id', 'attempt_no']);
  });

  await knex.schema.createTable('calls', (t) => {
    t.string('id', 64).primary();
    t.string('direction', 16).notNullable();
    t.string('request_id', 40).nullable().index();
    t.string('queue_id', 64).nullable();
    t.string('agent_id', 64).nullable();
    t.string('caller_number', 64).nullable();
    t.string('did', 64).nullable();
    t.dateTime('started_at', { precision: 3 }).notNullable();
    t.dateTime('answered_at', { precision: 3 }).nullable();
    t.dateTime('ended_at', { precision: 3 }).nullable();
    t.string('end_reason', 64).nullable();
    t.string('disposition', 64).nullable();
    t.text('notes').nullable();
  });

  await knex.schema.createTable('queue_entries', (t) => {
    t.bigIncrements('id').primary();
    t.string('request_id', 40).nullable().index();
    t.string('call_id', 64).nullable().index();
    t.string('queue_id', 64).notNullable();
    t.dateTime('entered_at', { precision: 3 }).notNullable();
    t.dateTime('connected_at', { precision: 3 }).nullable();
    t.dateTime('left_at', { precision: 3 }).nullable();
    t.string('outcome', 32).nullable();
    t.integer('wait_seconds').nullable();
    t.integer('position_at_exit').nullable();
    t.string('agent_id', 64).nullable();
    t.index(['queue_id', 'entered_at']);
  });

  await knex.schema.createTable('agent_state_log', (t) => {
    t.bigIncrements('id').primary();
    t.string('agent_id', 64).notNullable();
    t.string('state', 32).notNullable();
    t.string('reason', 200).nullable();
    t.dateTime('at', { precision: 3 }).notNullable();
    t.index(['agent_id', 'at']);
  });

  await knex.schema.createTable('audit_log', (t) => {
    t.bigIncrements('id').primary();
    t.dateTime('at', { precision: 3 }).notNullable().defaultTo(knex.fn.now(3));
    t.string('actor', 128).notNullable();
    t.string('action', 64).notNullable();
    t.string('entity_type', 32).notNullable();
    t.string('entity_id', 64).notNullable();
    t.json('details').nullable();
    t.index(['entity_type', 'entity_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['audit_log', 'agent_state_log', 'queue_entries', 'calls', 'contact_attempts', 'help_requests', 'customers', 'agent_queues', 'agents', 'queues']) {
    await knex.schema.dropTableIfExists(table);
  }
}
