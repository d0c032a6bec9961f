/**
 * A device DAX fixture's sysfs attributes replaced in a forked child's
 * private mount namespace (forkInject binds; technique mountns:sysfs-attr),
 * for the clauses about a device whose attributes are missing, unreadable
 * or malformed. Debian's libpmem2 1.12.1 reads them through libndctl, which
 * reads, when it enumerates (once per call: each call makes its own
 * ndctl_new), the nd dax device's `align`, `size` and `resource`
 * (ndctl/lib/libndctl.c __add_pfn: an unreadable align is 0, an unreadable
 * size or resource ULLONG_MAX, each parsed with strtoul/strtoull and no
 * check) and, when asked, its region's `resource`. So the bind is made on
 * the real device's attribute and the library reaches each path for real.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { PmemSet, Sds, SetSource } from '../runner/core/native.js';
import type { AttrBind, Injection, MoreChildResult, SourceOp } from '../runner/core/native_more.js';
import { devNumbers } from '../fixtures/hardware.js';
import type { CaseContext, CaseDef, Outcome } from './framework.js';
import { childOutcome, config, fileSource } from './pmem2_util.js';
import { regionDimms } from './pmem2_source_identity.js';

export const SYSFS_ATTR = 'mountns:sysfs-attr';

/** where libndctl reads a device DAX's attributes: its nd dax device and that device's region */
export interface DevdaxAttrDirs {
  dax: string;
  region: string;
  /** /sys/dev/char/MAJ:MIN, the link whose subsystem libpmem2 resolves to tell a device DAX */
  devchar: string;
}

/**
 * devdaxAttrDirs -- the sysfs directories of the fixture's device DAX
 * (/sys/dev/char/MAJ:MIN resolves to .../regionN/daxN.M/daxX.Y: the
 * device's parent is the nd dax device, its parent the region), or a skip
 * saying why there are none
 */
export function devdaxAttrDirs(ctx: CaseContext): DevdaxAttrDirs | { skip: string; technique: string } {
  if (!ctx.caps.devdax || !ctx.caps.devdaxPath)
    return {
      skip: "needs a real device DAX on an nd region, whose attributes libndctl reads (the devdax fixtures, e.g. the emulated NVDIMM guest's); a file has none, and a device faked from /dev/zero has no namespace for libndctl to read them from",
      technique: 'fixture:devdax',
    };
  const [maj, min] = devNumbers(fs.statSync(ctx.caps.devdaxPath, { bigint: true }).rdev);
  let real: string;
  try {
    real = fs.realpathSync(`/sys/dev/char/${maj}:${min}`);
  } catch (e) {
    return { skip: `no sysfs directory for ${ctx.caps.devdaxPath}: ${(e as Error).message}`, technique: SYSFS_ATTR };
  }
  const dax = path.dirname(real);
  const region = path.dirname(dax);
  if (!/^region\d+$/.test(path.basename(region)) || !fs.existsSync(path.join(dax, 'align')))
    return {
      skip: `${ctx.caps.devdaxPath} is not on an nd region (${real}): a dax_hmem or CXL device, whose attributes libndctl does not read`,
      technique: SYSFS_ATTR,
    };
  return { dax, region, devchar: `/sys/dev/char/${maj}:${min}` };
}

export type AttrChange = { with: 'text'; text: string } | { with: 'unopenable' | 'unreadable' | 'missing' };

export interface AttrCaseSpec {
  key: string;
  situation: string;
  /** the attribute, relative to the nd dax device ('align', 'size', 'resource'), 'region/resource', or 'devchar' (/sys/dev/char/MAJ:MIN) */
  attr: string;
  change: AttrChange;
  /** the call made in the child on a source of the device the parent made */
  op: SourceOp | 'map_new';
  permitted: string[];
  note?: string;
  textMatches?: RegExp;
}

function changeText(c: AttrChange): string {
  if (c.with === 'text') return `holding ${JSON.stringify(c.text)}`;
  if (c.with === 'missing') return 'missing';
  return c.with === 'unopenable' ? 'that cannot be opened (EACCES)' : 'whose read fails (EIO)';
}

