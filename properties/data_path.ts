/**
 * The data path: random memcpy/memmove/memset (offsets, lengths, overlaps,
 * flags) through a map's functions leave exactly the bytes the C functions
 * would; persisted data reads back through a second, independent mapping
 * and after unmap and remap; deep flush inside the map succeeds and outside
 * it is refused with PMEM2_E_DEEP_FLUSH_RANGE. The same for a pmemset part.
 */
import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';
import { codeName, mustConstant } from '../runner/core/constants.js';
import type { Addon, Map as P2Map } from '../runner/core/native.js';
import { C } from '../runner/core/observe.js';
import type { PropertyContext, PropertyDef } from './framework.js';
import { checkProperty, DivergenceError } from './framework.js';
import type { DataOp } from './model/bytes.js';
import { applyOp, describeOp, firstDifference } from './model/bytes.js';

const FLAG_NAMES = ['NODRAIN', 'NONTEMPORAL', 'TEMPORAL', 'WC', 'WB', 'NOFLUSH'];

function flagsArb(lib: 'libpmem2' | 'libpmemset'): fc.Arbitrary<number> {
  const prefix = lib === 'libpmem2' ? 'PMEM2_F_MEM_' : 'PMEMSET_F_MEM_';
  const values = FLAG_NAMES.map((n) => mustConstant(lib, prefix + n));
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant(0) },
    { weight: 3, arbitrary: fc.subarray(values).map((xs) => xs.reduce((a, b) => a | b, 0)) },
  );
}

/** offsets and lengths inside `size`, biased to cache-line and page edges */
function rangeArb(size: number): fc.Arbitrary<[number, number]> {
  const edges = [0, 1, 63, 64, 65, 4095, 4096, 4097].filter((x) => x < size);
  const off = fc.oneof(fc.constantFrom(...edges), fc.integer({ min: 0, max: size - 1 }));
  return off.chain((o) =>
    fc.tuple(fc.constant(o), fc.oneof(fc.integer({ min: 0, max: Math.min(256, size - o) }), fc.integer({ min: 0, max: size - o }))),
  );
}

export function opArb(size: number, flags: fc.Arbitrary<number>): fc.Arbitrary<DataOp> {
  const r = rangeArb(size);
  return fc.oneof(
    r.chain(([dst, len]) =>
      fc
        .tuple(fc.uint8Array({ minLength: len, maxLength: len }), flags)
        .map(([data, f]) => ({ op: 'memcpy' as const, dst, data, flags: f })),
    ),
    r.chain(([dst, len]) =>
      fc.tuple(fc.integer({ min: 0, max: size - len }), flags).map(([src, f]) => ({ op: 'memmove' as const, dst, src, len, flags: f })),
    ),
    r.chain(([dst, len]) =>
      fc.tuple(fc.integer({ min: -300, max: 300 }), flags).map(([value, f]) => ({ op: 'memset' as const, dst, value, len, flags: f })),
    ),
  );
}

let fileNo = 0;

/** a fresh file path in the fixture for one trial */
function trialFile(ctx: PropertyContext, prefix: string): string {
  return path.join(ctx.fixture.directory(), `${prefix}-${process.pid}-${++fileNo}`);
}

/** a size of 1 to 3 pages and 1 to 8 operations inside it, with `more` drawn after them */
function trialArb<T extends object>(
  page: number,
  lib: 'libpmem2' | 'libpmemset',
  more: { [K in keyof T]: fc.Arbitrary<T[K]> },
): fc.Arbitrary<{ size: number; ops: DataOp[] } & T> {
  return fc.integer({ min: 1, max: 3 }).chain((pages) => {
    const size = pages * page;
    const fields = { size: fc.constant(size), ops: fc.array(opArb(size, flagsArb(lib)), { minLength: 1, maxLength: 8 }), ...more };
    return fc.record(fields) as unknown as fc.Arbitrary<{ size: number; ops: DataOp[] } & T>;
  });
}

/**
 * applies `ops` one by one and the model's, reading the bytes back after
 * each: the first difference is a divergence of `clause`. Returns the model
 * and the situation so far.
 */
