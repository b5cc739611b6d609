import assert from 'node:assert/strict';
import { getCountries, getCountryCallingCode } from 'libphonenumber-js/max';
import { DestinationPolicy, type DestinationPolicyOptions } from '../../../src/domain/destination-policy';
import { EMERGENCY_SHORT_CODES, isEmergencyDialString } from '../../../src/domain/emergency-numbers';
import { isHostAllowed, parseSipUri } from '../../../src/domain/sip-uri';

const base: DestinationPolicyOptions = {
  defaultCountry: 'US',
  allowedCountries: ['US', 'CA', 'GB', 'DE', 'FR'],
  allowPremium: false,
  allowNonGeographic: false,
  sipAllowedDomains: ['example.com', '*.voip.example.net'],
};
const codes = new Set(getCountries().map((c) => getCountryCallingCode(c)));

function refusal(fn: () => unknown): { code: string; field?: string; reason?: string } {
  try {
    fn();
  } catch (err) {
    const e = err as { code: string; field?: string; details?: { reason?: string } };
    return { code: e.code, field: e.field, reason: e.details?.reason };
  }
  throw new Error('expected a refusal');
}

describe('DestinationPolicy', () => {
  const policy = new DestinationPolicy(base);

  it('normalises callable numbers to E.164', () => {
    assert.deepEqual(policy.checkPhone('(415) 555-2671'), { kind: 'phone', e164: '+14155552671', country: 'US', type: 'FIXED_LINE_OR_MOBILE' });
    assert.equal(policy.checkPhone('+44 20 7946 0958').e164, '+442079460958');
    assert.equal(policy.checkPhone('011 49 151 12345678').e164, '+4915112345678');
    assert.equal(policy.checkPhone('+1 (416) 979-1234').country, 'CA');
  });

  it('refuses emergency codes alone, behind country codes and trunk prefixes', () => {
    for (const input of ['911', '1-911', '+1 911', '112', '+49 112', '0049 112', '011 44 999', '999', '000', '+61 000', '110', '+81 119', '+33 15', '0112', '988']) {
      assert.deepEqual(refusal(() => policy.checkPhone(input, 'phone')), { code: 'forbidden_destination', field: 'phone', reason: 'emergency' }, input);
    }
  });

  it('does not mistake ordinary numbers for emergency codes', () => {
    for (const input of ['+1 911 555 0100', '+44 999 000 0000', '+14155550112', '+49 30 1120 000']) {
      assert.equal(isEmergencyDialString(input, codes), false, input);
    }
    assert.ok([...EMERGENCY_SHORT_CODES].every((c) => /^[0-9]{2,5}$/.test(c)));
  });

  it('refuses premium and shared-cost numbers unless allowed', () => {
    assert.equal(refusal(() => policy.checkPhone('+1 900 555 1234')).reason, 'premium');
    assert.equal(refusal(() => policy.checkPhone('+49 1805 123456')).reason, 'premium');
    const lenient = new DestinationPolicy({ ...base, allowPremium: true });
    assert.equal(lenient.checkPhone('+1 900 555 1234').type, 'PREMIUM_RATE');
    assert.equal(refusal(() => lenient.checkPhone('+44 70 1234 5678')).reason, 'non_geographic', 'premium permission is not a non-geographic one');
  });

  it('refuses personal, pager and toll-free numbers unless non-geographic numbers are allowed', () => {
    for (const input of ['+44 70 1234 5678', '+44 76 2345 6789', '+1 800 555 0199']) assert.equal(refusal(() => policy.checkPhone(input)).reason, 'non_geographic', input);
    const lenient = new DestinationPolicy({ ...base, allowNonGeographic: true });
    assert.equal(lenient.checkPhone('+44 70 1234 5678').type, 'PERSONAL_NUMBER');
  });

  it('refuses countries outside the list, including those sharing +1', () => {
    assert.deepEqual(refusal(() => policy.checkPhone('+1 876 555 1234')), { code: 'forbidden_destination', field: 'phone', reason: 'country' });
    assert.equal(refusal(() => policy.checkPhone('+31 20 123 4567')).reason, 'country');
    assert.equal(refusal(() => policy.checkPhone('+800 1234 5678')).reason, 'country');
  });

  it('answers malformed numbers with invalid_field', () => {
    for (const input of ['', 'abc', '12', '+1 555 0100 99999', '+14155552671 x12', `+1${'4'.repeat(40)}`, '+999 1234 5678']) {
      assert.deepEqual(refusal(() => policy.checkPhone(input, 'to')), { code: 'invalid_field', field: 'to', reason: undefined }, input);
    }
  });

  it('checks SIP URIs: syntax, no parameters or headers, allowed domains', () => {
    assert.deepEqual(policy.checkSipUri('SIP:Alice@EXAMPLE.com'), { kind: 'sip', uri: 'sip:Alice@example.com', host: 'example.com' });
    assert.equal(policy.checkSipUri('sips:bob@pbx.voip.example.net:5061').uri, 'sips:bob@pbx.voip.example.net:5061');
    assert.equal(refusal(() => policy.checkSipUri('sip:bob@voip.example.net')).reason, 'sip_domain', 'a wildcard does not cover the apex');
    assert.equal(refusal(() => policy.checkSipUri('sip:bob@example.com.evil.org')).reason, 'sip_domain');
    for (const input of ['bob@example.com', 'sip:bob@example.com;transport=tcp', 'sip:bob@example.com?X=1', 'sip:@example.com', 'sip:bob@', 'sip:bob@exa mple.com', 'sip:bob@example.com:0', 'sip:b<o>b@example.com', 'sip:bob@-bad-.com']) {
      assert.equal(refusal(() => policy.checkSipUri(input)).code, 'invalid_field', input);
    }
    assert.equal(refusal(() => policy.checkSipUri('sip:+1911@example.com')).reason, 'emergency');
  });

  it('the dialer check takes either destination', () => {
    assert.equal(policy.check({ phone: '+14155552671' }).kind, 'phone');
    assert.equal(policy.check({ sipUri: 'sip:a@example.com' }).kind, 'sip');
    assert.equal(refusal(() => policy.check({})).code, 'invalid_field');
    assert.equal(refusal(() => policy.check({ phone: '112' })).reason, 'emergency');
  });

  it('answers a number it accepted before the same way, by what was typed and by its E.164 form', () => {
    const fresh = new DestinationPolicy(base);
    const typed = fresh.checkPhone('(212) 234-8000');
    assert.deepEqual(fresh.checkPhone('+12122348000'), typed);
    assert.deepEqual(fresh.checkPhone('(212) 234-8000'), typed);
    assert.ok(Object.isFrozen(typed), 'the remembered answer cannot be changed by a caller');
    // A changed configuration is a new policy: what the old one accepted is checked again.
    const stricter = new DestinationPolicy({ ...base, allowedCountries: ['GB'] });
    assert.equal(refusal(() => stricter.checkPhone('+12122348000')).reason, 'country');
    // Refusals are not remembered as acceptances, and a refusal does not poison the typed form.
    assert.equal(refusal(() => fresh.checkPhone('+1 900 555 1234')).reason, 'premium');
    assert.equal(refusal(() => fresh.checkPhone('+1 900 555 1234')).reason, 'premium');
  });

  it('keeps answering right once more numbers were checked than it remembers', () => {
    const fresh = new DestinationPolicy(base);
    for (let line = 0; line < 12_000; line++) {
      const local = `+1212234${String(line % 10_000).padStart(4, '0')}`;
      if (line >= 10_000) assert.equal(fresh.checkPhone(local).e164, local);
      else fresh.checkPhone(local);
    }
    assert.equal(refusal(() => fresh.checkPhone('911')).reason, 'emergency');
  });

  it('rejects an unknown default country at construction', () => {
    assert.throws(() => new DestinationPolicy({ ...base, defaultCountry: 'XX' }), /unknown default country/);
  });
});

describe('SIP URI parsing', () => {
  it('parses ports and IPv4 hosts and reports the problem', () => {
    const ok = parseSipUri('sip:alice@192.0.2.10:5070');
    assert.ok(ok.ok && ok.value.port === 5070 && ok.value.host === '192.0.2.10');
    const bad = parseSipUri('sip:alice@example.com;maddr=evil');
    assert.deepEqual(bad, { ok: false, problem: 'params' });
    assert.deepEqual(parseSipUri(`sip:${'a'.repeat(300)}@example.com`), { ok: false, problem: 'too_long' });
  });

  it('matches allowed hosts exactly or by wildcard subdomain', () => {
    assert.equal(isHostAllowed('Example.COM', ['example.com']), true);
    assert.equal(isHostAllowed('a.b.example.com', ['*.example.com']), true);
    assert.equal(isHostAllowed('example.com', ['*.example.com']), false);
    assert.equal(isHostAllowed('badexample.com', ['*.example.com']), false);
  });
});
