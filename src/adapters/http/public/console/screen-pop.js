/*
 * The screen pop of the agent desktop: everything the controller knows about the contact being
 * offered (request, customer record, history), built with DOM calls only.
 */
import { formatDuration, h, safeHttpUrl, timeElement } from './common.js';

const str = (v) => (typeof v === 'string' && v.length > 0 ? v : null);

/** Rows of a definition list, skipping empty values. */
function details(pairs) {
  const dl = h('dl');
  for (const [key, label, value] of pairs) {
    if (value === null || value === undefined || value === '') continue;
    dl.append(h('dt', { text: label }), h('dd', { dataset: { field: key } }, value));
  }
  return dl;
}

/** The page the customer was on: its text, and an "Open page" link only for http(s) URLs. */
export function pageUrlContent(value) {
  const text = str(value);
  if (!text) return null;
  const safe = safeHttpUrl(text);
  return [
    h('span', { class: 'url-text', text }),
    ' ',
    safe ? h('a', { href: safe, target: '_blank', rel: 'noopener noreferrer', text: 'Open page' }) : h('span', { class: 'muted small', text: '(not a web address)' }),
  ];
}

/**
 * A player for a voice message, when the controller says where its audio is (`recordingUrl`, a
 * same-origin path or an http(s) URL); otherwise the recording's name as text. A same-origin path
 * is the agent API's, which an <audio> element can reach only with a short-lived stream token in
 * its URL: `mediaUrl(path)` adds a fresh one, and again if the player fails later (an expired
 * token), at most once every ten seconds.
 */
function recordingContent(pop, mediaUrl) {
  const name = str(pop.recording);
  if (!name) return null;
  const raw = str(pop.recordingUrl);
  if (raw && raw.startsWith('/') && !raw.startsWith('//')) {
    if (typeof mediaUrl !== 'function') return h('span', { class: 'mono', text: name });
    const audio = h('audio', { controls: true, preload: 'auto', dataset: { field: 'recording-audio' } });
    const status = h('span', { class: 'muted small', role: 'status' });
    let loadedAt = 0;
    const load = () => {
      loadedAt = Date.now();
      mediaUrl(raw).then(
        (url) => {
          status.textContent = '';
          audio.src = url;
        },
        () => {
          status.textContent = 'The voice message could not be loaded.';
        },
      );
    };
    audio.addEventListener('error', () => {
      if (Date.now() - loadedAt > 10_000) load();
      else status.textContent = 'The voice message could not be loaded.';
    });
    load();
    return [audio, ' ', status];
  }
  const href = raw && safeHttpUrl(raw);
  if (!href) return h('span', { class: 'mono', text: name });
  return [h('audio', { controls: true, preload: 'none', src: href }), ' ', h('a', { href, target: '_blank', rel: 'noopener noreferrer', text: 'Play voice message' })];
}

function customerContent(c) {
  if (!c || typeof c !== 'object') return h('p', { class: 'muted', text: 'No customer record found.' });
  const link = safeHttpUrl(c.url);
  return details([
    ['customer-name', 'Name', str(c.name)],
    ['customer-account', 'Account', str(c.accountRef)],
    ['customer-phone', 'Phone', str(c.phone)],
    ['customer-email', 'E-mail', str(c.email)],
    ['customer-notes', 'Notes', str(c.notes)],
    ['customer-source', 'Source', link ? [str(c.source) ?? 'record', ' ', h('a', { href: link, target: '_blank', rel: 'noopener noreferrer', text: 'Open record' })] : str(c.source)],
  ]);
}

function historyContent(items) {
  if (!Array.isArray(items) || items.length === 0) return h('p', { class: 'muted', text: 'No earlier contacts.' });
  return h(
    'ol',
    { class: 'history' },
    items.map((i) =>
      h(
        'li',
        {},
        timeElement(i.arrivalAt),
        ` \u00b7 ${i.channel ?? '?'} \u00b7 ${i.status ?? '?'}`,
        str(i.disposition) ? ` \u00b7 ${i.disposition}` : null,
        str(i.notes) ? h('div', { class: 'muted small', text: i.notes }) : null,
      ),
    ),
  );
}

/**
 * The whole pop for one offered contact. `options.mediaUrl(path)` resolves with a same-origin
 * path made playable (a fresh stream token added); without it such media is shown by name only.
 */
export function renderScreenPop(pop, options = {}) {
  const choices = Array.isArray(pop.ivrChoices) ? pop.ivrChoices.filter((c) => typeof c === 'string') : [];
  return [
    details([
      ['name', 'Name', str(pop.name) ?? 'Unknown caller'],
      ['caller-id', 'Caller ID', str(pop.callerNumber)],
      ['sip-uri', 'SIP address', str(pop.sipUri)],
      ['email', 'E-mail', str(pop.email)],
      ['channel', 'Channel', str(pop.channel)],
      ['kind', 'Contact', pop.kind === 'callback' ? 'callback' : pop.kind === 'caller' ? 'caller on hold' : str(pop.kind)],
      ['queue', 'Queue', str(pop.queue)],
      ['waited', 'Waited', typeof pop.waitedSeconds === 'number' ? formatDuration(pop.waitedSeconds) : null],
      ['arrival', 'Asked for help', pop.arrivalAt ? timeElement(pop.arrivalAt) : null],
      ['page-url', 'Page', pageUrlContent(pop.pageUrl)],
      ['ivr-choices', 'IVR choices', choices.length ? h('ol', { class: 'choices' }, choices.map((c) => h('li', { text: c }))) : null],
      ['recording', 'Voice message', recordingContent(pop, options.mediaUrl)],
    ]),
    str(pop.message) ? [h('h3', { text: 'Message' }), h('p', { class: 'message', dataset: { field: 'message' }, text: pop.message })] : null,
    h('h3', { text: 'Customer record' }),
    h('div', { dataset: { field: 'customer' } }, customerContent(pop.customer)),
    h('h3', { text: 'Earlier contacts' }),
    h('div', { dataset: { field: 'history' } }, historyContent(pop.history)),
  ];
}
