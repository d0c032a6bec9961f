/**
 * What the suites of the functions a map hands out share
 * (pmem2_get_persist_fn(3), _flush_fn, _drain_fn, _memmove_fn): maps of
 * fresh files, a second mapping to read them back through, two maps
 * adjacent in a reservation, and whether the fixture shows a page-cache page
 * being written back (the kernel's dirty flag of the page, read with
 * pageFlags: dirty after a store through the map, clean once it has been
 * written back to the file).
 */
import fs from 'node:fs';
import { codeName, mustConstant } from '../runner/core/constants.js';
import type { Observed } from '../runner/core/model.js';
import type { Map as P2Map, MapFunctions, Source } from '../runner/core/native.js';
import type { CaseContext, Outcome } from './framework.js';
import { C, config, GRANULARITY_NAMES, hex, mapNew, readMedium, reservation, SetupError, sourceFromFd } from './pmem2_util.js';

/** the PMEM2_F_MEM_* flags of the installed header */
export const F = {
  get NODRAIN() {
    return mustConstant('libpmem2', 'PMEM2_F_MEM_NODRAIN');
  },
  get NOFLUSH() {
    return mustConstant('libpmem2', 'PMEM2_F_MEM_NOFLUSH');
  },
  get NONTEMPORAL() {
    return mustConstant('libpmem2', 'PMEM2_F_MEM_NONTEMPORAL');
  },
  get TEMPORAL() {
    return mustConstant('libpmem2', 'PMEM2_F_MEM_TEMPORAL');
  },
  get WC() {
    return mustConstant('libpmem2', 'PMEM2_F_MEM_WC');
  },
  get WB() {
    return mustConstant('libpmem2', 'PMEM2_F_MEM_WB');
  },
};

const FLAG_NAMES = ['NODRAIN', 'NOFLUSH', 'NONTEMPORAL', 'TEMPORAL', 'WC', 'WB'] as const;

/** "NODRAIN|WC", or "0" */
export function flagsName(flags: number): string {
  const names = FLAG_NAMES.filter((n) => flags & F[n]);
  return names.length ? names.join('|') : '0';
}

/**
 * validFlagSets -- every flags value pmem2_get_memmove_fn(3) accepts: 0 and
 * each combination of its six flags but those it calls mutually exclusive
 * (NONTEMPORAL with TEMPORAL, WC with WB; on x86_64 also NONTEMPORAL and WC
 * with NOFLUSH, and WB counted as the TEMPORAL it aliases there). Using any
 * other combination "has undefined behavior".
 */
export function validFlagSets(arch: string = process.arch): number[] {
  const out: number[] = [];
  for (let mask = 0; mask < 1 << FLAG_NAMES.length; mask++) {
    const has = (n: (typeof FLAG_NAMES)[number]) => (mask & (1 << FLAG_NAMES.indexOf(n))) !== 0;
    if (has('NONTEMPORAL') && has('TEMPORAL')) continue;
    if (has('WC') && has('WB')) continue;
    if (arch === 'x64') {
      if (has('NOFLUSH') && (has('NONTEMPORAL') || has('WC'))) continue;
      // WB is an alias for TEMPORAL on x86_64: what excludes one excludes the other
      if (has('WB') && has('NONTEMPORAL')) continue;
      if (has('TEMPORAL') && has('WC')) continue;
    }
    out.push(FLAG_NAMES.reduce((f, n) => (has(n) ? f | F[n] : f), 0));
  }
  return out;
}

/**
 * labelled -- an outcome that is not a return code: a label for what was
 * seen, `want` the labels the page permits; `why`, when the label is not
 * permitted, says what exactly was wrong (the verdict's reason)
 */
export function labelled(at: string, seen: string, want: string | string[], details?: Observed['details'], why?: string): Outcome {
  const permitted = Array.isArray(want) ? want : [want];
  return {
    observed: { code: 0, name: seen, at, ...(details ? { details } : {}) },
    permitted,
    ...(why && !permitted.includes(seen) ? { failure: why } : {}),
  };
}

/**
 * threadMessages -- judges an error-message function read on three threads:
 * this one after its own failure (`before`, and `after` the others ran), a
 * thread that failed on its own (`other`) and a new thread that made no call
 * (`fresh`). Both libraries' pages say the message is thread-local, so the
 * same four readings decide it for pmem2_errormsg and pmemset_errormsg.
 */
