import { AriError } from './ari-error';
import type { FarEndScript, ScriptRule } from './types';

/** A far-end script with its defaults filled in; `ringing` false means no 180 (a Local channel that answers at once). */
export interface FarEndBehaviour {
  result: FarEndScript['result'];
  ringing: boolean;
  ringMs: number;
  answerAfterMs: number;
  hangupAfterMs: number | null;
  dtmf: Array<{ atMs: number; digits: string }>;
}

const RESULTS = ['answer', 'busy', 'noanswer', 'congestion', 'unreachable', 'fail'] as const;
const DIGITS = /^[0-9*#A-Da-d]+$/;

/** The unscripted far end: rings at once, answers after 1 s, stays up. */
export const DEFAULT_BEHAVIOUR: FarEndBehaviour = { result: 'answer', ringing: true, ringMs: 0, answerAfterMs: 1000, hangupAfterMs: null, dtmf: [] };

/** Far ends of the `sim` context used by the Asterisk recordings (`Local/<exten>@sim`). */
const SIM_CONTEXT: Record<string, Partial<FarEndBehaviour>> = {
  answer: { result: 'answer', ringing: false, answerAfterMs: 0 },
  'answer-hangup': { result: 'answer', ringing: false, answerAfterMs: 0, hangupAfterMs: 2000 },
  'answer-hangup4': { result: 'answer', ringing: false, answerAfterMs: 0, hangupAfterMs: 4500 },
  'answer-press1': { result: 'answer', ringing: false, answerAfterMs: 0, dtmf: [{ atMs: 1200, digits: '1' }] },
  'answer-press2': { result: 'answer', ringing: false, answerAfterMs: 0, dtmf: [{ atMs: 1200, digits: '2' }] },
  'dtmf-1-2': { result: 'answer', ringing: false, answerAfterMs: 0, dtmf: [{ atMs: 1200, digits: '1' }, { atMs: 3670, digits: '2' }] },
  'press-hash': { result: 'answer', ringing: false, answerAfterMs: 0, dtmf: [{ atMs: 2210, digits: '#' }] },
  busy: { result: 'busy', ringing: false, answerAfterMs: 0 },
  congestion: { result: 'congestion', ringing: false, answerAfterMs: 0 },
  noanswer: { result: 'noanswer', ringing: true, ringMs: 0 },
};

function nonNegative(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new AriError(400, `${field} must be a non-negative number of milliseconds`);
  return value;
}

/** Validates far-end DTMF steps; `field` names the property in error messages. */
export function validateDtmf(value: unknown, field = 'dtmf'): Array<{ atMs: number; digits: string }> {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new AriError(400, `${field} must be a list of { atMs, digits }`);
  return value.map((step: unknown, i) => {
    const s = step as { atMs?: unknown; digits?: unknown };
    const atMs = nonNegative(s?.atMs, `${field}[${i}].atMs`);
    if (atMs === undefined) throw new AriError(400, `${field}[${i}].atMs is required`);
    if (typeof s.digits !== 'string' || !DIGITS.test(s.digits)) throw new AriError(400, `${field}[${i}].digits must be DTMF digits (0-9, *, #, A-D)`);
    return { atMs, digits: s.digits };
  });
}

/** Checks a script rule received over the control API; throws a 400 naming the bad field. */
export function validateRule(input: unknown): ScriptRule {
  const r = (input ?? {}) as Record<string, unknown>;
  if (typeof r.match !== 'string' || r.match.trim() === '' || r.match.length > 200) throw new AriError(400, 'match is required (an endpoint or number, optionally ending in *)');
  if (typeof r.result !== 'string' || !(RESULTS as readonly string[]).includes(r.result)) throw new AriError(400, `result must be one of ${RESULTS.join(', ')}`);
  const rule: ScriptRule = { match: r.match.trim(), result: r.result as ScriptRule['result'] };
  const ringMs = nonNegative(r.ringMs, 'ringMs');
  const answerAfterMs = nonNegative(r.answerAfterMs, 'answerAfterMs');
  const hangupAfterMs = nonNegative(r.hangupAfterMs, 'hangupAfterMs');
  if (ringMs !== undefined) rule.ringMs = ringMs;
  if (answerAfterMs !== undefined) rule.answerAfterMs = answerAfterMs;
  if (hangupAfterMs !== undefined) rule.hangupAfterMs = hangupAfterMs;
  if (r.dtmf !== undefined) rule.dtmf = validateDtmf(r.dtmf);
  return rule;
}

/** Far-end scripts keyed by match pattern; exact matches win over prefixes, longer prefixes over shorter. */
export class FarEndScripts {
  private readonly rules = new Map<string, ScriptRule>();

  set(rule: ScriptRule): void {
    this.rules.set(rule.match, validateRule(rule));
  }

  clear(match?: string): void {
    if (match === undefined) this.rules.clear();
    else this.rules.delete(match);
  }

  list(): ScriptRule[] {
    return [...this.rules.values()].map((r) => ({ ...r }));
  }

  /**
   * The behaviour for a dialled endpoint. `candidates` are the names it can be matched by, most
   * specific first (e.g. `PJSIP/+1555@trunk`, `PJSIP/+1555`, `+1555`).
   */
  resolve(candidates: string[], local?: { exten: string; context: string }): FarEndBehaviour {
    const rule = this.find(candidates);
    if (rule) return toBehaviour(rule);
    if (local && local.context === 'sim' && SIM_CONTEXT[local.exten]) return { ...DEFAULT_BEHAVIOUR, ...SIM_CONTEXT[local.exten] };
    return { ...DEFAULT_BEHAVIOUR };
  }

  private find(candidates: string[]): ScriptRule | undefined {
    for (const c of candidates) {
      const exact = this.rules.get(c);
      if (exact) return exact;
    }
    let best: ScriptRule | undefined;
    for (const rule of this.rules.values()) {
      if (!rule.match.endsWith('*')) continue;
      const prefix = rule.match.slice(0, -1);
      if (!candidates.some((c) => c.startsWith(prefix))) continue;
      if (!best || prefix.length > best.match.length - 1) best = rule;
    }
    return best;
  }
}

function toBehaviour(rule: ScriptRule): FarEndBehaviour {
  return {
    result: rule.result,
    ringing: true,
    ringMs: rule.ringMs ?? 0,
    answerAfterMs: rule.answerAfterMs ?? DEFAULT_BEHAVIOUR.answerAfterMs,
    hangupAfterMs: rule.hangupAfterMs ?? null,
    dtmf: rule.dtmf ?? [],
  };
}
