import type { ServerResponse } from 'node:http';

/**
 * The headers of every JSON answer, after OWASP's REST security list: not stored by any cache,
 * a CSP that allows nothing and no framing, HSTS, no MIME sniffing, and readable cross-origin
 * (the widget calls from the sites that embed it). They do not depend on the request, so they are
 * a fixed list; the pages (widget, demo, consoles) get helmet's full set instead.
 */
export const API_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ['Cache-Control', 'no-store'],
  ['Content-Security-Policy', "default-src 'none';frame-ancestors 'none'"],
  ['Cross-Origin-Resource-Policy', 'cross-origin'],
  ['Strict-Transport-Security', 'max-age=31536000; includeSubDomains'],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-Frame-Options', 'DENY'],
];

export function setApiHeaders(res: ServerResponse): void {
  for (const [name, value] of API_HEADERS) res.setHeader(name, value);
}
