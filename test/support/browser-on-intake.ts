import { resolve } from 'node:path';
import { startIntake, type IntakeHarness } from '../integration/http/intake-harness';
import { launchBrowser, listenOnLoopback, type TestBrowser } from './browser';

/** The widget, demo page and consoles, as the controller serves them. */
export const PUBLIC_DIR = resolve(__dirname, '../../src/adapters/http/public');

export interface BrowserOnIntake {
  harness: IntakeHarness;
  /** Where the intake app (API and public pages) listens. */
  base: string;
  browser: TestBrowser;
  close(): Promise<void>;
}

/** The intake app with its public pages on a loopback port, over real MariaDB and Redis, and a headless Chromium. */
export async function startBrowserOnIntake(label: string): Promise<BrowserOnIntake> {
  const harness = await startIntake(label, { app: { staticDir: PUBLIC_DIR } });
  const served = await listenOnLoopback(harness.app).catch(async (err: unknown) => {
    await harness.close();
    throw err;
  });
  const browser = await launchBrowser().catch(async (err: unknown) => {
    await served.close();
    await harness.close();
    throw err;
  });
  return {
    harness,
    base: served.base,
    browser,
    async close() {
      await browser.close();
      await served.close();
      await harness.close();
    },
  };
}
