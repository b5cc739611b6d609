import type { Knex } from 'knex';

/**
 * Attempt leases: an open attempt carries the time until which its controller process vouches for
 * it, and the database itself allows one open attempt per request (the `open_request_id` unique
 * column is NULL once the attempt has ended), so two processes can never dial one request at once.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('contact_attempts', (t) => {
    t.dateTime('lease_until', { precision: 3 }).nullable();
    t.index(['ended_at', 'lease_until'], 'contact_attempts_open_lease');
    t.index(['owner', 'ended_at'], 'contact_attempts_owner_open');
  });
  await knex.raw('ALTER TABLE contact_attempts ADD COLUMN open_request_id VARCHAR(40) AS (IF(ended_at IS NULL, request_id, NULL)) STORED');
  await knex.raw('CREATE UNIQUE INDEX contact_attempts_one_open ON contact_attempts (open_request_id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX contact_attempts_one_open ON contact_attempts');
  await knex.schema.alterTable('contact_attempts', (t) => {
    t.dropIndex(['ended_at', 'lease_until'], 'contact_attempts_open_lease');
    t.dropIndex(['owner', 'ended_at'], 'contact_attempts_owner_open');
    t.dropColumn('open_request_id');
    t.dropColumn('lease_until');
  });
}
