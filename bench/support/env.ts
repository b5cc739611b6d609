/** A positive whole number from the environment variable `name`, or `fallback` when it is unset. */
export function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name}: must be a positive integer, got ${raw}`);
  return n;
}
