import type { AgentEventBus, AgentNotice } from '../../app/acd/agent-events';
import type { ScreenPop } from '../../app/acd/screen-pop';

/** The screen pop as the desktop receives it: with where to fetch a voice message's audio. */
export type DesktopScreenPop = ScreenPop & { recordingUrl?: string };

/** Path of a voice message's audio for one agent, relative to the server (no token: the desktop adds a fresh one). */
export function voiceMessagePath(agentId: string, requestId: string): string {
  return `/api/v1/agents/${encodeURIComponent(agentId)}/recordings/${encodeURIComponent(requestId)}`;
}

/**
 * The agents' notices with a `recordingUrl` added to each offer of a voice message, so the desktop
 * can play it. The URL names the agent, which only the stream it is sent on knows, so it is added
 * here at the HTTP edge rather than when the pop is built.
 */
export function withVoiceMessageLinks(bus: Pick<AgentEventBus, 'subscribe'>): Pick<AgentEventBus, 'subscribe'> {
  return {
    subscribe: (agentId, listener) => bus.subscribe(agentId, (notice) => listener(linked(agentId, notice))),
  };
}

function linked(agentId: string, notice: AgentNotice): AgentNotice {
  if (notice.type !== 'offer' || notice.pop.channel !== 'voicemail' || !notice.pop.recording) return notice;
  const pop: DesktopScreenPop = { ...notice.pop, recordingUrl: voiceMessagePath(agentId, notice.pop.requestId) };
  return { ...notice, pop };
}
