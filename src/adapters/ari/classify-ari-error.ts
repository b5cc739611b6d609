import {
  AllocationFailedError,
  BadRequestError,
  BridgeGoneError,
  CallControlError,
  CallControlUnavailableError,
  ChannelGoneError,
  InvalidStateError,
  PlaybackGoneError,
  RecordingGoneError,
} from '../../domain/errors';
import type { AriOperation } from './ari-operations';

/**
 * The one place where ARI failures become typed errors. ari-client rejects with `new Error(body)`
 * and drops the HTTP status, so the classification uses the status when an error carries one and
 * otherwise the body Asterisk sends (its messages are fixed strings in res/ari/resource_*.c).
 */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);

const GONE_BY_MESSAGE: ReadonlyArray<[RegExp, new (message: string, id?: string) => CallControlError]> = [
  [/^Channel not found$/i, ChannelGoneError],
  [/^Bridge not found$/i, BridgeGoneError],
  [/^Playback not found$/i, PlaybackGoneError],
  [/^Recording not found$/i, RecordingGoneError],
];

const INVALID_STATE_MESSAGE = /not in Stasis|already exists|not in a bridge|not in this bridge|currently recording|already in a bridge|in use/i;

const GONE_BY_RESOURCE: Record<AriOperation['resource'], (new (message: string, id?: string) => CallControlError) | undefined> = {
  channels: ChannelGoneError,
  bridges: BridgeGoneError,
  playbacks: PlaybackGoneError,
  recordings: RecordingGoneError,
};

interface ParsedFailure {
  status?: number;
  code?: string;
  text: string;
  /** Asterisk's JSON body: `{message}` for most errors, `{error}` for "Allocation failed". */
  body?: { message?: string; error?: string };
}

function parse(err: unknown): ParsedFailure {
  if (!(err instanceof Error) && (typeof err !== 'object' || err === null)) return { text: String(err) };
  const e = err as { message?: unknown; status?: unknown; statusCode?: unknown; code?: unknown; name?: unknown };
  const text = typeof e.message === 'string' ? e.message : String(err);
  const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : undefined;
  let code = typeof e.code === 'string' ? e.code : undefined;
  if (e.name === 'HostIsNotReachable') code ??= 'ECONNREFUSED';
  let body: ParsedFailure['body'];
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed !== null && typeof parsed === 'object') body = parsed as ParsedFailure['body'];
  } catch {
    body = undefined;
  }
  return { status, code, text, body };
}

/** Redacts `api_key=user:password` and URL user info from text that may reach a log. */
export function redactCredentials(text: string): string {
  return text.replace(/(api_key=)[^&\s"']+/gi, '$1[redacted]').replace(/(\/\/)[^/@\s:]+:[^/@\s]+@/g, '$1[redacted]@');
}

export function classifyAriError(err: unknown, operation: AriOperation, resourceId?: string): CallControlError {
  if (err instanceof CallControlError) return err;
  const failure = parse(err);
  const what = `ARI ${operation.resource}.${operation.nickname}${resourceId ? ` (${resourceId})` : ''}`;
  const message = failure.body?.message ?? failure.body?.error;
  const detail = redactCredentials(message ?? failure.text);
  const make = (Cls: new (message: string, id?: string) => CallControlError) => new Cls(`${what}: ${detail}`, resourceId);

  if ((failure.code && NETWORK_CODES.has(failure.code)) || /socket hang up/i.test(failure.text)) {
    return make(CallControlUnavailableError);
  }
  if (failure.status === 401 || failure.status === 403 || /^Authentication required$/i.test(message ?? '')) {
    return new CallControlUnavailableError(`${what}: Asterisk refused the ARI credentials`, resourceId);
  }
  if (failure.body?.error !== undefined && /^Allocation failed$/i.test(failure.body.error)) return make(AllocationFailedError);
  if (message !== undefined) {
    for (const [pattern, Cls] of GONE_BY_MESSAGE) if (pattern.test(message)) return make(Cls);
    if (/^Application not found$/i.test(message)) return make(CallControlUnavailableError);
  }
  switch (failure.status) {
    case 404: {
      const Gone = GONE_BY_RESOURCE[operation.resource];
      return make(Gone ?? BadRequestError);
    }
    case 409:
      return make(InvalidStateError);
    case 400:
    case 422:
      return make(BadRequestError);
    case 502:
    case 503:
    case 504:
      return make(CallControlUnavailableError);
    default:
      break;
  }
  if (message !== undefined && failure.status === undefined) {
    if (INVALID_STATE_MESSAGE.test(message)) return make(InvalidStateError);
    if (/specified|required|invalid|unknown|must be|not allowed/i.test(message)) return make(BadRequestError);
  }
  const programmingError = err instanceof TypeError || err instanceof RangeError || err instanceof ReferenceError;
  if (!programmingError && failure.body === undefined && failure.status === undefined && failure.code === undefined) {
    // ari-client surfaces transport failures of the underlying HTTP client as bare errors.
    return make(CallControlUnavailableError);
  }
  return make(CallControlError);
}
