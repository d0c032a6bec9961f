/**
 * Building blocks the libpmem2 suites share: named constants from the
 * installed header, sources and configs that clean up after themselves, and
 * the Observed record of one call.
 */
import fs from 'node:fs';
import os from 'node:os';
import { C, check, observed, SetupError } from '../runner/core/observe.js';
import type { ChildResult, Config, Reservation, Source } from '../runner/core/native.js';
import type { CaseContext, Outcome } from './framework.js';
import { type GranularityName, grantedGranularity } from '../runner/core/granularity.js';

// the helpers suites and properties share live in the core; suites take them from here too
export { C, check, GRANULARITY_NAMES, observed, SetupError } from '../runner/core/observe.js';

/**
 * Out of address space in a forked child: the limit leaves OOM_HEADROOM
 * above what the child already uses, and the call is made to map or reserve
 * OOM_REQUEST, which cannot fit. The headroom is what a preloaded
 * AddressSanitizer runtime needs to keep working after the fork (measured:
 * under 1 MiB for the calls these cases make; see scripts/asan-suites.sh),
 * with a wide margin; without a sanitizer it only holds small allocations.
 */
export const OOM_HEADROOM = 64 * 1024 * 1024;
export const OOM_REQUEST = 1024 * 1024 * 1024;

/**
 * childOutcome -- the outcome of a call made in a forked child: the code it
 * returned, a skip when the child could not be put into the condition
 * (`what`), or the signal that ended the child. A child that used more than
 * half its address-space headroom says so, since the limit would soon
 * starve a sanitizer runtime instead of the library. `technique` names how
 * the child was put into the condition (runner/core/technique.ts).
 */
export function childOutcome(at: string, r: ChildResult, permitted: string[], what: string, technique?: string): Outcome {
  const t = technique ? { technique } : {};
  if (r.signal) {
    const sig = Object.entries(os.constants.signals).find(([, n]) => n === r.signal)?.[0] ?? `signal ${r.signal}`;
    return {
      crash: `the child that made the call died of signal ${sig}`,
      observed: { code: 0, name: `signal ${r.signal}`, at, message: 'the child died' },
      permitted,
      ...t,
    };
  }
  if (r.stage === 'setup') return { skip: `cannot ${what} in a child: ${r.message}`, ...t };
  const o: Outcome = { observed: observed(at, { code: r.code!, ...(r.message ? { message: r.message } : {}) }), permitted, ...t };
  if (r.addressSpaceGrowth !== undefined && r.addressSpaceGrowth > OOM_HEADROOM / 2) {
    o.note = `the child's address space grew by ${r.addressSpaceGrowth} bytes of its ${OOM_HEADROOM}-byte headroom`;
  }
  return o;
}

export function sourceFromFd(ctx: CaseContext, fd: number): Source {
  const r = ctx.addon.sourceFromFd(fd);
  check(`pmem2_source_from_fd(${fd})`, r);
  ctx.defer(() => void ctx.addon.sourceDelete(r.source!));
  return r.source!;
}

/**
 * a source over the fixture's medium (ctx.medium): a fresh file of `size`
 * bytes opened with `flags`, or on device DAX the device itself; `size` is
 * the bytes the source holds (the whole device there)
 */
export function fileSource(
  ctx: CaseContext,
  size: number,
  flags = 'r+',
): { src: Source; fd: number; path: string; size: number; device: boolean } {
  // a file is created read-write and reopened with `flags`; a device is opened with them at once
  const f = ctx.medium(size, { flags: ctx.caps.devdax ? flags : 'w+' });
  let fd = f.fd;
  if (flags !== 'w+' && !f.device) {
    fs.closeSync(f.fd);
    fd = fs.openSync(f.path, flags);
  }
  ctx.defer(() => {
    try {
      fs.closeSync(fd);
    } catch {
      /* a case may have closed it on purpose */
    }
  });
  return { src: sourceFromFd(ctx, fd), fd, path: f.path, size: f.size, device: f.device };
}

/**
 * onDevice -- the bytes [offset, offset + len) of a device DAX, read, or
 * written with `data`, through a plain mmap(2) the harness makes itself:
 * a device has no read(2)/write(2), and reaching it through a pmem2 map
 * would take the library under test as its own witness (and cost a
 * pmem2_map_new, a walk of sysfs: a quarter of a second in the guest)
 */
function onDevice(ctx: CaseContext, fd: number, offset: number, len: number, data?: Buffer): Buffer {
  const r = ctx.addon.deviceAccess(fd, offset, len, ctx.unit, data);
  if (r.errno !== 0) throw new SetupError(`mmap of the device DAX at ${offset}, ${len} bytes: ${r.message ?? `errno ${r.errno}`}`);
  return r.data ?? Buffer.alloc(0);
}

/** writeMedium -- puts `data` at `offset` of a fileSource's medium: pwrite(2) on a file, a plain map of a device DAX */
export function writeMedium(ctx: CaseContext, m: { fd: number; device: boolean }, data: Buffer, offset: number): void {
  if (!m.device) {
    const n = fs.writeSync(m.fd, data, 0, data.length, offset);
    if (n !== data.length) throw new SetupError(`pwrite of ${data.length} bytes at ${offset} wrote ${n}`);
    return;
  }
  onDevice(ctx, m.fd, offset, data.length, data);
}

