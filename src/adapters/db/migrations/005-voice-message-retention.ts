import type { Knex } from 'knex';

/** The retention's question (closed voice messages by closing time) answered from an index, not a scan of every closed request. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('help_requests', (t) => {
    t.index(['channel', 'status', 'updated_at'], 'help_requests_channel_closed');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('help_requests', (t) => {
    t.dropIndex(['channel', 'status', 'updated_at'], 'help_requests_channel_closed');
  });
}
