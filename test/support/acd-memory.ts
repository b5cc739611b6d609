import { compareByServiceOrder, type HelpRequest, type RequestStatus } from '../../src/domain/help-request';
import { ConflictError } from '../../src/domain/errors';
import type { AgentState, AgentStatus } from '../../src/domain/agent-state';
import type { AgentRepository } from '../../src/ports/agent-repository';
import type { CallbackStats, CallRecords, QueueIntervalStats } from '../../src/ports/call-records';
import type { Clock } from '../../src/ports/clock';
import type { ContactQueue, ListEntry, ListedEntry } from '../../src/ports/contact-queue';
import type { ContactHistory, CustomerLookup, CustomerRecord, HistoryItem } from '../../src/ports/customer-lookup';
import type { AuditEntry, HelpRequestPatch, HelpRequestRepository, NewHelpRequest } from '../../src/ports/help-request-repository';
import type { Logger } from '../../src/ports/logger';

/** The combined list in memory, with the port's semantics (order, due times, take/requeue/complete). */
export class MemoryContactQueue implements ContactQueue {
  readonly entries = new Map<string, ListedEntry>();
  takes = 0;
  constructor(private readonly clock: Clock) {}

  private key(requestId: string, queue: string) {
    return `${queue}|${requestId}`;
  }
  private order(a: ListEntry, b: ListEntry) {
    return compareByServiceOrder({ ...a, id: a.requestId }, { ...b, id: b.requestId });
  }
  private due(queues: readonly string[]) {
    const now = this.clock.now();
    return [...this.entries.values()].filter((e) => queues.includes(e.queue) && e.state !== 'taken' && e.dueAt <= now).sort((a, b) => this.order(a, b));
  }
  async add(entry: ListEntry) {
    const k = this.key(entry.requestId, entry.queue);
    if (!this.entries.has(k)) this.entries.set(k, { ...entry, state: entry.dueAt > this.clock.now() ? 'scheduled' : 'waiting' });
    return this.positionOf(entry.requestId, entry.queue);
  }
  async take(queues: readonly string[], holder: string) {
    this.takes++;
    const best = this.due(queues)[0];
    if (!best) return null;
    best.state = 'taken';
    best.holder = holder;
    const { state: _s, holder: _h, ...entry } = best;
    return entry;
  }
  async peek(queues: readonly string[]) {
    const best = this.due(queues)[0];
    if (!best) return null;
    const { state: _s, holder: _h, ...entry } = best;
    return entry;
  }
  async requeue(requestId: string, queue: string, opts: { dueAt?: Date; priority?: number } = {}) {
    const e = this.entries.get(this.key(requestId, queue));
    if (!e) return;
    e.state = opts.dueAt && opts.dueAt > this.clock.now() ? 'scheduled' : 'waiting';
    if (opts.dueAt) e.dueAt = opts.dueAt;
    if (opts.priority) e.priority = opts.priority;
    delete e.holder;
  }
  async complete(requestId: string, queue: string) {
    if (this.entries.get(this.key(requestId, queue))?.state === 'taken') this.entries.delete(this.key(requestId, queue));
  }
  async remove(requestId: string, queue: string) {
    return this.entries.delete(this.key(requestId, queue));
  }
  async update(requestId: string, queue: string, patch: { priority?: number; dueAt?: Date }) {
    const e = this.entries.get(this.key(requestId, queue));
    if (e) Object.assign(e, patch);
  }
  async get(requestId: string, queue: string) {
    return this.entries.get(this.key(requestId, queue)) ?? null;
  }
  async list(queue: string) {
    return [...this.entries.values()].filter((e) => e.queue === queue).sort((a, b) => this.order(a, b));
  }
  async position(requestId: string, queue: string) {
    return this.positionOf(requestId, queue);
  }
  private positionOf(requestId: string, queue: string) {
    const i = this.due([queue]).findIndex((e) => e.requestId === requestId);
    return i < 0 ? null : i + 1;
  }
  async nextDueAt(queues: readonly string[]) {
    const now = this.clock.now();
    const times = [...this.entries.values()].filter((e) => queues.includes(e.queue) && e.state !== 'taken' && e.dueAt > now).map((e) => e.dueAt.getTime());
    return times.length ? new Date(Math.min(...times)) : null;
  }
  async close() {}
}

