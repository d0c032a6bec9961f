/**
 * Model-based sequences on one pmemset: map parts (1–4 pages, one file
 * each) under the three coalescing modes, change the mode, remove ranges
 * (inside a part, across two parts, in a hole, before the set), remove part
 * maps found by first/by_address, hold and drop references, iterate with
 * first/next and look parts up by address — checked after every step
 * against the model of model/pmemset_parts.ts: every call's return code,
 * where each part went, which ranges are mapped (rw), the byte pattern
 * written into each part when it was mapped, and how the parts group into
 * part maps (iteration and descriptors).
 *
 * Two properties: without a reservation (placement left to the library),
 * and with a user reservation of RSV_PAGES pages, where the pages decide
 * where parts may go and PMEMSET_E_CANNOT_FIT_PART_MAP appears.
 */
import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';
import { codeName } from '../runner/core/constants.js';
import type { Observed } from '../runner/core/model.js';
import type { Addon, PartMap, PmemSet, Reservation, SetConfig, SetSource } from '../runner/core/native.js';
import { C } from '../runner/core/observe.js';
import type { PropertyContext, PropertyDef, PropertyResult } from './framework.js';
import { checkProperty, splitPath } from './framework.js';
import type { Judging } from './commands.js';
import { judgeAnswer, obs, stateDivergence } from './commands.js';
import type { Expect, PartsModel } from './model/pmemset_parts.js';
import * as M from './model/pmemset_parts.js';
import { CL } from './model/pmemset_parts.js';

export const RSV_PAGES = 8;
const MODES: M.Mode[] = ['NONE', 'OPPORTUNISTIC', 'FULL'];

interface Held {
  h: PartMap;
  group: number;
}

interface Real extends Judging {
  a: Addon;
  set: PmemSet;
  page: bigint;
  dir: string;
  files: string[];
  sources: SetSource[];
  held: Held[];
  /** an address no part of this set will ever use, for anchors when the set is empty */
  nowhere: bigint;
}

type Cmd = fc.Command<PartsModel, Real>;

const hex = (v: bigint) => `0x${v.toString(16)}`;

/** compares a call's answer with what the model permits ('*' is any failure) */
function judge(real: Real, o: Observed, e: Expect): boolean {
  return judgeAnswer(
    real,
    o,
    e.permitted.map((p) => p.name),
    [...new Set(e.permitted.map((p) => p.clause))],
    'a new set',
  );
}

/** a state divergence (not a return code): `key` names it */
function fail(real: Real, clause: string, key: string, message: string): void {
  stateDivergence(real, [clause], key, message);
}

/** the model's part maps with their ranges, in address order */
function groupRanges(m: PartsModel): { id: number; at: bigint; size: bigint }[] {
  return [...M.groups(m)].map(([id, parts]) => ({ id, ...M.groupRange(parts) }));
}

/** the part map a handle stands for, by its descriptor: the model's part map id, or undefined */
function groupOf(
  m: PartsModel,
  real: Real,
  h: PartMap,
  ranges: { id: number; at: bigint; size: bigint }[] = groupRanges(m),
): { id?: number; at: bigint; size: bigint } {
  const d = real.a.setDescriptorPartMap(h);
  const g = ranges.find((r) => r.at === d.addr && r.size === d.size);
  return g ? { id: g.id, at: d.addr, size: d.size } : { at: d.addr, size: d.size };
}

function describeGroup(m: PartsModel, id: number): string {
  const parts = M.groups(m).get(id) ?? [];
  const r = parts.length ? M.groupRange(parts) : { at: 0n, size: 0n };
  return `the part map of part${parts.length > 1 ? 's' : ''} ${parts.map((p) => `#${p.id}`).join('+')} (${hex(r.at)} +${r.size})`;
}

/** first/next until NULL, dropping each reference; the part map ids in iteration order, undefined where a part map matches none */
function iterate(m: PartsModel, real: Real): { order: (number | undefined)[]; seen: { at: bigint; size: bigint }[]; endless: boolean } {
  const a = real.a;
  // the model does not change while the set is iterated: its part maps once, not once per part map
  const ranges = groupRanges(m);
  const limit = ranges.length + 2;
  const order: (number | undefined)[] = [];
  const seen: { at: bigint; size: bigint }[] = [];
  let h = a.setFirstPartMap(real.set).partMap;
  while (h) {
    if (order.length >= limit) {
      a.setPartMapDrop(h);
      return { order, seen, endless: true };
    }
    const g = groupOf(m, real, h, ranges);
    order.push(g.id);
    seen.push(g);
    const n = a.setNextPartMap(real.set, h).partMap;
    a.setPartMapDrop(h);
    h = n;
  }
  return { order, seen, endless: false };
}

