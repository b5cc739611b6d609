import { AriError } from './ari-error';
import { validateRule } from './far-end';
import type { SimAsterisk } from './sim-asterisk';
import type { InboundCallRequest, ScriptRule, SimControl } from './types';

/** The in-process control surface; the /sim HTTP routes call the same object. */
export function createSimControl(sim: SimAsterisk): SimControl {
  return {
    script(rule: ScriptRule) {
      sim.scripts.set(validateRule(rule));
    },
    clearScripts(match?: string) {
      sim.scripts.clear(match);
    },
    listScripts: () => sim.scripts.list(),
    setSound(name: string, durationMs: number | null) {
      if (typeof name !== 'string' || !/^[A-Za-z0-9_/.-]{1,128}$/.test(name)) throw new AriError(400, 'name must be a sound name such as hello-world');
      if (durationMs !== null && (typeof durationMs !== 'number' || !Number.isFinite(durationMs) || durationMs < 0)) throw new AriError(400, 'durationMs must be a non-negative number or null');
      sim.sounds.set(name, durationMs);
    },
    injectInbound: (request: InboundCallRequest) => sim.channelService.injectInbound(request).id,
    sendDtmf(channelId: string, digits: string) {
      const channel = sim.findChannel(channelId);
      if (typeof digits !== 'string' || !/^[0-9*#A-Da-d]+$/.test(digits)) throw new AriError(400, 'digits must be DTMF digits (0-9, *, #, A-D)');
      sim.channelService.progress.scheduleAfterAnswer(channel, [{ atMs: 0, digits }], null);
    },
    hangup(channelId: string) {
      sim.channelService.progress.remoteHangup(sim.findChannel(channelId));
    },
    listChannels: () => [...sim.channels.values()].filter((c) => !c.hungUp).map((c) => ({
      id: c.id, name: c.name, state: c.state, endpoint: c.endpoint, caller: { ...c.caller }, app: c.stasisApp, args: [...c.stasisArgs],
      bridgeId: c.bridgeId, mohClass: c.mohClass, ringing: c.ringing, variables: Object.fromEntries(c.vars),
    })),
    listBridges: () => [...sim.bridges.values()].map((b) => ({ id: b.id, type: b.type, name: b.name, channelIds: [...b.channels], mohClass: b.mohClass })),
    listPlaybacks: () => sim.playbackService.list(),
    listRecordings: () => sim.recordingService.list(),
    listOriginations: () => sim.originations.map((o) => ({ ...o, appArgs: [...o.appArgs], variables: { ...o.variables } })),
    clearHistory() {
      sim.originations.length = 0;
    },
    listApplications: () => sim.hub.applications(),
  };
}
