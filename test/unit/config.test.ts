import { strict as assert } from 'node:assert';
import { ConfigError, loadConfig } from '../../src/config/config';

describe('configuration', () => {
  it('has working defaults for the demo', () => {
    const cfg = loadConfig({});
    assert.equal(cfg.PORT, 3000);
    assert.equal(cfg.ARI_URL, undefined);
    assert.deepEqual(cfg.ALLOWED_COUNTRIES.includes('US'), true);
  });

  it('lists every problem at once', () => {
    try {
      loadConfig({ PORT: 'abc', REDIS_URL: 'http://x', ARI_URL: 'http://pbx:8088', DEFAULT_COUNTRY: 'usa' });
      assert.fail('expected a ConfigError');
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      const fields = err.problems.map((p) => p.split(':')[0]);
      assert.deepEqual(fields.sort(), ['DEFAULT_COUNTRY', 'PORT', 'REDIS_URL'].sort());
    }
  });

  it('requires the ARI password with a real Asterisk, and the supervisor key in production', () => {
    assert.throws(() => loadConfig({ ARI_URL: 'http://pbx:8088' }), /ARI_PASSWORD/);
    assert.throws(() => loadConfig({ NODE_ENV: 'production' }), /SUPERVISOR_API_KEY/);
  });

  it('parses lists and booleans', () => {
    const cfg = loadConfig({ ALLOWED_COUNTRIES: 'GB, IE', ALLOW_PREMIUM_NUMBERS: 'yes' });
    assert.deepEqual(cfg.ALLOWED_COUNTRIES, ['GB', 'IE']);
    assert.equal(cfg.ALLOW_PREMIUM_NUMBERS, true);
  });
});
