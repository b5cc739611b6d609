import type { AttemptOutcome } from '../../domain/call-outcome';
import { nextCallableTime, zonesForCountry } from '../../domain/calling-hours';
import { buildDialString } from '../../domain/dial-string';
import type { Destination } from '../../domain/destination-policy';
import type { CallbackMode, CallbackSettings } from '../../domain/dialling-settings';
import { ConflictError, DomainError } from '../../domain/errors';
import type { HelpRequest, RequestStatus } from '../../domain/help-request';
import type { AttemptRepository, ContactAttempt } from '../../ports/attempt-repository';
import type { CallControl } from '../../ports/call-control';
import type { Clock } from '../../ports/clock';
import type { ListEntry } from '../../ports/contact-queue';
import type { HelpRequestRepository } from '../../ports/help-request-repository';
import type { Logger } from '../../ports/logger';
import type { Mailer } from '../../ports/mailer';
import type { CallbackHandler, Reservation, ReservationOutcome, ReservedAgent } from '../acd/dispatch-contract';
import { agentFirstFlow } from './agent-first.flow';
import { AttemptLease } from './attempt-lease';
import { customerFirstFlow } from './customer-first.flow';
import type { CallbackProgress, FlowContext, FlowResult } from './flow-context';
import { ivrCallbackFlow } from './ivr-callback.flow';
import { outcomeMail } from './outcome-mail';
import { settleAttempt } from './settle-attempt';

export interface QueueDialling {
  mode: CallbackMode;
  callback: CallbackSettings;
}

export interface CallbackDialerDeps {
  callControl: CallControl;
  requests: Pick<HelpRequestRepository, 'findById' | 'transition'>;
  attempts: AttemptRepository;
  clock: Clock;
  logger: Logger;
  mailer: Mailer | null;
  /** The queue's dialling settings (from the center configuration). */
  queueDialling(queue: string): QueueDialling;
  /** The intake's destination policy, applied again at dial time; throws for a destination no longer allowed. */
  destinationPolicy: { check(destination: { phone?: string | null; sipUri?: string | null }): Destination };
  /** This controller process (unique per process), written on every attempt it owns. */
  owner: string;
  leaseMs?: number;
  /** How long to wait before trying again while the Stasis WebSocket is down. */
  deferWhileDisconnectedMs?: number;
}

/** One due callback with the agent reserved for it (none for an automated IVR callback). */
export interface CallbackWork {
  request: HelpRequest;
  entry: ListEntry;
  agent: ReservedAgent | null;
  settle(outcome: ReservationOutcome): Promise<void>;
  /** See Reservation.agentHeld: awaited (with the claim) before anything is dialled. */
  agentHeld?: Promise<boolean>;
  /** Told when the customer and the agent are bridged. */
  connected?(): void;
}

/** Statuses from which a callback may be claimed for dialling. */
const CLAIMABLE: readonly RequestStatus[] = ['reserved', 'queued', 'scheduled'];

const FLOWS: Record<CallbackMode, (ctx: FlowContext) => Promise<FlowResult>> = {
  'agent-first': agentFirstFlow,
  'customer-first': customerFirstFlow,
  ivr: ivrCallbackFlow,
};

/** What the dial-time checks decide for a request: refuse it, call it later, or dial this endpoint. */
type DialDecision =
  | { kind: 'refused'; error: DomainError }
  | { kind: 'later'; dueAt: Date; zones: string[] }
  | { kind: 'dial'; endpoint: string; zones: string[] };

/**
 * The outbound callback dialer. The dispatcher hands it a due callback with a reserved agent; it
 * checks the destination again, the connection and the calling window, claims the request exactly
 * once (a conditional status change plus a unique open attempt with a lease), runs the queue's
 * callback flow, records the attempt, and reschedules or closes the request. It settles the
 * reservation exactly once, whatever happens.
 */
export class CallbackDialer implements CallbackHandler {
  private readonly active = new Map<string, AbortController>();
  private readonly leaseMs: number;

  constructor(private readonly deps: CallbackDialerDeps) {
    this.leaseMs = deps.leaseMs ?? 30_000;
  }

