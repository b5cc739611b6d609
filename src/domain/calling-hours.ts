import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { ValidationError } from './errors';

/**
 * Calling hours in the customer's local time. The time zone comes from the number's country
 * (a table of our own, since numbering plans do not carry time zones), unless the request names
 * one. A country that spans several zones is called only when the window is open in all of
 * them, so nobody is rung at 7 in the morning because they live at the other end of it.
 */

export interface CallingWindow {
  /** Local wall-clock opening time, HH:MM (24 h). */
  start: string;
  /** Local wall-clock closing time, HH:MM, after start. */
  end: string;
  /** Days the window is open, 0 = Sunday ... 6 = Saturday. */
  days: number[];
}

export const DEFAULT_CALLING_WINDOW: CallingWindow = { start: '09:00', end: '20:00', days: [1, 2, 3, 4, 5, 6] };

/** Country → IANA zones of its populated (mainland) areas, for the countries a center is likely to allow. */
export const COUNTRY_TIME_ZONES: Readonly<Record<string, readonly string[]>> = {
  US: ['America/New_York', 'America/Chicago', 'America/Denver', 'America/Los_Angeles'],
  CA: ['America/Halifax', 'America/Toronto', 'America/Winnipeg', 'America/Edmonton', 'America/Vancouver'],
  GB: ['Europe/London'],
  IE: ['Europe/Dublin'],
  DE: ['Europe/Berlin'],
  FR: ['Europe/Paris'],
  NL: ['Europe/Amsterdam'],
  BE: ['Europe/Brussels'],
  LU: ['Europe/Luxembourg'],
  AT: ['Europe/Vienna'],
  CH: ['Europe/Zurich'],
  ES: ['Europe/Madrid'],
  PT: ['Europe/Lisbon'],
  IT: ['Europe/Rome'],
  DK: ['Europe/Copenhagen'],
  SE: ['Europe/Stockholm'],
  NO: ['Europe/Oslo'],
  FI: ['Europe/Helsinki'],
  PL: ['Europe/Warsaw'],
  CZ: ['Europe/Prague'],
  AU: ['Australia/Sydney', 'Australia/Adelaide', 'Australia/Brisbane', 'Australia/Perth'],
  NZ: ['Pacific/Auckland'],
};

const HHMM = /^([01][0-9]|2[0-3]):([0-5][0-9])$/;

export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export function validateWindow(w: CallingWindow, field = 'callingWindow'): CallingWindow {
  if (!HHMM.test(w.start)) throw new ValidationError(`${field}.start`, 'must be HH:MM (24 h)');
  if (!HHMM.test(w.end)) throw new ValidationError(`${field}.end`, 'must be HH:MM (24 h)');
  if (minutesOf(w.end) <= minutesOf(w.start)) throw new ValidationError(`${field}.end`, 'must be after start');
  if (w.days.length === 0 || w.days.some((d) => !Number.isInteger(d) || d < 0 || d > 6)) {
    throw new ValidationError(`${field}.days`, 'must list days 0 (Sunday) to 6 (Saturday)');
  }
  return w;
}

/**
 * Zones to respect for a destination: the request's own zone when it names a valid one, else the
 * number's country from the table, else the fallback (the center's zone). SIP addresses have no
 * country: they use the override or the fallback.
 */
export function zonesForDestination(phone: string | null, override: string | null | undefined, fallback: string): string[] {
  if (override && isValidTimeZone(override)) return [override];
  return zonesForCountry(phone ? parsePhoneNumberFromString(phone)?.country : undefined, null, fallback);
}

/** As zonesForDestination, for a number whose country is already known (the destination check names it). */
export function zonesForCountry(country: string | null | undefined, override: string | null | undefined, fallback: string): string[] {
  if (override && isValidTimeZone(override)) return [override];
  const zones = country ? COUNTRY_TIME_ZONES[country] : undefined;
  return zones ? [...zones] : [fallback];
}

