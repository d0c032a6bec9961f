/**
 * pmemset_map(3): one case per documented clause, driven against
 * libpmemset (ours by default, another build with --impl libpmemset=PATH).
 * Notes cite native/libpmemset/README.md where our library had to choose
 * between pages that disagree.
 */
import { codeName } from '../runner/core/constants.js';
import path from 'node:path';
import type { SetSource } from '../runner/core/native.js';
import { devdaxAttrDirs, fsdaxDevAttr, SYSFS_ATTR, sdsMapInChild } from './sysfs_attr.js';
import { BAD_PAGES, FILE_PAGES, mapWithBadblocks, namespaceOf, SYSFS_BADBLOCKS, showRun } from './sysfs_badblocks.js';
import { E } from './pmemset_page_util.js';
import type { CaseContext, CaseDef, Outcome, Suite } from './framework.js';
import { C, check, childOutcome, fixtureGranularity, observed, OOM_HEADROOM, reservation } from './pmem2_util.js';
import {
  blockedAfterFirstPart,
  closedFile,
  partConfig,
  doNotGrowPage,
  fileSource,
  mapConfig,
  newSet,
  oomSource,
  S,
  temporarySource,
  readOnlyPmem2Source,
} from './pmemset_util.js';

const FN = 'pmemset_map';

/** the unit parts are sized and placed in: the page, or on device DAX the device's alignment */
function page(ctx: CaseContext): number {
  return ctx.unit;
}

/** pmemset_map of a fresh file source with an optional map config, reported as observed */
function mapFile(
  ctx: CaseContext,
  size: number,
  mc: { offset?: number | bigint; length?: number | bigint } | null,
  permitted: string[],
  describe: string,
  setOpts: Parameters<typeof newSet>[1] = {},
): Outcome {
  const { set } = newSet(ctx, setOpts);
  const { src } = fileSource(ctx, size);
  // on device DAX the source is the whole device: a part of `size` bytes is its first `size` bytes
  const r = ctx.addon.setMap(set, src, mc ? mapConfig(ctx, mc) : partConfig(ctx, size), true);
  return { observed: observed(`${FN}(${describe})`, r, { descriptorFilled: r.descriptorFilled ?? false }), permitted };
}

/** memory exhausted in a child: every out-of-memory answer the page lists is permitted */
const OUT_OF_MEMORY = ['PMEMSET_E_CANNOT_ALLOCATE_INTERNAL_STRUCTURE', '-ENOMEM', 'PMEMSET_E_INVALID_PMEM2_MAP'];

function outOfMemory(ctx: CaseContext): Outcome {
  const { set } = newSet(ctx);
  // a device DAX has its namespace's size: the whole device is mapped, which must exceed the address space left
  const o = oomSource(ctx);
  if ('outcome' in o) return o.outcome;
  const { src, size } = o;
  return childOutcome(
    `${FN}(${ctx.caps.devdax ? `whole device DAX, ${size} bytes` : '1 GiB file'}) in a child with 64 MiB of address space left`,
    ctx.addon.forkCall({ addressSpaceHeadroom: OOM_HEADROOM }, 'pmemset_map', set, src, null),
    OUT_OF_MEMORY,
    'limit the address space',
    'rlimit:AS',
  );
}

/**
 * boundsUnreadable -- pmemset_map with bad-block detection in a child
 * whose namespace `resource` cannot be read: the device DAX's own on
 * devdax, a raw-mode namespace's under a file
 */
