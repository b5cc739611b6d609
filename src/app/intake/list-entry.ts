import type { HelpRequest } from '../../domain/help-request';
import type { ListEntry } from '../../ports/contact-queue';

/** The combined-list entry of a help request: its place is its original arrival time. */
export function listEntryOf(request: HelpRequest): ListEntry {
  return {
    requestId: request.id,
    queue: request.queue,
    kind: request.channel === 'inbound' ? 'caller' : 'callback',
    priority: request.priority,
    arrivalAt: request.arrivalAt,
    dueAt: request.dueAt,
  };
}
