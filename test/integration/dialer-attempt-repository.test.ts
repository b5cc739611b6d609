import { strict as assert } from 'node:assert';
import { KnexAttemptRepository } from '../../src/adapters/db/attempt-repository';
import { ConflictError } from '../../src/domain/errors';
import { createTestDatabase, type TestDatabase } from '../support/db';

describe('contact attempts in MariaDB', () => {
  let db: TestDatabase;
  let repo: KnexAttemptRepository;
  const t0 = new Date('2030-01-07T12:00:00.000Z');

  before(async () => {
    db = await createTestDatabase('attempts');
    repo = new KnexAttemptRepository(db.knex);
  });
  after(async () => db?.drop());

  let phoneSeq = 100;
  async function request(id: string): Promise<string> {
    await db.knex('help_requests').insert({ id, channel: 'pstn', queue_id: 'support', phone: `+442079460${++phoneSeq}`, priority: 5, arrival_at: t0, due_at: t0, status: 'dialling' });
    return id;
  }
  const open = (requestId: string, owner = 'p1', leaseUntil = new Date(t0.getTime() + 30_000)) =>
    repo.open({ requestId, mode: 'agent-first', owner, leaseUntil, startedAt: t0, agentId: 'agent-7', dialString: 'PJSIP/+442079460123@trunk' });

  it('numbers attempts per request and allows only one open attempt, even when two processes race', async () => {
    const id = await request('hr-race');
    const results = await Promise.allSettled([open(id, 'p1'), open(id, 'p2'), open(id, 'p3')]);
    const won = results.filter((r) => r.status === 'fulfilled');
    assert.equal(won.length, 1);
    for (const r of results) if (r.status === 'rejected') assert.ok(r.reason instanceof ConflictError, String(r.reason));
    const first = (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof open>>>).value;
    assert.equal(first.attemptNo, 1);
    assert.equal(await repo.close(first.id, { outcome: 'busy', endedAt: t0, dialStatus: 'BUSY', hangupCause: 17 }), true);
    assert.equal(await repo.close(first.id, { outcome: 'failed', endedAt: t0 }), false, 'closed once');
    const second = await open(id);
    assert.equal(second.attemptNo, 2);
    const list = await repo.listForRequest(id);
    assert.deepEqual(list.map((a) => [a.attemptNo, a.outcome, a.hangupCause]), [[1, 'busy', 17], [2, null, null]]);
  });

  it('renews only its own open lease, and finds expired and own open attempts', async () => {
    const id = await request('hr-lease');
    const a = await open(id, 'p1', new Date(t0.getTime() + 1000));
    assert.equal(await repo.renew(a.id, 'p2', new Date(t0.getTime() + 60_000)), false);
    assert.equal((await repo.findExpired(new Date(t0.getTime() + 2000), 10)).some((x) => x.id === a.id), true);
    assert.equal(await repo.renew(a.id, 'p1', new Date(t0.getTime() + 60_000)), true);
    assert.equal((await repo.findExpired(new Date(t0.getTime() + 2000), 10)).some((x) => x.id === a.id), false);
    assert.deepEqual((await repo.findOpenByOwner('p1')).map((x) => x.id).includes(a.id), true);
    await repo.update(a.id, { channelId: 'cb-hr-lease-1-c', answeredAt: t0 });
    const [row] = await repo.listForRequest(id);
    assert.equal(row!.channelId, 'cb-hr-lease-1-c');
    assert.equal(row!.answeredAt!.toISOString(), t0.toISOString());
    await repo.close(a.id, { outcome: 'connected', endedAt: t0 });
    assert.equal(await repo.renew(a.id, 'p1', new Date(t0.getTime() + 90_000)), false, 'a closed attempt has no lease');
  });

  it('claims a request and opens its attempt in one transaction, or does neither', async () => {
    const id = await request('hr-claim');
    await db.knex('help_requests').where({ id }).update({ status: 'reserved' });
    const claim = (owner: string) =>
      repo.claim({ requestId: id, mode: 'customer-first', owner, leaseUntil: new Date(t0.getTime() + 30_000), startedAt: t0 }, ['reserved', 'queued', 'scheduled'], { progress: 'dialling' });
    const results = await Promise.allSettled([claim('p1'), claim('p2'), claim('p3')]);
    const won = results.filter((r) => r.status === 'fulfilled' && r.value !== null);
    assert.equal(won.length, 1, 'one claim wins');
    const row = await db.knex('help_requests').where({ id }).first();
    assert.equal(row.status, 'dialling');
    assert.equal((typeof row.context === 'string' ? JSON.parse(row.context) : row.context).progress, 'dialling');
    assert.equal((await repo.listForRequest(id)).length, 1);
    const winner = (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof claim>>>).value!;
    assert.deepEqual((await repo.listForRequest(id))[0], winner, 'the claim answers the row as stored');
    assert.equal(winner.attemptNo, 1);
    assert.equal(winner.leaseUntil!.toISOString(), new Date(t0.getTime() + 30_000).toISOString());
    assert.equal(winner.startedAt.toISOString(), t0.toISOString());

    // Every field of the attempt is stored as given, and the request must be in one of the statuses named.
    const third = await request('hr-claim-3');
    await db.knex('help_requests').where({ id: third }).update({ status: 'scheduled' });
    const fields = { requestId: third, mode: 'agent-first', owner: 'p9', leaseUntil: t0, startedAt: t0, agentId: 'agent-7', dialString: 'PJSIP/+442079460123@trunk' };
    assert.equal(await repo.claim(fields, ['queued'], {}), null, 'not from a status not named');
    const full = (await repo.claim(fields, ['queued', 'scheduled'], { progress: 'dialling', timeZone: 'Europe/London' }))!;
    assert.deepEqual([full.mode, full.owner, full.agentId, full.dialString, full.channelId, full.endedAt], ['agent-first', 'p9', 'agent-7', 'PJSIP/+442079460123@trunk', null, null]);

    // An open attempt left behind makes a claim fail without touching the request.
    const other = await request('hr-claim-2');
    await db.knex('help_requests').where({ id: other }).update({ status: 'reserved' });
    await open(other, 'ghost');
    await assert.rejects(repo.claim({ requestId: other, mode: 'agent-first', owner: 'p1', leaseUntil: t0, startedAt: t0 }, ['reserved'], {}), ConflictError);
    assert.equal((await db.knex('help_requests').where({ id: other }).first()).status, 'reserved', 'rolled back');
  });
  it('gives a claim back before anything was dialled: the attempt goes and the request returns, in one transaction', async () => {
    const id = await request('hr-unclaim');
    await db.knex('help_requests').where({ id }).update({ status: 'queued' });
    const claim = () => repo.claim({ requestId: id, mode: 'customer-first', owner: 'p1', leaseUntil: new Date(t0.getTime() + 30_000), startedAt: t0 }, ['queued'], {});
    const a = (await claim())!;
    assert.equal(await repo.unclaim({ ...a, owner: 'p2' }, 'queued'), false, 'only the owner gives it back');
    assert.equal(await repo.unclaim(a, 'queued'), true);
    assert.equal(await repo.unclaim(a, 'queued'), false, 'once');
    assert.equal((await db.knex('help_requests').where({ id }).first()).status, 'queued');
    assert.deepEqual(await repo.listForRequest(id), []);

    // Once a leg has a channel, or the request was closed meanwhile, nothing is undone.
    const b = (await claim())!;
    assert.equal(b.attemptNo, 1, 'the number given back is used again');
    await repo.update(b.id, { channelId: 'cb-hr-unclaim-1-c' });
    assert.equal(await repo.unclaim(b, 'queued'), false);
    await repo.close(b.id, { outcome: 'busy', endedAt: t0 });
    await db.knex('help_requests').where({ id }).update({ status: 'queued' });
    const c = (await claim())!;
    await db.knex('help_requests').where({ id }).update({ status: 'cancelled' });
    assert.equal(await repo.unclaim(c, 'queued'), false);
    assert.equal((await db.knex('help_requests').where({ id }).first()).status, 'cancelled');
    assert.equal((await repo.listForRequest(id)).filter((x) => x.endedAt === null).length, 1, 'rolled back: the open attempt stays for the sweeper');
  });
});
