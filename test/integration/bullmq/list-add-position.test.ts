import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import { BullmqContactQueue } from '../../../src/adapters/bullmq/bullmq-contact-queue';
import { luaCommand } from '../../../src/adapters/redis/lua-command';
import { createRedisConnection, waitForRedis } from '../../../src/adapters/redis/redis-connection';
import { RedisRateLimiter } from '../../../src/adapters/redis/redis-rate-limiter';
import type { ListEntry } from '../../../src/ports/contact-queue';
import { TEST_REDIS_URL, uniquePrefix } from '../../support/redis';

const T0 = Date.UTC(2030, 0, 1, 9, 0, 0);

function entry(id: string, priority: number, arrivalOffsetMs: number, extra: Partial<ListEntry> = {}): ListEntry {
  const arrivalAt = new Date(T0 + arrivalOffsetMs);
  return { requestId: id, queue: 'support', kind: 'callback', priority, arrivalAt, dueAt: arrivalAt, ...extra };
}

describe('Combined list add and the Redis scripts (real Redis)', function () {
  let prefix: string;
  let redis: Redis;
  let list: BullmqContactQueue;

  beforeEach(async () => {
    prefix = uniquePrefix('cladd');
    redis = createRedisConnection(TEST_REDIS_URL, 'command');
    await waitForRedis(redis);
    list = new BullmqContactQueue({ redis, prefix, now: () => T0 + 60_000 });
  });

  afterEach(async () => {
    await list.close();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('add answers the position the entry has once added, in service order', async () => {
    assert.equal(await list.add(entry('hr_late', 5, 5000)), 1);
    assert.equal(await list.add(entry('hr_early', 5, 1000)), 1);
    assert.equal(await list.add(entry('hr_urgent', 1, 9000)), 1);
    assert.equal(await list.add(entry('hr_last', 9, 0)), 4);
    // Adding again changes nothing and answers where it stands now.
    assert.equal(await list.add(entry('hr_late', 1, 0)), 3);
    assert.equal(await list.position('hr_late', 'support'), 3);
    // Not waiting: scheduled for later, or taken by a dispatcher.
    assert.equal(await list.add(entry('hr_later', 5, 0, { dueAt: new Date(T0 + 3_600_000) })), null);
    const taken = await list.take(['support'], 'd1');
    assert.equal(taken?.requestId, 'hr_urgent');
    assert.equal(await list.add(entry('hr_urgent', 1, 9000)), null);
  });

  it('add counts an entry whose preferred time has come as waiting, as every read does', async () => {
    let now = T0;
    const clocked = new BullmqContactQueue({ redis, prefix, now: () => now });
    try {
      assert.equal(await clocked.add(entry('hr_scheduled', 5, 0, { dueAt: new Date(T0 + 1000) })), null);
      now = T0 + 2000;
      assert.equal(await clocked.add(entry('hr_next', 5, 500)), 2);
    } finally {
      await clocked.close();
    }
  });

  it('sends the index and rate-limit scripts by SHA1, their text only the first time on a connection', async () => {
    const monitor = await redis.duplicate().monitor();
    const seen: string[] = [];
    const ours = (a: string) => a.startsWith(`${prefix}:cl:`) || a.startsWith(`${prefix}:rl:`);
    monitor.on('monitor', (_time: string, args: string[], source: string) => {
      // Commands a script runs are reported too, from "lua".
      if (source !== 'lua' && args.some(ours)) seen.push(String(args[0]).toLowerCase());
    });
    const limiter = new RedisRateLimiter(redis, prefix);
    for (let i = 0; i < 3; i++) {
      await list.add(entry(`hr_${i}`, 5, i));
      await limiter.consume('ip:198.51.100.7', 10, 60);
    }
    await list.position('hr_0', 'support');
    await list.position('hr_1', 'support');
    // The monitor reports asynchronously: wait for the last command.
    for (let i = 0; i < 200 && seen.length < 8; i++) await new Promise((r) => setTimeout(r, 10));
    monitor.disconnect();
    assert.deepEqual(seen, ['eval', 'eval', 'evalsha', 'evalsha', 'evalsha', 'evalsha', 'eval', 'evalsha']);
  });

  it('refuses to define two different scripts under one name on a connection', () => {
    luaCommand(redis, 'ccTestScript', "return 'a'");
    assert.doesNotThrow(() => luaCommand(redis, 'ccTestScript', "return 'a'"));
    assert.throws(() => luaCommand(redis, 'ccTestScript', "return 'b'"), /already defined/);
    assert.throws(() => luaCommand(redis, 'eval', "return 'b'"), /must be cc/);
  });
});
