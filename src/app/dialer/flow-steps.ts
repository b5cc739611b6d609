import { nextStep, type CallbackChoice, type CallbackMenu, type MenuStep } from '../../domain/callback-menu';
import { CallControlError, CallControlUnavailableError } from '../../domain/errors';
import { CallLeg, ignoreGone } from './call-leg';
import { legIds, resultOf, type FlowContext, type FlowResult } from './flow-context';

/** Asterisk's own ring timeout plus a margin: our timer only catches a leg Asterisk forgot to end. */
const SAFETY_MARGIN_MS = 10_000;

export async function dialCustomer(ctx: FlowContext, appFlow: string): Promise<CallLeg> {
  const id = legIds(ctx.request.id, ctx.attemptNo).customer;
  const leg = await CallLeg.originate(ctx.cc, ctx.clock, {
    channelId: id,
    endpoint: ctx.customerEndpoint,
    appArgs: [appFlow, ctx.request.id],
    callerId: ctx.settings.callerId,
    timeoutSeconds: ctx.settings.ringTimeoutSeconds,
    variables: { CC_REQUEST_ID: ctx.request.id, CC_ATTEMPT: String(ctx.attemptNo) },
  });
  await ctx.progress('ringing', { customerChannelId: id });
  return leg;
}

export async function dialAgent(ctx: FlowContext): Promise<CallLeg> {
  const agent = ctx.agent!;
  const id = legIds(ctx.request.id, ctx.attemptNo).agent;
  const who = ctx.request.name ? `${ctx.request.name.replace(/[^A-Za-z0-9 .'-]/g, '').slice(0, 40)} ` : '';
  const leg = await CallLeg.originate(ctx.cc, ctx.clock, {
    channelId: id,
    endpoint: agent.endpoint,
    appArgs: ['callback-agent', ctx.request.id],
    callerId: `${who}<${ctx.request.phone ?? 'callback'}>`.trim(),
    timeoutSeconds: ctx.settings.agentRingTimeoutSeconds,
    variables: { CC_REQUEST_ID: ctx.request.id, CC_AGENT_ID: agent.id },
  });
  await ctx.progress('agent-ringing', { agentChannelId: id });
  return leg;
}

/**
 * Waits for the customer to answer within the queue's ring timeout. Returns null once answered,
 * otherwise the attempt's result: cancelled (the request was cancelled while ringing, the leg is
 * hung up) or failed (busy, no answer, unreachable: classified from what Asterisk reported).
 */
export async function customerAnswered(ctx: FlowContext, customer: CallLeg): Promise<FlowResult | null> {
  const c = await awaitAnswer(ctx.signal, customer, ctx.settings.ringTimeoutSeconds);
  if (c === 'aborted') {
    await customer.abandon('cancelled');
    return { ...resultOf(customer, 'cancelled'), outcome: 'cancelled' };
  }
  return c === 'ended' ? resultOf(customer, 'failed') : null;
}

/** Waits for the leg to answer within its ring timeout; a leg still pending after that is hung up as no answer. */
export async function awaitAnswer(signal: AbortSignal, leg: CallLeg, ringSeconds: number): Promise<'answered' | 'ended' | 'aborted'> {
  const r = await leg.waitAnswered(ringSeconds * 1000 + SAFETY_MARGIN_MS, signal);
  if (r === 'timeout') {
    await leg.abandon('no_answer');
    return 'ended';
  }
  return r;
}

export type MenuResult = CallbackChoice | 'no-input' | 'hung-up' | 'aborted';

/** Runs the confirmation menu on an answered leg until a choice, no input, hang-up or cancellation. */
export async function runMenu(signal: AbortSignal, leg: CallLeg, menu: CallbackMenu): Promise<MenuResult> {
  let step: MenuStep = nextStep(menu, { offered: 0 }, { kind: 'start' });
  for (;;) {
    if (signal.aborted) return 'aborted';
    if (leg.ended) return 'hung-up';
    if (step.kind === 'choice') return step.choice;
    if (step.kind === 'no-input') return 'no-input';
    const state = step.state;
    let digit = await leg.playAndListen(step.media, signal);
    if (digit === null && !leg.ended && !signal.aborted) digit = await leg.nextDigit(menu.inputTimeoutSeconds * 1000, signal);
    if (signal.aborted) return 'aborted';
    if (leg.ended) return 'hung-up';
    step = nextStep(menu, state, digit === null ? { kind: 'timeout' } : { kind: 'digit', digit });
  }
}

/**
 * Puts both legs in the call's mixing bridge and waits until one side hangs up (or the attempt
 * is aborted), then hangs up the other and removes the bridge.
 */
export async function bridgeAndTalk(ctx: FlowContext, customer: CallLeg, agent: CallLeg): Promise<boolean> {
  const bridgeId = legIds(ctx.request.id, ctx.attemptNo).bridge;
  try {
    try {
      await ctx.cc.createBridge(bridgeId, 'mixing', `callback ${ctx.request.id}`);
      await ctx.cc.addToBridge(bridgeId, [agent.channelId, customer.channelId]);
    } catch (err) {
      // One side hung up while the bridge was being built: not a connected call.
      if (err instanceof CallControlError && !(err instanceof CallControlUnavailableError)) return false;
      throw err;
    }
    await ctx.progress('connected');
    const talk = new AbortController();
    const stop = () => talk.abort();
    ctx.signal.addEventListener('abort', stop, { once: true });
    await Promise.race([customer.waitEnded(talk.signal), agent.waitEnded(talk.signal)]);
    talk.abort();
    ctx.signal.removeEventListener('abort', stop);
    return true;
  } finally {
    await Promise.all([customer.hangup(), agent.hangup()]);
    await ignoreGone(ctx.cc.destroyBridge(bridgeId));
  }
}

/** Plays a goodbye (if any) and hangs up. */
export async function sayGoodbye(signal: AbortSignal, leg: CallLeg, media: string[] | undefined): Promise<void> {
  if (media && media.length && !leg.ended) await leg.playAndListen(media, signal, false);
  await leg.hangup();
}
