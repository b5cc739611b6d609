import { ValidationError } from './errors';

/**
 * Dial strings for the customer leg. The number or address is checked again here, whatever
 * the intake accepted, because a dial string is handed to Asterisk verbatim: only E.164 digits
 * reach the trunk template, and only a plain `sip:user@host` reaches the VoIP template.
 */

export interface DialTemplates {
  /** PSTN template, e.g. `PJSIP/{number}@trunk` (`{number}` = +E.164, `{digits}` = E.164 without the +). */
  trunk: string;
  /** VoIP template, e.g. `PJSIP/{sipUri}` (`{sipUri}` = sip:user@host, `{user}`, `{host}`). */
  voip: string;
}

export type DialDestination = { kind: 'pstn'; phone: string } | { kind: 'voip'; sipUri: string };

const E164 = /^\+[1-9][0-9]{6,14}$/;
/** RFC 3261 user part, restricted to characters that mean nothing to Asterisk's dial syntax. */
const SIP_USER = /^[A-Za-z0-9._~+-]{1,64}$/;
const SIP_HOST = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const TEMPLATE = /^[A-Za-z0-9_]+\/[A-Za-z0-9_@./:{}+-]*$/;

export interface SipAddress {
  uri: string;
  user: string;
  host: string;
}

/** Parses `sip:user@host` or `sips:user@host` (no port, parameters, headers or password) for a dial string. */
export function parseDialableSipUri(value: string, field = 'sipUri'): SipAddress {
  const m = /^(sips?):([^@]+)@([^@]+)$/i.exec(value.trim());
  if (!m) throw new ValidationError(field, 'must be a SIP address of the form sip:user@domain');
  const scheme = m[1]!.toLowerCase();
  const user = m[2]!;
  const host = m[3]!.toLowerCase();
  if (!SIP_USER.test(user)) throw new ValidationError(field, 'the SIP user part may contain letters, digits and . _ ~ + - only');
  if (!SIP_HOST.test(host)) throw new ValidationError(field, 'the SIP domain is not a valid host name');
  return { uri: `${scheme}:${user}@${host}`, user, host };
}

export function assertE164(phone: string, field = 'phone'): string {
  if (!E164.test(phone)) throw new ValidationError(field, 'must be an E.164 number (+ and 7 to 15 digits)');
  return phone;
}

/** Checks a template at configuration time, so a bad one fails at boot rather than at dial time. */
export function validateTemplate(template: string, placeholders: readonly string[], field: string): string {
  if (!TEMPLATE.test(template)) throw new ValidationError(field, 'must look like TECH/resource and contain no spaces, commas or parentheses');
  const used = [...template.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]!);
  if (used.length === 0) throw new ValidationError(field, `must contain one of ${placeholders.map((p) => `{${p}}`).join(', ')}`);
  const unknown = used.filter((p) => !placeholders.includes(p));
  if (unknown.length) throw new ValidationError(field, `unknown placeholder {${unknown[0]}}`);
  return template;
}

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{([^}]*)\}/g, (_, name: string) => {
    const v = values[name];
    if (v === undefined) throw new ValidationError('template', `unknown placeholder {${name}}`);
    return v;
  });
}

/** The Asterisk endpoint for a destination. Throws ValidationError naming the field on anything odd. */
export function buildDialString(dest: DialDestination, templates: DialTemplates): string {
  if (dest.kind === 'pstn') {
    const phone = assertE164(dest.phone);
    validateTemplate(templates.trunk, ['number', 'digits'], 'trunk');
    return fill(templates.trunk, { number: phone, digits: phone.slice(1) });
  }
  const sip = parseDialableSipUri(dest.sipUri);
  validateTemplate(templates.voip, ['sipUri', 'user', 'host'], 'voip');
  return fill(templates.voip, { sipUri: sip.uri, user: sip.user, host: sip.host });
}
