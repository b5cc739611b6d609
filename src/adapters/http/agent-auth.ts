import type { Request, RequestHandler } from 'express';
import { verifyAgentToken } from '../../app/acd/agent-credentials';
import type { AgentRoster } from '../../app/acd/agent-roster';
import { UnauthorizedError, type AgentService } from '../../app/acd/agent-service';
import { DomainError, RateLimitedError } from '../../domain/errors';
import type { RateLimiter } from '../../ports/rate-limiter';
import type { AgentStreamTokens } from './agent-stream-token';

export interface AgentAuthOptions {
  agentService: Pick<AgentService, 'authenticate'>;
  roster: Pick<AgentRoster, 'has' | 'get' | 'list'>;
  streamTokens: AgentStreamTokens;
  /** Counts failed attempts per client address, shared by every process. */
  rateLimiter: RateLimiter;
  /** Failed attempts allowed per address and window; past it every attempt is refused until the window ends. */
  failures: { limit: number; windowSeconds: number };
  now?: () => number;
}

/** Where the authenticated agent's id is kept for the route (always equal to `:id`). */
export const AGENT_ID_LOCAL = 'agentId';

const BEARER = /^Bearer ([\x21-\x7e]{1,512})$/;
const MAX_BLOCKED = 10_000;

/**
 * Authenticates the agent named by `:id`: `Authorization: Bearer <agent token>`, or on the event
 * stream a short-lived `?token=` stream token. Another agent's valid credential is 403 (an agent
 * acts only on itself), anything else 401. Failed attempts are counted per client address in the
 * shared rate limiter; an address past the limit is refused (429) even with a valid token, so
 * guessing cannot go on. The refusal is remembered in this process until the window ends.
 */
export class AgentAuth {
  private readonly blockedUntil = new Map<string, number>();
  private readonly now: () => number;

  constructor(private readonly options: AgentAuthOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Middleware for routes with `:id`; `streamToken` also accepts `?token=` (the event stream and voice messages' audio only). */
  require(mode: { streamToken?: boolean } = {}): RequestHandler<{ id: string }> {
    return (req, res, next) => {
      this.check(req, mode.streamToken === true).then(
        (agentId) => {
          res.locals[AGENT_ID_LOCAL] = agentId;
          next();
        },
        (err: unknown) => next(err),
      );
    };
  }

  private async check(req: Request<{ id: string }>, acceptStreamToken: boolean): Promise<string> {
    const id = req.params.id;
    const client = req.ip ?? 'unknown';
    this.refuseIfBlocked(client);
    const header = req.headers.authorization;
    const bearer = typeof header === 'string' ? BEARER.exec(header)?.[1] : undefined;
    const query = acceptStreamToken && typeof req.query.token === 'string' ? req.query.token : undefined;
    if (bearer !== undefined) {
      if (this.ownsToken(id, bearer)) return id;
      if (this.roster.list().some((a) => a.definition.id !== id && verifyAgentToken(a.definition, bearer))) throw forbidden();
    } else if (query !== undefined && header === undefined) {
      if (this.validStreamToken(query, id)) return id;
      const claimed = claimedAgent(query);
      if (claimed !== null && claimed !== id && this.validStreamToken(query, claimed)) throw forbidden();
    }
    return this.failed(client);
  }

  private get roster() {
    return this.options.roster;
  }

  private ownsToken(id: string, token: string): boolean {
    try {
      this.options.agentService.authenticate(id, token);
      return true;
    } catch (err) {
      if (err instanceof UnauthorizedError) return false;
      throw err;
    }
  }

  private validStreamToken(token: string, agentId: string): boolean {
    if (!this.roster.has(agentId)) return false;
    const key = this.roster.get(agentId).definition.credentials.tokenSha256;
    return key !== undefined && this.options.streamTokens.verify(token, agentId, key);
  }

  private refuseIfBlocked(client: string): void {
    const until = this.blockedUntil.get(client);
    if (until === undefined) return;
    const left = until - this.now();
    if (left <= 0) {
      this.blockedUntil.delete(client);
      return;
    }
    throw tooMany(Math.ceil(left / 1000));
  }

  private async failed(client: string): Promise<never> {
    const { limit, windowSeconds } = this.options.failures;
    const decision = await this.options.rateLimiter.consume(`agent-auth:${client}`, limit, windowSeconds);
    if (decision.allowed) throw new UnauthorizedError();
    if (this.blockedUntil.size >= MAX_BLOCKED) this.prune();
    this.blockedUntil.set(client, this.now() + decision.retryAfterSeconds * 1000);
    throw tooMany(decision.retryAfterSeconds);
  }

  private prune(): void {
    const now = this.now();
    for (const [k, until] of this.blockedUntil) if (until <= now) this.blockedUntil.delete(k);
    // Still full (a flood of addresses): the shared counters keep counting, only the memory is dropped.
    if (this.blockedUntil.size >= MAX_BLOCKED) this.blockedUntil.clear();
  }
}

function forbidden(): DomainError {
  return new DomainError('forbidden', 'an agent may act only on their own account');
}

function tooMany(retryAfterSeconds: number): RateLimitedError {
  return new RateLimitedError('too many failed sign-in attempts, please try again later', retryAfterSeconds);
}

/** The agent id a stream token claims (unverified; only to tell 403 from 401). */
function claimedAgent(token: string): string | null {
  const payload = token.split('.')[0];
  if (!payload || payload.length > 400) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { a?: unknown };
    return typeof claims.a === 'string' && claims.a.length <= 64 ? claims.a : null;
  } catch {
    return null;
  }
}
