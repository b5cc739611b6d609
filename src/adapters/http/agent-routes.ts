import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { AgentEventBus } from '../../app/acd/agent-events';
import type { AgentRoster } from '../../app/acd/agent-roster';
import type { AgentService } from '../../app/acd/agent-service';
import type { VoiceMessageAudio } from '../../app/acd/voice-message-audio';
import type { RateLimiter } from '../../ports/rate-limiter';
import { AgentAuth } from './agent-auth';
import { AgentEventStreams } from './agent-event-streams';
import { AgentStreamTokens } from './agent-stream-token';
import { hasControlCharacter } from './help-request-schemas';
import { validate } from './validate';
import { withVoiceMessageLinks } from './voice-message-links';

export interface AgentRouterDeps {
  /** The ACD's agent API (`acd.agentService`), its notice bus (`acd.bus`) and roster (`acd.roster`). */
  acd: { agentService: AgentService; bus: Pick<AgentEventBus, 'subscribe'>; roster: Pick<AgentRoster, 'has' | 'get' | 'list'> };
  /** Shared counters (RedisRateLimiter) for failed sign-ins per client address. */
  rateLimiter: RateLimiter;
  /** AGENT_TOKEN_SECRET: signs stream tokens. Required when several processes serve agents. */
  streamTokenSecret?: string;
  /** Failed sign-ins per address and window (default 20 per 10 minutes). */
  authFailures?: { limit: number; windowSeconds: number };
  streamTokenTtlSeconds?: number;
  heartbeatMs?: number;
  retryMs?: number;
  maxStreamsPerAgent?: number;
  /** Aborted at shutdown: every event stream is ended so the server can close. */
  shutdown?: AbortSignal;
  publicBaseUrl?: string;
  /** Voice messages' audio; with it, offers of voice messages carry a `recordingUrl` and the route below serves it. */
  voiceMessages?: Pick<VoiceMessageAudio, 'open'>;
}

const pauseBody = z.strictObject(
  { reason: z.string({ error: 'must be a string' }).trim().min(1, 'is required').max(100, 'must be at most 100 characters').refine((s) => !hasControlCharacter(s), 'must not contain control characters') },
  { error: (issue) => (issue.code === 'invalid_type' ? 'must be a JSON object' : undefined) },
);

const dispositionBody = z.strictObject(
  {
    disposition: z.string({ error: 'must be a string' }).regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be a short code: a-z, 0-9, _ or - (max 64)'),
    notes: z
      .string({ error: 'must be a string' })
      .max(4000, 'must be at most 4000 characters')
      .refine((s) => !hasControlCharacter(s, true), 'must not contain control characters')
      .transform((s) => s.trim() || null)
      .nullish(),
  },
  { error: (issue) => (issue.code === 'invalid_type' ? 'must be a JSON object' : undefined) },
);

const contactId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be the contact id of a screen pop');

/**
 * The agent desktop's API (mount at /api/v1/agents). Every route acts on `:id` and needs that
 * agent's credential: `Authorization: Bearer <agent token>`; the event stream also takes a
 * short-lived `?token=` from POST /:id/stream-token, because a browser's EventSource cannot send
 * headers. Routes: POST /:id/login, /:id/logout, /:id/pause {reason}, /:id/resume,
 * /:id/stream-token, /:id/calls/:callId/disposition {disposition, notes}; GET /:id, /:id/events,
 * /:id/recordings/:requestId (a voice message's audio; also with `?token=`, for an <audio> element).
 * A change the state machine forbids is 409 with field `state`.
 */
export function agentRouter(deps: AgentRouterDeps): Router {
  const { agentService } = deps.acd;
  const tokenTtl = deps.streamTokenTtlSeconds ?? 120;
  const tokens = new AgentStreamTokens(deps.streamTokenSecret, tokenTtl);
  const auth = new AgentAuth({
    agentService,
    roster: deps.acd.roster,
    streamTokens: tokens,
    rateLimiter: deps.rateLimiter,
    failures: deps.authFailures ?? { limit: 20, windowSeconds: 600 },
  });
  const streams = new AgentEventStreams({
    bus: deps.voiceMessages ? withVoiceMessageLinks(deps.acd.bus) : deps.acd.bus,
    heartbeatMs: deps.heartbeatMs ?? 15_000,
    retryMs: deps.retryMs ?? 3_000,
    maxStreamsPerAgent: deps.maxStreamsPerAgent ?? 4,
  });
  deps.shutdown?.addEventListener('abort', () => streams.closeAll(), { once: true });

  const router = Router();
  const agent = auth.require();
  const self = (res: Response): string => res.locals.agentId as string;
  const answer = (res: Response, body: unknown) => res.setHeader('Cache-Control', 'no-store').json(body);

  router.get('/:id', agent, (_req, res) => {
    answer(res, agentService.view(self(res)));
  });
  router.post('/:id/login', agent, async (_req, res) => {
    answer(res, await agentService.login(self(res)));
  });
  router.post('/:id/logout', agent, async (_req, res) => {
    answer(res, await agentService.logout(self(res)));
  });
  router.post('/:id/pause', agent, async (req: Request<{ id: string }>, res) => {
    const { reason } = validate(pauseBody, req.body);
    answer(res, await agentService.pause(self(res), reason));
  });
  router.post('/:id/resume', agent, async (_req, res) => {
    answer(res, await agentService.resume(self(res)));
  });

  router.post('/:id/stream-token', agent, (_req, res) => {
    const id = self(res);
    const key = deps.acd.roster.get(id).definition.credentials.tokenSha256!;
    const { token, expiresAt } = tokens.issue(id, key);
    const base = deps.publicBaseUrl?.replace(/\/$/, '') ?? '';
    res.status(201);
    answer(res, { token, expiresAt: expiresAt.toISOString(), eventsUrl: `${base}/api/v1/agents/${encodeURIComponent(id)}/events?token=${token}` });
  });

  router.get('/:id/events', auth.require({ streamToken: true }), (req: Request<{ id: string }>, res) => {
    const id = self(res);
    streams.open(id, agentService.view(id), req, res);
  });

  router.post('/:id/calls/:callId/disposition', agent, async (req: Request<{ id: string; callId: string }>, res) => {
    const requestId = validate(contactId, req.params.callId, 'callId');
    const body = validate(dispositionBody, req.body);
    await agentService.dispose(self(res), { requestId, disposition: body.disposition, notes: body.notes ?? null });
    res.status(201);
    answer(res, { requestId, disposition: body.disposition, notes: body.notes ?? null });
  });

  const voiceMessages = deps.voiceMessages;
  if (voiceMessages) {
    router.get('/:id/recordings/:requestId', auth.require({ streamToken: true }), async (req: Request<{ id: string; requestId: string }>, res) => {
      const requestId = validate(contactId, req.params.requestId, 'requestId');
      const file = await voiceMessages.open(self(res), requestId);
      res.status(200).set({
        'Content-Type': file.contentType,
        'Content-Length': String(file.data.length),
        'Content-Disposition': 'inline',
        'Cache-Control': 'private, no-store',
        'X-Content-Type-Options': 'nosniff',
      });
      res.end(file.data);
    });
  }

  return router;
}
