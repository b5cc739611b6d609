import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import { BullmqContactQueue } from '../../../src/adapters/bullmq/bullmq-contact-queue';
import { createRedisConnection, waitForRedis } from '../../../src/adapters/redis/redis-connection';
import { compareByServiceOrder } from '../../../src/domain/help-request';
import type { ListEntry } from '../../../src/ports/contact-queue';
import { TEST_REDIS_URL, uniquePrefix } from '../../support/redis';

const T0 = Date.UTC(2030, 0, 1, 9, 0, 0);

function entry(id: string, priority: number, arrivalOffsetMs: number, extra: Partial<ListEntry> = {}): ListEntry {
  const arrivalAt = new Date(T0 + arrivalOffsetMs);
  return { requestId: id, queue: 'support', kind: 'callback', priority, arrivalAt, dueAt: arrivalAt, ...extra };
}

describe('BullmqContactQueue (real Redis)', function () {
  let prefix: string;
  let redis: Redis;
  const opened: Array<{ close(): Promise<void> }> = [];
  const connections: Redis[] = [];

  function connection(): Redis {
    const r = createRedisConnection(TEST_REDIS_URL, 'command');
    connections.push(r);
    return r;
  }

  async function open(now?: () => number): Promise<BullmqContactQueue> {
    const r = connection();
    await waitForRedis(r);
    const q = new BullmqContactQueue({
      redis: r,
      prefix,
      now,
      createBlockingConnection: () => {
        const b = createRedisConnection(TEST_REDIS_URL, 'blocking');
        connections.push(b);
        return b;
      },
    });
    opened.push(q);
    return q;
  }

  beforeEach(async () => {
    prefix = uniquePrefix('cl');
    redis = connection();
    await waitForRedis(redis);
  });

  afterEach(async () => {
    for (const q of opened.splice(0)) await q.close();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    for (const c of connections.splice(0)) c.disconnect();
  });

  it('lists in service order (band, then original arrival, then id) whatever the insertion order', async () => {
    const q = await open(() => T0 + 60_000);
    const entries = [
      entry('hr_e', 5, 5000),
      entry('hr_a', 5, 1000),
      entry('hr_c', 2, 9000),
      entry('hr_b', 5, 1000), // same arrival as hr_a: id breaks the tie
      entry('hr_d', 9, 0),
      entry('hr_f', 2, 100, { kind: 'caller' }),
    ];
    for (const e of entries) await q.add(e);
    const expected = [...entries]
      .map((e) => ({ id: e.requestId, priority: e.priority, arrivalAt: e.arrivalAt }))
      .sort(compareByServiceOrder)
      .map((e) => e.id);
    assert.deepEqual(expected, ['hr_f', 'hr_c', 'hr_a', 'hr_b', 'hr_e', 'hr_d']);
    assert.deepEqual((await q.list('support')).map((e) => e.requestId), expected);
    assert.equal(await q.position('hr_a', 'support'), 3);
    const first = await q.take(['support'], 'd1');
    assert.equal(first?.requestId, 'hr_f');
    assert.equal(first?.kind, 'caller');
    assert.equal(first?.arrivalAt.getTime(), T0 + 100);
  });

  it('adding the same request twice keeps one entry and one BullMQ job', async () => {
    const q = await open(() => T0 + 60_000);
    await q.add(entry('hr_dup', 5, 0));
    await q.add(entry('hr_dup', 1, 10)); // a retry of the same add must not change or duplicate it
    const list = await q.list('support');
    assert.equal(list.length, 1);
    assert.equal(list[0]?.priority, 5);
    const jobKeys = (await redis.keys(`${prefix}:support:*`)).filter((k) => k.endsWith(':hr_dup'));
    assert.deepEqual(jobKeys, [`${prefix}:support:hr_dup`]);
    const job = await redis.hgetall(`${prefix}:support:hr_dup`);
    assert.equal(job.priority, '5');
  });

  it('entries added in one tick, across queues, each get their own job with their own timing', async () => {
    const now = T0 + 60_000;
    const q = await open(() => now);
    const added = await Promise.all([
      q.add(entry('hr_t1', 5, 0)),
      q.add(entry('hr_t2', 2, 10)),
      q.add(entry('hr_t3', 5, 20, { queue: 'sales' })),
      q.add(entry('hr_t4', 5, 30, { dueAt: new Date(now + 3_600_000) })),
      q.add(entry('hr_t1', 1, 40)), // the same request twice in one tick: still one entry, one job
    ]);
    // Each add answers the position at its own turn: hr_t2 (a higher band) went ahead of hr_t1 after.
    assert.deepEqual(added, [1, 1, 1, null, 2]);
    const job = async (queue: string, id: string) => redis.hgetall(`${prefix}:${queue}:${id}`);
    assert.equal((await job('support', 'hr_t1')).priority, '5');
    assert.equal((await job('support', 'hr_t2')).priority, '2');
    assert.equal((await job('sales', 'hr_t3')).priority, '5');
    assert.equal((await job('support', 'hr_t4')).delay, '3600000');
    assert.equal(await redis.zscore(`${prefix}:support:delayed`, 'hr_t4') !== null, true);
    assert.deepEqual((await q.list('support')).map((e) => [e.requestId, e.state]), [['hr_t2', 'waiting'], ['hr_t1', 'waiting'], ['hr_t4', 'scheduled']]);
    assert.deepEqual((await q.list('sales')).map((e) => e.requestId), ['hr_t3']);
  });

  it('a priority change reorders the list', async () => {
    const q = await open(() => T0 + 60_000);
    await q.add(entry('hr_1', 5, 0));
    await q.add(entry('hr_2', 5, 1000));
    await q.add(entry('hr_3', 5, 2000));
    await q.update('hr_3', 'support', { priority: 1 });
    assert.deepEqual((await q.list('support')).map((e) => e.requestId), ['hr_3', 'hr_1', 'hr_2']);
    await q.update('hr_3', 'support', { priority: 9 });
    assert.deepEqual((await q.list('support')).map((e) => e.requestId), ['hr_1', 'hr_2', 'hr_3']);
    await assert.rejects(q.update('hr_3', 'support', { priority: 0 }), { code: 'invalid_field', field: 'priority' });
    await assert.rejects(q.update('hr_none', 'support', { priority: 2 }), { code: 'not_found' });
  });

  it('a requeued entry keeps its original place, and a taken one cannot be updated', async () => {
    const q = await open(() => T0 + 60_000);
    await q.add(entry('hr_1', 5, 0));
    await q.add(entry('hr_2', 5, 1000));
    const taken = await q.take(['support'], 'dispatcher-1');
    assert.equal(taken?.requestId, 'hr_1');
    await q.add(entry('hr_3', 5, 2000));
    const listed = await q.list('support');
    assert.deepEqual(listed.map((e) => [e.requestId, e.state]), [['hr_2', 'waiting'], ['hr_3', 'waiting'], ['hr_1', 'taken']]);
    assert.equal(listed[2]?.holder, 'dispatcher-1');
    await assert.rejects(q.update('hr_1', 'support', { priority: 1 }), { code: 'conflict' });
    await q.requeue('hr_1', 'support');
    assert.deepEqual((await q.list('support')).map((e) => e.requestId), ['hr_1', 'hr_2', 'hr_3']);
    // requeue of an entry that is not taken changes nothing
    await q.requeue('hr_2', 'support', { priority: 9 });
    assert.equal((await q.get('hr_2', 'support'))?.priority, 5);
  });

  it('an IVR caller converted to a callback is served before later arrivals', async () => {
    const q = await open(() => T0 + 60_000);
    await q.add(entry('hr_late1', 5, 30_000));
    await q.add(entry('hr_late2', 5, 40_000));
    // held since T0+10s, converted now: added last, served first
    await q.add(entry('hr_ivr', 5, 10_000, { kind: 'callback' }));
    assert.equal((await q.take(['support'], 'd'))?.requestId, 'hr_ivr');
  });

  it('takes across queues by the one service order', async () => {
    const q = await open(() => T0 + 60_000);
    await q.add(entry('hr_s', 5, 2000));
    await q.add({ ...entry('hr_b', 5, 1000), queue: 'billing' });
    await q.add({ ...entry('hr_b2', 6, 0), queue: 'billing' });
    assert.equal((await q.peek(['support', 'billing']))?.requestId, 'hr_b');
    assert.equal((await q.take(['support', 'billing'], 'd'))?.requestId, 'hr_b');
    assert.equal((await q.take(['support', 'billing'], 'd'))?.requestId, 'hr_s');
    assert.equal((await q.take(['support', 'billing'], 'd'))?.requestId, 'hr_b2');
    assert.equal(await q.take(['support', 'billing'], 'd'), null);
  });

  it('a delayed entry becomes due through its BullMQ timer, and a requeue with a delay waits again', async () => {
    const q = await open();
    const now = Date.now();
    await q.add({ requestId: 'hr_early', queue: 'support', kind: 'callback', priority: 5, arrivalAt: new Date(now), dueAt: new Date(now) });
    await q.add({ requestId: 'hr_later', queue: 'support', kind: 'callback', priority: 5, arrivalAt: new Date(now - 60_000), dueAt: new Date(now + 400) });
    assert.equal((await q.get('hr_later', 'support'))?.state, 'scheduled');
    assert.equal(await q.position('hr_later', 'support'), null);
    assert.equal((await q.nextDueAt(['support']))?.getTime(), now + 400);
    const woke = new Promise<string>((resolve) => q.onDue((_queue, id) => id === 'hr_later' && resolve(id)));
    await q.startPromoters(['support']);
    assert.equal(await woke, 'hr_later');
    // promoted by the worker: earlier arrival, so now first in line
    assert.deepEqual((await q.list('support')).map((e) => [e.requestId, e.state]), [['hr_later', 'waiting'], ['hr_early', 'waiting']]);
    assert.equal(await q.nextDueAt(['support']), null);

    const taken = await q.take(['support'], 'd');
    assert.equal(taken?.requestId, 'hr_later');
    await q.requeue('hr_later', 'support', { dueAt: new Date(Date.now() + 300) });
    assert.equal((await q.get('hr_later', 'support'))?.state, 'scheduled');
    assert.equal((await q.take(['support'], 'd'))?.requestId, 'hr_early');
    const wokeAgain = new Promise<string>((resolve) => q.onDue((_queue, id) => id === 'hr_later' && resolve(id)));
    await wokeAgain;
    assert.equal((await q.take(['support'], 'd'))?.requestId, 'hr_later');
  });

  it('never hands one entry to two racing takers (200 entries, 2 connections)', async () => {
    const a = await open(() => T0 + 3_600_000);
    const b = await open(() => T0 + 3_600_000);
    const ids = Array.from({ length: 200 }, (_, i) => `hr_${String(i).padStart(3, '0')}`);
    await Promise.all(ids.map((id, i) => a.add(entry(id, 1 + (i % 3), i * 7))));
    const takenBy = async (q: BullmqContactQueue, who: string): Promise<string[]> => {
      const got: string[] = [];
      for (;;) {
        const batch = await Promise.all([q.take(['support'], who), q.take(['support'], who), q.take(['support'], who)]);
        const ok = batch.filter((e): e is ListEntry => e !== null);
        got.push(...ok.map((e) => e.requestId));
        if (ok.length < batch.length) return got;
      }
    };
    const [fromA, fromB] = await Promise.all([takenBy(a, 'a'), takenBy(b, 'b')]);
    const all = [...fromA, ...fromB].sort();
    assert.deepEqual(all, [...ids].sort(), 'every id taken exactly once');
    assert.ok(fromA.length > 0 && fromB.length > 0, 'both takers got work');
    const list = await a.list('support');
    assert.equal(list.length, 200);
    assert.ok(list.every((e) => e.state === 'taken'));
  });

  it('remove and complete drop the entry and its job', async () => {
    const q = await open(() => T0 + 60_000);
    await q.add(entry('hr_x', 5, 0));
    await q.add(entry('hr_y', 5, 1));
    assert.equal(await q.remove('hr_x', 'support'), true);
    assert.equal(await q.remove('hr_x', 'support'), false);
    await q.take(['support'], 'd');
    await q.complete('hr_y', 'support');
    assert.deepEqual(await q.list('support'), []);
    assert.equal(await redis.exists(`${prefix}:support:hr_x`, `${prefix}:support:hr_y`), 0);
  });

  it('complete leaves an entry that was put back meanwhile (a late settle after a lost lease loses nothing)', async () => {
    const q = await open(() => T0 + 60_000);
    await q.add(entry('hr_z', 5, 0));
    assert.equal((await q.take(['support'], 'stalled'))?.requestId, 'hr_z');
    await q.requeue('hr_z', 'support');
    await q.complete('hr_z', 'support');
    const listed = await q.list('support');
    assert.deepEqual(listed.map((e) => [e.requestId, e.state]), [['hr_z', 'waiting']]);
    assert.equal(await redis.exists(`${prefix}:support:hr_z`), 1, 'its BullMQ job is kept too');
  });

  it('fails fast with unavailable when Redis cannot be reached', async function () {
    this.timeout(5000);
    const dead = createRedisConnection('redis://127.0.0.1:1', 'command');
    connections.push(dead);
    const q = new BullmqContactQueue({ redis: dead, prefix });
    opened.push(q);
    await assert.rejects(q.list('support'), { code: 'unavailable' });
    await assert.rejects(q.add(entry('hr_z', 5, 0)), { code: 'unavailable' });
  });
});
