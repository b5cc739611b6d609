import assert from 'node:assert/strict';
import type { Knex } from 'knex';
import { GroupCommit } from '../../../src/adapters/db/group-commit';
import { createKnex } from '../../../src/adapters/db/knex';
import { KnexHelpRequestRepository } from '../../../src/adapters/db/help-request-repository';
import type { NewHelpRequest } from '../../../src/ports/help-request-repository';
import { createTestDatabase, type TestDatabase } from '../../support/db';

const AT = new Date('2030-01-01T09:00:00.000Z');

function requestRow(id: string, phone: string): Record<string, unknown> {
  return { id, channel: 'pstn', queue_id: 'support', phone, priority: 5, arrival_at: AT, due_at: AT, status: 'queued', context: '{}' };
}

function auditRow(id: string): Record<string, unknown> {
  return { actor: 'visitor', action: 'created', entity_type: 'help_request', entity_id: id };
}

function newRequest(id: string, phone: string): NewHelpRequest {
  return { id, channel: 'pstn', queue: 'support', phone, sipUri: null, name: null, email: null, pageUrl: null, message: null, priority: 5, arrivalAt: AT, preferredAt: null, dueAt: AT, status: 'queued', context: {} };
}

/** Counts the transactions committed through this knex instance. */
function countCommits(knex: Knex): { readonly value: number; stop(): void } {
  let value = 0;
  const onQuery = (q: { sql?: string }) => {
    if (/^commit/i.test(q.sql ?? '')) value++;
  };
  knex.on('query', onQuery);
  return {
    get value() {
      return value;
    },
    stop: () => knex.off('query', onQuery),
  };
}

/** Records the queries sent over the raw connections of a one-query-per-batch knex. */
function recordRawQueries(knex: Knex): string[] {
  const sent: string[] = [];
  const client = knex.client as { acquireConnection(): Promise<{ query: (...args: unknown[]) => unknown; recorded?: boolean }> };
  const acquire = client.acquireConnection.bind(client);
  client.acquireConnection = async () => {
    const connection = await acquire();
    if (!connection.recorded) {
      const query = connection.query.bind(connection);
      connection.query = (...args: unknown[]) => {
        sent.push(String(args[0]));
        return query(...args);
      };
      connection.recorded = true;
    }
    return connection;
  };
  return sent;
}