function boundsUnreadable(ctx: CaseContext): Outcome {
  let attr: string;
  let file: string;
  let what: string;
  if (ctx.caps.devdax) {
    const dirs = devdaxAttrDirs(ctx);
    if ('skip' in dirs) return dirs;
    attr = path.join(dirs.dax, 'resource');
    file = ctx.caps.devdaxPath!;
    what = `device DAX ${file}`;
  } else {
    const where = namespaceOf(ctx);
    if ('skip' in where) return where;
    if (where.mode !== 'raw')
      return {
        skip: `the fixture's file is on a namespace libndctl takes as ${where.mode} (${path.basename(where.ns)}), whose bad blocks are its block device's own list, read with no namespace bounds; a namespace's resource and size are read only for device DAX and raw namespaces (libpmem2 1.12.1 badblocks_ndctl.c), which the devdax fixture provides`,
        technique: SYSFS_ATTR,
      };
    attr = path.join(where.ns, 'resource');
    file = closedFile(ctx, page(ctx));
    what = `file on raw namespace ${path.basename(where.ns)}`;
  }
  const source = (): SetSource => {
    const r = ctx.addon.setSourceFromFile(file);
    check(`pmemset_source_from_file(${file})`, r);
    ctx.defer(() => void ctx.addon.setSourceDelete(r.source!));
    ctx.addon.setSourceSetBadblockDetection(r.source!, true);
    return r.source!;
  };
  const control = ctx.addon.forkInject({}, 'set_map', newSet(ctx).set, source(), null, 1);
  if (control.signal || control.code !== 0)
    return {
      skip: `the same pmemset_map (bad-block detection, ${what}) in a child without the bind did not return 0 (${control.signal ? `signal ${control.signal}` : codeName(control.code ?? 0)}${control.message ? `: ${control.message}` : ''}), so the bind's effect cannot be told apart`,
      technique: SYSFS_ATTR,
    };
  const r = ctx.addon.forkInject({ binds: [{ target: attr, with: 'unreadable' }] }, 'set_map', newSet(ctx).set, source(), null, 1);
  const o = childOutcome(
    `${FN}(bad-block detection, ${what}, ${path.relative('/sys', attr)} unreadable) in a child`,
    r,
    ['PMEMSET_E_CANNOT_READ_BOUNDS'],
    `make ${attr} unreadable`,
    SYSFS_ATTR,
  );
  if ('observed' in o && !('crash' in o)) o.observed.details = { ...(o.observed.details ?? {}), attribute: attr };
  return o;
}

