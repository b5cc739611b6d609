import { z } from 'zod';
import { callbackSettingsSchema } from './dialling-settings';
import { MAX_PRIORITY, MIN_PRIORITY } from './help-request';

/**
 * The center configuration: service queues, agents, DIDs and IVR menus. Loaded from YAML (or
 * JSON) by the config-file adapter and validated here, every problem listed with its path.
 */

export const ROUTING_STRATEGIES = ['longest-idle', 'round-robin', 'fewest-calls'] as const;
export type RoutingStrategy = (typeof ROUTING_STRATEGIES)[number];

const id = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be lower-case letters, digits, _ or - (max 64)');
/** One playable media URI, as ARI takes it. */
export const mediaUri = z.string().regex(/^(sound|tone|digits|number|recording):[A-Za-z0-9_./,;=+-]+$/, 'must be a sound:, tone:, digits:, number: or recording: URI');
const prompt = z.union([mediaUri.transform((m) => [m]), z.array(mediaUri).min(1).max(20)]);
const digit = z.string().regex(/^[0-9*#]$/, 'must be one key: 0-9, * or #');
const seconds = (min: number, max: number, dflt: number) => z.number().int().min(min).max(max).default(dflt);

export const queueSchema = z.object({
  id,
  name: z.string().min(1).max(200),
  strategy: z.enum(ROUTING_STRATEGIES).default('longest-idle'),
  /** Priority band of this queue's callers (1 is served first). */
  priority: z.number().int().min(MIN_PRIORITY).max(MAX_PRIORITY).default(5),
  handleSeconds: seconds(10, 7200, 300),
  /** After this long on hold the caller is offered a callback instead (0: never offered automatically). */
  maxWaitSeconds: seconds(0, 86400, 600),
  announceEverySeconds: seconds(15, 3600, 90),
  ringTimeoutSeconds: seconds(5, 120, 15),
  /** Agent not offered again for this long after a missed ring (Asterisk's `retry`). */
  ringRetrySeconds: seconds(0, 300, 5),
  wrapUpSeconds: seconds(0, 3600, 15),
  missesBeforePause: z.number().int().min(1).max(20).default(3),
  callbackMode: z.enum(['agent-first', 'customer-first', 'ivr']).default('agent-first'),
  /** How callbacks of this queue are dialled: templates, caller ID, calling window, retries, menus. */
  callback: callbackSettingsSchema.prefault({}),
  /** Key a holding caller presses to be called back instead. */
  callbackDigit: digit.default('1'),
  mohClass: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).default('default'),
  /** Longest voice message, in seconds. */
  voicemailMaxSeconds: seconds(5, 600, 120),
});
export type ServiceQueue = z.infer<typeof queueSchema>;

const credentials = z
  .object({
    /** Hex SHA-256 of the agent's API token (the token itself never goes into the file). */
    tokenSha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits').optional(),
    /** `scrypt:<salt hex>:<key hex>` of the PIN keyed on the phone for feature codes. */
    pinHash: z.string().regex(/^scrypt:[0-9a-f]{16,64}:[0-9a-f]{64}$/, 'must be scrypt:<salt hex>:<64 hex digits>').optional(),
  })
  .refine((c) => c.tokenSha256 !== undefined || c.pinHash !== undefined, 'needs tokenSha256 or pinHash');

export const agentSchema = z.object({
  id,
  name: z.string().min(1).max(200),
  /** Asterisk endpoint of the agent's phone. */
  endpoint: z.string().regex(/^(PJSIP|SIP|IAX2|Local)\/[A-Za-z0-9_.@+:-]{1,200}$/, 'must be an Asterisk endpoint like PJSIP/agent-1001'),
  /** Queue id -> skill level (1 = primary skill; higher levels are offered the queue's contacts later). */
  queues: z.record(id, z.number().int().min(1).max(9)).refine((q) => Object.keys(q).length > 0, 'at least one queue'),
  credentials,
});
export type AgentDefinition = z.infer<typeof agentSchema>;

export const ivrActionSchema = z.discriminatedUnion('action', [
  z.object({ action: z.literal('queue'), queue: id, priority: z.number().int().min(MIN_PRIORITY).max(MAX_PRIORITY).optional() }),
  z.object({ action: z.literal('callback'), queue: id }),
  z.object({ action: z.literal('voicemail'), queue: id }),
  z.object({ action: z.literal('menu'), menu: id }),
  z.object({ action: z.literal('repeat') }),
  z.object({ action: z.literal('operator') }),
  z.object({ action: z.literal('hangup'), prompt: prompt.optional() }),
]);
export type IvrAction = z.infer<typeof ivrActionSchema>;

export const menuSchema = z.object({
  prompt,
  options: z.record(digit, ivrActionSchema).refine((o) => Object.keys(o).length > 0, 'at least one option'),
  /** Seconds to wait for a key after the prompt. */
  timeoutSeconds: seconds(1, 60, 5),
  /** Extra tries after an invalid or missing key. */
  maxRetries: z.number().int().min(0).max(10).default(2),
  invalidPrompt: prompt.default(['sound:option-is-invalid']),
  timeoutPrompt: prompt.default(['sound:please-try-again']),
  /** What happens when the tries are used up (a default action, never a dead end). */
  onExhausted: ivrActionSchema.default({ action: 'operator' }),
});
export type IvrMenu = z.infer<typeof menuSchema>;

export const centerConfigSchema = z.object({
  queues: z.array(queueSchema).min(1),
  agents: z.array(agentSchema).default([]),
  /** DID (digits as dialled) -> menu id. */
  dids: z.record(z.string().regex(/^\+?[0-9]{1,20}$/, 'DIDs are digits'), id).default({}),
  /** Menu for a DID not listed. */
  defaultMenu: id,
  menus: z.record(id, menuSchema),
  /** Where the `operator` action sends the caller. */
  operator: z.object({ queue: id, priority: z.number().int().min(MIN_PRIORITY).max(MAX_PRIORITY).default(2) }),
  prompts: z
    .object({
      welcome: prompt.optional(),
      /** Position/wait announcement pieces. */
      position: prompt.default(['sound:queue-youarenext']),
      callsAhead: prompt.default(['sound:queue-thereare']),
      callsWaiting: prompt.default(['sound:queue-callswaiting']),
      holdTime: prompt.default(['sound:queue-holdtime']),
      minutes: prompt.default(['sound:queue-minutes']),
      offerCallback: prompt.default(['sound:press-1-to-be-called-back']),
      confirmNumber: prompt.default(['sound:to-be-called-back-at']),
      confirmOrEnter: prompt.default(['sound:press-1-to-confirm-2-to-enter-another']),
      enterNumber: prompt.default(['sound:please-enter-your-number-followed-by-pound']),
      invalidNumber: prompt.default(['sound:that-number-cannot-be-called']),
      callbackBooked: prompt.default(['sound:we-will-call-you-back', 'sound:goodbye']),
      leaveMessage: prompt.default(['sound:please-leave-a-message-after-the-tone']),
      messageSaved: prompt.default(['sound:message-saved', 'sound:goodbye']),
      goodbye: prompt.default(['sound:goodbye']),
      enterPin: prompt.default(['sound:agent-pass']),
      featureDone: prompt.default(['sound:auth-thankyou']),
      featureFailed: prompt.default(['sound:auth-incorrect']),
    })
    .prefault({}),
});
export type CenterConfig = z.infer<typeof centerConfigSchema>;

export class CenterConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`invalid center configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'CenterConfigError';
  }
}

function pathOf(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('') || '(root)';
}

/** Validates a parsed document; throws CenterConfigError listing every problem with its path. */
export function parseCenterConfig(doc: unknown): CenterConfig {
  const parsed = centerConfigSchema.safeParse(doc);
  if (!parsed.success) throw new CenterConfigError(parsed.error.issues.map((i) => `${pathOf(i.path)}: ${i.message}`));
  const cfg = parsed.data;
  const problems = crossCheck(cfg);
  if (problems.length) throw new CenterConfigError(problems);
  return cfg;
}

/** References between sections: every queue, menu and agent id named must exist, ids unique, no menu cycle without a key. */
function crossCheck(cfg: CenterConfig): string[] {
  const problems: string[] = [];
  const queues = new Set<string>();
  cfg.queues.forEach((q, i) => {
    if (queues.has(q.id)) problems.push(`queues[${i}].id: duplicate queue id '${q.id}'`);
    queues.add(q.id);
  });
  // Queues whose callbacks an IVR serves without agents: nobody may wait there for an agent.
  const automated = new Set(cfg.queues.filter((q) => q.callbackMode === 'ivr').map((q) => q.id));
  const agents = new Set<string>();
  const endpoints = new Set<string>();
  cfg.agents.forEach((a, i) => {
    if (agents.has(a.id)) problems.push(`agents[${i}].id: duplicate agent id '${a.id}'`);
    if (endpoints.has(a.endpoint)) problems.push(`agents[${i}].endpoint: endpoint '${a.endpoint}' is used by another agent`);
    agents.add(a.id);
    endpoints.add(a.endpoint);
    for (const q of Object.keys(a.queues)) {
      if (!queues.has(q)) problems.push(`agents[${i}].queues.${q}: unknown queue '${q}'`);
      else if (automated.has(q)) problems.push(`agents[${i}].queues.${q}: queue '${q}' is served by the automated IVR callback (callbackMode ivr); agents cannot be members`);
    }
  });
  const menus = new Set(Object.keys(cfg.menus));
  const checkAction = (a: IvrAction, at: string) => {
    if ((a.action === 'queue' || a.action === 'callback' || a.action === 'voicemail') && !queues.has(a.queue)) problems.push(`${at}.queue: unknown queue '${a.queue}'`);
    if (a.action === 'menu' && !menus.has(a.menu)) problems.push(`${at}.menu: unknown menu '${a.menu}'`);
    if (a.action === 'queue' && automated.has(a.queue)) problems.push(`${at}.queue: queue '${a.queue}' has no agents (callbackMode ivr); callers cannot hold there`);
  };
  for (const [mid, m] of Object.entries(cfg.menus)) {
    for (const [key, a] of Object.entries(m.options)) checkAction(a, `menus.${mid}.options.${key}`);
    checkAction(m.onExhausted, `menus.${mid}.onExhausted`);
    if (m.onExhausted.action === 'repeat') problems.push(`menus.${mid}.onExhausted.action: 'repeat' would never end; choose queue, operator, voicemail, menu or hangup`);
    if (m.onExhausted.action === 'menu' && m.onExhausted.menu === mid) problems.push(`menus.${mid}.onExhausted.menu: a menu cannot fall back to itself`);
  }
  if (!menus.has(cfg.defaultMenu)) problems.push(`defaultMenu: unknown menu '${cfg.defaultMenu}'`);
  for (const [did, mid] of Object.entries(cfg.dids)) if (!menus.has(mid)) problems.push(`dids.${did}: unknown menu '${mid}'`);
  if (!queues.has(cfg.operator.queue)) problems.push(`operator.queue: unknown queue '${cfg.operator.queue}'`);
  else if (automated.has(cfg.operator.queue)) problems.push(`operator.queue: queue '${cfg.operator.queue}' has no agents (callbackMode ivr)`);
  return problems;
}

/** The menu for a dialled DID (with or without a leading +), else the default menu. */
export function menuIdForDid(cfg: CenterConfig, did: string): string {
  return cfg.dids[did] ?? cfg.dids[did.replace(/^\+/, '')] ?? cfg.dids[`+${did}`] ?? cfg.defaultMenu;
}
