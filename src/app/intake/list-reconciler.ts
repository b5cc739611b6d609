import type { ContactQueue } from '../../ports/contact-queue';
import type { HelpRequestRepository } from '../../ports/help-request-repository';
import type { Logger } from '../../ports/logger';
import { listEntryOf } from './list-entry';

export interface ReconcileReport {
  /** Committed requests that had never been listed (the process died in between), now listed. */
  listed: number;
  /** Requests marked as listed whose entry was found in the list. */
  verified: number;
  /** Requests marked as listed whose entry was missing (Redis lost it), listed again. */
  repaired: number;
}

/**
 * The outbox side of the intake: makes the combined list hold every waiting request of the
 * database exactly once. Safe to run at start-up and periodically, in several processes at once
 * (adding an entry is idempotent). Callers on hold (`inbound`) are left to the ACD, which checks
 * them against the live channels.
 */
export class ListReconciler {
  constructor(
    private readonly deps: { requests: HelpRequestRepository; list: ContactQueue; logger: Logger },
    private readonly pageSize = 500,
  ) {}

  async run(): Promise<ReconcileReport> {
    const report: ReconcileReport = { listed: 0, verified: 0, repaired: 0 };
    const { requests, list, logger } = this.deps;
    const justListed = new Set<string>();

    for (;;) {
      const page = await requests.findNotEnqueued(this.pageSize);
      let progressed = false;
      for (const request of page) {
        if (request.channel === 'inbound' || justListed.has(request.id)) continue;
        await list.add(listEntryOf(request));
        await requests.markEnqueued(request.id);
        justListed.add(request.id);
        report.listed++;
        progressed = true;
      }
      if (page.length < this.pageSize || !progressed) break;
    }

    let afterId: string | undefined;
    for (;;) {
      const page = await requests.findByStatus(['queued', 'scheduled'], undefined, this.pageSize, afterId);
      if (page.length === 0) break;
      for (const request of page) {
        if (request.channel === 'inbound' || justListed.has(request.id)) continue;
        if (await list.get(request.id, request.queue)) {
          report.verified++;
        } else {
          await list.add(listEntryOf(request));
          await requests.markEnqueued(request.id);
          report.repaired++;
        }
      }
      afterId = page[page.length - 1]?.id;
      if (page.length < this.pageSize) break;
    }
    if (report.listed || report.repaired) logger.warn({ ...report }, 'combined list reconciled with the database');
    else logger.info({ ...report }, 'combined list matches the database');
    return report;
  }
}
