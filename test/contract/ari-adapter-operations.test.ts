import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ARI_OPERATIONS } from '../../src/adapters/ari/ari-operations';
import { ROUTED_EVENT_TYPES } from '../../src/adapters/ari/translate-event';

/**
 * Every ARI operation the adapter calls, and every event field it reads, checked against the ARI
 * description Asterisk 22 serves (../shared/asterisk-ari/api-docs, or ASTERISK_ARI_DIR).
 */
const ARI_DIR = process.env.ASTERISK_ARI_DIR ?? resolve(__dirname, '../../..', 'shared', 'asterisk-ari');
const API_DOCS = join(ARI_DIR, 'api-docs');

interface SwaggerParam {
  name: string;
  paramType: string;
}
interface SwaggerOperation {
  httpMethod: string;
  nickname: string;
  parameters?: SwaggerParam[];
}
interface SwaggerApi {
  path: string;
  operations: SwaggerOperation[];
}
interface SwaggerModel {
  id: string;
  properties: Record<string, { type: string }>;
  subTypes?: string[];
}

const load = <T>(file: string): T => JSON.parse(readFileSync(join(API_DOCS, file), 'utf8')) as T;

/** Fields of each event (and of the objects inside it) that translate-event.ts reads. */
const FIELDS_READ: Record<string, string[]> = {
  StasisStart: ['args', 'channel'],
  StasisEnd: ['channel'],
  ChannelStateChange: ['channel'],
  ChannelDtmfReceived: ['channel', 'digit', 'duration_ms'],
  ChannelHangupRequest: ['channel', 'cause', 'soft'],
  ChannelDestroyed: ['channel', 'cause', 'cause_txt'],
  Dial: ['peer', 'dialstatus'],
  ChannelVarset: ['channel', 'variable', 'value'],
  PlaybackStarted: ['playback'],
  PlaybackFinished: ['playback'],
  RecordingStarted: ['recording'],
  RecordingFinished: ['recording'],
  RecordingFailed: ['recording'],
  ChannelEnteredBridge: ['bridge', 'channel'],
  ChannelLeftBridge: ['bridge', 'channel'],
  BridgeDestroyed: ['bridge'],
  Channel: ['id', 'name', 'state', 'caller', 'dialplan'],
  CallerID: ['name', 'number'],
  DialplanCEP: ['context', 'exten', 'app_name', 'app_data'],
  Playback: ['id', 'target_uri', 'state'],
  LiveRecording: ['name', 'target_uri', 'state', 'duration', 'cause'],
  Bridge: ['id', 'bridge_type', 'channels'],
};

describe('ARI adapter contract with Asterisk 22 api-docs', function () {
  before(function () {
    if (!existsSync(join(API_DOCS, 'resources.json'))) {
      console.log(`      skipped: Asterisk ARI description not found at ${API_DOCS} (set ASTERISK_ARI_DIR)`);
      this.skip();
    }
  });

  for (const [name, op] of Object.entries(ARI_OPERATIONS)) {
    it(`${name}: ${op.method} ${op.path} (${op.resource}.${op.nickname}) exists with these parameter names`, () => {
      const resources = load<{ apis: Array<{ path: string }> }>('resources.json');
      assert.ok(
        resources.apis.some((a) => a.path === `/api-docs/${op.resource}.{format}`),
        `resources.json does not list ${op.resource}`,
      );
      const doc = load<{ apis: SwaggerApi[] }>(`${op.resource}.json`);
      const api = doc.apis.find((a) => a.path === op.path);
      assert.ok(api, `no path ${op.path} in ${op.resource}.json`);
      const operation = api.operations.find((o) => o.httpMethod === op.method && o.nickname === op.nickname);
      assert.ok(operation, `no ${op.method} ${op.path} with nickname ${op.nickname}; has ${api.operations.map((o) => `${o.httpMethod} ${o.nickname}`).join(', ')}`);
      const declared = new Set((operation.parameters ?? []).map((p) => p.name));
      for (const param of op.params) assert.ok(declared.has(param), `${op.nickname} has no parameter "${param}"; has ${[...declared].join(', ')}`);
      for (const p of operation.parameters ?? []) {
        if (p.paramType === 'path') assert.ok(op.params.includes(p.name), `path parameter ${p.name} is not passed`);
      }
    });
  }

  it('every event type the router subscribes to, and every field it reads, is declared in events.json', () => {
    const events = load<{ models: Record<string, SwaggerModel> }>('events.json');
    const models = events.models;
    const channels = load<{ models: Record<string, SwaggerModel> }>('channels.json').models;
    const bridges = load<{ models: Record<string, SwaggerModel> }>('bridges.json').models;
    const playbacks = load<{ models: Record<string, SwaggerModel> }>('playbacks.json').models;
    const recordings = load<{ models: Record<string, SwaggerModel> }>('recordings.json').models;
    const all: Record<string, SwaggerModel> = { ...channels, ...bridges, ...playbacks, ...recordings, ...models };
    for (const type of ROUTED_EVENT_TYPES) assert.ok(models[type], `events.json has no ${type}`);
    for (const [model, fields] of Object.entries(FIELDS_READ)) {
      const m = all[model];
      assert.ok(m, `no model ${model}`);
      for (const field of fields) assert.ok(field in m.properties, `${model}.${field} is not declared`);
    }
  });
});
