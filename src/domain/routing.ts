import type { RoutingStrategy } from './center-config';

/**
 * Which free agent gets a queue's next contact. Agents with a better skill level for the queue
 * (1 = primary) come first; among equals the queue's strategy decides:
 * - longest-idle: the agent whose last call ended longest ago (or who became free longest ago);
 * - round-robin: the agent offered a contact of any queue least recently;
 * - fewest-calls: the agent who handled the fewest calls, then longest idle.
 * Ties end on the agent id, so the choice is deterministic.
 */
export interface AgentCandidate {
  id: string;
  /** Skill level for the contact's queue (1 = primary). */
  skill: number;
  /** Since when the agent has been idle: end of the last call, or when they became available. */
  idleSince: Date;
  lastOfferedAt: Date | null;
  callsHandled: number;
}

export function compareCandidates(strategy: RoutingStrategy, a: AgentCandidate, b: AgentCandidate): number {
  if (a.skill !== b.skill) return a.skill - b.skill;
  const idle = a.idleSince.getTime() - b.idleSince.getTime();
  let d = 0;
  switch (strategy) {
    case 'longest-idle':
      d = idle;
      break;
    case 'round-robin':
      d = (a.lastOfferedAt?.getTime() ?? -Infinity) - (b.lastOfferedAt?.getTime() ?? -Infinity);
      if (Number.isNaN(d)) d = 0;
      break;
    case 'fewest-calls':
      d = a.callsHandled - b.callsHandled || idle;
      break;
  }
  if (d !== 0) return d;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** The best candidate for a contact of a queue with `strategy`, or null when there is none. */
export function selectAgent<T extends AgentCandidate>(strategy: RoutingStrategy, candidates: readonly T[]): T | null {
  let best: T | null = null;
  for (const c of candidates) if (best === null || compareCandidates(strategy, c, best) < 0) best = c;
  return best;
}

/**
 * The order one agent is offered entries of several queues: priority band, then original
 * arrival, then the agent's skill level for the entry's queue, then id.
 */
export function compareEntriesForAgent(
  skills: Readonly<Record<string, number>>,
  a: { priority: number; arrivalAt: Date; requestId: string; queue: string },
  b: { priority: number; arrivalAt: Date; requestId: string; queue: string },
): number {
  if (a.priority !== b.priority) return a.priority - b.priority;
  const dt = a.arrivalAt.getTime() - b.arrivalAt.getTime();
  if (dt !== 0) return dt;
  const ds = (skills[a.queue] ?? 99) - (skills[b.queue] ?? 99);
  if (ds !== 0) return ds;
  return a.requestId < b.requestId ? -1 : a.requestId > b.requestId ? 1 : 0;
}
