/**
 * An interval model of one virtual memory reservation, from
 * pmem2_vm_reservation_new(3), pmem2_vm_reservation_extend(3) (which also
 * documents shrink), pmem2_vm_reservation_map_find(3) and pmem2_map_new(3).
 * Offsets are kept relative to where the reservation first started, so a
 * shrink from the front moves `start` rather than every mapping.
 */

export interface ModelMap {
  id: number;
  /** from the reservation's original start */
  at: bigint;
  length: bigint;
}

export interface ReservationModel {
  page: bigint;
  /** current start, from the original start */
  start: bigint;
  size: bigint;
  maps: ModelMap[];
  nextId: number;
}

export interface Expect {
  /** outcomes the pages permit, with the clause each comes from */
  permitted: { name: string; clause: string }[];
  /** clauses that apply although the page lists no error for them */
  unlisted?: string[];
}

const ok = (clause: string) => ({ name: '0', clause });

export function newModel(page: number, size: bigint): ReservationModel {
  return { page: BigInt(page), start: 0n, size, maps: [], nextId: 1 };
}

function overlaps(a0: bigint, a1: bigint, b0: bigint, b1: bigint): boolean {
  return a0 < b1 && b0 < a1;
}

/** pmem2_map_new into the reservation at `offset` (from the current start) */
export function expectMap(m: ReservationModel, offset: bigint, length: bigint): Expect {
  const permitted: Expect['permitted'] = [];
  if (offset + length > m.size) permitted.push({ name: 'PMEM2_E_ADDRESS_UNALIGNED', clause: 'pmem2_map_new/PMEM2_E_ADDRESS_UNALIGNED#2' });
  const at = m.start + offset;
  if (permitted.length === 0 && m.maps.some((x) => overlaps(at, at + length, x.at, x.at + x.length)))
    permitted.push({ name: 'PMEM2_E_MAPPING_EXISTS', clause: 'pmem2_map_new/PMEM2_E_MAPPING_EXISTS#1' });
  return { permitted: permitted.length ? permitted : [ok('pmem2_map_new/RETURN VALUE#1')] };
}

export function applyMap(m: ReservationModel, offset: bigint, length: bigint): ModelMap {
  const map = { id: m.nextId++, at: m.start + offset, length };
  m.maps.push(map);
  return map;
}

/** extend: the range after the reservation may be taken by anything in the process, so that is permitted too */
export function expectExtend(): Expect {
  return {
    permitted: [
      ok('pmem2_vm_reservation_extend/RETURN VALUE#1'),
      { name: 'PMEM2_E_MAPPING_EXISTS', clause: 'pmem2_vm_reservation_extend/PMEM2_E_MAPPING_EXISTS#1' },
      { name: '-EAGAIN', clause: 'pmem2_vm_reservation_extend/-EAGAIN#1' },
      { name: '-ENOMEM', clause: 'pmem2_vm_reservation_extend/-ENOMEM#1' },
    ],
  };
}

export function expectShrink(m: ReservationModel, offset: bigint, size: bigint): Expect {
  const c = (n: string) => `pmem2_vm_reservation_shrink/${n}#1`;
  const p: Expect['permitted'] = [];
  if (offset % m.page !== 0n) p.push({ name: 'PMEM2_E_OFFSET_UNALIGNED', clause: c('PMEM2_E_OFFSET_UNALIGNED') });
  if (size % m.page !== 0n) p.push({ name: 'PMEM2_E_LENGTH_UNALIGNED', clause: c('PMEM2_E_LENGTH_UNALIGNED') });
  if (offset >= m.size) p.push({ name: 'PMEM2_E_OFFSET_OUT_OF_RANGE', clause: c('PMEM2_E_OFFSET_OUT_OF_RANGE') });
  else if (offset + size > m.size || size === 0n) p.push({ name: 'PMEM2_E_LENGTH_OUT_OF_RANGE', clause: c('PMEM2_E_LENGTH_OUT_OF_RANGE') });
  else {
    const front = offset === 0n;
    const back = offset + size === m.size;
    if ((front && back) || (!front && !back)) p.push({ name: 'PMEM2_E_NOSUPP', clause: c('PMEM2_E_NOSUPP') });
    const at = m.start + offset;
    // the page spells it PMEM2_VM_RESERVATION_NOT_EMPTY; the header's constant is PMEM2_E_VM_RESERVATION_NOT_EMPTY
    if (m.maps.some((x) => overlaps(at, at + size, x.at, x.at + x.length)))
      p.push({ name: 'PMEM2_E_VM_RESERVATION_NOT_EMPTY', clause: c('PMEM2_VM_RESERVATION_NOT_EMPTY') });
  }
  return { permitted: p.length ? p : [ok('pmem2_vm_reservation_extend/RETURN VALUE#1')] };
}

export function applyShrink(m: ReservationModel, offset: bigint, size: bigint): void {
  if (offset === 0n) m.start += size;
  m.size -= size;
}

function byAddress(m: ReservationModel): ModelMap[] {
  return [...m.maps].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

/** map_find: the earliest mapping intersecting [offset, offset+len) from the current start */
export function expectFind(m: ReservationModel, offset: bigint, len: bigint): ModelMap | undefined {
  const at = m.start + offset;
  return byAddress(m).find((x) => overlaps(at, at + len, x.at, x.at + x.length));
}

export function expectFirst(m: ReservationModel): ModelMap | undefined {
  return byAddress(m)[0];
}

export function expectLast(m: ReservationModel): ModelMap | undefined {
  const s = byAddress(m);
  return s[s.length - 1];
}

export function expectNext(m: ReservationModel, id: number): ModelMap | undefined {
  const s = byAddress(m);
  const i = s.findIndex((x) => x.id === id);
  return i < 0 ? undefined : s[i + 1];
}

export function expectPrev(m: ReservationModel, id: number): ModelMap | undefined {
  const s = byAddress(m);
  const i = s.findIndex((x) => x.id === id);
  return i <= 0 ? undefined : s[i - 1];
}
