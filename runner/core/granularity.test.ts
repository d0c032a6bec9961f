import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GRANULARITY_REFUSED, granularityOutcome, judgeGranularity } from './granularity.js';

test('a granularity finer than the fixture gives is refused with PMEM2_E_GRANULARITY_NOT_SUPPORTED, and only that', () => {
  assert.deepEqual(granularityOutcome('CACHE_LINE', ['PAGE']), { refused: true, permitted: [GRANULARITY_REFUSED] });
  assert.deepEqual(granularityOutcome('BYTE', ['CACHE_LINE']), { refused: true, permitted: [GRANULARITY_REFUSED] });
  // a success where the rule refuses is a finding, as is any other error
  assert.match(judgeGranularity('BYTE', ['PAGE'], '0', 'BYTE') ?? '', /returned 0, the reading permits PMEM2_E_GRANULARITY_NOT_SUPPORTED/);
  assert.match(judgeGranularity('BYTE', ['PAGE'], 'PMEM2_E_NOSUPP') ?? '', /returned PMEM2_E_NOSUPP/);
  assert.equal(judgeGranularity('BYTE', ['PAGE'], GRANULARITY_REFUSED), undefined);
});

test('a granularity the fixture gives maps, and never coarser than required', () => {
  assert.deepEqual(granularityOutcome('PAGE', ['PAGE']), { refused: false, permitted: ['0'] });
  assert.deepEqual(granularityOutcome('PAGE', ['BYTE']), { refused: false, permitted: ['0'] });
  assert.equal(judgeGranularity('PAGE', ['CACHE_LINE'], '0', 'CACHE_LINE'), undefined);
  assert.equal(judgeGranularity('CACHE_LINE', ['CACHE_LINE'], '0', 'CACHE_LINE'), undefined);
  // wrong observations: a refusal the fixture did not need, a map coarser than required
  assert.match(judgeGranularity('PAGE', ['PAGE'], GRANULARITY_REFUSED) ?? '', /permits 0/);
  assert.match(judgeGranularity('CACHE_LINE', ['CACHE_LINE'], '0', 'PAGE') ?? '', /coarser PAGE/);
});

test('a fixture whose finest granularity is unknown (CACHE_LINE or BYTE) permits both answers for BYTE', () => {
  assert.deepEqual(granularityOutcome('BYTE', ['CACHE_LINE', 'BYTE']), { refused: false, permitted: ['0', GRANULARITY_REFUSED] });
  assert.deepEqual(granularityOutcome('CACHE_LINE', ['CACHE_LINE', 'BYTE']).permitted, ['0']);
});
