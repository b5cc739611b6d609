/*
 * Shared helpers of the supervisor console and the agent desktop: DOM building without HTML
 * parsing, calls to the controller's JSON API, credentials kept in sessionStorage, and the
 * formatting of times, waits and destinations.
 *
 * Everything shown comes from customers, so text only ever reaches the page through
 * textContent, text nodes and attributes set one by one; nothing is parsed as HTML.
 */

/**
 * Creates an element. `props`: `class`, `text`, `dataset` (object), `on` (event -> handler),
 * boolean properties (`disabled`, `hidden`, `checked`, `required`) and any other attribute by name.
 * Children: nodes or strings (strings become text nodes); null and false are skipped.
 */
export function h(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = String(value);
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key === 'on') for (const [type, fn] of Object.entries(value)) node.addEventListener(type, fn);
    else if (key === 'disabled' || key === 'hidden' || key === 'checked' || key === 'required') node[key] = Boolean(value);
    else if (/^on/i.test(key) || key === 'innerHTML' || key === 'outerHTML' || key === 'srcdoc') throw new Error(`refusing to set ${key}`);
    else node.setAttribute(key, String(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else node.append(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
}

/** Replaces all children of `node`. */
export function replaceChildren(node, ...children) {
  node.replaceChildren();
  append(node, children);
}

/** An API error: HTTP status, the server's code and message, and the field it names, if any. */
export class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
  }

  /** "priority: must be from 1 to 9" -- the field first when the server names one. */
  describe() {
    return this.field ? `${this.field}: ${this.message}` : this.message;
  }
}

/**
 * A JSON request to the controller's API with a bearer credential. Resolves with the parsed
 * body; rejects with ApiError for any non-2xx answer or a network failure.
 */
export async function apiRequest(method, path, { token, body, signal } = {}) {
  const headers = { Accept: 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal, cache: 'no-store', credentials: 'same-origin' });
  } catch (err) {
    if (err && err.name === 'AbortError') throw err;
    throw new ApiError(0, 'network', 'the controller cannot be reached');
  }
  const text = await res.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    const e = data && typeof data === 'object' && data.error && typeof data.error === 'object' ? data.error : {};
    const message = typeof e.message === 'string' ? e.message : `the controller answered ${res.status}`;
    throw new ApiError(res.status, typeof e.code === 'string' ? e.code : 'http_' + res.status, message, typeof e.field === 'string' ? e.field : undefined);
  }
  return data;
}

/** Credentials of this tab only: sessionStorage, under one key per console. */
export function sessionStore(key) {
  return {
    load() {
      try {
        const raw = sessionStorage.getItem(key);
        const value = raw ? JSON.parse(raw) : null;
        return value && typeof value === 'object' ? value : null;
      } catch {
        return null;
      }
    },
    save(value) {
      sessionStorage.setItem(key, JSON.stringify(value));
    },
    clear() {
      sessionStorage.removeItem(key);
    },
  };
}

/** The URL when it is an absolute http(s) URL without credentials, otherwise null. */
export function safeHttpUrl(value) {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2048) return null;
  let url;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.username || url.password) return null;
  return url.href;
}

const MASK = '\u2022';

/**
 * A destination with everything but its end hidden: the last `keep` digits of a number, the
 * last two characters of a SIP or e-mail user with its domain.
 */
export function maskDestination(value, keep = 4) {
  if (typeof value !== 'string' || value.length === 0) return '';
  const at = value.lastIndexOf('@');
  if (at > 0) {
    const scheme = /^sips?:/i.exec(value);
    const start = scheme ? scheme[0].length : 0;
    const user = value.slice(start, at);
    const shown = user.length > 4 ? user.slice(-2) : '';
    return `${value.slice(0, start)}${MASK.repeat(Math.max(3, user.length - shown.length))}${shown}${value.slice(at)}`;
  }
  const digits = value.replace(/\D/g, '');
  if (digits.length <= keep) return MASK.repeat(digits.length);
  return `${value.startsWith('+') ? '+' : ''}${MASK.repeat(digits.length - keep)}${digits.slice(-keep)}`;
}

/** A `<time>` element for an ISO time, shown in the browser's locale; empty for null. */
export function timeElement(iso) {
  if (!iso) return h('span', { class: 'muted', text: '\u2014' });
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return h('span', { text: String(iso) });
  const sameDay = d.toDateString() === new Date().toDateString();
  const text = sameDay ? d.toLocaleTimeString() : d.toLocaleString();
  return h('time', { datetime: d.toISOString(), title: d.toLocaleString(), text });
}

/** "45 s", "3 min 5 s", "1 h 12 min". */
export function formatDuration(seconds) {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) return '\u2014';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  return m % 60 ? `${Math.floor(m / 60)} h ${m % 60} min` : `${Math.floor(m / 60)} h`;
}

/** A value of a `datetime-local` input (the browser's time zone) as an ISO time, or null. */
export function localInputToIso(value) {
  if (!value) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** An ISO time as the value of a `datetime-local` input in the browser's time zone. */
export function isoToLocalInput(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** What to tell the user about a failed call: the API's own message when it gave one. */
export function describeError(err) {
  if (err instanceof ApiError) return err.describe();
  return err instanceof Error ? err.message : String(err);
}

/** Shows a message in an error node, or hides the node when there is none. */
export function showError(node, message) {
  node.textContent = message ?? '';
  node.hidden = !message;
}
