import assert from 'node:assert/strict';
import { estimateWaitSeconds } from '../../../src/domain/wait-estimate';

describe('estimateWaitSeconds', () => {
  it('is position times handle time shared among logged-in agents', () => {
    assert.equal(estimateWaitSeconds({ position: 1, handleSeconds: 300, agentsLoggedIn: 1 }), 300);
    assert.equal(estimateWaitSeconds({ position: 3, handleSeconds: 300, agentsLoggedIn: 2 }), 450);
    assert.equal(estimateWaitSeconds({ position: 4, handleSeconds: 100, agentsLoggedIn: 3 }), 134);
  });

  it('counts no agents as one, and adds the time until a scheduled entry is due', () => {
    assert.equal(estimateWaitSeconds({ position: 2, handleSeconds: 60, agentsLoggedIn: 0 }), 120);
    assert.equal(estimateWaitSeconds({ position: null, handleSeconds: 60, agentsLoggedIn: 1, secondsUntilDue: 3600.2 }), 3601);
    assert.equal(estimateWaitSeconds({ position: null, handleSeconds: 60, agentsLoggedIn: 1 }), null);
  });
});
