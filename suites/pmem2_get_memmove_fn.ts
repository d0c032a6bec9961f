/**
 * pmem2_get_memmove_fn(3), which also documents pmem2_get_memcpy_fn and
 * pmem2_get_memset_fn (their pages are links to it). Bytes are checked
 * against what memcpy/memmove/memset leave (Buffer copy/copyWithin/fill on a
 * model of the file), read back through the map, through a second,
 * independent mapping of the file, and with read(2); every flags value the
 * page accepts is used. Whether the result was flushed is checked where the
 * fixture shows write-back (see pmem2_get_persist_fn).
 */
import type { FileMap } from './pmem2_fn_util.js';
import type { CaseContext, CaseDef, Outcome, Suite } from './framework.js';
import {
  adjacentMaps,
  alsoRequire,
  F,
  fileMap,
  flagsName,
  labelled,
  neverNull,
  otherLibraryWork,
  pageState,
  pattern,
  readBack,
  sameFunction,
  secondMap,
  validFlagSets,
  writebackUnobservable,
  writtenBack,
} from './pmem2_fn_util.js';
import { hex } from './pmem2_util.js';

type Fn = 'memcpy' | 'memmove' | 'memset';

/** one call of a map's memory function at map offsets, and what memcpy/memmove/memset would do to the model */
interface Op {
  describe: string;
  dst: number;
  /** bytes the call writes from dst */
  len: number;
  call(ctx: CaseContext, m: FileMap, flags: number): bigint;
  model(b: Buffer): void;
}

/** the operations each function is checked with, in a map of 3 pages of size p: small, unaligned, across page boundaries, 8-byte aligned, overlapping */
function ops(fn: Fn, p: number, seed: number): Op[] {
  if (fn === 'memcpy')
    return [
      [1, 3],
      [63, 130],
      [p - 100, 300],
      [p + 8, 1024],
      [5, 5000],
    ].map(([dst, len], i) => {
      const data = pattern(len!, seed * 7 + i + 100);
      return {
        describe: `memcpy(+${dst}, ${len} bytes)`,
        dst: dst!,
        len: len!,
        call: (ctx, m, flags) => ctx.addon.mapMemcpy(m.map, dst!, data, flags),
        model: (b) => void data.copy(b, dst!),
      };
    });
  if (fn === 'memmove')
    return [
      [105, 100, 3000],
      [p + 20, p + 50, 2000],
      [2 * p + 8, 8, 512],
      [p - 1, 2 * p + 3, 10],
    ].map(([dst, src, len]) => ({
      describe: `memmove(+${dst}, +${src}, ${len} bytes)`,
      dst: dst!,
      len: len!,
      call: (ctx, m, flags) => ctx.addon.mapMemmove(m.map, dst!, src!, len!, flags),
      model: (b) => void b.copyWithin(dst!, src!, src! + len!),
    }));
  return [
    [7, 0x1a5, 33],
    [p - 9, -1, 5000],
    [8, 0, 64],
    [2 * p + 100, 0x5a + seed, 1],
  ].map(([dst, c, len]) => ({
    describe: `memset(+${dst}, ${c}, ${len} bytes)`,
    dst: dst!,
    len: len!,
    call: (ctx, m, flags) => ctx.addon.mapMemset(m.map, dst!, c!, len!, flags),
    // memset(3) stores (unsigned char)c
    model: (b) => void b.fill(c! & 0xff, dst!, dst! + len!),
  }));
}

/** the first byte where `got` and `want` differ, as text, or undefined */
function firstDifference(got: Buffer, want: Buffer): string | undefined {
  // the native comparison first: a device DAX map is megabytes, a byte loop over it is slow under emulation
  if (got.length >= want.length && got.subarray(0, want.length).equals(want)) return undefined;
  for (let i = 0; i < want.length; i++)
    if (got[i] !== want[i]) return `byte +${i} is 0x${got[i]?.toString(16)}, not 0x${want[i]?.toString(16)}`;
  return undefined;
}

/**
 * sameResult -- every op of `fn` with every accepted flags value, in order,
 * on one 3-page map: after each, the bytes read through the map, through a
 * second mapping and with read(2) are the model's, and the call returned
 * pmemdest
 */
