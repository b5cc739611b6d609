/**
 * A controller process for the dialer's crash and race suites: `serve` dials one reserved request
 * (after "go" on stdin), `recover` runs the start-up recovery. Reports JSON lines on stdout.
 */
import { createInterface } from 'node:readline';
import type { CallbackMode } from '../../src/domain/dialling-settings';
import { startDialerStack } from './dialer-stack';

function env(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is required`);
  return v;
}

const say = (o: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(o)}\n`);

async function main(): Promise<void> {
  const stack = await startDialerStack({
    databaseUrl: env('CC_DB_URL'),
    redisUrl: env('CC_REDIS_URL'),
    prefix: env('CC_PREFIX'),
    ari: { url: env('CC_ARI_URL'), user: env('CC_ARI_USER'), password: env('CC_ARI_PASSWORD'), app: env('CC_ARI_APP') },
    mode: env('CC_MODE') as CallbackMode,
    callback: JSON.parse(process.env.CC_CALLBACK ?? '{}'),
    owner: env('CC_OWNER'),
    leaseMs: Number(process.env.CC_LEASE_MS ?? 30_000),
  });
  try {
    if (env('CC_ACTION') === 'recover') {
      say({ event: 'recovered', count: await stack.sweeper.sweep(true) });
      return;
    }
    const request = await stack.requests.findById(env('CC_REQUEST_ID'));
    if (!request) throw new Error('no such request');
    say({ event: 'ready', pid: process.pid });
    await new Promise<void>((resolve) => createInterface({ input: process.stdin }).once('line', () => resolve()));
    const settled = await stack.serve(request, { id: 'agent-1', name: 'Grace', endpoint: 'PJSIP/agent-1001' });
    say({ event: 'settled', settled });
  } finally {
    await stack.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
