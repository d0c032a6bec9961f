/**
 * pmem2_map_get_store_granularity(3): the granularity of a shared file map
 * is what the fixture gives (fixtureGranularity: probed MAP_SYNC and
 * persistence domain, or what PMEM2_FORCE_GRANULARITY forces), for every
 * required granularity the fixture can satisfy.
 */
import type { CaseDef, Suite } from './framework.js';
import { fileMap, labelled } from './pmem2_fn_util.js';
import { C, fixtureGranularity, GRANULARITY_NAMES } from './pmem2_util.js';

const short = (g: number) => (GRANULARITY_NAMES[g] ?? String(g)).replace('PMEM2_GRANULARITY_', '');

const cases: CaseDef[] = [
  {
    key: 'pmem2_map_get_store_granularity/RETURN VALUE#1',
    fixtures: 'devdax',
    situation:
      'map a 2-page file with each required granularity the fixture can satisfy (PAGE, and CACHE_LINE or BYTE where it gives them): the granularity read back is the one the fixture gives',
    run: (ctx) => {
      const gives = fixtureGranularity(ctx);
      const coarsest = Math.max(...gives);
      const required = [C.PAGE, C.CACHE_LINE, C.BYTE].filter((g) => g >= coarsest);
      const details: Record<string, string> = { fixtureGives: gives.map(short).join(' or ') };
      const wrong: string[] = [];
      for (const r of required) {
        const m = fileMap(ctx, 2, 1, { granularity: r });
        const g = ctx.addon.mapGetStoreGranularity(m.map);
        details[`required ${short(r)}`] = short(g);
        if (!gives.includes(g))
          wrong.push(`required ${short(r)}: returned ${short(g)}, the fixture gives ${gives.map(short).join(' or ')}`);
      }
      return labelled(
        'pmem2_map_get_store_granularity(shared file map)',
        wrong.length ? 'not the granularity the fixture gives' : 'the granularity the fixture gives',
        'the granularity the fixture gives',
        details,
        wrong.join('; '),
      );
    },
  },
];

export const suite: Suite = {
  name: 'pmem2_map_get_store_granularity',
  implementation: 'libpmem2',
  pages: ['pmem2_map_get_store_granularity'],
  cases,
};
