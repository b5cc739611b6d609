import pino, { type Logger as PinoLogger } from 'pino';

/**
 * The root logger. Secrets that could reach a log line (ARI credentials in URLs, API keys,
 * Authorization headers, agent tokens) are redacted at the source.
 */
export function createLogger(options: { level: string; name?: string; destination?: pino.DestinationStream | string | number }): PinoLogger {
  const destination = typeof options.destination === 'object' ? options.destination : bufferedDestination(options.destination ?? 1);
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
    destination,
  );
}

/**
 * Log lines are written in blocks of 4 kB rather than one write per line (a busy intake logs a line
 * per request), and at least every second, so a quiet controller's last lines are never held back
 * long. pino flushes what is left when the process exits, normally or on an uncaught error.
 */
export function bufferedDestination(dest: string | number, flushEveryMs = 1000): pino.DestinationStream {
  const stream = pino.destination({ dest, minLength: 4096, sync: false });
  const timer = setInterval(() => {
    try {
      stream.flush();
    } catch {
      // Closed or not open yet: nothing to flush.
    }
  }, flushEveryMs);
  timer.unref();
  stream.on('close', () => clearInterval(timer));
  return stream;
}
