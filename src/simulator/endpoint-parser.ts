import { AriError } from './ari-error';
import type { EndpointConfig } from './types';

/** A dial string resolved against the simulator's endpoints. */
export interface ParsedEndpoint {
  tech: 'PJSIP' | 'Local';
  /** The PJSIP endpoint carrying the call (its name shows in the channel name). */
  resource: string;
  /** What Dial events report as `dialstring`. */
  dialstring: string;
  /** Dialplan context of the new channel. */
  context: string;
  /** Names a far-end script can match, most specific first. */
  candidates: string[];
  local?: { exten: string; context: string };
}

const allocationFailed = (): AriError => new AriError(500, 'Allocation failed', 'error');

/**
 * Parses `PJSIP/<endpoint>`, `PJSIP/<number>@<endpoint>`, `PJSIP/sip:user@host`,
 * `PJSIP/<endpoint>/sip:...` and `Local/<exten>@<context>`. An unknown endpoint or technology is
 * Asterisk's 500 "Allocation failed"; a string without a technology is a 400.
 */
export function parseEndpoint(endpoint: string | undefined, endpoints: Map<string, Required<EndpointConfig>>): ParsedEndpoint {
  if (endpoint === undefined || endpoint === '') throw new AriError(400, 'Endpoint must be specified');
  const slash = endpoint.indexOf('/');
  if (slash <= 0) throw new AriError(400, 'Invalid endpoint specified');
  const tech = endpoint.slice(0, slash).toUpperCase();
  const rest = endpoint.slice(slash + 1);
  if (rest === '') throw allocationFailed();
  if (tech === 'LOCAL') {
    const at = rest.indexOf('@');
    const exten = at >= 0 ? rest.slice(0, at) : rest;
    const context = at >= 0 ? rest.slice(at + 1) || 'default' : 'default';
    const dialstring = `${exten}@${context}`;
    return { tech: 'Local', resource: dialstring, dialstring, context, candidates: [`Local/${dialstring}`, exten], local: { exten, context } };
  }
  if (tech !== 'PJSIP') throw allocationFailed();
  if (/^sips?:/i.test(rest)) {
    const trunk = firstTrunk(endpoints);
    const user = rest.replace(/^sips?:/i, '').split('@')[0] ?? '';
    return { tech: 'PJSIP', resource: trunk.resource, dialstring: rest, context: trunk.context, candidates: [`PJSIP/${rest}`, rest, user] };
  }
  const uriAt = rest.indexOf('/');
  if (uriAt > 0) {
    const ep = known(rest.slice(0, uriAt), endpoints);
    const uri = rest.slice(uriAt + 1);
    return { tech: 'PJSIP', resource: ep.resource, dialstring: rest, context: ep.context, candidates: [`PJSIP/${rest}`, `PJSIP/${uri}`, uri] };
  }
  const at = rest.lastIndexOf('@');
  if (at > 0) {
    const number = rest.slice(0, at);
    const ep = known(rest.slice(at + 1), endpoints);
    return { tech: 'PJSIP', resource: ep.resource, dialstring: rest, context: ep.context, candidates: [`PJSIP/${rest}`, `PJSIP/${number}`, number] };
  }
  const ep = known(rest, endpoints);
  return { tech: 'PJSIP', resource: ep.resource, dialstring: rest, context: ep.context, candidates: [`PJSIP/${rest}`, rest] };
}

function known(resource: string, endpoints: Map<string, Required<EndpointConfig>>): Required<EndpointConfig> {
  const ep = endpoints.get(resource);
  if (!ep) throw allocationFailed();
  return ep;
}

export function firstTrunk(endpoints: Map<string, Required<EndpointConfig>>): Required<EndpointConfig> {
  for (const ep of endpoints.values()) if (ep.kind === 'trunk') return ep;
  const any = endpoints.values().next();
  if (any.done) throw allocationFailed();
  return any.value;
}

/** Fills in endpoint defaults: a name containing "trunk" (or the first one) is a trunk. */
export function normalizeEndpoints(list: Array<string | EndpointConfig>): Map<string, Required<EndpointConfig>> {
  const map = new Map<string, Required<EndpointConfig>>();
  for (const item of list) {
    const cfg = typeof item === 'string' ? { resource: item } : item;
    if (!/^[A-Za-z0-9_.+-]{1,64}$/.test(cfg.resource)) throw new Error(`endpoints: invalid endpoint name "${cfg.resource}"`);
    const kind = cfg.kind ?? (/trunk|customer|carrier|pstn/i.test(cfg.resource) ? 'trunk' : 'phone');
    map.set(cfg.resource, { resource: cfg.resource, kind, context: cfg.context ?? (kind === 'trunk' ? 'from-trunk' : 'from-agent') });
  }
  return map;
}
