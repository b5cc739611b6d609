import { AriError } from '../ari-error';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface ParamSpec {
  name: string;
  paramType: 'path' | 'query' | 'body';
  dataType: string;
  required?: boolean;
  allowMultiple?: boolean;
  defaultValue?: string | number | boolean;
  allowableValues?: string[];
  description: string;
}

/** What a handler returns: a JSON body (or none, 204), or raw bytes with a content type. */
export interface AriResponse {
  status: number;
  body?: unknown;
  raw?: Buffer;
  contentType?: string;
}

export interface RouteSpec {
  /** Swagger resource (channels, bridges, ...). */
  resource: string;
  path: string;
  method: HttpMethod;
  nickname: string;
  summary: string;
  responseClass: string;
  params: ParamSpec[];
  handle(req: AriRequest): AriResponse;
}

/** Request parameters from the path, the query string and a JSON or form body, as Asterisk merges them. */
export class AriRequest {
  constructor(
    readonly pathParams: Record<string, string>,
    private readonly values: Map<string, string[]>,
    readonly body: Record<string, unknown> | undefined,
  ) {}

  path(name: string): string {
    return this.pathParams[name] ?? '';
  }

  str(name: string): string | undefined {
    const v = this.values.get(name);
    return v === undefined ? undefined : v.join(',');
  }

  /** allowMultiple parameters: repeated keys and comma-separated values. */
  list(name: string): string[] {
    return (this.values.get(name) ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
  }

  int(name: string, fallback: number): number;
  int(name: string): number | undefined;
  int(name: string, fallback?: number): number | undefined {
    const raw = this.str(name);
    if (raw === undefined || raw === '') return fallback;
    if (!/^-?\d{1,10}$/.test(raw.trim())) throw new AriError(400, `${name} must be an integer`);
    return Number(raw);
  }

  bool(name: string, fallback: boolean): boolean {
    const raw = this.str(name);
    if (raw === undefined || raw === '') return fallback;
    if (/^(true|yes|1|on)$/i.test(raw)) return true;
    if (/^(false|no|0|off)$/i.test(raw)) return false;
    throw new AriError(400, `${name} must be a boolean`);
  }

  /** A body `{"variables": {...}}` of string values. */
  variables(): Record<string, string> {
    const v = this.body?.variables;
    if (v === undefined || v === null) return {};
    if (typeof v !== 'object' || Array.isArray(v)) throw new AriError(400, 'variables must be an object of name/value pairs');
    const out: Record<string, string> = {};
    for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
      if (typeof val !== 'string' && typeof val !== 'number' && typeof val !== 'boolean') throw new AriError(400, `variables.${k} must be a string`);
      out[k] = String(val);
    }
    return out;
  }
}

export const json = (body: unknown, status = 200): AriResponse => ({ status, body });
export const noContent = (): AriResponse => ({ status: 204 });

/** Shorthands for parameter declarations. */
export const p = {
  path: (name: string, description: string): ParamSpec => ({ name, paramType: 'path', dataType: 'string', required: true, description }),
  query: (name: string, dataType: string, description: string, extra: Partial<ParamSpec> = {}): ParamSpec => ({ name, paramType: 'query', dataType, required: false, description, ...extra }),
  body: (name: string, description: string): ParamSpec => ({ name, paramType: 'body', dataType: 'containers', required: false, description }),
};
