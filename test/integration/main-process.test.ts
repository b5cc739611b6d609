import { strict as assert } from 'node:assert';
import IORedis from 'ioredis';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../support/db';
import { TEST_REDIS_URL, uniquePrefix } from '../support/redis';

/** The controller as a real process: boot on the built-in simulator, serve, drain on SIGTERM. */
const ROOT = join(__dirname, '..', '..');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function run(env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'main.ts')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

async function waitReady(url: string, deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error('controller did not become ready');
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('the controller process', function () {
  this.timeout(60_000);
  let db: TestDatabase;
  const prefix = uniquePrefix('main');

  before(async () => {
    db = await createTestDatabase('main');
  });
  after(async () => {
    await db.drop();
    const redis = new IORedis(TEST_REDIS_URL);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('refuses to start on a bad configuration, listing every problem, with exit code 78', async () => {
    const p = run({ PORT: 'eighty', REDIS_URL: 'http://nope', DATABASE_URL: db.url });
    const code = await p.exited;
    assert.equal(code, 78);
    assert.match(p.output(), /PORT/);
    assert.match(p.output(), /REDIS_URL/);
  });

  it('boots on the built-in simulator, accepts a help request, and drains on SIGTERM with exit code 0', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const p = run({
      PORT: String(port),
      HOST: '127.0.0.1',
      SIMULATOR_PORT: String(await freePort()),
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: prefix,
      CONTACT_CENTER_CONFIG: join(ROOT, 'config', 'demo.yaml'),
      SUPERVISOR_API_KEY: 'main-process-test-key-0123',
      LOG_LEVEL: 'info',
    });
    try {
      await waitReady(url, 30_000);
      const res = await fetch(`${url}/api/v1/help-requests`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ channel: 'pstn', phone: '+1 646 555 0199', pageUrl: 'https://shop.example.com/' }),
      });
      assert.equal(res.status, 201);
      const { id } = (await res.json()) as { id: string };
      const ready = (await (await fetch(`${url}/readyz`)).json()) as { checks: Record<string, string> };
      assert.deepEqual(ready.checks, { database: 'ok', redis: 'ok', ari: 'ok' });

      p.child.kill('SIGTERM');
      assert.equal(await p.exited, 0);
      assert.match(p.output(), /"msg":"draining/);
      assert.match(p.output(), /"msg":"stopped"/);
      const row = await db.knex('help_requests').where({ id }).first();
      assert.ok(row, 'the accepted request is in the database after shutdown');
      await assert.rejects(fetch(`${url}/healthz`), 'the HTTP listener is closed');
    } finally {
      if (p.child.exitCode === null) p.child.kill('SIGKILL');
    }
  });
});
