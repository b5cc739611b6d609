import { strict as assert } from 'node:assert';
import type { Controller } from '../../src/compose';
import { parseCenterConfig } from '../../src/domain/center-config';
import { startSimulatedController, type SimulatedController } from '../support/simulated-controller';

const open = { callingWindow: { start: '00:00', end: '23:59', days: [0, 1, 2, 3, 4, 5, 6] }, menu: { inputTimeoutSeconds: 2 } };
const center = parseCenterConfig({
  queues: [
    { id: 'support', name: 'Support', wrapUpSeconds: 0, callbackMode: 'agent-first', callback: { ...open, callerId: 'Acme <+442071234567>' } },
    { id: 'sales', name: 'Sales', wrapUpSeconds: 0, callbackMode: 'customer-first', callback: { ...open, retry: { busy: { delaySeconds: 120, maxAttempts: 2 } } } },
  ],
  agents: [{ id: 'alice', name: 'Alice', endpoint: 'PJSIP/agent-1001', queues: { support: 1, sales: 1 }, credentials: { tokenSha256: 'a'.repeat(64) } }],
  defaultMenu: 'main',
  menus: { main: { prompt: 'sound:welcome', options: { '1': { action: 'queue', queue: 'support' } } } },
  operator: { queue: 'support' },
});

/**
 * A web callback through the whole controller on the simulator: HTTP intake, MariaDB, the
 * combined list in Redis, the ACD's dispatcher reserving the agent, and the dialer calling.
 */
describe('web callback request to a connected agent, through the whole controller', function () {
  this.timeout(60_000);
  let stack: SimulatedController;
  let controller: Controller;

  before(async () => {
    stack = await startSimulatedController('webcallback', center, { DEFAULT_COUNTRY: 'GB', ALLOWED_COUNTRIES: 'GB' });
    controller = stack.controller;
    await controller.acd.agentService.login('alice');
  });
  after(async () => {
    await stack?.stop();
  });

  async function submit(body: Record<string, unknown>): Promise<string> {
    const res = await fetch(`${controller.url}/api/v1/help-requests`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal(res.status, 201, await res.clone().text());
    return ((await res.json()) as { id: string }).id;
  }
  async function statusOf(id: string): Promise<{ status: string; attempts: number; dueAt: string }> {
    return (await (await fetch(`${controller.url}/api/v1/help-requests/${id}`)).json()) as { status: string; attempts: number; dueAt: string };
  }
  async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await probe();
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('agent first: the free agent is rung, then the customer, they are bridged, and the request completes', async () => {
    const sim = controller.simulator!;
    const phone = '+442079460181';
    sim.control.script({ match: phone, result: 'answer', ringMs: 200, answerAfterMs: 1500, hangupAfterMs: 20_000 });
    const id = await submit({ channel: 'pstn', phone: '020 7946 0181', queue: 'support', name: 'Ada', pageUrl: 'https://shop.example.com/cart' });
    const bridge = await until('the call bridge', async () => sim.control.listBridges().find((b) => b.id === `call-${id}` && b.channelIds.length === 2));
    assert.deepEqual([...bridge.channelIds].sort(), [`cb-${id}-1-a`, `cb-${id}-1-c`]);
    await until('the status page to say connected', async () => (await statusOf(id)).status === 'connected');
    await until('the request to complete', async () => (await statusOf(id)).status === 'completed');
    const legs = sim.control.listOriginations().filter((o) => o.channelId.startsWith(`cb-${id}-`));
    assert.deepEqual(legs.map((o) => o.endpoint), ['PJSIP/agent-1001', `PJSIP/${phone}@trunk`]);
    assert.equal(legs[1]!.callerId, 'Acme <+442071234567>');
    const [attempt] = await controller.knex('contact_attempts').where({ request_id: id });
    assert.equal(attempt.outcome, 'connected');
    assert.equal(attempt.agent_id, 'alice');
  });

  it('customer first: a busy customer is rescheduled by the retry policy and the agent is released', async () => {
    const sim = controller.simulator!;
    const phone = '+442079460182';
    sim.control.script({ match: phone, result: 'busy', ringMs: 100, answerAfterMs: 500 });
    const before = Date.now();
    const id = await submit({ channel: 'pstn', phone, queue: 'sales' });
    const after = await until('the busy attempt', async () => {
      const s = await statusOf(id);
      return s.status === 'scheduled' && s.attempts === 1 ? s : undefined;
    });
    const delay = new Date(after.dueAt).getTime() - before;
    assert.ok(delay >= 120_000 && delay < 140_000, `rescheduled after about 2 minutes, got ${delay} ms`);
    assert.equal(sim.control.listOriginations().filter((o) => o.channelId.startsWith(`cb-${id}-`) && o.endpoint === 'PJSIP/agent-1001').length, 0, 'the agent was never rung');
    const entry = await controller.list.get(id, 'sales');
    assert.equal(entry?.state, 'scheduled');
  });
});