  serveCallback(reservation: Reservation): Promise<void> {
    return this.serve({
      request: reservation.request,
      entry: reservation.entry,
      agent: reservation.agent,
      settle: (o) => reservation.settle(o),
      ...(reservation.agentHeld ? { agentHeld: reservation.agentHeld } : {}),
      connected: () => reservation.markConnected?.(),
    });
  }

  /** Attempts in progress in this process. */
  activeCount(): number {
    return this.active.size;
  }

  /** Cancels the attempt running for a request in this process (hangs up its legs). */
  cancel(requestId: string): boolean {
    const a = this.active.get(requestId);
    if (!a) return false;
    a.abort('cancelled');
    return true;
  }

  /** Aborts every running attempt (shutdown); each is recorded and rescheduled as interrupted. */
  abortAll(): void {
    for (const a of this.active.values()) a.abort('shutdown');
  }

  async serve(work: CallbackWork): Promise<void> {
    let settled = false;
    const settle = async (o: ReservationOutcome) => {
      if (settled) return;
      settled = true;
      await work.settle(o);
    };
    const log = this.deps.logger.child({ requestId: work.request.id, agentId: work.agent?.id });
    try {
      await this.serveOnce(work, settle, log);
    } catch (err) {
      log.error({ err }, 'callback attempt failed unexpectedly; putting the request back');
      if (!settled) await settle({ kind: 'requeue', dueAt: new Date(this.deps.clock.now().getTime() + 60_000) }).catch(() => undefined);
      throw err;
    }
  }

  /** Dial-time checks: the intake's destination policy again, the dial string, the calling window. */
  private decide(request: HelpRequest, settings: CallbackSettings, now: Date): DialDecision {
    let destination: Destination;
    let endpoint: string;
    try {
      destination = this.deps.destinationPolicy.check({ phone: request.phone, sipUri: request.sipUri });
      endpoint = buildDialString(request.sipUri && !request.phone ? { kind: 'voip', sipUri: request.sipUri } : { kind: 'pstn', phone: request.phone ?? '' }, settings);
    } catch (err) {
      if (err instanceof DomainError) return { kind: 'refused', error: err };
      throw err;
    }
    const zones = zonesForCountry(destination.kind === 'phone' ? destination.country : null, stringOr(request.context.timeZone), settings.timeZone);
    const callable = nextCallableTime(now, settings.callingWindow, zones, request.preferredAt);
    if (callable.getTime() > now.getTime()) return { kind: 'later', dueAt: callable, zones };
    return { kind: 'dial', endpoint, zones };
  }

