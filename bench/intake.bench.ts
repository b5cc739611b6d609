/**
 * Intake throughput and latency through the full HTTP path (keep-alive client -> Express ->
 * validation -> rate limits in Redis -> MariaDB transaction -> BullMQ combined list), against a
 * baseline measured in the same run: plain knex inserts of the same rows at the same concurrency.
 *
 * Targets: at least 0.7x the plain-insert rate, p99 within 5 ms of the plain-insert p99.
 * Environment: BENCH_REQUESTS (per round, default 3000), BENCH_CONCURRENCY (default 32),
 * BENCH_ROUNDS (default 3), BENCH_WARMUP (operations of each kind before the first round, default
 * 3000: the server's hot path takes a few thousand requests to be compiled, the plain inserts far
 * fewer, and both are measured warm), BENCH_STRICT=1 to exit non-zero when a target is missed,
 * BENCH_SERVER_CPU_PROF=<dir> to write a CPU profile of the server process there.
 * The server runs in its own process (the load generator must not share its event loop) with its
 * own pool of 10 connections, the same size as the baseline's. Uses its own database and Redis
 * prefix and removes both.
 */
import { randomUUID } from 'node:crypto';
import { createTestDatabase } from '../test/support/db';
import { TEST_REDIS_URL, uniquePrefix } from '../test/support/redis';
import { createJsonClient } from './support/json-client';
import { spawnIntakeServer } from './support/intake-server-process';
import { runLoad, type LoadResult } from './support/load-runner';
import { distinctPhoneNumbers } from './support/phone-numbers';
import { insertHelpRequestRows } from './support/plain-insert';
import { measureCpu, namedProcessCpu, pidCpu, selfCpu, type CpuSource } from './support/process-cpu';
import { positive } from './support/env';

const REQUESTS = positive('BENCH_REQUESTS', 3000);
const CONCURRENCY = positive('BENCH_CONCURRENCY', 32);
const ROUNDS = positive('BENCH_ROUNDS', 3);
const WARMUP = positive('BENCH_WARMUP', 3000);
const TARGET_RATE_RATIO = 0.7;
const TARGET_P99_DELTA_MS = 5;
const PAGE_URL = 'https://shop.example.com/plans/fiber-1000?ref=bench';

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function line(label: string, r: Pick<LoadResult, 'perSecond' | 'p50Ms' | 'p99Ms'> & Partial<LoadResult>): string {
  const failed = r.failed ? `  FAILED ${r.failed}${r.failures ? `: ${r.failures.join(' | ')}` : ''}` : '';
  return `${label.padEnd(28)} ${r.perSecond.toFixed(0).padStart(6)} req/s   p50 ${r.p50Ms.toFixed(2).padStart(6)} ms   p99 ${r.p99Ms.toFixed(2).padStart(6)} ms${failed}`;
}

