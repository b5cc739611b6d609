import { request as httpRequest, createServer, type ClientRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { Registry } from 'prom-client';
import { BullmqContactQueue } from '../../src/adapters/bullmq/bullmq-contact-queue';
import { KnexAgentRepository } from '../../src/adapters/db/agent-repository';
import { KnexCallRecordRepository } from '../../src/adapters/db/call-record-repository';
import { KnexCustomerRepository } from '../../src/adapters/db/customer-repository';
import { KnexHelpRequestRepository } from '../../src/adapters/db/help-request-repository';
import { acdSupervisorRouter } from '../../src/adapters/http/acd-supervisor-routes';
import { agentRouter, type AgentRouterDeps } from '../../src/adapters/http/agent-routes';
import { createHttpApp, type HttpApp } from '../../src/adapters/http/create-http-app';
import { createRedisConnection, waitForRedis } from '../../src/adapters/redis/redis-connection';
import { RedisRateLimiter } from '../../src/adapters/redis/redis-rate-limiter';
import { Acd } from '../../src/app/acd/acd';
import { hashAgentToken } from '../../src/app/acd/agent-credentials';
import { IntakeService } from '../../src/app/intake/intake-service';
import { newRequestId } from '../../src/app/intake/request-id';
import { DestinationPolicy } from '../../src/domain/destination-policy';
import type { Clock, TimerHandle } from '../../src/ports/clock';
import { testCenter } from '../support/acd-center';
import { RecordingCallbackHandler } from '../support/acd-harness';
import { quietLogger } from '../support/acd-memory';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { FakeCallControl } from '../support/fake-call-control';
import { TEST_REDIS_URL, uniquePrefix } from '../support/redis';

export const SUPERVISOR_KEY = 'acd-http-supervisor-key-0123456789';
/** Each configured agent's API token (the center file holds only their SHA-256). */
export const TOKENS = { alice: 'alice-token-6c1f0d9e3b7a', bob: 'bob-token-0e8d2f4a9c51', carol: 'carol-token-5b3e7a1d8f20' } as const;

const systemClock: Clock = {
  now: () => new Date(),
  setTimeout: (fn, ms) => setTimeout(fn, ms) as unknown as TimerHandle,
  clearTimeout: (handle) => clearTimeout(handle as unknown as NodeJS.Timeout),
};

export type AcdHttpHarness = Awaited<ReturnType<typeof startAcdHttp>>;

/**
 * The HTTP app with the agent and ACD supervisor routers mounted, over a real MariaDB database of
 * its own, real Redis (own prefix), and the ACD built over FakeCallControl with a dialer stand-in
 * that keeps the callback reservations it is handed. Listens on port 0.
 */
export async function startAcdHttp(label: string, routerOptions: Partial<AgentRouterDeps> = {}) {
  const db: TestDatabase = await createTestDatabase(label);
  const redis: Redis = createRedisConnection(TEST_REDIS_URL, 'command');
  await waitForRedis(redis);
  const prefix = uniquePrefix(label);
  const list = new BullmqContactQueue({ redis, prefix });
  const requests = new KnexHelpRequestRepository(db.knex);
  const records = new KnexCallRecordRepository(db.knex);
  const customers = new KnexCustomerRepository(db.knex);
  const center = testCenter((doc) => {
    for (const a of doc.agents as Array<{ id: keyof typeof TOKENS; credentials: { tokenSha256: string } }>) a.credentials.tokenSha256 = hashAgentToken(TOKENS[a.id]);
    // A short timed wrap-up, so a test sees it end.
    (doc.queues as Array<Record<string, unknown>>)[0]!.wrapUpSeconds = 1;
  });
  const policy = new DestinationPolicy({ defaultCountry: 'US', allowedCountries: ['US', 'CA'], allowPremium: false, allowNonGeographic: false, sipAllowedDomains: ['example.com'] });
  const dialer = new RecordingCallbackHandler();
  const acd = new Acd({
    center,
    cc: new FakeCallControl(),
    queue: list,
    requests,
    agents: new KnexAgentRepository(db.knex),
    records,
    customers,
    history: customers,
    callbacks: dialer,
    destinations: policy,
    clock: systemClock,
    log: quietLogger,
    newRequestId,
    holderId: prefix,
  });
  await acd.start();
  const rateLimiter = new RedisRateLimiter(redis, prefix);
  const intake = new IntakeService(
    { requests, list, policy, rateLimiter, clock: systemClock, logger: quietLogger },
    {
      defaultQueue: 'support',
      queueSettings: (q) => (center.queues.some((c) => c.id === q) ? { handleSeconds: 300, priority: 5 } : undefined),
      limits: { perIp: { limit: 1000, windowSeconds: 600 }, perNumber: { limit: 1000, windowSeconds: 600 }, readsPerIp: { limit: 1000, windowSeconds: 600 } },
    },
  );
  const shutdown = new AbortController();
  /** Every line the HTTP app logged. */
  const logLines: string[] = [];
  const app: HttpApp = createHttpApp({
    intake,
    logger: pino({ level: 'info' }, { write: (line: string) => void logLines.push(line) }),
    registry: new Registry(),
    readiness: {},
    supervisorApiKey: SUPERVISOR_KEY,
    defaultQueue: 'support',
    widgetAllowedOrigins: ['*'],
    routers: [
      { path: '/api/v1/agents', router: agentRouter({ acd, rateLimiter, streamTokenSecret: 'stream-secret-for-tests-0123', shutdown: shutdown.signal, ...routerOptions }) },
      { path: '/api/v1', router: acdSupervisorRouter({ acd, records, queues: center.queues.map((q) => q.id), supervisorApiKey: SUPERVISOR_KEY }) },
    ],
  });
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    app,
    acd,
    db,
    redis,
    list,
    records,
    dialer,
    baseUrl,
    center,
    logLines,
    async close() {
      shutdown.abort();
      await acd.stop();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await list.close();
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
      await db.drop();
    },
  };
}

