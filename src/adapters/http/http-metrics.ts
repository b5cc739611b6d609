import { Counter, Histogram, type Registry } from 'prom-client';

/** The HTTP layer's metrics, registered once per registry. */
export interface HttpMetrics {
  /** Help requests by result (accepted, duplicate, refused) and code (created, forbidden_destination, ...). */
  helpRequests: Counter<'result' | 'code'>;
  requestDuration: Histogram<'method' | 'route' | 'status'>;
}

export function httpMetrics(registry: Registry): HttpMetrics {
  const existing = registry.getSingleMetric('cc_help_requests_total');
  if (existing) {
    return {
      helpRequests: existing as Counter<'result' | 'code'>,
      requestDuration: registry.getSingleMetric('cc_http_request_duration_seconds') as Histogram<'method' | 'route' | 'status'>,
    };
  }
  return {
    helpRequests: new Counter({
      name: 'cc_help_requests_total',
      help: 'Help requests submitted over HTTP, by result and code',
      labelNames: ['result', 'code'],
      registers: [registry],
    }),
    requestDuration: new Histogram({
      name: 'cc_http_request_duration_seconds',
      help: 'HTTP request duration by method, route and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
  };
}
