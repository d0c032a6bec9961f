/**
 * Model-based sequences on one reservation: map at an offset, delete a
 * map, extend, shrink, map_find and its first/last/next/prev forms, each
 * checked against the interval model (model/reservation.ts) after every
 * step: return code, the reservation's address and size, every mapping's
 * address.
 */
import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';
import { codeName } from '../runner/core/constants.js';
import type { Observed } from '../runner/core/model.js';
import type { Addon, Map as P2Map, Reservation, Source } from '../runner/core/native.js';
import { C } from '../runner/core/observe.js';
import type { PropertyContext, PropertyDef } from './framework.js';
import { checkProperty, DivergenceError, knownDivergence, splitPath } from './framework.js';
import type { Judging } from './commands.js';
import { judgeAnswer, obs } from './commands.js';
import type { Expect, ModelMap, ReservationModel } from './model/reservation.js';
import * as M from './model/reservation.js';

const MAX_PAGES = 8;

interface Real extends Judging {
  a: Addon;
  rsv: Reservation;
  /** where the reservation first started */
  origin: bigint;
  src: Source;
  maps: Map<number, P2Map>;
}

type Cmd = fc.Command<ReservationModel, Real>;

/** compares a call's answer with what the model permits, or with a divergence known against an unlisted clause */
function judge(real: Real, o: Observed, e: Expect): boolean {
  return judgeAnswer(
    real,
    o,
    e.permitted.map((p) => p.name),
    [...e.permitted.map((p) => p.clause), ...(e.unlisted ?? [])],
    'a new reservation',
  );
}

/** after every step: the reservation and every mapping are where the model says */
function checkInvariants(m: ReservationModel, real: Real): void {
  const a = real.a;
  const fail = (message: string) => {
    const clause = 'pmem2_vm_reservation_extend/RETURN VALUE#1';
    if (knownDivergence(real.known, [clause], 'state', 'state')) return;
    throw new DivergenceError({
      situation: real.log.join('; '),
      clause,
      key: 'state',
      message: `after ${real.log.join('; ')}: ${message}`,
    });
  };
  const size = a.reservationGetSize(real.rsv);
  if (size !== m.size) fail(`pmem2_vm_reservation_get_size() is ${size}, the model says ${m.size}`);
  const addr = a.reservationGetAddress(real.rsv);
  if (addr !== real.origin + m.start)
    fail(`the reservation starts at 0x${addr.toString(16)}, the model says 0x${(real.origin + m.start).toString(16)}`);
  for (const mm of m.maps) {
    const map = real.maps.get(mm.id)!;
    const at = a.mapGetAddress(map);
    if (at !== real.origin + mm.at)
      fail(`mapping #${mm.id} is at 0x${at.toString(16)}, the model says 0x${(real.origin + mm.at).toString(16)}`);
  }
}

function mapIdOf(real: Real, handleId: number | undefined): number | undefined {
  for (const [id, h] of real.maps) if (h.id === handleId) return id;
  return undefined;
}

class MapAt implements Cmd {
  constructor(
    readonly offPages: number,
    readonly lenPages: number,
  ) {}
  check = () => true;
  run(m: ReservationModel, real: Real): void {
    const off = BigInt(this.offPages) * m.page;
    const len = BigInt(this.lenPages) * m.page;
    real.log.push(this.toString());
    const a = real.a;
    const cfg = a.configNew().config!;
    a.configSetRequiredStoreGranularity(cfg, C.PAGE);
    a.configSetLength(cfg, len);
    a.configSetVmReservation(cfg, real.rsv, off);
    const r = a.mapNew(cfg, real.src);
    a.configDelete(cfg);
    const success = judge(real, obs(`pmem2_map_new(reservation offset ${off}, length ${len})`, r), M.expectMap(m, off, len));
    if (success) real.maps.set(M.applyMap(m, off, len).id, r.map!);
    else if (r.map) a.mapDelete(r.map);
    checkInvariants(m, real);
  }
  toString = () => `map(offset ${this.offPages}p, ${this.lenPages}p)`;
}

