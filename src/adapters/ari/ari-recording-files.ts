import { CallControlError, CallControlUnavailableError, RecordingGoneError } from '../../domain/errors';
import type { RecordingFile } from '../../ports/call-control';
import { ARI_OPERATIONS } from './ari-operations';
import { classifyAriError, redactCredentials } from './classify-ari-error';
import { checkRecordingName } from './validate-ari-input';

export interface AriRecordingFilesOptions {
  /** Base URL of Asterisk's HTTP server, as given to ari-client (no `/ari`, no credentials). */
  url: string;
  user: string;
  password: string;
  /** Bound on the whole exchange, headers and body. */
  timeoutMs: number;
  /** A larger file is refused instead of being held in memory (default 64 MiB). */
  maxBytes?: number;
  /** For tests: a replacement for the global fetch. */
  fetch?: typeof fetch;
}

const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;

/**
 * The audio of stored recordings (`GET /recordings/stored/{recordingName}/file`), fetched over HTTP
 * directly rather than through ari-client, which returns the body without its Content-Type (the
 * browser playing it needs that) and reads it whole, however large. Same server and basic auth as
 * ari-client, bounded by a timeout and a size limit, failures classified like every other ARI call.
 */
export class AriRecordingFiles {
  private readonly base: string;
  private readonly authorization: string;
  private readonly maxBytes: number;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: AriRecordingFilesOptions) {
    this.base = options.url.replace(/\/+$/, '');
    this.authorization = `Basic ${Buffer.from(`${options.user}:${options.password}`, 'utf8').toString('base64')}`;
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    this.fetch = options.fetch ?? fetch;
  }

  async get(name: string): Promise<RecordingFile> {
    checkRecordingName('recordingName', name);
    const operation = ARI_OPERATIONS.getStoredRecordingFile;
    const what = `ARI ${operation.resource}.${operation.nickname} (${name})`;
    const url = `${this.base}/ari${operation.path.replace('{recordingName}', encodeURIComponent(name))}`;
    const { timeoutMs } = this.options;
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      const res = await this.fetch(url, { method: operation.method, headers: { Authorization: this.authorization, Accept: 'audio/*, */*;q=0.1' }, redirect: 'error', signal });
      if (!res.ok) {
        const text = await res.text().catch(() => '');
        // 403 is "The recording file could not be opened": listed, but its file is unreadable or gone.
        if (res.status === 403) throw new RecordingGoneError(`${what}: the recording file could not be opened`, name);
        throw classifyAriError(Object.assign(new Error(text.slice(0, 500)), { status: res.status }), operation, name);
      }
      const declared = Number(res.headers.get('content-length'));
      if (Number.isFinite(declared) && declared > this.maxBytes) throw new CallControlError(`${what}: the file is larger than ${this.maxBytes} bytes`, name);
      const data = await readAtMost(res, this.maxBytes, what, name);
      return { contentType: mediaType(res.headers.get('content-type')), data };
    } catch (err) {
      if (err instanceof CallControlError) throw err;
      if (signal.aborted) throw new CallControlUnavailableError(`${what}: no answer from Asterisk within ${timeoutMs} ms`, name);
      throw new CallControlUnavailableError(`${what}: ${redactCredentials(describe(err))}`, name);
    }
  }
}

/** The body, refused past `limit` bytes without reading the rest. */
async function readAtMost(res: Response, limit: number, what: string, name: string): Promise<Buffer> {
  if (!res.body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw new CallControlError(`${what}: the file is larger than ${limit} bytes`, name);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}

/** The media type Asterisk declared, without parameters; a generic binary type when it is missing or malformed. */
function mediaType(header: string | null): string {
  const type = (header ?? '').split(';')[0]!.trim().toLowerCase();
  return MEDIA_TYPE.test(type) ? type : 'application/octet-stream';
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as { cause?: unknown }).cause;
  const code = cause !== null && typeof cause === 'object' ? (cause as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? `${err.message} (${code})` : err.message;
}
