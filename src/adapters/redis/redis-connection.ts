import IORedis, { type Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../../ports/logger';

/**
 * Two kinds of Redis connection:
 * - `command`: the HTTP path and other producers. Fails fast when Redis is down (no offline
 *   queue, one retry, a command timeout), so a request gets a 503 instead of hanging.
 * - `blocking`: BullMQ workers and other long-lived consumers. `maxRetriesPerRequest: null`, as
 *   BullMQ requires, so blocking commands survive reconnects.
 */
export type RedisRole = 'command' | 'blocking';

export interface RedisConnectionOptions {
  /** Milliseconds a command may take before it fails (command role). */
  commandTimeoutMs?: number;
  connectionName?: string;
  /** Connection errors are reported here (ioredis retries on its own). */
  logger?: Logger;
}

export function createRedisConnection(url: string, role: RedisRole, options: RedisConnectionOptions = {}): Redis {
  const common: RedisOptions = {
    connectTimeout: 2000,
    connectionName: options.connectionName,
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 5), 2000),
  };
  const roleOptions: RedisOptions =
    role === 'command'
      ? { maxRetriesPerRequest: 1, enableOfflineQueue: false, commandTimeout: options.commandTimeoutMs ?? 1500, enableAutoPipelining: true }
      : { maxRetriesPerRequest: null, enableReadyCheck: true };
  const redis = new IORedis(url, { ...common, ...roleOptions });
  reportConnectionErrors(redis, options.logger, { role });
  return redis;
}

/** Logs a connection's errors: one line per 10 s while Redis stays down, not one per reconnect attempt. */
export function reportConnectionErrors(redis: Redis, logger: Logger | undefined, fields: Record<string, unknown>): void {
  let lastReport = 0;
  redis.on('error', (err: Error) => {
    if (Date.now() - lastReport < 10_000) return;
    lastReport = Date.now();
    logger?.warn({ err, ...fields }, 'Redis connection error');
  });
}

/** Resolves once the connection is ready, or rejects after `timeoutMs`. */
export async function waitForRedis(redis: Redis, timeoutMs = 5000): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`Redis not ready after ${timeoutMs} ms`));
    }, timeoutMs);
    const onReady = (): void => {
      cleanup();
      resolve();
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      redis.off('ready', onReady);
    };
    redis.on('ready', onReady);
  });
}
