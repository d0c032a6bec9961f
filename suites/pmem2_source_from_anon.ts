/**
 * pmem2_source_from_anon(3): one case per documented clause, and what
 * PMDK's own tests check of an anonymous source on the pages of the
 * functions that take one (device id, unsafe shutdown count, NUMA node,
 * bad blocks, deep flush: each in that function's suite).
 */
import { codeName } from '../runner/core/constants.js';
import type { Source } from '../runner/core/native.js';
import type { CaseContext, CaseDef, Suite } from './framework.js';
import { moreOutcome } from './pmem2_map_from_existing.js';
import { config, mapNew, OOM_HEADROOM, observed, SetupError } from './pmem2_util.js';

const FN = 'pmem2_source_from_anon';

/** anonSource -- an anonymous source of `size` bytes, deleted at the end of the case */
export function anonSource(ctx: CaseContext, size: number | bigint): Source {
  const r = ctx.addon.sourceFromAnon(size);
  if (r.code !== 0 || !r.source) throw new SetupError(`${FN}(${size}) returned ${codeName(r.code)}`);
  const s = r.source;
  ctx.defer(() => void ctx.addon.sourceDelete(s));
  return s;
}

/** anonMap -- a map of an anonymous source of `pages` pages (PAGE granularity), deleted at the end */
export function anonMap(ctx: CaseContext, pages: number) {
  const src = anonSource(ctx, pages * ctx.unit);
  const r = mapNew(ctx, config(ctx), src);
  if (r.code !== 0 || !r.map) throw new SetupError(`pmem2_map_new(anonymous source) returned ${codeName(r.code)}`);
  return { src, map: r.map };
}

const cases: CaseDef[] = [
  {
    key: 'pmem2_source_from_anon/RETURN VALUE#1',
    fixtures: 'devdax',
    situation: 'an anonymous source of 2 pages',
    run: (ctx) => {
      const r = ctx.addon.sourceFromAnon(2 * ctx.unit);
      if (r.source) {
        const s = r.source;
        ctx.defer(() => void ctx.addon.sourceDelete(s));
      }
      return {
        observed: observed(`${FN}(2 pages)`, r),
        permitted: ['0'],
        ...(r.code === 0 && !r.source ? { failure: 'returned 0 but stored no source' } : {}),
      };
    },
  },
  {
    key: 'pmem2_source_form_anon/-ENOMEM#1',
    fixtures: 'devdax',
    situation: 'pmem2_source_from_anon in a forked child whose heap is used up under an address-space limit',
    note: 'The page spells the function "pmem2_source_form_anon" in this bullet; the clause keeps the page\'s spelling.',
    run: (ctx) => {
      const r = ctx.addon.forkMore('source_from_anon_oom', ctx.unit, OOM_HEADROOM);
      return moreOutcome(`${FN}(1 page, malloc failing)`, r, ['-ENOMEM'], 'exhaust the heap', 'heap:exhausted');
    },
  },
  {
    key: 'pmem2_source_from_anon/size as returned by pmem2_source_size#1',
    fixtures: 'devdax',
    situation: 'anonymous sources of 1 page, of 5 pages + 123 bytes and of 1 GiB: pmem2_source_size gives each size back',
    run: (ctx) => {
      const p = ctx.unit;
      const sizes = [p, 5 * p + 123, 1024 * 1024 * 1024];
      const seen = sizes.map((n) => [n, ctx.addon.sourceSize(anonSource(ctx, n))] as const);
      const details = Object.fromEntries(seen.map(([n, r]) => [String(n), r.code === 0 ? String(r.value) : codeName(r.code)]));
      const off = seen.find(([n, r]) => r.code !== 0 || r.value !== BigInt(n));
      const [n, r] = off ?? seen[0]!;
      return {
        observed: observed(`pmem2_source_size(anonymous source of ${n} bytes)`, r, details),
        permitted: ['0'],
        ...(r.code === 0 && r.value !== BigInt(n)
          ? { failure: `pmem2_source_size gives ${r.value} for an anonymous source of ${n} bytes` }
          : {}),
      };
    },
  },
  {
    key: 'pmem2_source_from_anon/zero-initialized#1',
    fixtures: 'devdax',
    situation: 'map an anonymous source of 3 pages: every byte reads 0',
    run: (ctx) => {
      const p = ctx.unit;
      const src = anonSource(ctx, 3 * p);
      const r = mapNew(ctx, config(ctx), src);
      if (r.code !== 0 || !r.map) return { observed: observed('pmem2_map_new(anonymous source)', r), permitted: ['0'] };
      const bytes = ctx.addon.mapRead(r.map, 0, 3 * p);
      const at = bytes.findIndex((b) => b !== 0);
      return {
        observed: observed('pmem2_map_new(anonymous source)', r, { firstNonZero: at }),
        permitted: ['0'],
        ...(at >= 0 ? { failure: `byte ${at} of the new anonymous mapping is ${bytes[at]}, not 0` } : {}),
      };
    },
  },
  {
    key: 'pmem2_source_from_anon/offset ignored#1',
    fixtures: 'devdax',
    situation:
      "an anonymous source of 4 pages mapped 1 page long at offsets of its alignment, of 8 pages (past its end) and of its alignment + 1 (unaligned): each succeeds with a 1-page map; the source's alignment is a power of two of at least a page",
    note: "pmem2_map_new/parameters (properties) searches the same clause over many offsets; this case names the offsets PMDK's own tests use (the alignment) and the two ends a reader worries about.",
    run: (ctx) => {
      // the system page, not ctx.unit: an anonymous source is memory, whatever the fixture (on device DAX the unit
      // is the device's 2 MiB alignment, which no anonymous source has)
      const p = ctx.caps.pageSize;
      const src = anonSource(ctx, 4 * p);
      const al = ctx.addon.sourceAlignment(src);
      if (al.code !== 0 || al.value === undefined) {
        return { observed: observed('pmem2_source_alignment(anonymous source)', al), permitted: ['0'] };
      }
      const a = al.value;
      if (a < BigInt(p) || (a & (a - 1n)) !== 0n) {
        return {
          observed: observed('pmem2_source_alignment(anonymous source)', al, { alignment: String(a) }),
          permitted: ['0'],
          failure: `the alignment of an anonymous source is ${a}: not a power of two of at least a page`,
        };
      }
      const offsets: [string, bigint][] = [
        ['the alignment', a],
        ['8 pages', BigInt(8 * p)],
        ['the alignment + 1', a + 1n],
      ];
      const results = offsets.map(([what, off]) => [what, mapNew(ctx, config(ctx, { offset: off, length: p }), src)] as const);
      const details = Object.fromEntries([['alignment', String(a)], ...results.map(([w, r]) => [w, codeName(r.code)])]);
      const off = results.find(([, r]) => r.code !== 0 || (r.map && ctx.addon.mapGetSize(r.map) !== BigInt(p)));
      const [what, r] = off ?? results[0]!;
      const size = r.map ? ctx.addon.mapGetSize(r.map) : undefined;
      return {
        observed: observed(`pmem2_map_new(anonymous source, offset ${what})`, r, details),
        permitted: ['0'],
        ...(r.code === 0 && size !== BigInt(p) ? { failure: `the map at offset ${what} is ${size} bytes, not 1 page` } : {}),
      };
    },
  },
];

export const suite: Suite = {
  name: 'pmem2_source_from_anon',
  implementation: 'libpmem2',
  pages: ['pmem2_source_from_anon'],
  cases,
};
