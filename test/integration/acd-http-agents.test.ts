import { strict as assert } from 'node:assert';
import request from 'supertest';
import { AgentStreamTokens } from '../../src/adapters/http/agent-stream-token';
import { hashAgentToken } from '../../src/app/acd/agent-credentials';
import { eventually, SseClient, startAcdHttp, TOKENS, type AcdHttpHarness } from './acd-http-harness';

const bearer = (agent: keyof typeof TOKENS) => ({ Authorization: `Bearer ${TOKENS[agent]}` });

describe('agent API over HTTP (MariaDB, Redis, the ACD on a fake PBX)', function () {
  this.timeout(30_000);
  let h: AcdHttpHarness;

  before(async () => {
    h = await startAcdHttp('acdhttp', { heartbeatMs: 100, retryMs: 2500, maxStreamsPerAgent: 3 });
  });
  after(async () => {
    await h?.close();
  });
  afterEach(async () => {
    for (const id of ['alice', 'bob', 'carol']) {
      const state = h.acd.roster.get(id).status.state;
      if (state === 'available' || state === 'paused') await h.acd.agentService.logout(id);
    }
  });

  it('refuses a missing or wrong token (401) and another agent\'s token (403)', async () => {
    const none = await request(h.app).get('/api/v1/agents/alice').expect(401);
    assert.equal(none.body.error.code, 'unauthorized');
    assert.equal(none.headers['www-authenticate'], 'Bearer');
    await request(h.app).get('/api/v1/agents/alice').set('Authorization', 'Bearer not-the-token').expect(401);
    await request(h.app).get('/api/v1/agents/alice').set('Authorization', `Basic ${Buffer.from('alice:x').toString('base64')}`).expect(401);
    const other = await request(h.app).post('/api/v1/agents/alice/login').set(bearer('bob')).expect(403);
    assert.equal(other.body.error.code, 'forbidden');
    assert.equal(h.acd.roster.get('alice').status.state, 'logged-out', 'nothing happened to alice');
    // A valid token on an unknown agent is still "not yours", and does not reveal whether it exists.
    await request(h.app).get('/api/v1/agents/nobody').set(bearer('alice')).expect(403);
    await request(h.app).get('/api/v1/agents/nobody').set('Authorization', 'Bearer guess').expect(401);
  });

  it('refuses an address after too many failed sign-ins, even with the right token, and only that address', async () => {
    const attacker = '203.0.113.77';
    for (let i = 0; i < 20; i++) await request(h.app).get('/api/v1/agents/alice').set('X-Forwarded-For', attacker).set('Authorization', `Bearer guess-${i}`).expect(401);
    const blocked = await request(h.app).get('/api/v1/agents/alice').set('X-Forwarded-For', attacker).set('Authorization', 'Bearer guess-20').expect(429);
    assert.equal(blocked.body.error.code, 'rate_limited');
    assert.ok(Number(blocked.headers['retry-after']) > 0);
    await request(h.app).get('/api/v1/agents/alice').set('X-Forwarded-For', attacker).set(bearer('alice')).expect(429);
    await request(h.app).get('/api/v1/agents/alice').set('X-Forwarded-For', '198.51.100.5').set(bearer('alice')).expect(200);
  });

  it('logs in, pauses with a reason, resumes and logs out; a change the state machine forbids is 409; every change is stored', async () => {
    const login = await request(h.app).post('/api/v1/agents/alice/login').set(bearer('alice')).expect(200);
    assert.equal(login.body.id, 'alice');
    assert.equal(login.body.state, 'available');
    assert.deepEqual(login.body.queues, { support: 1, sales: 2 });
    const again = await request(h.app).post('/api/v1/agents/alice/login').set(bearer('alice')).expect(409);
    assert.equal(again.body.error.code, 'conflict');
    assert.equal(again.body.error.field, 'state');

    const paused = await request(h.app).post('/api/v1/agents/alice/pause').set(bearer('alice')).send({ reason: '  lunch ' }).expect(200);
    assert.deepEqual([paused.body.state, paused.body.reason], ['paused', 'lunch']);
    assert.equal((await request(h.app).get('/api/v1/agents/alice').set(bearer('alice')).expect(200)).body.state, 'paused');
    await request(h.app).post('/api/v1/agents/alice/resume').set(bearer('alice')).expect(200);
    const out = await request(h.app).post('/api/v1/agents/alice/logout').set(bearer('alice')).expect(200);
    assert.equal(out.body.state, 'logged-out');
    await request(h.app).post('/api/v1/agents/alice/resume').set(bearer('alice')).expect(409);

    const row = await h.db.knex('agents').where({ id: 'alice' }).first();
    assert.equal(row.state, 'logged-out');
    const log = await h.db.knex('agent_state_log').where({ agent_id: 'alice' }).orderBy('id').select('state');
    assert.deepEqual(log.map((r: { state: string }) => r.state).slice(-4), ['available', 'paused', 'available', 'logged-out']);
  });

  it('answers bad bodies and parameters with 400 naming the field', async () => {
    await request(h.app).post('/api/v1/agents/alice/login').set(bearer('alice')).expect(200);
    const cases: Array<[string, string, unknown, string | undefined]> = [
      ['/pause', 'missing reason', {}, 'reason'],
      ['/pause', 'blank reason', { reason: '   ' }, 'reason'],
      ['/pause', 'long reason', { reason: 'x'.repeat(101) }, 'reason'],
      ['/pause', 'control characters', { reason: 'a\u0007b' }, 'reason'],
      ['/pause', 'unknown field', { reason: 'lunch', until: 'never' }, 'until'],
      ['/calls/hr_abc/disposition', 'bad code', { disposition: 'Resolved!' }, 'disposition'],
      ['/calls/hr_abc/disposition', 'long notes', { disposition: 'resolved', notes: 'n'.repeat(4001) }, 'notes'],
      ['/calls/hr_abc/disposition', 'notes not text', { disposition: 'resolved', notes: 7 }, 'notes'],
      ['/calls/hr%20x/disposition', 'bad contact id', { disposition: 'resolved' }, 'callId'],
    ];
    for (const [path, label, body, field] of cases) {
      const res = await request(h.app).post(`/api/v1/agents/alice${path}`).set(bearer('alice')).send(body as object);
      assert.equal(res.status, 400, label);
      assert.equal(res.body.error.field, field, label);
    }
    const notJson = await request(h.app).post('/api/v1/agents/alice/pause').set(bearer('alice')).set('Content-Type', 'application/json').send('[1,2');
    assert.equal(notJson.status, 400);
    assert.equal(h.acd.roster.get('alice').status.state, 'available', 'no bad request changed the state');
  });

  it('streams the screen pop of a web callback offered to the agent, the call\'s end and the timed wrap-up; the disposition is stored', async () => {
    const phone = '+12025550143';
    await h.db.knex('customers').insert({ name: 'Vera Lane', phone, email: 'vera@example.com', account_ref: 'A-77', notes: 'prefers mornings' });
    const past = new Date('2030-01-02T09:00:00.000Z');
    await h.db.knex('help_requests').insert({ id: 'hr_earlier0000000000000', channel: 'pstn', queue_id: 'support', phone, priority: 5, arrival_at: past, due_at: past, status: 'completed' });
    await h.db.knex('dispositions').insert({ request_id: 'hr_earlier0000000000000', agent_id: 'bob', disposition: 'resolved', notes: 'sent a new card', at: past });

    await request(h.app).post('/api/v1/agents/alice/login').set(bearer('alice')).expect(200);
    const issued = await request(h.app).post('/api/v1/agents/alice/stream-token').set(bearer('alice')).expect(201);
    assert.match(issued.body.eventsUrl, /^\/api\/v1\/agents\/alice\/events\?token=/);
    assert.ok(!issued.body.eventsUrl.includes(TOKENS.alice), 'the agent token is never put in a URL');
    const stream = await SseClient.open(`${h.baseUrl}${issued.body.eventsUrl}`);
    try {
      assert.equal(stream.status, 200);
      assert.match(String(stream.headers['content-type']), /^text\/event-stream/);
      assert.match(String(stream.headers['cache-control']), /no-store/);
      const snapshot = await stream.next((e) => e.event === 'snapshot');
      assert.equal((snapshot.data as { state: string }).state, 'available');
      assert.equal(stream.retry, 2500);

      const submitted = await request(h.app)
        .post('/api/v1/help-requests')
        .send({ channel: 'pstn', phone, name: 'Vera Lane', pageUrl: 'https://shop.example.com/cart?step=2', message: 'My order is late', queue: 'support' })
        .expect(201);
      const requestId = submitted.body.id as string;
      h.acd.entryAdded();

      const offer = await stream.next((e) => e.event === 'offer');
      const pop = (offer.data as { pop: Record<string, unknown> }).pop;
      assert.equal(pop.requestId, requestId);
      assert.equal(pop.kind, 'callback');
      assert.equal(pop.callerNumber, phone);
      assert.equal(pop.pageUrl, 'https://shop.example.com/cart?step=2');
      assert.equal(pop.message, 'My order is late');
      assert.deepEqual(pop.customer, { id: String((await h.db.knex('customers').where({ phone }).first()).id), name: 'Vera Lane', phone, email: 'vera@example.com', accountRef: 'A-77', notes: 'prefers mornings', source: 'db' });
      assert.deepEqual((pop.history as Array<Record<string, unknown>>).map((x) => [x.requestId, x.disposition, x.notes]), [['hr_earlier0000000000000', 'resolved', 'sent a new card']]);
      assert.ok((await stream.next((e) => e.event === 'state' && (e.data as { state: string }).state === 'reserved')).id);
      const ids = stream.events.map((e) => Number(e.id));
      assert.ok(ids.every((id, i) => Number.isInteger(id) && (i === 0 || id > ids[i - 1]!)), 'every event has an increasing id');

      await eventually(() => h.dialer.reservations.length === 1, 'the dialer is handed the reservation');
      const reservation = h.dialer.reservations[0]!;
      assert.equal(reservation.agent.id, 'alice');
      reservation.markConnected?.();
      await stream.next((e) => e.event === 'connected');
      await reservation.settle({ kind: 'done' });
      const ended = await stream.next((e) => e.event === 'ended');
      assert.deepEqual([(ended.data as { requestId: string }).requestId, (ended.data as { wrapUpSeconds: number }).wrapUpSeconds], [requestId, 1]);
      await stream.next((e) => e.event === 'state' && (e.data as { state: string }).state === 'available', 5000);
      assert.ok(stream.comments.includes('keep-alive'), 'heartbeat comments arrive');

      // Only the agent the contact was offered to can dispose of it.
      await request(h.app).post(`/api/v1/agents/alice/calls/${requestId}/disposition`).set(bearer('bob')).send({ disposition: 'resolved' }).expect(403);
      await request(h.app).post('/api/v1/agents/bob/login').set(bearer('bob')).expect(200);
      const notBobs = await request(h.app).post(`/api/v1/agents/bob/calls/${requestId}/disposition`).set(bearer('bob')).send({ disposition: 'resolved' }).expect(404);
      assert.equal(notBobs.body.error.code, 'not_found');
      const saved = await request(h.app)
        .post(`/api/v1/agents/alice/calls/${requestId}/disposition`)
        .set(bearer('alice'))
        .send({ disposition: 'order-resent', notes: 'Resent the parcel.\nTracking sent by e-mail.' })
        .expect(201);
      assert.deepEqual(saved.body, { requestId, disposition: 'order-resent', notes: 'Resent the parcel.\nTracking sent by e-mail.' });
      const rows = await h.db.knex('dispositions').where({ request_id: requestId });
      assert.deepEqual(rows.map((r: Record<string, unknown>) => [r.agent_id, r.disposition, r.notes]), [['alice', 'order-resent', 'Resent the parcel.\nTracking sent by e-mail.']]);
      const audit = await h.db.knex('audit_log').where({ entity_id: requestId, action: 'disposition' }).first();
      assert.equal(audit?.actor, 'agent:alice');
    } finally {
      stream.close();
    }
  });

  it('opens the event stream only with the agent\'s own bearer token or a live stream token of that agent', async () => {
    const url = (agent: string, token?: string) => `${h.baseUrl}/api/v1/agents/${agent}/events${token === undefined ? '' : `?token=${encodeURIComponent(token)}`}`;
    const byHeader = await SseClient.open(url('bob'), bearer('bob'));
    assert.equal(byHeader.status, 200);
    byHeader.close();
    const aliceToken = (await request(h.app).post('/api/v1/agents/alice/stream-token').set(bearer('alice')).expect(201)).body.token as string;
    const refusals: Array<[string, string, number]> = [
      ['the long-lived token in the URL', url('alice', TOKENS.alice), 401],
      ['another agent\'s stream token', url('bob', aliceToken), 403],
      ['a tampered stream token', url('alice', `${aliceToken.slice(0, -2)}AA`), 401],
      ['no credential', url('alice'), 401],
    ];
    for (const [label, u, status] of refusals) {
      const c = await SseClient.open(u);
      await c.untilEnded();
      assert.equal(c.status, status, label);
      assert.doesNotMatch(String(c.headers['content-type']), /event-stream/, label);
    }
    assert.equal(h.acd.bus.subscriberCount('alice'), 0);
    assert.equal(h.acd.bus.subscriberCount('bob'), 0);
    const logged = h.logLines.join('');
    assert.ok(logged.includes('/api/v1/agents/alice/events?token=[redacted]'), 'the request is logged, without its token');
    assert.ok(!logged.includes(aliceToken.slice(0, 20)) && !logged.includes(TOKENS.alice), 'no token reaches the log');
  });

  it('stream tokens expire, name one agent and die with the agent token they were issued under', () => {
    let now = Date.parse('2030-01-01T10:00:00Z');
    const tokens = new AgentStreamTokens('a-secret-of-sixteen-chars', 60, () => now);
    const key = hashAgentToken('old-agent-token');
    const { token, expiresAt } = tokens.issue('alice', key);
    assert.equal(expiresAt.toISOString(), '2030-01-01T10:01:00.000Z');
    assert.equal(tokens.verify(token, 'alice', key), true);
    assert.equal(tokens.verify(token, 'bob', key), false);
    assert.equal(tokens.verify(token, 'alice', hashAgentToken('rotated-agent-token')), false);
    assert.equal(new AgentStreamTokens('another-secret-sixteen', 60, () => now).verify(token, 'alice', key), false);
    now += 61_000;
    assert.equal(tokens.verify(token, 'alice', key), false);
  });

  it('leaves no listener behind after 200 streams opened and dropped, and keeps at most the newest streams of one agent', async () => {
    for (let i = 0; i < 200; i++) {
      const c = await SseClient.open(`${h.baseUrl}/api/v1/agents/carol/events`, bearer('carol'));
      await c.next((e) => e.event === 'snapshot');
      assert.equal(h.acd.bus.subscriberCount('carol'), 1);
      c.close();
      await eventually(() => h.acd.bus.subscriberCount('carol') === 0, `stream ${i} unsubscribed`);
    }
    const open: SseClient[] = [];
    for (let i = 0; i < 5; i++) {
      const c = await SseClient.open(`${h.baseUrl}/api/v1/agents/carol/events`, bearer('carol'));
      await c.next((e) => e.event === 'snapshot');
      open.push(c);
    }
    await open[0]!.untilEnded();
    await open[1]!.untilEnded();
    assert.deepEqual(open.map((c) => c.ended), [true, true, false, false, false]);
    assert.equal(h.acd.bus.subscriberCount('carol'), 3);
    // The newest streams still get notices.
    await request(h.app).post('/api/v1/agents/carol/login').set(bearer('carol')).expect(200);
    for (const c of open.slice(2)) await c.next((e) => e.event === 'state' && (e.data as { state: string }).state === 'available');
    for (const c of open) c.close();
    await eventually(() => h.acd.bus.subscriberCount('carol') === 0, 'all streams unsubscribed');
  });
});
