import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../../ports/logger';
import { setApiHeaders } from './api-headers';
import type { SubmitAnswer } from './help-requests-router';
import { answerError, sendJson } from './http-errors';
import type { HttpMetrics } from './http-metrics';
import { observeRequest } from './request-log';

export interface IntakeFastPathOptions {
  /** The submission itself, shared with the Express route (helpRequestSubmitter). */
  submit: (body: unknown, idempotencyKeyHeader: string | undefined, clientIp: string) => Promise<SubmitAnswer>;
  logger: Logger;
  metrics: HttpMetrics;
  /** Sets the CORS headers (publicCors's corsHeaders). */
  cors: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** The client's address, by the same trusted-proxy rule as Express's `req.ip`. */
  clientIp: (req: IncomingMessage) => string;
  bodyLimitBytes: number;
}

const PATH = '/api/v1/help-requests';
/** The route label of the Express route it stands in for. */
const ROUTE = '/api/v1/help-requests/';
const JSON_TYPE = /^application\/json[\t ]*(;[\t ]*charset=("?)utf-8\2[\t ]*)?$/i;
const FIRST_CHAR = /^[ \t\n\r]*(.)/;

/**
 * POST /api/v1/help-requests in its ordinary form (the widget's and any plain API client's),
 * answered straight from Node's HTTP server. This is the public, high-volume endpoint, and Express
 * (its request set-up, router and body parser) cost about a third of the CPU of each accepted
 * request; see docs/benchmarks.md. Everything around the submission is shared with the Express
 * path: the request log and its metric, the API headers, CORS, the validation and submission
 * (helpRequestSubmitter) and the error answers.
 *
 * Anything unusual is left to Express untouched (the function returns false before reading
 * anything): another path, method or query string, a content type or charset other than JSON in
 * UTF-8, a compressed or chunked body, or one larger than the limit. So Express still gives the
 * 413, 415 and other answers, from one implementation.
 */
export function intakeFastPath(options: IntakeFastPathOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    if (req.method !== 'POST' || req.url !== PATH) return false;
    const { headers } = req;
    const type = headers['content-type'];
    if (type === undefined || !JSON_TYPE.test(type)) return false;
    const encoding = headers['content-encoding'];
    if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return false;
    const declared = headers['content-length'];
    if (declared === undefined || headers['transfer-encoding'] !== undefined || !/^\d{1,9}$/.test(declared) || Number(declared) > options.bodyLimitBytes) return false;
    serve(req, res, options);
    return true;
  };
}

function serve(req: IncomingMessage, res: ServerResponse, options: IntakeFastPathOptions): void {
  observeRequest(req, res, options.logger, options.metrics, () => ROUTE);
  setApiHeaders(res);
  options.cors(req, res);
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  // A client that goes away mid-body: the request log notes it; nothing was submitted.
  req.on('error', () => undefined);
  req.on('end', () => {
    let body: unknown;
    try {
      body = parseJsonBody(Buffer.concat(chunks).toString('utf8'));
    } catch {
      answerError(res, { type: 'entity.parse.failed' }, options.logger, req.id);
      return;
    }
    const key = req.headers['idempotency-key'];
    options.submit(body, Array.isArray(key) ? key.join(', ') : key, options.clientIp(req)).then(
      (answer) => {
        if (answer.location) res.setHeader('Location', answer.location);
        sendJson(res, answer.status, answer.body);
      },
      (err: unknown) => answerError(res, err, options.logger, req.id),
    );
  });
}

/** As Express's JSON parser in strict mode: an object or array, an empty body as {}, a BOM ignored. */
function parseJsonBody(text: string): unknown {
  const json = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (json.length === 0) return {};
  const first = FIRST_CHAR.exec(json)?.[1];
  if (first !== '{' && first !== '[') throw new SyntaxError('not a JSON object or array');
  return JSON.parse(json) as unknown;
}
