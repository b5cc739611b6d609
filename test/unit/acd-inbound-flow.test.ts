import { strict as assert } from 'node:assert';
import { acdHarness } from '../support/acd-harness';

describe('ACD inbound calls (fakes)', () => {
  it('caller -> IVR -> queue -> agent rings -> bridged -> hang-up -> wrap-up -> available', async () => {
    const h = await acdHarness();
    await h.login('alice');
    const caller = await h.callSupport();
    assert.deepEqual(h.cc.played(caller).slice(0, 2), ['sound:welcome', 'sound:press-1-support-2-sales']);

    const [leg] = h.legsOf('PJSIP/agent-1001');
    assert.ok(leg, 'alice is rung');
    assert.deepEqual(leg.appArgs[0], 'acd-agent');
    assert.equal(leg.timeoutSeconds, 15);
    assert.equal(leg.callerId, '+12025550143');
    assert.equal(h.state('alice'), 'ringing');

    h.cc.farEndAnswer(leg.channelId);
    await h.settle();
    assert.equal(h.state('alice'), 'on-call');
    const bridge = [...h.cc.bridges.values()][0]!;
    assert.equal(bridge.type, 'mixing');
    assert.deepEqual(bridge.channelIds.sort(), [caller, leg.channelId].sort());
    assert.equal(h.queue.entries.size, 0, 'the entry left the list on connect');
    const request = [...h.requests.rows.values()][0]!;
    assert.equal(request.channel, 'inbound');
    assert.equal(request.status, 'connected');
    assert.deepEqual(request.context.ivrChoices, ['main:1']);

    h.cc.farEndHangup(caller);
    await h.settle();
    assert.equal(h.cc.channels.has(leg.channelId), false, 'the agent leg is hung up too');
    assert.equal(h.cc.bridges.size, 0);
    assert.equal(h.state('alice'), 'wrap-up');
    assert.equal(h.requests.rows.get(request.id)!.status, 'completed');
    await h.clock.advance(9_999);
    assert.equal(h.state('alice'), 'wrap-up');
    await h.clock.advance(1);
    await h.settle();
    assert.equal(h.state('alice'), 'available');
    const qe = h.records.queueEntries[0]!;
    assert.equal(qe.outcome, 'connected');
    assert.equal(qe.agentId, 'alice');
    assert.equal(h.records.calls.get(caller)!.endReason, 'caller-hangup');
    assert.equal(h.cc.watcherCount(), 0, 'no watcher left behind');
  });

  it('announces position and wait with number: media while the caller holds', async () => {
    const h = await acdHarness();
    const first = await h.callSupport('+12025550101');
    const second = await h.callSupport('+12025550102');
    await h.clock.advance(30_000);
    await h.settle();
    const heard = h.cc.played(second);
    const i = heard.indexOf('sound:queue-thereare');
    assert.ok(i > 0, heard.join(' '));
    assert.deepEqual(heard.slice(i, i + 7), ['sound:queue-thereare', 'number:1', 'sound:queue-callswaiting', 'sound:queue-holdtime', 'number:10', 'sound:queue-minutes', 'sound:press-1-to-be-called-back']);
    assert.ok(h.cc.played(first).includes('sound:queue-youarenext'));
    assert.equal(h.cc.channels.get(second)!.moh, true, 'music resumes after the announcement');
  });

  it('an agent who does not answer is counted a miss, the next agent gets the caller, two misses pause', async () => {
    const h = await acdHarness();
    await h.login('alice', 'bob');
    const caller = await h.callSupport();
    const first = h.cc.originated()[0]!;
    const firstAgent = first.endpoint === 'PJSIP/agent-1001' ? 'alice' : 'bob';
    const other = firstAgent === 'alice' ? 'bob' : 'alice';
    await h.clock.advance(15_000);
    await h.settle();
    assert.equal(h.cc.channels.has(first.channelId), false, 'the unanswered leg is hung up');
    assert.equal(h.acd.roster.get(firstAgent).status.missedInRow, 1);
    const second = h.cc.originated()[1]!;
    assert.notEqual(second.endpoint, first.endpoint, 'the next agent is rung');
    assert.equal(h.state(other), 'ringing');
    assert.equal(h.records.offers[0]!.outcome, 'missed');

    h.cc.farEndNoAnswer(second.channelId);
    await h.settle();
    await h.clock.advance(5_000);
    await h.settle();
    const third = h.cc.originated()[2]!;
    assert.equal(third.endpoint, first.endpoint);
    h.cc.farEndBusy(third.channelId);
    await h.settle();
    assert.equal(h.state(firstAgent), 'paused', 'two misses in a row pause the agent');
    assert.match(h.acd.roster.get(firstAgent).status.reason ?? '', /auto/);
    assert.ok(h.cc.channels.has(caller), 'the caller is still holding');
  });

  it('a caller who hangs up while holding is recorded as abandoned with wait and position', async () => {
    const h = await acdHarness();
    await h.callSupport('+12025550101');
    const second = await h.callSupport('+12025550102');
    await h.clock.advance(42_000);
    h.cc.farEndHangup(second);
    await h.settle();
    const qe = h.records.queueEntries.find((e) => e.callId === second)!;
    assert.equal(qe.outcome, 'abandoned');
    assert.equal(qe.waitSeconds, 42);
    assert.equal(qe.position, 2);
    assert.equal(h.queue.entries.size, 1);
    const req = h.requests.rows.get(qe.requestId as string)!;
    assert.equal(req.status, 'cancelled');
    assert.equal(req.outcome, 'abandoned');
  });

  it('a caller who hangs up while the agent rings frees the agent without a miss', async () => {
    const h = await acdHarness();
    await h.login('alice');
    const caller = await h.callSupport();
    const leg = h.cc.originated()[0]!;
    h.cc.farEndHangup(caller);
    await h.settle();
    assert.equal(h.cc.channels.has(leg.channelId), false);
    assert.equal(h.state('alice'), 'available');
    assert.equal(h.acd.roster.get('alice').status.missedInRow, 0);
    assert.equal(h.queue.entries.size, 0);
  });

  it('all agents busy: callers wait and are served in arrival order', async () => {
    const h = await acdHarness();
    await h.login('alice');
    const a = await h.callSupport('+12025550101');
    const legA = h.cc.originated()[0]!;
    h.cc.farEndAnswer(legA.channelId);
    await h.settle();
    const b = await h.callSupport('+12025550102');
    await h.clock.advance(1000);
    const c = await h.callSupport('+12025550103');
    assert.equal(h.cc.originated().length, 1, 'nobody else is rung while alice talks');
    h.cc.farEndHangup(a);
    await h.settle();
    await h.clock.advance(10_000);
    await h.settle();
    const legB = h.cc.originated()[1]!;
    assert.equal(h.requests.rows.get(legB.appArgs[1]!)!.context.callId, b, 'the earlier caller b is served before c');
    assert.ok(h.cc.channels.has(c));
  });
});
