/**
 * Callback latency with an agent free: from the help request being accepted (committed and
 * listed) to the customer leg being originated, next to the sum of its parts measured in the same
 * run: the database insert, the BullMQ pick-up (list add + take) and the ARI originate round trip
 * (HTTP to the simulator). Everything in between is the overhead the ratio shows. The steps are
 * the dispatcher's: the agent is reserved through the real roster, whose conditional MySQL write
 * runs while the entry is taken, the request read and the real dialer claims the request
 * (request -> dialling plus the attempt row, one transaction); the dialer originates once both
 * writes are stored.
 *
 * Target: p50 total within 1.3x of p50 of the sum of parts.
 * Environment: BENCH_CALLBACKS (default 300), BENCH_STRICT=1 to exit non-zero when the target is
 * missed. Uses its own database, Redis prefix and simulator, and removes them.
 */
import { randomBytes } from 'node:crypto';
import { createAriCallControl } from '../src/adapters/ari/create-ari-call-control';
import { KnexAgentRepository } from '../src/adapters/db/agent-repository';
import { KnexAttemptRepository } from '../src/adapters/db/attempt-repository';
import { KnexHelpRequestRepository } from '../src/adapters/db/help-request-repository';
import { BullmqContactQueue } from '../src/adapters/bullmq/bullmq-contact-queue';
import { createRedisConnection, waitForRedis } from '../src/adapters/redis/redis-connection';
import { AgentRoster } from '../src/app/acd/agent-roster';
import { CallbackDialer } from '../src/app/dialer/callback-dialer';
import { DestinationPolicy } from '../src/domain/destination-policy';
import { parseCallbackSettings } from '../src/domain/dialling-settings';
import type { CallControl } from '../src/ports/call-control';
import type { Clock, TimerHandle } from '../src/ports/clock';
import type { Logger } from '../src/ports/logger';
import { startSimulator } from '../src/simulator';
import { createTestDatabase } from '../test/support/db';
import { TEST_REDIS_URL, uniquePrefix } from '../test/support/redis';
import { distinctPhoneNumbers } from './support/phone-numbers';
import { positive } from './support/env';

const N = positive('BENCH_CALLBACKS', 300);
const WARMUP = positive('BENCH_WARMUP', 30);
const TARGET = 1.3;

