/**
 * Building blocks the libpmemset suites share: configs and sets that clean
 * up after themselves, sources in the fixture, and the Observed record.
 */
import fs from 'node:fs';
import path from 'node:path';
import { mustConstant } from '../runner/core/constants.js';
import type { PmemSet, Reservation, SetConfig, SetMapConfig, SetSource } from '../runner/core/native.js';
import type { CaseContext, Outcome } from './framework.js';
import {
  check,
  C,
  OOM_HEADROOM,
  OOM_REQUEST,
  fileSource as pmem2FileSource,
  config as pmem2Config,
  observed,
  readMedium,
  reservation,
  SetupError,
  writeMedium,
} from './pmem2_util.js';

export const S = {
  get NONE() {
    return mustConstant('libpmemset', 'PMEMSET_COALESCING_NONE');
  },
  get OPPORTUNISTIC() {
    return mustConstant('libpmemset', 'PMEMSET_COALESCING_OPPORTUNISTIC');
  },
  get FULL() {
    return mustConstant('libpmemset', 'PMEMSET_COALESCING_FULL');
  },
  get CREATE_ALWAYS() {
    return mustConstant('libpmemset', 'PMEMSET_SOURCE_FILE_CREATE_ALWAYS');
  },
  get CREATE_IF_NEEDED() {
    return mustConstant('libpmemset', 'PMEMSET_SOURCE_FILE_CREATE_IF_NEEDED');
  },
  get DO_NOT_GROW() {
    return mustConstant('libpmemset', 'PMEMSET_SOURCE_FILE_DO_NOT_GROW');
  },
  get STATE_OK() {
    return mustConstant('libpmemset', 'PMEMSET_PART_STATE_OK');
  },
};

/** a config deleted at the end of the case, requiring `granularity` (PAGE unless asked; null leaves it unset) */
export function setConfig(ctx: CaseContext, granularity: number | null = C.PAGE): SetConfig {
  const a = ctx.addon;
  const c = a.setConfigNew();
  check('pmemset_config_new', c);
  const cfg = c.config!;
  ctx.defer(() => void a.setConfigDelete(cfg));
  if (granularity !== null)
    check('pmemset_config_set_required_store_granularity', a.setConfigSetRequiredStoreGranularity(cfg, granularity));
  return cfg;
}

export interface SetOptions {
  granularity?: number;
  reservation?: Reservation;
  /** an event callback: true for the default one, or how it answers */
  events?: boolean | { returnCode?: number; clearBadblocks?: boolean };
  states?: number;
  coalescing?: number;
  /** the case deletes the set itself (pmemset_delete is what it judges) */
  caseDeletes?: boolean;
}

/** a pmemset (PAGE granularity unless asked) and its config; the event log id when asked */
export function newSet(ctx: CaseContext, o: SetOptions = {}): { set: PmemSet; cfg: SetConfig; log?: number } {
  const a = ctx.addon;
  const cfg = setConfig(ctx, o.granularity ?? C.PAGE);
  if (o.reservation) a.setConfigSetReservation(cfg, o.reservation);
  const log = o.events ? a.setConfigSetEventCallback(cfg, o.events === true ? {} : o.events) : undefined;
  if (o.states !== undefined) check('pmemset_config_set_acceptable_states', a.setConfigSetAcceptableStates(cfg, o.states));
  const s = a.setNew(cfg);
  check('pmemset_new', s);
  const set = s.set!;
  if (!o.caseDeletes) ctx.defer(() => void a.setDelete(set));
  if (o.coalescing !== undefined) check('pmemset_set_contiguous_part_coalescing', a.setSetContiguousPartCoalescing(set, o.coalescing));
  return { set, cfg, ...(log !== undefined ? { log } : {}) };
}

/**
 * the path of a fresh file of `size` bytes in the fixture, not held open; on
 * device DAX the device itself (its contents are the fixture's to destroy),
 * whose size is the namespace's, not `size`
 */
export function closedFile(ctx: CaseContext, size: number): string {
  const f = ctx.medium(size);
  fs.closeSync(f.fd);
  return f.path;
}

/**
 * a file source over a fresh file of `size` bytes in the fixture, or on
 * device DAX over the device (`size` then the device's whole size); deleted
 * at the end unless the case deletes it itself
 */
export function fileSource(
  ctx: CaseContext,
  size: number,
  o: { caseDeletes?: boolean } = {},
): { src: SetSource; path: string; size: number; device: boolean } {
  const f = ctx.medium(size);
  fs.closeSync(f.fd);
  const r = ctx.addon.setSourceFromFile(f.path);
  check(`pmemset_source_from_file(${f.path})`, r);
  if (!o.caseDeletes) ctx.defer(() => void ctx.addon.setSourceDelete(r.source!));
  return { src: r.source!, path: f.path, size: f.size, device: f.device };
}

/**
 * oomSource -- the source an out-of-memory case maps in a child left with
 * OOM_HEADROOM of address space: a 1 GiB file, or on device DAX the whole
 * device (its namespace's size), which must exceed the headroom; the
 * outcome (a skip) when the device is too small to
 */
export function oomSource(ctx: CaseContext): { src: SetSource; size: number } | { outcome: Outcome } {
  const size = ctx.caps.devdax ? (ctx.caps.devdaxSize ?? 0) : OOM_REQUEST;
  if (ctx.caps.devdax && size <= OOM_HEADROOM)
    return {
      outcome: {
        skip: `the device DAX holds ${size} bytes, not more than the ${OOM_HEADROOM} bytes of address space the child keeps: its mapping would fit`,
        technique: 'rlimit:AS',
      },
    };
  return { src: fileSource(ctx, size).src, size };
}

