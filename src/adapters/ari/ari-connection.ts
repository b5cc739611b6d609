import { CallControlUnavailableError } from '../../domain/errors';
import type { Logger } from '../../ports/logger';
import { type AriClientLike, type AriConnect, type AriListener } from './ari-client-like';
import { backoffDelay, type BackoffOptions } from './backoff';
import { redactCredentials } from './classify-ari-error';
import { withTimeout } from './with-timeout';

/** Cancels a scheduled callback. */
export type Cancel = () => void;
export type Scheduler = (fn: () => void, ms: number) => Cancel;

export interface AriConnectionOptions {
  url: string;
  user: string;
  password: string;
  app: string;
  connect: AriConnect;
  logger: Logger;
  /** Bound on loading the api-docs and on opening the event socket. */
  connectTimeoutMs: number;
  backoff: BackoffOptions;
  /** WebSocket ping interval; a missing pong by the next ping drops the socket. 0 disables. */
  heartbeatMs: number;
  schedule: Scheduler;
  random?: () => number;
  /** Subscribe the event router to a new client (called once per client). */
  attach(client: AriClientLike): void;
  /** Unsubscribe the event router from a discarded client. */
  detach(client: AriClientLike): void;
  /** Runs after every (re)connection of the event socket, e.g. to reconcile state. */
  onConnected(client: AriClientLike, reconnect: boolean): Promise<void>;
}

type State = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'stopped';

/**
 * Owns the ari-client instance: connects with a timeout, starts the Stasis application, follows
 * ari-client's own WebSocket retries, and when those give up (WebSocketMaxRetries) or the first
 * connection fails, discards the client and connects afresh with its own backoff, forever, until
 * stop(). Never logs the WebSocket URL (it carries the credentials).
 */
export class AriConnection {
  private state: State = 'idle';
  private current?: AriClientLike;
  private lifecycle = new Map<string, AriListener>();
  private attempt = 0;
  private everConnected = false;
  private cancelRetry?: Cancel;
  private cancelHeartbeat?: Cancel;
  private awaitingPong = false;
  private readonly changeHandlers = new Set<(connected: boolean) => void>();
  private readonly waiters = new Set<() => void>();
  private reconnects = 0;

  constructor(private readonly options: AriConnectionOptions) {}

  isConnected(): boolean {
    return this.state === 'connected';
  }

  /** The live client, also while its event socket is reconnecting; undefined between clients. */
  client(): AriClientLike | undefined {
    return this.current;
  }

  reconnectCount(): number {
    return this.reconnects;
  }

  onChange(handler: (connected: boolean) => void): () => void {
    this.changeHandlers.add(handler);
    return () => this.changeHandlers.delete(handler);
  }

  /** Begins connecting; resolves after the first attempt, whether it connected or not (retries continue). */
  async start(): Promise<void> {
    if (this.state !== 'idle') throw new Error('AriConnection.start: already started');
    this.state = 'connecting';
    await this.connectOnce();
  }

  /** Resolves once connected; rejects with CallControlUnavailableError after timeoutMs. */
  waitForConnection(timeoutMs: number): Promise<void> {
    if (this.state === 'connected') return Promise.resolve();
    let resolveWaiter!: () => void;
    const waiting = new Promise<void>((resolve) => {
      resolveWaiter = resolve;
      this.waiters.add(resolve);
    });
    return withTimeout(waiting, timeoutMs, () => new CallControlUnavailableError(`ARI not connected within ${timeoutMs} ms`)).finally(() =>
      this.waiters.delete(resolveWaiter),
    );
  }

  async stop(): Promise<void> {
    const wasConnected = this.state === 'connected';
    this.state = 'stopped';
    this.cancelRetry?.();
    this.cancelRetry = undefined;
    this.discardClient();
    if (wasConnected) this.emitChange(false);
  }

  private async connectOnce(): Promise<void> {
    const { logger, connect, url, user, password, app, connectTimeoutMs } = this.options;
    let client: AriClientLike | undefined;
    if (this.state === 'stopped') return;
    this.state = 'connecting';
    try {
      const connecting = Promise.resolve(connect(url, user, password));
      client = await withTimeout(connecting, connectTimeoutMs, () => new CallControlUnavailableError(`ARI api-docs not loaded within ${connectTimeoutMs} ms`));
      if (this.isStopped()) return;
      this.adopt(client);
      await withTimeout(Promise.resolve(client.start(app)), connectTimeoutMs, () => new CallControlUnavailableError(`ARI event socket not open within ${connectTimeoutMs} ms`));
      if (this.isStopped() || this.current !== client) return;
      await this.markConnected(client);
    } catch (err) {
      if (this.isStopped()) return;
      logger.warn({ err: safeError(err), attempt: this.attempt + 1 }, 'ARI connection attempt failed');
      if (client && this.current === client) this.discardClient();
      this.scheduleRetry();
    }
  }

