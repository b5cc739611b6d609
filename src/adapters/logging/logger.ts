import pino, { type Logger as PinoLogger } from 'pino';

/**
 * The root logger. Secrets that could reach a log line (ARI credentials in URLs, API keys,
 * Authorization headers, agent tokens) are redacted at the source.
 */
export function createLogger(options: { level: string; name?: string; destination?: pino.DestinationStream }): PinoLogger {
  return pino(
    {
      name: options.name ?? 'contact-center',
      level: options.level,
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers["x-api-key"]',
          'req.headers.cookie',
          'password',
          '*.password',
          'config.ARI_PASSWORD',
          'config.SUPERVISOR_API_KEY',
          'config.AGENT_TOKEN_SECRET',
          'config.CRM_LOOKUP_TOKEN',
          'config.SMTP_URL',
        ],
        censor: '[redacted]',
      },
      serializers: { err: pino.stdSerializers.err },
    },
    options.destination,
  );
}
