import { strict as assert } from 'node:assert';
import { KnexAgentRepository } from '../../src/adapters/db/agent-repository';
import { KnexCallRecordRepository } from '../../src/adapters/db/call-record-repository';
import { KnexCustomerRepository } from '../../src/adapters/db/customer-repository';
import { applyAgentEvent, initialAgentStatus } from '../../src/domain/agent-state';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { testCenter } from '../support/acd-center';

describe('ACD records in MariaDB', function () {
  this.timeout(30_000);
  let db: TestDatabase;
  before(async () => {
    db = await createTestDatabase('acd');
  });
  after(async () => {
    await db?.drop();
  });

  it('syncs agents and skills, and stores state changes only from the expected state', async () => {
    const repo = new KnexAgentRepository(db.knex);
    const center = testCenter();
    await repo.sync(center.queues, center.agents);
    await repo.sync(center.queues, center.agents); // idempotent
    assert.deepEqual((await db.knex('agent_queues').where({ agent_id: 'alice' }).orderBy('queue_id')).map((r) => [r.queue_id, r.skill]), [['sales', 2], ['support', 1]]);
    const t = new Date('2030-01-01T09:00:00.000Z');
    const loggedIn = applyAgentEvent(initialAgentStatus(t), { type: 'login' }, t);
    assert.equal(await repo.saveState('alice', 'logged-out', loggedIn), true);
    const reserved = applyAgentEvent(loggedIn, { type: 'reserve' }, new Date(t.getTime() + 1000));
    assert.equal(await repo.saveState('alice', 'available', reserved), true);
    assert.equal(await repo.saveState('alice', 'available', reserved), false, 'a second reservation from "available" is refused');
    const states = await repo.loadStates();
    assert.equal(states.get('alice')!.state, 'reserved');
    assert.deepEqual(states.get('alice')!.since, new Date(t.getTime() + 1000));
    assert.deepEqual((await db.knex('agent_state_log').where({ agent_id: 'alice' }).orderBy('id')).map((r) => r.state), ['available', 'reserved']);
  });

  it('computes service level, ASA, handle time and abandonment per queue and interval', async () => {
    const rec = new KnexCallRecordRepository(db.knex);
    const base = new Date('2030-01-01T10:00:00.000Z').getTime();
    const at = (s: number) => new Date(base + s * 1000);
    const scenario: Array<[string, number, 'connected' | 'abandoned' | 'callback', number, number?]> = [
      ['c1', 0, 'connected', 10, 120],
      ['c2', 60, 'connected', 40, 60],
      ['c3', 120, 'abandoned', 30],
      ['c4', 180, 'callback', 90],
      ['c5', 1900, 'connected', 5, 30], // next 30-minute interval
    ];
    for (const [id, s, outcome, wait, talk] of scenario) {
      await rec.callStarted({ id, direction: 'inbound', callerNumber: '+12025550100', did: '5551234', startedAt: at(s) });
      await rec.queueEntered({ requestId: `hr_${id}`, callId: id, queueId: 'support', enteredAt: at(s) });
      await rec.queueLeft(`hr_${id}`, { outcome, leftAt: at(s + wait), waitSeconds: wait, position: 1, agentId: outcome === 'connected' ? 'alice' : undefined });
      if (talk) await rec.callUpdated(id, { answeredAt: at(s + wait), endedAt: at(s + wait + talk), agentId: 'alice' });
    }
    const stats = await rec.queueStats({ from: at(0), to: at(3600), intervalMinutes: 30, serviceLevelSeconds: 20 });
    assert.equal(stats.length, 2);
    const first = stats[0]!;
    assert.equal(first.offered, 4);
    assert.equal(first.answered, 2);
    assert.equal(first.answeredInServiceLevel, 1);
    assert.equal(first.abandoned, 1);
    assert.equal(first.deflected, 1);
    assert.equal(first.serviceLevel, 0.333);
    assert.equal(first.asaSeconds, 25);
    assert.equal(first.handleSeconds, 90);
    assert.equal(first.abandonRate, 0.25);
    assert.equal(stats[1]!.serviceLevel, 1);
  });

  it('sums up the callback requests of a range: outcomes, calls placed, time to the first call and to the customer', async () => {
    const rec = new KnexCallRecordRepository(db.knex);
    const t0 = new Date('2030-02-01T10:00:00.000Z').getTime();
    const at = (s: number) => new Date(t0 + s * 1000);
    let n = 0;
    const request = async (status: string, arrivedAt: number, o: { channel?: string; queue?: string; attempts?: Array<[number, string, number?]> } = {}) => {
      const id = `hr_cbstats_${++n}`;
      await db.knex('help_requests').insert({ id, channel: o.channel ?? 'pstn', queue_id: o.queue ?? 'support', phone: `+1212234${String(5000 + n)}`, priority: 5, arrival_at: at(arrivedAt), due_at: at(arrivedAt), status, context: '{}' });
      let no = 0;
      // [started after the request, outcome, answered after the request]
      for (const [started, outcome, answered] of o.attempts ?? []) {
        await db.knex('contact_attempts').insert({ request_id: id, attempt_no: ++no, mode: 'agent-first', started_at: at(arrivedAt + started), answered_at: answered === undefined ? null : at(arrivedAt + answered), ended_at: at(arrivedAt + started + 60), outcome });
      }
    };
    await request('completed', 0, { attempts: [[60, 'busy'], [360, 'connected', 380]] });
    await request('completed', 100, { channel: 'ivr', attempts: [[120, 'connected', 140]] });
    await request('failed', 200, { attempts: [[30, 'no_answer'], [630, 'no_answer'], [1230, 'no_answer']] });
    await request('cancelled', 300);
    await request('queued', 400);
    await request('completed', 500, { channel: 'voicemail' }); // not a callback
    await request('completed', 600, { queue: 'sales', attempts: [[10, 'connected', 20]] }); // another queue
    await request('completed', 7200, { attempts: [[10, 'connected', 20]] }); // after the range

    const stats = await rec.callbackStats({ from: at(0), to: at(3600), queue: 'support' });
    assert.deepEqual(stats, {
      requested: 5,
      completed: 2,
      failed: 1,
      cancelled: 1,
      open: 1,
      attempts: 6,
      firstAttemptSeconds: 70, // (60 + 120 + 30) / 3
      connectSeconds: 260, // (380 + 140) / 2
      reachRate: 0.667,
    });
    assert.equal((await rec.callbackStats({ from: at(0), to: at(3600) })).requested, 6, 'every queue when none is named');
    assert.deepEqual(await rec.callbackStats({ from: at(-7200), to: at(-3600) }), { requested: 0, completed: 0, failed: 0, cancelled: 0, open: 0, attempts: 0, firstAttemptSeconds: null, connectSeconds: null, reachRate: null });
  });

  it('records offers and dispositions and finds customers and their history', async () => {
    const rec = new KnexCallRecordRepository(db.knex);
    const customers = new KnexCustomerRepository(db.knex);
    await rec.offerStarted({ requestId: 'hr_x', agentId: 'bob', channelId: 'agent-leg-1', attemptNo: 1, startedAt: new Date() });
    await rec.offerEnded('agent-leg-1', { outcome: 'answered', endedAt: new Date(), answeredAt: new Date() });
    assert.equal(await rec.wasOfferedTo('hr_x', 'bob'), true);
    assert.equal(await rec.wasOfferedTo('hr_x', 'alice'), false);
    await db.knex('customers').insert({ name: 'Vera', phone: '+12025550199', email: 'vera@example.com', account_ref: 'A-1' });
    assert.equal((await customers.find({ email: 'vera@example.com' }))?.accountRef, 'A-1');
    assert.equal(await customers.find({ phone: '+19999999999' }), null);
    const t = new Date('2030-01-01T08:00:00.000Z');
    for (const id of ['hr_old', 'hr_now']) {
      await db.knex('help_requests').insert({ id, channel: 'pstn', queue_id: 'support', phone: '+12025550199', priority: 5, arrival_at: t, due_at: t, status: 'completed' });
    }
    await rec.setDisposition({ requestId: 'hr_old', agentId: 'bob', disposition: 'resolved', notes: 'reset the password', at: new Date() });
    const history = await customers.history({ phone: '+12025550199', excludeRequestId: 'hr_now' }, 10);
    assert.deepEqual(history.map((h) => [h.requestId, h.disposition, h.notes]), [['hr_old', 'resolved', 'reset the password']]);
  });
});
