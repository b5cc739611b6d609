import ari from 'ari-client';
import { Counter, Gauge, Registry } from 'prom-client';
import { CallControlUnavailableError, ChannelGoneError } from '../../domain/errors';
import type { CallControl } from '../../ports/call-control';
import type { Logger } from '../../ports/logger';
import { AriCallControl } from './ari-call-control';
import type { AriClientLike, AriConnect, AriListener } from './ari-client-like';
import { AriConnection, safeError, type Scheduler } from './ari-connection';
import { AriRecordingFiles } from './ari-recording-files';
import { EventPipeline } from './event-pipeline';
import { EventRouter, type UnroutableReason } from './event-router';
import { reconcile } from './reconcile';
import { quietSwaggerLog } from './quiet-swagger-log';
import { ROUTED_EVENT_TYPES } from './translate-event';

export interface AriCallControlSettings {
  /** Base URL of Asterisk's HTTP server, e.g. http://127.0.0.1:8088 (no credentials in it). */
  url: string;
  user: string;
  password: string;
  /** Stasis application name; must match the dialplan's Stasis(...) calls. */
  app: string;
  requestTimeoutMs: number;
  logger: Logger;
  /** Metrics go here; a private registry when omitted. */
  registry?: Registry;
  /** Bound on loading api-docs and opening the event socket (default 2 x requestTimeoutMs, at least 5 s). */
  connectTimeoutMs?: number;
  /** Our own reconnect backoff, used when a connection attempt fails or ari-client gives up. */
  backoff?: { initialMs: number; maxMs: number };
  /** Bound on fetching one stored recording's audio (default: requestTimeoutMs, at least 15 s). */
  recordingFileTimeoutMs?: number;
  /** WebSocket ping interval in ms (default 15000; 0 disables). */
  heartbeatMs?: number;
  /** For tests: a replacement for ari-client's connect and for setTimeout. */
  connect?: AriConnect;
  schedule?: Scheduler;
  random?: () => number;
}

export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

export interface AriCallControlHandle {
  callControl: CallControl;
  /** Starts connecting; resolves after the first attempt (connected or not; retries continue in the background). */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Resolves once the event socket is up; rejects with CallControlUnavailableError after timeoutMs. */
  waitForConnection(timeoutMs: number): Promise<void>;
  readiness: ReadinessCheck;
  /** Introspection for tests and diagnostics. */
  stats(): { watchedIds: number; inStasis: number; originated: number; media: number; reconnects: number; clientListeners: number };
}

const defaultSchedule: Scheduler = (fn, ms) => {
  const timer = setTimeout(fn, ms);
  timer.unref?.();
  return () => clearTimeout(timer);
};

export function createAriCallControl(settings: AriCallControlSettings): AriCallControlHandle {
  const logger = settings.logger.child({ component: 'ari', app: settings.app });
  const registry = settings.registry ?? new Registry();
  const connectedGauge = new Gauge({ name: 'ari_connected', help: '1 while the ARI event WebSocket is connected', registers: [registry] });
  const reconnects = new Counter({ name: 'ari_reconnects_total', help: 'ARI event socket reconnections', registers: [registry] });
  const unroutable = new Counter({
    name: 'ari_unroutable_channels_total',
    help: 'Channels handed back because no flow claimed them or their handler failed',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  connectedGauge.set(0);

  const routerListeners = new Map<AriClientLike, AriListener>();

  const handBack = async (channelId: string, reason: UnroutableReason): Promise<void> => {
    unroutable.inc({ reason });
    const log = logger.child({ channelId, reason });
    try {
      if (!control.originated.has(channelId)) {
        await control.continueInDialplan(channelId);
        log.warn('channel returned to the dialplan');
        return;
      }
    } catch (err) {
      if (err instanceof ChannelGoneError) return;
      log.warn({ err }, 'continue in dialplan failed; hanging up');
    }
    try {
      await control.hangup(channelId, 'normal');
      log.warn('channel hung up');
    } catch (err) {
      if (!(err instanceof ChannelGoneError)) log.error({ err }, 'could not hang up an unroutable channel');
    }
  };

  const router = new EventRouter({ logger, onUnroutable: (id, reason) => void handBack(id, reason) });

  const connection = new AriConnection({
    url: settings.url,
    user: settings.user,
    password: settings.password,
    app: settings.app,
    connect: settings.connect ?? (ari.connect as unknown as AriConnect),
    logger,
    connectTimeoutMs: settings.connectTimeoutMs ?? Math.max(5000, settings.requestTimeoutMs * 2),
    backoff: settings.backoff ?? { initialMs: 500, maxMs: 30000 },
    heartbeatMs: settings.heartbeatMs ?? 15000,
    schedule: settings.schedule ?? defaultSchedule,
    random: settings.random,
    attach(client) {
      const listener: AriListener = (event) => pipeline.receive(event);
      routerListeners.set(client, listener);
      for (const type of ROUTED_EVENT_TYPES) client.on(type, listener);
    },
    detach(client) {
      const listener = routerListeners.get(client);
      routerListeners.delete(client);
      if (listener) for (const type of ROUTED_EVENT_TYPES) client.removeListener(type, listener);
    },
    async onConnected(_client, reconnect) {
      if (reconnect) reconnects.inc();
      await reconcile({ app: settings.app, control, router, pipeline, logger });
    },
  });

  const recordingFiles = new AriRecordingFiles({
    url: settings.url,
    user: settings.user,
    password: settings.password,
    timeoutMs: settings.recordingFileTimeoutMs ?? Math.max(15_000, settings.requestTimeoutMs),
  });
  const control = new AriCallControl({ app: settings.app, connection, router, requestTimeoutMs: settings.requestTimeoutMs, logger, recordingFiles });
  const pipeline = new EventPipeline(control, router, logger);
  connection.onChange((up) => connectedGauge.set(up ? 1 : 0));

  return {
    callControl: control,
    async start() {
      if (!settings.connect) quietSwaggerLog(logger);
      logger.info({ url: originOf(settings.url) }, 'connecting to ARI');
      await connection.start();
    },
    stop: () => connection.stop(),
    waitForConnection: (timeoutMs) => connection.waitForConnection(timeoutMs),
    readiness: {
      name: 'ari',
      async check() {
        if (!connection.isConnected()) throw new CallControlUnavailableError('the ARI event socket is not connected');
      },
    },
    stats: () => ({
      watchedIds: router.watchedCount(),
      inStasis: pipeline.inStasis.size,
      originated: control.originated.size,
      media: control.media.size,
      reconnects: connection.reconnectCount(),
      clientListeners: countListeners(connection.client()),
    }),
  };
}

/** Every listener on the ari-client emitter: flat however many calls went through. */
function countListeners(client: AriClientLike | undefined): number {
  if (!client?.eventNames) return 0;
  return client.eventNames().reduce((sum, name) => sum + client.listenerCount(name as string), 0);
}

/** The URL as it may be logged: scheme, host and port only. */
function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return String(safeError(url));
  }
}
