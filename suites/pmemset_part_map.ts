import type { Part, PmemSet, SetSource } from '../runner/core/native.js';
import type { CaseContext, CaseDef, Outcome, Suite } from './framework.js';
import { C, check, childOutcome, fixtureGranularity, observed, OOM_HEADROOM, reservation } from './pmem2_util.js';
import { blockedAfterFirstPart, fileSource, newSet, oomSource, S, readOnlyPmem2Source } from './pmemset_util.js';

const FN = 'pmemset_part_map';

/** the unit a part is sized and placed in: the page, or on device DAX the device's alignment */
function page(ctx: CaseContext): number {
  return ctx.unit;
}

/** pmemset_part_new; the part is deleted at the end unless a map consumed it */
function partNew(ctx: CaseContext, set: PmemSet, src: SetSource, off: number | bigint, len: number | bigint) {
  const r = ctx.addon.setPartNew(set, src, off, len);
  if (r.part) {
    const part = r.part;
    ctx.defer(() => {
      try {
        ctx.addon.setPartDelete(part);
      } catch {
        /* consumed by pmemset_part_map */
      }
    });
  }
  return r;
}

/** part_new over a fresh file, then part_map; a part_new failure is itself the observation */
function partMap(
  ctx: CaseContext,
  o: { size: number; off?: number | bigint; len: number | bigint; set?: PmemSet; setOpts?: Parameters<typeof newSet>[1] },
  permitted: string[],
  describe: string,
): Outcome {
  const set = o.set ?? newSet(ctx, o.setOpts).set;
  const { src } = fileSource(ctx, o.size);
  const p = partNew(ctx, set, src, o.off ?? 0, o.len);
  if (p.code !== 0) return { observed: observed(`pmemset_part_new(${describe})`, p), permitted };
  const r = ctx.addon.setPartMap(p.part!, true);
  return { observed: observed(`${FN}(${describe})`, r, { partPtr: r.partPtr }), permitted };
}

function outOfMemory(ctx: CaseContext): Outcome {
  const { set } = newSet(ctx);
  // a device DAX has its namespace's size: the part is the whole device, which must exceed the address space left
  const o = oomSource(ctx);
  if ('outcome' in o) return o.outcome;
  const { src, size } = o;
  const p = partNew(ctx, set, src, 0, size);
  check('pmemset_part_new', p);
  const r = ctx.addon.forkCall({ addressSpaceHeadroom: OOM_HEADROOM }, 'pmemset_part_map', p.part as Part);
  const permitted = ['PMEMSET_E_CANNOT_ALLOCATE_INTERNAL_STRUCTURE', '-ENOMEM', 'PMEMSET_E_INVALID_PMEM2_MAP'];
  return childOutcome(
    `${FN}(${ctx.caps.devdax ? `whole device DAX, ${size} bytes` : '1 GiB part'}) in a child with 64 MiB of address space left`,
    r,
    permitted,
    'limit the address space',
    'rlimit:AS',
  );
}

