/*
 * The agents of the supervisor's queue and their states (GET /api/v1/agents?queue=), beside the
 * combined list. The panel stays hidden while the controller offers no agent view.
 */
import { ApiError, apiRequest, h, replaceChildren, timeElement } from './common.js';

/** Loads the agents of `queue` into `list` and shows `section`; hides it when there are none. */
export async function loadAgents({ queue, apiKey, section, list, signal }) {
  let data;
  try {
    data = await apiRequest('GET', `/api/v1/agents?${new URLSearchParams({ queue })}`, { token: apiKey, signal });
  } catch (err) {
    if (err instanceof ApiError && (err.status === 404 || err.status === 405)) section.hidden = true;
    throw err;
  }
  const agents = Array.isArray(data?.agents) ? data.agents.filter((a) => a && typeof a.id === 'string') : null;
  if (!agents || agents.length === 0) {
    section.hidden = true;
    return;
  }
  replaceChildren(
    list,
    agents.map((a) =>
      h(
        'li',
        { dataset: { agentId: a.id } },
        h('span', { class: 'name', text: typeof a.name === 'string' && a.name ? a.name : a.id }),
        ' ',
        h('span', { class: `state agent-${String(a.state)}`, dataset: { state: String(a.state) }, text: a.state === 'paused' && a.reason ? `paused (${a.reason})` : String(a.state) }),
        ' ',
        h('span', { class: 'muted small' }, 'since ', timeElement(a.since)),
        typeof a.callsHandled === 'number' ? h('span', { class: 'muted small', text: ` \u00b7 ${a.callsHandled} handled` }) : null,
      ),
    ),
  );
  section.hidden = false;
}