async function main(): Promise<void> {
  const db = await createTestDatabase('bench_intake');
  const prefix = uniquePrefix('bench-intake');
  const server = await spawnIntakeServer(db.url, TEST_REDIS_URL, prefix);
  const client = createJsonClient(server.url, CONCURRENCY);
  // Every help request needs its own number: one open request per number and queue.
  const total = (WARMUP + REQUESTS * ROUNDS) * 2;
  const numbers = distinctPhoneNumbers(total);
  let nextNumber = 0;
  const take = (count: number): string[] => numbers.slice(nextNumber, (nextNumber += count));

  const viaHttp = (phones: string[]) => async (i: number) => {
    const res = await client.post('/api/v1/help-requests', { channel: 'pstn', phone: phones[i], name: 'Bench Visitor', pageUrl: PAGE_URL, queue: 'support' }, { 'Idempotency-Key': randomUUID() });
    if (res.status !== 201) throw new Error(`HTTP ${res.status} ${res.body.slice(0, 200)}`);
  };
  const viaKnex = (phones: string[]) => (i: number) => insertHelpRequestRows(db.knex, phones[i]!, PAGE_URL, randomUUID());

  const plain: LoadResult[] = [];
  const http: LoadResult[] = [];
  // Where the machine's time goes in each mode: CPU ms per accepted request, per process.
  const cpuSources: CpuSource[] = [
    selfCpu('load generator'),
    pidCpu('intake server', server.pid),
    namedProcessCpu('database', ['mariadbd', 'mysqld']),
    namedProcessCpu('redis', ['redis-server']),
  ];
  const cpu = { plain: new Map<string, number | null>(), http: new Map<string, number | null>() };
  const measured = async (which: 'plain' | 'http', run: () => Promise<LoadResult>): Promise<LoadResult> => {
    const { result, cpuMs } = await measureCpu(cpuSources, run);
    for (const [name, ms] of cpuMs) {
      const sum = cpu[which].get(name);
      cpu[which].set(name, ms === null || sum === null ? null : (sum ?? 0) + ms / Math.max(1, result.ok));
    }
    return result;
  };
  try {
    console.log(`intake bench: ${REQUESTS} requests per round, concurrency ${CONCURRENCY}, ${ROUNDS} rounds, Node ${process.version}, ${await serverVersion(db.knex)}`);
    await runLoad('warm-up knex', { total: WARMUP, concurrency: CONCURRENCY }, viaKnex(take(WARMUP)));
    const warm = await runLoad('warm-up http', { total: WARMUP, concurrency: CONCURRENCY }, viaHttp(take(WARMUP)));
    if (warm.failed) throw new Error(`warm-up failed: ${warm.failures.join(' | ')}`);
    for (let round = 1; round <= ROUNDS; round++) {
      // Alternate which goes first, so a growing table or a warming cache favours neither.
      const order = round % 2 ? ['plain', 'http'] : ['http', 'plain'];
      for (const which of order) {
        if (which === 'plain') plain.push(await measured('plain', () => runLoad('plain knex inserts', { total: REQUESTS, concurrency: CONCURRENCY }, viaKnex(take(REQUESTS)))));
        else http.push(await measured('http', () => runLoad('HTTP intake', { total: REQUESTS, concurrency: CONCURRENCY }, viaHttp(take(REQUESTS)))));
      }
      console.log(line(`round ${round} plain knex inserts`, plain[plain.length - 1]!));
      console.log(line(`round ${round} HTTP intake`, http[http.length - 1]!));
    }
  } finally {
    client.close();
    await server.close();
    await db.drop();
  }

  const summary = (rs: LoadResult[]) => ({ perSecond: median(rs.map((r) => r.perSecond)), p50Ms: median(rs.map((r) => r.p50Ms)), p99Ms: median(rs.map((r) => r.p99Ms)), failed: rs.reduce((n, r) => n + r.failed, 0) });
  const base = summary(plain);
  const full = summary(http);
  const ratio = full.perSecond / base.perSecond;
  const delta = full.p99Ms - base.p99Ms;
  const rateMet = ratio >= TARGET_RATE_RATIO;
  const p99Met = delta <= TARGET_P99_DELTA_MS;
  console.log('');
  console.log(line('median plain knex inserts', base));
  console.log(line('median HTTP intake', full));
  console.log(`rate: ${ratio.toFixed(2)}x the plain-insert rate (target >= ${TARGET_RATE_RATIO}x): ${rateMet ? 'met' : 'MISSED'}`);
  console.log(`p99: ${delta >= 0 ? '+' : ''}${delta.toFixed(2)} ms against the plain-insert p99 (target <= +${TARGET_P99_DELTA_MS} ms): ${p99Met ? 'met' : 'MISSED'}`);
  console.log(`CPU ms per request, mean of ${ROUNDS} rounds (plain knex inserts -> HTTP intake):`);
  for (const { name } of cpuSources) console.log(`  ${name.padEnd(16)} ${cpuFigure(cpu.plain.get(name), ROUNDS)} -> ${cpuFigure(cpu.http.get(name), ROUNDS)}`);
  if (full.failed || base.failed) {
    console.error(`${full.failed + base.failed} operations failed`);
    process.exitCode = 1;
  } else if (process.env.BENCH_STRICT === '1' && !(rateMet && p99Met)) {
    process.exitCode = 2;
  }
}

function cpuFigure(sum: number | null | undefined, rounds: number): string {
  return sum === null || sum === undefined ? '   n/a' : (sum / rounds).toFixed(3).padStart(6);
}

async function serverVersion(knex: import('knex').Knex): Promise<string> {
  const [rows] = (await knex.raw('select version() as v')) as [Array<{ v: string }>];
  return `database ${rows[0]?.v ?? 'unknown'}`;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