export function threadMessages(fn: string, before: string, other: string, fresh: string, after: string): Outcome {
  const details = { thisThread: before, otherThread: other, freshThread: fresh, thisThreadAfter: after };
  let seen = 'a message per thread';
  let why = '';
  if (before === '') {
    seen = 'no message after a failure';
    why = `${fn}() is empty after this thread's failed call: there is no message whose thread could be told`;
  } else if (after !== before) {
    seen = "changed by another thread's error";
    why = `this thread's message became ${JSON.stringify(after)} after the other thread's failure (it was ${JSON.stringify(before)})`;
  } else if (other === before) {
    seen = "another thread reads this thread's message";
    why = `the other thread read ${JSON.stringify(other)} right after its own failure: this thread's message`;
  } else if (fresh === before) {
    seen = "another thread reads this thread's message";
    why = `a new thread that made no call read ${JSON.stringify(fresh)}: this thread's message`;
  }
  return labelled(`${fn}() on three threads`, seen, 'a message per thread', details, why);
}

export interface FileMap {
  map: P2Map;
  addr: bigint;
  size: number;
  path: string;
  fd: number;
  src: Source;
  /** where the map starts in its medium: 0 for a file, its own stretch of a device DAX */
  offset: number;
  device: boolean;
}

/** the next unused byte of the device DAX in each case: two maps of one case never share the device's bytes */
const deviceNext = new WeakMap<CaseContext, number>();

/** a byte pattern that differs from page to page and from byte to byte */
export function pattern(len: number, seed: number): Buffer {
  const b = Buffer.alloc(len);
  for (let i = 0; i < len; i++) b[i] = (i * 31 + seed * 17 + (i >> 12) * 101) & 0xff;
  return b;
}

/**
 * a shared map (PAGE granularity required) of `pages` units of the
 * fixture's medium filled with `pattern(…, seed)`: a fresh file, or on
 * device DAX a stretch of the device no other map of the case uses (the
 * pattern stored through the map, as a device has no write(2)); the setup
 * must succeed
 */
export function fileMap(ctx: CaseContext, pages: number, seed = 1, extra: Parameters<typeof config>[1] = {}): FileMap {
  const size = pages * ctx.unit;
  const f = ctx.medium(size);
  ctx.defer(() => fs.closeSync(f.fd));
  const offset = f.device ? (deviceNext.get(ctx) ?? 0) : 0;
  if (f.device) {
    if (offset + size > f.size) throw new SetupError(`the case's maps need more than the device's ${f.size} bytes`);
    deviceNext.set(ctx, offset + size);
  } else fs.writeSync(f.fd, pattern(size, seed), 0, size, 0);
  const src = sourceFromFd(ctx, f.fd);
  const r = mapNew(ctx, config(ctx, f.device ? { offset, length: size, ...extra } : extra), src);
  if (r.code !== 0 || !r.map)
    throw new SetupError(`pmem2_map_new(${pages}-unit ${f.device ? 'device stretch' : 'file'}) returned ${codeName(r.code)}`);
  if (f.device) {
    ctx.addon.mapWrite(r.map, 0, pattern(size, seed));
    ctx.addon.mapPersist(r.map, 0, size);
  }
  return { map: r.map, addr: ctx.addon.mapGetAddress(r.map), size, path: f.path, fd: f.fd, src, offset, device: f.device };
}

/** a second, independent shared map of the medium behind `m` (the same range), to read back what the first one wrote */
export function secondMap(ctx: CaseContext, m: FileMap): P2Map {
  const fd = fs.openSync(m.path, 'r+');
  ctx.defer(() => fs.closeSync(fd));
  const r = mapNew(ctx, config(ctx, m.device ? { offset: m.offset, length: m.size } : {}), sourceFromFd(ctx, fd));
  if (r.code !== 0 || !r.map) throw new SetupError(`pmem2_map_new(second mapping of ${m.path}) returned ${codeName(r.code)}`);
  return r.map;
}

/** the medium's bytes [off, off+len) of map `m`, as read(2) gives them for a file, or a fresh map of a device DAX */
export function readBack(ctx: CaseContext, m: FileMap, off: number, len: number): Buffer {
  return readMedium(ctx, m, m.offset + off, len);
}

