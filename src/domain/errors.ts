/**
 * Typed errors with stable codes. The HTTP adapter maps codes to statuses in one place;
 * flows branch on classes, never on message text.
 */
export type ErrorCode =
  | 'invalid_request'
  | 'invalid_field'
  | 'forbidden_destination'
  | 'duplicate'
  | 'not_found'
  | 'conflict'
  | 'rate_limited'
  | 'unauthorized'
  | 'forbidden'
  | 'unavailable'
  | 'no_agents';

export class DomainError extends Error {
  constructor(
    public readonly code: ErrorCode,
    message: string,
    public readonly field?: string,
    public readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends DomainError {
  constructor(field: string, message: string, code: 'invalid_field' | 'invalid_request' = 'invalid_field') {
    super(code, message, field);
  }
}

/** Valid syntax, but a destination this center will not call (emergency, premium, country, domain). */
export class ForbiddenDestinationError extends DomainError {
  constructor(field: string, message: string, public readonly reason: string) {
    super('forbidden_destination', message, field, { reason });
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string) {
    super('not_found', `${what} not found`);
  }
}

export class ConflictError extends DomainError {
  constructor(message: string) {
    super('conflict', message);
  }
}

export class RateLimitedError extends DomainError {
  constructor(message: string, public readonly retryAfterSeconds: number, field?: string) {
    super('rate_limited', message, field);
  }
}

export class UnavailableError extends DomainError {
  constructor(message: string) {
    super('unavailable', message);
  }
}

/** Call-control errors: normal races (the far end hung up first), not crashes. */
export class CallControlError extends Error {
  constructor(message: string, public readonly resourceId?: string) {
    super(message);
    this.name = new.target.name;
  }
}
export class ChannelGoneError extends CallControlError {}
export class BridgeGoneError extends CallControlError {}
export class PlaybackGoneError extends CallControlError {}
export class RecordingGoneError extends CallControlError {}
/** Asterisk refused the operation in the channel's current state (HTTP 409, e.g. not in Stasis). */
export class InvalidStateError extends CallControlError {}
/** Asterisk rejected the parameters (HTTP 400/422). */
export class BadRequestError extends CallControlError {}
/** The endpoint could not be allocated (HTTP 500 "Allocation failed"). */
export class AllocationFailedError extends CallControlError {}
/** Asterisk is not reachable, the request timed out, or the event socket is down. */
export class CallControlUnavailableError extends CallControlError {}
