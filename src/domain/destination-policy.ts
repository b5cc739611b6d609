import { getCountries, getCountryCallingCode, parsePhoneNumberWithError, type CountryCode, type NumberType } from 'libphonenumber-js/max';
import { ForbiddenDestinationError, ValidationError } from './errors';
import { dialDigits, isEmergencyDialString } from './emergency-numbers';
import { isHostAllowed, parseSipUri } from './sip-uri';

/**
 * Which destinations this center will ever call. The intake applies it to what visitors type,
 * and the dialer applies it again at dial time, so a number that slipped in before a policy change
 * is still never rung.
 *
 * Bad syntax is a ValidationError (400 invalid_field); a well-formed destination we refuse to
 * call is a ForbiddenDestinationError (422 forbidden_destination) whose `reason` says why.
 */
export interface DestinationPolicyOptions {
  /** ISO 3166 alpha-2 country for numbers written without a country code. */
  defaultCountry: string;
  /** Countries whose numbers may be called. */
  allowedCountries: readonly string[];
  /** Premium-rate and shared-cost numbers. */
  allowPremium: boolean;
  /** Toll-free, UAN, personal, pager, voicemail-only, VoIP and unclassified numbers. */
  allowNonGeographic: boolean;
  /** Hosts a SIP URI may point at (`*.example.com` allows subdomains). */
  sipAllowedDomains: readonly string[];
}

export type ForbiddenReason = 'emergency' | 'premium' | 'non_geographic' | 'country' | 'sip_domain';

export type Destination =
  | { kind: 'phone'; e164: string; country: string; type: NumberType | 'UNKNOWN' }
  | { kind: 'sip'; uri: string; host: string };

export const MAX_PHONE_INPUT_LENGTH = 32;

const ALWAYS_CALLABLE: ReadonlySet<string> = new Set(['FIXED_LINE', 'MOBILE', 'FIXED_LINE_OR_MOBILE']);
const PREMIUM: ReadonlySet<string> = new Set(['PREMIUM_RATE', 'SHARED_COST']);

/** How many accepted numbers a policy remembers (about 150 bytes each). */
const REMEMBERED_NUMBERS = 10_000;

export class DestinationPolicy {
  /**
   * Numbers this policy has accepted, by what was typed and by their E.164 form: the dialer checks
   * every number again before each attempt, and the answer for a number cannot change while the
   * policy does not (a changed configuration is a new policy, which starts empty). Only accepted
   * numbers are kept; a refusal is worked out again each time.
   */
  private readonly accepted = new Map<string, Extract<Destination, { kind: 'phone' }>>();
  private readonly callingCodes: ReadonlySet<string>;
  private readonly allowedCountries: ReadonlySet<string>;
  private readonly defaultCountry: CountryCode;

  constructor(private readonly options: DestinationPolicyOptions) {
    const countries = new Set<string>(getCountries());
    if (!countries.has(options.defaultCountry)) throw new Error(`unknown default country ${options.defaultCountry}`);
    this.defaultCountry = options.defaultCountry as CountryCode;
    this.allowedCountries = new Set(options.allowedCountries.map((c) => c.toUpperCase()));
    this.callingCodes = new Set(getCountries().map((c) => getCountryCallingCode(c)));
  }

  /** Normalises a phone number to E.164, or throws naming `field`. */
  checkPhone(input: string, field = 'phone'): Extract<Destination, { kind: 'phone' }> {
    const known = this.accepted.get(input);
    if (known) return known;
    const checked = Object.freeze(this.classifyPhone(input, field));
    this.remember(input, checked);
    this.remember(checked.e164, checked);
    return checked;
  }

  private remember(key: string, value: Extract<Destination, { kind: 'phone' }>): void {
    if (this.accepted.has(key)) return;
    if (this.accepted.size >= REMEMBERED_NUMBERS) this.accepted.delete(this.accepted.keys().next().value!);
    this.accepted.set(key, value);
  }

  private classifyPhone(input: string, field: string): Extract<Destination, { kind: 'phone' }> {
    if (input.length > MAX_PHONE_INPUT_LENGTH) throw new ValidationError(field, `must be at most ${MAX_PHONE_INPUT_LENGTH} characters`);
    const digits = dialDigits(input);
    if (digits === null) throw new ValidationError(field, 'must be a phone number: digits, spaces, + ( ) - . / only');
    if (isEmergencyDialString(digits, this.callingCodes)) {
      throw new ForbiddenDestinationError(field, 'emergency numbers cannot be called back', 'emergency');
    }
    let parsed;
    try {
      parsed = parsePhoneNumberWithError(digits, this.defaultCountry);
    } catch {
      throw new ValidationError(field, 'is not a phone number');
    }
    // With full metadata a number is valid exactly when it has a type, so the type (the costly
    // part: a pattern match per type) is worked out once and isValid() asked only without one.
    const type = parsed.getType();
    if (!parsed.isPossible() || (type === undefined && !parsed.isValid())) throw new ValidationError(field, 'is not a valid phone number');
    const country = parsed.country;
    if (!country || !this.allowedCountries.has(country)) {
      throw new ForbiddenDestinationError(field, `numbers in ${country ?? 'this non-geographic range'} are not called from this center`, 'country');
    }
    if (!type || !ALWAYS_CALLABLE.has(type)) {
      if (type && PREMIUM.has(type)) {
        if (!this.options.allowPremium) throw new ForbiddenDestinationError(field, 'premium-rate and shared-cost numbers are not called', 'premium');
      } else if (!this.options.allowNonGeographic) {
        throw new ForbiddenDestinationError(field, 'only fixed-line and mobile numbers are called', 'non_geographic');
      }
    }
    return { kind: 'phone', e164: parsed.number, country, type: type ?? 'UNKNOWN' };
  }

  /** Checks a SIP URI's syntax and domain, or throws naming `field`. */
  checkSipUri(input: string, field = 'sipUri'): Extract<Destination, { kind: 'sip' }> {
    const parsed = parseSipUri(input);
    if (!parsed.ok) {
      const why: Record<typeof parsed.problem, string> = {
        too_long: 'is too long',
        scheme: 'must start with sip: or sips:',
        params: 'must not carry URI parameters or headers',
        user: 'must have exactly one user part before @',
        host: 'must name a valid host',
        port: 'has an invalid port',
        syntax: 'contains characters not allowed in a SIP URI',
      };
      throw new ValidationError(field, why[parsed.problem]);
    }
    const { user, host, uri } = parsed.value;
    // A SIP gateway would route a bare emergency code to the PSTN.
    if (/^\+?[0-9]+$/.test(user) && isEmergencyDialString(user, this.callingCodes)) {
      throw new ForbiddenDestinationError(field, 'emergency numbers cannot be called back', 'emergency');
    }
    if (!isHostAllowed(host, this.options.sipAllowedDomains)) {
      throw new ForbiddenDestinationError(field, `the SIP domain ${host} is not allowed`, 'sip_domain');
    }
    return { kind: 'sip', uri, host };
  }

  /** The dialer's check: exactly one of phone / sipUri, validated as above. */
  check(destination: { phone?: string | null; sipUri?: string | null }): Destination {
    if (destination.phone) return this.checkPhone(destination.phone);
    if (destination.sipUri) return this.checkSipUri(destination.sipUri);
    throw new ValidationError('phone', 'a phone number or SIP URI is required');
  }
}