class DeleteMap implements Cmd {
  constructor(readonly pick: number) {}
  check = (m: Readonly<ReservationModel>) => m.maps.length > 0;
  run(m: ReservationModel, real: Real): void {
    const target = m.maps[this.pick % m.maps.length]!;
    real.log.push(`delete map #${target.id}`);
    const r = real.a.mapDelete(real.maps.get(target.id)!);
    if (judge(real, obs(`pmem2_map_delete(#${target.id})`, r), { permitted: [{ name: '0', clause: 'pmem2_map_delete/RETURN VALUE#1' }] })) {
      m.maps = m.maps.filter((x) => x.id !== target.id);
      real.maps.delete(target.id);
    }
    checkInvariants(m, real);
  }
  toString = () => `delete(map #${this.pick})`;
}

class Extend implements Cmd {
  constructor(readonly pages: number) {}
  check = () => true;
  run(m: ReservationModel, real: Real): void {
    const size = BigInt(this.pages) * m.page;
    real.log.push(this.toString());
    const r = real.a.reservationExtend(real.rsv, size);
    if (judge(real, obs(`pmem2_vm_reservation_extend(${size})`, r), M.expectExtend())) m.size += size;
    checkInvariants(m, real);
  }
  toString = () => `extend(${this.pages}p)`;
}

class Shrink implements Cmd {
  constructor(
    readonly offPages: number,
    readonly pages: number,
    readonly skewBytes: number,
  ) {}
  check = () => true;
  run(m: ReservationModel, real: Real): void {
    const off = BigInt(this.offPages) * m.page + BigInt(this.skewBytes);
    const size = BigInt(this.pages) * m.page;
    real.log.push(this.toString());
    const r = real.a.reservationShrink(real.rsv, off, size);
    if (judge(real, obs(`pmem2_vm_reservation_shrink(offset ${off}, size ${size})`, r), M.expectShrink(m, off, size)))
      M.applyShrink(m, off, size);
    checkInvariants(m, real);
  }
  toString = () => `shrink(offset ${this.offPages}p${this.skewBytes ? `+${this.skewBytes}` : ''}, ${this.pages}p)`;
}

/** the map the library found must be the model's, or both must find none */
function compareFound(
  real: Real,
  what: string,
  r: { code: number; mapId?: number; message?: string },
  want: ModelMap | undefined,
  clause: string,
): void {
  const o = obs(what, r);
  if (want === undefined) {
    judge(real, o, { permitted: [{ name: 'PMEM2_E_MAPPING_NOT_FOUND', clause: `${clause.split('/')[0]}/PMEM2_E_MAPPING_NOT_FOUND#1` }] });
    return;
  }
  if (!judge(real, o, { permitted: [{ name: '0', clause }] })) return;
  const got = mapIdOf(real, r.mapId);
  if (got !== want.id) {
    if (knownDivergence(real.known, [clause], o.name, 'wrong mapping')) return;
    throw new DivergenceError({
      key: 'wrong mapping',
      situation: real.log.join('; '),
      observed: o,
      permitted: ['0'],
      clause,
      message: `after ${real.log.slice(0, -1).join('; ')}: ${what} found ${got === undefined ? 'a mapping this run did not make' : `#${got}`}, the model says #${want.id}`,
    });
  }
}

class Find implements Cmd {
  constructor(
    readonly offPages: number,
    readonly lenPages: number,
  ) {}
  check = () => true;
  run(m: ReservationModel, real: Real): void {
    const off = BigInt(this.offPages) * m.page;
    const len = BigInt(this.lenPages) * m.page;
    real.log.push(this.toString());
    const r = real.a.reservationMapFind(real.rsv, off, len);
    compareFound(
      real,
      `pmem2_vm_reservation_map_find(${off}, ${len})`,
      r,
      M.expectFind(m, off, len),
      'pmem2_vm_reservation_map_find/RETURN VALUE#1',
    );
  }
  toString = () => `find(${this.offPages}p, ${this.lenPages}p)`;
}

class FirstLast implements Cmd {
  constructor(readonly last: boolean) {}
  check = () => true;
  run(m: ReservationModel, real: Real): void {
    real.log.push(this.toString());
    const r = this.last ? real.a.reservationMapFindLast(real.rsv) : real.a.reservationMapFindFirst(real.rsv);
    const fn = this.last ? 'pmem2_vm_reservation_map_find_last' : 'pmem2_vm_reservation_map_find_first';
    compareFound(real, `${fn}()`, r, this.last ? M.expectLast(m) : M.expectFirst(m), `${fn}/RETURN VALUE#1`);
  }
  toString = () => (this.last ? 'find_last()' : 'find_first()');
}

