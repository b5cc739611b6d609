import type { HelpRequest } from '../../domain/help-request';
import type { ListEntry } from '../../ports/contact-queue';

/**
 * Where the ACD's dispatcher (src/app/acd) meets the callback dialer (src/app/dialer).
 * The dispatcher is the only place where work meets agents: it reserves an agent, takes the
 * best entry from the combined list, and when that entry is a callback it hands the reservation
 * to the dialer. The dialer settles the reservation exactly once.
 */
export interface ReservedAgent {
  id: string;
  name: string;
  /** Asterisk endpoint of the agent's phone, e.g. `PJSIP/agent-1001`. */
  endpoint: string;
}

export type ReservationOutcome =
  /** The contact was served (connected, or finally closed): the entry leaves the list. */
  | { kind: 'done' }
  /** Put the entry back in its place (arrival time kept), optionally not before dueAt. */
  | { kind: 'requeue'; dueAt?: Date }
  /** The agent did not answer: count a miss for the agent and offer the contact to the next one. */
  | { kind: 'agent-missed' };

export interface Reservation {
  readonly agent: ReservedAgent;
  readonly entry: ListEntry;
  readonly request: HelpRequest;
  /**
   * Settles once the agent's reservation is stored: true, or false when the database refused it
   * (another controller holds the agent). Nothing may ring before it is true; on false the dialer
   * undoes its claim and settles with 'requeue', and the agent is left alone. Absent: already held.
   */
  readonly agentHeld?: Promise<boolean>;
  /** Call once the agent's part ends; the agent goes to wrap-up (or back to available for 'agent-missed'/'requeue' before talking). */
  settle(outcome: ReservationOutcome): Promise<void>;
  /** Optional: the dialer reports that the customer and the agent are now talking. */
  markConnected?(): void;
}

/** Implemented by the dialer: serve a due callback with the agent reserved for it. */
export interface CallbackHandler {
  serveCallback(reservation: Reservation): Promise<void>;
}
