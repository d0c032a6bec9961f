/**
 * The device DAX checks can fail: the cases run on a stand-in "device" (a
 * regular file named as the fixture's devdaxPath, so the real libpmem2 maps
 * it as a file) with the capabilities a device DAX fixture observes, and an
 * addon that tells the truth or lies about one answer. A wrong size, a
 * wrong alignment, a granularity coarser than the device's persistence
 * domain grants, and a CACHE_LINE map granted on virtio-pmem (DAX without
 * MAP_SYNC) each become a finding; the truthful answers do not.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import type { Addon } from '../runner/core/native.js';
import { pmem2 } from '../runner/core/native.js';
import type { Capabilities } from '../fixtures/fixture.js';
import type { Outcome, Suite } from './framework.js';
import { lying, MiB, runStandInCase, standIn } from './devdax_testing.js';
import { suite as alignmentSuite } from './pmem2_source_alignment.js';
import { suite as mapNewSuite } from './pmem2_map_new.js';
import { suite as sizeSuite } from './pmem2_source_size.js';
import { suite as pmemsetMapSuite } from './pmemset_map.js';
import { suite as pmemsetPartMapSuite } from './pmemset_part_map.js';
import { suite as pmemsetPersistSuite } from './pmemset_persist.js';
import { DEFAULT_LIB } from '../runner/core/implementation.js';

const real = pmem2();
const standin = standIn('pmem-conform-devdax-test-', real.pageSize());
const { dir } = standin;

/** the capabilities of the emulated NVDIMM's device DAX, memory_controller domain */
function devdaxCaps(extra: Partial<Capabilities> = {}): Capabilities {
  return standin.caps({ persistenceDomain: 'memory_controller', ...extra });
}

/** runCase -- one case of `suite` with its context built as runClause builds it, on `caps` */
function runCase(suite: Suite, key: string, caps: Capabilities, addon: Addon = real): Outcome {
  return runStandInCase(suite, key, { caps, addon, impl: { name: 'libpmem2', path: 'libpmem2.so.1' }, dir });
}

function failure(o: Outcome): string | undefined {
  assert.ok('observed' in o && !('crash' in o), JSON.stringify(o));
  return o.failure;
}

test('device DAX: pmem2_source_size must be the size sysfs shows for the device', () => {
  const key = 'pmem2_source_size/RETURN VALUE#1';
  assert.equal(failure(runCase(sizeSuite, key, devdaxCaps())), undefined);
  const lie = lying(real, { sourceSize: () => ({ code: 0, value: BigInt(4 * MiB) }) });
  assert.match(failure(runCase(sizeSuite, key, devdaxCaps(), lie)) ?? '', /\*size is 4194304; sysfs says the device holds 8388608/);
});

test("device DAX: pmem2_source_alignment must be the device's sysfs align, not the page size", () => {
  const key = 'pmem2_source_alignment/RETURN VALUE#1';
  const truth = lying(real, { sourceAlignment: () => ({ code: 0, value: BigInt(2 * MiB) }) });
  assert.equal(failure(runCase(alignmentSuite, key, devdaxCaps(), truth)), undefined);
  // the real library sees a regular file and answers the page size: on a device that is the wrong answer
  assert.match(failure(runCase(alignmentSuite, key, devdaxCaps())) ?? '', /align attribute says 2097152/);
});

test('device DAX: a map coarser than the persistence domain grants (PAGE on a memory_controller device) is a finding', () => {
  const key = 'pmem2_map_new/new mapping stored in map_ptr#1';
  // the stand-in is a tmpfs file: the real library maps it PAGE, which a device DAX never is
  assert.match(failure(runCase(mapNewSuite, key, devdaxCaps())) ?? '', /says PAGE; the fixture gives CACHE_LINE/);
  const cacheLine = lying(real, { mapGetStoreGranularity: () => 1 });
  assert.equal(failure(runCase(mapNewSuite, key, devdaxCaps(), cacheLine)), undefined);
  // eADR (persistence_domain cpu_cache): CACHE_LINE is now the coarser lie, BYTE the truth
  assert.match(
    failure(runCase(mapNewSuite, key, devdaxCaps({ persistenceDomain: 'cpu_cache' }), cacheLine)) ?? '',
    /says CACHE_LINE; the fixture gives BYTE/,
  );
});