/** readMedium -- the bytes [offset, offset + len) of a fileSource's medium: pread(2) of a file, a plain map of a device DAX */
export function readMedium(ctx: CaseContext, m: { fd: number; device: boolean }, offset: number, len: number): Buffer {
  if (!m.device) {
    const b = Buffer.alloc(len);
    const n = fs.readSync(m.fd, b, 0, len, offset);
    if (n !== len) throw new SetupError(`pread of ${len} bytes at ${offset} read ${n}`);
    return b;
  }
  return onDevice(ctx, m.fd, offset, len);
}

export interface ConfigOptions {
  granularity?: number | null;
  offset?: number | bigint;
  length?: number | bigint;
  sharing?: number;
  prot?: number;
  reservation?: Reservation;
  reservationOffset?: number | bigint;
}

/** a config; granularity defaults to PAGE, `granularity: null` leaves it unset */
export function config(ctx: CaseContext, o: ConfigOptions = {}): Config {
  const a = ctx.addon;
  const r = a.configNew();
  check('pmem2_config_new', r);
  const cfg = r.config!;
  ctx.defer(() => void a.configDelete(cfg));
  const g = o.granularity === undefined ? C.PAGE : o.granularity;
  if (g !== null) check('pmem2_config_set_required_store_granularity', a.configSetRequiredStoreGranularity(cfg, g));
  if (o.offset !== undefined) check('pmem2_config_set_offset', a.configSetOffset(cfg, o.offset));
  if (o.length !== undefined) check('pmem2_config_set_length', a.configSetLength(cfg, o.length));
  if (o.sharing !== undefined) check('pmem2_config_set_sharing', a.configSetSharing(cfg, o.sharing));
  if (o.prot !== undefined) check('pmem2_config_set_protection', a.configSetProtection(cfg, o.prot));
  if (o.reservation) check('pmem2_config_set_vm_reservation', a.configSetVmReservation(cfg, o.reservation, o.reservationOffset ?? 0));
  return cfg;
}

/** pmem2_map_new, with the map deleted at the end of the case when it was made */
export function mapNew(ctx: CaseContext, cfg: Config, src: Source) {
  const r = ctx.addon.mapNew(cfg, src);
  if (r.map) {
    const m = r.map;
    ctx.defer(() => void ctx.addon.mapDelete(m));
  }
  return r;
}

export function reservation(ctx: CaseContext, size: number | bigint, addr: number | bigint = 0): Reservation {
  const r = ctx.addon.reservationNew(addr, size);
  check('pmem2_vm_reservation_new', r);
  const rsv = r.reservation!;
  ctx.defer(() => void ctx.addon.reservationDelete(rsv));
  return rsv;
}

/** names of the errors the clause's copy of the page lists for its function */
export function listedErrors(ctx: CaseContext): string[] {
  const c = ctx.clause;
  const same = ctx.catalogue.filter((x) => x.page === c.page && x.version === c.version && x.function === c.function);
  return [...new Set(same.filter((x) => x.kind === 'error' || x.kind === 'passthrough').map((x) => x.name))];
}

export const CAP_IPC_LOCK = 14;
export const CAP_SYS_ADMIN = 21;

export interface Range {
  lo: bigint;
  hi: bigint;
}

/** the mappings of this process, from /proc/self/maps */
export function mappedRanges(): Range[] {
  const out: Range[] = [];
  for (const line of fs.readFileSync('/proc/self/maps', 'utf8').split('\n')) {
    const m = line.match(/^([0-9a-f]+)-([0-9a-f]+)/);
    if (m) out.push({ lo: BigInt(`0x${m[1]}`), hi: BigInt(`0x${m[2]}`) });
  }
  return out;
}

/** ranges mapped in `after` that no range of `before` covered: what a call mapped */
export function newlyMapped(before: Range[], after: Range[]): Range[] {
  const out: Range[] = [];
  for (const r of after) {
    // subtract every old range from r
    let pieces: Range[] = [r];
    for (const b of before) {
      pieces = pieces.flatMap((p) => {
        if (b.hi <= p.lo || b.lo >= p.hi) return [p];
        const rest: Range[] = [];
        if (b.lo > p.lo) rest.push({ lo: p.lo, hi: b.lo });
        if (b.hi < p.hi) rest.push({ lo: b.hi, hi: p.hi });
        return rest;
      });
    }
    out.push(...pieces);
  }
  return out;
}

export function hex(a: bigint): string {
  return `0x${a.toString(16)}`;
}

/** is [addr, addr+len) covered by any mapping of this process? */
export function addressMapped(addr: bigint, len: bigint): boolean {
  for (const line of fs.readFileSync('/proc/self/maps', 'utf8').split('\n')) {
    const m = line.match(/^([0-9a-f]+)-([0-9a-f]+)/);
    if (!m) continue;
    const lo = BigInt(`0x${m[1]}`);
    const hi = BigInt(`0x${m[2]}`);
    if (lo < addr + len && addr < hi) return true;
  }
  return false;
}

/**
 * fixtureGranularity -- the store granularities a shared map of the
 * fixture's medium may report: the one rule of runner/core/granularity.ts
 * (grantedGranularity) applied to what the fixture observed about itself
 * (MAP_SYNC probe, device DAX, sysfs persistence_domain, a forced value)
 */
export function fixtureGranularity(ctx: CaseContext): number[] {
  const byName: Record<GranularityName, number> = { BYTE: C.BYTE, CACHE_LINE: C.CACHE_LINE, PAGE: C.PAGE };
  return grantedGranularity(ctx.caps).map((g) => byName[g]);
}
