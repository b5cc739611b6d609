import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AgentRoster } from '../../app/acd/agent-roster';
import type { AgentService } from '../../app/acd/agent-service';
import { NotFoundError, ValidationError } from '../../domain/errors';
import type { CallRecords, QueueIntervalStats } from '../../ports/call-records';
import { queueId } from './help-request-schemas';
import { requireSupervisor } from './require-supervisor';
import { validate } from './validate';

export interface AcdSupervisorRouterDeps {
  acd: { agentService: Pick<AgentService, 'view'>; roster: Pick<AgentRoster, 'list'> };
  records: Pick<CallRecords, 'queueStats' | 'callbackStats'>;
  /** Ids of the configured service queues (`center.queues.map((q) => q.id)`). */
  queues: readonly string[];
  supervisorApiKey?: string;
  /** Answered within this many seconds counts towards the service level, unless the query says otherwise (default 20). */
  serviceLevelSeconds?: number;
  now?: () => Date;
}

const MAX_RANGE_DAYS = 31;
const INTERVALS = ['15', '30', '60', '1440'] as const;

const time = () =>
  z
    .string({ error: 'must be an ISO 8601 date-time string' })
    .max(40, 'must be an ISO 8601 date-time string')
    .pipe(z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with a time zone, e.g. 2030-01-31T14:00:00Z' }))
    .transform((s) => new Date(s));

const statsQuery = z.strictObject({
  from: time().optional(),
  to: time().optional(),
  interval: z.enum(INTERVALS, { error: `must be one of ${INTERVALS.join(', ')} (minutes)` }).optional(),
  serviceLevelSeconds: z
    .string({ error: 'must be a number of seconds' })
    .regex(/^[0-9]{1,4}$/, 'must be a number of seconds')
    .transform(Number)
    .pipe(z.number().int().min(1, 'must be at least 1').max(3600, 'must be at most 3600'))
    .optional(),
});

const agentsQuery = z.strictObject({ queue: queueId.optional() });

/**
 * Supervisor views of the ACD (mount at /api/v1, behind SUPERVISOR_API_KEY):
 * GET /queues/:queue/stats?from=&to=&interval=&serviceLevelSeconds= answers the queue's service
 * level, average speed of answer, handle time and abandonment per interval and for the whole
 * range (default: the last 24 hours in hourly intervals); GET /agents answers every agent's state.
 */
export function acdSupervisorRouter(deps: AcdSupervisorRouterDeps): Router {
  const router = Router();
  const supervisor = requireSupervisor(deps.supervisorApiKey);
  const known = new Set(deps.queues);
  const now = deps.now ?? (() => new Date());

  router.get('/queues/:queue/stats', supervisor, async (req: Request<{ queue: string }>, res: Response) => {
    const queue = req.params.queue;
    if (!known.has(queue)) throw new NotFoundError(`queue ${queue}`);
    const q = validate(statsQuery, req.query);
    const to = q.to ?? now();
    const from = q.from ?? new Date(to.getTime() - 86_400_000);
    if (from >= to) throw new ValidationError('from', 'must be before to');
    if (to.getTime() - from.getTime() > MAX_RANGE_DAYS * 86_400_000) throw new ValidationError('from', `the range must be at most ${MAX_RANGE_DAYS} days`);
    const intervalMinutes = Number(q.interval ?? '60');
    const serviceLevelSeconds = q.serviceLevelSeconds ?? deps.serviceLevelSeconds ?? 20;
    const base = { from, to, serviceLevelSeconds, queue };
    // The totals come from the same computation over one interval spanning the whole range.
    const [intervals, whole, callbacks] = await Promise.all([
      deps.records.queueStats({ ...base, intervalMinutes }),
      deps.records.queueStats({ ...base, intervalMinutes: Math.ceil((to.getTime() - from.getTime()) / 60_000) }),
      deps.records.callbackStats({ from, to, queue }),
    ]);
    res.setHeader('Cache-Control', 'no-store');
    res.json({
      queue,
      from: from.toISOString(),
      to: to.toISOString(),
      intervalMinutes,
      serviceLevelSeconds,
      total: figures(whole[0] ?? null),
      callbacks,
      intervals: intervals.map((i) => ({ intervalStart: i.intervalStart.toISOString(), ...figures(i) })),
    });
  });

  router.get('/agents', supervisor, (req: Request, res: Response) => {
    const { queue } = validate(agentsQuery, req.query);
    const agents = deps.acd.roster
      .list()
      .filter((a) => queue === undefined || a.definition.queues[queue] !== undefined)
      .map((a) => deps.acd.agentService.view(a.definition.id));
    res.setHeader('Cache-Control', 'no-store');
    res.json({ agents });
  });

  return router;
}

type Figures = Omit<QueueIntervalStats, 'queue' | 'intervalStart'>;

function figures(s: QueueIntervalStats | null): Figures {
  if (!s) {
    return { offered: 0, answered: 0, answeredInServiceLevel: 0, abandoned: 0, deflected: 0, serviceLevel: null, asaSeconds: null, handleSeconds: null, abandonRate: null, averageAbandonWaitSeconds: null };
  }
  const { offered, answered, answeredInServiceLevel, abandoned, deflected, serviceLevel, asaSeconds, handleSeconds, abandonRate, averageAbandonWaitSeconds } = s;
  return { offered, answered, answeredInServiceLevel, abandoned, deflected, serviceLevel, asaSeconds, handleSeconds, abandonRate, averageAbandonWaitSeconds };
}
