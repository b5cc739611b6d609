import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { BullmqContactQueue } from '../../src/adapters/bullmq/bullmq-contact-queue';
import { KnexHelpRequestRepository } from '../../src/adapters/db/help-request-repository';
import { createHttpApp } from '../../src/adapters/http/create-http-app';
import { createLogger } from '../../src/adapters/logging/logger';
import { createRedisConnection, waitForRedis } from '../../src/adapters/redis/redis-connection';
import { RedisRateLimiter } from '../../src/adapters/redis/redis-rate-limiter';
import { IntakeService } from '../../src/app/intake/intake-service';
import { loadConfig } from '../../src/config/config';
import { DestinationPolicy } from '../../src/domain/destination-policy';
import type { Clock, TimerHandle } from '../../src/ports/clock';
import type { Knex } from 'knex';

export interface IntakeServer {
  url: string;
  /** The server's process id, when it runs in a process of its own. */
  pid?: number;
  close(): Promise<void>;
}

const clock: Clock = {
  now: () => new Date(),
  setTimeout: (fn, ms) => setTimeout(fn, ms) as unknown as TimerHandle,
  clearTimeout: (handle) => clearTimeout(handle as unknown as NodeJS.Timeout),
};

/**
 * The intake as production runs it (validated configuration, request logging at info level,
 * metrics, rate limits in Redis, MariaDB with the intake's one-query batches when `batches` is
 * given, the BullMQ combined list), listening on a loopback port.
 * Only the rate limits are raised, since every request of the bench comes from one address.
 * Logs go to /dev/null through the controller's own logger (redaction, buffered writes): their
 * cost is measured, not their output.
 */
export async function startIntakeServer(knex: Knex, redisUrl: string, prefix: string, batches?: Knex): Promise<IntakeServer> {
  const config = loadConfig({ NODE_ENV: 'test', RATE_LIMIT_PER_IP: '100000000', RATE_LIMIT_PER_NUMBER: '100000000' });
  const logger = createLogger({ level: config.LOG_LEVEL, destination: '/dev/null' });
  const redis = createRedisConnection(redisUrl, 'command', { logger });
  await waitForRedis(redis);
  const list = new BullmqContactQueue({ redis, prefix, logger });
  const limit = (limitValue: number, windowSeconds: number) => ({ limit: limitValue, windowSeconds });
  const intake = new IntakeService(
    {
      requests: new KnexHelpRequestRepository(knex, logger, batches ? { groupCommit: { oneTrip: batches } } : {}),
      list,
      policy: new DestinationPolicy({
        defaultCountry: config.DEFAULT_COUNTRY,
        allowedCountries: config.ALLOWED_COUNTRIES,
        allowPremium: config.ALLOW_PREMIUM_NUMBERS,
        allowNonGeographic: config.ALLOW_NON_GEOGRAPHIC_NUMBERS,
        sipAllowedDomains: config.SIP_ALLOWED_DOMAINS,
      }),
      rateLimiter: new RedisRateLimiter(redis, prefix),
      clock,
      logger,
    },
    {
      defaultQueue: 'support',
      queueSettings: (queue) => (queue === 'support' ? { handleSeconds: 300, priority: 5 } : undefined),
      limits: {
        perIp: limit(config.RATE_LIMIT_PER_IP, config.RATE_LIMIT_IP_WINDOW_SECONDS),
        perNumber: limit(config.RATE_LIMIT_PER_NUMBER, config.RATE_LIMIT_NUMBER_WINDOW_SECONDS),
        readsPerIp: limit(config.RATE_LIMIT_PER_IP, config.RATE_LIMIT_IP_WINDOW_SECONDS),
      },
    },
  );
  const app = createHttpApp({
    intake,
    logger,
    registry: new Registry(),
    readiness: { redis: () => redis.ping(), database: () => knex.raw('select 1') },
    supervisorApiKey: 'bench-supervisor-key-0123456789',
    defaultQueue: 'support',
    widgetAllowedOrigins: ['*'],
  });
  const server: Server = createServer(app).listen(0, '127.0.0.1');
  // The load generator holds its connections open like a front proxy does, through the seconds
  // the baseline runs; with Node's 5 s default the server would close them just as the client
  // reuses them (ECONNRESET), a race the baseline's database connections never run.
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await list.close();
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
      logger.flush();
    },
  };
}
