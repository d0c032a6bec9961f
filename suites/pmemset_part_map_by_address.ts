/**
 * pmemset_part_map_by_address(3).
 */
import type { CaseDef, Suite } from './framework.js';
import { hex, observed } from './pmem2_util.js';
import { newSet } from './pmemset_util.js';
import { keep, mapSizedPart, page, showDesc } from './pmemset_page_util.js';

const FN = 'pmemset_part_map_by_address';

const cases: CaseDef[] = [
  {
    key: `${FN}/RETURN VALUE#1`,
    situation: 'the address of the first byte of a 2-page part',
    fixtures: 'devdax',
    run: (ctx) => {
      const { set } = newSet(ctx);
      const d = mapSizedPart(ctx, set, 2 * page(ctx));
      const r = ctx.addon.setPartMapByAddress(set, d.addr);
      keep(ctx, r.partMap);
      return { observed: observed(`${FN}(first byte of the part)`, r), permitted: ['0'] };
    },
  },
  {
    key: `${FN}/PMEMSET_E_CANNOT_FIND_PART_MAP#1`,
    situation: 'the address of a part of another set (mapped memory, not in this set)',
    fixtures: 'devdax',
    run: (ctx) => {
      const { set } = newSet(ctx);
      mapSizedPart(ctx, set, page(ctx));
      const other = newSet(ctx).set;
      const d = mapSizedPart(ctx, other, page(ctx));
      const r = ctx.addon.setPartMapByAddress(set, d.addr);
      keep(ctx, r.partMap);
      return { observed: observed(`${FN}(address of another set's part)`, r), permitted: ['PMEMSET_E_CANNOT_FIND_PART_MAP'] };
    },
  },
  {
    key: `${FN}/part map contains addr#1`,
    situation: 'two parts (no coalescing): the last byte of each finds the part map that holds it',
    fixtures: 'devdax',
    run: (ctx) => {
      const { set } = newSet(ctx);
      const parts = [mapSizedPart(ctx, set, page(ctx)), mapSizedPart(ctx, set, 3 * page(ctx))];
      for (const d of parts) {
        const last = d.addr + d.size - 1n;
        const r = ctx.addon.setPartMapByAddress(set, last);
        if (r.code !== 0 || !r.partMap) return { observed: observed(`${FN}(${hex(last)})`, r), permitted: ['0'] };
        const found = ctx.addon.setDescriptorPartMap(r.partMap);
        ctx.addon.setPartMapDrop(r.partMap);
        if (!(found.addr <= last && last < found.addr + found.size)) {
          return {
            observed: observed(`${FN}(${hex(last)})`, r),
            permitted: ['0'],
            failure: `the part map found, ${showDesc(found)}, does not contain ${hex(last)}`,
          };
        }
      }
      return { observed: observed(`${FN}(last byte of each of two parts)`, { code: 0 }), permitted: ['0'] };
    },
  },
];

export const suite: Suite = { name: FN, implementation: 'libpmemset', pages: [FN], cases };
