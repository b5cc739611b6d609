import { strict as assert } from 'node:assert';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../src/adapters/logging/logger';

describe('the controller logger', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cc-log-'));
  });
  after(async () => rm(dir, { recursive: true, force: true }));

  const lines = async (file: string) =>
    (await readFile(file, 'utf8').catch(() => ''))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);

  it('writes a quiet controller\'s lines within about a second, though they fill no block', async () => {
    const file = join(dir, 'quiet.log');
    const logger = createLogger({ level: 'info', destination: file });
    logger.info({ requestId: 'hr_1' }, 'one line');
    let seen: Array<Record<string, unknown>> = [];
    for (let i = 0; i < 40 && seen.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      seen = await lines(file);
    }
    assert.equal(seen.length, 1, 'flushed by the timer');
    assert.equal(seen[0]!.msg, 'one line');
  });

  it('redacts secrets at the source', async () => {
    const file = join(dir, 'secrets.log');
    const logger = createLogger({ level: 'info', destination: file });
    logger.info({ config: { ARI_PASSWORD: 'hunter2-ari', SUPERVISOR_API_KEY: 'sup-key-123' }, password: 'pw', req: { headers: { authorization: 'Bearer abc' } } }, 'configured');
    let text = '';
    for (let i = 0; i < 40 && !text; i++) {
      await new Promise((r) => setTimeout(r, 100));
      text = await readFile(file, 'utf8').catch(() => '');
    }
    assert.ok(text.includes('configured'));
    for (const secret of ['hunter2-ari', 'sup-key-123', '"pw"', 'Bearer abc']) assert.ok(!text.includes(secret), secret);
  });
});