/** after every step: every part mapped rw with its data, and iteration shows exactly the model's part maps */
function checkInvariants(m: PartsModel, real: Real): void {
  const a = real.a;
  const contents = a.readRanges(
    m.parts.map((p) => p.at),
    m.parts.map((p) => p.length),
    'rw',
  );
  for (const [i, p] of m.parts.entries()) {
    const data = contents[i];
    if (!data) {
      fail(
        real,
        CL.rrDesc,
        'part unmapped',
        `part #${p.id} (${hex(p.at)} +${p.length}) is no longer mapped read-write, though it is still in the set`,
      );
      continue;
    }
    // a byte-by-byte callback over every part after every step was most of this property's time
    if (data.equals(Buffer.alloc(data.length, p.byte))) continue;
    const bad = data.findIndex((b) => b !== p.byte);
    if (bad >= 0)
      fail(
        real,
        CL.rrDesc,
        'data',
        `part #${p.id} (${hex(p.at)} +${p.length}) holds 0x${data[bad]!.toString(16)} at byte ${bad}, not the 0x${p.byte.toString(16)} written when it was mapped`,
      );
  }
  const it = iterate(m, real);
  const groups = M.groups(m);
  // the message only when it is needed: it was built after every step
  const where = () => {
    const want = [...groups.keys()].map((g) => describeGroup(m, g));
    return `first/next iterate ${it.seen.length ? it.seen.map((g) => `${hex(g.at)} +${g.size}`).join(', ') : 'nothing'}; the model's part maps are ${want.length ? want.join(', ') : 'none'}`;
  };
  if (it.endless)
    return fail(real, CL.next, 'iteration', `iteration with first/next does not end after ${it.order.length} part maps: ${where()}`);
  const ids = it.order.filter((x): x is number => x !== undefined);
  if (it.order.some((x) => x === undefined) || new Set(ids).size !== ids.length || ids.length !== groups.size)
    fail(real, CL.coalescedAppear, 'part maps', where());
}

/** one file of `pages` pages in the fixture, a source over it */
function newSource(real: Real, pages: number): { src: SetSource; file: string } {
  const file = path.join(real.dir, `prop-parts-${process.pid}-${real.files.length}`);
  // one open, not the two of writeFileSync and truncateSync: a run makes up to a file a step
  const fd = fs.openSync(file, 'w');
  try {
    fs.ftruncateSync(fd, pages * Number(real.page));
  } finally {
    fs.closeSync(fd);
  }
  real.files.push(file);
  const r = real.a.setSourceFromFile(file);
  if (r.code !== 0) throw new Error(`pmemset_source_from_file failed: ${codeName(r.code)}`);
  real.sources.push(r.source!);
  return { src: r.source!, file };
}

class MapPart implements Cmd {
  constructor(
    readonly pages: number,
    readonly wholeSource: boolean,
  ) {}
  check = () => true;
  run(m: PartsModel, real: Real): void {
    const a = real.a;
    const len = BigInt(this.pages) * m.page;
    real.log.push(this.toString());
    const { src } = newSource(real, this.pages);
    let mc = null;
    if (!this.wholeSource) {
      mc = a.setMapConfigNew().mapConfig!;
      a.setMapConfigSetOffset(mc, 0);
      a.setMapConfigSetLength(mc, len);
    }
    const r = a.setMap(real.set, src, mc, true);
    if (mc) a.setMapConfigDelete(mc);
    const o = obs(`pmemset_map(${this.pages} pages, coalescing ${m.mode})`, r);
    if (judge(real, o, M.expectMap(m, len))) {
      if (!r.descriptor) return fail(real, CL.desc, 'descriptor', 'pmemset_map succeeded without filling the descriptor');
      const bad = M.checkPlacement(m, len, r.descriptor.addr, r.descriptor.size);
      if (bad) return fail(real, bad[0], 'placement', bad[1]);
      const placed = M.placedAt(m, len, r.descriptor.addr, r.descriptor.size)!;
      const addr = placed.at;
      const byte = ((m.nextId * 37) % 250) + 1;
      const part = M.applyMap(m, len, addr, byte, placed.group);
      real.log[real.log.length - 1] += ` → #${part.id}`;
      if (!a.readRanges([addr], [len], 'rw')[0])
        return fail(real, CL.newMapping, 'part unmapped', `the new part #${part.id} at ${hex(addr)} (+${len}) is not mapped read-write`);
      a.setMemcpy(real.set, addr, Buffer.alloc(Number(len), byte), 0);
    }
    checkInvariants(m, real);
  }
  toString = () => `map(${this.pages}p${this.wholeSource ? ', whole source' : ''})`;
}