export interface SseEvent {
  id: string | null;
  event: string;
  data: unknown;
}

/** A minimal EventSource over node:http that keeps everything it receives, for assertions. */
export class SseClient {
  readonly events: SseEvent[] = [];
  readonly comments: string[] = [];
  retry: number | null = null;
  status = 0;
  headers: IncomingHttpHeaders = {};
  ended = false;
  body = '';
  private buffer = '';
  private waiters: Array<() => void> = [];
  private req: ClientRequest | null = null;

  static open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const client = new SseClient();
    return new Promise((resolve, reject) => {
      const req = httpRequest(url, { headers: { Accept: 'text/event-stream', ...headers } }, (res) => {
        client.status = res.statusCode ?? 0;
        client.headers = res.headers;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => client.feed(chunk));
        res.on('end', () => client.finish());
        res.on('close', () => client.finish());
        resolve(client);
      });
      req.on('error', (err) => (client.status ? client.finish() : reject(err)));
      req.end();
      client.req = req;
    });
  }

  /** Resolves with the first event (already received or to come) that matches. */
  async next(match: (e: SseEvent) => boolean, timeoutMs = 5000): Promise<SseEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(match);
      if (found) return found;
      if (this.ended) throw new Error(`stream ended without the event; got ${JSON.stringify(this.events.map((e) => e.event))}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(this.events.map((e) => e.event))}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  async untilEnded(timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ended) {
      if (Date.now() > deadline) throw new Error('the stream did not end');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.req?.destroy();
  }

  private feed(chunk: string): void {
    this.body += chunk;
    this.buffer += chunk;
    let cut: number;
    while ((cut = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, cut);
      this.buffer = this.buffer.slice(cut + 2);
      let id: string | null = null;
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
        else if (line.startsWith('retry: ')) this.retry = Number(line.slice(7));
        else if (line.startsWith('id: ')) id = line.slice(4);
        else if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
      }
      if (data.length) this.events.push({ id, event, data: JSON.parse(data.join('\n')) });
    }
    this.wake();
  }

  private finish(): void {
    this.ended = true;
    this.wake();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}

/** Polls `check` until it holds (server-side effects of a closed socket arrive asynchronously). */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
