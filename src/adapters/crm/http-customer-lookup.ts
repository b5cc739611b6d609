import { z } from 'zod';
import type { CustomerLookup, CustomerQuery, CustomerRecord } from '../../ports/customer-lookup';
import type { Logger } from '../../ports/logger';

export interface HttpCustomerLookupOptions {
  /** The site's lookup endpoint (CRM_LOOKUP_URL); called as `GET <url>?phone=...&email=...`. */
  url: string;
  /** Sent as `Authorization: Bearer <token>` when set (CRM_LOOKUP_TOKEN). */
  token?: string;
  /** The whole exchange, connect to last byte (CRM_LOOKUP_TIMEOUT_MS). */
  timeoutMs: number;
  log: Logger;
  /** Largest accepted response body (default 64 kB). */
  maxBytes?: number;
  fetch?: typeof fetch;
}

const text = (max: number) =>
  z
    .string()
    .max(max)
    .transform((s) => s.replace(/\p{Cc}+/gu, ' ').trim())
    .nullish()
    .transform((s) => (s ? s : null));

const recordSchema = z.object({
  id: z.union([z.string().min(1).max(128), z.number().int()]).transform(String),
  name: text(200),
  phone: text(64),
  email: text(320),
  accountRef: text(128),
  notes: text(4000),
  /** A link into the CRM for the agent; only http(s), so a page can make it a link safely. */
  url: z.url({ protocol: /^https?$/ }).max(2048).nullish(),
});

/**
 * What the CRM may answer: the record itself, `{ "customer": record | null }`, or a list whose
 * first element is the best match. 404 and 204 mean "no record".
 */
const responseSchema = z.union([
  z.object({ customer: recordSchema.nullable() }).transform((b) => b.customer),
  z.array(recordSchema).max(100).transform((list) => list[0] ?? null),
  recordSchema,
]);

class CrmResponseError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'CrmResponseError';
  }
}

/**
 * A site's own CRM as a CustomerLookup, over HTTP. Every failure (unreachable, slow, an error
 * status, a body that is not the documented shape) is logged and answered as "no record": a screen
 * pop never waits longer than the timeout and never fails because of the CRM.
 */
export class HttpCustomerLookup implements CustomerLookup {
  private readonly fetch: typeof fetch;
  private readonly maxBytes: number;

  constructor(private readonly options: HttpCustomerLookupOptions) {
    const url = new URL(options.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('the CRM lookup URL must be http(s)');
    if (!Number.isInteger(options.timeoutMs) || options.timeoutMs <= 0) throw new Error('the CRM lookup timeout must be a positive integer');
    this.fetch = options.fetch ?? fetch;
    this.maxBytes = options.maxBytes ?? 64 * 1024;
  }

  async find(query: CustomerQuery): Promise<CustomerRecord | null> {
    const url = new URL(this.options.url);
    let asked = false;
    for (const [name, value] of [['phone', query.phone], ['email', query.email], ['sipUri', query.sipUri]] as const) {
      if (!value) continue;
      url.searchParams.set(name, value);
      asked = true;
    }
    if (!asked) return null;
    const started = Date.now();
    try {
      const found = await this.request(url);
      return found && { ...found, url: found.url ?? null, source: 'crm' };
    } catch (err) {
      // The query (a customer's number or address) stays out of the log.
      this.options.log.warn({ err, status: err instanceof CrmResponseError ? err.status : undefined, elapsedMs: Date.now() - started }, 'CRM lookup failed; shown without a customer record');
      return null;
    }
  }

  private async request(url: URL): Promise<z.output<typeof responseSchema>> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (this.options.token) headers.Authorization = `Bearer ${this.options.token}`;
    const signal = AbortSignal.timeout(this.options.timeoutMs);
    const res = await this.fetch(url, { method: 'GET', headers, signal, redirect: 'error' });
    if (res.status === 404 || res.status === 204) {
      await res.body?.cancel();
      return null;
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new CrmResponseError(`the CRM answered ${res.status}`, res.status);
    }
    const body = await this.readBody(res);
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw new CrmResponseError('the CRM answer is not JSON', res.status);
    }
    const parsed = responseSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new CrmResponseError(`the CRM answer has an unexpected shape${issue ? ` at ${issue.path.join('.') || '(root)'}: ${issue.message}` : ''}`, res.status);
    }
    return parsed.data;
  }

  /** The body as text, refusing more than `maxBytes` (read until then, never buffered whole). */
  private async readBody(res: Response): Promise<string> {
    const declared = Number(res.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > this.maxBytes) {
      await res.body?.cancel();
      throw new CrmResponseError('the CRM answer is too large', res.status);
    }
    if (!res.body) return '';
    const reader = res.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > this.maxBytes) {
        await reader.cancel();
        throw new CrmResponseError('the CRM answer is too large', res.status);
      }
      chunks.push(value);
    }
    return Buffer.concat(chunks).toString('utf8');
  }
}