class SetMode implements Cmd {
  constructor(readonly value: number) {}
  check = () => true;
  run(m: PartsModel, real: Real): void {
    real.log.push(this.toString());
    const r = real.a.setSetContiguousPartCoalescing(real.set, this.value);
    if (judge(real, obs(`pmemset_set_contiguous_part_coalescing(${MODES[this.value] ?? this.value})`, r), M.expectSetMode(this.value)))
      m.mode = MODES[this.value]!;
    checkInvariants(m, real);
  }
  toString = () => `coalescing(${MODES[this.value] ?? this.value})`;
}

type Anchor = 'part' | 'span' | 'hole' | 'before';

/** an address range relative to the model's parts (their addresses are known once mapped) */
function anchorRange(
  m: PartsModel,
  real: Real,
  kind: Anchor,
  pick: number,
  offPages: number,
  skew: number,
  lenPages: number,
): { at: bigint; len: bigint; what: string } {
  const parts = M.byAddress(m);
  let len = BigInt(lenPages) * m.page + BigInt(skew);
  if (len === 0n) len = 1n;
  const off = BigInt(offPages) * m.page + BigInt(skew);
  if (kind === 'span' && parts.length >= 2) {
    const i = pick % (parts.length - 1);
    const p = parts[i]!;
    const q = parts[i + 1]!;
    const at = p.at + p.length - m.page;
    return { at, len: q.at - at + 1n, what: `from the last page of #${p.id} to the first byte of #${q.id}` };
  }
  if (kind === 'hole' && m.holes.length) {
    const h = m.holes[pick % m.holes.length]!;
    return { at: h.at + off, len, what: `hole ${hex(h.at)}${offPages || skew ? ` +${off}` : ''}, ${len} bytes` };
  }
  if (kind === 'before' || parts.length === 0) {
    const low = parts[0]?.at ?? m.holes[0]?.at ?? real.nowhere;
    const at = low - BigInt(offPages + 5) * m.page;
    const l = len > BigInt(offPages + 5) * m.page ? BigInt(offPages + 5) * m.page : len;
    return { at, len: l, what: `${BigInt(offPages + 5) * m.page} bytes before the set, ${l} bytes` };
  }
  const p = parts[pick % parts.length]!;
  return { at: p.at + off, len, what: `#${p.id}${offPages || skew ? ` +${off}` : ''}, ${len} bytes` };
}

class RemoveRange implements Cmd {
  constructor(
    readonly kind: Anchor,
    readonly pick: number,
    readonly offPages: number,
    readonly skew: number,
    readonly lenPages: number,
  ) {}
  check = () => true;
  run(m: PartsModel, real: Real): void {
    const { at, len, what } = anchorRange(m, real, this.kind, this.pick, this.offPages, this.skew, this.lenPages);
    real.log.push(`remove_range(${what})`);
    const gone = M.overlapped(m, at, len);
    const r = real.a.setRemoveRange(real.set, at, len);
    if (judge(real, obs(`pmemset_remove_range(${hex(at)}, ${len})`, r), M.expectRemoveRange(m, at, len))) {
      M.applyRemoveRange(m, at, len);
      for (const p of gone)
        if (real.a.isMapped(p.at, p.length, 'rw'))
          fail(
            real,
            CL.rrDesc,
            'still mapped',
            `part #${p.id} (${hex(p.at)} +${p.length}), which the range overlaps, is still mapped read-write: the page says overlapping parts are removed and unmapped`,
          );
    } else if (r.code !== 0 && codeName(r.code) === 'PMEMSET_E_PART_MAP_POSSIBLE_USE_AFTER_DROP') {
      // the pages do not say whether a remove_range that fails on a referenced part map has already removed
      // the unreferenced parts it overlaps (PMDK's has, ours has not): the model learns which from the mappings
      const taken = gone.filter((p) => (m.refs.get(p.group) ?? 0) === 0 && !real.a.isMapped(p.at, p.length));
      if (taken.length) M.removeParts(m, taken);
    }
    checkInvariants(m, real);
  }
  toString = () =>
    `remove_range(${this.kind} ${this.pick}, ${this.offPages}p${this.skew ? `+${this.skew}` : ''}, ${this.lenPages}p${this.skew ? `+${this.skew}` : ''})`;
}

