import type { Knex } from 'knex';

/** The ACD's own records: every offer of a contact to an agent (each ring, each callback reservation) and agents' dispositions. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('agent_offers', (t) => {
    t.bigIncrements('id').primary();
    t.string('request_id', 40).notNullable().index();
    t.string('agent_id', 64).notNullable();
    t.string('channel_id', 80).notNullable().unique();
    t.integer('attempt_no').notNullable();
    t.dateTime('started_at', { precision: 3 }).notNullable();
    t.dateTime('answered_at', { precision: 3 }).nullable();
    t.dateTime('ended_at', { precision: 3 }).nullable();
    t.string('outcome', 32).nullable();
    t.index(['agent_id', 'started_at']);
  });
  await knex.schema.createTable('dispositions', (t) => {
    t.bigIncrements('id').primary();
    t.string('request_id', 40).notNullable().index();
    t.string('agent_id', 64).notNullable();
    t.string('disposition', 64).notNullable();
    t.text('notes').nullable();
    t.dateTime('at', { precision: 3 }).notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('dispositions');
  await knex.schema.dropTableIfExists('agent_offers');
}
