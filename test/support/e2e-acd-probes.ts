/**
 * What the ACD end-to-end suites look at: the simulator's view of calls (originations, playbacks)
 * and the MariaDB records.
 */
import type { Knex } from 'knex';
import type { OriginationRecord, SimControl } from '../../src/simulator';

/** One help_requests row (raw columns), or undefined. */
export function requestOf(knex: Knex, where: Record<string, string>) {
  return knex('help_requests').where(where).orderBy('arrival_at').first();
}

/** The originations to an agent's endpoint, oldest first. */
export function legsToAgent(sim: SimControl, endpoint: string): OriginationRecord[] {
  return sim.listOriginations().filter((o) => o.endpoint === endpoint);
}

/** The request ids the agent legs (ACD rings and agent-first callbacks) were for, in order. */
export function servedOrder(sim: SimControl, endpoints: readonly string[]): string[] {
  return sim
    .listOriginations()
    .filter((o) => endpoints.includes(o.endpoint))
    .map((o) => o.variables.CC_REQUEST_ID ?? '?');
}

/** The states an agent went through, from the state log. */
export async function agentStates(knex: Knex, agentId: string): Promise<string[]> {
  const rows = await knex('agent_state_log').where({ agent_id: agentId }).orderBy('id');
  return rows.map((r) => String(r.state));
}

/**
 * Every medium played to a channel, in order, sampled from the simulator's live playbacks until
 * `stop()` (each prompt lasts tens of milliseconds at the suites' time scale; the sampling is finer).
 */
export function callerSaw(sim: SimControl, channelId: string): { media: string[]; stop(): void } {
  const media: string[] = [];
  const seen = new Set<string>();
  const timer = setInterval(() => {
    for (const p of sim.listPlaybacks()) {
      const key = `${p.id}|${p.mediaUri}`;
      if (p.targetUri === `channel:${channelId}` && !seen.has(key)) {
        seen.add(key);
        media.push(p.mediaUri);
      }
    }
  }, 5);
  return { media, stop: () => clearInterval(timer) };
}