function runOps(
  ops: DataOp[],
  size: number,
  apply: (o: DataOp) => void,
  read: () => Uint8Array,
  clause: string,
): { model: Uint8Array; done: string[] } {
  const model = new Uint8Array(size);
  const done: string[] = [];
  for (const o of ops) {
    done.push(describeOp(o));
    apply(o);
    applyOp(model, o);
    const got = read();
    const d = firstDifference(got, model);
    if (d >= 0)
      fail(
        done.join('; '),
        clause,
        `${done.join('; ')}: byte +${d} is 0x${got[d]?.toString(16)}, the C function would leave 0x${model[d]?.toString(16)}`,
      );
  }
  return { model, done };
}

function mapFile(a: Addon, fd: number): P2Map {
  const src = a.sourceFromFd(fd).source!;
  const cfg = a.configNew().config!;
  a.configSetRequiredStoreGranularity(cfg, C.PAGE);
  const m = a.mapNew(cfg, src);
  a.configDelete(cfg);
  a.sourceDelete(src);
  if (m.code !== 0) throw new Error(`pmem2_map_new for the data path failed: ${codeName(m.code)}`);
  return m.map!;
}

function fail(situation: string, clause: string, message: string): never {
  throw new DivergenceError({ situation, clause, key: 'bytes', message });
}

export const pmem2DataPath: PropertyDef = {
  name: 'pmem2_map/data_path',
  implementation: 'libpmem2',
  page: 'pmem2_get_memmove_fn(3) [model]',
  function: 'pmem2_memcpy_fn, pmem2_memmove_fn, pmem2_memset_fn, pmem2_persist_fn, pmem2_deep_flush',
  title:
    'the map functions leave exactly the bytes memcpy/memmove/memset would; persisted bytes read back through a second mapping and after remap; deep flush refuses ranges outside the map',
  weight: 2.0,
  reads: 'pmem2_get_memmove_fn(3), pmem2_get_persist_fn(3), pmem2_deep_flush(3)',
  run(ctx: PropertyContext) {
    const a = ctx.addon;
    const page = ctx.caps.pageSize;
    const arb = trialArb<{ outside: number }>(page, 'libpmem2', { outside: fc.integer({ min: 1, max: 4 * page }) });
    return checkProperty(ctx, arb, (t) => {
      const file = trialFile(ctx, 'prop-data');
      const fd = fs.openSync(file, 'w+', 0o600);
      fs.ftruncateSync(fd, t.size);
      const maps: P2Map[] = [];
      try {
        const m = mapFile(a, fd);
        maps.push(m);
        const apply = (o: DataOp) => {
          if (o.op === 'memcpy') a.mapMemcpy(m, o.dst, Buffer.from(o.data), o.flags);
          else if (o.op === 'memmove') a.mapMemmove(m, o.dst, o.src, o.len, o.flags);
          else a.mapMemset(m, o.dst, o.value, o.len, o.flags);
        };
        const { model, done } = runOps(t.ops, t.size, apply, () => a.mapRead(m, 0, t.size), 'pmem2_get_memmove_fn/RETURN VALUE#1');
        a.mapPersist(m, 0, t.size);
        const situation = `${done.join('; ')}; persist`;
        // a second, independent mapping of the same file sees the persisted bytes
        const fd2 = fs.openSync(file, 'r+');
        try {
          const m2 = mapFile(a, fd2);
          maps.push(m2);
          const d = firstDifference(a.mapRead(m2, 0, t.size), model);
          if (d >= 0) fail(situation, 'pmem2_get_persist_fn/RETURN VALUE#1', `${situation}: a second mapping reads byte +${d} differently`);
        } finally {
          fs.closeSync(fd2);
        }
        const df = a.mapDeepFlush(m, 0, t.size);
        if (df.code !== 0)
          throw new DivergenceError({
            situation,
            clause: 'pmem2_deep_flush/RETURN VALUE#1',
            observed: { code: df.code, name: codeName(df.code), at: 'pmem2_deep_flush(whole map)' },
            permitted: ['0'],
            message: `${situation}: pmem2_deep_flush of the whole map returned ${codeName(df.code)}`,
          });
        const out = a.mapDeepFlush(m, t.size + t.outside - 1, 1);
        if (codeName(out.code) !== 'PMEM2_E_DEEP_FLUSH_RANGE')
          throw new DivergenceError({
            situation,
            clause: 'pmem2_deep_flush/PMEM2_E_DEEP_FLUSH_RANGE#1',
            observed: { code: out.code, name: codeName(out.code), at: `pmem2_deep_flush(${t.outside - 1} bytes past the end)` },
            permitted: ['PMEM2_E_DEEP_FLUSH_RANGE'],
            message: `${situation}: deep flush ${t.outside - 1} bytes past the end returned ${codeName(out.code)}`,
          });
        for (const x of maps.splice(0)) a.mapDelete(x);
        // unmapped and mapped again: the bytes are still the model's
        const m3 = mapFile(a, fd);
        maps.push(m3);
        const d = firstDifference(a.mapRead(m3, 0, t.size), model);
        if (d >= 0) fail(situation, 'pmem2_get_persist_fn/RETURN VALUE#1', `${situation}; unmap; map: byte +${d} differs`);
      } finally {
        for (const x of maps) a.mapDelete(x);
        fs.closeSync(fd);
        fs.rmSync(file, { force: true });
      }
    });
  },
};

