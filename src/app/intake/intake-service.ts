import type { DestinationPolicy } from '../../domain/destination-policy';
import { ConflictError, DomainError, NotFoundError, RateLimitedError, ValidationError } from '../../domain/errors';
import { type HelpRequest, DEFAULT_PRIORITY, FINAL_STATUSES } from '../../domain/help-request';
import { estimateWaitSeconds } from '../../domain/wait-estimate';
import type { Clock } from '../../ports/clock';
import type { ContactQueue } from '../../ports/contact-queue';
import type { HelpRequestRepository } from '../../ports/help-request-repository';
import type { Logger } from '../../ports/logger';
import type { QueueStaffing } from '../../ports/queue-staffing';
import type { RateLimiter } from '../../ports/rate-limiter';
import type { AmendInput, IntakeOptions, LimitSetting, QueueSettings, RequestView, SubmitInput, SubmitMeta, SubmitResult } from './intake-types';
import { listEntryOf } from './list-entry';
import { newRequestId } from './request-id';

export interface IntakeServiceDeps {
  requests: HelpRequestRepository;
  list: ContactQueue;
  policy: DestinationPolicy;
  rateLimiter: RateLimiter;
  clock: Clock;
  logger: Logger;
  staffing?: QueueStaffing;
  newId?: () => string;
}

const WAITING_STATUSES = ['queued', 'scheduled'] as const;

/**
 * Help requests from the web: accepted only once committed to the database, then put on the
 * combined list, then marked as listed (the outbox flag the start-up reconcile looks at).
 */
