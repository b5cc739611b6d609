import { randomBytes } from 'node:crypto';
import { startController, type Controller, type ControllerOptions } from '../../src/compose';
import { loadConfig } from '../../src/config/config';
import type { CenterConfig } from '../../src/domain/center-config';
import { createTestDatabase, type TestDatabase } from './db';
import { TEST_REDIS_URL, uniquePrefix } from './redis';

export interface SimulatedController {
  controller: Controller;
  db: TestDatabase;
  /** The Redis key prefix of this controller's combined list. */
  prefix: string;
  stop(): Promise<void>;
}

/**
 * The whole controller (`startController`) on its built-in simulator, time-scaled, with a MariaDB
 * database and a Redis prefix of its own, connected to ARI before it is handed over. `env` adds
 * to or overrides the test configuration; `options` are the controller's own (routers, ...).
 */
export async function startSimulatedController(label: string, center: CenterConfig, env: Record<string, string> = {}, options: Omit<ControllerOptions, 'center' | 'simulator'> = {}): Promise<SimulatedController> {
  const db = await createTestDatabase(label);
  const prefix = uniquePrefix(label);
  try {
    const config = loadConfig({
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: 'silent',
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: prefix,
      ARI_APP: `cc-${label.slice(0, 12)}-${randomBytes(3).toString('hex')}`,
      SIMULATOR_PORT: '0',
      ...env,
    });
    const controller = await startController(config, { dispatchPollMs: 200, ...options, center, simulator: { port: 0, timeScale: 0.05 } });
    await controller.ari.waitForConnection(5000);
    return {
      controller,
      db,
      prefix,
      async stop() {
        await controller.stop();
        await db.drop();
      },
    };
  } catch (err) {
    await db.drop();
    throw err;
  }
}
