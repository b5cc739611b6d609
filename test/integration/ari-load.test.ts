import { strict as assert } from 'node:assert';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { AriCallControlHandle } from '../../src/adapters/ari/create-ari-call-control';
import { ChannelGoneError } from '../../src/domain/errors';
import type { CallControl } from '../../src/ports/call-control';
import { startAriTarget, type AriTarget } from '../support/ari-target';
import { connectAdapter } from './ari-helpers';

/**
 * Thousands of short IVR calls through the adapter (simulator at 1/100 of real time): every call is
 * answered, hears a prompt and is hung up by the flow. Afterwards no watcher, no tracked channel and
 * no ari-client listener may be left over, and the heap must not grow with the number of calls.
 *
 * Heap bound: the same number of calls is run twice after a warm-up; a leak of L bytes per call
 * shows as about L x CALLS between the two measurements. 3 MB over 1000 calls catches anything
 * that keeps about 3 KB per call (a channel snapshot, a closure over an event, a listener with its
 * resource object), while leaving room for V8's own noise after a full GC (well under 1 MB here).
 */
const WARMUP = 200;
const CALLS = 1000;
const CONCURRENCY = 100;
const HEAP_BOUND_BYTES = 3 * 1024 * 1024;

function gcFunction(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

describe('ARI adapter under many calls: listeners and heap stay flat', function () {
  this.timeout(300000);
  let target: AriTarget;
  let handle: AriCallControlHandle;
  let cc: CallControl;
  let finished = 0;
  const failures: unknown[] = [];

  before(async function () {
    if (process.env.ARI_URL) this.skip(); // thousands of calls belong on the simulator, not on a real PBX
    target = await startAriTarget({ label: 'load', timeScale: 0.01 });
    // A generous request timeout: this suite checks for leaks, not latency, and may share the CPU with others.
    handle = await connectAdapter(target, { requestTimeoutMs: 20000 });
    cc = handle.callControl;
    cc.onStasisStart('inbound', (start) => {
      const id = start.channel.id;
      const off = cc.watch(id, (event) => {
        if (event.type === 'PlaybackFinished') cc.hangup(id).catch((err: unknown) => err instanceof ChannelGoneError || failures.push(err));
        if (event.type === 'StasisEnd') {
          off();
          finished++;
        }
      });
      void (async () => {
        await cc.answer(id);
        await cc.play(id, 'sound:hello-world');
      })().catch((err: unknown) => failures.push(err));
    });
  });
  after(async () => {
    await handle?.stop();
    await target?.close();
  });

  async function runCalls(count: number): Promise<void> {
    const sim = target.simulator!;
    const goal = finished + count;
    let injected = 0;
    while (injected < count) {
      const wave = Math.min(CONCURRENCY, count - injected);
      const waveGoal = finished + wave;
      for (let i = 0; i < wave; i++) sim.control.injectInbound({ from: '+15551230000', did: '5551234', app: target.app });
      injected += wave;
      const deadline = Date.now() + 60000;
      while (finished < waveGoal) {
        if (Date.now() > deadline) {
          const stuck = sim.control.listChannels().map((c) => `${c.id}:${c.state}:${c.app ?? '-'}`);
          assert.fail(`calls did not finish: ${finished}/${waveGoal}; failures ${failures.map(String).join(' | ')}; on the simulator ${stuck.join(', ')}; ${JSON.stringify(handle.stats())}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
    assert.equal(finished, goal);
    sim.control.clearHistory();
  }

  async function settledHeap(gc: () => void): Promise<number> {
    for (let i = 0; i < 3; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      gc();
    }
    return process.memoryUsage().heapUsed;
  }

  it(`${WARMUP + 2 * CALLS} calls leave no watcher or listener behind and do not grow the heap`, async () => {
    const gc = gcFunction();
    await runCalls(WARMUP);
    const listenersBefore = handle.stats().clientListeners;
    assert.ok(listenersBefore > 0);

    await runCalls(CALLS);
    const heap1 = await settledHeap(gc);
    await runCalls(CALLS);
    const heap2 = await settledHeap(gc);

    assert.deepEqual(failures, []);
    const stats = handle.stats();
    assert.equal(stats.watchedIds, 0, 'watchers left');
    assert.equal(stats.inStasis, 0, 'channels still tracked as in Stasis');
    assert.equal(stats.media, 0, 'playbacks still tracked');
    assert.equal(stats.clientListeners, listenersBefore, 'ari-client listener count changed');
    assert.equal(target.simulator!.control.listChannels().length, 0, 'calls left on the simulator');
    const growth = heap2 - heap1;
    console.log(`      heap after ${CALLS} calls: ${(heap1 / 1048576).toFixed(1)} MB, after ${2 * CALLS}: ${(heap2 / 1048576).toFixed(1)} MB (growth ${(growth / 1024).toFixed(0)} KB, bound ${HEAP_BOUND_BYTES / 1024} KB)`);
    assert.ok(growth < HEAP_BOUND_BYTES, `heap grew by ${growth} bytes over ${CALLS} calls`);
  });
});
