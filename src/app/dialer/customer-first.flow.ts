import { ignoreGone, type CallLeg } from './call-leg';
import { resultOf, type FlowContext, type FlowResult } from './flow-context';
import { awaitAnswer, bridgeAndTalk, customerAnswered, dialAgent, dialCustomer, runMenu, sayGoodbye } from './flow-steps';

/**
 * Customer first (progressive): with an agent reserved, the customer is dialled; on answer the
 * confirmation menu plays. Only "1" brings the agent in; "2" reschedules, "3" cancels, and
 * silence (a voicemail greeting, a wrong person) is an unconfirmed attempt, never a completed one.
 */
export async function customerFirstFlow(ctx: FlowContext): Promise<FlowResult> {
  const customer = await dialCustomer(ctx, 'callback-customer');
  let agent: CallLeg | null = null;
  try {
    const unanswered = await customerAnswered(ctx, customer);
    if (unanswered) return unanswered;
    await ctx.progress('answered');

    const menu = ctx.settings.menu;
    const choice = await runMenu(ctx.signal, customer, menu);
    const answered = resultOf(customer, 'unconfirmed');
    switch (choice) {
      case 'aborted':
        await customer.hangup();
        return { ...answered, outcome: 'cancelled' };
      case 'hung-up':
        return { ...answered, outcome: 'unconfirmed' };
      case 'no-input':
        await sayGoodbye(ctx.signal, customer, menu.goodbye['no-input']);
        return { ...answered, outcome: 'unconfirmed' };
      case 'later':
        await sayGoodbye(ctx.signal, customer, menu.goodbye.later);
        return { ...answered, outcome: 'rescheduled', input: { choice } };
      case 'cancel':
        await sayGoodbye(ctx.signal, customer, menu.goodbye.cancel);
        return { ...answered, outcome: 'cancelled', input: { choice } };
      case 'connect':
        break;
    }

    await customer.playAndListen(menu.connecting, ctx.signal, false);
    await ignoreGone(ctx.cc.startMoh(customer.channelId));
    agent = await dialAgent(ctx);
    const a = await awaitAnswer(ctx.signal, agent, ctx.settings.agentRingTimeoutSeconds);
    if (a !== 'answered' || customer.ended) {
      await agent.abandon('agent_missed');
      if (customer.ended) return { ...answered, outcome: 'unconfirmed', input: { choice } };
      await sayGoodbye(ctx.signal, customer, menu.goodbye.later);
      return { ...answered, outcome: ctx.signal.aborted ? 'cancelled' : 'agent_missed', input: { choice } };
    }
    await ignoreGone(ctx.cc.stopMoh(customer.channelId));
    const connected = await bridgeAndTalk(ctx, customer, agent);
    return { ...answered, outcome: connected ? 'connected' : 'unconfirmed', input: { choice } };
  } finally {
    await customer.hangup();
    if (agent) await agent.hangup();
    customer.dispose();
    agent?.dispose();
  }
}
