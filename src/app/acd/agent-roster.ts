import { applyAgentEvent, canApply, initialAgentStatus, type AgentEvent, type AgentStatus } from '../../domain/agent-state';
import type { AgentDefinition } from '../../domain/center-config';
import { ConflictError, NotFoundError } from '../../domain/errors';
import type { AgentCandidate } from '../../domain/routing';
import type { AgentRepository } from '../../ports/agent-repository';
import type { Clock } from '../../ports/clock';
import type { Logger } from '../../ports/logger';

export interface RosterAgent {
  readonly definition: AgentDefinition;
  status: AgentStatus;
  lastOfferedAt: Date | null;
  /** Not offered anything before this time (after a missed ring). */
  cooldownUntil: Date | null;
}

export type RosterListener = (agentId: string, status: AgentStatus, previous: AgentStatus) => void;

/**
 * The agents of this controller and their states. Every change goes through `apply`: the
 * domain's transition table is checked and the new state set synchronously (the in-process lock:
 * two callers in the same tick cannot both reserve one agent), then written to the database with
 * a conditional update per agent, in order. A refused database write (another process moved the
 * agent) undoes the change and rejects with ConflictError.
 */
export class AgentRoster {
  private readonly agents = new Map<string, RosterAgent>();
  private readonly writes = new Map<string, Promise<unknown>>();
  private readonly listeners = new Set<RosterListener>();

  constructor(
    definitions: readonly AgentDefinition[],
    private readonly repo: AgentRepository,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {
    for (const d of definitions) this.agents.set(d.id, { definition: d, status: initialAgentStatus(clock.now()), lastOfferedAt: null, cooldownUntil: null });
  }

  /**
   * Loads stored states. An agent caught mid-contact by a restart (reserved, ringing, on call,
   * wrap-up) comes back available: the calls of the previous process are gone.
   */
  async restore(): Promise<void> {
    const stored = await this.repo.loadStates();
    for (const [id, status] of stored) {
      const agent = this.agents.get(id);
      if (!agent) continue;
      if (status.state === 'logged-out' || status.state === 'paused' || status.state === 'available') {
        agent.status = status;
        continue;
      }
      const next: AgentStatus = { ...status, state: 'available', reason: null, since: this.clock.now() };
      if (await this.repo.saveState(id, status.state, next)) agent.status = next;
      this.log.warn({ agentId: id, was: status.state }, 'agent was mid-contact at restart; now available');
    }
  }

  onChange(listener: RosterListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get(agentId: string): RosterAgent {
    const a = this.agents.get(agentId);
    if (!a) throw new NotFoundError(`agent ${agentId}`);
    return a;
  }

  has(agentId: string): boolean {
    return this.agents.has(agentId);
  }

  list(): RosterAgent[] {
    return [...this.agents.values()];
  }

  findByEndpoint(endpoint: string): RosterAgent | undefined {
    return this.list().find((a) => a.definition.endpoint.toLowerCase() === endpoint.toLowerCase());
  }

  /** Agents free to be offered a contact now. */
  available(now: Date = this.clock.now()): RosterAgent[] {
    return this.list().filter((a) => a.status.state === 'available' && (!a.cooldownUntil || a.cooldownUntil <= now));
  }

  /** Candidates for a queue's contact, for the routing strategies. */
  candidatesFor(queue: string, now: Date = this.clock.now()): Array<AgentCandidate & { agent: RosterAgent }> {
    return this.available(now)
      .filter((a) => a.definition.queues[queue] !== undefined)
      .map((a) => ({
        agent: a,
        id: a.definition.id,
        skill: a.definition.queues[queue]!,
        idleSince: maxDate(a.status.lastCallEndedAt, a.status.since),
        lastOfferedAt: a.lastOfferedAt,
        callsHandled: a.status.callsHandled,
      }));
  }

  /** Logged-in agents serving a queue (for wait estimates). */
  loggedInFor(queue: string): number {
    return this.list().filter((a) => a.status.state !== 'logged-out' && a.status.state !== 'paused' && a.definition.queues[queue] !== undefined).length;
  }

  /** Whether the event is allowed for the agent right now. */
  can(agentId: string, type: AgentEvent['type']): boolean {
    return canApply(this.get(agentId).status, type);
  }

  /** Applies an event; throws IllegalAgentTransitionError when the table forbids it. */
  async apply(agentId: string, event: AgentEvent): Promise<AgentStatus> {
    const agent = this.get(agentId);
    const previous = agent.status;
    const next = applyAgentEvent(previous, event, this.clock.now());
    agent.status = next;
    if (event.type === 'reserve') agent.lastOfferedAt = next.since;
    this.log.info({ agentId, from: previous.state, to: next.state, event: event.type, reason: next.reason ?? undefined }, 'agent state');
    const write = (this.writes.get(agentId) ?? Promise.resolve()).then(
      () => this.repo.saveState(agentId, previous.state, next),
      () => this.repo.saveState(agentId, previous.state, next),
    );
    this.writes.set(agentId, write);
    let stored: boolean;
    try {
      stored = await write;
    } catch (err) {
      this.log.error({ err, agentId }, 'agent state not stored');
      stored = false;
    }
    if (!stored) {
      if (agent.status === next) agent.status = previous;
      throw new ConflictError(`agent ${agentId} changed state elsewhere`);
    }
    for (const l of this.listeners) l(agentId, next, previous);
    return next;
  }

  /** Applies the event only if allowed now; returns whether it was applied. */
  async applyIfAllowed(agentId: string, event: AgentEvent): Promise<boolean> {
    if (!this.can(agentId, event.type)) return false;
    try {
      await this.apply(agentId, event);
      return true;
    } catch (err) {
      this.log.warn({ err, agentId, event: event.type }, 'agent event not applied');
      return false;
    }
  }

  setCooldown(agentId: string, until: Date | null): void {
    this.get(agentId).cooldownUntil = until;
  }
}

function maxDate(a: Date | null, b: Date): Date {
  return a && a > b ? a : b;
}
