import { Router } from 'express';
import type { Registry } from 'prom-client';

/** A named readiness check: resolves when the dependency is usable, rejects (or times out) otherwise. */
export type ReadinessCheck = () => Promise<unknown>;

export interface HealthRouterOptions {
  checks: Record<string, ReadinessCheck>;
  registry: Registry;
  /** Per-check timeout (default 1000 ms). */
  checkTimeoutMs?: number;
  isDraining?: () => boolean;
}

/** `/healthz` (the process answers), `/readyz` (its dependencies answer), `/metrics` (Prometheus). */
export function healthRouter(options: HealthRouterOptions): Router {
  const router = Router();
  const timeoutMs = options.checkTimeoutMs ?? 1000;

  router.get('/healthz', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json({ status: 'ok' });
  });

  router.get('/readyz', async (_req, res) => {
    const results = await Promise.all(
      Object.entries(options.checks).map(async ([name, check]) => [name, await runCheck(check, timeoutMs)] as const),
    );
    const checks = Object.fromEntries(results);
    const draining = options.isDraining?.() ?? false;
    const ready = !draining && results.every(([, outcome]) => outcome === 'ok');
    res.setHeader('Cache-Control', 'no-store');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : draining ? 'draining' : 'not_ready', checks });
  });

  router.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', options.registry.contentType);
    res.send(await options.registry.metrics());
  });
  return router;
}

async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<'ok' | 'failed' | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    return await Promise.race([
      Promise.resolve()
        .then(check)
        .then(
          () => 'ok' as const,
          () => 'failed' as const,
        ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
