import assert from 'node:assert/strict';
import { KnexHelpRequestRepository } from '../../../src/adapters/db/help-request-repository';
import { createKnex } from '../../../src/adapters/db/knex';
import type { NewHelpRequest } from '../../../src/ports/help-request-repository';
import { createTestDatabase, type TestDatabase } from '../../support/db';

function newRequest(id: string, extra: Partial<NewHelpRequest> = {}): NewHelpRequest {
  const at = new Date('2030-01-01T09:00:00.123Z');
  return {
    id,
    channel: 'pstn',
    queue: 'support',
    phone: '+14155552671',
    sipUri: null,
    name: 'Ada',
    email: null,
    pageUrl: 'https://shop.example.com/cart',
    message: "Robert'); DROP TABLE help_requests;--",
    priority: 5,
    arrivalAt: at,
    preferredAt: null,
    dueAt: at,
    status: 'queued',
    context: { source: 'web', nested: { n: 1 } },
    ...extra,
  };
}

const audit = (id: string) => ({ actor: 'visitor', action: 'created', entityType: 'help_request', entityId: id, details: { ip: '203.0.113.9' } });

describe('KnexHelpRequestRepository (real MariaDB)', () => {
  let db: TestDatabase;
  let repo: KnexHelpRequestRepository;

  before(async () => {
    db = await createTestDatabase('hrrepo');
    repo = new KnexHelpRequestRepository(db.knex);
  });
  after(async () => db.drop());
  beforeEach(async () => {
    await db.knex('audit_log').del();
    await db.knex('help_requests').del();
  });

  it('stores a request and reads it back with Dates and parsed JSON, parameterized', async () => {
    const { request, created } = await repo.create(newRequest('hr_one'), audit('hr_one'));
    assert.equal(created, true);
    const read = await repo.findById('hr_one');
    assert.ok(read);
    assert.deepEqual(read, request);
    assert.ok(read.arrivalAt instanceof Date);
    assert.equal(read.arrivalAt.toISOString(), '2030-01-01T09:00:00.123Z');
    assert.deepEqual(read.context, { source: 'web', nested: { n: 1 } });
    assert.equal(read.message, "Robert'); DROP TABLE help_requests;--");
    assert.equal(read.attempts, 0);
    const trail = await repo.auditTrail('help_request', 'hr_one');
    assert.equal(trail.length, 1);
    assert.deepEqual(trail[0]?.details, { ip: '203.0.113.9' });
    assert.ok(trail[0]?.at instanceof Date);
  });

  it('returns the existing open request for the same destination and queue', async () => {
    await repo.create(newRequest('hr_first'), audit('hr_first'));
    const again = await repo.create(newRequest('hr_second', { phone: '+14155552671' }), audit('hr_second'));
    assert.equal(again.created, false);
    assert.equal(again.request.id, 'hr_first');
    // another queue is another request
    const other = await repo.create(newRequest('hr_third', { queue: 'billing' }), audit('hr_third'));
    assert.equal(other.created, true);
    // once the first is closed, the number may ask again
    assert.ok(await repo.transition('hr_first', ['queued'], { status: 'cancelled' }));
    const fresh = await repo.create(newRequest('hr_fourth'), audit('hr_fourth'));
    assert.equal(fresh.created, true);
    assert.equal(await db.knex('audit_log').where({ entity_id: 'hr_second' }).count({ n: '*' }).first().then((r) => Number(r?.n)), 0);
  });

  it('concurrent submissions for one number create exactly one request', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => repo.create(newRequest(`hr_race${i}`), audit(`hr_race${i}`))));
    assert.equal(results.filter((r) => r.created).length, 1);
    assert.equal(new Set(results.map((r) => r.request.id)).size, 1);
  });

  it('an Idempotency-Key returns the first request', async () => {
    await repo.create(newRequest('hr_k1', { idempotencyKey: 'key-123456', phone: '+14155550101' }), audit('hr_k1'));
    const replay = await repo.create(newRequest('hr_k2', { idempotencyKey: 'key-123456', phone: '+14155550101' }), audit('hr_k2'));
    assert.deepEqual([replay.created, replay.request.id], [false, 'hr_k1']);
  });

  it('transition applies only from the expected statuses and audits the change', async () => {
    await repo.create(newRequest('hr_t'), audit('hr_t'));
    const moved = await repo.transition('hr_t', ['queued', 'scheduled'], { status: 'reserved', attempts: 1 }, { actor: 'acd', action: 'reserved', entityType: 'help_request', entityId: 'hr_t' });
    assert.equal(moved?.status, 'reserved');
    assert.equal(moved?.attempts, 1);
    assert.equal(await repo.transition('hr_t', ['queued', 'scheduled'], { status: 'reserved' }), null, 'a second reservation loses');
    assert.deepEqual((await repo.auditTrail('help_request', 'hr_t')).map((a) => a.action), ['created', 'reserved']);
  });

  it('tracks the outbox flag and pages by status', async () => {
    for (const [i, phone] of ['+14155550111', '+14155550112', '+14155550113'].entries()) {
      await repo.create(newRequest(`hr_p${i}`, { phone }), audit(`hr_p${i}`));
    }
    await Promise.all([repo.markEnqueued('hr_p0'), repo.markEnqueued('hr_p2')]);
    assert.deepEqual((await repo.findNotEnqueued(10)).map((r) => r.id), ['hr_p1']);
    const page1 = await repo.findByStatus(['queued'], 'support', 2);
    const page2 = await repo.findByStatus(['queued'], 'support', 2, page1[1]?.id);
    assert.deepEqual([...page1, ...page2].map((r) => r.id), ['hr_p0', 'hr_p1', 'hr_p2']);
    assert.deepEqual((await repo.findByIds(['hr_p2', 'hr_none'])).map((r) => r.id), ['hr_p2']);
  });

  it('finds closed voice messages that still name a recording, oldest first, and forgets a deleted one', async () => {
    const vm = (id: string, status: 'completed' | 'cancelled' | 'queued', closedAt: string, context: Record<string, unknown> = { recording: `vm-${id}` }) =>
      repo.create(newRequest(id, { channel: 'voicemail', phone: `+1212234${id.slice(-4)}`, status, context }), audit(id)).then(() =>
        db.knex('help_requests').where({ id }).update({ updated_at: new Date(closedAt) }),
      );
    await vm('hr_vm_0001', 'completed', '2030-01-10T00:00:00Z');
    await vm('hr_vm_0002', 'cancelled', '2030-01-05T00:00:00Z');
    await vm('hr_vm_0003', 'completed', '2030-02-20T00:00:00Z');
    await vm('hr_vm_0004', 'queued', '2030-01-01T00:00:00Z');
    await vm('hr_vm_0005', 'completed', '2030-01-01T00:00:00Z', { recording: null });
    await vm('hr_vm_0006', 'completed', '2030-01-01T00:00:00Z', { callerId: '+12122340000' });
    await repo.create(newRequest('hr_web', { status: 'completed', context: { recording: 'not-a-voice-message' } }), audit('hr_web'));
    await db.knex('help_requests').where({ id: 'hr_web' }).update({ updated_at: new Date('2030-01-01T00:00:00Z') });

    const found = await repo.findClosedVoiceMessages(new Date('2030-02-01T00:00:00Z'), 10);
    assert.deepEqual(found.map((r) => r.id), ['hr_vm_0002', 'hr_vm_0001']);
    assert.deepEqual((await repo.findClosedVoiceMessages(new Date('2030-02-01T00:00:00Z'), 1)).map((r) => r.id), ['hr_vm_0002']);

    // As the retention leaves it: no recording named, the deletion audited.
    const { recording: _gone, ...rest } = found[0]!.context;
    await repo.transition('hr_vm_0002', ['cancelled'], { context: { ...rest, recordingDeletedAt: '2030-02-01T00:00:00.000Z' } }, { actor: 'retention', action: 'voice-message.deleted', entityType: 'help_request', entityId: 'hr_vm_0002', details: { recording: 'vm-hr_vm_0002' } });
    assert.deepEqual((await repo.findClosedVoiceMessages(new Date('2030-02-01T00:00:00Z'), 10)).map((r) => r.id), ['hr_vm_0001']);
    assert.deepEqual((await repo.auditTrail('help_request', 'hr_vm_0002')).map((a) => a.action), ['created', 'voice-message.deleted']);
  });

  it('reports an unreachable database as unavailable', async function () {
    this.timeout(15000);
    const dead = createKnex('mysql://root@127.0.0.1:1/none', { max: 1 });
    try {
      await assert.rejects(new KnexHelpRequestRepository(dead).findById('hr_x'), { code: 'unavailable' });
    } finally {
      await dead.destroy();
    }
  });
});
