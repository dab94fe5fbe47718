// Turning observed tiers into tier changes and deopts (what jitOnce and the profiler record).

import { strict as assert } from 'node:assert';
import { createRecord } from '../lib/runtime/registry.js';
import { MAX_TIER_CHANGES, recordTier, watchTier } from '../lib/runtime/tierwatch.js';
import type { ObservedTier } from '../lib/types.js';

function recordAfter(...tiers: ObservedTier[]) {
  const record = createRecord('tierwatch', 'once');
  for (const tier of tiers) recordTier(record, tier);
  return record;
}

describe('tierwatch', () => {
  it('takes the first observation as the starting tier, not as a change', () => {
    assert.deepEqual(recordAfter('interpreter').tierChanges, []);
  });
  it('records a change with the tiers it went from and to', () => {
    assert.deepEqual(recordAfter('interpreter', 'turbofan').tierChanges.map((c) => [c.from, c.to]), [['interpreter', 'turbofan']]);
  });
  it('counts a drop from TurboFan to a lower tier as a deopt', () => {
    assert.equal(recordAfter('interpreter', 'turbofan', 'sparkplug').deopts, 1);
  });
  it('counts a drop from Maglev to the interpreter as a deopt', () => {
    assert.equal(recordAfter('sparkplug', 'maglev', 'interpreter').deopts, 1);
  });
  it('does not count Maglev to TurboFan (a tier-up) as a deopt', () => {
    assert.equal(recordAfter('interpreter', 'maglev', 'turbofan').deopts, 0);
  });
  it('ignores unknown observations', () => {
    assert.deepEqual([recordAfter('turbofan', 'unknown').observedTier, recordAfter('turbofan', 'unknown').deopts], ['turbofan', 0]);
  });
  it('does not count a deopt jitctl made itself (pinning)', () => {
    const record = recordAfter('interpreter', 'turbofan');
    recordTier(record, 'sparkplug', true);
    assert.deepEqual([record.deopts, record.observedTier], [0, 'sparkplug']);
  });
  it('returns true exactly for the observation that saw a deopt', () => {
    const record = recordAfter('interpreter', 'turbofan');
    assert.deepEqual([recordTier(record, 'sparkplug'), recordTier(record, 'interpreter')], [true, false]);
  });
  it(`keeps at most ${MAX_TIER_CHANGES} tier changes however long a function churns`, () => {
    const tiers: ObservedTier[] = [];
    for (let i = 0; i < 200; i++) tiers.push(i % 2 ? 'turbofan' : 'sparkplug');
    const record = recordAfter(...tiers);
    assert.deepEqual([record.tierChanges.length, record.deopts], [MAX_TIER_CHANGES, 99]);
  });
  it('observes nothing on a bound function (and does not touch it)', () => {
    const record = createRecord('bound', 'once');
    watchTier(record, ((x: number) => x).bind(null));
    assert.equal(record.observedTier, 'unknown');
  });
});
