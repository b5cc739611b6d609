import { Router, type Request, type Response } from 'express';
import type { IntakeService } from '../../app/intake/intake-service';
import { combinedListQuery } from './help-request-schemas';
import { requireSupervisor } from './require-supervisor';
import { validate } from './validate';

/** Supervisor views: the combined list of a queue in the exact order of service. */
export function supervisorRouter(options: { intake: IntakeService; supervisorApiKey?: string; defaultQueue: string }): Router {
  const router = Router();
  router.get('/combined-list', requireSupervisor(options.supervisorApiKey), async (req: Request, res: Response) => {
    const query = validate(combinedListQuery, req.query);
    const queue = query.queue ?? options.defaultQueue;
    const rows = await options.intake.combinedList(queue);
    res.setHeader('Cache-Control', 'no-store');
    res.json({
      queue,
      entries: rows.map(({ position, estimatedWaitSeconds, entry, request }) => ({
        requestId: entry.requestId,
        state: entry.state,
        position,
        estimatedWaitSeconds,
        kind: entry.kind,
        priority: entry.priority,
        arrivalAt: entry.arrivalAt.toISOString(),
        dueAt: entry.dueAt.toISOString(),
        holder: entry.holder ?? null,
        request: request && {
          status: request.status,
          channel: request.channel,
          phone: request.phone,
          sipUri: request.sipUri,
          name: request.name,
          email: request.email,
          pageUrl: request.pageUrl,
          message: request.message,
          attempts: request.attempts,
          preferredTime: request.preferredAt?.toISOString() ?? null,
        },
      })),
    });
  });
  return router;
}
