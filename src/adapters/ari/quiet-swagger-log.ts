import type { Logger } from '../../ports/logger';

const MARK = Symbol.for('ari-contact-center.swagger-log');

/**
 * swagger-client 2.0 (loaded by ari-client) writes through a global `log` function that prints
 * "This API is using a deprecated version of Swagger!" on every connect (Asterisk serves Swagger
 * 1.1) and appends every message to an ever-growing `log.history` array. This routes those lines
 * to the debug level and keeps no history. The global belongs to swagger-client; it is replaced
 * only when it is swagger-client's own.
 */
export function quietSwaggerLog(logger: Logger): void {
  const g = globalThis as unknown as { log?: unknown };
  const current = g.log as ({ [MARK]?: true } & ((...args: unknown[]) => void)) | undefined;
  if (typeof current !== 'function' || current[MARK]) return;
  const replacement = Object.assign((...args: unknown[]) => logger.debug({ swagger: args.map(String) }, 'swagger-client message'), { [MARK]: true as const });
  g.log = replacement;
}