const cases: CaseDef[] = [
  {
    key: 'pmemset_map/RETURN VALUE#1',
    situation: 'map a whole 2-page file into a set',
    fixtures: 'devdax',
    run: (ctx) => mapFile(ctx, 2 * page(ctx), null, ['0'], 'whole 2-page file'),
  },
  {
    key: 'pmemset_map/PMEMSET_E_CANNOT_ALLOCATE_INTERNAL_STRUCTURE#1',
    situation: 'in a child whose address-space limit (RLIMIT_AS) leaves 64 MiB free, map a 1 GiB sparse file',
    note: 'With memory exhausted, the page lists three answers (CANNOT_ALLOCATE_INTERNAL_STRUCTURE, -ENOMEM for struct pmemset_part_map, INVALID_PMEM2_MAP when the pmem2 mapping cannot be made) without saying which comes first: all are permitted.',
    fixtures: 'devdax',
    run: outOfMemory,
  },
  {
    key: 'pmemset_map/-ENOMEM#1',
    situation: 'in a child whose address-space limit (RLIMIT_AS) leaves 64 MiB free, map a 1 GiB sparse file',
    note: 'Same situation as PMEMSET_E_CANNOT_ALLOCATE_INTERNAL_STRUCTURE#1; see its note.',
    fixtures: 'devdax',
    run: outOfMemory,
  },
  {
    key: 'pmemset_map/PMEMSET_E_INVALID_OFFSET_VALUE#1',
    situation: 'a map config offset above INT64_MAX (2^63)',
    textMatches: /INT64_MAX/,
    fixtures: 'devdax',
    run: (ctx) => {
      const r = ctx.addon.setMapConfigNew();
      check('pmemset_map_config_new', r);
      ctx.defer(() => void ctx.addon.setMapConfigDelete(r.mapConfig!));
      const off = ctx.addon.setMapConfigSetOffset(r.mapConfig!, 1n << 63n);
      if (off.code !== 0) {
        return {
          skip: `pmemset_map_config_set_offset(3) refuses an offset above INT64_MAX (observed ${codeName(off.code)}), so pmemset_map cannot be given one; the part API reaches this clause (pmemset_part_map suite)`,
          technique: 'precondition',
        };
      }
      ctx.addon.setMapConfigSetLength(r.mapConfig!, page(ctx));
      const { set } = newSet(ctx);
      const { src } = fileSource(ctx, page(ctx));
      const m = ctx.addon.setMap(set, src, r.mapConfig!, false);
      return { observed: observed(`${FN}(offset 2^63)`, m), permitted: ['PMEMSET_E_INVALID_OFFSET_VALUE'] };
    },
  },
  {
    key: 'pmemset_map/PMEMSET_E_GRANULARITY_NOT_SUPPORTED#1',
    situation:
      'a set requiring a finer granularity than the fixture gives (CACHE_LINE without MAP_SYNC, or BYTE where CACHE_LINE is the finest)',
    note: 'libpmem2 refuses the mapping with PMEM2_E_GRANULARITY_NOT_SUPPORTED; the page also lets pmemset_map return libpmem2 errors, so that code is permitted too.',
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
      return mapFile(
        ctx,
        page(ctx),
        null,
        ['PMEMSET_E_GRANULARITY_NOT_SUPPORTED', 'PMEM2_E_GRANULARITY_NOT_SUPPORTED'],
        `${g === C.BYTE ? 'BYTE' : 'CACHE_LINE'} on a fixture that cannot give it`,
        { granularity: g },
      );
    },
  },
  {
    key: 'pmemset_map/PMEMSET_E_INVALID_PMEM2_MAP#1',
    situation: 'a pmemset source made from a libpmem2 source over a read-only descriptor: the pmem2 mapping (read-write) cannot be created',
    note: 'The page also lets pmemset_map return libpmem2 errors; PMEM2_E_NO_ACCESS (the underlying refusal) is permitted too.',
    fixtures: 'devdax',
    run: (ctx) => {
      const src = readOnlyPmem2Source(ctx);
      const { set } = newSet(ctx);
      const r = ctx.addon.setMap(set, src, mapConfig(ctx, { length: page(ctx) }), false);
      return {
        observed: observed(`${FN}(pmem2 source over an O_RDONLY descriptor)`, r),
        permitted: ['PMEMSET_E_INVALID_PMEM2_MAP', 'PMEM2_E_NO_ACCESS'],
      };
    },
  },
  {
    key: 'pmemset_map/PMEMSET_E_INVALID_SOURCE_TYPE#1',
    situation: 'src NULL ("the src structure cannot be a NULL value")',
    fixtures: 'devdax',
    run: (ctx) => {
      const { set } = newSet(ctx);
      const r = ctx.addon.setMap(set, null, null, false);
      return { observed: observed(`${FN}(src NULL)`, r), permitted: ['PMEMSET_E_INVALID_SOURCE_TYPE'] };
    },
  },
  {
    key: 'pmemset_map/PMEMSET_E_LENGTH_UNALIGNED#1',
    situation: 'a map config length of one page plus one byte',
    fixtures: 'devdax',
    run: (ctx) => mapFile(ctx, 2 * page(ctx), { length: page(ctx) + 1 }, ['PMEMSET_E_LENGTH_UNALIGNED'], 'length 1 page + 1'),
  },
  {
    key: 'pmemset_map/PMEMSET_E_CANNOT_COALESCE_PARTS#1',
    situation: 'FULL coalescing in a reservation where the page right after the first part holds a libpmem2 mapping',
    fixtures: 'devdax',
    run: (ctx) => {
      const { set } = blockedAfterFirstPart(ctx);
      const { src } = fileSource(ctx, page(ctx));
      const r = ctx.addon.setMap(set, src, partConfig(ctx, page(ctx)), false);
      return {
        observed: observed(`${FN}(FULL coalescing, range after the previous part occupied)`, r),
        permitted: ['PMEMSET_E_CANNOT_COALESCE_PARTS'],
      };
    },
  },
  {
    key: 'pmemset_map/PMEMSET_E_CANNOT_GROW_SOURCE_FILE#1',
    situation: 'a temporary source in a directory of a full 1 MiB filesystem, mapped with a length of 4 MiB',
    note: 'Growing a file on tmpfs past its size limit only fails when space is allocated (fallocate); a library that grows sparsely with ftruncate will not fail here, which the page permits: it says the file "cannot be extended".',
    notOnDevdax:
      'a device DAX cannot grow: its size is fixed by its namespace, and the file this case grows on a full filesystem is a temporary file in a directory',
    run: (ctx) => {
      const dir = ctx.caps.smallDirectory;
      if (!dir) return { skip: 'needs a small filesystem to fill (the fixture offers none)' };
      const src = temporarySource(ctx, dir);
      const { set } = newSet(ctx);
      const r = ctx.addon.setMap(set, src, mapConfig(ctx, { length: 4 << 20 }), false);
      if (r.code === 0)
        return { skip: 'the 4 MiB part mapped on a 1 MiB filesystem (the library grows files sparsely): no failure to provoke' };
      return {
        observed: observed(`${FN}(temporary source on a full filesystem, 4 MiB)`, r),
        permitted: ['PMEMSET_E_CANNOT_GROW_SOURCE_FILE'],
      };
    },
  },
  {
    key: 'pmemset_map/PMEMSET_E_CANNOT_FIT_PART_MAP#1',
    situation: 'a set bound to a 1-page reservation, mapping a 2-page part',
    fixtures: 'devdax',
    run: (ctx) => {
      const rsv = reservation(ctx, page(ctx));
      return mapFile(ctx, 2 * page(ctx), null, ['PMEMSET_E_CANNOT_FIT_PART_MAP'], '2 pages into a 1-page reservation', {
        reservation: rsv,
      });
    },
  },
  {
    key: 'pmemset_map/PMEMSET_E_MAP_LENGTH_UNSET#1',
    situation: 'a temporary (empty) source mapped with a map config whose length is never set',
    note: 'Our reading (native/libpmemset/README.md, choice 9): an unset length means "to the end of the source" (pmemset_map_config_set_length(3): by default the length is the size of the file); it is unset and zero only when the source is empty.',
    notOnDevdax: 'a device DAX has no size 0: the empty source whose unset length this case maps cannot be made from it',
    run: (ctx) => {
      const src = temporarySource(ctx);
      const { set } = newSet(ctx);
      const r = ctx.addon.setMap(set, src, mapConfig(ctx), false);
      return { observed: observed(`${FN}(empty temporary source, length unset)`, r), permitted: ['PMEMSET_E_MAP_LENGTH_UNSET'] };
    },
  },
  {
    key: 'pmemset_map/PMEMSET_E_SOURCE_FILE_IS_TOO_SMALL#1',
    situation: 'a 1-page file opened with PMEMSET_SOURCE_FILE_DO_NOT_GROW, mapped with a length of 2 pages',
    fixtures: 'devdax',
    run: (ctx) => {
      const x = doNotGrowPage(ctx);
      if ('outcome' in x) return x.outcome;
      const { set } = newSet(ctx);
      // on device DAX the source is the whole device: one unit more than it holds
      const length = (ctx.caps.devdax ? (ctx.caps.devdaxSize ?? 0) : page(ctx)) + page(ctx);
      const r = ctx.addon.setMap(set, x.src, mapConfig(ctx, { length }), false);
      return {
        observed: observed(`${FN}(${ctx.caps.devdax ? 'device DAX' : '1-page file'}, DO_NOT_GROW, ${length} bytes)`, r),
        permitted: ['PMEMSET_E_SOURCE_FILE_IS_TOO_SMALL'],
      };
    },
  },
  {
    key: 'pmemset_map/libpmem2(7) errors#1',
    situation: 'a map config offset of half a page: no pmemset error names it, libpmem2 refuses the offset',
    fixtures: 'devdax',
    run: (ctx) => {
      const r = mapFile(ctx, 2 * page(ctx), { offset: page(ctx) / 2, length: page(ctx) }, [], 'offset half a page');
      if ('observed' in r) r.permitted = ['PMEM2_E_OFFSET_UNALIGNED', 'PMEMSET_E_INVALID_PMEM2_MAP'];
      return r;
    },
  },
  {
    key: 'pmemset_map/PMEMSET_E_SDS_NOSUPP#1',
    situation: 'SDS set on a file source whose device has no unsafe-shutdown support',
    fixtures: 'devdax',
    run: (ctx) => {
      if (ctx.caps.sds) return { skip: "the fixture's device reports an unsafe-shutdown count (SDS is supported here)" };
      const { src } = fileSource(ctx, page(ctx));
      const sds = ctx.addon.setSourceSetSds(src, {});
      if (sds.code !== 0) return { observed: observed('pmemset_source_set_sds', sds), permitted: ['PMEMSET_E_SDS_NOSUPP'] };
      const { set } = newSet(ctx);
      const r = ctx.addon.setMap(set, src, null, false);
      return { observed: observed(`${FN}(SDS on a ${ctx.caps.filesystem} file)`, r), permitted: ['PMEMSET_E_SDS_NOSUPP'] };
    },
  },
  {
    key: 'pmemset_map/PMEMSET_E_SDS_DEVICE_ID_LEN_TOO_BIG#1',
    situation:
      "SDS on a device whose id is longer than PMEMSET_SDS_DEVICE_ID_LEN (512): in a child's private mount namespace, the NVDIMM region's first DIMM given a 600-byte nfit/id and every DIMM a dirty-shutdown count",
    fixtures: 'devdax',
    run: (ctx) => {
      const { set } = newSet(ctx);
      const { src } = fileSource(ctx, ctx.caps.pageSize);
      const s = ctx.addon.setSourceSetSds(src, {});
      check('pmemset_source_set_sds', s);
      const at = 'pmemset_map(source with SDS, device id of 600 bytes) in a child';
      const permitted = ['PMEMSET_E_SDS_DEVICE_ID_LEN_TOO_BIG'];
      const c = sdsMapInChild(ctx, set, src, s.sds, 1, at, permitted, { longId: 600 });
      if ('skip' in c)
        return { ...c, skip: `needs a device with unsafe-shutdown support and an id longer than PMEMSET_SDS_DEVICE_ID_LEN: ${c.skip}` };
      if (!('code' in c)) return c;
      return { technique: SYSFS_ATTR, observed: observed(at, c), permitted };
    },
  },
  {
    key: 'pmemset_map/PMEMSET_E_UNDESIRABLE_PART_STATE#1',
    situation:
      'SDS on a device whose shutdown state is not among the acceptable states: acceptable states INDETERMINATE only, a fresh SDS record (its part state is not INDETERMINATE on a healthy device); where the device has no unsafe-shutdown data, its DIMMs are given a dirty-shutdown count in a child',
    fixtures: 'devdax',
    run: (ctx) => {
      const { set } = newSet(ctx, { states: E.INDETERMINATE });
      const { src } = fileSource(ctx, ctx.caps.pageSize);
      const s = ctx.addon.setSourceSetSds(src, {});
      check('pmemset_source_set_sds', s);
      const permitted = ['PMEMSET_E_UNDESIRABLE_PART_STATE'];
      const r = ctx.addon.setMap(set, src, null, false);
      if (codeName(r.code) !== 'PMEMSET_E_SDS_NOSUPP')
        return {
          observed: observed('pmemset_map(SDS source, only INDETERMINATE acceptable)', r, { state: ctx.addon.setSdsRead(s.sds).state }),
          permitted,
        };
      const at = 'pmemset_map(SDS source, only INDETERMINATE acceptable, its DIMMs given a dirty-shutdown count) in a child';
      const c = sdsMapInChild(ctx, set, src, s.sds, 1, at, permitted);
      if ('skip' in c)
        return {
          ...c,
          skip: `needs a device with unsafe-shutdown support (libpmem2 here answers ${ctx.caps.sdsError ?? 'nothing: not probed'}): ${c.skip}`,
        };
      if (!('code' in c)) return c;
      return { technique: SYSFS_ATTR, observed: observed(at, c, { state: c.state ?? -1 }), permitted };
    },
  },
  {
    key: 'pmemset_map/PMEMSET_E_IO_FAIL#1',
    situation: `bad-block detection on a ${FILE_PAGES}-page file whose pages ${BAD_PAGES.join(' and ')} lie on sectors the device's bad-block list names (in a child); the callback does not clear them`,
    note: "The list is the child's copy of the sysfs file libndctl reads (mountns:sysfs-badblocks; suites/sysfs_badblocks.ts).",
    fixtures: 'devdax',
    run: (ctx) => {
      const run = mapWithBadblocks(ctx, false);
      if (!('events' in run)) return run;
      return {
        observed: {
          code: run.rc,
          name: run.code,
          at: `${FN}(bad-block detection, ${run.expected.length} bad blocks not cleared) in a child`,
          ...(run.message ? { message: run.message } : {}),
          details: showRun(run),
        },
        permitted: ['PMEMSET_E_IO_FAIL'],
        technique: SYSFS_BADBLOCKS,
      };
    },
  },
  {
    key: 'pmemset_map/PMEMSET_E_DAX_REGION_NOT_FOUND#1',
    situation: 'bad-block detection on a DAX source without a DAX region',
    fixtures: 'devdax',
    run: (ctx) => ({
      skip:
        ctx.caps.dax || ctx.caps.devdax
          ? "not reachable from outside the library: libpmem2 1.12.1 gives PMEM2_E_DAX_REGION_NOT_FOUND from pmem2_badblock_context_new only when ndctl_dax_get_daxctl_region() returns NULL for a device DAX namespace (region_namespace_ndctl.c), and libdaxctl's add_dax_region() returns NULL only when calloc/strdup fail -- its dax_region attributes missing or unreadable leave size and align at -1, and a device no ndctl region holds gives a context with no bad blocks (pmem2_badblock_context_new returns 0; README). A heap exhausted in a child (heap:exhausted) fails ndctl_new's allocations first, not that one"
          : 'needs a DAX source (the fixture is not DAX)',
      technique: ctx.caps.dax || ctx.caps.devdax ? 'heap:exhausted' : 'fixture:dax',
    }),
  },
  {
    key: 'pmemset_map/PMEMSET_E_CANNOT_READ_BOUNDS#1',
    situation:
      "bad-block detection where the namespace bounds cannot be read: in a child's private mount namespace, the `resource` of the device DAX's nd dax device, or of a namespace in mode raw holding the file, fails every read (EIO)",
    fixtures: 'devdax',
    note: "libndctl reads a namespace's resource once when it enumerates, taking an unreadable one as ULLONG_MAX, which libpmem2 answers with PMEM2_E_CANNOT_READ_BOUNDS. On device DAX the whole device is the source (its 2 MiB alignment: no map config).",
    run: (ctx) => boundsUnreadable(ctx),
  },
  {
    key: 'pmemset_map/PMEMSET_E_BADBLOCK_NOSUPP#1',
    situation: 'bad-block detection on an OS without bad-block handling',
    fixtures: 'devdax',
    run: () => ({ skip: 'Linux supports bad-block handling; the clause is about other operating systems', technique: 'platform:OS' }),
  },
  {
    key: 'pmemset_map/-errno#1',
    situation: 'bad-block detection where pmem2_badblock_context_new fails',
    notOnDevdax:
      "libpmem2 matches a device DAX to its namespace by stat(2) of the /dev node libdaxctl names (st_rdev), not by reading an fsdax block device's /sys/block/pmemN/dev, the attribute this case makes unopenable",
    run: (ctx) => {
      const { src } = fileSource(ctx, page(ctx));
      ctx.addon.setSourceSetBadblockDetection(src, true);
      const { set } = newSet(ctx);
      const r = ctx.addon.setMap(set, src, null, false);
      if (r.code === 0) {
        // a file on fsdax: libpmem2 matches its namespace by reading /sys/block/pmemN/dev; made unopenable in a child
        const dev = fsdaxDevAttr(ctx, SYSFS_ATTR);
        if (typeof dev !== 'string')
          return {
            skip: `pmem2_badblock_context_new succeeds for a ${ctx.caps.filesystem} file (observed: the map succeeded; PMDK 1.12.1's badblocks_ndctl.c returns a context without a region), and it cannot be made to fail here: ${dev.skip}`,
            technique: dev.technique,
          };
        const { src: src2 } = fileSource(ctx, page(ctx));
        ctx.addon.setSourceSetBadblockDetection(src2, true);
        const { set: set2 } = newSet(ctx);
        const c = ctx.addon.forkInject({ binds: [{ target: dev, with: 'unopenable' }] }, 'set_map', set2, src2, null, 1);
        return childOutcome(
          `${FN}(bad-block detection on an fsdax file, ${dev} unopenable) in a child`,
          c,
          ['-EACCES'],
          `make ${dev} unopenable`,
          SYSFS_ATTR,
        );
      }
      return {
        observed: observed(`${FN}(bad-block detection on a ${ctx.caps.filesystem} file)`, r),
        permitted: [codeName(r.code).startsWith('-E') ? codeName(r.code) : '-errno'],
      };
    },
  },
  {
    key: 'pmemset_map/descriptor filled on success#1',
    situation: 'map 2 pages of a 3-page file at offset 1 page with a descriptor: address and size stored',
    fixtures: 'devdax',
    run: (ctx) => {
      const p = page(ctx);
      const { set } = newSet(ctx);
      const { src } = fileSource(ctx, 3 * p);
      const r = ctx.addon.setMap(set, src, mapConfig(ctx, { offset: p, length: 2 * p }), true);
      let failure: string | undefined;
      const d = r.descriptor;
      if (r.code === 0) {
        if (!r.descriptorFilled || !d) failure = 'the call succeeded but left the descriptor untouched';
        else if (d.size !== BigInt(2 * p)) failure = `descriptor size ${d.size}, mapped ${2 * p}`;
        else if (!ctx.addon.isMapped(d.addr, d.size, 'rw'))
          failure = `descriptor address 0x${d.addr.toString(16)} is not a read-write mapping of ${d.size} bytes`;
      }
      return {
        observed: observed(
          `${FN}(offset 1 page, length 2 pages, descriptor)`,
          r,
          d ? { addr: `0x${d.addr.toString(16)}`, size: String(d.size) } : {},
        ),
        permitted: ['0'],
        ...(failure ? { failure } : {}),
      };
    },
  },
  {
    key: 'pmemset_map/whole source when map_cfg is NULL#1',
    situation: 'map a 3-page file with map_cfg NULL: the part is 3 pages',
    fixtures: 'devdax',
    run: (ctx) => {
      const p = page(ctx);
      const { set } = newSet(ctx);
      // on device DAX the source is the whole device, of its namespace's size
      const { src, size } = fileSource(ctx, 3 * p);
      const r = ctx.addon.setMap(set, src, null, true);
      const failure =
        r.code === 0 && r.descriptor?.size !== BigInt(size) ? `part size ${r.descriptor?.size}, the source is ${size} bytes` : undefined;
      return { observed: observed(`${FN}(3-page file, map_cfg NULL)`, r), permitted: ['0'], ...(failure ? { failure } : {}) };
    },
  },
  {
    key: 'pmemset_map/coalescing maps right after the previous part#1',
    situation: 'FULL coalescing: two 1-page parts; the second starts where the first ends, and iteration sees one part map of 2 pages',
    note: 'The pages do not decide what the descriptor of a coalesced part holds: "address and size of the mapping" (pmemset_map(3)) may be the new part or the part map it joined ("Coalesced parts appear as single struct pmemset_part_map"). Our libpmemset gives the part, PMDK\'s libpmemset the part map (pmemset.c: *desc = pmap->desc); both are permitted.',
    fixtures: 'devdax',
    run: (ctx) => {
      const p = page(ctx);
      const { set } = newSet(ctx, { coalescing: S.FULL });
      const a = fileSource(ctx, p);
      const b = fileSource(ctx, p);
      const r1 = ctx.addon.setMap(set, a.src, partConfig(ctx, p), true);
      if (r1.code !== 0) return { observed: observed(`${FN}(first part)`, r1), permitted: ['0'] };
      const r2 = ctx.addon.setMap(set, b.src, partConfig(ctx, p), true);
      let failure: string | undefined;
      const d1 = r1.descriptor!;
      // "PMEMSET_E_CANNOT_COALESCE_PARTS - ... The memory range after the ending address of previous mapped part is occupied"
      const occupied = r2.code !== 0 && ctx.addon.isMapped(d1.addr + d1.size, p);
      const d2 = r2.descriptor;
      if (r2.code === 0 && d2) {
        // the descriptor holds the new part, or the part map it joined (see the note): either places it
        const asPart = d2.addr === d1.addr + d1.size && d2.size === d1.size;
        const asPartMap = d2.addr === d1.addr && d2.size === BigInt(2 * p);
        if (!asPart && !asPartMap)
          failure = `the second part's descriptor is 0x${d2.addr.toString(16)} +${d2.size}: neither the part right after the first (0x${(d1.addr + d1.size).toString(16)} +${p}) nor one part map of both`;
        else {
          const first = ctx.addon.setFirstPartMap(set);
          if (!first.partMap) failure = 'no part map found by pmemset_first_part_map';
          else {
            const d = ctx.addon.setDescriptorPartMap(first.partMap);
            ctx.addon.setPartMapDrop(first.partMap);
            if (d.addr !== d1.addr || d.size !== BigInt(2 * p))
              failure = `the first part map is 0x${d.addr.toString(16)} +${d.size}, expected one coalesced part map of ${2 * p} bytes`;
          }
        }
      }
      return {
        observed: observed(
          `${FN}(second part, FULL coalescing)`,
          r2,
          d2 ? { first: `0x${d1.addr.toString(16)}`, second: `0x${d2.addr.toString(16)}` } : { rangeAfterFirstOccupied: occupied },
        ),
        permitted: occupied ? ['0', 'PMEMSET_E_CANNOT_COALESCE_PARTS'] : ['0'],
        ...(failure ? { failure } : {}),
      };
    },
  },
  {
    key: 'pmemset_map/reservation bounds the parts#1',
    situation: 'a set bound to an 8-page reservation: two parts land inside it',
    fixtures: 'devdax',
    run: (ctx) => {
      const p = page(ctx);
      const rsv = reservation(ctx, 8 * p);
      const base = ctx.addon.reservationGetAddress(rsv);
      const { set } = newSet(ctx, { reservation: rsv });
      const a = fileSource(ctx, 2 * p);
      const b = fileSource(ctx, 2 * p);
      const r1 = ctx.addon.setMap(set, a.src, partConfig(ctx, 2 * p), true);
      const r2 = r1.code === 0 ? ctx.addon.setMap(set, b.src, partConfig(ctx, 2 * p), true) : r1;
      let failure: string | undefined;
      for (const d of [r1.descriptor, r2.descriptor]) {
        if (r2.code === 0 && d && (d.addr < base || d.addr + d.size > base + BigInt(8 * p)))
          failure = `a part at 0x${d.addr.toString(16)} +${d.size} lies outside the reservation 0x${base.toString(16)} +${8 * p}`;
      }
      return {
        observed: observed(`${FN}(two 2-page parts into an 8-page reservation)`, r2),
        permitted: ['0'],
        ...(failure ? { failure } : {}),
      };
    },
  },
  {
    key: 'pmemset_map/mapping retrievable by iteration and address#1',
    situation:
      'two parts (no coalescing): first/next find two part maps, by_address finds each, and the data written through one is read back',
    fixtures: 'devdax',
    run: (ctx) => {
      const p = page(ctx);
      const { set } = newSet(ctx);
      const a = fileSource(ctx, p);
      const b = fileSource(ctx, 2 * p);
      const r1 = ctx.addon.setMap(set, a.src, null, true);
      const r2 = r1.code === 0 ? ctx.addon.setMap(set, b.src, null, true) : r1;
      if (r2.code !== 0) return { observed: observed(`${FN}(two parts)`, r2), permitted: ['0'] };
      const want = [r1.descriptor!, r2.descriptor!];
      const seen: bigint[] = [];
      let pm = ctx.addon.setFirstPartMap(set).partMap;
      while (pm) {
        seen.push(ctx.addon.setDescriptorPartMap(pm).addr);
        const next = ctx.addon.setNextPartMap(set, pm).partMap;
        ctx.addon.setPartMapDrop(pm);
        pm = next;
        if (seen.length > 8) break;
      }
      let failure: string | undefined;
      if (seen.length !== 2 || !want.every((d) => seen.includes(d.addr)))
        failure = `iteration found ${seen.map((x) => `0x${x.toString(16)}`).join(', ')}; mapped ${want.map((d) => `0x${d.addr.toString(16)}`).join(', ')}`;
      for (const d of want) {
        const by = ctx.addon.setPartMapByAddress(set, d.addr + d.size - 1n);
        if (by.code !== 0 || !by.partMap)
          failure ??= `pmemset_part_map_by_address(last byte of 0x${d.addr.toString(16)}) returned ${codeName(by.code)}`;
        else {
          const found = ctx.addon.setDescriptorPartMap(by.partMap);
          ctx.addon.setPartMapDrop(by.partMap);
          if (found.addr !== d.addr) failure ??= `by_address found 0x${found.addr.toString(16)} for a byte of 0x${d.addr.toString(16)}`;
        }
      }
      // a fresh value each time: a device DAX keeps what an earlier case or run stored at the same place
      const msg = Buffer.from(`pmem-conform ${process.pid} ${Date.now()}`);
      ctx.addon.setMemcpy(set, want[1]!.addr + 100n, msg, 0);
      if (!ctx.addon.readAddress(want[1]!.addr + 100n, msg.length).equals(msg))
        failure ??= 'pmemset_memcpy did not leave the bytes in the part';
      return { observed: observed(`${FN}(two parts) then first/next/by_address`, r2), permitted: ['0'], ...(failure ? { failure } : {}) };
    },
  },
];

export const suite: Suite = {
  name: 'pmemset_map',
  implementation: 'libpmemset',
  pages: ['pmemset_map'],
  cases,
};
