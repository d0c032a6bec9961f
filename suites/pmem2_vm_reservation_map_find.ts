/**
 * pmem2_vm_reservation_map_find(3): pmem2_vm_reservation_map_find and its
 * _first, _last, _next and _prev siblings; one case per documented clause.
 */
import { codeName } from '../runner/core/constants.js';
import type { CallResult, Map as Pmem2Map, Reservation } from '../runner/core/native.js';
import type { CaseContext, CaseDef, Suite } from './framework.js';
import { config, fileSource, hex, mapNew, observed, reservation, SetupError } from './pmem2_util.js';

const FIND = 'pmem2_vm_reservation_map_find';

type Found = CallResult & { mapId?: number; mapAddress?: bigint };

/** a reservation of `pages` pages with a 1-page mapping at each page offset in `at`, mapped in that order */
function withMaps(ctx: CaseContext, pages: number, at: number[]): { rsv: Reservation; maps: Map<number, Pmem2Map> } {
  const p = ctx.unit;
  const rsv = reservation(ctx, pages * p);
  const maps = new Map<number, Pmem2Map>();
  for (const i of at) {
    const { src } = fileSource(ctx, p);
    const r = mapNew(ctx, config(ctx, { reservation: rsv, reservationOffset: i * p, length: p }), src);
    if (r.code !== 0 || !r.map) throw new SetupError(`pmem2_map_new at page ${i} of the reservation returned ${codeName(r.code)}`);
    maps.set(i, r.map);
  }
  return { rsv, maps };
}

/** which page's mapping a find returned ("page 3"), or what it returned instead */
function which(f: Found, maps: Map<number, Pmem2Map>): string {
  if (f.code !== 0) return codeName(f.code);
  for (const [i, m] of maps) if (m.id === f.mapId) return `page ${i}`;
  return f.mapAddress ? `an unknown map at ${hex(f.mapAddress)}` : 'NULL';
}

function notFound(
  ctx: CaseContext,
  at: string,
  call: (rsv: Reservation, maps: Map<number, Pmem2Map>) => Found,
  pages: number,
  mapsAt: number[],
) {
  const { rsv, maps } = withMaps(ctx, pages, mapsAt);
  const f = call(rsv, maps);
  return { observed: observed(at, f, { returned: which(f, maps) }), permitted: ['PMEM2_E_MAPPING_NOT_FOUND'] };
}

