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
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { Clause } from '../runner/core/catalogue.js';
import type { Addon } from '../runner/core/native.js';
import { pmem2 } from '../runner/core/native.js';
import { mustConstant } from '../runner/core/constants.js';
import { DEFAULT_LIB } from '../runner/core/implementation.js';
import type { Capabilities, Fixture } from '../fixtures/fixture.js';
import type { CaseContext, Outcome, Suite } from './framework.js';
import { makeFile, makeMedium } from './framework.js';
import { suite as fromFileSuite } from './pmemset_source_from_file.js';
import { suite as fromPmem2Suite } from './pmemset_source_from_pmem2.js';
import { suite as granularitySuite } from './pmemset_get_store_granularity.js';
import { suite as offsetSuite } from './pmemset_map_config_set_offset.js';

const MiB = 1024 * 1024;
const real = pmem2();
const built = fs.existsSync(DEFAULT_LIB.libpmemset!);
const skip = !built && 'our libpmemset is not built (make -C native/libpmemset)';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pmem-conform-pmemset-devdax-test-'));
process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
const device = path.join(dir, 'dax-standin');

/** standIn -- a fresh 8 MiB "device", so no test sees what another wrote */
function standIn(): void {
  fs.writeFileSync(device, '');
  fs.truncateSync(device, 8 * MiB);
}

/** devdaxCaps -- the emulated NVDIMM's device DAX: 2 MiB alignment, 8 MiB here, no persistence domain reported */
function devdaxCaps(): Capabilities {
  return {
    dax: false,
    mapSync: false,
    devdax: true,
    devdaxPath: device,
    devdaxAlignment: 2 * MiB,
    devdaxSize: 8 * MiB,
    pageSize: real.pageSize(),
    filesystem: 'tmpfs',
    appendOnly: false,
  };
}

/** lying -- an addon answering as the real one, but for the functions in `lies` */
function lying(lies: Partial<Record<keyof Addon, unknown>>): Addon {
  return new Proxy(real, {
    get(t, k) {
      if (k in lies) return lies[k as keyof Addon];
      const v = (t as unknown as Record<string | symbol, unknown>)[k];
      return typeof v === 'function' ? v.bind(t) : v;
    },
  });
}

/** runCase -- one case of `suite` on a fresh stand-in device, its context built as runClause builds it */
function runCase(suite: Suite, key: string, addon: Addon = real): Outcome {
  const def = suite.cases.find((c) => c.key === key);
  assert.ok(def, `no case ${key}`);
  assert.equal(def.fixtures, 'devdax', `${key} runs on device DAX`);
  standIn();
  const caps = devdaxCaps();
  const cleanups: (() => void)[] = [];
  const fixture: Fixture = {
    name: 'standin',
    kind: 'devdax',
    setup: async () => undefined,
    capabilities: () => caps,
    directory: () => dir,
    teardown: async () => undefined,
  };
  const ctx: CaseContext = {
    addon,
    fixture,
    caps,
    impl: { name: 'libpmemset', path: DEFAULT_LIB.libpmemset } as CaseContext['impl'],
    clause: { function: key.split('/')[0], name: key, page: suite.pages[0], version: 'test' } as unknown as Clause,
    catalogue: [],
    file: (size, o = {}) => makeFile(o.dir ?? dir, size, o.flags, o.mode),
    unit: 2 * MiB,
    medium: (size, o = {}) => makeMedium(dir, caps, size, o.flags),
    defer: (fn) => cleanups.push(fn),
  };
  try {
    return def.run(ctx);
  } finally {
    for (const fn of cleanups.reverse()) fn();
  }
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
  const dropsStores = lying({ setMemcpy: () => undefined });
  assert.match(failure(runCase(fromPmem2Suite, key, dropsStores)) ?? '', /^the device holds ".*" where the part was written$/);
});

test('device DAX: a part mapped at an offset of one unit must start with the bytes there', { skip }, () => {
  real.pmemsetLoad(DEFAULT_LIB.libpmemset!);
  const key = 'pmemset_map_config_set_offset/mapping starts at the offset#1';
  assert.equal(failure(runCase(offsetSuite, key)), undefined);
  // the offset accepted, then forgotten: the part is the device's first unit
  const dropsOffset = lying({ setMapConfigSetOffset: () => ({ code: 0 }) });
  assert.match(failure(runCase(offsetSuite, key, dropsOffset)) ?? '', /not the bytes at offset 2097152$/);
});

test('device DAX: the effective granularity of a PAGE set is what the device grants, never PAGE', { skip }, () => {
  real.pmemsetLoad(DEFAULT_LIB.libpmemset!);
  const key = 'pmemset_get_store_granularity/effective granularity stored in g#1';
  // the stand-in is a tmpfs file: the real library maps it PAGE, which a device DAX never is
  assert.match(failure(runCase(granularitySuite, key)) ?? '', /\*g is PMEM2_GRANULARITY_PAGE; the device DAX grants .*CACHE_LINE/);
  const cacheLine = mustConstant('libpmem2', 'PMEM2_GRANULARITY_CACHE_LINE');
  const asDevice = lying({ setGetStoreGranularity: () => ({ code: 0, value: cacheLine }) });
  assert.equal(failure(runCase(granularitySuite, key, asDevice)), undefined);
});

test('device DAX: CREATE_IF_NEEDED must keep the data of the existing device', { skip }, () => {
  real.pmemsetLoad(DEFAULT_LIB.libpmemset!);
  const key = 'pmemset_xsource_from_file/CREATE_IF_NEEDED#1';
  assert.equal(failure(runCase(fromFileSuite, key)), undefined);
  // a library that opens CREATE_IF_NEEDED as CREATE_ALWAYS (O_TRUNC): the stand-in, a regular file, loses its data
  const always = mustConstant('libpmemset', 'PMEMSET_SOURCE_FILE_CREATE_ALWAYS');
  const truncates = lying({ setXsourceFromFile: (file: string, _flags: bigint | number) => real.setXsourceFromFile(file, always) });
  assert.match(failure(runCase(fromFileSuite, key, truncates)) ?? '', /^the existing device was overwritten/);
});