export class MemoryHelpRequests implements HelpRequestRepository {
  readonly rows = new Map<string, HelpRequest & { enqueued: boolean }>();
  readonly audits: AuditEntry[] = [];
  constructor(private readonly clock: Clock) {}
  async create(r: NewHelpRequest, audit: AuditEntry) {
    const open = [...this.rows.values()].find((x) => ['pstn', 'voip', 'ivr', 'click-to-call'].includes(r.channel) && x.channel === r.channel && x.queue === r.queue && x.phone === r.phone && ['queued', 'scheduled', 'reserved', 'dialling', 'connected'].includes(x.status));
    if (open) return { request: strip(open), created: false, clientIp: null, idempotencyKey: null };
    const now = this.clock.now();
    const { idempotencyKey: _i, clientIp: _c, ...rest } = r;
    const row = { ...rest, customerId: r.customerId ?? null, attempts: 0, outcome: null, createdAt: now, updatedAt: now, enqueued: false };
    this.rows.set(r.id, row);
    this.audits.push(audit);
    return { request: strip(row), created: true, clientIp: r.clientIp ?? null, idempotencyKey: r.idempotencyKey ?? null };
  }
  async findById(id: string) {
    const r = this.rows.get(id);
    return r ? strip(r) : null;
  }
  async findByIds(ids: readonly string[]) {
    return ids.flatMap((id) => (this.rows.has(id) ? [strip(this.rows.get(id)!)] : []));
  }
  async transition(id: string, from: readonly RequestStatus[], patch: HelpRequestPatch) {
    const r = this.rows.get(id);
    if (!r || !from.includes(r.status)) return null;
    Object.assign(r, patch, { updatedAt: this.clock.now() });
    return strip(r);
  }
  async markEnqueued(id: string) {
    const r = this.rows.get(id);
    if (r) r.enqueued = true;
  }
  async findNotEnqueued() {
    return [];
  }
  async findClosedVoiceMessages(closedBefore: Date, limit: number) {
    return [...this.rows.values()]
      .filter((r) => r.channel === 'voicemail' && ['completed', 'failed', 'cancelled'].includes(r.status) && r.updatedAt < closedBefore && typeof r.context.recording === 'string')
      .sort((a, b) => a.updatedAt.getTime() - b.updatedAt.getTime())
      .slice(0, limit)
      .map(strip);
  }
  async findByStatus(statuses: readonly RequestStatus[], queue?: string) {
    return [...this.rows.values()].filter((r) => statuses.includes(r.status) && (!queue || r.queue === queue));
  }
  async audit(entry: AuditEntry) {
    this.audits.push(entry);
  }
  async auditTrail() {
    return [];
  }
}

function strip(row: HelpRequest & { enqueued: boolean }): HelpRequest {
  const { enqueued: _e, ...request } = row;
  return { ...request, context: { ...request.context } };
}

export class MemoryAgentRepository implements AgentRepository {
  readonly states = new Map<string, AgentStatus>();
  readonly log: Array<{ agentId: string; state: AgentState; reason: string | null }> = [];
  /** Makes the next conditional write fail, as if another process had moved the agent. */
  refuseNext = 0;
  async sync() {}
  async loadStates() {
    return new Map(this.states);
  }
  async saveState(agentId: string, from: AgentState, next: AgentStatus) {
    const current = this.states.get(agentId);
    if (this.refuseNext > 0) {
      this.refuseNext--;
      return false;
    }
    if ((current?.state ?? 'logged-out') !== from) return false;
    this.states.set(agentId, next);
    this.log.push({ agentId, state: next.state, reason: next.reason });
    return true;
  }
}

export class MemoryCallRecords implements CallRecords {
  readonly calls = new Map<string, Record<string, unknown>>();
  readonly queueEntries: Array<Record<string, unknown>> = [];
  readonly offers: Array<Record<string, unknown>> = [];
  readonly dispositions: Array<Record<string, unknown>> = [];
  async callStarted(call: { id: string }) {
    this.calls.set(call.id, { ...call });
  }
  async callUpdated(id: string, patch: Record<string, unknown>) {
    this.calls.set(id, { ...(this.calls.get(id) ?? {}), ...patch });
  }
  async queueEntered(e: Record<string, unknown>) {
    this.queueEntries.push({ ...e });
  }
  async queueLeft(requestId: string, exit: Record<string, unknown>) {
    const e = this.queueEntries.find((x) => x.requestId === requestId && !x.outcome);
    if (e) Object.assign(e, exit);
  }
  async offerStarted(o: Record<string, unknown>) {
    this.offers.push({ ...o });
  }
  async offerEnded(channelId: string, end: Record<string, unknown>) {
    const o = this.offers.find((x) => x.channelId === channelId);
    if (o) Object.assign(o, end);
  }
  async setDisposition(d: Record<string, unknown>) {
    this.dispositions.push({ ...d });
  }
  async wasOfferedTo(requestId: string, agentId: string) {
    return this.offers.some((o) => o.requestId === requestId && o.agentId === agentId);
  }
  async callbackStats(): Promise<CallbackStats> {
    return { requested: 0, completed: 0, failed: 0, cancelled: 0, open: 0, attempts: 0, firstAttemptSeconds: null, connectSeconds: null, reachRate: null };
  }
  async queueStats(): Promise<QueueIntervalStats[]> {
    return [];
  }
}

export class MemoryCustomers implements CustomerLookup, ContactHistory {
  constructor(
    readonly customers: CustomerRecord[] = [],
    readonly items: HistoryItem[] = [],
  ) {}
  async find(q: { phone?: string | null; email?: string | null }) {
    return this.customers.find((c) => (q.phone && c.phone === q.phone) || (q.email && c.email === q.email)) ?? null;
  }
  async history() {
    return this.items;
  }
}

/** A logger that keeps nothing (set DEBUG_ACD=1 to see the lines). */
export const quietLogger: Logger = {
  child: () => quietLogger,
  trace: () => undefined,
  debug: () => undefined,
  info: (o, m) => process.env.DEBUG_ACD && console.log('info', m, JSON.stringify(o)),
  warn: (o, m) => process.env.DEBUG_ACD && console.log('warn', m, JSON.stringify(o)),
  error: (o, m) => process.env.DEBUG_ACD && console.log('error', m, o),
};

export { ConflictError };
