import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Router } from 'express';
import proxyaddr from 'proxy-addr';
import helmet from 'helmet';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { IntakeService } from '../../app/intake/intake-service';
import { setApiHeaders } from './api-headers';
import { healthRouter, type ReadinessCheck } from './health-router';
import { helpRequestSubmitter, helpRequestsRouter } from './help-requests-router';
import { errorHandler, notFoundHandler } from './http-errors';
import { httpMetrics } from './http-metrics';
import { intakeFastPath } from './intake-fast-path';
import { corsHeaders, publicCors } from './public-cors';
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
  /** Largest accepted JSON body in bytes (default 16 kB). */
  bodyLimitBytes?: number;
  /** Static files (the widget and its demo page). */
  staticDir?: string;
  /** More routers mounted under their path (agent desktop, supervisor console, ...). */
  routers?: Array<{ path: string; router: Router }>;
  isDraining?: () => boolean;
}

/** The controller's HTTP handler: give it to `http.createServer` (or to supertest). */
export type HttpApp = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Builds the HTTP application without listening (the composition root listens; tests use
 * supertest): Express, with the public intake's ordinary POST answered before it (see
 * intake-fast-path.ts).
 */
export function createHttpApp(deps: HttpAppDeps): HttpApp {
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
  // Pages (the widget, the demo page, the consoles) get helmet's full set; JSON answers the fixed
  // API list (see api-headers.ts).
  const pageHeaders = helmet({
    // The widget script is loaded by other sites.
    crossOriginResourcePolicy: { policy: 'cross-origin' },
  });
  app.use((req, res, next) => {
    if (!req.path.startsWith('/api/')) return pageHeaders(req, res, next);
    setApiHeaders(res);
    next();
  });

  const bodyLimitBytes = deps.bodyLimitBytes ?? 16 * 1024;
  const json = express.json({ limit: bodyLimitBytes, strict: true });
  const helpRequests = { intake: deps.intake, metrics, supervisorApiKey: deps.supervisorApiKey, publicBaseUrl: deps.publicBaseUrl, isDraining: deps.isDraining };
  app.use('/api/v1/help-requests', routeBase, publicCors(deps.widgetAllowedOrigins), json, helpRequestsRouter(helpRequests));
  app.use('/api/v1', routeBase, json, supervisorRouter({ intake: deps.intake, supervisorApiKey: deps.supervisorApiKey, defaultQueue: deps.defaultQueue }));
  app.use(healthRouter({ checks: deps.readiness, registry: deps.registry, checkTimeoutMs: deps.checkTimeoutMs, isDraining: deps.isDraining }));
  for (const { path, router } of deps.routers ?? []) app.use(path, routeBase, json, router);
  if (deps.staticDir) app.use(express.static(deps.staticDir, { index: 'index.html', maxAge: '5m', fallthrough: true }));

  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));

  const trust = app.get('trust proxy fn') as Parameters<typeof proxyaddr>[1];
  const fast = intakeFastPath({
    submit: helpRequestSubmitter(helpRequests),
    logger: deps.logger,
    metrics,
    cors: corsHeaders(deps.widgetAllowedOrigins),
    clientIp: (req) => proxyaddr(req, trust),
    bodyLimitBytes,
  });
  return (req, res) => {
    if (!fast(req, res)) app(req, res);
  };
}
