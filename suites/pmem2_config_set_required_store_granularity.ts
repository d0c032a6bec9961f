/**
 * pmem2_config_set_required_store_granularity(3): one case per documented clause.
 */
import { codeName } from '../runner/core/constants.js';
import type { CaseDef, Suite } from './framework.js';
import { C, config, fileSource, mapNew, observed } from './pmem2_util.js';

const FN = 'pmem2_config_set_required_store_granularity';
const NAMES = ['BYTE', 'CACHE_LINE', 'PAGE'];

const cases: CaseDef[] = [
  {
    key: 'pmem2_config_set_required_store_granularity/RETURN VALUE#1',
    situation: 'set PMEM2_GRANULARITY_BYTE, CACHE_LINE and PAGE',
    run: (ctx) => {
      const results = [C.BYTE, C.CACHE_LINE, C.PAGE].map(
        (g) => [NAMES[g] ?? String(g), ctx.addon.configSetRequiredStoreGranularity(config(ctx, { granularity: null }), g)] as const,
      );
      const details = Object.fromEntries(results.map(([n, r]) => [n, codeName(r.code)]));
      const [n, r] = results.find(([, x]) => x.code !== 0) ?? results[2]!;
      return { observed: observed(`${FN}(PMEM2_GRANULARITY_${n})`, r, details), permitted: ['0'] };
    },
  },
  {
    key: 'pmem2_config_set_required_store_granularity/PMEM2_E_GRANULARITY_NOT_SUPPORTED#1',
    situation: 'set granularity 3, one past PMEM2_GRANULARITY_PAGE',
    textMatches: /not a valid value/,
    run: (ctx) => ({
      observed: observed(`${FN}(3)`, ctx.addon.configSetRequiredStoreGranularity(config(ctx, { granularity: null }), 3)),
      permitted: ['PMEM2_E_GRANULARITY_NOT_SUPPORTED'],
    }),
  },
  {
    key: 'pmem2_config_set_required_store_granularity/granularity is a maximum#1',
    situation:
      'map a file requiring BYTE, CACHE_LINE and PAGE: each map either fails with PMEM2_E_GRANULARITY_NOT_SUPPORTED or has a granularity no coarser than required; PAGE always maps',
    note: 'PMEM2_E_GRANULARITY_NOT_SUPPORTED is how pmem2_map_new refuses a granularity the storage cannot give (libpmem2(7)); the observed outcome is the PAGE map.',
    run: (ctx) => {
      const seen: Record<string, string> = {};
      let failure: string | undefined;
      let pageResult: ReturnType<typeof mapNew> | undefined;
      for (const g of [C.BYTE, C.CACHE_LINE, C.PAGE]) {
        const { src } = fileSource(ctx, ctx.caps.pageSize);
        const r = mapNew(ctx, config(ctx, { granularity: g }), src);
        const name = NAMES[g]!;
        if (r.map) {
          const eff = ctx.addon.mapGetStoreGranularity(r.map);
          seen[name] = `mapped, effective ${NAMES[eff] ?? eff}`;
          if (eff > g && !failure) failure = `required ${name}, the map's granularity is the coarser ${NAMES[eff] ?? eff}`;
        } else {
          seen[name] = codeName(r.code);
          if (g !== C.PAGE && codeName(r.code) !== 'PMEM2_E_GRANULARITY_NOT_SUPPORTED' && !failure)
            failure = `required ${name}: pmem2_map_new returned ${codeName(r.code)}`;
        }
        if (g === C.PAGE) pageResult = r;
      }
      return { observed: observed('pmem2_map_new(required PAGE)', pageResult!, seen), permitted: ['0'], ...(failure ? { failure } : {}) };
    },
  },
];

export const suite: Suite = {
  name: 'pmem2_config_set_required_store_granularity',
  implementation: 'libpmem2',
  pages: ['pmem2_config_set_required_store_granularity'],
  cases,
};
