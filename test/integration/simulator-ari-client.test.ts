/**
 * The unmodified ari-client against the simulator over real HTTP and WebSocket: connect (it builds
 * its methods from the served Swagger), originate, answer, play, events, bridge two channels,
 * inbound calls with DTMF, the /sim control API, authentication, and clean shutdown.
 */
import assert from 'node:assert/strict';
import Ari from 'ari-client';
import { startSimulator, type Simulator } from '../../src/simulator';

type Event = { type: string; [k: string]: unknown };

const waitFor = async <T>(fn: () => T | undefined, what: string, ms = 3000): Promise<T> => {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined && v !== false && v !== 0) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('simulator with the real ari-client', function () {
  this.timeout(20_000);
  let sim: Simulator;
  let client: Ari.Client;
  const events: Event[] = [];
  const of = (type: string, id?: string) => events.filter((e) => e.type === type && (id === undefined || (e.channel as { id: string } | undefined)?.id === id || (e.peer as { id: string } | undefined)?.id === id));

  before(async () => {
    sim = await startSimulator({ port: 0, timeScale: 0.05, password: 'it-secret', defaultApp: 'it-app' });
    client = await Ari.connect(sim.url, sim.user, sim.password);
    client.on('*' as 'StasisStart', (e) => events.push(e as unknown as Event));
    await client.start('it-app');
  });
  after(async () => {
    client?.stop();
    await sim?.close();
  });

  it('originates, answers, plays and hangs up with the events in order', async () => {
    const channel = await client.channels.originate({ endpoint: 'PJSIP/+15551230001@trunk', app: 'it-app', appArgs: 'outbound,req-1', channelId: 'it-out-1', callerId: '"Contact Center" <5000>' });
    assert.equal(channel.state, 'Down');
    const start = await waitFor(() => of('StasisStart', 'it-out-1')[0], 'StasisStart');
    assert.deepEqual(start.args, ['outbound', 'req-1']);
    assert.deepEqual(of('Dial', 'it-out-1').map((e) => e.dialstatus), ['', 'RINGING', 'ANSWER']);
    await client.channels.answer({ channelId: 'it-out-1' });
    const playback = await client.channels.play({ channelId: 'it-out-1', media: 'sound:hello-world' });
    await waitFor(() => events.find((e) => e.type === 'PlaybackFinished' && (e.playback as { id: string }).id === playback.id), 'PlaybackFinished');
    await client.channels.hangup({ channelId: 'it-out-1' });
    const destroyed = await waitFor(() => of('ChannelDestroyed', 'it-out-1')[0], 'ChannelDestroyed');
    assert.equal(destroyed.cause, 16);
    await assert.rejects(client.channels.get({ channelId: 'it-out-1' }), /Channel not found/);
    const [origination] = sim.control.listOriginations().filter((o) => o.channelId === 'it-out-1');
    assert.equal(origination?.endpoint, 'PJSIP/+15551230001@trunk');
    assert.equal(origination?.outcome, 'answer');
  });

  it('bridges two answered channels and reports who is in which bridge', async () => {
    await client.channels.originate({ endpoint: 'PJSIP/agent-1001', app: 'it-app', appArgs: 'agent', channelId: 'it-agent' });
    await client.channels.originate({ endpoint: 'PJSIP/+15551230002@trunk', app: 'it-app', appArgs: 'customer', channelId: 'it-cust' });
    await waitFor(() => of('StasisStart', 'it-agent').length > 0 && of('StasisStart', 'it-cust').length > 0, 'both legs in Stasis');
    const bridge = await client.bridges.create({ type: 'mixing', bridgeId: 'it-call-1', name: 'call-1' });
    await bridge.addChannel({ channel: ['it-agent', 'it-cust'] });
    await waitFor(() => of('ChannelEnteredBridge', 'it-cust')[0], 'ChannelEnteredBridge');
    assert.deepEqual((await client.bridges.get({ bridgeId: 'it-call-1' })).channels, ['it-agent', 'it-cust']);
    const view = sim.control.listChannels().filter((c) => c.id.startsWith('it-')).map((c) => [c.id, c.bridgeId]);
    assert.deepEqual(view.sort(), [['it-agent', 'it-call-1'], ['it-cust', 'it-call-1']]);
    sim.control.hangup('it-cust');
    await waitFor(() => of('ChannelLeftBridge', 'it-cust')[0], 'customer left');
    assert.deepEqual((await client.bridges.get({ bridgeId: 'it-call-1' })).channels, ['it-agent']);
    await client.channels.hangup({ channelId: 'it-agent' });
    await client.bridges.destroy({ bridgeId: 'it-call-1' });
  });

  it('delivers an injected inbound call with its DTMF and scripted far ends through the HTTP control API', async () => {
    const auth = { Authorization: 'Basic ' + Buffer.from(`${sim.user}:${sim.password}`).toString('base64'), 'Content-Type': 'application/json' };
    const res = await fetch(`${sim.url}/sim/inbound`, { method: 'POST', headers: auth, body: JSON.stringify({ from: '+15557654321', callerName: 'Ann', did: '5551234', dtmf: [{ atMs: 100, digits: '2' }] }) });
    assert.equal(res.status, 201);
    const { channelId } = (await res.json()) as { channelId: string };
    const start = await waitFor(() => of('StasisStart', channelId)[0], 'inbound StasisStart');
    assert.deepEqual(start.args, ['inbound', '5551234']);
    assert.equal((start.channel as { state: string }).state, 'Ring');
    await client.channels.answer({ channelId });
    const dtmf = await waitFor(() => of('ChannelDtmfReceived', channelId)[0], 'DTMF');
    assert.equal(dtmf.digit, '2');

    const bad = await fetch(`${sim.url}/sim/scripts`, { method: 'POST', headers: auth, body: JSON.stringify({ match: '+1555999*', result: 'maybe' }) });
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { message: string }).message, /result/);
    assert.equal((await fetch(`${sim.url}/sim/scripts`, { method: 'POST', headers: auth, body: JSON.stringify({ match: '+1555999*', result: 'busy', answerAfterMs: 200 }) })).status, 204);
    await client.channels.originate({ endpoint: 'PJSIP/+15559990000@trunk', app: 'it-app', channelId: 'it-busy' });
    const gone = await waitFor(() => of('ChannelDestroyed', 'it-busy')[0], 'busy ChannelDestroyed');
    assert.equal(gone.cause, 17);
    assert.deepEqual(of('Dial', 'it-busy').map((e) => e.dialstatus), ['', 'RINGING', 'BUSY']);
    assert.equal(of('StasisStart', 'it-busy').length, 0);
    await client.channels.hangup({ channelId });
  });

  it('drops a call originated into an application without a WebSocket, as Asterisk does', async () => {
    const ch = await client.channels.originate({ endpoint: 'PJSIP/agent-1002', app: 'nobody-listens', channelId: 'it-nows' });
    assert.equal(ch.id, 'it-nows');
    await waitFor(() => !sim.control.listChannels().some((c) => c.id === 'it-nows'), 'the channel to vanish');
    await assert.rejects(client.channels.get({ channelId: 'it-nows' }), /Channel not found/);
  });

  it('answers unknown endpoints with Allocation failed and bad credentials with 401', async () => {
    await assert.rejects(client.channels.originate({ endpoint: 'PJSIP/nobody', app: 'it-app' }), /Allocation failed/);
    const res = await fetch(`${sim.url}/ari/channels?api_key=asterisk:wrong`);
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'), 'Basic realm="Asterisk REST Interface"');
    assert.deepEqual(await res.json(), { message: 'Authentication required' });
  });

  it('closes every socket and timer', async () => {
    const other = await startSimulator({ port: 0, timeScale: 0.05 });
    const c = await Ari.connect(other.url, other.user, other.password);
    await c.start('closing-app');
    await c.channels.originate({ endpoint: 'PJSIP/agent-1003', app: 'closing-app', channelId: 'long' });
    other.control.script({ match: 'PJSIP/agent-1004', result: 'noanswer' });
    await c.channels.originate({ endpoint: 'PJSIP/agent-1004', app: 'closing-app', timeout: 600 });
    c.stop();
    await other.close();
    await assert.rejects(fetch(`${other.url}/ari/asterisk/ping`));
  });
});
