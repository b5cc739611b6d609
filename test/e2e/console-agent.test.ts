import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { Router } from 'express';
import type { Page } from 'playwright-core';
import { KnexCallRecordRepository } from '../../src/adapters/db/call-record-repository';
import { acdSupervisorRouter } from '../../src/adapters/http/acd-supervisor-routes';
import { agentRouter } from '../../src/adapters/http/agent-routes';
import { RedisRateLimiter } from '../../src/adapters/redis/redis-rate-limiter';
import { hashAgentToken } from '../../src/app/acd/agent-credentials';
import type { Controller } from '../../src/compose';
import { parseCenterConfig } from '../../src/domain/center-config';
import { launchBrowser, skipWithoutChromium, type TestBrowser } from '../support/browser';
import { startSimulatedController, type SimulatedController } from '../support/simulated-controller';

const ALICE_TOKEN = `alice-${randomBytes(12).toString('hex')}`;
const BOB_TOKEN = `bob-${randomBytes(12).toString('hex')}`;
const SUPERVISOR_KEY = `supervisor-${randomBytes(12).toString('hex')}`;

const center = parseCenterConfig({
  queues: [
    {
      id: 'support',
      name: 'Support',
      handleSeconds: 120,
      wrapUpSeconds: 15,
      callback: { callingWindow: { start: '00:00', end: '23:59', days: [0, 1, 2, 3, 4, 5, 6] } },
    },
  ],
  agents: [
    { id: 'alice', name: 'Alice Agent', endpoint: 'PJSIP/agent-1001', queues: { support: 1 }, credentials: { tokenSha256: hashAgentToken(ALICE_TOKEN) } },
    { id: 'bob', name: 'Bob Agent', endpoint: 'PJSIP/agent-1002', queues: { support: 1 }, credentials: { tokenSha256: hashAgentToken(BOB_TOKEN) } },
  ],
  defaultMenu: 'main',
  menus: { main: { prompt: 'sound:welcome', options: { '1': { action: 'queue', queue: 'support' }, '4': { action: 'voicemail', queue: 'support' } } } },
  operator: { queue: 'support' },
});

const HOSTILE_NAME = '<img src=x onerror="window.__pwned=1">Mallory';
const HOSTILE_PAGE = 'https://shop.example.com/<svg/onload=window.__pwned=2>?plan=fiber';
const HOSTILE_MESSAGE = 'Line one\n<script>window.__pwned=3</script>';
const HOSTILE_NOTES = '<a href="javascript:window.__pwned=4">VIP</a>';

/**
 * The agent desktop in headless Chromium through the whole controller (HTTP, MariaDB, Redis, the
 * ACD and the dialer on the simulator): sign-in, state buttons, the screen pop from the event
 * stream, the call's progress and the wrap-up; and the supervisor console's queue statistics and agents.
 */
