import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { startSimulator, type Simulator } from '../../src/simulator';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { TEST_REDIS_URL, uniquePrefix } from '../support/redis';
import { reservedRequest, startDialerStack, type DialerStack } from './dialer-stack';

interface Child {
  proc: ChildProcess;
  lines: Array<Record<string, unknown>>;
  next(event: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  exited: Promise<number | null>;
}

describe('callback dialer with real controller processes: a crash mid-dial and two processes racing', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  let sim: Simulator;
  let stack: DialerStack;
  let prefix: string;
  const app = `cc-dialer-crash-${randomBytes(3).toString('hex')}`;
  const children: Child[] = [];

  before(async () => {
    db = await createTestDatabase('dialercrash');
    sim = await startSimulator({ port: 0, timeScale: 0.05, user: 'asterisk', password: `pw-${randomBytes(6).toString('hex')}`, defaultApp: app, logger: { info() {}, warn() {}, debug() {}, error() {} } });
    prefix = uniquePrefix('dialercrash');
    stack = await startDialerStack({ databaseUrl: db.url, redisUrl: TEST_REDIS_URL, prefix, ari: { url: sim.url, user: sim.user, password: sim.password, app }, mode: 'customer-first', owner: 'test-runner', leaseMs: 1500 });
  });
  after(async () => {
    for (const c of children) if (c.proc.exitCode === null && c.proc.signalCode === null) c.proc.kill('SIGKILL');
    await stack?.close();
    await sim?.close();
    await db?.drop();
  });

  function child(action: 'serve' | 'recover', owner: string, extra: Record<string, string> = {}): Child {
    const proc = spawn(process.execPath, ['--import=tsx', join(__dirname, 'dialer-child.ts')], {
      env: {
        ...process.env,
        CC_DB_URL: db.url,
        CC_REDIS_URL: TEST_REDIS_URL,
        CC_PREFIX: prefix,
        CC_ARI_URL: sim.url,
        CC_ARI_USER: sim.user,
        CC_ARI_PASSWORD: sim.password,
        CC_ARI_APP: app,
        CC_MODE: 'customer-first',
        CC_OWNER: owner,
        CC_ACTION: action,
        CC_LEASE_MS: '1500',
        ...extra,
      },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const lines: Array<Record<string, unknown>> = [];
    const waiters: Array<() => void> = [];
    createInterface({ input: proc.stdout! }).on('line', (l) => {
      lines.push(JSON.parse(l) as Record<string, unknown>);
      for (const w of waiters.splice(0)) w();
    });
    const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
    const c: Child = {
      proc,
      lines,
      exited,
      async next(event, timeoutMs = 20_000) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const found = lines.find((l) => l.event === event);
          if (found) return found;
          if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`child ${owner} gave no ${event} (exit ${proc.exitCode})`);
          await new Promise<void>((resolve) => {
            waiters.push(resolve);
            setTimeout(resolve, 100);
          });
        }
      },
    };
    children.push(c);
    return c;
  }

  const originationsOf = (requestId: string) => sim.control.listOriginations().filter((o) => o.channelId.startsWith(`cb-${requestId}-`) && o.endpoint.includes('@trunk'));

  async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  it('two controller processes handed the same request dial the customer once', async () => {
    const phone = '+442079460150';
    sim.control.script({ match: phone, result: 'busy', ringMs: 200, answerAfterMs: 2000 });
    const req = await reservedRequest(stack, `hr_${randomBytes(16).toString('base64url')}`, { phone });
    const a = child('serve', 'controller-a', { CC_REQUEST_ID: req.id });
    const b = child('serve', 'controller-b', { CC_REQUEST_ID: req.id });
    await Promise.all([a.next('ready'), b.next('ready')]);
    a.proc.stdin!.write('go\n');
    b.proc.stdin!.write('go\n');
    const [sa, sb] = await Promise.all([a.next('settled'), b.next('settled')]);
    assert.equal(await a.exited, 0);
    assert.equal(await b.exited, 0);
    assert.equal(originationsOf(req.id).length, 1, 'one originate in the simulator');
    const attempts = await stack.attempts.listForRequest(req.id);
    assert.deepEqual(attempts.map((x) => x.outcome), ['busy']);
    const kinds = [sa.settled, sb.settled].map((s) => (s as { kind: string }).kind).sort();
    assert.deepEqual(kinds, ['done', 'requeue'], 'the loser let go at once, the winner rescheduled the busy callback');
    assert.equal((await stack.requests.findById(req.id))!.status, 'scheduled');
  });

  it('a controller SIGKILLed mid-dial: the next start records the interrupted attempt, hangs up the leg and schedules one clean retry', async () => {
    const phone = '+442079460151';
    sim.control.script({ match: phone, result: 'answer', ringMs: 100, answerAfterMs: 600_000 });
    const req = await reservedRequest(stack, `hr_${randomBytes(16).toString('base64url')}`, { phone });
    const victim = child('serve', 'controller-victim', { CC_REQUEST_ID: req.id });
    await victim.next('ready');
    victim.proc.stdin!.write('go\n');
    await until('the customer leg to ring', () => originationsOf(req.id).length === 1);
    victim.proc.kill('SIGKILL');
    await victim.exited;
    assert.equal(victim.lines.some((l) => l.event === 'settled'), false, 'killed before it could settle');
    const [open] = await stack.attempts.listForRequest(req.id);
    assert.equal(open!.endedAt, null, 'the attempt is left open by the dead process');

    await new Promise((r) => setTimeout(r, 1600)); // the dead process's lease runs out
    const restarted = child('recover', 'controller-restarted');
    assert.equal((await restarted.next('recovered')).count, 1);
    assert.equal(await restarted.exited, 0);

    const [interrupted] = await stack.attempts.listForRequest(req.id);
    assert.equal(interrupted!.outcome, 'interrupted');
    await until('the leftover leg to be hung up', () => !sim.control.listChannels().some((c) => c.id === `cb-${req.id}-1-c`));
    const after = (await stack.requests.findById(req.id))!;
    assert.equal(after.status, 'scheduled');
    assert.equal(after.attempts, 0, 'the interruption is not held against the customer');
    const entry = await stack.list.get(req.id, req.queue);
    assert.equal(entry?.state, 'scheduled');
    assert.equal(entry!.dueAt.getTime(), after.dueAt.getTime());
    assert.equal(entry!.arrivalAt.getTime(), req.arrivalAt.getTime(), 'its place in line is kept');

    assert.equal(await stack.sweeper.sweep(true), 0, 'recovered once, not again');
    // The clean retry, as the dispatcher would hand it out once due.
    sim.control.script({ match: phone, result: 'busy', answerAfterMs: 200 });
    const reserved = await stack.requests.transition(req.id, ['scheduled'], { status: 'reserved' });
    await stack.serve(reserved!, { id: 'agent-1', name: 'Grace', endpoint: 'PJSIP/agent-1001' });
    assert.equal(originationsOf(req.id).length, 2, 'the killed attempt and exactly one retry');
    assert.deepEqual((await stack.attempts.listForRequest(req.id)).map((x) => [x.attemptNo, x.outcome]), [[1, 'interrupted'], [2, 'busy']]);
  });
});
