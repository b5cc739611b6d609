/*
 * Agent desktop: sign in with agent id and token, set the state (available, pause with a
 * reason, log out), follow the agent's event stream for screen pops, and wrap up each contact
 * with a disposition and notes.
 */
import { agentApi } from './agent-api.js';
import { ApiError, describeError, replaceChildren, sessionStore, showError } from './common.js';
import { renderScreenPop } from './screen-pop.js';

const store = sessionStore('cc.agent');
const $ = (id) => document.getElementById(id);
const NOTICE_TYPES = ['snapshot', 'state', 'offer', 'connected', 'ended'];
const RECONNECT_MS = 2000;
const STATE_TEXT = {
  'logged-out': 'logged out',
  available: 'available',
  reserved: 'reserved for a contact',
  ringing: 'ringing',
  'on-call': 'on a call',
  'wrap-up': 'wrap-up',
  paused: 'paused',
};

let session = null; // { agentId, token }
let api = null;
let stream = null;
let state = null;
let contact = null; // { requestId, phase: 'offered' | 'connected' | 'ended' }
let reconnectTimer = null;

function start() {
  $('sign-in-form').addEventListener('submit', onSignIn);
  $('sign-out').addEventListener('click', () => signOut(null));
  $('go-available').addEventListener('click', () => act(() => (state === 'logged-out' ? api.login() : api.resume())));
  $('log-out').addEventListener('click', () => act(() => api.logout()));
  $('pause-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const reason = $('pause-reason').value.trim();
    if (!reason) return showError($('state-error'), 'reason: enter why you pause');
    act(() => api.pause(reason));
  });
  $('disposition-form').addEventListener('submit', onDisposition);
  const saved = store.load();
  if (saved && typeof saved.agentId === 'string' && typeof saved.token === 'string') signIn(saved);
}

function onSignIn(event) {
  event.preventDefault();
  const agentId = $('agent-id').value.trim();
  const token = $('agent-token').value;
  if (!agentId) return showError($('sign-in-error'), 'Enter your agent ID.');
  if (!token) return showError($('sign-in-error'), 'Enter your token.');
  signIn({ agentId, token });
}

/** Checks the credentials with the API before anything is kept. */
async function signIn(credentials) {
  const candidate = agentApi(credentials.agentId, credentials.token);
  const button = $('sign-in-form').querySelector('button');
  button.disabled = true;
  try {
    const view = await candidate.view();
    session = credentials;
    api = candidate;
    store.save(session);
    $('agent-token').value = '';
    showError($('sign-in-error'), null);
    $('sign-in').hidden = true;
    $('desk').hidden = false;
    $('sign-out').hidden = false;
    $('who').hidden = false;
    $('who').textContent = view && typeof view.name === 'string' ? `${view.name} (${session.agentId})` : session.agentId;
    showState(view?.state, view?.reason);
    connect();
  } catch (err) {
    store.clear();
    showError($('sign-in-error'), err instanceof ApiError && err.status === 401 ? 'The agent ID or token was refused.' : `Sign-in failed: ${describeError(err)}`);
  } finally {
    button.disabled = false;
  }
}

function signOut(message) {
  clearTimeout(reconnectTimer);
  stream?.close();
  stream = null;
  session = null;
  api = null;
  contact = null;
  store.clear();
  clearPop('No contact yet. Waiting for the next one.');
  $('desk').hidden = true;
  $('sign-out').hidden = true;
  $('who').hidden = true;
  $('connection').hidden = true;
  $('sign-in').hidden = false;
  showError($('sign-in-error'), message);
}

/**
 * Opens the event stream with a fresh stream token. EventSource reconnects by itself after a
 * network error; when the controller refuses the stream (an expired stream token), a new one
 * is fetched.
 */
