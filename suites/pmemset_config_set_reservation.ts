/**
 * pmemset_config_set_reservation(3).
 */
import type { CaseDef, Suite } from './framework.js';
import { check, hex, observed, reservation } from './pmem2_util.js';
import { fileSource as fileSourceOf, newSet, partConfig } from './pmemset_util.js';
import { page, voidOutcome } from './pmemset_page_util.js';

const cases: CaseDef[] = [
  {
    key: 'pmemset_config_set_reservation/RETURN VALUE#1',
    situation:
      'set a 4-page reservation in a config, make the set and map a 1-page part (on device DAX, pages are units and the part the first unit of the device)',
    note: 'The function returns no value: the case checks that the call is accepted and the set made from the config maps a part.',
    fixtures: 'devdax',
    run: (ctx) => {
      const rsv = reservation(ctx, 4 * page(ctx));
      const { set } = newSet(ctx, { reservation: rsv });
      const { src } = fileSourceOf(ctx, page(ctx));
      const m = ctx.addon.setMap(set, src, partConfig(ctx, page(ctx)), true);
      check(`pmemset_map(${page(ctx)} bytes)`, m);
      const d = m.descriptor!;
      return voidOutcome('pmemset_config_set_reservation(config, 4-page reservation)', undefined, { part: hex(d.addr) });
    },
  },
  {
    key: 'pmemset_config_set_reservation/every part mapped into the reservation#1',
    situation:
      'a set bound to an 8-page reservation: three parts (1, 2 and 3 pages) all land inside it (on device DAX, pages are units and each part the first units of the device)',
    fixtures: 'devdax',
    run: (ctx) => {
      const p = page(ctx);
      const rsv = reservation(ctx, 8 * p);
      const base = ctx.addon.reservationGetAddress(rsv);
      const end = base + BigInt(8 * p);
      const { set } = newSet(ctx, { reservation: rsv });
      const parts = [];
      for (const n of [1, 2, 3]) {
        const { src } = fileSourceOf(ctx, n * p);
        const r = ctx.addon.setMap(set, src, partConfig(ctx, n * p), true);
        if (r.code !== 0) return { observed: observed(`pmemset_map(${n}-page part into the reservation)`, r), permitted: ['0'] };
        parts.push(r.descriptor!);
      }
      const out = parts.find((d) => d.addr < base || d.addr + d.size > end);
      return voidOutcome(
        'pmemset_map of three parts into an 8-page reservation',
        out ? `part ${hex(out.addr)} +${out.size} lies outside the reservation ${hex(base)} +${8 * p}` : undefined,
        { reservation: hex(base), parts: parts.map((d) => hex(d.addr)).join(', ') },
      );
    },
  },
];

export const suite: Suite = {
  name: 'pmemset_config_set_reservation',
  implementation: 'libpmemset',
  pages: ['pmemset_config_set_reservation'],
  cases,
};
