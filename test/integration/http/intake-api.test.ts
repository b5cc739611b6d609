import assert from 'node:assert/strict';
import request from 'supertest';
import { createKnex } from '../../../src/adapters/db/knex';
import { createTestDatabase } from '../../support/db';
import { SUPERVISOR_KEY, startIntake, type IntakeHarness } from './intake-harness';

const auth = { Authorization: `Bearer ${SUPERVISOR_KEY}` };

describe('help-request intake over HTTP (real MariaDB and Redis)', () => {
  let h: IntakeHarness;

  before(async () => {
    h = await startIntake('api');
  });
  after(async () => h.close());
  beforeEach(async () => {
    for (const r of await h.repo.findByStatus(['queued', 'scheduled'])) await h.list.remove(r.id, r.queue);
    await h.db.knex('audit_log').del();
    await h.db.knex('help_requests').del();
  });

  const submit = (body: Record<string, unknown>, ip = '198.51.100.7', headers: Record<string, string> = {}) =>
    request(h.app).post('/api/v1/help-requests').set('X-Forwarded-For', ip).set(headers).send(body);

  it('accepts a callback request after committing it, lists it and reports position and wait', async () => {
    const res = await submit({ channel: 'pstn', phone: '(415) 555-2671', name: 'Ada', pageUrl: 'https://shop.example.com/plans?x=1' });
    assert.equal(res.status, 201);
    assert.match(res.body.id, /^hr_[A-Za-z0-9_-]{22}$/);
    assert.equal(res.body.status, 'queued');
    assert.equal(res.body.position, 1);
    assert.equal(res.body.estimatedWaitSeconds, 300);
    assert.equal(res.body.statusUrl, `/api/v1/help-requests/${res.body.id}`);
    assert.equal(res.headers.location, res.body.statusUrl);
    // Personal and changing: never stored by a browser or proxy, and no validator to poll with.
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.equal(res.headers.etag, undefined);
    const status = await request(h.app).get(res.body.statusUrl);
    assert.equal(status.headers['cache-control'], 'no-store');
    assert.equal(status.headers.etag, undefined);
    assert.equal(status.headers['x-content-type-options'], 'nosniff');
    assert.equal(status.headers['content-security-policy'], "default-src 'none';frame-ancestors 'none'");
    assert.equal(status.headers['x-frame-options'], 'DENY');
    assert.match(status.headers['strict-transport-security'] ?? '', /max-age=\d+/);
    assert.equal(status.headers['referrer-policy'], undefined, 'document-only headers are for the pages');
    const page = await request(h.app).get('/widget.js');
    assert.match(page.headers['content-security-policy'] ?? '', /default-src 'self'/);
    assert.equal(page.headers['referrer-policy'], 'no-referrer');
    await h.intake.settled();
    const row = await h.db.knex('help_requests').where({ id: res.body.id }).first();
    assert.equal(row.phone, '+14155552671');
    assert.equal(row.enqueued, 1);
    assert.equal((await h.list.get(res.body.id, 'support'))?.state, 'waiting');

    const second = await submit({ channel: 'voip', sipUri: 'sip:bob@example.com' }, '198.51.100.8');
    assert.equal(second.body.position, 2);
    assert.equal(second.body.estimatedWaitSeconds, 600);

    const view = await request(h.app).get(res.body.statusUrl);
    assert.equal(view.status, 200);
    assert.deepEqual([view.body.status, view.body.position, view.body.attempts], ['queued', 1, 0]);
    assert.equal(view.body.phone, undefined, 'the status view carries no personal data');
  });

  it('a preferred time in the future is scheduled, not waiting', async () => {
    const at = new Date(Date.now() + 3_600_000);
    const res = await submit({ channel: 'pstn', phone: '+442079460958', preferredTime: at.toISOString() });
    assert.equal(res.status, 201);
    assert.equal(res.body.status, 'scheduled');
    assert.equal(res.body.position, null);
    assert.ok(res.body.estimatedWaitSeconds >= 3590 && res.body.estimatedWaitSeconds <= 3600);
    assert.equal((await h.list.get(res.body.id, 'support'))?.state, 'scheduled');
  });

  it('a duplicate returns the existing request to its submitter only', async () => {
    const first = await submit({ channel: 'pstn', phone: '+14155550123' });
    const again = await submit({ channel: 'pstn', phone: '415-555-0123' });
    assert.equal(again.status, 200);
    assert.equal(again.body.id, first.body.id);
    const stranger = await submit({ channel: 'pstn', phone: '+1 415 555 0123' }, '203.0.113.50');
    assert.equal(stranger.status, 409);
    assert.deepEqual(stranger.body, { error: { code: 'duplicate', message: 'an open request for this destination already exists', field: 'phone' } });
    assert.equal(JSON.stringify(stranger.body).includes(first.body.id), false);
    assert.equal((await h.list.list('support')).length, 1);
  });

  it('an Idempotency-Key replays the first answer and refuses reuse for another request', async () => {
    const key = { 'Idempotency-Key': 'f3b1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d' };
    const first = await submit({ channel: 'pstn', phone: '+14155550124' }, '198.51.100.9', key);
    const replay = await submit({ channel: 'pstn', phone: '+14155550124' }, '192.0.2.1', key);
    assert.deepEqual([replay.status, replay.body.id], [200, first.body.id]);
    const reuse = await submit({ channel: 'pstn', phone: '+14155550125' }, '198.51.100.9', key);
    assert.deepEqual([reuse.status, reuse.body.error.code], [409, 'conflict']);
  });

  it('a visitor cancels with DELETE; the entry leaves the list; unknown ids are 404', async () => {
    const res = await submit({ channel: 'pstn', phone: '+14155550126' });
    const del = await request(h.app).delete(res.body.statusUrl);
    assert.deepEqual([del.status, del.body.status], [200, 'cancelled']);
    assert.equal(await h.list.get(res.body.id, 'support'), null);
    assert.equal((await request(h.app).delete(res.body.statusUrl)).status, 200, 'cancelling twice is harmless');
    assert.equal((await request(h.app).get('/api/v1/help-requests/hr_AAAAAAAAAAAAAAAAAAAAAA')).status, 404);
    assert.deepEqual((await h.repo.auditTrail('help_request', res.body.id)).map((a) => a.action), ['created', 'cancelled']);
  });

  it('supervisors see the exact order of service and reorder it with PATCH', async () => {
    const ids: string[] = [];
    for (const phone of ['+14155550131', '+14155550132', '+14155550133']) ids.push((await submit({ channel: 'pstn', phone, message: '<img src=x onerror=alert(1)>' })).body.id);
    assert.equal((await request(h.app).get('/api/v1/combined-list?queue=support')).status, 401);
    assert.equal((await request(h.app).get('/api/v1/combined-list').set('Authorization', 'Bearer wrong-key-wrong-key')).status, 401);
    const list = await request(h.app).get('/api/v1/combined-list?queue=support').set(auth);
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.entries.map((e: { requestId: string }) => e.requestId), ids);
    assert.equal(list.body.entries[0].request.message, '<img src=x onerror=alert(1)>', 'JSON carries text as data; pages escape it');
    assert.match(list.headers['content-type'] ?? '', /application\/json/);

    const patch = await request(h.app).patch(`/api/v1/help-requests/${ids[2]}`).set(auth).send({ priority: 1 });
    assert.deepEqual([patch.status, patch.body.position], [200, 1]);
    const later = new Date(Date.now() + 7_200_000).toISOString();
    assert.equal((await request(h.app).patch(`/api/v1/help-requests/${ids[0]}`).set(auth).send({ preferredTime: later })).body.status, 'scheduled');
    const after = await request(h.app).get('/api/v1/combined-list').set(auth);
    assert.deepEqual(
      after.body.entries.map((e: { requestId: string; state: string; position: number | null }) => [e.requestId, e.state, e.position]),
      [[ids[2], 'waiting', 1], [ids[1], 'waiting', 2], [ids[0], 'scheduled', null]],
    );
    const cancel = await request(h.app).patch(`/api/v1/help-requests/${ids[1]}`).set(auth).send({ status: 'cancelled' });
    assert.equal(cancel.body.status, 'cancelled');
    assert.equal((await request(h.app).patch(`/api/v1/help-requests/${ids[1]}`).send({ priority: 2 })).status, 401);
    const trail = await h.repo.auditTrail('help_request', ids[2] as string);
    assert.deepEqual(trail.map((a) => [a.action, a.actor]), [['created', 'visitor'], ['amended', 'supervisor']]);
    assert.equal((await request(h.app).get('/api/v1/combined-list?queue=nope').set(auth)).body.error.field, 'queue');
  });

  it('answers CORS preflights for the widget, with no credentials', async () => {
    const res = await request(h.app).options('/api/v1/help-requests').set('Origin', 'https://shop.example.org').set('Access-Control-Request-Method', 'POST');
    assert.equal(res.status, 204);
    assert.equal(res.headers['access-control-allow-origin'], '*');
    assert.match(res.headers['access-control-allow-headers'] ?? '', /Idempotency-Key/);
    assert.equal(res.headers['access-control-allow-credentials'], undefined);
    assert.equal(res.headers['cross-origin-resource-policy'], 'cross-origin');
    const sup = await request(h.app).get('/api/v1/combined-list').set('Origin', 'https://evil.example').set(auth);
    assert.equal(sup.headers['access-control-allow-origin'], undefined);
  });

  it('health, readiness with named checks, metrics by result and code, request ids', async () => {
    await submit({ channel: 'pstn', phone: '+14155550140' });
    await submit({ channel: 'pstn', phone: '911' });
    assert.equal((await request(h.app).get('/healthz')).status, 200);
    const ready = await request(h.app).get('/readyz');
    assert.deepEqual([ready.status, ready.body.checks], [200, { redis: 'ok', database: 'ok' }]);
    const metrics = await request(h.app).get('/metrics');
    assert.match(metrics.text, /cc_help_requests_total\{result="accepted",code="created"\} 1/);
    assert.match(metrics.text, /cc_help_requests_total\{result="refused",code="forbidden_destination"\} 1/);
    const withId = await request(h.app).get('/healthz').set('X-Request-Id', 'abc-123');
    assert.equal(withId.headers['x-request-id'], 'abc-123');
    assert.match((await request(h.app).get('/healthz').set('X-Request-Id', 'bad id\u00e9')).headers['x-request-id'] ?? '', /^[0-9a-f-]{36}$/);
  });

  it('limits per number and per IP with 429 and Retry-After', async () => {
    const limited = await startIntake('apilim', { limits: { perNumber: { limit: 2, windowSeconds: 60 }, perIp: { limit: 4, windowSeconds: 120 } } });
    try {
      const post = (phone: string, ip: string) => request(limited.app).post('/api/v1/help-requests').set('X-Forwarded-For', ip).send({ channel: 'pstn', phone });
      assert.equal((await post('+14155550150', '198.51.100.1')).status, 201);
      assert.equal((await post('+14155550150', '198.51.100.1')).status, 200);
      const third = await post('+1 415 555 0150', '198.51.100.2');
      assert.deepEqual([third.status, third.body.error.code, third.body.error.field], [429, 'rate_limited', 'phone']);
      assert.ok(Number(third.headers['retry-after']) > 0 && Number(third.headers['retry-after']) <= 60);
      for (const n of ['1', '2']) assert.equal((await post(`+1415555016${n}`, '198.51.100.1')).status, 201);
      const overIp = await post('+14155550170', '198.51.100.1');
      assert.deepEqual([overIp.status, overIp.body.error.code], [429, 'rate_limited']);
      assert.ok(Number(overIp.headers['retry-after']) > 60);
    } finally {
      await limited.close();
    }
  });

  it('answers 503 (not a hang) when Redis is down, and when the database is down', async function () {
    this.timeout(15000);
    const noRedis = await startIntake('apinoredis', { redisUrl: 'redis://127.0.0.1:1', db: h.db });
    try {
      const res = await request(noRedis.app).post('/api/v1/help-requests').send({ channel: 'pstn', phone: '+14155550180' });
      assert.deepEqual([res.status, res.body.error.code], [503, 'unavailable']);
      assert.equal((await request(noRedis.app).get('/readyz')).body.checks.redis, 'failed');
    } finally {
      await noRedis.close();
    }
    const deadDb = await createTestDatabase('apideaddb');
    const noDb = await startIntake('apinodb', { db: { ...deadDb, knex: createKnex('mysql://root@127.0.0.1:1/none', { max: 1 }) } });
    try {
      const res = await request(noDb.app).post('/api/v1/help-requests').send({ channel: 'pstn', phone: '+14155550181' });
      assert.deepEqual([res.status, res.body.error.code], [503, 'unavailable']);
      assert.equal(res.text.includes('at '), false, 'no stack trace');
    } finally {
      await noDb.close();
      await noDb.db.knex.destroy();
      await deadDb.drop();
    }
  });
});
