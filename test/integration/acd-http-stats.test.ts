import { strict as assert } from 'node:assert';
import request from 'supertest';
import { SUPERVISOR_KEY, startAcdHttp, type AcdHttpHarness } from './acd-http-harness';

const supervisor = { Authorization: `Bearer ${SUPERVISOR_KEY}` };

describe('ACD supervisor API over HTTP: queue statistics and agent states', function () {
  this.timeout(30_000);
  let h: AcdHttpHarness;
  const base = Date.parse('2030-03-04T10:00:00.000Z');
  const at = (s: number) => new Date(base + s * 1000);

  before(async () => {
    h = await startAcdHttp('acdstats');
    // Support, 10:00-11:00: two answered (waits 10 s and 40 s, talks 120 s and 60 s), one abandoned
    // after 30 s, one took a callback; 10:30-11:00: one answered after 5 s (talk 30 s). Sales: one abandoned.
    const scenario: Array<[string, string, number, 'connected' | 'abandoned' | 'callback', number, number?]> = [
      ['c1', 'support', 0, 'connected', 10, 120],
      ['c2', 'support', 60, 'connected', 40, 60],
      ['c3', 'support', 120, 'abandoned', 30],
      ['c4', 'support', 180, 'callback', 90],
      ['c5', 'support', 1900, 'connected', 5, 30],
      ['c6', 'sales', 300, 'abandoned', 12],
      ['c7', 'support', 4000, 'connected', 1, 10], // after the range asked for below
    ];
    for (const [id, queue, s, outcome, wait, talk] of scenario) {
      await h.records.callStarted({ id, direction: 'inbound', callerNumber: '+12025550100', did: '5551234', startedAt: at(s) });
      await h.records.queueEntered({ requestId: `hr_${id}`, callId: id, queueId: queue, enteredAt: at(s) });
      await h.records.queueLeft(`hr_${id}`, { outcome, leftAt: at(s + wait), waitSeconds: wait, position: 1, agentId: outcome === 'connected' ? 'alice' : undefined });
      if (talk) await h.records.callUpdated(id, { answeredAt: at(s + wait), endedAt: at(s + wait + talk), agentId: 'alice' });
    }
  });
  after(async () => {
    await h?.close();
  });

  const stats = (queue: string, query: Record<string, string>) => request(h.app).get(`/api/v1/queues/${queue}/stats`).query(query).set(supervisor);

  it('answers service level, ASA, handle time and abandonment per interval and for the whole range', async () => {
    const res = await stats('support', { from: at(0).toISOString(), to: at(3600).toISOString(), interval: '30', serviceLevelSeconds: '20' }).expect(200);
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.equal(res.body.queue, 'support');
    assert.equal(res.body.intervalMinutes, 30);
    assert.deepEqual(
      res.body.intervals.map((i: Record<string, unknown>) => [i.intervalStart, i.offered, i.answered, i.answeredInServiceLevel, i.abandoned, i.deflected, i.serviceLevel, i.asaSeconds, i.handleSeconds, i.abandonRate, i.averageAbandonWaitSeconds]),
      [
        ['2030-03-04T10:00:00.000Z', 4, 2, 1, 1, 1, 0.333, 25, 90, 0.25, 30],
        ['2030-03-04T10:30:00.000Z', 1, 1, 1, 0, 0, 1, 5, 30, 0, null],
      ],
    );
    assert.deepEqual(res.body.total, {
      offered: 5,
      answered: 3,
      answeredInServiceLevel: 2,
      abandoned: 1,
      deflected: 1,
      serviceLevel: 0.5,
      asaSeconds: 18.3,
      handleSeconds: 70,
      abandonRate: 0.2,
      averageAbandonWaitSeconds: 30,
    });
  });

  it('counts only the queue asked for, uses the service-level threshold asked for, and answers zeros for a quiet range', async () => {
    const sales = await stats('sales', { from: at(0).toISOString(), to: at(3600).toISOString() }).expect(200);
    assert.deepEqual([sales.body.total.offered, sales.body.total.abandoned, sales.body.total.averageAbandonWaitSeconds], [1, 1, 12]);
    assert.equal(sales.body.intervalMinutes, 60);
    const strict = await stats('support', { from: at(0).toISOString(), to: at(3600).toISOString(), serviceLevelSeconds: '5' }).expect(200);
    assert.equal(strict.body.total.answeredInServiceLevel, 1);
    assert.equal(strict.body.serviceLevelSeconds, 5);
    const quiet = await stats('support', { from: '2030-03-05T00:00:00Z', to: '2030-03-05T06:00:00Z' }).expect(200);
    assert.deepEqual(quiet.body.intervals, []);
    assert.deepEqual([quiet.body.total.offered, quiet.body.total.serviceLevel, quiet.body.total.asaSeconds], [0, null, null]);
    assert.deepEqual(quiet.body.callbacks, { requested: 0, completed: 0, failed: 0, cancelled: 0, open: 0, attempts: 0, firstAttemptSeconds: null, connectSeconds: null, reachRate: null });
  });

  it('sums up the callback requests of the queue beside the calls', async () => {
    // A web callback at 10:05 reached on its second call (answered at 10:12), one still waiting, one for sales.
    const add = (id: string, queue: string, status: string, s: number) =>
      h.db.knex('help_requests').insert({ id, channel: 'pstn', queue_id: queue, phone: `+1212234${id.slice(-4)}`, priority: 5, arrival_at: at(s), due_at: at(s), status, context: '{}' });
    await add('hr_cb_0001', 'support', 'completed', 300);
    await add('hr_cb_0002', 'support', 'queued', 600);
    await add('hr_cb_0003', 'sales', 'failed', 900);
    await h.db.knex('contact_attempts').insert([
      { request_id: 'hr_cb_0001', attempt_no: 1, mode: 'agent-first', started_at: at(360), ended_at: at(400), outcome: 'busy' },
      { request_id: 'hr_cb_0001', attempt_no: 2, mode: 'agent-first', started_at: at(660), answered_at: at(720), ended_at: at(900), outcome: 'connected' },
    ]);
    const res = await stats('support', { from: at(0).toISOString(), to: at(3600).toISOString() }).expect(200);
    assert.deepEqual(res.body.callbacks, { requested: 2, completed: 1, failed: 0, cancelled: 0, open: 1, attempts: 2, firstAttemptSeconds: 60, connectSeconds: 420, reachRate: 1 });
  });

  it('refuses without the supervisor key, an unknown queue, and bad ranges with the field named', async () => {
    await request(h.app).get('/api/v1/queues/support/stats').expect(401);
    await request(h.app).get('/api/v1/queues/support/stats').set('Authorization', 'Bearer alice-token-6c1f0d9e3b7a').expect(401);
    const unknown = await stats('nope', {}).expect(404);
    assert.equal(unknown.body.error.code, 'not_found');
    const cases: Array<[Record<string, string>, string]> = [
      [{ from: 'yesterday' }, 'from'],
      [{ to: '2030-03-04T10:00:00' }, 'to'],
      [{ from: at(3600).toISOString(), to: at(0).toISOString() }, 'from'],
      [{ from: '2030-01-01T00:00:00Z', to: '2030-03-01T00:00:00Z' }, 'from'],
      [{ interval: '7' }, 'interval'],
      [{ serviceLevelSeconds: '0' }, 'serviceLevelSeconds'],
      [{ serviceLevelSeconds: 'ten' }, 'serviceLevelSeconds'],
      [{ queue: 'sales' }, 'queue'],
    ];
    for (const [query, field] of cases) {
      const res = await stats('support', query);
      assert.equal(res.status, 400, JSON.stringify(query));
      assert.equal(res.body.error.field, field, JSON.stringify(query));
    }
  });

  it('lists every agent with its state, optionally for one queue, to supervisors only', async () => {
    await h.acd.agentService.login('bob');
    await h.acd.agentService.pause('bob', 'training');
    await request(h.app).get('/api/v1/agents').expect(401);
    const all = await request(h.app).get('/api/v1/agents').set(supervisor).expect(200);
    assert.deepEqual(
      all.body.agents.map((a: Record<string, unknown>) => [a.id, a.state, a.reason]),
      [
        ['alice', 'logged-out', null],
        ['bob', 'paused', 'training'],
        ['carol', 'logged-out', null],
      ],
    );
    const sales = await request(h.app).get('/api/v1/agents').query({ queue: 'sales' }).set(supervisor).expect(200);
    assert.deepEqual(sales.body.agents.map((a: { id: string }) => a.id), ['alice', 'carol']);
    const bad = await request(h.app).get('/api/v1/agents').query({ queue: 'Bad Queue' }).set(supervisor).expect(400);
    assert.equal(bad.body.error.field, 'queue');
  });
});
