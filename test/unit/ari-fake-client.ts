/**
 * A stand-in for ari-client in unit tests: an EventEmitter with the resource/operation surface the
 * adapter uses. Operations record their calls and answer through handlers the test installs.
 */
import { EventEmitter } from 'node:events';
import type { AriClientLike } from '../../src/adapters/ari/ari-client-like';
import { ARI_OPERATIONS } from '../../src/adapters/ari/ari-operations';
import type { Scheduler } from '../../src/adapters/ari/ari-connection';

export interface RecordedCall {
  resource: string;
  nickname: string;
  params: Record<string, unknown>;
}

type Handler = (params: Record<string, unknown>) => unknown;

export class FakeAriClient extends EventEmitter implements AriClientLike {
  readonly calls: RecordedCall[] = [];
  started = 0;
  stopped = 0;
  pings = 0;
  startResult: () => Promise<void> = () => Promise.resolve();
  private readonly handlers = new Map<string, Handler>();
  [resource: string]: unknown;

  constructor() {
    super();
    for (const op of Object.values(ARI_OPERATIONS)) {
      const group = ((this as Record<string, unknown>)[op.resource] ??= {}) as Record<string, unknown>;
      group[op.nickname] = (params: Record<string, unknown> = {}) => {
        this.calls.push({ resource: op.resource, nickname: op.nickname, params });
        const handler = this.handlers.get(`${op.resource}.${op.nickname}`);
        try {
          return Promise.resolve(handler ? handler(params) : defaultAnswer(op.resource, op.nickname));
        } catch (err) {
          return Promise.reject(err);
        }
      };
    }
  }

  /** Installs the answer of `resource.nickname`; throw inside to make it fail. */
  answer(operation: string, handler: Handler): this {
    this.handlers.set(operation, handler);
    return this;
  }

  callsTo(operation: string): RecordedCall[] {
    return this.calls.filter((c) => `${c.resource}.${c.nickname}` === operation);
  }

  start(): Promise<void> {
    this.started++;
    return this.startResult();
  }

  stop(): void {
    if (this.started === 0) throw new TypeError("Cannot read properties of undefined (reading 'close')");
    this.stopped++;
  }

  ping(): void {
    this.pings++;
  }

  /** Emits an ARI event as ari-client does: (event, promotedResources). */
  send(event: Record<string, unknown>): void {
    this.emit(String(event.type), event, {});
  }
}

function defaultAnswer(resource: string, nickname: string): unknown {
  if (nickname === 'list') return [];
  return undefined;
}

/** ari-client rejects with the raw body and no status. */
export function ariError(body: Record<string, unknown>): Error {
  return new Error(JSON.stringify(body));
}

/** A scheduler the test advances by hand. */
export class ManualScheduler {
  readonly tasks: Array<{ fn: () => void; ms: number; cancelled: boolean; ran: boolean }> = [];

  readonly schedule: Scheduler = (fn, ms) => {
    const task = { fn, ms, cancelled: false, ran: false };
    this.tasks.push(task);
    return () => {
      task.cancelled = true;
    };
  };

  pending(): Array<{ ms: number }> {
    return this.tasks.filter((t) => !t.cancelled && !t.ran);
  }

  /** Runs the earliest pending task. */
  runNext(): number {
    const task = this.tasks.find((t) => !t.cancelled && !t.ran);
    if (!task) throw new Error('no pending task');
    task.ran = true;
    task.fn();
    return task.ms;
  }
}

export const silentLogger = {
  child() {
    return silentLogger;
  },
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error() {},
};

/** A logger that keeps what it was given, for assertions on ids. */
export function recordingLogger() {
  const lines: Array<{ level: string; obj: unknown; msg?: string }> = [];
  const make = (bindings: Record<string, unknown>): typeof silentLogger => {
    const at = (level: string) => (obj: unknown, msg?: string) =>
      lines.push({ level, obj: typeof obj === 'object' && obj !== null ? { ...bindings, ...obj } : obj, msg });
    return { child: (b: Record<string, unknown>) => make({ ...bindings, ...b }), trace: at('trace'), debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } as never;
  };
  return { logger: make({}), lines };
}

/** Lets pending promise callbacks run. */
export async function flush(times = 5): Promise<void> {
  for (let i = 0; i < times; i++) await new Promise((resolve) => setImmediate(resolve));
}
