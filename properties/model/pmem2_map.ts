/**
 * An executable reading of the pages for one pmem2_map_new situation:
 * the outcomes the documentation permits, each with the clause it comes
 * from. Written from the pages (pmem2_map_new(3), pmem2_config_set_offset(3),
 * pmem2_config_set_length(3), pmem2_config_set_protection(3),
 * pmem2_config_set_vm_reservation(3), libpmem2(7)); it never looks at
 * the library. Where several clauses apply and the pages give no order,
 * all their outcomes are permitted.
 */

import { GRANULARITY_ORDER, GRANULARITY_REFUSED, type GranularityName, granularityOutcome } from '../../runner/core/granularity.js';

export type Granularity = GranularityName;
export { GRANULARITY_ORDER };

export interface FixtureFacts {
  pageSize: number;
  /** MAP_SYNC works: CACHE_LINE is available */
  mapSync: boolean;
  /** the platform flushes caches on power loss: BYTE is available */
  eadr: boolean;
  /** PMEM2_FORCE_GRANULARITY (libpmem2(7)): the library reports this granularity whatever the fixture */
  forced?: Granularity;
}

export interface MapSituation {
  /** bytes in the file (or anonymous source) */
  sourceSize: bigint;
  sourceKind: 'file' | 'anon';
  /** how the file was opened */
  openMode: 'r' | 'rw';
  /** unset when null */
  granularity: Granularity | null;
  /** pmem2_config_set_offset argument, when called */
  offset?: bigint;
  /** pmem2_config_set_length argument, when called */
  length?: bigint;
  sharing: 'SHARED' | 'PRIVATE';
  prot: { read: boolean; write: boolean; exec: boolean };
  /** map into a reservation of `size` at `offset`, with `occupied` ranges (offsets) already mapped there */
  reservation?: { size: bigint; offset: bigint; occupied: { offset: bigint; length: bigint }[] };
  facts: FixtureFacts;
}

export interface Outcome {
  /** "0" or an error name */
  name: string;
  /** where the pages say so */
  clause: string;
  /** which call returns it */
  stage: 'pmem2_config_set_offset' | 'pmem2_map_new';
}

export interface Prediction {
  permitted: Outcome[];
  /** clauses that apply although the page lists no error for them (a library answer there is a divergence) */
  unlisted: string[];
  /** when success is permitted: what the map must look like */
  success?: { size: bigint; maxGranularity: Granularity };
}

const INT64_MAX = (1n << 63n) - 1n;
const SIZE_MAX = (1n << 64n) - 1n;

/** the finest granularity the fixture offers (libpmem2(7): PAGE without MAP_SYNC, CACHE_LINE with it, BYTE with eADR) */
export function availableGranularity(f: FixtureFacts): Granularity {
  if (f.forced) return f.forced;
  if (f.eadr && f.mapSync) return 'BYTE';
  return f.mapSync ? 'CACHE_LINE' : 'PAGE';
}

