import { strict as assert } from 'node:assert';
import { CallbackDialer } from '../../src/app/dialer/callback-dialer';
import { recoverInterruptedAttempts, releaseStaleReservations } from '../../src/app/dialer/interrupted-attempts';
import type { ReservationOutcome } from '../../src/app/acd/dispatch-contract';
import type { ContactQueue, ListEntry } from '../../src/ports/contact-queue';
import { flush } from '../support/fake-call-control';
import { AGENT, dialerHarness } from './dialer-harness';
import { silentLogger } from './dialer-support';

describe('callback dialer: retries, calling hours, cancellation, exactly once', () => {
  it('retries busy with its delay up to the maximum, then closes the request as failed and tells the customer', async () => {
    const h = dialerHarness('customer-first', { retry: { busy: { delaySeconds: 300, maxAttempts: 3 } } });
    let req = await h.add();
    for (let n = 1; n <= 3; n++) {
      const { done } = await h.serve(req);
      h.cc.farEndBusy(h.ids(req, n).customer);
      await done;
      req = await h.status(req.id);
      if (n < 3) {
        assert.equal(req.status, 'scheduled');
        assert.equal(req.dueAt.getTime() - h.clock.now().getTime(), 300_000, `attempt ${n} rescheduled after 5 minutes`);
        await h.clock.advance(300_000);
      }
    }
    assert.equal(req.status, 'failed');
    assert.equal(req.attempts, 3);
    assert.deepEqual(h.attempts.rows.map((a) => [a.attemptNo, a.outcome]), [[1, 'busy'], [2, 'busy'], [3, 'busy']]);
    assert.deepEqual(h.settled.map((s) => s.kind), ['requeue', 'requeue', 'done']);
    assert.equal(h.mailer.sent.length, 1);
    assert.match(h.mailer.sent[0]!.text, /3 times, but the line was busy/);
  });

  it('defers a US number to the moment the window opens in every mainland zone, without dialling', async () => {
    const h = dialerHarness('agent-first');
    const req = await h.add({ phone: '+12025550123' }); // 12:00 UTC: 07:00 in New York, 04:00 in Los Angeles
    await (await h.serve(req)).done;
    assert.equal(h.cc.originated().length, 0);
    const after = await h.status(req.id);
    assert.equal(after.status, 'scheduled');
    assert.equal(after.dueAt.toISOString(), '2030-01-07T17:00:00.000Z', '09:00 in Los Angeles');
    assert.deepEqual(h.settled, [{ kind: 'requeue', dueAt: after.dueAt }]);
    assert.equal(h.attempts.rows.length, 0, 'no attempt is recorded for a deferral');
  });

  it("uses the request's own time zone when it names one", async () => {
    const h = dialerHarness('agent-first');
    const req = await h.add({ phone: '+12025550123', context: { timeZone: 'America/New_York' } });
    await (await h.serve(req)).done;
    assert.equal((await h.status(req.id)).dueAt.toISOString(), '2030-01-07T14:00:00.000Z', '09:00 in New York');
  });

  it("waits for the customer's preferred time, and a retry never lands outside the window", async () => {
    const h = dialerHarness('customer-first', { callingWindow: { start: '09:00', end: '12:05', days: [1, 2, 3, 4, 5] } });
    const preferredAt = new Date('2030-01-07T12:03:00.000Z');
    const req = await h.add({ preferredAt });
    await (await h.serve(req)).done;
    assert.equal((await h.status(req.id)).dueAt.toISOString(), preferredAt.toISOString());
    await h.clock.advance(180_000);
    const { done } = await h.serve(await h.status(req.id));
    h.cc.farEndBusy(h.ids(req).customer);
    await done;
    // 12:03 + 5 min is after 12:05 London: the retry moves to Tuesday 09:00.
    assert.equal((await h.status(req.id)).dueAt.toISOString(), '2030-01-08T09:00:00.000Z');
  });

  it('dials a VoIP address as a SIP URI through the VoIP template', async () => {
    const h = dialerHarness('customer-first', { voip: 'PJSIP/voip-out/{sipUri}' });
    const req = await h.add({ channel: 'voip', phone: null, sipUri: 'sip:Bob.Smith@Example.com' });
    const { done } = await h.serve(req);
    assert.equal(h.cc.originated()[0]!.endpoint, 'PJSIP/voip-out/sip:Bob.Smith@example.com');
    h.cc.farEndNoAnswer(h.ids(req).customer);
    await done;
  });

  it('never dials a destination the policy forbids at dial time', async () => {
    const h = dialerHarness('customer-first');
    const req = await h.add({ phone: '+19005550123' }); // premium rate
    await (await h.serve(req)).done;
    assert.equal(h.cc.originated().length, 0);
    const after = await h.status(req.id);
    assert.equal(after.status, 'failed');
    assert.equal(after.outcome, 'forbidden');
    assert.deepEqual(h.settled, [{ kind: 'done' }]);
  });

  it('never originates while the Stasis WebSocket is down: the callback is put back shortly', async () => {
    const h = dialerHarness('agent-first');
    h.cc.setConnected(false);
    const req = await h.add();
    await (await h.serve(req)).done;
    assert.equal(h.cc.originated().length, 0);
    assert.equal(h.settled[0]!.kind, 'requeue');
    assert.equal((await h.status(req.id)).status, 'scheduled');
  });

  it('hangs up a ringing customer when the request is cancelled elsewhere, and leaves it cancelled', async () => {
    const h = dialerHarness('customer-first');
    const req = await h.add();
    const { done } = await h.serve(req);
    h.cc.farEndRinging(h.ids(req).customer);
    await h.requests.transition(req.id, ['dialling'], { status: 'cancelled' });
    await h.clock.advance(10_000); // the lease renewal looks at the request
    await done;
    assert.deepEqual(h.cc.ops('hangup').map((a) => a[0]), [h.ids(req).customer]);
    assert.equal(h.attempts.rows[0]!.outcome, 'cancelled');
    assert.equal((await h.status(req.id)).status, 'cancelled');
    assert.deepEqual(h.settled, [{ kind: 'done' }]);
  });

  it('cancel() hangs up the attempt running in this process at once', async () => {
    const h = dialerHarness('agent-first');
    const req = await h.add();
    const { done } = await h.serve(req);
    assert.equal(h.dialer.cancel(req.id), true);
    await done;
    assert.equal((await h.status(req.id)).status, 'cancelled');
    assert.equal(h.dialer.cancel(req.id), false);
  });

  it('two dialers handed the same request dial it once', async () => {
    const h = dialerHarness('customer-first');
    const other = new CallbackDialer({ ...h.deps, owner: 'controller-b' });
    const req = await h.add();
    const second: ReservationOutcome[] = [];
    const [a, b] = await Promise.all([h.serve(req), h.serve(req, undefined, second, other)]);
    await flush();
    assert.equal(h.cc.originated().length, 1);
    assert.deepEqual(second.concat(h.settled), [{ kind: 'done' }], 'the loser settles at once');
    h.cc.farEndBusy(h.cc.originated()[0]!.channelId);
    await Promise.all([a.done, b.done]);
    assert.equal(h.attempts.rows.length, 1);
  });

  it('dials nothing until the reserved agent is confirmed, while the claim is already made', async () => {
    const h = dialerHarness('customer-first');
    const req = await h.add({ status: 'queued' });
    let confirm!: (held: boolean) => void;
    const agentHeld = new Promise<boolean>((resolve) => (confirm = resolve));
    const entry = { requestId: req.id, queue: req.queue, kind: 'callback' as const, priority: req.priority, arrivalAt: req.arrivalAt, dueAt: req.dueAt };
    const done = h.dialer.serve({ request: req, agent: AGENT, entry, agentHeld, settle: async (o) => void h.settled.push(o) });
    await flush();
    assert.equal((await h.status(req.id)).status, 'dialling', 'claimed meanwhile');
    assert.equal(h.cc.originated().length, 0, 'nothing rings before the agent is held');
    confirm(true);
    await flush();
    assert.equal(h.cc.originated().length, 1);
    h.cc.farEndBusy(h.cc.originated()[0]!.channelId);
    await done;
    assert.equal(h.attempts.rows.length, 1);
  });

  it('gives the claim back when another controller holds the agent: no call, no attempt left, the request queued again', async () => {
    const h = dialerHarness('customer-first');
    const req = await h.add({ status: 'queued' });
    const entry = { requestId: req.id, queue: req.queue, kind: 'callback' as const, priority: req.priority, arrivalAt: req.arrivalAt, dueAt: req.dueAt };
    await h.dialer.serve({ request: req, agent: AGENT, entry, agentHeld: Promise.resolve(false), settle: async (o) => void h.settled.push(o) });
    assert.equal(h.cc.originated().length, 0);
    assert.equal(h.attempts.rows.length, 0, 'nothing was attempted');
    assert.equal((await h.status(req.id)).status, 'queued');
    assert.deepEqual(h.settled, [{ kind: 'requeue' }], 'the entry goes back in its place, due now');
  });

  it('recovers an attempt left open by a dead controller: recorded as interrupted, leftover leg hung up, one clean retry', async () => {
    const h = dialerHarness('customer-first');
    const req = await h.add({ status: 'dialling' });
    await h.attempts.open({ requestId: req.id, mode: 'customer-first', owner: 'dead-process', leaseUntil: new Date(h.clock.now().getTime() - 1), startedAt: h.clock.now() });
    await h.cc.originate({ channelId: h.ids(req).customer, endpoint: 'PJSIP/+442079460123@trunk', appArgs: ['callback-customer'] });
    const list: Array<{ op: string; entry?: ListEntry }> = [];
    const contactQueue = {
      remove: async () => (list.push({ op: 'remove' }), true),
      add: async (entry: ListEntry) => void list.push({ op: 'add', entry }),
    } as unknown as ContactQueue;
    const deps = { ...h.deps, requests: h.requests, contactQueue, logger: silentLogger };
    assert.equal(await recoverInterruptedAttempts(deps, { includeOwn: true }), 1);
    assert.equal(await recoverInterruptedAttempts(deps, { includeOwn: true }), 0, 'recovered exactly once');
    assert.equal(h.attempts.rows[0]!.outcome, 'interrupted');
    assert.ok(h.cc.ops('hangup').some((a) => a[0] === h.ids(req).customer));
    const after = await h.status(req.id);
    assert.equal(after.status, 'scheduled');
    assert.equal(after.attempts, 0);
    assert.deepEqual(list.map((x) => x.op), ['remove', 'add']);
    assert.equal(list[1]!.entry!.arrivalAt.getTime(), req.arrivalAt.getTime(), 'its place in line is kept');
    assert.equal(list[1]!.entry!.dueAt.getTime(), after.dueAt.getTime());
  });

  it('puts back a request left reserved by a controller that died before opening an attempt, but not a fresh one', async () => {
    const h = dialerHarness('agent-first');
    const stale = await h.add({ status: 'reserved' });
    await h.clock.advance(120_000);
    const fresh = await h.add({ status: 'reserved', phone: '+442079460124' });
    const added: ListEntry[] = [];
    const contactQueue = { remove: async () => true, add: async (e: ListEntry) => void added.push(e) } as unknown as ContactQueue;
    const n = await releaseStaleReservations({ ...h.deps, requests: h.requests, contactQueue }, 60_000);
    assert.equal(n, 1);
    assert.equal((await h.status(stale.id)).status, 'queued');
    assert.equal((await h.status(fresh.id)).status, 'reserved');
    assert.deepEqual(added.map((e) => e.requestId), [stale.id]);
  });
});
