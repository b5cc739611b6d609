/*
 * The agent API as the desktop uses it: one place for the paths and for how the event stream
 * is authenticated.
 */
import { apiRequest } from './common.js';

const base = (agentId) => `/api/v1/agents/${encodeURIComponent(agentId)}`;

export function agentApi(agentId, token) {
  const call = (method, path, body) => apiRequest(method, `${base(agentId)}${path}`, { token, body });
  return {
    view: () => call('GET', ''),
    login: () => call('POST', '/login'),
    logout: () => call('POST', '/logout'),
    pause: (reason) => call('POST', '/pause', { reason }),
    resume: () => call('POST', '/resume'),
    dispose: (requestId, disposition, notes) => call('POST', `/calls/${encodeURIComponent(requestId)}/disposition`, { disposition, notes: notes || null }),
    /**
     * The event stream. EventSource cannot send an Authorization header, so the desktop trades
     * its token (in a header) for a short-lived stream token that goes in the query string; the
     * agent's own token never appears in a URL.
     */
    /**
     * A path of this agent's API (a voice message's audio) with a fresh stream token, for media
     * elements, which cannot send headers either. Other URLs are refused: the token is not sent elsewhere.
     */
    async mediaUrl(path) {
      if (typeof path !== 'string' || !path.startsWith(`${base(agentId)}/`) || path.includes('?') || path.includes('#')) {
        throw new Error('not a path of this agent\'s API');
      }
      const grant = await call('POST', '/stream-token');
      if (!grant || typeof grant.token !== 'string') throw new Error('the controller issued no stream token');
      return `${path}?${new URLSearchParams({ token: grant.token })}`;
    },
    async events() {
      const grant = await call('POST', '/stream-token');
      if (!grant || typeof grant.token !== 'string') throw new Error('the controller issued no stream token');
      return new EventSource(`${base(agentId)}/events?${new URLSearchParams({ token: grant.token })}`);
    },
  };
}
