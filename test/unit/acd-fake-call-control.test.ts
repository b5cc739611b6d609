import { strict as assert } from 'node:assert';
import { ChannelGoneError } from '../../src/domain/errors';
import type { CallEvent } from '../../src/ports/call-control';
import { FakeCallControl, flush } from '../support/fake-call-control';
import { FakeClock } from '../support/fake-clock';

describe('test support: FakeCallControl and FakeClock', () => {
  it('routes StasisStart by flow and events by watched id, and rejects commands on gone channels', async () => {
    const cc = new FakeCallControl();
    const starts: string[][] = [];
    cc.onStasisStart('inbound', (e) => starts.push(e.args));
    const id = cc.inbound('5551234');
    assert.deepEqual(starts, [['inbound', '5551234']]);

    const seen: CallEvent['type'][] = [];
    const off = cc.watch(id, (e) => seen.push(e.type));
    await cc.answer(id);
    const pb = await cc.play(id, 'sound:hello-world');
    await flush();
    assert.deepEqual(seen, ['ChannelStateChange', 'PlaybackStarted', 'PlaybackFinished']);
    assert.deepEqual(cc.played(id), ['sound:hello-world']);
    assert.match(pb, /^pb-/);

    cc.farEndHangup(id);
    await assert.rejects(cc.play(id, 'sound:x'), ChannelGoneError);
    off();
    assert.equal(cc.watcherCount(), 0);
  });

  it('plays the far end of an originated leg', async () => {
    const cc = new FakeCallControl();
    const seen: string[] = [];
    cc.watch('leg-1', (e) => seen.push(e.type === 'Dial' ? `Dial:${e.dialStatus}` : e.type));
    await cc.originate({ channelId: 'leg-1', endpoint: 'PJSIP/agent-1', appArgs: ['acd-agent', 'x'] });
    await flush();
    cc.farEndRinging('leg-1');
    cc.farEndAnswer('leg-1');
    assert.deepEqual(seen, ['Dial:', 'ChannelStateChange', 'Dial:RINGING', 'ChannelStateChange', 'Dial:ANSWER', 'StasisStart']);
    await cc.originate({ channelId: 'leg-2', endpoint: 'PJSIP/agent-2', appArgs: [] }).then(() => cc.farEndNoAnswer('leg-2'));
    assert.equal(cc.channels.has('leg-2'), false);
  });

  it('fires fake timers in due order and only when time is advanced', async () => {
    const clock = new FakeClock('2030-01-01T00:00:00Z');
    const fired: string[] = [];
    clock.setTimeout(() => fired.push(`b@${clock.now().toISOString()}`), 2000);
    const a = clock.setTimeout(() => fired.push('cancelled'), 500);
    clock.setTimeout(() => fired.push(`a@${clock.now().toISOString()}`), 1000);
    clock.clearTimeout(a);
    await clock.advance(999);
    assert.deepEqual(fired, []);
    await clock.advance(1500);
    assert.deepEqual(fired, ['a@2030-01-01T00:00:01.000Z', 'b@2030-01-01T00:00:02.000Z']);
    assert.equal(clock.now().toISOString(), '2030-01-01T00:00:02.499Z');
  });
});
