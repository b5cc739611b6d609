import { strict as assert } from 'node:assert';
import type { Page } from 'playwright-core';
import { skipWithoutChromium, type TestBrowser } from '../support/browser';
import { startBrowserOnIntake, type BrowserOnIntake } from '../support/browser-on-intake';
import { SUPERVISOR_KEY, type IntakeHarness } from '../integration/http/intake-harness';


interface Entry {
  requestId: string;
  state: string;
  priority: number;
  arrivalAt: string;
  dueAt: string;
  request: { name: string | null; phone: string | null; status: string } | null;
}

/** A name and a page URL that would run script if a page ever parsed them as HTML. */
const HOSTILE_NAME = '<img src=x onerror="window.__pwned=\'name\'">Mallory';
const HOSTILE_PAGE = 'https://shop.example.com/<img/src=x/onerror=window.__pwned=1>?q=<script>window.__pwned=2</script>';
const HOSTILE_MESSAGE = '</td><script>window.__pwned=3</script><b>bold?</b>';

/**
 * The supervisor console in headless Chromium against the real HTTP app, MariaDB and Redis:
 * requests go in through the public API, the supervisor works the list in the page.
 */
describe('supervisor console in a browser', function () {
  this.timeout(60_000);
  let harness: IntakeHarness;
  let stack: BrowserOnIntake | undefined;
  let base: string;
  let browser: TestBrowser;
  let nextNumber = 0;

  before(async function () {
    skipWithoutChromium(this, 'the console browser tests');
    stack = await startBrowserOnIntake('console_sup');
    ({ harness, base, browser } = stack);
  });

  after(async () => stack?.close());

  afterEach(async () => {
    const errors = browser?.pageErrors.splice(0);
    if (harness) for (const e of await combinedList()) await fetch(`${base}/api/v1/help-requests/${e.requestId}`, { method: 'DELETE' });
    assert.deepEqual(errors ?? [], [], 'no uncaught errors in the page');
  });

  async function combinedList(): Promise<Entry[]> {
    const res = await fetch(`${base}/api/v1/combined-list?queue=support`, { headers: { Authorization: `Bearer ${SUPERVISOR_KEY}` } });
    assert.equal(res.status, 200);
    return ((await res.json()) as { entries: Entry[] }).entries;
  }

  /** A web callback request through the public API; returns its id and the number it will call. */
  async function submit(fields: Record<string, unknown>): Promise<{ id: string; phone: string }> {
    const phone = `+1212234${String(5100 + nextNumber++).padStart(4, '0')}`;
    const res = await fetch(`${base}/api/v1/help-requests`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ channel: 'pstn', phone, ...fields }) });
    assert.equal(res.status, 201, await res.clone().text());
    return { id: String(((await res.json()) as { id: string }).id), phone };
  }

  async function signIn(page: Page, key = SUPERVISOR_KEY): Promise<void> {
    await page.goto(`${base}/console/supervisor.html`);
    await page.getByLabel('Supervisor API key').fill(key);
    await page.locator('#sign-in').getByLabel('Queue').fill('support');
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  /** Names in the rows, top to bottom, once the page shows `count` rows. */
  async function shownNames(page: Page, count: number): Promise<string[]> {
    await page.waitForFunction((n) => document.querySelectorAll('#rows tr').length === n, count);
    return page.$$eval('#rows tr [data-col=customer] .name', (cells) => cells.map((c) => c.textContent ?? ''));
  }

  async function waitForOrder(page: Page, names: string[]): Promise<void> {
    await page.waitForFunction(
      (expected) => JSON.stringify(Array.from(document.querySelectorAll('#rows tr [data-col=customer] .name')).map((c) => c.textContent)) === JSON.stringify(expected),
      names,
    );
  }

  async function manage(page: Page, name: string) {
    await page.locator('#rows tr', { hasText: name }).getByRole('button', { name: 'Manage' }).click();
    const dialog = page.getByRole('dialog', { name: 'Manage request' });
    await dialog.waitFor();
    return dialog;
  }

  it('lists the queue in the order of service with masked destinations, and a priority change reorders it', async () => {
    const ada = await submit({ name: 'Ada', pageUrl: 'https://shop.example.com/plans' });
    await submit({ name: 'Brian' });
    const cleo = await submit({ name: 'Cleo', message: 'Router keeps rebooting' });

    const page = await browser.newPage();
    await signIn(page);
    assert.deepEqual(await shownNames(page, 3), ['Ada', 'Brian', 'Cleo']);
    assert.deepEqual((await combinedList()).map((e) => e.request?.name), ['Ada', 'Brian', 'Cleo'], 'the page shows the API order');

    const first = page.locator('#rows tr').first();
    assert.equal(await first.getAttribute('data-request-id'), ada.id);
    const cells = await first.locator('td').allTextContents();
    assert.equal(cells[0], '1');
    assert.equal(cells[1], 'waiting');
    assert.equal(cells[2], 'callback');
    assert.equal(cells[3], 'pstn');
    assert.equal(cells[4], `+\u2022\u2022\u2022\u2022\u2022\u2022\u2022${ada.phone.slice(-4)}`, 'only the last four digits are shown');
    assert.equal(cells[8], '5', 'the default priority');
    assert.equal(cells[9], '0', 'no attempts yet');
    assert.equal(cells[10], 'https://shop.example.com/plans');
    const api = (await combinedList())[0]!;
    assert.deepEqual(await first.locator('time').evaluateAll((ts) => ts.map((t) => t.getAttribute('datetime'))), [new Date(api.arrivalAt).toISOString(), new Date(api.dueAt).toISOString()], 'arrival and due time, machine-readable');
    const text = await page.locator('main').textContent();
    assert.ok(!text?.includes(ada.phone.slice(2, 8)), 'the full number is not on the page');
    assert.match(await page.locator('#rows tr', { hasText: 'Cleo' }).locator('.message').textContent() ?? '', /Router keeps rebooting/);

    const dialog = await manage(page, 'Cleo');
    await dialog.getByLabel('Priority (1 is served first)').fill('1');
    await dialog.getByRole('button', { name: 'Set priority' }).click();
    await waitForOrder(page, ['Cleo', 'Ada', 'Brian']);
    assert.equal(await dialog.isVisible(), false, 'the dialog closes after a successful change');
    const listed = await combinedList();
    assert.deepEqual(listed.map((e) => e.requestId)[0], cleo.id);
    assert.equal(listed[0]!.priority, 1, 'the priority is stored');
    assert.equal(await page.locator('#rows tr').first().locator('[data-col=priority]').textContent(), '1');
    await page.close();
  });

  it('reschedules a request to a preferred time, shows the API error for a time in the past, and cancels one', async () => {
    await submit({ name: 'Dora' });
    await submit({ name: 'Emil' });
    const fynn = await submit({ name: 'Fynn' });
    const page = await browser.newPage();
    await signIn(page);
    await shownNames(page, 3);

    let dialog = await manage(page, 'Dora');
    const inTwoHours = new Date(Date.now() + 2 * 3600_000);
    // The datetime-local value in the browser's own time zone.
    const local = await page.evaluate((ms) => new Date(ms - new Date(ms).getTimezoneOffset() * 60_000).toISOString().slice(0, 16), inTwoHours.getTime());
    await dialog.getByLabel('Preferred time').fill(local);
    await dialog.getByRole('button', { name: 'Reschedule' }).click();
    await waitForOrder(page, ['Emil', 'Fynn', 'Dora']);
    const dora = (await combinedList()).find((e) => e.request?.name === 'Dora')!;
    assert.equal(dora.state, 'scheduled');
    assert.equal(Math.abs(new Date(dora.dueAt).getTime() - inTwoHours.getTime()) < 60_000, true, 'due at the chosen minute');
    assert.equal(await page.locator('#rows tr', { hasText: 'Dora' }).locator('.state').textContent(), 'scheduled');

    dialog = await manage(page, 'Emil');
    await dialog.getByLabel('Preferred time').fill('2001-01-01T09:00');
    await dialog.getByRole('button', { name: 'Reschedule' }).click();
    const error = dialog.getByRole('alert');
    await error.waitFor({ state: 'visible' });
    assert.equal(await error.textContent(), 'preferredTime: must not be in the past', 'the API error names the field');
    assert.equal(await dialog.isVisible(), true, 'the dialog stays open to correct the input');
    await dialog.getByRole('button', { name: 'Close' }).click();

    dialog = await manage(page, 'Fynn');
    await dialog.getByRole('button', { name: 'Cancel request' }).click();
    await dialog.getByRole('button', { name: 'Yes, cancel it' }).click();
    await waitForOrder(page, ['Emil', 'Dora']);
    assert.equal((await combinedList()).some((e) => e.requestId === fynn.id), false, 'the cancelled request left the list');
    const status = (await (await fetch(`${base}/api/v1/help-requests/${fynn.id}`)).json()) as { status: string };
    assert.equal(status.status, 'cancelled');
    await page.close();
  });

  it('says so when a request changed under the supervisor (cancelled by the customer meanwhile)', async () => {
    const gus = await submit({ name: 'Gus' });
    const page = await browser.newPage();
    await signIn(page);
    await shownNames(page, 1);
    const dialog = await manage(page, 'Gus');
    await fetch(`${base}/api/v1/help-requests/${gus.id}`, { method: 'DELETE' });
    await dialog.getByLabel('Priority (1 is served first)').fill('2');
    await dialog.getByRole('button', { name: 'Set priority' }).click();
    const error = dialog.getByRole('alert');
    await error.waitFor({ state: 'visible' });
    assert.equal(await error.textContent(), 'a cancelled request cannot be changed');
    await page.close();
  });

  it('shows a hostile name, message and page URL as text: nothing runs and no element is created', async () => {
    await submit({ name: HOSTILE_NAME, pageUrl: HOSTILE_PAGE, message: HOSTILE_MESSAGE });
    const page = await browser.newPage();
    let dialogs = 0;
    page.on('dialog', (d) => {
      dialogs++;
      void d.dismiss();
    });
    await signIn(page);
    await shownNames(page, 1);
    const row = page.locator('#rows tr').first();
    assert.equal(await row.locator('[data-col=customer] .name').textContent(), HOSTILE_NAME);
    assert.equal(await row.locator('[data-col=page]').textContent(), HOSTILE_PAGE);
    assert.equal(await row.locator('.message').textContent(), HOSTILE_MESSAGE);
    assert.equal(await page.locator('#rows img, #rows script, #rows b').count(), 0, 'no element was made from the data');
    assert.equal(await page.locator('#rows td').count(), 12, 'the row keeps its twelve cells');
    const dialog = await manage(page, 'Mallory');
    assert.match((await dialog.locator('#manage-summary').textContent()) ?? '', /^<img src=x onerror=/);
    assert.equal(await dialog.locator('img').count(), 0);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await page.waitForTimeout(50);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned), undefined, 'no script ran');
    assert.equal(dialogs, 0);
    await page.close();
  });

  it('masks destinations to their end and links only http(s) pages without credentials (the consoles\' helpers in the browser)', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/console/supervisor.html`);
    // A string, so the module is imported by the page itself rather than by the test's compiler.
    const result = await page.evaluate(`import('/console/common.js').then((m) => ({
      phone: m.maskDestination('+442079460177'),
      short: m.maskDestination('1234'),
      sip: m.maskDestination('sip:alice.smith@example.com'),
      shortSip: m.maskDestination('sip:bo@example.com'),
      urls: ['https://shop.example.com/a?b=1', 'http://x.example/', 'javascript:alert(1)', 'data:text/html,<b>x</b>', 'https://user:pw@example.com/', '//example.com/', 'vbscript:x', 'HTTPS://EXAMPLE.COM/'].map(m.safeHttpUrl),
    }))`);
    assert.deepEqual(result, {
      phone: `+${'\u2022'.repeat(8)}0177`,
      short: '\u2022\u2022\u2022\u2022',
      sip: `sip:${'\u2022'.repeat(9)}th@example.com`,
      shortSip: 'sip:\u2022\u2022\u2022@example.com',
      urls: ['https://shop.example.com/a?b=1', 'http://x.example/', null, null, null, null, null, 'https://example.com/'],
    });
    await page.close();
  });

  it('refuses a wrong key at sign-in, keeps the key out of the URL and local storage, and forgets it on sign-out', async () => {
    const page = await browser.newPage();
    await signIn(page, 'not-the-key');
    const error = page.locator('#sign-in-error');
    await error.waitFor({ state: 'visible' });
    assert.equal(await error.textContent(), 'The supervisor API key was refused. Sign in again.');
    assert.equal(await page.evaluate(() => sessionStorage.length), 0, 'a refused key is not kept');

    await page.getByLabel('Supervisor API key').fill(SUPERVISOR_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('#console').waitFor({ state: 'visible' });
    assert.equal(page.url(), `${base}/console/supervisor.html`);
    assert.equal(await page.evaluate(() => localStorage.length), 0);
    assert.match(await page.evaluate(() => sessionStorage.getItem('cc.supervisor') ?? ''), /test-supervisor-key/);

    await page.reload();
    await page.locator('#console').waitFor({ state: 'visible' });
    assert.equal(await page.locator('#sign-in').isVisible(), false, 'a reload in the same tab stays signed in');
    await page.getByRole('button', { name: 'Sign out' }).click();
    assert.equal(await page.locator('#sign-in').isVisible(), true);
    assert.equal(await page.evaluate(() => sessionStorage.length), 0);
    await page.close();
  });
});
