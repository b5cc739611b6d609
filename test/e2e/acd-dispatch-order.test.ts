import { strict as assert } from 'node:assert';
import { startController } from '../../src/compose';
import { loadConfig } from '../../src/config/config';
import { CenterConfigError } from '../../src/domain/center-config';
import { acdStackPerTest, type AcdStack } from '../support/e2e-acd-stack';
import { agentStates, callerSaw, requestOf, servedOrder } from '../support/e2e-acd-probes';
import { TEST_REDIS_URL } from '../support/redis';

const AGENT_PHONES = ['PJSIP/agent-1001', 'PJSIP/agent-1002'];
/**
 * An agent who answers after 1 s and ends the call after `talkMs` (center time). For callbacks the
 * customer hangs up first (after 5 s): an agent leaving before the customer answers is an
 * unconfirmed attempt, rescheduled, which these tests are not about.
 */
const talks = (talkMs: number) => ({ result: 'answer' as const, answerAfterMs: 1000, hangupAfterMs: talkMs });
const customer = (phone: string) => ({ match: phone, result: 'answer' as const, answerAfterMs: 1000, hangupAfterMs: 5000 });

/**
 * The dispatcher's order through the whole controller: callers on hold and callbacks in one
 * combined list, served by priority band, then original arrival time; no agent offered two
 * contacts and no contact offered twice.
 */
