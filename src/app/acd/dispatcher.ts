import { randomUUID } from 'node:crypto';
import type { CenterConfig, ServiceQueue } from '../../domain/center-config';
import { NotFoundError } from '../../domain/errors';
import { FINAL_STATUSES, type HelpRequest } from '../../domain/help-request';
import { selectAgent } from '../../domain/routing';
import type { CallRecords } from '../../ports/call-records';
import type { Clock, TimerHandle } from '../../ports/clock';
import type { ContactQueue, ListEntry } from '../../ports/contact-queue';
import type { HelpRequestRepository } from '../../ports/help-request-repository';
import type { Logger } from '../../ports/logger';
import type { AgentConnector, ConnectorHooks } from './agent-connector';
import type { AgentEventBus } from './agent-events';
import type { AgentRoster, RosterAgent } from './agent-roster';
import { CallbackReservation } from './callback-reservation';
import type { CallbackHandler } from './dispatch-contract';
import type { HoldingCallers } from './holding-callers';
import type { ScreenPopBuilder } from './screen-pop';

/** How long an agent whose reservation another controller refused is left out before trying again. */
const REFUSED_RETRY_MS = 5_000;

/** A callback the dialer may claim now (any other status is settled by the dispatcher itself). */
function isDialable(request: HelpRequest): boolean {
  return request.status === 'queued' || request.status === 'scheduled';
}

export interface DispatcherDeps {
  center: CenterConfig;
  roster: AgentRoster;
  queue: ContactQueue;
  requests: HelpRequestRepository;
  callbacks: CallbackHandler;
  callers: HoldingCallers;
  pops: ScreenPopBuilder;
  bus: AgentEventBus;
  records: CallRecords;
  clock: Clock;
  log: Logger;
  /** Identifies this process as the holder of entries it takes. */
  holderId: string;
  /** Safety net for entries added by other processes: look again this often while agents are free. */
  pollIntervalMs?: number;
}

/**
 * The only place where work meets agents. A pass runs whenever an agent becomes available, an
 * entry is added or falls due, or a poll fires; passes never overlap, so no agent is offered two
 * contacts even when two contacts become due in the same instant. Each step: peek the best due
 * entry over the queues of the free agents, choose the agent for its queue (skill, then the
 * queue's strategy), reserve that agent, then take the agent's best entry from the list. Only
 * then is anything dialled, so callbacks never leave the list faster than agents take them.
 */
export class Dispatcher implements ConnectorHooks {
  private connector: AgentConnector | null = null;
  private running = false;
  private again = false;
  private idleWaiters: Array<() => void> = [];
  private wakeTimer: TimerHandle | null = null;
  private pollTimer: TimerHandle | null = null;
  private stopped = false;
  private readonly queues: Map<string, ServiceQueue>;
  private readonly offers = new Map<string, number>();
  private offRoster: (() => void) | null = null;

  constructor(private readonly deps: DispatcherDeps) {
    this.queues = new Map(deps.center.queues.map((q) => [q.id, q]));
  }

  /** The connector rings agents for callers on hold (set once at composition). */
  useConnector(connector: AgentConnector): void {
    this.connector = connector;
  }

  /** The dialer that serves callbacks (it may be built after the dispatcher). */
  useCallbackHandler(handler: CallbackHandler): void {
    this.deps.callbacks = handler;
  }

  start(): void {
    this.stopped = false;
    this.offRoster = this.deps.roster.onChange((agentId, next) => {
      this.deps.bus.publish(agentId, { type: 'state', state: next.state, reason: next.reason, at: next.since.toISOString() });
      if (next.state === 'available') this.kick();
    });
    this.poll();
    this.kick();
  }

  stop(): void {
    this.stopped = true;
    this.offRoster?.();
    if (this.wakeTimer) this.deps.clock.clearTimeout(this.wakeTimer);
    if (this.pollTimer) this.deps.clock.clearTimeout(this.pollTimer);
    this.wakeTimer = this.pollTimer = null;
  }

  /** Asks for a pass (coalesced: a pass already running runs once more). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void this.loop();
  }

  /** Resolves when no pass is running (tests and the benchmark wait on it). */
  whenIdle(): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  wrapUp(agentId: string, queue: ServiceQueue, requestId: string): void {
    const { clock, bus, roster } = this.deps;
    bus.publish(agentId, { type: 'ended', requestId, at: clock.now().toISOString(), wrapUpSeconds: queue.wrapUpSeconds });
    const done = () => void roster.applyIfAllowed(agentId, { type: 'wrap-up-done' });
    if (queue.wrapUpSeconds === 0) done();
    else clock.setTimeout(done, queue.wrapUpSeconds * 1000);
  }

