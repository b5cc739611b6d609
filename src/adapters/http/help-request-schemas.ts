import { z } from 'zod';
import { MAX_PRIORITY, MIN_PRIORITY } from '../../domain/help-request';

/** Whether `s` holds a control character; `multiline` allows line breaks and tabs. */
export function hasControlCharacter(s: string, multiline = false): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (multiline && (c === 0x09 || c === 0x0a || c === 0x0d)) continue;
    if (c < 0x20 || c === 0x7f || (c >= 0x80 && c < 0xa0) || c === 0x2028 || c === 0x2029) return true;
  }
  return false;
}

function text(max: number, multiline = false) {
  return z
    .string({ error: 'must be a string' })
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !hasControlCharacter(s, multiline), 'must not contain control characters')
    .transform((s) => s.trim());
}

const isoTime = z
  .string({ error: 'must be an ISO 8601 date-time string' })
  .max(40, 'must be an ISO 8601 date-time string')
  .pipe(z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time with a time zone, e.g. 2030-01-31T14:00:00Z' }))
  .transform((s) => new Date(s));

const pageUrl = z
  .string({ error: 'must be a string' })
  .max(2048, 'must be at most 2048 characters')
  .refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === 'http:' || u.protocol === 'https:') && u.username === '' && u.password === '' && !/\s/.test(s) && !hasControlCharacter(s);
    } catch {
      return false;
    }
  }, 'must be an http(s) URL without credentials');

export const queueId = z.string({ error: 'must be a string' }).regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be a queue id (lower-case letters, digits, _ or -)');

/** POST /api/v1/help-requests */
export const submitBody = z.strictObject(
  {
    channel: z.enum(['pstn', 'voip'], { error: 'must be "pstn" or "voip"' }),
    phone: z.string({ error: 'must be a string' }).max(32, 'must be at most 32 characters').optional(),
    sipUri: z.string({ error: 'must be a string' }).max(255, 'must be at most 255 characters').optional(),
    name: text(200).optional(),
    email: z.email({ error: 'must be an e-mail address' }).max(254, 'must be at most 254 characters').optional(),
    pageUrl: pageUrl.optional(),
    queue: queueId.optional(),
    preferredTime: isoTime.optional(),
    message: text(2000, true).optional(),
  },
  { error: (issue) => (issue.code === 'invalid_type' ? 'must be a JSON object' : undefined) },
);

/** PATCH /api/v1/help-requests/:id (supervisors) */
export const amendBody = z
  .strictObject({
    priority: z
      .number({ error: 'must be a number' })
      .int('must be an integer')
      .min(MIN_PRIORITY, `must be from ${MIN_PRIORITY} to ${MAX_PRIORITY}`)
      .max(MAX_PRIORITY, `must be from ${MIN_PRIORITY} to ${MAX_PRIORITY}`)
      .optional(),
    preferredTime: z.union([isoTime, z.null()], { error: 'must be an ISO 8601 date-time or null' }).optional(),
    status: z.literal('cancelled', { error: 'can only be set to "cancelled"' }).optional(),
  })
  .refine((b) => b.priority !== undefined || b.preferredTime !== undefined || b.status !== undefined, {
    message: 'give priority, preferredTime or status',
    path: ['priority'],
  });

/** GET /api/v1/combined-list */
export const combinedListQuery = z.strictObject({ queue: queueId.optional() });

/** Idempotency-Key header: a client-chosen token. */
export const idempotencyKey = z.string().regex(/^[A-Za-z0-9_.:-]{8,128}$/, 'must be 8-128 letters, digits, _ . : or -');
