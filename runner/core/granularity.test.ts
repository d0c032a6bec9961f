import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GRANULARITY_REFUSED, grantedBecause, grantedGranularity, granularityOutcome, judgeGranularity } from './granularity.js';

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

test('the granted granularity comes from what the fixture observed: MAP_SYNC, device DAX, persistence domain', () => {
  // fsdax with MAP_SYNC on a memory_controller region; device DAX (its aux directory has no MAP_SYNC); eADR
  assert.deepEqual(grantedGranularity({ mapSync: true, persistenceDomain: 'memory_controller' }), ['CACHE_LINE']);
  assert.deepEqual(grantedGranularity({ mapSync: false, devdax: true, persistenceDomain: 'memory_controller' }), ['CACHE_LINE']);
  assert.deepEqual(grantedGranularity({ mapSync: false, devdax: true, persistenceDomain: 'cpu_cache' }), ['BYTE']);
  assert.deepEqual(grantedGranularity({ mapSync: true, persistenceDomain: 'cpu_cache' }), ['BYTE']);
  // virtio-pmem: DAX, but MAP_SYNC refused, so stores reach the media through the page cache
  assert.deepEqual(grantedGranularity({ mapSync: false, persistenceDomain: undefined }), ['PAGE']);
  // a domain nobody could read leaves both
  assert.deepEqual(grantedGranularity({ mapSync: true, persistenceDomain: 'none reported (empty persistence_domain)' }), [
    'CACHE_LINE',
    'BYTE',
  ]);
  assert.deepEqual(grantedGranularity({ mapSync: false, devdax: true, forcedGranularity: 'PAGE' }), ['PAGE']);
});

test('wrong observations give wrong expectations: each fact the rule reads changes the verdict on one answer', () => {
  // a device DAX map reported CACHE_LINE passes; read as a file without MAP_SYNC (the old reading) it would be judged PAGE-only
  const dev = grantedGranularity({ mapSync: false, devdax: true, persistenceDomain: 'memory_controller' });
  assert.equal(judgeGranularity('CACHE_LINE', dev, '0', 'CACHE_LINE'), undefined);
  assert.match(
    judgeGranularity('CACHE_LINE', grantedGranularity({ mapSync: false }), '0', 'CACHE_LINE') ?? '',
    /permits PMEM2_E_GRANULARITY_NOT_SUPPORTED/,
  );
  // virtio-pmem granting CACHE_LINE is a finding; refusing it is the rule
  const virtio = grantedGranularity({ mapSync: false });
  assert.match(judgeGranularity('CACHE_LINE', virtio, '0', 'CACHE_LINE') ?? '', /returned 0/);
  assert.equal(judgeGranularity('CACHE_LINE', virtio, GRANULARITY_REFUSED), undefined);
  // eADR: a BYTE request must map; a refusal is a finding, as it is not on a memory_controller device
  const eadr = grantedGranularity({ mapSync: false, devdax: true, persistenceDomain: 'cpu_cache' });
  assert.match(judgeGranularity('BYTE', eadr, GRANULARITY_REFUSED) ?? '', /permits 0/);
  assert.equal(judgeGranularity('BYTE', dev, GRANULARITY_REFUSED), undefined);
  assert.match(
    grantedBecause({ mapSync: false, devdax: true, persistenceDomain: 'cpu_cache' }),
    /device DAX, persistence_domain cpu_cache/,
  );
});
