/**
 * A strict reading of the SIP URIs a visitor may give as their VoIP address:
 * `sip:user@host[:port]` or `sips:...`, nothing else. URI parameters (`;transport=`, `;maddr=`)
 * and headers (`?Subject=`) are refused outright: `maddr` redirects the call to another host and
 * headers inject SIP headers into the INVITE.
 */
export const MAX_SIP_URI_LENGTH = 255;

export interface SipUri {
  scheme: 'sip' | 'sips';
  user: string;
  host: string;
  port: number | null;
  /** Canonical form: lower-case scheme and host, user kept as given. */
  uri: string;
}

export type SipUriProblem = 'too_long' | 'scheme' | 'params' | 'user' | 'host' | 'port' | 'syntax';

// RFC 3261 user: unreserved / escaped / user-unreserved, minus ';' '?' which start params/headers.
const USER = /^(?:[A-Za-z0-9\-_.!~*'()&=+$,/]|%[0-9A-Fa-f]{2}){1,64}$/;
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const IPV4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** Parses a SIP URI; returns the problem instead of throwing so callers choose the error. */
export function parseSipUri(input: string): { ok: true; value: SipUri } | { ok: false; problem: SipUriProblem } {
  if (input.length > MAX_SIP_URI_LENGTH) return { ok: false, problem: 'too_long' };
  const m = /^(sips?):(.*)$/i.exec(input);
  if (!m || m[1] === undefined || m[2] === undefined) return { ok: false, problem: 'scheme' };
  const scheme = m[1].toLowerCase() as 'sip' | 'sips';
  const rest = m[2];
  if (/[;?]/.test(rest)) return { ok: false, problem: 'params' };
  if (/[\s<>"\\]/.test(rest) || hasControlCharacter(rest)) return { ok: false, problem: 'syntax' };
  const at = rest.indexOf('@');
  if (at <= 0 || rest.indexOf('@', at + 1) !== -1) return { ok: false, problem: 'user' };
  const user = rest.slice(0, at);
  if (!USER.test(user)) return { ok: false, problem: 'user' };
  const hostPort = rest.slice(at + 1);
  const hp = /^([^:]+)(?::(\d{1,5}))?$/.exec(hostPort);
  if (!hp || hp[1] === undefined) return { ok: false, problem: 'host' };
  const host = hp[1].toLowerCase().replace(/\.$/, '');
  const isIp = IPV4.test(host);
  if (!isIp) {
    const labels = host.split('.');
    if (host.length > 253 || labels.length < 2 || !labels.every((l) => LABEL.test(l)) || /^\d+$/.test(labels[labels.length - 1] ?? '')) {
      return { ok: false, problem: 'host' };
    }
  }
  let port: number | null = null;
  if (hp[2] !== undefined) {
    port = Number(hp[2]);
    if (port < 1 || port > 65535) return { ok: false, problem: 'port' };
  }
  return { ok: true, value: { scheme, user, host, port, uri: `${scheme}:${user}@${host}${port === null ? '' : `:${port}`}` } };
}

/**
 * Whether `host` is allowed by a domain list. Entries are exact host names, or `*.example.com`
 * for any subdomain (not the apex itself).
 */
export function isHostAllowed(host: string, allowed: readonly string[]): boolean {
  const h = host.toLowerCase();
  return allowed.some((entry) => {
    const e = entry.trim().toLowerCase();
    if (e.startsWith('*.')) return h.endsWith(e.slice(1)) && h.length > e.length - 1;
    return h === e;
  });
}

function hasControlCharacter(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}
