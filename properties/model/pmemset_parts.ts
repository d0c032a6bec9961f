/**
 * A model of the parts and part maps of one pmemset, read from
 * pmemset_map(3), pmemset_set_contiguous_part_coalescing(3),
 * pmemset_remove_range(3), pmemset_remove_part_map(3),
 * pmemset_part_map_drop(3), pmemset_first_part_map(3),
 * pmemset_part_map_by_address(3) and pmemset_config_set_reservation(3).
 *
 * The pages leave the placement of a part to the library ("the position of
 * each mapped part in virtual address space is chosen arbitrarily by the
 * operating system"), so the model does not predict addresses: it learns
 * each part's address from the descriptor pmemset_map fills in and then
 * checks what the pages do promise about it (inside the reservation, not
 * over another part, right after the previous part when coalescing). From
 * then on everything (which ranges are mapped, how parts group into part
 * maps, what by_address and remove_range answer) follows from the model.
 *
 * Readings where the pages are not explicit, each stated once:
 *  - a part map is a run of coalesced parts, so it is contiguous; when
 *    remove_range takes parts out of it ("only the intersected part will be
 *    removed"), the parts left form one part map per contiguous run;
 *  - remove_range removes every part the range overlaps, whole ("removes
 *    and unmaps existing parts ... overlapping with" the range); when it
 *    fails because one of them is referenced, the pages do not say whether
 *    the unreferenced ones are already gone: either is permitted, and the
 *    property reads which from the mappings;
 *  - "the previously mapped part" is the part of the last successful
 *    pmemset_map; once it is removed there is none, and the page says
 *    nothing of where the next part goes, so coalescing modes are then
 *    free to place it anywhere (FULL may also refuse);
 *  - with a user reservation OPPORTUNISTIC has nothing stopping it when the
 *    range after the previous part is free inside the reservation, so it
 *    must coalesce there; without one the rest of the process may hold that
 *    range, so either outcome is permitted;
 *  - first/next/by_address each acquire a reference to the part map they
 *    return (pmemset_remove_range(3) lists them as the ways references are
 *    acquired, to be dropped with pmemset_part_map_drop); next leaves the
 *    reference to cur as it was (no page says it drops it);
 *  - "address and size of the mapping are stored in the descriptor"
 *    (pmemset_map(3)) does not say which mapping when the part was
 *    coalesced: the new part, or the part map it joined ("Coalesced parts
 *    appear as single struct pmemset_part_map"). Our libpmemset fills in
 *    the part, PMDK's the part map; both are permitted, and the part's
 *    place (and, for a part map, which one it joined) is read from either
 *    (placedAt);
 *  - the iteration order of first/next is not given by the pages: the model
 *    checks that iteration visits every part map exactly once, and that
 *    next(cur) answers what follows cur in that iteration.
 */

export type Mode = 'NONE' | 'OPPORTUNISTIC' | 'FULL';

export interface ModelPart {
  id: number;
  /** observed address (learned from the descriptor) */
  at: bigint;
  length: bigint;
  /** the byte written over the whole part when it was mapped */
  byte: number;
  group: number;
}

export interface PartsModel {
  page: bigint;
  mode: Mode;
  parts: ModelPart[];
  /** part map id → references held by the harness (first/next/by_address not yet dropped) */
  refs: Map<number, number>;
  /** the part of the last successful pmemset_map; 'removed' when it is gone */
  last: number | 'removed' | undefined;
  rsv?: { start: bigint; size: bigint };
  /** ranges of removed parts, for remove_range and by_address in holes */
  holes: { at: bigint; length: bigint }[];
  nextId: number;
  nextGroup: number;
}

export interface Expect {
  /** outcomes the pages permit, with the clause each comes from; name '*' is any failure */
  permitted: { name: string; clause: string }[];
}

const ok = (clause: string) => ({ name: '0', clause });