for (const variant of ['a knex transaction per batch', 'one query per batch'] as const) describe(`GroupCommit (real MariaDB), ${variant}`, () => {
  let db: TestDatabase;
  let oneTrip: Knex | undefined;
  /** Transactions committed, and (one query per batch) the queries sent. */
  let commits: () => number;
  let sent: string[] = [];

  before(async () => {
    db = await createTestDatabase('groupcommit');
    if (variant === 'one query per batch') {
      oneTrip = createKnex(db.url, { max: 3 }, { multipleStatements: true });
      sent = recordRawQueries(oneTrip);
    }
  });
  after(async () => {
    await oneTrip?.destroy();
    await db.drop();
  });
  beforeEach(() => {
    sent.length = 0;
    const counter = countCommits(db.knex);
    commits = () => (oneTrip ? sent.filter((q) => /^START TRANSACTION;/.test(q) && /;\nCOMMIT$/.test(q)).length : counter.value);
    afterCommits.push(counter);
  });
  const afterCommits: Array<{ stop(): void }> = [];
  afterEach(() => {
    for (const c of afterCommits.splice(0)) c.stop();
  });
  const options = (o: { maxInFlight?: number; maxBatch?: number }) => ({ ...o, ...(oneTrip ? { oneTrip } : {}) });
  beforeEach(async () => {
    await db.knex('audit_log').del();
    await db.knex('help_requests').del();
  });

  const rowsOf = async (table: string, column: string): Promise<string[]> => ((await db.knex(table).select(column).orderBy(column)) as Array<Record<string, string>>).map((r) => r[column]!);

  it('groups arriving while a transaction is in flight share the next one, and each is answered once committed', async () => {
    const groups = new GroupCommit(db.knex, options({ maxInFlight: 1 }));
    const ids = Array.from({ length: 20 }, (_, i) => `hr_g${String(i).padStart(2, '0')}`);
    await Promise.all(
      ids.map(async (id, i) => {
        await groups.insert([
          { table: 'help_requests', row: requestRow(id, `+1415555${String(1000 + i)}`) },
          { table: 'audit_log', row: auditRow(id) },
        ]);
        // Answered only once its own rows are readable by anyone.
        const stored = await db.knex('help_requests').where({ id }).first();
        assert.ok(stored, `${id} answered before it was committed`);
      }),
    );
    // The first goes alone at once; the 19 that arrived meanwhile go together.
    assert.equal(commits(), 2);
    if (oneTrip) assert.equal(sent.length, 2, 'one query for each batch, nothing else');
    assert.deepEqual(await rowsOf('help_requests', 'id'), ids);
    assert.deepEqual(await rowsOf('audit_log', 'entity_id'), ids);
  });

  it('a group refused in a batch fails alone, atomically; the others of its batch are committed', async () => {
    await db.knex('help_requests').insert(requestRow('hr_taken', '+14155550000'));
    const groups = new GroupCommit(db.knex, options({ maxInFlight: 1 }));
    const insert = (id: string, phone: string) =>
      groups.insert([
        { table: 'help_requests', row: requestRow(id, phone) },
        { table: 'audit_log', row: auditRow(id) },
      ]);
    const first = insert('hr_a', '+14155550001');
    const results = await Promise.allSettled([first, insert('hr_b', '+14155550002'), insert('hr_taken', '+14155550003'), insert('hr_c', '+14155550004')]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'fulfilled', 'rejected', 'fulfilled'],
    );
    assert.equal(((results[2] as PromiseRejectedResult).reason as { code?: string }).code, 'ER_DUP_ENTRY');
    assert.deepEqual(await rowsOf('help_requests', 'id'), ['hr_a', 'hr_b', 'hr_c', 'hr_taken']);
    // The refused group's audit row went with it.
    assert.deepEqual(await rowsOf('audit_log', 'entity_id'), ['hr_a', 'hr_b', 'hr_c']);
    // One query per batch: the failed batch was rolled back on its own connection before that
    // connection went back to the pool (nothing of it was committed by a later query).
    if (oneTrip) assert.ok(sent.includes('ROLLBACK'), sent.join(' | '));
  });

  it('a batch that fails after its first statement leaves nothing behind, not even in the next batch on its connection', async () => {
    // One connection, so the next batch goes over the very connection the failed one used.
    const single = oneTrip ? createKnex(db.url, { max: 1 }, { multipleStatements: true }) : undefined;
    try {
      const groups = new GroupCommit(db.knex, { maxInFlight: 1, ...(single ? { oneTrip: single } : {}) });
      // The request row goes in; the audit row after it is refused (no actor), so the batch fails halfway.
      await assert.rejects(groups.insert([{ table: 'help_requests', row: requestRow('hr_half', '+14155550100') }, { table: 'audit_log', row: { ...auditRow('hr_half'), actor: null } }]), { code: 'ER_BAD_NULL_ERROR' });
      await groups.insert([{ table: 'help_requests', row: requestRow('hr_next', '+14155550101') }, { table: 'audit_log', row: auditRow('hr_next') }]);
      assert.deepEqual(await rowsOf('help_requests', 'id'), ['hr_next']);
      assert.deepEqual(await rowsOf('audit_log', 'entity_id'), ['hr_next']);
    } finally {
      await single?.destroy();
    }
  });

  it('refuses nonsensical settings', () => {
    assert.throws(() => new GroupCommit(db.knex, options({ maxBatch: 0 })), /maxBatch/);
    assert.throws(() => new GroupCommit(db.knex, { maxInFlight: 1.5 }), /maxInFlight/);
  });

  const created = (id: string) => ({ actor: 'visitor', action: 'created', entityType: 'help_request', entityId: id });

  it('outbox flags ride in the transaction of the next batch of new requests instead of a commit of their own', async () => {
    const repo = new KnexHelpRequestRepository(db.knex, undefined, { groupCommit: options({ maxInFlight: 1 }) });
    await repo.create(newRequest('hr_listed', '+14155551000'), created('hr_listed'));
    sent.length = 0;
    const updates: Array<{ inTransaction: boolean }> = [];
    const onQuery = (q: { sql?: string; __knexTxId?: string }) => {
      if (/^update/i.test(q.sql ?? '')) updates.push({ inTransaction: q.__knexTxId !== undefined });
    };
    db.knex.on('query', onQuery);
    // hr_x starts a batch at once; the flag waits for the next batch, which hr_y starts.
    const x = repo.create(newRequest('hr_x', '+14155551001'), created('hr_x'));
    const flag = repo.markEnqueued('hr_listed');
    const y = repo.create(newRequest('hr_y', '+14155551002'), created('hr_y'));
    await Promise.all([x, flag, y]);
    db.knex.off('query', onQuery);
    if (oneTrip) {
      assert.deepEqual(updates, [], 'no UPDATE of its own');
      assert.equal(sent.length, 2);
      assert.match(sent[1]!, /^START TRANSACTION;[^]*;\nupdate `help_requests` set `enqueued` = \? where `id` in \(\?\);\nCOMMIT$/, 'the flag rides in the second batch');
    } else {
      assert.deepEqual(updates, [{ inTransaction: true }]);
    }
    assert.deepEqual(
      (await repo.findNotEnqueued(10)).map((r) => r.id),
      ['hr_x', 'hr_y'],
    );
  });

  it('a flag whose batch fails gets its own UPDATE; with no batch in flight a flag is written at once', async () => {
    const repo = new KnexHelpRequestRepository(db.knex, undefined, { groupCommit: options({ maxInFlight: 1 }) });
    await repo.create(newRequest('hr_listed', '+14155551000'), created('hr_listed'));
    // The batch the flag rides holds a second request for a number already waiting, so it fails
    // and its groups are written again one by one.
    const x = repo.create(newRequest('hr_x', '+14155551001'), created('hr_x'));
    const flag = repo.markEnqueued('hr_listed');
    const y = repo.create(newRequest('hr_y', '+14155551002'), created('hr_y'));
    const dup = repo.create(newRequest('hr_dup', '+14155551000'), created('hr_dup'));
    const [, , , duplicate] = await Promise.all([x, flag, y, dup]);
    assert.equal(duplicate.created, false);
    assert.equal(duplicate.request.id, 'hr_listed');
    assert.equal(await db.knex('help_requests').where({ id: 'hr_dup' }).first(), undefined);
    assert.deepEqual(
      (await repo.findNotEnqueued(10)).map((r) => r.id),
      ['hr_x', 'hr_y'],
    );

    await Promise.all([repo.markEnqueued('hr_x'), repo.markEnqueued('hr_y')]);
    assert.deepEqual(await repo.findNotEnqueued(10), []);
  });
});
