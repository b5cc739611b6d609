import { AriError, bridgeNotFound } from './ari-error';
import type { BridgeOps, SimCore } from './sim-core';
import { SimBridge } from './sim-bridge';
import type { SimChannel } from './sim-channel';

/** An app stops following a bridge shortly after its last channel left; a DELETE within this window still reports BridgeDestroyed. */
const FOLLOW_LINGER_MS = 100;

/** The ARI bridges resource: mixing and holding bridges, membership events and BRIDGEPEER. */
export class BridgeService implements BridgeOps {
  constructor(private readonly core: SimCore) {}

  create(id: string | undefined, type: string | undefined, name: string | undefined): SimBridge {
    const bridgeId = id || globalThis.crypto.randomUUID();
    if (this.core.bridges.has(bridgeId)) throw new AriError(409, `Bridge with id '${bridgeId}' already exists`);
    const types = (type ?? 'mixing').split(',').map((t) => t.trim()).filter(Boolean);
    const known = ['mixing', 'holding', 'dtmf_events', 'proxy_media', 'video_sfu', 'video_single', 'sdp_label'];
    const bad = types.find((t) => !known.includes(t));
    if (bad) throw new AriError(400, `Invalid bridge type '${bad}'`);
    const bridge = new SimBridge(bridgeId, types.includes('holding') ? 'holding' : 'mixing', name ?? '');
    this.core.bridges.set(bridgeId, bridge);
    return bridge;
  }

  get(id: string): SimBridge {
    const bridge = this.core.bridges.get(id);
    if (!bridge) throw bridgeNotFound();
    return bridge;
  }

  addChannels(bridgeId: string, channelIds: string[], role: string | undefined): void {
    const bridge = this.get(bridgeId);
    if (channelIds.length === 0) throw new AriError(400, 'Missing parameter channel');
    const channels = channelIds.map((id) => {
      const channel = this.core.channels.get(id);
      if (!channel || channel.hungUp) throw new AriError(400, 'Channel not found');
      return channel;
    });
    for (const channel of channels) if (!channel.stasisApp) throw new AriError(422, 'Channel not in Stasis application');
    if (role !== undefined && !/^[A-Za-z0-9_-]{0,32}$/.test(role)) throw new AriError(400, 'Invalid role');
    for (const channel of channels) {
      if (channel.bridgeId === bridge.id) continue;
      if (channel.bridgeId) this.leave(channel);
      bridge.channels.push(channel.id);
      channel.bridgeId = bridge.id;
      for (const app of channel.subscribers) bridge.followers.add(app);
      this.emitMembership(bridge, channel, 'ChannelEnteredBridge');
    }
    this.updatePeers(bridge);
  }

  removeChannels(bridgeId: string, channelIds: string[]): void {
    const bridge = this.get(bridgeId);
    if (channelIds.length === 0) throw new AriError(400, 'Missing parameter channel');
    const channels = channelIds.map((id) => {
      const channel = this.core.channels.get(id);
      if (!channel || channel.hungUp) throw new AriError(400, 'Channel not found');
      if (channel.bridgeId !== bridge.id) throw new AriError(422, 'Channel not in this bridge');
      return channel;
    });
    for (const channel of channels) this.leave(channel);
  }

  /** The channel leaves its bridge: BRIDGEPEER cleared (mixing), then ChannelLeftBridge. */
  leave(channel: SimChannel): void {
    const bridge = channel.bridgeId ? this.core.bridges.get(channel.bridgeId) : undefined;
    channel.bridgeId = null;
    if (!bridge) return;
    const index = bridge.channels.indexOf(channel.id);
    if (index >= 0) bridge.channels.splice(index, 1);
    if (bridge.type === 'mixing' && channel.vars.get('BRIDGEPEER')) {
      channel.vars.set('BRIDGEPEER', '');
      this.core.emitChannel(channel, 'ChannelVarset', { channel: channel.toJson() }, { variable: 'BRIDGEPEER', value: '' });
    }
    this.emitMembership(bridge, channel, 'ChannelLeftBridge');
    if (bridge.channels.length === 0) bridge.lastLeftAt = Date.now();
    if (bridge.channels.length >= 2) this.updatePeers(bridge);
  }

  /**
   * Channels still in the bridge leave it. BridgeDestroyed reaches only apps still following the
   * bridge: as on Asterisk, that is when the last channel left a moment before.
   */
  destroy(bridgeId: string): void {
    const bridge = this.get(bridgeId);
    const stillFollowed = bridge.channels.length === 0 && bridge.lastLeftAt !== null && Date.now() - bridge.lastLeftAt <= FOLLOW_LINGER_MS;
    for (const id of [...bridge.channels]) {
      const channel = this.core.channels.get(id);
      if (channel) this.leave(channel);
    }
    this.core.bridges.delete(bridge.id);
    if (stillFollowed) this.core.emitTo(bridge.followers, 'BridgeDestroyed', { bridge: bridge.toJson() });
  }

  setMoh(bridgeId: string, mohClass: string | null): void {
    this.get(bridgeId).mohClass = mohClass;
  }

  private emitMembership(bridge: SimBridge, channel: SimChannel, type: 'ChannelEnteredBridge' | 'ChannelLeftBridge'): void {
    const apps = new Set([...bridge.followers, ...channel.subscribers]);
    this.core.emitTo(apps, type, { bridge: bridge.toJson(), channel: channel.toJson() });
  }

  /** In a mixing bridge of two or more, each channel's BRIDGEPEER names the others. */
  private updatePeers(bridge: SimBridge): void {
    if (bridge.type !== 'mixing' || bridge.channels.length < 2) return;
    const members = bridge.channels.map((id) => this.core.channels.get(id)).filter((c): c is SimChannel => c !== undefined);
    for (const channel of members) {
      const peers = members.filter((m) => m !== channel).map((m) => m.name).join(',');
      if (channel.vars.get('BRIDGEPEER') === peers) continue;
      channel.vars.set('BRIDGEPEER', peers);
      this.core.emitChannel(channel, 'ChannelVarset', { channel: channel.toJson() }, { variable: 'BRIDGEPEER', value: peers });
    }
  }
}
