import assert from 'node:assert/strict';
import request from 'supertest';
import { listenOnLoopback, sendRaw, type ListeningApp } from '../../support/listen';
import { startIntake, type IntakeHarness } from './intake-harness';

interface Case {
  name: string;
  /** A JSON value to send, or a raw string with its content type. */
  body?: unknown;
  raw?: { text: string; type: string };
  headers?: Record<string, string>;
  status: number;
  code: string;
  field?: string;
}

const pstn = (phone: unknown, extra: Record<string, unknown> = {}) => ({ channel: 'pstn', phone, ...extra });
const voip = (sipUri: unknown, extra: Record<string, unknown> = {}) => ({ channel: 'voip', sipUri, ...extra });
const ok = '+14155552671';

const cases: Case[] = [
  // Numbers that are not numbers
  { name: 'letters in a number', body: pstn('1-800-FLOWERS'), status: 400, code: 'invalid_field', field: 'phone' },
  { name: 'too short', body: pstn('12'), status: 400, code: 'invalid_field', field: 'phone' },
  { name: 'impossible number', body: pstn('+1 555 0100 99999'), status: 400, code: 'invalid_field', field: 'phone' },
  { name: 'unassigned country code', body: pstn('+999 1234 5678'), status: 400, code: 'invalid_field', field: 'phone' },
  { name: 'number too long for the field', body: pstn('+1 415 555 2671 0000000000000000000000'), status: 400, code: 'invalid_field', field: 'phone' },
  { name: 'extension / DTMF smuggling', body: pstn('+14155552671;ext=123'), status: 400, code: 'invalid_field', field: 'phone' },
  { name: 'dial string injection', body: pstn('+14155552671&PJSIP/premium'), status: 400, code: 'invalid_field', field: 'phone' },
  { name: 'number as a JSON number', body: pstn(14155552671), status: 400, code: 'invalid_field', field: 'phone' },
  { name: 'number missing for pstn', body: { channel: 'pstn' }, status: 400, code: 'invalid_field', field: 'phone' },
  { name: 'sipUri with channel pstn', body: pstn(ok, { sipUri: 'sip:a@example.com' }), status: 400, code: 'invalid_field', field: 'sipUri' },
  // Emergency numbers of several countries, in several spellings
  { name: 'US 911', body: pstn('911'), status: 422, code: 'forbidden_destination', field: 'phone' },
  { name: 'US 1-911', body: pstn('1-911'), status: 422, code: 'forbidden_destination', field: 'phone' },
  { name: 'US +1 911', body: pstn('+1 911'), status: 422, code: 'forbidden_destination', field: 'phone' },
  { name: 'EU 112', body: pstn('112'), status: 422, code: 'forbidden_destination', field: 'phone' },
  { name: 'DE +49 112', body: pstn('+49 112'), status: 422, code: 'forbidden_destination', field: 'phone' },
  { name: 'DE 0049 110', body: pstn('0049110'), status: 422, code: 'forbidden_destination', field: 'phone' },
  { name: 'UK 999', body: pstn('999'), status: 422, code: 'forbidden_destination', field: 'phone' },
  { name: 'UK +44 999', body: pstn('+44 999'), status: 422, code: 'forbidden_destination', field: 'phone' },
  { name: 'AU 000', body: pstn('000'), status: 422, code: 'forbidden_destination', field: 'phone' },
  { name: 'AU +61 000', body: pstn('+61 000'), status: 422, code: 'forbidden_destination', field: 'phone' },
  { name: 'JP 119', body: pstn('+81 119'), status: 422, code: 'forbidden_destination', field: 'phone' },
  { name: 'JP/CN 110', body: pstn('110'), status: 422, code: 'forbidden_destination', field: 'phone' },
  { name: 'IN 108', body: pstn('+91 108'), status: 422, code: 'forbidden_destination', field: 'phone' },
  { name: 'FR 15 (SAMU)', body: pstn('+33 15'), status: 422, code: 'forbidden_destination', field: 'phone' },
  { name: 'US 988 crisis line', body: pstn('988'), status: 422, code: 'forbidden_destination', field: 'phone' },
  { name: 'emergency code as a SIP user', body: voip('sip:112@example.com'), status: 422, code: 'forbidden_destination', field: 'sipUri' },
  // Toll fraud: premium, shared cost, non-geographic, countries outside the list
  { name: 'US premium 1-900', body: pstn('+1 900 555 1234'), status: 422, code: 'forbidden_destination', field: 'phone' },
  { name: 'UK premium 0871', body: pstn('+44 871 900 0000'), status: 422, code: 'forbidden_destination', field: 'phone' },
  { name: 'FR premium 0899', body: pstn('+33 899 123 456'), status: 422, code: 'forbidden_destination', field: 'phone' },
  { name: 'DE shared cost 01805', body: pstn('+49 1805 123456'), status: 422, code: 'forbidden_destination', field: 'phone' },
  { name: 'UK personal number 070', body: pstn('+44 70 1234 5678'), status: 422, code: 'forbidden_destination', field: 'phone' },
  { name: 'UK pager 076', body: pstn('+44 76 2345 6789'), status: 422, code: 'forbidden_destination', field: 'phone' },
  { name: 'international freephone +800', body: pstn('+800 1234 5678'), status: 422, code: 'forbidden_destination', field: 'phone' },
  { name: 'Jamaica behind +1 (revenue share)', body: pstn('+1 876 555 1234'), status: 422, code: 'forbidden_destination', field: 'phone' },
  { name: 'country not allowed (Cuba)', body: pstn('+53 5 1234567'), status: 422, code: 'forbidden_destination', field: 'phone' },
  // SIP URIs
  { name: 'SIP domain not allowed', body: voip('sip:alice@evil.example.org'), status: 422, code: 'forbidden_destination', field: 'sipUri' },
  { name: 'SIP maddr parameter', body: voip('sip:alice@example.com;maddr=203.0.113.5'), status: 400, code: 'invalid_field', field: 'sipUri' },
  { name: 'SIP header injection', body: voip('sip:alice@example.com?Call-Info=evil'), status: 400, code: 'invalid_field', field: 'sipUri' },
  { name: 'SIP with CRLF', body: voip('sip:alice@example.com\r\nVia: x'), status: 400, code: 'invalid_field', field: 'sipUri' },
  { name: 'tel: URI as SIP', body: voip('tel:+14155552671'), status: 400, code: 'invalid_field', field: 'sipUri' },
  { name: 'SIP with password', body: voip('sip:alice:secret@example.com'), status: 400, code: 'invalid_field', field: 'sipUri' },
  { name: 'SIP two @', body: voip('sip:a@b@example.com'), status: 400, code: 'invalid_field', field: 'sipUri' },
  { name: 'SIP oversized', body: voip(`sip:${'a'.repeat(300)}@example.com`), status: 400, code: 'invalid_field', field: 'sipUri' },
  { name: 'SIP bad port', body: voip('sip:alice@example.com:99999'), status: 400, code: 'invalid_field', field: 'sipUri' },
  { name: 'phone with channel voip', body: voip('sip:alice@example.com', { phone: ok }), status: 400, code: 'invalid_field', field: 'phone' },
  // Page URLs and text fields
  { name: 'javascript: page URL', body: pstn(ok, { pageUrl: 'javascript:alert(1)' }), status: 400, code: 'invalid_field', field: 'pageUrl' },
  { name: 'data: page URL', body: pstn(ok, { pageUrl: 'data:text/html,<script>alert(1)</script>' }), status: 400, code: 'invalid_field', field: 'pageUrl' },
  { name: 'page URL with credentials', body: pstn(ok, { pageUrl: 'https://user:pw@shop.example.com/' }), status: 400, code: 'invalid_field', field: 'pageUrl' },
  { name: 'oversized page URL', body: pstn(ok, { pageUrl: `https://shop.example.com/${'a'.repeat(2100)}` }), status: 400, code: 'invalid_field', field: 'pageUrl' },
  { name: 'name with control characters', body: pstn(ok, { name: 'Ada\u0000\u001b[31m' }), status: 400, code: 'invalid_field', field: 'name' },
  { name: 'oversized name', body: pstn(ok, { name: 'x'.repeat(201) }), status: 400, code: 'invalid_field', field: 'name' },
  { name: 'oversized message', body: pstn(ok, { message: 'x'.repeat(2001) }), status: 400, code: 'invalid_field', field: 'message' },
  { name: 'invalid e-mail', body: pstn(ok, { email: 'not-an-email' }), status: 400, code: 'invalid_field', field: 'email' },
  { name: 'SQL injection as queue', body: pstn(ok, { queue: "support' OR '1'='1" }), status: 400, code: 'invalid_field', field: 'queue' },
  { name: 'unknown queue', body: pstn(ok, { queue: 'no-such-queue' }), status: 400, code: 'invalid_field', field: 'queue' },
  { name: 'preferred time not a date', body: pstn(ok, { preferredTime: 'tomorrow' }), status: 400, code: 'invalid_field', field: 'preferredTime' },
  { name: 'preferred time without zone', body: pstn(ok, { preferredTime: '2030-01-01T10:00:00' }), status: 400, code: 'invalid_field', field: 'preferredTime' },
  { name: 'preferred time in the past', body: pstn(ok, { preferredTime: '2001-01-01T10:00:00Z' }), status: 400, code: 'invalid_field', field: 'preferredTime' },
  { name: 'preferred time a year ahead', body: pstn(ok, { preferredTime: new Date(Date.now() + 366 * 86_400_000).toISOString() }), status: 400, code: 'invalid_field', field: 'preferredTime' },
  // Shapes, types and bodies
  { name: 'unknown field', body: pstn(ok, { isAdmin: true }), status: 400, code: 'invalid_field', field: 'isAdmin' },
  { name: 'prototype pollution key', raw: { text: `{"channel":"pstn","phone":"${ok}","__proto__":{"x":1}}`, type: 'application/json' }, status: 400, code: 'invalid_field', field: '__proto__' },
  { name: 'priority from a visitor', body: pstn(ok, { priority: 1 }), status: 400, code: 'invalid_field', field: 'priority' },
  { name: 'unknown channel', body: { channel: 'fax', phone: ok }, status: 400, code: 'invalid_field', field: 'channel' },
  { name: 'channel of wrong type', body: { channel: ['pstn'], phone: ok }, status: 400, code: 'invalid_field', field: 'channel' },
  { name: 'body is an array', body: [pstn(ok)], status: 400, code: 'invalid_request' },
  { name: 'body is null', raw: { text: 'null', type: 'application/json' }, status: 400, code: 'invalid_request' },
  { name: 'body is a bare string', raw: { text: '"pstn"', type: 'application/json' }, status: 400, code: 'invalid_request' },
  { name: 'truncated JSON', raw: { text: '{"channel":"pstn","phone":', type: 'application/json' }, status: 400, code: 'invalid_request' },
  { name: 'not JSON at all', raw: { text: 'channel=pstn&phone=911', type: 'application/x-www-form-urlencoded' }, status: 415, code: 'unsupported_media_type' },
  { name: 'text/plain body', raw: { text: JSON.stringify(pstn(ok)), type: 'text/plain' }, status: 415, code: 'unsupported_media_type' },
  { name: 'oversized body', raw: { text: JSON.stringify(pstn(ok, { message: 'x'.repeat(20_000) })), type: 'application/json' }, status: 413, code: 'payload_too_large' },
  { name: 'bad Idempotency-Key', body: pstn(ok), headers: { 'Idempotency-Key': 'x' }, status: 400, code: 'invalid_field', field: 'Idempotency-Key' },
];

