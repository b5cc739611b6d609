import { strict as assert } from 'node:assert';
import { createAriCallControl } from '../../src/adapters/ari/create-ari-call-control';
import { ENDED_WHILE_AWAY } from '../../src/adapters/ari/reconcile';
import { BadRequestError, CallControlUnavailableError, ChannelGoneError } from '../../src/domain/errors';
import type { CallEvent } from '../../src/ports/call-control';
import { FakeAriClient, ManualScheduler, ariError, flush, silentLogger } from './ari-fake-client';

const rawChannel = (id: string, appData = 'contact-center,inbound,5551234', state = 'Up') => ({
  id,
  name: `PJSIP/customer-${id}`,
  state,
  caller: { name: 'Customer', number: '+15551230000' },
  dialplan: { context: 'from-pstn', exten: '5551234', priority: 2, app_name: 'Stasis', app_data: appData },
});

async function setup(prepare?: (client: FakeAriClient) => void) {
  const client = new FakeAriClient();
  prepare?.(client);
  const handle = createAriCallControl({
    url: 'http://127.0.0.1:8088',
    user: 'controller',
    password: 'secret',
    app: 'contact-center',
    requestTimeoutMs: 30,
    logger: silentLogger,
    heartbeatMs: 0,
    schedule: new ManualScheduler().schedule,
    connect: async () => client,
  });
  return { client, handle, cc: handle.callControl };
}

