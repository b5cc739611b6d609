import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Short-lived tokens for an agent's event stream. A browser's EventSource cannot send an
 * Authorization header, so the desktop trades its bearer token (POST, header) for one of these
 * and passes it as `?token=`. The long-lived token never appears in a URL.
 *
 * Format: `<payload>.<mac>`, both base64url; payload `{"a": agentId, "e": expiry (unix s), "n": nonce}`.
 * The MAC key is derived from the server secret and the agent's configured token hash, so a
 * rotated agent token also invalidates the stream tokens issued with the old one.
 */
export class AgentStreamTokens {
  private readonly secret: Buffer;

  constructor(
    /** AGENT_TOKEN_SECRET; without it a random secret of this process (tokens then work only here). */
    secret: string | undefined,
    private readonly ttlSeconds: number,
    private readonly now: () => number = Date.now,
  ) {
    this.secret = secret ? Buffer.from(secret, 'utf8') : randomBytes(32);
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < 1) throw new Error('the stream token lifetime must be a positive number of seconds');
  }

  issue(agentId: string, agentKey: string): { token: string; expiresAt: Date } {
    const expires = Math.floor(this.now() / 1000) + this.ttlSeconds;
    const payload = Buffer.from(JSON.stringify({ a: agentId, e: expires, n: randomBytes(9).toString('base64url') }), 'utf8').toString('base64url');
    return { token: `${payload}.${this.mac(agentKey, payload)}`, expiresAt: new Date(expires * 1000) };
  }

  /** Whether `token` is a live stream token of `agentId` (whose configured token hash is `agentKey`). */
  verify(token: string, agentId: string, agentKey: string): boolean {
    const match = /^([A-Za-z0-9_-]{1,400})\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (!match) return false;
    const [, payload, mac] = match as unknown as [string, string, string];
    const expected = Buffer.from(this.mac(agentKey, payload), 'base64url');
    const given = Buffer.from(mac, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
    let claims: unknown;
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return false;
    }
    const { a, e } = (claims ?? {}) as { a?: unknown; e?: unknown };
    return a === agentId && typeof e === 'number' && e * 1000 > this.now();
  }

  private mac(agentKey: string, payload: string): string {
    const key = createHmac('sha256', this.secret).update(`agent-stream:${agentKey}`).digest();
    return createHmac('sha256', key).update(payload).digest('base64url');
  }
}
