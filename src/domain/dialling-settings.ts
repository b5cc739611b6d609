import { z } from 'zod';
import { DEFAULT_CALLBACK_MENU } from './callback-menu';
import { DEFAULT_CALLING_WINDOW, isValidTimeZone, validateWindow } from './calling-hours';
import { validateTemplate } from './dial-string';
import { ValidationError } from './errors';
import { DEFAULT_RETRY_RULES } from './retry-policy';

/**
 * How one service queue calls its customers back: the dial-string templates, the caller ID
 * shown, the calling window, the retry policy per outcome and the menus. Part of the center
 * configuration (the `callback` block of a queue, beside its `callbackMode`); every field has a
 * default.
 */

export const CALLBACK_MODES = ['agent-first', 'customer-first', 'ivr'] as const;
export type CallbackMode = (typeof CALLBACK_MODES)[number];

const media = z.array(z.string().regex(/^(sound|tone|digits|number|recording):[A-Za-z0-9_./,;=+-]+$/, 'must be a sound:, tone:, digits:, number: or recording: URI')).max(20);
const rule = z.object({ delaySeconds: z.number().int().min(0).max(30 * 86400), maxAttempts: z.number().int().min(1).max(20) });
const template = (placeholders: string[]) =>
  z.string().superRefine((v, ctx) => {
    try {
      validateTemplate(v, placeholders, 'template');
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
    }
  });

export const callbackSettingsSchema = z
  .object({
    trunk: template(['number', 'digits']).default('PJSIP/{number}@trunk'),
    voip: template(['sipUri', 'user', 'host']).default('PJSIP/{sipUri}'),
    /** Shown to the customer: `+E164` or `Name <+E164>`. */
    callerId: z
      .string()
      .regex(/^([A-Za-z0-9 .'&-]{1,40} )?<?\+[1-9][0-9]{6,14}>?$/, 'must be +E164 or Name <+E164>')
      .optional(),
    ringTimeoutSeconds: z.number().int().min(5).max(120).default(30),
    agentRingTimeoutSeconds: z.number().int().min(5).max(120).default(15),
    /** The center's zone, for SIP addresses and numbers of countries not in the table. */
    timeZone: z.string().refine(isValidTimeZone, 'must be an IANA time zone').default('UTC'),
    callingWindow: z
      .object({ start: z.string(), end: z.string(), days: z.array(z.number().int()) })
      .default(DEFAULT_CALLING_WINDOW)
      .superRefine((w, ctx) => {
        try {
          validateWindow(w);
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: (err as Error).message, path: [((err as ValidationError).field ?? '').split('.').pop() ?? ''] });
        }
      }),
    retry: z
      .object({ busy: rule, no_answer: rule, failed: rule, unconfirmed: rule, rescheduled: rule })
      .partial()
      .default({})
      .transform((r) => ({ ...DEFAULT_RETRY_RULES, ...r })),
    /** Callback confirmation menu (customer-first mode and "ring me now"). */
    menu: z
      .object({
        greeting: media,
        options: media,
        invalid: media,
        goodbye: z.object({ later: media, cancel: media, 'no-input': media }).partial(),
        connecting: media,
        digits: z.record(z.string().regex(/^[0-9*#]$/), z.enum(['connect', 'later', 'cancel'])),
        inputTimeoutSeconds: z.number().int().min(1).max(60),
        tries: z.number().int().min(1).max(5),
      })
      .partial()
      .default({})
      .transform((m) => ({ ...DEFAULT_CALLBACK_MENU, ...m })),
    /** Automated IVR callback: what is played, and the digits that confirm it was heard. */
    ivr: z
      .object({
        prompts: media.min(1),
        /** Asked after the prompts; pressing confirmDigit completes the callback, anything else or nothing retries it. */
        confirm: media,
        confirmDigit: z.string().regex(/^[0-9*#]$/),
        inputTimeoutSeconds: z.number().int().min(1).max(60),
      })
      .partial()
      .default({})
      .transform((i) => ({ prompts: ['sound:cc-callback-answer'], confirm: ['sound:cc-callback-press-1-heard'], confirmDigit: '1', inputTimeoutSeconds: 6, ...i })),
  })
  .strict();

export type CallbackSettingsInput = z.input<typeof callbackSettingsSchema>;
export type CallbackSettings = z.output<typeof callbackSettingsSchema>;

/** Parses a queue's `callback` block; errors name the field (`callback.retry.busy.delaySeconds`). */
export function parseCallbackSettings(input: unknown, field = 'callback'): CallbackSettings {
  const parsed = callbackSettingsSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ValidationError([field, ...issue.path.map(String)].join('.'), issue.message);
  }
  return parsed.data;
}
