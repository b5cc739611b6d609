import { join } from 'node:path';
import { config as loadDotenv } from 'dotenv';
import { loadConfig } from '../config/config';
import { ensureDatabase, createKnex, migrateLatest } from '../adapters/db/knex';
import { createLogger } from '../adapters/logging/logger';
import { startController } from '../compose';
import type { ScriptRule } from '../simulator';

/**
 * `npm run demo`: the whole product on the built-in Asterisk simulator, with no configuration.
 * Simulated agents log in, answer and talk for a while; simulated customers answer, ring out or
 * are busy depending on their number; a caller rings the main number now and then.
 */
const DEMO_SUPERVISOR_KEY = 'demo-supervisor-key-change-me';

/** How the simulated far ends behave (documented in the README). */
const FAR_ENDS: ScriptRule[] = [
  // Agent phones: pick up after 2 s, talk for 40 s.
  { match: 'PJSIP/agent-*', result: 'answer', answerAfterMs: 2000, hangupAfterMs: 40_000 },
  // Customers: +1 212 ... busy, +1 646 ... never answer, +1 718 ... network congestion.
  { match: '+1212*', result: 'busy', ringMs: 500, answerAfterMs: 2000 },
  { match: '+1646*', result: 'noanswer', ringMs: 500 },
  { match: '+1718*', result: 'congestion', answerAfterMs: 800 },
  // Everyone else answers after 3 s, presses 1 when asked (customer-first), talks for 60 s.
  { match: '+*', result: 'answer', ringMs: 300, answerAfterMs: 3000, hangupAfterMs: 60_000, dtmf: [{ atMs: 5000, digits: '1' }] },
];

async function main(): Promise<void> {
  loadDotenv({ quiet: true });
  const env = { ...process.env };
  env.SUPERVISOR_API_KEY ??= DEMO_SUPERVISOR_KEY;
  env.CONTACT_CENTER_CONFIG ??= join(__dirname, '..', '..', 'config', 'demo.yaml');
  const config = loadConfig(env);
  const logger = createLogger({ level: config.LOG_LEVEL });

  await ensureDatabase(config.DATABASE_URL);
  const knex = createKnex(config.DATABASE_URL, { max: 1 });
  await migrateLatest(knex).finally(() => knex.destroy());

  const controller = await startController(config, { logger, simulator: { scripts: FAR_ENDS } });
  // Agents come back in the state they were left in; log in those who are out, resume the paused.
  for (const agent of controller.center.agents) {
    const { state } = controller.acd.agentService.view(agent.id);
    if (state === 'logged-out') await controller.acd.agentService.login(agent.id);
    else if (state === 'paused') await controller.acd.agentService.resume(agent.id);
  }

  const sim = controller.simulator;
  let caller = 0;
  const inbound = sim
    ? setInterval(() => {
        caller = (caller % 89) + 10;
        try {
          sim.control.injectInbound({ from: `+1415555${String(1000 + caller)}`, callerName: `Caller ${caller}`, did: '5551234', dtmf: [{ atMs: 7000, digits: '1' }], hangupAfterMs: 240_000 });
        } catch (err) {
          logger.warn({ err }, 'demo caller not injected');
        }
      }, 75_000)
    : null;

  const base = controller.url ?? `http://127.0.0.1:${config.PORT}`;
  console.log(`
  Contact center demo running (built-in Asterisk simulator${sim ? ` at ${sim.url}` : ''}).

    Web page with the call-me-back widget   ${base}/
    Supervisor console                       ${base}/console/supervisor.html   key: ${env.SUPERVISOR_API_KEY === DEMO_SUPERVISOR_KEY ? DEMO_SUPERVISOR_KEY : '(SUPERVISOR_API_KEY)'}
    Agent desktop                            ${base}/console/agent.html        alice / demo-agent-alice
    Health, metrics                          ${base}/readyz  ${base}/metrics

  Simulated customers: numbers starting +1 212 are busy, +1 646 never answer, +1 718 fail;
  any other number (e.g. +1 415 555 0134) answers and talks to an agent for a minute.
  A caller rings the main number every 75 s. Ctrl-C stops.
`);

  const stop = (): void => {
    if (inbound) clearInterval(inbound);
    controller.stop().then(() => process.exit(0), () => process.exit(1));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(`demo failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