type Lookup = 'first' | 'next' | 'by_address';

/** an address for by_address: in or past a part, in a hole, or before the set */
function lookupAddress(
  m: PartsModel,
  real: Real,
  kind: Anchor,
  pick: number,
  pageOff: number,
  skew: number,
): { addr: bigint; what: string } {
  const r = anchorRange(m, real, kind === 'span' ? 'part' : kind, pick, pageOff, skew, 1);
  return { addr: r.at, what: r.what.replace(/, \d+ bytes$/, '') };
}

class Acquire implements Cmd {
  constructor(
    readonly how: Lookup,
    readonly kind: Anchor,
    readonly pick: number,
    readonly pageOff: number,
    readonly skew: number,
    readonly keep: boolean,
  ) {}
  check = () => true;
  run(m: PartsModel, real: Real): void {
    const a = real.a;
    let got: PartMap | undefined;
    let want: number | undefined;
    let what: string;
    if (this.how === 'by_address') {
      const { addr, what: w } = lookupAddress(m, real, this.kind, this.pick, this.pageOff, this.skew);
      what = `by_address(${w})`;
      real.log.push(`${what}${this.keep ? ', kept' : ''}`);
      const p = M.partAt(m, addr);
      const r = a.setPartMapByAddress(real.set, addr);
      const e: Expect = {
        permitted: [p ? { name: '0', clause: CL.byAddrOk } : { name: 'PMEMSET_E_CANNOT_FIND_PART_MAP', clause: CL.byAddrNotFound }],
      };
      if (!judge(real, obs(`pmemset_part_map_by_address(${hex(addr)})`, r), e)) return checkInvariants(m, real);
      got = r.partMap;
      want = p?.group;
      if (!got) return fail(real, CL.byAddrOk, 'no part map', `pmemset_part_map_by_address(${hex(addr)}) returned 0 without a part map`);
    } else if (this.how === 'next' && real.held.length) {
      const from = real.held[this.pick % real.held.length]!;
      what = `next(held ${describeGroup(m, from.group)})`;
      real.log.push(`${what}${this.keep ? ', kept' : ''}`);
      const it = iterate(m, real);
      const i = it.order.indexOf(from.group);
      want = i < 0 ? undefined : it.order[i + 1];
      got = a.setNextPartMap(real.set, from.h).partMap;
      if (i < 0) {
        if (got) a.setPartMapDrop(got);
        return checkInvariants(m, real);
      }
      if (!got && want !== undefined)
        return fail(
          real,
          CL.next,
          'next',
          `pmemset_next_part_map gave nothing after ${describeGroup(m, from.group)}; iteration gives ${describeGroup(m, want)} after it`,
        );
    } else {
      what = 'first()';
      real.log.push(`first()${this.keep ? ', kept' : ''}`);
      got = a.setFirstPartMap(real.set).partMap;
      const groups = [...M.groups(m).keys()];
      if (!got && groups.length)
        return fail(real, CL.first, 'first', `pmemset_first_part_map gave nothing, the set has ${groups.length} part map(s)`);
      want = got ? (groupOf(m, real, got).id ?? -1) : undefined;
    }
    if (got) {
      const g = groupOf(m, real, got);
      if (want === undefined || g.id !== want) {
        a.setPartMapDrop(got);
        return fail(
          real,
          this.how === 'by_address' ? CL.byAddrOk : this.how === 'next' ? CL.next : CL.first,
          'wrong part map',
          `${what} gave the part map ${hex(g.at)} +${g.size}; the model ${want === undefined || want < 0 ? 'has no such part map' : `says ${describeGroup(m, want)}`}`,
        );
      }
      if (this.keep) {
        real.held.push({ h: got, group: g.id! });
        M.ref(m, g.id!, 1);
      } else if (!a.setPartMapDrop(got).pointerCleared)
        fail(real, CL.drop, 'drop', 'pmemset_part_map_drop left the pointer set ("*pmap is always set to NULL")');
    }
    checkInvariants(m, real);
  }
  toString = () =>
    `${this.how}(${this.how === 'by_address' ? `${this.kind} ${this.pick}, ${this.pageOff}p${this.skew ? `+${this.skew}` : ''}` : this.how === 'next' ? `held ${this.pick}` : ''})${this.keep ? ' kept' : ''}`;
}

