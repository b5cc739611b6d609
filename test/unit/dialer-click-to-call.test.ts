import { strict as assert } from 'node:assert';
import type { AdmittedCaller, CallerAdmission } from '../../src/app/dialer/caller-admission';
import { ClickToCallService, NoAgentsError } from '../../src/app/dialer/click-to-call';
import { DestinationPolicy } from '../../src/domain/destination-policy';
import { parseCallbackSettings } from '../../src/domain/dialling-settings';
import { ConflictError, ForbiddenDestinationError, RateLimitedError } from '../../src/domain/errors';
import { FakeCallControl, flush } from '../support/fake-call-control';
import { MemoryContactQueue } from '../support/acd-memory';
import { FakeClock } from '../support/fake-clock';
import { MemoryAttempts, MemoryRateLimiter, MemoryRequests, silentLogger } from './dialer-support';

function harness(opts: { agents?: number; limit?: number } = {}) {
  const clock = new FakeClock('2030-01-07T12:00:00.000Z');
  const cc = new FakeCallControl();
  const requests = new MemoryRequests(() => clock.now());
  const attempts = new MemoryAttempts(requests);
  const admitted: AdmittedCaller[] = [];
  let finishHold: (r: 'connected' | 'abandoned') => void = () => undefined;
  const admission: CallerAdmission = {
    admit: async (caller) => {
      admitted.push(caller);
      return new Promise((resolve) => (finishHold = resolve));
    },
  };
  const rateLimiter = new MemoryRateLimiter(60);
  let seq = 0;
  const list = new MemoryContactQueue(clock);
  const service = new ClickToCallService({
    callControl: cc,
    requests,
    attempts,
    clock,
    logger: silentLogger,
    policy: new DestinationPolicy({ defaultCountry: 'GB', allowedCountries: ['GB'], allowPremium: false, allowNonGeographic: false, sipAllowedDomains: [] }),
    staffing: { loggedInAgents: async () => opts.agents ?? 2 },
    rateLimiter,
    admission,
    list,
    queueDialling: () => ({ mode: 'agent-first', callback: parseCallbackSettings({ callingWindow: { start: '09:00', end: '20:00', days: [1, 2, 3, 4, 5] } }) }),
    queuePriority: () => 3,
    newRequestId: () => `hr_${String(++seq).padStart(22, '0')}`,
    owner: 'controller-a',
    limits: { perIp: { limit: opts.limit ?? 30, windowSeconds: 600 }, perNumber: { limit: opts.limit ?? 6, windowSeconds: 86400 } },
    defaultQueue: 'support',
  });
  const progress = async (id: string) => (await requests.findById(id))!.context.progress;
  return { clock, cc, requests, attempts, admitted, service, progress, list, finish: (r: 'connected' | 'abandoned') => finishHold(r) };
}

