/** A help request: one contact the center owes a customer, whatever channel it came from. */

/** pstn/voip: web callback; ivr: "call me back instead of holding"; inbound: a caller on hold. */
export const CONTACT_CHANNELS = ['pstn', 'voip', 'email', 'voicemail', 'ivr', 'click-to-call', 'inbound'] as const;
export type ContactChannel = (typeof CONTACT_CHANNELS)[number];

export const REQUEST_STATUSES = [
  'queued', // due, waiting for an agent
  'scheduled', // waiting for its preferred time, a retry delay or the calling window
  'reserved', // an agent is reserved for it
  'dialling', // the customer leg is being originated
  'connected', // the customer is talking to an agent or the IVR callback
  'completed',
  'failed',
  'cancelled',
] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

export const OPEN_STATUSES: readonly RequestStatus[] = ['queued', 'scheduled', 'reserved', 'dialling', 'connected'];
export const FINAL_STATUSES: readonly RequestStatus[] = ['completed', 'failed', 'cancelled'];

/** Priority bands: 1 is served first. BullMQ priorities are 1..N, never 0. */
export const MIN_PRIORITY = 1;
export const MAX_PRIORITY = 9;
export const DEFAULT_PRIORITY = 5;

export interface HelpRequest {
  id: string;
  channel: ContactChannel;
  queue: string;
  /** E.164 number, for pstn / click-to-call / ivr / voicemail. */
  phone: string | null;
  /** sip:user@domain, for voip. */
  sipUri: string | null;
  name: string | null;
  email: string | null;
  pageUrl: string | null;
  message: string | null;
  priority: number;
  /** When the customer first asked for help: the place in line. */
  arrivalAt: Date;
  /** The customer's preferred time, if any. */
  preferredAt: Date | null;
  /** When the request may next be served (preferred time, retry delay, calling window). */
  dueAt: Date;
  status: RequestStatus;
  attempts: number;
  /** IVR choices, recording name, e-mail subject, customer time zone, ... */
  context: Record<string, unknown>;
  customerId: string | null;
  outcome: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export function isOpen(status: RequestStatus): boolean {
  return OPEN_STATUSES.includes(status);
}

/**
 * The one order of the combined list: priority band first, then original arrival time,
 * then id (a total order, so every process sorts alike).
 */
export function compareByServiceOrder(
  a: { priority: number; arrivalAt: Date; id: string },
  b: { priority: number; arrivalAt: Date; id: string },
): number {
  if (a.priority !== b.priority) return a.priority - b.priority;
  const dt = a.arrivalAt.getTime() - b.arrivalAt.getTime();
  if (dt !== 0) return dt;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
