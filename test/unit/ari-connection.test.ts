import { strict as assert } from 'node:assert';
import { Registry } from 'prom-client';
import { createAriCallControl } from '../../src/adapters/ari/create-ari-call-control';
import { CallControlUnavailableError } from '../../src/domain/errors';
import { FakeAriClient, ManualScheduler, flush, silentLogger } from './ari-fake-client';

/** A connection that gives up on a connect after 20 ms and never sends heartbeats. */
const QUICK = { url: 'http://127.0.0.1:8088', user: 'u', password: 'p', app: 'contact-center', requestTimeoutMs: 50, connectTimeoutMs: 20, logger: silentLogger, heartbeatMs: 0 };

function setup(opts: { failFirst?: number; heartbeatMs?: number; connectTimeoutMs?: number } = {}) {
  const clients: FakeAriClient[] = [];
  let failures = opts.failFirst ?? 0;
  const scheduler = new ManualScheduler();
  const registry = new Registry();
  const connects: string[] = [];
  const handle = createAriCallControl({
    url: 'http://127.0.0.1:8088',
    user: 'controller',
    password: 'secret',
    app: 'contact-center',
    requestTimeoutMs: 50,
    connectTimeoutMs: opts.connectTimeoutMs ?? 1000,
    logger: silentLogger,
    registry,
    backoff: { initialMs: 500, maxMs: 4000 },
    heartbeatMs: opts.heartbeatMs ?? 0,
    schedule: scheduler.schedule,
    random: () => 1,
    connect: async (url) => {
      connects.push(url);
      if (failures > 0) {
        failures--;
        throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8088'), { code: 'ECONNREFUSED' });
      }
      const client = new FakeAriClient();
      clients.push(client);
      return client;
    },
  });
  const changes: boolean[] = [];
  handle.callControl.onConnectionChange((up) => changes.push(up));
  const gauge = async () => (await registry.getSingleMetric('ari_connected')!.get()).values[0]!.value;
  return { handle, clients, scheduler, changes, connects, gauge, registry };
}

const ROUTED = ['StasisStart', 'StasisEnd', 'ChannelDestroyed', 'Dial', 'PlaybackFinished'];

