/**
 * Where the ARI suites connect. With ARI_URL set (plus ARI_USER/ARI_PASSWORD) they run against
 * that Asterisk, configured with asterisk-config/ and dialplans/ (including the test far ends in
 * dialplans/test-far-ends.conf); otherwise each suite starts its own simulator on a free port.
 */
import { randomBytes } from 'node:crypto';
import { startSimulator, type FarEndScript, type Simulator } from '../../src/simulator';

export interface AriTarget {
  url: string;
  user: string;
  password: string;
  /** A Stasis application name of this suite's own, so suites running together never share calls. */
  app: string;
  kind: 'simulator' | 'asterisk';
  /** Present only with the simulator: scripting, inbound calls and inspection under /sim. */
  simulator?: Simulator;
  /** An endpoint whose far end behaves as scripted (on a real Asterisk, a Local channel into the test far ends). */
  farEnd(script: FarEndScript): string;
  close(): Promise<void>;
}

export interface AriTargetOptions {
  /** Simulator time scale (0.05 = twenty times faster). Ignored for a real Asterisk. */
  timeScale?: number;
  label?: string;
}

export async function startAriTarget(options: AriTargetOptions = {}): Promise<AriTarget> {
  const app = `cc-test-${(options.label ?? 't').replace(/[^a-z0-9]/gi, '').slice(0, 16)}-${randomBytes(3).toString('hex')}`;
  const url = process.env.ARI_URL;
  if (url) {
    const password = process.env.ARI_PASSWORD;
    if (!password) throw new Error('ARI_URL is set but ARI_PASSWORD is not');
    return {
      url: url.replace(/\/+$/, '').replace(/\/ari$/, ''),
      user: process.env.ARI_USER ?? 'controller',
      password,
      app,
      kind: 'asterisk',
      farEnd: (script) => `Local/${script.result}@cc-test-far-ends`,
      close: async () => {},
    };
  }
  const simulator = await startSimulator({
    port: 0,
    timeScale: options.timeScale ?? 0.05,
    user: 'asterisk',
    password: `pw-${randomBytes(6).toString('hex')}`,
    defaultApp: app,
    logger: { info() {}, warn() {}, debug() {}, error() {} },
  });
  let n = 0;
  const prefix = `+1555${randomBytes(2).readUInt16BE(0).toString().padStart(5, '0')}`;
  return {
    url: simulator.url,
    user: simulator.user,
    password: simulator.password,
    app,
    kind: 'simulator',
    simulator,
    farEnd(script) {
      const number = `${prefix}${String(++n).padStart(2, '0')}`;
      simulator.control.script({ match: number, ...script });
      return `PJSIP/${number}@trunk`;
    },
    close: () => simulator.close(),
  };
}