/** readSource -- bytes [offset, offset + len) of a fileSource's file, or of its device DAX through a plain map (no read(2) there) */
export function readSource(ctx: CaseContext, f: { path: string; device: boolean }, offset: number, len: number): Buffer {
  if (!f.device) return fs.readFileSync(f.path).subarray(offset, offset + len);
  const fd = fs.openSync(f.path, 'r+');
  ctx.defer(() => fs.closeSync(fd));
  return readMedium(ctx, { fd, device: true }, offset, len);
}

/** writeSource -- writes `data` at `offset` of a fileSource's file, or of its device DAX through a plain map (no write(2) there), synced */
export function writeSource(ctx: CaseContext, f: { path: string; device: boolean }, offset: number, data: Buffer): void {
  const fd = fs.openSync(f.path, 'r+');
  ctx.defer(() => fs.closeSync(fd));
  if (!f.device) {
    const n = fs.writeSync(fd, data, 0, data.length, offset);
    if (n !== data.length) throw new SetupError(`pwrite of ${data.length} bytes at ${offset} of ${f.path} wrote ${n}`);
    return;
  }
  writeMedium(ctx, { fd, device: true }, data, offset);
}

export function xsource(ctx: CaseContext, file: string, flags: bigint | number) {
  const r = ctx.addon.setXsourceFromFile(file, flags);
  if (r.source) {
    const src = r.source;
    ctx.defer(() => void ctx.addon.setSourceDelete(src));
  }
  return r;
}

/** a 1-page file opened with PMEMSET_SOURCE_FILE_DO_NOT_GROW, or the outcome when the open failed */
export function doNotGrowPage(ctx: CaseContext): { src: SetSource; path: string } | { outcome: Outcome } {
  const file = closedFile(ctx, ctx.caps.pageSize);
  const x = xsource(ctx, file, S.DO_NOT_GROW);
  if (x.code !== 0) return { outcome: { observed: observed('pmemset_xsource_from_file(DO_NOT_GROW)', x), permitted: ['0'] } };
  return { src: x.source!, path: file };
}

export function temporarySource(ctx: CaseContext, dir = ctx.fixture.directory()): SetSource {
  const r = ctx.addon.setSourceFromTemporary(dir);
  check(`pmemset_source_from_temporary(${dir})`, r);
  ctx.defer(() => void ctx.addon.setSourceDelete(r.source!));
  return r.source!;
}

export function mapConfig(ctx: CaseContext, o: { offset?: number | bigint; length?: number | bigint } = {}): SetMapConfig {
  const r = ctx.addon.setMapConfigNew();
  check('pmemset_map_config_new', r);
  const mc = r.mapConfig!;
  ctx.defer(() => void ctx.addon.setMapConfigDelete(mc));
  if (o.offset !== undefined) check('pmemset_map_config_set_offset', ctx.addon.setMapConfigSetOffset(mc, o.offset));
  if (o.length !== undefined) ctx.addon.setMapConfigSetLength(mc, o.length);
  return mc;
}

export function newFilePath(ctx: CaseContext, name: string): string {
  return path.join(ctx.fixture.directory(), `${name}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
}

/**
 * partConfig -- the map config of a part of `len` bytes of a fileSource:
 * none on a file of that size (the whole source), the device's first `len`
 * bytes on device DAX, whose source is the whole device
 */
export function partConfig(ctx: CaseContext, len: number): SetMapConfig | null {
  return ctx.caps.devdax ? mapConfig(ctx, { length: len }) : null;
}

/** a reservation of 4 units holding a first 1-unit part at offset 0 and a pmem2 mapping right after it (on device DAX, both of the device) */
export function blockedAfterFirstPart(ctx: CaseContext) {
  const p = ctx.unit;
  const rsv = reservation(ctx, 4 * p);
  const { set } = newSet(ctx, { reservation: rsv, coalescing: S.FULL });
  const first = fileSource(ctx, p);
  check('pmemset_map(first part)', ctx.addon.setMap(set, first.src, partConfig(ctx, p), false));
  // occupy the unit right after the first part with a libpmem2 mapping
  const s2 = pmem2FileSource(ctx, p);
  const m = ctx.addon.mapNew(pmem2Config(ctx, { reservation: rsv, reservationOffset: p, length: p }), s2.src);
  check('pmem2_map_new(right after the first part)', m);
  ctx.defer(() => void ctx.addon.mapDelete(m.map!));
  return { set, rsv };
}

/**
 * a pmemset source made from a libpmem2 source over a read-only descriptor of
 * a 1-page file: the read-write pmem2 mapping pmemset needs cannot be made
 */
export function readOnlyPmem2Source(ctx: CaseContext): SetSource {
  const fd = fs.openSync(closedFile(ctx, ctx.caps.pageSize), 'r');
  ctx.defer(() => fs.closeSync(fd));
  const p2 = ctx.addon.sourceFromFd(fd);
  check('pmem2_source_from_fd', p2);
  ctx.defer(() => void ctx.addon.sourceDelete(p2.source!));
  const s = ctx.addon.setSourceFromPmem2(p2.source!);
  check('pmemset_source_from_pmem2', s);
  ctx.defer(() => void ctx.addon.setSourceDelete(s.source!));
  return s.source!;
}