describe('hostile and malformed help requests (real app, MariaDB, Redis)', () => {
  let h: IntakeHarness;
  let served: ListeningApp;
  before(async () => {
    h = await startIntake('hostile');
    served = await listenOnLoopback(h.app);
  });
  after(async () => {
    await served.close();
    await h.close();
  });

  it(`has at least 40 cases (${cases.length})`, () => assert.ok(cases.length >= 40));

  // Each case twice: as a client usually sends it (the plain ones take the intake's fast path),
  // and with a chunked body, which Express serves. Both must answer alike.
  for (const via of ['as sent', 'chunked, through Express'] as const) {
    for (const c of cases) {
      it(`${c.name} -> ${c.status} ${c.code}${c.field ? ` (${c.field})` : ''} (${via})`, async () => {
        let res: { status: number; text: string; body: { error?: { code?: string; field?: string; message?: string } } };
        if (via === 'as sent') {
          let req = request(h.app).post('/api/v1/help-requests').set(c.headers ?? {});
          req = c.raw ? req.set('Content-Type', c.raw.type).send(c.raw.text) : req.send(c.body as object);
          res = await req;
        } else {
          const headers = { 'Content-Type': c.raw?.type ?? 'application/json', ...c.headers };
          const answer = await sendRaw(`${served.base}/api/v1/help-requests`, { headers, body: c.raw?.text ?? JSON.stringify(c.body), chunked: true });
          res = { ...answer, body: JSON.parse(answer.text) as never };
        }
        assert.equal(res.status, c.status, JSON.stringify(res.body));
        assert.equal(res.body?.error?.code, c.code);
        if (c.field) assert.equal(res.body.error?.field, c.field);
        else assert.equal(res.body.error?.field, undefined);
        assert.equal(typeof res.body.error?.message, 'string');
        assert.doesNotMatch(res.text, /\bat [\w.<>]+ \(/, 'no stack trace');
      });
    }
  }

  it('stored nothing for any of them', async () => {
    const [row] = await h.db.knex('help_requests').count({ n: '*' });
    assert.equal(Number(row?.n), 0);
    assert.deepEqual(await h.list.list('support'), []);
  });

  it('odd URLs and methods get JSON errors, never a 500', async () => {
    const probes = [
      request(h.app).get('/api/v1/help-requests/%E0%A4%A'),
      request(h.app).get('/api/v1/help-requests/..%2F..%2Fetc%2Fpasswd'),
      request(h.app).get(`/api/v1/help-requests/hr_${'A'.repeat(5000)}`),
      request(h.app).put('/api/v1/help-requests/hr_AAAAAAAAAAAAAAAAAAAAAA').send({}),
      request(h.app).patch('/api/v1/help-requests/hr_AAAAAAAAAAAAAAAAAAAAAA').send({ priority: 1 }),
      request(h.app).get('/api/v1/combined-list?queue[]=a&queue[]=b').set('Authorization', 'Bearer x'),
    ];
    for (const res of await Promise.all(probes)) {
      assert.ok(res.status >= 400 && res.status < 500, `${res.status} ${res.text}`);
      assert.equal(typeof res.body.error.code, 'string');
    }
  });
});
