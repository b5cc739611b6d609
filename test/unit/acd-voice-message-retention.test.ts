import { strict as assert } from 'node:assert';
import { VoiceMessageRetention } from '../../src/app/acd/voice-message-retention';
import { CallControlUnavailableError, RecordingGoneError } from '../../src/domain/errors';
import type { HelpRequest, RequestStatus } from '../../src/domain/help-request';
import { MemoryHelpRequests } from '../support/acd-memory';
import { FakeCallControl } from '../support/fake-call-control';
import { FakeClock } from '../support/fake-clock';
import { silentLogger } from './dialer-support';

const DAY = 86_400_000;

describe('voice message retention', () => {
  function setup() {
    const clock = new FakeClock('2030-03-01T12:00:00.000Z');
    const cc = new FakeCallControl();
    const requests = new MemoryHelpRequests(clock);
    const retention = new VoiceMessageRetention({ cc, requests, clock, logger: silentLogger, retentionDays: 30 });
    const add = (id: string, o: { status: RequestStatus; closedDaysAgo: number; channel?: HelpRequest['channel']; recording?: string | null }) => {
      const at = new Date(clock.now().getTime() - o.closedDaysAgo * DAY);
      const context: Record<string, unknown> = { callerId: '+12122345000' };
      if (o.recording !== null) context.recording = o.recording ?? `vm-${id}`;
      requests.rows.set(id, {
        id, channel: o.channel ?? 'voicemail', queue: 'support', phone: '+12122345000', sipUri: null, name: null, email: null, pageUrl: null, message: null,
        priority: 5, arrivalAt: at, preferredAt: null, dueAt: at, status: o.status, attempts: 0, context, customerId: null, outcome: null, createdAt: at, updatedAt: at, enqueued: true,
      });
    };
    return { clock, cc, requests, retention, add, context: (id: string) => requests.rows.get(id)!.context };
  }

  it('deletes the recording of a voice message closed longer than the retention, and only those', async () => {
    const s = setup();
    s.add('old-done', { status: 'completed', closedDaysAgo: 31 });
    s.add('old-cancelled', { status: 'cancelled', closedDaysAgo: 400 });
    s.add('recent', { status: 'completed', closedDaysAgo: 29 });
    s.add('old-but-open', { status: 'queued', closedDaysAgo: 90 });
    s.add('web', { status: 'completed', closedDaysAgo: 90, channel: 'pstn', recording: 'not-a-voice-message' });
    assert.equal(await s.retention.purge(), 2);
    assert.deepEqual(s.cc.deletedRecordings.sort(), ['vm-old-cancelled', 'vm-old-done']);
    for (const id of ['old-done', 'old-cancelled']) {
      assert.equal(s.context(id).recording, undefined, `${id}: the name leaves the request`);
      assert.equal(s.context(id).recordingDeletedAt, '2030-03-01T12:00:00.000Z');
      assert.equal(s.context(id).callerId, '+12122345000', 'the rest of the context stays');
    }
    for (const id of ['recent', 'old-but-open']) assert.equal(s.context(id).recording, `vm-${id}`);
    assert.equal(s.context('web').recording, 'not-a-voice-message');
    assert.equal(await s.retention.purge(), 0, 'nothing left to do');
  });

  it('clears a recording Asterisk no longer has, and keeps one it could not delete for the next pass', async () => {
    const s = setup();
    s.add('gone', { status: 'failed', closedDaysAgo: 40 });
    s.add('stuck', { status: 'completed', closedDaysAgo: 35 });
    s.cc.failNext('deleteRecording', new RecordingGoneError('Recording not found', 'vm-gone'));
    s.cc.failNext('deleteRecording', new CallControlUnavailableError('Asterisk is not reachable'));
    assert.equal(await s.retention.purge(), 1);
    assert.equal(s.context('gone').recording, undefined);
    assert.equal(s.context('stuck').recording, 'vm-stuck', 'not cleared while the file may still exist');
    assert.equal(await s.retention.purge(), 1);
    assert.equal(s.context('stuck').recording, undefined);
    assert.deepEqual(s.cc.deletedRecordings, ['vm-stuck']);
  });

  it('runs a pass at start and then every hour until stopped', async () => {
    const s = setup();
    s.add('first', { status: 'completed', closedDaysAgo: 31 });
    s.retention.start();
    await s.clock.advance(0);
    assert.deepEqual(s.cc.deletedRecordings, ['vm-first']);
    // Closed 30 days minus 30 minutes ago: due in half an hour, deleted at the next hourly pass.
    s.add('later', { status: 'completed', closedDaysAgo: 30 - 1 / 48 });
    await s.clock.advance(3_600_000);
    assert.deepEqual(s.cc.deletedRecordings, ['vm-first', 'vm-later']);
    await s.retention.stop();
    s.add('after-stop', { status: 'completed', closedDaysAgo: 100 });
    await s.clock.advance(10 * 3_600_000);
    assert.deepEqual(s.cc.deletedRecordings, ['vm-first', 'vm-later']);
  });

  it('refuses a retention that is not a whole number of days', () => {
    const s = setup();
    for (const retentionDays of [0, 1.5, -3]) assert.throws(() => new VoiceMessageRetention({ cc: s.cc, requests: s.requests, clock: s.clock, logger: silentLogger, retentionDays }), /retentionDays/);
  });
});
