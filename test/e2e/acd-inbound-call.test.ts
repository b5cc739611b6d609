import { strict as assert } from 'node:assert';
import { acdStackPerTest } from '../support/e2e-acd-stack';
import { agentStates, callerSaw, legsToAgent, requestOf } from '../support/e2e-acd-probes';

/**
 * Callers through the whole controller: the simulator's inbound call over real HTTP/WebSocket
 * with the real ari-client, the IVR, the hold in the combined list (Redis), the dispatcher
 * ringing agents, and every record in MariaDB.
 */
describe('ACD end to end: a caller through IVR, hold and an agent', function () {
  this.timeout(60_000);
  const { start } = acdStackPerTest('acdcall');

  it('caller -> IVR -> queue -> announcement -> agent rings -> bridged -> agent hangs up -> wrap-up -> available', async function () {
    const s = await start({ agents: { alice: { result: 'answer', answerAfterMs: 2000, hangupAfterMs: 20_000 } } });
    const sim = s.sim(this);
    const caller = s.call(this, '+12025550143', { dtmf: [{ atMs: 500, digits: '1' }] });

    const request = await s.until('the caller in the support queue', () => requestOf(s.knex, { phone: '+12025550143', channel: 'inbound' }));
    assert.equal(request.queue_id, 'support');
    assert.equal(request.status, 'queued');
    assert.deepEqual(request.context.ivrChoices, ['main:1']);
    // The row is committed first, then the entry listed: wait for the entry rather than read it once.
    await s.until('the caller listed as a caller', async () => (await s.controller.list.get(request.id, 'support'))?.kind === 'caller');
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
    await s.until('alice on call', () => s.controller.acd.roster.get('alice').status.state === 'on-call');
    assert.equal(sim.listChannels().find((c) => c.id === caller)?.mohClass, null, 'music stopped once bridged');

    // The agent's phone hangs up after 20 s: the caller is hung up too, the bridge goes, wrap-up starts.
    await s.until('the caller hung up after the agent', () => !sim.listChannels().some((c) => c.id === caller));
    await s.until('the bridge removed', () => !sim.listBridges().some((b) => b.id === `call-${request.id}`));
    await s.until('wrap-up, then available', async () => (await agentStates(s.knex, 'alice')).length === 6);
    heard.stop();

    const done = await s.until('the request completed', async () => {
      const r = await requestOf(s.knex, { id: request.id });
      return r?.status === 'completed' && r;
    });
    assert.equal(done.outcome, 'served');
    const call = await s.until('the call record closed', async () => (await s.knex('calls').where({ id: caller }).whereNotNull('ended_at'))[0]);
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

  it('an agent who does not answer is marked as having missed the call, and the next agent gets it', async function () {
    const s = await start({ agents: { alice: { result: 'noanswer' }, bob: { result: 'answer', answerAfterMs: 1000, hangupAfterMs: 10_000 } } });
    const sim = s.sim(this);
    await s.login('alice'); // idle longest, so rung first
    await s.login('bob');
    const caller = s.call(this, '+12025550144', { dtmf: [{ atMs: 500, digits: '1' }] });
    const request = await s.until('the caller in the queue', () => requestOf(s.knex, { phone: '+12025550144', channel: 'inbound' }));

    const bridge = await s.until('the caller bridged to the second agent', () => sim.listBridges().find((b) => b.id === `call-${request.id}` && b.channelIds.length === 2));
    const [aliceLeg] = legsToAgent(sim, 'PJSIP/agent-1001');
    const [bobLeg] = legsToAgent(sim, 'PJSIP/agent-1002');
    assert.ok(aliceLeg && bobLeg, 'both agents were rung');
    assert.ok(aliceLeg.at <= bobLeg.at, 'alice first');
    assert.equal(legsToAgent(sim, 'PJSIP/agent-1001').length, 1, 'alice was not rung again');
    assert.deepEqual([...bridge.channelIds].sort(), [caller, bobLeg.channelId].sort());
    assert.ok(!sim.listChannels().some((c) => c.id === aliceLeg.channelId), "alice's ringing leg is gone");

    await s.until('the call over', () => !sim.listChannels().some((c) => c.id === caller));
    const offers = await s.knex('agent_offers').where({ request_id: request.id }).orderBy('id');
    assert.deepEqual(offers.map((o) => [o.agent_id, o.outcome, o.attempt_no]), [['alice', 'missed', 1], ['bob', 'answered', 2]]);
    const [alice] = await s.knex('agents').where({ id: 'alice' });
    assert.equal(alice.missed_in_row, 1);
    assert.equal(alice.state, 'available', 'one miss of two allowed: not paused');
    const [entry] = await s.knex('queue_entries').where({ request_id: request.id });
    assert.equal(entry.outcome, 'connected');
    assert.equal(entry.agent_id, 'bob');
    assert.ok(entry.wait_seconds >= 10, `waited through alice's ring timeout: ${entry.wait_seconds} s`);
  });

  it('a caller who hangs up while holding is recorded as abandoned with wait and position', async function () {
    const s = await start();
    const sim = s.sim(this);
    const caller = s.call(this, '+12025550145', { dtmf: [{ atMs: 500, digits: '1' }] });
    const request = await s.until('the caller in the queue', () => requestOf(s.knex, { phone: '+12025550145', channel: 'inbound' }));
    await s.until('music on hold', () => sim.listChannels().find((c) => c.id === caller)?.mohClass === 'default');
    await new Promise((r) => setTimeout(r, s.real(8000)));
    sim.hangup(caller);

    const gone = await s.until('the request cancelled', async () => {
      const r = await requestOf(s.knex, { id: request.id });
      return r?.status === 'cancelled' && r;
    });
    assert.equal(gone.outcome, 'abandoned');
    const entry = await s.until('the queue exit recorded', async () => (await s.knex('queue_entries').where({ request_id: request.id }).whereNotNull('outcome'))[0]);
    assert.equal(entry.outcome, 'abandoned');
    assert.equal(entry.position_at_exit, 1);
    assert.ok(entry.wait_seconds >= 8 && entry.wait_seconds < 60, `wait ${entry.wait_seconds} s`);
    const call = await s.until('the call record closed', async () => (await s.knex('calls').where({ id: caller }).whereNotNull('ended_at'))[0]);
    assert.equal(call.end_reason, 'abandoned');
    assert.equal(await s.controller.list.get(request.id, 'support'), null, 'the entry left the list');
    assert.equal(s.controller.acd.callers.size, 0);
  });

  it('"leave a message": the recording and the caller ID become a voicemail request in the combined list', async function () {
    const s = await start();
    const sim = s.sim(this);
    const caller = s.call(this, '+12025550146', { dtmf: [{ atMs: 500, digits: '4' }] });
    const live = await s.until('the recording', () => sim.listRecordings().live.find((r) => r.targetUri === `channel:${caller}` && r.state === 'recording'));
    await new Promise((r) => setTimeout(r, s.real(4000)));
    sim.sendDtmf(caller, '#');

    const request = await s.until('the voicemail request', () => requestOf(s.knex, { channel: 'voicemail', phone: '+12025550146' }));
    assert.equal(request.status, 'queued');
    assert.equal(request.queue_id, 'support');
    assert.equal(request.context.recording, live.name);
    assert.equal(request.context.callerId, '+12025550146');
    assert.deepEqual(request.context.ivrChoices, ['main:4']);
    assert.ok(request.context.durationSeconds >= 3, `recorded ${request.context.durationSeconds} s`);
    assert.ok(sim.listRecordings().stored.some((r) => r.name === live.name), 'the recording is stored, playable by the agent');
    const entry = await s.controller.list.get(request.id, 'support');
    assert.equal(entry?.kind, 'callback');
    assert.equal(entry?.state, 'waiting');
    await s.until('the caller hung up after the goodbye', () => !sim.listChannels().some((c) => c.id === caller));
    const call = await s.until('the call record closed', async () => (await s.knex('calls').where({ id: caller }).whereNotNull('ended_at'))[0]);
    assert.equal(call.end_reason, 'voice-message');
    assert.equal(call.request_id, request.id);
  });

  it('an agent who hangs up while the bridge is still being set up goes to wrap-up, and the entry leaves the list', async function () {
    const s = await start({ agents: { alice: { result: 'answer', answerAfterMs: 1000, hangupAfterMs: 1 } } });
    const sim = s.sim(this);
    await s.login('alice');
    const caller = s.call(this, '+12025550147', { dtmf: [{ atMs: 500, digits: '1' }] });
    const request = await s.until('the caller in the queue', () => requestOf(s.knex, { phone: '+12025550147', channel: 'inbound' }));
    await s.until('the caller hung up with the agent', () => legsToAgent(sim, 'PJSIP/agent-1001').length === 1 && !sim.listChannels().some((c) => c.id === caller));
    const states = await s.until('alice available again after wrap-up', async () => {
      const log = await agentStates(s.knex, 'alice');
      return log.length > 1 && log[log.length - 1] === 'available' && log;
    });
    assert.deepEqual(states.slice(-3), ['on-call', 'wrap-up', 'available'], states.join(' '));
    assert.equal((await requestOf(s.knex, { id: request.id })).status, 'completed');
    assert.equal(await s.controller.list.get(request.id, 'support'), null, 'the entry left the list');
    const entry = await s.until('the queue exit recorded', async () => (await s.knex('queue_entries').where({ request_id: request.id }).whereNotNull('outcome'))[0]);
    assert.deepEqual([entry.outcome, entry.agent_id], ['connected', 'alice']);
  });
});
