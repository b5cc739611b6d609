import { strict as assert } from 'node:assert';
import { AGENT_STATES, AGENT_TRANSITIONS, applyAgentEvent, IllegalAgentTransitionError, initialAgentStatus, type AgentEvent, type AgentStatus } from '../../src/domain/agent-state';

const t0 = new Date('2030-01-01T09:00:00Z');
const at = (s: number) => new Date(t0.getTime() + s * 1000);

function run(events: AgentEvent[]): AgentStatus {
  return events.reduce((s, e, i) => applyAgentEvent(s, e, at(i + 1)), initialAgentStatus(t0));
}

describe('agent state machine', () => {
  it('goes through a whole call: login, reserve, ring, answer, end, wrap-up', () => {
    const s = run([{ type: 'login' }, { type: 'reserve' }, { type: 'ring' }, { type: 'answer' }, { type: 'end' }]);
    assert.equal(s.state, 'wrap-up');
    assert.equal(s.callsHandled, 1);
    assert.deepEqual(s.lastCallEndedAt, at(5));
    assert.equal(applyAgentEvent(s, { type: 'wrap-up-done' }, at(20)).state, 'available');
  });

  it('keeps the pause reason and clears it on resume', () => {
    const s = run([{ type: 'login' }, { type: 'pause', reason: 'lunch' }]);
    assert.equal(s.state, 'paused');
    assert.equal(s.reason, 'lunch');
    assert.equal(applyAgentEvent(s, { type: 'resume' }, at(9)).reason, null);
  });

  it('counts consecutive misses and pauses automatically at the limit; an answer resets the count', () => {
    const miss: AgentEvent = { type: 'miss', missesBeforePause: 2 };
    const once = run([{ type: 'login' }, { type: 'reserve' }, { type: 'ring' }, miss]);
    assert.equal(once.state, 'available');
    assert.equal(once.missedInRow, 1);
    const twice = [{ type: 'reserve' }, { type: 'ring' }, miss].reduce((s, e) => applyAgentEvent(s, e as AgentEvent, at(9)), once);
    assert.equal(twice.state, 'paused');
    assert.match(twice.reason ?? '', /auto: 2 missed/);
    const answered = [{ type: 'reserve' }, { type: 'ring' }, { type: 'answer' }].reduce((s, e) => applyAgentEvent(s, e as AgentEvent, at(9)), once);
    assert.equal(answered.missedInRow, 0);
  });

  it('throws on every transition the table does not allow', () => {
    let illegal = 0;
    for (const state of AGENT_STATES) {
      for (const type of Object.keys(AGENT_TRANSITIONS) as Array<AgentEvent['type']>) {
        const status: AgentStatus = { ...initialAgentStatus(t0), state };
        const event = (type === 'pause' ? { type, reason: 'x' } : type === 'miss' ? { type, missesBeforePause: 3 } : { type }) as AgentEvent;
        if (AGENT_TRANSITIONS[type].from.includes(state)) {
          assert.doesNotThrow(() => applyAgentEvent(status, event, at(1)));
        } else {
          illegal++;
          assert.throws(() => applyAgentEvent(status, event, at(1)), (err: unknown) => err instanceof IllegalAgentTransitionError && err.code === 'conflict');
        }
      }
    }
    assert.ok(illegal > 40);
    assert.throws(() => run([{ type: 'login' }, { type: 'reserve' }, { type: 'reserve' }]), /reserved cannot reserve/);
  });
});
