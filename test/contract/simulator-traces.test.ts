/**
 * Trace fidelity: each call flow recorded from a real Asterisk 22 is replayed against the
 * simulator (same requests, same timing, scaled) and the event sequences are compared per channel,
 * playback, recording and bridge, with the key fields (state, dialstatus, cause, variable, args).
 */
import assert from 'node:assert/strict';
import { readTrace, replay, subjects, traceEvents, tracesPresent, TRACES_DIR, type ReplayOptions } from './simulator-trace-support';

interface Flow {
  file: string;
  options?: Partial<ReplayOptions>;
}

const customer = (script: Omit<ReplayOptions['scripts'] extends Array<infer R> | undefined ? R : never, 'match'>) => ({ scripts: [{ match: 'PJSIP/customer', ...script }] });

const FLOWS: Flow[] = [
  { file: 'originate-local-answer.jsonl' },
  { file: 'originate-local-busy.jsonl' },
  { file: 'originate-local-congestion.jsonl' },
  { file: 'originate-local-noanswer.jsonl' },
  { file: 'originate-pjsip-answer.jsonl', options: customer({ result: 'answer', ringMs: 0, answerAfterMs: 505, hangupAfterMs: 5005 }) },
  { file: 'originate-pjsip-busy.jsonl', options: customer({ result: 'busy', ringMs: 0, answerAfterMs: 1006 }) },
  { file: 'originate-pjsip-noanswer.jsonl', options: customer({ result: 'noanswer', ringMs: 0 }) },
  { file: 'originate-pjsip-unreachable.jsonl', options: { scale: 0.04, scripts: [{ match: 'PJSIP/unreachable', result: 'unreachable' }] } },
  { file: 'inbound-pjsip-to-stasis.jsonl' },
  { file: 'dtmf-during-playback.jsonl' },
  { file: 'bridge-mixing.jsonl' },
  { file: 'bridge-holding-moh.jsonl' },
  { file: 'bridge-events-subscription.jsonl' },
  { file: 'record-voicemail.jsonl' },
  { file: 'create-then-dial.jsonl' },
  { file: 'create-then-dial-pjsip.jsonl', options: customer({ result: 'answer', ringMs: 0, answerAfterMs: 2 }) },
  { file: 'variables-and-continue.jsonl' },
  { file: 'app-and-asterisk-info.jsonl' },
];

describe('simulator trace fidelity (Asterisk 22 recordings)', function () {
  this.timeout(30_000);
  before(function () {
    if (!tracesPresent) {
      console.log(`      skipped: no Asterisk traces at ${TRACES_DIR} (set ASTERISK_ARI_DIR)`);
      this.skip();
    }
  });

  for (const flow of FLOWS) {
    it(`replays ${flow.file} with the recorded events and statuses`, async () => {
      const lines = readTrace(flow.file);
      const result = await replay(lines, { scale: 0.1, ...flow.options });
      const expected = subjects(traceEvents(lines));
      for (const [recorded, replayed] of result.ids) {
        expected[`channel:${replayed}`] = expected[`channel:${recorded}`]!;
        delete expected[`channel:${recorded}`];
      }
      assert.deepEqual(subjects(result.events), expected);
      for (const r of result.responses) {
        assert.equal(r.status, r.recorded.status, `${r.request.method} ${r.request.path}`);
        if (r.status >= 400) assert.deepEqual(r.body, r.recorded.body, `${r.request.method} ${r.request.path}`);
      }
    });
  }
});
