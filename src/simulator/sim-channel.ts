import { asteriskTimestamp } from './sim-timers';
import type { OriginationRecord } from './types';

export type ChannelTech = 'PJSIP' | 'Local';

export interface DialplanLocation {
  context: string;
  exten: string;
  priority: number;
  app_name: string;
  app_data: string;
}

/** One simulated channel; `toJson()` is the ARI Channel model with the field order Asterisk uses. */
export class SimChannel {
  state = 'Down';
  caller = { name: '', number: '' };
  connected = { name: '', number: '' };
  readonly vars = new Map<string, string>();
  readonly creationtime = asteriskTimestamp();
  /** Stasis application the channel is currently in. */
  stasisApp: string | null = null;
  stasisArgs: string[] = [];
  /** Applications that receive this channel's events (originating app stays subscribed after StasisEnd). */
  readonly subscribers = new Set<string>();
  bridgeId: string | null = null;
  mohClass: string | null = null;
  ringing = false;
  /** Set once a hangup has started; later requests see the channel as gone. */
  hungUp = false;
  /** Cancels the far end's pending actions (ring, answer, DTMF, hangup). */
  readonly cancels: Array<() => void> = [];
  /** The far-end behaviour still to be dialled (channels made by /channels/create). */
  pendingDial: ((timeoutSeconds?: number) => void) | null = null;
  /** Digits an inbound caller presses, timed from the app's answer. */
  answerDtmf: Array<{ atMs: number; digits: string }> = [];
  /** Where the channel was dialled, e.g. `PJSIP/+15551230000@trunk`. */
  endpoint = '';
  dialstring = '';
  /** Inbound calls stop reporting to the app after StasisEnd; originated ones keep their subscription. */
  inbound = false;
  answeredAt: number | null = null;
  /** The originate request that made this channel, whose outcome is updated as the call progresses. */
  origination: OriginationRecord | null = null;

  setOutcome(outcome: string): void {
    if (this.origination && this.origination.outcome === 'pending') this.origination.outcome = outcome;
  }

  constructor(
    readonly id: string,
    readonly name: string,
    readonly tech: ChannelTech,
    readonly protocolId: string,
    public dialplan: DialplanLocation,
  ) {}

  toJson(): Record<string, unknown> {
    return {
      id: this.id,
      name: this.name,
      state: this.state,
      protocol_id: this.protocolId,
      caller: { ...this.caller },
      connected: { ...this.connected },
      accountcode: '',
      dialplan: { ...this.dialplan },
      creationtime: this.creationtime,
      language: 'en',
    };
  }

  cancelFarEnd(): void {
    for (const cancel of this.cancels.splice(0)) cancel();
    this.pendingDial = null;
  }
}
