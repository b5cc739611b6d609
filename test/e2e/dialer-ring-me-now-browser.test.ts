import { strict as assert } from 'node:assert';
import type { Controller } from '../../src/compose';
import { parseCenterConfig } from '../../src/domain/center-config';
import { launchBrowser, serveHostPage, skipWithoutChromium, type HostPage, type TestBrowser } from '../support/browser';
import { startSimulatedController, type SimulatedController } from '../support/simulated-controller';

const center = parseCenterConfig({
  queues: [
    {
      id: 'support',
      name: 'Support',
      handleSeconds: 120,
      callback: { callingWindow: { start: '00:00', end: '23:59', days: [0, 1, 2, 3, 4, 5, 6] }, menu: { inputTimeoutSeconds: 2 } },
    },
  ],
  agents: [{ id: 'alice', name: 'Alice', endpoint: 'PJSIP/agent-1001', queues: { support: 1 }, credentials: { tokenSha256: 'a'.repeat(64) } }],
  defaultMenu: 'main',
  menus: { main: { prompt: 'sound:welcome', options: { '1': { action: 'queue', queue: 'support' } } } },
  operator: { queue: 'support' },
});

/**
 * "Ring me now" from a web page in headless Chromium, through the whole controller (HTTP, MariaDB,
 * Redis, the ACD and the dialer) on the simulator: the visitor's phone rings, they press 1, they
 * join the line as a caller and are bridged to the agent, and the page follows every stage.
 */
describe('ring me now from the web page to a bridged agent', function () {
  this.timeout(60_000);
  let stack: SimulatedController;
  let controller: Controller;
  let browser: TestBrowser;
  let host: HostPage;

  before(async function () {
    skipWithoutChromium(this, 'the ring-me-now browser test');
    stack = await startSimulatedController('ringmenow', center, { DEFAULT_COUNTRY: 'GB', ALLOWED_COUNTRIES: 'GB' });
    controller = stack.controller;
    host = await serveHostPage(`<!doctype html><html><head><title>Shop</title></head><body><h1>Shop</h1>
      <script src="${controller.url}/widget.js" data-queue="support" data-ring-now data-poll-seconds="2" async></script></body></html>`);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await host?.close();
    await stack?.stop();
  });

  it('refuses while no agent is logged in, then rings, queues and bridges once one is', async () => {
    const sim = controller.simulator!;
    const phone = '+442079460177';
    sim.control.script({ match: phone, result: 'answer', ringMs: 200, answerAfterMs: 2000, dtmf: [{ atMs: 3000, digits: '1' }] });
    const page = await browser.newPage();
    await page.goto(host.url);
    await page.getByRole('button', { name: 'Call me back' }).click();
    await page.getByLabel('Phone number').fill('020 7946 0177');

    await page.getByRole('button', { name: 'Ring me now' }).click();
    await page.locator('[data-general-error]').waitFor({ state: 'visible' });
    assert.match((await page.locator('[data-general-error]').textContent()) ?? '', /No agent of this queue is logged in/);
    assert.equal(sim.control.listOriginations().length, 0, 'nothing dialled');

    await controller.acd.agentService.login('alice');
    await page.getByRole('button', { name: 'Ring me now' }).click();
    await page.locator('[data-view=status][data-state=ringing]').waitFor({ timeout: 10_000 });
    await page.locator('[data-view=status][data-state=with-agent]').waitFor({ timeout: 30_000 });

    const customerLeg = sim.control.listOriginations().find((o) => o.endpoint === `PJSIP/${phone}@trunk`);
    assert.ok(customerLeg, 'the visitor was rung through the trunk');
    const bridge = sim.control.listBridges().find((b) => b.channelIds.includes(customerLeg.channelId));
    assert.ok(bridge, 'the visitor is in a bridge');
    const agentLeg = sim.control.listChannels().find((c) => bridge.channelIds.includes(c.id) && c.id !== customerLeg.channelId);
    assert.ok(agentLeg, 'with the agent');
    assert.equal(sim.control.listOriginations().filter((o) => o.endpoint === `PJSIP/${phone}@trunk`).length, 1, 'rung once');
    await page.close();
  });
});
