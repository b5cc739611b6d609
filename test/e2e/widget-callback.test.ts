import { strict as assert } from 'node:assert';
import type { Page } from 'playwright-core';
import { serveHostPage, skipWithoutChromium, type TestBrowser } from '../support/browser';
import { startBrowserOnIntake, type BrowserOnIntake } from '../support/browser-on-intake';
import { SUPERVISOR_KEY } from '../integration/http/intake-harness';

interface ListedEntry {
  requestId: string;
  state: string;
  position: number | null;
  request: { status: string; channel: string; phone: string | null; sipUri: string | null; name: string | null; pageUrl: string | null } | null;
}

/** How the widget words an anticipated wait. */
function waitText(seconds: number): string {
  if (seconds < 60) return 'less than a minute';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `about ${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return `about ${hours} hour${hours === 1 ? '' : 's'}${rest ? ` ${rest} min` : ''}`;
}

/**
 * The web widget in headless Chromium against the real HTTP app, MariaDB and Redis: the
 * visitor's side in the browser, the supervisor's side through the API.
 */
describe('web widget in a browser', function () {
  this.timeout(60_000);
  let stack: BrowserOnIntake | undefined;
  let base: string;
  let browser: TestBrowser;

  before(async function () {
    skipWithoutChromium(this, 'the browser tests');
    stack = await startBrowserOnIntake('widget');
    ({ base, browser } = stack);
  });

  after(async () => stack?.close());

  afterEach(() => {
    const errors = browser?.pageErrors.splice(0);
    assert.deepEqual(errors ?? [], [], 'no uncaught errors in the page');
  });

  async function combinedList(queue: string): Promise<ListedEntry[]> {
    const res = await fetch(`${base}/api/v1/combined-list?queue=${queue}`, { headers: { Authorization: `Bearer ${SUPERVISOR_KEY}` } });
    assert.equal(res.status, 200);
    return ((await res.json()) as { entries: ListedEntry[] }).entries;
  }

  /** Submits the open form and returns the API's answer as the page received it. */
  async function submit(page: Page, button = 'Request callback'): Promise<{ status: number; body: Record<string, unknown>; idempotencyKey?: string }> {
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/api/v1/help-requests') && r.request().method() === 'POST'),
      page.getByRole('button', { name: button }).click(),
    ]);
    return { status: response.status(), body: (await response.json()) as Record<string, unknown>, idempotencyKey: response.request().headers()['idempotency-key'] };
  }

  it('a visitor asks for a callback on the demo page, sees the wait, and the request is in the combined list with the page URL', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/`);
    await page.getByRole('button', { name: 'Call me back' }).click();
    const dialog = page.getByRole('dialog', { name: 'We will call you' });
    await dialog.waitFor();
    assert.equal(await dialog.getByRole('button', { name: 'Ring me now' }).count(), 0, '"Ring me now" is off unless the tag asks for it');
    await dialog.getByLabel('Phone number').fill('(212) 234-5000');
    await dialog.getByLabel('Your name (optional)').fill('Ada <b>Lovelace</b>');

    const answer = await submit(page);
    assert.equal(answer.status, 201);
    assert.match(answer.idempotencyKey ?? '', /^[0-9a-f-]{36}$/, 'the widget sends an Idempotency-Key');
    const id = String(answer.body.id);

    await dialog.locator('[data-wait]').waitFor({ state: 'visible' });
    assert.equal(typeof answer.body.estimatedWaitSeconds, 'number');
    assert.equal(await dialog.locator('[data-wait]').textContent(), waitText(answer.body.estimatedWaitSeconds as number));
    assert.equal(await dialog.locator('[data-position-text]').textContent(), 'You are number 1 in line.');
    assert.equal(await dialog.locator('[data-status]').textContent(), 'Waiting for the next available agent.');
    assert.equal(await page.getByRole('button', { name: 'Your callback' }).getAttribute('aria-expanded'), 'true');

    const entries = await combinedList('support');
    const entry = entries.find((e) => e.requestId === id);
    assert.ok(entry, 'the request is on the combined list');
    assert.equal(entry.state, 'waiting');
    assert.equal(entry.position, 1);
    assert.equal(entry.request?.phone, '+12122345000', 'the number is stored in E.164');
    assert.equal(entry.request?.pageUrl, `${base}/`, 'the request carries the page the visitor was on');
    assert.equal(entry.request?.name, 'Ada <b>Lovelace</b>');
    assert.equal(entry.request?.channel, 'pstn');

    // Another page of the same site (here: the same one again) picks the request up.
    await page.reload();
    await page.getByRole('button', { name: 'Your callback' }).click();
    await dialog.locator('[data-position-text]').filter({ hasText: 'You are number 1 in line.' }).waitFor();
    await dialog.getByRole('button', { name: 'Cancel callback' }).click();
    await dialog.locator('[data-status]').filter({ hasText: 'cancelled' }).waitFor();
    assert.equal(await dialog.getByRole('button', { name: 'Request another callback' }).isVisible(), true);
    assert.equal((await combinedList('support')).some((e) => e.requestId === id), false, 'a cancelled request leaves the list');
    await page.close();
  });

  it('shows the server\'s error next to the phone field for a number it will not call, and keeps the visitor\'s input', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/`);
    await page.getByRole('button', { name: 'Call me back' }).click();
    const phone = page.getByLabel('Phone number');

    const listed = (await combinedList('support')).length;
    await page.getByRole('button', { name: 'Request callback' }).click();
    assert.equal(await page.locator('#cc-phone-error').textContent(), 'Enter your phone number.', 'an empty number is caught before sending');

    await phone.fill('911');
    const refused = await submit(page);
    assert.equal(refused.status, 422);
    assert.deepEqual(refused.body.error, { code: 'forbidden_destination', message: 'emergency numbers cannot be called back', field: 'phone' });
    const error = page.locator('#cc-phone-error');
    await error.waitFor({ state: 'visible' });
    assert.equal(await error.textContent(), 'Emergency numbers cannot be called back.');
    assert.equal(await phone.getAttribute('aria-invalid'), 'true');
    assert.equal(await phone.inputValue(), '911');

    await phone.fill('12');
    const invalid = await submit(page);
    assert.equal(invalid.status, 400);
    assert.equal(await error.textContent(), 'This is not a valid phone number.');

    await phone.fill('2');
    assert.equal(await error.isVisible(), false, 'the error clears once the visitor edits the field');
    assert.equal((await combinedList('support')).length, listed, 'nothing refused reaches the list');
    await page.close();
  });

  it('asks for a call at a preferred time: the request is scheduled and the widget says when', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/`);
    await page.getByRole('button', { name: 'Call me back' }).click();
    await page.getByLabel('Phone number').fill('+1 312 234 6000');
    // Two days ahead at 10:30 in the browser's own time zone, as a datetime-local input holds it.
    const local = await page.evaluate(() => {
      const d = new Date(Date.now() + 2 * 86_400_000);
      return [d.getFullYear(), d.getMonth() + 1, d.getDate()].map((n) => String(n).padStart(2, '0')).join('-') + 'T10:30';
    });
    await page.getByLabel('Preferred time (optional)').fill(local);
    const answer = await submit(page);
    assert.equal(answer.status, 201);
    assert.equal(answer.body.status, 'scheduled');
    const expected = await page.evaluate((v) => new Date(v).toISOString(), local);
    assert.equal(answer.body.preferredTime, expected, 'the local time is sent with its offset');

    await page.locator('[data-view=status][data-state=scheduled]').waitFor();
    assert.equal(await page.locator('[data-lead]').textContent(), 'We will call you around');
    assert.equal(await page.locator('[data-wait]').textContent(), await page.evaluate((v) => new Date(v).toLocaleString(), expected));
    const entry = (await combinedList('support')).find((e) => e.requestId === answer.body.id);
    assert.equal(entry?.state, 'scheduled');
    await page.close();
  });

  it('works embedded in another site (cross-origin), with a SIP address, and follows a supervisor\'s change live', async () => {
    const host = await serveHostPage(`<!doctype html><html><head><title>Partner shop</title>
      <style>* { font-family: monospace !important; color: red !important; } button { display: none; }</style></head>
      <body><h1>Partner shop</h1>
      <script src="${base}/widget.js" data-queue="billing" data-poll-seconds="2" async></script></body></html>`);
    try {
      const page = await browser.newPage();
      await page.goto(`${host.url}checkout?step=2`);
      const launch = page.getByRole('button', { name: 'Call me back' });
      await launch.click();
      assert.notEqual(await launch.evaluate((el) => getComputedStyle(el).color), 'rgb(255, 0, 0)', 'host page styles do not reach the widget');

      await page.getByLabel('SIP / VoIP').check();
      assert.equal(await page.getByLabel('Phone number').isVisible(), false);
      await page.getByLabel('SIP address').fill('sip:alice@example.com');
      const answer = await submit(page);
      assert.equal(answer.status, 201);
      await page.locator('[data-view=status][data-state=queued]').waitFor();

      const entry = (await combinedList('billing')).find((e) => e.requestId === answer.body.id);
      assert.equal(entry?.request?.sipUri, 'sip:alice@example.com');
      assert.equal(entry?.request?.channel, 'voip');
      assert.equal(entry?.request?.pageUrl, `${host.url}checkout?step=2`);

      const patch = await fetch(`${base}/api/v1/help-requests/${String(answer.body.id)}`, {
        method: 'PATCH',
        headers: { Authorization: `Bearer ${SUPERVISOR_KEY}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ status: 'cancelled' }),
      });
      assert.equal(patch.status, 200);
      // No click: the widget's own status polling has to bring the change to the page.
      await page.locator('[data-view=status][data-state=cancelled]').waitFor({ timeout: 15_000 });
      assert.equal(await page.getByRole('button', { name: 'Cancel callback' }).isVisible(), false);
      await page.close();
    } finally {
      await host.close();
    }
  });
});
