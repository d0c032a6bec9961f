/**
 * The libpmemset properties have teeth: each passes on our libpmemset, each
 * catches a library that lies in one small way (one method of the addon
 * overridden) with a counterexample shrunk to a few steps, and a failure
 * replays from its seed and path.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { mustConstant } from '../runner/core/constants.js';
import { DEFAULT_LIB } from '../runner/core/implementation.js';
import { pmem2 } from '../runner/core/native.js';
import type { Addon } from '../runner/core/native.js';
import type { PropertyContext, PropertyDef, PropertyResult } from './framework.js';
import { setParts, setPartsReservation } from './pmemset_parts.js';
import { setSources } from './pmemset_sources.js';

// our libpmemset as this checkout built it, wherever the checkout is
const LIB = DEFAULT_LIB.libpmemset!;
const real = pmem2();
real.pmemsetLoad(LIB);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pmem-conform-pmemset-prop-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function ctx(addon: Addon, numRuns: number, seed = 7, replay?: string): PropertyContext {
  return {
    addon,
    fixture: {
      name: 'tmpdir',
      kind: 'tmpdir',
      directory: () => dir,
      capabilities: () => {
        throw new Error('unused');
      },
      setup: async () => undefined,
      teardown: async () => undefined,
    },
    caps: { pageSize: real.pageSize(), dax: false, mapSync: false, devdax: false, filesystem: 'tmpfs', appendOnly: false },
    impl: { name: 'libpmemset', path: LIB },
    known: [],
    fc: { seed, numRuns, ...(replay ? { path: replay } : {}) },
  };
}

// how fast the properties run is measured by npm run bench, not asserted here
function passes(p: PropertyDef, runs: number, seed = 7): void {
  const r = p.run(ctx(real, runs, seed));
  assert.equal(r.failed, false, r.finding?.message ?? r.error);
  assert.equal(r.runs, runs);
}

/** caught, not as a harness error, shrunk to at most `steps` steps, the message matching */
function caught(r: PropertyResult, steps: number, message: RegExp): void {
  show(message.source, r);
  assert.equal(r.failed, true, 'the lie was not caught');
  assert.equal(r.error, undefined, r.error);
  const n = r.finding!.situation.split('; ').length;
  assert.ok(n <= steps, `counterexample not shrunk (${n} steps): ${r.finding!.situation}`);
  assert.match(r.finding!.message, message);
  assert.ok(r.path);
}

for (const [p, seed] of [
  [setParts, 7],
  [setPartsReservation, 7],
  [setSources, 7],
  [setParts, 1234],
  [setPartsReservation, 1234],
  [setSources, 1234],
] as const) {
  test(`${p.name} passes 300 runs on our libpmemset (seed ${seed})`, () => passes(p, 300, seed));
}

test('parts: a library whose next_part_map always ends the iteration is caught, shrunk to a few steps', () => {
  const liar: Addon = Object.create(real);
  liar.setNextPartMap = () => ({ code: 0 });
  caught(setParts.run(ctx(liar, 300)), 5, /first\/next iterate/);
});

test('parts: a library whose remove_range removes only the part at the first byte is caught', () => {
  const liar: Addon = Object.create(real);
  liar.setRemoveRange = (set, addr) => real.setRemoveRange(set, addr, 1);
  caught(setParts.run(ctx(liar, 300)), 5, /remove_range|still mapped/);
});

test('parts-reservation: a library that ignores the coalescing mode (always NONE) is caught', () => {
  const liar: Addon = Object.create(real);
  liar.setSetContiguousPartCoalescing = (set, v) => real.setSetContiguousPartCoalescing(set, v >= 0 && v <= 2 ? 0 : v);
  caught(setPartsReservation.run(ctx(liar, 300)), 5, /part maps are|FULL|OPPORTUNISTIC/);
});

test('parts-reservation: a library whose by_address answers the part map one page further is caught', () => {
  const liar: Addon = Object.create(real);
  liar.setPartMapByAddress = (set, addr) => real.setPartMapByAddress(set, BigInt(addr) + BigInt(real.pageSize()));
  caught(setPartsReservation.run(ctx(liar, 300)), 5, /by_address|part_map_by_address/);
});

const ALWAYS = () => BigInt(mustConstant('libpmemset', 'PMEMSET_SOURCE_FILE_CREATE_ALWAYS'));
const IF_NEEDED = () => BigInt(mustConstant('libpmemset', 'PMEMSET_SOURCE_FILE_CREATE_IF_NEEDED'));
const DO_NOT_GROW = () => BigInt(mustConstant('libpmemset', 'PMEMSET_SOURCE_FILE_DO_NOT_GROW'));

test('sources: a library that treats CREATE_ALWAYS as CREATE_IF_NEEDED (no truncation) is caught', () => {
  const liar: Addon = Object.create(real);
  liar.setXsourceFromFile = (file, flags) => {
    const f = BigInt(flags);
    return real.setXsourceFromFile(file, f & ALWAYS() ? (f & ~ALWAYS()) | IF_NEEDED() : f);
  };
  caught(setSources.run(ctx(liar, 300)), 5, /file \d is \d+ bytes/);
});

test('sources: a library that forgets DO_NOT_GROW is caught', () => {
  const liar: Addon = Object.create(real);
  liar.setXsourceFromFile = (file, flags) => real.setXsourceFromFile(file, BigInt(flags) & ~DO_NOT_GROW());
  caught(setSources.run(ctx(liar, 300)), 5, /SOURCE_FILE_IS_TOO_SMALL/);
});

test('replaying a failure with its seed and path reproduces the same counterexample', () => {
  const liars: [PropertyDef, Addon][] = [];
  const a: Addon = Object.create(real);
  a.setNextPartMap = () => ({ code: 0 });
  liars.push([setParts, a]);
  const b: Addon = Object.create(real);
  b.setXsourceFromFile = (file, flags) => real.setXsourceFromFile(file, BigInt(flags) & ~DO_NOT_GROW());
  liars.push([setSources, b]);
  for (const [p, liar] of liars) {
    const first = p.run(ctx(liar, 300, 11));
    assert.equal(first.failed, true);
    const again = p.run(ctx(liar, 300, 11, first.path!));
    assert.equal(again.failed, true);
    // addresses differ from run to run; the steps and everything else must not
    const mask = (m: string) => m.replace(/0x[0-9a-f]+/g, 'ADDR');
    assert.equal(again.finding!.situation, first.finding!.situation);
    assert.equal(mask(again.finding!.message), mask(first.finding!.message));
  }
});

/** PMEMSET_PROP_SHOW=1 prints each liar's counterexample */
function show(what: string, r: PropertyResult): void {
  if (process.env.PMEMSET_PROP_SHOW) console.log(`${what}: ${r.finding?.message}`);
}
