import { strict as assert } from 'node:assert';
import { EventRouter, type UnroutableReason } from '../../src/adapters/ari/event-router';
import type { CallEvent, ChannelInfo } from '../../src/ports/call-control';
import { flush, recordingLogger } from './ari-fake-client';

const info = (id: string): ChannelInfo => ({ id, name: `PJSIP/x-${id}`, state: 'Ring', callerNumber: '+15551230000', callerName: '', exten: '5551234', context: 'from-pstn' });
const start = (id: string, args: string[]): CallEvent => ({ type: 'StasisStart', channel: info(id), args });

function setup() {
  const { logger, lines } = recordingLogger();
  const handedBack: Array<[string, UnroutableReason]> = [];
  const router = new EventRouter({ logger, onUnroutable: (id, reason) => handedBack.push([id, reason]) });
  return { router, handedBack, lines };
}

describe('ARI event router', () => {
  it('delivers events to the watchers of their id only', () => {
    const { router } = setup();
    const a: CallEvent[] = [];
    const b: CallEvent[] = [];
    router.watch('c1', (e) => a.push(e));
    router.watch('c2', (e) => b.push(e));
    router.dispatch({ type: 'ChannelDtmfReceived', channelId: 'c1', digit: '5', durationMs: 100 });
    assert.deepEqual(a.map((e) => e.type), ['ChannelDtmfReceived']);
    assert.equal(b.length, 0);
  });

  it('a handler watching both a playback and its channel gets the event once', () => {
    const { router } = setup();
    const got: CallEvent[] = [];
    const h = (e: CallEvent) => got.push(e);
    router.watch('c1', h);
    router.watch('pb1', h);
    router.dispatch({ type: 'PlaybackStarted', playbackId: 'pb1', targetUri: 'channel:c1' });
    assert.equal(got.length, 1);
  });

  it('dispatches StasisStart to the flow named by the first argument', () => {
    const { router, handedBack } = setup();
    const inbound: string[][] = [];
    const agent: string[][] = [];
    router.onStasisStart('inbound', (e) => inbound.push(e.args));
    router.onStasisStart('agent-feature', (e) => agent.push(e.args));
    router.dispatch(start('c1', ['inbound', '5551234']));
    router.dispatch(start('c2', ['agent-feature', 'login']));
    assert.deepEqual(inbound, [['inbound', '5551234']]);
    assert.deepEqual(agent, [['agent-feature', 'login']]);
    assert.deepEqual(handedBack, []);
  });

  it('refuses a second handler for the same flow', () => {
    const { router } = setup();
    router.onStasisStart('inbound', () => {});
    assert.throws(() => router.onStasisStart('inbound', () => {}), /already has a handler/);
  });

  it('an originated channel whose id is watched is not an unknown flow', () => {
    const { router, handedBack } = setup();
    const got: CallEvent[] = [];
    router.watch('out-1', (e) => got.push(e));
    router.dispatch(start('out-1', ['outbound', 'req-9']));
    assert.equal(got.length, 1);
    assert.deepEqual(handedBack, []);
  });

  it('hands back a channel whose flow nobody handles, logging its ids', () => {
    const { router, handedBack, lines } = setup();
    router.dispatch(start('c9', ['nonsense']));
    assert.deepEqual(handedBack, [['c9', 'unknown_flow']]);
    const line = lines.find((l) => l.level === 'warn');
    assert.deepEqual((line?.obj as { channelId: string; flow: string }).channelId, 'c9');
    assert.deepEqual((line?.obj as { channelId: string; flow: string }).flow, 'nonsense');
  });

  it('a flow that throws gets its channel handed back, once, and the error logged with ids', () => {
    const { router, handedBack, lines } = setup();
    router.onStasisStart('inbound', () => {
      throw new Error('boom');
    });
    router.watch('c1', () => {
      throw new Error('boom too');
    });
    router.dispatch(start('c1', ['inbound']));
    assert.deepEqual(handedBack, [['c1', 'handler_failed']]);
    const errors = lines.filter((l) => l.level === 'error');
    assert.equal(errors.length, 2);
    assert.equal((errors[0]!.obj as { channelId: string }).channelId, 'c1');
  });

  it('a flow whose promise rejects gets its channel handed back', async () => {
    const { router, handedBack } = setup();
    router.onStasisStart('inbound', async () => {
      await Promise.resolve();
      throw new Error('late boom');
    });
    router.dispatch(start('c1', ['inbound']));
    await flush();
    assert.deepEqual(handedBack, [['c1', 'handler_failed']]);
  });

  it('a handler failing on a finished channel is only logged (nothing left to hang up)', () => {
    const { router, handedBack, lines } = setup();
    router.watch('c1', () => {
      throw new Error('boom');
    });
    router.dispatch({ type: 'ChannelDestroyed', channelId: 'c1', cause: 16, causeText: 'Normal Clearing' });
    assert.deepEqual(handedBack, []);
    assert.equal(lines.filter((l) => l.level === 'error').length, 1);
  });

  it('one failing handler does not keep the others from their event', () => {
    const { router } = setup();
    const got: string[] = [];
    router.watch('c1', () => {
      throw new Error('first fails');
    });
    router.watch('c1', (e) => got.push(e.type));
    router.dispatch({ type: 'StasisEnd', channelId: 'c1' });
    assert.deepEqual(got, ['StasisEnd']);
  });

  it('unsubscribing, also during dispatch, leaves no entry behind', () => {
    const { router } = setup();
    const got: string[] = [];
    const off1 = router.watch('c1', () => {
      got.push('1');
      off1();
      off2();
    });
    const off2 = router.watch('c1', () => got.push('2'));
    router.dispatch({ type: 'StasisEnd', channelId: 'c1' });
    assert.deepEqual(got, ['1', '2']);
    assert.equal(router.watchedCount(), 0);
    off1();
    assert.equal(router.watchedCount(), 0);
  });

  it('releases watchers after the last event an id can receive', () => {
    const { router } = setup();
    router.watch('c1', () => {});
    router.watch('b1', () => {});
    router.watch('pb1', () => {});
    router.watch('rec1', () => {});
    router.dispatch({ type: 'ChannelDestroyed', channelId: 'c1', cause: 16, causeText: '' });
    router.dispatch({ type: 'BridgeDestroyed', bridgeId: 'b1' });
    router.dispatch({ type: 'PlaybackFinished', playbackId: 'pb1', targetUri: 'channel:c1', state: 'done' });
    router.dispatch({ type: 'RecordingFinished', recordingName: 'rec1', targetUri: 'channel:c1', state: 'done' });
    assert.equal(router.watchedCount(), 0);
  });

  it('an unsubscribe after the id was released does not remove a newer watcher', () => {
    const { router } = setup();
    const off = router.watch('c1', () => {});
    router.dispatch({ type: 'ChannelDestroyed', channelId: 'c1', cause: 16, causeText: '' });
    const got: string[] = [];
    router.watch('c1', (e) => got.push(e.type));
    off();
    router.dispatch({ type: 'StasisEnd', channelId: 'c1' });
    assert.deepEqual(got, ['StasisEnd']);
  });
});
