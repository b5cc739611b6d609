import type { Knex } from 'knex';
import type { AgentState, AgentStatus } from '../../domain/agent-state';
import type { AgentDefinition, ServiceQueue } from '../../domain/center-config';
import type { AgentRepository } from '../../ports/agent-repository';

/** Agents, queues and skills in MySQL; state changes are conditional updates logged in `agent_state_log`. */
export class KnexAgentRepository implements AgentRepository {
  constructor(private readonly knex: Knex) {}

  async sync(queues: readonly ServiceQueue[], agents: readonly AgentDefinition[]): Promise<void> {
    await this.knex.transaction(async (trx) => {
      for (const q of queues) {
        await trx('queues')
          .insert({ id: q.id, name: q.name, strategy: q.strategy, handle_seconds: q.handleSeconds, callback_mode: q.callbackMode, settings: JSON.stringify({ ringTimeoutSeconds: q.ringTimeoutSeconds, wrapUpSeconds: q.wrapUpSeconds }) })
          .onConflict('id')
          .merge(['name', 'strategy', 'handle_seconds', 'callback_mode', 'settings']);
      }
      for (const a of agents) {
        await trx('agents').insert({ id: a.id, name: a.name, endpoint: a.endpoint }).onConflict('id').merge(['name', 'endpoint']);
        await trx('agent_queues').where({ agent_id: a.id }).delete();
        const rows = Object.entries(a.queues).map(([queue_id, skill]) => ({ agent_id: a.id, queue_id, skill }));
        if (rows.length) await trx('agent_queues').insert(rows);
      }
    });
  }

  async loadStates(): Promise<Map<string, AgentStatus>> {
    const rows = await this.knex('agents').select('id', 'state', 'state_reason', 'state_since', 'last_call_ended_at', 'missed_in_row', 'calls_handled');
    return new Map(
      rows.map((r) => [
        String(r.id),
        {
          state: r.state as AgentState,
          reason: r.state_reason ?? null,
          since: new Date(r.state_since),
          lastCallEndedAt: r.last_call_ended_at ? new Date(r.last_call_ended_at) : null,
          missedInRow: Number(r.missed_in_row),
          callsHandled: Number(r.calls_handled),
        },
      ]),
    );
  }

  async saveState(agentId: string, from: AgentState, next: AgentStatus): Promise<boolean> {
    // One call: the conditional update and its log row commit together (migration 004). "Changed"
    // counts the row matched (mysql2 connects with FOUND_ROWS), as knex's update count did.
    const [sets] = (await this.knex.raw('CALL cc_save_agent_state(?, ?, ?, ?, ?, ?, ?, ?)', [
      agentId,
      from,
      next.state,
      next.reason,
      next.since,
      next.lastCallEndedAt,
      next.missedInRow,
      next.callsHandled,
    ])) as [unknown[]];
    return Number((sets[0] as Array<{ changed: number | string }>)[0]?.changed) === 1;
  }
}
