import { randomBytes } from 'node:crypto';

/** 'hr_' and 128 random bits (base64url): unguessable, so the id itself is the visitor's key to their request. */
export function newRequestId(): string {
  return `hr_${randomBytes(16).toString('base64url')}`;
}

const REQUEST_ID = /^hr_[A-Za-z0-9_-]{22}$/;

export function isRequestId(value: string): boolean {
  return REQUEST_ID.test(value);
}
