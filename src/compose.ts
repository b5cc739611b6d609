import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Router } from 'express';
import type { Redis } from 'ioredis';
import type { Knex } from 'knex';
import type { Logger as PinoLogger } from 'pino';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { createAriCallControl, type AriCallControlHandle } from './adapters/ari/create-ari-call-control';
import { BullmqContactQueue } from './adapters/bullmq/bullmq-contact-queue';
import { loadCenterConfig } from './adapters/config-file/load-center-config';
import { KnexAgentRepository } from './adapters/db/agent-repository';
import { KnexAttemptRepository } from './adapters/db/attempt-repository';
import { KnexCallRecordRepository } from './adapters/db/call-record-repository';
import { KnexCustomerRepository } from './adapters/db/customer-repository';
import { KnexHelpRequestRepository } from './adapters/db/help-request-repository';
import { createKnex, pendingMigrations } from './adapters/db/knex';
import { clickToCallRoutes } from './adapters/http/click-to-call-routes';
import { CompositeCustomerLookup } from './adapters/crm/composite-customer-lookup';
import { HttpCustomerLookup } from './adapters/crm/http-customer-lookup';
import { acdSupervisorRouter } from './adapters/http/acd-supervisor-routes';
import { agentRouter } from './adapters/http/agent-routes';
import { createHttpApp, type HttpApp } from './adapters/http/create-http-app';
import { createLogger } from './adapters/logging/logger';
import { NodemailerMailer } from './adapters/mail/nodemailer-mailer';
import { createRedisConnection, waitForRedis } from './adapters/redis/redis-connection';
import { RedisRateLimiter } from './adapters/redis/redis-rate-limiter';
import { systemClock } from './adapters/system-clock';
import { Acd } from './app/acd/acd';
import { VoiceMessageAudio } from './app/acd/voice-message-audio';
import { VoiceMessageRetention } from './app/acd/voice-message-retention';
import { AcdCallerAdmission } from './app/dialer/caller-admission';
import { CallbackDialer } from './app/dialer/callback-dialer';
import { ClickToCallService } from './app/dialer/click-to-call';
import { DialerSweeper } from './app/dialer/dialer-sweeper';
import { IvrCallbackWorker } from './app/dialer/ivr-callback-worker';
import { IntakeService } from './app/intake/intake-service';
import { ListReconciler } from './app/intake/list-reconciler';
import { newRequestId } from './app/intake/request-id';
import { NotifyingContactQueue } from './app/notifying-contact-queue';
import type { Config } from './config/config';
import type { CenterConfig } from './domain/center-config';
import { DestinationPolicy } from './domain/destination-policy';
import { NotFoundError } from './domain/errors';
import type { Clock } from './ports/clock';
import { startSimulator, type Simulator, type SimulatorOptions } from './simulator';

/**
 * The composition root: configuration -> storage -> combined list -> call control -> ACD and
 * dialer -> HTTP. `main.ts` runs it as a process; the end-to-end suites and the demo run it in
 * process. Nothing else constructs adapters.
 */
export interface ControllerOptions {
  logger?: PinoLogger;
  /** The center (queues, agents, menus); default: the file named by CONTACT_CENTER_CONFIG. */
  center?: CenterConfig;
  clock?: Clock;
  /** Listen for HTTP (default true); tests may use `app` with supertest instead. */
  listen?: boolean;
  /** Options of the built-in simulator, used when ARI_URL is unset. */
  simulator?: SimulatorOptions;
  /** How often the dispatcher looks for due work when nothing woke it (ms). */
  dispatchPollMs?: number;
  /** Extra routers to mount (e.g. routes added by a deployment). */
  routers?: Array<{ path: string; router: Router }>;
}

export interface Controller {
  app: HttpApp;
  /** Base URL of the HTTP server when listening. */
  url: string | null;
  center: CenterConfig;
  knex: Knex;
  redis: Redis;
  list: BullmqContactQueue;
  ari: AriCallControlHandle;
  acd: Acd;
  intake: IntakeService;
  dialer: CallbackDialer;
  clickToCall: ClickToCallService;
  /** The built-in simulator when ARI_URL is unset. */
  simulator: Simulator | null;
  registry: Registry;
  /** Stops intake, lets in-flight work finish (bounded by SHUTDOWN_GRACE_MS), closes connections. */
  stop(): Promise<void>;
}

