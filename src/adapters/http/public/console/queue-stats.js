/*
 * Queue statistics for the supervisor console: service level, average speed of answer, handle
 * time and abandonment of the current day, added up from the controller's per-interval figures.
 * The panel stays hidden while the controller offers no statistics for the queue.
 */
import { ApiError, apiRequest, formatDuration, h, replaceChildren } from './common.js';

/** Where the controller publishes a queue's interval statistics. */
export const STATS_PATH = (queue) => `/api/v1/queues/${encodeURIComponent(queue)}/stats`;

/** Adds up interval rows ({ offered, answered, answeredInServiceLevel, abandoned, deflected, asaSeconds, handleSeconds, averageAbandonWaitSeconds }). */
export function summarize(intervals) {
  const sum = { offered: 0, answered: 0, inServiceLevel: 0, abandoned: 0, deflected: 0, asaTotal: 0, handleTotal: 0, handled: 0, abandonWaitTotal: 0 };
  for (const i of intervals) {
    const n = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
    sum.offered += n(i.offered);
    sum.answered += n(i.answered);
    sum.inServiceLevel += n(i.answeredInServiceLevel);
    sum.abandoned += n(i.abandoned);
    sum.deflected += n(i.deflected);
    if (typeof i.asaSeconds === 'number') sum.asaTotal += i.asaSeconds * n(i.answered);
    if (typeof i.handleSeconds === 'number') {
      sum.handleTotal += i.handleSeconds * n(i.answered);
      sum.handled += n(i.answered);
    }
    if (typeof i.averageAbandonWaitSeconds === 'number') sum.abandonWaitTotal += i.averageAbandonWaitSeconds * n(i.abandoned);
  }
  const eligible = sum.offered - sum.deflected;
  return {
    offered: sum.offered,
    answered: sum.answered,
    abandoned: sum.abandoned,
    deflected: sum.deflected,
    serviceLevel: eligible > 0 ? sum.inServiceLevel / eligible : null,
    asaSeconds: sum.answered > 0 ? sum.asaTotal / sum.answered : null,
    handleSeconds: sum.handled > 0 ? sum.handleTotal / sum.handled : null,
    abandonRate: eligible > 0 ? sum.abandoned / eligible : null,
    averageAbandonWaitSeconds: sum.abandoned > 0 ? sum.abandonWaitTotal / sum.abandoned : null,
  };
}

const percent = (v) => (v === null ? '\u2014' : `${Math.round(v * 100)} %`);
const seconds = (v) => (v === null ? '\u2014' : formatDuration(v));

/** Loads today's statistics of `queue` into `list` and shows `section`; hides it when there are none. */
export async function loadStats({ queue, apiKey, section, list, signal }) {
  const from = new Date();
  from.setHours(0, 0, 0, 0);
  const query = new URLSearchParams({ from: from.toISOString(), to: new Date().toISOString() });
  let data;
  try {
    data = await apiRequest('GET', `${STATS_PATH(queue)}?${query}`, { token: apiKey, signal });
  } catch (err) {
    if (err instanceof ApiError && (err.status === 404 || err.status === 405)) section.hidden = true;
    throw err;
  }
  const intervals = Array.isArray(data) ? data : Array.isArray(data?.intervals) ? data.intervals : null;
  if (!intervals) {
    section.hidden = true;
    return;
  }
  const s = summarize(intervals);
  const item = (key, label, value) => [h('dt', { text: label }), h('dd', { dataset: { stat: key }, text: value })];
  replaceChildren(
    list,
    item('service-level', 'Service level', percent(s.serviceLevel)),
    item('asa', 'Average speed of answer', seconds(s.asaSeconds)),
    item('abandon-rate', 'Abandoned', s.offered ? `${percent(s.abandonRate)} (${s.abandoned})` : '\u2014'),
    item('handle', 'Average handle time', seconds(s.handleSeconds)),
    item('offered', 'Calls offered', String(s.offered)),
    item('deflected', 'Callback or message instead', String(s.deflected)),
  );
  section.hidden = false;
}
