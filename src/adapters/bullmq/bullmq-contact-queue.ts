import { Queue, Worker, type Job, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { ConflictError, DomainError, NotFoundError, UnavailableError, ValidationError } from '../../domain/errors';
import { MAX_PRIORITY, MIN_PRIORITY } from '../../domain/help-request';
import type { ContactQueue, EntryKind, ListedEntry, ListEntry } from '../../ports/contact-queue';
import type { Logger } from '../../ports/logger';
import { luaCommand, type LuaCommand } from '../redis/lua-command';
import { reportConnectionErrors } from '../redis/redis-connection';
import { ADD, PROMOTE, READ, REMOVE, RESCHEDULE, TAKE } from './combined-list-scripts';

/**
 * The combined list over BullMQ and Redis.
 *
 * Each entry is one BullMQ job in the BullMQ queue named after its service queue (job id = request
 * id, so a request can never be enqueued twice; priority = band, 1..N). The job is the entry's
 * durable record and its timer: an entry that is not due yet is a delayed job, and when BullMQ's
 * worker picks it up at its due time the entry is promoted and `onDue` listeners are woken. The
 * job then stays (completed) as the record until the entry leaves the list.
 *
 * BullMQ orders by priority then insertion, but the combined list must be served by priority
 * then ORIGINAL arrival (an IVR caller turned callback, or a requeued entry, keeps its place).
 * So the order lives in an index of sorted sets (see combined-list-scripts.ts) that Lua scripts
 * change atomically: `take` is one script, so two processes never take the same entry.
 */
export interface BullmqContactQueueOptions {
  /** A command connection (fails fast): used by the index scripts and the BullMQ producers. */
  redis: Redis;
  /** Key prefix of the BullMQ queues and the index (QUEUE_PREFIX). */
  prefix: string;
  /** Builds a blocking connection (`maxRetriesPerRequest: null`) for a promoter worker. */
  createBlockingConnection?: () => Redis;
  logger?: Logger;
  now?: () => number;
}

type Stored = { r: string; q: string; k: EntryKind; p: string; a: string; d: string; h?: string };

interface PendingJob {
  stored: Stored;
  resolve: () => void;
  reject: (err: unknown) => void;
}

const NAME = /^[A-Za-z0-9_-]{1,64}$/;
const UNAVAILABLE = 'the combined list is unavailable';

export class BullmqContactQueue implements ContactQueue {
  private readonly queues = new Map<string, Queue>();
  private readonly workers = new Map<string, { worker: Worker; connection: Redis }>();
  private readonly dueListeners = new Set<(queue: string, requestId: string) => void>();
  private readonly now: () => number;
  /** The index scripts, sent by SHA1 (EVALSHA). */
  private readonly scripts: Record<'add' | 'take' | 'reschedule' | 'remove' | 'read' | 'promote', LuaCommand>;
  /**
   * The BullMQ producers' own connection, without auto-pipelining. BullMQ defines its ~50 scripts
   * on the connection it is given, and ioredis copies every script of a connection into each
   * auto-pipeline it builds: on the shared command connection that was two copies per accepted
   * request (rate limits, list add), a measurable share of the intake's CPU.
   */
  private readonly producer: Redis;
  /** Jobs of entries added in this tick, created together at its end. */
  private readonly jobBatch: PendingJob[] = [];
  private closed = false;

  constructor(private readonly options: BullmqContactQueueOptions) {
    this.now = options.now ?? Date.now;
    const redis = options.redis;
    this.producer = redis.duplicate({ enableAutoPipelining: false, connectionName: redis.options.connectionName ? `${redis.options.connectionName}-bullmq` : undefined });
    reportConnectionErrors(this.producer, options.logger, { role: 'combined-list producer' });
    this.scripts = {
      add: luaCommand(redis, 'ccListAdd', ADD),
      take: luaCommand(redis, 'ccListTake', TAKE),
      reschedule: luaCommand(redis, 'ccListReschedule', RESCHEDULE),
      remove: luaCommand(redis, 'ccListRemove', REMOVE),
      read: luaCommand(redis, 'ccListRead', READ),
      promote: luaCommand(redis, 'ccListPromote', PROMOTE),
    };
  }

  /**
   * Runs the BullMQ workers that fire the timers of scheduled entries of these queues. Start it in
   * every process that dispatches; entries are exact without it (each read promotes what is due),
   * but only the workers wake `onDue` listeners.
   */
  async startPromoters(queues: readonly string[]): Promise<void> {
    const make = this.options.createBlockingConnection;
    if (!make) throw new Error('startPromoters needs createBlockingConnection');
    for (const queue of queues) {
      checkName('queue', queue);
      if (this.workers.has(queue)) continue;
      const connection = make();
      const worker = new Worker(queue, (job: Job) => this.fire(queue, job), { connection, prefix: this.options.prefix, concurrency: 8 });
      worker.on('error', (err) => this.options.logger?.warn({ err, queue }, 'combined-list promoter error'));
      this.workers.set(queue, { worker, connection });
      await worker.waitUntilReady();
    }
  }

  /** Called when a scheduled entry becomes due (from a promoter worker of this process). */
  onDue(listener: (queue: string, requestId: string) => void): () => void {
    this.dueListeners.add(listener);
    return () => this.dueListeners.delete(listener);
  }

  async add(entry: ListEntry): Promise<number | null> {
    checkEntry(entry);
    const stored: Stored = {
      r: entry.requestId,
      q: entry.queue,
      k: entry.kind,
      p: String(entry.priority),
      a: String(entry.arrivalAt.getTime()),
      d: String(entry.dueAt.getTime()),
    };
    const k = this.keys(entry.queue);
    // Both idempotent (BullMQ ignores an add whose job id exists), so they go out together. The
    // index scripts of one tick share a write (the command connection pipelines them), and so do
    // the jobs (see addJobSoon).
    const [position] = await Promise.all([
      this.redisCall(() => this.scripts.add([k.entries, k.due, k.sched], [entry.requestId, JSON.stringify(stored), String(this.now())])),
      this.addJobSoon(stored),
    ]);
    return Number(position) > 0 ? Number(position) : null;
  }

  /**
   * Creates the entry's job together with those of the other entries added in the same tick: the
   * requests of one intake batch are committed together and listed together, and their jobs then
   * go to Redis as one pipeline per queue (BullMQ's addBulk) instead of a round trip each.
   */
  private addJobSoon(stored: Stored): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.jobBatch.length === 0) process.nextTick(() => this.flushJobs());
      this.jobBatch.push({ stored, resolve, reject });
    });
  }

  private flushJobs(): void {
    const byQueue = new Map<string, PendingJob[]>();
    for (const job of this.jobBatch.splice(0)) {
      const jobs = byQueue.get(job.stored.q);
      if (jobs) jobs.push(job);
      else byQueue.set(job.stored.q, [job]);
    }
    for (const [queue, jobs] of byQueue) {
      void this.redisCall(() => this.queue(queue).addBulk(jobs.map(({ stored }) => ({ name: 'entry', data: toEntry(stored), opts: this.jobOptions(stored) })))).then(
        () => jobs.forEach((j) => j.resolve()),
        (err: unknown) => jobs.forEach((j) => j.reject(err)),
      );
    }
  }

  async take(queues: readonly string[], holder: string): Promise<ListEntry | null> {
    return this.best(queues, holder, true);
  }

  async peek(queues: readonly string[]): Promise<ListEntry | null> {
    return this.best(queues, '', false);
  }

  async requeue(requestId: string, queue: string, opts: { dueAt?: Date; priority?: number } = {}): Promise<void> {
    const result = await this.reschedule('requeue', requestId, queue, opts);
    if (result === -1) throw new NotFoundError(`list entry ${requestId}`);
  }

  async update(requestId: string, queue: string, patch: { priority?: number; dueAt?: Date }): Promise<void> {
    const result = await this.reschedule('update', requestId, queue, patch);
    if (result === -1) throw new NotFoundError(`list entry ${requestId}`);
    if (result === 0) throw new ConflictError(`list entry ${requestId} is being served and cannot be changed`);
  }

  /**
   * Removes the entry only while it is still taken: when a dialler that lost its lease settles late,
   * the entry another process has put back in the meantime stays in the list.
   */
  async complete(requestId: string, queue: string): Promise<void> {
    await this.drop(requestId, queue, true);
  }

  async remove(requestId: string, queue: string): Promise<boolean> {
    return this.drop(requestId, queue, false);
  }

  private async drop(requestId: string, queue: string, onlyTaken: boolean): Promise<boolean> {
    checkName('queue', queue);
    const k = this.keys(queue);
    const raw = await this.redisCall(() => this.scripts.remove([k.entries, k.due, k.sched, k.taken], [requestId, onlyTaken ? '1' : '0']));
    if (raw === null && onlyTaken) return false;
    await this.removeJob(queue, requestId);
    return raw !== null;
  }

  async get(requestId: string, queue: string): Promise<ListedEntry | null> {
    checkName('queue', queue);
    const k = this.keys(queue);
    const reply = (await this.redisCall(() =>
      this.scripts.read([k.entries, k.due, k.sched, k.taken], [String(this.now()), requestId]),
    )) as [ListedEntry['state'], string, number] | null;
    return reply ? toListed(reply[0], reply[1]) : null;
  }

  async list(queue: string): Promise<ListedEntry[]> {
    checkName('queue', queue);
    const k = this.keys(queue);
    const flat = (await this.redisCall(() => this.scripts.read([k.entries, k.due, k.sched, k.taken], [String(this.now()), '']))) as string[];
    const out: ListedEntry[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) out.push(toListed(flat[i] as ListedEntry['state'], flat[i + 1] as string));
    return out;
  }

  async position(requestId: string, queue: string): Promise<number | null> {
    checkName('queue', queue);
    const k = this.keys(queue);
    const reply = (await this.redisCall(() =>
      this.scripts.read([k.entries, k.due, k.sched, k.taken], [String(this.now()), requestId]),
    )) as [string, string, number] | null;
    return reply && reply[0] === 'waiting' ? reply[2] : null;
  }

  async nextDueAt(queues: readonly string[]): Promise<Date | null> {
    let best: number | null = null;
    for (const queue of queues) {
      checkName('queue', queue);
      const top = await this.redisCall(() => this.options.redis.zrange(this.keys(queue).sched, '0', '0', 'WITHSCORES'));
      if (top[1] !== undefined && (best === null || Number(top[1]) < best)) best = Number(top[1]);
    }
    return best === null ? null : new Date(best);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const { worker, connection } of this.workers.values()) {
      await worker.close().catch(() => undefined);
      connection.disconnect();
    }
    for (const queue of this.queues.values()) await queue.close().catch(() => undefined);
    this.producer.disconnect();
    this.workers.clear();
    this.queues.clear();
  }

  private async best(queues: readonly string[], holder: string, take: boolean): Promise<ListEntry | null> {
    if (queues.length === 0) return null;
    const keys = queues.flatMap((q) => {
      checkName('queue', q);
      const k = this.keys(q);
      return [k.entries, k.due, k.sched, k.taken];
    });
    const raw = (await this.redisCall(() => this.scripts.take(keys, [String(this.now()), holder, take ? '1' : '0']))) as string | null;
    if (raw === null) return null;
    const { state: _state, holder: _holder, ...entry } = toListed('waiting', raw);
    return entry;
  }

  private async reschedule(mode: 'requeue' | 'update', requestId: string, queue: string, opts: { dueAt?: Date; priority?: number }): Promise<number> {
    checkName('queue', queue);
    if (opts.priority !== undefined) checkPriority(opts.priority);
    if (opts.dueAt !== undefined && Number.isNaN(opts.dueAt.getTime())) throw new ValidationError('dueAt', 'must be a valid date');
    const k = this.keys(queue);
    const now = this.now();
    const result = Number(
      await this.redisCall(() =>
        this.scripts.reschedule([k.entries, k.due, k.sched, k.taken], [requestId, String(now), opts.dueAt ? String(opts.dueAt.getTime()) : '', opts.priority === undefined ? '' : String(opts.priority), mode]),
      ),
    );
    if (result === 1) {
      const raw = await this.redisCall(() => this.options.redis.hget(k.entries, requestId));
      if (raw) await this.replaceJob(queue, JSON.parse(raw) as Stored);
    }
    return result;
  }

  /** Makes the entry's job anew after a reschedule (new due time or priority). */
  private async replaceJob(queue: string, stored: Stored): Promise<void> {
    const q = this.queue(queue);
    await this.removeJob(queue, stored.r);
    await this.redisCall(() => q.add('entry', toEntry(stored), this.jobOptions(stored)));
  }

  /** An entry's BullMQ job: delayed until its due time, or run at once (and kept) when due. */
  private jobOptions(stored: Stored): JobsOptions {
    const delay = Math.max(0, Number(stored.d) - this.now());
    return { jobId: stored.r, priority: Number(stored.p), delay, removeOnComplete: false, removeOnFail: false, attempts: 3, backoff: { type: 'exponential', delay: 500 } };
  }

  private async removeJob(queue: string, requestId: string): Promise<void> {
    const q = this.queue(queue);
    for (let attempt = 0; attempt < 3; attempt++) {
      // A job locked by a promoter at this instant cannot be removed; it finishes within milliseconds.
      const removed = await this.redisCall(() => q.remove(requestId)).catch((err: unknown) => {
        if (err instanceof UnavailableError) throw err;
        return 0;
      });
      if (removed === 1) return;
      const state = await this.redisCall(() => q.getJobState(requestId));
      if (state === 'unknown') return;
      await new Promise((r) => setTimeout(r, 20 * (attempt + 1)));
    }
    this.options.logger?.warn({ queue, requestId }, 'combined-list job could not be removed; the index stays authoritative');
  }

  private async fire(queue: string, job: Job): Promise<void> {
    const k = this.keys(queue);
    await this.scripts.promote([k.entries, k.due, k.sched], [String(this.now())]);
    if (job.id === undefined) return;
    // A job fired early (a clock ahead of ours) still promotes nothing too soon: the script uses our clock.
    for (const listener of this.dueListeners) {
      try {
        listener(queue, job.id);
      } catch (err) {
        this.options.logger?.error({ err, queue }, 'onDue listener failed');
      }
    }
  }

  private queue(name: string): Queue {
    let q = this.queues.get(name);
    if (!q) {
      if (this.closed) throw new UnavailableError(UNAVAILABLE);
      q = new Queue(name, { connection: this.producer, prefix: this.options.prefix });
      q.on('error', (err) => this.options.logger?.warn({ err, queue: name }, 'combined-list queue error'));
      this.queues.set(name, q);
    }
    return q;
  }

  private keys(queue: string): { entries: string; due: string; sched: string; taken: string } {
    const base = `${this.options.prefix}:cl:${queue}`;
    return { entries: `${base}:entries`, due: `${base}:due`, sched: `${base}:sched`, taken: `${base}:taken` };
  }

  private async redisCall<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof DomainError) throw err;
      this.options.logger?.warn({ err }, 'combined-list Redis call failed');
      throw new UnavailableError(UNAVAILABLE);
    }
  }
}