/**
 * attrCase -- a case on the device DAX fixtures: the attribute replaced
 * in a child, then the one call there; the same call in a child without
 * the bind (the control) must return 0, or the outcome could not be told
 * from the device's own; the observed value goes in the details
 */
export function attrCase(s: AttrCaseSpec): CaseDef {
  return {
    key: s.key,
    situation: s.situation,
    fixtures: 'devdax',
    ...(s.note ? { note: s.note } : {}),
    ...(s.textMatches ? { textMatches: s.textMatches } : {}),
    run: (ctx): Outcome => {
      const dirs = devdaxAttrDirs(ctx);
      if ('skip' in dirs) return dirs;
      const target =
        s.attr === 'devchar'
          ? dirs.devchar
          : s.attr.startsWith('region/')
            ? path.join(dirs.region, s.attr.slice(7))
            : path.join(dirs.dax, s.attr);
      const { src } = fileSource(ctx, ctx.unit);
      const call = (binds: boolean): MoreChildResult => {
        const inj = binds ? { binds: [{ target, ...s.change }] } : {};
        if (s.op === 'map_new') return ctx.addon.forkInject(inj, 'map_new', config(ctx, { length: ctx.unit }), src);
        return ctx.addon.forkInject(inj, s.op, src);
      };
      const control = call(false);
      const fn =
        s.op === 'map_new' || s.op === 'badblock_context_new' || s.op.startsWith('source_') ? `pmem2_${s.op}` : `pmem2_source_${s.op}`;
      const at = `${fn}(device DAX, ${path.relative('/sys', target)} ${changeText(s.change)}) in a child`;
      if (control.signal || control.code !== 0)
        return {
          skip: `the same call in a child without the bind did not return 0 (${control.signal ? `signal ${control.signal}` : control.code}${control.message ? `: ${control.message}` : ''}), so the bind's effect cannot be told apart`,
          technique: SYSFS_ATTR,
        };
      const r = call(true);
      const o = childOutcome(at, r, s.permitted, `replace ${target}`, SYSFS_ATTR);
      if ('observed' in o && !('crash' in o))
        o.observed.details = {
          ...(o.observed.details ?? {}),
          attribute: target,
          ...(r.value !== undefined ? { value: String(r.value) } : {}),
          ...(control.value !== undefined ? { withoutBind: String(control.value) } : {}),
        };
      return o;
    },
  };
}

/**
 * sdsBinds -- the binds that give the fixture's NVDIMM region's DIMMs an
 * unsafe shutdown count (nmemN/nfit/dirty_shutdown, which the emulated
 * NVDIMMs lack, so libpmem2 answers PMEM2_E_NOSUPP) and, with `longId`, a
 * first DIMM whose id (nfit/id) is that long: a device with unsafe-shutdown
 * data to libpmem2 in a child. A skip says why the fixture has no DIMMs.
 */
export function sdsBinds(ctx: CaseContext, o: { longId?: number } = {}): AttrBind[] | { skip: string; technique: string } {
  const dimms = regionDimms(ctx.caps);
  if (dimms.length === 0)
    return {
      skip: `no DIMM for unsafe-shutdown data: the fixture's storage (${ctx.caps.filesystem}) is not on an NVDIMM region ndctl describes (${ctx.caps.region ?? 'no region'}), so there is no dirty-shutdown count or device id to give it`,
      technique: 'fixture:nvdimm',
    };
  const binds: AttrBind[] = dimms.map((d) => ({ target: path.join(d, 'nfit', 'dirty_shutdown'), with: 'text', text: '0\n' }));
  // the id libpmem2 builds is every DIMM's nfit/id joined; libndctl reads at most 1023 bytes of one
  if (o.longId !== undefined) binds.push({ target: path.join(dimms[0]!, 'nfit', 'id'), with: 'text', text: `${'8'.repeat(o.longId)}\n` });
  return binds;
}

/**
 * sdsMapInChild -- pmemset_map of `src` into `set` `times` times in a
 * child whose NVDIMM has unsafe-shutdown data (sdsBinds), the SDS record's
 * part state after; or the outcome that ends the case (a skip, a crash)
 */
