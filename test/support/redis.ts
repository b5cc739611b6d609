import { randomBytes } from 'node:crypto';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A queue prefix no other test uses, so tests never see each other's jobs. */
export function uniquePrefix(label = 't'): string {
  return `cctest-${label}-${randomBytes(4).toString('hex')}`;
}
