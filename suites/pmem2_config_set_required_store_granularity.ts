/**
 * pmem2_config_set_required_store_granularity(3): one case per documented clause.
 */
import { codeName } from '../runner/core/constants.js';
import type { CaseDef, Suite } from './framework.js';
import { GRANULARITY_ORDER, GRANULARITY_RULE, finerThan, judgeGranularity } from '../runner/core/granularity.js';
import { C, config, fileSource, fixtureGranularity, mapNew, observed } from './pmem2_util.js';

const FN = 'pmem2_config_set_required_store_granularity';
const NAMES = ['BYTE', 'CACHE_LINE', 'PAGE'];

const cases: CaseDef[] = [
  {
    key: 'pmem2_config_set_required_store_granularity/RETURN VALUE#1',
    fixtures: 'devdax',
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
    fixtures: 'devdax',
    situation: 'set granularity 3, one past PMEM2_GRANULARITY_PAGE',
    textMatches: /not a valid value/,
    run: (ctx) => ({
      observed: observed(`${FN}(3)`, ctx.addon.configSetRequiredStoreGranularity(config(ctx, { granularity: null }), 3)),
      permitted: ['PMEM2_E_GRANULARITY_NOT_SUPPORTED'],
    }),
  },
  {
    key: 'pmem2_config_set_required_store_granularity/granularity is a maximum#1',
    fixtures: 'devdax',
    situation:
      'map a file requiring BYTE, CACHE_LINE and PAGE: a granularity finer than the fixture gives is refused with PMEM2_E_GRANULARITY_NOT_SUPPORTED, any other maps no coarser than required; PAGE always maps',
    note: GRANULARITY_RULE,
    run: (ctx) => {
      const seen: Record<string, string> = {};
      let failure: string | undefined;
      let pageResult: ReturnType<typeof mapNew> | undefined;
      const forced = ctx.caps.forcedGranularity;
      const available = fixtureGranularity(ctx).map((x) => GRANULARITY_ORDER[x]!);
      for (const g of [C.BYTE, C.CACHE_LINE, C.PAGE]) {
        const { src } = fileSource(ctx, ctx.unit);
        const r = mapNew(ctx, config(ctx, { granularity: g }), src);
        const name = GRANULARITY_ORDER[g]!;
        const eff = r.map ? GRANULARITY_ORDER[ctx.addon.mapGetStoreGranularity(r.map)] : undefined;
        seen[name] = r.map ? `mapped, effective ${eff}` : codeName(r.code);
        // a forced granularity is what the library reports, not what the fixture gives: only the maximum is judged
        const why = forced
          ? r.map && eff && finerThan(name, eff)
            ? `required ${name}, the map's granularity is the coarser ${eff}`
            : undefined
          : judgeGranularity(name, available, codeName(r.code), eff);
        if (why && !failure) failure = why;
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
