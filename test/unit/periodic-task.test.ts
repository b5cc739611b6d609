import assert from 'node:assert/strict';
import { PeriodicTask } from '../../src/app/periodic-task';
import { FakeClock, flush } from '../support/fake-clock';

describe('PeriodicTask', () => {
  it('runs at start, then every period after each run ends, never two at once', async () => {
    const clock = new FakeClock();
    const runs: Array<{ at: number; done: () => void }> = [];
    const task = new PeriodicTask(clock, 1000, () => new Promise<void>((done) => runs.push({ at: clock.now().getTime(), done })), () => undefined);
    const started = task.start();
    assert.equal(runs.length, 1);
    runs[0]!.done();
    await started;
    const t0 = runs[0]!.at;
    await clock.advance(1000);
    assert.deepEqual(runs.map((r) => r.at - t0), [0, 1000]);
    // A slow run: the next period counts from its end.
    await clock.advance(5000);
    assert.equal(runs.length, 2, 'no second run while one is in progress');
    runs[1]!.done();
    await flush();
    await clock.advance(999);
    assert.equal(runs.length, 2);
    await clock.advance(1);
    assert.deepEqual(runs.map((r) => r.at - t0), [0, 1000, 7000]);
    runs[2]!.done();
    await task.stop();
  });

  it('reports a failed run and goes on', async () => {
    const clock = new FakeClock();
    const errors: unknown[] = [];
    let n = 0;
    const task = new PeriodicTask(clock, 1000, async () => {
      if (++n === 2) throw new Error('second run failed');
    }, (err) => errors.push(err));
    await task.start();
    await clock.advance(1000);
    await clock.advance(1000);
    assert.equal(n, 3);
    assert.deepEqual(errors.map((e) => (e as Error).message), ['second run failed']);
    await task.stop();
  });

  it('rejects start when the first run fails, and schedules nothing', async () => {
    const clock = new FakeClock();
    let n = 0;
    const task = new PeriodicTask(clock, 1000, async () => void n++, () => undefined);
    await assert.rejects(task.start(() => Promise.reject(new Error('start-up pass failed'))), /start-up pass failed/);
    await clock.advance(10_000);
    assert.equal(n, 0);
  });

  it('stop waits for the run in progress, including one started on demand, and ends the schedule', async () => {
    const clock = new FakeClock();
    let n = 0;
    let release: () => void = () => undefined;
    const task = new PeriodicTask(clock, 1000, async () => void n++, () => undefined);
    await task.start();
    const onDemand = task.track(new Promise<string>((done) => (release = () => done('finished'))));
    let stopped = false;
    const stopping = task.stop().then(() => (stopped = true));
    await flush();
    assert.equal(stopped, false, 'stop waits for the run on demand');
    release();
    assert.equal(await onDemand, 'finished');
    await stopping;
    await clock.advance(10_000);
    assert.equal(n, 1, 'nothing ran after stop');
  });
});
