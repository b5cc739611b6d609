import type { CallEvent, EventHandler } from '../../ports/call-control';
import type { Logger } from '../../ports/logger';
import { routingIds, terminalId } from './translate-event';

export type StasisStartEvent = Extract<CallEvent, { type: 'StasisStart' }>;
export type StasisStartHandler = (event: StasisStartEvent) => void;

/** Why a channel is handed back: nobody claimed it, or the code handling it threw. */
export type UnroutableReason = 'unknown_flow' | 'handler_failed';

export interface EventRouterOptions {
  logger: Logger;
  /** Called once per event for a channel that no flow claimed or whose handler failed. */
  onUnroutable(channelId: string, reason: UnroutableReason): void;
}

/** Events after which the channel cannot be helped any more (no hang-up or continue possible). */
const CHANNEL_FINISHED: ReadonlySet<CallEvent['type']> = new Set(['StasisEnd', 'ChannelDestroyed']);

/**
 * The one dispatcher of call events: handlers are kept in a Map keyed by channel, bridge,
 * playback or recording id (never as listeners on ari-client objects), StasisStart goes to the
 * flow named by the first Stasis argument, and a handler that throws (or rejects) is logged with
 * its ids and its channel handed to `onUnroutable`.
 */
export class EventRouter {
  private readonly watchers = new Map<string, Set<EventHandler>>();
  private readonly flows = new Map<string, StasisStartHandler>();

  constructor(private readonly options: EventRouterOptions) {}

  watch(id: string, handler: EventHandler): () => void {
    if (!id) throw new TypeError('watch: id must be a non-empty string');
    let set = this.watchers.get(id);
    if (!set) {
      set = new Set();
      this.watchers.set(id, set);
    }
    set.add(handler);
    return () => {
      const current = this.watchers.get(id);
      if (!current) return;
      current.delete(handler);
      if (current.size === 0) this.watchers.delete(id);
    };
  }

  onStasisStart(flow: string, handler: StasisStartHandler): () => void {
    if (!flow) throw new TypeError('onStasisStart: flow must be a non-empty string');
    if (this.flows.has(flow)) throw new Error(`onStasisStart: flow "${flow}" already has a handler`);
    this.flows.set(flow, handler);
    return () => {
      if (this.flows.get(flow) === handler) this.flows.delete(flow);
    };
  }

  /** Number of ids with at least one watcher. */
  watchedCount(): number {
    return this.watchers.size;
  }

  isWatched(id: string): boolean {
    return this.watchers.has(id);
  }

  watchedIds(): string[] {
    return [...this.watchers.keys()];
  }

  hasFlow(flow: string): boolean {
    return this.flows.has(flow);
  }

  dispatch(event: CallEvent): void {
    const handlers = new Set<EventHandler>();
    for (const id of routingIds(event)) {
      const set = this.watchers.get(id);
      if (set) for (const h of set) handlers.add(h);
    }
    const channelId = this.channelOf(event);
    let failed = false;
    const run = (handler: (e: never) => unknown, flow?: string) => {
      const onError = (err: unknown) => {
        this.options.logger.error({ err, event: event.type, channelId, flow, ids: routingIds(event) }, 'call event handler failed');
        if (channelId && !failed && !CHANNEL_FINISHED.has(event.type)) {
          failed = true;
          this.options.onUnroutable(channelId, 'handler_failed');
        }
      };
      try {
        const result = (handler as (e: CallEvent) => unknown)(event);
        if (result && typeof (result as PromiseLike<unknown>).then === 'function') (result as PromiseLike<unknown>).then(undefined, onError);
      } catch (err) {
        onError(err);
      }
    };

    for (const handler of handlers) run(handler);

    if (event.type === 'StasisStart') {
      const flow = event.args[0] ?? '';
      const flowHandler = this.flows.get(flow);
      if (flowHandler) run(flowHandler, flow);
      else if (handlers.size === 0) {
        this.options.logger.warn({ channelId: event.channel.id, flow, args: event.args }, 'StasisStart for a flow nobody handles');
        this.options.onUnroutable(event.channel.id, 'unknown_flow');
      }
    }

    const done = terminalId(event);
    if (done !== undefined) this.watchers.delete(done);
  }

  private channelOf(event: CallEvent): string | undefined {
    if (event.type === 'StasisStart') return event.channel.id;
    if ('channelId' in event) return event.channelId;
    return undefined;
  }
}
