import type { RequestStatus } from '../../domain/help-request';

/** What a visitor submits (shape already checked by the edge: types, lengths, unknown fields). */
export interface SubmitInput {
  channel: 'pstn' | 'voip';
  phone?: string;
  sipUri?: string;
  name?: string;
  email?: string;
  pageUrl?: string;
  queue?: string;
  preferredTime?: Date;
  message?: string;
}

export interface SubmitMeta {
  clientIp: string;
  idempotencyKey?: string;
}

/** What a visitor may see of their request. */
export interface RequestView {
  id: string;
  status: RequestStatus;
  queue: string;
  channel: string;
  /** 1-based place among waiting entries of the queue, or null when scheduled or being served. */
  position: number | null;
  estimatedWaitSeconds: number | null;
  attempts: number;
  preferredTime: Date | null;
  dueAt: Date;
  createdAt: Date;
}

export interface SubmitResult {
  view: RequestView;
  /** False when an open request for the same destination (or the same Idempotency-Key) existed. */
  created: boolean;
}

/** A supervisor's change. `preferredTime: null` clears it (due now). */
export interface AmendInput {
  priority?: number;
  preferredTime?: Date | null;
  status?: 'cancelled';
}

export interface QueueSettings {
  handleSeconds: number;
  /** Priority band of new requests of this queue. */
  priority: number;
}

export interface LimitSetting {
  limit: number;
  windowSeconds: number;
}

export interface IntakeOptions {
  defaultQueue: string;
  /** Settings of a known queue, undefined for an unknown one. */
  queueSettings(queue: string): QueueSettings | undefined;
  limits: { perIp: LimitSetting; perNumber: LimitSetting; readsPerIp: LimitSetting };
  /** How far ahead a preferred time may be (default 30 days). */
  maxScheduleDays?: number;
  /** How far in the past a preferred time is taken as "now" rather than refused (default 5 minutes). */
  pastToleranceSeconds?: number;
}
