import assert from 'node:assert/strict';
import { AriError } from '../../src/simulator/ari-error';
import { normalizeEndpoints, parseEndpoint } from '../../src/simulator/endpoint-parser';
import { FarEndScripts, validateRule } from '../../src/simulator/far-end';
import { planMedia, spokenWordCount } from '../../src/simulator/media-durations';

describe('simulator far ends, dial strings and media timing', () => {
  const endpoints = normalizeEndpoints(['trunk', 'agent-1001']);

  it('resolves exact rules before prefixes and longer prefixes before shorter ones', () => {
    const scripts = new FarEndScripts();
    scripts.set({ match: '+1555*', result: 'busy' });
    scripts.set({ match: '+155512*', result: 'noanswer' });
    scripts.set({ match: 'PJSIP/+15551230000@trunk', result: 'congestion' });
    const cand = (n: string) => parseEndpoint(`PJSIP/${n}@trunk`, endpoints).candidates;
    assert.equal(scripts.resolve(cand('+15551230000')).result, 'congestion');
    assert.equal(scripts.resolve(cand('+15551239999')).result, 'noanswer');
    assert.equal(scripts.resolve(cand('+15559999999')).result, 'busy');
    const fallback = scripts.resolve(cand('+4930123456'));
    assert.deepEqual([fallback.result, fallback.answerAfterMs], ['answer', 1000]);
  });

  it('rejects bad rules naming the field', () => {
    assert.throws(() => validateRule({ match: 'x', result: 'answer', answerAfterMs: -1 }), (e: AriError) => e.status === 400 && /answerAfterMs/.test(e.message));
    assert.throws(() => validateRule({ match: 'x', result: 'answer', dtmf: [{ atMs: 1, digits: '1x' }] }), /dtmf\[0\]\.digits/);
    assert.throws(() => validateRule({ result: 'answer' }), /match/);
  });

  it('parses dial strings like Asterisk and refuses unknown endpoints with Allocation failed', () => {
    assert.equal(parseEndpoint('PJSIP/agent-1001', endpoints).dialstring, 'agent-1001');
    assert.equal(parseEndpoint('PJSIP/sip:bob@example.com', endpoints).resource, 'trunk');
    assert.deepEqual(parseEndpoint('Local/answer@sim', endpoints).local, { exten: 'answer', context: 'sim' });
    for (const bad of ['PJSIP/nobody', 'Bogus/123', 'PJSIP/+1555@nowhere']) {
      assert.throws(() => parseEndpoint(bad, endpoints), (e: AriError) => e.status === 500 && e.body().error === 'Allocation failed');
    }
    assert.throws(() => parseEndpoint('not-a-valid-endpoint', endpoints), (e: AriError) => e.status === 400 && e.message === 'Invalid endpoint specified');
  });

  it('times media as Asterisk plays it', () => {
    const sounds = new Map<string, number | null>([['hello-world', 1420], ['gone', null]]);
    assert.deepEqual(planMedia('sound:hello-world', sounds), { kind: 'plays', durationMs: 1420 });
    assert.deepEqual(planMedia('digits:123', sounds), { kind: 'plays', durationMs: 3 * 843 });
    assert.deepEqual(planMedia('number:42', sounds), { kind: 'plays', durationMs: 2 * 860 });
    assert.deepEqual(planMedia('sound:gone', sounds), { kind: 'fails' });
    assert.deepEqual(planMedia('bogus:thing', sounds), { kind: 'hangs' });
    assert.deepEqual([0, 7, 13, 20, 42, 100, 115, 1234, 2000000].map(spokenWordCount), [1, 1, 1, 1, 2, 2, 3, 6, 2]);
  });
});
