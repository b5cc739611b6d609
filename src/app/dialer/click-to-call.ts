import type { DestinationPolicy } from '../../domain/destination-policy';
import { buildDialString } from '../../domain/dial-string';
import { ConflictError, DomainError, RateLimitedError, UnavailableError } from '../../domain/errors';
import type { HelpRequest } from '../../domain/help-request';
import type { HelpRequestRepository } from '../../ports/help-request-repository';
import type { QueueStaffing } from '../../ports/queue-staffing';
import type { RateLimiter } from '../../ports/rate-limiter';
import type { QueueDialling } from './callback-dialer';
import { runClickToCall, type ClickToCallFlowDeps } from './click-to-call.flow';

export interface ClickToCallDeps extends ClickToCallFlowDeps {
  requests: Pick<HelpRequestRepository, 'create' | 'findById' | 'transition'>;
  policy: Pick<DestinationPolicy, 'checkPhone'>;
  staffing: QueueStaffing;
  rateLimiter: RateLimiter;
  /** The queue's dialling settings; throws NotFoundError for an unknown queue. */
  queueDialling(queue: string): QueueDialling;
  /** Priority band of the queue's callers. */
  queuePriority(queue: string): number;
  newRequestId(): string;
  limits: { perIp: { limit: number; windowSeconds: number }; perNumber: { limit: number; windowSeconds: number } };
  defaultQueue: string;
}

export interface ClickToCallInput {
  phone: string;
  queue?: string;
  name?: string;
  pageUrl?: string;
}

/** Raised when nobody could take the call: the visitor is told to ask for a callback instead. */
export class NoAgentsError extends DomainError {
  constructor(queue: string) {
    super('no_agents', 'no agent of this queue is logged in right now; please ask for a callback instead', 'queue', { queue });
  }
}

/**
 * "Ring me now": third-party call control. The customer's own phone is rung first; when they
 * answer and press 1 the call enters the ACD as an inbound caller (now in line), hears the
 * anticipated wait and is distributed like any caller. The request's context.progress says where
 * it is: ringing, connected (answered), in-queue, with-agent, ended.
 */
export class ClickToCallService {
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly deps: ClickToCallDeps) {}

  async request(input: ClickToCallInput, meta: { clientIp: string }): Promise<HelpRequest> {
    const { deps } = this;
    await this.limit(`ip:${meta.clientIp}`, deps.limits.perIp);
    const queue = input.queue ?? deps.defaultQueue;
    const { callback: settings } = deps.queueDialling(queue);
    const phone = deps.policy.checkPhone(input.phone, 'phone').e164;
    const endpoint = buildDialString({ kind: 'pstn', phone }, settings);
    await this.limit(`dest:${phone}`, deps.limits.perNumber, 'phone');
    if (!deps.callControl.isConnected()) throw new UnavailableError('calls cannot be placed right now, please try again shortly');
    if ((await deps.staffing.loggedInAgents(queue)) === 0) throw new NoAgentsError(queue);

    const now = deps.clock.now();
    const id = deps.newRequestId();
    const { request, created } = await deps.requests.create(
      {
        id,
        channel: 'click-to-call',
        queue,
        phone,
        sipUri: null,
        name: input.name ?? null,
        email: null,
        pageUrl: input.pageUrl ?? null,
        message: null,
        priority: deps.queuePriority(queue),
        arrivalAt: now,
        preferredAt: null,
        dueAt: now,
        status: 'dialling',
        context: { progress: 'ringing' },
        clientIp: meta.clientIp,
      },
      { actor: `web:${meta.clientIp}`, action: 'click-to-call', entityType: 'help_request', entityId: id },
    );
    if (!created) throw new ConflictError('a request for this number is already open; see its status page');
    const attempt = await deps.attempts.open({ requestId: id, mode: 'click-to-call', owner: deps.owner, leaseUntil: new Date(now.getTime() + 30_000), startedAt: now, dialString: endpoint });
    const run = runClickToCall(deps, request, attempt, endpoint, settings)
      .catch((err: unknown) => deps.logger.error({ err, requestId: id }, 'ring-me-now call failed'))
      .finally(() => this.running.delete(run));
    this.running.add(run);
    return request;
  }

  /** Calls in progress (for a graceful drain and tests). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.running]);
  }

  private async limit(key: string, setting: { limit: number; windowSeconds: number }, field?: string): Promise<void> {
    const d = await this.deps.rateLimiter.consume(key, setting.limit, setting.windowSeconds);
    if (!d.allowed) throw new RateLimitedError('too many requests, please try again later', d.retryAfterSeconds, field);
  }
}