async function connect() {
  stream?.close();
  stream = null;
  clearTimeout(reconnectTimer);
  setConnection('connecting', 'Connecting\u2026');
  const current = session;
  let source;
  try {
    source = await api.events();
  } catch (err) {
    if (session !== current) return;
    if (err instanceof ApiError && err.status === 401) return signOut('Your token was refused. Sign in again.');
    setConnection('closed', `Disconnected: ${describeError(err)}`);
    reconnectTimer = setTimeout(() => session === current && connect(), RECONNECT_MS);
    return;
  }
  if (session !== current) return source.close();
  stream = source;
  source.addEventListener('open', () => setConnection('open', 'Live'));
  source.addEventListener('error', () => {
    if (stream !== source) return;
    if (source.readyState === EventSource.CLOSED) {
      setConnection('closed', 'Disconnected');
      reconnectTimer = setTimeout(() => session === current && connect(), RECONNECT_MS);
    } else {
      setConnection('error', 'Reconnecting\u2026');
    }
  });
  const handle = (event) => {
    if (stream !== source) return;
    let notice;
    try {
      notice = JSON.parse(event.data);
    } catch {
      return;
    }
    if (notice && typeof notice === 'object') onNotice({ ...notice, type: event.type === 'message' ? notice.type : event.type });
  };
  source.addEventListener('message', handle);
  for (const type of NOTICE_TYPES) source.addEventListener(type, handle);
}

function onNotice(notice) {
  switch (notice.type) {
    case 'snapshot':
      showState(notice.state, notice.reason);
      break;
    case 'state':
      showState(notice.state, notice.reason);
      if (contact?.phase === 'offered' && (notice.state === 'available' || notice.state === 'logged-out' || notice.state === 'paused')) clearPop('The contact went to another agent.');
      break;
    case 'offer':
      if (!notice.pop || typeof notice.pop.requestId !== 'string') return;
      contact = { requestId: notice.pop.requestId, phase: 'offered' };
      replaceChildren($('pop-body'), renderScreenPop(notice.pop, { mediaUrl: (path) => api.mediaUrl(path) }));
      setPhase('offered', notice.pop.kind === 'callback' ? 'Callback reserved for you: your phone rings first.' : 'Incoming call: answer your phone.');
      resetDisposition();
      break;
    case 'connected':
      if (contact?.requestId !== notice.requestId) return;
      contact.phase = 'connected';
      setPhase('connected', 'Connected to the customer.');
      $('disposition-form').hidden = false;
      break;
    case 'ended':
      if (contact?.requestId !== notice.requestId) return;
      contact.phase = 'ended';
      setPhase('ended', typeof notice.wrapUpSeconds === 'number' && notice.wrapUpSeconds > 0 ? `Call ended. Wrap-up: ${notice.wrapUpSeconds} s.` : 'Call ended.');
      $('disposition-form').hidden = false;
      break;
  }
}

async function onDisposition(event) {
  event.preventDefault();
  if (!contact) return;
  const disposition = $('disposition').value;
  if (!disposition) return showError($('disposition-error'), 'disposition: choose an outcome');
  const button = $('disposition-form').querySelector('button');
  button.disabled = true;
  try {
    await api.dispose(contact.requestId, disposition, $('notes').value.trim());
    showError($('disposition-error'), null);
    $('disposition-done').hidden = false;
    $('disposition-done').textContent = 'Wrap-up saved.';
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return signOut('Your token was refused. Sign in again.');
    showError($('disposition-error'), describeError(err));
  } finally {
    button.disabled = false;
  }
}

/** Runs a state change; the answer (an agent view) updates the state at once. */
async function act(request) {
  showError($('state-error'), null);
  try {
    const view = await request();
    if (view && typeof view.state === 'string') showState(view.state, view.reason);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return signOut('Your token was refused. Sign in again.');
    showError($('state-error'), describeError(err));
  }
}

function showState(value, reason) {
  if (typeof value !== 'string') return;
  state = value;
  $('state').textContent = STATE_TEXT[value] ?? value;
  $('state').dataset.state = value;
  $('state-reason').textContent = value === 'paused' && typeof reason === 'string' && reason ? `(${reason})` : '';
  $('go-available').disabled = !(value === 'logged-out' || value === 'paused');
  $('log-out').disabled = !(value === 'available' || value === 'paused' || value === 'wrap-up');
  $('pause-form').querySelector('button').disabled = !(value === 'available' || value === 'paused' || value === 'wrap-up');
}

function setPhase(phase, text) {
  $('pop-status').dataset.phase = phase;
  $('pop-status').textContent = text;
}

function clearPop(text) {
  contact = null;
  replaceChildren($('pop-body'));
  setPhase('idle', text);
  resetDisposition();
}

function resetDisposition() {
  $('disposition-form').hidden = true;
  $('disposition-form').reset();
  $('disposition-done').hidden = true;
  showError($('disposition-error'), null);
}

function setConnection(value, text) {
  const node = $('connection');
  node.hidden = false;
  node.dataset.state = value;
  node.textContent = text;
}

start();
