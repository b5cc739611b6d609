import type { CenterConfig } from '../../domain/center-config';
import type { AgentRepository } from '../../ports/agent-repository';
import type { CallControl } from '../../ports/call-control';
import type { CallRecords } from '../../ports/call-records';
import type { Clock } from '../../ports/clock';
import type { ContactQueue } from '../../ports/contact-queue';
import type { ContactHistory, CustomerLookup } from '../../ports/customer-lookup';
import type { HelpRequestRepository } from '../../ports/help-request-repository';
import type { Logger } from '../../ports/logger';
import { AgentConnector } from './agent-connector';
import { AgentEventBus } from './agent-events';
import { AgentFeatureFlow } from './agent-feature-flow';
import { AgentRoster } from './agent-roster';
import { AgentService } from './agent-service';
import type { CallbackHandler } from './dispatch-contract';
import { Dispatcher } from './dispatcher';
import { HoldingCallers } from './holding-callers';
import type { InboundDeps } from './inbound-deps';
import { InboundFlow } from './inbound-flow';
import { ScreenPopBuilder } from './screen-pop';

export interface AcdDeps {
  center: CenterConfig;
  cc: CallControl;
  queue: ContactQueue;
  requests: HelpRequestRepository;
  agents: AgentRepository;
  records: CallRecords;
  customers: CustomerLookup;
  history: ContactHistory;
  /** The dialer; may also be set later with `useCallbackHandler`. */
  callbacks?: CallbackHandler;
  destinations: InboundDeps['destinations'];
  clock: Clock;
  log: Logger;
  newRequestId(): string;
  /** Holder id of this process in the combined list. */
  holderId: string;
  pollIntervalMs?: number;
}

const NO_DIALER: CallbackHandler = {
  serveCallback: async (r) => r.settle({ kind: 'requeue', dueAt: new Date(Date.now() + 60_000) }),
};

/**
 * The ACD, assembled: the agent roster, the dispatcher, the connector that rings agents for
 * callers on hold, the inbound IVR flow, phone feature codes, screen pops and the agent API
 * service. `start()` writes the configured agents and queues, restores agent states and
 * subscribes the flows; `stop()` unsubscribes and lets running calls finish.
 */
export class Acd {
  readonly roster: AgentRoster;
  readonly bus = new AgentEventBus();
  readonly callers = new HoldingCallers();
  readonly dispatcher: Dispatcher;
  readonly inbound: InboundFlow;
  readonly features: AgentFeatureFlow;
  readonly agentService: AgentService;
  readonly pops: ScreenPopBuilder;
  /** What the inbound flow holds callers with; the dialer's "ring me now" admits its callers through the same. */
  readonly inboundDeps: InboundDeps;
  private connector: AgentConnector | null = null;

  constructor(private readonly deps: AcdDeps) {
    const log = deps.log.child({ component: 'acd' });
    this.roster = new AgentRoster(deps.center.agents, deps.agents, deps.clock, log);
    this.pops = new ScreenPopBuilder(deps.customers, deps.history, log);
    this.dispatcher = new Dispatcher({
      center: deps.center,
      roster: this.roster,
      queue: deps.queue,
      requests: deps.requests,
      callbacks: deps.callbacks ?? NO_DIALER,
      callers: this.callers,
      pops: this.pops,
      bus: this.bus,
      records: deps.records,
      clock: deps.clock,
      log: log.child({ part: 'dispatcher' }),
      holderId: deps.holderId,
      pollIntervalMs: deps.pollIntervalMs,
    });
    this.inboundDeps = {
      center: deps.center,
      cc: deps.cc,
      clock: deps.clock,
      log: log.child({ part: 'inbound' }),
      queue: deps.queue,
      requests: deps.requests,
      records: deps.records,
      callers: this.callers,
      dispatcher: this.dispatcher,
      agentsFor: (q) => this.roster.loggedInFor(q),
      destinations: deps.destinations,
      newRequestId: deps.newRequestId,
    };
    this.inbound = new InboundFlow(this.inboundDeps);
    this.features = new AgentFeatureFlow(deps.center, deps.cc, this.roster, deps.clock, log.child({ part: 'features' }));
    this.agentService = new AgentService(this.roster, deps.records, deps.requests, deps.clock);
  }

  useCallbackHandler(handler: CallbackHandler): void {
    this.dispatcher.useCallbackHandler(handler);
  }

  async start(): Promise<void> {
    await this.deps.agents.sync(this.deps.center.queues, this.deps.center.agents);
    await this.roster.restore();
    this.connector = new AgentConnector(this.deps.cc, this.roster, this.deps.queue, this.deps.requests, this.deps.records, this.bus, this.deps.clock, this.deps.log.child({ component: 'acd', part: 'connector' }), this.dispatcher);
    this.dispatcher.useConnector(this.connector);
    this.inbound.start();
    this.features.start();
    this.dispatcher.start();
  }

  /** A new entry is in the combined list (the intake calls this after adding one). */
  entryAdded(): void {
    this.dispatcher.kick();
  }

  async stop(): Promise<void> {
    this.inbound.stop();
    this.features.stop();
    this.dispatcher.stop();
    await this.dispatcher.whenIdle();
  }
}
