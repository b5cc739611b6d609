import { BadRequestError } from '../../domain/errors';
import type { OriginateRequest, RecordRequest } from '../../ports/call-control';

/**
 * Checks made before anything is sent to Asterisk, so a bad value fails with an error that names
 * the field instead of an opaque ARI 400 (or, worse, a value that changes what Asterisk does:
 * a comma inside an app argument or media URI would split it in two).
 */
const ID = /^[A-Za-z0-9][A-Za-z0-9._:;@+-]{0,127}$/;
const MEDIA = /^(sound|number|digits|characters|recording|tone):[^,\s]+$/;
const DTMF = /^[0-9A-Da-d*#]{1,64}$/;
const RECORDING_NAME = /^[A-Za-z0-9_-][A-Za-z0-9_./-]{0,127}$/;
const VARIABLE = /^[A-Za-z_][A-Za-z0-9_]*(\([^()\r\n]*\))?$/;
const ENDPOINT = /^[A-Za-z0-9_-]+\/[^\s,]{1,256}$/;

function fail(field: string, message: string): never {
  throw new BadRequestError(`${field}: ${message}`);
}

export function checkId(field: string, value: string): string {
  if (typeof value !== 'string' || !ID.test(value)) fail(field, 'must be 1-128 letters, digits or ._:;@+- and start with a letter or digit');
  return value;
}

export function checkMedia(media: string | string[]): string[] {
  const list = Array.isArray(media) ? media : [media];
  if (list.length === 0) fail('media', 'at least one media URI is required');
  list.forEach((uri, i) => {
    if (typeof uri !== 'string' || !MEDIA.test(uri)) fail(`media[${i}]`, 'must be a sound:, number:, digits:, characters:, recording: or tone: URI without commas or spaces');
  });
  return list;
}

export function checkDtmf(dtmf: string): string {
  if (typeof dtmf !== 'string' || !DTMF.test(dtmf)) fail('dtmf', 'must be 1-64 of 0-9, A-D, * or #');
  return dtmf;
}

export function checkVariableName(name: string): string {
  if (typeof name !== 'string' || !VARIABLE.test(name)) fail('variable', 'must be a dialplan variable or function name such as CUSTOMER_ID or CALLERID(num)');
  return name;
}

export function checkRecordingName(field: string, name: string): string {
  if (typeof name !== 'string' || !RECORDING_NAME.test(name) || name.includes('..')) fail(field, 'must be 1-128 letters, digits or _-./ without ".."');
  return name;
}

export function checkRecord(req: RecordRequest): RecordRequest {
  checkRecordingName('name', req.name);
  if (req.format !== undefined && !/^[a-z0-9]{1,16}$/.test(req.format)) fail('format', 'must be a format name such as wav or gsm');
  for (const key of ['maxDurationSeconds', 'maxSilenceSeconds'] as const) {
    const v = req[key];
    if (v !== undefined && (!Number.isInteger(v) || v < 0)) fail(key, 'must be a non-negative integer');
  }
  return req;
}

export function checkOriginate(req: OriginateRequest): void {
  checkId('channelId', req.channelId);
  if (req.otherChannelId !== undefined) checkId('otherChannelId', req.otherChannelId);
  if (typeof req.endpoint !== 'string' || !ENDPOINT.test(req.endpoint)) fail('endpoint', 'must look like TECH/resource, e.g. PJSIP/agent-1001');
  if (!Array.isArray(req.appArgs) || req.appArgs.length === 0) fail('appArgs', 'the first argument names the flow and is required');
  req.appArgs.forEach((arg, i) => {
    if (typeof arg !== 'string' || /[,\r\n]/.test(arg)) fail(`appArgs[${i}]`, 'must be a string without commas or line breaks');
  });
  if (req.appArgs[0] === '') fail('appArgs[0]', 'the flow name must not be empty');
  if (req.callerId !== undefined && (typeof req.callerId !== 'string' || req.callerId.length > 128 || /[\r\n]/.test(req.callerId))) {
    fail('callerId', 'must be at most 128 characters on one line');
  }
  if (req.timeoutSeconds !== undefined && (!Number.isInteger(req.timeoutSeconds) || req.timeoutSeconds < 1 || req.timeoutSeconds > 3600)) {
    fail('timeoutSeconds', 'must be an integer between 1 and 3600');
  }
  for (const [name, value] of Object.entries(req.variables ?? {})) {
    checkVariableName(name);
    if (typeof value !== 'string' || /[\r\n]/.test(value)) fail(`variables.${name}`, 'must be a string on one line');
  }
}