describe('ACD end to end: who is served first', function () {
  this.timeout(60_000);
  const { start, databaseUrl } = acdStackPerTest('acdorder');
  const inQueue = (s: AcdStack, phone: string, channel = 'inbound') => s.until(`${phone} in the queue`, () => requestOf(s.knex, { phone, channel }));
  async function allDone(s: AcdStack, ids: string[]): Promise<void> {
    try {
      await s.until('every contact served', async () => (await s.knex('help_requests').whereIn('id', ids).where({ status: 'completed' })).length === ids.length);
    } catch (err) {
      const rows = await s.knex('help_requests').whereIn('id', ids).select('id', 'channel', 'status', 'outcome');
      const offers = await s.knex('agent_offers').whereIn('request_id', ids).select('request_id', 'agent_id', 'outcome');
      const agents = await s.knex('agents').select('id', 'state');
      throw new Error(`${(err as Error).message}\nrequests ${JSON.stringify(rows)}\noffers ${JSON.stringify(offers)}\nagents ${JSON.stringify(agents)}\nlist ${JSON.stringify(await s.controller.list.list('support'))}`);
    }
  }

  async function webCallback(s: AcdStack, phone: string): Promise<string> {
    const res = await fetch(`${s.controller.url}/api/v1/help-requests`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ channel: 'pstn', phone, queue: 'support', name: 'Web Visitor', pageUrl: 'https://shop.example.com/help' }) });
    assert.equal(res.status, 201, await res.clone().text());
    return ((await res.json()) as { id: string }).id;
  }

  it('all agents busy: callers wait and are served in arrival order', async function () {
    const s = await start({ agents: { alice: talks(15_000) } });
    const sim = s.sim(this);
    await s.login('alice');
    s.call(this, '+12025550161', { dtmf: [{ atMs: 500, digits: '1' }] });
    const first = await inQueue(s, '+12025550161');
    await s.until('the first caller talking to alice', () => s.controller.acd.roster.get('alice').status.state === 'on-call');
    const later = [];
    for (const phone of ['+12025550162', '+12025550163']) {
      s.call(this, phone, { dtmf: [{ atMs: 500, digits: '1' }] });
      later.push(await inQueue(s, phone));
    }
    assert.equal(s.controller.acd.roster.get('alice').status.state, 'on-call', 'both arrived while the only agent was busy');
    const ids = [first.id, ...later.map((r) => r.id)];
    await allDone(s, ids);

    assert.deepEqual(servedOrder(sim, AGENT_PHONES), ids);
    const entries = await s.knex('queue_entries').whereIn('request_id', ids);
    const wait = (id: string) => entries.find((e) => e.request_id === id)!.wait_seconds as number;
    assert.ok(entries.every((e) => e.outcome === 'connected' && e.agent_id === 'alice'));
    assert.ok(wait(later[0]!.id) >= 10, `the second caller waited for the first call and the wrap-up: ${wait(later[0]!.id)} s`);
    assert.ok(wait(later[1]!.id) > wait(later[0]!.id), 'the third caller waited longer still');
  });

  it('"call me back instead" keeps the caller\'s place ahead of later arrivals', async function () {
    const s = await start({ agents: { alice: talks(30_000) } });
    const sim = s.sim(this);
    sim.script(customer('+12025550171'));
    const early = s.call(this, '+12025550171', { dtmf: [{ atMs: 500, digits: '1' }] });
    const holding = await inQueue(s, '+12025550171');
    s.call(this, '+12025550172', { dtmf: [{ atMs: 500, digits: '1' }] });
    const later = await inQueue(s, '+12025550172');

    // The early caller presses the callback key, then 1 to confirm the caller-ID number.
    const heard = callerSaw(sim, early);
    sim.sendDtmf(early, '1');
    await s.until('the number read back', () => heard.media.includes('sound:to-be-called-back-at'));
    sim.sendDtmf(early, '1');
    const callback = await inQueue(s, '+12025550171', 'ivr');
    heard.stop();
    assert.equal(new Date(callback.arrival_at).getTime(), new Date(holding.arrival_at).getTime(), 'the original arrival time is kept');
    assert.equal(callback.context.convertedFrom, holding.id);
    assert.deepEqual(callback.context.ivrChoices, ['main:1']);
    await s.until('the early caller hung up after the confirmation', () => !sim.listChannels().some((c) => c.id === early));
    const converted = await requestOf(s.knex, { id: holding.id });
    assert.deepEqual([converted.status, converted.outcome], ['cancelled', 'converted-to-callback']);
    const [exit] = await s.knex('queue_entries').where({ request_id: holding.id });
    assert.equal(exit.outcome, 'callback');
    assert.deepEqual((await s.controller.list.list('support')).map((e) => [e.requestId, e.kind]), [[callback.id, 'callback'], [later.id, 'caller']]);

    await s.login('alice');
    await allDone(s, [callback.id, later.id]);
    assert.deepEqual(servedOrder(sim, AGENT_PHONES), [callback.id, later.id]);
    const legs = sim.listOriginations().filter((o) => o.variables.CC_REQUEST_ID === callback.id);
    assert.deepEqual(legs.map((o) => o.endpoint), ['PJSIP/agent-1001', 'PJSIP/+12025550171@trunk'], 'agent first, then the number the caller confirmed');
    const [attempt] = await s.knex('contact_attempts').where({ request_id: callback.id });
    assert.equal(attempt.outcome, 'connected');
  });

  it('a web callback and callers on hold compete for one agent: priority band first, then arrival', async function () {
    const s = await start({ agents: { alice: talks(20_000) } });
    const sim = s.sim(this);
    sim.script(customer('+12025550181'));
    const web = await webCallback(s, '+12025550181');
    s.call(this, '+12025550182', { dtmf: [{ atMs: 500, digits: '1' }] });
    const queued = await inQueue(s, '+12025550182');
    s.call(this, '+12025550183', { dtmf: [{ atMs: 500, digits: '0' }] });
    const operator = await inQueue(s, '+12025550183');
    assert.deepEqual([queued.priority, operator.priority], [5, 2]);
    assert.equal((await requestOf(s.knex, { id: web })).priority, 5);

    await s.login('alice');
    await allDone(s, [web, queued.id, operator.id]);
    // Band 2 first; then, in band 5, the web request that came before the caller.
    assert.deepEqual(servedOrder(sim, AGENT_PHONES), [operator.id, web, queued.id]);
  });

  it('two agents available in the same instant: each gets one contact at a time, no contact is offered twice', async function () {
    const s = await start({ agents: { alice: talks(20_000), bob: talks(20_000) } });
    const sim = s.sim(this);
    const ids: string[] = [];
    for (const phone of ['+12025550191', '+12025550192', '+12025550193']) {
      s.call(this, phone, { dtmf: [{ atMs: 500, digits: '1' }] });
      ids.push((await inQueue(s, phone)).id);
    }
    sim.script(customer('+12025550194'));
    ids.push(await webCallback(s, '+12025550194'));

    await Promise.all([s.login('alice'), s.login('bob')]);
    await allDone(s, ids);

    const offers = await s.knex('agent_offers').whereIn('request_id', ids).orderBy('started_at');
    assert.deepEqual(offers.map((o) => o.request_id).sort(), [...ids].sort(), 'one offer per contact');
    assert.ok(offers.every((o) => o.outcome === 'answered'));
    for (const agent of ['alice', 'bob']) {
      const own = offers.filter((o) => o.agent_id === agent);
      assert.ok(own.length >= 1, `${agent} served someone`);
      // Every offer starts from a reservation, and a reservation only from available: never while busy.
      const states = await agentStates(s.knex, agent);
      states.forEach((state, i) => {
        if (state === 'reserved') assert.equal(states[i - 1], 'available', `${agent} reserved only from available: ${states.join(' ')}`);
      });
      assert.equal(states.filter((x) => x === 'reserved').length, own.length, `${agent}: one reservation per offer`);
    }
    assert.equal(servedOrder(sim, AGENT_PHONES).length, 4, 'four agent legs in all');
  });

  it('a center file with a bad IVR menu is refused at load, naming each problem', async () => {
    const config = loadConfig({ DATABASE_URL: databaseUrl(), REDIS_URL: TEST_REDIS_URL, LOG_LEVEL: 'silent', CONTACT_CENTER_CONFIG: `${__dirname}/../fixtures/acd-e2e-bad-center.yaml` });
    await assert.rejects(startController(config, { listen: false }), (err: unknown) => {
      assert.ok(err instanceof CenterConfigError);
      assert.match(err.message, /menus\.main\.options\.1\.queue: unknown queue 'billing'/);
      assert.match(err.message, /menus\.main\.onExhausted\.menu: a menu cannot fall back to itself/);
      return true;
    });
  });
});
