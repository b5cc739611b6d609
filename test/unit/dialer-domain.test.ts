import { strict as assert } from 'node:assert';
import { classifyUnanswered, LegTracker } from '../../src/domain/call-outcome';
import { localTime, nextCallableTime, zonesForCountry, zonesForDestination } from '../../src/domain/calling-hours';
import { nextStep, DEFAULT_CALLBACK_MENU } from '../../src/domain/callback-menu';
import { buildDialString } from '../../src/domain/dial-string';
import { parseCallbackSettings } from '../../src/domain/dialling-settings';
import { ValidationError } from '../../src/domain/errors';
import { decideAfterAttempt, DEFAULT_RETRY_RULES } from '../../src/domain/retry-policy';

const templates = { trunk: 'PJSIP/{number}@trunk', voip: 'PJSIP/{sipUri}' };

describe('dialling domain', () => {
  describe('dial strings', () => {
    it('puts an E.164 number into the trunk template, with or without the +', () => {
      assert.equal(buildDialString({ kind: 'pstn', phone: '+442079460123' }, templates), 'PJSIP/+442079460123@trunk');
      assert.equal(buildDialString({ kind: 'pstn', phone: '+442079460123' }, { ...templates, trunk: 'PJSIP/00{digits}@carrier' }), 'PJSIP/00442079460123@carrier');
    });

    it('refuses anything but E.164 digits, naming the field', () => {
      for (const phone of ['442079460123', '+44 20 7946 0123', '+4420&Dial(x)', '+0123456789', '']) {
        assert.throws(() => buildDialString({ kind: 'pstn', phone }, templates), (e: unknown) => e instanceof ValidationError && e.field === 'phone');
      }
    });

    it('dials a SIP address as a canonical sip: URI and refuses parameters, headers and odd characters', () => {
      assert.equal(buildDialString({ kind: 'voip', sipUri: 'sip:alice@SIP.Example.com' }, templates), 'PJSIP/sip:alice@sip.example.com');
      for (const sipUri of ['sip:alice@example.com;maddr=evil.com', 'sip:a@b@c', 'sip:al ice@example.com', 'sip:alice@example.com?X=1', 'tel:+4420', 'sip:a,b@example.com']) {
        assert.throws(() => buildDialString({ kind: 'voip', sipUri }, templates), (e: unknown) => e instanceof ValidationError && e.field === 'sipUri', sipUri);
      }
    });

    it('checks templates in the queue configuration, naming the field', () => {
      assert.throws(() => parseCallbackSettings({ trunk: 'PJSIP/{number},t' }), (e: unknown) => e instanceof ValidationError && e.field === 'callback.trunk');
      assert.throws(() => parseCallbackSettings({ voip: 'PJSIP/{number}' }), (e: unknown) => e instanceof ValidationError && e.field === 'callback.voip');
      assert.throws(() => parseCallbackSettings({ callerId: '+44 20 7946 0000' }), (e: unknown) => e instanceof ValidationError && e.field === 'callback.callerId');
    });
  });

  describe('outcomes', () => {
    const legOf = (events: Array<Record<string, unknown>>) => {
      const t = new LegTracker('c1');
      for (const e of events) t.feed({ channelId: 'c1', ...e } as never);
      return t.state;
    };

    it('classifies the originate traces: busy, congestion, no answer, unreachable, answered', () => {
      // originate-local-busy: Dial BUSY, ChannelDestroyed cause 0
      assert.deepEqual(legOf([{ type: 'Dial', dialStatus: '' }, { type: 'Dial', dialStatus: 'BUSY' }, { type: 'ChannelDestroyed', cause: 0 }]), { phase: 'ended', answered: false, outcome: 'busy', dialStatus: 'BUSY', cause: 0 });
      // originate-local-congestion
      assert.equal((legOf([{ type: 'Dial', dialStatus: 'CONGESTION' }, { type: 'ChannelDestroyed', cause: 0 }]) as { outcome: string }).outcome, 'failed');
      // originate-pjsip-noanswer: RINGING, then only cause 19
      assert.equal((legOf([{ type: 'Dial', dialStatus: 'RINGING' }, { type: 'ChannelDestroyed', cause: 19 }]) as { outcome: string }).outcome, 'no_answer');
      // originate-pjsip-busy: HangupRequest 17, Dial BUSY, Destroyed 17
      assert.equal((legOf([{ type: 'ChannelHangupRequest', cause: 17 }, { type: 'Dial', dialStatus: 'BUSY' }, { type: 'ChannelDestroyed', cause: 17 }]) as { outcome: string }).outcome, 'busy');
      // originate-pjsip-unreachable: cause 18
      assert.equal((legOf([{ type: 'Dial', dialStatus: '' }, { type: 'ChannelHangupRequest', cause: 18 }, { type: 'Dial', dialStatus: 'NOANSWER' }, { type: 'ChannelDestroyed', cause: 18 }]) as { outcome: string }).outcome, 'no_answer');
      // answered: StasisStart, then the far end's BYE (ChannelDestroyed cause 0)
      const answered = new LegTracker('c1');
      answered.feed({ type: 'Dial', channelId: 'c1', dialStatus: 'ANSWER' });
      assert.equal(answered.feed({ type: 'StasisStart', channel: { id: 'c1' } }), true);
      assert.deepEqual(answered.state, { phase: 'answered' });
      answered.feed({ type: 'StasisEnd', channelId: 'c1' } as never);
      assert.deepEqual(answered.state, { phase: 'ended', answered: true, outcome: null, dialStatus: 'ANSWER', cause: null });
    });

    it('maps the Q.850 causes that matter', () => {
      assert.equal(classifyUnanswered(null, 1), 'invalid_number');
      assert.equal(classifyUnanswered(null, 3), 'invalid_number');
      assert.equal(classifyUnanswered(null, 28), 'invalid_number');
      assert.equal(classifyUnanswered(null, 21), 'busy');
      assert.equal(classifyUnanswered(null, 34), 'failed');
      assert.equal(classifyUnanswered('CHANUNAVAIL', 0), 'failed');
      assert.equal(classifyUnanswered(null, 0), 'failed');
    });

    it('ignores events of other channels', () => {
      const t = new LegTracker('c1');
      assert.equal(t.feed({ type: 'ChannelDestroyed', channelId: 'c1;2', cause: 17 }), false);
      assert.equal(t.state.phase, 'dialling');
    });
  });

  describe('retry policy', () => {
    it('retries busy, no answer, failed and unconfirmed up to the maximum, and closes the rest at once', () => {
      assert.deepEqual(decideAfterAttempt('busy', 1), { action: 'retry', delaySeconds: 300, countsAsAttempt: true });
      assert.deepEqual(decideAfterAttempt('no_answer', 3), { action: 'close', status: 'failed', reason: 'no_answer' });
      assert.deepEqual(decideAfterAttempt('connected', 1), { action: 'close', status: 'completed', reason: 'connected' });
      assert.deepEqual(decideAfterAttempt('cancelled', 1), { action: 'close', status: 'cancelled', reason: 'cancelled' });
      assert.deepEqual(decideAfterAttempt('invalid_number', 1), { action: 'close', status: 'failed', reason: 'invalid_number' });
      assert.equal(decideAfterAttempt('interrupted', 99).action, 'retry', 'an interruption is never the customer’s last chance');
      assert.equal(decideAfterAttempt('unconfirmed', 2, { ...DEFAULT_RETRY_RULES, unconfirmed: { delaySeconds: 60, maxAttempts: 2 } }).action, 'close');
    });
  });

  describe('calling hours', () => {
    const window = { start: '09:00', end: '20:00', days: [1, 2, 3, 4, 5, 6] };

    it('takes the zone from the number, the request override, or the fallback for SIP', () => {
      assert.deepEqual(zonesForDestination('+442079460123', null, 'UTC'), ['Europe/London']);
      assert.deepEqual(zonesForDestination('+12025550123', 'America/Chicago', 'UTC'), ['America/Chicago']);
      assert.deepEqual(zonesForDestination('+12025550123', 'Not/AZone', 'UTC').length, 4);
      assert.deepEqual(zonesForDestination(null, null, 'Europe/Berlin'), ['Europe/Berlin']);
    });

    it('skips Sunday and handles the change to summer time', () => {
      // Saturday 21:00 London, the night before the clocks go forward (31 March 2030).
      assert.equal(nextCallableTime(new Date('2030-03-30T21:00:00Z'), window, ['Europe/London']).toISOString(), '2030-04-01T08:00:00.000Z');
      assert.equal(nextCallableTime(new Date('2030-04-01T08:30:00Z'), window, ['Europe/London']).toISOString(), '2030-04-01T08:30:00.000Z');
    });

    it('never gives up on a preferred time: a preferred time in the night moves to the next opening', () => {
      const at = nextCallableTime(new Date('2030-01-07T12:00:00Z'), window, ['Europe/Berlin'], new Date('2030-01-07T22:30:00Z'));
      assert.equal(at.toISOString(), '2030-01-08T08:00:00.000Z');
    });

    it('takes the zones of a country the destination check already named', () => {
      assert.deepEqual(zonesForCountry('GB', null, 'UTC'), ['Europe/London']);
      assert.deepEqual(zonesForCountry('US', 'America/Chicago', 'UTC'), ['America/Chicago']);
      assert.deepEqual(zonesForCountry(null, null, 'Europe/Berlin'), ['Europe/Berlin']);
      assert.deepEqual(zonesForCountry('ZZ', null, 'Europe/Berlin'), ['Europe/Berlin']);
    });

    it('reads the same wall clock as Intl in every zone, on both sides of every change of offset', () => {
      // The wall clock comes from an offset kept per quarter-hour; Intl is asked directly here.
      const zones = ['Europe/London', 'America/New_York', 'America/St_Johns', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Pacific/Chatham', 'America/Sao_Paulo', 'Africa/Casablanca', 'UTC'];
      for (const zone of zones) {
        const f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', weekday: 'short' });
        const reference = (t: number) => {
          const parts: Record<string, string> = {};
          for (const p of f.formatToParts(new Date(t))) parts[p.type] = p.value;
          return { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day), minutes: Number(parts.hour) * 60 + Number(parts.minute), weekday: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(parts.weekday!) };
        };
        const offset = (t: number) => {
          const r = reference(t);
          return Date.UTC(r.year, r.month - 1, r.day, 0, r.minutes) - Math.floor(t / 60_000) * 60_000;
        };
        const check = (t: number) => assert.deepEqual(localTime(new Date(t), zone), reference(t), `${zone} at ${new Date(t).toISOString()}`);
        // Through 2026 and 2027 a little over an hour apart (so every minute of the hour comes up),
        // and where the offset changes between two samples, to the millisecond on either side.
        let changes = 0;
        for (let t = Date.UTC(2026, 0, 1), prev = offset(t); t < Date.UTC(2028, 0, 1); t += 3_607_000) {
          check(t);
          const next = offset(t + 3_607_000);
          if (next === prev) continue;
          let lo = t;
          let hi = t + 3_607_000;
          while (hi - lo > 1) {
            const mid = Math.floor((lo + hi) / 2);
            if (offset(mid) === prev) lo = mid;
            else hi = mid;
          }
          for (const at of [lo - 60_000, lo, hi, hi + 60_000]) check(at);
          changes++;
          prev = next;
        }
        if (['Europe/London', 'America/New_York', 'Australia/Lord_Howe', 'Pacific/Chatham'].includes(zone)) assert.ok(changes >= 4, `${zone}: ${changes} changes of offset seen`);
      }
    });

    it('refuses a window that can never be open in all zones at once', () => {
      assert.throws(() => nextCallableTime(new Date('2030-01-07T12:00:00Z'), { start: '09:00', end: '10:00', days: [1] }, ['Europe/London', 'Australia/Sydney']), /never open/);
    });
  });

  describe('confirmation menu', () => {
    it('offers the options a fixed number of times, then reports no input', () => {
      let step = nextStep(DEFAULT_CALLBACK_MENU, { offered: 0 }, { kind: 'start' });
      assert.equal(step.kind, 'ask');
      step = nextStep(DEFAULT_CALLBACK_MENU, step.kind === 'ask' ? step.state : { offered: 0 }, { kind: 'timeout' });
      assert.deepEqual(step, { kind: 'ask', media: DEFAULT_CALLBACK_MENU.options, state: { offered: 2 } });
      assert.deepEqual(nextStep(DEFAULT_CALLBACK_MENU, { offered: 2 }, { kind: 'timeout' }), { kind: 'no-input' });
      assert.deepEqual(nextStep(DEFAULT_CALLBACK_MENU, { offered: 1 }, { kind: 'digit', digit: '1' }), { kind: 'choice', choice: 'connect' });
    });
  });
});
