/**
 * Helpers shared by the suites of the libpmemset pages pmemset_map(3) leads
 * to (pmemset_new, the config and source pages, part-map iteration and
 * removal, the data path, errormsg, SDS and events).
 */
import fs from 'node:fs';
import { codeName, mustConstant } from '../runner/core/constants.js';
import type { Observed } from '../runner/core/model.js';
import type { Descriptor, PartMap, PmemSet, SetEvent, SetSource } from '../runner/core/native.js';
import type { CaseContext, Outcome } from './framework.js';
import type { PmemsetOomFunction } from '../runner/core/native_more.js';
import type { SetConfig, Source } from '../runner/core/native.js';
import { C, check, childOutcome, fixtureGranularity, hex, OOM_HEADROOM } from './pmem2_util.js';
import { fileSource, newSet, partConfig } from './pmemset_util.js';

export const E = {
  get NODRAIN() {
    return mustConstant('libpmemset', 'PMEMSET_F_MEM_NODRAIN');
  },
  get NOFLUSH() {
    return mustConstant('libpmemset', 'PMEMSET_F_MEM_NOFLUSH');
  },
  get INDETERMINATE() {
    return mustConstant('libpmemset', 'PMEMSET_PART_STATE_INDETERMINATE');
  },
  get OK() {
    return mustConstant('libpmemset', 'PMEMSET_PART_STATE_OK');
  },
  get OK_BUT_ALREADY_OPEN() {
    return mustConstant('libpmemset', 'PMEMSET_PART_STATE_OK_BUT_ALREADY_OPEN');
  },
  get OK_BUT_INTERRUPTED() {
    return mustConstant('libpmemset', 'PMEMSET_PART_STATE_OK_BUT_INTERRUPTED');
  },
  get CORRUPTED() {
    return mustConstant('libpmemset', 'PMEMSET_PART_STATE_CORRUPTED');
  },
};

/** the unit a part is sized and placed in: the page, or on device DAX the device's alignment (ctx.unit) */
export function page(ctx: CaseContext): number {
  return ctx.unit;
}

/** the outcome of a function that returns no value: nothing to compare but what the case checked */
export function voidOutcome(at: string, failure?: string, details?: Observed['details']): Outcome {
  return { observed: { code: 0, name: '0', at, ...(details ? { details } : {}) }, permitted: ['0'], ...(failure ? { failure } : {}) };
}

/** an outcome that is not a return code: a label for what was seen, `want` the label the page leads to */
export function labelled(at: string, seen: string, want: string, details?: Observed['details'], failure?: string): Outcome {
  return { observed: { code: 0, name: seen, at, ...(details ? { details } : {}) }, permitted: [want], ...(failure ? { failure } : {}) };
}

/**
 * mapPart -- pmemset_map of a fresh `size`-byte file source into `set`
 * (the setup must succeed), saying where the part went. The pages do not
 * decide whether pmemset_map's descriptor of a coalesced part holds the
 * part or the part map it joined (see the pmemset_map coalescing case): a
 * descriptor longer than the part, a part map grown by it, gives the part
 * as its last `size` bytes. On device DAX the source is the whole device,
 * and so is the part.
 */
export function mapPart(ctx: CaseContext, set: PmemSet, size: number): Descriptor {
  return mapPartOf(ctx, set, size, false);
}

/**
 * mapSizedPart -- mapPart with the part `size` bytes long on every fixture:
 * on device DAX the device's first `size` bytes (partConfig) rather than
 * all of it
 */
export function mapSizedPart(ctx: CaseContext, set: PmemSet, size: number): Descriptor {
  return mapPartOf(ctx, set, size, true);
}

function mapPartOf(ctx: CaseContext, set: PmemSet, size: number, sized: boolean): Descriptor {
  const { src } = fileSource(ctx, size);
  const r = ctx.addon.setMap(set, src, sized ? partConfig(ctx, size) : null, true);
  check(`pmemset_map(${size} bytes)`, r);
  const d = r.descriptor!;
  return d.size > BigInt(size) ? { addr: d.addr + d.size - BigInt(size), size: BigInt(size) } : d;
}

/** a part map reference the case must give back: dropped at the end unless the case consumed it */
export function keep(ctx: CaseContext, pm: PartMap | undefined): PartMap | undefined {
  if (pm) {
    ctx.defer(() => {
      try {
        ctx.addon.setPartMapDrop(pm);
      } catch {
        /* already dropped or removed by the case */
      }
    });
  }
  return pm;
}

/** descriptors of the part maps first/next find (references dropped at once) */
export function partMaps(ctx: CaseContext, set: PmemSet): Descriptor[] {
  const out: Descriptor[] = [];
  let pm = ctx.addon.setFirstPartMap(set).partMap;
  while (pm) {
    out.push(ctx.addon.setDescriptorPartMap(pm));
    const next = ctx.addon.setNextPartMap(set, pm).partMap;
    ctx.addon.setPartMapDrop(pm);
    pm = next;
    if (out.length > 64) break;
  }
  return out;
}

/** pmemset_part_map_by_address, reference dropped at once: the code and the part map's descriptor */
export function byAddress(ctx: CaseContext, set: PmemSet, addr: bigint): { code: number; desc?: Descriptor } {
  const r = ctx.addon.setPartMapByAddress(set, addr);
  if (!r.partMap) return { code: r.code };
  const desc = ctx.addon.setDescriptorPartMap(r.partMap);
  ctx.addon.setPartMapDrop(r.partMap);
  return { code: r.code, desc };
}

