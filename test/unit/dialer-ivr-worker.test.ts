import { strict as assert } from 'node:assert';
import { IvrCallbackWorker } from '../../src/app/dialer/ivr-callback-worker';
import type { ContactQueue, ListEntry } from '../../src/ports/contact-queue';
import { flush } from '../support/fake-call-control';
import { dialerHarness } from './dialer-harness';
import { silentLogger } from './dialer-support';

/** A combined list in memory, just enough for the worker: due entries in order, taken once. */
function memoryList() {
  const waiting: ListEntry[] = [];
  const ops: string[] = [];
  const list = {
    add: async (e: ListEntry) => void waiting.push(e),
    take: async (queues: readonly string[]) => {
      const i = waiting.findIndex((e) => queues.includes(e.queue));
      return i < 0 ? null : waiting.splice(i, 1)[0]!;
    },
    complete: async (id: string) => void ops.push(`complete:${id}`),
    requeue: async (id: string, _q: string, o?: { dueAt?: Date }) => void ops.push(`requeue:${id}:${o?.dueAt ? 'later' : 'now'}`),
    remove: async (id: string) => (ops.push(`remove:${id}`), true),
  };
  return { list: list as unknown as ContactQueue, waiting, ops };
}

describe('automated IVR callbacks without agents', () => {
  it('takes due entries of the IVR queues, no more than the trunk allows at once, and settles them on the list', async () => {
    const h = dialerHarness('ivr');
    const { list, ops } = memoryList();
    const a = await h.add({ status: 'queued', queue: 'notices' });
    const b = await h.add({ status: 'queued', queue: 'notices', phone: '+442079460124' });
    const c = await h.add({ status: 'queued', queue: 'notices', phone: '+442079460125' });
    const cancelled = await h.add({ status: 'cancelled', queue: 'notices', phone: '+442079460126' });
    for (const r of [cancelled, a, b, c]) await list.add({ requestId: r.id, queue: 'notices', kind: 'callback', priority: 5, arrivalAt: r.arrivalAt, dueAt: r.dueAt });
    const worker = new IvrCallbackWorker({ contactQueue: list, requests: h.requests, dialer: h.dialer, clock: h.clock, logger: silentLogger, queues: ['notices'], holder: 'ivr-1', maxConcurrent: 2 });
    worker.start();
    await flush(10);
    assert.deepEqual(ops, [`remove:${cancelled.id}`], 'a cancelled request leaves the list without a call');
    assert.deepEqual(h.cc.originated().map((o) => o.channelId), [h.ids(a).customer, h.ids(b).customer], 'two calls at once');

    h.cc.farEndAnswer(h.ids(a).customer);
    await flush();
    h.cc.dtmf(h.ids(a).customer, '1');
    await flush(10);
    assert.ok(ops.includes(`complete:${a.id}`));
    assert.equal((await h.status(a.id)).status, 'completed');
    assert.equal(h.cc.originated().length, 3, 'the freed line serves the next callback');

    h.cc.farEndBusy(h.ids(b).customer);
    await flush(10);
    assert.ok(ops.includes(`requeue:${b.id}:later`), 'a busy line goes back into the list for later');
    worker.stop();
    h.cc.farEndBusy(h.ids(c).customer);
    await flush(10);
  });
});