describe('ARI connection', () => {
  it('connects, starts the app once, subscribes once per event type and reports ready', async () => {
    const { handle, clients, changes, gauge } = setup();
    await handle.start();
    assert.equal(clients.length, 1);
    assert.equal(clients[0]!.started, 1);
    for (const type of ROUTED) assert.equal(clients[0]!.listenerCount(type), 1, type);
    assert.equal(handle.callControl.isConnected(), true);
    assert.deepEqual(changes, [true]);
    assert.equal(await gauge(), 1);
    await handle.readiness.check();
    await flush();
    assert.equal(clients[0]!.callsTo('channels.list').length, 1, 'reconciled on connect');
    await handle.stop();
  });

  it('keeps retrying with exponential backoff while Asterisk is unreachable', async () => {
    const { handle, scheduler, connects, clients } = setup({ failFirst: 4 });
    await handle.start();
    assert.equal(handle.callControl.isConnected(), false);
    await assert.rejects(handle.readiness.check(), CallControlUnavailableError);
    const delays: number[] = [];
    while (clients.length === 0) {
      delays.push(scheduler.runNext());
      await flush();
    }
    assert.deepEqual(delays, [500, 1000, 2000, 4000]);
    assert.equal(connects.length, 5);
    assert.equal(handle.callControl.isConnected(), true);
    await handle.stop();
  });

  it('follows ari-client reconnecting: disconnected, then connected again and reconciled', async () => {
    const { handle, clients, changes, gauge } = setup();
    await handle.start();
    const client = clients[0]!;
    client.emit('WebSocketReconnecting', new Error('closed'));
    assert.equal(handle.callControl.isConnected(), false);
    assert.equal(await gauge(), 0);
    await assert.rejects(
      handle.callControl.originate({ channelId: 'out-1', endpoint: 'PJSIP/+15551230000@trunk', appArgs: ['outbound'] }),
      CallControlUnavailableError,
    );
    assert.equal(client.callsTo('channels.originate').length, 0, 'nothing is dialled while events cannot be followed');
    client.emit('WebSocketConnected');
    await flush();
    assert.equal(handle.callControl.isConnected(), true);
    assert.deepEqual(changes, [true, false, true]);
    assert.equal(client.callsTo('channels.list').length, 2);
    assert.equal(handle.stats().reconnects, 1);
    assert.equal(client.listenerCount('StasisStart'), 1, 'no duplicate subscription on reconnect');
    await handle.stop();
  });

  it('starts a new client after ari-client gives up (WebSocketMaxRetries), and drops the old one', async () => {
    const { handle, clients, scheduler, changes } = setup();
    await handle.start();
    const old = clients[0]!;
    old.emit('WebSocketReconnecting', new Error('closed'));
    old.emit('WebSocketMaxRetries', new Error('Connection attempts exceeded WebSocketMaxRetries'));
    assert.equal(old.stopped, 1);
    for (const type of ROUTED) assert.equal(old.listenerCount(type), 0, `old client still routes ${type}`);
    assert.equal(scheduler.pending().length, 1);
    scheduler.runNext();
    await flush();
    assert.equal(clients.length, 2);
    assert.equal(handle.callControl.isConnected(), true);
    assert.deepEqual(changes, [true, false, true]);
    // ari-client's own retry timer cannot be cancelled: if the old client reopens its socket, it is closed again.
    old.emit('WebSocketConnected');
    assert.equal(old.stopped, 2);
    assert.equal(handle.callControl.isConnected(), true);
    await handle.stop();
  });

  it('gives up on a connect that never settles and retries', async () => {
    const clients: FakeAriClient[] = [];
    const scheduler = new ManualScheduler();
    let attempt = 0;
    const handle = createAriCallControl({
      ...QUICK,
      schedule: scheduler.schedule,
      random: () => 1,
      connect: () => {
        attempt++;
        const client = new FakeAriClient();
        clients.push(client);
        if (attempt === 1) client.startResult = () => new Promise<void>(() => {});
        return Promise.resolve(client);
      },
    });
    await handle.start();
    assert.equal(handle.callControl.isConnected(), false);
    assert.equal(clients[0]!.stopped, 1, 'the half-open client is closed');
    scheduler.runNext();
    await flush();
    assert.equal(handle.callControl.isConnected(), true);
    await handle.stop();
  });

  it('stop() cancels a scheduled reconnect and nothing connects afterwards', async () => {
    const { handle, scheduler, connects } = setup({ failFirst: 1 });
    await handle.start();
    assert.equal(scheduler.pending().length, 1);
    await handle.stop();
    assert.equal(scheduler.pending().length, 0);
    assert.equal(connects.length, 1);
  });

  it('stop() on a client whose start() never ran does not throw (ari-client would)', async () => {
    const clients: FakeAriClient[] = [];
    const handle = createAriCallControl({
      ...QUICK,
      schedule: new ManualScheduler().schedule,
      connect: () => new Promise(() => {}),
    });
    await handle.start();
    await handle.stop();
    assert.equal(clients.length, 0);
  });

  it('drops a socket that stops answering pings and reconnects', async () => {
    const { handle, clients, scheduler } = setup({ heartbeatMs: 15000 });
    await handle.start();
    const client = clients[0]!;
    scheduler.runNext(); // first ping
    assert.equal(client.pings, 1);
    client.emit('pong');
    scheduler.runNext(); // answered: ping again
    assert.equal(client.pings, 2);
    scheduler.runNext(); // no pong since: reconnect
    assert.equal(handle.callControl.isConnected(), false);
    assert.equal(client.stopped, 1);
    scheduler.runNext();
    await flush();
    assert.equal(clients.length, 2);
    assert.equal(handle.callControl.isConnected(), true);
    await handle.stop();
  });
});
