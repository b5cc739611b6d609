import { strict as assert } from 'node:assert';
import { AgentEventBus, type AgentNotice } from '../../src/app/acd/agent-events';
import type { ScreenPop } from '../../src/app/acd/screen-pop';
import { VoiceMessageAudio } from '../../src/app/acd/voice-message-audio';
import { withVoiceMessageLinks } from '../../src/adapters/http/voice-message-links';
import { BadRequestError, CallControlUnavailableError, DomainError } from '../../src/domain/errors';
import { MemoryCallRecords, MemoryHelpRequests } from '../support/acd-memory';
import { FakeCallControl, silentWav } from '../support/fake-call-control';
import { FakeClock } from '../support/fake-clock';

describe('voice messages for the agent they were offered to', () => {
  const clock = new FakeClock();
  let cc: FakeCallControl;
  let requests: MemoryHelpRequests;
  let records: MemoryCallRecords;
  let audio: VoiceMessageAudio;

  async function request(id: string, channel: 'voicemail' | 'pstn', context: Record<string, unknown>) {
    const now = clock.now();
    await requests.create(
      { id, channel, queue: 'support', phone: '+12025550111', sipUri: null, name: null, email: null, pageUrl: null, message: null, priority: 5, arrivalAt: now, preferredAt: null, dueAt: now, status: 'queued', context },
      { actor: 'test', action: 'create', entityType: 'help_request', entityId: id },
    );
  }
  const offer = (requestId: string, agentId: string) => records.offerStarted({ requestId, agentId, channelId: `res-${requestId}`, attemptNo: 1, startedAt: clock.now() });
  const code = (expected: string) => (err: unknown) => err instanceof DomainError && err.code === expected;

  beforeEach(async () => {
    cc = new FakeCallControl();
    requests = new MemoryHelpRequests(clock);
    records = new MemoryCallRecords();
    audio = new VoiceMessageAudio({ cc, requests, records });
    await request('hr_vm', 'voicemail', { recording: 'vm-hr_vm', durationSeconds: 2 });
    cc.storedRecordings.set('vm-hr_vm', { contentType: 'audio/wav', data: silentWav(2) });
    await offer('hr_vm', 'alice');
  });

  it('gives the agent it was offered to the recording its request names', async () => {
    const file = await audio.open('alice', 'hr_vm');
    assert.equal(file.contentType, 'audio/wav');
    assert.ok(file.data.equals(silentWav(2)));
    assert.deepEqual(cc.ops('getRecordingFile'), [['vm-hr_vm']]);
  });

  it('is forbidden to an agent it was not offered to, and for an unknown request, without asking the PBX', async () => {
    await assert.rejects(audio.open('bob', 'hr_vm'), code('forbidden'));
    await assert.rejects(audio.open('alice', 'hr_unknown'), code('forbidden'));
    assert.deepEqual(cc.ops('getRecordingFile'), []);
  });

  it('is not found for a contact that is not a voice message, one without a recording name, or a recording no longer stored', async () => {
    await request('hr_web', 'pstn', { recording: 'vm-hr_vm' });
    await offer('hr_web', 'alice');
    await assert.rejects(audio.open('alice', 'hr_web'), code('not_found'));
    await request('hr_vm2', 'voicemail', { durationSeconds: 3 });
    await offer('hr_vm2', 'alice');
    await assert.rejects(audio.open('alice', 'hr_vm2'), code('not_found'));
    cc.storedRecordings.delete('vm-hr_vm');
    await assert.rejects(audio.open('alice', 'hr_vm'), code('not_found'));
  });

  it('an unreachable PBX is unavailable; other call-control failures are not disguised', async () => {
    cc.failNext('getRecordingFile', new CallControlUnavailableError('Asterisk is not reachable'));
    await assert.rejects(audio.open('alice', 'hr_vm'), code('unavailable'));
    cc.failNext('getRecordingFile', new BadRequestError('recordingName: bad'));
    await assert.rejects(audio.open('alice', 'hr_vm'), BadRequestError);
  });
});

describe('offers of voice messages carry the URL of their audio', () => {
  const pop = (channel: string, recording: string | null): ScreenPop => ({
    requestId: 'hr_1', queue: 'support', kind: 'callback', channel, callerNumber: null, name: null, email: null, sipUri: null, pageUrl: null,
    message: null, recording, ivrChoices: [], arrivalAt: '2030-01-01T00:00:00.000Z', waitedSeconds: 0, customer: null, history: [],
  });

  it('adds recordingUrl for the agent of the stream, also to an offer replayed on reconnect, and leaves other notices alone', () => {
    const bus = new AgentEventBus();
    const linked = withVoiceMessageLinks(bus);
    bus.publish('a/b', { type: 'offer', pop: pop('voicemail', 'vm-hr_1') });
    const seen: AgentNotice[] = [];
    linked.subscribe('a/b', (n) => seen.push(n));
    bus.publish('a/b', { type: 'offer', pop: pop('pstn', null) });
    bus.publish('a/b', { type: 'offer', pop: pop('voicemail', null) });
    bus.publish('a/b', { type: 'connected', requestId: 'hr_1', at: '2030-01-01T00:00:01.000Z' });
    const urls = seen.map((n) => (n.type === 'offer' ? (n.pop as ScreenPop & { recordingUrl?: string }).recordingUrl : n.type));
    assert.deepEqual(urls, ['/api/v1/agents/a%2Fb/recordings/hr_1', undefined, undefined, 'connected']);
  });
});
