import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { NoAgentsError, type ClickToCallService } from '../../app/dialer/click-to-call';
import { isRequestId } from '../../app/intake/request-id';
import { NotFoundError, UnavailableError } from '../../domain/errors';
import type { HelpRequest } from '../../domain/help-request';
import type { HelpRequestRepository } from '../../ports/help-request-repository';
import { hasControlCharacter, queueId } from './help-request-schemas';
import { sendError } from './http-errors';
import { publicCors } from './public-cors';
import { validate } from './validate';

const ringMeNowBody = z.strictObject(
  {
    channel: z.literal('click-to-call', { error: 'must be "click-to-call"' }),
    phone: z.string({ error: 'must be a string' }).min(1, 'is required').max(32, 'must be at most 32 characters'),
    queue: queueId.optional(),
    name: z
      .string({ error: 'must be a string' })
      .max(200, 'must be at most 200 characters')
      .refine((s) => !hasControlCharacter(s), 'must not contain control characters')
      .transform((s) => s.trim())
      .optional(),
    pageUrl: z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
      .max(2048, 'must be at most 2048 characters')
      .optional(),
  },
  { error: (issue) => (issue.code === 'invalid_type' ? 'must be a JSON object' : undefined) },
);

export interface ClickToCallRoutesOptions {
  service: ClickToCallService;
  requests: Pick<HelpRequestRepository, 'findById'>;
  publicBaseUrl?: string;
  isDraining?: () => boolean;
  /** Sites allowed to call it from a browser (WIDGET_ALLOWED_ORIGINS, `*` for any); same origin only when unset. */
  allowedOrigins?: readonly string[];
}

/**
 * "Ring me now" (public; mount at /api/v1/click-to-call behind the JSON parser; pass the widget's
 * allowed origins for its CORS policy). POST rings the visitor's phone; GET /:id shows how far the call got. Rate limits
 * and number checks are the intake's; a queue with nobody logged in answers 409 `no_agents`.
 */
export function clickToCallRoutes(options: ClickToCallRoutesOptions): Router {
  const router = Router();
  if (options.allowedOrigins) router.use(publicCors(options.allowedOrigins));
  const statusUrl = (id: string) => `${options.publicBaseUrl?.replace(/\/$/, '') ?? ''}/api/v1/click-to-call/${id}`;

  router.post('/', async (req: Request, res: Response) => {
    if (options.isDraining?.()) throw new UnavailableError('the service is restarting, please retry');
    if (!req.is('application/json')) {
      sendError(res, 415, 'unsupported_media_type', 'send the body as application/json');
      return;
    }
    const input = validate(ringMeNowBody, req.body);
    try {
      const request = await options.service.request({ phone: input.phone, queue: input.queue, name: input.name, pageUrl: input.pageUrl }, { clientIp: req.ip ?? 'unknown' });
      res.status(201).location(statusUrl(request.id)).json({ ...view(request), statusUrl: statusUrl(request.id) });
    } catch (err) {
      if (err instanceof NoAgentsError) {
        sendError(res, 409, 'no_agents', err.message, 'queue');
        return;
      }
      throw err;
    }
  });

  router.get('/:id', async (req: Request<{ id: string }>, res: Response) => {
    const id = req.params.id;
    const request = isRequestId(id) ? await options.requests.findById(id) : null;
    if (!request || request.channel !== 'click-to-call') throw new NotFoundError('click-to-call request');
    res.setHeader('Cache-Control', 'no-store');
    res.json(view(request));
  });

  return router;
}

/** Ringing, connected (answered), in-queue, with-agent, ended: the page shows these. */
function view(r: HelpRequest): Record<string, unknown> {
  return {
    id: r.id,
    channel: r.channel,
    queue: r.queue,
    status: r.status,
    progress: typeof r.context.progress === 'string' ? r.context.progress : null,
    outcome: r.outcome,
    createdAt: r.createdAt.toISOString(),
  };
}
