/**
 * How long media plays, so IVR timing behaves like a real Asterisk: `sound:` from a table
 * (measured on Asterisk's English core sounds), `digits:` about 0.84 s per digit, `number:`
 * about 0.86 s per spoken word ("forty" "two").
 */

const DIGIT_MS = 843;
const NUMBER_WORD_MS = 860;
/** A sound not in the table plays this long (custom prompts). */
export const DEFAULT_SOUND_MS = 1500;

export const DEFAULT_SOUNDS: Record<string, number> = {
  'hello-world': 1420,
  beep: 442,
  'demo-congrats': 30000,
  'demo-thanks': 2800,
  'vm-intro': 3900,
  'vm-goodbye': 900,
  'vm-review': 7300,
  goodbye: 900,
  silence: 1000,
  'silence/1': 1000,
  'pls-hold-while-try': 2300,
  'queue-thankyou': 1700,
  'queue-youarenext': 1500,
  'queue-thereare': 1100,
  'queue-callswaiting': 1300,
  'queue-holdtime': 1900,
  'queue-minutes': 700,
  'conf-waitforleader': 2200,
  'agent-loginok': 900,
  'auth-thankyou': 1000,
  'call-forward': 1500,
  'please-try-again': 1300,
  'option-is-invalid': 1300,
  'thank-you-for-calling': 1300,
};

export type MediaPlan = { kind: 'plays'; durationMs: number } | { kind: 'fails' } | { kind: 'hangs' };

/** Number of words Asterisk's English say-number speaks for an integer. */
export function spokenWordCount(value: number): number {
  let n = Math.abs(Math.trunc(value));
  let words = value < 0 ? 1 : 0;
  if (n === 0) return words + 1;
  for (const [unit, size] of [[1e9, 'billion'], [1e6, 'million'], [1e3, 'thousand']] as const) {
    if (n >= unit) {
      words += spokenWordCount(Math.floor(n / unit)) + (size.length > 0 ? 1 : 0);
      n %= unit;
    }
  }
  if (n >= 100) {
    words += 2;
    n %= 100;
  }
  if (n >= 20) {
    words += 1;
    n %= 10;
    if (n > 0) words += 1;
  } else if (n > 0) {
    words += 1;
  }
  return words;
}

/** What one media URI does: plays for a duration, fails at once (missing file), or never ends (unknown scheme). */
export function planMedia(uri: string, sounds: ReadonlyMap<string, number | null>): MediaPlan {
  const colon = uri.indexOf(':');
  const scheme = colon > 0 ? uri.slice(0, colon) : '';
  const value = uri.slice(colon + 1);
  switch (scheme) {
    case 'sound': {
      const known = sounds.get(value);
      if (known === null) return { kind: 'fails' };
      return { kind: 'plays', durationMs: known ?? DEFAULT_SOUND_MS };
    }
    case 'digits':
      return /^[0-9*#A-Da-d]+$/.test(value) ? { kind: 'plays', durationMs: value.length * DIGIT_MS } : { kind: 'fails' };
    case 'characters':
      return value.length > 0 ? { kind: 'plays', durationMs: value.length * DIGIT_MS } : { kind: 'fails' };
    case 'number': {
      const n = Number(value);
      return Number.isFinite(n) && value.trim() !== '' ? { kind: 'plays', durationMs: spokenWordCount(n) * NUMBER_WORD_MS } : { kind: 'fails' };
    }
    case 'recording':
      return { kind: 'plays', durationMs: 3000 };
    case 'tone':
      return { kind: 'plays', durationMs: 60_000 };
    default:
      return { kind: 'hangs' };
  }
}
