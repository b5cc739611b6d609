import { AriError, notInStasis } from './ari-error';
import { CallProgress } from './call-progress';
import { parseEndpoint, type ParsedEndpoint } from './endpoint-parser';
import { HANGUP_REASONS, type SimCore } from './sim-core';
import { SimChannel } from './sim-channel';
import { asteriskTimestamp } from './sim-timers';
import type { InboundCallRequest, OriginationRecord } from './types';
import { validateDtmf } from './far-end';

export interface OriginateParams {
  endpoint?: string;
  app?: string;
  appArgs?: string;
  extension?: string;
  context?: string;
  callerId?: string;
  timeout?: number;
  channelId?: string;
  otherChannelId?: string;
  variables?: Record<string, string>;
}

const DTMF = /^[0-9*#A-Da-d,]+$/;

/** Channel operations of the ARI channels resource, on top of CallProgress. */
export class ChannelService {
  readonly progress: CallProgress;

  constructor(private readonly core: SimCore) {
    this.progress = new CallProgress(core);
  }

  originate(p: OriginateParams, operation: 'originate' | 'create'): SimChannel {
    if (!p.endpoint) throw new AriError(400, 'Endpoint must be specified');
    if (operation === 'originate' && !p.app && !p.extension) throw new AriError(400, 'Application or extension must be specified');
    for (const id of [p.channelId, p.otherChannelId]) {
      if (id !== undefined && this.core.channels.has(id)) throw new AriError(409, 'Channel with given unique ID already exists');
    }
    const parsed = parseEndpoint(p.endpoint, this.core.endpoints);
    const appArgs = p.appArgs ? p.appArgs.split(',') : [];
    const channel = this.allocate(parsed, p.channelId ?? this.core.nextUniqueId(), operation);
    channel.endpoint = p.endpoint;
    if (p.callerId) {
      const caller = parseCallerId(p.callerId);
      channel.caller = caller;
      channel.connected = { ...caller };
    }
    for (const [k, v] of Object.entries(p.variables ?? {})) channel.vars.set(k, v);
    if (p.app) channel.subscribers.add(p.app);
    this.core.channels.set(channel.id, channel);
    const record: OriginationRecord = {
      at: asteriskTimestamp(), operation, endpoint: p.endpoint, channelId: channel.id, app: p.app ?? null, appArgs,
      callerId: p.callerId ?? null, timeoutSeconds: operation === 'originate' ? p.timeout ?? 30 : null, variables: { ...(p.variables ?? {}) }, outcome: 'pending',
    };
    this.core.originations.push(record);
    channel.origination = record;
    const behaviour = this.core.scripts.resolve(parsed.candidates, parsed.local);
    if (operation === 'originate') {
      this.progress.dial(channel, behaviour, { mode: 'originate', app: p.app ?? null, appArgs, timeoutSeconds: p.timeout ?? 30, variables: p.variables ?? {} });
      return channel;
    }
    const app = p.app;
    channel.cancels.push(this.core.timers.after(0, () => {
      if (!app || !this.core.hub.isRegistered(app)) {
        this.progress.hangup(channel, { destroyCause: 16 });
        return;
      }
      channel.dialplan = { ...channel.dialplan, app_name: 'Stasis', app_data: [app, ...appArgs].join(',') };
      this.core.emitChannel(channel, 'ChannelDialplan', { dialplan_app: 'Stasis', dialplan_app_data: channel.dialplan.app_data, channel: channel.toJson() });
      this.progress.enterStasis(channel, app, appArgs, true);
    }));
    channel.pendingDial = (timeoutSeconds?: number) => {
      record.operation = 'dial';
      this.progress.dial(channel, behaviour, { mode: 'dial', app: null, appArgs, timeoutSeconds: timeoutSeconds ?? null, variables: {} });
    };
    return channel;
  }

  dial(channelId: string, timeoutSeconds: number | undefined): void {
    const channel = this.controlled(channelId);
    const start = channel.pendingDial;
    if (!start) throw new AriError(409, 'Channel is not in a dialable state');
    channel.pendingDial = null;
    start(timeoutSeconds && timeoutSeconds > 0 ? timeoutSeconds : undefined);
  }

  /** A PSTN caller dials a DID and the shipped dialplan runs Stasis(app,inbound,did). */
  injectInbound(request: InboundCallRequest): SimChannel {
    if (typeof request.from !== 'string' || !/^\+?[0-9*#]{1,32}$/.test(request.from)) throw new AriError(400, 'from must be a phone number');
    if (typeof request.did !== 'string' || !/^\+?[0-9A-Za-z*#_-]{1,32}$/.test(request.did)) throw new AriError(400, 'did must be a dialled number');
    if (request.callerName !== undefined && (typeof request.callerName !== 'string' || request.callerName.length > 80)) throw new AriError(400, 'callerName must be a string of at most 80 characters');
    const dtmf = validateDtmf(request.dtmf);
    const hangupAfterMs = request.hangupAfterMs;
    if (hangupAfterMs !== undefined && (typeof hangupAfterMs !== 'number' || hangupAfterMs < 0)) throw new AriError(400, 'hangupAfterMs must be a non-negative number');
    const app = request.app ?? this.core.defaultApp;
    const parsed = parseEndpoint(`PJSIP/${request.endpoint ?? firstTrunkName(this.core)}`, this.core.endpoints);
    const channel = new SimChannel(this.core.nextUniqueId(), `PJSIP/${parsed.resource}-${this.core.nextChannelSequence()}`, 'PJSIP', randomCallId(), {
      context: parsed.context, exten: request.did, priority: 2, app_name: 'Stasis', app_data: `${app},inbound,${request.did}`,
    });
    channel.inbound = true;
    channel.endpoint = `PJSIP/${parsed.resource}`;
    channel.state = 'Ring';
    channel.caller = { name: request.callerName ?? '', number: request.from };
    this.core.channels.set(channel.id, channel);
    if (!this.core.hub.isRegistered(app)) {
      this.core.logger.warn({ app, channelId: channel.id }, 'inbound call for an application without a WebSocket: hung up');
      this.progress.hangup(channel, { destroyCause: 16 });
      return channel;
    }
    this.progress.enterStasis(channel, app, ['inbound', request.did], false);
    channel.answerDtmf = dtmf;
    if (hangupAfterMs !== undefined) channel.cancels.push(this.core.timers.after(hangupAfterMs, () => this.progress.remoteHangup(channel)));
    return channel;
  }

  hangup(channelId: string, reason: string | undefined, reasonCode: string | undefined): void {
    const channel = this.core.findChannel(channelId);
    let cause = 16;
    if (reasonCode !== undefined && reasonCode !== '') {
      if (!/^\d{1,3}$/.test(reasonCode)) throw new AriError(400, 'Invalid reason for hangup reason code provided');
      cause = Number(reasonCode);
    } else if (reason !== undefined && reason !== '') {
      const mapped = HANGUP_REASONS[reason];
      if (mapped === undefined) throw new AriError(400, 'Invalid reason for hangup reason provided');
      cause = mapped;
    }
    const dialling = channel.stasisApp === null && channel.answeredAt === null && !channel.inbound;
    this.progress.hangup(channel, {
      request: { cause: 32, soft: true }, destroyCause: cause, rtpStats: true,
      afterRequest: dialling ? () => this.progress.emitDial(channel, 'CANCEL', channel.dialstring) : undefined,
    });
  }

  answer(channelId: string): void {
    this.answerChannel(this.controlled(channelId));
  }

  answerChannel(channel: SimChannel): void {
    if (channel.state === 'Up') return;
    channel.answeredAt = Date.now();
    channel.ringing = false;
    this.progress.setState(channel, 'Up');
    if (channel.answerDtmf.length > 0) this.progress.scheduleAfterAnswer(channel, channel.answerDtmf, null);
  }

  setRinging(channelId: string, ringing: boolean): void {
    this.controlled(channelId).ringing = ringing;
  }

  setMoh(channelId: string, mohClass: string | null): void {
    this.controlled(channelId).mohClass = mohClass;
  }

  sendDtmf(channelId: string, dtmf: string | undefined): void {
    const channel = this.core.findChannel(channelId);
    if (!dtmf) throw new AriError(400, 'DTMF is required');
    if (!DTMF.test(dtmf)) throw new AriError(400, 'DTMF contains invalid characters');
    if (!channel.stasisApp) throw notInStasis();
  }

  getVariable(channelId: string, variable: string | undefined): string {
    if (!variable) throw new AriError(400, 'Variable name is required');
    const channel = this.core.findChannel(channelId);
    const fn = /^([A-Z_]+)\((.*)\)$/i.exec(variable);
    if (fn) return channelFunction(channel, fn[1]!.toUpperCase(), fn[2]!);
    const value = channel.vars.get(variable);
    if (value === undefined) throw new AriError(404, 'Provided variable was not found');
    return value;
  }

  setVariable(channelId: string, variable: string | undefined, value: string | undefined): void {
    if (!variable) throw new AriError(400, 'Variable name is required');
    const channel = this.controlled(channelId);
    channel.vars.set(variable, value ?? '');
    this.core.emitChannel(channel, 'ChannelVarset', { channel: channel.toJson() }, { variable, value: value ?? '' });
  }

  /** The channel leaves Stasis; the simulator has no dialplan, so it then hangs up as `Hangup()` would. */
  continueInDialplan(channelId: string, target: { context?: string; extension?: string; priority?: number }): void {
    const channel = this.controlled(channelId);
    this.progress.leaveStasis(channel);
    channel.dialplan = { ...channel.dialplan, context: target.context ?? channel.dialplan.context, exten: target.extension ?? channel.dialplan.exten, priority: target.priority ?? channel.dialplan.priority };
    channel.cancels.push(this.core.timers.after(500, () => this.progress.hangup(channel, { destroyCause: 16 })));
  }

  /** A channel that exists and is in a Stasis application (404 / 409 otherwise). */
  controlled(channelId: string): SimChannel {
    const channel = this.core.findChannel(channelId);
    if (!channel.stasisApp) throw notInStasis();
    return channel;
  }

  private allocate(parsed: ParsedEndpoint, id: string, operation: 'originate' | 'create'): SimChannel {
    const seq = this.core.nextChannelSequence();
    const local = parsed.local;
    const name = local ? `Local/${parsed.dialstring}-${seq};1` : `PJSIP/${parsed.resource}-${seq}`;
    const dialplan = local
      ? { context: local.context, exten: local.exten, priority: 1, app_name: 'AppDial2', app_data: '(Outgoing Line)' }
      : { context: parsed.context, exten: 's', priority: 1, app_name: 'AppDial2', app_data: '(Outgoing Line)' };
    if (operation === 'create') Object.assign(dialplan, { app_name: '', app_data: '' });
    const channel = new SimChannel(id, name, parsed.tech, local ? '' : randomCallId(), dialplan);
    channel.dialstring = parsed.dialstring;
    return channel;
  }
}

function firstTrunkName(core: SimCore): string {
  for (const ep of core.endpoints.values()) if (ep.kind === 'trunk') return ep.resource;
  return core.endpoints.keys().next().value ?? 'trunk';
}

/** `"Contact Center" <5000>` or `5000`. */
export function parseCallerId(text: string): { name: string; number: string } {
  const m = /^\s*(?:"([^"]*)"|([^<]*?))\s*<([^>]*)>\s*$/.exec(text);
  if (m) return { name: (m[1] ?? m[2] ?? '').trim(), number: m[3]!.trim() };
  return { name: '', number: text.trim() };
}

function channelFunction(channel: SimChannel, fn: string, arg: string): string {
  if (fn === 'CALLERID') {
    if (arg === 'num' || arg === 'number') return channel.caller.number;
    if (arg === 'name') return channel.caller.name;
    if (arg === 'all') return channel.caller.name ? `"${channel.caller.name}" <${channel.caller.number}>` : channel.caller.number;
  }
  if (fn === 'CHANNEL') {
    if (arg === 'name') return channel.name;
    if (arg === 'state') return channel.state;
    if (arg === 'uniqueid') return channel.id;
  }
  return '';
}

function randomCallId(): string {
  return globalThis.crypto.randomUUID();
}