describe('ARI call control', () => {
  it('originates with the caller-chosen id, the app, comma-joined args, caller id, timeout and variables', async () => {
    const { client, handle, cc } = await setup();
    await handle.start();
    await cc.originate({
      channelId: 'cb-42-1',
      endpoint: 'PJSIP/+15551230000@trunk',
      appArgs: ['outbound', 'req-42'],
      callerId: '"Support" <+15550001111>',
      timeoutSeconds: 30,
      variables: { CC_REQUEST_ID: '42' },
    });
    assert.deepEqual(client.callsTo('channels.originate')[0]!.params, {
      endpoint: 'PJSIP/+15551230000@trunk',
      app: 'contact-center',
      appArgs: 'outbound,req-42',
      channelId: 'cb-42-1',
      callerId: '"Support" <+15550001111>',
      timeout: 30,
      variables: { CC_REQUEST_ID: '42' },
    });
    await handle.stop();
  });

  it('rejects bad input naming the field, before anything reaches Asterisk', async () => {
    const { client, handle, cc } = await setup();
    await handle.start();
    const base = { channelId: 'c-1', endpoint: 'PJSIP/agent-1001', appArgs: ['outbound'] };
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ channelId: '' }, /^channelId:/],
      [{ channelId: 'a b' }, /^channelId:/],
      [{ endpoint: 'agent-1001' }, /^endpoint:/],
      [{ appArgs: ['outbound', 'a,b'] }, /^appArgs\[1\]:/],
      [{ appArgs: [] }, /^appArgs:/],
      [{ timeoutSeconds: 0 }, /^timeoutSeconds:/],
      [{ variables: { 'BAD NAME': 'x' } }, /^variable:/],
      [{ callerId: 'x\r\ny' }, /^callerId:/],
    ];
    for (const [patch, field] of cases) {
      await assert.rejects(cc.originate({ ...base, ...patch } as never), (err: unknown) => err instanceof BadRequestError && field.test(err.message));
    }
    await assert.rejects(cc.play('c-1', 'sound:a,b'), /media\[0\]/);
    await assert.rejects(cc.play('c-1', 'http://evil'), /media\[0\]/);
    await assert.rejects(cc.sendDtmf('c-1', '12x'), /BadRequestError: dtmf:/);
    await assert.rejects(cc.record('c-1', { name: '../etc/passwd' }), /BadRequestError: name:/);
    assert.equal(client.calls.filter((c) => c.resource === 'channels' && c.nickname !== 'list').length, 0);
    await handle.stop();
  });

  it('plays several media in one playback with a chosen or generated id', async () => {
    const { client, handle, cc } = await setup();
    await handle.start();
    const id = await cc.play('c-1', ['sound:queue-youarenext', 'number:3'], 'pb-1');
    assert.equal(id, 'pb-1');
    assert.deepEqual(client.callsTo('channels.play')[0]!.params, { channelId: 'c-1', media: 'sound:queue-youarenext,number:3', playbackId: 'pb-1' });
    const generated = await cc.play('c-1', 'digits:123');
    assert.match(generated, /^[0-9a-f-]{36}$/);
    await handle.stop();
  });

  it('a call Asterisk never answers fails with CallControlUnavailableError after the timeout', async () => {
    const { handle, cc } = await setup((c) => c.answer('channels.answer', () => new Promise(() => {})));
    await handle.start();
    await assert.rejects(cc.answer('c-1'), (err: unknown) => err instanceof CallControlUnavailableError && /within 30 ms/.test(err.message));
    await handle.stop();
  });

  it('hanging up a channel that already ended is a ChannelGoneError, not a crash', async () => {
    const { handle, cc } = await setup((c) =>
      c.answer('channels.hangup', () => {
        throw ariError({ message: 'Channel not found' });
      }),
    );
    await handle.start();
    await assert.rejects(cc.hangup('c-gone'), (err: unknown) => err instanceof ChannelGoneError && err.resourceId === 'c-gone');
    await handle.stop();
  });

  it('an unset variable reads as undefined; other failures still throw', async () => {
    const { handle, cc } = await setup((c) =>
      c.answer('channels.getChannelVar', (p) => {
        if (p.variable === 'SET') return { value: 'sales' };
        if (p.channelId === 'gone') throw ariError({ message: 'Channel not found' });
        throw ariError({ message: 'Provided variable was not found' });
      }),
    );
    await handle.start();
    assert.equal(await cc.getVariable('c-1', 'SET'), 'sales');
    assert.equal(await cc.getVariable('c-1', 'UNSET'), undefined);
    await assert.rejects(cc.getVariable('gone', 'X'), ChannelGoneError);
    await handle.stop();
  });

  it('bridges: create, add several channels in one call, remove, destroy', async () => {
    const { client, handle, cc } = await setup();
    await handle.start();
    await cc.createBridge('call-42', 'mixing', 'call 42');
    await cc.addToBridge('call-42', ['c-1', 'c-2']);
    await cc.removeFromBridge('call-42', ['c-1']);
    await cc.destroyBridge('call-42');
    assert.deepEqual(
      client.calls.filter((c) => c.resource === 'bridges' && c.nickname !== 'list').map((c) => [c.nickname, c.params]),
      [
        ['create', { type: 'mixing', bridgeId: 'call-42', name: 'call 42' }],
        ['addChannel', { bridgeId: 'call-42', channel: 'c-1,c-2' }],
        ['removeChannel', { bridgeId: 'call-42', channel: 'c-1' }],
        ['destroy', { bridgeId: 'call-42' }],
      ],
    );
    await handle.stop();
  });

  it('a StasisStart for an unknown flow is returned to the dialplan', async () => {
    const { client, handle } = await setup();
    await handle.start();
    client.send({ type: 'StasisStart', args: ['nope'], channel: rawChannel('in-1') });
    await flush();
    assert.deepEqual(client.callsTo('channels.continueInDialplan').map((c) => c.params), [{ channelId: 'in-1' }]);
    assert.equal(client.callsTo('channels.hangup').length, 0);
    await handle.stop();
  });

  it('a crash in the flow of an originated channel hangs it up (it has no dialplan to go back to)', async () => {
    const { client, handle, cc } = await setup();
    await handle.start();
    cc.onStasisStart('outbound', () => {
      throw new Error('flow bug');
    });
    await cc.originate({ channelId: 'out-7', endpoint: 'PJSIP/+15551230000@trunk', appArgs: ['outbound'] });
    client.send({ type: 'StasisStart', args: ['outbound'], channel: rawChannel('out-7', 'contact-center,outbound') });
    await flush();
    assert.deepEqual(client.callsTo('channels.hangup').map((c) => c.params), [{ channelId: 'out-7', reason: 'normal' }]);
    assert.equal(client.callsTo('channels.continueInDialplan').length, 0);
    await handle.stop();
  });

  it('when continuing fails the channel is hung up, so it is never left hanging', async () => {
    const { client, handle } = await setup((c) =>
      c.answer('channels.continueInDialplan', () => {
        throw ariError({ message: 'Channel not in Stasis application' });
      }),
    );
    await handle.start();
    client.send({ type: 'StasisStart', args: ['nope'], channel: rawChannel('in-2') });
    await flush();
    assert.deepEqual(client.callsTo('channels.hangup').map((c) => c.params), [{ channelId: 'in-2', reason: 'normal' }]);
    await handle.stop();
  });

  it('reconnect: watched calls that ended while away get StasisEnd and ChannelDestroyed; live ones are left alone', async () => {
    const live = new Set(['alive-1']);
    const { client, handle, cc } = await setup((c) => {
      c.answer('channels.list', () => [...live].map((id) => rawChannel(id)));
      c.answer('channels.get', (p) => {
        if (live.has(String(p.channelId))) return rawChannel(String(p.channelId));
        throw ariError({ message: 'Channel not found' });
      });
    });
    cc.onStasisStart('inbound', () => {});
    await handle.start();
    for (const id of ['alive-1', 'gone-1']) client.send({ type: 'StasisStart', args: ['inbound'], channel: rawChannel(id) });
    const events: Record<string, string[]> = { 'alive-1': [], 'gone-1': [] };
    for (const id of Object.keys(events)) cc.watch(id, (e: CallEvent) => events[id]!.push(e.type === 'ChannelDestroyed' ? `${e.type}:${e.causeText}` : e.type));

    client.emit('WebSocketReconnecting', new Error('closed'));
    client.emit('WebSocketConnected');
    await flush(10);
    assert.deepEqual(events['gone-1'], ['StasisEnd', `ChannelDestroyed:${ENDED_WHILE_AWAY}`]);
    assert.deepEqual(events['alive-1'], []);
    assert.equal(handle.stats().watchedIds, 1);
    await handle.stop();
  });

  it('reconnect: a playback that finished while away is reported finished to its channel', async () => {
    const { client, handle, cc } = await setup((c) => {
      c.answer('channels.list', () => [rawChannel('c-1')]);
      c.answer('playbacks.get', () => {
        throw ariError({ message: 'Playback not found' });
      });
    });
    cc.onStasisStart('inbound', () => {});
    await handle.start();
    client.send({ type: 'StasisStart', args: ['inbound'], channel: rawChannel('c-1') });
    const got: string[] = [];
    cc.watch('c-1', (e) => got.push(e.type));
    await cc.play('c-1', 'sound:hello-world', 'pb-9');
    client.emit('WebSocketReconnecting', new Error('closed'));
    client.emit('WebSocketConnected');
    await flush(10);
    assert.deepEqual(got, ['PlaybackFinished']);
    assert.equal(handle.stats().media, 0);
    await handle.stop();
  });

  it('on connect, a channel sitting in the app without a handler is offered to its flow again (resumed)', async () => {
    const { client, handle, cc } = await setup((c) => c.answer('channels.list', () => [rawChannel('orphan-1', 'contact-center,inbound,5551234'), rawChannel('other-app', 'voicemail-app,x')]));
    const resumed: Array<{ id: string; args: string[]; resumed?: boolean }> = [];
    cc.onStasisStart('inbound', (e) => resumed.push({ id: e.channel.id, args: e.args, resumed: e.resumed }));
    await handle.start();
    await flush(10);
    assert.deepEqual(resumed, [{ id: 'orphan-1', args: ['inbound', '5551234'], resumed: true }]);
    // The real StasisStart for the same channel, if it arrives late, is not delivered a second time.
    client.send({ type: 'StasisStart', args: ['inbound', '5551234'], channel: rawChannel('orphan-1') });
    assert.equal(resumed.length, 1);
    await handle.stop();
  });

  it('a watched channel whose originate is still in flight is not declared gone by reconciliation', async () => {
    let releaseOriginate!: () => void;
    const { client, handle, cc } = await setup((c) => {
      c.answer('channels.originate', () => new Promise<void>((resolve) => (releaseOriginate = resolve)));
      c.answer('channels.get', () => {
        throw ariError({ message: 'Channel not found' });
      });
    });
    await handle.start();
    const got: string[] = [];
    cc.watch('out-9', (e) => got.push(e.type));
    const originating = cc.originate({ channelId: 'out-9', endpoint: 'PJSIP/agent-1001', appArgs: ['agent-call'] });
    client.emit('WebSocketReconnecting', new Error('closed'));
    client.emit('WebSocketConnected');
    await flush(10);
    assert.deepEqual(got, []);
    releaseOriginate();
    await originating;
    await handle.stop();
  });
});
