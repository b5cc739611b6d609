import type { ChannelIo } from './channel-io';

/** A caller on hold in this process, waiting in the combined list as a `caller` entry. */
export interface HoldingCaller {
  readonly requestId: string;
  readonly queue: string;
  readonly callerNumber: string;
  readonly io: ChannelIo;
  /** The call record id (the caller's channel id). */
  readonly callId: string;
  readonly enteredAt: Date;
  /** An agent's phone is ringing for this caller: no announcements or callback offers meanwhile. */
  offering: boolean;
  /** The agent answered: stop music and announcements; from now on the connection owns the channel. */
  handOver(agentId: string): Promise<void>;
}

/** Callers on hold in this process, by request id: how the dispatcher finds the channel behind a `caller` entry. */
export class HoldingCallers {
  private readonly callers = new Map<string, HoldingCaller>();

  add(caller: HoldingCaller): void {
    this.callers.set(caller.requestId, caller);
  }

  get(requestId: string): HoldingCaller | undefined {
    return this.callers.get(requestId);
  }

  delete(requestId: string): void {
    this.callers.delete(requestId);
  }

  get size(): number {
    return this.callers.size;
  }
}
