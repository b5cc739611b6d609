import { strict as assert } from 'node:assert';
import { hashAgentPin } from '../../src/app/acd/agent-credentials';
import type { AgentNotice } from '../../src/app/acd/agent-events';
import { acdHarness, type AcdHarness } from '../support/acd-harness';
import { testCenter } from '../support/acd-center';

async function webCallback(h: AcdHarness, id: string, arrivalAt: Date, queue = 'support') {
  const now = h.clock.now();
  await h.requests.create(
    { id, channel: 'pstn', queue, phone: '+12025550199', sipUri: null, name: 'Web Visitor', email: 'v@example.com', pageUrl: 'https://shop.example.com/cart', message: 'help with my order', priority: 5, arrivalAt, preferredAt: null, dueAt: now, status: 'queued', context: {} },
    { actor: 'test', action: 'create', entityType: 'help_request', entityId: id },
  );
  await h.queue.add({ requestId: id, queue, kind: 'callback', priority: 5, arrivalAt, dueAt: now });
  h.acd.entryAdded();
  await h.settle();
}

describe('ACD callbacks, keep-my-place and voice messages (fakes)', () => {
  it('"call me back instead" keeps the place ahead of later arrivals', async () => {
    const h = await acdHarness();
    const early = await h.callSupport('+12025550101');
    const enteredAt = h.clock.now();
    await h.clock.advance(20_000);
    const later = await h.callSupport('+12025550102');
    h.cc.dtmf(early, '1'); // the callback key while holding
    await h.settle();
    assert.ok(h.cc.played(early).includes('digits:12025550101'), 'the caller ID is read back');
    h.cc.dtmf(early, '1'); // confirm
    await h.settle();
    assert.equal(h.cc.channels.has(early), false, 'the caller is hung up after booking');

    const callback = [...h.requests.rows.values()].find((r) => r.channel === 'ivr')!;
    assert.equal(callback.phone, '+12025550101');
    assert.deepEqual(callback.arrivalAt, enteredAt, 'the original arrival time is kept');
    const list = await h.queue.list('support');
    assert.deepEqual(list.map((e) => e.kind), ['callback', 'caller'], 'the callback is ahead of the later caller');
    assert.equal(list[1]!.requestId, h.acd.callers.get(list[1]!.requestId)?.requestId);
    assert.equal(h.acd.callers.get(list[1]!.requestId)!.io.channelId, later);
    const old = [...h.requests.rows.values()].find((r) => r.channel === 'inbound' && r.context.callId === early)!;
    assert.equal(old.outcome, 'converted-to-callback');
    assert.equal(h.records.queueEntries.find((e) => e.callId === early)!.outcome, 'callback');

    await h.login('alice');
    assert.equal(h.dialer.reservations.length, 1, 'the free agent is reserved for the callback first');
    assert.equal(h.dialer.reservations[0]!.request.id, callback.id);
    assert.equal(h.cc.originated().length, 0, 'the later caller waits');
  });

  it('a typed number is checked like the web form: an emergency number is refused, a valid one booked', async () => {
    const h = await acdHarness();
    const ch = h.cc.inbound('5551234', 'anonymous');
    await h.settle();
    h.cc.dtmf(ch, '3'); // main menu: callback instead of holding
    await h.settle();
    h.cc.dtmf(ch, '911#');
    await h.settle();
    assert.ok(h.cc.played(ch).includes('sound:that-number-cannot-be-called'));
    assert.equal(h.requests.rows.size, 0);
    h.cc.dtmf(ch, '2025550143#');
    await h.settle();
    const r = [...h.requests.rows.values()][0]!;
    assert.equal(r.channel, 'ivr');
    assert.equal(r.phone, '+12025550143');
    assert.deepEqual(r.context.ivrChoices, ['main:3']);
  });

  it('a voice message becomes a voicemail request with the recording', async () => {
    const h = await acdHarness();
    const ch = h.cc.inbound('5551234', '+12025550143');
    await h.settle();
    h.cc.dtmf(ch, '4');
    await h.settle();
    const [args] = h.cc.ops('record');
    const rec = args![1] as { name: string; beep: boolean; terminateOn: string; maxDurationSeconds: number };
    assert.equal(rec.beep, true);
    assert.equal(rec.terminateOn, '#');
    assert.equal(rec.maxDurationSeconds, 120);
    h.cc.dtmf(ch, '#');
    h.cc.finishRecording(rec.name, 12);
    await h.settle();
    const r = [...h.requests.rows.values()][0]!;
    assert.equal(r.channel, 'voicemail');
    assert.equal(r.phone, '+12025550143');
    assert.equal(r.context.recording, rec.name);
    assert.equal((await h.queue.list('support'))[0]!.kind, 'callback');
    assert.equal(h.cc.channels.has(ch), false);
  });

  it('a voice message ended by hanging up is kept; an empty one is discarded', async () => {
    const h = await acdHarness();
    const ch = h.cc.inbound('5551234', '+12025550143');
    await h.settle();
    h.cc.dtmf(ch, '4');
    await h.settle();
    const name = (h.cc.ops('record')[0]![1] as { name: string }).name;
    h.cc.farEndHangup(ch);
    h.cc.finishRecording(name, 7);
    await h.settle();
    assert.equal([...h.requests.rows.values()][0]?.context.recording, name);

    const ch2 = h.cc.inbound('5551234', '+12025550144');
    await h.settle();
    h.cc.dtmf(ch2, '4');
    await h.settle();
    const name2 = (h.cc.ops('record')[1]![1] as { name: string }).name;
    h.cc.finishRecording(name2, 0);
    await h.settle();
    assert.equal(h.requests.rows.size, 1);
    assert.deepEqual(h.cc.deletedRecordings, [name2]);
  });

  it('a web callback and a caller on hold competing for one agent: the earlier arrival is served first', async () => {
    const h = await acdHarness();
    const t0 = h.clock.now();
    await h.clock.advance(1000);
    const caller = await h.callSupport('+12025550101');
    await webCallback(h, 'hr_web_early', t0); // arrived before the caller
    await h.login('alice');
    assert.equal(h.dialer.reservations.length, 1);
    assert.equal(h.dialer.reservations[0]!.request.id, 'hr_web_early');
    assert.equal(h.cc.originated().length, 0);
    await h.dialer.reservations[0]!.settle({ kind: 'done' });
    await h.settle();
    assert.equal(h.state('alice'), 'wrap-up');
    await h.clock.advance(10_000);
    await h.settle();
    const leg = h.cc.originated()[0]!;
    assert.equal(h.requests.rows.get(leg.appArgs[1]!)!.context.callId, caller);
  });

  it('a requeued or missed callback keeps its place and frees the agent; a miss counts', async () => {
    const h = await acdHarness();
    await webCallback(h, 'hr_web_1', h.clock.now());
    await h.login('alice');
    const r1 = h.dialer.reservations[0]!;
    assert.equal(h.requests.rows.get('hr_web_1')!.status, 'queued', 'no status change until the dialer claims it');
    const later = new Date(h.clock.now().getTime() + 300_000);
    await r1.settle({ kind: 'requeue', dueAt: later });
    await r1.settle({ kind: 'done' }); // a second settle is ignored
    await h.settle();
    assert.equal(h.state('alice'), 'available');
    assert.equal(h.requests.rows.get('hr_web_1')!.status, 'scheduled');
    assert.equal((await h.queue.get('hr_web_1', 'support'))!.state, 'scheduled');
    await h.clock.advance(300_000);
    await h.settle();
    const r2 = h.dialer.reservations[1]!;
    assert.equal(r2.request.id, 'hr_web_1', 'served again when due');
    await r2.settle({ kind: 'agent-missed' });
    await h.settle();
    assert.equal(h.acd.roster.get('alice').status.missedInRow, 1);
    assert.equal((await h.queue.get('hr_web_1', 'support'))!.state, 'waiting');
  });

  it('two contacts due in the same instant never double-book an agent', async () => {
    const h = await acdHarness();
    await h.login('alice');
    const due = new Date(h.clock.now().getTime() + 60_000);
    for (const id of ['hr_a', 'hr_b']) {
      await h.requests.create({ id, channel: 'pstn', queue: 'support', phone: `+1202555010${id === 'hr_a' ? 1 : 2}`, sipUri: null, name: null, email: null, pageUrl: null, message: null, priority: 5, arrivalAt: h.clock.now(), preferredAt: due, dueAt: due, status: 'scheduled', context: {} }, { actor: 't', action: 'c', entityType: 'help_request', entityId: id });
      await h.queue.add({ requestId: id, queue: 'support', kind: 'callback', priority: 5, arrivalAt: h.clock.now(), dueAt: due });
    }
    h.acd.entryAdded();
    await h.settle();
    assert.equal(h.dialer.reservations.length, 0, 'nothing is due yet');
    await h.clock.advance(60_000);
    for (let i = 0; i < 5; i++) h.acd.entryAdded();
    await h.settle();
    assert.equal(h.dialer.reservations.length, 1);
    assert.equal(h.cc.originated().length, 0);
    assert.equal(h.state('alice'), 'reserved');
    assert.equal([...h.queue.entries.values()].filter((e) => e.state === 'taken').length, 1);
  });

  it('two agents becoming available at once get different contacts', async () => {
    const h = await acdHarness();
    await h.callSupport('+12025550101');
    await h.callSupport('+12025550102');
    await Promise.all([h.acd.agentService.login('alice'), h.acd.agentService.login('bob')]);
    await h.settle();
    const legs = h.cc.originated();
    assert.equal(legs.length, 2);
    assert.notEqual(legs[0]!.appArgs[1], legs[1]!.appArgs[1]);
    assert.notEqual(legs[0]!.endpoint, legs[1]!.endpoint);
  });

  it('a database refusal of the reservation (another process moved the agent) offers nothing', async () => {
    const h = await acdHarness();
    await h.login('alice');
    h.agents.refuseNext = 100;
    await h.callSupport();
    assert.equal(h.cc.originated().length, 0);
    assert.equal(h.state('alice'), 'available');
  });

  it('a ringing state the database refuses hangs the agent leg up; the caller keeps their place', async () => {
    const h = await acdHarness();
    await h.login('alice');
    const save = h.agents.saveState.bind(h.agents);
    let refused = 0;
    h.agents.saveState = async (agentId, from, next) => (next.state === 'ringing' && refused++ === 0 ? false : save(agentId, from, next));
    const caller = await h.callSupport();
    const leg = h.cc.originated()[0]!;
    assert.equal(refused, 1);
    assert.ok(h.cc.ops('hangup').some((a) => a[0] === leg.channelId), 'the agent leg is hung up');
    assert.equal(h.cc.channels.has(caller), true, 'the caller stays on hold');
    const entry = (await h.queue.list('support')).find((e) => e.kind === 'caller');
    assert.equal(entry?.state, 'waiting', 'back in the list');
  });

  it('a callback handed over before the agent write is refused: the agent is left alone, the entry keeps its place, and is served later', async () => {
    const h = await acdHarness();
    await h.login('alice');
    h.agents.refuseNext = 1;
    await webCallback(h, 'hr_web_refused', h.clock.now());
    const r1 = h.dialer.reservations[0]!;
    assert.equal(await r1.agentHeld, false, 'the dialer is told the agent is not held');
    await r1.settle({ kind: 'requeue' });
    await h.settle();
    assert.equal(h.state('alice'), 'available');
    assert.deepEqual(h.agents.log.map((l) => l.state), ['available'], 'no agent state was written for the refused reservation');
    assert.equal((await h.queue.get('hr_web_refused', 'support'))!.state, 'waiting');
    assert.equal(h.requests.rows.get('hr_web_refused')!.status, 'queued');
    assert.equal(h.dialer.reservations.length, 1, 'the agent is not tried again at once');
    await h.clock.advance(5_000);
    await h.settle();
    assert.equal(h.dialer.reservations.length, 2, 'served once the agent may be tried again');
    assert.equal(h.dialer.reservations[1]!.request.id, 'hr_web_refused');
    assert.equal(await h.dialer.reservations[1]!.agentHeld, true);
    assert.equal(h.state('alice'), 'reserved');
  });

  it('a callback closed while it waited is not handed to the dialer; it leaves the list and the agent stays free', async () => {
    const h = await acdHarness();
    await webCallback(h, 'hr_web_closed', h.clock.now());
    h.requests.rows.get('hr_web_closed')!.status = 'cancelled';
    await h.login('alice');
    assert.equal(h.dialer.reservations.length, 0);
    assert.equal(await h.queue.get('hr_web_closed', 'support'), null);
    assert.equal(h.state('alice'), 'available');
  });

  it('the screen pop reaches the agent\'s stream with customer, page URL and message', async () => {
    const h = await acdHarness();
    h.customers.customers.push({ id: '7', name: 'Vera Visitor', phone: '+12025550199', email: 'v@example.com', accountRef: 'A-7', notes: null, source: 'db' });
    const seen: AgentNotice[] = [];
    h.acd.bus.subscribe('alice', (n) => seen.push(n));
    await webCallback(h, 'hr_web_pop', h.clock.now());
    await h.login('alice');
    const offer = seen.find((n) => n.type === 'offer');
    assert.ok(offer && offer.type === 'offer');
    assert.equal(offer.pop.pageUrl, 'https://shop.example.com/cart');
    assert.equal(offer.pop.message, 'help with my order');
    assert.equal(offer.pop.customer?.accountRef, 'A-7');
    assert.equal(offer.pop.kind, 'callback');
    assert.ok(seen.some((n) => n.type === 'state' && n.state === 'reserved'));
  });

  it('phone feature codes log an agent in with the PIN and refuse a wrong one', async () => {
    const center = testCenter((doc) => {
      (doc.agents as Array<{ credentials: Record<string, string> }>)[0]!.credentials = { pinHash: hashAgentPin('4321') };
    });
    const h = await acdHarness(center);
    const wrong = h.cc.inbound('*71', '', { args: ['agent-feature', 'login'], name: 'PJSIP/agent-1001-0000001' });
    await h.settle();
    h.cc.dtmf(wrong, '1111#');
    await h.settle();
    assert.equal(h.state('alice'), 'logged-out');
    assert.ok(h.cc.played(wrong).includes('sound:auth-incorrect'));
    const ok = h.cc.inbound('*71', '', { args: ['agent-feature', 'login'], name: 'PJSIP/agent-1001-0000002' });
    await h.settle();
    h.cc.dtmf(ok, '4321#');
    await h.settle();
    assert.equal(h.state('alice'), 'available');
  });
});
