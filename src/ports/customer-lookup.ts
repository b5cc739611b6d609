/** The customer information shown to an agent: a customers table, or a site's own CRM over HTTP. */
export interface CustomerRecord {
  id: string;
  name: string | null;
  phone: string | null;
  email: string | null;
  accountRef: string | null;
  notes: string | null;
  /** Where the record came from ('db', 'crm'), and a link into that system if it has one. */
  source: string;
  url?: string | null;
}

export interface CustomerQuery {
  phone?: string | null;
  email?: string | null;
  sipUri?: string | null;
}

export interface CustomerLookup {
  /** The best match for a caller ID or the request's phone / e-mail, or null. Never throws for "not found". */
  find(query: CustomerQuery): Promise<CustomerRecord | null>;
}

export interface HistoryItem {
  requestId: string;
  channel: string;
  queue: string;
  status: string;
  outcome: string | null;
  arrivalAt: Date;
  disposition: string | null;
  notes: string | null;
}

/** Earlier contacts of the same customer, newest first. */
export interface ContactHistory {
  history(query: CustomerQuery & { excludeRequestId?: string }, limit: number): Promise<HistoryItem[]>;
}
