import { ignoreGone, type CallLeg } from './call-leg';
import { resultOf, type FlowContext, type FlowResult } from './flow-context';
import { awaitAnswer, bridgeAndTalk, dialAgent, dialCustomer } from './flow-steps';

/**
 * Agent first (preview): the reserved agent's phone rings with the screen pop; once the agent
 * answers, the customer is dialled while the agent hears the ringing; when the customer answers,
 * both are bridged. The customer hears a human at once.
 */
export async function agentFirstFlow(ctx: FlowContext): Promise<FlowResult> {
  const agent = await dialAgent(ctx);
  let customer: CallLeg | null = null;
  try {
    const a = await awaitAnswer(ctx.signal, agent, ctx.settings.agentRingTimeoutSeconds);
    if (a === 'aborted') {
      await agent.abandon('cancelled');
      return { ...resultOf(agent, 'cancelled', false), outcome: 'cancelled' };
    }
    if (a !== 'answered') {
      await agent.abandon('agent_missed');
      return { ...resultOf(agent, 'agent_missed', false), outcome: 'agent_missed', answeredAt: null };
    }

    const progressTone = `${agent.channelId}-progress`;
    await ignoreGone(ctx.cc.play(agent.channelId, 'tone:ring', progressTone));
    customer = await dialCustomer(ctx, 'callback-customer');
    const agentGone = new AbortController();
    const abortOnAgentGone = agent.waitEnded(agentGone.signal).then(() => agentGone.abort());
    const both = AbortSignal.any([ctx.signal, agentGone.signal]);
    const c = await awaitAnswer(both, customer, ctx.settings.ringTimeoutSeconds);
    await ignoreGone(ctx.cc.stopPlayback(progressTone));

    if (c === 'aborted') {
      const byCustomerCancel = ctx.signal.aborted;
      await customer.abandon(byCustomerCancel ? 'cancelled' : 'agent_missed');
      agentGone.abort();
      await abortOnAgentGone;
      return { ...resultOf(customer, byCustomerCancel ? 'cancelled' : 'agent_missed'), outcome: byCustomerCancel ? 'cancelled' : 'agent_missed' };
    }
    if (c === 'ended') {
      agentGone.abort();
      await abortOnAgentGone;
      return resultOf(customer, 'failed');
    }
    agentGone.abort();
    await abortOnAgentGone;
    const connected = await bridgeAndTalk(ctx, customer, agent);
    return { ...resultOf(customer, 'connected'), outcome: connected ? 'connected' : 'unconfirmed' };
  } finally {
    await agent.hangup();
    if (customer) await customer.hangup();
    agent.dispose();
    customer?.dispose();
  }
}
