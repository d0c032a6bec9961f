/**
 * pmem2_config_set_vm_reservation(3): one case per documented clause. The
 * page has no ERRORS section: the function "always returns 0".
 */
import { codeName } from '../runner/core/constants.js';
import type { CaseDef, Suite } from './framework.js';
import { config, fileSource, hex, mapNew, observed, reservation, SetupError } from './pmem2_util.js';

const FN = 'pmem2_config_set_vm_reservation';

const cases: CaseDef[] = [
  {
    key: 'pmem2_config_set_vm_reservation/RETURN VALUE#1',
    fixtures: 'devdax',
    situation: 'set a 4-page reservation at offsets 0, 1 page, 1 page + 1 (unaligned) and 2^63 (past its end), and a NULL reservation',
    note: 'Offsets are checked by pmem2_map_new, not here: every call must return 0.',
    run: (ctx) => {
      const p = ctx.unit;
      const rsv = reservation(ctx, 4 * p);
      const calls: [string, ReturnType<typeof ctx.addon.configSetVmReservation>][] = [
        ['offset 0', ctx.addon.configSetVmReservation(config(ctx), rsv, 0)],
        ['offset 1 page', ctx.addon.configSetVmReservation(config(ctx), rsv, p)],
        ['offset 1 page + 1', ctx.addon.configSetVmReservation(config(ctx), rsv, p + 1)],
        ['offset 2^63', ctx.addon.configSetVmReservation(config(ctx), rsv, 1n << 63n)],
        ['NULL reservation', ctx.addon.configSetVmReservation(config(ctx), null, 0)],
      ];
      const details = Object.fromEntries(calls.map(([n, r]) => [n, codeName(r.code)]));
      const [n, r] = calls.find(([, x]) => x.code !== 0) ?? calls[0]!;
      return { observed: observed(`${FN}(${n})`, r, details), permitted: ['0'] };
    },
  },
  {
    key: 'pmem2_config_set_vm_reservation/mapping placed at rsv_offset#1',
    fixtures: 'devdax',
    situation:
      'a 4-page reservation first given a map that fails (a 4-page file at offset 2 pages: past its end), then a 1-page file at offset 2 pages: the second lands at reservation address + 2 pages',
    note: "The failed map first is what PMDK's reservation tests do: a reservation must stay usable after a map into it fails.",
    run: (ctx) => {
      const p = ctx.unit;
      const rsv = reservation(ctx, 4 * p);
      const big = fileSource(ctx, 4 * p);
      const failed = mapNew(ctx, config(ctx, { reservation: rsv, reservationOffset: 2 * p, length: 4 * p }), big.src);
      const { src } = fileSource(ctx, p);
      const r = mapNew(ctx, config(ctx, { reservation: rsv, reservationOffset: 2 * p, length: p }), src);
      const base = ctx.addon.reservationGetAddress(rsv);
      const details: Record<string, string> = { reservation: hex(base), failedFirst: String(failed.code !== 0) };
      if (failed.code === 0)
        throw new SetupError('a 4-page map at offset 2 pages of a 4-page reservation succeeded: the failed map could not be made');
      let failure: string | undefined;
      if (r.map) {
        const a = ctx.addon.mapGetAddress(r.map);
        details.map = hex(a);
        if (a !== base + BigInt(2 * p))
          failure = `the mapping is at ${hex(a)}, not at reservation + 2 pages (${hex(base + BigInt(2 * p))})`;
      }
      return {
        observed: observed('pmem2_map_new(reservation offset 2 pages)', r, details),
        permitted: ['0'],
        ...(failure ? { failure } : {}),
      };
    },
  },
];

export const suite: Suite = {
  name: 'pmem2_config_set_vm_reservation',
  implementation: 'libpmem2',
  pages: ['pmem2_config_set_vm_reservation'],
  cases,
};
