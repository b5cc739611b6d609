import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { Logger } from '../../ports/logger';
import { DomainError, RateLimitedError, type ErrorCode } from '../../domain/errors';

/** Error codes only the HTTP edge produces (body parsing, routing), beside the domain's codes. */
export type HttpErrorCode = ErrorCode | 'payload_too_large' | 'unsupported_media_type' | 'method_not_allowed' | 'internal';

const STATUS: Record<ErrorCode, number> = {
  invalid_request: 400,
  invalid_field: 400,
  forbidden_destination: 422,
  duplicate: 409,
  not_found: 404,
  conflict: 409,
  rate_limited: 429,
  unauthorized: 401,
  forbidden: 403,
  unavailable: 503,
  no_agents: 503,
};

export function statusFor(code: ErrorCode): number {
  return STATUS[code];
}

export function sendError(res: Response, status: number, code: HttpErrorCode, message: string, field?: string): void {
  res.status(status).json({ error: { code, message, ...(field !== undefined ? { field } : {}) } });
}

/** JSON 404 for anything no route answered. */
export const notFoundHandler: RequestHandler = (_req, res) => sendError(res, 404, 'not_found', 'no such resource');

interface BodyParserError {
  type?: string;
  status?: number;
}

/**
 * The one place where errors become responses: typed domain errors by their code, body-parser
 * failures as 4xx, everything else as a bare 500 (logged with its stack, never sent).
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    if (err instanceof DomainError) {
      if (err instanceof RateLimitedError) res.setHeader('Retry-After', String(err.retryAfterSeconds));
      if (err.code === 'unauthorized') res.setHeader('WWW-Authenticate', 'Bearer');
      sendError(res, statusFor(err.code), err.code, err.message, err.field);
      return;
    }
    const e = (err ?? {}) as BodyParserError;
    switch (e.type) {
      case 'entity.parse.failed':
        sendError(res, 400, 'invalid_request', 'the body is not valid JSON');
        return;
      case 'entity.too.large':
        sendError(res, 413, 'payload_too_large', 'the body is too large');
        return;
      case 'encoding.unsupported':
      case 'charset.unsupported':
        sendError(res, 415, 'unsupported_media_type', 'unsupported body encoding');
        return;
    }
    // Other client errors of express and its parsers (e.g. an undecodable URL): status kept, details not.
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      sendError(res, e.status, 'invalid_request', 'the request could not be read');
      return;
    }
    logger.error({ err, reqId: req.id }, 'unhandled error');
    sendError(res, 500, 'internal', 'internal error');
  };
}
