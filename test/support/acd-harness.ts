import { Acd } from '../../src/app/acd/acd';
import type { CallbackHandler, Reservation } from '../../src/app/acd/dispatch-contract';
import type { CenterConfig } from '../../src/domain/center-config';
import { DestinationPolicy } from '../../src/domain/destination-policy';
import { FakeCallControl, flush } from './fake-call-control';
import { FakeClock } from './fake-clock';
import { MemoryAgentRepository, MemoryCallRecords, MemoryContactQueue, MemoryCustomers, MemoryHelpRequests, quietLogger } from './acd-memory';
import { testCenter } from './acd-center';

/** A dialer stand-in that keeps the reservations it is handed, for the test to settle. */
export class RecordingCallbackHandler implements CallbackHandler {
  readonly reservations: Reservation[] = [];
  async serveCallback(reservation: Reservation): Promise<void> {
    this.reservations.push(reservation);
  }
}

/** The whole ACD on fakes: FakeCallControl, FakeClock and in-memory repositories. */
export async function acdHarness(center: CenterConfig = testCenter()) {
  const clock = new FakeClock();
  const cc = new FakeCallControl();
  const queue = new MemoryContactQueue(clock);
  const requests = new MemoryHelpRequests(clock);
  const agents = new MemoryAgentRepository();
  const records = new MemoryCallRecords();
  const customers = new MemoryCustomers();
  const dialer = new RecordingCallbackHandler();
  let seq = 0;
  const acd = new Acd({
    center,
    cc,
    queue,
    requests,
    agents,
    records,
    customers,
    history: customers,
    callbacks: dialer,
    destinations: new DestinationPolicy({ defaultCountry: 'US', allowedCountries: ['US', 'CA'], allowPremium: false, allowNonGeographic: false, sipAllowedDomains: ['example.com'] }),
    clock,
    log: quietLogger,
    newRequestId: () => `hr_test${String(++seq).padStart(4, '0')}`,
    holderId: 'test',
  });
  await acd.start();
  const settle = async () => {
    await flush(10);
    await acd.dispatcher.whenIdle();
    await flush(10);
  };
  return {
    acd,
    clock,
    cc,
    queue,
    requests,
    agents,
    records,
    customers,
    dialer,
    settle,
    async login(...ids: string[]) {
      for (const id of ids) await acd.agentService.login(id);
      await settle();
    },
    /** Agent legs originated for an agent's endpoint. */
    legsOf(endpoint: string) {
      return cc.originated().filter((o) => o.endpoint === endpoint);
    },
    state(agentId: string) {
      return acd.roster.get(agentId).status.state;
    },
    /** A caller dials the main DID and presses 1 (support queue). Returns the caller's channel id. */
    async callSupport(callerNumber = '+12025550143') {
      const ch = cc.inbound('5551234', callerNumber);
      await flush(10);
      cc.dtmf(ch, '1');
      await settle();
      return ch;
    },
  };
}
export type AcdHarness = Awaited<ReturnType<typeof acdHarness>>;
