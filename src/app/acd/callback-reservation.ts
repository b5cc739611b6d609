import type { HelpRequest } from '../../domain/help-request';
import type { ServiceQueue } from '../../domain/center-config';
import type { CallRecords } from '../../ports/call-records';
import type { Clock } from '../../ports/clock';
import type { ContactQueue, ListEntry } from '../../ports/contact-queue';
import type { HelpRequestRepository } from '../../ports/help-request-repository';
import type { Logger } from '../../ports/logger';
import type { AgentEventBus } from './agent-events';
import type { AgentRoster } from './agent-roster';
import type { ConnectorHooks } from './agent-connector';
import type { Reservation, ReservationOutcome, ReservedAgent } from './dispatch-contract';

/**
 * An agent reserved for a due callback, handed to the dialer. `settle` takes effect once:
 * 'done' removes the entry for good and starts the agent's wrap-up; 'requeue' puts the entry
 * back in its place; 'agent-missed' does the same and counts a miss for the agent.
 */
export class CallbackReservation implements Reservation {
  private settled = false;
  readonly agent: ReservedAgent;

  constructor(
    agent: ReservedAgent,
    readonly entry: ListEntry,
    readonly request: HelpRequest,
    private readonly queueConfig: ServiceQueue,
    private readonly deps: { roster: AgentRoster; queue: ContactQueue; requests: HelpRequestRepository; records: CallRecords; bus: AgentEventBus; clock: Clock; log: Logger; hooks: ConnectorHooks },
    private readonly offerId: string,
    /** The agent's reservation write (see Reservation.agentHeld). */
    readonly agentHeld: Promise<boolean> = Promise.resolve(true),
  ) {
    this.agent = agent;
  }

  get isSettled(): boolean {
    return this.settled;
  }

  /** The customer and the agent are talking (optional: the dialer tells it if it can). */
  markConnected(): void {
    if (this.settled) return;
    void this.deps.roster.applyIfAllowed(this.agent.id, { type: 'answer' });
    this.deps.bus.publish(this.agent.id, { type: 'connected', requestId: this.request.id, at: this.deps.clock.now().toISOString() });
  }

  async settle(outcome: ReservationOutcome): Promise<void> {
    if (this.settled) return;
    this.settled = true;
    const { roster, queue, requests, records, clock, log, hooks } = this.deps;
    records
      .offerEnded(this.offerId, { outcome: outcome.kind === 'done' ? 'answered' : outcome.kind === 'agent-missed' ? 'missed' : 'failed', endedAt: clock.now() })
      .catch((err: unknown) => log.error({ err }, 'record failed: offer end'));
    const { requestId, queue: queueId } = this.entry;
    const agentId = this.agent.id;
    try {
      // Refused by the database: another controller holds the agent, which is not ours to move.
      const held = await this.agentHeld;
      if (outcome.kind === 'done') {
        await queue.complete(requestId, queueId);
        if (!held) return;
        if (await roster.applyIfAllowed(agentId, { type: 'end' })) hooks.wrapUp(agentId, this.queueConfig, requestId);
        else await roster.applyIfAllowed(agentId, { type: 'release' });
      } else {
        const dueAt = outcome.kind === 'requeue' ? outcome.dueAt : undefined;
        await queue.requeue(requestId, queueId, dueAt ? { dueAt } : undefined);
        const later = dueAt !== undefined && dueAt > clock.now();
        // The request is still as the dispatcher found it unless the dialer moved it (and then it
        // set the status itself); 'reserved' is what an earlier release of the controller left.
        await requests.transition(requestId, later ? ['reserved', 'queued', 'scheduled'] : ['reserved', 'scheduled'], { status: later ? 'scheduled' : 'queued', ...(dueAt ? { dueAt } : {}) });
        if (!held) return;
        if (outcome.kind === 'agent-missed') {
          roster.setCooldown(agentId, new Date(clock.now().getTime() + this.queueConfig.ringRetrySeconds * 1000));
          await roster.applyIfAllowed(agentId, { type: 'miss', missesBeforePause: this.queueConfig.missesBeforePause });
          if (this.queueConfig.ringRetrySeconds > 0) clock.setTimeout(() => hooks.kick(), this.queueConfig.ringRetrySeconds * 1000);
        } else if (!(await roster.applyIfAllowed(agentId, { type: 'release' })) && (await roster.applyIfAllowed(agentId, { type: 'end' }))) {
          hooks.wrapUp(agentId, this.queueConfig, requestId);
        }
      }
      log.info({ agentId, requestId, outcome: outcome.kind }, 'callback reservation settled');
    } finally {
      hooks.kick();
    }
  }
}
