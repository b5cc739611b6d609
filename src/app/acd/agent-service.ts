import type { AgentStatus } from '../../domain/agent-state';
import { DomainError, ValidationError } from '../../domain/errors';
import type { CallRecords } from '../../ports/call-records';
import type { Clock } from '../../ports/clock';
import type { HelpRequestRepository } from '../../ports/help-request-repository';
import { verifyAgentToken } from './agent-credentials';
import type { AgentRoster } from './agent-roster';

export class UnauthorizedError extends DomainError {
  constructor() {
    super('unauthorized', 'a valid agent token is required');
  }
}

export interface AgentView {
  id: string;
  name: string;
  queues: Record<string, number>;
  state: AgentStatus['state'];
  reason: string | null;
  since: string;
  missedInRow: number;
  callsHandled: number;
}

const DISPOSITION = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** What an agent does through the API: log in and out, pause and resume, and wrap up a contact. */
export class AgentService {
  constructor(
    private readonly roster: AgentRoster,
    private readonly records: CallRecords,
    private readonly requests: HelpRequestRepository,
    private readonly clock: Clock,
  ) {}

  /** Throws UnauthorizedError unless `token` belongs to `agentId` (the same error for an unknown agent). */
  authenticate(agentId: string, token: string | undefined): void {
    if (!token || !this.roster.has(agentId) || !verifyAgentToken(this.roster.get(agentId).definition, token)) throw new UnauthorizedError();
  }

  view(agentId: string): AgentView {
    const a = this.roster.get(agentId);
    const s = a.status;
    return { id: a.definition.id, name: a.definition.name, queues: { ...a.definition.queues }, state: s.state, reason: s.reason, since: s.since.toISOString(), missedInRow: s.missedInRow, callsHandled: s.callsHandled };
  }

  async login(agentId: string): Promise<AgentView> {
    await this.roster.apply(agentId, { type: 'login' });
    return this.view(agentId);
  }

  async logout(agentId: string): Promise<AgentView> {
    await this.roster.apply(agentId, { type: 'logout' });
    return this.view(agentId);
  }

  async pause(agentId: string, reason: string): Promise<AgentView> {
    const r = reason.trim();
    if (r.length === 0 || r.length > 100) throw new ValidationError('reason', 'must be 1 to 100 characters');
    await this.roster.apply(agentId, { type: 'pause', reason: r });
    return this.view(agentId);
  }

  async resume(agentId: string): Promise<AgentView> {
    await this.roster.apply(agentId, { type: 'resume' });
    return this.view(agentId);
  }

  /** Disposition and notes for a contact this agent was offered. */
  async dispose(agentId: string, input: { requestId: string; disposition: string; notes?: string | null }): Promise<void> {
    if (!DISPOSITION.test(input.disposition)) throw new ValidationError('disposition', 'must be a short code: a-z, 0-9, _ or -');
    if (input.notes && input.notes.length > 4000) throw new ValidationError('notes', 'must be at most 4000 characters');
    if (!(await this.records.wasOfferedTo(input.requestId, agentId))) throw new DomainError('not_found', 'no contact of this agent with that request id', 'requestId');
    const at = this.clock.now();
    await this.records.setDisposition({ requestId: input.requestId, agentId, disposition: input.disposition, notes: input.notes ?? null, at });
    await this.requests.audit({ actor: `agent:${agentId}`, action: 'disposition', entityType: 'help_request', entityId: input.requestId, details: { disposition: input.disposition } });
  }
}
