import { strict as assert } from 'node:assert';
import { compareEntriesForAgent, selectAgent, type AgentCandidate } from '../../src/domain/routing';

const d = (s: number) => new Date(Date.UTC(2030, 0, 1, 9, 0, s));
const agents: AgentCandidate[] = [
  { id: 'a', skill: 1, idleSince: d(30), lastOfferedAt: d(5), callsHandled: 9 },
  { id: 'b', skill: 1, idleSince: d(10), lastOfferedAt: d(20), callsHandled: 4 },
  { id: 'c', skill: 1, idleSince: d(20), lastOfferedAt: null, callsHandled: 4 },
  { id: 'd', skill: 2, idleSince: d(0), lastOfferedAt: null, callsHandled: 0 },
];

describe('agent selection', () => {
  it('prefers the better skill level, then the queue strategy', () => {
    assert.equal(selectAgent('longest-idle', agents)?.id, 'b');
    assert.equal(selectAgent('round-robin', agents)?.id, 'c');
    assert.equal(selectAgent('fewest-calls', agents)?.id, 'b');
    assert.equal(selectAgent('longest-idle', agents.filter((a) => a.skill === 2))?.id, 'd');
    assert.equal(selectAgent('longest-idle', []), null);
  });

  it('breaks ties on the agent id', () => {
    const same = [{ ...agents[0]!, id: 'z' }, { ...agents[0]!, id: 'y' }];
    assert.equal(selectAgent('longest-idle', same)?.id, 'y');
  });

  it('orders an agent\'s entries by priority, arrival, then skill level', () => {
    const skills = { support: 1, sales: 2 };
    const e = (requestId: string, queue: string, priority: number, s: number) => ({ requestId, queue, priority, arrivalAt: d(s) });
    const list = [e('late', 'support', 5, 9), e('sales-same', 'sales', 5, 1), e('support-same', 'support', 5, 1), e('urgent', 'sales', 2, 50)];
    assert.deepEqual(list.sort((x, y) => compareEntriesForAgent(skills, x, y)).map((x) => x.requestId), ['urgent', 'support-same', 'sales-same', 'late']);
  });
});
