/**
 * Replays the request sequences of the Asterisk 22 recordings in ../shared/asterisk-ari/traces
 * against the simulator, and reduces both event streams to comparable per-subject sequences.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import WebSocket from 'ws';
import { startSimulator, type ScriptRule, type Simulator } from '../../src/simulator';

export const ASTERISK_ARI_DIR = process.env.ASTERISK_ARI_DIR ?? path.resolve(__dirname, '../../..', 'shared', 'asterisk-ari');
export const TRACES_DIR = path.join(ASTERISK_ARI_DIR, 'traces');
export const tracesPresent = existsSync(TRACES_DIR);

export interface TraceLine {
  t: number;
  kind: 'request' | 'response' | 'event' | 'sip';
  method?: string;
  path?: string;
  query?: Record<string, string | number>;
  body?: unknown;
  status?: number;
  event?: AriEvent;
  note?: string;
}

export interface AriEvent {
  type: string;
  [key: string]: unknown;
}

export function readTrace(file: string): TraceLine[] {
  return readFileSync(path.join(TRACES_DIR, file), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as TraceLine);
}

/** Endpoints of the recording testbed (setup/pjsip.conf). */
export const TESTBED_ENDPOINTS = [
  { resource: 'customer', context: 'from-customer', kind: 'trunk' as const },
  { resource: 'agent1', context: 'from-agent', kind: 'phone' as const },
  { resource: 'agent2', context: 'from-agent', kind: 'phone' as const },
  { resource: 'unreachable', context: 'from-customer', kind: 'phone' as const },
];

export interface ReplayOptions {
  scale: number;
  scripts?: ScriptRule[];
  /** Requests not to replay (the recording needs something the simulator does not model). */
  skip?: (line: TraceLine) => boolean;
  sounds?: Record<string, number | null>;
}

export interface ReplayResult {
  events: AriEvent[];
  /** [recorded status, replayed status, recorded body, replayed body, request] per replayed request. */
  responses: Array<{ request: TraceLine; recorded: TraceLine; status: number; body: unknown }>;
  /** Recorded channel ids (made by Asterisk) -> the simulator's ids for the same channels. */
  ids: Map<string, string>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Issues the trace's requests at their recorded times (scaled), answering the sipp far end's
 * INVITE/BYE of an inbound flow through the control API, and collects the WebSocket events.
 */
export async function replay(lines: TraceLine[], options: ReplayOptions): Promise<ReplayResult> {
  const sim: Simulator = await startSimulator({ port: 0, timeScale: options.scale, endpoints: TESTBED_ENDPOINTS, defaultApp: 'callback-app', scripts: options.scripts, sounds: options.sounds });
  const auth = 'Basic ' + Buffer.from(`${sim.user}:${sim.password}`).toString('base64');
  const events: AriEvent[] = [];
  const ws = new WebSocket(`${sim.url.replace('http', 'ws')}/ari/events?app=callback-app&subscribeAll=false`, { headers: { Authorization: auth } });
  ws.on('message', (data) => events.push(JSON.parse(String(data)) as AriEvent));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const ids = new Map<string, string>();
  const start = Date.now();
  const responses: ReplayResult['responses'] = [];
  try {
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      const due = start + line.t * options.scale;
      if (line.kind === 'sip' && /uac sent (INVITE|BYE)/.test(line.note ?? '')) {
        await sleep(due - Date.now());
        if (line.note!.includes('INVITE')) {
          const first = lines.find((l) => l.kind === 'event' && l.event!.type === 'StasisStart')!.event!;
          const channel = first.channel as { id: string; caller: { name: string; number: string }; dialplan: { exten: string } };
          ids.set(channel.id, sim.control.injectInbound({ from: channel.caller.number, callerName: channel.caller.name, did: channel.dialplan.exten, app: 'callback-app' }));
        } else {
          for (const id of ids.values()) sim.control.hangup(id);
        }
        continue;
      }
      if (line.kind !== 'request' || options.skip?.(line)) continue;
      const trigger = triggeringEvent(lines, i);
      if (trigger) {
        // The recorded client reacted to this event: wait for the replayed one instead of the clock.
        const want = lines.slice(0, trigger.index + 1).filter((l) => l.kind === 'event' && !ignored(l.event!, new Set()) && label(l.event!) === trigger.label).length;
        const deadline = Date.now() + 5000;
        while (events.filter((e) => label(e) === trigger.label).length < want && Date.now() < deadline) await sleep(2);
      } else await sleep(due - Date.now());
      const recorded = lines.slice(i + 1).find((l) => l.kind === 'response')!;
      let p = line.path!;
      for (const [from, to] of ids) p = p.split(from).join(to);
      const url = new URL(sim.url + p);
      for (const [k, v] of Object.entries(line.query ?? {})) url.searchParams.set(k, String(v));
      const res = await fetch(url, {
        method: line.method,
        headers: { Authorization: auth, ...(line.body ? { 'Content-Type': 'application/json' } : {}) },
        body: line.body ? JSON.stringify(line.body) : undefined,
      });
      const text = await res.text();
      const type = res.headers.get('content-type') ?? '';
      responses.push({ request: line, recorded, status: res.status, body: text && type.includes('json') ? JSON.parse(text) : null });
    }
    const end = Math.max(...lines.map((l) => l.t));
    await sleep(start + end * options.scale + 150 - Date.now());
    // Then until the event stream has been quiet for 250 ms (bounded), so a loaded machine that
    // delivers the last events late is not mistaken for a simulator that never sends them.
    const quietDeadline = Date.now() + 3000;
    for (let seen = -1; seen !== events.length && Date.now() < quietDeadline; ) {
      seen = events.length;
      await sleep(250);
    }
  } finally {
    ws.close();
    await sim.close();
  }
  return { events, responses, ids };
}

