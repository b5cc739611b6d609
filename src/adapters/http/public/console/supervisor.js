/*
 * Supervisor console: the combined list of one queue in the exact order of service, refreshed
 * every few seconds, with priority, reschedule and cancel per request through the supervisor API
 * (GET /api/v1/combined-list, PATCH /api/v1/help-requests/:id), and the queue's statistics when
 * the controller offers them.
 */
import { ApiError, apiRequest, describeError, h, isoToLocalInput, localInputToIso, maskDestination, replaceChildren, sessionStore, showError, timeElement } from './common.js';
import { loadAgents } from './agent-states.js';
import { loadStats } from './queue-stats.js';

const REFRESH_MS = 5000;
const QUEUE_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const store = sessionStore('cc.supervisor');
const $ = (id) => document.getElementById(id);

let session = null; // { apiKey, queue }
let timer = null;
let inFlight = null;
let managed = null; // the entry the dialog is open for
const rows = new Map(); // requestId -> <tr>

function start() {
  $('sign-in-form').addEventListener('submit', onSignIn);
  $('sign-out').addEventListener('click', () => signOut(null));
  $('queue-form').addEventListener('submit', onQueueChange);
  $('refresh').addEventListener('click', () => refresh());
  $('auto-refresh').addEventListener('change', schedule);
  document.addEventListener('visibilitychange', schedule);
  $('priority-form').addEventListener('submit', onPriority);
  $('schedule-form').addEventListener('submit', onReschedule);
  $('serve-now').addEventListener('click', () => amend({ preferredTime: null }));
  $('cancel-request').addEventListener('click', () => showCancelConfirm(true));
  $('cancel-no').addEventListener('click', () => showCancelConfirm(false));
  $('cancel-yes').addEventListener('click', () => amend({ status: 'cancelled' }));
  $('manage-close').addEventListener('click', () => $('manage').close());
  $('manage').addEventListener('close', () => {
    managed = null;
  });

  const fromUrl = new URLSearchParams(location.search).get('queue');
  const saved = store.load();
  if (saved && typeof saved.apiKey === 'string' && typeof saved.queue === 'string') {
    signIn({ apiKey: saved.apiKey, queue: fromUrl && QUEUE_ID.test(fromUrl) ? fromUrl : saved.queue });
  } else if (fromUrl && QUEUE_ID.test(fromUrl)) {
    $('sign-in-queue').value = fromUrl;
  }
}

function onSignIn(event) {
  event.preventDefault();
  const apiKey = $('api-key').value.trim();
  const queue = $('sign-in-queue').value.trim();
  if (!apiKey) return showError($('sign-in-error'), 'Enter the supervisor API key.');
  if (!QUEUE_ID.test(queue)) return showError($('sign-in-error'), 'Queue: lower-case letters, digits, _ or -.');
  $('api-key').value = '';
  signIn({ apiKey, queue });
}

function signIn(value) {
  session = value;
  store.save(session);
  showError($('sign-in-error'), null);
  $('sign-in').hidden = true;
  $('console').hidden = false;
  $('queue-form').hidden = false;
  $('sign-out').hidden = false;
  $('queue-input').value = session.queue;
  showQueue();
}

function signOut(message) {
  session = null;
  store.clear();
  clearTimeout(timer);
  inFlight?.abort();
  if ($('manage').open) $('manage').close();
  rows.clear();
  replaceChildren($('rows'));
  $('stats').hidden = true;
  $('agents').hidden = true;
  $('console').hidden = true;
  $('queue-form').hidden = true;
  $('sign-out').hidden = true;
  $('sign-in').hidden = false;
  showError($('sign-in-error'), message);
  $('api-key').focus();
}

function onQueueChange(event) {
  event.preventDefault();
  const queue = $('queue-input').value.trim();
  if (!QUEUE_ID.test(queue)) return showError($('list-error'), 'Queue: lower-case letters, digits, _ or -.');
  session = { ...session, queue };
  store.save(session);
  showQueue();
}

function showQueue() {
  rows.clear();
  replaceChildren($('rows'));
  $('stats').hidden = true;
  $('agents').hidden = true;
  $('list-title').textContent = `Combined list of ${session.queue}`;
  document.title = `${session.queue} \u2013 Supervisor console`;
  refresh();
}

/** Next automatic refresh, unless switched off or the tab is hidden. */
function schedule() {
  clearTimeout(timer);
  if (session && $('auto-refresh').checked && !document.hidden) timer = setTimeout(() => refresh(), REFRESH_MS);
}

async function refresh() {
  if (!session) return;
  clearTimeout(timer);
  inFlight?.abort();
  const controller = new AbortController();
  inFlight = controller;
  const { apiKey, queue } = session;
  try {
    const data = await apiRequest('GET', `/api/v1/combined-list?queue=${encodeURIComponent(queue)}`, { token: apiKey, signal: controller.signal });
    if (controller.signal.aborted || !session || session.queue !== queue) return;
    render(Array.isArray(data?.entries) ? data.entries : []);
    showError($('list-error'), null);
    $('list-status').textContent = `${data.entries.length} in the list, updated ${new Date().toLocaleTimeString()}`;
    loadStats({ queue, apiKey, section: $('stats'), list: $('stats-list'), signal: controller.signal }).catch(() => undefined);
    loadAgents({ queue, apiKey, section: $('agents'), list: $('agents-list'), signal: controller.signal }).catch(() => undefined);
  } catch (err) {
    if (controller.signal.aborted) return;
    if (err instanceof ApiError && err.status === 401) return signOut('The supervisor API key was refused. Sign in again.');
    showError($('list-error'), `The list could not be loaded: ${describeError(err)}`);
  } finally {
    if (inFlight === controller) {
      inFlight = null;
      schedule();
    }
  }
}

