import type { ReservationOutcome, ReservedAgent } from '../../src/app/acd/dispatch-contract';
import { CallbackDialer, type CallbackDialerDeps } from '../../src/app/dialer/callback-dialer';
import { DestinationPolicy } from '../../src/domain/destination-policy';
import { parseCallbackSettings, type CallbackMode, type CallbackSettingsInput } from '../../src/domain/dialling-settings';
import type { HelpRequest } from '../../src/domain/help-request';
import type { NewHelpRequest } from '../../src/ports/help-request-repository';
import { FakeCallControl, flush } from '../support/fake-call-control';
import { FakeClock } from '../support/fake-clock';
import { MemoryAttempts, MemoryMailer, MemoryRequests, newRequest, silentLogger } from './dialer-support';

export const AGENT: ReservedAgent = { id: 'agent-7', name: 'Grace', endpoint: 'PJSIP/agent-1007' };

/** A dialer on fakes, at Monday 2030-01-07 12:00 UTC (inside the London calling window). */
export function dialerHarness(mode: CallbackMode, callback: CallbackSettingsInput = {}, extra: Partial<CallbackDialerDeps> = {}) {
  const clock = new FakeClock('2030-01-07T12:00:00.000Z');
  const cc = new FakeCallControl();
  const requests = new MemoryRequests(() => clock.now());
  const attempts = new MemoryAttempts(requests);
  const mailer = new MemoryMailer();
  const settings = parseCallbackSettings(callback);
  const policy = new DestinationPolicy({ defaultCountry: 'GB', allowedCountries: ['GB', 'US', 'DE'], allowPremium: false, allowNonGeographic: false, sipAllowedDomains: ['example.com'] });
  const deps: CallbackDialerDeps = {
    callControl: cc,
    requests: requests as never,
    attempts,
    clock,
    logger: silentLogger,
    mailer,
    queueDialling: () => ({ mode, callback: settings }),
    destinationPolicy: policy,
    owner: 'controller-a',
    leaseMs: 30_000,
    ...extra,
  };
  const dialer = new CallbackDialer(deps);
  const settled: ReservationOutcome[] = [];

  async function add(over: Partial<NewHelpRequest> = {}): Promise<HelpRequest> {
    const { request } = await requests.create(newRequest(clock.now(), over), { actor: 'test', action: 'create', entityType: 'help_request', entityId: 'x' });
    return request;
  }

  /** Hands a callback to the dialer as the dispatcher would; returns once the first command went out. */
  async function serve(request: HelpRequest, agent: ReservedAgent | null = mode === 'ivr' ? null : AGENT, into: ReservationOutcome[] = settled, d: CallbackDialer = dialer) {
    const done = d.serve({
      request,
      agent,
      entry: { requestId: request.id, queue: request.queue, kind: 'callback', priority: request.priority, arrivalAt: request.arrivalAt, dueAt: request.dueAt },
      settle: async (o) => {
        into.push(o);
      },
    });
    done.catch(() => undefined);
    await flush();
    return { done };
  }

  const ids = (request: HelpRequest, attemptNo = 1) => ({ customer: `cb-${request.id}-${attemptNo}-c`, agent: `cb-${request.id}-${attemptNo}-a`, bridge: `call-${request.id}` });
  const status = async (id: string) => (await requests.findById(id))!;

  return { clock, cc, requests, attempts, mailer, settings, dialer, deps, settled, add, serve, ids, status };
}