function checkName(field: string, value: string): void {
  if (!NAME.test(value)) throw new ValidationError(field, 'must be 1-64 letters, digits, _ or -');
}

function checkPriority(priority: number): void {
  if (!Number.isInteger(priority) || priority < MIN_PRIORITY || priority > MAX_PRIORITY) {
    throw new ValidationError('priority', `must be an integer from ${MIN_PRIORITY} to ${MAX_PRIORITY}`);
  }
}

function checkEntry(entry: ListEntry): void {
  checkName('requestId', entry.requestId);
  checkName('queue', entry.queue);
  checkPriority(entry.priority);
  if (Number.isNaN(entry.arrivalAt.getTime()) || entry.arrivalAt.getTime() < 0) throw new ValidationError('arrivalAt', 'must be a valid date');
  if (Number.isNaN(entry.dueAt.getTime())) throw new ValidationError('dueAt', 'must be a valid date');
}

function toEntry(s: Stored): ListEntry {
  return { requestId: s.r, queue: s.q, kind: s.k, priority: Number(s.p), arrivalAt: new Date(Number(s.a)), dueAt: new Date(Number(s.d)) };
}

function toListed(state: ListedEntry['state'], raw: string): ListedEntry {
  const s = JSON.parse(raw) as Stored;
  return { ...toEntry(s), state, ...(s.h ? { holder: s.h } : {}) };
}
