import { randomBytes } from 'node:crypto';

const ID_BYTES = 16;
/** Ids drawn from the system's random source at once: one call per 256 ids instead of one each. */
const POOLED = 256;
let pool = Buffer.alloc(0);
let used = 0;

/** 'hr_' and 128 random bits (base64url): unguessable, so the id itself is the visitor's key to their request. */
export function newRequestId(): string {
  if (used + ID_BYTES > pool.length) {
    pool = randomBytes(ID_BYTES * POOLED);
    used = 0;
  }
  const id = `hr_${pool.toString('base64url', used, used + ID_BYTES)}`;
  used += ID_BYTES;
  return id;
}

const REQUEST_ID = /^hr_[A-Za-z0-9_-]{22}$/;

export function isRequestId(value: string): boolean {
  return REQUEST_ID.test(value);
}