function sameResult(ctx: CaseContext, fn: Fn): Outcome {
  const p = ctx.unit;
  const m = fileMap(ctx, 3, 11);
  const second = secondMap(ctx, m);
  const model = pattern(m.size, 11);
  const wrong = new Map<string, string>();
  const sets = validFlagSets();
  // the bytes [off, off+len) through the three views, against the model; undefined when all agree
  const differs = (off: number, len: number, views = 3): string | undefined => {
    const all = [
      ['the map', () => ctx.addon.mapRead(m.map, off, len)],
      ['a second mapping', () => ctx.addon.mapRead(second, off, len)],
      [m.device ? 'a fresh map of the device' : 'read(2)', () => readBack(ctx, m, off, len)],
    ] as const;
    for (const [view, read] of all.slice(0, views)) {
      const got = read();
      const d = firstDifference(got, model.subarray(off, off + len));
      if (d) return `through ${view}, ${d.replace(/^byte \+(\d+)/, (_, i: string) => `byte +${off + Number(i)}`)}`;
    }
    return undefined;
  };
  // go on from what the file holds, so one wrong call is not counted against the flags after it
  const resync = () => void readBack(ctx, m, 0, m.size).copy(model);
  sets.forEach((flags, k) => {
    for (const op of ops(fn, p, k)) {
      if (wrong.has(flagsName(flags))) break;
      const ret = op.call(ctx, m, flags);
      op.model(model);
      const at = `${op.describe} with flags ${flagsName(flags)}`;
      const want = m.addr + BigInt(op.dst);
      if (ret !== want) {
        wrong.set(flagsName(flags), `${at} returned ${hex(ret)}, not pmemdest ${hex(want)}`);
        continue;
      }
      // after each call the bytes around what it wrote (a cache line and more either side); the whole map after
      // each flags value below: on a device DAX the map is 3 x 2 MiB, and three whole reads per call ran past the
      // case limit under emulation. On a device the third view is a fresh map of it, which costs an emulated guest a
      // third of a second each time (measured: the case ran past 60 s): after each call the map and the second
      // mapping (both of the device's own pages, no cache between) are read, the fresh map once at the end
      const from = Math.max(0, op.dst - 4096);
      const d = differs(from, Math.min(m.size, op.dst + op.len + 4096) - from, m.device ? 2 : 3);
      if (d) {
        wrong.set(flagsName(flags), `${at}: ${d}`);
        resync();
      }
    }
    if (!wrong.has(flagsName(flags))) {
      // the whole map through the map itself after each flags value; all three views once at the end
      const d = differs(0, m.size, k === sets.length - 1 ? 3 : 1);
      if (d) {
        wrong.set(flagsName(flags), `after the calls with flags ${flagsName(flags)}, the whole map: ${d}`);
        resync();
      }
    }
  });
  const name = { memcpy: 'memcpy', memmove: 'memmove', memset: 'memset' }[fn];
  return labelled(
    `pmem2_${name}_fn with ${sets.length} flags values`,
    wrong.size ? `not as ${name}(3) with flags ${[...wrong.keys()].join(', ')}` : `as ${name}(3)`,
    `as ${name}(3)`,
    {
      flags: sets.map(flagsName).join(', '),
      operations: ops(fn, p, 0)
        .map((o) => o.describe)
        .join('; '),
    },
    [...wrong.values()].join('; '),
  );
}

const FNS: Fn[] = ['memcpy', 'memmove', 'memset'];

/** one call of `fn` writing 64 bytes into the map at `off`, with `flags` */
function store(ctx: CaseContext, m: FileMap, fn: Fn, off: number, flags: number, seed: number): void {
  if (fn === 'memcpy') ctx.addon.mapMemcpy(m.map, off, pattern(64, seed), flags);
  else if (fn === 'memmove') ctx.addon.mapMemmove(m.map, off, off - 4000, 64, flags);
  else ctx.addon.mapMemset(m.map, off, seed, 64, flags);
}

