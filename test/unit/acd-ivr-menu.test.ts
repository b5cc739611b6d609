import { strict as assert } from 'node:assert';
import { collectNumberStep, INITIAL_MENU_STATE, nextStep } from '../../src/domain/ivr-menu';
import { testCenter } from '../support/acd-center';

describe('IVR nextStep', () => {
  const cfg = testCenter();
  const main = cfg.menus.main!;

  it('starts by playing the prompt and collecting a key', () => {
    assert.deepEqual(nextStep(main, INITIAL_MENU_STATE, { kind: 'start' }), {
      kind: 'collect',
      media: ['sound:welcome', 'sound:press-1-support-2-sales'],
      timeoutSeconds: 5,
      state: { retries: 0 },
    });
  });

  it('maps keys to actions', () => {
    const s = INITIAL_MENU_STATE;
    assert.deepEqual(nextStep(main, s, { kind: 'digit', digit: '1' }), { kind: 'queue', queue: 'support' });
    assert.deepEqual(nextStep(main, s, { kind: 'digit', digit: '2' }), { kind: 'menu', menu: 'sales-direct' });
    assert.deepEqual(nextStep(main, s, { kind: 'digit', digit: '3' }), { kind: 'callback', queue: 'support' });
    assert.deepEqual(nextStep(main, s, { kind: 'digit', digit: '4' }), { kind: 'voicemail', queue: 'support' });
    assert.deepEqual(nextStep(main, s, { kind: 'digit', digit: '0' }), { kind: 'operator' });
  });

  it('repeats the prompt on the repeat key without counting a retry', () => {
    const step = nextStep(main, { retries: 1 }, { kind: 'digit', digit: '9' });
    assert.equal(step.kind, 'collect');
    assert.deepEqual(step.kind === 'collect' && step.state, { retries: 0 });
  });

  it('answers an invalid key or silence with a spoken retry, then the fallback', () => {
    const first = nextStep(main, INITIAL_MENU_STATE, { kind: 'digit', digit: '7' });
    assert.deepEqual(first, { kind: 'collect', media: ['sound:option-is-invalid', ...main.prompt], timeoutSeconds: 5, state: { retries: 1 } });
    const second = nextStep(main, { retries: 1 }, { kind: 'timeout' });
    assert.deepEqual(second, { kind: 'collect', media: ['sound:please-try-again', ...main.prompt], timeoutSeconds: 5, state: { retries: 2 } });
    assert.deepEqual(nextStep(main, { retries: 2 }, { kind: 'timeout' }), { kind: 'operator' });
    assert.deepEqual(nextStep(cfg.menus['sales-direct']!, { retries: 2 }, { kind: 'digit', digit: '5' }), { kind: 'queue', queue: 'sales' });
  });

  it('collects a typed number until # or the maximum length', () => {
    assert.deepEqual(collectNumberStep('', '5'), { done: false, digits: '5' });
    assert.deepEqual(collectNumberStep('555', '#'), { done: true, digits: '555' });
    assert.deepEqual(collectNumberStep('555', '*'), { done: false, digits: '555' });
    assert.deepEqual(collectNumberStep('123', '4', 4), { done: true, digits: '1234' });
  });
});
