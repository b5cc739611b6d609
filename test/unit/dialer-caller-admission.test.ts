import { strict as assert } from 'node:assert';
import { AcdCallerAdmission } from '../../src/app/dialer/caller-admission';
import { acdHarness } from '../support/acd-harness';
import { flush } from '../support/fake-call-control';

describe('ring me now: the confirmed customer joins the ACD as a caller', () => {
  it('is listed as a caller now in line, hears the anticipated wait, and is bridged to the agent who answers', async () => {
    const h = await acdHarness();
    await h.login('alice');
    const now = h.clock.now();
    await h.requests.create(
      { id: 'hr_ring0001', channel: 'click-to-call', queue: 'support', phone: '+12025550143', sipUri: null, name: null, email: null, pageUrl: null, message: null, priority: 5, arrivalAt: now, preferredAt: null, dueAt: now, status: 'queued', context: {} },
      { actor: 'test', action: 'create', entityType: 'help_request', entityId: 'hr_ring0001' },
    );
    // The customer's leg, originated by the dialer and answered.
    await h.cc.originate({ channelId: 'cb-hr_ring0001-1-c', endpoint: 'PJSIP/+12025550143@trunk', appArgs: ['click-to-call', 'hr_ring0001'] });
    h.cc.farEndAnswer('cb-hr_ring0001-1-c');
    await flush();

    const admission = new AcdCallerAdmission(h.acd.inboundDeps);
    const held = admission.admit({ channelId: 'cb-hr_ring0001-1-c', requestId: 'hr_ring0001', queue: 'support', priority: 5, callerNumber: '+12025550143', arrivalAt: now });
    await h.settle();
    const played = h.cc.played('cb-hr_ring0001-1-c');
    assert.ok(played.includes('sound:queue-youarenext'), `position announced: ${played.join(' ')}`);
    assert.ok(played.some((m) => m.startsWith('number:')), 'the anticipated wait is announced');
    const ring = h.legsOf('PJSIP/agent-1001');
    assert.equal(ring.length, 1, 'the free agent is rung for the caller');

    h.cc.farEndAnswer(ring[0]!.channelId);
    await h.settle();
    assert.equal(await held, 'connected');
    const bridge = [...h.cc.bridges.values()].find((b) => b.channelIds.includes('cb-hr_ring0001-1-c'));
    assert.ok(bridge?.channelIds.includes(ring[0]!.channelId), 'bridged with the agent');
    assert.equal(h.state('alice'), 'on-call');
  });
});
