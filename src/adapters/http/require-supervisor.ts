import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { DomainError } from '../../domain/errors';

/**
 * `Authorization: Bearer <SUPERVISOR_API_KEY>`, compared in constant time. Without a configured
 * key every supervisor request is refused.
 */
export function requireSupervisor(apiKey: string | undefined): RequestHandler {
  const expected = apiKey ? digest(apiKey) : null;
  return (req, _res, next) => {
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([\x21-\x7e]{1,512})$/.exec(header) : null;
    if (!expected || !match?.[1] || !timingSafeEqual(digest(match[1]), expected)) {
      next(new DomainError('unauthorized', 'a valid supervisor API key is required'));
      return;
    }
    next();
  };
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}