const cases: CaseDef[] = [
  {
    key: 'pmemset_part_map/RETURN VALUE#1',
    situation: 'part_new over a 2-page file, then part_map',
    fixtures: 'devdax',
    run: (ctx) => partMap(ctx, { size: 2 * page(ctx), len: 2 * page(ctx) }, ['0'], '2-page part'),
  },
  {
    key: 'pmemset_part_map/PMEMSET_E_CANNOT_ALLOCATE_INTERNAL_STRUCTURE#1',
    situation: 'in a child whose address-space limit (RLIMIT_AS) leaves 64 MiB free, map a 1 GiB part',
    note: 'With memory exhausted the page lists CANNOT_ALLOCATE_INTERNAL_STRUCTURE, -ENOMEM and INVALID_PMEM2_MAP without an order: all are permitted.',
    fixtures: 'devdax',
    run: outOfMemory,
  },
  {
    key: 'pmemset_part_map/-ENOMEM#1',
    situation: 'in a child whose address-space limit (RLIMIT_AS) leaves 64 MiB free, map a 1 GiB part',
    note: 'Same situation as PMEMSET_E_CANNOT_ALLOCATE_INTERNAL_STRUCTURE#1.',
    fixtures: 'devdax',
    run: outOfMemory,
  },
  {
    key: 'pmemset_part_map/PMEMSET_E_INVALID_OFFSET_VALUE#1',
    situation: 'a part at offset 2^63 (above INT64_MAX)',
    fixtures: 'devdax',
    run: (ctx) => partMap(ctx, { size: page(ctx), off: 1n << 63n, len: page(ctx) }, ['PMEMSET_E_INVALID_OFFSET_VALUE'], 'offset 2^63'),
  },
  {
    key: 'pmemset_part_map/PMEMSET_E_GRANULARITY_NOT_SUPPORTED#1',
    situation:
      'a set requiring a finer granularity than the fixture gives (CACHE_LINE without MAP_SYNC, or BYTE where CACHE_LINE is the finest)',
    note: 'libpmem2 refuses with PMEM2_E_GRANULARITY_NOT_SUPPORTED; permitted beside the pmemset code.',
    fixtures: 'devdax',
    run: (ctx) => {
      if (ctx.caps.forcedGranularity)
        return {
          skip: `granularity forced to ${ctx.caps.forcedGranularity} by PMEM2_FORCE_GRANULARITY: what the fixture can really give is masked`,
        };
      // one finer than the coarsest the fixture may give (a device DAX gives CACHE_LINE without MAP_SYNC, BYTE with eADR)
      const coarsest = Math.max(...fixtureGranularity(ctx));
      if (coarsest === C.BYTE) return { skip: 'the fixture grants every granularity (eADR)' };
      const g = coarsest === C.PAGE ? C.CACHE_LINE : C.BYTE;
      return partMap(
        ctx,
        { size: page(ctx), len: page(ctx), setOpts: { granularity: g } },
        ['PMEMSET_E_GRANULARITY_NOT_SUPPORTED', 'PMEM2_E_GRANULARITY_NOT_SUPPORTED'],
        `${g === C.BYTE ? 'BYTE' : 'CACHE_LINE'} on a fixture that cannot give it`,
      );
    },
  },
  {
    key: 'pmemset_part_map/PMEMSET_E_INVALID_PMEM2_MAP#1',
    situation: 'a part of a pmemset source made from a libpmem2 source over a read-only descriptor',
    fixtures: 'devdax',
    run: (ctx) => {
      const src = readOnlyPmem2Source(ctx);
      const { set } = newSet(ctx);
      const p = partNew(ctx, set, src, 0, page(ctx));
      const permitted = ['PMEMSET_E_INVALID_PMEM2_MAP', 'PMEM2_E_NO_ACCESS'];
      if (p.code !== 0) return { observed: observed('pmemset_part_new(read-only pmem2 source)', p), permitted };
      const r = ctx.addon.setPartMap(p.part!, false);
      return { observed: observed(`${FN}(pmem2 source over an O_RDONLY descriptor)`, r), permitted };
    },
  },
  {
    key: 'pmemset_part_map/PMEMSET_E_LENGTH_UNALIGNED#1',
    situation: 'a part of one page plus one byte',
    fixtures: 'devdax',
    run: (ctx) => partMap(ctx, { size: 2 * page(ctx), len: page(ctx) + 1 }, ['PMEMSET_E_LENGTH_UNALIGNED'], 'length 1 page + 1'),
  },
  {
    key: 'pmemset_part_map/PMEMSET_E_CANNOT_COALESCE_PARTS#1',
    situation: 'FULL coalescing in a reservation where the page after the first part holds a libpmem2 mapping',
    fixtures: 'devdax',
    run: (ctx) => {
      const { set } = blockedAfterFirstPart(ctx);
      return partMap(
        ctx,
        { size: page(ctx), len: page(ctx), set },
        ['PMEMSET_E_CANNOT_COALESCE_PARTS'],
        'FULL coalescing, range after the previous part occupied',
      );
    },
  },
  {
    key: 'pmemset_part_map/PMEMSET_E_CANNOT_TRUNCATE_SOURCE_FILE#1',
    situation: 'a part of a temporary source in a directory of a full 1 MiB filesystem, 4 MiB long',
    note: 'The 1.11 page names the flag PMEMSET_SOURCE_FILE_TRUNCATE_IF_NEEDED, which API 1.0 no longer has; the temporary-source half of the clause is what runs. Our header keeps PMEMSET_E_CANNOT_TRUNCATE_SOURCE_FILE as an alias of PMEMSET_E_CANNOT_GROW_SOURCE_FILE.',
    notOnDevdax:
      'a device DAX cannot be truncated: its size is fixed by its namespace (ftruncate(2) of a character device fails with EINVAL), and the file the clause truncates is a temporary file created in a directory',
    run: (ctx) => {
      const dir = ctx.caps.smallDirectory;
      if (!dir) return { skip: 'needs a small filesystem to fill (the fixture offers none)' };
      const r = ctx.addon.setSourceFromTemporary(dir);
      check(`pmemset_source_from_temporary(${dir})`, r);
      ctx.defer(() => void ctx.addon.setSourceDelete(r.source!));
      const { set } = newSet(ctx);
      const p = partNew(ctx, set, r.source!, 0, 4 << 20);
      const permitted = ['PMEMSET_E_CANNOT_TRUNCATE_SOURCE_FILE'];
      if (p.code !== 0) return { observed: observed('pmemset_part_new(temporary source, 4 MiB)', p), permitted };
      const m = ctx.addon.setPartMap(p.part!, false);
      if (m.code === 0) return { skip: 'the 4 MiB part mapped on a 1 MiB filesystem (the file grew sparsely): no failure to provoke' };
      return { observed: observed(`${FN}(temporary source on a full filesystem, 4 MiB)`, m), permitted };
    },
  },
  {
    key: 'pmemset_part_map/PMEMSET_E_CANNOT_FIT_PART_MAP#1',
    situation: 'a set bound to a 1-page reservation, mapping a 2-page part',
    fixtures: 'devdax',
    run: (ctx) => {
      const rsv = reservation(ctx, page(ctx));
      return partMap(
        ctx,
        { size: 2 * page(ctx), len: 2 * page(ctx), setOpts: { reservation: rsv } },
        ['PMEMSET_E_CANNOT_FIT_PART_MAP'],
        '2 pages into a 1-page reservation',
      );
    },
  },
  {
    key: 'pmemset_part_map/part consumed on success#1',
    situation: 'a successful part_map sets *part_ptr to NULL and deletes the part; a failed one leaves it',
    fixtures: 'devdax',
    run: (ctx) => {
      const p = page(ctx);
      const { set } = newSet(ctx);
      const { src } = fileSource(ctx, p);
      const bad = partNew(ctx, set, src, 0, p + 1);
      let failure: string | undefined;
      if (bad.code === 0) {
        const rb = ctx.addon.setPartMap(bad.part!, false);
        if (rb.code !== 0 && rb.partPtr !== 'unchanged') failure = `a failed pmemset_part_map left *part_ptr ${rb.partPtr}`;
      }
      const good = partNew(ctx, set, src, 0, p);
      check('pmemset_part_new', good);
      const r = ctx.addon.setPartMap(good.part!, false);
      if (r.code === 0 && r.partPtr !== 'null') failure ??= `after a successful call *part_ptr is ${r.partPtr}, not NULL`;
      return { observed: observed(`${FN}(1-page part)`, r, { partPtr: r.partPtr }), permitted: ['0'], ...(failure ? { failure } : {}) };
    },
  },
  {
    key: 'pmemset_part_map/descriptor filled on success#1',
    situation: 'part_map of a 2-page part with a descriptor: address and size stored',
    fixtures: 'devdax',
    run: (ctx) => {
      const p = page(ctx);
      const { set } = newSet(ctx);
      const { src } = fileSource(ctx, 2 * p);
      const part = partNew(ctx, set, src, 0, 2 * p);
      check('pmemset_part_new', part);
      const r = ctx.addon.setPartMap(part.part!, true);
      let failure: string | undefined;
      if (r.code === 0) {
        const d = r.descriptor;
        if (!d) failure = 'the call succeeded but left the descriptor untouched';
        else if (d.size !== BigInt(2 * p)) failure = `descriptor size ${d.size}, mapped ${2 * p}`;
        else if (!ctx.addon.isMapped(d.addr, d.size, 'rw'))
          failure = `descriptor address 0x${d.addr.toString(16)} is not mapped read-write`;
      }
      return { observed: observed(`${FN}(2-page part, descriptor)`, r), permitted: ['0'], ...(failure ? { failure } : {}) };
    },
  },
  {
    key: 'pmemset_part_map/coalescing maps right after the previous part#1',
    situation: 'FULL coalescing: two 1-page parts through the part API are contiguous',
    note: 'PMEMSET_E_CANNOT_COALESCE_PARTS is permitted only when the range after the first part is really occupied, as the page says: a library that maps the first part with no room reserved after it (PMDK 1.11.1) leaves that to the operating system, which "is not guaranteed" (pmemset_set_contiguous_part_coalescing(3)).',
    fixtures: 'devdax',
    run: (ctx) => {
      const p = page(ctx);
      const { set } = newSet(ctx, { coalescing: S.FULL });
      const a = fileSource(ctx, p);
      const b = fileSource(ctx, p);
      const pa = partNew(ctx, set, a.src, 0, p);
      check('pmemset_part_new', pa);
      const r1 = ctx.addon.setPartMap(pa.part!, true);
      if (r1.code !== 0) return { observed: observed(`${FN}(first part)`, r1), permitted: ['0'] };
      const pb = partNew(ctx, set, b.src, 0, p);
      check('pmemset_part_new', pb);
      const r2 = ctx.addon.setPartMap(pb.part!, true);
      const d1 = r1.descriptor!;
      const d2 = r2.descriptor;
      const end = d1.addr + d1.size;
      const failure =
        r2.code === 0 && d2 && d2.addr !== end
          ? `second part at 0x${d2.addr.toString(16)}, first ends at 0x${end.toString(16)}`
          : undefined;
      // "PMEMSET_E_CANNOT_COALESCE_PARTS - ... The memory range after the ending address of previous mapped part is occupied"
      const occupied = r2.code !== 0 && ctx.addon.isMapped(end, p);
      return {
        observed: observed(`${FN}(second part, FULL coalescing)`, r2, { rangeAfterFirstOccupied: occupied }),
        permitted: occupied ? ['0', 'PMEMSET_E_CANNOT_COALESCE_PARTS'] : ['0'],
        ...(failure ? { failure } : {}),
      };
    },
  },
];

export const suite: Suite = {
  name: 'pmemset_part_map',
  implementation: 'libpmemset',
  pages: ['pmemset_part_map'],
  cases,
};
