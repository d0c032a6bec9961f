/**
 * What pmem2_source_device_id(3), pmem2_source_device_usc(3) and
 * pmem2_source_numa_node(3) share: the hardware behind a source is known
 * only where the fixture is persistent memory that libndctl describes; the
 * errors of the calls libpmem2 makes to find out are not provokable from
 * outside (the library keeps what it learnt of the descriptor when the
 * source was made, so closing or re-opening the descriptor changes nothing).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CaseDef } from './framework.js';
import { codeName } from '../runner/core/constants.js';
import { childOutcome, fileSource, OOM_HEADROOM } from './pmem2_util.js';

/** the source queries that begin with ndctl_new(), for any descriptor source (PMDK's usc_ndctl.c, badblocks_ndctl.c) */
export type NdctlQuery = 'pmem2_badblock_context_new' | 'pmem2_source_device_id' | 'pmem2_source_device_usc';

/** the ASan skip of the heap-exhaustion cases */
function asanSkip(): { skip: string; technique: string } | undefined {
  if (!/libasan/.test(process.env.LD_PRELOAD ?? '')) return undefined;
  return {
    skip: 'AddressSanitizer is preloaded: its runtime allocates from the heap this technique exhausts, so the child would die in the sanitizer, not in the library; the runs without sanitizers provoke this clause',
    technique: 'heap:exhausted',
  };
}

/**
 * ndctlOom -- `fn` of a file source (the device on device DAX) in a forked
 * child whose heap is exhausted. libpmem2 calls ndctl_new() first for any
 * descriptor source, before it looks for the device's region, so the call
 * meets ndctl_new failing; the page's -errno is what ndctl_new returned,
 * and the child asks ndctl_new itself, in the same state, right after.
 */
export function ndctlOom(key: string, fn: NdctlQuery, situation: string): CaseDef {
  return {
    key,
    fixtures: 'devdax',
    situation: `${situation}: ${fn} of a file source (on device DAX, the device) in a forked child whose heap is exhausted (the address space limited, then filled until a 16-byte malloc fails); the child then calls libndctl's ndctl_new itself, in the same state`,
    note: "libndctl 76 reports its own allocation failures inside ndctl_new (udev, kmod) as -ENXIO, not -ENOMEM (measured: the child's own ndctl_new answers -ENXIO), so the errno passed through is ENXIO.",
    run: (ctx) => {
      const asan = asanSkip();
      if (asan) return asan;
      const { src } = fileSource(ctx, ctx.unit);
      const r = ctx.addon.forkMore('source_query_oom', fn, src, OOM_HEADROOM);
      if (r.stage === 'call' && r.ndctlNew === undefined)
        return {
          skip: 'the library under test loaded no libndctl.so.6, so what ndctl_new answers cannot be asked',
          technique: 'heap:exhausted',
        };
      if (r.stage === 'call' && r.ndctlNew === 0)
        return {
          skip: 'ndctl_new succeeded in the child with the heap exhausted, so it cannot be made to fail this way',
          technique: 'heap:exhausted',
        };
      const want = r.ndctlNew !== undefined ? codeName(r.ndctlNew) : '-ENOMEM';
      return childOutcome(`${fn}(file source) with malloc failing, in a child`, r, [want], 'exhaust the heap', 'heap:exhausted');
    },
  };
}

/**
 * badblockContextOom -- pmem2_badblock_context_new's -ENOMEM for its
 * context: with the heap exhausted the call fails in ndctl_new first, so
 * the case passes only if a library gets to the context's allocation and
 * answers -ENOMEM; otherwise it says, measured, what failed first
 */
export function badblockContextOom(key: string): CaseDef {
  const fn = 'pmem2_badblock_context_new';
  return {
    key,
    fixtures: 'devdax',
    situation: `malloc(3) failing for the context: ${fn} of a file source in a forked child whose heap is exhausted`,
    run: (ctx) => {
      const asan = asanSkip();
      if (asan) return asan;
      const { src } = fileSource(ctx, ctx.unit);
      const r = ctx.addon.forkMore('source_query_oom', fn, src, OOM_HEADROOM);
      if (r.stage === 'call' && !r.signal && r.ndctlNew !== undefined && r.ndctlNew < 0 && r.code === r.ndctlNew)
        return {
          skip: `with the heap exhausted the call fails in ndctl_new(), made before the context is allocated (PMDK's badblocks_ndctl.c: ndctl_new, the region lookup, then the context), and returns ndctl_new's ${codeName(r.ndctlNew)} (measured; -errno#1 checks that passthrough); making only the context's malloc fail needs a malloc that fails on its Nth call, which a process cannot install in itself with glibc 2.34 and later (no __malloc_hook)`,
          technique: 'heap:exhausted',
        };
      return childOutcome(`${fn}(file source) with malloc failing, in a child`, r, ['-ENOMEM'], 'exhaust the heap', 'heap:exhausted');
    },
  };
}

/**
 * notProvoked -- a case whose failing call cannot be made to fail from
 * outside the library: `technique` is the one considered, `why` says why it
 * cannot apply (runner/core/technique.ts)
 */
export function notProvoked(key: string, situation: string, technique: string, why: string): CaseDef {
  // the reason is the library's code path, the same for a file and a device DAX: it is given on every fixture
  return { key, situation, fixtures: 'devdax', run: () => ({ skip: `${situation}: ${why}`, technique }) };
}

/** the fixture is persistent memory ndctl can describe (device DAX, or fsdax with MAP_SYNC) */
export function onPmem(caps: { devdax: boolean; mapSync: boolean }): boolean {
  return caps.devdax || caps.mapSync;
}

/** readSysfs -- one sysfs attribute, trimmed; undefined when missing or unreadable */
function readSysfs(p: string): string | undefined {
  try {
    return fs.readFileSync(p, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** regionDimms -- the sysfs directories (nmemN) of the DIMMs the region's mappings lie on */
export function regionDimms(caps: { region?: string }): string[] {
  const out: string[] = [];
  if (!caps.region) return out;
  for (let i = 0; ; i++) {
    const m = readSysfs(path.join(caps.region, `mapping${i}`));
    if (m === undefined) break;
    const nmem = m.split(',')[0];
    if (nmem) out.push(fs.realpathSync(path.join(caps.region, '..', nmem)));
  }
  return out;
}

/**
 * regionFacts -- what sysfs says of the nd region behind a device DAX
 * fixture (caps.region, found by the fixture): its numa_node, and the ids
 * of the DIMMs its mappings lie on (nmemN/nfit/id, the "unique id" ndctl
 * shows and libpmem2 builds pmem2_source_device_id from)
 */
export function regionFacts(caps: { region?: string }): { region?: string; numaNode?: number; dimmIds: string[] } {
  if (!caps.region) return { dimmIds: [] };
  const numa = readSysfs(path.join(caps.region, 'numa_node'));
  const dimmIds: string[] = [];
  for (let i = 0; ; i++) {
    const m = readSysfs(path.join(caps.region, `mapping${i}`));
    if (m === undefined) break;
    const nmem = m.split(',')[0];
    const id = nmem ? readSysfs(path.join(caps.region, '..', nmem, 'nfit', 'id')) : undefined;
    if (id) dimmIds.push(id);
  }
  return { region: caps.region, ...(numa !== undefined && /^-?\d+$/.test(numa) ? { numaNode: Number(numa) } : {}), dimmIds };
}
