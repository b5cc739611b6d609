/**
 * The whole controller (`startController`) for the ACD end-to-end suites: the center of
 * test/fixtures/acd-e2e-center.yaml, a MariaDB database of the suite's own (emptied between tests),
 * a Redis prefix per test, and ARI through real HTTP/WebSocket to the target of ari-target.ts: a
 * simulator per test (time scaled, with the controller's clock scaled alike) or, with ARI_URL, a
 * real Asterisk in real time where agents' phones are the test far ends.
 */
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { loadCenterConfig } from '../../src/adapters/config-file/load-center-config';
import { createRedisConnection, waitForRedis } from '../../src/adapters/redis/redis-connection';
import { startController, type Controller } from '../../src/compose';
import { loadConfig } from '../../src/config/config';
import type { CenterConfig } from '../../src/domain/center-config';
import type { FarEndScript, InboundCallRequest, SimControl } from '../../src/simulator';
import { startAriTarget, type AriTarget } from './ari-target';
import { createTestDatabase, type TestDatabase } from './db';
import { TEST_REDIS_URL, uniquePrefix } from './redis';
import { scaledClock } from './e2e-scaled-clock';

export const E2E_CENTER_FILE = join(__dirname, '..', 'fixtures', 'acd-e2e-center.yaml');
export const MAIN_DID = '5551234';
/** Simulated time runs this much faster than the wall clock (simulator only). */
const SIM_SCALE = 0.05;

export interface AcdStackOptions {
  label: string;
  databaseUrl: string;
  /** How each agent's phone behaves when rung (default: answers after 1 s and stays up). */
  agents?: Record<string, FarEndScript>;
  /** Change the center before the controller starts. */
  center?: (center: CenterConfig) => CenterConfig;
}

export interface AcdStack {
  controller: Controller;
  target: AriTarget;
  knex: Knex;
  /** Wall-clock milliseconds for a span of the center's (scaled) milliseconds. */
  real(ms: number): number;
  /** The simulator's control API; skips the test on a real Asterisk. */
  sim(ctx: Mocha.Context): SimControl;
  /** A caller dials the DID (simulator only): the channel id. */
  call(ctx: Mocha.Context, from: string, options?: Omit<InboundCallRequest, 'from' | 'did' | 'app'> & { did?: string }): string;
  login(...agentIds: string[]): Promise<void>;
  /** Polls `probe` until it returns something truthy. */
  until<T>(what: string, probe: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
}

export async function startAcdStack(o: AcdStackOptions): Promise<AcdStack> {
  const target = await startAriTarget({ timeScale: SIM_SCALE, label: o.label });
  const scale = target.kind === 'simulator' ? SIM_SCALE : 1;
  try {
    const loaded = loadCenterConfig(E2E_CENTER_FILE);
    // Agents' phones: scripted endpoints on the simulator, the test far ends on a real Asterisk.
    const agents = loaded.agents.map((a) => {
      const script = o.agents?.[a.id] ?? { result: 'answer' as const, answerAfterMs: 1000 };
      if (target.simulator) {
        target.simulator.control.script({ match: a.endpoint, ...script });
        return a;
      }
      return { ...a, endpoint: target.farEnd(script) };
    });
    const center = (o.center ?? ((c) => c))({ ...loaded, agents });
    const config = loadConfig({
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'silent',
      DATABASE_URL: o.databaseUrl,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: uniquePrefix(o.label.slice(0, 8)),
      ARI_URL: target.url,
      ARI_USER: target.user,
      ARI_PASSWORD: target.password,
      ARI_APP: target.app,
      DEFAULT_COUNTRY: 'US',
      ALLOWED_COUNTRIES: 'US,CA',
      SHUTDOWN_GRACE_MS: '3000',
    });
    const controller = await startController(config, { center, clock: scaledClock(scale), dispatchPollMs: 200 });
    await controller.ari.waitForConnection(5000);
    const stack: AcdStack = {
      controller,
      target,
      knex: controller.knex,
      real: (ms) => ms * scale,
      sim(ctx) {
        if (!target.simulator) ctx.skip();
        return target.simulator!.control;
      },
      call(ctx, from, options = {}) {
        const { did, ...rest } = options;
        return stack.sim(ctx).injectInbound({ from, did: did ?? MAIN_DID, app: target.app, ...rest });
      },
      async login(...agentIds) {
        for (const id of agentIds) await controller.acd.agentService.login(id);
      },
      async until(what, probe, timeoutMs = 15_000) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const value = await probe();
          if (value) return value;
          if (Date.now() > deadline) assert.fail(`timed out after ${timeoutMs} ms waiting for ${what}`);
          await new Promise((r) => setTimeout(r, 20));
        }
      },
      async stop() {
        await controller.stop();
        await target.close();
        const redis = createRedisConnection(TEST_REDIS_URL, 'command');
        try {
          await waitForRedis(redis);
          const keys = await redis.keys(`${config.QUEUE_PREFIX}:*`);
          for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
        } finally {
          redis.disconnect();
        }
      },
    };
    return stack;
  } catch (err) {
    await target.close();
    throw err;
  }
}

/**
 * The hooks of an ACD end-to-end suite: one database for the suite, emptied after each test, and
 * at most one stack per test, stopped after it. Call from the suite's `describe`.
 */
export function acdStackPerTest(label: string): { start(o?: Omit<AcdStackOptions, 'databaseUrl' | 'label'>): Promise<AcdStack>; databaseUrl(): string } {
  let db: TestDatabase | undefined;
  let stack: AcdStack | null = null;
  before(async () => {
    db = await createTestDatabase(label);
  });
  afterEach(async () => {
    await stack?.stop();
    stack = null;
    if (db) await emptyTables(db.knex);
  });
  after(async () => {
    await db?.drop();
  });
  return {
    start: async (o = {}) => (stack = await startAcdStack({ label, databaseUrl: db!.url, ...o })),
    databaseUrl: () => db!.url,
  };
}

/** Empties every table the migrations made (the suite's database is reused between tests). */
export async function emptyTables(knex: Knex): Promise<void> {
  const [rows] = (await knex.raw('select table_name as t from information_schema.tables where table_schema = database()')) as [Array<{ t: string }>];
  const tables = rows.map((r) => r.t).filter((t) => !t.startsWith('knex_migrations'));
  await knex.transaction(async (trx) => {
    await trx.raw('set foreign_key_checks = 0');
    for (const t of tables) await trx(t).delete();
    await trx.raw('set foreign_key_checks = 1');
  });
}
