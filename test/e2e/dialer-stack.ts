/**
 * The callback dialer on real adapters (MariaDB, Redis/BullMQ, ARI over HTTP/WebSocket), for the
 * dialer's end-to-end suites and their child processes.
 */
import type { Redis } from 'ioredis';
import type { Knex } from 'knex';
import { createAriCallControl, type AriCallControlHandle } from '../../src/adapters/ari/create-ari-call-control';
import { KnexAttemptRepository } from '../../src/adapters/db/attempt-repository';
import { KnexHelpRequestRepository } from '../../src/adapters/db/help-request-repository';
import { createKnex } from '../../src/adapters/db/knex';
import { BullmqContactQueue } from '../../src/adapters/bullmq/bullmq-contact-queue';
import { createRedisConnection, waitForRedis } from '../../src/adapters/redis/redis-connection';
import { CallbackDialer } from '../../src/app/dialer/callback-dialer';
import { DialerSweeper } from '../../src/app/dialer/dialer-sweeper';
import { DestinationPolicy } from '../../src/domain/destination-policy';
import { parseCallbackSettings, type CallbackMode, type CallbackSettingsInput } from '../../src/domain/dialling-settings';
import type { HelpRequest } from '../../src/domain/help-request';
import type { Clock, TimerHandle } from '../../src/ports/clock';
import type { Logger } from '../../src/ports/logger';
import type { ReservationOutcome, ReservedAgent } from '../../src/app/acd/dispatch-contract';
import { newRequest } from '../unit/dialer-support';

export const systemClock: Clock = {
  now: () => new Date(),
  setTimeout: (fn, ms) => setTimeout(fn, ms) as unknown as TimerHandle,
  clearTimeout: (h) => clearTimeout(h as unknown as NodeJS.Timeout),
};

export const quiet: Logger = { child: () => quiet, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/** Open all day, every day: the suites run whenever CI does. */
export const ALWAYS_OPEN = { start: '00:00', end: '23:59', days: [0, 1, 2, 3, 4, 5, 6] };

export interface StackOptions {
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  ari: { url: string; user: string; password: string; app: string };
  mode: CallbackMode;
  callback?: CallbackSettingsInput;
  owner: string;
  leaseMs?: number;
}

export interface DialerStack {
  knex: Knex;
  redis: Redis;
  ari: AriCallControlHandle;
  requests: KnexHelpRequestRepository;
  attempts: KnexAttemptRepository;
  list: BullmqContactQueue;
  dialer: CallbackDialer;
  sweeper: DialerSweeper;
  /** Hands a callback to the dialer as the dispatcher would; resolves with the settlement. */
  serve(request: HelpRequest, agent: ReservedAgent | null): Promise<ReservationOutcome>;
  close(): Promise<void>;
}

export async function startDialerStack(o: StackOptions): Promise<DialerStack> {
  const knex = createKnex(o.databaseUrl, { max: 5 });
  const redis = createRedisConnection(o.redisUrl, 'command');
  await waitForRedis(redis);
  const list = new BullmqContactQueue({ redis, prefix: o.prefix });
  const ari = createAriCallControl({ ...o.ari, requestTimeoutMs: 3000, logger: quiet, backoff: { initialMs: 50, maxMs: 500 } });
  await ari.start();
  await ari.waitForConnection(5000);
  const requests = new KnexHelpRequestRepository(knex);
  const attempts = new KnexAttemptRepository(knex);
  const settings = parseCallbackSettings({ callingWindow: ALWAYS_OPEN, ...o.callback });
  const queueDialling = () => ({ mode: o.mode, callback: settings });
  const policy = new DestinationPolicy({ defaultCountry: 'GB', allowedCountries: ['GB', 'US'], allowPremium: false, allowNonGeographic: false, sipAllowedDomains: ['example.com'] });
  const deps = { callControl: ari.callControl, requests, attempts, clock: systemClock, logger: quiet, queueDialling, owner: o.owner };
  const dialer = new CallbackDialer({ ...deps, mailer: null, destinationPolicy: policy, leaseMs: o.leaseMs ?? 30_000 });
  const sweeper = new DialerSweeper({ ...deps, contactQueue: list }, o.leaseMs ?? 30_000);
  return {
    knex,
    redis,
    ari,
    requests,
    attempts,
    list,
    dialer,
    sweeper,
    async serve(request, agent) {
      let settled: ReservationOutcome | null = null;
      const entry = { requestId: request.id, queue: request.queue, kind: 'callback' as const, priority: request.priority, arrivalAt: request.arrivalAt, dueAt: request.dueAt };
      await dialer.serve({ request, entry, agent, settle: async (s) => void (settled = s) });
      return settled ?? { kind: 'done' };
    },
    async close() {
      await sweeper.stop();
      await ari.stop();
      await list.close();
      redis.disconnect();
      await knex.destroy();
    },
  };
}

/** A committed callback request in 'reserved' (as the dispatcher leaves it), listed in the combined list. */
export async function reservedRequest(stack: Pick<DialerStack, 'requests' | 'list'>, id: string, over: Partial<HelpRequest> = {}): Promise<HelpRequest> {
  const now = new Date();
  const { request } = await stack.requests.create(newRequest(now, { id, email: null, message: null, ...over }), { actor: 'test', action: 'create', entityType: 'help_request', entityId: id });
  await stack.list.add({ requestId: id, queue: request.queue, kind: 'callback', priority: request.priority, arrivalAt: request.arrivalAt, dueAt: request.dueAt });
  await stack.list.take([request.queue], 'test-dispatcher');
  return request;
}
