import { AriError } from './ari-error';
import type { InboundCallRequest, ScriptRule, SimControl } from './types';

export interface ControlResult {
  status: number;
  body?: unknown;
}

const asObject = (body: unknown): Record<string, unknown> => {
  if (body === undefined) return {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new AriError(400, 'request body must be a JSON object');
  return body as Record<string, unknown>;
};

/** The /sim/... HTTP control API: a thin mapping onto SimControl. */
export function handleControl(control: SimControl, method: string, path: string, query: URLSearchParams, body: unknown): ControlResult {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const [, resource, id, action] = parts;
  const key = `${method} ${resource ?? ''}${id !== undefined ? '/:id' : ''}${action !== undefined ? `/${action}` : ''}`;
  switch (key) {
    case 'GET channels': return { status: 200, body: control.listChannels() };
    case 'GET bridges': return { status: 200, body: control.listBridges() };
    case 'GET playbacks': return { status: 200, body: control.listPlaybacks() };
    case 'GET recordings': return { status: 200, body: control.listRecordings() };
    case 'GET originations': return { status: 200, body: control.listOriginations() };
    case 'DELETE originations':
      control.clearHistory();
      return { status: 204 };
    case 'GET applications': return { status: 200, body: control.listApplications() };
    case 'GET scripts': return { status: 200, body: control.listScripts() };
    case 'POST scripts':
      control.script(asObject(body) as unknown as ScriptRule);
      return { status: 204 };
    case 'DELETE scripts':
      control.clearScripts(query.get('match') ?? undefined);
      return { status: 204 };
    case 'POST inbound':
      return { status: 201, body: { channelId: control.injectInbound(asObject(body) as unknown as InboundCallRequest) } };
    case 'POST channels/:id/dtmf': {
      const digits = asObject(body).digits;
      control.sendDtmf(id!, typeof digits === 'string' ? digits : '');
      return { status: 204 };
    }
    case 'POST channels/:id/hangup':
      control.hangup(id!);
      return { status: 204 };
    case 'PUT sounds/:id': {
      const ms = asObject(body).durationMs;
      control.setSound(id!, ms === null ? null : (ms as number));
      return { status: 204 };
    }
    default:
      throw new AriError(404, 'Resource not found');
  }
}
