/**
 * pmemset_part_map_drop(3).
 */
import type { CaseDef, Suite } from './framework.js';
import { observed } from './pmem2_util.js';
import { newSet } from './pmemset_util.js';
import { labelled, mapSizedPart, page } from './pmemset_page_util.js';

const cases: CaseDef[] = [
  {
    key: 'pmemset_part_map_drop/RETURN VALUE#1',
    situation: 'drop a part map acquired with pmemset_first_part_map: *pmap is NULL',
    fixtures: 'devdax',
    run: (ctx) => {
      const { set } = newSet(ctx);
      mapSizedPart(ctx, set, page(ctx));
      const pm = ctx.addon.setFirstPartMap(set).partMap;
      if (!pm) return labelled('pmemset_first_part_map', 'pmap NULL', 'pmap NULL after drop');
      const r = ctx.addon.setPartMapDrop(pm);
      return labelled('pmemset_part_map_drop', r.pointerCleared ? 'pmap NULL after drop' : 'pmap still set', 'pmap NULL after drop');
    },
  },
  {
    key: 'pmemset_part_map_drop/reference dropped#1',
    situation:
      'acquire a part map with pmemset_part_map_by_address, drop it, then remove its range: the removal is not refused for a reference',
    fixtures: 'devdax',
    run: (ctx) => {
      const { set } = newSet(ctx);
      const d = mapSizedPart(ctx, set, page(ctx));
      const by = ctx.addon.setPartMapByAddress(set, d.addr);
      if (!by.partMap) return { observed: observed('pmemset_part_map_by_address', by), permitted: ['0'] };
      ctx.addon.setPartMapDrop(by.partMap);
      return {
        observed: observed('pmemset_remove_range(part whose reference was dropped)', ctx.addon.setRemoveRange(set, d.addr, d.size)),
        permitted: ['0'],
      };
    },
  },
];

export const suite: Suite = { name: 'pmemset_part_map_drop', implementation: 'libpmemset', pages: ['pmemset_part_map_drop'], cases };