/** the file's bytes [off, off+len) as read(2) gives them */
export function pread(fd: number, off: number, len: number): Buffer {
  const b = Buffer.alloc(len);
  const n = fs.readSync(fd, b, 0, len, off);
  if (n !== len) throw new SetupError(`pread of ${len} bytes at ${off} read ${n}`);
  return b;
}

/**
 * adjacentMaps -- two files of `pages` pages each, mapped back to back in
 * one reservation (the first at its offset 0, the second right after); the
 * setup must succeed and the second map must start where the first ends
 */
export function adjacentMaps(ctx: CaseContext, pages = 2): { first: FileMap; second: FileMap } {
  const p = ctx.unit;
  const rsv = reservation(ctx, 2 * pages * p);
  const first = fileMap(ctx, pages, 3, { reservation: rsv, reservationOffset: 0 });
  const second = fileMap(ctx, pages, 5, { reservation: rsv, reservationOffset: pages * p });
  if (second.addr !== first.addr + BigInt(first.size))
    throw new SetupError(`the second map is at ${hex(second.addr)}, not right after the first (${hex(first.addr)} + ${first.size})`);
  return { first, second };
}

/**
 * writebackUnobservable -- why this fixture cannot show whether a store
 * through `map` was written back to the file, or undefined when it can: a
 * page-cache filesystem that writes back (not tmpfs, not DAX), a map of
 * PAGE granularity (where libpmem2 persists with msync), and root for
 * /proc/kpageflags
 */
export function writebackUnobservable(ctx: CaseContext, map: P2Map): string | undefined {
  if (process.getuid?.() !== 0) return 'page flags (/proc/self/pagemap frames, /proc/kpageflags) are readable by root only';
  if (ctx.caps.dax || ctx.caps.devdax)
    return 'DAX: stores go to the media with no page cache in between, so there is no dirty page whose write-back would show that the data reached persistence';
  if (ctx.caps.filesystem === 'tmpfs' || ctx.caps.filesystem === 'ramfs')
    return `${ctx.caps.filesystem} has no write-back: its pages stay dirty after a persist, so a persist cannot be told from none`;
  const g = ctx.addon.mapGetStoreGranularity(map);
  if (g !== C.PAGE)
    return `the map's granularity is ${GRANULARITY_NAMES[g] ?? g}${ctx.caps.forcedGranularity ? ' (forced)' : ''}: libpmem2 persists it with CPU cache flushes, which page flags do not show`;
  return undefined;
}

export type PageState = 'dirty' | 'clean' | 'under writeback' | 'not present';

/** the kernel's state of the page-cache page behind addr */
export function pageState(ctx: CaseContext, addr: bigint): PageState {
  const r = ctx.addon.pageFlags(addr);
  if (r.errno !== 0) throw new SetupError(`pageFlags(${hex(addr)}): ${r.message ?? r.errno}`);
  if (!r.present) return 'not present';
  if (r.writeback) return 'under writeback';
  return r.dirty ? 'dirty' : 'clean';
}

/**
 * dirtied -- stores one byte (its own value again) at each offset of the
 * map with a plain store, and checks each page became dirty: the fixture's
 * precondition for telling a write-back. Returns a skip reason when a page
 * stayed clean.
 */
export function dirtied(ctx: CaseContext, m: FileMap, offsets: number[]): string | undefined {
  for (const off of offsets) {
    ctx.addon.mapWrite(m.map, off, ctx.addon.mapRead(m.map, off, 1));
    const s = pageState(ctx, m.addr + BigInt(off));
    if (s !== 'dirty') return `a store through the map left the page at +${off} ${s}: this fixture does not show write-back in page flags`;
  }
  return undefined;
}

/** the offsets (of those given) whose page is not clean, with their state */
export function notClean(ctx: CaseContext, m: FileMap, offsets: number[]): string[] {
  return offsets.flatMap((off) => {
    const s = pageState(ctx, m.addr + BigInt(off));
    return s === 'clean' ? [] : [`page at +${off} ${s}`];
  });
}

