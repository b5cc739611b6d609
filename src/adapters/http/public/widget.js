/*
 * "Call me back" widget. A site embeds it with one tag:
 *
 *   <script src="https://cc.example.com/widget.js" data-queue="support" async></script>
 *
 * Attributes (all optional): data-queue (service queue), data-api (API origin; default: the
 * origin this script was loaded from), data-ring-now (show a "Ring me now" button that asks for
 * an immediate call, channel click-to-call), data-ring-now-endpoint (its path; default
 * /api/v1/click-to-call), data-position ("left" or "right"), data-color (accent colour),
 * data-poll-seconds (status refresh interval, at least 2).
 *
 * Everything renders in a shadow root, so the host page's CSS and ours never meet. Server and
 * visitor data is only ever written with textContent.
 */
(function () {
  'use strict';

  var script = document.currentScript || document.querySelector('script[src*="widget.js"]:not([data-cc-mounted])');
  if (!script || script.hasAttribute('data-cc-mounted')) return;
  script.setAttribute('data-cc-mounted', '');

  var FINAL = { completed: 1, failed: 1, cancelled: 1 };
  var STATUS_TEXT = {
    queued: 'Waiting for the next available agent.',
    scheduled: 'Scheduled: we will call you at your preferred time.',
    reserved: 'An agent is getting ready to call you.',
    dialling: 'We are calling you now.',
    connected: 'You are connected. Thank you for waiting.',
    completed: 'Done. Thank you for contacting us.',
    failed: 'We could not reach you. Please request a new callback.',
    cancelled: 'Your callback request was cancelled.',
  };
  /** "Ring me now" calls report how far the call got. */
  var PROGRESS_TEXT = {
    ringing: 'Your phone is ringing. Answer it and press 1 to be connected.',
    connected: 'You answered. Press 1 to be connected.',
    'in-queue': 'You are in line for the next available agent. Please stay on the phone.',
    'with-agent': 'You are talking to an agent.',
    rescheduled: 'You asked us to call you another time: we will call you back later.',
    ended: 'The call has ended. Thank you.',
  };
  var FIELD_INPUTS = { phone: 'phone', sipUri: 'sipUri', name: 'name', preferredTime: 'preferredTime' };
  var STYLES = [
    ':host{all:initial;position:fixed;bottom:20px;right:20px;z-index:2147483000;font:15px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1c2430;--cc-accent:#0b5cad}',
    ':host([data-position=left]){right:auto;left:20px}',
    '*{box-sizing:border-box;font:inherit}',
    '.launch{background:var(--cc-accent);color:#fff;border:0;border-radius:24px;padding:12px 20px;font-weight:600;cursor:pointer;box-shadow:0 4px 14px rgba(0,0,0,.2)}',
    '.panel{position:absolute;bottom:60px;right:0;width:320px;max-width:calc(100vw - 40px);background:#fff;border:1px solid #c9d1db;border-radius:12px;padding:16px;box-shadow:0 8px 30px rgba(0,0,0,.18)}',
    ':host([data-position=left]) .panel{right:auto;left:0}',
    '[hidden]{display:none!important}',
    'h2{margin:0 0 8px;font-size:17px;font-weight:700}',
    'p{margin:0 0 8px}',
    'fieldset{border:0;margin:0 0 8px;padding:0}',
    'legend{font-weight:600;margin-bottom:4px;padding:0}',
    'label{display:block;margin:8px 0 2px;font-weight:600}',
    'fieldset label{display:inline-block;margin:0 12px 0 0;font-weight:400}',
    'input[type=text],input[type=tel],input[type=datetime-local]{width:100%;padding:8px;border:1px solid #8795a8;border-radius:6px;background:#fff;color:inherit}',
    'input[aria-invalid=true]{border-color:#b3261e;outline-color:#b3261e}',
    '.error{color:#b3261e;font-size:13px;margin:4px 0 0}',
    '.actions{display:flex;gap:8px;margin-top:12px;flex-wrap:wrap}',
    '.primary,.secondary{border-radius:6px;padding:8px 14px;cursor:pointer;font-weight:600}',
    '.primary{background:var(--cc-accent);color:#fff;border:1px solid var(--cc-accent)}',
    '.secondary{background:#fff;color:var(--cc-accent);border:1px solid var(--cc-accent)}',
    'button:disabled{opacity:.6;cursor:progress}',
    'button:focus-visible,input:focus-visible{outline:3px solid #f0a500;outline-offset:2px}',
    '.close{position:absolute;top:8px;right:8px;background:none;border:0;font-size:20px;line-height:1;cursor:pointer;color:#4a5563}',
    '.wait{font-size:20px;font-weight:700;margin:4px 0}',
    '.hint{color:#4a5563;font-size:13px}',
  ].join('\n');

  var config = readConfig(script);
  var storageKey = 'cc-callback:' + config.api + ':' + (config.queue || '');
  var ui = render();
  var state = { active: null, pollTimer: 0, pollFailures: 0, pending: null };

  resume();

  function readConfig(el) {
    var src = new URL(el.src, location.href);
    var api = src.origin;
    var override = el.getAttribute('data-api');
    if (override) {
      try {
        var u = new URL(override, location.href);
        if (u.protocol === 'https:' || u.protocol === 'http:') api = u.origin;
      } catch { /* keep the script's own origin */ }
    }
    var ringNow = el.getAttribute('data-ring-now');
    var poll = Number(el.getAttribute('data-poll-seconds'));
    var ringPath = el.getAttribute('data-ring-now-endpoint');
    return {
      api: api,
      queue: el.getAttribute('data-queue') || '',
      ringNow: ringNow !== null && ringNow !== 'false',
      ringNowPath: ringPath && /^\/[A-Za-z0-9._~\/-]*$/.test(ringPath) ? ringPath : '/api/v1/click-to-call',
      position: el.getAttribute('data-position') === 'left' ? 'left' : 'right',
      color: el.getAttribute('data-color') || '',
      pollMs: Math.max(2, isFinite(poll) && poll > 0 ? poll : 5) * 1000,
    };
  }

  /** Creates an element; `props` are attributes, strings in `children` become text nodes. */
  function h(tag, props, children) {
    var node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (k) {
      if (props[k] === true) node.setAttribute(k, '');
      else if (props[k] !== false && props[k] != null) node.setAttribute(k, String(props[k]));
    });
    (children || []).forEach(function (c) {
      node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    });
    return node;
  }

  function field(name, label, input, hint) {
    var error = h('p', { class: 'error', id: 'cc-' + name + '-error', hidden: true });
    input.setAttribute('id', 'cc-' + name);
    input.setAttribute('name', name);
    input.setAttribute('aria-describedby', error.id);
    var wrap = h('div', { 'data-field': name }, [h('label', { for: input.id }, [label]), input]);
    if (hint) wrap.appendChild(h('p', { class: 'hint' }, [hint]));
    wrap.appendChild(error);
    return { wrap: wrap, input: input, error: error };
  }

  function render() {
    var host = h('div', { 'data-cc-callback': '', 'data-position': config.position });
    if (config.color && window.CSS && CSS.supports('color', config.color)) host.style.setProperty('--cc-accent', config.color);
    var root = host.attachShadow({ mode: 'open' });
    if (root.adoptedStyleSheets && typeof CSSStyleSheet === 'function' && 'replaceSync' in CSSStyleSheet.prototype) {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(STYLES);
      root.adoptedStyleSheets = [sheet];
    } else {
      root.appendChild(h('style', {}, [STYLES]));
    }

    var launch = h('button', { type: 'button', class: 'launch', 'aria-expanded': 'false', 'aria-controls': 'cc-panel' }, ['Call me back']);
    var close = h('button', { type: 'button', class: 'close', 'aria-label': 'Close' }, ['\u00d7']);
    var methodPhone = h('input', { type: 'radio', name: 'method', value: 'pstn', checked: true, id: 'cc-method-pstn' });
    var methodSip = h('input', { type: 'radio', name: 'method', value: 'voip', id: 'cc-method-voip' });
    var phone = field('phone', 'Phone number', h('input', { type: 'tel', autocomplete: 'tel', maxlength: 32, placeholder: '+1 212 555 0123' }), 'With country code if outside the US.');
    var sip = field('sipUri', 'SIP address', h('input', { type: 'text', autocomplete: 'off', maxlength: 255, placeholder: 'sip:you@example.com', spellcheck: 'false' }));
    var name = field('name', 'Your name (optional)', h('input', { type: 'text', autocomplete: 'name', maxlength: 200 }));
    var when = field('preferredTime', 'Preferred time (optional)', h('input', { type: 'datetime-local' }), 'Leave empty to be called as soon as possible.');
    var general = h('p', { class: 'error', role: 'alert', 'data-general-error': '', hidden: true });
    var submit = h('button', { type: 'submit', class: 'primary' }, ['Request callback']);
    var ring = h('button', { type: 'button', class: 'secondary', 'data-ring-now': '', hidden: !config.ringNow }, ['Ring me now']);
    sip.wrap.hidden = true;

    var form = h('form', { novalidate: true, 'aria-labelledby': 'cc-title' }, [
      h('fieldset', {}, [h('legend', {}, ['How should we reach you?']), h('label', {}, [methodPhone, ' Phone']), h('label', {}, [methodSip, ' SIP / VoIP'])]),
      phone.wrap, sip.wrap, name.wrap, when.wrap, general,
      h('div', { class: 'actions' }, [submit, ring]),
    ]);
    var lead = h('p', { 'data-lead': '' });
    var wait = h('p', { class: 'wait', 'data-wait': '' });
    var position = h('p', { 'data-position-text': '' });
    var statusText = h('p', { 'data-status': '' });
    var statusError = h('p', { class: 'error', 'data-status-error': '', hidden: true });
    var cancel = h('button', { type: 'button', class: 'secondary', 'data-cancel': '' }, ['Cancel callback']);
    var again = h('button', { type: 'button', class: 'primary', 'data-again': '', hidden: true }, ['Request another callback']);
    var statusView = h('div', { 'data-view': 'status', hidden: true, 'aria-live': 'polite' }, [
      lead, wait, position, statusText, statusError,
      h('div', { class: 'actions' }, [cancel, again]),
    ]);
    var panel = h('div', { class: 'panel', id: 'cc-panel', role: 'dialog', 'aria-labelledby': 'cc-title', hidden: true }, [
      close, h('h2', { id: 'cc-title' }, ['We will call you']), h('div', { 'data-view': 'form' }, [form]), statusView,
    ]);
    root.appendChild(panel);
    root.appendChild(launch);
    (document.body || document.documentElement).appendChild(host);

    var els = {
      launch: launch, panel: panel, form: form, formView: form.parentNode, statusView: statusView, submit: submit, ring: ring,
      methodPhone: methodPhone, methodSip: methodSip, fields: { phone: phone, sipUri: sip, name: name, preferredTime: when },
      general: general, lead: lead, wait: wait, position: position, statusText: statusText, statusError: statusError, cancel: cancel, again: again,
    };
    launch.addEventListener('click', function () { setOpen(panel.hidden); });
    close.addEventListener('click', function () { setOpen(false); });
    panel.addEventListener('keydown', function (e) { if (e.key === 'Escape') setOpen(false); });
    methodPhone.addEventListener('change', onMethod);
    methodSip.addEventListener('change', onMethod);
    form.addEventListener('submit', function (e) { e.preventDefault(); send(false); });
    ring.addEventListener('click', function () { send(true); });
    cancel.addEventListener('click', cancelRequest);
    again.addEventListener('click', function () { forget(); showForm(); });
    Object.keys(els.fields).forEach(function (k) {
      els.fields[k].input.addEventListener('input', function () { setFieldError(k, ''); });
    });
    return els;
  }

  function setOpen(open) {
    ui.panel.hidden = !open;
    ui.launch.setAttribute('aria-expanded', String(open));
    if (open) {
      var first = !ui.formView.hidden ? (ui.methodSip.checked ? ui.fields.sipUri.input : ui.fields.phone.input)
        : ui.cancel.hidden ? ui.again : ui.cancel;
      first.focus();
    } else {
      ui.launch.focus();
    }
  }

  function onMethod() {
    var sip = ui.methodSip.checked;
    ui.fields.phone.wrap.hidden = sip;
    ui.fields.sipUri.wrap.hidden = !sip;
    ui.ring.hidden = !config.ringNow || sip;
  }

  function setFieldError(name, message) {
    var f = ui.fields[name];
    f.error.textContent = message;
    f.error.hidden = !message;
    if (message) f.input.setAttribute('aria-invalid', 'true');
    else f.input.removeAttribute('aria-invalid');
  }

  function setGeneralError(message) {
    ui.general.textContent = message;
    ui.general.hidden = !message;
  }

  function clearErrors() {
    Object.keys(ui.fields).forEach(function (k) { setFieldError(k, ''); });
    setGeneralError('');
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join('');
  }

  function payload(ringNow) {
    var f = ui.fields;
    var body = { channel: ringNow ? 'click-to-call' : (ui.methodSip.checked ? 'voip' : 'pstn'), pageUrl: location.href };
    if (config.queue) body.queue = config.queue;
    if (body.channel === 'voip') body.sipUri = f.sipUri.input.value.trim();
    else body.phone = f.phone.input.value.trim();
    if (f.name.input.value.trim()) body.name = f.name.input.value.trim();
    if (!ringNow && f.preferredTime.input.value) {
      var at = new Date(f.preferredTime.input.value);
      if (isNaN(at.getTime())) return { error: ['preferredTime', 'Enter a valid date and time.'] };
      body.preferredTime = at.toISOString();
    }
    if (body.channel === 'voip' && !body.sipUri) return { error: ['sipUri', 'Enter your SIP address.'] };
    if (body.channel !== 'voip' && !body.phone) return { error: ['phone', 'Enter your phone number.'] };
    return { body: body };
  }

  function send(ringNow) {
    clearErrors();
    var built = payload(ringNow);
    if (built.error) {
      setFieldError(built.error[0], built.error[1]);
      ui.fields[built.error[0]].input.focus();
      return;
    }
    var text = JSON.stringify(built.body);
    // A retry of the very same request (e.g. after a network error) reuses its key, so the
    // server answers with the request it already accepted instead of creating another one.
    if (!state.pending || state.pending.text !== text) state.pending = { text: text, key: newKey() };
    var path = ringNow ? config.ringNowPath : '/api/v1/help-requests';
    setBusy(true);
    request('POST', config.api + path, text, { 'Idempotency-Key': state.pending.key })
      .then(function (res) {
        if (res.body && typeof res.body.id === 'string' && res.status < 300) {
          state.pending = null;
          accepted(res.body, built.body.preferredTime, ringNow, path);
        } else {
          if (res.status < 500 && res.status !== 429) state.pending = null;
          showError(res);
        }
      }, function () {
        setGeneralError('We could not reach the service. Please check your connection and try again.');
      })
      .then(function () { setBusy(false); });
  }

  function setBusy(busy) {
    ui.submit.disabled = busy;
    ui.ring.disabled = busy;
    ui.submit.textContent = busy ? 'Sending\u2026' : 'Request callback';
  }

  function showError(res) {
    var err = (res.body && res.body.error) || {};
    var message = typeof err.message === 'string' && err.message ? sentence(err.message) : 'Something went wrong. Please try again.';
    if (res.status === 429) {
      var after = Number(res.retryAfter);
      message = 'Too many requests. Please try again' + (after > 0 ? ' in ' + formatWait(after) : ' later') + '.';
    } else if (res.status >= 500) {
      message = 'The service is busy right now. Please try again in a moment.';
    }
    var input = FIELD_INPUTS[err.field];
    if (input && (input !== 'phone' || !ui.methodSip.checked) && (input !== 'sipUri' || ui.methodSip.checked)) {
      setFieldError(input, message);
      ui.fields[input].input.focus();
    } else {
      setGeneralError(message);
    }
  }

  /** Server messages name no subject when they describe a field ("is not a valid phone number"). */
  function sentence(message) {
    var text = /^(is|must|was|has) /.test(message) ? 'This ' + message : message.charAt(0).toUpperCase() + message.slice(1);
    return /[.!?]$/.test(text) ? text : text + '.';
  }

  function accepted(body, preferredTime, ringNow, path) {
    var statusUrl = resolveStatusUrl(typeof body.statusUrl === 'string' ? body.statusUrl : path + '/' + encodeURIComponent(body.id));
    if (!statusUrl) { setGeneralError('The service sent an unexpected answer.'); return; }
    state.active = { statusUrl: statusUrl, preferredTime: preferredTime || null, ringNow: !!ringNow };
    try { sessionStorage.setItem(storageKey, JSON.stringify(state.active)); } catch { /* storage disabled */ }
    showStatus(body);
    schedulePoll();
  }

  /** The status URL must point back at the API origin; anything else is refused. */
  function resolveStatusUrl(statusUrl) {
    try {
      var u = new URL(statusUrl, config.api);
      return u.origin === config.api ? u.href : null;
    } catch {
      return null;
    }
  }

  function showForm() {
    stopPolling();
    ui.statusView.hidden = true;
    ui.formView.hidden = false;
    ui.launch.textContent = 'Call me back';
    ui.form.reset();
    onMethod();
    clearErrors();
  }

  /** Shows a status answer; returns whether the request has reached a final state. */
  function showStatus(info) {
    ui.formView.hidden = true;
    ui.statusView.hidden = false;
    ui.launch.textContent = 'Your callback';
    var status = typeof info.status === 'string' ? info.status : 'queued';
    if (state.active && state.active.ringNow) return showCallProgress(status, info.progress);
    var final = FINAL.hasOwnProperty(status);
    var secs = Number(info.estimatedWaitSeconds);
    var at = status === 'scheduled' && state.active && state.active.preferredTime;
    ui.lead.textContent = final ? '' : at ? 'We will call you around' : 'Your request is in line. Anticipated wait:';
    ui.wait.textContent = final ? '' : at ? new Date(at).toLocaleString()
      : isFinite(secs) && secs >= 0 && info.estimatedWaitSeconds !== null ? formatWait(secs) : 'being estimated';
    ui.wait.hidden = final;
    var pos = Number(info.position);
    ui.position.textContent = !final && pos > 0 ? 'You are number ' + pos + ' in line.' : '';
    ui.statusText.textContent = STATUS_TEXT[status] || 'Status: ' + status;
    ui.statusView.setAttribute('data-state', status);
    ui.statusError.hidden = true;
    ui.cancel.hidden = final || status === 'connected';
    ui.again.hidden = !final;
    if (final) { stopPolling(); forget(); }
    return final;
  }

  function showCallProgress(status, progress) {
    var final = FINAL.hasOwnProperty(status) || progress === 'ended';
    ui.lead.textContent = '';
    ui.wait.hidden = true;
    ui.position.textContent = '';
    ui.statusText.textContent = (final && STATUS_TEXT[status]) || PROGRESS_TEXT[progress] || STATUS_TEXT[status] || 'Status: ' + status;
    ui.statusView.setAttribute('data-state', final ? (FINAL.hasOwnProperty(status) ? status : 'completed') : progress || status);
    ui.statusError.hidden = true;
    ui.cancel.hidden = true;
    ui.again.hidden = !final;
    if (final) { stopPolling(); forget(); }
    return final;
  }

  function formatWait(secs) {
    if (secs < 60) return 'less than a minute';
    var mins = Math.round(secs / 60);
    if (mins < 60) return 'about ' + mins + (mins === 1 ? ' minute' : ' minutes');
    var hours = Math.floor(mins / 60), rest = mins % 60;
    return 'about ' + hours + (hours === 1 ? ' hour' : ' hours') + (rest ? ' ' + rest + ' min' : '');
  }

  function schedulePoll() {
    stopPolling();
    var every = state.active && state.active.ringNow ? Math.min(config.pollMs, 2000) : config.pollMs;
    var delay = every * Math.min(8, Math.pow(2, state.pollFailures));
    state.pollTimer = setTimeout(poll, delay);
  }

  function stopPolling() {
    clearTimeout(state.pollTimer);
    state.pollTimer = 0;
  }

  function poll() {
    if (!state.active) return;
    request('GET', state.active.statusUrl).then(function (res) {
      if (!state.active) return;
      if (res.status === 200 && res.body) {
        state.pollFailures = 0;
        if (!showStatus(res.body)) schedulePoll();
      } else if (res.status === 404 || res.status === 410) {
        showStatus({ status: 'cancelled' });
      } else {
        state.pollFailures++;
        schedulePoll();
      }
    }, function () {
      state.pollFailures++;
      schedulePoll();
    });
  }

  function cancelRequest() {
    if (!state.active) return;
    ui.cancel.disabled = true;
    request('DELETE', state.active.statusUrl).then(function (res) {
      if (res.status < 300 || res.status === 404) showStatus(res.body && res.body.status ? res.body : { status: 'cancelled' });
      else { ui.statusError.textContent = 'The request could not be cancelled. Please try again.'; ui.statusError.hidden = false; }
    }, function () {
      ui.statusError.textContent = 'We could not reach the service. Please try again.';
      ui.statusError.hidden = false;
    }).then(function () { ui.cancel.disabled = false; });
  }

  function forget() {
    state.active = null;
    try { sessionStorage.removeItem(storageKey); } catch { /* storage disabled */ }
  }

  /** Picks up a request made earlier in this tab (e.g. on another page of the same site). */
  function resume() {
    var saved = null;
    try { saved = JSON.parse(sessionStorage.getItem(storageKey) || 'null'); } catch { saved = null; }
    if (!saved || typeof saved.statusUrl !== 'string' || !resolveStatusUrl(saved.statusUrl)) return;
    state.active = { statusUrl: saved.statusUrl, preferredTime: typeof saved.preferredTime === 'string' ? saved.preferredTime : null, ringNow: saved.ringNow === true };
    showStatus({ status: 'queued' });
    ui.wait.textContent = 'being updated';
    poll();
  }

  function request(method, url, body, headers) {
    var h2 = { Accept: 'application/json' };
    if (body) h2['Content-Type'] = 'application/json';
    Object.keys(headers || {}).forEach(function (k) { h2[k] = headers[k]; });
    return fetch(url, { method: method, headers: h2, body: body, mode: 'cors', credentials: 'omit', cache: 'no-store' }).then(function (res) {
      return res.text().then(function (text) {
        var parsed = null;
        try { parsed = text ? JSON.parse(text) : null; } catch { parsed = null; }
        return { status: res.status, body: parsed, retryAfter: res.headers.get('Retry-After') };
      });
    });
  }
})();