export function predictMap(s: MapSituation): Prediction {
  const page = BigInt(s.facts.pageSize);
  // pmem2_config_set_offset(3): offsets above INT64_MAX are refused by the setter itself
  if (s.offset !== undefined && s.offset > INT64_MAX) {
    return {
      permitted: [
        {
          name: 'PMEM2_E_OFFSET_OUT_OF_RANGE',
          clause: 'pmem2_config_set_offset/PMEM2_E_OFFSET_OUT_OF_RANGE#1',
          stage: 'pmem2_config_set_offset',
        },
      ],
      unlisted: [],
    };
  }
  const out: Outcome[] = [];
  const unlisted: string[] = [];
  const err = (name: string, clause: string) => out.push({ name, clause: `pmem2_map_new/${clause}`, stage: 'pmem2_map_new' });

  if (s.granularity === null) err('PMEM2_E_GRANULARITY_NOT_SET', 'PMEM2_E_GRANULARITY_NOT_SET#1');
  // pmem2_source_from_anon(3): "The offset value for mapping is ignored."
  const offset = s.sourceKind === 'anon' ? 0n : (s.offset ?? 0n);
  if (s.sourceSize === 0n) err('PMEM2_E_SOURCE_EMPTY', 'PMEM2_E_SOURCE_EMPTY#1');
  if (offset % page !== 0n) err('PMEM2_E_OFFSET_UNALIGNED', 'PMEM2_E_OFFSET_UNALIGNED#1');
  // pmem2_config_set_length(3): "By default, the length is equal to the size of the file"
  const lengthSet = s.length !== undefined && s.length !== 0n;
  const length = lengthSet ? s.length! : s.sourceSize > offset ? s.sourceSize - offset : 0n;
  if (lengthSet && length % page !== 0n) err('PMEM2_E_LENGTH_UNALIGNED', 'PMEM2_E_LENGTH_UNALIGNED#1');
  if (offset + length > SIZE_MAX) err('PMEM2_E_MAP_RANGE', 'PMEM2_E_MAP_RANGE#1');
  else if (offset + length > s.sourceSize || (!lengthSet && offset >= s.sourceSize && s.sourceSize > 0n))
    err('PMEM2_E_MAP_RANGE', 'PMEM2_E_MAP_RANGE#2');
  // a default length that is not a multiple of the page (the file's size is not): LENGTH_UNALIGNED
  // speaks of the "argument", and no length argument was given; both readings are permitted
  const defaultUnaligned = !lengthSet && length % page !== 0n && offset + length <= s.sourceSize && length > 0n;

  if (s.prot.write && s.sharing === 'SHARED' && s.openMode === 'r' && s.sourceKind === 'file')
    err('PMEM2_E_NO_ACCESS', 'PMEM2_E_NO_ACCESS#1');

  if (s.reservation) {
    const r = s.reservation;
    if (r.offset % page !== 0n) {
      // the page states the alignment rule for device DAX only; for files an unaligned base is unaligned too
      err('PMEM2_E_ADDRESS_UNALIGNED', 'PMEM2_E_ADDRESS_UNALIGNED#1');
      err('PMEM2_E_OFFSET_UNALIGNED', 'PMEM2_E_OFFSET_UNALIGNED#1');
    }
    if (r.offset + length > r.size) err('PMEM2_E_ADDRESS_UNALIGNED', 'PMEM2_E_ADDRESS_UNALIGNED#2');
    else if (r.occupied.some((o) => o.offset < r.offset + length && r.offset < o.offset + o.length)) {
      // the markdown copy states MAPPING_EXISTS for every platform
      err('PMEM2_E_MAPPING_EXISTS', 'PMEM2_E_MAPPING_EXISTS#1');
    }
  }

  const avail = availableGranularity(s.facts);
  // the harness's one reading of a granularity the fixture cannot give (runner/core/granularity.ts)
  const granularityRefused = s.granularity !== null && granularityOutcome(s.granularity, [avail]).refused;

  // a private writable mapping of a read-only file is no conflict for mmap(2); the page's NO_ACCESS may or may not apply
  if (s.prot.write && s.sharing === 'PRIVATE' && s.openMode === 'r' && s.sourceKind === 'file' && out.length === 0) {
    err('PMEM2_E_NO_ACCESS', 'PMEM2_E_NO_ACCESS#1');
    if (granularityRefused) err(GRANULARITY_REFUSED, 'granularity must be appropriate#1');
    else out.push({ name: '0', clause: 'pmem2_map_new/RETURN VALUE#1', stage: 'pmem2_map_new' });
    return { permitted: out, unlisted, success: { size: length, maxGranularity: s.granularity ?? 'PAGE' } };
  }
  if (granularityRefused) err(GRANULARITY_REFUSED, 'granularity must be appropriate#1');
  if (out.length > 0) return { permitted: dedupe(out), unlisted };
  if (defaultUnaligned) {
    return {
      unlisted,
      permitted: [
        { name: 'PMEM2_E_LENGTH_UNALIGNED', clause: 'pmem2_map_new/PMEM2_E_LENGTH_UNALIGNED#1', stage: 'pmem2_map_new' },
        { name: '0', clause: 'pmem2_map_new/RETURN VALUE#1', stage: 'pmem2_map_new' },
      ],
      success: { size: length, maxGranularity: s.granularity ?? 'PAGE' },
    };
  }
  return {
    unlisted,
    permitted: [{ name: '0', clause: 'pmem2_map_new/RETURN VALUE#1', stage: 'pmem2_map_new' }],
    success: { size: length, maxGranularity: s.granularity ?? 'PAGE' },
  };
}

function dedupe(o: Outcome[]): Outcome[] {
  const seen = new Set<string>();
  return o.filter((x) => {
    const key = x.name + x.clause;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** a one-line description of a situation, for counterexamples */
export function describeMap(s: MapSituation): string {
  const parts = [
    `${s.sourceKind} of ${s.sourceSize} bytes${s.sourceKind === 'file' ? ` opened ${s.openMode}` : ''}`,
    `granularity ${s.granularity ?? 'unset'}`,
    s.offset !== undefined ? `offset ${s.offset}` : 'offset unset',
    s.length !== undefined ? `length ${s.length}` : 'length unset',
    s.sharing,
    `prot ${[s.prot.read && 'READ', s.prot.write && 'WRITE', s.prot.exec && 'EXEC'].filter(Boolean).join('|') || 'NONE'}`,
  ];
  if (s.reservation)
    parts.push(
      `reservation of ${s.reservation.size} at offset ${s.reservation.offset}${s.reservation.occupied.length ? `, occupied ${s.reservation.occupied.map((o) => `${o.offset}+${o.length}`).join(',')}` : ''}`,
    );
  return parts.join(', ');
}
