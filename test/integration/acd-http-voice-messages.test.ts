import { strict as assert } from 'node:assert';
import request from 'supertest';
import { KnexHelpRequestRepository } from '../../src/adapters/db/help-request-repository';
import { newRequestId } from '../../src/app/intake/request-id';
import { VoiceMessageAudio } from '../../src/app/acd/voice-message-audio';
import { CallControlUnavailableError } from '../../src/domain/errors';
import { FakeCallControl, silentWav } from '../support/fake-call-control';
import { eventually, SseClient, startAcdHttp, TOKENS, type AcdHttpHarness } from './acd-http-harness';

const bearer = (agent: keyof typeof TOKENS) => ({ Authorization: `Bearer ${TOKENS[agent]}` });

describe('voice messages played from the agent desktop over HTTP (MariaDB, Redis, the ACD on a fake PBX)', function () {
  this.timeout(30_000);
  let h: AcdHttpHarness;
  let requests: KnexHelpRequestRepository;
  /** The PBX the recordings are fetched from. */
  const pbx = new FakeCallControl();
  let audio: VoiceMessageAudio | undefined;

  before(async () => {
    h = await startAcdHttp('acdvm', { voiceMessages: { open: (agentId, requestId) => audio!.open(agentId, requestId) } });
    requests = new KnexHelpRequestRepository(h.db.knex);
    audio = new VoiceMessageAudio({ cc: pbx, requests, records: h.records });
  });
  after(async () => {
    await h?.close();
  });

  /** A help request as the IVR leaves it for a voice message (or, with channel 'pstn', a web callback). */
  async function createRequest(channel: 'voicemail' | 'pstn', seconds = 3): Promise<{ id: string; recording: string }> {
    const id = newRequestId();
    const recording = `vm-${id}`;
    const now = new Date();
    await requests.create(
      {
        id,
        channel,
        queue: 'support',
        phone: '+12025550177',
        sipUri: null,
        name: null,
        email: null,
        pageUrl: null,
        message: channel === 'pstn' ? 'please call me' : null,
        priority: 5,
        arrivalAt: now,
        preferredAt: null,
        dueAt: now,
        status: 'queued',
        context: channel === 'voicemail' ? { recording, durationSeconds: seconds, callerId: '+12025550177', ivrChoices: ['4'], callId: `call-${id}` } : {},
      },
      { actor: 'test', action: 'create', entityType: 'help_request', entityId: id },
    );
    if (channel === 'voicemail') pbx.storedRecordings.set(recording, { contentType: 'audio/wav', data: silentWav(seconds) });
    return { id, recording };
  }

  const offerTo = (agentId: string, requestId: string) =>
    h.records.offerStarted({ requestId, agentId, channelId: `reservation-${requestId}-${agentId}`, attemptNo: 1, startedAt: new Date() });
  const streamToken = async (agent: keyof typeof TOKENS) => (await request(h.app).post(`/api/v1/agents/${agent}/stream-token`).set(bearer(agent)).expect(201)).body.token as string;

  it('offers a voice message with a recordingUrl; the agent plays its audio with a stream token, as an <audio> element would', async () => {
    const { id, recording } = await createRequest('voicemail', 3);
    await request(h.app).post('/api/v1/agents/alice/login').set(bearer('alice')).expect(200);
    const stream = await SseClient.open(`${h.baseUrl}/api/v1/agents/alice/events?token=${await streamToken('alice')}`);
    try {
      await h.list.add({ requestId: id, queue: 'support', kind: 'callback', priority: 5, arrivalAt: new Date(), dueAt: new Date() });
      await requests.markEnqueued(id);
      h.acd.entryAdded();
      const offer = await stream.next((e) => e.event === 'offer');
      const pop = (offer.data as { pop: Record<string, unknown> }).pop;
      assert.equal(pop.requestId, id);
      assert.equal(pop.channel, 'voicemail');
      assert.equal(pop.recording, recording);
      assert.equal(pop.recordingUrl, `/api/v1/agents/alice/recordings/${id}`, 'relative, and without any token');

      await eventually(() => h.dialer.reservations.some((r) => r.request.id === id), 'the reservation reaches the dialer');
      const token = await streamToken('alice');
      const res = await fetch(`${h.baseUrl}${pop.recordingUrl as string}?token=${token}`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'audio/wav');
      assert.equal(res.headers.get('cache-control'), 'private, no-store');
      assert.equal(res.headers.get('content-disposition'), 'inline');
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.ok(Buffer.from(await res.arrayBuffer()).equals(silentWav(3)), 'the bytes Asterisk stored');
      assert.deepEqual(pbx.ops('getRecordingFile').at(-1), [recording], 'the recording named by the request, not by the URL');
      assert.ok(!h.logLines.some((line) => line.includes(token)), 'the stream token stays out of the request log');

      const byHeader = await fetch(`${h.baseUrl}/api/v1/agents/alice/recordings/${id}`, { headers: bearer('alice') });
      assert.equal(byHeader.status, 200);
      assert.equal((await byHeader.arrayBuffer()).byteLength, 44 + 3 * 16000);

      const reservation = h.dialer.reservations.find((r) => r.request.id === id)!;
      await reservation.settle({ kind: 'done' });
      await eventually(() => h.acd.roster.get('alice').status.state === 'available', 'alice is available after wrap-up');
      // Still playable after the call, for the wrap-up notes.
      await request(h.app).get(`/api/v1/agents/alice/recordings/${id}`).set(bearer('alice')).expect(200);
    } finally {
      stream.close();
      if (h.acd.roster.get('alice').status.state === 'available') await h.acd.agentService.logout('alice');
    }
  });

  it('another agent gets 403: with their own token on this agent\'s URL, or on their own URL for a message never offered to them', async () => {
    const { id } = await createRequest('voicemail');
    await offerTo('alice', id);
    const url = (agent: string) => `/api/v1/agents/${agent}/recordings/${id}`;
    const refusals: Array<[string, request.Test, number]> = [
      ['no credential', request(h.app).get(url('alice')), 401],
      ['the long-lived token in the URL', request(h.app).get(`${url('alice')}?token=${TOKENS.alice}`), 401],
      ['bob\'s token on alice\'s URL', request(h.app).get(url('alice')).set(bearer('bob')), 403],
      ['bob\'s stream token on alice\'s URL', request(h.app).get(`${url('alice')}?token=${await streamToken('bob')}`), 403],
      ['bob on his own URL', request(h.app).get(url('bob')).set(bearer('bob')), 403],
      ['an id offered to nobody', request(h.app).get(`/api/v1/agents/bob/recordings/${newRequestId()}`).set(bearer('bob')), 403],
    ];
    for (const [what, req, status] of refusals) {
      const res = await req;
      assert.equal(res.status, status, what);
      assert.match(String(res.headers['content-type']), /^application\/json/, what);
    }
    const calls = pbx.ops('getRecordingFile').length;
    await request(h.app).get(url('alice')).set(bearer('alice')).expect(200);
    assert.equal(pbx.ops('getRecordingFile').length, calls + 1, 'only the allowed request reached the PBX');
  });

  it('404 for a contact of this agent that is not a voice message, and for a message whose recording is gone; 503 when the PBX does not answer', async () => {
    const web = await createRequest('pstn');
    await offerTo('alice', web.id);
    const notVoice = await request(h.app).get(`/api/v1/agents/alice/recordings/${web.id}`).set(bearer('alice')).expect(404);
    assert.equal(notVoice.body.error.code, 'not_found');

    const gone = await createRequest('voicemail');
    await offerTo('alice', gone.id);
    pbx.storedRecordings.delete(gone.recording);
    assert.equal((await request(h.app).get(`/api/v1/agents/alice/recordings/${gone.id}`).set(bearer('alice')).expect(404)).body.error.code, 'not_found');

    const later = await createRequest('voicemail');
    await offerTo('alice', later.id);
    pbx.failNext('getRecordingFile', new CallControlUnavailableError('Asterisk is not reachable'));
    assert.equal((await request(h.app).get(`/api/v1/agents/alice/recordings/${later.id}`).set(bearer('alice')).expect(503)).body.error.code, 'unavailable');
    await request(h.app).get(`/api/v1/agents/alice/recordings/${later.id}`).set(bearer('alice')).expect(200);
  });

  it('a malformed request id is 400 naming requestId, and never reaches the PBX', async () => {
    const calls = pbx.ops('getRecordingFile').length;
    for (const bad of ['..%2F..%2Fetc%2Fpasswd', 'vm-x.wav', 'a'.repeat(65)]) {
      const res = await request(h.app).get(`/api/v1/agents/alice/recordings/${bad}`).set(bearer('alice')).expect(400);
      assert.equal(res.body.error.field, 'requestId', bad);
    }
    assert.equal(pbx.ops('getRecordingFile').length, calls);
  });
});