test('virtio-pmem (DAX without MAP_SYNC): a CACHE_LINE request must be refused, a granted one is a finding', () => {
  const key = 'pmem2_map_new/granularity must be appropriate#1';
  const virtio: Capabilities = { ...devdaxCaps(), devdax: false, devdaxPath: undefined, dax: true, mapSync: false };
  const refused = runCase(mapNewSuite, key, virtio);
  assert.ok('observed' in refused && !('crash' in refused));
  assert.deepEqual(refused.permitted, ['PMEM2_E_GRANULARITY_NOT_SUPPORTED']);
  assert.match(refused.observed.at ?? '', /CACHE_LINE on a fixture granting PAGE/);
  assert.equal(refused.observed.name, 'PMEM2_E_GRANULARITY_NOT_SUPPORTED');
  // a library that grants it anyway
  const grants = lying(real, { mapNew: () => ({ code: 0, mapPtr: 'set' }) });
  const granted = runCase(mapNewSuite, key, virtio, grants);
  assert.ok('observed' in granted);
  assert.equal(granted.observed.name, '0');
  assert.ok(!granted.permitted.includes('0'), 'success is not permitted on a PAGE-only fixture');
});

const needsPmemset = !fs.existsSync(DEFAULT_LIB.libpmemset!) && 'our libpmemset is not built (make -C native/libpmemset)';

test('device DAX: a pmemset part mapped with map_cfg NULL is the whole device, a part of a chosen size is a finding', {
  skip: needsPmemset,
}, () => {
  real.pmemsetLoad(DEFAULT_LIB.libpmemset!);
  const key = 'pmemset_map/whole source when map_cfg is NULL#1';
  // the stand-in holds the device's 8 MiB: the part must be all of it, not the 3 units the case asks of a file
  assert.equal(failure(runCase(pmemsetMapSuite, key, devdaxCaps())), undefined);
  const threeUnits = lying(real, {
    setMap: (...args: Parameters<Addon['setMap']>) => {
      const r = real.setMap(...args);
      return r.descriptor ? { ...r, descriptor: { ...r.descriptor, size: BigInt(6 * MiB) } } : r;
    },
  });
  assert.match(failure(runCase(pmemsetMapSuite, key, devdaxCaps(), threeUnits)) ?? '', /part size 6291456, the source is 8388608 bytes/);
});

test('device DAX: pmemset_map asks BYTE of a device (CACHE_LINE without MAP_SYNC), CACHE_LINE of a PAGE-only file', {
  skip: needsPmemset,
}, () => {
  real.pmemsetLoad(DEFAULT_LIB.libpmemset!);
  const key = 'pmemset_map/PMEMSET_E_GRANULARITY_NOT_SUPPORTED#1';
  const onDevice = runCase(pmemsetMapSuite, key, devdaxCaps());
  assert.ok('observed' in onDevice, JSON.stringify(onDevice));
  assert.match(onDevice.observed.at ?? '', /BYTE on a fixture that cannot give it/);
  const onFile = runCase(pmemsetMapSuite, key, { ...devdaxCaps(), devdax: false, devdaxPath: undefined });
  assert.ok('observed' in onFile, JSON.stringify(onFile));
  assert.match(onFile.observed.at ?? '', /CACHE_LINE on a fixture that cannot give it/);
  // eADR: a device grants every granularity, nothing finer to ask
  assert.ok('skip' in runCase(pmemsetMapSuite, key, devdaxCaps({ persistenceDomain: 'cpu_cache' })));
});

test('device DAX: pmemset_persist reads the persisted bytes back from the device; a copy that stores nothing is a finding', {
  skip: needsPmemset,
}, () => {
  real.pmemsetLoad(DEFAULT_LIB.libpmemset!);
  const key = 'pmemset_persist/persisted data reaches the file#1';
  // the stand-in is shared: zero it, so a lie cannot read an earlier run's copy
  const clear = () => standin.reset();
  clear();
  assert.equal(failure(runCase(pmemsetPersistSuite, key, devdaxCaps())), undefined);
  clear();
  const noStore = lying(real, { setMemcpy: (_set: unknown, dest: bigint) => dest });
  assert.match(failure(runCase(pmemsetPersistSuite, key, devdaxCaps(), noStore)) ?? '', /the file holds "\\u0000/);
});

test('device DAX: a pmemset part of two units must be described as two units, not as the whole device', {
  skip: needsPmemset,
}, () => {
  real.pmemsetLoad(DEFAULT_LIB.libpmemset!);
  const key = 'pmemset_part_map/descriptor filled on success#1';
  assert.equal(failure(runCase(pmemsetPartMapSuite, key, devdaxCaps())), undefined);
  const wholeDevice = lying(real, {
    setPartMap: (...args: Parameters<Addon['setPartMap']>) => {
      const r = real.setPartMap(...args);
      return r.descriptor ? { ...r, descriptor: { ...r.descriptor, size: BigInt(8 * MiB) } } : r;
    },
  });
  assert.match(failure(runCase(pmemsetPartMapSuite, key, devdaxCaps(), wholeDevice)) ?? '', /descriptor size 8388608, mapped 4194304/);
});