export function showDesc(d: Descriptor | undefined): string {
  return d ? `${hex(d.addr)} +${d.size}` : 'none';
}

export function showEvents(ev: SetEvent[]): string {
  return ev.map((e) => `${e.type}(${hex(e.addr)}, ${e.len})`).join(', ') || 'no events';
}

/** the process umask (the mode new files get is mode & ~umask, as with open(2)) */
export function umask(): number {
  const m = fs.readFileSync('/proc/self/status', 'utf8').match(/^Umask:\s+([0-7]+)/m);
  return m ? parseInt(m[1]!, 8) : 0o022;
}

/** descriptors of this process opened on a file in `dir` (e.g. an unnamed temporary file) */
export function fdsIn(dir: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const name of fs.readdirSync('/proc/self/fd')) {
    try {
      const link = fs.readlinkSync(`/proc/self/fd/${name}`);
      if (link.startsWith(dir.endsWith('/') ? dir : `${dir}/`)) out.set(Number(name), link);
    } catch {
      /* closed meanwhile */
    }
  }
  return out;
}

/** the temporary source and the descriptor it opened in `dir` (found by comparing /proc/self/fd) */
export function temporaryWithFd(ctx: CaseContext, dir: string): { src: SetSource; fd?: number; link?: string } {
  const before = fdsIn(dir);
  const r = ctx.addon.setSourceFromTemporary(dir);
  check(`pmemset_source_from_temporary(${dir})`, r);
  const src = r.source!;
  ctx.defer(() => {
    try {
      ctx.addon.setSourceDelete(src);
    } catch {
      /* deleted by the case */
    }
  });
  const fresh = [...fdsIn(dir)].filter(([fd, link]) => before.get(fd) !== link);
  if (fresh.length !== 1) return { src };
  return { src, fd: fresh[0]![0], link: fresh[0]![1] };
}

/** granularity names by value, for messages */
export function granularityName(g: number | undefined): string {
  if (g === C.BYTE) return 'PMEM2_GRANULARITY_BYTE';
  if (g === C.CACHE_LINE) return 'PMEM2_GRANULARITY_CACHE_LINE';
  if (g === C.PAGE) return 'PMEM2_GRANULARITY_PAGE';
  return String(g);
}

/** a PAGE set maps one 1-page part: what pmemset_get_store_granularity then reads */
export function granularityAfterFirstPart(ctx: CaseContext) {
  const { set } = newSet(ctx, { granularity: C.PAGE });
  mapPart(ctx, set, page(ctx));
  return ctx.addon.setGetStoreGranularity(set);
}

/** why `g` cannot be the effective granularity of a PAGE set on this fixture: not a granularity at all, or finer than PAGE without MAP_SYNC */
export function effectiveGranularityFault(ctx: CaseContext, g: number | undefined): 'unknown' | 'no MAP_SYNC' | undefined {
  if (g === undefined || ![C.BYTE, C.CACHE_LINE, C.PAGE].includes(g)) return 'unknown';
  if (!ctx.caps.mapSync && !ctx.caps.forcedGranularity && g !== C.PAGE) return 'no MAP_SYNC';
  return undefined;
}

/**
 * grantedGranularityFault -- effectiveGranularityFault, and on device DAX a
 * granularity the device does not grant: libpmem2 maps a device DAX
 * CACHE_LINE (BYTE under eADR) without MAP_SYNC, never PAGE, so there the
 * effective granularity of a PAGE set is the device's, not PAGE
 */
export function grantedGranularityFault(ctx: CaseContext, g: number | undefined): 'unknown' | 'no MAP_SYNC' | 'not granted' | undefined {
  if (!ctx.caps.devdax) return effectiveGranularityFault(ctx, g);
  if (g === undefined || ![C.BYTE, C.CACHE_LINE, C.PAGE].includes(g)) return 'unknown';
  return fixtureGranularity(ctx).includes(g) ? undefined : 'not granted';
}

/**
 * oomOutcome -- `fn` called in a forked child whose heap is exhausted (the
 * address space limited, then filled until a 16-byte malloc fails), as the
 * libpmem2 source constructors are: its page lists -ENOMEM for that
 */
export function oomOutcome(ctx: CaseContext, fn: PmemsetOomFunction, arg: SetConfig | Source | string | null): Outcome {
  // AddressSanitizer's own allocator needs the memory this takes away: its CHECK fails and the
  // child deadlocks (measured in scripts/asan-suites.sh). The plain runs provoke the clause.
  if (/libasan/.test(process.env.LD_PRELOAD ?? ''))
    return {
      skip: 'AddressSanitizer is preloaded: its runtime allocates from the heap this technique exhausts, so the child would die in the sanitizer, not in the library; the runs without sanitizers provoke this clause',
      technique: NO_MALLOC_TECHNIQUE,
    };
  const r = ctx.addon.forkMore('pmemset_oom', fn, arg, OOM_HEADROOM);
  return childOutcome(`${fn}() with malloc failing, in a child`, r, ['-ENOMEM'], 'exhaust the heap', 'heap:exhausted');
}

/** the technique a skip considers for an allocation failure */
export const NO_MALLOC_TECHNIQUE = 'heap:exhausted';

export { codeName };
