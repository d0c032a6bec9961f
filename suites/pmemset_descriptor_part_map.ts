/**
 * pmemset_descriptor_part_map(3).
 */
import type { CaseDef, Suite } from './framework.js';
import { hex } from './pmem2_util.js';
import { newSet, S } from './pmemset_util.js';
import { keep, labelled, mapSizedPart, page, showDesc } from './pmemset_page_util.js';

const FN = 'pmemset_descriptor_part_map';

const cases: CaseDef[] = [
  {
    key: `${FN}/RETURN VALUE#1`,
    situation: 'the descriptor of the part map of one 2-page part: the address and size pmemset_map stored',
    fixtures: 'devdax',
    run: (ctx) => {
      const { set } = newSet(ctx);
      const d = mapSizedPart(ctx, set, 2 * page(ctx));
      const pm = keep(ctx, ctx.addon.setFirstPartMap(set).partMap);
      if (!pm) return { skip: 'pmemset_first_part_map found no part map (see the pmemset_first_part_map suite)' };
      const got = ctx.addon.setDescriptorPartMap(pm);
      const same = got.addr === d.addr && got.size === d.size;
      return labelled(FN, same ? 'descriptor of the part map' : `descriptor ${showDesc(got)}`, 'descriptor of the part map', {
        mapped: showDesc(d),
      });
    },
  },
  {
    key: `${FN}/address and size of the part map#1`,
    situation: 'FULL coalescing, two parts (1 and 2 pages): the descriptor covers the whole part map (3 pages from the first part)',
    fixtures: 'devdax',
    run: (ctx) => {
      const p = page(ctx);
      const { set } = newSet(ctx, { coalescing: S.FULL });
      const a = mapSizedPart(ctx, set, p);
      const b = mapSizedPart(ctx, set, 2 * p);
      if (b.addr !== a.addr + a.size)
        return { skip: `the parts were not coalesced (${showDesc(a)}, ${showDesc(b)}); see the pmemset_map coalescing case` };
      const pm = keep(ctx, ctx.addon.setPartMapByAddress(set, b.addr).partMap);
      if (!pm) return { skip: 'pmemset_part_map_by_address found no part map (see its suite)' };
      const got = ctx.addon.setDescriptorPartMap(pm);
      const ok = got.addr === a.addr && got.size === BigInt(3 * p);
      return labelled(FN, ok ? 'descriptor of the part map' : `descriptor ${showDesc(got)}`, 'descriptor of the part map', {
        expected: `${hex(a.addr)} +${3 * p}`,
      });
    },
  },
];

export const suite: Suite = { name: FN, implementation: 'libpmemset', pages: [FN], cases };
