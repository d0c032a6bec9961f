/**
 * pmem2_map_from_existing(3): one case per documented clause. The ranges
 * handed to the library are mappings this suite makes itself with mmap(2)
 * (native/addon/pmem2_more.cc plainMap), so a map object that outlives its
 * case never describes memory someone else owns; a range that is not mapped
 * at all is given with protection NONE, so the addon refuses to read it.
 */
import os from 'node:os';
import { codeName } from '../runner/core/constants.js';
import type { Map as Pmem2Map, Source } from '../runner/core/native.js';
import type { MoreChildResult } from '../runner/core/native_more.js';
import type { CaseContext, CaseDef, Outcome, Suite } from './framework.js';
import { C, childOutcome, config, fileSource, hex, mapNew, OOM_HEADROOM, observed, SetupError } from './pmem2_util.js';

const FN = 'pmem2_map_from_existing';

/** PROT_READ | PROT_WRITE of mmap(2) (Linux values, for plainMap) */
export const MMAP_PROT_RW = 3;

/** needs -- a skip when the loaded build does not export `name` */
export function lacks(ctx: CaseContext, name: string): Outcome | undefined {
  return ctx.addon.pmem2Exports(name) ? undefined : { skip: `the library under test does not export ${name}` };
}

/** plainMapping -- `pages` pages mapped read-write by mmap(2), unmapped at the end of the case */
export function plainMapping(ctx: CaseContext, pages: number): { addr: bigint; len: bigint } {
  const len = BigInt(pages * ctx.unit);
  const addr = ctx.addon.plainMap(len, MMAP_PROT_RW);
  ctx.defer(() => void ctx.addon.plainUnmap(addr, len));
  return { addr, len };
}

/**
 * fromExisting -- pmem2_map_from_existing; a map it made is deleted at the
 * end of the case (which only forgets it: the mapping stays the case's)
 */
export function fromExisting(ctx: CaseContext, src: Source, addr: bigint, len: bigint, gran: number, prot = 0) {
  const r = ctx.addon.mapFromExisting(src, addr, len, gran, prot);
  const state = { deleted: false };
  if (r.map) {
    const m = r.map;
    ctx.defer(() => {
      if (!state.deleted) void ctx.addon.mapDelete(m);
    });
  }
  return { ...r, state };
}

/** moreOutcome -- a forkMore result judged like the other child calls (childOutcome) */
export function moreOutcome(at: string, r: MoreChildResult, permitted: string[], what: string, technique?: string): Outcome {
  return childOutcome(at, r, permitted, what, technique);
}

const RW = () => C.PROT_READ | C.PROT_WRITE;

/** CPU seconds a child's 16-byte memset + persist may take before it counts as never returning */
const CPU_LIMIT_S = 1;

