/**
 * Dispatch latency: the time from "an agent becomes available" to "that agent's phone leg is
 * originated", with BENCH_CONTACTS (default 10,000) contacts waiting in the REAL combined list
 * (BullMQ on Redis) and the real ACD (roster with conditional state writes, dispatcher, agent
 * connector), the real callback dialer in agent-first mode and the MySQL repositories. Only the
 * telephony is played by FakeCallControl: every leg answers at once, the agent hangs up as soon as
 * the call is bridged, wrap-up is 0 s, and the agent becomes available again. So each of the
 * BENCH_DISPATCHES (default 200, after a warm-up) dispatches starts from an "available" and ends at
 * the originate of the agent leg; callers on hold and callbacks alternate at the head of the list.
 *
 * "Available" is the moment the roster applies the change. The dispatch p50/p99 are printed with
 * the time spent meanwhile in the list (peek, take) and in MySQL (the agent's state writes:
 * available, reserve and, for a caller, ring; for a callback the request's status change and the
 * dialer's claim). The run checks that the contacts were served in the list's order, each once.
 *
 * Next to it, in the same run, one at a time before and after the dispatches: a Redis round trip
 * (PING), a MySQL round trip (SELECT 1) and a committed one-row insert, the yardsticks of what a
 * dispatch must at least cost. Uses its own database and Redis prefix and removes both.
 * BENCH_MAX_P99_MS=<n> makes the run fail when the dispatch p99 exceeds n.
 */
import { randomBytes } from 'node:crypto';
import { BullmqContactQueue } from '../src/adapters/bullmq/bullmq-contact-queue';
import { KnexAgentRepository } from '../src/adapters/db/agent-repository';
import { KnexAttemptRepository } from '../src/adapters/db/attempt-repository';
import { KnexCallRecordRepository } from '../src/adapters/db/call-record-repository';
import { KnexCustomerRepository } from '../src/adapters/db/customer-repository';
import { KnexHelpRequestRepository } from '../src/adapters/db/help-request-repository';
import { createRedisConnection, waitForRedis } from '../src/adapters/redis/redis-connection';
import { Acd } from '../src/app/acd/acd';
import { ChannelIo } from '../src/app/acd/channel-io';
import { CallbackDialer } from '../src/app/dialer/callback-dialer';
import { newRequestId } from '../src/app/intake/request-id';
import { parseCenterConfig } from '../src/domain/center-config';
import { DestinationPolicy } from '../src/domain/destination-policy';
import type { OriginateRequest } from '../src/ports/call-control';
import type { Clock, TimerHandle } from '../src/ports/clock';
import type { Logger } from '../src/ports/logger';
import { centerDocument } from '../test/support/acd-center';
import { createTestDatabase } from '../test/support/db';
import { FakeCallControl } from '../test/support/fake-call-control';
import { TEST_REDIS_URL, uniquePrefix } from '../test/support/redis';
import { percentile, runLoad } from './support/load-runner';
import { distinctPhoneNumbers } from './support/phone-numbers';
import { positive } from './support/env';

const CONTACTS = positive('BENCH_CONTACTS', 10_000);
const DISPATCHES = positive('BENCH_DISPATCHES', 200);
const WARMUP = 20;
const PINGS = 2000;
const COMMITS = 400;
const AGENT = 'bob';
const AGENT_ENDPOINT = 'PJSIP/agent-1002';
const LEG_TIMEOUT_MS = 15_000;

const clock: Clock = {
  now: () => new Date(),
  setTimeout: (fn, ms) => setTimeout(fn, ms) as unknown as TimerHandle,
  clearTimeout: (h) => clearTimeout(h as unknown as NodeJS.Timeout),
};
const quiet: Logger = { child: () => quiet, trace() {}, debug() {}, info() {}, warn() {}, error: (o, m) => process.env.BENCH_DEBUG && console.error(m, o) };

interface Dispatch {
  kind: 'caller' | 'callback';
  requestId: string;
  ms: number;
  /** Time inside the list and database calls started during this dispatch, by label. */
  spent: Map<string, number>;
}

