/**
 * Bad blocks on the guests' real pmem, given in a forked child's private
 * mount namespace (technique mountns:sysfs-badblocks): the list the kernel
 * keeps of a device's poisoned sectors is a sysfs file ("SECTOR COUNT"
 * lines, 512-byte sectors), and libndctl reads nothing else to learn of
 * bad blocks. For an fsdax namespace it is the block device's
 * /sys/block/pmemN/badblocks, sectors counted from the start of the block
 * device, which is where FIEMAP counts a file's physical offsets from (a
 * raw namespace whose `mode` reads "memory", as memmap= and virtio-pmem
 * give, is fsdax to libndctl too); for a raw namespace in mode "raw" it is
 * the region's badblocks, sectors counted from the start of the region. The child's copy of that
 * file names the sectors under chosen pages of the mapped file (from its
 * extents), so the library finds bad blocks whose file offsets and lengths
 * are known. When the event callback clears a block, the child drops its
 * lines from the list, which is what the kernel does when poison is
 * cleared; the library's own clear (pmem2_badblock_clear: a hole punched and
 * the blocks allocated again) runs for real. On device DAX the whole device
 * is mapped and the region's list names sectors of the device (offsets from
 * its nd dax device's resource); clearing there is an ARS command to the
 * bus, which the emulated NVDIMM may refuse.
 */
import fs from 'node:fs';
import path from 'node:path';
import { codeName } from '../runner/core/constants.js';
import type { MoreChildResult } from '../runner/core/native_more.js';
import type { PmemSet, SetSource } from '../runner/core/native.js';
import { devNumbers } from '../fixtures/hardware.js';
import type { CaseContext, Outcome } from './framework.js';
import { check } from './pmem2_util.js';
import { devdaxAttrDirs } from './sysfs_attr.js';
import { newSet } from './pmemset_util.js';

export const SYSFS_BADBLOCKS = 'mountns:sysfs-badblocks';

/** pages of the file the cases map, and the ones given bad blocks: not adjacent, so no library may merge them */
export const FILE_PAGES = 4;
export const BAD_PAGES = [1, 3];

export interface BadLine {
  text: string;
  offset: bigint;
  length: bigint;
}

export interface BadblockPlan {
  /** the real path of the list libndctl reads for the fixture's namespace */
  target: string;
  /** 'block device' (fsdax namespace) or 'region' (raw namespace) */
  list: string;
  lines: BadLine[];
}

type Skip = { skip: string; technique: string };

/** readNumber -- a sysfs number ("0x..." or decimal) */
function readNumber(file: string): bigint {
  return BigInt(fs.readFileSync(file, 'utf8').trim());
}

/**
 * namespaceOf -- the sysfs directories of the namespace holding the
 * fixture's block device (…/regionN/{pfnN.M,namespaceN.M}/block/pmemK),
 * or a skip saying why the fixture has none
 */
export function namespaceOf(ctx: CaseContext): { block: string; ns: string; region: string; mode: string } | Skip {
  if (!ctx.caps.dax || ctx.caps.devdax || !ctx.caps.region)
    return {
      skip: `needs a file on pmem ndctl describes (the emulated guests' fsdax): ${ctx.caps.dax ? 'the fixture has no nd region' : 'the fixture is not DAX, its storage has no bad-block list'}`,
      technique: 'fixture:fsdax',
    };
  const [maj, min] = devNumbers(fs.statSync(ctx.fixture.directory(), { bigint: true }).dev);
  let block: string;
  try {
    block = fs.realpathSync(`/sys/dev/block/${maj}:${min}`);
  } catch (e) {
    return { skip: `no sysfs directory for the fixture's block device ${maj}:${min}: ${(e as Error).message}`, technique: SYSFS_BADBLOCKS };
  }
  if (fs.existsSync(path.join(block, 'partition')))
    return {
      skip: `the fixture's filesystem is on a partition (${block}), whose start the sector numbers would have to add`,
      technique: SYSFS_BADBLOCKS,
    };
  const ns = path.dirname(path.dirname(block));
  const region = path.dirname(ns);
  if (!/^region\d+$/.test(path.basename(region)))
    return { skip: `the fixture's block device ${block} is not a namespace of an nd region`, technique: SYSFS_BADBLOCKS };
  // libndctl's mode: a pfn device's namespace, or one whose `mode` reads "memory" (a raw namespace of a region
  // mapped with struct pages: memmap=, virtio-pmem), is fsdax to it
  let mode = path.basename(ns);
  if (/^pfn\d+\.\d+$/.test(mode)) mode = 'fsdax';
  else if (/^namespace\d+\.\d+$/.test(mode)) {
    const m = fs.readFileSync(path.join(ns, 'mode'), 'utf8').trim();
    mode = m === 'memory' || m === 'fsdax' ? 'fsdax' : m;
  }
  return { block, ns, region, mode };
}

/**
 * badblockPlan -- the fake list naming the sectors under `pages` of
 * `file` (allocated, synced), each line with the file range it lies
 * under, or a skip saying why none can be made
 */