const cases: CaseDef[] = [
  {
    key: 'pmem2_map_from_existing/RETURN VALUE#1',
    fixtures: 'devdax',
    situation: 'a 2-page mmap(2) of anonymous memory, described with the source of a file and PAGE granularity',
    run: (ctx) => {
      const no = lacks(ctx, FN);
      if (no) return no;
      const { src } = fileSource(ctx, 2 * ctx.unit);
      const m = plainMapping(ctx, 2);
      const r = fromExisting(ctx, src, m.addr, m.len, C.PAGE, RW());
      let failure: string | undefined;
      const details: Record<string, string> = { address: hex(m.addr), length: String(m.len), mapPtr: r.mapPtr };
      if (r.code === 0 && r.map) {
        const a = ctx.addon.mapGetAddress(r.map);
        const n = ctx.addon.mapGetSize(r.map);
        const g = ctx.addon.mapGetStoreGranularity(r.map);
        Object.assign(details, { mapAddress: hex(a), mapSize: String(n), granularity: String(g) });
        if (a !== m.addr || n !== m.len) failure = `the map describes ${hex(a)}+${n}, not the ${hex(m.addr)}+${m.len} given`;
        else if (g !== C.PAGE) failure = `the map reports granularity ${g}, not the PAGE given`;
      } else if (r.code === 0) failure = 'returned 0 but stored no map';
      return { observed: observed(`${FN}(2-page mmap)`, r, details), permitted: ['0'], ...(failure ? { failure } : {}) };
    },
  },
  {
    key: 'pmem2_map_from_existing/PMEM2_E_MAPPING_EXISTS#1',
    fixtures: 'devdax',
    situation:
      'a range registered by pmem2_map_from_existing given again: the same range, one overlapping its bottom page, one overlapping its top page; and the range of a pmem2_map_new map',
    note: 'PMDK names the code it returns here PMEM2_E_MAP_EXISTS (its own test expects that name); the page lists PMEM2_E_MAPPING_EXISTS, a different constant of the same header.',
    run: (ctx) => {
      const no = lacks(ctx, FN);
      if (no) return no;
      const p = BigInt(ctx.unit);
      const { src } = fileSource(ctx, 2 * ctx.unit);
      const m = plainMapping(ctx, 4);
      // the registered range is the middle two pages, so both overlaps stay inside our own mapping
      const base = m.addr + p;
      const first = fromExisting(ctx, src, base, 2n * p, C.PAGE, RW());
      check(first.code, 'the first pmem2_map_from_existing');
      const byMapNew = mapNew(ctx, config(ctx), src);
      check(byMapNew.code, 'pmem2_map_new');
      const mapped = byMapNew.map as Pmem2Map;
      const tries: [string, bigint, bigint][] = [
        ['the same range', base, 2n * p],
        ['overlapping the bottom page', base - p, 2n * p],
        ['overlapping the top page', base + p, 2n * p],
        ['the range of a pmem2_map_new map', ctx.addon.mapGetAddress(mapped), ctx.addon.mapGetSize(mapped)],
      ];
      const results = tries.map(([what, a, n]) => [what, fromExisting(ctx, src, a, n, C.PAGE)] as const);
      const details = Object.fromEntries(results.map(([w, r]) => [w, codeName(r.code)]));
      const [what, r] = results.find(([, x]) => codeName(x.code) !== 'PMEM2_E_MAPPING_EXISTS') ?? results[0]!;
      return { observed: observed(`${FN}(${what})`, r, details), permitted: ['PMEM2_E_MAPPING_EXISTS'] };
    },
  },
  {
    key: 'pmem2_map_from_existing/-ENOMEM#1',
    fixtures: 'devdax',
    situation:
      'pmem2_map_from_existing in a forked child whose address space is limited and whose heap is used up to the last 8-byte chunk, so malloc(3) fails',
    run: (ctx) => {
      const no = lacks(ctx, FN);
      if (no) return no;
      const { src } = fileSource(ctx, ctx.unit);
      const m = plainMapping(ctx, 1);
      const r = ctx.addon.forkMore('map_from_existing_oom', src, m.addr, m.len, C.PAGE, OOM_HEADROOM);
      return moreOutcome(`${FN}(1-page mmap, malloc failing)`, r, ['-ENOMEM'], 'exhaust the heap', 'heap:exhausted');
    },
  },
  {
    key: 'pmem2_map_from_existing/usable without pmem2_map_new#1',
    fixtures: 'devdax',
    situation:
      "a 2-page mmap(2) described with a file's source and the granularity a pmem2_map_new map of that file reports: it hands out the same functions as that map, and (in a forked child limited to CPU_LIMIT_S seconds of CPU) its memset and persist across the page boundary return and leave 0x5a",
    note: "The data path runs in a child with RLIMIT_CPU so that a call that never returns ends as SIGXCPU, a finding, instead of hanging the worker. In libpmem2 1.12.1 the msync path (PAGE granularity) loops for ever on such a map: it flushes min(length, the map's reserved length) per step, and a map from pmem2_map_from_existing has a reserved length of 0.",
    run: (ctx) => {
      const no = lacks(ctx, FN);
      if (no) return no;
      const p = ctx.unit;
      const { src } = fileSource(ctx, 2 * p);
      const ref = mapNew(ctx, config(ctx), src);
      check(ref.code, 'pmem2_map_new');
      const g = ctx.addon.mapGetStoreGranularity(ref.map as Pmem2Map);
      const m = plainMapping(ctx, 2);
      const r = fromExisting(ctx, src, m.addr, m.len, g, RW());
      const at = `${FN}(2-page mmap, granularity ${g})`;
      if (r.code !== 0 || !r.map) return { observed: observed(at, r), permitted: ['0'] };
      const fe = ctx.addon.mapFunctions(r.map);
      const mn = ctx.addon.mapFunctions(ref.map as Pmem2Map);
      const differ = (Object.keys(fe) as (keyof typeof fe)[]).filter((k) => fe[k] !== mn[k]);
      const details = { granularity: String(g), functionsDiffer: differ.join(',') || 'none' };
      if (differ.length) {
        return {
          observed: observed(at, r, details),
          permitted: ['0'],
          failure: `its ${differ.join(', ')} function(s) differ from those of a pmem2_map_new map of granularity ${g}`,
        };
      }
      const c = ctx.addon.forkMore('map_memset_cpu_limited', r.map, p - 8, 16, CPU_LIMIT_S);
      if (c.signal !== undefined) {
        const spun = c.signal === os.constants.signals.SIGXCPU;
        return {
          observed: {
            code: 0,
            name: spun ? 'no return' : `signal ${c.signal}`,
            at: `the map's memset + persist over [${p - 8}, +16)`,
            message: spun ? `still running after ${CPU_LIMIT_S} s of CPU (SIGXCPU)` : 'the child died',
            details,
          },
          permitted: ['0'],
          failure: spun
            ? `the map's memset/persist never returned (killed by SIGXCPU after ${CPU_LIMIT_S} s of CPU)`
            : `the child running the map's memset/persist died of signal ${c.signal}`,
        };
      }
      if (c.stage === 'setup') return { skip: `cannot limit the child's CPU time: ${c.message}` };
      return {
        observed: observed(at, r, { ...details, bytesReadBack: c.code === 0 }),
        permitted: ['0'],
        ...(c.code !== 0 ? { failure: "the map's memset across the page boundary did not leave 0x5a" } : {}),
      };
    },
  },
  {
    key: 'pmem2_map_from_existing/delete does not unmap#1',
    fixtures: 'devdax',
    situation: 'write a byte through a map made over a 1-page mmap(2), delete the map: the page is still mapped and holds the byte',
    run: (ctx) => {
      const no = lacks(ctx, FN);
      if (no) return no;
      const { src } = fileSource(ctx, ctx.unit);
      const m = plainMapping(ctx, 1);
      const r = fromExisting(ctx, src, m.addr, m.len, C.PAGE, RW());
      check(r.code, FN);
      ctx.addon.mapWrite(r.map as Pmem2Map, 7, Buffer.from([0xa5]));
      const d = ctx.addon.mapDelete(r.map as Pmem2Map);
      r.state.deleted = d.code === 0;
      const still = ctx.addon.isMapped(m.addr, m.len, 'rw');
      const byte = still ? ctx.addon.readAddress(m.addr + 7n, 1)[0] : undefined;
      let failure: string | undefined;
      if (d.code === 0 && !still) failure = `pmem2_map_delete unmapped ${hex(m.addr)}, a mapping the library did not make`;
      else if (d.code === 0 && byte !== 0xa5) failure = `the byte written before the delete reads ${byte} after it`;
      return {
        observed: observed('pmem2_map_delete(map from pmem2_map_from_existing)', d, { stillMapped: still, mapPtr: d.mapPtr }),
        permitted: ['0'],
        ...(failure ? { failure } : {}),
      };
    },
  },
];

function check(code: number, what: string): void {
  if (code !== 0) throw new SetupError(`${what} returned ${codeName(code)}`);
}

export const suite: Suite = {
  name: 'pmem2_map_from_existing',
  implementation: 'libpmem2',
  pages: ['pmem2_map_from_existing'],
  cases,
};
