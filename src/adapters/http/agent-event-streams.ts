import type { Request, Response } from 'express';
import type { AgentEventBus, AgentNotice } from '../../app/acd/agent-events';

export interface AgentEventStreamsOptions {
  bus: Pick<AgentEventBus, 'subscribe'>;
  /** A comment line this often keeps proxies and the browser from dropping an idle stream. */
  heartbeatMs: number;
  /** Sent as `retry:`: how long the browser waits before reconnecting. */
  retryMs: number;
  /** More streams of one agent close the oldest (a desktop that reconnected before its old socket timed out). */
  maxStreamsPerAgent: number;
  /** A client that lets this much pile up unread is cut off; it reconnects and gets a fresh snapshot. */
  maxBufferedBytes?: number;
}

interface Stream {
  agentId: string;
  res: Response;
  close(): void;
}

/**
 * The agents' server-sent event streams. Each stream starts with `retry:` and a `snapshot` event
 * (the agent's state), then carries the agent's notices (`state`, `offer`, `connected`, `ended`),
 * each with an event id; a pending offer is replayed on (re)connect by the bus, so a reconnect
 * needs no replay by id. One timer sends heartbeat comments to every stream. A stream's
 * subscription is dropped when its connection closes, whatever closed it.
 */
export class AgentEventStreams {
  private readonly streams = new Map<string, Set<Stream>>();
  private heartbeat: NodeJS.Timeout | null = null;
  private seq = 0;
  private readonly maxBuffered: number;

  constructor(private readonly options: AgentEventStreamsOptions) {
    this.maxBuffered = options.maxBufferedBytes ?? 256 * 1024;
  }

  /** Takes over the response as the agent's event stream. */
  open(agentId: string, snapshot: unknown, req: Request, res: Response): void {
    req.socket.setTimeout(0);
    req.socket.setNoDelay(true);
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store, no-transform');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();

    let closed = false;
    let unsubscribe: (() => void) | null = null;
    const stream: Stream = {
      agentId,
      res,
      close: () => {
        if (closed) return;
        closed = true;
        unsubscribe?.();
        unsubscribe = null;
        const set = this.streams.get(agentId);
        set?.delete(stream);
        if (set?.size === 0) this.streams.delete(agentId);
        if (this.streams.size === 0) this.stopHeartbeat();
        if (!res.writableEnded) res.end();
      },
    };
    res.on('close', stream.close);
    res.on('error', stream.close);

    const set = this.streams.get(agentId) ?? new Set<Stream>();
    this.streams.set(agentId, set);
    set.add(stream);
    while (set.size > this.options.maxStreamsPerAgent) set.values().next().value?.close();

    this.write(stream, `retry: ${this.options.retryMs}\n\n`);
    this.send(stream, 'snapshot', snapshot);
    if (closed) return;
    unsubscribe = this.options.bus.subscribe(agentId, (notice: AgentNotice) => this.send(stream, notice.type, notice));
    this.startHeartbeat();
  }

  /** Open streams, of one agent or of all. */
  count(agentId?: string): number {
    if (agentId !== undefined) return this.streams.get(agentId)?.size ?? 0;
    let n = 0;
    for (const set of this.streams.values()) n += set.size;
    return n;
  }

  /** Ends every stream (shutdown): the browsers reconnect to another process or after the restart. */
  closeAll(): void {
    for (const set of [...this.streams.values()]) for (const s of [...set]) s.close();
    this.stopHeartbeat();
  }

  private send(stream: Stream, event: string, data: unknown): void {
    // JSON.stringify escapes line breaks, so the data is one `data:` line.
    this.write(stream, `id: ${++this.seq}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  private write(stream: Stream, chunk: string): void {
    const { res } = stream;
    if (res.writableEnded || res.destroyed) return;
    if (res.writableLength > this.maxBuffered) {
      res.destroy();
      stream.close();
      return;
    }
    res.write(chunk);
  }

  private startHeartbeat(): void {
    if (this.heartbeat) return;
    this.heartbeat = setInterval(() => {
      for (const set of this.streams.values()) for (const s of [...set]) this.write(s, ': keep-alive\n\n');
    }, this.options.heartbeatMs);
    this.heartbeat.unref();
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }
}