  private isStopped(): boolean {
    return this.state === 'stopped';
  }

  private adopt(client: AriClientLike): void {
    this.current = client;
    const on = (event: string, listener: AriListener) => {
      this.lifecycle.set(event, listener);
      client.on(event, listener);
    };
    on('WebSocketReconnecting', (err) => {
      if (this.current !== client) return;
      this.options.logger.warn({ err: safeError(err) }, 'ARI event socket lost; ari-client is reconnecting');
      if (this.state === 'connected') {
        this.state = 'reconnecting';
        this.stopHeartbeat();
        this.emitChange(false);
      }
    });
    on('WebSocketConnected', () => {
      if (this.current !== client || this.state !== 'reconnecting') return;
      void this.markConnected(client);
    });
    on('WebSocketMaxRetries', (err) => {
      if (this.current !== client || this.state === 'stopped') return;
      this.options.logger.error({ err: safeError(err) }, 'ari-client gave up reconnecting; starting a new connection');
      const wasConnected = this.state === 'connected';
      this.discardClient();
      this.state = 'reconnecting';
      if (wasConnected) this.emitChange(false);
      this.scheduleRetry();
    });
    on('APILoadError', (err) => this.options.logger.warn({ err: safeError(err) }, 'ARI api-docs could not be loaded'));
    on('pong', () => {
      this.awaitingPong = false;
    });
    this.options.attach(client);
  }

  private async markConnected(client: AriClientLike): Promise<void> {
    const reconnect = this.everConnected;
    this.everConnected = true;
    this.attempt = 0;
    this.state = 'connected';
    if (reconnect) this.reconnects++;
    this.options.logger.info({ reconnect }, 'ARI event socket connected');
    this.startHeartbeat(client);
    this.emitChange(true);
    for (const resolve of [...this.waiters]) resolve();
    try {
      await this.options.onConnected(client, reconnect);
    } catch (err) {
      this.options.logger.error({ err: safeError(err) }, 'ARI reconciliation after connect failed');
    }
  }

  private scheduleRetry(): void {
    if (this.state === 'stopped') return;
    this.state = 'reconnecting';
    const delay = backoffDelay(this.attempt++, this.options.backoff, this.options.random);
    this.options.logger.info({ delayMs: delay, attempt: this.attempt }, 'ARI reconnect scheduled');
    this.cancelRetry = this.options.schedule(() => {
      this.cancelRetry = undefined;
      if (this.state !== 'stopped') void this.connectOnce();
    }, delay);
  }

  /** Drops the client: our listeners off, socket closed, and any socket ari-client reopens later closed too. */
  private discardClient(): void {
    const client = this.current;
    this.stopHeartbeat();
    if (!client) return;
    this.current = undefined;
    for (const [event, listener] of this.lifecycle) client.removeListener(event, listener);
    this.lifecycle.clear();
    this.options.detach(client);
    // ari-client keeps a retry timer that is not cancellable: if it reopens the socket, close it again.
    const closeAgain: AriListener = () => {
      try {
        client.stop();
      } catch {
        // already closed
      }
    };
    client.on('WebSocketConnected', closeAgain);
    try {
      client.stop();
    } catch {
      // stop() before start() throws inside ari-client; nothing is open then.
    }
  }

  private startHeartbeat(client: AriClientLike): void {
    this.stopHeartbeat();
    const { heartbeatMs } = this.options;
    if (heartbeatMs <= 0 || typeof client.ping !== 'function') return;
    this.awaitingPong = false;
    const tick = () => {
      if (this.current !== client || this.state !== 'connected') return;
      if (this.awaitingPong) {
        this.options.logger.warn({ heartbeatMs }, 'ARI event socket missed a pong; reconnecting');
        this.awaitingPong = false;
        const wasConnected = this.state === 'connected';
        this.discardClient();
        this.state = 'reconnecting';
        if (wasConnected) this.emitChange(false);
        this.scheduleRetry();
        return;
      }
      this.awaitingPong = true;
      client.ping?.();
      this.cancelHeartbeat = this.options.schedule(tick, heartbeatMs);
    };
    this.cancelHeartbeat = this.options.schedule(tick, heartbeatMs);
  }

  private stopHeartbeat(): void {
    this.cancelHeartbeat?.();
    this.cancelHeartbeat = undefined;
  }

  private emitChange(connected: boolean): void {
    for (const handler of [...this.changeHandlers]) {
      try {
        handler(connected);
      } catch (err) {
        this.options.logger.error({ err }, 'ARI connection-change handler failed');
      }
    }
  }
}

/** Errors from ari-client can quote the WebSocket URL; never let the credentials reach a log. */
export function safeError(err: unknown): unknown {
  if (!(err instanceof Error)) return err === undefined ? undefined : redactCredentials(String(err));
  const copy = new Error(redactCredentials(err.message));
  copy.name = err.name;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') Object.assign(copy, { code });
  return copy;
}
