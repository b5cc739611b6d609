/**
 * Shared by the ARI integration suites: an adapter connected to the suite's target, and a way to
 * wait for the events a channel receives.
 */
import { createAriCallControl, type AriCallControlHandle } from '../../src/adapters/ari/create-ari-call-control';
import type { CallControl, CallEvent } from '../../src/ports/call-control';
import type { AriTarget } from '../support/ari-target';

const say = (level: string) => (obj: unknown, msg?: string) => {
  if (process.env.ARI_TEST_LOG) console.log(level, msg ?? '', JSON.stringify(obj));
};

/** Silent unless ARI_TEST_LOG is set (then warnings and errors are printed). */
export const quietLogger = {
  child() {
    return quietLogger;
  },
  trace() {},
  debug() {},
  info: say('info'),
  warn: say('warn'),
  error: say('error'),
};

export async function connectAdapter(target: AriTarget, overrides: { backoff?: { initialMs: number; maxMs: number }; requestTimeoutMs?: number } = {}): Promise<AriCallControlHandle> {
  const handle = createAriCallControl({
    url: target.url,
    user: target.user,
    password: target.password,
    app: target.app,
    requestTimeoutMs: overrides.requestTimeoutMs ?? 3000,
    logger: quietLogger,
    backoff: overrides.backoff ?? { initialMs: 50, maxMs: 500 },
  });
  await handle.start();
  await handle.waitForConnection(5000);
  return handle;
}

/** Records every event of one id; `until` resolves at the first event matching the predicate. */
export function follow(cc: CallControl, id: string) {
  const events: CallEvent[] = [];
  const waiters: Array<{ match: (e: CallEvent) => boolean; resolve: (e: CallEvent) => void }> = [];
  const off = cc.watch(id, (event) => {
    events.push(event);
    for (const w of [...waiters]) {
      if (w.match(event)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(event);
      }
    }
  });
  return {
    events,
    off,
    types: () => events.map((e) => e.type),
    until<T extends CallEvent['type']>(type: T, match: (e: Extract<CallEvent, { type: T }>) => boolean = () => true, timeoutMs = 10000): Promise<Extract<CallEvent, { type: T }>> {
      const seen = events.find((e) => e.type === type && match(e as Extract<CallEvent, { type: T }>));
      if (seen) return Promise.resolve(seen as Extract<CallEvent, { type: T }>);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${type} for ${id} within ${timeoutMs} ms; got ${events.map((e) => e.type).join(', ')}`)), timeoutMs);
        waiters.push({
          match: (e) => e.type === type && match(e as Extract<CallEvent, { type: T }>),
          resolve: (e) => {
            clearTimeout(timer);
            resolve(e as Extract<CallEvent, { type: T }>);
          },
        });
      });
    },
  };
}

/** Resolves with the next StasisStart of a flow. */
export function nextStasisStart(cc: CallControl, flow: string, timeoutMs = 10000): Promise<Extract<CallEvent, { type: 'StasisStart' }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no StasisStart for flow ${flow} within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = cc.onStasisStart(flow, (event) => {
      clearTimeout(timer);
      off();
      resolve(event);
    });
  });
}
