import { strict as assert } from 'node:assert';
import { randomBytes, randomUUID } from 'node:crypto';
import { ENDED_WHILE_AWAY } from '../../src/adapters/ari/reconcile';
import type { AriCallControlHandle } from '../../src/adapters/ari/create-ari-call-control';
import { CallControlUnavailableError } from '../../src/domain/errors';
import { startSimulator, type Simulator } from '../../src/simulator';
import { connectAdapter, follow, nextStasisStart } from './ari-helpers';

const silent = { info() {}, warn() {}, debug() {}, error() {} };

async function eventually(what: string, check: () => boolean, timeoutMs = 10000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) assert.fail(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('ARI adapter when Asterisk goes away and comes back (simulator stopped and restarted)', function () {
  this.timeout(30000);
  const app = `cc-test-reconnect-${randomBytes(3).toString('hex')}`;
  const credentials = { user: 'asterisk', password: `pw-${randomBytes(6).toString('hex')}` };
  let sim: Simulator | undefined;
  let handle: AriCallControlHandle | undefined;

  before(function () {
    if (process.env.ARI_URL) {
      // Stopping a real Asterisk is not something a test suite should do.
      this.skip();
    }
  });
  after(async () => {
    await handle?.stop();
    await sim?.close();
  });

  it('reports the outage, refuses to dial, reconnects, reconciles calls that ended meanwhile, and takes new calls', async () => {
    sim = await startSimulator({ port: 0, timeScale: 0.05, defaultApp: app, logger: silent, ...credentials });
    const port = sim.port;
    handle = await connectAdapter({ url: sim.url, app, ...credentials, kind: 'simulator', farEnd: () => '', close: async () => {} }, { requestTimeoutMs: 500 });
    const cc = handle.callControl;
    const changes: boolean[] = [];
    cc.onConnectionChange((up) => changes.push(up));

    const started = nextStasisStart(cc, 'inbound');
    const inboundId = sim.control.injectInbound({ from: '+15551230000', did: '5551234', app });
    await started;
    const inbound = follow(cc, inboundId);
    await cc.answer(inboundId);

    const legId = `leg-${randomUUID()}`;
    const leg = follow(cc, legId);
    sim.control.script({ match: '+15557770001', result: 'answer', answerAfterMs: 100 });
    await cc.originate({ channelId: legId, endpoint: 'PJSIP/+15557770001@trunk', appArgs: ['agent-leg'] });
    await leg.until('StasisStart');

    await sim.close();
    await eventually('disconnected', () => !cc.isConnected());
    await assert.rejects(handle.readiness.check(), CallControlUnavailableError);
    await assert.rejects(cc.originate({ channelId: `out-${randomUUID()}`, endpoint: 'PJSIP/+15557770002@trunk', appArgs: ['outbound'] }), CallControlUnavailableError);
    await assert.rejects(cc.answer(inboundId), CallControlUnavailableError);

    sim = await startSimulator({ port, timeScale: 0.05, defaultApp: app, logger: silent, ...credentials });
    await handle.waitForConnection(15000);
    await handle.readiness.check();
    assert.deepEqual(changes, [false, true]);

    // The restarted Asterisk has none of the old calls: their sessions hear that they ended.
    const ended = await inbound.until('ChannelDestroyed');
    assert.equal(ended.causeText, ENDED_WHILE_AWAY);
    assert.deepEqual(inbound.types().slice(-2), ['StasisEnd', 'ChannelDestroyed']);
    assert.equal((await leg.until('ChannelDestroyed')).causeText, ENDED_WHILE_AWAY);
    inbound.off();
    assert.equal(handle.stats().watchedIds, 0);
    assert.equal(handle.stats().originated, 0);

    const next = nextStasisStart(cc, 'inbound');
    const newId = sim.control.injectInbound({ from: '+15551230000', did: '5551234', app });
    assert.equal((await next).channel.id, newId);
    await cc.answer(newId);
    await cc.hangup(newId);
  });
});
