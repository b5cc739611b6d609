import type { AgentState } from '../../domain/agent-state';
import type { ScreenPop } from './screen-pop';

/** What an agent's desktop is told, over its event stream. Everything is data; pages escape it. */
export type AgentNotice =
  | { type: 'state'; state: AgentState; reason: string | null; at: string }
  | { type: 'offer'; pop: ScreenPop }
  | { type: 'connected'; requestId: string; at: string }
  | { type: 'ended'; requestId: string; at: string; wrapUpSeconds: number };

export type AgentNoticeListener = (notice: AgentNotice) => void;

/** In-process fan-out of notices to each agent's open event streams. */
export class AgentEventBus {
  private readonly listeners = new Map<string, Set<AgentNoticeListener>>();
  /** The last offer per agent, so a desktop that (re)connects mid-offer still shows the screen pop. */
  private readonly lastOffer = new Map<string, AgentNotice>();

  subscribe(agentId: string, listener: AgentNoticeListener): () => void {
    const set = this.listeners.get(agentId) ?? new Set();
    set.add(listener);
    this.listeners.set(agentId, set);
    const offer = this.lastOffer.get(agentId);
    if (offer) listener(offer);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(agentId);
    };
  }

  publish(agentId: string, notice: AgentNotice): void {
    if (notice.type === 'offer') this.lastOffer.set(agentId, notice);
    if (notice.type === 'ended' || (notice.type === 'state' && (notice.state === 'available' || notice.state === 'logged-out'))) this.lastOffer.delete(agentId);
    for (const l of [...(this.listeners.get(agentId) ?? [])]) {
      try {
        l(notice);
      } catch {
        // A broken stream must not stop the others; the stream removes itself on close.
      }
    }
  }

  subscriberCount(agentId: string): number {
    return this.listeners.get(agentId)?.size ?? 0;
  }
}