export const CL = {
  mapOk: 'pmemset_map/RETURN VALUE#1',
  coalesce: 'pmemset_map/PMEMSET_E_CANNOT_COALESCE_PARTS#1',
  fit: 'pmemset_map/PMEMSET_E_CANNOT_FIT_PART_MAP#1',
  full: 'pmemset_set_contiguous_part_coalescing/PMEMSET_COALESCING_FULL#1',
  opportunistic: 'pmemset_set_contiguous_part_coalescing/PMEMSET_COALESCING_OPPORTUNISTIC#1',
  none: 'pmemset_set_contiguous_part_coalescing/PMEMSET_COALESCING_NONE#1',
  modeOk: 'pmemset_set_contiguous_part_coalescing/RETURN VALUE#1',
  modeBad: 'pmemset_set_contiguous_part_coalescing/PMEMSET_E_INVALID_COALESCING_VALUE#1',
  rsv: 'pmemset_config_set_reservation/DESCRIPTION#1',
  desc: 'pmemset_map/descriptor filled on success#1',
  newMapping: 'pmemset_map/DESCRIPTION#1',
  rrOk: 'pmemset_remove_range/RETURN VALUE#1',
  rrNotFound: 'pmemset_remove_range/PMEMSET_E_CANNOT_FIND_PART_MAP#1',
  rrRef: 'pmemset_remove_range/PMEMSET_E_PART_MAP_POSSIBLE_USE_AFTER_DROP#1',
  rrDesc: 'pmemset_remove_range/DESCRIPTION#1',
  rpmOk: 'pmemset_remove_part_map/RETURN VALUE#1',
  rpmRef: 'pmemset_remove_part_map/DESCRIPTION#1',
  rpmDesc: 'pmemset_remove_part_map/DESCRIPTION#2',
  drop: 'pmemset_part_map_drop/RETURN VALUE#1',
  byAddrOk: 'pmemset_part_map_by_address/RETURN VALUE#1',
  byAddrNotFound: 'pmemset_part_map_by_address/PMEMSET_E_CANNOT_FIND_PART_MAP#1',
  first: 'pmemset_first_part_map/DESCRIPTION#1',
  next: 'pmemset_first_part_map/DESCRIPTION#2',
  coalescedAppear: 'pmemset_set_contiguous_part_coalescing/DESCRIPTION#1',
};

export function newModel(page: number, rsv?: { start: bigint; size: bigint }): PartsModel {
  return {
    page: BigInt(page),
    mode: 'NONE',
    parts: [],
    refs: new Map(),
    last: undefined,
    ...(rsv ? { rsv } : {}),
    holes: [],
    nextId: 1,
    nextGroup: 1,
  };
}

function overlaps(a0: bigint, a1: bigint, b0: bigint, b1: bigint): boolean {
  return a0 < b1 && b0 < a1;
}

