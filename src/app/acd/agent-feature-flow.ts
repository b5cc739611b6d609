import type { CenterConfig } from '../../domain/center-config';
import type { CallControl, CallEvent } from '../../ports/call-control';
import type { Clock } from '../../ports/clock';
import type { Logger } from '../../ports/logger';
import { verifyAgentPin } from './agent-credentials';
import type { AgentRoster } from './agent-roster';
import { CallerGoneError, ChannelIo } from './channel-io';

export const AGENT_FEATURE_FLOW = 'agent-feature';
const FEATURES = { login: 'login', logout: 'logout', pause: 'pause', resume: 'resume' } as const;

/**
 * Phone feature codes: the dialplan runs `Stasis(app,agent-feature,<login|logout|pause|resume>)`
 * from an agent's phone. The agent is recognised by the calling endpoint and confirms with their
 * PIN (`#` ends it); the change is confirmed or refused with a prompt.
 */
export class AgentFeatureFlow {
  private off: (() => void) | null = null;

  constructor(
    private readonly center: CenterConfig,
    private readonly cc: CallControl,
    private readonly roster: AgentRoster,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.off = this.cc.onStasisStart(AGENT_FEATURE_FLOW, (e) => void this.handle(e));
  }

  stop(): void {
    this.off?.();
  }

  private async handle(e: Extract<CallEvent, { type: 'StasisStart' }>): Promise<void> {
    const io = new ChannelIo(this.cc, e.channel.id, this.clock);
    const p = this.center.prompts;
    const feature = FEATURES[(e.args[1] ?? '') as keyof typeof FEATURES];
    const agent = this.roster.list().find((a) => e.channel.name.toLowerCase().startsWith(`${a.definition.endpoint.toLowerCase()}-`) || e.channel.name.toLowerCase() === a.definition.endpoint.toLowerCase());
    const log = this.log.child({ channelId: e.channel.id, feature, agentId: agent?.definition.id });
    try {
      await io.run(() => this.cc.answer(e.channel.id));
      let ok = false;
      if (feature && agent) {
        await io.play(p.enterPin);
        const pin = await io.collect(10_000, 12, '#');
        if (verifyAgentPin(agent.definition, pin)) {
          const event = feature === 'pause' ? ({ type: 'pause', reason: 'phone' } as const) : ({ type: feature } as const);
          ok = await this.roster.applyIfAllowed(agent.definition.id, event);
        } else log.warn('wrong PIN for a feature code');
      }
      log.info({ ok }, 'agent feature code');
      await io.play(ok ? p.featureDone : p.featureFailed, false);
      await io.hangup();
    } catch (err) {
      if (!(err instanceof CallerGoneError)) {
        log.error({ err }, 'feature code failed');
        await io.hangup();
      }
    } finally {
      io.dispose();
    }
  }
}
