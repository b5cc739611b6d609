import type { CustomerLookup, CustomerQuery, CustomerRecord } from '../../ports/customer-lookup';
import type { Logger } from '../../ports/logger';

/**
 * Asks several lookups in order (the local customers table first, then a site's CRM) and answers
 * with the first record found. A lookup that fails is logged and skipped, so one broken source
 * never hides the others.
 */
export class CompositeCustomerLookup implements CustomerLookup {
  constructor(
    private readonly lookups: ReadonlyArray<{ name: string; lookup: CustomerLookup }>,
    private readonly log: Logger,
  ) {}

  async find(query: CustomerQuery): Promise<CustomerRecord | null> {
    for (const { name, lookup } of this.lookups) {
      try {
        const found = await lookup.find(query);
        if (found) return found;
      } catch (err) {
        this.log.warn({ err, lookup: name }, 'customer lookup failed; trying the next one');
      }
    }
    return null;
  }
}
