import { strict as assert } from 'node:assert';
import { routingIds, terminalId, translateAriEvent } from '../../src/adapters/ari/translate-event';

const channel = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  name: 'PJSIP/customer-00000004',
  state: 'Ring',
  caller: { name: 'Customer', number: '+15551230000' },
  dialplan: { context: 'from-pstn', exten: '5551234', priority: 2, app_name: 'Stasis', app_data: 'contact-center,inbound,5551234' },
  ...extra,
});

describe('ARI event translation', () => {
  it('StasisStart carries the channel and the dialplan arguments', () => {
    const ev = translateAriEvent({ type: 'StasisStart', args: ['inbound', '5551234'], channel: channel('1795966203.12') });
    assert.deepEqual(ev, {
      type: 'StasisStart',
      args: ['inbound', '5551234'],
      channel: { id: '1795966203.12', name: 'PJSIP/customer-00000004', state: 'Ring', callerNumber: '+15551230000', callerName: 'Customer', exten: '5551234', context: 'from-pstn' },
    });
  });

  it('Dial is routed by its peer (Dial events have no channel field)', () => {
    const ev = translateAriEvent({ type: 'Dial', dialstatus: 'BUSY', peer: channel('out-1') });
    assert.deepEqual(ev, { type: 'Dial', channelId: 'out-1', dialStatus: 'BUSY' });
    assert.deepEqual(routingIds(ev!), ['out-1']);
  });

  it('a hang-up request from a plain BYE has no cause and no soft flag', () => {
    assert.deepEqual(translateAriEvent({ type: 'ChannelHangupRequest', channel: channel('c1') }), { type: 'ChannelHangupRequest', channelId: 'c1' });
    assert.deepEqual(translateAriEvent({ type: 'ChannelHangupRequest', cause: 32, soft: true, channel: channel('c1') }), {
      type: 'ChannelHangupRequest',
      channelId: 'c1',
      cause: 32,
      soft: true,
    });
  });

  it('ChannelDestroyed, DTMF and state changes', () => {
    assert.deepEqual(translateAriEvent({ type: 'ChannelDestroyed', cause: 16, cause_txt: 'Normal Clearing', channel: channel('c1') }), {
      type: 'ChannelDestroyed',
      channelId: 'c1',
      cause: 16,
      causeText: 'Normal Clearing',
    });
    assert.deepEqual(translateAriEvent({ type: 'ChannelDtmfReceived', digit: '1', duration_ms: 100, channel: channel('c1') }), {
      type: 'ChannelDtmfReceived',
      channelId: 'c1',
      digit: '1',
      durationMs: 100,
    });
    assert.deepEqual(translateAriEvent({ type: 'ChannelStateChange', channel: channel('c1', { state: 'Up' }) }), { type: 'ChannelStateChange', channelId: 'c1', state: 'Up' });
  });

  it('playbacks and recordings are routed to their id and to their target channel', () => {
    const pb = translateAriEvent({ type: 'PlaybackFinished', playback: { id: 'pb-1', target_uri: 'channel:c1', state: 'done', media_uri: 'sound:hello-world' } });
    assert.deepEqual(pb, { type: 'PlaybackFinished', playbackId: 'pb-1', targetUri: 'channel:c1', state: 'done' });
    assert.deepEqual(routingIds(pb!), ['pb-1', 'c1']);
    assert.equal(terminalId(pb!), 'pb-1');
    const rec = translateAriEvent({ type: 'RecordingFinished', recording: { name: 'vm-1', target_uri: 'channel:c1', state: 'done', duration: 0 } });
    assert.deepEqual(rec, { type: 'RecordingFinished', recordingName: 'vm-1', targetUri: 'channel:c1', state: 'done', durationSeconds: 0 });
    assert.deepEqual(routingIds(rec!), ['vm-1', 'c1']);
  });

  it('bridge membership goes to both the bridge and the channel', () => {
    const ev = translateAriEvent({ type: 'ChannelEnteredBridge', bridge: { id: 'call-7', channels: ['c1'] }, channel: channel('c1') });
    assert.deepEqual(routingIds(ev!), ['call-7', 'c1']);
    const destroyed = translateAriEvent({ type: 'BridgeDestroyed', bridge: { id: 'call-7' } });
    assert.equal(terminalId(destroyed!), 'call-7');
  });

  it('a global ChannelVarset has no channel and is routed nowhere', () => {
    const ev = translateAriEvent({ type: 'ChannelVarset', variable: 'X', value: '1' });
    assert.deepEqual(ev, { type: 'ChannelVarset', variable: 'X', value: '1' });
    assert.deepEqual(routingIds(ev!), []);
  });

  it('unknown types and malformed events are ignored, not thrown', () => {
    assert.equal(translateAriEvent({ type: 'ChannelTalkingStarted', channel: channel('c1') }), undefined);
    assert.equal(translateAriEvent({ type: 'StasisStart' }), undefined);
    assert.equal(translateAriEvent(null), undefined);
    assert.equal(translateAriEvent('StasisStart'), undefined);
    assert.equal(translateAriEvent({ type: 'ChannelStateChange', channel: channel('c1', { state: 'Weird' }) })?.type, 'ChannelStateChange');
  });
});
