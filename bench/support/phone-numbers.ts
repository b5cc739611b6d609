import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/** Geographic US area codes; the exchange and line vary, so every number is distinct. */
const AREA_CODES = ['212', '312', '415', '617', '303', '206', '512', '404', '713', '602'];

/**
 * `count` distinct, valid, callable US numbers in E.164 (fixed line or mobile, never 555, N11 or
 * special-service codes), skipping the first `offset` so that separate runs never collide.
 */
export function distinctPhoneNumbers(count: number, offset = 0): string[] {
  const out: string[] = [];
  let skipped = 0;
  for (const area of AREA_CODES) {
    for (let exchange = 234; exchange <= 989; exchange++) {
      if (exchange % 100 === 11 || exchange === 555 || String(exchange)[1] === '9') continue;
      for (let line = 1000; line <= 9999; line += 7) {
        const number = parsePhoneNumberFromString(`+1${area}${exchange}${line}`);
        const type = number?.getType();
        if (!number?.isValid() || (type !== 'FIXED_LINE_OR_MOBILE' && type !== 'FIXED_LINE' && type !== 'MOBILE')) continue;
        if (skipped < offset) {
          skipped++;
          continue;
        }
        out.push(number.number);
        if (out.length === count) return out;
      }
    }
  }
  throw new Error(`only ${out.length} distinct numbers available, ${count} asked`);
}
