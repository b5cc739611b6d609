import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';

/**
 * CORS for the public intake the widget calls from other sites: the allowed origins (or `*`),
 * simple methods, the two request headers the widget sends, no credentials.
 */
export function publicCors(allowedOrigins: readonly string[]): RequestHandler {
  const allow = corsHeaders(allowedOrigins);
  return (req, res, next) => {
    const permitted = allow(req, res);
    if (req.method === 'OPTIONS') {
      if (permitted) {
        res.setHeader('Access-Control-Allow-Methods', 'GET, POST, DELETE');
        res.setHeader('Access-Control-Allow-Headers', 'Content-Type, Idempotency-Key');
        res.setHeader('Access-Control-Max-Age', '600');
      }
      res.status(204).end();
      return;
    }
    next();
  };
}

/** Sets the CORS headers of an answer to `req`; true when its origin is allowed. */
export function corsHeaders(allowedOrigins: readonly string[]): (req: IncomingMessage, res: ServerResponse) => boolean {
  const any = allowedOrigins.includes('*');
  const allowed = new Set(allowedOrigins);
  return (req, res) => {
    const origin = req.headers.origin;
    const permitted = typeof origin === 'string' && (any || allowed.has(origin));
    if (!any) varyOrigin(res);
    if (permitted) {
      res.setHeader('Access-Control-Allow-Origin', any ? '*' : origin);
      res.setHeader('Access-Control-Expose-Headers', 'Retry-After, X-Request-Id');
    }
    return permitted;
  };
}

function varyOrigin(res: ServerResponse): void {
  const prior = res.getHeader('Vary');
  const list = prior === undefined ? '' : Array.isArray(prior) ? prior.join(', ') : String(prior);
  if (list.split(',').some((v) => v.trim().toLowerCase() === 'origin' || v.trim() === '*')) return;
  res.setHeader('Vary', list ? `${list}, Origin` : 'Origin');
}