/** the functions of maps of several kinds: shared, private, read-only and anonymous, and one in a reservation */
export function functionsOfMapKinds(ctx: CaseContext): { what: string; fns: MapFunctions }[] {
  const p = ctx.unit;
  const out: { what: string; fns: MapFunctions }[] = [];
  const shared = fileMap(ctx, 2);
  out.push({ what: 'shared file map', fns: ctx.addon.mapFunctions(shared.map) });
  // a device DAX refuses private maps (PMEM2_E_SRC_DEVDAX_PRIVATE): that kind does not exist there
  if (!shared.device) {
    const priv = fileMap(ctx, 2, 2, { sharing: C.PRIVATE });
    out.push({ what: 'private file map', fns: ctx.addon.mapFunctions(priv.map) });
  }
  const f = ctx.medium(2 * p);
  ctx.defer(() => fs.closeSync(f.fd));
  const ro = fs.openSync(f.path, 'r');
  ctx.defer(() => fs.closeSync(ro));
  const r = mapNew(ctx, config(ctx, { prot: C.PROT_READ, length: 2 * p }), sourceFromFd(ctx, ro));
  if (r.code !== 0 || !r.map) throw new SetupError(`pmem2_map_new(read-only file) returned ${codeName(r.code)}`);
  out.push({ what: 'read-only file map', fns: ctx.addon.mapFunctions(r.map) });
  const anon = ctx.addon.sourceFromAnon(2 * p);
  if (anon.code !== 0 || !anon.source) throw new SetupError(`pmem2_source_from_anon returned ${codeName(anon.code)}`);
  const anonSrc = anon.source;
  ctx.defer(() => void ctx.addon.sourceDelete(anonSrc));
  const a = mapNew(ctx, config(ctx), anonSrc);
  if (a.code !== 0 || !a.map) throw new SetupError(`pmem2_map_new(anonymous source) returned ${codeName(a.code)}`);
  out.push({ what: 'anonymous map', fns: ctx.addon.mapFunctions(a.map) });
  const rsv = reservation(ctx, 2 * p);
  const inRsv = fileMap(ctx, 2, 4, { reservation: rsv, reservationOffset: 0 });
  out.push({ what: 'map in a reservation', fns: ctx.addon.mapFunctions(inRsv.map) });
  return out;
}

/** library work on other objects between two questions to the same map: other maps made and deleted, a persist, a failed call */
export function otherLibraryWork(ctx: CaseContext, m: FileMap): void {
  const p = ctx.unit;
  const other = fileMap(ctx, 1, 9);
  ctx.addon.mapPersist(other.map, 0, p);
  const rsv = reservation(ctx, 2 * p);
  fileMap(ctx, 1, 10, { reservation: rsv, reservationOffset: p });
  ctx.addon.mapWrite(m.map, 0, Buffer.from('x'));
  ctx.addon.mapPersist(m.map, 0, 1);
  const cfg = ctx.addon.configNew();
  if (cfg.code !== 0 || !cfg.config) throw new SetupError(`pmem2_config_new returned ${codeName(cfg.code)}`);
  void ctx.addon.configSetSharing(cfg.config, 9); // fails on purpose
  void ctx.addon.configDelete(cfg.config);
}

export interface VmaLine {
  lo: bigint;
  hi: bigint;
  /** offset into the file of lo */
  offset: bigint;
  inode: number;
  path: string;
}

/** the lines of /proc/self/maps, with the file offset and inode of each */
export function vmas(): VmaLine[] {
  const out: VmaLine[] = [];
  for (const line of fs.readFileSync('/proc/self/maps', 'utf8').split('\n')) {
    const m = line.match(/^([0-9a-f]+)-([0-9a-f]+) \S+ ([0-9a-f]+) \S+ (\d+)\s*(.*)$/);
    if (m) out.push({ lo: BigInt(`0x${m[1]}`), hi: BigInt(`0x${m[2]}`), offset: BigInt(`0x${m[3]}`), inode: Number(m[4]), path: m[5]! });
  }
  return out;
}

/**
 * fileAt -- what the kernel maps at addr: the inode and the file offset
 * of that byte, and the end of the run of mappings of the same file at
 * consecutive offsets that starts there; undefined when addr is not mapped
 */
