/**
 * Building blocks the libpmemset suites share: configs and sets that clean
 * up after themselves, sources in the fixture, and the Observed record.
 */
import fs from 'node:fs';
import path from 'node:path';
import { mustConstant } from '../runner/constants.js';
import type { PmemSet, Reservation, SetConfig, SetMapConfig, SetSource } from '../runner/native.js';
import type { CaseContext } from './framework.js';
import { check, C, config as pmem2Config, reservation } from './pmem2_util.js';

export const S = {
  get NONE() { return mustConstant('libpmemset', 'PMEMSET_COALESCING_NONE'); },
  get OPPORTUNISTIC() { return mustConstant('libpmemset', 'PMEMSET_COALESCING_OPPORTUNISTIC'); },
  get FULL() { return mustConstant('libpmemset', 'PMEMSET_COALESCING_FULL'); },
  get CREATE_ALWAYS() { return mustConstant('libpmemset', 'PMEMSET_SOURCE_FILE_CREATE_ALWAYS'); },
  get CREATE_IF_NEEDED() { return mustConstant('libpmemset', 'PMEMSET_SOURCE_FILE_CREATE_IF_NEEDED'); },
  get DO_NOT_GROW() { return mustConstant('libpmemset', 'PMEMSET_SOURCE_FILE_DO_NOT_GROW'); },
  get STATE_OK() { return mustConstant('libpmemset', 'PMEMSET_PART_STATE_OK'); },
};

export interface SetOptions {
  granularity?: number;
  reservation?: Reservation;
  events?: boolean;
  coalescing?: number;
}

/** a pmemset (PAGE granularity unless asked) and its config; the event log id when asked */
export function newSet(ctx: CaseContext, o: SetOptions = {}): { set: PmemSet; cfg: SetConfig; log?: number } {
  const a = ctx.addon;
  const c = a.setConfigNew();
  check('pmemset_config_new', c);
  const cfg = c.config!;
  ctx.defer(() => void a.setConfigDelete(cfg));
  check('pmemset_config_set_required_store_granularity', a.setConfigSetRequiredStoreGranularity(cfg, o.granularity ?? C.PAGE));
  if (o.reservation) a.setConfigSetReservation(cfg, o.reservation);
  const log = o.events ? a.setConfigSetEventCallback(cfg, {}) : undefined;
  const s = a.setNew(cfg);
  check('pmemset_new', s);
  const set = s.set!;
  ctx.defer(() => void a.setDelete(set));
  if (o.coalescing !== undefined) check('pmemset_set_contiguous_part_coalescing', a.setSetContiguousPartCoalescing(set, o.coalescing));
  return { set, cfg, ...(log !== undefined ? { log } : {}) };
}

/** a file source over a fresh file of `size` bytes in the fixture */
export function fileSource(ctx: CaseContext, size: number): { src: SetSource; path: string } {
  const f = ctx.file(size);
  fs.closeSync(f.fd);
  const r = ctx.addon.setSourceFromFile(f.path);
  check(`pmemset_source_from_file(${f.path})`, r);
  ctx.defer(() => void ctx.addon.setSourceDelete(r.source!));
  return { src: r.source!, path: f.path };
}

export function xsource(ctx: CaseContext, file: string, flags: bigint | number) {
  const r = ctx.addon.setXsourceFromFile(file, flags);
  if (r.source) {
    const src = r.source;
    ctx.defer(() => void ctx.addon.setSourceDelete(src));
  }
  return r;
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

/** a reservation of 4 pages holding a first 1-page part at offset 0 and a pmem2 mapping right after it */
export function blockedAfterFirstPart(ctx: CaseContext) {
  const p = ctx.caps.pageSize;
  const rsv = reservation(ctx, 4 * p);
  const { set } = newSet(ctx, { reservation: rsv, coalescing: S.FULL });
  const first = fileSource(ctx, p);
  check('pmemset_map(first part)', ctx.addon.setMap(set, first.src, null, false));
  // occupy the page right after the first part with a libpmem2 mapping
  const f = ctx.file(p);
  ctx.defer(() => fs.closeSync(f.fd));
  const s2 = ctx.addon.sourceFromFd(f.fd);
  check('pmem2_source_from_fd', s2);
  ctx.defer(() => void ctx.addon.sourceDelete(s2.source!));
  const m = ctx.addon.mapNew(pmem2Config(ctx, { reservation: rsv, reservationOffset: p }), s2.source!);
  check('pmem2_map_new(right after the first part)', m);
  ctx.defer(() => void ctx.addon.mapDelete(m.map!));
  return { set, rsv };
}


/**
 * a pmemset source made from a libpmem2 source over a read-only descriptor of
 * a 1-page file: the read-write pmem2 mapping pmemset needs cannot be made
 */
export function readOnlyPmem2Source(ctx: CaseContext): SetSource {
  const f = ctx.file(ctx.caps.pageSize);
  fs.closeSync(f.fd);
  const fd = fs.openSync(f.path, 'r');
  ctx.defer(() => fs.closeSync(fd));
  const p2 = ctx.addon.sourceFromFd(fd);
  check('pmem2_source_from_fd', p2);
  ctx.defer(() => void ctx.addon.sourceDelete(p2.source!));
  const s = ctx.addon.setSourceFromPmem2(p2.source!);
  check('pmemset_source_from_pmem2', s);
  ctx.defer(() => void ctx.addon.setSourceDelete(s.source!));
  return s.source!;
}
