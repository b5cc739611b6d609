import { strict as assert } from 'node:assert';
import { flush } from '../support/fake-call-control';
import { AGENT, dialerHarness } from './dialer-harness';

describe('callback dialer: modes and outcomes', () => {
  describe('agent first', () => {
    it('rings the agent first, then the customer through the trunk, and bridges them', async () => {
      const h = dialerHarness('agent-first', { callerId: 'Acme <+442071234567>' });
      const req = await h.add();
      const ids = h.ids(req);
      const { done } = await h.serve(req);
      await flush();
      assert.deepEqual(h.cc.originated().map((o) => o.endpoint), [AGENT.endpoint], 'only the agent rings at first');
      assert.equal((await h.status(req.id)).status, 'dialling');

      h.cc.farEndAnswer(ids.agent);
      await flush();
      const customer = h.cc.originated()[1]!;
      assert.equal(customer.channelId, ids.customer);
      assert.equal(customer.endpoint, 'PJSIP/+442079460123@trunk');
      assert.equal(customer.callerId, 'Acme <+442071234567>');
      assert.deepEqual(h.cc.played(ids.agent), ['tone:ring'], 'the agent hears the ringing');

      h.cc.farEndAnswer(ids.customer);
      await flush();
      assert.deepEqual(h.cc.bridges.get(ids.bridge)?.channelIds.sort(), [ids.agent, ids.customer].sort());
      assert.equal((await h.status(req.id)).status, 'connected');

      h.cc.farEndHangup(ids.customer);
      await done;
      const after = await h.status(req.id);
      assert.equal(after.status, 'completed');
      assert.equal(after.attempts, 1);
      assert.deepEqual(h.settled, [{ kind: 'done' }]);
      const [attempt] = h.attempts.rows;
      assert.equal(attempt!.outcome, 'connected');
      assert.ok(attempt!.answeredAt);
      assert.ok(!h.cc.channels.has(ids.agent), 'the agent leg is hung up too');
      assert.ok(!h.cc.bridges.has(ids.bridge), 'the bridge is removed');
      assert.equal(h.mailer.sent[0]?.subject, 'Your callback request is done');
      assert.equal(h.cc.watcherCount(), 0, 'no listener left behind');
    });

    it('offers the callback to the next agent when the reserved one does not answer, without dialling the customer', async () => {
      const h = dialerHarness('agent-first');
      const req = await h.add();
      const { done } = await h.serve(req);
      await h.clock.advance((15 + 10) * 1000);
      await done;
      assert.equal(h.cc.originated().length, 1);
      assert.deepEqual(h.settled, [{ kind: 'agent-missed' }]);
      const after = await h.status(req.id);
      assert.equal(after.status, 'queued');
      assert.equal(after.attempts, 0, 'not held against the customer');
      assert.equal(h.attempts.rows[0]!.outcome, 'agent_missed');
    });

    it('reschedules after the busy delay when the customer is busy, and releases the agent', async () => {
      const h = dialerHarness('agent-first', { retry: { busy: { delaySeconds: 120, maxAttempts: 3 } } });
      const req = await h.add();
      const ids = h.ids(req);
      const { done } = await h.serve(req);
      h.cc.farEndAnswer(ids.agent);
      await flush();
      h.cc.farEndBusy(ids.customer);
      await done;
      const after = await h.status(req.id);
      assert.equal(after.status, 'scheduled');
      assert.equal(after.dueAt.toISOString(), '2030-01-07T12:02:00.000Z');
      assert.equal(after.attempts, 1);
      assert.deepEqual(h.settled, [{ kind: 'requeue', dueAt: after.dueAt }]);
      assert.equal(h.attempts.rows[0]!.outcome, 'busy');
      assert.equal(h.attempts.rows[0]!.hangupCause, 17);
      assert.ok(!h.cc.channels.has(ids.agent));
      assert.equal(h.mailer.sent.length, 0, 'no e-mail before the final outcome');
    });
  });

  describe('customer first', () => {
    async function answered(mode: 'customer-first' = 'customer-first') {
      const h = dialerHarness(mode);
      const req = await h.add();
      const ids = h.ids(req);
      const { done } = await h.serve(req);
      assert.deepEqual(h.cc.originated().map((o) => o.endpoint), ['PJSIP/+442079460123@trunk'], 'the customer is dialled first');
      h.cc.farEndAnswer(ids.customer);
      await flush();
      assert.deepEqual(h.cc.played(ids.customer), ['sound:cc-callback-greeting', 'sound:cc-callback-options']);
      return { h, req, ids, done };
    }

    it('connects the reserved agent only after the customer presses 1', async () => {
      const { h, req, ids, done } = await answered();
      assert.equal(h.cc.originated().length, 1, 'no agent before the customer confirmed');
      h.cc.dtmf(ids.customer, '1');
      await flush();
      assert.equal(h.cc.originated()[1]!.endpoint, AGENT.endpoint);
      assert.equal(h.cc.played(ids.customer).at(-1), 'sound:pls-hold-while-try');
      assert.equal(h.cc.channels.get(ids.customer)!.moh, true, 'music while the agent is rung');
      h.cc.farEndAnswer(ids.agent);
      await flush();
      assert.equal(h.cc.bridges.get(ids.bridge)?.channelIds.length, 2);
      assert.equal(h.cc.channels.get(ids.customer)!.moh, false, 'no music once talking');
      h.cc.farEndHangup(ids.agent);
      await done;
      assert.equal((await h.status(req.id)).status, 'completed');
      assert.equal(h.attempts.rows[0]!.outcome, 'connected');
      assert.deepEqual(h.settled, [{ kind: 'done' }]);
    });

    it('treats silence (a voicemail greeting) as unconfirmed and retries, never bridging the agent', async () => {
      const { h, req, done } = await answered();
      await h.clock.advance(6000); // options offered again
      await h.clock.advance(6000); // tries used up
      await done;
      assert.equal(h.cc.originated().length, 1, 'the agent was never rung');
      const after = await h.status(req.id);
      assert.equal(after.status, 'scheduled');
      assert.equal(after.outcome, 'unconfirmed');
      assert.equal(after.dueAt.toISOString(), '2030-01-07T12:15:12.000Z');
      assert.deepEqual(h.settled, [{ kind: 'requeue', dueAt: after.dueAt }]);
    });

    it('reschedules on 2 ("another time") and closes on 3 (cancel) with an e-mail', async () => {
      const a = await answered();
      a.h.cc.dtmf(a.ids.customer, '2');
      await a.done;
      const later = await a.h.status(a.req.id);
      assert.equal(later.status, 'scheduled');
      assert.equal(later.outcome, 'rescheduled');
      assert.equal(later.dueAt.toISOString(), '2030-01-07T14:00:00.000Z');

      const b = await answered();
      b.h.cc.dtmf(b.ids.customer, '3');
      await b.done;
      const cancelled = await b.h.status(b.req.id);
      assert.equal(cancelled.status, 'cancelled');
      assert.equal(b.h.attempts.rows[0]!.outcome, 'cancelled');
      assert.equal(b.h.mailer.sent[0]?.subject, 'Your callback request is cancelled');
      assert.deepEqual(b.h.settled, [{ kind: 'done' }]);
    });

    it('ignores an invalid key and offers the options again', async () => {
      const { h, ids, done } = await answered();
      h.cc.dtmf(ids.customer, '7');
      await flush();
      assert.deepEqual(h.cc.played(ids.customer).slice(2), ['sound:option-is-invalid', 'sound:cc-callback-options']);
      h.cc.dtmf(ids.customer, '3');
      await done;
      assert.equal(h.attempts.rows[0]!.outcome, 'cancelled');
    });
  });

  describe('unanswered customer legs, classified as Asterisk reports them', () => {
    const cases: Array<[string, (h: ReturnType<typeof dialerHarness>, id: string) => void, string, string]> = [
      ['no answer (ring timeout, cause 19)', (h, id) => h.cc.farEndNoAnswer(id), 'no_answer', 'scheduled'],
      [
        'congestion through a Local channel (Dial CONGESTION, cause 0)',
        (h, id) => {
          h.cc.emit({ type: 'Dial', channelId: id, dialStatus: 'CONGESTION' });
          h.cc.emit({ type: 'ChannelDestroyed', channelId: id, cause: 0, causeText: 'Unknown' });
        },
        'failed',
        'scheduled',
      ],
      ['unallocated number (cause 1)', (h, id) => h.cc.emit({ type: 'ChannelDestroyed', channelId: id, cause: 1, causeText: 'Unallocated (unassigned) number' }), 'invalid_number', 'failed'],
      [
        'unreachable end (Dial NOANSWER, cause 18)',
        (h, id) => {
          h.cc.emit({ type: 'ChannelHangupRequest', channelId: id, cause: 18 });
          h.cc.emit({ type: 'Dial', channelId: id, dialStatus: 'NOANSWER' });
          h.cc.emit({ type: 'ChannelDestroyed', channelId: id, cause: 18, causeText: 'No user responding' });
        },
        'no_answer',
        'scheduled',
      ],
    ];
    for (const [name, farEnd, outcome, status] of cases) {
      it(name, async () => {
        const h = dialerHarness('customer-first');
        const req = await h.add();
        const { done } = await h.serve(req);
        farEnd(h, h.ids(req).customer);
        await done;
        assert.equal(h.attempts.rows[0]!.outcome, outcome);
        assert.equal((await h.status(req.id)).status, status);
        assert.equal(h.mailer.sent.length, status === 'failed' ? 1 : 0);
      });
    }

    it('a refused originate (allocation failed) is a failed attempt', async () => {
      const h = dialerHarness('customer-first');
      const { AllocationFailedError } = await import('../../src/domain/errors');
      h.cc.failNext('originate', new AllocationFailedError('Allocation failed'));
      const req = await h.add();
      await (await h.serve(req)).done;
      assert.equal(h.attempts.rows[0]!.outcome, 'failed');
      assert.equal((await h.status(req.id)).status, 'scheduled');
    });
  });

  describe('automated IVR callback', () => {
    it('plays the answer and completes when the customer confirms; retries without confirmation', async () => {
      const h = dialerHarness('ivr', { ivr: { prompts: ['sound:your-order-shipped'] } });
      const req = await h.add();
      const ids = h.ids(req);
      const { done } = await h.serve(req, null);
      h.cc.farEndAnswer(ids.customer);
      await flush();
      assert.deepEqual(h.cc.played(ids.customer).slice(0, 2), ['sound:your-order-shipped', 'sound:cc-callback-press-1-heard']);
      h.cc.dtmf(ids.customer, '1');
      await done;
      assert.equal((await h.status(req.id)).status, 'completed');
      assert.equal((await h.status(req.id)).context.ivrConfirmed, true);

      const req2 = await h.add({ phone: '+442079460124' });
      const { done: done2 } = await h.serve(req2, null);
      h.cc.farEndAnswer(h.ids(req2).customer);
      await h.clock.advance(6000);
      await done2;
      assert.equal((await h.status(req2.id)).outcome, 'unconfirmed');
      assert.equal((await h.status(req2.id)).status, 'scheduled');
    });
  });
});
