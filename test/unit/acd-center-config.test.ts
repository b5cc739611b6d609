import { strict as assert } from 'node:assert';
import { CenterConfigError, menuIdForDid, parseCenterConfig } from '../../src/domain/center-config';
import { centerDocument, testCenter } from '../support/acd-center';

function problemsOf(doc: unknown): string[] {
  try {
    parseCenterConfig(doc);
  } catch (err) {
    assert.ok(err instanceof CenterConfigError, String(err));
    return err.problems;
  }
  assert.fail('expected the configuration to be refused');
}

describe('center configuration', () => {
  it('fills the documented defaults', () => {
    const cfg = testCenter();
    const sales = cfg.queues.find((q) => q.id === 'sales')!;
    assert.equal(sales.announceEverySeconds, 90);
    assert.equal(sales.ringTimeoutSeconds, 15);
    assert.equal(sales.wrapUpSeconds, 15);
    assert.equal(sales.strategy, 'round-robin');
    assert.deepEqual(cfg.menus['sales-direct']!.prompt, ['sound:sales-menu']);
    assert.equal(cfg.menus['sales-direct']!.maxRetries, 2);
    assert.deepEqual(cfg.prompts.goodbye, ['sound:goodbye']);
  });

  it('lists every field problem with its path', () => {
    const doc = centerDocument();
    const queues = doc.queues as Array<Record<string, unknown>>;
    queues[0]!.announceEverySeconds = 10;
    queues[1]!.strategy = 'random';
    const agents = doc.agents as Array<Record<string, unknown>>;
    agents[0]!.endpoint = 'agent-1001';
    const menus = doc.menus as Record<string, Record<string, unknown>>;
    menus.main!.options = { '12': { action: 'queue', queue: 'support' } };
    menus['sales-direct']!.prompt = 'http://evil/x.wav';
    const problems = problemsOf(doc);
    const paths = problems.map((p) => p.split(':')[0]).sort();
    assert.deepEqual(paths, ['agents[0].endpoint', 'menus.main.options.12', 'menus.sales-direct.prompt', 'queues[0].announceEverySeconds', 'queues[1].strategy'].sort(), problems.join('\n'));
  });

  it('refuses references to queues and menus that do not exist, duplicates, and a repeat fallback', () => {
    const doc = centerDocument();
    const menus = doc.menus as Record<string, Record<string, unknown>>;
    menus.main!.options = { '1': { action: 'queue', queue: 'nope' }, '2': { action: 'menu', menu: 'ghost' } };
    menus['sales-direct']!.onExhausted = { action: 'repeat' };
    (doc.dids as Record<string, string>)['5550000'] = 'missing';
    (doc.agents as Array<Record<string, unknown>>)[1]!.id = 'alice';
    const problems = problemsOf(doc);
    for (const expected of ['menus.main.options.1.queue', 'menus.main.options.2.menu', 'menus.sales-direct.onExhausted.action', 'dids.5550000', 'agents[1].id']) {
      assert.ok(problems.some((p) => p.startsWith(`${expected}:`)), `${expected} missing in\n${problems.join('\n')}`);
    }
  });

  it('refuses agents, held callers and the operator in a queue served only by the automated IVR callback', () => {
    const doc = centerDocument();
    const queues = doc.queues as Array<Record<string, unknown>>;
    queues.find((q) => q.id === 'sales')!.callbackMode = 'ivr';
    const menus = doc.menus as Record<string, Record<string, unknown>>;
    menus.main!.options = { '1': { action: 'queue', queue: 'sales' }, '2': { action: 'callback', queue: 'sales' } };
    doc.operator = { queue: 'sales' };
    const problems = problemsOf(doc);
    const agentsInSales = (doc.agents as Array<{ queues: Record<string, number> }>).flatMap((a, i) => ('sales' in a.queues ? [`agents[${i}].queues.sales`] : []));
    assert.ok(agentsInSales.length > 0, 'the test center has an agent in sales');
    for (const expected of [...agentsInSales, 'menus.main.options.1.queue', 'operator.queue']) {
      assert.ok(problems.some((p) => p.startsWith(`${expected}:`)), `${expected} missing in\n${problems.join('\n')}`);
    }
    assert.ok(!problems.some((p) => p.startsWith('menus.main.options.2')), 'a callback into an IVR-served queue is fine');
  });

  it('refuses an agent without credentials and a config without queues', () => {
    const doc = centerDocument();
    (doc.agents as Array<Record<string, unknown>>)[0]!.credentials = {};
    assert.ok(problemsOf(doc).some((p) => p.startsWith('agents[0].credentials:')));
    assert.ok(problemsOf({ ...centerDocument(), queues: [] }).some((p) => p.startsWith('queues:')));
  });

  it('picks the menu by DID, with or without +, else the default', () => {
    const cfg = testCenter();
    assert.equal(menuIdForDid(cfg, '5559999'), 'sales-direct');
    assert.equal(menuIdForDid(cfg, '+5559999'), 'sales-direct');
    assert.equal(menuIdForDid(cfg, '5550000'), 'main');
  });
});
