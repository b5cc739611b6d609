import { asteriskTimestamp } from './sim-timers';

/** Where events of a WebSocket connection go (a `ws` socket in production, a stub in unit tests). */
export interface EventSink {
  send(data: string): void;
}

interface Connection {
  sink: EventSink;
  apps: Set<string>;
  subscribeAll: boolean;
}

export const ASTERISK_ID = '02:fc:00:00:00:5a';

/**
 * Registered Stasis applications and their WebSocket connections. Every event is sent once per
 * application that follows its source, with `asterisk_id` and `application` appended as Asterisk does.
 */
export class EventHub {
  private readonly connections = new Set<Connection>();
  private readonly listeners = new Set<(event: Record<string, unknown>) => void>();

  connect(sink: EventSink, apps: string[], subscribeAll: boolean): () => void {
    const connection: Connection = { sink, apps: new Set(apps), subscribeAll };
    this.connections.add(connection);
    return () => {
      this.connections.delete(connection);
    };
  }

  isRegistered(app: string): boolean {
    for (const c of this.connections) if (c.apps.has(app)) return true;
    return false;
  }

  applications(): string[] {
    const names = new Set<string>();
    for (const c of this.connections) for (const app of c.apps) names.add(app);
    return [...names].sort();
  }

  /** Observes every event sent (after `application` is set); used by tests and logging. */
  onEvent(listener: (event: Record<string, unknown>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Sends the event to the given applications and to every subscribeAll application. */
  emit(apps: Iterable<string>, event: Record<string, unknown>): void {
    const targets = new Set(apps);
    for (const c of this.connections) if (c.subscribeAll) for (const app of c.apps) targets.add(app);
    for (const app of targets) {
      const full = { ...event, asterisk_id: ASTERISK_ID, application: app };
      const text = JSON.stringify(full);
      let delivered = false;
      for (const c of this.connections) {
        if (!c.apps.has(app)) continue;
        delivered = true;
        c.sink.send(text);
      }
      if (delivered) for (const listener of this.listeners) listener(full);
    }
  }

  get connectionCount(): number {
    return this.connections.size;
  }
}

/** Builds an event with Asterisk's field order: `leading` fields, then type and timestamp, then `fields`. */
export function makeEvent(type: string, fields: Record<string, unknown>, leading: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...leading, type, timestamp: asteriskTimestamp(), ...fields };
}