export function badblockPlan(ctx: CaseContext, file: string, pages: number[]): BadblockPlan | Skip {
  const page = BigInt(ctx.caps.pageSize);
  if (ctx.caps.devdax) {
    // device DAX: the region's list; the device's first byte is its nd dax device's resource
    const dirs = devdaxAttrDirs(ctx);
    if ('skip' in dirs) return dirs;
    const base = readNumber(path.join(dirs.dax, 'resource')) - readNumber(path.join(dirs.region, 'resource'));
    const lines = pages.map((p) => {
      const off = BigInt(p) * page;
      return { text: `${(base + off) / 512n} ${page / 512n}\n`, offset: off, length: page };
    });
    return { target: fs.realpathSync(path.join(dirs.region, 'badblocks')), list: 'region', lines };
  }
  const where = namespaceOf(ctx);
  if ('skip' in where) return where;
  let target: string;
  let base = 0n;
  let list: string;
  if (where.mode === 'fsdax') {
    // fsdax: the block device's own list, sectors from the start of the block device
    target = path.join(where.block, 'badblocks');
    list = 'block device';
  } else if (where.mode === 'raw') {
    // raw: the region's list, sectors from the start of the region; the namespace starts `base` bytes in
    target = path.join(where.region, 'badblocks');
    base = readNumber(path.join(where.ns, 'resource')) - readNumber(path.join(where.region, 'resource'));
    list = 'region';
  } else
    return {
      skip: `the fixture's namespace ${where.ns} is in mode ${where.mode}: a BTT or device DAX namespace's file is not mapped with DAX`,
      technique: SYSFS_BADBLOCKS,
    };
  const x = ctx.addon.fileExtents(file);
  if (x.errno !== 0 || !x.extents)
    return { skip: `FIEMAP of ${file} failed (${x.message}): the sectors under it cannot be named`, technique: SYSFS_BADBLOCKS };
  const lines: BadLine[] = [];
  for (const p of pages) {
    const off = BigInt(p) * page;
    const e = x.extents.find((e) => e.logical <= off && off + page <= e.logical + e.length);
    if (!e)
      return {
        skip: `page ${p} of ${file} lies in no single extent (${JSON.stringify(x.extents, (_, v) => (typeof v === 'bigint' ? String(v) : v))})`,
        technique: SYSFS_BADBLOCKS,
      };
    const byte = base + e.physical + (off - e.logical);
    lines.push({ text: `${byte / 512n} ${page / 512n}\n`, offset: off, length: page });
  }
  return { target: fs.realpathSync(target), list, lines };
}

export interface BadblockRun {
  /** pmemset_map's code in the child with the fake list, and its name */
  rc: number;
  code: string;
  message?: string;
  events: NonNullable<MoreChildResult['events']>;
  expected: { offset: bigint; length: bigint }[];
  rewrites: number;
  rewriteErrno: number;
  target: string;
  list: string;
  /** the source is a device DAX, not a file */
  device: boolean;
}

/**
 * mapWithBadblocks -- pmemset_map, with bad-block detection, of a
 * FILE_PAGES-page file whose BAD_PAGES are bad in a child (the callback
 * clearing each block when `clear`); a control child with an empty list
 * must map with no BADBLOCK event, or the list's effect cannot be told
 */