class Drop implements Cmd {
  constructor(readonly pick: number) {}
  check = (m: Readonly<PartsModel>) => m.refs.size > 0;
  run(m: PartsModel, real: Real): void {
    if (!real.held.length) return;
    const [held] = real.held.splice(this.pick % real.held.length, 1);
    real.log.push(`drop(${describeGroup(m, held!.group)})`);
    const r = real.a.setPartMapDrop(held!.h);
    M.ref(m, held!.group, -1);
    if (!r.pointerCleared) fail(real, CL.drop, 'drop', 'pmemset_part_map_drop left the pointer set ("*pmap is always set to NULL")');
    checkInvariants(m, real);
  }
  toString = () => `drop(held ${this.pick})`;
}

class RemovePartMap implements Cmd {
  /** via 'held': one of the references we hold; 'first'/'by_address': one found just for this */
  constructor(
    readonly via: 'held' | 'first' | 'by_address',
    readonly pick: number,
  ) {}
  check = () => true;
  run(m: PartsModel, real: Real): void {
    const a = real.a;
    let held: Held | undefined;
    let fresh = false;
    if (this.via === 'held' && real.held.length) {
      held = real.held[this.pick % real.held.length]!;
      real.log.push(`remove_part_map(held ${describeGroup(m, held.group)})`);
    } else {
      const parts = M.byAddress(m);
      if (!parts.length) return;
      const via = this.via === 'held' ? 'by_address' : this.via;
      const r = via === 'first' ? a.setFirstPartMap(real.set) : a.setPartMapByAddress(real.set, parts[this.pick % parts.length]!.at);
      if (!r.partMap) {
        real.log.push(`remove_part_map(${via})`);
        return fail(
          real,
          via === 'first' ? CL.first : CL.byAddrOk,
          'no part map',
          `pmemset_${via === 'first' ? 'first_part_map' : 'part_map_by_address'} found nothing in a set of ${parts.length} part(s)`,
        );
      }
      const g = groupOf(m, real, r.partMap);
      real.log.push(`remove_part_map(${via} → ${g.id === undefined ? `${hex(g.at)} +${g.size}` : describeGroup(m, g.id)})`);
      if (g.id === undefined) {
        a.setPartMapDrop(r.partMap);
        return fail(
          real,
          CL.coalescedAppear,
          'wrong part map',
          `${via} gave the part map ${hex(g.at)} +${g.size}, which the model does not have`,
        );
      }
      held = { h: r.partMap, group: g.id };
      M.ref(m, g.id, 1);
      fresh = true;
    }
    const gone = m.parts.filter((p) => p.group === held!.group);
    const r = a.setRemovePartMap(real.set, held.h);
    if (judge(real, obs(`pmemset_remove_part_map(${describeGroup(m, held.group)})`, r), M.expectRemovePartMap(m, held.group))) {
      M.applyRemovePartMap(m, held.group);
      if (!fresh) real.held.splice(real.held.indexOf(held), 1);
      if (!r.pointerCleared)
        fail(
          real,
          CL.rpmOk,
          'pointer',
          'pmemset_remove_part_map succeeded and left *pmap_ptr set (the page: it "sets the pointer passed via pmap_ptr variable to NULL")',
        );
      for (const p of gone)
        if (a.isMapped(p.at, p.length, 'rw'))
          fail(
            real,
            CL.rpmDesc,
            'still mapped',
            `part #${p.id} (${hex(p.at)} +${p.length}) of the removed part map is still mapped read-write`,
          );
    } else if (fresh) {
      a.setPartMapDrop(held.h);
      M.ref(m, held.group, -1);
    }
    checkInvariants(m, real);
  }
  toString = () => `remove_part_map(${this.via} ${this.pick})`;
}

export function commandArbitraries(): fc.Arbitrary<Cmd>[] {
  const anchor = fc.constantFrom<Anchor>('part', 'part', 'span', 'hole', 'before');
  const skew = fc.oneof({ weight: 5, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constant(1) });
  const off = fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.integer({ min: 1, max: 4 }) });
  const map = fc.tuple(fc.integer({ min: 1, max: 4 }), fc.boolean()).map(([p, w]) => new MapPart(p, w));
  return [
    // mapping twice as often as anything else: the other commands need parts
    map,
    map,
    fc
      .oneof({ weight: 8, arbitrary: fc.integer({ min: 0, max: 2 }) }, { weight: 1, arbitrary: fc.constantFrom(3, -1) })
      .map((v) => new SetMode(v)),
    fc.tuple(anchor, fc.nat(), off, skew, fc.integer({ min: 0, max: 5 })).map(([k, p, o, s, l]) => new RemoveRange(k, p, o, s, l)),
    fc
      .tuple(fc.constantFrom<Lookup>('first', 'next', 'by_address', 'by_address'), anchor, fc.nat(), off, skew, fc.boolean())
      .map(([h, k, p, o, s, keep]) => new Acquire(h, k, p, o, s, keep)),
    fc.nat().map((p) => new Drop(p)),
    fc
      .tuple(fc.constantFrom<'held' | 'first' | 'by_address'>('held', 'first', 'by_address'), fc.nat())
      .map(([v, p]) => new RemovePartMap(v, p)),
  ];
}

