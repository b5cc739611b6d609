import express, { type Express, type Router } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { IntakeService } from '../../app/intake/intake-service';
import { healthRouter, type ReadinessCheck } from './health-router';
import { helpRequestsRouter } from './help-requests-router';
import { errorHandler, notFoundHandler } from './http-errors';
import { httpMetrics } from './http-metrics';
import { publicCors } from './public-cors';
import { requestLog, routeBase } from './request-log';
import { supervisorRouter } from './supervisor-router';

export interface HttpAppDeps {
  intake: IntakeService;
  logger: Logger;
  registry: Registry;
  /** Readiness checks by name (database, redis, ari, ...), each bounded by `checkTimeoutMs`. */
  readiness: Record<string, ReadinessCheck>;
  checkTimeoutMs?: number;
  supervisorApiKey?: string;
  defaultQueue: string;
  /** Origins allowed to call the public intake from a browser (`*` for any). */
  widgetAllowedOrigins: readonly string[];
  /** Express `trust proxy` (TRUST_PROXY), so rate limits see the client's address. */
  trustProxy?: string | boolean | number;
  publicBaseUrl?: string;
  /** Largest accepted JSON body (default 16 kB). */
  bodyLimit?: string;
  /** Static files (the widget and its demo page). */
  staticDir?: string;
  /** More routers mounted under their path (agent desktop, supervisor console, ...). */
  routers?: Array<{ path: string; router: Router }>;
  isDraining?: () => boolean;
}

/** Builds the HTTP application without listening (the composition root listens; tests use supertest). */
export function createHttpApp(deps: HttpAppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.trustProxy ?? 'loopback');
  app.set('query parser', 'simple');
  // No ETag on JSON answers: they are personal and change while they are polled, so /api
  // answers say no-store, and hashing every body for a validator nobody sends back was a
  // cost of each request. Static files keep theirs (express.static makes its own).
  app.set('etag', false);
  const metrics = httpMetrics(deps.registry);

  app.use(requestLog(deps.logger, metrics));
  // Pages (the widget, the demo page, the consoles) get helmet's full set. JSON answers get the
  // headers that matter for an API (OWASP's REST list: no-store, a CSP that allows nothing and no
  // framing, HSTS, nosniff, X-Frame-Options); the others only mean something for documents, and
  // setting a dozen headers on every answer was a measurable share of the intake's CPU.
  const pageHeaders = helmet({
    // The widget script is loaded by other sites.
    crossOriginResourcePolicy: { policy: 'cross-origin' },
  });
  const apiHeaders = helmet({
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    crossOriginResourcePolicy: { policy: 'cross-origin' },
    crossOriginOpenerPolicy: false,
    originAgentCluster: false,
    referrerPolicy: false,
    xDnsPrefetchControl: false,
    xDownloadOptions: false,
    xPermittedCrossDomainPolicies: false,
    xXssProtection: false,
    xFrameOptions: { action: 'deny' },
  });
  app.use((req, res, next) => {
    if (!req.path.startsWith('/api/')) return pageHeaders(req, res, next);
    res.setHeader('Cache-Control', 'no-store');
    apiHeaders(req, res, next);
  });

  const json = express.json({ limit: deps.bodyLimit ?? '16kb', strict: true });
  app.use('/api/v1/help-requests', routeBase, publicCors(deps.widgetAllowedOrigins), json, helpRequestsRouter({ intake: deps.intake, metrics, supervisorApiKey: deps.supervisorApiKey, publicBaseUrl: deps.publicBaseUrl, isDraining: deps.isDraining }));
  app.use('/api/v1', routeBase, json, supervisorRouter({ intake: deps.intake, supervisorApiKey: deps.supervisorApiKey, defaultQueue: deps.defaultQueue }));
  app.use(healthRouter({ checks: deps.readiness, registry: deps.registry, checkTimeoutMs: deps.checkTimeoutMs, isDraining: deps.isDraining }));
  for (const { path, router } of deps.routers ?? []) app.use(path, routeBase, json, router);
  if (deps.staticDir) app.use(express.static(deps.staticDir, { index: 'index.html', maxAge: '5m', fallthrough: true }));

  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}