export function mapWithBadblocks(ctx: CaseContext, clear: boolean): BadblockRun | Outcome {
  let f: { path: string };
  if (ctx.caps.devdax && ctx.caps.devdaxPath) f = { path: ctx.caps.devdaxPath };
  else {
    const size = FILE_PAGES * ctx.caps.pageSize;
    const w = ctx.file(size);
    // written, not sparse: the pages need blocks for FIEMAP to place them
    fs.writeSync(w.fd, Buffer.alloc(size, 0x5a), 0, size, 0);
    fs.fsyncSync(w.fd);
    fs.closeSync(w.fd);
    f = w;
  }
  const source = (): SetSource => {
    const r = ctx.addon.setSourceFromFile(f.path);
    check(`pmemset_source_from_file(${f.path})`, r);
    ctx.defer(() => void ctx.addon.setSourceDelete(r.source!));
    ctx.addon.setSourceSetBadblockDetection(r.source!, true);
    return r.source!;
  };
  // the source first: a build without bad-block detection is told by its missing function, wherever it runs
  const first = source();
  const plan = badblockPlan(ctx, f.path, BAD_PAGES);
  if ('skip' in plan) return plan;
  const fresh = (): { set: PmemSet; log: number } => {
    const { set, log } = newSet(ctx, { events: { clearBadblocks: clear } });
    return { set, log: log! };
  };
  const c = fresh();
  const control = ctx.addon.forkInject(
    { binds: [{ target: plan.target, with: 'text', text: '' }] },
    'set_map',
    c.set,
    first,
    null,
    1,
    c.log,
  );
  if (control.signal || control.stage !== 'call' || control.code !== 0 || control.events?.some((e) => e.type === 'BADBLOCK'))
    return {
      skip: `with an empty ${plan.list} bad-block list (${plan.target}) the same pmemset_map in a child did not map cleanly (${control.signal ? `signal ${control.signal}` : `${control.stage} ${codeName(control.code ?? 0)}${control.message ? `: ${control.message}` : ''}`}; events ${control.events?.map((e) => e.type).join(', ') ?? 'none'}), so the list's effect cannot be told apart`,
      technique: SYSFS_BADBLOCKS,
    };
  const text = plan.lines.map((l) => l.text).join('');
  const m = fresh();
  const r = ctx.addon.forkInject(
    {
      binds: [{ target: plan.target, with: 'text', text }],
      ...(clear ? { rewriteOnClear: { target: plan.target, lines: plan.lines } } : {}),
    },
    'set_map',
    m.set,
    source(),
    null,
    1,
    m.log,
  );
  if (r.signal)
    return {
      crash: `the child mapping with bad blocks died of signal ${r.signal}`,
      observed: { code: 0, name: `signal ${r.signal}`, at: 'pmemset_map(bad blocks) in a child' },
      permitted: [],
      technique: SYSFS_BADBLOCKS,
    };
  if (r.stage !== 'call') return { skip: `cannot give ${plan.target} bad blocks in a child: ${r.message}`, technique: SYSFS_BADBLOCKS };
  return {
    rc: r.code!,
    code: codeName(r.code!),
    ...(r.message ? { message: r.message } : {}),
    events: r.events ?? [],
    expected: plan.lines.map((l) => ({ offset: l.offset, length: l.length })),
    rewrites: r.rewrites ?? 0,
    rewriteErrno: r.rewriteErrno ?? 0,
    target: plan.target,
    list: plan.list,
    device: ctx.caps.devdax === true,
  };
}

const range = (o: bigint, l: bigint) => `${o}+${l}`;

/** what a run's events and code show, in the words the judgements compare */
export function showRun(run: BadblockRun): Record<string, string | number> {
  return {
    events:
      run.events
        .map((e) => (e.type === 'BADBLOCK' ? `BADBLOCK(${range(e.badblockOffset ?? 0n, e.badblockLength ?? 0n)})` : e.type))
        .join(', ') || 'none',
    expected: run.expected.map((b) => range(b.offset, b.length)).join(', '),
    pmemset_map: run.code,
    badblocks: run.target,
    rewrites: run.rewrites,
  };
}

/**
 * judgeBadblockEvents -- pmemset_config_set_event_callback(3): one
 * BADBLOCK per bad block, with its offset and length; the observation is
 * the set of blocks reported (each once), compared with the list's
 */
export function judgeBadblockEvents(run: BadblockRun): { seen: string; want: string } {
  const want = run.expected
    .map((b) => `BADBLOCK(${range(b.offset, b.length)})`)
    .sort()
    .join(', ');
  const seen = run.events
    .filter((e) => e.type === 'BADBLOCK')
    .map((e) => `BADBLOCK(${range(e.badblockOffset ?? 0n, e.badblockLength ?? 0n)})`)
    .sort()
    .join(', ');
  return { seen: seen || 'no BADBLOCK event', want };
}

/**
 * judgeCleared -- with every block cleared in the callback:
 * BADBLOCKS_CLEARED once, after the last BADBLOCK, and pmemset_map
 * returns 0 (pmemset_map(3): IO_FAIL "can be avoided if user immediately
 * clears encountered bad blocks"); or the reason the situation was not
 * built (a clear failed: pmemset_badblock_clear's own clause)
 */
export function judgeCleared(run: BadblockRun): { seen: string; want: string } | { notBuilt: string } {
  const bbs = run.events.filter((e) => e.type === 'BADBLOCK');
  if (bbs.length === 0) return { notBuilt: `the library reported no bad block (pmemset_map returned ${run.code}; see the BADBLOCK case)` };
  if (bbs.some((e) => e.value === -1) || run.rewriteErrno !== 0)
    return {
      notBuilt: `the callback could not clear every block (pmemset_badblock_clear failed for ${bbs.filter((e) => e.value === -1).length} of ${bbs.length}; rewrite errno ${run.rewriteErrno})${run.device ? "; a device's bad block is cleared by an ARS clear-error command to its NVDIMM bus (pmem2_badblock_clear), not by the filesystem" : ''}`,
    };
  const want = 'BADBLOCKS_CLEARED once after the BADBLOCK events; pmemset_map 0';
  const cleared = run.events.filter((e) => e.type === 'BADBLOCKS_CLEARED').length;
  const last = run.events.map((e) => e.type).lastIndexOf('BADBLOCK');
  const at = run.events.findIndex((e) => e.type === 'BADBLOCKS_CLEARED');
  const ok = cleared === 1 && at > last && run.code === '0';
  return {
    seen: ok ? want : `${cleared} BADBLOCKS_CLEARED${at >= 0 && at < last ? ' (before a BADBLOCK)' : ''}; pmemset_map ${run.code}`,
    want,
  };
}
