import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadCenterConfig } from '../../src/adapters/config-file/load-center-config';
import { CenterConfigError } from '../../src/domain/center-config';

describe('center configuration file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cc-config-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('loads the shipped example', () => {
    const cfg = loadCenterConfig(resolve(__dirname, '../../config/contact-center.example.yaml'));
    assert.deepEqual(cfg.queues.map((q) => q.id), ['support', 'sales']);
    assert.equal(cfg.menus.main!.options['2']!.action, 'menu');
  });

  it('refuses a bad IVR configuration at load with the paths of every problem', () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'queues: [{id: support, name: S}]\ndefaultMenu: main\noperator: {queue: support}\nmenus:\n  main:\n    prompt: sound:x\n    options:\n      "1": {action: queue, queue: nowhere}\n      "2": {action: dance}\n');
    assert.throws(() => loadCenterConfig(file), (err: unknown) => {
      assert.ok(err instanceof CenterConfigError);
      assert.match(err.message, /menus\.main\.options\.2\.action/);
      return true;
    });
    writeFileSync(file, 'queues: [{id: support, name: S}]\ndefaultMenu: main\noperator: {queue: support}\nmenus:\n  main:\n    prompt: sound:x\n    options:\n      "1": {action: queue, queue: nowhere}\n');
    assert.throws(() => loadCenterConfig(file), /menus\.main\.options\.1\.queue: unknown queue 'nowhere'/);
  });

  it('names an unreadable or unparsable file', () => {
    assert.throws(() => loadCenterConfig(join(dir, 'missing.yaml')), /cannot read .*missing\.yaml: ENOENT/);
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, 'queues: [\n');
    assert.throws(() => loadCenterConfig(file), /not valid YAML/);
  });
});