export function fileAt(addr: bigint): { inode: number; offset: bigint; runEnd: bigint; path: string } | undefined {
  const all = vmas();
  let i = all.findIndex((v) => v.lo <= addr && addr < v.hi);
  if (i < 0) return undefined;
  const first = all[i]!;
  let end = first.hi;
  while (i + 1 < all.length) {
    const cur = all[i]!;
    const next = all[i + 1]!;
    if (next.lo !== cur.hi || next.inode !== first.inode || next.offset !== cur.offset + (cur.hi - cur.lo)) break;
    end = next.hi;
    i++;
  }
  return { inode: first.inode, offset: first.offset + (addr - first.lo), runEnd: end, path: first.path };
}

type FnName = keyof MapFunctions;

/** the RETURN VALUE "never returns NULL" of the getters of `names`, on maps of every kind */
export function neverNull(ctx: CaseContext, names: FnName[]): Outcome {
  const kinds = functionsOfMapKinds(ctx);
  const nulls = kinds.flatMap((k) => names.filter((n) => k.fns[n] === 0n).map((n) => `pmem2_get_${n}_fn(${k.what})`));
  const details = Object.fromEntries(kinds.map((k) => [k.what, names.map((n) => `${n} ${hex(k.fns[n])}`).join(', ')]));
  return labelled(
    `${names.map((n) => `pmem2_get_${n}_fn`).join(', ')} on ${kinds.map((k) => k.what).join(', ')}`,
    nulls.length ? `NULL from ${nulls.join(', ')}` : 'never NULL',
    'never NULL',
    details,
    `returned NULL: ${nulls.join(', ')}`,
  );
}

/**
 * sameFunction -- the getters of `names` asked twice for one map, with
 * other library work (other maps made and deleted, persists, a failed
 * call) in between: the same function both times
 */
export function sameFunction(ctx: CaseContext, names: FnName[]): Outcome {
  const m = fileMap(ctx, 2);
  const first = ctx.addon.mapFunctions(m.map);
  const again = ctx.addon.mapFunctions(m.map);
  otherLibraryWork(ctx, m);
  const later = ctx.addon.mapFunctions(m.map);
  const changed = names.flatMap((n) => [
    ...(again[n] !== first[n] ? [`pmem2_get_${n}_fn: ${hex(first[n])} then ${hex(again[n])}`] : []),
    ...(later[n] !== first[n] ? [`pmem2_get_${n}_fn: ${hex(first[n])}, after other library work ${hex(later[n])}`] : []),
  ]);
  return labelled(
    `${names.map((n) => `pmem2_get_${n}_fn`).join(', ')} asked three times for one map`,
    changed.length ? 'a different function' : 'the same function',
    'the same function',
    Object.fromEntries(names.map((n) => [n, `${hex(first[n])}, ${hex(again[n])}, ${hex(later[n])}`])),
    changed.join('; '),
  );
}

/**
 * writtenBack -- the label of whether the pages at `targets` (a map and an
 * offset in it) are clean after `act`: each is first dirtied by a plain
 * store (checked), then `act` runs. A fixture that cannot show write-back
 * gives a skip with its reason.
 */
export function writtenBack(ctx: CaseContext, targets: [FileMap, number][], at: string, act: () => void): Outcome {
  for (const [x] of targets) {
    const why = writebackUnobservable(ctx, x.map);
    if (why) return { skip: why, technique: 'fixture:write-back' };
  }
  for (const [x, off] of targets) {
    const d = dirtied(ctx, x, [off]);
    if (d) return { skip: d, technique: 'fixture:write-back' };
  }
  act();
  const first = targets[0]![0];
  const left = targets.flatMap(([x, off]) => notClean(ctx, x, [off]).map((s) => (x === first ? s : `${s} of the second map`)));
  return labelled(
    at,
    left.length ? 'still dirty' : 'written back',
    'written back',
    {
      pages: targets.map(([x, off]) => `+${off}${x === first ? '' : ' of the second map'}`).join(', '),
      ...(left.length ? { notWrittenBack: left.join(', ') } : {}),
    },
    `${at}: ${left.join(', ')} after it returned`,
  );
}

/** a further check of a case that ran: when `ok()` is false the outcome diverges, labelled `also` */
export function alsoRequire(o: Outcome, ok: () => boolean, also: string, why: string): Outcome {
  if (!('observed' in o) || 'crash' in o || o.failure || ok()) return o;
  return { ...o, observed: { ...o.observed, name: `${o.observed.name}, but ${also}` }, failure: why };
}