function runParts(ctx: PropertyContext, withReservation: boolean): PropertyResult {
  const page = ctx.caps.pageSize;
  const dir = ctx.fixture.directory();
  const replay = ctx.fc.path ? splitPath(ctx.fc.path).commands : undefined;
  return checkProperty(
    ctx,
    fc.commands(commandArbitraries(), { maxCommands: 30, size: 'large', ...(replay !== undefined ? { replayPath: replay } : {}) }),
    (cmds, hits) => {
      const a = ctx.addon;
      const cfg: SetConfig = a.setConfigNew().config!;
      a.setConfigSetRequiredStoreGranularity(cfg, C.PAGE);
      let rsv: Reservation | undefined;
      let rsvRange: { start: bigint; size: bigint } | undefined;
      if (withReservation) {
        const r = a.reservationNew(0, RSV_PAGES * page);
        if (r.code !== 0) throw new Error(`pmem2_vm_reservation_new failed: ${codeName(r.code)}`);
        rsv = r.reservation!;
        rsvRange = { start: a.reservationGetAddress(rsv), size: BigInt(RSV_PAGES * page) };
        a.setConfigSetReservation(cfg, rsv);
      }
      const s = a.setNew(cfg);
      if (s.code !== 0) throw new Error(`pmemset_new failed: ${codeName(s.code)}`);
      const real: Real = {
        a,
        set: s.set!,
        page: BigInt(page),
        dir,
        files: [],
        sources: [],
        held: [],
        known: ctx.known,
        hits,
        log: [],
        nowhere: rsvRange ? rsvRange.start + rsvRange.size + BigInt(64 * page) : 1n << 46n,
      };
      let clean = false;
      try {
        fc.modelRun(() => ({ model: M.newModel(page, rsvRange), real }), cmds);
        clean = true;
      } finally {
        // after a divergence a held part map may already be gone: dropping it would touch freed memory
        if (clean) for (const h of real.held) a.setPartMapDrop(h.h);
        a.setDelete(real.set);
        a.setConfigDelete(cfg);
        for (const src of real.sources) a.setSourceDelete(src);
        for (const f of real.files) fs.rmSync(f, { force: true });
        if (rsv) a.reservationDelete(rsv);
      }
    },
  );
}

const READS =
  'pmemset_map(3), pmemset_set_contiguous_part_coalescing(3), pmemset_remove_range(3), pmemset_remove_part_map(3), pmemset_part_map_drop(3), pmemset_first_part_map(3), pmemset_part_map_by_address(3), pmemset_descriptor_part_map(3)';

export const setParts: PropertyDef = {
  name: 'pmemset/parts',
  implementation: 'libpmemset',
  page: 'pmemset_map(3) [model]',
  function: 'pmemset_map, pmemset_remove_*, pmemset_*_part_map',
  title:
    'sequences of map (NONE/OPPORTUNISTIC/FULL coalescing), remove_range, remove_part_map, first/next, by_address and drop on one set agree with a model of parts and part maps after every step: return codes, placement, mapped ranges, data, part maps',
  weight: 1.4,
  reads: READS,
  run: (ctx) => runParts(ctx, false),
};

export const setPartsReservation: PropertyDef = {
  name: 'pmemset/parts-reservation',
  implementation: 'libpmemset',
  page: 'pmemset_config_set_reservation(3) [model]',
  function: 'pmemset_map, pmemset_remove_*, pmemset_*_part_map',
  title: `the same sequences on a set bound to a ${RSV_PAGES}-page pmem2 reservation: parts stay inside it, coalescing is decided by its free space, PMEMSET_E_CANNOT_FIT_PART_MAP when it is full`,
  weight: 1.3,
  reads: `${READS}, pmemset_config_set_reservation(3)`,
  run: (ctx) => runParts(ctx, true),
};
