import { strict as assert } from 'node:assert';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AriRecordingFiles } from '../../src/adapters/ari/ari-recording-files';
import type { AriCallControlHandle } from '../../src/adapters/ari/create-ari-call-control';
import { BadRequestError, CallControlError, CallControlUnavailableError, RecordingGoneError } from '../../src/domain/errors';
import type { CallControl } from '../../src/ports/call-control';
import { startAriTarget, type AriTarget } from '../support/ari-target';
import { connectAdapter, follow } from './ari-helpers';

describe('stored recordings\' audio through the ARI adapter (simulator or ARI_URL, over real HTTP)', function () {
  this.timeout(30000);
  let target: AriTarget;
  let handle: AriCallControlHandle;
  let cc: CallControl;

  before(async () => {
    target = await startAriTarget({ label: 'recfiles', timeScale: 0.05 });
    handle = await connectAdapter(target);
    cc = handle.callControl;
  });
  after(async () => {
    await handle?.stop();
    await target?.close();
  });

  /** Records an answered leg for `seconds` and hangs it up; resolves with the recording's name and duration. */
  async function recordSomething(seconds: number): Promise<{ name: string; durationSeconds: number }> {
    const channelId = `rec-${randomUUID()}`;
    const calls = follow(cc, channelId);
    await cc.originate({ channelId, endpoint: target.farEnd({ result: 'answer', answerAfterMs: 50 }), appArgs: ['recording-test'] });
    await calls.until('StasisStart');
    const name = `vm-test-${randomUUID()}`;
    const recording = follow(cc, name);
    await cc.record(channelId, { name, format: 'wav', maxDurationSeconds: seconds, beep: false, terminateOn: '#', ifExists: 'fail' });
    const finished = await recording.until('RecordingFinished');
    recording.off();
    await cc.hangup(channelId).catch(() => undefined);
    calls.off();
    return { name, durationSeconds: finished.durationSeconds ?? 0 };
  }

  it('a finished recording comes back as a WAV file, byte for byte', async () => {
    const { name, durationSeconds } = await recordSomething(2);
    assert.ok(durationSeconds >= 1, `recorded ${durationSeconds} s`);
    const file = await cc.getRecordingFile(name);
    assert.match(file.contentType, /^audio\/(x-)?wav$/);
    const data = file.data;
    assert.equal(data.subarray(0, 4).toString('latin1'), 'RIFF');
    assert.equal(data.subarray(8, 16).toString('latin1'), 'WAVEfmt ');
    assert.equal(data.readUInt32LE(4), data.length - 8, 'RIFF size matches the bytes received');
    if (target.kind === 'simulator') {
      // 8 kHz, 16-bit mono: byte rate 16000 (0x3e80) would not survive being decoded as text.
      assert.equal(data.readUInt32LE(28), 16000);
      assert.equal(data.length, 44 + durationSeconds * 16000);
    }
    await cc.deleteRecording(name);
  });

  it('a recording that is not stored, or was deleted, is RecordingGoneError', async () => {
    await assert.rejects(cc.getRecordingFile(`never-recorded-${randomUUID()}`), RecordingGoneError);
    const { name } = await recordSomething(1);
    await cc.deleteRecording(name);
    await assert.rejects(cc.getRecordingFile(name), RecordingGoneError);
  });

  it('a malformed name is refused before anything is sent, naming the field', async () => {
    for (const name of ['../etc/passwd', 'a b', '', 'x'.repeat(200)]) {
      await assert.rejects(cc.getRecordingFile(name), (err: unknown) => err instanceof BadRequestError && /recordingName/.test(err.message));
    }
  });
});

describe('AriRecordingFiles against misbehaving servers', function () {
  this.timeout(10000);
  let server: Server;
  let base: string;
  let handler: (req: IncomingMessage, res: ServerResponse) => void;
  const seen: IncomingMessage[] = [];

  before(async () => {
    server = createServer((req, res) => {
      seen.push(req);
      handler(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    seen.length = 0;
  });

  const files = (options: Partial<ConstructorParameters<typeof AriRecordingFiles>[0]> = {}) =>
    new AriRecordingFiles({ url: `${base}/`, user: 'asterisk', password: 's3cret', timeoutMs: 2000, ...options });

  it('asks for the encoded name with basic auth, and keeps the media type without its parameters', async () => {
    handler = (_req, res) => res.writeHead(200, { 'Content-Type': 'audio/x-wav; charset=binary' }).end(Buffer.from([0x52, 0x49, 0x46, 0x46, 0xff, 0x80]));
    const file = await files().get('sub/dir-name');
    assert.equal(seen[0]!.url, '/ari/recordings/stored/sub%2Fdir-name/file');
    assert.equal(seen[0]!.headers.authorization, `Basic ${Buffer.from('asterisk:s3cret').toString('base64')}`);
    assert.equal(file.contentType, 'audio/x-wav');
    assert.deepEqual([...file.data], [0x52, 0x49, 0x46, 0x46, 0xff, 0x80]);
  });

  it('an implausible media type becomes application/octet-stream', async () => {
    handler = (_req, res) => res.writeHead(200, { 'Content-Type': 'text/html"><script>' }).end('x');
    assert.equal((await files().get('a')).contentType, 'application/octet-stream');
  });

  it('maps Asterisk\'s answers: 404 and 403 are RecordingGoneError, 401 and 5xx unavailable or failed', async () => {
    handler = (_req, res) => res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"message":"Recording not found"}');
    await assert.rejects(files().get('a'), RecordingGoneError);
    handler = (_req, res) => res.writeHead(403, { 'Content-Type': 'application/json' }).end('{"message":"The recording file could not be opened"}');
    await assert.rejects(files().get('a'), RecordingGoneError);
    handler = (_req, res) => res.writeHead(401, { 'Content-Type': 'application/json' }).end('{"message":"Authentication required"}');
    await assert.rejects(files().get('a'), (err: unknown) => err instanceof CallControlUnavailableError && !/s3cret/.test(err.message));
    handler = (_req, res) => res.writeHead(503).end();
    await assert.rejects(files().get('a'), CallControlUnavailableError);
    handler = (_req, res) => res.writeHead(500, { 'Content-Type': 'application/json' }).end('{"message":"Internal Server Error"}');
    await assert.rejects(files().get('a'), (err: unknown) => err instanceof CallControlError && !(err instanceof RecordingGoneError));
  });

  it('refuses a file over the size limit, declared or streamed', async () => {
    handler = (_req, res) => res.writeHead(200, { 'Content-Type': 'audio/wav', 'Content-Length': '2048' }).end(Buffer.alloc(2048));
    await assert.rejects(files({ maxBytes: 1024 }).get('a'), (err: unknown) => err instanceof CallControlError && /larger than 1024 bytes/.test(err.message));
    handler = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'audio/wav' });
      res.write(Buffer.alloc(800));
      res.end(Buffer.alloc(800));
    };
    await assert.rejects(files({ maxBytes: 1024 }).get('a'), (err: unknown) => err instanceof CallControlError && /larger than 1024 bytes/.test(err.message));
  });

  it('a server that never answers, or is not there, is CallControlUnavailableError', async () => {
    handler = () => undefined;
    await assert.rejects(files({ timeoutMs: 200 }).get('a'), (err: unknown) => err instanceof CallControlUnavailableError && /within 200 ms/.test(err.message));
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await assert.rejects(files({ url: `http://127.0.0.1:${port}` }).get('a'), CallControlUnavailableError);
  });
});
