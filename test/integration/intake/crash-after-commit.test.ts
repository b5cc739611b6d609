import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { BullmqContactQueue } from '../../../src/adapters/bullmq/bullmq-contact-queue';
import { KnexHelpRequestRepository } from '../../../src/adapters/db/help-request-repository';
import { createRedisConnection, waitForRedis } from '../../../src/adapters/redis/redis-connection';
import { ListReconciler } from '../../../src/app/intake/list-reconciler';
import { createTestDatabase, type TestDatabase } from '../../support/db';
import { TEST_REDIS_URL, uniquePrefix } from '../../support/redis';

describe('a controller killed between the commit and the list entry (real child process)', function () {
  this.timeout(30000);
  let db: TestDatabase;
  let redis: Redis;
  let list: BullmqContactQueue;
  let child: ChildProcess | undefined;
  const prefix = uniquePrefix('crash');

  before(async () => {
    db = await createTestDatabase('crash');
    redis = createRedisConnection(TEST_REDIS_URL, 'command');
    await waitForRedis(redis);
    list = new BullmqContactQueue({ redis, prefix });
  });
  after(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await list.close();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
    await db.drop();
  });

  it('recreates the entry exactly once at the next start', async () => {
    const proc = fork(join(__dirname, '../../fixtures/intake-crash-after-commit.ts'), [], {
      execArgv: ['--import=tsx'],
      env: { ...process.env, DATABASE_URL: db.url, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix, PHONE: '+14155552671' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child = proc;
    const committed = await new Promise<string>((resolve, reject) => {
      proc.on('message', (m: { committed?: string; error?: string }) => (m.committed ? resolve(m.committed) : reject(new Error(m.error))));
      proc.on('exit', (code) => reject(new Error(`fixture exited early with ${code}`)));
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => proc.on('exit', (_code, signal) => resolve(signal)));
    proc.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');

    const row = await db.knex('help_requests').where({ id: committed }).first();
    assert.ok(row, 'the request was committed before the crash');
    assert.equal(row.enqueued, 0);
    assert.equal(await list.get(committed, 'support'), null, 'and never reached the list');

    const reconciler = new ListReconciler({ requests: new KnexHelpRequestRepository(db.knex), list, logger: pino({ level: 'silent' }) });
    assert.deepEqual(await reconciler.run(), { listed: 1, verified: 0, repaired: 0 });
    // a second start (or a second process) changes nothing
    assert.deepEqual(await reconciler.run(), { listed: 0, verified: 1, repaired: 0 });

    const entries = (await list.list('support')).filter((e) => e.requestId === committed);
    assert.equal(entries.length, 1);
    assert.equal(entries[0]?.state, 'waiting');
    assert.equal(entries[0]?.arrivalAt.getTime(), row.arrival_at.getTime(), 'it keeps its original place');
    const jobs = (await redis.keys(`${prefix}:support:*`)).filter((k) => k.endsWith(`:${committed}`));
    assert.deepEqual(jobs, [`${prefix}:support:${committed}`], 'one BullMQ job');
    assert.equal((await db.knex('help_requests').where({ id: committed }).first()).enqueued, 1);
  });

  it('re-lists a request marked as listed whose entry Redis lost', async () => {
    const [victim] = await db.knex('help_requests').select('id');
    await list.remove(victim.id, 'support');
    const reconciler = new ListReconciler({ requests: new KnexHelpRequestRepository(db.knex), list, logger: pino({ level: 'silent' }) });
    assert.deepEqual(await reconciler.run(), { listed: 0, verified: 0, repaired: 1 });
    assert.equal((await list.list('support')).length, 1);
  });
});