const cases: CaseDef[] = [
  {
    key: 'pmem2_vm_reservation_map_find/RETURN VALUE#1',
    fixtures: 'devdax',
    situation: 'a 4-page reservation with mappings at pages 1 and 3: find(0, 4 pages), first, last, next(page 1), prev(page 3)',
    note: 'The sentence covers all five functions: the first call that does not return 0 is reported.',
    run: (ctx) => {
      const p = ctx.unit;
      const { rsv, maps } = withMaps(ctx, 4, [1, 3]);
      const a = ctx.addon;
      const calls: [string, Found][] = [
        [`${FIND}(0, 4 pages)`, a.reservationMapFind(rsv, 0, 4 * p)],
        [`${FIND}_first`, a.reservationMapFindFirst(rsv)],
        [`${FIND}_last`, a.reservationMapFindLast(rsv)],
        [`${FIND}_next(page 1)`, a.reservationMapFindNext(rsv, maps.get(1)!)],
        [`${FIND}_prev(page 3)`, a.reservationMapFindPrev(rsv, maps.get(3)!)],
      ];
      const details = Object.fromEntries(calls.map(([n, f]) => [n, which(f, maps)]));
      const bad = calls.find(([, f]) => f.code !== 0);
      const [at, f] = bad ?? [`all five functions`, calls[0]![1]];
      return { observed: observed(at, f, details), permitted: ['0'] };
    },
  },
  {
    key: 'pmem2_vm_reservation_map_find/RETURN VALUE#2',
    fixtures: 'devdax',
    situation: 'a mapping at page 1 of a 4-page reservation: find(1 page, 1 page) passes that mapping back',
    note: 'The addon reports the found map by the id of the handle it made for it; the second half of the sentence (NULL when nothing is found) is the case "map_ptr NULL when nothing found".',
    run: (ctx) => {
      const p = ctx.unit;
      const { rsv, maps } = withMaps(ctx, 4, [1]);
      const f = ctx.addon.reservationMapFind(rsv, p, p);
      const got = which(f, maps);
      return {
        observed: observed(`${FIND}(1 page, 1 page)`, f, { returned: got }),
        permitted: ['0'],
        ...(f.code === 0 && got !== 'page 1' ? { failure: `returned 0 but passed ${got}, not the mapping at page 1` } : {}),
      };
    },
  },
  {
    key: 'pmem2_vm_reservation_map_find/PMEM2_E_MAPPING_NOT_FOUND#1',
    fixtures: 'devdax',
    situation: 'a mapping at page 1 of a 4-page reservation; find over pages 2..3',
    textMatches: /no mapping found/,
    run: (ctx) =>
      notFound(ctx, `${FIND}(2 pages, 2 pages)`, (rsv) => ctx.addon.reservationMapFind(rsv, 2 * ctx.unit, 2 * ctx.unit), 4, [1]),
  },
  {
    key: 'pmem2_vm_reservation_map_find_prev/PMEM2_E_MAPPING_NOT_FOUND#1',
    fixtures: 'devdax',
    situation: 'the previous mapping of the only mapping of a reservation',
    textMatches: /no mapping found/,
    run: (ctx) =>
      notFound(ctx, `${FIND}_prev(the only mapping)`, (rsv, maps) => ctx.addon.reservationMapFindPrev(rsv, maps.get(1)!), 4, [1]),
  },
  {
    key: 'pmem2_vm_reservation_map_find_next/PMEM2_E_MAPPING_NOT_FOUND#1',
    fixtures: 'devdax',
    situation: 'the next mapping of the only mapping of a reservation',
    textMatches: /no mapping found/,
    run: (ctx) =>
      notFound(ctx, `${FIND}_next(the only mapping)`, (rsv, maps) => ctx.addon.reservationMapFindNext(rsv, maps.get(1)!), 4, [1]),
  },
  {
    key: 'pmem2_vm_reservation_map_find_first/PMEM2_E_MAPPING_NOT_FOUND#1',
    fixtures: 'devdax',
    situation: 'the first mapping of an empty reservation',
    textMatches: /no mapping found/,
    run: (ctx) => notFound(ctx, `${FIND}_first(empty reservation)`, (rsv) => ctx.addon.reservationMapFindFirst(rsv), 4, []),
  },
  {
    key: 'pmem2_vm_reservation_map_find_last/PMEM2_E_MAPPING_NOT_FOUND#1',
    fixtures: 'devdax',
    situation: 'the last mapping of an empty reservation',
    textMatches: /no mapping found/,
    run: (ctx) => notFound(ctx, `${FIND}_last(empty reservation)`, (rsv) => ctx.addon.reservationMapFindLast(rsv), 4, []),
  },
  {
    key: 'pmem2_vm_reservation_map_find/earliest intersecting mapping#1',
    fixtures: 'devdax',
    situation:
      'mappings at pages 3 and 1 (mapped in that order) of a 5-page reservation: find(0, 5 pages) gives page 1, find(2 pages, 3 pages) gives page 3',
    run: (ctx) => {
      const p = ctx.unit;
      const { rsv, maps } = withMaps(ctx, 5, [3, 1]);
      const all = ctx.addon.reservationMapFind(rsv, 0, 5 * p);
      const tail = ctx.addon.reservationMapFind(rsv, 2 * p, 3 * p);
      const details = { 'find(0, 5 pages)': which(all, maps), 'find(2 pages, 3 pages)': which(tail, maps) };
      let failure: string | undefined;
      if (all.code === 0 && details['find(0, 5 pages)'] !== 'page 1')
        failure = `find(0, 5 pages) passed ${details['find(0, 5 pages)']}, not the earliest mapping (page 1)`;
      else if (tail.code === 0 && details['find(2 pages, 3 pages)'] !== 'page 3')
        failure = `find(2 pages, 3 pages) passed ${details['find(2 pages, 3 pages)']}, not the mapping at page 3`;
      const o = all.code !== 0 ? observed(`${FIND}(0, 5 pages)`, all, details) : observed(`${FIND}(2 pages, 3 pages)`, tail, details);
      return { observed: o, permitted: ['0'], ...(failure ? { failure } : {}) };
    },
  },
  {
    key: 'pmem2_vm_reservation_map_find/map_ptr NULL when nothing found#1',
    fixtures: 'devdax',
    situation: 'a mapping at page 1 of a 4-page reservation; find over page 2 passes no mapping back',
    note: 'The addon\'s map variable starts out NULL, so "written NULL" and "left NULL" look alike; what is checked is that no mapping comes back. The sentence does not say what the call returns then (ERRORS lists PMEM2_E_MAPPING_NOT_FOUND), so 0 is permitted too.',
    run: (ctx) => {
      const p = ctx.unit;
      const { rsv, maps } = withMaps(ctx, 4, [1]);
      const f = ctx.addon.reservationMapFind(rsv, 2 * p, p);
      const got = f.code === 0 ? which(f, maps) : 'NULL';
      const nullish = f.code !== 0 || !f.mapAddress;
      return {
        observed: observed(`${FIND}(2 pages, 1 page)`, f, { returned: got }),
        permitted: ['PMEM2_E_MAPPING_NOT_FOUND', '0'],
        ...(nullish ? {} : { failure: `no mapping lies there, but ${got} was passed back` }),
      };
    },
  },
  {
    key: 'pmem2_vm_reservation_map_find_first/first and last in address order#1',
    fixtures: 'devdax',
    situation: 'mappings at pages 3, 1 and 2 (mapped in that order) of a 5-page reservation: first is page 1, last is page 3',
    run: (ctx) => {
      const { rsv, maps } = withMaps(ctx, 5, [3, 1, 2]);
      const first = ctx.addon.reservationMapFindFirst(rsv);
      const last = ctx.addon.reservationMapFindLast(rsv);
      const details = { first: which(first, maps), last: which(last, maps) };
      let failure: string | undefined;
      if (first.code === 0 && details.first !== 'page 1') failure = `first passed ${details.first}, not the earliest mapping (page 1)`;
      else if (last.code === 0 && details.last !== 'page 3') failure = `last passed ${details.last}, not the last mapping (page 3)`;
      const o = first.code !== 0 ? observed(`${FIND}_first`, first, details) : observed(`${FIND}_first and ${FIND}_last`, last, details);
      return { observed: o, permitted: ['0'], ...(failure ? { failure } : {}) };
    },
  },
  {
    key: 'pmem2_vm_reservation_map_find_next/next and prev walk in address order#1',
    fixtures: 'devdax',
    situation: 'mappings at pages 3, 1 and 2 (mapped in that order): next from page 1 walks 1, 2, 3; prev from page 3 walks 3, 2, 1',
    run: (ctx) => {
      const { rsv, maps } = withMaps(ctx, 5, [3, 1, 2]);
      const walk = (start: number, step: (m: Pmem2Map) => Found): { seen: string[]; last: Found } => {
        const seen = [`page ${start}`];
        let cur = maps.get(start)!;
        let f: Found = { code: 0 };
        for (let i = 0; i < 3; i++) {
          f = step(cur);
          if (f.code !== 0) break;
          const w = which(f, maps);
          seen.push(w);
          const next = [...maps.entries()].find(([n]) => `page ${n}` === w);
          if (!next) break;
          cur = next[1];
        }
        return { seen, last: f };
      };
      const fwd = walk(1, (m) => ctx.addon.reservationMapFindNext(rsv, m));
      const back = walk(3, (m) => ctx.addon.reservationMapFindPrev(rsv, m));
      const details = { next: fwd.seen.join(' -> '), prev: back.seen.join(' -> ') };
      let failure: string | undefined;
      if (details.next !== 'page 1 -> page 2 -> page 3') failure = `next from page 1 walked ${details.next}`;
      else if (details.prev !== 'page 3 -> page 2 -> page 1') failure = `prev from page 3 walked ${details.prev}`;
      // each walk ends on the call past the last mapping: the observed outcome is that of the forward walk
      return {
        observed: observed(`${FIND}_next past page 3`, fwd.last, details),
        permitted: ['PMEM2_E_MAPPING_NOT_FOUND'],
        ...(failure ? { failure } : {}),
      };
    },
  },
  {
    key: 'pmem2_vm_reservation_map_find/maps inserted by concurrent threads#1',
    fixtures: 'devdax',
    situation:
      '4 native threads, 300 steps each (a device DAX: 40; seed 1): map 1 or 2 pages at a random page of one 32-page reservation, or delete one of their own maps; afterwards no two live maps overlapped, every refusal was PMEM2_E_MAPPING_EXISTS, every delete returned 0, and first/next walk exactly the maps left, in address order, each found at its offset',
    note: "Each thread has its own config; the source is shared. The check of overlap claims pages after each map succeeds, so it can miss an overlap but never invent one; the reservation's own view (map_find) is checked against the set of maps left, the interval model of the property pmem2_vm_reservation/sequences.",
    run: (ctx) => {
      const p = ctx.unit;
      const slots = 32;
      const rsv = reservation(ctx, slots * p);
      const { src } = fileSource(ctx, 2 * p);
      // a map of a device DAX costs an emulated guest about a third of a second: 1200 steps ran past its case limit,
      // while 160 still interleave the four threads' maps and deletes
      const iterations = ctx.caps.devdax ? 40 : 300;
      const race = ctx.addon.concurrentReservationMaps(rsv, src, { threads: 4, iterations, slots, slotSize: p, seed: 1 });
      for (const l of race.live) ctx.defer(() => void ctx.addon.mapDelete(l.map));
      const base = ctx.addon.reservationGetAddress(rsv);
      const want = [...race.live].sort((a, b) => (a.offset < b.offset ? -1 : 1));
      const walked: bigint[] = [];
      let f: Found = ctx.addon.reservationMapFindFirst(rsv);
      while (f.code === 0 && f.mapAddress !== undefined && walked.length <= want.length) {
        walked.push(f.mapAddress - base);
        const cur = want.find((l) => l.map.id === f.mapId);
        if (!cur) break;
        f = ctx.addon.reservationMapFindNext(rsv, cur.map);
      }
      const misplaced = want.filter((l) => ctx.addon.mapGetAddress(l.map) !== base + l.offset);
      const unfound = want.filter((l) => ctx.addon.reservationMapFind(rsv, l.offset, l.size).mapId !== l.map.id);
      const details = {
        mapped: race.mapped,
        mappingExists: race.mappingExists,
        live: want.length,
        walked: walked.map((o) => String(Number(o) / p)).join(','),
      };
      let failure: string | undefined;
      if (race.overlaps) failure = `${race.overlaps} map(s) succeeded over a range another live map held`;
      else if (race.otherMapCodes.length) failure = `pmem2_map_new returned ${codeName(race.otherMapCodes[0]!)} in a thread`;
      else if (race.deleteCodes.length) failure = `pmem2_map_delete returned ${codeName(race.deleteCodes[0]!)} in a thread`;
      else if (walked.join(',') !== want.map((l) => String(l.offset)).join(','))
        failure = `first/next walk offsets ${walked.join(',')}, the maps left are at ${want.map((l) => l.offset).join(',')}`;
      else if (misplaced.length) failure = `a map is not at its reservation offset ${misplaced[0]!.offset}`;
      else if (unfound.length) failure = `map_find at offset ${unfound[0]!.offset} does not find the map there`;
      return {
        observed: observed(`${FIND}_next past the last map left`, f, details),
        permitted: ['PMEM2_E_MAPPING_NOT_FOUND'],
        ...(failure ? { failure } : {}),
      };
    },
  },
];

export const suite: Suite = {
  name: 'pmem2_vm_reservation_map_find',
  implementation: 'libpmem2',
  pages: ['pmem2_vm_reservation_map_find'],
  cases,
};
