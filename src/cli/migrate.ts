import { loadConfig } from '../config/config';
import { createKnex, ensureDatabase, migrateLatest } from '../adapters/db/knex';

/** `npm run migrate`: creates the database if needed and applies every pending migration. */
async function main(): Promise<void> {
  const config = loadConfig();
  await ensureDatabase(config.DATABASE_URL);
  const knex = createKnex(config.DATABASE_URL, { max: 1 });
  try {
    const applied = await migrateLatest(knex);
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
  } finally {
    await knex.destroy();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