class NextPrev implements Cmd {
  constructor(
    readonly pick: number,
    readonly prev: boolean,
  ) {}
  check = (m: Readonly<ReservationModel>) => m.maps.length > 0;
  run(m: ReservationModel, real: Real): void {
    const from = m.maps[this.pick % m.maps.length]!;
    real.log.push(`${this.prev ? 'find_prev' : 'find_next'}(#${from.id})`);
    const h = real.maps.get(from.id)!;
    const r = this.prev ? real.a.reservationMapFindPrev(real.rsv, h) : real.a.reservationMapFindNext(real.rsv, h);
    const fn = this.prev ? 'pmem2_vm_reservation_map_find_prev' : 'pmem2_vm_reservation_map_find_next';
    compareFound(real, `${fn}(#${from.id})`, r, this.prev ? M.expectPrev(m, from.id) : M.expectNext(m, from.id), `${fn}/RETURN VALUE#1`);
  }
  toString = () => `${this.prev ? 'prev' : 'next'}(map #${this.pick})`;
}

export function commandArbitraries(): fc.Arbitrary<Cmd>[] {
  const pages = fc.integer({ min: 0, max: MAX_PAGES });
  const len = fc.integer({ min: 1, max: 4 });
  return [
    fc.tuple(pages, len).map(([o, l]) => new MapAt(o, l)),
    fc.nat().map((p) => new DeleteMap(p)),
    fc.integer({ min: 1, max: 4 }).map((p) => new Extend(p)),
    fc
      .tuple(
        pages,
        fc.integer({ min: 0, max: 4 }),
        fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constantFrom(1, 2048) }),
      )
      .map(([o, p, s]) => new Shrink(o, p, s)),
    fc.tuple(pages, len).map(([o, l]) => new Find(o, l)),
    fc.boolean().map((l) => new FirstLast(l)),
    fc.tuple(fc.nat(), fc.boolean()).map(([p, v]) => new NextPrev(p, v)),
  ];
}

export const reservationSequences: PropertyDef = {
  name: 'pmem2_vm_reservation/sequences',
  implementation: 'libpmem2',
  page: 'pmem2_vm_reservation_new(3) [model]',
  function: 'pmem2_vm_reservation_*',
  title:
    'sequences of map, delete, extend, shrink and map_find/first/last/next/prev on one reservation agree with an interval model after every step',
  weight: 0.9,
  reads:
    'pmem2_vm_reservation_new(3), pmem2_vm_reservation_extend(3), pmem2_vm_reservation_map_find(3), pmem2_map_new(3), pmem2_map_delete(3)',
  run(ctx: PropertyContext) {
    const page = ctx.caps.pageSize;
    const file = path.join(ctx.fixture.directory(), `prop-rsv-${process.pid}`);
    const fd = fs.openSync(file, 'w+', 0o600);
    fs.ftruncateSync(fd, 4 * page);
    const src = ctx.addon.sourceFromFd(fd).source!;
    try {
      return checkProperty(
        ctx,
        fc.commands(commandArbitraries(), {
          maxCommands: 30,
          size: 'large',
          ...(ctx.fc.path && splitPath(ctx.fc.path).commands !== undefined ? { replayPath: splitPath(ctx.fc.path).commands! } : {}),
        }),
        (cmds, hits) => {
          const a = ctx.addon;
          const initial = BigInt(4 * page);
          const r = a.reservationNew(0, initial);
          if (r.code !== 0) throw new Error(`pmem2_vm_reservation_new failed: ${codeName(r.code)}`);
          const real: Real = {
            a,
            rsv: r.reservation!,
            origin: a.reservationGetAddress(r.reservation!),
            src,
            maps: new Map(),
            known: ctx.known,
            hits,
            log: [],
          };
          try {
            fc.modelRun(() => ({ model: M.newModel(page, initial), real }), cmds);
          } finally {
            for (const map of real.maps.values()) a.mapDelete(map);
            a.reservationDelete(real.rsv);
          }
        },
      );
    } finally {
      ctx.addon.sourceDelete(src);
      fs.closeSync(fd);
      fs.rmSync(file, { force: true });
    }
  },
};