describe('ring me now (click to call)', () => {
  it('rings the customer first; on answer and 1 the call joins the line as a caller and reaches an agent', async () => {
    const h = harness();
    const req = await h.service.request({ phone: '020 7946 0123' }, { clientIp: '203.0.113.9' });
    await flush();
    const leg = h.cc.originated()[0]!;
    assert.equal(leg.endpoint, 'PJSIP/+442079460123@trunk');
    assert.deepEqual(leg.appArgs, ['click-to-call', req.id]);
    assert.equal(req.status, 'dialling');
    assert.equal(await h.progress(req.id), 'ringing');

    h.cc.farEndAnswer(leg.channelId);
    await flush();
    assert.equal(await h.progress(req.id), 'connected');
    assert.equal(h.admitted.length, 0, 'not in line before pressing 1');
    h.cc.dtmf(leg.channelId, '1');
    await flush();
    assert.equal(h.admitted.length, 1);
    assert.equal(h.admitted[0]!.channelId, leg.channelId);
    assert.equal(h.admitted[0]!.priority, 3);
    const queued = (await h.requests.findById(req.id))!;
    assert.equal(queued.status, 'queued');
    assert.equal(queued.context.progress, 'in-queue');
    assert.equal(h.attempts.rows[0]!.outcome, 'connected');
    assert.equal(h.cc.watcherCount(), 0, 'the dialer let go of the channel; the ACD owns it now');

    h.finish('connected');
    await h.service.drain();
    assert.equal(await h.progress(req.id), 'with-agent');
  });

  it('does not put a call in line without the 1 (voicemail), and closes the request', async () => {
    const h = harness();
    const req = await h.service.request({ phone: '+442079460123' }, { clientIp: '203.0.113.9' });
    await flush();
    const leg = h.cc.originated()[0]!;
    h.cc.farEndAnswer(leg.channelId);
    await h.clock.advance(6000);
    await h.clock.advance(6000);
    await h.service.drain();
    assert.equal(h.admitted.length, 0);
    const after = (await h.requests.findById(req.id))!;
    assert.equal(after.status, 'failed');
    assert.equal(after.outcome, 'unconfirmed');
    assert.equal(after.context.progress, 'ended');
  });

  /** A ring-me-now call the customer answers and answers with `digit`; resolves once the call is over. */
  async function answeredWith(h: ReturnType<typeof harness>, digit: string) {
    const req = await h.service.request({ phone: '+442079460123' }, { clientIp: '203.0.113.9' });
    await flush();
    const leg = h.cc.originated()[0]!;
    h.cc.farEndAnswer(leg.channelId);
    await flush();
    h.cc.dtmf(leg.channelId, digit);
    await h.service.drain();
    return { req, leg, after: (await h.requests.findById(req.id))! };
  }

  it('turns a "call me another time" (2) into a callback due after the delay, inside the calling window', async () => {
    const h = harness();
    const { req, leg, after } = await answeredWith(h, '2');
    assert.equal(h.admitted.length, 0, 'not put in line');
    assert.ok(h.cc.played(leg.channelId).includes('sound:cc-callback-later'), 'told it will be called back');
    assert.equal(h.cc.channels.has(leg.channelId), false, 'hung up');
    assert.equal(after.status, 'scheduled');
    assert.equal(after.outcome, 'rescheduled');
    assert.equal(after.context.progress, 'rescheduled');
    // Monday 12:00 London plus the 2 h rescheduling delay: 14:00, inside 09:00-20:00.
    assert.equal(after.dueAt.toISOString(), '2030-01-07T14:00:00.000Z');
    assert.equal(h.attempts.rows[0]!.outcome, 'rescheduled');
    const entry = await h.list.get(req.id, 'support');
    assert.equal(entry?.kind, 'callback');
    assert.equal(entry?.state, 'scheduled');
    assert.equal(entry?.dueAt.toISOString(), after.dueAt.toISOString());
    assert.equal(entry?.arrivalAt.toISOString(), after.arrivalAt.toISOString(), 'the request keeps its place in the order');
  });

  it('schedules the callback for the next opening of the calling window when the delay ends after it', async () => {
    const h = harness();
    await h.clock.advance(7 * 3600_000); // Monday 19:00 London
    const { after } = await answeredWith(h, '2');
    assert.equal(after.dueAt.toISOString(), '2030-01-08T09:00:00.000Z');
  });

  it('cancels the request on 3, and lists nothing', async () => {
    const h = harness();
    const { req, after } = await answeredWith(h, '3');
    assert.equal(after.status, 'cancelled');
    assert.equal(h.attempts.rows[0]!.outcome, 'cancelled');
    assert.equal(await h.list.get(req.id, 'support'), null);
  });

  it('records a busy phone and ends the request', async () => {
    const h = harness();
    const req = await h.service.request({ phone: '+442079460123' }, { clientIp: '203.0.113.9' });
    await flush();
    h.cc.farEndBusy(h.cc.originated()[0]!.channelId);
    await h.service.drain();
    assert.equal((await h.requests.findById(req.id))!.outcome, 'busy');
    assert.equal(h.attempts.rows[0]!.hangupCause, 17);
  });

  it('refuses when no agent of the queue is logged in, forbidden numbers, repeats and floods, without dialling', async () => {
    await assert.rejects(harness({ agents: 0 }).service.request({ phone: '+442079460123' }, { clientIp: 'a' }), (e: unknown) => e instanceof NoAgentsError && e.code === 'no_agents');
    const h = harness({ limit: 1 });
    await assert.rejects(h.service.request({ phone: '+449098790000' }, { clientIp: 'b' }), (e: unknown) => e instanceof ForbiddenDestinationError && e.field === 'phone');
    await assert.rejects(h.service.request({ phone: '999' }, { clientIp: 'c' }), (e: unknown) => e instanceof ForbiddenDestinationError && e.reason === 'emergency');
    await h.service.request({ phone: '+442079460123' }, { clientIp: 'd' });
    await assert.rejects(h.service.request({ phone: '+442079460123' }, { clientIp: 'e' }), RateLimitedError);
    await assert.rejects(h.service.request({ phone: '+442079460124' }, { clientIp: 'd' }), RateLimitedError);
    assert.equal(h.cc.originated().length, 1);
    const h2 = harness();
    h2.requests.create = async (r) => ({ request: { ...r, attempts: 0, outcome: null, customerId: null, createdAt: new Date(), updatedAt: new Date() }, created: false, clientIp: null, idempotencyKey: null });
    await assert.rejects(h2.service.request({ phone: '+442079460123' }, { clientIp: 'f' }), ConflictError);
    assert.equal(h2.cc.originated().length, 0);
  });
});
