/**
 * Runs the ARI-compatible Asterisk simulator on its own: `npm run simulator -- [--port 8088]
 * [--host 127.0.0.1] [--user asterisk] [--password asterisk] [--time-scale 1]`.
 * The defaults are the documented demo credentials; see docs/simulator.md.
 */
import pino from 'pino';
import { startSimulator } from '../simulator';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function numberOption(name: string, fallback: number): number {
  const raw = option(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) {
    console.error(`--${name} must be a non-negative number, got "${raw}"`);
    process.exit(2);
  }
  return value;
}

async function main(): Promise<void> {
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' });
  const sim = await startSimulator({
    host: option('host') ?? '127.0.0.1',
    port: numberOption('port', 8088),
    user: option('user') ?? 'asterisk',
    password: option('password') ?? 'asterisk',
    timeScale: numberOption('time-scale', 1) || 1,
    logger,
  });
  console.log(`ARI simulator listening on ${sim.url}`);
  console.log(`  ARI_URL=${sim.url} ARI_USER=${sim.user} ARI_PASSWORD=${sim.password}`);
  console.log(`  control API: ${sim.url}/sim/channels (same credentials)`);
  const stop = (): void => {
    void sim.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
