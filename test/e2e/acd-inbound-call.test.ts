import { strict as assert } from 'node:assert';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { emptyTables, startAcdStack, type AcdStack, type AcdStackOptions } from '../support/e2e-acd-stack';
import { agentStates, callerSaw, legsToAgent, requestOf } from '../support/e2e-acd-probes';

/**
 * Callers through the whole controller: the simulator's inbound call over real HTTP/WebSocket
 * with the real ari-client, the IVR, the hold in the combined list (Redis), the dispatcher
 * ringing agents, and every record in MariaDB.
 */
describe('ACD end to end: a caller through IVR, hold and an agent', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let stack: AcdStack | null = null;

  before(async () => {
    db = await createTestDatabase('acde2ecall');
  });
  afterEach(async () => {
    await stack?.stop();
    stack = null;
    await emptyTables(db.knex);
  });
  after(async () => {
    await db?.drop();
  });

  const start = async (o: Omit<AcdStackOptions, 'databaseUrl' | 'label'> = {}) => (stack = await startAcdStack({ label: 'acdcall', databaseUrl: db.url, ...o }));

  it('caller -> IVR -> queue -> announcement -> agent rings -> bridged -> agent hangs up -> wrap-up -> available', async function () {
    const s = await start({ agents: { alice: { result: 'answer', answerAfterMs: 2000, hangupAfterMs: 20_000 } } });
    const sim = s.sim(this);
    const caller = s.call(this, '+12025550143', { dtmf: [{ atMs: 500, digits: '1' }] });

    const request = await s.until('the caller in the support queue', () => requestOf(s.knex, { phone: '+12025550143', channel: 'inbound' }));
    assert.equal(request.queue_id, 'support');
    assert.equal(request.status, 'queued');
    assert.deepEqual(request.context.ivrChoices, ['main:1']);
    assert.equal((await s.controller.list.get(request.id, 'support'))?.kind, 'caller');
    const heard = callerSaw(sim, caller);
    await s.until('music on hold', () => sim.listChannels().find((c) => c.id === caller)?.mohClass === 'default');
    // Nobody is logged in: after announceEverySeconds the caller hears position 1 and the wait.
    await s.until('the announcement of position and wait', () => heard.media.includes('sound:press-1-to-be-called-back'));
    const announced = heard.media.filter((m) => m.startsWith('sound:queue-'));
    assert.deepEqual(announced.slice(0, 3), ['sound:queue-youarenext', 'sound:queue-holdtime', 'sound:queue-minutes'], heard.media.join(' '));
    assert.equal(legsToAgent(sim, 'PJSIP/agent-1001').length, 0, 'no agent rung while nobody is logged in');

    await s.login('alice');
    const [leg] = await s.until('the agent leg', () => legsToAgent(sim, 'PJSIP/agent-1001').length === 1 && legsToAgent(sim, 'PJSIP/agent-1001'));
    assert.deepEqual(leg!.appArgs, ['acd-agent', request.id]);
    assert.equal(leg!.callerId, '+12025550143');
    const bridge = await s.until('caller and agent bridged', () => sim.listBridges().find((b) => b.id === `call-${request.id}` && b.channelIds.length === 2));
    assert.deepEqual([...bridge.channelIds].sort(), [caller, leg!.channelId].sort());
    assert.equal(sim.listChannels().find((c) => c.id === caller)?.mohClass, null, 'music stopped once bridged');
    assert.equal(s.controller.acd.roster.get('alice').status.state, 'on-call');

    // The agent's phone hangs up after 20 s: the caller is hung up too, the bridge goes, wrap-up starts.
    await s.until('the caller hung up after the agent', () => !sim.listChannels().some((c) => c.id === caller));
    await s.until('the bridge removed', () => !sim.listBridges().some((b) => b.id === `call-${request.id}`));
    await s.until('wrap-up, then available', () => s.controller.acd.roster.get('alice').status.state === 'available');
    heard.stop();

    const done = (await requestOf(s.knex, { id: request.id }))!;
    assert.equal(done.status, 'completed');
    assert.equal(done.outcome, 'served');
    const [call] = await s.knex('calls').where({ id: caller });
    assert.equal(call.direction, 'inbound');
    assert.equal(call.did, '5551234');
    assert.equal(call.agent_id, 'alice');
    assert.equal(call.end_reason, 'agent-hangup');
    assert.ok(call.answered_at && call.ended_at && call.ended_at >= call.answered_at);
    const [entry] = await s.knex('queue_entries').where({ request_id: request.id });
    assert.equal(entry.outcome, 'connected');
    assert.equal(entry.agent_id, 'alice');
    assert.ok(entry.wait_seconds >= 15, `waited through an announcement: ${entry.wait_seconds} s`);
    const offers = await s.knex('agent_offers').where({ request_id: request.id });
    assert.deepEqual(offers.map((o) => [o.agent_id, o.channel_id, o.outcome]), [['alice', leg!.channelId, 'answered']]);
    assert.deepEqual(await agentStates(s.knex, 'alice'), ['available', 'reserved', 'ringing', 'on-call', 'wrap-up', 'available']);
    assert.equal((await s.controller.list.get(request.id, 'support')), null, 'the entry left the list');
  });
});
