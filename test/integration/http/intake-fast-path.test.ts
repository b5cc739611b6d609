import assert from 'node:assert/strict';
import pino from 'pino';
import { Registry } from 'prom-client';
import { httpMetrics } from '../../../src/adapters/http/http-metrics';
import { intakeFastPath } from '../../../src/adapters/http/intake-fast-path';
import { corsHeaders } from '../../../src/adapters/http/public-cors';
import { listenOnLoopback, sendRaw, type ListeningApp, type RawAnswer } from '../../support/listen';
import { startIntake, type IntakeHarness } from './intake-harness';

const post = (base: string, path: string, headers: Record<string, string>, body: string, chunked = false, method = 'POST'): Promise<RawAnswer> => sendRaw(`${base}${path}`, { method, headers, body, chunked });

describe('the intake fast path', () => {
  describe('which requests it takes', () => {
    let served: ListeningApp;
    let url: string;
    const submitted: unknown[] = [];
    before(async () => {
      const fast = intakeFastPath({
        submit: async (body) => {
          submitted.push(body);
          return { status: 201, location: '/api/v1/help-requests/hr_x', body: { ok: true } };
        },
        logger: pino({ level: 'silent' }),
        metrics: httpMetrics(new Registry()),
        cors: corsHeaders(['*']),
        clientIp: () => '127.0.0.1',
        bodyLimitBytes: 100,
      });
      served = await listenOnLoopback((req, res) => {
        if (fast(req, res)) return;
        // What Express would get: the request untouched, its body still unread.
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          res.statusCode = 299;
          res.end(Buffer.concat(chunks));
        });
      });
      url = served.base;
    });
    after(async () => served.close());

    const json = { 'Content-Type': 'application/json' };
    const body = '{"channel":"pstn"}';
    const cases: Array<[string, () => Promise<RawAnswer>, number]> = [
      ['a plain JSON POST', () => post(url, '/api/v1/help-requests', json, body), 201],
      ['JSON with charset=utf-8', () => post(url, '/api/v1/help-requests', { 'Content-Type': 'Application/JSON; charset="UTF-8"' }, body), 201],
      ['a query string', () => post(url, '/api/v1/help-requests?x=1', json, body), 299],
      ['a trailing slash', () => post(url, '/api/v1/help-requests/', json, body), 299],
      ['another method', () => post(url, '/api/v1/help-requests', json, body, false, 'PUT'), 299],
      ['another content type', () => post(url, '/api/v1/help-requests', { 'Content-Type': 'text/plain' }, body), 299],
      ['another charset', () => post(url, '/api/v1/help-requests', { 'Content-Type': 'application/json; charset=latin1' }, body), 299],
      ['a compressed body', () => post(url, '/api/v1/help-requests', { ...json, 'Content-Encoding': 'gzip' }, body), 299],
      ['a chunked body', () => post(url, '/api/v1/help-requests', json, body, true), 299],
      ['a body over the limit', () => post(url, '/api/v1/help-requests', json, `{"message":"${'x'.repeat(100)}"}`), 299],
    ];
    for (const [name, send, status] of cases) {
      it(`${status === 201 ? 'takes' : 'leaves to Express'} ${name}`, async () => {
        const before = submitted.length;
        const res = await send();
        assert.equal(res.status, status, res.text);
        if (status === 299) {
          // Untouched: no header of its own set, the body left whole for Express to read.
          assert.equal(res.headers['x-request-id'], undefined);
          assert.equal(res.text.length > 0, true);
          assert.equal(submitted.length, before);
        } else {
          assert.deepEqual(submitted.at(-1), { channel: 'pstn' });
          assert.equal(res.headers.location, '/api/v1/help-requests/hr_x');
        }
      });
    }
  });

  describe('answers as Express does (real app, MariaDB, Redis)', () => {
    let h: IntakeHarness;
    let served: ListeningApp;
    before(async () => {
      h = await startIntake('fastpath');
      served = await listenOnLoopback(h.app);
    });
    after(async () => {
      await served.close();
      await h.close();
    });

    it('accepts the same request either way, with the same headers and fields', async () => {
      const headers = { 'Content-Type': 'application/json', Origin: 'https://shop.example.com' };
      const submit = (phone: string, chunked: boolean) => post(served.base, '/api/v1/help-requests', headers, JSON.stringify({ channel: 'pstn', phone, pageUrl: 'https://shop.example.com/plans' }), chunked);
      const fast = await submit('+14155550101', false);
      const viaExpress = await submit('+14155550102', true);
      assert.deepEqual([fast.status, viaExpress.status], [201, 201], `${fast.text} ${viaExpress.text}`);
      const names = (a: RawAnswer) => Object.keys(a.headers).filter((n) => !['date', 'content-length', 'transfer-encoding'].includes(n)).sort();
      assert.deepEqual(names(fast), names(viaExpress));
      for (const name of ['content-type', 'cache-control', 'content-security-policy', 'strict-transport-security', 'x-content-type-options', 'x-frame-options', 'access-control-allow-origin', 'access-control-expose-headers']) {
        assert.equal(fast.headers[name], viaExpress.headers[name], name);
      }
      const a = JSON.parse(fast.text) as Record<string, unknown>;
      const b = JSON.parse(viaExpress.text) as Record<string, unknown>;
      assert.deepEqual(Object.keys(a).sort(), Object.keys(b).sort());
      assert.equal(fast.headers.location, a.statusUrl);
      assert.equal(viaExpress.headers.location, b.statusUrl);
      assert.deepEqual((await h.list.list('support')).map((e) => e.requestId).sort(), [a.id, b.id].sort());
    });
  });
});