export class IntakeService {
  private readonly newId: () => string;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly deps: IntakeServiceDeps,
    private readonly options: IntakeOptions,
  ) {
    this.newId = deps.newId ?? newRequestId;
  }

  async submit(input: SubmitInput, meta: SubmitMeta): Promise<SubmitResult> {
    const queue = input.queue ?? this.options.defaultQueue;
    const settings = this.settings(queue);
    const destination = this.destination(input);
    // Both counters in one round trip; the per-IP one answers first when both are exceeded.
    const { perIp, perNumber } = this.options.limits;
    const [byIp, byDestination] = await Promise.all([
      this.deps.rateLimiter.consume(`ip:${meta.clientIp}`, perIp.limit, perIp.windowSeconds),
      this.deps.rateLimiter.consume(`dest:${destination}`, perNumber.limit, perNumber.windowSeconds),
    ]);
    if (!byIp.allowed) throw new RateLimitedError('too many requests, please try again later', byIp.retryAfterSeconds);
    if (!byDestination.allowed) {
      throw new RateLimitedError('too many requests for this destination, please try again later', byDestination.retryAfterSeconds, input.channel === 'pstn' ? 'phone' : 'sipUri');
    }

    const now = this.deps.clock.now();
    const dueAt = this.dueAt(input.preferredTime, now);
    const id = this.newId();
    const { request, created, clientIp, idempotencyKey } = await this.deps.requests.create(
      {
        id,
        channel: input.channel,
        queue,
        phone: input.channel === 'pstn' ? destination : null,
        sipUri: input.channel === 'voip' ? destination : null,
        name: input.name ?? null,
        email: input.email ?? null,
        pageUrl: input.pageUrl ?? null,
        message: input.message ?? null,
        priority: settings.priority,
        arrivalAt: now,
        preferredAt: input.preferredTime ?? null,
        dueAt,
        status: dueAt > now ? 'scheduled' : 'queued',
        context: {},
        idempotencyKey: meta.idempotencyKey ?? null,
        clientIp: meta.clientIp,
      },
      { actor: 'visitor', action: 'created', entityType: 'help_request', entityId: id, details: { channel: input.channel, queue, ip: meta.clientIp } },
    );

    if (!created) {
      if (meta.idempotencyKey && idempotencyKey === meta.idempotencyKey) {
        const sameRequest = (request.phone ?? request.sipUri) === destination && request.queue === queue;
        if (!sameRequest) throw new ConflictError('this Idempotency-Key was used for a different request');
      } else if (clientIp !== meta.clientIp) {
        // Only whoever made it gets the existing request back: someone who merely knows the
        // number must not be able to read or cancel it.
        throw new DomainError('duplicate', 'an open request for this destination already exists', input.channel === 'pstn' ? 'phone' : 'sipUri');
      }
      return { view: await this.viewOf(request, settings), created: false };
    }

    let position: number | null;
    try {
      position = await this.deps.list.add(listEntryOf(request));
    } catch (err) {
      // Committed and acknowledged: the reconcile puts it on the list.
      this.deps.logger.warn({ err, requestId: request.id }, 'help request stored but not yet listed');
      return { view: viewFields(request, null, null), created: true };
    }
    // The outbox flag only spares the reconcile a lookup, so the answer does not wait for it.
    this.track(
      this.deps.requests.markEnqueued(request.id).catch((err: unknown) => {
        this.deps.logger.warn({ err, requestId: request.id }, 'listed request not marked as listed; the reconcile verifies it');
      }),
    );
    return { view: await this.viewOf(request, settings, position), created: true };
  }

  /** Resolves once background writes started so far (outbox flags) have settled: call before shutting down. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  async view(id: string, clientIp: string): Promise<RequestView> {
    await this.limit(`read:${clientIp}`, this.options.limits.readsPerIp);
    const request = await this.deps.requests.findById(id);
    if (!request) throw new NotFoundError('help request');
    return this.viewOf(request, this.options.queueSettings(request.queue));
  }

  /** Cancels a waiting request; cancelling a cancelled one again is not an error. */
  async cancel(id: string, actor: string): Promise<RequestView> {
    const request = await this.deps.requests.transition(id, WAITING_STATUSES, { status: 'cancelled', outcome: 'cancelled' }, { actor, action: 'cancelled', entityType: 'help_request', entityId: id });
    if (!request) {
      const current = await this.deps.requests.findById(id);
      if (!current) throw new NotFoundError('help request');
      if (current.status === 'cancelled') return viewFields(current, null, null);
      if (FINAL_STATUSES.includes(current.status)) throw new ConflictError(`the request is already ${current.status}`);
      throw new ConflictError('the request is being served and can no longer be cancelled');
    }
    await this.deps.list.remove(id, request.queue).catch((err: unknown) => {
      // The dispatcher's own status check skips a cancelled request that is still listed.
      this.deps.logger.warn({ err, requestId: id }, 'cancelled request not removed from the list');
    });
    return viewFields(request, null, null);
  }

  /** A supervisor's change of priority, preferred time or status; the list order follows. */
  async amend(id: string, patch: AmendInput, actor: string): Promise<RequestView> {
    if (patch.status === 'cancelled') return this.cancel(id, actor);
    if (patch.priority === undefined && patch.preferredTime === undefined) throw new ValidationError('body', 'nothing to change', 'invalid_request');
    const current = await this.deps.requests.findById(id);
    if (!current) throw new NotFoundError('help request');
    const now = this.deps.clock.now();
    const dueAt = patch.preferredTime === undefined ? current.dueAt : patch.preferredTime === null ? now : this.dueAt(patch.preferredTime, now);
    const changes = {
      ...(patch.priority !== undefined ? { priority: patch.priority } : {}),
      ...(patch.preferredTime !== undefined ? { preferredAt: patch.preferredTime, dueAt } : {}),
      status: dueAt > now ? ('scheduled' as const) : ('queued' as const),
    };
    const updated = await this.deps.requests.transition(id, WAITING_STATUSES, changes, {
      actor,
      action: 'amended',
      entityType: 'help_request',
      entityId: id,
      details: { from: { priority: current.priority, dueAt: current.dueAt.toISOString() }, to: { priority: patch.priority, preferredTime: patch.preferredTime === undefined ? undefined : patch.preferredTime?.toISOString() ?? null } },
    });
    if (!updated) throw new ConflictError(`a ${current.status} request cannot be changed`);
    try {
      await this.deps.list.update(id, updated.queue, { priority: updated.priority, dueAt: updated.dueAt });
    } catch (err) {
      if (err instanceof NotFoundError) await this.deps.list.add(listEntryOf(updated));
      else if (err instanceof ConflictError) this.deps.logger.info({ requestId: id }, 'request taken by a dispatcher while being amended');
      else throw err;
    }
    return this.viewOf(updated, this.options.queueSettings(updated.queue));
  }

  /** The queue's list in the exact order of service, with each request's details. */
  async combinedList(queue: string): Promise<Array<{ position: number | null; estimatedWaitSeconds: number | null; entry: Awaited<ReturnType<ContactQueue['list']>>[number]; request: HelpRequest | null }>> {
    const settings = this.settings(queue);
    const entries = await this.deps.list.list(queue);
    const requests = new Map((await this.deps.requests.findByIds(entries.map((e) => e.requestId))).map((r) => [r.id, r]));
    const agents = await this.agents(queue);
    let waiting = 0;
    return entries.map((entry) => {
      const position = entry.state === 'waiting' ? ++waiting : null;
      const secondsUntilDue = Math.max(0, (entry.dueAt.getTime() - this.deps.clock.now().getTime()) / 1000);
      const estimate = entry.state === 'taken' ? null : estimateWaitSeconds({ position, handleSeconds: settings.handleSeconds, agentsLoggedIn: agents, secondsUntilDue });
      return { position, estimatedWaitSeconds: estimate, entry, request: requests.get(entry.requestId) ?? null };
    });
  }

  /** The visitor's view; `knownPosition` is the position when the caller has it already (from the add). */
  private async viewOf(request: HelpRequest, settings: QueueSettings | undefined, knownPosition?: number | null): Promise<RequestView> {
    if (request.status !== 'queued' && request.status !== 'scheduled') return viewFields(request, null, null);
    const position = request.status !== 'queued' ? null : knownPosition !== undefined ? knownPosition : await this.deps.list.position(request.id, request.queue);
    const secondsUntilDue = Math.max(0, (request.dueAt.getTime() - this.deps.clock.now().getTime()) / 1000);
    const estimate = estimateWaitSeconds({
      position,
      handleSeconds: settings?.handleSeconds ?? 300,
      agentsLoggedIn: await this.agents(request.queue),
      secondsUntilDue,
    });
    return viewFields(request, position, estimate);
  }

  private async agents(queue: string): Promise<number> {
    if (!this.deps.staffing) return 1;
    try {
      return await this.deps.staffing.loggedInAgents(queue);
    } catch (err) {
      this.deps.logger.warn({ err, queue }, 'staffing unknown, estimating with one agent');
      return 1;
    }
  }

  private settings(queue: string): QueueSettings {
    const settings = this.options.queueSettings(queue);
    if (!settings) throw new ValidationError('queue', 'is not a known queue');
    return { handleSeconds: settings.handleSeconds, priority: settings.priority ?? DEFAULT_PRIORITY };
  }

  /** The normalised destination: E.164 for pstn, the canonical SIP URI for voip. */
  private destination(input: SubmitInput): string {
    if (input.channel === 'pstn') {
      if (input.sipUri !== undefined) throw new ValidationError('sipUri', 'is only for channel voip');
      if (!input.phone) throw new ValidationError('phone', 'is required for channel pstn');
      return this.deps.policy.checkPhone(input.phone, 'phone').e164;
    }
    if (input.phone !== undefined) throw new ValidationError('phone', 'is only for channel pstn');
    if (!input.sipUri) throw new ValidationError('sipUri', 'is required for channel voip');
    return this.deps.policy.checkSipUri(input.sipUri, 'sipUri').uri;
  }

  private dueAt(preferred: Date | undefined, now: Date): Date {
    if (!preferred) return now;
    const tolerance = (this.options.pastToleranceSeconds ?? 300) * 1000;
    if (preferred.getTime() < now.getTime() - tolerance) throw new ValidationError('preferredTime', 'must not be in the past');
    const maxMs = (this.options.maxScheduleDays ?? 30) * 86_400_000;
    if (preferred.getTime() > now.getTime() + maxMs) throw new ValidationError('preferredTime', `must be within ${this.options.maxScheduleDays ?? 30} days`);
    return preferred > now ? preferred : now;
  }

  private async limit(key: string, setting: LimitSetting): Promise<void> {
    const decision = await this.deps.rateLimiter.consume(key, setting.limit, setting.windowSeconds);
    if (!decision.allowed) throw new RateLimitedError('too many requests, please try again later', decision.retryAfterSeconds);
  }
}

function viewFields(request: HelpRequest, position: number | null, estimatedWaitSeconds: number | null): RequestView {
  return {
    id: request.id,
    status: request.status,
    queue: request.queue,
    channel: request.channel,
    position,
    estimatedWaitSeconds,
    attempts: request.attempts,
    preferredTime: request.preferredAt,
    dueAt: request.dueAt,
    createdAt: request.createdAt,
  };
}
