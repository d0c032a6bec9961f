/**
 * pmem2_map_new over the space between the suites' cases: random sources,
 * offsets, lengths, granularities, sharing, protection and reservations,
 * biased to the edges. The property: what the library answers is one of
 * the outcomes the spec model (model/pmem2_map.ts) permits, and a
 * successful map has the size and granularity the pages promise.
 */
import fs from 'node:fs';
import path from 'node:path';
import { codeName } from '../runner/core/constants.js';
import type { Observed } from '../runner/core/model.js';
import type { Config, Map as Pmem2Map, Reservation, Source } from '../runner/core/native.js';
import { C, observed } from '../runner/core/observe.js';
import { mapSituation } from './arbitraries.js';
import type { PropertyContext, PropertyDef } from './framework.js';
import { checkProperty, DivergenceError, knownDivergence } from './framework.js';
import { availableGranularity, describeMap, GRANULARITY_ORDER, predictMap } from './model/pmem2_map.js';
import type { FixtureFacts, MapSituation } from './model/pmem2_map.js';

export function factsOf(ctx: PropertyContext): FixtureFacts {
  const forced = ctx.caps.forcedGranularity as FixtureFacts['forced'] | undefined;
  return {
    pageSize: ctx.caps.pageSize,
    mapSync: ctx.caps.mapSync,
    eadr: ctx.caps.persistenceDomain === 'cpu_cache',
    ...(forced ? { forced } : {}),
  };
}

const GRAN = { BYTE: () => C.BYTE, CACHE_LINE: () => C.CACHE_LINE, PAGE: () => C.PAGE };

interface Built {
  observed: Observed;
  /** the situation as realised (occupied ranges that could not be mapped are dropped) */
  situation: MapSituation;
  map?: Pmem2Map;
}

let fileNo = 0;

/** builds the situation on the fixture, calls the library, and undoes everything */
export function runSituation(ctx: PropertyContext, s: MapSituation): Built {
  const a = ctx.addon;
  const undo: (() => void)[] = [];
  try {
    let src: Source;
    if (s.sourceKind === 'anon') {
      const r = a.sourceFromAnon(s.sourceSize);
      if (r.code !== 0) return { observed: observed('pmem2_source_from_anon', r), situation: s };
      src = r.source!;
    } else {
      const file = path.join(ctx.fixture.directory(), `prop-${process.pid}-${++fileNo}`);
      const fd0 = fs.openSync(file, 'w+', 0o600);
      if (s.sourceSize > 0n) fs.ftruncateSync(fd0, Number(s.sourceSize));
      fs.closeSync(fd0);
      const fd = fs.openSync(file, s.openMode === 'r' ? 'r' : 'r+');
      undo.push(() => {
        fs.closeSync(fd);
        fs.rmSync(file, { force: true });
      });
      const r = a.sourceFromFd(fd);
      if (r.code !== 0) return { observed: observed('pmem2_source_from_fd', r), situation: s };
      src = r.source!;
    }
    undo.push(() => void a.sourceDelete(src));

    const cfgR = a.configNew();
    const cfg: Config = cfgR.config!;
    undo.push(() => void a.configDelete(cfg));
    if (s.granularity !== null) a.configSetRequiredStoreGranularity(cfg, GRAN[s.granularity]());
    if (s.offset !== undefined) {
      const r = a.configSetOffset(cfg, s.offset);
      if (r.code !== 0) return { observed: observed('pmem2_config_set_offset', r), situation: s };
    }
    if (s.length !== undefined) a.configSetLength(cfg, s.length);
    a.configSetSharing(cfg, s.sharing === 'SHARED' ? C.SHARED : C.PRIVATE);
    const prot = ((s.prot.read ? C.PROT_READ : 0) | (s.prot.write ? C.PROT_WRITE : 0) | (s.prot.exec ? C.PROT_EXEC : 0)) >>> 0;
    a.configSetProtection(cfg, prot);

    let situation = s;
    if (s.reservation) {
      const rr = a.reservationNew(0, s.reservation.size);
      if (rr.code !== 0) throw new Error(`pmem2_vm_reservation_new(${s.reservation.size}) failed: ${codeName(rr.code)}`);
      const rsv: Reservation = rr.reservation!;
      undo.push(() => void a.reservationDelete(rsv));
      const occupied = placeOccupants(ctx, rsv, s.reservation.occupied, undo);
      situation = { ...s, reservation: { ...s.reservation, occupied } };
      a.configSetVmReservation(cfg, rsv, s.reservation.offset);
    }
    const m = a.mapNew(cfg, src);
    const details: Observed['details'] = { mapPtr: m.mapPtr };
    if (m.map) {
      const map = m.map;
      details.size = String(a.mapGetSize(map));
      details.granularity = GRANULARITY_ORDER[a.mapGetStoreGranularity(map)] ?? String(a.mapGetStoreGranularity(map));
      undo.push(() => void a.mapDelete(map));
    }
    return { observed: observed('pmem2_map_new', m, details), situation };
  } finally {
    for (const fn of undo.reverse()) {
      try {
        fn();
      } catch {
        /* best effort: a failed undo must not hide the finding */
      }
    }
  }
}

