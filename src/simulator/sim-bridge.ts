import { asteriskTimestamp } from './sim-timers';

/** One simulated bridge; `toJson()` is the ARI Bridge model. */
export class SimBridge {
  readonly channels: string[] = [];
  readonly creationtime = asteriskTimestamp();
  /** Applications following the bridge: those whose channels are or were just in it. */
  readonly followers = new Set<string>();
  /** Real time (ms) the last channel left; Asterisk unsubscribes the app shortly after. */
  lastLeftAt: number | null = null;
  mohClass: string | null = null;

  constructor(
    readonly id: string,
    readonly type: 'mixing' | 'holding',
    readonly name: string,
  ) {}

  get technology(): string {
    return this.type === 'holding' ? 'holding_bridge' : 'simple_bridge';
  }

  toJson(): Record<string, unknown> {
    return {
      id: this.id,
      technology: this.technology,
      bridge_type: this.type,
      bridge_class: 'stasis',
      creator: 'Stasis',
      name: this.name,
      channels: [...this.channels],
      creationtime: this.creationtime,
      video_mode: 'talker',
    };
  }
}
