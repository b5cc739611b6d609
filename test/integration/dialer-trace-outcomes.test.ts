import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { translateAriEvent } from '../../src/adapters/ari/translate-event';
import { LegTracker } from '../../src/domain/call-outcome';

const ARI_DIR = process.env.ASTERISK_ARI_DIR ?? path.resolve(__dirname, '../../..', 'shared', 'asterisk-ari');
const TRACES = path.join(ARI_DIR, 'traces');

/** The originated channel id of a trace (from its first POST /channels) and its events, as the adapter translates them. */
function replay(file: string): { channelId: string; tracker: LegTracker } {
  const lines = readFileSync(path.join(TRACES, file), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  const originate = lines.find((l) => l.kind === 'request' && l.method === 'POST' && /^\/ari\/channels(\/[^/]+)?$/.test(String(l.path)));
  const query = (originate?.query ?? {}) as Record<string, string>;
  const channelId = query.channelId ?? String(originate?.path).split('/').pop()!;
  const tracker = new LegTracker(channelId);
  for (const l of lines) {
    if (l.kind !== 'event') continue;
    const event = translateAriEvent(l.event);
    if (event) tracker.feed(event);
  }
  return { channelId, tracker };
}

/**
 * The dialer's outcome classification fed with what Asterisk 22 really sent in the recorded
 * originate flows (through the ARI adapter's own event translation).
 */
describe('attempt outcomes from the recorded Asterisk traces', function () {
  before(function () {
    if (!existsSync(TRACES)) {
      console.warn(`skipping: no Asterisk traces at ${TRACES} (set ASTERISK_ARI_DIR)`);
      this.skip();
    }
  });

  const expected: Array<[string, string | null, boolean]> = [
    ['originate-local-busy.jsonl', 'busy', false],
    ['originate-local-congestion.jsonl', 'failed', false],
    ['originate-local-noanswer.jsonl', 'no_answer', false],
    ['originate-pjsip-busy.jsonl', 'busy', false],
    ['originate-pjsip-noanswer.jsonl', 'no_answer', false],
    ['originate-pjsip-unreachable.jsonl', 'no_answer', false],
    ['originate-pjsip-answer.jsonl', null, true],
    ['originate-local-answer.jsonl', null, true],
  ];
  for (const [file, outcome, answered] of expected) {
    it(`${file}: ${answered ? 'answered' : outcome}`, () => {
      const { tracker } = replay(file);
      const state = tracker.state;
      assert.equal(state.phase, 'ended', 'the leg ended within the trace');
      if (state.phase !== 'ended') return;
      assert.equal(state.answered, answered);
      assert.equal(state.outcome, outcome);
    });
  }
});
