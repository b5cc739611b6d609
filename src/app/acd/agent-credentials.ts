import { createHash, scryptSync, timingSafeEqual, randomBytes } from 'node:crypto';
import type { AgentDefinition } from '../../domain/center-config';

/** Checks an agent's API token against the configured SHA-256 (constant time). */
export function verifyAgentToken(agent: AgentDefinition, token: string): boolean {
  const expected = agent.credentials.tokenSha256;
  if (!expected || token.length === 0 || token.length > 512) return false;
  const actual = createHash('sha256').update(token, 'utf8').digest();
  return timingSafeEqual(actual, Buffer.from(expected, 'hex'));
}

/** Checks a PIN keyed on the phone against `scrypt:<salt>:<key>` (constant time). */
export function verifyAgentPin(agent: AgentDefinition, pin: string): boolean {
  const stored = agent.credentials.pinHash;
  if (!stored || !/^[0-9]{4,12}$/.test(pin)) return false;
  const [, saltHex, keyHex] = stored.split(':');
  const key = Buffer.from(keyHex!, 'hex');
  return timingSafeEqual(scryptSync(pin, Buffer.from(saltHex!, 'hex'), key.length), key);
}

/** What goes into the configuration for a PIN (used by tests and by whoever provisions agents). */
export function hashAgentPin(pin: string, salt: Buffer = randomBytes(16)): string {
  return `scrypt:${salt.toString('hex')}:${scryptSync(pin, salt, 32).toString('hex')}`;
}

export function hashAgentToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}
