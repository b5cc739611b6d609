/**
 * The intake server in a process of its own, so the load generator never shares its event loop:
 * `spawnIntakeServer` starts this file as a child, which listens and reports its URL over IPC,
 * and shuts down (cleaning its Redis keys) when told to.
 */
import { fork } from 'node:child_process';
import { createKnex } from '../../src/adapters/db/knex';
import { startIntakeServer, type IntakeServer } from './intake-server';

interface Ready {
  url: string;
}

export async function spawnIntakeServer(databaseUrl: string, redisUrl: string, prefix: string): Promise<IntakeServer> {
  const child = fork(__filename, [], {
    execArgv: ['--import', 'tsx', ...(process.env.BENCH_SERVER_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_SERVER_CPU_PROF}`] : [])],
    env: { ...process.env, BENCH_DATABASE_URL: databaseUrl, BENCH_REDIS_URL: redisUrl, BENCH_PREFIX: prefix },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
  const ready = await new Promise<Ready>((resolve, reject) => {
    child.once('message', (m) => resolve(m as Ready));
    void exited.then((code) => reject(new Error(`intake server exited with ${code} before listening`)));
  });
  return {
    url: ready.url,
    pid: child.pid,
    async close() {
      child.send('close');
      const code = await exited;
      if (code !== 0) throw new Error(`intake server exited with ${code}`);
    },
  };
}

async function serve(): Promise<void> {
  // Ten connections in all, as the baseline has: the controller's pool and its intake batches' pool.
  const knex = createKnex(process.env.BENCH_DATABASE_URL!, { max: 7 });
  const batches = createKnex(process.env.BENCH_DATABASE_URL!, { max: 3 }, { multipleStatements: true });
  const server = await startIntakeServer(knex, process.env.BENCH_REDIS_URL!, process.env.BENCH_PREFIX!, batches);
  process.on('message', (m) => {
    if (m !== 'close') return;
    void server
      .close()
      .then(() => Promise.all([knex.destroy(), batches.destroy()]))
      .then(
        () => process.exit(0),
        (err: unknown) => {
          console.error(err);
          process.exit(1);
        },
      );
  });
  process.send!({ url: server.url } satisfies Ready);
}

if (require.main === module) {
  serve().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
