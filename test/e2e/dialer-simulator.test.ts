import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { startSimulator, type Simulator } from '../../src/simulator';
import type { HelpRequest } from '../../src/domain/help-request';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { TEST_REDIS_URL, uniquePrefix } from '../support/redis';
import { reservedRequest, startDialerStack, type DialerStack } from './dialer-stack';

const AGENT = { id: 'agent-1', name: 'Grace', endpoint: 'PJSIP/agent-1001' };
const newId = () => `hr_${randomBytes(16).toString('base64url')}`;
let phoneSeq = 0;
const nextPhone = () => `+4420794601${String(++phoneSeq).padStart(2, '0')}`;

describe('callback dialer end to end on the ARI simulator (real HTTP/WebSocket, MariaDB, Redis)', function () {
  this.timeout(30_000);
  let db: TestDatabase;
  let sim: Simulator;
  const stacks: DialerStack[] = [];

  before(async () => {
    db = await createTestDatabase('dialere2e');
    sim = await startSimulator({ port: 0, timeScale: 0.05, user: 'asterisk', password: `pw-${randomBytes(6).toString('hex')}`, defaultApp: 'cc-dialer-e2e', logger: { info() {}, warn() {}, debug() {}, error() {} } });
  });
  after(async () => {
    for (const s of stacks) await s.close();
    await sim?.close();
    await db?.drop();
  });

  async function stack(mode: 'agent-first' | 'customer-first' | 'ivr', callback = {}, leaseMs = 30_000): Promise<DialerStack> {
    const s = await startDialerStack({
      databaseUrl: db.url,
      redisUrl: TEST_REDIS_URL,
      prefix: uniquePrefix('dialer'),
      ari: { url: sim.url, user: sim.user, password: sim.password, app: `cc-dialer-${mode}-${randomBytes(3).toString('hex')}` },
      mode,
      callback: { menu: { inputTimeoutSeconds: 1 }, ringTimeoutSeconds: 20, ...callback },
      owner: `e2e-${mode}`,
      leaseMs,
    });
    stacks.push(s);
    return s;
  }

  const originationsTo = (phone: string) => sim.control.listOriginations().filter((o) => o.endpoint.includes(phone));
  const reload = async (s: DialerStack, r: HelpRequest) => (await s.requests.findById(r.id))!;

  it('agent first: rings the agent, then the customer through the trunk, bridges them, and completes the request', async () => {
    const s = await stack('agent-first', { callerId: 'Acme <+442071234567>' });
    const phone = nextPhone();
    sim.control.script({ match: phone, result: 'answer', ringMs: 200, answerAfterMs: 1000, hangupAfterMs: 4000 });
    const req = await reservedRequest(s, newId(), { phone });
    const bridged = new Promise<string[]>((resolve) => {
      const timer = setInterval(() => {
        const b = sim.control.listBridges().find((x) => x.id === `call-${req.id}`);
        if (b && b.channelIds.length === 2) {
          clearInterval(timer);
          resolve(b.channelIds);
        }
      }, 10);
    });
    const settled = await s.serve(req, AGENT);
    assert.deepEqual(settled, { kind: 'done' });
    assert.equal((await bridged).length, 2, 'agent and customer were in one bridge');
    const order = sim.control.listOriginations().filter((o) => o.channelId.startsWith(`cb-${req.id}`));
    assert.deepEqual(order.map((o) => o.endpoint), ['PJSIP/agent-1001', `PJSIP/${phone}@trunk`]);
    assert.equal(order[1]!.callerId, 'Acme <+442071234567>');
    const after = await reload(s, req);
    assert.equal(after.status, 'completed');
    const [attempt] = await s.attempts.listForRequest(req.id);
    assert.equal(attempt!.outcome, 'connected');
    assert.equal(attempt!.channelId, `cb-${req.id}-1-c`);
    assert.equal(attempt!.dialString, `PJSIP/${phone}@trunk`);
  });

  it('customer first: the agent is rung only after the customer presses 1', async () => {
    const s = await stack('customer-first');
    const phone = nextPhone();
    sim.control.script({ match: phone, result: 'answer', answerAfterMs: 500, dtmf: [{ atMs: 2000, digits: '1' }], hangupAfterMs: 8000 });
    const req = await reservedRequest(s, newId(), { phone });
    assert.deepEqual(await s.serve(req, AGENT), { kind: 'done' });
    const order = sim.control.listOriginations().filter((o) => o.channelId.startsWith(`cb-${req.id}`));
    assert.deepEqual(order.map((o) => o.endpoint), [`PJSIP/${phone}@trunk`, 'PJSIP/agent-1001']);
    assert.equal((await reload(s, req)).status, 'completed');
  });

  it('customer first: an answering machine (no key) is not a completed callback and is retried', async () => {
    const s = await stack('customer-first');
    const phone = nextPhone();
    sim.control.script({ match: phone, result: 'answer', answerAfterMs: 500, hangupAfterMs: 60_000 });
    const req = await reservedRequest(s, newId(), { phone });
    const settled = await s.serve(req, AGENT);
    assert.equal(settled.kind, 'requeue');
    assert.equal(originationsTo('agent-1001').filter((o) => o.channelId.startsWith(`cb-${req.id}`)).length, 0);
    const after = await reload(s, req);
    assert.equal(after.status, 'scheduled');
    assert.equal(after.outcome, 'unconfirmed');
    assert.ok(after.dueAt.getTime() > Date.now() + 14 * 60_000, 'retried after the unconfirmed delay');
  });

  const outcomes: Array<['busy' | 'noanswer' | 'congestion' | 'fail' | 'unreachable', string, string]> = [
    ['busy', 'busy', 'scheduled'],
    ['noanswer', 'no_answer', 'scheduled'],
    ['congestion', 'failed', 'scheduled'],
    ['unreachable', 'no_answer', 'scheduled'],
    ['fail', 'invalid_number', 'failed'],
  ];
  for (const [result, outcome, status] of outcomes) {
    it(`classifies a far end that is ${result} as ${outcome}`, async () => {
      const s = await stack('customer-first');
      const phone = nextPhone();
      sim.control.script({ match: phone, result, ringMs: 100, answerAfterMs: 500 });
      const req = await reservedRequest(s, newId(), { phone });
      await s.serve(req, AGENT);
      const [attempt] = await s.attempts.listForRequest(req.id);
      assert.equal(attempt!.outcome, outcome);
      assert.equal((await reload(s, req)).status, status);
      assert.equal(originationsTo(phone).length, 1);
    });
  }

  it('dials a VoIP address as a SIP URI', async () => {
    const s = await stack('customer-first');
    sim.control.script({ match: 'PJSIP/sip:bob@example.com', result: 'busy', answerAfterMs: 200 });
    const req = await reservedRequest(s, newId(), { channel: 'voip', phone: null, sipUri: 'sip:bob@example.com' });
    await s.serve(req, AGENT);
    assert.deepEqual(sim.control.listOriginations().filter((o) => o.channelId.startsWith(`cb-${req.id}`)).map((o) => o.endpoint), ['PJSIP/sip:bob@example.com']);
    assert.equal((await s.attempts.listForRequest(req.id))[0]!.outcome, 'busy');
  });

  it('IVR callback: plays the answer to the customer and completes on the confirming key, with no agent', async () => {
    const s = await stack('ivr', { ivr: { prompts: ['sound:hello-world'] } });
    const phone = nextPhone();
    sim.control.script({ match: phone, result: 'answer', answerAfterMs: 300, dtmf: [{ atMs: 3000, digits: '1' }] });
    const req = await reservedRequest(s, newId(), { phone });
    assert.deepEqual(await s.serve(req, null), { kind: 'done' });
    assert.equal((await reload(s, req)).status, 'completed');
    assert.equal(sim.control.listOriginations().filter((o) => o.channelId.startsWith(`cb-${req.id}`)).length, 1);
  });

  it('never originates while the event WebSocket is down', async () => {
    const s = await stack('agent-first');
    const phone = nextPhone();
    const req = await reservedRequest(s, newId(), { phone });
    await s.ari.stop();
    const settled = await s.serve(req, AGENT);
    assert.equal(settled.kind, 'requeue');
    assert.equal(sim.control.listOriginations().filter((o) => o.channelId.startsWith(`cb-${req.id}`)).length, 0);
    assert.equal((await reload(s, req)).status, 'scheduled');
  });

  it('hangs up a ringing customer when the request is cancelled meanwhile (from the web page or a supervisor)', async () => {
    const s = await stack('customer-first', {}, 1500);
    const phone = nextPhone();
    sim.control.script({ match: phone, result: 'answer', ringMs: 100, answerAfterMs: 600_000 });
    const req = await reservedRequest(s, newId(), { phone });
    const served = s.serve(req, AGENT);
    const channelId = `cb-${req.id}-1-c`;
    while (!sim.control.listChannels().some((c) => c.id === channelId)) await new Promise((r) => setTimeout(r, 20));
    assert.ok(await s.requests.transition(req.id, ['dialling'], { status: 'cancelled' }), 'cancelled while ringing');
    assert.deepEqual(await served, { kind: 'done' });
    assert.equal(sim.control.listChannels().some((c) => c.id === channelId), false, 'the ringing leg was hung up');
    assert.equal((await s.attempts.listForRequest(req.id))[0]!.outcome, 'cancelled');
    assert.equal((await reload(s, req)).status, 'cancelled');
  });

  it('a supervisor raising a callback before it is dialled makes it the next one dialled', async () => {
    const s = await stack('customer-first');
    const [first, second] = [nextPhone(), nextPhone()];
    for (const p of [first, second]) sim.control.script({ match: p, result: 'busy', answerAfterMs: 200 });
    const now = Date.now();
    const make = async (phone: string, at: number) => {
      const id = newId();
      await s.requests.create(
        { id, channel: 'pstn', queue: 'support', phone, sipUri: null, name: null, email: null, pageUrl: null, message: null, priority: 5, arrivalAt: new Date(at), preferredAt: null, dueAt: new Date(at), status: 'queued', context: {} },
        { actor: 'test', action: 'create', entityType: 'help_request', entityId: id },
      );
      await s.list.add({ requestId: id, queue: 'support', kind: 'callback', priority: 5, arrivalAt: new Date(at), dueAt: new Date(at) });
      return id;
    };
    await make(first, now - 60_000);
    const later = await make(second, now - 1_000);
    await s.list.update(later, 'support', { priority: 1 });
    await s.requests.transition(later, ['queued'], { priority: 1 });
    // The dispatcher's step: take the best entry, reserve, hand it to the dialer.
    const entry = await s.list.take(['support'], 'dispatcher-1');
    assert.equal(entry?.requestId, later);
    const reserved = await s.requests.transition(entry!.requestId, ['queued'], { status: 'reserved' });
    await s.serve(reserved!, AGENT);
    const dialled = sim.control.listOriginations().filter((o) => o.endpoint.includes(first) || o.endpoint.includes(second));
    assert.deepEqual(dialled.map((o) => o.endpoint), [`PJSIP/${second}@trunk`]);
  });
});