/** The event a request answers to: the last event within 5 ms before it, after the previous response. */
function triggeringEvent(lines: TraceLine[], requestIndex: number): { index: number; label: string } | undefined {
  const request = lines[requestIndex]!;
  for (let j = requestIndex - 1; j >= 0; j--) {
    const l = lines[j]!;
    if (l.kind === 'response' || l.kind === 'request') return undefined;
    if (l.kind === 'event' && !ignored(l.event!, new Set())) return request.t - l.t <= 5 ? { index: j, label: label(l.event!) } : undefined;
  }
  return undefined;
}

/** Events of dialplan applications the simulator does not run, and of the `;2` half of Local channels. */
function ignored(e: AriEvent, otherIds: Set<string>): boolean {
  const channel = (e.channel ?? e.peer) as { id: string } | undefined;
  if (channel && (channel.id.endsWith(';2') || otherIds.has(channel.id))) return true;
  if (e.type === 'ChannelDialplan') return true;
  return e.type === 'ChannelVarset' && e.variable === 'PLAYBACKSTATUS';
}

/** Progress phase of Dial/ChannelStateChange: Asterisk reorders events within one phase between runs. */
function phase(label: string): number | undefined {
  if (label === 'Dial:') return 0;
  if (/^(Dial:RINGING|Dial:PROGRESS|ChannelStateChange:Ringing)$/.test(label)) return 1;
  if (/^(Dial:ANSWER|ChannelStateChange:Up)$/.test(label)) return 2;
  return undefined;
}

function label(e: AriEvent): string {
  const ch = e.channel as { state?: string } | undefined;
  switch (e.type) {
    case 'ChannelStateChange': return `${e.type}:${ch?.state}`;
    case 'Dial': return `Dial:${e.dialstatus as string}`;
    case 'ChannelDestroyed': return `${e.type}:${e.cause as number}`;
    case 'ChannelHangupRequest': return `${e.type}:${e.cause ?? '-'}${e.soft ? ':soft' : ''}`;
    case 'ChannelVarset': return `${e.type}:${e.variable as string}`;
    case 'StasisStart': return `${e.type}:${(e.args as string[]).join(',')}`;
    case 'ChannelDtmfReceived': return `${e.type}:${e.digit as string}`;
    case 'PlaybackFinished': return `${e.type}:${(e.playback as { state: string }).state}`;
    case 'RecordingFinished': return `${e.type}:${(e.recording as { state: string }).state}`;
    case 'ChannelEnteredBridge':
    case 'ChannelLeftBridge': return `${e.type}:${(e.bridge as { id: string }).id}`;
    default: return e.type;
  }
}

/** Per subject (channel id, playback media, recording name, bridge id): the ordered event labels. */
export function subjects(events: AriEvent[], otherIds: string[] = []): Record<string, string[]> {
  const others = new Set(otherIds);
  const out: Record<string, string[]> = {};
  const playbackKeys = new Map<string, string>();
  for (const e of events) {
    if (ignored(e, others)) continue;
    let key: string;
    if (e.playback) {
      const pb = e.playback as { id: string; media_uri: string };
      if (!playbackKeys.has(pb.id)) playbackKeys.set(pb.id, `playback:${pb.media_uri}#${[...playbackKeys.values()].filter((k) => k.startsWith(`playback:${pb.media_uri}#`)).length}`);
      key = playbackKeys.get(pb.id)!;
    } else if (e.recording) key = `recording:${(e.recording as { name: string }).name}`;
    else if (e.channel ?? e.peer) key = `channel:${((e.channel ?? e.peer) as { id: string }).id}`;
    else key = `bridge:${(e.bridge as { id: string }).id}`;
    (out[key] ??= []).push(label(e));
  }
  for (const seq of Object.values(out)) {
    for (let i = 0; i < seq.length; i++) {
      let j = i;
      while (j < seq.length && phase(seq[j]!) !== undefined) j++;
      if (j - i > 1) seq.splice(i, j - i, ...seq.slice(i, j).map((l, k) => ({ l, k })).sort((a, b) => phase(a.l)! - phase(b.l)! || a.l.localeCompare(b.l)).map((x) => x.l));
      i = j;
    }
  }
  return out;
}

export function traceEvents(lines: TraceLine[]): AriEvent[] {
  return lines.filter((l) => l.kind === 'event').map((l) => l.event!);
}
