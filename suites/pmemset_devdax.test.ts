/**
 * The libpmemset cases that moved to device DAX can fail there: as in
 * devdax.test.ts, each runs on a stand-in "device" (a regular file named as
 * the fixture's devdaxPath) with the capabilities a device DAX fixture
 * observes, once with the real addon and once with an addon that lies about
 * one answer: bytes not written, an offset dropped, a granularity the device
 * never grants, an existing device truncated by CREATE_IF_NEEDED.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import type { Addon } from '../runner/core/native.js';
import { pmem2 } from '../runner/core/native.js';
import { mustConstant } from '../runner/core/constants.js';
import { DEFAULT_LIB } from '../runner/core/implementation.js';
import type { Outcome, Suite } from './framework.js';
import { lying, runStandInCase, standIn } from './devdax_testing.js';
import { suite as fromFileSuite } from './pmemset_source_from_file.js';
import { suite as fromPmem2Suite } from './pmemset_source_from_pmem2.js';
import { suite as granularitySuite } from './pmemset_get_store_granularity.js';
import { suite as offsetSuite } from './pmemset_map_config_set_offset.js';

const real = pmem2();
const built = fs.existsSync(DEFAULT_LIB.libpmemset!);
const skip = !built && 'our libpmemset is not built (make -C native/libpmemset)';
const standin = standIn('pmem-conform-pmemset-devdax-test-', real.pageSize());
const { dir } = standin;

/** runCase -- one case of `suite` on a fresh stand-in device, its context built as runClause builds it */
function runCase(suite: Suite, key: string, addon: Addon = real): Outcome {
  const def = suite.cases.find((c) => c.key === key);
  assert.equal(def?.fixtures, 'devdax', `${key} runs on device DAX`);
  standin.reset();
  return runStandInCase(suite, key, { caps: standin.caps(), addon, impl: { name: 'libpmemset', path: DEFAULT_LIB.libpmemset! }, dir });
}

/** failure -- the case's failure, after checking it judged a call that succeeded */
function failure(o: Outcome): string | undefined {
  assert.ok('observed' in o && !('crash' in o), JSON.stringify(o));
  assert.equal(o.observed.name, '0', JSON.stringify(o.observed));
  return o.failure;
}

test('device DAX: the bytes pmemset_memcpy wrote through a source from pmem2 must be on the device', { skip }, () => {
  real.pmemsetLoad(DEFAULT_LIB.libpmemset!);
  const key = 'pmemset_source_from_pmem2/source built on the pmem2 source#1';
  assert.equal(failure(runCase(fromPmem2Suite, key)), undefined);
  const dropsStores = lying(real, { setMemcpy: () => undefined });
  assert.match(failure(runCase(fromPmem2Suite, key, dropsStores)) ?? '', /^the device holds ".*" where the part was written$/);
});

test('device DAX: a part mapped at an offset of one unit must start with the bytes there', { skip }, () => {
  real.pmemsetLoad(DEFAULT_LIB.libpmemset!);
  const key = 'pmemset_map_config_set_offset/mapping starts at the offset#1';
  assert.equal(failure(runCase(offsetSuite, key)), undefined);
  // the offset accepted, then forgotten: the part is the device's first unit
  const dropsOffset = lying(real, { setMapConfigSetOffset: () => ({ code: 0 }) });
  assert.match(failure(runCase(offsetSuite, key, dropsOffset)) ?? '', /not the bytes at offset 2097152$/);
});

test('device DAX: the effective granularity of a PAGE set is what the device grants, never PAGE', { skip }, () => {
  real.pmemsetLoad(DEFAULT_LIB.libpmemset!);
  const key = 'pmemset_get_store_granularity/effective granularity stored in g#1';
  // the stand-in is a tmpfs file: the real library maps it PAGE, which a device DAX never is
  assert.match(failure(runCase(granularitySuite, key)) ?? '', /\*g is PMEM2_GRANULARITY_PAGE; the device DAX grants .*CACHE_LINE/);
  const cacheLine = mustConstant('libpmem2', 'PMEM2_GRANULARITY_CACHE_LINE');
  const asDevice = lying(real, { setGetStoreGranularity: () => ({ code: 0, value: cacheLine }) });
  assert.equal(failure(runCase(granularitySuite, key, asDevice)), undefined);
});

test('device DAX: CREATE_IF_NEEDED must keep the data of the existing device', { skip }, () => {
  real.pmemsetLoad(DEFAULT_LIB.libpmemset!);
  const key = 'pmemset_xsource_from_file/CREATE_IF_NEEDED#1';
  assert.equal(failure(runCase(fromFileSuite, key)), undefined);
  // a library that opens CREATE_IF_NEEDED as CREATE_ALWAYS (O_TRUNC): the stand-in, a regular file, loses its data
  const always = mustConstant('libpmemset', 'PMEMSET_SOURCE_FILE_CREATE_ALWAYS');
  const truncates = lying(real, { setXsourceFromFile: (file: string, _flags: bigint | number) => real.setXsourceFromFile(file, always) });
  assert.match(failure(runCase(fromFileSuite, key, truncates)) ?? '', /^the existing device was overwritten/);
});
