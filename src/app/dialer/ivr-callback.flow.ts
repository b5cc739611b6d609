import { resultOf, type FlowContext, type FlowResult } from './flow-context';
import { customerAnswered, dialCustomer, sayGoodbye } from './flow-steps';

/**
 * Automated IVR callback (no agent): the customer is called back by an IVR that plays the
 * answer and asks for a key to confirm it was heard. Without the key the callback is not done.
 */
export async function ivrCallbackFlow(ctx: FlowContext): Promise<FlowResult> {
  const customer = await dialCustomer(ctx, 'callback-ivr');
  try {
    const unanswered = await customerAnswered(ctx, customer);
    if (unanswered) return unanswered;
    await ctx.progress('connected');
    const ivr = ctx.settings.ivr;
    await customer.playAndListen(ivr.prompts, ctx.signal, false);
    let digit = await customer.playAndListen(ivr.confirm, ctx.signal);
    if (digit === null && !customer.ended) digit = await customer.nextDigit(ivr.inputTimeoutSeconds * 1000, ctx.signal);
    const answered = resultOf(customer, 'unconfirmed');
    if (ctx.signal.aborted) return { ...answered, outcome: 'cancelled' };
    if (digit === ivr.confirmDigit) {
      await sayGoodbye(ctx.signal, customer, ctx.settings.menu.goodbye['no-input']);
      return { ...answered, outcome: 'connected', input: { ivrConfirmed: true } };
    }
    await customer.hangup();
    return { ...answered, outcome: 'unconfirmed', input: digit === null ? undefined : { ivrDigit: digit } };
  } finally {
    await customer.hangup();
    customer.dispose();
  }
}
