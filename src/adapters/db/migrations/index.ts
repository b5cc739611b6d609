import type { Knex } from 'knex';
import * as initial from './001-initial';
import * as contactAttemptLease from './002-contact-attempt-lease';
import * as acdRecords from './003-acd-records';
import * as oneTripClaims from './004-one-trip-claims';
import * as voiceMessageRetention from './005-voice-message-retention';

/**
 * Migrations are listed here (not discovered on disk) so they run the same from TypeScript
 * sources, the compiled image and the tests. Append new ones; never edit an applied one.
 */
const migrations: Record<string, { up(k: Knex): Promise<void>; down(k: Knex): Promise<void> }> = {
  '001-initial': initial,
  '002-contact-attempt-lease': contactAttemptLease,
  '003-acd-records': acdRecords,
  '004-one-trip-claims': oneTripClaims,
  '005-voice-message-retention': voiceMessageRetention,
};

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(migrations).sort(),
  getMigrationName: (name) => name,
  getMigration: async (name) => {
    const m = migrations[name];
    if (!m) throw new Error(`unknown migration ${name}`);
    return m;
  },
};
