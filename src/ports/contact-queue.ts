/**
 * The combined list: every contact waiting for an agent (callers on hold and callbacks alike)
 * in one order per service queue, the order of `compareByServiceOrder` (priority band, then
 * original arrival time, then id). Implemented over BullMQ (one job per help request, job id
 * derived from the request id, delayed jobs for entries not yet due).
 *
 * `take` is the only way work leaves the list for an agent, and it is atomic across processes:
 * two dispatchers never take the same entry.
 */

export type EntryKind = 'caller' | 'callback';

export interface ListEntry {
  requestId: string;
  queue: string;
  kind: EntryKind;
  priority: number;
  arrivalAt: Date;
  /** Not served before this time (preferred time, retry delay, calling window). */
  dueAt: Date;
}

export type EntryState = 'waiting' | 'scheduled' | 'taken';

export interface ListedEntry extends ListEntry {
  state: EntryState;
  /** Who took it (dispatcher token), for taken entries. */
  holder?: string;
}

export interface ContactQueue {
  /**
   * Adds the entry unless one exists for the request already (idempotent). Resolves with the
   * entry's `position` as it stands after the add (null unless it is waiting).
   */
  add(entry: ListEntry): Promise<number | null>;
  /** Atomically takes the best due entry of any of the queues; null when none is due. */
  take(queues: readonly string[], holder: string): Promise<ListEntry | null>;
  /** The best due entry of the queues without taking it. */
  peek(queues: readonly string[]): Promise<ListEntry | null>;
  /** Puts a taken entry back, keeping its arrival time (its place), optionally not before `dueAt`. */
  requeue(requestId: string, queue: string, opts?: { dueAt?: Date; priority?: number }): Promise<void>;
  /** A taken entry was served: remove it for good. An entry no longer taken (put back meanwhile) is left alone. */
  complete(requestId: string, queue: string): Promise<void>;
  /** Removes the entry in whatever state (cancelled, abandoned). Returns whether one existed. */
  remove(requestId: string, queue: string): Promise<boolean>;
  /** Changes priority and/or due time of a waiting or scheduled entry; the order changes accordingly. */
  update(requestId: string, queue: string, patch: { priority?: number; dueAt?: Date }): Promise<void>;
  get(requestId: string, queue: string): Promise<ListedEntry | null>;
  /** The queue's entries in the order they will be served: waiting (due) first, then scheduled by due time. Taken entries last. */
  list(queue: string): Promise<ListedEntry[]>;
  /** Position (1-based) of a waiting entry among due entries of its queue, or null. */
  position(requestId: string, queue: string): Promise<number | null>;
  /** Earliest due time of scheduled entries of the queues, so a dispatcher can wake up then. */
  nextDueAt(queues: readonly string[]): Promise<Date | null>;
  close(): Promise<void>;
}