function stats(values: number[]): { p50: number; p99: number; max: number } {
  const s = [...values].sort((a, b) => a - b);
  return { p50: percentile(s, 0.5), p99: percentile(s, 0.99), max: s[s.length - 1] ?? NaN };
}

function line(label: string, values: number[]): string {
  const s = stats(values);
  return `${label.padEnd(50)} n=${String(values.length).padStart(5)}   p50 ${s.p50.toFixed(3).padStart(7)} ms   p99 ${s.p99.toFixed(3).padStart(7)} ms   max ${s.max.toFixed(3).padStart(7)} ms`;
}

async function main(): Promise<void> {
  const served = WARMUP + DISPATCHES;
  if (served > CONTACTS) throw new Error(`BENCH_CONTACTS (${CONTACTS}) must be at least ${served}`);
  const db = await createTestDatabase('bench_dispatch');
  const prefix = uniquePrefix('bench-dispatch');
  const redis = createRedisConnection(TEST_REDIS_URL, 'command');
  await waitForRedis(redis);
  const list = new BullmqContactQueue({ redis, prefix });
  const cc = new FakeCallControl();
  let acd: Acd | null = null;
  try {
    const doc = centerDocument();
    const queues = doc.queues as Array<Record<string, unknown>>;
    Object.assign(queues[0]!, { wrapUpSeconds: 0, ringTimeoutSeconds: 60, maxWaitSeconds: 0, announceEverySeconds: 3600, callback: { callingWindow: { start: '00:00', end: '23:59', days: [0, 1, 2, 3, 4, 5, 6] } } });
    const center = parseCenterConfig(doc);
    const support = center.queues.find((q) => q.id === 'support')!;
    const requests = new KnexHelpRequestRepository(db.knex);
    const destinations = new DestinationPolicy({ defaultCountry: 'US', allowedCountries: ['US'], allowPremium: false, allowNonGeographic: false, sipAllowedDomains: [] });
    const dialerAttempts = new KnexAttemptRepository(db.knex);
    const dialer = new CallbackDialer({
      callControl: cc,
      requests,
      attempts: dialerAttempts,
      clock,
      logger: quiet,
      mailer: null,
      queueDialling: () => ({ mode: 'agent-first', callback: support.callback }),
      destinationPolicy: destinations,
      owner: `bench-${randomBytes(3).toString('hex')}`,
    });
    const customers = new KnexCustomerRepository(db.knex);
    const agents = new KnexAgentRepository(db.knex);
    acd = new Acd({ center, cc, queue: list, requests, agents, records: new KnexCallRecordRepository(db.knex), customers, history: customers, callbacks: dialer, destinations, clock, log: quiet, newRequestId, holderId: 'bench' });

    // The waiting contacts: one request row each, then one list entry each. At the head of the
    // list, callers on hold and callbacks alternate; the rest are callbacks.
    console.log(`dispatch bench: ${CONTACTS} waiting contacts, ${DISPATCHES} dispatches after ${WARMUP} warm-up, Node ${process.version}`);
    const phones = distinctPhoneNumbers(CONTACTS);
    const base = Date.now() - CONTACTS * 1000;
    const contacts = phones.map((phone, i) => ({ id: newRequestId(), phone, kind: (i < 2 * served && i % 2 === 0 ? 'caller' : 'callback') as 'caller' | 'callback', arrivalAt: new Date(base + i * 1000) }));
    const t0 = process.hrtime.bigint();
    const inserted = await runLoad('insert', { total: CONTACTS, concurrency: 16 }, async (i) => {
      const c = contacts[i]!;
      await requests.create(
        { id: c.id, channel: c.kind === 'caller' ? 'inbound' : 'pstn', queue: 'support', phone: c.phone, sipUri: null, name: 'Bench Customer', email: null, pageUrl: null, message: null, priority: 5, arrivalAt: c.arrivalAt, preferredAt: null, dueAt: c.arrivalAt, status: 'queued', context: {} },
        { actor: 'bench', action: 'created', entityType: 'help_request', entityId: c.id },
      );
    });
    const listed = await runLoad('list', { total: CONTACTS, concurrency: 16 }, (i) => {
      const c = contacts[i]!;
      return list.add({ requestId: c.id, queue: 'support', kind: c.kind, priority: 5, arrivalAt: c.arrivalAt, dueAt: c.arrivalAt });
    });
    if (inserted.failed || listed.failed) throw new Error(`setting up the list failed: ${[...inserted.failures, ...listed.failures].join(' | ')}`);
    console.log(`set-up: ${CONTACTS} requests in MySQL and in the combined list in ${(Number(process.hrtime.bigint() - t0) / 1e9).toFixed(1)} s (${(await list.list('support')).length} listed)`);

    // Callers on hold for the caller entries: a channel in Stasis each, as the inbound flow leaves it.
    const running = acd;
    for (const c of contacts.filter((x) => x.kind === 'caller')) {
      const channelId = cc.inbound('5551234', c.phone, { args: ['bench-hold'] });
      running.callers.add({ requestId: c.id, queue: 'support', callerNumber: c.phone, io: new ChannelIo(cc, channelId, clock), callId: channelId, enteredAt: c.arrivalAt, offering: false, handOver: async () => running.callers.delete(c.id) });
    }

    // The far ends: every leg answers at once; the agent hangs up as soon as the call is bridged.
    let availableAt: bigint | null = null;
    const dispatches: Dispatch[] = [];
    let onDispatch: ((d: Dispatch) => void) | null = null;
    const originate = cc.originate.bind(cc);
    cc.originate = async (req: OriginateRequest) => {
      await originate(req);
      if (req.endpoint === AGENT_ENDPOINT && availableAt !== null) {
        const ms = Number(process.hrtime.bigint() - availableAt) / 1e6;
        availableAt = null;
        const d: Dispatch = { kind: req.channelId.startsWith('agent-') ? 'caller' : 'callback', requestId: req.variables?.CC_REQUEST_ID ?? '?', ms, spent: new Map(spans) };
        dispatches.push(d);
        onDispatch?.(d);
      }
      setImmediate(() => cc.channels.has(req.channelId) && cc.farEndAnswer(req.channelId));
    };
    const addToBridge = cc.addToBridge.bind(cc);
    cc.addToBridge = async (bridgeId, ids, role) => {
      await addToBridge(bridgeId, ids, role);
      const agentLeg = ids.find((id) => cc.channels.get(id)?.originated?.endpoint === AGENT_ENDPOINT);
      if (agentLeg) setImmediate(() => cc.channels.has(agentLeg) && cc.farEndHangup(agentLeg));
    };
    // "Available" is the moment the roster applies the change (its database write follows, and
    // the dispatcher may act on the state before that write is done).
    const roster = acd.roster;
    const apply = roster.apply.bind(roster);
    roster.apply = (agentId, event) => {
      const before = roster.get(agentId).status.state;
      const result = apply(agentId, event);
      if (agentId === AGENT && before !== 'available' && roster.get(AGENT).status.state === 'available') {
        availableAt = process.hrtime.bigint();
        spans.clear();
      }
      return result;
    };
    // Where a dispatch spends its time: calls started between "available" and the originate.
    const spans = new Map<string, number>();
    const timed = <T extends object>(target: T, method: keyof T & string, label: string) => {
      const original = (target[method] as (...args: unknown[]) => Promise<unknown>).bind(target);
      (target as Record<string, unknown>)[method] = async (...args: unknown[]) => {
        if (availableAt === null) return original(...args);
        const started = process.hrtime.bigint();
        try {
          return await original(...args);
        } finally {
          spans.set(label, (spans.get(label) ?? 0) + Number(process.hrtime.bigint() - started) / 1e6);
        }
      };
    };
    timed(list, 'peek', 'Redis: peek the best entry');
    timed(list, 'take', 'Redis: take the entry');
    timed(agents, 'saveState', 'MySQL: agent state writes');
    timed(requests, 'transition', 'MySQL: request status change');
    timed(dialerAttempts, 'claim', 'MySQL: dialer claims the attempt');
    await acd.start();

    const ping: number[] = [];
    const sql: number[] = [];
    const commit: number[] = [];
    const yardsticks = async () => {
      await sample(ping, PINGS / 2, () => redis.ping());
      await sample(sql, PINGS / 2, () => db.knex.raw('select 1'));
      await sample(commit, COMMITS / 2, () => db.knex.transaction((trx) => trx('agent_state_log').insert({ agent_id: 'carol', state: 'logged-out', reason: null, at: new Date() })));
    };
    await yardsticks();

    const next = () =>
      new Promise<Dispatch>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no agent leg within ${LEG_TIMEOUT_MS} ms after dispatch ${dispatches.length}`)), LEG_TIMEOUT_MS);
        onDispatch = (d) => {
          clearTimeout(timer);
          onDispatch = null;
          resolve(d);
        };
      });
    const first = next();
    await acd.agentService.login(AGENT);
    await first;
    while (dispatches.length < served) await next();
    // No further dispatch; the last call runs to its end so nothing is left half done.
    acd.dispatcher.stop();
    await waitFor(() => acd!.roster.get(AGENT).status.state === 'available', 'the agent back after the last call');

    await yardsticks();

    // Served in the list's order, each contact once.
    const expected = contacts.slice(0, served).map((c) => c.id);
    const got = dispatches.slice(0, served).map((d) => d.requestId);
    const outOfOrder = got.findIndex((id, i) => id !== expected[i]);
    if (outOfOrder >= 0) throw new Error(`dispatch ${outOfOrder} served ${got[outOfOrder]}, expected ${expected[outOfOrder]} (the list's order)`);
    const left = (await list.list('support')).filter((e) => e.state === 'waiting').length;
    if (left !== CONTACTS - served) throw new Error(`${left} entries left waiting, expected ${CONTACTS - served}`);

    const measured = dispatches.slice(WARMUP, served);
    const all = measured.map((d) => d.ms);
    console.log('');
    console.log(line('agent available -> agent leg originated', all));
    console.log(line('  caller on hold (connector rings the agent)', measured.filter((d) => d.kind === 'caller').map((d) => d.ms)));
    console.log(line('  due callback (dialer, agent first)', measured.filter((d) => d.kind === 'callback').map((d) => d.ms)));
    const labels = [...new Set(measured.flatMap((x) => [...x.spent.keys()]))];
    for (const label of labels) console.log(line(`    in ${label}`, measured.flatMap((x) => (x.spent.has(label) ? [x.spent.get(label)!] : []))));
    console.log(line('Redis round trip (PING)', ping));
    console.log(line('MySQL round trip (SELECT 1)', sql));
    console.log(line('MySQL one-row insert, committed', commit));
    const d = stats(all);
    const p = stats(ping);
    const m = stats(sql);
    const c = stats(commit);
    console.log(`ratio: dispatch p50 = ${(d.p50 / p.p50).toFixed(1)}x Redis PING p50 (${(d.p50 / m.p50).toFixed(1)}x MySQL SELECT 1, ${(d.p50 / c.p50).toFixed(1)}x a committed insert); p99 = ${(d.p99 / p.p99).toFixed(1)}x PING p99`);
    console.log(`checked: ${served} contacts served in the list's order, ${left} still waiting`);
    const limit = process.env.BENCH_MAX_P99_MS ? Number(process.env.BENCH_MAX_P99_MS) : null;
    if (limit !== null && d.p99 > limit) {
      console.error(`dispatch p99 ${d.p99.toFixed(3)} ms exceeds BENCH_MAX_P99_MS=${limit}`);
      process.exitCode = 2;
    }
  } finally {
    await acd?.stop().catch(() => undefined);
    await list.close();
    const keys = await redis.keys(`${prefix}:*`);
    for (let i = 0; i < keys.length; i += 1000) await redis.del(...keys.slice(i, i + 1000));
    redis.disconnect();
    await db.drop();
  }
}

/** Runs `op` `count` times, one at a time, and appends each latency in ms. */
async function sample(into: number[], count: number, op: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < count; i++) {
    const started = process.hrtime.bigint();
    await op();
    into.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
