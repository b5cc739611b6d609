import { z } from 'zod';

/**
 * The only reader of process.env. Every variable is documented in .env.example and the
 * README's configuration table. `loadConfig` reports every problem at once.
 */
const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const csv = z.string().transform((s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x.length > 0),
);

export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('0.0.0.0'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_BASE_URL: z.url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TRUST_PROXY: z.string().default('loopback'),

  DATABASE_URL: z
    .string()
    .regex(/^mysql2?:\/\//, 'must be a mysql:// URL')
    .default('mysql://root@127.0.0.1:3306/contact_center'),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL').default('redis://127.0.0.1:6379'),
  QUEUE_PREFIX: z.string().regex(/^[a-z0-9_-]{1,32}$/i).default('cc'),

  ARI_URL: z.url().optional(),
  ARI_USER: z.string().min(1).default('controller'),
  ARI_PASSWORD: z.string().min(1).optional(),
  ARI_APP: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).default('contact-center'),
  ARI_REQUEST_TIMEOUT_MS: z.coerce.number().int().positive().default(5000),
  SIMULATOR_PORT: z.coerce.number().int().min(0).max(65535).default(8088),

  SUPERVISOR_API_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  AGENT_TOKEN_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),

  CONTACT_CENTER_CONFIG: z.string().optional(),
  DEFAULT_COUNTRY: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166 alpha-2 code').default('US'),
  ALLOWED_COUNTRIES: csv.pipe(z.array(z.string().regex(/^[A-Z]{2}$/))).default(['US', 'CA', 'GB', 'DE', 'FR', 'NL']),
  ALLOW_PREMIUM_NUMBERS: bool.default(false),
  ALLOW_NON_GEOGRAPHIC_NUMBERS: bool.default(false),
  SIP_ALLOWED_DOMAINS: csv.default(['example.com', 'sip.example.com']),

  RATE_LIMIT_PER_IP: z.coerce.number().int().positive().default(30),
  RATE_LIMIT_IP_WINDOW_SECONDS: z.coerce.number().int().positive().default(600),
  RATE_LIMIT_PER_NUMBER: z.coerce.number().int().positive().default(6),
  RATE_LIMIT_NUMBER_WINDOW_SECONDS: z.coerce.number().int().positive().default(86400),
  /** Status reads (GET of a help request) per IP per RATE_LIMIT_IP_WINDOW_SECONDS: the widget polls. */
  RATE_LIMIT_READS_PER_IP: z.coerce.number().int().positive().default(1200),
  /** Queue of web help requests that name none. */
  DEFAULT_QUEUE: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/).default('support'),
  /** Origins whose pages may call the public intake API from the browser (`*` for any). */
  WIDGET_ALLOWED_ORIGINS: csv.default(['*']),

  /** A site's CRM for screen pops: GET <url>?phone=&email= (unset: the customers table only). */
  CRM_LOOKUP_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
  CRM_LOOKUP_TOKEN: z.string().min(1).optional(),
  CRM_LOOKUP_TIMEOUT_MS: z.coerce.number().int().min(50).max(30000).default(1500),

  SMTP_URL: z.string().optional(),
  MAIL_FROM: z.string().default('Contact Center <no-reply@localhost>'),

  SHUTDOWN_GRACE_MS: z.coerce.number().int().positive().default(10000),
  /** Days a voice message's recording is kept once its request is closed; then it is deleted from Asterisk. */
  VOICE_MESSAGE_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
});

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** Parses an environment map; throws ConfigError listing every problem. Empty strings count as unset. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined && v !== '') cleaned[k] = v;
  const parsed = configSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`));
  }
  const cfg = parsed.data;
  const problems: string[] = [];
  if (cfg.ARI_URL && !cfg.ARI_PASSWORD) problems.push('ARI_PASSWORD: required when ARI_URL is set');
  if (cfg.NODE_ENV === 'production' && !cfg.SUPERVISOR_API_KEY) problems.push('SUPERVISOR_API_KEY: required in production');
  if (problems.length) throw new ConfigError(problems);
  return cfg;
}
