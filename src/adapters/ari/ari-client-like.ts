/**
 * The part of ari-client this adapter relies on. ari-client builds its resources at run time from
 * Asterisk's api-docs, so its operations are looked up by resource and nickname; unit tests pass a
 * fake that implements the same surface.
 */
export type AriOperationFn = (params?: Record<string, unknown>) => PromiseLike<unknown>;

export type AriListener = (event: unknown, ...rest: unknown[]) => void;

export interface AriClientLike {
  on(event: string, listener: AriListener): unknown;
  removeListener(event: string, listener: AriListener): unknown;
  listenerCount(event: string): number;
  eventNames?(): Array<string | symbol>;
  /** Opens the event WebSocket for the application(s); settles only for the first connection. */
  start(apps: string | string[]): PromiseLike<unknown>;
  /** Closes the event WebSocket. ari-client throws when called before start(). */
  stop(): void;
  /** Sends a WebSocket ping; the client emits 'pong' when the answer arrives. */
  ping?(): void;
}

/** ari-client's `connect`: loads the api-docs and resolves with a client. */
export type AriConnect = (url: string, user: string, password: string) => PromiseLike<AriClientLike>;

/** Looks up `client[resource][nickname]`; undefined when the connected Asterisk does not offer it. */
export function ariOperation(client: AriClientLike, resource: string, nickname: string): AriOperationFn | undefined {
  const group = (client as unknown as Record<string, unknown>)[resource];
  if (group === null || typeof group !== 'object') return undefined;
  const fn = (group as Record<string, unknown>)[nickname];
  return typeof fn === 'function' ? (fn.bind(group) as AriOperationFn) : undefined;
}