export const DEFAULT_CENTER_FILE = join(__dirname, '..', 'config', 'contact-center.example.yaml');

export async function startController(config: Config, options: ControllerOptions = {}): Promise<Controller> {
  const logger = options.logger ?? createLogger({ level: config.LOG_LEVEL });
  const clock = options.clock ?? systemClock;
  const owner = `ctl-${process.pid}-${randomBytes(3).toString('hex')}`;
  const center = options.center ?? loadCenterConfig(config.CONTACT_CENTER_CONFIG ?? DEFAULT_CENTER_FILE);
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const closers: Array<[string, () => Promise<unknown> | unknown]> = [];
  const closeAll = async (): Promise<void> => {
    for (const [name, close] of closers.reverse()) {
      try {
        await close();
      } catch (err) {
        logger.warn({ err, part: name }, 'error while closing');
      }
    }
    closers.length = 0;
  };

  try {
    const knex = createKnex(config.DATABASE_URL, { max: 20 });
    closers.push(['database', () => knex.destroy()]);
    // The intake's group commit: one query per batch of new requests (at most 3 batches in flight).
    const intakeBatches = createKnex(config.DATABASE_URL, { max: 3 }, { multipleStatements: true });
    closers.push(['database-intake', () => intakeBatches.destroy()]);
    const pending = await pendingMigrations(knex);
    if (pending.length) throw new Error(`the database schema is behind (pending: ${pending.join(', ')}): run \`npm run migrate\` first`);

    const redis = createRedisConnection(config.REDIS_URL, 'command', { logger, connectionName: `${owner}-cmd` });
    closers.push(['redis', () => redis.quit().catch(() => redis.disconnect())]);
    await waitForRedis(redis, 5000);

    const blocking: Redis[] = [];
    closers.push(['redis-blocking', () => Promise.all(blocking.map((r) => r.quit().catch(() => r.disconnect())))]);
    const list = new BullmqContactQueue({
      redis,
      prefix: config.QUEUE_PREFIX,
      logger,
      // Due times are set from the controller's clock, so the list decides what is due by it too.
      now: () => clock.now().getTime(),
      createBlockingConnection: () => {
        const r = createRedisConnection(config.REDIS_URL, 'blocking', { logger, connectionName: `${owner}-blk` });
        blocking.push(r);
        return r;
      },
    });
    closers.push(['combined-list', () => list.close()]);

    let simulator: Simulator | null = null;
    let ariTarget = { url: config.ARI_URL ?? '', user: config.ARI_USER, password: config.ARI_PASSWORD ?? '' };
    if (!config.ARI_URL) {
      simulator = await startSimulator({ port: config.SIMULATOR_PORT, defaultApp: config.ARI_APP, logger: logger.child({ component: 'simulator' }), ...options.simulator });
      closers.push(['simulator', () => simulator?.close()]);
      ariTarget = { url: simulator.url, user: simulator.user, password: simulator.password };
      logger.warn({ url: simulator.url }, 'ARI_URL is not set: using the built-in Asterisk simulator (demo mode)');
    }
    const ari = createAriCallControl({ ...ariTarget, app: config.ARI_APP, requestTimeoutMs: config.ARI_REQUEST_TIMEOUT_MS, logger, registry });
    const cc = ari.callControl;

    const requests = new KnexHelpRequestRepository(knex, logger, { groupCommit: { oneTrip: intakeBatches } });
    const attempts = new KnexAttemptRepository(knex);
    const customers = new KnexCustomerRepository(knex);
    // Screen pops look in the customers table first, then in the site's CRM when one is configured.
    const crm = config.CRM_LOOKUP_URL
      ? [{ name: 'crm', lookup: new HttpCustomerLookup({ url: config.CRM_LOOKUP_URL, token: config.CRM_LOOKUP_TOKEN, timeoutMs: config.CRM_LOOKUP_TIMEOUT_MS, log: logger }) }]
      : [];
    const customerLookup = new CompositeCustomerLookup([{ name: 'db', lookup: customers }, ...crm], logger);
    const records = new KnexCallRecordRepository(knex);
    const policy = new DestinationPolicy({
      defaultCountry: config.DEFAULT_COUNTRY,
      allowedCountries: config.ALLOWED_COUNTRIES,
      allowPremium: config.ALLOW_PREMIUM_NUMBERS,
      allowNonGeographic: config.ALLOW_NON_GEOGRAPHIC_NUMBERS,
      sipAllowedDomains: config.SIP_ALLOWED_DOMAINS,
    });
    const rateLimiter = new RedisRateLimiter(redis, config.QUEUE_PREFIX);
    const mailer = new NodemailerMailer({ smtpUrl: config.SMTP_URL, from: config.MAIL_FROM, logger });
    const queueById = new Map(center.queues.map((q) => [q.id, q]));
    const queueDialling = (queue: string) => {
      const q = queueById.get(queue);
      if (!q) throw new NotFoundError(`queue ${queue}`);
      return { mode: q.callbackMode, callback: q.callback };
    };

    // The list wakes the dispatcher when an entry is added or put back here, or becomes due anywhere.
    const waking = new NotifyingContactQueue(list);

    const acd = new Acd({
      center,
      cc,
      queue: waking,
      requests,
      agents: new KnexAgentRepository(knex),
      records,
      customers: customerLookup,
      history: customers,
      destinations: policy,
      clock,
      log: logger,
      newRequestId,
      holderId: owner,
      pollIntervalMs: options.dispatchPollMs ?? 1000,
    });
    waking.onChange(() => acd.entryAdded());
    list.onDue(() => acd.entryAdded());

    const dialer = new CallbackDialer({ callControl: cc, requests, attempts, clock, logger, mailer, queueDialling, destinationPolicy: policy, owner });
    acd.useCallbackHandler(dialer);
    const sweeper = new DialerSweeper({ callControl: cc, requests, attempts, clock, logger, queueDialling, owner, contactQueue: waking });
    const ivrQueues = center.queues.filter((q) => q.callbackMode === 'ivr').map((q) => q.id);
    const ivrWorker = new IvrCallbackWorker({ contactQueue: waking, requests, dialer, clock, logger, queues: ivrQueues, holder: `${owner}-ivr` });
    const staffing = { loggedInAgents: async (queue: string) => acd.roster.loggedInFor(queue) };
    const limits = {
      perIp: { limit: config.RATE_LIMIT_PER_IP, windowSeconds: config.RATE_LIMIT_IP_WINDOW_SECONDS },
      perNumber: { limit: config.RATE_LIMIT_PER_NUMBER, windowSeconds: config.RATE_LIMIT_NUMBER_WINDOW_SECONDS },
      readsPerIp: { limit: config.RATE_LIMIT_READS_PER_IP, windowSeconds: config.RATE_LIMIT_IP_WINDOW_SECONDS },
    };
    const clickToCall = new ClickToCallService({
      callControl: cc,
      requests,
      attempts,
      clock,
      logger,
      policy,
      staffing,
      rateLimiter,
      admission: new AcdCallerAdmission(acd.inboundDeps),
      list: waking,
      queueDialling,
      queuePriority: (queue) => queueById.get(queue)?.priority ?? 5,
      newRequestId,
      owner,
      limits,
      defaultQueue: config.DEFAULT_QUEUE,
    });
    const intake = new IntakeService(
      { requests, list: waking, policy, rateLimiter, clock, logger, staffing },
      {
        defaultQueue: config.DEFAULT_QUEUE,
        queueSettings: (queue) => {
          const q = queueById.get(queue);
          return q ? { handleSeconds: q.handleSeconds, priority: q.priority } : undefined;
        },
        limits,
      },
    );

    // Flows subscribe before the ARI connection starts, so channels found in the app at connect are adopted.
    await acd.start();
    closers.push(['acd', () => acd.stop()]);
    await ari.start();
    closers.push(['ari', () => ari.stop()]);
    const report = await new ListReconciler({ requests, list, logger }).run();
    logger.info({ ...report }, 'combined list reconciled with the database');
    await list.startPromoters(center.queues.map((q) => q.id));
    await sweeper.start();
    closers.push(['dialer-sweeper', () => sweeper.stop()]);
    ivrWorker.start();
    closers.push(['ivr-callbacks', () => ivrWorker.stop()]);
    const retention = new VoiceMessageRetention({ cc, requests, clock, logger, retentionDays: config.VOICE_MESSAGE_RETENTION_DAYS });
    retention.start();
    closers.push(['voice-message-retention', () => retention.stop()]);

    let draining = false;
    const isDraining = () => draining;
    const drain = new AbortController();
    const app = createHttpApp({
      intake,
      logger,
      registry,
      readiness: {
        database: () => knex.raw('select 1'),
        redis: () => redis.ping(),
        ari: () => ari.readiness.check(),
      },
      supervisorApiKey: config.SUPERVISOR_API_KEY,
      defaultQueue: config.DEFAULT_QUEUE,
      widgetAllowedOrigins: config.WIDGET_ALLOWED_ORIGINS,
      trustProxy: config.TRUST_PROXY,
      publicBaseUrl: config.PUBLIC_BASE_URL,
      staticDir: join(__dirname, 'adapters', 'http', 'public'),
      isDraining,
      routers: [
        // Public like the help-request intake (its own CORS for the widget's cross-origin calls).
        { path: '/api/v1/click-to-call', router: clickToCallRoutes({ service: clickToCall, requests, publicBaseUrl: config.PUBLIC_BASE_URL, isDraining, allowedOrigins: config.WIDGET_ALLOWED_ORIGINS }) },
        {
          path: '/api/v1/agents',
          router: agentRouter({
            acd,
            rateLimiter,
            streamTokenSecret: config.AGENT_TOKEN_SECRET,
            shutdown: drain.signal,
            publicBaseUrl: config.PUBLIC_BASE_URL,
            voiceMessages: new VoiceMessageAudio({ cc, requests, records }),
          }),
        },
        { path: '/api/v1', router: acdSupervisorRouter({ acd, records, queues: center.queues.map((q) => q.id), supervisorApiKey: config.SUPERVISOR_API_KEY }) },
        ...(options.routers ?? []),
      ],
    });

    let server: Server | null = null;
    let url: string | null = null;
    if (options.listen !== false) {
      const listening = createServer(app).listen(config.PORT, config.HOST);
      server = listening;
      await new Promise<void>((resolve, reject) => {
        listening.once('listening', resolve);
        listening.once('error', reject);
      });
      const address = listening.address() as AddressInfo;
      url = `http://${config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST}:${address.port}`;
      logger.info({ url }, 'HTTP listening');
    }

    let stopping: Promise<void> | null = null;
    const stop = (): Promise<void> => {
      stopping ??= (async () => {
        draining = true;
        drain.abort();
        logger.info('draining: intake closed, finishing in-flight work');
        const closing = server ? new Promise<void>((resolve) => server?.close(() => resolve())) : Promise.resolve();
        server?.closeIdleConnections();
        const grace = new Promise<void>((resolve) => setTimeout(resolve, config.SHUTDOWN_GRACE_MS).unref());
        await Promise.race([Promise.all([closing, acd.stop(), intake.settled(), clickToCall.drain()]), grace]);
        // Calls still running after the grace period are abandoned cleanly: their attempts are
        // recorded as interrupted and retried once (by this process at its next start, or a peer's sweeper).
        dialer.abortAll();
        server?.closeAllConnections();
        await closeAll();
        logger.info('stopped');
      })();
      return stopping;
    };

    return { app, url, center, knex, redis, list, ari, acd, intake, dialer, clickToCall, simulator, registry, stop };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
