import type { z } from 'zod';
import { DomainError, ValidationError } from '../../domain/errors';

/**
 * Parses `input` with a zod schema; on failure throws a ValidationError naming the first field at
 * fault (400 invalid_field). When the input as a whole is wrong: invalid_field naming `field` if
 * given (a header, a parameter), else invalid_request (a body of the wrong shape).
 */
export function validate<S extends z.ZodType>(schema: S, input: unknown, field?: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (!issue) throw new DomainError('invalid_request', 'the request is invalid');
  if (issue.code === 'unrecognized_keys') {
    const key = [...issue.path.map(String), String(issue.keys[0])].join('.');
    throw new ValidationError(key, 'is not a known field');
  }
  if (issue.path.length === 0) {
    if (field !== undefined) throw new ValidationError(field, issue.message);
    throw new DomainError('invalid_request', `the body must be ${describeRoot(issue)}`);
  }
  throw new ValidationError(issue.path.map(String).join('.'), issue.message);
}

function describeRoot(issue: z.core.$ZodIssue): string {
  return issue.code === 'invalid_type' ? `a JSON ${issue.expected}` : 'valid';
}
