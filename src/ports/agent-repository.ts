import type { AgentState, AgentStatus } from '../domain/agent-state';
import type { AgentDefinition, ServiceQueue } from '../domain/center-config';

/** Agents, their queues and skills, their current state and the log of every state change (MySQL). */
export interface AgentRepository {
  /** Writes the configured queues, agents and skills, keeping each agent's current state. */
  sync(queues: readonly ServiceQueue[], agents: readonly AgentDefinition[]): Promise<void>;
  /** The stored state of every agent. */
  loadStates(): Promise<Map<string, AgentStatus>>;
  /**
   * Conditional write: stores `next` only while the stored state is still `from`, and appends the
   * change to the state log. Returns false when the stored state differs (another process moved it).
   */
  saveState(agentId: string, from: AgentState, next: AgentStatus): Promise<boolean>;
}
