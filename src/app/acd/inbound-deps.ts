import type { CenterConfig, ServiceQueue } from '../../domain/center-config';
import type { CallControl } from '../../ports/call-control';
import type { CallRecords } from '../../ports/call-records';
import type { Clock } from '../../ports/clock';
import type { ContactQueue } from '../../ports/contact-queue';
import type { HelpRequestRepository } from '../../ports/help-request-repository';
import type { Logger } from '../../ports/logger';
import type { HoldingCallers } from './holding-callers';

/** What the inbound call flows need. */
export interface InboundDeps {
  center: CenterConfig;
  cc: CallControl;
  clock: Clock;
  log: Logger;
  queue: ContactQueue;
  requests: HelpRequestRepository;
  records: CallRecords;
  callers: HoldingCallers;
  dispatcher: { kick(): void; queueConfig(id: string): ServiceQueue };
  /** Agents logged in to a queue, for the wait estimate. */
  agentsFor(queue: string): number;
  /** The web form's destination check (src/domain/destination-policy.ts): E.164 or a ValidationError/ForbiddenDestinationError. */
  destinations: { checkPhone(input: string, field?: string): { e164: string } };
  newRequestId(): string;
}

/** Seconds between two instants, rounded. */
export function secondsBetween(from: Date, to: Date): number {
  return Math.max(0, Math.round((to.getTime() - from.getTime()) / 1000));
}
