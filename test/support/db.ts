import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { createKnex, ensureDatabase, migrateLatest } from '../../src/adapters/db/knex';

/** Root URL of the test server (TEST_DATABASE_URL, default: local MariaDB as root). */
export const TEST_DATABASE_SERVER = (process.env.TEST_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/test').replace(/\/[^/]*$/, '');

export interface TestDatabase {
  url: string;
  knex: Knex;
  drop(): Promise<void>;
}

/** A fresh, migrated database of its own for one test file; `drop()` removes it. */
export async function createTestDatabase(label = 't'): Promise<TestDatabase> {
  const name = `cctest_${label.replace(/[^a-z0-9]/gi, '').slice(0, 20)}_${randomBytes(4).toString('hex')}`;
  const url = `${TEST_DATABASE_SERVER}/${name}`;
  await ensureDatabase(url);
  const knex = createKnex(url, { max: 10 });
  await migrateLatest(knex);
  return {
    url,
    knex,
    async drop() {
      await knex.destroy();
      const admin = createKnex(`${TEST_DATABASE_SERVER}/`, { max: 1 });
      try {
        await admin.raw('DROP DATABASE IF EXISTS ??', [name]);
      } finally {
        await admin.destroy();
      }
    },
  };
}
