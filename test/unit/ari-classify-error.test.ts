import { strict as assert } from 'node:assert';
import { ARI_OPERATIONS } from '../../src/adapters/ari/ari-operations';
import { classifyAriError, redactCredentials } from '../../src/adapters/ari/classify-ari-error';
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
} from '../../src/domain/errors';

// Bodies as Asterisk 22 answers them (see asterisk-ari/traces/errors.jsonl); ari-client wraps the
// raw body in an Error and drops the HTTP status.
const body = (b: Record<string, unknown>) => new Error(JSON.stringify(b));

describe('ARI error classification', () => {
  const cases: Array<[string, Error, keyof typeof ARI_OPERATIONS, new (...a: never[]) => CallControlError]> = [
    ['404 on a vanished channel', body({ message: 'Channel not found' }), 'hangup', ChannelGoneError],
    ['400 "Channel not found" from addChannel (the channel is gone)', body({ message: 'Channel not found' }), 'addChannel', ChannelGoneError],
    ['404 on a missing bridge', body({ message: 'Bridge not found' }), 'destroyBridge', BridgeGoneError],
    ['404 on a finished playback', body({ message: 'Playback not found' }), 'stopPlayback', PlaybackGoneError],
    ['404 on a missing recording', body({ message: 'Recording not found' }), 'deleteStoredRecording', RecordingGoneError],
    ['409 channel not in Stasis', body({ message: 'Channel not in Stasis application' }), 'answer', InvalidStateError],
    ['409 duplicate channel id', body({ message: 'Channel with given unique ID already exists' }), 'originate', InvalidStateError],
    ['409 duplicate bridge id', body({ message: "Bridge with id 'b1' already exists" }), 'createBridge', InvalidStateError],
    ['500 Allocation failed (key "error")', body({ error: 'Allocation failed' }), 'originate', AllocationFailedError],
    ['400 invalid endpoint', body({ message: 'Invalid endpoint specified' }), 'originate', BadRequestError],
    ['400 DTMF is required', body({ message: 'DTMF is required' }), 'sendDtmf', BadRequestError],
    ['422 unknown recording format', body({ message: 'specified format is unknown on this system' }), 'record', BadRequestError],
    ['401 credentials refused', body({ message: 'Authentication required' }), 'listChannels', CallControlUnavailableError],
    ['application not registered (event socket down)', body({ message: 'Application not found' }), 'listChannels', CallControlUnavailableError],
  ];
  for (const [name, err, op, Expected] of cases) {
    it(`${name} -> ${Expected.name}`, () => {
      const classified = classifyAriError(err, ARI_OPERATIONS[op], 'id-1');
      assert.ok(classified instanceof Expected, `got ${classified.constructor.name}: ${classified.message}`);
      assert.equal(classified.resourceId, 'id-1');
      assert.match(classified.message, new RegExp(`^ARI ${ARI_OPERATIONS[op].resource}\\.${ARI_OPERATIONS[op].nickname} \\(id-1\\)`));
    });
  }

  it('uses the HTTP status when the error carries one, per resource for 404', () => {
    const withStatus = (status: number, message = 'whatever') => Object.assign(new Error(JSON.stringify({ message })), { status });
    assert.ok(classifyAriError(withStatus(404), ARI_OPERATIONS.answer) instanceof ChannelGoneError);
    assert.ok(classifyAriError(withStatus(404), ARI_OPERATIONS.addChannel) instanceof BridgeGoneError);
    assert.ok(classifyAriError(withStatus(404), ARI_OPERATIONS.stopPlayback) instanceof PlaybackGoneError);
    assert.ok(classifyAriError(withStatus(409), ARI_OPERATIONS.answer) instanceof InvalidStateError);
    assert.ok(classifyAriError(withStatus(422), ARI_OPERATIONS.record) instanceof BadRequestError);
    assert.ok(classifyAriError(withStatus(503), ARI_OPERATIONS.answer) instanceof CallControlUnavailableError);
  });

  it('treats network failures as CallControlUnavailableError', () => {
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH']) {
      const err = Object.assign(new Error(`connect ${code} 127.0.0.1:8088`), { code });
      assert.ok(classifyAriError(err, ARI_OPERATIONS.answer) instanceof CallControlUnavailableError, code);
    }
    assert.ok(classifyAriError(new Error('socket hang up'), ARI_OPERATIONS.answer) instanceof CallControlUnavailableError);
    const unreachable = Object.assign(new Error('x'), { name: 'HostIsNotReachable' });
    assert.ok(classifyAriError(unreachable, ARI_OPERATIONS.originate) instanceof CallControlUnavailableError);
  });

  it('does not disguise a programming error as an outage', () => {
    const classified = classifyAriError(new TypeError('x is not a function'), ARI_OPERATIONS.answer);
    assert.equal(classified.constructor, CallControlError);
  });

  it('keeps an already typed error as it is', () => {
    const gone = new ChannelGoneError('gone', 'c1');
    assert.equal(classifyAriError(gone, ARI_OPERATIONS.answer), gone);
  });

  it('never lets credentials through into the message', () => {
    const err = new Error('Unexpected server response ws://127.0.0.1:8088/ari/events?app=cc&api_key=controller:s3cret');
    const classified = classifyAriError(err, ARI_OPERATIONS.listChannels);
    assert.doesNotMatch(classified.message, /s3cret/);
    assert.equal(redactCredentials('http://user:pw@host:8088/ari'), 'http://[redacted]@host:8088/ari');
  });
});
