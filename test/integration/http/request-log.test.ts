import assert from 'node:assert/strict';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { Router } from 'express';
import pino from 'pino';
import request from 'supertest';
import { SUPERVISOR_KEY, startIntake, type IntakeHarness } from './intake-harness';

/** The request log: one line per request with its id, method, path, status and time, and nothing secret. */
describe('request log', () => {
  let h: IntakeHarness;
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });

  // A stream that stays open, and an answer that never comes, both left by the client.
  const slow = Router();
  slow.get('/stream', (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    res.write(': open\n\n');
  });
  slow.get('/never', () => undefined);

  before(async () => {
    h = await startIntake('reqlog', { app: { logger: pino({ level: 'info' }, sink), routers: [{ path: '/api/v1/slow', router: slow }] } });
  });
  after(async () => h.close());

  const completed = async (reqId: string) => {
    for (let i = 0; i < 50 && !lines.some((l) => (l.req as { id?: string } | undefined)?.id === reqId); i++) await new Promise((r) => setTimeout(r, 10));
    return lines.find((l) => (l.req as { id?: string } | undefined)?.id === reqId && 'res' in l);
  };

  it('logs each request once it completes, at a level that follows the status, without headers or tokens', async () => {
    const ok = await request(h.app).post('/api/v1/help-requests').set('X-Request-Id', 'req-log-ok-1').send({ channel: 'pstn', phone: '(415) 555-2671' });
    assert.equal(ok.status, 201);
    assert.equal(ok.headers['x-request-id'], 'req-log-ok-1');
    const line = await completed('req-log-ok-1');
    assert.ok(line, 'a line for the request');
    assert.deepEqual(line.req, { id: 'req-log-ok-1', method: 'POST', url: '/api/v1/help-requests' });
    assert.deepEqual(line.res, { statusCode: 201 });
    assert.equal(line.level, 30);
    assert.equal(typeof line.responseTime, 'number');

    const refused = await request(h.app).get('/api/v1/combined-list?token=secret-stream-token').set('X-Request-Id', 'req-log-401').set('Authorization', 'Bearer wrong-key-0123456789');
    assert.equal(refused.status, 401);
    const warn = await completed('req-log-401');
    assert.equal(warn?.level, 40);
    assert.equal((warn?.req as { url: string }).url, '/api/v1/combined-list?token=[redacted]');

    const listed = await request(h.app).get('/api/v1/combined-list').set('X-Request-Id', 'req-log-auth').set('Authorization', `Bearer ${SUPERVISOR_KEY}`);
    assert.equal(listed.status, 200);
    await completed('req-log-auth');
    const all = JSON.stringify(lines);
    assert.ok(!all.includes(SUPERVISOR_KEY) && !all.includes('wrong-key') && !all.includes('secret-stream-token'), 'no key or token in the log');
    assert.ok(!all.includes('"headers"'), 'no headers in the log');
  });

  it('logs a stream the client closed at info, and a request left before any answer at warn', async () => {
    const server = createServer(h.app).listen(0, '127.0.0.1');
    await new Promise<void>((ready) => server.once('listening', () => ready()));
    const { port } = server.address() as AddressInfo;
    try {
      const leave = (path: string, id: string, afterHeaders: boolean) =>
        new Promise<void>((done) => {
          const req = httpRequest({ host: '127.0.0.1', port, path, headers: { 'X-Request-Id': id } }, (res) => {
            res.once('data', () => req.destroy());
          });
          req.on('error', () => undefined);
          req.on('close', () => done());
          if (!afterHeaders) setTimeout(() => req.destroy(), 100);
          req.end();
        });
      await leave('/api/v1/slow/stream', 'req-log-stream', true);
      await leave('/api/v1/slow/never', 'req-log-never', false);
      const waitFor = async (id: string) => {
        for (let i = 0; i < 50; i++) {
          const line = lines.find((l) => (l.req as { id?: string } | undefined)?.id === id);
          if (line) return line;
          await new Promise((r) => setTimeout(r, 20));
        }
        return undefined;
      };
      const stream = await waitFor('req-log-stream');
      assert.deepEqual([stream?.level, stream?.msg, (stream?.res as { statusCode: number }).statusCode], [30, 'request closed by the client', 200]);
      const never = await waitFor('req-log-never');
      assert.deepEqual([never?.level, never?.msg], [40, 'request aborted before an answer']);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    }
  });

  it('times each request by method, route pattern and status, never by raw path', async () => {
    const before = await h.registry.getSingleMetricAsString('cc_http_request_duration_seconds');
    const count = (text: string, labels: string) => Number(new RegExp(`cc_http_request_duration_seconds_count\\{${labels}\\} (\\d+)`).exec(text)?.[1] ?? 0);
    const created = { method: 'POST', route: '/api/v1/help-requests/', status: '201' };
    const missing = { method: 'GET', route: '/api/v1/help-requests/:id', status: '404' };
    const label = (l: Record<string, string>) => Object.entries(l).map(([k, v]) => `${k}="${v}"`).join(',');
    assert.equal((await request(h.app).post('/api/v1/help-requests').send({ channel: 'pstn', phone: '(415) 555-2672' })).status, 201);
    assert.equal((await request(h.app).get('/api/v1/help-requests/hr_unknown0000000000000001')).status, 404);
    assert.equal((await request(h.app).get('/no/such/page')).status, 404);
    // The line is written on 'close', just after the answer reached the client.
    let after = '';
    for (let i = 0; i < 50 && count(after, label({ method: 'GET', route: 'unmatched', status: '404' })) <= count(before, label({ method: 'GET', route: 'unmatched', status: '404' })); i++) {
      after = await h.registry.getSingleMetricAsString('cc_http_request_duration_seconds');
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.equal(count(after, label(created)), count(before, label(created)) + 1);
    assert.equal(count(after, label(missing)), count(before, label(missing)) + 1);
    assert.ok(!after.includes('hr_unknown'), 'no raw path in the labels');
  });

  it('makes up a request id when the one given is not a plain token', async () => {
    const res = await request(h.app).get('/api/v1/help-requests/hr_unknown0000000000000000').set('X-Request-Id', 'bad id with spaces {}');
    const id = res.headers['x-request-id'] as string;
    assert.match(id, /^[0-9a-f-]{36}$/);
    assert.equal(((await completed(id))?.res as { statusCode: number }).statusCode, res.status);
  });
});