const cases: CaseDef[] = [
  {
    key: 'pmem2_get_memmove_fn/RETURN VALUE#1',
    fixtures: 'devdax',
    situation:
      'pmem2_get_memmove_fn, pmem2_get_memset_fn and pmem2_get_memcpy_fn of a shared, a private, a read-only and an anonymous map and of a map in a reservation',
    run: (ctx) => neverNull(ctx, ['memmove', 'memset', 'memcpy']),
  },
  {
    key: 'pmem2_get_memmove_fn/RETURN VALUE#2',
    fixtures: 'devdax',
    situation: 'the three getters asked twice for one map, and again after other maps were made, persisted and deleted',
    run: (ctx) => sameFunction(ctx, ['memmove', 'memset', 'memcpy']),
  },
  {
    key: 'pmem2_get_memmove_fn/RETURN VALUE#3',
    fixtures: 'devdax',
    situation:
      'the three functions of a map taken first, then other library work (maps made, persisted and deleted; a failed call); the getters give the same functions, and copies made after it leave the right bytes',
    run: (ctx) => {
      const m = fileMap(ctx, 2, 13);
      const cached = ctx.addon.mapFunctions(m.map);
      otherLibraryWork(ctx, m);
      const now = ctx.addon.mapFunctions(m.map);
      const changed = FNS.filter((n) => now[n] !== cached[n]).map((n) => `${n} ${hex(cached[n])} -> ${hex(now[n])}`);
      const data = pattern(300, 17);
      const model = Buffer.from(ctx.addon.mapRead(m.map, 0, m.size));
      ctx.addon.mapMemcpy(m.map, 1000, data, 0);
      data.copy(model, 1000);
      ctx.addon.mapMemmove(m.map, 1100, 1000, 300, 0);
      model.copyWithin(1100, 1000, 1300);
      ctx.addon.mapMemset(m.map, 1200, 0x3c, 50, 0);
      model.fill(0x3c, 1200, 1250);
      const d = firstDifference(readBack(ctx, m, 0, m.size), model);
      return labelled(
        'the functions cached before other library work',
        changed.length ? 'a different function later' : d ? 'wrong bytes' : 'still the functions, and they work',
        'still the functions, and they work',
        { cached: FNS.map((n) => `${n} ${hex(cached[n])}`).join(', ') },
        changed.length
          ? `after other library work the getters returned other functions: ${changed.join(', ')}`
          : `the file after the copies: ${d}`,
      );
    },
  },
  {
    key: 'pmem2_get_memmove_fn/RETURN VALUE#4',
    fixtures: 'devdax',
    situation:
      "two 2-page maps of two files back to back in a reservation, sharing their functions: the first map's memcpy (100 bytes), overlapping memmove (100 bytes) and memset (40 bytes) across the boundary leave the right bytes in both files (read(2) and second mappings), return pmemdest, and (where the fixture shows it) both pages are written back",
    run: (ctx) => {
      const { first, second } = adjacentMaps(ctx);
      const fa = ctx.addon.mapFunctions(first.map);
      const fb = ctx.addon.mapFunctions(second.map);
      const unshared = FNS.filter((n) => fa[n] !== fb[n]);
      if (unshared.length)
        return { skip: `the two maps do not share ${unshared.join(', ')}: the sentence is about maps that do`, technique: 'precondition' };
      const p = ctx.unit;
      const observable = writebackUnobservable(ctx, first.map);
      const b = BigInt(2 * p);
      const model = Buffer.concat([pattern(2 * p, 3), pattern(2 * p, 5)]);
      const data = pattern(100, 23);
      const wrong: string[] = [];
      const ret = [
        ['memcpy', ctx.addon.spanMemcpy(first.map, first.addr + b - 50n, data, 0), first.addr + b - 50n],
        ['memmove', ctx.addon.spanMemmove(first.map, first.addr + b - 30n, first.addr + b - 60n, 100, 0), first.addr + b - 30n],
        ['memset', ctx.addon.spanMemset(first.map, first.addr + b - 10n, 0x77, 40, 0), first.addr + b - 10n],
      ] as const;
      data.copy(model, 2 * p - 50);
      model.copyWithin(2 * p - 30, 2 * p - 60, 2 * p + 40);
      model.fill(0x77, 2 * p - 10, 2 * p + 30);
      for (const [n, got, want] of ret) if (got !== want) wrong.push(`${n} returned ${hex(got)}, not pmemdest ${hex(want)}`);
      const views = [
        ['read(2)', Buffer.concat([readBack(ctx, first, 0, 2 * p), readBack(ctx, second, 0, 2 * p)])],
        [
          'second mappings',
          Buffer.concat([ctx.addon.mapRead(secondMap(ctx, first), 0, 2 * p), ctx.addon.mapRead(secondMap(ctx, second), 0, 2 * p)]),
        ],
      ] as const;
      for (const [view, got] of views) {
        const d = firstDifference(got, model);
        if (d) wrong.push(`through ${view} (first file, then second): ${d}`);
      }
      const pages: string[] = [];
      if (!observable) {
        for (const [m, off] of [
          [first, 2 * p - 1],
          [second, 0],
        ] as const) {
          const s = pageState(ctx, m.addr + BigInt(off));
          if (s !== 'clean') pages.push(`${m === first ? "the first map's last page" : "the second map's first page"} ${s}`);
        }
        if (pages.length) wrong.push(`after the three calls (flags 0, so flushed): ${pages.join(', ')}`);
      }
      return labelled(
        'memcpy_fn, memmove_fn, memset_fn across two adjacent maps',
        wrong.length ? 'wrong across the two maps' : 'right across the two maps',
        'right across the two maps',
        { writeBack: observable ? `not checked: ${observable}` : 'checked' },
        wrong.join('; '),
      );
    },
  },
  {
    key: 'pmem2_get_memmove_fn/same result as memmove#1',
    fixtures: 'devdax',
    situation:
      'overlapping (both directions), unaligned, page-crossing and 8-byte aligned memmoves in a 3-page map with every accepted flags value: bytes as memmove(3) leaves them through the map, a second mapping and read(2); pmemdest returned',
    run: (ctx) => sameResult(ctx, 'memmove'),
  },
  {
    key: 'pmem2_get_memcpy_fn/same result as memcpy#1',
    fixtures: 'devdax',
    situation:
      'unaligned, page-crossing, 8-byte aligned and larger-than-a-page memcpys in a 3-page map with every accepted flags value: bytes as memcpy(3) leaves them through the map, a second mapping and read(2); pmemdest returned',
    run: (ctx) => sameResult(ctx, 'memcpy'),
  },
  {
    key: 'pmem2_get_memset_fn/same result as memset#1',
    fixtures: 'devdax',
    situation:
      'memsets of 1 to 5000 bytes with values 0x1a5, -1, 0 and 0x5a.. in a 3-page map with every accepted flags value: bytes as memset(3) leaves them ((unsigned char)c) through the map, a second mapping and read(2); pmemdest returned',
    run: (ctx) => sameResult(ctx, 'memset'),
  },
  {
    key: 'pmem2_get_memmove_fn/result flushed unless NOFLUSH#1',
    fixtures: 'devdax',
    situation:
      'for memcpy, memmove and memset, each with flags 0, NODRAIN, NONTEMPORAL, TEMPORAL, WC, WB and NODRAIN|WC: a page made dirty by a plain store, then the function writes 64 bytes into it: the page is written back when the function returns',
    run: (ctx) => {
      const p = ctx.unit;
      const m = fileMap(ctx, 2, 29);
      const why = writebackUnobservable(ctx, m.map);
      if (why) return { skip: why, technique: 'fixture:write-back' };
      const flagSets = [0, F.NODRAIN, F.NONTEMPORAL, F.TEMPORAL, F.WC, F.WB, F.NODRAIN | F.WC];
      const dirty: string[] = [];
      for (const fn of FNS)
        for (const flags of flagSets) {
          ctx.addon.mapWrite(m.map, p + 8, Buffer.from([fn.length + flags]));
          const before = pageState(ctx, m.addr + BigInt(p));
          if (before !== 'dirty')
            return {
              skip: `a store through the map left the page ${before}: this fixture does not show write-back in page flags`,
              technique: 'fixture:write-back',
            };
          store(ctx, m, fn, p + 100, flags, flags + 1);
          const after = pageState(ctx, m.addr + BigInt(p));
          if (after !== 'clean') dirty.push(`${fn}_fn(${flagsName(flags)}): ${after}`);
        }
      return labelled(
        `memcpy_fn, memmove_fn, memset_fn with ${flagSets.map(flagsName).join(', ')}`,
        dirty.length ? 'returned before the result was written back' : 'written back on return',
        'written back on return',
        undefined,
        `the page was not written back when the function returned: ${dirty.join(', ')}`,
      );
    },
  },
  {
    key: 'pmem2_get_memmove_fn/NODRAIN skips the final drain#1',
    fixtures: 'devdax',
    situation:
      "the page's example: memcpy_fn with PMEM2_F_MEM_NODRAIN into two pages, then one drain_fn(): both ranges hold the bytes (read(2)) and are written back",
    note: 'That the drain step itself was skipped cannot be seen (a drain has no effect of its own to observe); the case checks the use the page shows for the flag.',
    run: (ctx) => {
      const p = ctx.unit;
      const m = fileMap(ctx, 2, 31);
      const d1 = pattern(200, 1);
      const d2 = pattern(300, 2);
      const o = writtenBack(
        ctx,
        [
          [m, 100],
          [m, p + 100],
        ],
        'memcpy_fn(NODRAIN) twice, then drain_fn()',
        () => {
          ctx.addon.mapMemcpy(m.map, 100, d1, F.NODRAIN);
          ctx.addon.mapMemcpy(m.map, p + 100, d2, F.NODRAIN);
          ctx.addon.mapDrain(m.map);
        },
      );
      return alsoRequire(
        o,
        () => readBack(ctx, m, 100, 200).equals(d1) && readBack(ctx, m, p + 100, 300).equals(d2),
        'the file lacks the bytes',
        'read(2) of the file does not give the copied bytes',
      );
    },
  },
  {
    key: 'pmem2_get_memmove_fn/NOFLUSH flushes nothing#1',
    fixtures: 'devdax',
    situation:
      'for memcpy, memmove and memset with NOFLUSH, NOFLUSH|NODRAIN, NOFLUSH|TEMPORAL and NOFLUSH|WB: a written-back page, then the function writes 64 bytes into it: the page is left dirty (nothing flushed), holds the bytes, and a persist_fn then writes it back',
    run: (ctx) => {
      const p = ctx.unit;
      const m = fileMap(ctx, 2, 37);
      const why = writebackUnobservable(ctx, m.map);
      if (why) return { skip: why, technique: 'fixture:write-back' };
      const flagSets = [F.NOFLUSH, F.NOFLUSH | F.NODRAIN, F.NOFLUSH | F.TEMPORAL, F.NOFLUSH | F.WB];
      const flushed: string[] = [];
      const other: string[] = [];
      // the page must be in the page cache for a persist to leave it clean
      ctx.addon.mapWrite(m.map, p + 8, ctx.addon.mapRead(m.map, p + 8, 1));
      for (const fn of FNS)
        for (const flags of flagSets) {
          ctx.addon.mapPersist(m.map, p, p);
          const before = pageState(ctx, m.addr + BigInt(p));
          if (before !== 'clean')
            return {
              skip: `a persist left the page ${before} (see the pmem2_get_persist_fn suite): nothing to compare with`,
              technique: 'fixture:write-back',
            };
          const want = Buffer.from(ctx.addon.mapRead(m.map, 0, m.size));
          store(ctx, m, fn, p + 100, flags, flags + fn.length);
          if (fn === 'memcpy') pattern(64, flags + fn.length).copy(want, p + 100);
          else if (fn === 'memmove') want.copyWithin(p + 100, p + 100 - 4000, p + 164 - 4000);
          else want.fill((flags + fn.length) & 0xff, p + 100, p + 164);
          const after = pageState(ctx, m.addr + BigInt(p));
          if (after !== 'dirty') flushed.push(`${fn}_fn(${flagsName(flags)}): ${after}`);
          const d = firstDifference(readBack(ctx, m, 0, m.size), want);
          if (d) other.push(`${fn}_fn(${flagsName(flags)}): read(2) ${d}`);
          ctx.addon.mapPersist(m.map, p, p);
          const persisted = pageState(ctx, m.addr + BigInt(p));
          if (persisted !== 'clean') other.push(`${fn}_fn(${flagsName(flags)}), then persist_fn: ${persisted}`);
        }
      return labelled(
        `memcpy_fn, memmove_fn, memset_fn with ${flagSets.map(flagsName).join(', ')}`,
        flushed.length ? 'flushed although NOFLUSH' : other.length ? 'wrong bytes or not persisted after' : 'nothing flushed',
        'nothing flushed',
        flushed.length ? { flushed: flushed.join(', ') } : undefined,
        [...flushed.map((x) => `written back on return: ${x}`), ...other].join('; '),
      );
    },
  },
];

export const suite: Suite = {
  name: 'pmem2_get_memmove_fn',
  implementation: 'libpmem2',
  pages: ['pmem2_get_memmove_fn'],
  cases,
};
