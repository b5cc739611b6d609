import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import type { Logger } from '../../ports/logger';
import type { HttpMetrics } from './http-metrics';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

declare module 'http' {
  interface IncomingMessage {
    /** The request's id: the caller's `X-Request-Id` when it is a plain token, else a new UUID. */
    id?: string;
    /** Where the router that served the request is mounted (see routeBase). */
    routeBase?: string;
  }
}

/**
 * Observes each request once it is answered or the client goes: one log line (id, method, path
 * with stream tokens redacted, status, time; info, warn for 4xx, error for 5xx; a stream the
 * client closes at info, a request abandoned before any answer at warn) and one observation of
 * the duration histogram, by method, route and status. Never headers: they carry the supervisor
 * key and agents' tokens. The request id is echoed in `X-Request-Id`; code that logs about a
 * request logs it as `reqId`.
 *
 * Both hang off one 'close' listener (a response emits it once it is finished or abandoned):
 * pino-http and a separate metrics middleware cost two child loggers, four listeners and a
 * timer object per request, about a tenth of the intake's CPU.
 */
export function requestLog(logger: Logger, metrics: HttpMetrics): RequestHandler {
  return (req, res, next) => {
    observeRequest(req, res, logger, metrics, () => routeLabel(req.routeBase ?? req.baseUrl, req.route?.path));
    next();
  };
}

/**
 * What requestLog does for one request, for a handler outside Express: gives the request its id
 * and logs and times it once it ends. `route` names its route for the metric, when it ends.
 */
export function observeRequest(req: IncomingMessage, res: ServerResponse, logger: Logger, metrics: HttpMetrics, route: () => string): void {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  res.setHeader('X-Request-Id', id);
  req.id = id;
  const started = performance.now();
  res.once('close', () => {
    const elapsedMs = performance.now() - started;
    const status = res.statusCode;
    const method = req.method ?? '';
    metrics.requestDuration.observe({ method, route: route(), status: String(status) }, elapsedMs / 1000);
    const line = { id, method, url: withoutTokens((req as { originalUrl?: string }).originalUrl ?? req.url ?? '') };
    const responseTime = Math.round(elapsedMs);
    if (!res.writableFinished) {
      // A stream the client closed (the agents' event streams end this way) is normal; a client
      // that gave up before any answer is worth a warning.
      if (res.headersSent) logger.info({ req: line, res: { statusCode: status }, responseTime }, 'request closed by the client');
      else logger.warn({ req: line, responseTime }, 'request aborted before an answer');
      return;
    }
    const fields = { req: line, res: { statusCode: status }, responseTime };
    if (status >= 500) logger.error(fields, 'request errored');
    else if (status >= 400) logger.warn(fields, 'request completed');
    else logger.info(fields, 'request completed');
  });
}

/**
 * Notes the mount path of the router a request enters, for the duration metric's route label:
 * Express puts `baseUrl` back as an error leaves a mounted router, before the answer is sent.
 */
export const routeBase: RequestHandler = (req, _res, next) => {
  req.routeBase = req.baseUrl;
  next();
};

/** The route's pattern (never the raw path, so ids do not multiply the series), or `unmatched`. */
function routeLabel(base: string, path: unknown): string {
  return typeof path === 'string' ? `${base}${path}` : 'unmatched';
}

/** The agents' event stream takes a (short-lived) `?token=`; it stays out of the logs. */
export function withoutTokens(url: string): string {
  return url.includes('token=') ? url.replace(/([?&]token=)[^&#]*/gi, '$1[redacted]') : url;
}