  private async serveOnce(work: CallbackWork, settle: (o: ReservationOutcome) => Promise<void>, log: Logger): Promise<void> {
    const { requests, clock } = this.deps;
    // The dispatcher hands over the request as it reserved it; anything that moved it since makes
    // the conditional writes below fail, and the request is then read again.
    const request = work.request;
    const letGo = async (why: string) => {
      const current = await requests.findById(request.id);
      log.info({ status: current?.status, why }, 'callback no longer waiting here; nothing to dial');
      await settle({ kind: 'done' });
    };
    if (!CLAIMABLE.includes(request.status)) return letGo('not claimable');
    const { mode, callback: settings } = this.deps.queueDialling(request.queue);
    if (mode !== 'ivr' && !work.agent) throw new Error(`a ${mode} callback needs a reserved agent`);
    const now = clock.now();

    if (!this.deps.callControl.isConnected()) {
      const dueAt = new Date(now.getTime() + (this.deps.deferWhileDisconnectedMs ?? 5000));
      log.warn('call control is disconnected; deferring the callback');
      if (!(await requests.transition(request.id, CLAIMABLE, { status: 'scheduled', dueAt }))) return letGo('moved while deferring');
      await settle({ kind: 'requeue', dueAt });
      return;
    }

    const decision = this.decide(request, settings, now);
    if (decision.kind === 'refused') {
      const err = decision.error;
      log.warn({ code: err.code, field: err.field }, 'destination refused at dial time; closing the request');
      const closed = await requests.transition(request.id, CLAIMABLE, { status: 'failed', outcome: 'forbidden' }, {
        actor: 'dialer',
        action: 'callback.refused',
        entityType: 'help_request',
        entityId: request.id,
        details: { code: err.code, message: err.message },
      });
      await settle({ kind: 'done' });
      if (closed) await this.notify(closed, 'failed', 'forbidden');
      return;
    }
    if (decision.kind === 'later') {
      log.info({ dueAt: decision.dueAt, zones: decision.zones }, 'outside the calling window or before the preferred time; scheduled');
      if (!(await requests.transition(request.id, CLAIMABLE, { status: 'scheduled', dueAt: decision.dueAt }))) return letGo('moved while scheduling');
      await settle({ kind: 'requeue', dueAt: decision.dueAt });
      return;
    }
    const { endpoint, zones } = decision;

    const context = { ...request.context, progress: 'dialling' };
    // The claim's commit and the agent's reservation write (started by the dispatcher) run at the
    // same time; nothing is dialled before both are stored.
    const claiming = this.deps.attempts
      .claim(
        { requestId: request.id, mode, owner: this.deps.owner, leaseUntil: new Date(now.getTime() + this.leaseMs), startedAt: now, agentId: work.agent?.id ?? null, dialString: endpoint },
        CLAIMABLE,
        context,
      )
      .catch((err: unknown) => {
        if (err instanceof ConflictError) return null;
        throw err;
      });
    const [attempt, agentHeld] = await Promise.all([claiming, work.agentHeld ?? true]);
    if (!attempt) return letGo('claimed elsewhere');
    if (!agentHeld) {
      log.warn('the reserved agent is held by another controller; the callback goes back in its place');
      if (!(await this.deps.attempts.unclaim(attempt, request.status))) return letGo('moved while giving the claim back');
      await settle({ kind: 'requeue' });
      return;
    }
    const claimed: HelpRequest = { ...request, status: 'dialling', context };

    const result = await this.runFlow(mode, claimed, settings, work, attempt, endpoint, log);
    const final = await settleAttempt({ ...this.deps, log }, { request: claimed, attempt, settings, zones, result, agent: work.agent, settle });
    if (final) await this.notify(final.request, final.status, result.outcome);
  }

  private async runFlow(
    mode: CallbackMode,
    request: HelpRequest,
    settings: CallbackSettings,
    work: CallbackWork,
    attempt: ContactAttempt,
    endpoint: string,
    log: Logger,
  ): Promise<FlowResult> {
    const abort = new AbortController();
    this.active.set(request.id, abort);
    const lease = new AttemptLease(this.deps, attempt.id, request.id, this.deps.owner, this.leaseMs, (why) => abort.abort(why));
    lease.start();
    const progress = async (step: CallbackProgress, detail?: { customerChannelId?: string; agentChannelId?: string }) => {
      log.info({ step, ...detail }, 'callback progress');
      if (detail?.customerChannelId) await this.deps.attempts.update(attempt.id, { channelId: detail.customerChannelId });
      if (step === 'connected') {
        await this.deps.attempts.update(attempt.id, { answeredAt: this.deps.clock.now() });
        work.connected?.();
      }
      const patch = step === 'connected' ? { status: 'connected' as const } : {};
      await this.deps.requests.transition(request.id, ['dialling', 'connected'], { ...patch, context: { ...request.context, progress: step } });
    };
    try {
      const result = await FLOWS[mode]({ cc: this.deps.callControl, clock: this.deps.clock, logger: log, signal: abort.signal, request, settings, agent: work.agent, attemptNo: attempt.attemptNo, customerEndpoint: endpoint, progress });
      // Hung up because this process is stopping or lost the attempt: not the customer's cancellation.
      if (abort.signal.aborted && abort.signal.reason !== 'cancelled') return { ...result, outcome: 'interrupted' };
      return result;
    } catch (err) {
      log.error({ err }, 'callback flow failed');
      return { outcome: 'interrupted', answeredAt: null, dialStatus: null, hangupCause: null, customerDialled: false };
    } finally {
      lease.stop();
      this.active.delete(request.id);
    }
  }

  private async notify(request: HelpRequest, status: 'completed' | 'failed' | 'cancelled', outcome: AttemptOutcome): Promise<void> {
    if (!this.deps.mailer || !request.email) return;
    const message = outcomeMail(request, status, outcome, request.attempts);
    if (!message) return;
    try {
      await this.deps.mailer.send(message);
    } catch (err) {
      this.deps.logger.warn({ err, requestId: request.id }, 'could not send the outcome e-mail');
    }
  }
}

function stringOr(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}