const quiet: Logger = { child: () => quiet, trace() {}, debug() {}, info() {}, warn() {}, error() {} };
const clock: Clock = {
  now: () => new Date(),
  setTimeout: (fn, ms) => setTimeout(fn, ms) as unknown as TimerHandle,
  clearTimeout: (h) => clearTimeout(h as unknown as NodeJS.Timeout),
};
const ms = (from: bigint, to: bigint) => Number(to - from) / 1e6;
const pct = (values: number[], p: number) => {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

async function main(): Promise<void> {
  const db = await createTestDatabase('bench_callback');
  const sim = await startSimulator({ port: 0, timeScale: 0.01, user: 'asterisk', password: `pw-${randomBytes(6).toString('hex')}`, defaultApp: 'bench-callback', logger: { info() {}, warn() {}, debug() {}, error() {} } });
  const redis = createRedisConnection(TEST_REDIS_URL, 'command');
  await waitForRedis(redis);
  const prefix = uniquePrefix('bench-callback');
  const list = new BullmqContactQueue({ redis, prefix });
  const ari = createAriCallControl({ url: sim.url, user: sim.user, password: sim.password, app: 'bench-callback', requestTimeoutMs: 3000, logger: quiet });
  await ari.start();
  await ari.waitForConnection(5000);

  // Times each customer-leg originate (the ARI round trip) without changing it.
  const originated = new Map<string, { start: bigint; end: bigint }>();
  const timed: CallControl = Object.create(ari.callControl) as CallControl;
  timed.originate = async (req) => {
    const start = process.hrtime.bigint();
    await ari.callControl.originate(req);
    if (req.channelId.endsWith('-c')) originated.set(req.channelId.slice(3, req.channelId.lastIndexOf('-', req.channelId.length - 3)), { start, end: process.hrtime.bigint() });
  };

  const requests = new KnexHelpRequestRepository(db.knex);
  // One policy for the intake's checks and the dialer's, as the controller has.
  const policy = new DestinationPolicy({ defaultCountry: 'US', allowedCountries: ['US'], allowPremium: false, allowNonGeographic: false, sipAllowedDomains: [] });
  const settings = parseCallbackSettings({ callingWindow: { start: '00:00', end: '23:59', days: [0, 1, 2, 3, 4, 5, 6] } });
  const dialer = new CallbackDialer({
    callControl: timed,
    requests,
    attempts: new KnexAttemptRepository(db.knex),
    clock,
    logger: quiet,
    mailer: null,
    queueDialling: () => ({ mode: 'customer-first', callback: settings }),
    destinationPolicy: policy,
    owner: 'bench',
  });
  sim.control.script({ match: 'PJSIP/+1*', result: 'busy', answerAfterMs: 10 });
  const agent = { id: 'agent-1', name: 'Bench', endpoint: 'PJSIP/agent-1001' };
  await db.knex('agents').insert({ id: agent.id, name: agent.name, endpoint: agent.endpoint });
  const roster = new AgentRoster([{ ...agent, queues: { bench: 1 }, credentials: { tokenSha256: '0'.repeat(64) } }], new KnexAgentRepository(db.knex), clock, quiet);
  await roster.apply(agent.id, { type: 'login' });
  const numbers = distinctPhoneNumbers(N + WARMUP, 1000);
  const rows: Array<{ total: number; insert: number; pickup: number; originate: number; reserve: number; dialer: number }> = [];

  for (let i = 0; i < N + WARMUP; i++) {
    const id = `hr_${randomBytes(16).toString('base64url')}`;
    // The intake checks the number before it accepts the request (not timed: before "accepted").
    const phone = policy.checkPhone(numbers[i]!).e164;
    const t0 = process.hrtime.bigint();
    const now = new Date();
    await requests.create(
      { id, channel: 'pstn', queue: 'bench', phone, sipUri: null, name: null, email: null, pageUrl: null, message: null, priority: 5, arrivalAt: now, preferredAt: null, dueAt: now, status: 'queued', context: {} },
      { actor: 'bench', action: 'create', entityType: 'help_request', entityId: id },
    );
    const t1 = process.hrtime.bigint();
    await list.add({ requestId: id, queue: 'bench', kind: 'callback', priority: 5, arrivalAt: now, dueAt: now });
    // As the dispatcher does it: the agent's write runs while the entry is taken, its request
    // read and the claim made; the dialer waits for it before the originate. The request of the
    // entry peeked is read while the take runs (the list names it before the take).
    const reserving = roster.apply(agent.id, { type: 'reserve' }).then(
      () => true,
      () => false,
    );
    const reading = requests.findById(id);
    const entry = await list.take(['bench'], 'bench-dispatcher');
    const t2 = process.hrtime.bigint();
    if (entry?.requestId !== id) throw new Error('the list handed out another entry');
    const request = await reading;
    const t3 = process.hrtime.bigint();
    if (request?.status !== 'queued') throw new Error(`request ${id} is ${request?.status}, not queued`);
    await dialer.serve({ request, entry, agent, agentHeld: reserving, settle: async () => list.complete(id, 'bench') });
    if (!(await reserving)) throw new Error('the agent reservation was refused');
    await roster.apply(agent.id, { type: 'release' });
    const o = originated.get(id);
    if (!o) throw new Error(`no customer leg for ${id}`);
    await requests.transition(id, ['scheduled', 'queued', 'dialling'], { status: 'failed' });
    if (i >= WARMUP) rows.push({ total: ms(t0, o.end), insert: ms(t0, t1), pickup: ms(t1, t2), originate: ms(o.start, o.end), reserve: ms(t2, t3), dialer: ms(t3, o.start) });
  }

  const col = (k: keyof (typeof rows)[number]) => rows.map((r) => r[k]);
  const parts = rows.map((r) => r.insert + r.pickup + r.originate);
  const line = (label: string, v: number[]) => `${label.padEnd(44)} p50 ${pct(v, 50).toFixed(2).padStart(7)} ms   p99 ${pct(v, 99).toFixed(2).padStart(7)} ms`;
  console.log(`callback latency, ${N} callbacks with an agent free (after ${WARMUP} warm-up), one at a time`);
  console.log(line('accepted -> customer leg originated', col('total')));
  console.log(line('  parts: database insert', col('insert')));
  console.log(line('  parts: BullMQ pick-up (add + take)', col('pickup')));
  console.log(line('  parts: ARI originate round trip', col('originate')));
  console.log(line('  sum of the parts', parts));
  console.log(line('  overhead: request read, beyond the take', col('reserve')));
  console.log(line('  overhead: dialer checks, claim (agent write beside it)', col('dialer')));
  const ratio = pct(col('total'), 50) / pct(parts, 50);
  const ratio99 = pct(col('total'), 99) / pct(parts, 99);
  console.log(`ratio total / sum of parts: p50 ${ratio.toFixed(2)}x, p99 ${ratio99.toFixed(2)}x (target ${TARGET}x at p50): ${ratio <= TARGET ? 'met' : 'MISSED'}`);

  await ari.stop();
  await list.close();
  redis.disconnect();
  await sim.close();
  await db.drop();
  if (process.env.BENCH_STRICT === '1' && ratio > TARGET) process.exit(1);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
