/*
 * Queue statistics for the supervisor console: service level, average speed of answer, handle
 * time and abandonment since midnight, as the controller computes them for the whole range
 * (GET /api/v1/queues/:queue/stats, field `total`), and the callbacks requested since then (field
 * `callbacks`). The panel stays hidden while the controller offers no statistics for the queue.
 */
import { ApiError, apiRequest, formatDuration, h, replaceChildren } from './common.js';

const percent = (v) => (typeof v === 'number' && Number.isFinite(v) ? `${Math.round(v * 100)} %` : '\u2014');
const seconds = (v) => (typeof v === 'number' && Number.isFinite(v) ? formatDuration(v) : '\u2014');
const count = (v) => (typeof v === 'number' && Number.isFinite(v) ? String(v) : '\u2014');

/** Loads today's statistics of `queue` into `list` and shows `section`; hides it when there are none. */
export async function loadStats({ queue, apiKey, section, list, signal }) {
  const from = new Date();
  from.setHours(0, 0, 0, 0);
  const query = new URLSearchParams({ from: from.toISOString(), to: new Date().toISOString() });
  let data;
  try {
    data = await apiRequest('GET', `/api/v1/queues/${encodeURIComponent(queue)}/stats?${query}`, { token: apiKey, signal });
  } catch (err) {
    if (err instanceof ApiError && (err.status === 404 || err.status === 405)) section.hidden = true;
    throw err;
  }
  const t = data && typeof data.total === 'object' && data.total !== null ? data.total : null;
  if (!t) {
    section.hidden = true;
    return;
  }
  const item = (key, label, value) => h('div', {}, h('dt', { text: label }), h('dd', { dataset: { stat: key }, text: value }));
  replaceChildren(
    list,
    item('service-level', `Service level (answered within ${count(data.serviceLevelSeconds)} s)`, percent(t.serviceLevel)),
    item('asa', 'Average speed of answer', seconds(t.asaSeconds)),
    item('abandoned', 'Abandoned', t.offered ? `${percent(t.abandonRate)} (${count(t.abandoned)})` : '\u2014'),
    item('handle', 'Average handle time', seconds(t.handleSeconds)),
    item('offered', 'Offered', count(t.offered)),
    item('answered', 'Answered', count(t.answered)),
    item('deflected', 'Callback or message instead', count(t.deflected)),
    ...callbackItems(item, data.callbacks),
  );
  section.hidden = false;
}

/** The callback figures, when the controller gives them. */
function callbackItems(item, c) {
  if (!c || typeof c !== 'object') return [];
  return [
    item('callbacks-requested', 'Callbacks requested', count(c.requested)),
    item('callbacks-reached', 'Callbacks that reached the customer', c.completed + c.failed > 0 ? `${percent(c.reachRate)} (${count(c.completed)})` : '\u2014'),
    item('callbacks-open', 'Callbacks waiting', count(c.open)),
    item('callbacks-first-call', 'Average time to the first call', seconds(c.firstAttemptSeconds)),
  ];
}