  queueConfig(id: string): ServiceQueue {
    const q = this.queues.get(id);
    if (!q) throw new NotFoundError(`queue ${id}`);
    return q;
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.pass();
      } catch (err) {
        this.deps.log.error({ err }, 'dispatch pass failed');
      }
    } while (this.again && !this.stopped);
    this.running = false;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private async pass(): Promise<void> {
    const { roster, queue, clock, log } = this.deps;
    // Agents whose reservation the database refused in this pass (another process holds them).
    const refused = new Set<string>();
    for (let guard = 0; guard < 10_000; guard++) {
      const now = clock.now();
      const free = roster.available(now).filter((a) => !refused.has(a.definition.id));
      if (free.length === 0) return this.wakeAfterCooldown(now);
      const queues = [...new Set(free.flatMap((a) => Object.keys(a.definition.queues)))].sort();
      const best = await queue.peek(queues);
      if (!best) return this.wakeWhenDue(queues);
      const chosen = selectAgent(this.queueConfig(best.queue).strategy, roster.candidatesFor(best.queue, now).filter((c) => !refused.has(c.id)));
      if (!chosen) return;
      // The roster takes the agent at once (no other pass or flow of this process can have it);
      // its conditional database write runs while the entry is taken and its request read. A
      // callback due for dialling goes to the dialer at once, whose claim commits while that
      // write does: nothing rings before both are stored. Everything else waits for the write.
      const reserving = roster.apply(chosen.id, { type: 'reserve' }).then(
        () => true,
        (err: unknown) => {
          log.warn({ err, agentId: chosen.id }, 'agent not reserved; held by another controller');
          roster.setCooldown(chosen.id, new Date(clock.now().getTime() + REFUSED_RETRY_MS));
          return false;
        },
      );
      const taken = await this.takeFor(chosen.agent, best);
      if (!taken?.request || !isDialable(taken.request)) {
        if (!(await reserving)) {
          refused.add(chosen.id);
          if (taken) await queue.requeue(taken.entry.requestId, taken.entry.queue).catch((err: unknown) => log.error({ err, requestId: taken.entry.requestId }, 'requeue failed'));
          continue;
        }
        if (!taken) {
          await roster.applyIfAllowed(chosen.id, { type: 'release' });
          continue;
        }
      }
      const { entry, request } = taken;
      await this.serve(chosen.agent, entry, request, reserving).catch(async (err: unknown) => {
        log.error({ err, requestId: entry.requestId }, 'serving an entry failed; it goes back in its place');
        await queue.requeue(entry.requestId, entry.queue).catch(() => undefined);
        if (await reserving) await roster.applyIfAllowed(chosen.id, { type: 'release' });
      });
    }
  }

  /**
   * Takes the agent's best entry and, for a callback, reads its request (null when nothing was
   * taken). The request of the entry peeked is read while the take runs; it is read again only if
   * the take hands out another entry.
   */
  private async takeFor(agent: RosterAgent, peeked: ListEntry): Promise<{ entry: ListEntry; request: HelpRequest | null } | null> {
    const { queue, requests, log } = this.deps;
    const early = peeked.kind === 'caller' ? null : requests.findById(peeked.requestId);
    early?.catch(() => undefined);
    try {
      const entry = await queue.take(this.queuesOf(agent), `${this.deps.holderId}:${agent.definition.id}`);
      if (!entry) return null;
      if (entry.kind === 'caller') return { entry, request: null };
      const reading = early && entry.requestId === peeked.requestId ? early : requests.findById(entry.requestId);
      const request = await reading.catch((err: unknown) => {
        log.error({ err, requestId: entry.requestId }, 'reading the request failed; it goes back in its place');
        return queue.requeue(entry.requestId, entry.queue).then(() => Promise.reject(err));
      });
      return { entry, request };
    } catch (err) {
      log.error({ err }, 'take failed');
      return null;
    }
  }

  /** The agent's queues, primary skills first (the list orders by priority and arrival across them). */
  private queuesOf(agent: RosterAgent): string[] {
    const skills = agent.definition.queues;
    return Object.keys(skills).sort((a, b) => skills[a]! - skills[b]! || (a < b ? -1 : 1));
  }

  /** Serves a taken entry; `held` is the agent's reservation write, already settled unless the entry is a dialable callback. */
  private async serve(agent: RosterAgent, entry: ListEntry, request: HelpRequest | null, held: Promise<boolean>): Promise<void> {
    const { queue, roster, log } = this.deps;
    const agentId = agent.definition.id;
    const queueConfig = this.queueConfig(entry.queue);
    if (entry.kind === 'caller') {
      const caller = this.deps.callers.get(entry.requestId);
      if (!caller || caller.io.isGone || !this.connector) {
        log.warn({ requestId: entry.requestId }, 'caller entry without a caller on hold here; removed');
        await queue.remove(entry.requestId, entry.queue);
        await roster.applyIfAllowed(agentId, { type: 'release' });
        return;
      }
      caller.offering = true;
      const attemptNo = (this.offers.get(entry.requestId) ?? 0) + 1;
      this.offers.set(entry.requestId, attemptNo);
      this.popLater(agentId, entry.requestId, 'caller');
      await this.connector.ring(agent, caller, entry, queueConfig, attemptNo);
      return;
    }
    // No status change here: the dialer's claim moves the request from queued (or scheduled) to
    // dialling in one transaction with its attempt row, which is what keeps it from being dialled
    // twice; a separate 'reserved' commit would only add to the time before the customer is rung.
    const reserved = request && isDialable(request) ? request : null;
    if (!reserved) {
      if (!request || FINAL_STATUSES.includes(request.status)) {
        await queue.remove(entry.requestId, entry.queue);
      } else {
        // Held by an attempt or reservation of an earlier life of the controller: the dialer's reconcile settles it.
        await queue.requeue(entry.requestId, entry.queue, { dueAt: new Date(this.deps.clock.now().getTime() + 60_000) });
      }
      await roster.applyIfAllowed(agentId, { type: 'release' });
      return;
    }
    const attemptNo = (this.offers.get(entry.requestId) ?? 0) + 1;
    this.offers.set(entry.requestId, attemptNo);
    const offerId = `reservation-${randomUUID()}`;
    this.deps.records.offerStarted({ requestId: entry.requestId, agentId, channelId: offerId, attemptNo, startedAt: this.deps.clock.now() }).catch((err: unknown) => log.error({ err }, 'record failed: offer start'));
    const reservation = new CallbackReservation({ id: agentId, name: agent.definition.name, endpoint: agent.definition.endpoint }, entry, reserved, queueConfig, { ...this.deps, hooks: this }, offerId, held);
    void held.then((ok) => ok && this.popLater(agentId, entry.requestId, 'callback', reserved));
    this.deps.callbacks.serveCallback(reservation).catch(async (err: unknown) => {
      log.error({ err, requestId: entry.requestId }, 'the dialer failed to serve a callback');
      await reservation.settle({ kind: 'requeue' });
    });
  }

  /** Sends the screen pop without holding up the dialling. */
  private popLater(agentId: string, requestId: string, kind: 'caller' | 'callback', known?: HelpRequest): void {
    const { requests, pops, bus, clock, log } = this.deps;
    void (async () => {
      const request = known ?? (await requests.findById(requestId));
      if (!request) return;
      bus.publish(agentId, { type: 'offer', pop: await pops.build(request, kind, clock.now()) });
    })().catch((err: unknown) => log.warn({ err, requestId }, 'screen pop failed'));
  }

  private async wakeWhenDue(queues: string[]): Promise<void> {
    const next = await this.deps.queue.nextDueAt(queues);
    this.setWake(next);
  }

  private wakeAfterCooldown(now: Date): void {
    const times = this.deps.roster
      .list()
      .filter((a) => a.status.state === 'available' && a.cooldownUntil && a.cooldownUntil > now)
      .map((a) => a.cooldownUntil!.getTime());
    this.setWake(times.length ? new Date(Math.min(...times)) : null);
  }

  private setWake(at: Date | null): void {
    const { clock } = this.deps;
    if (this.wakeTimer) clock.clearTimeout(this.wakeTimer);
    this.wakeTimer = null;
    if (!at || this.stopped) return;
    this.wakeTimer = clock.setTimeout(() => {
      this.wakeTimer = null;
      this.kick();
    }, Math.max(0, at.getTime() - clock.now().getTime()));
  }

  private poll(): void {
    const ms = this.deps.pollIntervalMs;
    if (!ms || this.stopped) return;
    this.pollTimer = this.deps.clock.setTimeout(() => {
      if (this.deps.roster.available().length > 0) this.kick();
      this.poll();
    }, ms);
  }
}
