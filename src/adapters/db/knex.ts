import knexFactory, { type Knex } from 'knex';
import { migrationSource } from './migrations';

/**
 * Builds a knex instance for a mysql:// URL (MySQL 8 or MariaDB 10.6+). `multipleStatements`
 * lets one query carry several statements; only the intake's group commit asks for it, on a pool
 * of its own that runs nothing but statements knex built with driver-bound values.
 */
export function createKnex(databaseUrl: string, pool: { min?: number; max?: number } = {}, options: { multipleStatements?: boolean } = {}): Knex {
  return knexFactory({
    client: 'mysql2',
    connection: { uri: databaseUrl.replace(/^mysql2:/, 'mysql:'), timezone: 'Z', dateStrings: false, supportBigNumbers: true, bigNumberStrings: true, connectTimeout: 5000, multipleStatements: options.multipleStatements === true } as Knex.MySql2ConnectionConfig,
    pool: { min: pool.min ?? 0, max: pool.max ?? 10 },
    acquireConnectionTimeout: 5000,
  });
}

/** Creates the database named in the URL if it does not exist yet. */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl.replace(/^mysql2:/, 'mysql:'));
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_]{1,64}$/.test(name)) throw new Error('DATABASE_URL: the database name must match [A-Za-z0-9_]{1,64}');
  url.pathname = '/';
  const admin = createKnex(url.toString(), { max: 1 });
  try {
    await admin.raw('CREATE DATABASE IF NOT EXISTS ?? CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci', [name]);
  } finally {
    await admin.destroy();
  }
}

export async function migrateLatest(knex: Knex): Promise<string[]> {
  const [, applied] = (await knex.migrate.latest({ migrationSource })) as [number, string[]];
  return applied;
}

/** Names of migrations not applied yet (empty when the schema is current). */
export async function pendingMigrations(knex: Knex): Promise<string[]> {
  const [, pending] = (await knex.migrate.list({ migrationSource })) as [unknown[], Array<string | { file?: string; name?: string }>];
  return pending.map((p) => (typeof p === 'string' ? p : (p.name ?? p.file ?? String(p))));
}
