/**
 * pmemset_first_part_map(3): pmemset_first_part_map and
 * pmemset_next_part_map. Both return nothing; the addon passes a variable
 * holding NULL, so "set to NULL on failure" is seen as "left NULL".
 */
import type { CaseDef, Suite } from './framework.js';
import { hex } from './pmem2_util.js';
import { newSet } from './pmemset_util.js';
import { keep, labelled, mapSizedPart, page, showDesc } from './pmemset_page_util.js';

const cases: CaseDef[] = [
  {
    key: 'pmemset_first_part_map/RETURN VALUE#1',
    situation: 'pmemset_first_part_map of a set with no part: *pmap is NULL',
    fixtures: 'devdax',
    run: (ctx) => {
      const { set } = newSet(ctx);
      const pm = keep(ctx, ctx.addon.setFirstPartMap(set).partMap);
      return labelled(
        'pmemset_first_part_map(empty set)',
        pm ? 'pmap set' : 'pmap NULL',
        'pmap NULL',
        pm ? { found: showDesc(ctx.addon.setDescriptorPartMap(pm)) } : undefined,
      );
    },
  },
  {
    key: 'pmemset_next_part_map/RETURN VALUE#1',
    situation: 'pmemset_next_part_map after the only part map of a set: *next is NULL',
    fixtures: 'devdax',
    run: (ctx) => {
      const { set } = newSet(ctx);
      mapSizedPart(ctx, set, page(ctx));
      const first = keep(ctx, ctx.addon.setFirstPartMap(set).partMap);
      if (!first) return labelled('pmemset_first_part_map(set with one part)', 'pmap NULL', 'pmap set');
      const next = keep(ctx, ctx.addon.setNextPartMap(set, first).partMap);
      return labelled('pmemset_next_part_map(last part map)', next ? 'next set' : 'next NULL', 'next NULL');
    },
  },
  {
    key: 'pmemset_first_part_map/reads the first mapping#1',
    situation: 'two parts mapped without coalescing: pmemset_first_part_map gives one of them',
    fixtures: 'devdax',
    run: (ctx) => {
      const { set } = newSet(ctx);
      const parts = [mapSizedPart(ctx, set, page(ctx)), mapSizedPart(ctx, set, 2 * page(ctx))];
      const pm = keep(ctx, ctx.addon.setFirstPartMap(set).partMap);
      if (!pm) return labelled('pmemset_first_part_map(two parts)', 'pmap NULL', 'a part map of the set');
      const d = ctx.addon.setDescriptorPartMap(pm);
      const ok = parts.some((x) => x.addr === d.addr && x.size === d.size);
      return labelled(
        'pmemset_first_part_map(two parts)',
        ok ? 'a part map of the set' : `part map ${showDesc(d)}`,
        'a part map of the set',
        { parts: parts.map(showDesc).join(', ') },
      );
    },
  },
  {
    key: 'pmemset_next_part_map/reads the mapping after cur#1',
    situation: 'two parts mapped without coalescing: next(first) gives the other part map, next of that gives NULL',
    fixtures: 'devdax',
    run: (ctx) => {
      const { set } = newSet(ctx);
      const parts = [mapSizedPart(ctx, set, page(ctx)), mapSizedPart(ctx, set, 2 * page(ctx))];
      const first = keep(ctx, ctx.addon.setFirstPartMap(set).partMap);
      if (!first) return labelled('pmemset_first_part_map(two parts)', 'pmap NULL', 'the other part map, then NULL');
      const d1 = ctx.addon.setDescriptorPartMap(first);
      const second = keep(ctx, ctx.addon.setNextPartMap(set, first).partMap);
      const d2 = second ? ctx.addon.setDescriptorPartMap(second) : undefined;
      const third = second ? keep(ctx, ctx.addon.setNextPartMap(set, second).partMap) : undefined;
      const other = parts.find((x) => x.addr !== d1.addr);
      const ok = d2 !== undefined && other !== undefined && d2.addr === other.addr && !third;
      const seen = `next ${showDesc(d2)}${third ? ', then another part map' : ', then NULL'}`;
      return labelled(
        'pmemset_next_part_map over two parts',
        ok ? 'the other part map, then NULL' : seen,
        'the other part map, then NULL',
        { first: hex(d1.addr), parts: parts.map(showDesc).join(', ') },
      );
    },
  },
];

export const suite: Suite = { name: 'pmemset_first_part_map', implementation: 'libpmemset', pages: ['pmemset_first_part_map'], cases };