export const pmemsetDataPath: PropertyDef = {
  name: 'pmemset/data_path',
  implementation: 'libpmemset',
  page: 'pmemset_memmove(3) [model]',
  function: 'pmemset_memcpy, pmemset_memmove, pmemset_memset, pmemset_persist',
  title:
    "pmemset's memcpy/memmove/memset leave exactly the bytes the C functions would in a part; persisted bytes read back through an independent libpmem2 mapping of the part's file",
  weight: 0.6,
  reads: 'pmemset_memmove(3), pmemset_persist(3)',
  run(ctx: PropertyContext) {
    const a = ctx.addon;
    const page = ctx.caps.pageSize;
    const arb = trialArb<object>(page, 'libpmemset', {});
    return checkProperty(ctx, arb, (t) => {
      const file = trialFile(ctx, 'prop-setdata');
      fs.writeFileSync(file, Buffer.alloc(t.size));
      const undo: (() => void)[] = [() => fs.rmSync(file, { force: true })];
      try {
        const cfg = a.setConfigNew().config!;
        undo.push(() => void a.setConfigDelete(cfg));
        a.setConfigSetRequiredStoreGranularity(cfg, C.PAGE);
        const set = a.setNew(cfg).set!;
        undo.push(() => void a.setDelete(set));
        const src = a.setSourceFromFile(file).source!;
        undo.push(() => void a.setSourceDelete(src));
        const r = a.setMap(set, src, null, true);
        if (r.code !== 0) throw new Error(`pmemset_map for the data path failed: ${codeName(r.code)}`);
        const base = r.descriptor!.addr;
        const apply = (o: DataOp) => {
          if (o.op === 'memcpy') a.setMemcpy(set, base + BigInt(o.dst), Buffer.from(o.data), o.flags);
          else if (o.op === 'memmove') a.setMemmove(set, base + BigInt(o.dst), base + BigInt(o.src), o.len, o.flags);
          else a.setMemset(set, base + BigInt(o.dst), o.value, o.len, o.flags);
        };
        const { model, done } = runOps(t.ops, t.size, apply, () => a.readAddress(base, t.size), 'pmemset_memmove/RETURN VALUE#1');
        const p = a.setPersist(set, base, t.size);
        const situation = `${done.join('; ')}; persist`;
        if (p.code !== 0)
          throw new DivergenceError({
            situation,
            clause: 'pmemset_persist/RETURN VALUE#1',
            observed: { code: p.code, name: codeName(p.code), at: 'pmemset_persist(whole part)' },
            permitted: ['0'],
            message: `${situation}: pmemset_persist returned ${codeName(p.code)}`,
          });
        const fd = fs.openSync(file, 'r+');
        undo.push(() => fs.closeSync(fd));
        const m = mapFile(a, fd);
        undo.push(() => void a.mapDelete(m));
        const d = firstDifference(a.mapRead(m, 0, t.size), model);
        if (d >= 0)
          fail(
            situation,
            'pmemset_persist/RETURN VALUE#1',
            `${situation}: an independent libpmem2 mapping of the file reads byte +${d} differently`,
          );
      } finally {
        for (const fn of undo.reverse()) {
          try {
            fn();
          } catch {
            /* cleanup must not hide the finding */
          }
        }
      }
    });
  },
};
