/**
 * The properties must have teeth: against a library that lies in one
 * small way, each finds it and shrinks to a short counterexample; against
 * the real library they run clean apart from findings already known.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { pmem2 } from '../runner/core/native.js';
import type { Addon } from '../runner/core/native.js';
import type { PropertyContext } from './framework.js';
import { reservationSequences } from './pmem2_vm_reservation.js';
import { mapNewParameters } from './pmem2_map_new.js';

const real = pmem2();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pmem-conform-prop-'));
const known = [{ clause: 'pmem2_map_new/PMEM2_E_ADDRESS_UNALIGNED#2', observedName: 'PMEM2_E_LENGTH_OUT_OF_RANGE', caseId: 'suite' }];

function ctx(addon: Addon, numRuns: number, seed = 7): PropertyContext {
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
    impl: { name: 'libpmem2', path: 'libpmem2.so.1' },
    known,
    fc: { seed, numRuns },
  };
}

test('reservation sequences pass 1,000 runs on the real library', () => {
  const r = reservationSequences.run(ctx(real, 1000));
  assert.equal(r.failed, false, r.finding?.message ?? r.error);
  assert.equal(r.runs, 1000);
});

test('a library whose map_find_last answers map_find_first is caught, shrunk to a few steps', () => {
  const liar: Addon = Object.create(real);
  liar.reservationMapFindLast = (rsv) => real.reservationMapFindFirst(rsv);
  const r = reservationSequences.run(ctx(liar, 1000));
  assert.equal(r.failed, true);
  const steps = r.finding!.situation.split('; ');
  assert.ok(steps.length <= 4, `counterexample not shrunk: ${r.finding!.situation}`);
  assert.match(r.finding!.message, /map_find_last/);
  assert.ok(r.path && r.seed === 7);
});

test('a library whose reservation size is off by a page after extend is caught', () => {
  const liar: Addon = Object.create(real);
  liar.reservationGetSize = (rsv) =>
    real.reservationGetSize(rsv) + (real.reservationGetSize(rsv) > BigInt(4 * real.pageSize()) ? BigInt(real.pageSize()) : 0n);
  const r = reservationSequences.run(ctx(liar, 500));
  assert.equal(r.failed, true);
  assert.match(r.finding!.message, /get_size\(\) is/);
});

/** the real library's own findings, set aside the way the runner does, so a liar's lie stands out */
function discoverKnown(prop: typeof mapNewParameters, runs: number) {
  const all = [...known];
  for (let i = 0; i < 10; i++) {
    const r = prop.run({ ...ctx(real, runs), known: all });
    if (!r.failed) return all;
    assert.ok(r.finding, r.error);
    for (const c of (r.finding.clause ?? '').split(', '))
      all.push({ clause: c, observedName: r.finding.key ?? r.finding.observed!.name, caseId: 'found' });
  }
  throw new Error('the real library kept producing new findings');
}

test('map_new parameters: a library that maps one page short is caught with the size named', () => {
  const liar: Addon = Object.create(real);
  liar.mapGetSize = (m) => real.mapGetSize(m) - BigInt(real.pageSize());
  const knownHere = discoverKnown(mapNewParameters, 300);
  const r = mapNewParameters.run({ ...ctx(liar, 300), known: knownHere });
  assert.equal(r.failed, true);
  assert.match(r.finding!.message, /the map is \d+ bytes, the pages give \d+/);
});

test('replaying a failure with its seed and path reproduces the same counterexample', () => {
  const liar: Addon = Object.create(real);
  liar.reservationMapFindLast = (rsv) => real.reservationMapFindFirst(rsv);
  const first = reservationSequences.run(ctx(liar, 1000, 11));
  assert.equal(first.failed, true);
  const again = reservationSequences.run({ ...ctx(liar, 1000, 11), fc: { seed: 11, numRuns: 1000, path: first.path! } });
  assert.equal(again.failed, true);
  assert.equal(again.finding!.message, first.finding!.message);
});

test('data path: a memset that writes one value too high is caught', async () => {
  const { pmem2DataPath } = await import('./data_path.js');
  assert.equal(pmem2DataPath.run(ctx(real, 200)).failed, false);
  const liar: Addon = Object.create(real);
  liar.mapMemset = (m, off, c, len, flags) => real.mapMemset(m, off, c + 1, len, flags);
  const r = pmem2DataPath.run(ctx(liar, 200));
  assert.equal(r.failed, true);
  assert.match(r.finding!.message, /memset.*byte \+\d+ is 0x/);
});

test('data path: a deep flush that accepts ranges outside the map is caught', async () => {
  const { pmem2DataPath } = await import('./data_path.js');
  const liar: Addon = Object.create(real);
  liar.mapDeepFlush = (m, off, len) => (BigInt(off) >= real.mapGetSize(m) ? { code: 0 } : real.mapDeepFlush(m, off, len));
  const r = pmem2DataPath.run(ctx(liar, 50));
  assert.equal(r.failed, true);
  assert.match(r.finding!.message, /past the end returned 0/);
});

test('protection: a write to a read-only map that does not fault is caught', async () => {
  const { protectionFaults } = await import('./protection.js');
  assert.equal(protectionFaults.run(ctx(real, 60)).failed, false);
  const liar: Addon = Object.create(real);
  liar.forkAccess = () => ({ exited: 0 });
  const r = protectionFaults.run(ctx(liar, 60));
  assert.equal(r.failed, true);
  assert.match(r.finding!.message, /must fault/);
});