export function byAddress(m: PartsModel): ModelPart[] {
  return [...m.parts].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

function lastPart(m: PartsModel): ModelPart | undefined {
  return typeof m.last === 'number' ? m.parts.find((p) => p.id === m.last) : undefined;
}

function free(m: PartsModel, at: bigint, len: bigint): boolean {
  return !m.parts.some((p) => overlaps(at, at + len, p.at, p.at + p.length));
}

/** is there a free, page-aligned range of `len` bytes inside the reservation? */
function fits(m: PartsModel, len: bigint): boolean {
  const r = m.rsv!;
  let at = r.start;
  for (const p of byAddress(m)) {
    if (p.at - at >= len) return true;
    if (p.at + p.length > at) at = p.at + p.length;
  }
  return r.start + r.size - at >= len;
}

/** is the range right after the previous part free and, with a reservation, inside it? */
function afterPrevious(m: PartsModel, len: bigint): { prev?: ModelPart; free: boolean; pastEnd: boolean } {
  const prev = lastPart(m);
  if (!prev) return { free: false, pastEnd: false };
  const at = prev.at + prev.length;
  const pastEnd = m.rsv ? at + len > m.rsv.start + m.rsv.size : false;
  return { prev, free: !pastEnd && free(m, at, len), pastEnd };
}

/** pmemset_map of a part of `len` bytes */
export function expectMap(m: PartsModel, len: bigint): Expect {
  const coalesce = { name: 'PMEMSET_E_CANNOT_COALESCE_PARTS', clause: CL.coalesce };
  const cannotFit = { name: 'PMEMSET_E_CANNOT_FIT_PART_MAP', clause: CL.fit };
  const after = afterPrevious(m, len);
  if (!m.rsv) {
    if (m.mode !== 'FULL' || m.last === undefined) return { permitted: [ok(CL.mapOk)] };
    // FULL: coalesced, or the range after the previous part is taken (the OS may hold it)
    return { permitted: [ok(CL.full), coalesce] };
  }
  const anywhere = fits(m, len);
  if (m.mode === 'NONE') return { permitted: [anywhere ? ok(CL.mapOk) : cannotFit] };
  if (m.mode === 'OPPORTUNISTIC') return { permitted: [after.free || anywhere ? ok(CL.opportunistic) : cannotFit] };
  // FULL
  if (after.prev) {
    if (after.free) return { permitted: [ok(CL.full)] };
    if (after.pastEnd) return { permitted: [cannotFit, coalesce] };
    return { permitted: anywhere ? [coalesce] : [coalesce, cannotFit] };
  }
  if (m.last === 'removed') return { permitted: anywhere ? [ok(CL.mapOk), coalesce] : [cannotFit, coalesce] };
  return { permitted: [anywhere ? ok(CL.mapOk) : cannotFit] };
}

/**
 * placedAt -- where a part of `len` bytes went, from the descriptor pmemset_map
 * filled in: the part itself, or (coalesced) a part map grown by exactly this
 * part at its end; `group` is then the part map it joined. Undefined when it
 * is neither. Which part map a coalesced part may join is left to the
 * placement checks: right after the previous part while there is one; any,
 * once it was removed (PMDK then takes a neighbour of the removed part map).
 */
export function placedAt(m: PartsModel, len: bigint, addr: bigint, size: bigint): { at: bigint; group?: number } | undefined {
  if (size === len) return { at: addr };
  if (m.mode === 'NONE') return undefined;
  for (const run of groups(m).values()) {
    const start = run[0]!.at;
    const last = run[run.length - 1]!;
    const end = last.at + last.length;
    if (addr === start && size === end - start + len && free(m, end, len)) return { at: end, group: last.group };
  }
  return undefined;
}

/** what the pages say of the place a mapped part got; a problem as [clause, message], or undefined */
export function checkPlacement(m: PartsModel, len: bigint, addr: bigint, size: bigint): [string, string] | undefined {
  const hex = (v: bigint) => `0x${v.toString(16)}`;
  const placed = placedAt(m, len, addr, size);
  if (placed === undefined)
    return [CL.desc, `the descriptor says ${hex(addr)} +${size}: neither a part of ${len} bytes nor a part map grown by one`];
  const at = placed.at;
  const over = m.parts.find((p) => overlaps(at, at + len, p.at, p.at + p.length));
  if (over)
    return [CL.newMapping, `the new part at ${hex(at)} overlaps part #${over.id} at ${hex(over.at)} (+${over.length}), still in the set`];
  if (m.rsv && (at < m.rsv.start || at + len > m.rsv.start + m.rsv.size))
    return [CL.rsv, `the part at ${hex(at)} (+${len}) is outside the reservation ${hex(m.rsv.start)} (+${m.rsv.size})`];
  const after = afterPrevious(m, len);
  if (after.prev) {
    const want = after.prev.at + after.prev.length;
    if (m.mode === 'FULL' && at !== want)
      return [CL.full, `FULL coalescing mapped the part at ${hex(at)}, not right after the previous part #${after.prev.id} (${hex(want)})`];
    if (m.mode === 'OPPORTUNISTIC' && m.rsv && after.free && at !== want)
      return [
        CL.opportunistic,
        `OPPORTUNISTIC coalescing mapped the part at ${hex(at)} though ${hex(want)} (right after the previous part #${after.prev.id}) is free in the reservation`,
      ];
  }
  return undefined;
}

/** applyMap -- a part mapped at `at`; `joined`: the part map its descriptor says it joined (placedAt) */
export function applyMap(m: PartsModel, len: bigint, at: bigint, byte: number, joined?: number): ModelPart {
  const prev = lastPart(m);
  const coalesced = m.mode !== 'NONE' && prev !== undefined && prev.at + prev.length === at;
  const group = joined ?? (coalesced ? prev!.group : m.nextGroup++);
  const part: ModelPart = { id: m.nextId++, at, length: len, byte, group };
  m.parts.push(part);
  m.last = part.id;
  m.holes = m.holes.filter((h) => !overlaps(h.at, h.at + h.length, at, at + len));
  return part;
}

export function expectSetMode(v: number): Expect {
  return { permitted: [v >= 0 && v <= 2 ? ok(CL.modeOk) : { name: 'PMEMSET_E_INVALID_COALESCING_VALUE', clause: CL.modeBad }] };
}

/** the part maps: id → parts in address order */
export function groups(m: PartsModel): Map<number, ModelPart[]> {
  const g = new Map<number, ModelPart[]>();
  for (const p of byAddress(m)) g.set(p.group, [...(g.get(p.group) ?? []), p]);
  return g;
}

export function groupRange(parts: ModelPart[]): { at: bigint; size: bigint } {
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  return { at: first.at, size: last.at + last.length - first.at };
}

export function overlapped(m: PartsModel, at: bigint, len: bigint): ModelPart[] {
  return m.parts.filter((p) => overlaps(at, at + len, p.at, p.at + p.length));
}

export function expectRemoveRange(m: PartsModel, at: bigint, len: bigint): Expect {
  const hit = overlapped(m, at, len);
  if (hit.length === 0) return { permitted: [{ name: 'PMEMSET_E_CANNOT_FIND_PART_MAP', clause: CL.rrNotFound }] };
  if (hit.some((p) => (m.refs.get(p.group) ?? 0) > 0))
    return { permitted: [{ name: 'PMEMSET_E_PART_MAP_POSSIBLE_USE_AFTER_DROP', clause: CL.rrRef }] };
  return { permitted: [ok(CL.rrOk)] };
}

/** removes these parts; each part map they leave behind splits into its contiguous runs */
export function removeParts(m: PartsModel, gone: ModelPart[]): void {
  const ids = new Set(gone.map((p) => p.id));
  const touched = new Set(gone.map((p) => p.group));
  m.parts = m.parts.filter((p) => !ids.has(p.id));
  for (const p of gone) m.holes.push({ at: p.at, length: p.length });
  if (typeof m.last === 'number' && ids.has(m.last)) m.last = 'removed';
  for (const g of touched) {
    m.refs.delete(g);
    let prevEnd: bigint | undefined;
    let cur = -1;
    for (const p of byAddress(m).filter((x) => x.group === g)) {
      if (prevEnd === undefined || p.at !== prevEnd) cur = m.nextGroup++;
      p.group = cur;
      prevEnd = p.at + p.length;
    }
  }
}

export function applyRemoveRange(m: PartsModel, at: bigint, len: bigint): void {
  removeParts(m, overlapped(m, at, len));
}

/** remove_part_map with one of our references to part map `g` */
export function expectRemovePartMap(m: PartsModel, g: number): Expect {
  if ((m.refs.get(g) ?? 0) > 1)
    return {
      permitted: [
        { name: 'PMEMSET_E_PART_MAP_POSSIBLE_USE_AFTER_DROP', clause: CL.rpmRef },
        { name: '*', clause: CL.rpmRef },
      ],
    };
  return { permitted: [ok(CL.rpmOk)] };
}

export function applyRemovePartMap(m: PartsModel, g: number): void {
  removeParts(
    m,
    m.parts.filter((p) => p.group === g),
  );
}

export function partAt(m: PartsModel, addr: bigint): ModelPart | undefined {
  return m.parts.find((p) => addr >= p.at && addr < p.at + p.length);
}

export function ref(m: PartsModel, g: number, d: number): void {
  const n = (m.refs.get(g) ?? 0) + d;
  if (n > 0) m.refs.set(g, n);
  else m.refs.delete(g);
}
