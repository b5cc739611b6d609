import assert from 'node:assert/strict';
import { isRequestId, newRequestId } from '../../src/app/intake/request-id';

describe('help request ids', () => {
  it('are well formed and never repeat, across many refills of the random pool', () => {
    const ids = Array.from({ length: 5000 }, () => newRequestId());
    for (const id of ids) assert.ok(isRequestId(id), id);
    assert.equal(new Set(ids).size, ids.length);
    // 128 random bits each: every base64url character shows up in every position over 5000 ids.
    const firstChars = new Set(ids.map((id) => id[3]));
    assert.ok(firstChars.size >= 60, `only ${firstChars.size} distinct first characters`);
  });

  it('refuse anything else as an id', () => {
    for (const bad of ['', 'hr_', 'hr_short', `hr_${'A'.repeat(23)}`, `xx_${'A'.repeat(22)}`, `hr_${'A'.repeat(21)}=`, `hr_${'A'.repeat(21)}/`]) assert.equal(isRequestId(bad), false, bad);
  });
});
