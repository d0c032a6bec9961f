/**
 * pmemset_remove_part_map(3).
 */
import type { CaseDef, Suite } from './framework.js';
import { hex, observed } from './pmem2_util.js';
import { newSet, S } from './pmemset_util.js';
import { keep, mapSizedPart, page, partMaps, showDesc } from './pmemset_page_util.js';

const FN = 'pmemset_remove_part_map';

const cases: CaseDef[] = [
  {
    key: `${FN}/RETURN VALUE#1`,
    situation: 'remove the only part map of a set, acquired with pmemset_first_part_map',
    fixtures: 'devdax',
    run: (ctx) => {
      const { set } = newSet(ctx);
      mapSizedPart(ctx, set, page(ctx));
      const pm = keep(ctx, ctx.addon.setFirstPartMap(set).partMap);
      if (!pm) return { skip: 'pmemset_first_part_map found no part map (see the pmemset_first_part_map suite)' };
      return { observed: observed(`${FN}(only part map)`, ctx.addon.setRemovePartMap(set, pm)), permitted: ['0'] };
    },
  },
  {
    key: `${FN}/PMEMSET_E_PART_NOT_FOUND#1`,
    situation: 'remove from set A a part map of set B',
    fixtures: 'devdax',
    run: (ctx) => {
      const a = newSet(ctx).set;
      mapSizedPart(ctx, a, page(ctx));
      const b = newSet(ctx).set;
      mapSizedPart(ctx, b, page(ctx));
      const pm = keep(ctx, ctx.addon.setFirstPartMap(b).partMap);
      if (!pm) return { skip: 'pmemset_first_part_map found no part map (see the pmemset_first_part_map suite)' };
      return {
        observed: observed(`${FN}(part map of another set)`, ctx.addon.setRemovePartMap(a, pm)),
        permitted: ['PMEMSET_E_PART_NOT_FOUND'],
      };
    },
  },
  {
    key: `${FN}/fails when referenced more than once#1`,
    situation: 'a part map referenced twice (pmemset_first_part_map and pmemset_part_map_by_address), then removed',
    note: 'The page names no error for this; any negative code is the failure it describes (our library answers PMEMSET_E_PART_MAP_POSSIBLE_USE_AFTER_DROP, native/libpmemset/README.md choice 15).',
    fixtures: 'devdax',
    run: (ctx) => {
      const { set } = newSet(ctx);
      const d = mapSizedPart(ctx, set, page(ctx));
      const pm = keep(ctx, ctx.addon.setFirstPartMap(set).partMap);
      keep(ctx, ctx.addon.setPartMapByAddress(set, d.addr).partMap);
      if (!pm) return { skip: 'pmemset_first_part_map found no part map (see the pmemset_first_part_map suite)' };
      const r = ctx.addon.setRemovePartMap(set, pm);
      const o = observed(`${FN}(part map referenced twice)`, r);
      return { observed: o, permitted: r.code < 0 ? [o.name] : ['a negative error code'] };
    },
  },
  {
    key: `${FN}/coalesced parts all removed#1`,
    situation: 'FULL coalescing: two 1-page parts make one part map; removing it unmaps both parts',
    fixtures: 'devdax',
    run: (ctx) => {
      const { set } = newSet(ctx, { coalescing: S.FULL });
      const a = mapSizedPart(ctx, set, page(ctx));
      const b = mapSizedPart(ctx, set, page(ctx));
      const pm = keep(ctx, ctx.addon.setFirstPartMap(set).partMap);
      if (!pm) return { skip: 'pmemset_first_part_map found no part map (see the pmemset_first_part_map suite)' };
      const r = ctx.addon.setRemovePartMap(set, pm);
      let failure: string | undefined;
      if (r.code === 0) {
        const left = partMaps(ctx, set);
        const mapped = [a, b].filter((d) => ctx.addon.isMapped(d.addr, d.size, 'rw'));
        if (left.length) failure = `the set still has part maps ${left.map(showDesc).join(', ')}`;
        else if (mapped.length) failure = `part(s) ${mapped.map((d) => hex(d.addr)).join(', ')} still mapped read-write`;
      }
      return { observed: observed(`${FN}(coalesced part map of two parts)`, r), permitted: ['0'], ...(failure ? { failure } : {}) };
    },
  },
  {
    key: `${FN}/pointer cleared on success#1`,
    situation: 'remove a part map: the variable passed via pmap_ptr is NULL afterwards',
    fixtures: 'devdax',
    run: (ctx) => {
      const { set } = newSet(ctx);
      mapSizedPart(ctx, set, page(ctx));
      const pm = keep(ctx, ctx.addon.setFirstPartMap(set).partMap);
      if (!pm) return { skip: 'pmemset_first_part_map found no part map (see the pmemset_first_part_map suite)' };
      const r = ctx.addon.setRemovePartMap(set, pm);
      return {
        observed: observed(FN, r, { pointerCleared: r.pointerCleared }),
        permitted: ['0'],
        ...(r.code === 0 && !r.pointerCleared ? { failure: '*pmap_ptr is not NULL after a successful removal' } : {}),
      };
    },
  },
];

export const suite: Suite = { name: FN, implementation: 'libpmemset', pages: [FN], cases };
