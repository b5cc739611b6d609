import { causeText, type SimCore } from './sim-core';
import type { FarEndBehaviour } from './far-end';
import type { SimChannel } from './sim-channel';

/** How a hang-up shows on ARI: the optional ChannelHangupRequest fields, then the ChannelDestroyed cause. */
export interface HangupSpec {
  request?: { cause?: number; tech_cause?: number; soft?: boolean };
  destroyCause: number;
  destroyTechCause?: number;
  /** PJSIP calls that had media report RTP statistics as channel variables first. */
  rtpStats?: boolean;
  /** Runs right after the ChannelHangupRequest (e.g. the final Dial event). */
  afterRequest?: () => void;
}

export interface DialOptions {
  mode: 'originate' | 'dial';
  /** Stasis application the answered channel enters (originate with `app`). */
  app: string | null;
  appArgs: string[];
  /** Seconds before an unanswered attempt is abandoned; null = no limit. */
  timeoutSeconds: number | null;
  variables: Record<string, string>;
}

const TIMER_B_MS = 32_000;
const DTMF_SPACING_MS = 250;
const PJSIP_FAILURES = {
  busy: { cause: 17, tech: 486, status: 'BUSY' },
  congestion: { cause: 34, tech: 503, status: 'CONGESTION' },
  fail: { cause: 1, tech: 404, status: 'CHANUNAVAIL' },
} as const;

/** Far-end progress of a call (ringing, answer, failures, timeouts), Stasis entry/exit and hang-up sequences. */
export class CallProgress {
  constructor(private readonly core: SimCore) {}

  /** Dials the far end of `channel`: Dial events, ringing, the final outcome and the originate timeout. */
  dial(channel: SimChannel, behaviour: FarEndBehaviour, opts: DialOptions): void {
    const { timers } = this.core;
    const later = (ms: number, fn: () => void): void => {
      channel.cancels.push(timers.after(ms, () => !channel.hungUp && fn()));
    };
    later(0, () => {
      // A Local channel's variables are set on its ;2 half, which runs the dialplan and is not modelled.
      if (channel.tech === 'PJSIP') for (const [variable, value] of Object.entries(opts.variables)) this.core.emitChannel(channel, 'ChannelVarset', { channel: channel.toJson() }, { variable, value });
      this.emitDial(channel, '', channel.dialstring);
      const progressDialstring = opts.mode === 'dial' ? '' : channel.dialstring;
      const timeoutMs = opts.timeoutSeconds !== null && opts.timeoutSeconds > 0 ? opts.timeoutSeconds * 1000 : null;
      if (behaviour.result === 'unreachable') {
        if (timeoutMs !== null && timeoutMs < TIMER_B_MS) later(timeoutMs, () => this.noAnswer(channel));
        else later(TIMER_B_MS, () => {
          channel.setOutcome('unreachable');
          this.hangup(channel, {
            request: { cause: 18, tech_cause: 408 }, destroyCause: 18, destroyTechCause: 408,
            afterRequest: () => this.emitDial(channel, 'NOANSWER', channel.dialstring),
          });
        });
        return;
      }
      if (behaviour.ringing) later(behaviour.ringMs, () => {
        if (channel.state !== 'Down') return;
        this.setState(channel, 'Ringing');
        this.emitDial(channel, 'RINGING', progressDialstring);
      });
      if (behaviour.result !== 'noanswer') later(behaviour.answerAfterMs, () => this.finalResponse(channel, behaviour, opts, progressDialstring));
      if (timeoutMs !== null && (behaviour.result === 'noanswer' || behaviour.answerAfterMs >= timeoutMs)) later(timeoutMs, () => this.noAnswer(channel));
    });
  }

  private finalResponse(channel: SimChannel, behaviour: FarEndBehaviour, opts: DialOptions, dialstring: string): void {
    channel.setOutcome(behaviour.result);
    if (behaviour.result === 'answer') {
      channel.cancelFarEnd();
      this.setState(channel, 'Up');
      channel.answeredAt = Date.now();
      this.emitDial(channel, 'ANSWER', dialstring);
      if (opts.mode === 'originate') {
        if (opts.app === null || !this.core.hub.isRegistered(opts.app)) {
          // Stasis() fails for an application without a WebSocket (or no dialplan to run): the call is dropped.
          this.hangup(channel, { destroyCause: 16 });
          return;
        }
        this.enterStasis(channel, opts.app, opts.appArgs, true);
      }
      this.scheduleAfterAnswer(channel, behaviour.dtmf, behaviour.hangupAfterMs);
      return;
    }
    const failure = PJSIP_FAILURES[behaviour.result as keyof typeof PJSIP_FAILURES];
    if (!failure) return;
    if (channel.tech === 'PJSIP') {
      this.hangup(channel, {
        request: { cause: failure.cause, tech_cause: failure.tech }, destroyCause: failure.cause, destroyTechCause: failure.tech,
        afterRequest: () => this.emitDial(channel, failure.status, channel.dialstring),
      });
    } else {
      this.emitDial(channel, failure.status, channel.dialstring);
      this.hangup(channel, { destroyCause: 0 });
    }
  }

  private noAnswer(channel: SimChannel): void {
    if (channel.state === 'Up') return;
    channel.setOutcome('noanswer');
    this.hangup(channel, { destroyCause: 19, destroyTechCause: channel.tech === 'PJSIP' && channel.state === 'Ringing' ? 480 : undefined });
  }

