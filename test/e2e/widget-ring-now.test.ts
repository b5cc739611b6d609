import { strict as assert } from 'node:assert';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Page, Route } from 'playwright-core';
import { launchBrowser, serveHostPage, skipWithoutChromium, type HostPage, type TestBrowser } from '../support/browser';

const WIDGET = resolve(__dirname, '../../src/adapters/http/public/widget.js');
/** An API origin the browser can only reach through the test's route handler. */
const API = 'http://cc.invalid';
const ID = 'hr_AAAAAAAAAAAAAAAAAAAAAA';

/**
 * The widget's "Ring me now" option in Chromium. The click-to-call API is answered by the test,
 * following the contract of src/adapters/http/click-to-call-routes.ts (201 with statusUrl; GET
 * gives status and progress; 409 no_agents), so each call stage can be shown on demand. The real
 * route and call flow are tested with the dialer.
 */
describe('web widget: ring me now, keyboard use', function () {
  this.timeout(30_000);
  let browser: TestBrowser;
  let host: HostPage;
  let posted: Array<{ body: unknown; headers: Record<string, string> }>;
  let progress: string[];

  before(async function () {
    skipWithoutChromium(this, 'the browser tests');
    host = await serveHostPage(`<!doctype html><html><head><title>Shop</title></head><body><h1>Shop</h1>
      <script src="${API}/widget.js" data-queue="sales" data-ring-now async></script></body></html>`);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await host?.close();
  });

  afterEach(() => assert.deepEqual(browser?.pageErrors.splice(0) ?? [], [], 'no uncaught errors in the page'));

  async function openPage(answer: (route: Route) => Promise<void>): Promise<Page> {
    posted = [];
    const page = await browser.newPage();
    await page.route(`${API}/**`, async (route) => {
      const req = route.request();
      const cors = { 'access-control-allow-origin': '*', 'access-control-allow-headers': 'Content-Type, Idempotency-Key', 'access-control-allow-methods': 'GET, POST, DELETE' };
      if (req.url() === `${API}/widget.js`) return route.fulfill({ body: await readFile(WIDGET, 'utf8'), contentType: 'text/javascript' });
      if (req.method() === 'OPTIONS') return route.fulfill({ status: 204, headers: cors });
      if (req.method() === 'POST') posted.push({ body: req.postDataJSON(), headers: req.headers() });
      return answer(route);
    });
    await page.goto(host.url);
    await page.getByRole('button', { name: 'Call me back' }).click();
    return page;
  }

  const json = (route: Route, status: number, body: unknown) =>
    route.fulfill({ status, contentType: 'application/json', headers: { 'access-control-allow-origin': '*' }, body: JSON.stringify(body) });

  it('rings the visitor now and follows the call from ringing to the agent to the end', async () => {
    progress = ['ringing', 'in-queue', 'with-agent', 'ended'];
    let polls = 0;
    const polled = new Set<string>();
    const page = await openPage(async (route) => {
      if (route.request().method() === 'POST') {
        return json(route, 201, { id: ID, channel: 'click-to-call', queue: 'sales', status: 'dialling', progress: 'ringing', statusUrl: `/api/v1/click-to-call/${ID}` });
      }
      polled.add(route.request().url());
      const stage = progress[Math.min(++polls, progress.length - 1)]!;
      return json(route, 200, { id: ID, channel: 'click-to-call', queue: 'sales', status: stage === 'ended' ? 'completed' : 'connected', progress: stage });
    });
    await page.getByLabel('Phone number').fill('+44 20 7946 0123');
    await page.getByRole('button', { name: 'Ring me now' }).click();

    await page.locator('[data-view=status][data-state=ringing]').waitFor();
    assert.equal(await page.locator('[data-status]').textContent(), 'Your phone is ringing. Answer it and press 1 to be connected.');
    assert.equal(posted.length, 1);
    assert.deepEqual(posted[0]!.body, { channel: 'click-to-call', pageUrl: host.url, queue: 'sales', phone: '+44 20 7946 0123' });
    assert.equal(await page.getByRole('button', { name: 'Cancel callback' }).isVisible(), false, 'a call being placed cannot be cancelled from the page');

    await page.locator('[data-view=status][data-state=with-agent]').waitFor({ timeout: 15_000 });
    await page.locator('[data-view=status][data-state=completed]').waitFor({ timeout: 15_000 });
    assert.equal(await page.locator('[data-status]').textContent(), 'Done. Thank you for contacting us.');
    assert.deepEqual([...polled], [`${API}/api/v1/click-to-call/${ID}`], 'the status URL the API gave is polled');
    const seen = polls;
    await page.waitForTimeout(2500);
    assert.equal(polls, seen, 'polling stops once the call has ended');
    await page.close();
  });

  it('tells the visitor when nobody can take the call right now, without losing the number', async () => {
    const page = await openPage((route) =>
      json(route, 409, { error: { code: 'no_agents', message: 'no agent of this queue is logged in right now; please ask for a callback instead', field: 'queue' } }),
    );
    await page.getByLabel('Phone number').fill('+44 20 7946 0456');
    await page.getByRole('button', { name: 'Ring me now' }).click();
    const general = page.locator('[data-general-error]');
    await general.waitFor({ state: 'visible' });
    assert.equal(await general.textContent(), 'No agent of this queue is logged in right now; please ask for a callback instead.');
    assert.equal(await page.getByLabel('Phone number').inputValue(), '+44 20 7946 0456');
    assert.equal(await page.getByRole('button', { name: 'Ring me now' }).isEnabled(), true);
    await page.close();
  });

  it('offers "Ring me now" for phone numbers only', async () => {
    const page = await openPage((route) => json(route, 500, {}));
    assert.equal(await page.getByRole('button', { name: 'Ring me now' }).isVisible(), true);
    await page.getByLabel('SIP / VoIP').check();
    assert.equal(await page.getByRole('button', { name: 'Ring me now' }).isVisible(), false);
    await page.close();
  });

  it('is usable from the keyboard: focus moves into the form, Escape closes it and returns focus', async () => {
    const page = await openPage((route) => json(route, 500, {}));
    const focused = () => page.evaluate(() => document.querySelector('[data-cc-callback]')?.shadowRoot?.activeElement?.id ?? null);
    assert.equal(await focused(), 'cc-phone', 'the first field has the focus once the form opens');
    await page.keyboard.press('Escape');
    assert.equal(await page.getByRole('dialog').count(), 0);
    const launch = page.getByRole('button', { name: 'Call me back' });
    assert.equal(await launch.getAttribute('aria-expanded'), 'false');
    assert.equal(await launch.evaluate((el) => el.getRootNode() instanceof ShadowRoot && (el.getRootNode() as ShadowRoot).activeElement === el), true);
    await page.close();
  });
});
