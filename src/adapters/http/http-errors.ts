import type { ServerResponse } from 'node:http';
import type { ErrorRequestHandler, RequestHandler } from 'express';
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

export function sendError(res: ServerResponse, status: number, code: HttpErrorCode, message: string, field?: string): void {
  sendJson(res, status, { error: { code, message, ...(field !== undefined ? { field } : {}) } });
}

/** A JSON answer, written straight to Node's response (Express's or not). */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

/** JSON 404 for anything no route answered. */
export const notFoundHandler: RequestHandler = (_req, res) => sendError(res, 404, 'not_found', 'no such resource');

interface BodyParserError {
  type?: string;
  status?: number;
}

/** How an error is answered: its status, code, message, field and extra headers. */
export interface ErrorAnswer {
  status: number;
  code: HttpErrorCode;
  message: string;
  field?: string;
  headers?: Record<string, string>;
}

/**
 * The one place where errors become answers: typed domain errors by their code, body-parser
 * failures as 4xx, everything else as a bare 500 (`internal`: the caller logs it with its stack;
 * it is never sent).
 */
export function errorAnswer(err: unknown): ErrorAnswer {
  if (err instanceof DomainError) {
    const headers: Record<string, string> = {};
    if (err instanceof RateLimitedError) headers['Retry-After'] = String(err.retryAfterSeconds);
    if (err.code === 'unauthorized') headers['WWW-Authenticate'] = 'Bearer';
    return { status: statusFor(err.code), code: err.code, message: err.message, ...(err.field !== undefined ? { field: err.field } : {}), headers };
  }
  const e = (err ?? {}) as BodyParserError;
  switch (e.type) {
    case 'entity.parse.failed':
      return { status: 400, code: 'invalid_request', message: 'the body is not valid JSON' };
    case 'entity.too.large':
      return { status: 413, code: 'payload_too_large', message: 'the body is too large' };
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return { status: 415, code: 'unsupported_media_type', message: 'unsupported body encoding' };
  }
  // Other client errors of express and its parsers (e.g. an undecodable URL): status kept, details not.
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) return { status: e.status, code: 'invalid_request', message: 'the request could not be read' };
  return { status: 500, code: 'internal', message: 'internal error' };
}

/** Answers an error (see errorAnswer); a 500 is logged with the request id and the stack. */
export function answerError(res: ServerResponse, err: unknown, logger: Logger, reqId: string | undefined): void {
  const answer = errorAnswer(err);
  if (answer.code === 'internal') logger.error({ err, reqId }, 'unhandled error');
  for (const [name, value] of Object.entries(answer.headers ?? {})) res.setHeader(name, value);
  sendError(res, answer.status, answer.code, answer.message, answer.field);
}

/** Express's error middleware: see errorAnswer. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    answerError(res, err, logger, req.id);
  };
}
