/**
 * The simulator's served Swagger against Asterisk 22's own description (../shared/asterisk-ari/api-docs):
 * every operation it serves exists there with the same path, method, nickname and parameter names,
 * and every event it emits while driving several flows carries the fields events.json requires.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';
import { startSimulator, type Simulator } from '../../src/simulator';
import { ASTERISK_ARI_DIR } from './simulator-trace-support';

const DOCS = path.join(ASTERISK_ARI_DIR, 'api-docs');

interface Operation {
  httpMethod: string;
  nickname: string;
  parameters?: Array<{ name: string; paramType: string }>;
}
interface Declaration {
  apis: Array<{ path: string; operations: Operation[] }>;
  models: Record<string, { properties?: Record<string, { required?: boolean; type: string }>; subTypes?: string[] }>;
}

const readDoc = (name: string) => JSON.parse(readFileSync(path.join(DOCS, `${name}.json`), 'utf8')) as Declaration;

describe('simulator Swagger and events against the Asterisk 22 API description', function () {
  this.timeout(20_000);
  let sim: Simulator;
  let auth: string;
  const get = async (p: string) => {
    const res = await fetch(`${sim.url}/ari${p}`, { headers: { Authorization: auth } });
    assert.equal(res.status, 200, p);
    return (await res.json()) as Record<string, unknown>;
  };

  before(async function () {
    if (!existsSync(DOCS)) {
      console.log(`      skipped: no Asterisk API description at ${DOCS} (set ASTERISK_ARI_DIR)`);
      this.skip();
    }
    sim = await startSimulator({ port: 0, timeScale: 0.02, password: 'contract-secret' });
    auth = 'Basic ' + Buffer.from(`asterisk:contract-secret`).toString('base64');
  });
  after(async () => sim?.close());

  it('serves only operations Asterisk has, with the same path, method, nickname and parameters', async () => {
    const listing = await get('/api-docs/resources.json');
    const resources = (listing.apis as Array<{ path: string }>).map((a) => /\/api-docs\/(\w+)\./.exec(a.path)![1]!);
    assert.ok(resources.includes('channels') && resources.includes('events') && resources.includes('bridges'));
    let checked = 0;
    for (const resource of resources) {
      const ours = (await get(`/api-docs/${resource}.json`)) as unknown as Declaration;
      const theirs = readDoc(resource);
      for (const api of ours.apis) {
        const real = theirs.apis.find((a) => a.path === api.path);
        assert.ok(real, `${resource}: path ${api.path} does not exist in Asterisk`);
        for (const op of api.operations) {
          const twin: Operation | undefined = real.operations.find((o: Operation) => o.httpMethod === op.httpMethod);
          assert.ok(twin, `${op.httpMethod} ${api.path} does not exist in Asterisk`);
          assert.equal(op.nickname, twin.nickname, `${op.httpMethod} ${api.path}`);
          const names = (ps?: Array<{ name: string; paramType: string }>) => (ps ?? []).map((p) => `${p.paramType}:${p.name}`).sort();
          assert.deepEqual(names(op.parameters), names(twin.parameters), `parameters of ${op.httpMethod} ${api.path}`);
          checked++;
        }
      }
    }
    assert.ok(checked >= 50, `only ${checked} operations compared`);
  });

  it('declares every event type it sends with the properties Asterisk declares', async () => {
    const ours = (await get('/api-docs/events.json')) as unknown as Declaration;
    const theirs = readDoc('events');
    const eventTypes = ours.models.Event!.subTypes!;
    for (const type of eventTypes) {
      const real = theirs.models[type];
      assert.ok(real, `event ${type} is not an Asterisk event`);
      assert.deepEqual(Object.keys(ours.models[type]!.properties ?? {}).sort(), Object.keys(real.properties ?? {}).sort(), `properties of ${type}`);
    }
  });

  it('emits events that carry every field events.json requires for their type', async () => {
    const theirs = readDoc('events');
    const required = (model: string): string[] => Object.entries(theirs.models[model]?.properties ?? {}).filter(([, p]) => p.required).map(([k]) => k);
    const declared = new Set(((await get('/api-docs/events.json')) as unknown as Declaration).models.Event!.subTypes!);
    const events: Array<Record<string, unknown>> = [];
    const ws = new WebSocket(`${sim.url.replace('http', 'ws')}/ari/events?app=contract&api_key=asterisk:contract-secret`);
    ws.on('message', (d) => events.push(JSON.parse(String(d)) as Record<string, unknown>));
    await new Promise((r) => ws.once('open', r));
    const call = (method: string, p: string, body?: unknown) => fetch(`${sim.url}/ari${p}`, {
      method, headers: { Authorization: auth, 'Content-Type': 'application/json' }, body: body ? JSON.stringify(body) : undefined,
    });
    const c = sim.control;
    c.script({ match: '+1555000*', result: 'answer', answerAfterMs: 50, dtmf: [{ atMs: 100, digits: '1#' }] });
    c.script({ match: '+1555111*', result: 'busy' });
    c.script({ match: '+1555222*', result: 'noanswer' });
    await call('POST', '/channels?endpoint=PJSIP/%2B15550001@trunk&app=contract&appArgs=outbound,1&channelId=a', { variables: { X: '1' } });
    await call('POST', '/channels?endpoint=PJSIP/%2B15551111@trunk&app=contract&channelId=b');
    await call('POST', '/channels?endpoint=PJSIP/%2B15552221@trunk&app=contract&channelId=c&timeout=1');
    const inbound = c.injectInbound({ from: '+15557654321', did: '5551234', app: 'contract' });
    await new Promise((r) => setTimeout(r, 200));
    await call('POST', `/channels/${inbound}/answer`);
    await call('POST', '/channels/a/record?name=vm-contract&format=wav&terminateOn=%23');
    await call('POST', '/bridges?bridgeId=br&type=mixing');
    await call('POST', `/bridges/br/addChannel?channel=${inbound}`);
    await call('POST', '/bridges/br/play?media=sound:beep,digits:12');
    await call('POST', '/channels/a/variable?variable=Y&value=2');
    await new Promise((r) => setTimeout(r, 300));
    c.hangup(inbound);
    await call('DELETE', '/channels/a');
    await call('POST', '/bridges/br2?type=holding');
    await call('DELETE', '/bridges/br');
    await new Promise((r) => setTimeout(r, 200));
    ws.close();
    const seen = new Set(events.map((e) => e.type as string));
    for (const type of ['StasisStart', 'StasisEnd', 'ChannelStateChange', 'ChannelDtmfReceived', 'ChannelHangupRequest', 'ChannelDestroyed', 'Dial', 'ChannelVarset',
      'PlaybackStarted', 'PlaybackContinuing', 'PlaybackFinished', 'RecordingStarted', 'RecordingFinished', 'ChannelEnteredBridge', 'ChannelLeftBridge']) {
      assert.ok(seen.has(type), `the flows produced no ${type}`);
    }
    for (const e of events) {
      const type = e.type as string;
      assert.ok(declared.has(type), `${type} is sent but not declared in the served events.json`);
      for (const field of [...required('Message'), ...required('Event'), ...required(type)]) assert.ok(field in e, `${type} lacks required ${field}`);
      for (const [field, model] of [['channel', 'Channel'], ['peer', 'Channel'], ['bridge', 'Bridge'], ['playback', 'Playback'], ['recording', 'LiveRecording']] as const) {
        if (!(field in e)) continue;
        const doc = readDoc(model === 'Channel' ? 'channels' : model === 'Bridge' ? 'bridges' : model === 'Playback' ? 'playbacks' : 'recordings');
        for (const f of Object.entries(doc.models[model]!.properties ?? {}).filter(([, p]) => p.required).map(([k]) => k)) {
          assert.ok(f in (e[field] as object), `${type}.${field} lacks required ${f}`);
        }
      }
    }
  });
});