export function sdsMapInChild(
  ctx: CaseContext,
  set: PmemSet,
  src: SetSource,
  sds: Sds | null,
  times: number,
  at: string,
  permitted: string[],
  o: { longId?: number } = {},
): { code: number; message?: string; state?: number } | Outcome {
  const binds = sdsBinds(ctx, o);
  if ('skip' in binds) return binds;
  const r = ctx.addon.forkInject({ binds }, 'set_map', set, src, sds, times);
  const out = childOutcome(at, r, permitted, "give the region's DIMMs unsafe-shutdown data", SYSFS_ATTR);
  if ('skip' in out || 'crash' in out) return out;
  return { code: r.code!, ...(r.message ? { message: r.message } : {}), ...(r.value !== undefined ? { state: Number(r.value) } : {}) };
}

/**
 * fsdaxDevAttr -- /sys/block/pmemN/dev (its real path) of the block device
 * holding an fsdax fixture, which libndctl's fsdax match opens and reads
 * for a file's bad-block context; or a skip saying why there is none
 */
export function fsdaxDevAttr(ctx: CaseContext, technique: string): string | { skip: string; technique: string } {
  if (!ctx.caps.dax || ctx.caps.devdax || !ctx.caps.region)
    return {
      skip: `needs a file on an fsdax namespace ndctl describes (the emulated guests' fsdax): ${ctx.caps.dax ? 'the fixture has no nd region' : 'the fixture is not DAX'}, so the library takes no fsdax path`,
      technique: 'fixture:fsdax',
    };
  const [maj, min] = devNumbers(fs.statSync(ctx.fixture.directory(), { bigint: true }).dev);
  try {
    return path.join(fs.realpathSync(`/sys/dev/block/${maj}:${min}`), 'dev');
  } catch (e) {
    return { skip: `no sysfs directory for the fixture's block device ${maj}:${min}: ${(e as Error).message}`, technique };
  }
}

/**
 * fsdaxBadblockCase -- pmem2_badblock_context_new of a file on an fsdax
 * fixture in a child put into `inj` (which the file's block device, found
 * from the fixture directory's st_dev, may name: libndctl's match of an
 * fsdax namespace opens and reads /sys/block/pmemN/dev); the same call in
 * a child without it must return 0
 */
export function fsdaxBadblockCase(s: {
  key: string;
  situation: string;
  permitted: string[];
  technique: string;
  /** what the child is put into: `devAttr` the block device's dev attribute, `fd` the source's descriptor, `dir` the fixture's directory */
  injection: (devAttr: string, fd: number, dir: string) => Injection;
  note?: string;
}): CaseDef {
  return {
    key: s.key,
    situation: s.situation,
    ...(s.note ? { note: s.note } : {}),
    notOnDevdax:
      "the path under test is an fsdax file's: for a device DAX libpmem2 1.12.1 matches the namespace by stat(2) of /dev/daxX.Y, not through /sys/block/pmemN/dev (which only a block device has), and reads no extents (FIEMAP and the extents' fstat(2) are made for a regular file only); the device's bad blocks come from its region's list",
    run: (ctx): Outcome => {
      const devAttr = fsdaxDevAttr(ctx, s.technique);
      if (typeof devAttr !== 'string') return devAttr;
      const { src, fd } = fileSource(ctx, ctx.caps.pageSize);
      const control = ctx.addon.forkInject({}, 'badblock_context_new', src);
      if (control.signal || control.code !== 0)
        return {
          skip: `the same call in a child without the injection did not return 0 (${control.signal ? `signal ${control.signal}` : control.code}${control.message ? `: ${control.message}` : ''})`,
          technique: s.technique,
        };
      const r = ctx.addon.forkInject(s.injection(devAttr, fd, ctx.fixture.directory()), 'badblock_context_new', src);
      const o = childOutcome(
        `pmem2_badblock_context_new(file on fsdax, ${s.technique}) in a child`,
        r,
        s.permitted,
        s.technique,
        s.technique,
      );
      if ('observed' in o && !('crash' in o)) o.observed.details = { ...(o.observed.details ?? {}), blockDevAttr: devAttr };
      return o;
    },
  };
}
