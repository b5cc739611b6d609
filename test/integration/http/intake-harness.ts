import type { Redis } from 'ioredis';
import pino from 'pino';
import { Registry } from 'prom-client';
import { BullmqContactQueue } from '../../../src/adapters/bullmq/bullmq-contact-queue';
import { KnexHelpRequestRepository } from '../../../src/adapters/db/help-request-repository';
import { createHttpApp, type HttpApp, type HttpAppDeps } from '../../../src/adapters/http/create-http-app';
import { createRedisConnection, waitForRedis } from '../../../src/adapters/redis/redis-connection';
import { RedisRateLimiter } from '../../../src/adapters/redis/redis-rate-limiter';
import { IntakeService } from '../../../src/app/intake/intake-service';
import type { IntakeOptions } from '../../../src/app/intake/intake-types';
import { DestinationPolicy } from '../../../src/domain/destination-policy';
import type { Clock, TimerHandle } from '../../../src/ports/clock';
import { createTestDatabase, type TestDatabase } from '../../support/db';
import { TEST_REDIS_URL, uniquePrefix } from '../../support/redis';

export const SUPERVISOR_KEY = 'test-supervisor-key-0123456789';

export const systemClock: Clock = {
  now: () => new Date(),
  setTimeout: (fn, ms) => setTimeout(fn, ms) as unknown as TimerHandle,
  clearTimeout: (handle) => clearTimeout(handle as unknown as NodeJS.Timeout),
};

export function policy(): DestinationPolicy {
  return new DestinationPolicy({
    defaultCountry: 'US',
    allowedCountries: ['US', 'CA', 'GB', 'DE', 'FR', 'NL'],
    allowPremium: false,
    allowNonGeographic: false,
    sipAllowedDomains: ['example.com', '*.voip.example.net'],
  });
}

export interface IntakeHarness {
  app: HttpApp;
  intake: IntakeService;
  db: TestDatabase;
  redis: Redis;
  list: BullmqContactQueue;
  repo: KnexHelpRequestRepository;
  registry: Registry;
  close(): Promise<void>;
}

export interface HarnessOptions {
  limits?: Partial<IntakeOptions['limits']>;
  redisUrl?: string;
  app?: Partial<HttpAppDeps>;
  /** Use this database instead of creating one (not dropped on close). */
  db?: TestDatabase;
}

/** The real HTTP app over real MariaDB and Redis, each test file with its own database and prefix. */
export async function startIntake(label: string, options: HarnessOptions = {}): Promise<IntakeHarness> {
  const db = options.db ?? (await createTestDatabase(label));
  const redis = createRedisConnection(options.redisUrl ?? TEST_REDIS_URL, 'command');
  if (!options.redisUrl) await waitForRedis(redis);
  const prefix = uniquePrefix(label);
  const logger = pino({ level: 'silent' });
  const list = new BullmqContactQueue({ redis, prefix });
  const repo = new KnexHelpRequestRepository(db.knex);
  const intake = new IntakeService(
    { requests: repo, list, policy: policy(), rateLimiter: new RedisRateLimiter(redis, prefix), clock: systemClock, logger },
    {
      defaultQueue: 'support',
      queueSettings: (q) => (q === 'support' || q === 'billing' ? { handleSeconds: 300, priority: 5 } : undefined),
      limits: {
        perIp: { limit: 10_000, windowSeconds: 600 },
        perNumber: { limit: 10_000, windowSeconds: 600 },
        readsPerIp: { limit: 10_000, windowSeconds: 600 },
        ...options.limits,
      },
    },
  );
  const registry = new Registry();
  const app = createHttpApp({
    intake,
    logger,
    registry,
    readiness: { redis: () => redis.ping(), database: () => db.knex.raw('select 1') },
    supervisorApiKey: SUPERVISOR_KEY,
    defaultQueue: 'support',
    widgetAllowedOrigins: ['*'],
    ...options.app,
  });
  return {
    app,
    intake,
    db,
    redis,
    list,
    repo,
    registry,
    async close() {
      await list.close();
      if (redis.status === 'ready') {
        const keys = await redis.keys(`${prefix}:*`);
        if (keys.length) await redis.del(...keys);
      }
      redis.disconnect();
      if (!options.db) await db.drop();
    },
  };
}
