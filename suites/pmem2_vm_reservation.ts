/**
 * pmem2_vm_reservation_new(3) / pmem2_vm_reservation_delete(3): one case
 * per documented clause of the page (which describes both functions).
 */
import os from 'node:os';
import { codeName } from '../runner/core/constants.js';
import { seccomp } from '../runner/core/technique.js';
import type { CaseContext, CaseDef, Suite } from './framework.js';
import {
  addressMapped,
  CAP_IPC_LOCK,
  childOutcome,
  config,
  fileSource,
  hex,
  listedErrors,
  mapNew,
  mappedRanges,
  newlyMapped,
  observed,
  OOM_HEADROOM,
  OOM_REQUEST,
  reservation,
  SetupError,
} from './pmem2_util.js';

const NEW = 'pmem2_vm_reservation_new';
const DEL = 'pmem2_vm_reservation_delete';

/** a page-aligned address with `size` free bytes behind it, found without the library */
function freeAddress(ctx: CaseContext, size: number): bigint {
  return ctx.addon.freeAddress(size, ctx.unit);
}

/** pmem2_vm_reservation_new with the reservation deleted at the end of the case */
function rsvNew(ctx: CaseContext, addr: bigint | number, size: number | bigint) {
  const r = ctx.addon.reservationNew(addr, size);
  if (r.reservation) {
    const rsv = r.reservation;
    ctx.defer(() => void ctx.addon.reservationDelete(rsv));
  }
  return r;
}

/** a reservation holding one 1-page mapping at offset 0 */
function occupiedReservation(ctx: CaseContext) {
  const p = ctx.unit;
  const r = ctx.addon.reservationNew(0, 2 * p);
  if (r.code !== 0) throw new Error(`${NEW} failed: ${codeName(r.code)}`);
  const rsv = r.reservation!;
  const { src } = fileSource(ctx, p);
  const m = ctx.addon.mapNew(config(ctx, { reservation: rsv, reservationOffset: 0, length: p }), src);
  if (m.code !== 0) throw new Error(`pmem2_map_new into the reservation failed: ${codeName(m.code)}`);
  // the map goes first, then the reservation can go
  ctx.defer(() => void ctx.addon.reservationDelete(rsv));
  ctx.defer(() => void ctx.addon.mapDelete(m.map!));
  return { rsv, map: m.map! };
}

