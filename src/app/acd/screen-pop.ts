import type { HelpRequest } from '../../domain/help-request';
import type { ContactHistory, CustomerLookup, CustomerRecord, HistoryItem } from '../../ports/customer-lookup';
import type { Logger } from '../../ports/logger';

/** Everything an agent sees when a contact is offered. */
export interface ScreenPop {
  requestId: string;
  queue: string;
  kind: 'caller' | 'callback';
  channel: string;
  callerNumber: string | null;
  name: string | null;
  email: string | null;
  sipUri: string | null;
  pageUrl: string | null;
  message: string | null;
  /** Name of the voice message recording, for channel 'voicemail'. */
  recording: string | null;
  ivrChoices: string[];
  arrivalAt: string;
  waitedSeconds: number;
  customer: CustomerRecord | null;
  history: Array<Omit<HistoryItem, 'arrivalAt'> & { arrivalAt: string }>;
}

/** Builds screen pops: the request's own data, the customer record and the earlier contacts. */
export class ScreenPopBuilder {
  constructor(
    private readonly customers: CustomerLookup,
    private readonly history: ContactHistory,
    private readonly log: Logger,
    private readonly historyLimit = 10,
  ) {}

  async build(request: HelpRequest, kind: 'caller' | 'callback', now: Date): Promise<ScreenPop> {
    const query = { phone: request.phone, email: request.email, sipUri: request.sipUri };
    const [customer, items] = await Promise.all([
      this.customers.find(query).catch((err: unknown) => {
        this.log.warn({ err, requestId: request.id }, 'customer lookup failed');
        return null;
      }),
      this.history.history({ ...query, excludeRequestId: request.id }, this.historyLimit).catch((err: unknown) => {
        this.log.warn({ err, requestId: request.id }, 'contact history failed');
        return [];
      }),
    ]);
    const ctx = request.context;
    return {
      requestId: request.id,
      queue: request.queue,
      kind,
      channel: request.channel,
      callerNumber: request.phone,
      name: request.name ?? customer?.name ?? null,
      email: request.email,
      sipUri: request.sipUri,
      pageUrl: request.pageUrl,
      message: request.message,
      recording: typeof ctx.recording === 'string' ? ctx.recording : null,
      ivrChoices: Array.isArray(ctx.ivrChoices) ? ctx.ivrChoices.filter((c): c is string => typeof c === 'string') : [],
      arrivalAt: request.arrivalAt.toISOString(),
      waitedSeconds: Math.max(0, Math.round((now.getTime() - request.arrivalAt.getTime()) / 1000)),
      customer,
      history: items.map((h) => ({ ...h, arrivalAt: h.arrivalAt.toISOString() })),
    };
  }
}
