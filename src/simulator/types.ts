/**
 * Public types of the ARI-compatible Asterisk simulator: start options, the running simulator,
 * and the control surface that scripts far ends and injects calls (in-process or under /sim/...).
 */

/** What a far end does when it is dialled. Times are in simulated milliseconds. */
export interface FarEndScript {
  /** Final outcome of the call attempt. */
  result: 'answer' | 'busy' | 'noanswer' | 'congestion' | 'unreachable' | 'fail';
  /** Delay until the far end starts ringing (SIP 180); default 0. Not used for `unreachable`. */
  ringMs?: number;
  /** Delay until the final response (answer, busy, congestion, fail); default 1000. */
  answerAfterMs?: number;
  /** After answering, the far end hangs up (BYE) this many ms later. */
  hangupAfterMs?: number;
  /** Digits the far end presses, `atMs` after it answered. */
  dtmf?: Array<{ atMs: number; digits: string }>;
}

export interface ScriptRule extends FarEndScript {
  /** Endpoint or dialled number; a trailing `*` makes it a prefix, e.g. `PJSIP/+1555*`, `PJSIP/agent-1001`, `+1555*`. */
  match: string;
}

export interface InboundCallRequest {
  /** Caller's number, e.g. `+15551230000`. */
  from: string;
  callerName?: string;
  /** The DID dialled; the shipped dialplan runs `Stasis(<app>,inbound,<did>)`. */
  did: string;
  /** Stasis application; default the simulator's `defaultApp`. */
  app?: string;
  /** Trunk endpoint the call arrives on; default the first trunk. */
  endpoint?: string;
  dtmf?: Array<{ atMs: number; digits: string }>;
  hangupAfterMs?: number;
}

export interface SimChannelView {
  id: string;
  name: string;
  state: string;
  endpoint: string;
  caller: { name: string; number: string };
  /** Stasis application the channel is in, if any. */
  app: string | null;
  args: string[];
  bridgeId: string | null;
  mohClass: string | null;
  ringing: boolean;
  variables: Record<string, string>;
}

export interface SimBridgeView {
  id: string;
  type: string;
  name: string;
  channelIds: string[];
  mohClass: string | null;
}

export interface SimPlaybackView {
  id: string;
  mediaUri: string;
  targetUri: string;
  state: string;
}

export interface SimRecordingView {
  name: string;
  format: string;
  targetUri: string;
  state: string;
  durationSeconds?: number;
}

/** One originate/create request as the simulator received it. */
export interface OriginationRecord {
  at: string;
  operation: 'originate' | 'create' | 'dial';
  endpoint: string;
  channelId: string;
  app: string | null;
  appArgs: string[];
  callerId: string | null;
  timeoutSeconds: number | null;
  variables: Record<string, string>;
  /** How the attempt ended so far: 'pending', 'answer', 'busy', ... or an HTTP error status. */
  outcome: string;
}

export interface SimControl {
  /** Adds or replaces the far-end script for a match pattern. */
  script(rule: ScriptRule): void;
  /** Removes one rule, or all rules when `match` is omitted. */
  clearScripts(match?: string): void;
  listScripts(): ScriptRule[];
  /** Sets how long a `sound:` plays (ms), or `null` to make the sound file missing (playback fails). */
  setSound(name: string, durationMs: number | null): void;
  /** A PSTN caller dials a DID: the channel enters Stasis with args ['inbound', did]. Returns the channel id. */
  injectInbound(request: InboundCallRequest): string;
  /** The far end of a channel presses digits (one ChannelDtmfReceived per digit). */
  sendDtmf(channelId: string, digits: string): void;
  /** The far end of a channel hangs up (remote BYE). */
  hangup(channelId: string): void;
  listChannels(): SimChannelView[];
  listBridges(): SimBridgeView[];
  listPlaybacks(): SimPlaybackView[];
  listRecordings(): { live: SimRecordingView[]; stored: Array<{ name: string; format: string }> };
  listOriginations(): OriginationRecord[];
  /** Forgets originations and played history (not live calls). */
  clearHistory(): void;
  /** Registered Stasis applications (those with a connected WebSocket). */
  listApplications(): string[];
}

export interface SimLogger {
  info(obj: unknown, msg?: string): void;
  warn(obj: unknown, msg?: string): void;
  debug(obj: unknown, msg?: string): void;
  error(obj: unknown, msg?: string): void;
}

export interface EndpointConfig {
  resource: string;
  /** Dialplan context of the endpoint (shows in channel snapshots); default `from-trunk` or `from-agent`. */
  context?: string;
  kind?: 'trunk' | 'phone';
}

export interface SimulatorOptions {
  host?: string;
  /** 0 picks a free port. Default 8088. */
  port?: number;
  user?: string;
  password?: string;
  /** Multiplies every simulated delay: 0.1 runs ten times faster. Default 1. */
  timeScale?: number;
  logger?: SimLogger;
  /** PJSIP endpoints; default a trunk `trunk` and phones `agent-1001`..`agent-1010`. */
  endpoints?: Array<string | EndpointConfig>;
  /** Application inbound calls enter when the request names none. Default `contact-center`. */
  defaultApp?: string;
  /** Extra or overriding sound durations in ms (`null` = missing file). */
  sounds?: Record<string, number | null>;
  /** Initial far-end scripts. */
  scripts?: ScriptRule[];
}

export interface Simulator {
  /** ARI base URL without `/ari`, e.g. `http://127.0.0.1:8088`. */
  url: string;
  port: number;
  user: string;
  password: string;
  control: SimControl;
  close(): Promise<void>;
}