const cases: CaseDef[] = [
  {
    key: 'pmem2_vm_reservation_new/RETURN VALUE#1',
    fixtures: 'devdax',
    situation: 'reserve 4 pages anywhere, then delete the empty reservation',
    run: (ctx) => {
      const r = ctx.addon.reservationNew(0, 4 * ctx.unit);
      if (r.code !== 0) return { observed: observed(`${NEW}(NULL, 4 pages)`, r), permitted: ['0'] };
      const d = ctx.addon.reservationDelete(r.reservation!);
      // the sentence covers both functions: report the first that is not 0
      const o = d.code !== 0 ? observed(`${DEL}(empty reservation)`, d) : observed(`${NEW}(NULL, 4 pages) and ${DEL}`, r);
      return { observed: o, permitted: ['0'] };
    },
  },
  {
    key: 'pmem2_vm_reservation_new/RETURN VALUE#2',
    fixtures: 'devdax',
    situation: 'reserve 1 page at a free page-aligned address',
    run: (ctx) => {
      const p = ctx.unit;
      const a = freeAddress(ctx, p);
      const r = rsvNew(ctx, a, p);
      return { observed: observed(`${NEW}(0x${a.toString(16)}, 1 page)`, r), permitted: ['0'] };
    },
  },
  {
    key: 'pmem2_vm_reservation_new/PMEM2_E_ADDRESS_UNALIGNED#1',
    fixtures: 'devdax',
    situation: 'addr one byte past a free page-aligned address',
    textMatches: /not aligned/,
    run: (ctx) => {
      const p = ctx.unit;
      const a = freeAddress(ctx, 2 * p) + 1n;
      const r = rsvNew(ctx, a, p);
      return {
        observed: observed(`${NEW}(0x${a.toString(16)}, 1 page)`, r, { rsvPtr: r.rsvPtr }),
        permitted: ['PMEM2_E_ADDRESS_UNALIGNED'],
      };
    },
  },
  {
    key: 'pmem2_vm_reservation_new/PMEM2_E_MAPPING_EXISTS#1',
    fixtures: 'devdax',
    situation:
      'reserve 4 pages starting 1 page after the start of an existing 4-page reservation, and starting 1 page below it; and 4 pages over a 4-page pmem2_map_new map (same start), over its lower half (from 2 pages below it) and over its upper half (from 2 pages into it)',
    textMatches: /already exists/,
    run: (ctx) => {
      const p = BigInt(ctx.unit);
      const first = reservation(ctx, 4n * p);
      const a = ctx.addon.reservationGetAddress(first);
      const { src } = fileSource(ctx, 4 * ctx.unit);
      const m = mapNew(ctx, config(ctx, { length: 4 * ctx.unit }), src);
      if (m.code !== 0 || !m.map) throw new SetupError(`pmem2_map_new(4-page file) returned ${codeName(m.code)}`);
      const b = ctx.addon.mapGetAddress(m.map);
      const tries: [string, bigint][] = [
        ['1 page into an existing reservation', a + p],
        ['1 page below an existing reservation', a - p],
        ['over a pmem2_map_new map', b],
        ["over a map's lower half", b - 2n * p],
        ["over a map's upper half", b + 2n * p],
      ];
      const results = tries.map(([what, at]) => [what, rsvNew(ctx, at, 4n * p)] as const);
      const details = Object.fromEntries(results.map(([w, r]) => [w, codeName(r.code)]));
      const [what, r] = results.find(([, x]) => codeName(x.code) !== 'PMEM2_E_MAPPING_EXISTS') ?? results[0]!;
      return { observed: observed(`${NEW}(${what})`, r, { ...details, rsvPtr: r.rsvPtr }), permitted: ['PMEM2_E_MAPPING_EXISTS'] };
    },
  },
  {
    key: 'pmem2_vm_reservation_new/-EAGAIN#1',
    fixtures: 'devdax',
    situation: 'in a child: mlockall(MCL_FUTURE), RLIMIT_MEMLOCK of 1 page and no CAP_IPC_LOCK, then reserve 64 pages',
    run: (ctx) =>
      childOutcome(
        `${NEW}(NULL, 64 pages) in a child with memory locked`,
        ctx.addon.forkCall(
          { dropCaps: [CAP_IPC_LOCK], rlimitMemlock: ctx.unit, mlockallFuture: true },
          'reservation_new',
          0,
          64 * ctx.unit,
        ),
        ['-EAGAIN'],
        'lock memory',
        'rlimit:MEMLOCK',
      ),
  },
  {
    key: 'pmem2_vm_reservation_new/-ENOMEM#1',
    fixtures: 'devdax',
    situation: 'in a child whose address-space limit (RLIMIT_AS) leaves 64 MiB free, reserve 1 GiB',
    run: (ctx) =>
      childOutcome(
        `${NEW}(NULL, 1 GiB) in a child with 64 MiB of address space left`,
        ctx.addon.forkCall({ addressSpaceHeadroom: OOM_HEADROOM }, 'reservation_new', 0, OOM_REQUEST),
        ['-ENOMEM'],
        'limit the address space',
        'rlimit:AS',
      ),
  },
  {
    key: 'pmem2_vm_reservation_new/-ENOMEM#2',
    fixtures: 'devdax',
    situation: 'in a child whose address-space limit (RLIMIT_AS) leaves 64 MiB free, reserve 1 GiB (the same situation as -ENOMEM#1)',
    note: 'The page lists -ENOMEM twice (mmap(2), and allocating struct pmem2_vm_reservation). Without interposing on malloc the two cannot be told apart from outside, and an address-space limit tight enough to fail a small malloc also starves a preloaded sanitizer runtime; the case builds the situation where the mmap fails, which the page answers with the same code.',
    run: (ctx) =>
      childOutcome(
        `${NEW}(NULL, 1 GiB) in a child with 64 MiB of address space left`,
        ctx.addon.forkCall({ addressSpaceHeadroom: OOM_HEADROOM }, 'reservation_new', 0, OOM_REQUEST),
        ['-ENOMEM'],
        'limit the address space',
        'rlimit:AS',
      ),
  },
  {
    key: 'pmem2_vm_reservation_delete/PMEM2_E_RESERVATION_NOT_EMPTY#1',
    fixtures: 'devdax',
    situation: 'delete a reservation that holds a mapping',
    textMatches: /contains mappings/,
    run: (ctx) => {
      const { rsv } = occupiedReservation(ctx);
      const r = ctx.addon.reservationDelete(rsv);
      return {
        observed: observed(`${DEL}(reservation holding a mapping)`, r, { rsvPtr: r.rsvPtr }),
        permitted: ['PMEM2_E_RESERVATION_NOT_EMPTY'],
      };
    },
  },
  {
    key: 'pmem2_vm_reservation_delete/errors of munmap(2)#1',
    fixtures: 'devdax',
    situation:
      'in a forked child whose munmap(2) a seccomp filter makes fail with EINVAL: delete an empty 8-page reservation (made before the filter)',
    note: "munmap(2) of the reservation's own page-aligned range cannot fail with EINVAL on Linux (it needs a bad range, which the library computes itself), so the failure is injected at the system call: what is checked is that the library passes munmap's error through.",
    run: (ctx) => {
      const r = ctx.addon.forkInject({ syscall: 'munmap', errno: os.constants.errno.EINVAL }, 'reservation_delete', 8 * ctx.caps.pageSize);
      return childOutcome(
        `${DEL}(empty 8-page reservation, munmap failing with EINVAL) in a child`,
        r,
        ['-EINVAL'],
        'install the seccomp filter',
        seccomp('munmap', 'EINVAL'),
      );
    },
  },
  {
    key: 'pmem2_vm_reservation_new/not supported yet#1',
    fixtures: 'devdax',
    situation: 'a plain reservation on this platform',
    note: 'The seed copy carries a second ERRORS section saying both functions "are not supported yet" (the wording of another platform\'s build of the page). On Linux the functions work, so this sentence diverges from the library.',
    run: (ctx) => {
      const r = rsvNew(ctx, 0, ctx.unit);
      return { observed: observed(`${NEW}(NULL, 1 page)`, r), permitted: ['PMEM2_E_NOSUPP'] };
    },
  },
  {
    key: 'pmem2_vm_reservation_delete/not supported yet#1',
    fixtures: 'devdax',
    situation: 'delete a plain empty reservation on this platform',
    note: 'See pmem2_vm_reservation_new/not supported yet#1.',
    run: (ctx) => {
      const r = ctx.addon.reservationNew(0, ctx.unit);
      if (r.code !== 0) return { skip: `cannot make a reservation to delete: ${codeName(r.code)}` };
      const d = ctx.addon.reservationDelete(r.reservation!);
      return { observed: observed(`${DEL}(empty reservation)`, d), permitted: ['PMEM2_E_NOSUPP'] };
    },
  },
  {
    key: 'pmem2_vm_reservation_new/new reservation stored in rsv_ptr#1',
    fixtures: 'devdax',
    situation: 'reserve 8 pages at a free address: *rsv_ptr set, address and size as asked',
    run: (ctx) => {
      const p = ctx.unit;
      const want = freeAddress(ctx, 8 * p);
      const r = rsvNew(ctx, want, 8 * p);
      const details: Record<string, string> = { rsvPtr: r.rsvPtr };
      let failure: string | undefined;
      if (r.reservation) {
        const a = ctx.addon.reservationGetAddress(r.reservation);
        const s = ctx.addon.reservationGetSize(r.reservation);
        details.address = `0x${a.toString(16)}`;
        details.size = String(s);
        if (a !== want) failure = `reserved at 0x${a.toString(16)}, asked for 0x${want.toString(16)}`;
        else if (s !== BigInt(8 * p)) failure = `pmem2_vm_reservation_get_size() is ${s}, asked for ${8 * p}`;
        else if (!addressMapped(a, s)) failure = 'the reserved range is not mapped in the process';
      } else if (r.code === 0) failure = `returned 0 but *rsv_ptr is ${r.rsvPtr}`;
      return {
        observed: observed(`${NEW}(0x${want.toString(16)}, 8 pages)`, r, details),
        permitted: ['0'],
        ...(failure ? { failure } : {}),
      };
    },
  },
  {
    key: 'pmem2_vm_reservation_new/addr may be NULL#1',
    fixtures: 'devdax',
    situation: 'reserve 2 pages with addr NULL: the library picks an aligned address',
    run: (ctx) => {
      const p = ctx.unit;
      const r = rsvNew(ctx, 0, 2 * p);
      let failure: string | undefined;
      const details: Record<string, string> = {};
      if (r.reservation) {
        const a = ctx.addon.reservationGetAddress(r.reservation);
        details.address = `0x${a.toString(16)}`;
        if (a === 0n || a % BigInt(p) !== 0n) failure = `address 0x${a.toString(16)} is not page-aligned`;
      }
      return { observed: observed(`${NEW}(NULL, 2 pages)`, r, details), permitted: ['0'], ...(failure ? { failure } : {}) };
    },
  },
  {
    key: 'pmem2_vm_reservation_new/size must be aligned#1',
    fixtures: 'devdax',
    situation: 'reserve one page plus one byte',
    note: 'The page says the size must be aligned but lists no error for an unaligned one; the outcome is compared with the errors the page lists.',
    run: (ctx) => {
      const r = rsvNew(ctx, 0, ctx.unit + 1);
      return { observed: observed(`${NEW}(NULL, 1 page + 1)`, r, { rsvPtr: r.rsvPtr }), permitted: listedErrors(ctx) };
    },
  },
  {
    key: 'pmem2_vm_reservation_delete/reservation kept when delete fails#1',
    fixtures: 'devdax',
    situation: 'a failed delete (reservation holds a mapping) leaves *rsv_ptr and the reserved range in place',
    run: (ctx) => {
      const { rsv } = occupiedReservation(ctx);
      const r = ctx.addon.reservationDelete(rsv);
      const details: Record<string, string> = { rsvPtr: r.rsvPtr };
      let failure: string | undefined;
      if (r.code === 0)
        return {
          observed: observed(`${DEL}(reservation holding a mapping)`, r, details),
          permitted: ['PMEM2_E_RESERVATION_NOT_EMPTY', 'PMEM2_E_VM_RESERVATION_NOT_EMPTY'],
          failure: 'delete succeeded although the reservation holds a mapping',
        };
      if (r.rsvPtr !== 'unchanged') failure = `after the failed delete *rsv_ptr is ${r.rsvPtr}`;
      else {
        const a = ctx.addon.reservationGetAddress(rsv);
        const s = ctx.addon.reservationGetSize(rsv);
        if (!addressMapped(a, s)) failure = 'the reserved range was unmapped by the failed delete';
      }
      const o = observed(`${DEL}(reservation holding a mapping)`, r, details);
      return { observed: o, permitted: [o.name], ...(failure ? { failure } : {}) };
    },
  },
  {
    key: 'pmem2_vm_reservation_delete/delete unmaps the reservation#1',
    fixtures: 'devdax',
    situation: 'reserve 8 pages; after the delete, nothing the reservation mapped is still mapped',
    note: 'What the reservation "had assigned" is read from /proc/self/maps around pmem2_vm_reservation_new: the library may map more than the size asked (it aligns reservations to large pages), and all of it must go.',
    run: (ctx) => {
      const p = ctx.unit;
      const before = mappedRanges();
      const r = ctx.addon.reservationNew(0, 8 * p);
      if (r.code !== 0) return { skip: `cannot make a reservation: ${codeName(r.code)}` };
      const a = ctx.addon.reservationGetAddress(r.reservation!);
      // other threads of node may map memory meanwhile: keep what holds the reservation's address
      const assigned = newlyMapped(before, mappedRanges()).filter((x) => x.lo <= a && a < x.hi);
      const d = ctx.addon.reservationDelete(r.reservation!);
      const after = mappedRanges();
      const left = assigned.filter((x) => after.some((y) => y.lo < x.hi && x.lo < y.hi));
      const details: Record<string, string> = {
        address: hex(a),
        assigned: assigned.map((x) => `${hex(x.lo)}-${hex(x.hi)}`).join(', '),
      };
      let failure: string | undefined;
      if (d.code === 0 && left.length) {
        details.stillMapped = left.map((x) => `${hex(x.lo)}-${hex(x.hi)}`).join(', ');
        failure = `after the delete, ${details.stillMapped} of what the reservation mapped is still mapped (the reservation was ${8 * p} bytes; the call had mapped ${details.assigned})`;
      }
      return { observed: observed(`${DEL}(empty 8-page reservation)`, d, details), permitted: ['0'], ...(failure ? { failure } : {}) };
    },
  },
  {
    key: 'pmem2_vm_reservation_new/largest page alignment#1',
    fixtures: 'devdax',
    situation:
      'reservations of 4 pages, of 2 MiB and of 6 MiB: the small one is page-aligned, the two of 2 MiB or more start on a 2 MiB boundary (x86_64 and aarch64 with 4 KiB pages: the large page is 2 MiB)',
    run: (ctx) => {
      // reservations only: the medium plays no part, so the page is the system's
      const p = ctx.caps.pageSize;
      const MiB2 = 2n * 1024n * 1024n;
      if (p !== 4096 || !['x64', 'arm64'].includes(process.arch))
        return { skip: `the large page of ${process.arch} with ${p}-byte pages is not known here` };
      const sizes: [string, bigint, bigint][] = [
        ['4 pages', BigInt(4 * p), BigInt(p)],
        ['2 MiB', MiB2, MiB2],
        ['6 MiB', 3n * MiB2, MiB2],
      ];
      const got = sizes.map(([what, size, align]) => {
        const r = rsvNew(ctx, 0, size);
        const a = r.reservation ? ctx.addon.reservationGetAddress(r.reservation) : undefined;
        return { what, align, r, a };
      });
      const failedCall = got.find((g) => g.r.code !== 0);
      if (failedCall) return { observed: observed(`${NEW}(NULL, ${failedCall.what})`, failedCall.r), permitted: ['0'] };
      const details = Object.fromEntries(got.map((g) => [g.what, hex(g.a!)]));
      const off = got.find((g) => g.a! % g.align !== 0n);
      return {
        observed: observed(`${NEW}(NULL, 6 MiB)`, got[2]!.r, details),
        permitted: ['0'],
        ...(off ? { failure: `the ${off.what} reservation starts at ${hex(off.a!)}, not on a ${off.align}-byte boundary` } : {}),
      };
    },
  },
];

export const suite: Suite = {
  name: 'pmem2_vm_reservation',
  implementation: 'libpmem2',
  pages: ['pmem2_vm_reservation_new'],
  cases,
};