export interface LocalTime {
  year: number;
  month: number;
  day: number;
  minutes: number;
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * A zone's UTC offset changes only at instants on a quarter-hour of UTC (today's offsets are
 * whole quarter-hours and their changes happen on a whole minute of the local clock), so the
 * offset found for one quarter-hour holds for all of it. The last quarter-hours asked are kept per
 * zone: the dialer asks for "now" in the same few zones over and over (and for retry times a few
 * hours ahead), and formatToParts is the costly part of every calling-window check.
 */
const QUARTER_HOUR_MS = 15 * 60_000;
const KEPT_QUARTERS = 64;
const offsets = new Map<string, Map<number, number>>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });
    formatters.set(zone, f);
  }
  return f;
}

function offsetOf(atMs: number, zone: string): number {
  const quarter = Math.floor(atMs / QUARTER_HOUR_MS);
  let kept = offsets.get(zone);
  const known = kept?.get(quarter);
  if (known !== undefined) return known;
  const start = quarter * QUARTER_HOUR_MS;
  const parts: Record<string, string> = {};
  for (const p of formatter(zone).formatToParts(new Date(start))) parts[p.type] = p.value;
  const offsetMs = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute)) - start;
  if (!kept) offsets.set(zone, (kept = new Map()));
  if (kept.size >= KEPT_QUARTERS) kept.delete(kept.keys().next().value!);
  kept.set(quarter, offsetMs);
  return offsetMs;
}

/** The wall clock of `zone` at `at` (weekday 0 = Sunday). */
export function localTime(at: Date, zone: string): LocalTime {
  const wall = new Date(at.getTime() + offsetOf(at.getTime(), zone));
  return {
    year: wall.getUTCFullYear(),
    month: wall.getUTCMonth() + 1,
    day: wall.getUTCDate(),
    minutes: wall.getUTCHours() * 60 + wall.getUTCMinutes(),
    weekday: wall.getUTCDay(),
  };
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}

/** The instant at which the wall clock of `zone` shows the given local date and minute (DST-aware). */
function instantOf(year: number, month: number, day: number, minutes: number, zone: string): Date {
  const wall = Date.UTC(year, month - 1, day, Math.floor(minutes / 60), minutes % 60);
  let guess = wall;
  for (let i = 0; i < 3; i++) {
    const seen = localTime(new Date(guess), zone);
    const seenWall = Date.UTC(seen.year, seen.month - 1, seen.day, Math.floor(seen.minutes / 60), seen.minutes % 60);
    const diff = wall - seenWall;
    if (diff === 0) break;
    guess += diff;
  }
  return new Date(guess);
}

export function isWithinWindow(at: Date, window: CallingWindow, zones: readonly string[]): boolean {
  const start = minutesOf(window.start);
  const end = minutesOf(window.end);
  return zones.every((zone) => {
    const t = localTime(at, zone);
    return window.days.includes(t.weekday) && t.minutes >= start && t.minutes < end;
  });
}

/**
 * The earliest instant at or after `from` (and not before `notBefore`, the customer's preferred
 * time) at which the window is open in every zone. Never drops a request: throws only when the
 * window can never be open in all zones at once (a configuration error).
 */
export function nextCallableTime(from: Date, window: CallingWindow, zones: readonly string[], notBefore?: Date | null): Date {
  const base = notBefore && notBefore.getTime() > from.getTime() ? notBefore : from;
  if (isWithinWindow(base, window, zones)) return base;
  const start = minutesOf(window.start);
  const candidates: number[] = [];
  for (const zone of zones) {
    const today = localTime(base, zone);
    for (let k = 0; k <= 8; k++) {
      const d = new Date(Date.UTC(today.year, today.month - 1, today.day + k));
      const at = instantOf(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), start, zone).getTime();
      if (at > base.getTime()) candidates.push(at);
    }
  }
  candidates.sort((a, b) => a - b);
  for (const at of candidates) if (isWithinWindow(new Date(at), window, zones)) return new Date(at);
  throw new ValidationError('callingWindow', `the calling window is never open in all of ${zones.join(', ')} at once`);
}