/** maps the occupied ranges into the reservation; keeps those that could be placed */
function placeOccupants(ctx: PropertyContext, rsv: Reservation, wanted: { offset: bigint; length: bigint }[], undo: (() => void)[]) {
  const a = ctx.addon;
  const placed: { offset: bigint; length: bigint }[] = [];
  for (const o of wanted) {
    const file = path.join(ctx.fixture.directory(), `prop-occ-${process.pid}-${++fileNo}`);
    const fd = fs.openSync(file, 'w+', 0o600);
    fs.ftruncateSync(fd, Number(o.length));
    undo.push(() => {
      fs.closeSync(fd);
      fs.rmSync(file, { force: true });
    });
    const src = a.sourceFromFd(fd).source!;
    undo.push(() => void a.sourceDelete(src));
    const cfg = a.configNew().config!;
    undo.push(() => void a.configDelete(cfg));
    a.configSetRequiredStoreGranularity(cfg, C.PAGE);
    a.configSetVmReservation(cfg, rsv, o.offset);
    const m = a.mapNew(cfg, src);
    if (m.map) {
      const map = m.map;
      undo.push(() => void a.mapDelete(map));
      placed.push(o);
    }
  }
  return placed;
}

export const mapNewParameters: PropertyDef = {
  name: 'pmem2_map_new/parameters',
  implementation: 'libpmem2',
  page: 'pmem2_map_new(3) [model]',
  function: 'pmem2_map_new',
  title: 'every answer of pmem2_map_new is one the pages permit for its situation; a successful map has the promised size and granularity',
  weight: 1.5,
  reads:
    'pmem2_map_new(3), pmem2_config_set_offset(3), pmem2_config_set_length(3), pmem2_config_set_protection(3), pmem2_config_set_vm_reservation(3), pmem2_source_from_anon(3), libpmem2(7)',
  run(ctx) {
    return checkProperty(ctx, mapSituation(factsOf(ctx)), (s, hits) => {
      const built = runSituation(ctx, s);
      const p = predictMap(built.situation);
      const o = built.observed;
      const permitted = p.permitted.filter((x) => o.at === x.stage || x.stage === 'pmem2_map_new');
      const names = permitted.map((x) => x.name);
      const situation = describeMap(built.situation);
      if (!names.includes(o.name)) {
        // pmem2_source_from_anon(3): "The offset value for mapping is ignored." A library that applies
        // the offset anyway answers as for a file; that is one divergence, whatever the code it gives
        if (built.situation.sourceKind === 'anon' && built.situation.offset !== undefined) {
          const applied = predictMap({ ...built.situation, sourceKind: 'file', openMode: 'rw' });
          if (applied.permitted.some((x) => x.name === o.name)) {
            const clause = 'pmem2_source_from_anon/offset ignored';
            if (knownDivergence(ctx.known, [clause], o.name, 'offset applied')) {
              hits[`${clause}: offset applied`] = (hits[`${clause}: offset applied`] ?? 0) + 1;
              return;
            }
            throw new DivergenceError({
              situation,
              observed: o,
              permitted: names,
              clause,
              key: 'offset applied',
              message: `${situation}: ${o.at} returned ${o.name}, as if the offset counted; pmem2_source_from_anon(3) says the offset is ignored for anonymous sources (permitted: ${names.join(', ') || 'none'})`,
            });
          }
        }
        const clauses = [...p.permitted.map((x) => x.clause), ...p.unlisted];
        const k = knownDivergence(ctx.known, clauses, o.name);
        if (k) {
          const key = `${k.clause}: ${o.name}`;
          hits[key] = (hits[key] ?? 0) + 1;
          return;
        }
        throw new DivergenceError({
          situation,
          observed: o,
          permitted: names,
          clause: clauses.join(', ') || 'pmem2_map_new/RETURN VALUE#1',
          message: `${situation}: ${o.at} returned ${o.name}; the pages permit ${names.join(', ') || 'no listed outcome'}`,
        });
      }
      if (o.name === '0' && p.success && o.details) {
        const size = BigInt(String(o.details.size));
        const page = BigInt(ctx.caps.pageSize);
        // a whole-file map of a file whose size is not page-aligned may report the size rounded up
        const rounded = ((p.success.size + page - 1n) / page) * page;
        if (size !== p.success.size && size !== rounded) {
          throw new DivergenceError({
            situation,
            observed: o,
            permitted: ['0'],
            clause: 'pmem2_map_new/new mapping stored in map_ptr#1',
            message: `${situation}: the map is ${size} bytes, the pages give ${p.success.size}`,
          });
        }
        const g = String(o.details.granularity);
        // a shared file map reports what the fixture gives (libpmem2(7)), in both directions: a finer one is
        // the dangerous lie (users skip msync on its word), a coarser one costs them flushes they need not make
        const gives = availableGranularity(built.situation.facts);
        if (built.situation.sourceKind === 'file' && built.situation.sharing === 'SHARED' && g !== gives) {
          const clause = 'pmem2_map_new/new mapping stored in map_ptr#1';
          if (knownDivergence(ctx.known, [clause], o.name)) {
            hits[`${clause}: granularity`] = (hits[`${clause}: granularity`] ?? 0) + 1;
            return;
          }
          throw new DivergenceError({
            situation,
            observed: o,
            permitted: ['0'],
            clause: 'pmem2_map_new/new mapping stored in map_ptr#1',
            key: `granularity ${GRANULARITY_ORDER.indexOf(g as never) < GRANULARITY_ORDER.indexOf(gives) ? 'finer' : 'coarser'} than the fixture gives`,
            message: `${situation}: the map reports granularity ${g}; the fixture gives ${gives} (probed)`,
          });
        }
        if (GRANULARITY_ORDER.indexOf(g as never) > GRANULARITY_ORDER.indexOf(p.success.maxGranularity)) {
          throw new DivergenceError({
            situation,
            observed: o,
            permitted: ['0'],
            clause: 'pmem2_map_new/new mapping stored in map_ptr#1',
            message: `${situation}: effective granularity ${g} is coarser than the required ${p.success.maxGranularity}`,
          });
        }
      }
    });
  },
};
