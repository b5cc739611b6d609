import { strict as assert } from 'node:assert';
import express from 'express';
import request from 'supertest';
import { clickToCallRoutes } from '../../src/adapters/http/click-to-call-routes';
import { errorHandler, notFoundHandler } from '../../src/adapters/http/http-errors';
import { ClickToCallService } from '../../src/app/dialer/click-to-call';
import { DestinationPolicy } from '../../src/domain/destination-policy';
import { parseCallbackSettings } from '../../src/domain/dialling-settings';
import { FakeCallControl, flush } from '../support/fake-call-control';
import { MemoryContactQueue } from '../support/acd-memory';
import { FakeClock } from '../support/fake-clock';
import { MemoryAttempts, MemoryRateLimiter, MemoryRequests, silentLogger } from '../unit/dialer-support';

/** The "ring me now" route over HTTP (supertest), with the service on fakes behind it. */
function app(opts: { agents?: number; perIp?: number } = {}) {
  const clock = new FakeClock('2030-01-07T12:00:00.000Z');
  const cc = new FakeCallControl();
  const requests = new MemoryRequests(() => clock.now());
  const rateLimiter = new MemoryRateLimiter(42);
  let seq = 0;
  const service = new ClickToCallService({
    callControl: cc,
    requests,
    attempts: new MemoryAttempts(requests),
    clock,
    logger: silentLogger,
    policy: new DestinationPolicy({ defaultCountry: 'GB', allowedCountries: ['GB'], allowPremium: false, allowNonGeographic: false, sipAllowedDomains: [] }),
    staffing: { loggedInAgents: async () => opts.agents ?? 1 },
    rateLimiter,
    admission: { admit: () => new Promise(() => undefined) },
    list: new MemoryContactQueue(clock),
    queueDialling: () => ({ mode: 'agent-first', callback: parseCallbackSettings({}) }),
    queuePriority: () => 5,
    newRequestId: () => `hr_${String(++seq).padStart(22, 'A')}`,
    owner: 'http-test',
    limits: { perIp: { limit: opts.perIp ?? 30, windowSeconds: 600 }, perNumber: { limit: 6, windowSeconds: 86400 } },
    defaultQueue: 'support',
  });
  const http = express();
  http.use('/api/v1/click-to-call', express.json(), clickToCallRoutes({ service, requests, publicBaseUrl: 'https://help.example.com/', allowedOrigins: ['https://shop.example.com'] }));
  http.use(notFoundHandler);
  http.use(errorHandler(silentLogger));
  return { http, cc, requests };
}

const post = (http: express.Express, body: unknown) => request(http).post('/api/v1/click-to-call').send(body as object);

describe('ring me now over HTTP', () => {
  it('accepts a number, rings it, and shows the progress at the status URL', async () => {
    const { http, cc } = app();
    const res = await post(http, { channel: 'click-to-call', phone: '020 7946 0123', queue: 'support', name: 'Ada', pageUrl: 'https://shop.example.com/cart' });
    assert.equal(res.status, 201);
    assert.equal(res.headers.location, `https://help.example.com/api/v1/click-to-call/${res.body.id}`);
    assert.equal(res.body.statusUrl, res.headers.location);
    assert.equal(res.body.progress, 'ringing');
    assert.equal(res.body.status, 'dialling');
    await flush();
    assert.equal(cc.originated()[0]!.endpoint, 'PJSIP/+442079460123@trunk');

    cc.farEndAnswer(cc.originated()[0]!.channelId);
    await flush();
    const status = await request(http).get(`/api/v1/click-to-call/${res.body.id}`);
    assert.equal(status.status, 200);
    assert.equal(status.headers['cache-control'], 'no-store');
    assert.deepEqual({ status: status.body.status, progress: status.body.progress }, { status: 'dialling', progress: 'connected' });
  });

  it('refuses with a clear code: no agent (409), bad or forbidden numbers (400/422), floods (429), wrong shapes', async () => {
    const noAgents = await post(app({ agents: 0 }).http, { channel: 'click-to-call', phone: '+442079460123' });
    assert.equal(noAgents.status, 409);
    assert.equal(noAgents.body.error.code, 'no_agents');
    assert.match(noAgents.body.error.message, /no agent/);

    const { http, cc } = app({ perIp: 3 });
    const bad = await post(http, { channel: 'click-to-call', phone: '12' });
    assert.deepEqual([bad.status, bad.body.error.code, bad.body.error.field], [400, 'invalid_field', 'phone']);
    const premium = await post(http, { channel: 'click-to-call', phone: '+449098790000' });
    assert.deepEqual([premium.status, premium.body.error.code, premium.body.error.field], [422, 'forbidden_destination', 'phone']);
    const emergency = await post(http, { channel: 'click-to-call', phone: '112' });
    assert.equal(emergency.status, 422);
    const flood = await post(http, { channel: 'click-to-call', phone: '+442079460123' });
    assert.deepEqual([flood.status, flood.headers['retry-after']], [429, '42']);
    assert.equal(cc.originated().length, 0, 'nothing was dialled');

    const shapes = app().http;
    const extra = await post(shapes, { channel: 'click-to-call', phone: '+442079460123', sipUri: 'sip:a@b.c' });
    assert.deepEqual([extra.status, extra.body.error.field], [400, 'sipUri']);
    const channel = await post(shapes, { channel: 'pstn', phone: '+442079460123' });
    assert.deepEqual([channel.status, channel.body.error.field], [400, 'channel']);
    const form = await request(shapes).post('/api/v1/click-to-call').type('form').send('phone=1');
    assert.equal(form.status, 415);
  });

  it('answers 404 for an unknown or malformed id and for requests of other channels', async () => {
    const { http, requests } = app();
    assert.equal((await request(http).get('/api/v1/click-to-call/nope')).status, 404);
    assert.equal((await request(http).get(`/api/v1/click-to-call/hr_${'B'.repeat(22)}`)).status, 404);
    const { request: web } = await requests.create(
      { id: `hr_${'C'.repeat(22)}`, channel: 'pstn', queue: 'support', phone: '+442079460123', sipUri: null, name: null, email: null, pageUrl: null, message: null, priority: 5, arrivalAt: new Date(), preferredAt: null, dueAt: new Date(), status: 'queued', context: {} },
      { actor: 't', action: 'create', entityType: 'help_request', entityId: 'x' },
    );
    assert.equal((await request(http).get(`/api/v1/click-to-call/${web.id}`)).status, 404);
  });

  it('lets the widget call it from the allowed sites only', async () => {
    const { http } = app();
    const ok = await request(http).options('/api/v1/click-to-call').set('Origin', 'https://shop.example.com').set('Access-Control-Request-Method', 'POST');
    assert.equal(ok.status, 204);
    assert.equal(ok.headers['access-control-allow-origin'], 'https://shop.example.com');
    assert.match(ok.headers['access-control-allow-headers'] ?? '', /Content-Type/);
    const other = await request(http).options('/api/v1/click-to-call').set('Origin', 'https://evil.example.net').set('Access-Control-Request-Method', 'POST');
    assert.equal(other.headers['access-control-allow-origin'], undefined);
  });
});
