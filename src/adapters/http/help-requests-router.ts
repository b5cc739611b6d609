import { Router, type Request, type Response } from 'express';
import { DomainError, NotFoundError, UnavailableError } from '../../domain/errors';
import type { IntakeService } from '../../app/intake/intake-service';
import type { RequestView } from '../../app/intake/intake-types';
import { isRequestId } from '../../app/intake/request-id';
import { amendBody, idempotencyKey, submitBody } from './help-request-schemas';
import { sendError } from './http-errors';
import type { HttpMetrics } from './http-metrics';
import { requireSupervisor } from './require-supervisor';
import { validate } from './validate';

export interface HelpRequestsRouterOptions {
  intake: IntakeService;
  metrics: HttpMetrics;
  supervisorApiKey?: string;
  /** Absolute base of status URLs (PUBLIC_BASE_URL); relative URLs when unset. */
  publicBaseUrl?: string;
  /** True while the process drains before shutdown: new requests get 503. */
  isDraining?: () => boolean;
}

/**
 * The public intake (POST, GET, DELETE; the request id is the visitor's key) and the supervisors'
 * PATCH on the same resource.
 */
export function helpRequestsRouter(options: HelpRequestsRouterOptions): Router {
  const { intake, metrics } = options;
  const router = Router();
  const body = viewBody(options.publicBaseUrl);
  const submit = helpRequestSubmitter(options);
  router.post('/', async (req: Request, res: Response) => {
    if (!req.is('application/json')) {
      metrics.helpRequests.inc({ result: 'refused', code: 'unsupported_media_type' });
      sendError(res, 415, 'unsupported_media_type', 'send the body as application/json');
      return;
    }
    const answer = await submit(req.body, req.get('Idempotency-Key'), req.ip ?? 'unknown');
    if (answer.location) res.location(answer.location);
    res.status(answer.status).json(answer.body);
  });

  router.get('/:id', async (req: Request<{ id: string }>, res: Response) => {
    const id = knownId(req.params.id);
    res.json(body(await intake.view(id, req.ip ?? 'unknown')));
  });

  router.delete('/:id', async (req: Request<{ id: string }>, res: Response) => {
    const id = knownId(req.params.id);
    res.json(body(await intake.cancel(id, 'visitor')));
  });

  router.patch('/:id', requireSupervisor(options.supervisorApiKey), async (req: Request<{ id: string }>, res: Response) => {
    const id = knownId(req.params.id);
    const patch = validate(amendBody, req.body);
    res.json(body(await intake.amend(id, patch, 'supervisor')));
  });

  return router;
}

/** The answer to a help request submitted over HTTP. */
export interface SubmitAnswer {
  status: 200 | 201;
  /** The new request's status URL (201 only). */
  location?: string;
  body: Record<string, unknown>;
}

/**
 * POST /api/v1/help-requests once its JSON body is read, whichever handler read it (the Express
 * route, or the plain one of intake-fast-path.ts): validates the body and the Idempotency-Key,
 * submits, counts the outcome. Refusals are thrown as domain errors, counted first.
 */
export function helpRequestSubmitter(options: HelpRequestsRouterOptions): (body: unknown, idempotencyKeyHeader: string | undefined, clientIp: string) => Promise<SubmitAnswer> {
  const { intake, metrics } = options;
  const answerOf = viewBody(options.publicBaseUrl);
  return async (body, keyHeader, clientIp) => {
    try {
      if (options.isDraining?.()) throw new UnavailableError('the service is restarting, please retry');
      const input = validate(submitBody, body);
      const key = keyHeader === undefined ? undefined : validate(idempotencyKey, keyHeader, 'Idempotency-Key');
      const result = await intake.submit(input, { clientIp, idempotencyKey: key });
      metrics.helpRequests.inc({ result: result.created ? 'accepted' : 'duplicate', code: result.created ? 'created' : 'duplicate' });
      const answer = answerOf(result.view);
      return result.created ? { status: 201, location: answer.statusUrl, body: answer } : { status: 200, body: answer };
    } catch (err) {
      metrics.helpRequests.inc({ result: 'refused', code: err instanceof DomainError ? err.code : 'internal' });
      throw err;
    }
  };
}

/** A request's answer body: its view and its status URL (absolute under PUBLIC_BASE_URL). */
function viewBody(publicBaseUrl: string | undefined): (view: RequestView) => Record<string, unknown> & { statusUrl: string } {
  const base = publicBaseUrl?.replace(/\/$/, '') ?? '';
  return (view) => ({ ...toJson(view), statusUrl: `${base}/api/v1/help-requests/${view.id}` });
}

/** A malformed id is simply not found: the answer says nothing about which ids exist. */
function knownId(id: string): string {
  if (!isRequestId(id)) throw new NotFoundError('help request');
  return id;
}

export function toJson(view: RequestView): Record<string, unknown> {
  return {
    id: view.id,
    status: view.status,
    queue: view.queue,
    channel: view.channel,
    position: view.position,
    estimatedWaitSeconds: view.estimatedWaitSeconds,
    attempts: view.attempts,
    preferredTime: view.preferredTime?.toISOString() ?? null,
    dueAt: view.dueAt.toISOString(),
    createdAt: view.createdAt.toISOString(),
  };
}