  /** Far-end digits and hang-up, timed from the answer. */
  scheduleAfterAnswer(channel: SimChannel, dtmf: Array<{ atMs: number; digits: string }>, hangupAfterMs: number | null): void {
    for (const step of dtmf) {
      [...step.digits].forEach((digit, i) => {
        channel.cancels.push(this.core.timers.after(step.atMs + i * DTMF_SPACING_MS, () => this.receiveDtmf(channel, digit)));
      });
    }
    if (hangupAfterMs !== null) channel.cancels.push(this.core.timers.after(hangupAfterMs, () => this.remoteHangup(channel)));
  }

  /** The far end pressed a digit. */
  receiveDtmf(channel: SimChannel, digit: string): void {
    if (channel.hungUp) return;
    this.core.emitChannel(channel, 'ChannelDtmfReceived', { digit, duration_ms: 100, channel: channel.toJson() });
    this.core.recordingOps.dtmf(channel, digit);
  }

  /** The far end hung up (SIP BYE, or the Local channel's dialplan ended). */
  remoteHangup(channel: SimChannel): void {
    if (channel.hungUp) return;
    if (channel.tech === 'PJSIP') this.hangup(channel, { request: {}, destroyCause: 0, rtpStats: true });
    else this.hangup(channel, { request: { cause: 16 }, destroyCause: 16 });
  }

  setState(channel: SimChannel, state: string): void {
    channel.state = state;
    this.core.emitChannel(channel, 'ChannelStateChange', { channel: channel.toJson() });
  }

  enterStasis(channel: SimChannel, app: string, args: string[], statusVar: boolean): void {
    channel.dialplan = { ...channel.dialplan, app_name: 'Stasis', app_data: [app, ...args].join(',') };
    channel.stasisApp = app;
    channel.stasisArgs = args;
    channel.subscribers.add(app);
    if (statusVar) this.core.emitChannel(channel, 'ChannelVarset', { channel: channel.toJson() }, { variable: 'STASISSTATUS', value: '' });
    this.core.emitChannel(channel, 'StasisStart', { args, channel: channel.toJson() });
  }

  /** StasisEnd, then STASISSTATUS for apps that stay subscribed; an inbound channel is no longer reported. */
  leaveStasis(channel: SimChannel): void {
    if (!channel.stasisApp) return;
    this.core.emitChannel(channel, 'StasisEnd', { channel: channel.toJson() });
    channel.stasisApp = null;
    if (channel.inbound) channel.subscribers.clear();
    else this.core.emitChannel(channel, 'ChannelVarset', { channel: channel.toJson() }, { variable: 'STASISSTATUS', value: 'SUCCESS' });
  }

  /** The whole hang-up sequence in Asterisk's order; idempotent. */
  hangup(channel: SimChannel, spec: HangupSpec): void {
    if (channel.hungUp) return;
    channel.hungUp = true;
    channel.setOutcome('hungup');
    channel.cancelFarEnd();
    const { core } = this;
    if (spec.rtpStats && channel.tech === 'PJSIP' && channel.answeredAt !== null) this.emitRtpStats(channel);
    if (spec.request) core.emitChannel(channel, 'ChannelHangupRequest', { channel: channel.toJson() }, spec.request);
    spec.afterRequest?.();
    core.playbackOps.channelGone(channel);
    core.recordingOps.channelGone(channel);
    if (channel.bridgeId) core.bridgeOps.leave(channel);
    this.leaveStasis(channel);
    const destroyed: Record<string, unknown> = { cause: spec.destroyCause, cause_txt: causeText(spec.destroyCause) };
    if (spec.destroyTechCause !== undefined) destroyed.tech_cause = spec.destroyTechCause;
    channel.dialplan = { ...channel.dialplan, app_name: channel.inbound ? channel.dialplan.app_name : 'AppDial2', app_data: channel.inbound ? channel.dialplan.app_data : '(Outgoing Line)' };
    core.emitChannel(channel, 'ChannelDestroyed', { ...destroyed, channel: channel.toJson() });
    core.channels.delete(channel.id);
  }

  emitDial(channel: SimChannel, dialstatus: string, dialstring: string): void {
    this.core.emitChannel(channel, 'Dial', { dialstatus, forward: '', dialstring, peer: channel.toJson() });
  }

  private emitRtpStats(channel: SimChannel): void {
    const stats: Array<[string, string]> = [
      ['RTPAUDIOQOS', 'ssrc=0;themssrc=0;lp=0;rxjitter=0.000000;rxcount=0;txjitter=0.000000;txcount=0;rlp=0;rtt=0.000000;rxmes=0.000000;txmes=0.000000'],
      ['RTPAUDIOQOSJITTER', 'minrxjitter=000.000000;maxrxjitter=000.000000;avgrxjitter=000.000000;stdevrxjitter=000.000000;mintxjitter=000.000000;maxtxjitter=000.000000;avgtxjitter=000.000000;stdevtxjitter=000.000000;'],
      ['RTPAUDIOQOSLOSS', 'minrxlost=000.000000;maxrxlost=000.000000;avgrxlost=000.000000;stdevrxlost=000.000000;mintxlost=000.000000;maxtxlost=000.000000;avgtxlost=000.000000;stdevtxlost=000.000000;'],
      ['RTPAUDIOQOSRTT', 'minrtt=000.000000;maxrtt=000.000000;avgrtt=000.000000;stdevrtt=000.000000;'],
      ['RTPAUDIOQOSMES', 'minrxmes=000.000000;maxrxmes=000.000000;avgrxmes=000.000000;stdevrxmes=000.000000;mintxmes=000.000000;maxtxmes=000.000000;avgtxmes=000.000000;stdevtxmes=000.000000;'],
    ];
    for (const [variable, value] of stats) {
      channel.vars.set(variable, value);
      this.core.emitChannel(channel, 'ChannelVarset', { channel: channel.toJson() }, { variable, value });
    }
  }
}