/** Puts the rows in the order of service, reusing the row of each request so focus survives. */
function render(entries) {
  const body = $('rows');
  const seen = new Set();
  entries.forEach((entry, index) => {
    if (typeof entry?.requestId !== 'string') return;
    seen.add(entry.requestId);
    let row = rows.get(entry.requestId);
    if (!row) {
      row = newRow(entry.requestId);
      rows.set(entry.requestId, row);
    }
    fillRow(row, entry, index + 1);
    if (body.children[index] !== row) body.insertBefore(row, body.children[index] ?? null);
  });
  for (const [id, row] of rows) {
    if (seen.has(id)) continue;
    row.remove();
    rows.delete(id);
  }
  $('empty').hidden = entries.length > 0;
  if (managed && !seen.has(managed.requestId) && $('manage').open) {
    showError($('manage-error'), 'This request has left the list (served, cancelled or taken by an agent).');
  }
}

function newRow(requestId) {
  const row = h('tr', { dataset: { requestId } });
  for (let i = 0; i < 11; i++) row.append(h('td'));
  const manage = h('button', { type: 'button', class: 'quiet', text: 'Manage' });
  manage.addEventListener('click', () => openManage(row.entry));
  row.append(h('td', {}, manage));
  return row;
}

function fillRow(row, entry, order) {
  row.entry = entry;
  const r = entry.request || {};
  const cells = row.children;
  const destination = r.phone || r.sipUri || r.email || '';
  const pageUrl = typeof r.pageUrl === 'string' ? r.pageUrl : '';
  const stateText = r.status && r.status !== entry.state && entry.state === 'taken' ? `taken (${r.status})` : String(entry.state ?? '');
  const set = (i, ...content) => replaceChildren(cells[i], ...content);
  set(0, String(order));
  set(1, h('span', { class: `state state-${String(entry.state)}`, text: stateText }));
  set(2, String(entry.kind ?? ''));
  set(3, String(r.channel ?? '\u2014'));
  set(4, h('span', { class: 'mono', text: maskDestination(destination) || '\u2014' }));
  set(5, customerCell(r));
  set(6, timeElement(entry.arrivalAt));
  set(7, timeElement(entry.dueAt), r.preferredTime ? h('span', { class: 'muted small', text: ' preferred' }) : null);
  set(8, String(entry.priority ?? ''));
  set(9, String(r.attempts ?? 0));
  set(10, pageUrl ? h('span', { class: 'url', title: pageUrl, text: pageUrl }) : '\u2014');
  cells[0].dataset.col = 'order';
  cells[5].dataset.col = 'customer';
  cells[8].dataset.col = 'priority';
  cells[10].dataset.col = 'page';
}

function customerCell(r) {
  const name = typeof r.name === 'string' && r.name ? r.name : null;
  const message = typeof r.message === 'string' && r.message ? r.message : null;
  return [h('span', { class: 'name', text: name ?? '\u2014' }), message ? h('span', { class: 'message muted small', title: message, text: message }) : null];
}

function openManage(entry) {
  if (!entry) return;
  managed = entry;
  const r = entry.request || {};
  $('manage-summary').textContent = `${r.name || 'Unnamed'} \u00b7 ${entry.kind} \u00b7 ${r.channel ?? 'unknown channel'} \u00b7 ${maskDestination(r.phone || r.sipUri || r.email || '') || 'no destination'}`;
  $('priority-input').value = String(entry.priority ?? 5);
  $('schedule-input').value = isoToLocalInput(r.preferredTime || entry.dueAt);
  showCancelConfirm(false);
  showError($('manage-error'), null);
  $('manage').showModal();
}

function showCancelConfirm(on) {
  $('cancel-confirm').hidden = !on;
  $('cancel-request').hidden = on;
}

function onPriority(event) {
  event.preventDefault();
  const value = Number($('priority-input').value);
  if (!Number.isInteger(value)) return showError($('manage-error'), 'priority: enter a whole number from 1 to 9');
  amend({ priority: value });
}

function onReschedule(event) {
  event.preventDefault();
  const iso = localInputToIso($('schedule-input').value);
  if (!iso) return showError($('manage-error'), 'preferredTime: enter a date and time');
  amend({ preferredTime: iso });
}

/** PATCH the request the dialog is open for; closes the dialog on success, shows the API's error otherwise. */
async function amend(patch) {
  if (!managed || !session) return;
  const buttons = $('manage').querySelectorAll('button');
  buttons.forEach((b) => (b.disabled = true));
  try {
    await apiRequest('PATCH', `/api/v1/help-requests/${encodeURIComponent(managed.requestId)}`, { token: session.apiKey, body: patch });
    $('manage').close();
    await refresh();
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return signOut('The supervisor API key was refused. Sign in again.');
    showError($('manage-error'), describeError(err));
  } finally {
    buttons.forEach((b) => (b.disabled = false));
  }
}

start();
