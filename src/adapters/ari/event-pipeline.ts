import type { CallEvent } from '../../ports/call-control';
import type { Logger } from '../../ports/logger';
import type { AriCallControl } from './ari-call-control';
import type { EventRouter } from './event-router';
import { translateAriEvent } from './translate-event';

/**
 * Raw ARI event -> CallEvent -> bookkeeping -> router. Remembers which channels have been handed
 * to a flow (StasisStart seen, StasisEnd not yet), so reconciliation can tell orphans from calls in
 * progress and a StasisStart is never delivered twice for the same channel.
 */
export class EventPipeline {
  /** Channels handed to a flow (or watcher) by a StasisStart and not yet ended. */
  readonly inStasis = new Set<string>();

  constructor(
    private readonly control: AriCallControl,
    private readonly router: EventRouter,
    private readonly logger: Logger,
  ) {}

  /** Entry point for events from the WebSocket. */
  receive(raw: unknown): void {
    let event: CallEvent | undefined;
    try {
      event = translateAriEvent(raw);
    } catch (err) {
      this.logger.error({ err }, 'could not translate an ARI event');
      return;
    }
    if (!event) {
      this.logger.debug({ type: (raw as { type?: unknown } | null)?.type }, 'ARI event ignored');
      return;
    }
    this.deliver(event);
  }

  /** Entry point for real and synthesized events alike. */
  deliver(event: CallEvent): void {
    if (event.type === 'StasisStart') {
      if (this.inStasis.has(event.channel.id)) {
        this.logger.debug({ channelId: event.channel.id, resumed: event.resumed === true }, 'duplicate StasisStart dropped');
        return;
      }
      this.inStasis.add(event.channel.id);
    } else if (event.type === 'StasisEnd' || event.type === 'ChannelDestroyed') {
      this.inStasis.delete(event.channelId);
    }
    this.control.noteEvent(event);
    this.router.dispatch(event);
  }
}