describe('agent desktop in a browser', function () {
  this.timeout(60_000);
  let stack: SimulatedController;
  let controller: Controller;
  let browser: TestBrowser;
  let base: string;
  const ariApp = `cc-console-${randomBytes(3).toString('hex')}`;

  before(async function () {
    skipWithoutChromium(this, 'the agent desktop tests');
    // The agent API and the ACD's supervisor views need the ACD, which the controller builds.
    const agents = Router();
    const acdViews = Router();
    stack = await startSimulatedController(
      'console_agent',
      center,
      { ARI_APP: ariApp, SUPERVISOR_API_KEY: SUPERVISOR_KEY, DEFAULT_COUNTRY: 'US', ALLOWED_COUNTRIES: 'US' },
      {
        routers: [
          { path: '/api/v1/agents', router: agents },
          { path: '/api/v1', router: acdViews },
        ],
      },
    );
    controller = stack.controller;
    agents.use(agentRouter({ acd: controller.acd, rateLimiter: new RedisRateLimiter(controller.redis, stack.prefix) }));
    acdViews.use(acdSupervisorRouter({ acd: controller.acd, records: new KnexCallRecordRepository(controller.knex), queues: ['support'], supervisorApiKey: SUPERVISOR_KEY }));
    base = controller.url!;
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await stack?.stop();
  });

  afterEach(() => {
    const errors = browser?.pageErrors.splice(0);
    assert.deepEqual(errors ?? [], [], 'no uncaught errors in the page');
  });

  async function submit(fields: Record<string, unknown>): Promise<string> {
    const res = await fetch(`${base}/api/v1/help-requests`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ channel: 'pstn', ...fields }) });
    assert.equal(res.status, 201, await res.clone().text());
    return ((await res.json()) as { id: string }).id;
  }

  async function signIn(page: Page, agentId: string, token: string): Promise<void> {
    await page.goto(`${base}/console/agent.html`);
    await page.getByLabel('Agent ID').fill(agentId);
    await page.getByLabel('Token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  const field = (page: Page, name: string) => page.locator(`#pop-body [data-field="${name}"]`);

  it('signs in, goes available, shows the screen pop of a web callback as text, follows the call and saves the wrap-up', async () => {
    const phone = '+12122345301';
    controller.simulator!.control.script({ match: phone, result: 'answer', answerAfterMs: 500, hangupAfterMs: 40_000 });
    await controller.knex('customers').insert({ name: 'Mallory Customer', phone, account_ref: 'ACC-77', notes: HOSTILE_NOTES });
    // An earlier request of the same number, for the history.
    const earlier = await submit({ phone, name: 'Mallory' });
    assert.equal((await fetch(`${base}/api/v1/help-requests/${earlier}`, { method: 'DELETE' })).status, 200);

    const requests: string[] = [];
    const page = await browser.newPage();
    page.on('request', (r) => requests.push(r.url()));
    await signIn(page, 'alice', ALICE_TOKEN);
    await page.locator('#connection[data-state=open]').waitFor();
    assert.equal(await page.locator('#who').textContent(), 'Alice Agent (alice)');
    assert.equal(await page.locator('#state').textContent(), 'logged out');

    const id = await submit({ phone, name: HOSTILE_NAME, pageUrl: HOSTILE_PAGE, message: HOSTILE_MESSAGE });
    await page.getByRole('button', { name: 'Available' }).click();
    await page.locator('#pop-status[data-phase=offered]').waitFor({ timeout: 15_000 });

    assert.equal(await field(page, 'name').textContent(), HOSTILE_NAME);
    assert.equal(await field(page, 'caller-id').textContent(), phone);
    assert.equal(await field(page, 'channel').textContent(), 'pstn');
    assert.equal(await field(page, 'kind').textContent(), 'callback');
    assert.equal(await field(page, 'page-url').locator('.url-text').textContent(), HOSTILE_PAGE);
    const link = field(page, 'page-url').getByRole('link', { name: 'Open page' });
    assert.equal(await link.getAttribute('href'), new URL(HOSTILE_PAGE).href, 'the link goes to the parsed http(s) URL');
    assert.equal(await link.getAttribute('rel'), 'noopener noreferrer');
    assert.equal(await link.getAttribute('target'), '_blank');
    assert.equal(await field(page, 'message').textContent(), HOSTILE_MESSAGE);
    assert.equal(await field(page, 'customer-name').textContent(), 'Mallory Customer');
    assert.equal(await field(page, 'customer-account').textContent(), 'ACC-77');
    assert.equal(await field(page, 'customer-notes').textContent(), HOSTILE_NOTES);
    assert.match((await field(page, 'history').textContent()) ?? '', /pstn · cancelled/);
    assert.equal(await page.locator('#pop-body img, #pop-body svg, #pop-body script').count(), 0, 'no element was made from the data');
    assert.equal(await page.locator('#pop-body a').count(), 1, 'the only link is "Open page"');

    await page.locator('#pop-status[data-phase=connected]').waitFor({ timeout: 15_000 });
    await page.locator('#pop-status[data-phase=ended]').waitFor({ timeout: 15_000 });
    assert.equal(await page.locator('#pop-status').textContent(), 'Call ended. Wrap-up: 15 s.');
    await page.getByLabel('Disposition').selectOption('resolved');
    await page.getByLabel('Notes').fill('Explained the <b>router</b> reset');
    const [saved] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/api/v1/agents/alice/calls/${id}/disposition`)),
      page.getByRole('button', { name: 'Save wrap-up' }).click(),
    ]);
    assert.equal(saved.status(), 201);
    await page.locator('#disposition-done').waitFor({ state: 'visible' });
    const stored = await controller.knex('dispositions').where({ request_id: id }).first();
    assert.equal(stored?.agent_id, 'alice');
    assert.equal(stored?.disposition, 'resolved');
    assert.equal(stored?.notes, 'Explained the <b>router</b> reset');

    await page.getByLabel('Pause reason').fill('lunch');
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.locator('#state[data-state=paused]').waitFor();
    assert.equal(await page.locator('#state-reason').textContent(), '(lunch)');
    assert.equal(controller.acd.roster.get('alice').status.state, 'paused');
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.locator('#state[data-state=logged-out]').waitFor();
    assert.equal(controller.acd.roster.get('alice').status.state, 'logged-out');

    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned), undefined, 'no script ran');
    assert.ok(requests.some((u) => u.includes('/api/v1/agents/alice/events?token=')), 'the stream is opened with a stream token');
    assert.ok(!requests.some((u) => u.includes(ALICE_TOKEN)), "the agent's own token never appears in a URL");
    await page.close();
  });

  it("refuses a wrong token and another agent's token, and shows a state change the API refuses", async () => {
    const page = await browser.newPage();
    await signIn(page, 'alice', 'not-her-token');
    const error = page.locator('#sign-in-error');
    await error.waitFor({ state: 'visible' });
    assert.equal(await error.textContent(), 'The agent ID or token was refused.');
    await signIn(page, 'alice', BOB_TOKEN);
    await error.waitFor({ state: 'visible' });
    assert.equal(await error.textContent(), 'Sign-in failed: an agent may act only on their own account');
    assert.equal(await page.evaluate(() => sessionStorage.length), 0, 'refused credentials are not kept');

    await signIn(page, 'bob', BOB_TOKEN);
    await page.locator('#connection[data-state=open]').waitFor();
    // A second desktop of Bob's logs him in meanwhile; this page's state comes from the stream.
    await controller.acd.agentService.login('bob');
    await page.locator('#state[data-state=available]').waitFor();
    await controller.acd.agentService.logout('bob');
    await page.locator('#state[data-state=logged-out]').waitFor();
    // Pausing while logged out: the API's refusal is shown with its field.
    await page.evaluate(() => {
      (document.querySelector('#pause-form button') as HTMLButtonElement).disabled = false;
    });
    await page.getByLabel('Pause reason').fill('training');
    await page.getByRole('button', { name: 'Pause' }).click();
    const stateError = page.locator('#state-error');
    await stateError.waitFor({ state: 'visible' });
    assert.equal(await stateError.textContent(), 'state: an agent who is logged-out cannot pause');
    await page.close();
  });

  it('shows the queue statistics the controller computes and the agents\' states in the supervisor console', async () => {
    // A web visitor asks for a callback tomorrow: it waits, scheduled.
    await submit({ phone: '+12122345398', name: 'Stats Visitor', preferredTime: new Date(Date.now() + 86_400_000).toISOString() });
    // A caller chooses the support queue while nobody is logged in and gives up after 40 simulated seconds.
    controller.simulator!.control.injectInbound({ from: '+12122345399', did: '5551234', app: ariApp, dtmf: [{ atMs: 1000, digits: '1' }], hangupAfterMs: 40_000 });
    const from = new Date();
    from.setHours(0, 0, 0, 0);
    let total: { offered: number; answered: number; abandoned: number } = { offered: 0, answered: 0, abandoned: 0 };
    for (let i = 0; i < 100 && total.abandoned === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      const res = await fetch(`${base}/api/v1/queues/support/stats?from=${from.toISOString()}&to=${new Date().toISOString()}`, { headers: { Authorization: `Bearer ${SUPERVISOR_KEY}` } });
      total = ((await res.json()) as { total: typeof total }).total;
    }
    assert.equal(total.abandoned, 1, 'the caller who gave up is counted');
    await controller.acd.agentService.login('bob');

    const page = await browser.newPage();
    await page.goto(`${base}/console/supervisor.html`);
    await page.getByLabel('Supervisor API key').fill(SUPERVISOR_KEY);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const stats = page.locator('#stats');
    await stats.waitFor({ state: 'visible' });
    assert.equal(await stats.locator('[data-stat=offered]').textContent(), String(total.offered));
    assert.equal(await stats.locator('[data-stat=answered]').textContent(), String(total.answered));
    assert.equal(await stats.locator('[data-stat=abandoned]').textContent(), `${Math.round((total.abandoned / total.offered) * 100)} % (1)`);
    assert.equal(await stats.locator('[data-stat=service-level]').textContent(), '0 %', 'nobody answered within the service level');
    const today = (await (await fetch(`${base}/api/v1/queues/support/stats?from=${from.toISOString()}&to=${new Date().toISOString()}`, { headers: { Authorization: `Bearer ${SUPERVISOR_KEY}` } })).json()) as { callbacks: { requested: number; open: number } };
    assert.ok(today.callbacks.requested >= 1 && today.callbacks.open >= 1, 'the scheduled web callback is counted');
    assert.equal(await stats.locator('[data-stat=callbacks-requested]').textContent(), String(today.callbacks.requested));
    assert.equal(await stats.locator('[data-stat=callbacks-open]').textContent(), String(today.callbacks.open));
    const agents = page.locator('#agents');
    await agents.waitFor({ state: 'visible' });
    assert.equal(await agents.locator('[data-agent-id=bob] .name').textContent(), 'Bob Agent');
    assert.equal(await agents.locator('[data-agent-id=bob] [data-state]').textContent(), 'available');
    assert.equal(await agents.locator('[data-agent-id=alice] [data-state]').textContent(), 'logged-out');
    await controller.acd.agentService.logout('bob');
    await page.close();
  });

  it('plays the voice message a caller left, from the screen pop, with a stream token in the audio URL', async () => {
    const sim = controller.simulator!.control;
    const from = '+12122345302';
    // The callback to the caller, once the agent has listened: answered and soon over.
    sim.script({ match: from, result: 'answer', answerAfterMs: 500, hangupAfterMs: 2000 });
    const caller = sim.injectInbound({ from, did: '5551234', app: ariApp, dtmf: [{ atMs: 500, digits: '4' }] });
    for (let i = 0; i < 200 && !sim.listRecordings().live.some((r) => r.targetUri === `channel:${caller}` && r.state === 'recording'); i++) await new Promise((r) => setTimeout(r, 25));
    await new Promise((r) => setTimeout(r, 250)); // 5 simulated seconds of message
    sim.sendDtmf(caller, '#');
    let stored: { id: string; context: unknown } | undefined;
    for (let i = 0; i < 200 && !stored; i++) {
      await new Promise((r) => setTimeout(r, 25));
      stored = await controller.knex('help_requests').where({ channel: 'voicemail', phone: from }).first('id', 'context');
    }
    assert.ok(stored, 'the voice message became a request');
    const context = (typeof stored.context === 'string' ? JSON.parse(stored.context) : stored.context) as { durationSeconds: number };

    const page = await browser.newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await signIn(page, 'alice', ALICE_TOKEN);
    await page.locator('#connection[data-state=open]').waitFor();
    const audioPath = `/api/v1/agents/alice/recordings/${stored.id}`;
    const [served] = await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).pathname === audioPath, { timeout: 15_000 }),
      page.getByRole('button', { name: 'Available' }).click(),
    ]);
    assert.equal(served.status(), 200);
    assert.equal(served.headers()['content-type'], 'audio/wav');
    assert.equal(await field(page, 'channel').textContent(), 'voicemail');
    const audio = field(page, 'recording').locator('audio');
    assert.match((await audio.getAttribute('src')) ?? '', new RegExp(`^${audioPath}\\?token=[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$`));
    // The browser decoded the WAV: its length is the message's.
    await page.waitForFunction(() => ((document.querySelector('#pop-body audio') as HTMLAudioElement | null)?.readyState ?? 0) >= 1);
    const seconds = await audio.evaluate((el) => (el as HTMLAudioElement).duration);
    assert.ok(Math.abs(seconds - context.durationSeconds) < 1, `the player shows ${seconds} s for a ${context.durationSeconds} s message`);
    assert.ok(!requests.some((u) => u.includes(ALICE_TOKEN)), "the agent's own token never appears in a URL");
    await page.close();
  });
});
