/**
 * Emergency and crisis short codes of many countries. A callback must never ring one of them,
 * whatever country the visitor claims, so the list is global rather than per country: a code is
 * refused alone (`112`), behind a country calling code (`+44 999`, `0049 112`) or behind a
 * trunk prefix (`1-911`, `0112`).
 *
 * Sources: ITU-T E.161.1 / national numbering plans as published by the regulators. Add codes
 * here; never remove one without a regulator's note.
 */
export const EMERGENCY_SHORT_CODES: ReadonlySet<string> = new Set([
  // GSM-mandated and the common single numbers
  '112', '911', '999', '000', '08', '110', '118', '119',
  // North America: 911 test line, suicide and crisis line
  '933', '988',
  // New Zealand
  '111',
  // France: SAMU, police, fire, deaf relay, homeless, child, aviation and sea rescue
  '15', '17', '18', '114', '115', '191', '196', '197',
  // Italy, Norway, Vietnam
  '113',
  // Switzerland and Austria
  '117', '144', '1414', '122', '133', '140', '141',
  // Spain (national and regional police, ambulance, fire)
  '061', '062', '080', '085', '088', '091', '092',
  // Poland
  '984', '985', '986', '987', '997', '998',
  // India, Israel, Russia, Greece, Belgium, Argentina
  '100', '101', '102', '103', '104', '107', '108',
  // Czechia, Turkey, Greece
  '150', '155', '156', '158', '166', '199',
  // Brazil
  '190', '192', '193',
  // Thailand
  '191', '1669',
  // China, Egypt
  '120', '123', '180',
  // Singapore, Malaysia
  '995', '994', '991',
  // South Africa
  '10111', '10177',
  // Pakistan, Vietnam
  '1122', '114',
  // Saudi Arabia
  '996', '993',
]);

/** Digits only, `+` kept when leading; null when the input holds anything but dial characters. */
export function dialDigits(input: string): string | null {
  const compact = input.replace(/[\s().\-/]/g, '');
  if (!/^\+?[0-9]{1,20}$/.test(compact)) return null;
  return compact;
}

/**
 * Whether a dial string reaches an emergency service: the short code itself, or the code behind a
 * country calling code (`+CC`, `00CC`, `011CC`) or a single trunk digit (`1`, `0`, `8`).
 * `callingCodes` is every country calling code in service (e.g. from libphonenumber-js).
 */
export function isEmergencyDialString(input: string, callingCodes: ReadonlySet<string>): boolean {
  const compact = dialDigits(input);
  if (compact === null) return false;
  const international = compact.startsWith('+');
  let digits = international ? compact.slice(1) : compact;
  if (EMERGENCY_SHORT_CODES.has(digits)) return true;
  // An emergency code is short; anything long enough to be a subscriber number is left to the parser.
  if (digits.length > 10) return false;

  const candidates: string[] = [];
  const withoutInternationalPrefix = (): string | null => {
    if (international) return digits;
    for (const prefix of ['011', '00', '810']) if (digits.startsWith(prefix)) return digits.slice(prefix.length);
    return null;
  };
  const afterPrefix = withoutInternationalPrefix();
  if (afterPrefix !== null) {
    for (let len = 1; len <= 3 && len < afterPrefix.length; len++) {
      if (callingCodes.has(afterPrefix.slice(0, len))) candidates.push(afterPrefix.slice(len));
    }
  }
  if (!international) {
    for (const trunk of ['1', '0', '8']) if (digits.startsWith(trunk)) candidates.push(digits.slice(1));
  }
  for (const candidate of candidates) {
    digits = candidate;
    if (EMERGENCY_SHORT_CODES.has(digits)) return true;
    // National trunk prefix after the country code, e.g. +44 0 999.
    if (digits.startsWith('0') && EMERGENCY_SHORT_CODES.has(digits.slice(1))) return true;
  }
  return false;
}
