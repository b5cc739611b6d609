import { Router, type Request, type Response } from 'express';
import { DomainError, NotFoundError, UnavailableError } from '../../domain/errors';
import type { IntakeService } from '../../app/intake/intake-service';
import type { RequestView } from '../../app/intake/intake-types';
import { isRequestId } from '../../app/intake/request-id';
import { amendBody, idempotencyKey, submitBody } from './help-request-schemas';
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
  const statusUrl = (id: string): string => `${options.publicBaseUrl?.replace(/\/$/, '') ?? ''}/api/v1/help-requests/${id}`;
  const body = (view: RequestView): Record<string, unknown> => ({ ...toJson(view), statusUrl: statusUrl(view.id) });

  router.post('/', async (req: Request, res: Response) => {
    try {
      if (options.isDraining?.()) throw new UnavailableError('the service is restarting, please retry');
      if (!req.is('application/json')) {
        metrics.helpRequests.inc({ result: 'refused', code: 'unsupported_media_type' });
        res.status(415).json({ error: { code: 'unsupported_media_type', message: 'send the body as application/json' } });
        return;
      }
      const input = validate(submitBody, req.body);
      const keyHeader = req.get('Idempotency-Key');
      const key = keyHeader === undefined ? undefined : validate(idempotencyKey, keyHeader, 'Idempotency-Key');
      const result = await intake.submit(input, { clientIp: req.ip ?? 'unknown', idempotencyKey: key });
      metrics.helpRequests.inc({ result: result.created ? 'accepted' : 'duplicate', code: result.created ? 'created' : 'duplicate' });
      if (result.created) res.status(201).location(statusUrl(result.view.id));
      else res.status(200);
      res.json(body(result.view));
    } catch (err) {
      metrics.helpRequests.inc({ result: 'refused', code: err instanceof DomainError ? err.code : 'internal' });
      throw err;
    }
  });

  router.get('/:id', async (req: Request<{ id: string }>, res: Response) => {
    const id = knownId(req.params.id);
    res.setHeader('Cache-Control', 'no-store');
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
