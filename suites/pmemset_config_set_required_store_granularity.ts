/**
 * pmemset_config_set_required_store_granularity(3).
 */
import type { CaseDef, Suite } from './framework.js';
import { C, check, observed } from './pmem2_util.js';
import { newSet } from './pmemset_util.js';
import { granularityName, mapPart, page } from './pmemset_page_util.js';

const cases: CaseDef[] = [
  {
    key: 'pmemset_config_set_required_store_granularity/RETURN VALUE#1',
    situation: 'set each of PMEM2_GRANULARITY_BYTE, _CACHE_LINE and _PAGE in a config',
    run: (ctx) => {
      const c = ctx.addon.setConfigNew();
      check('pmemset_config_new', c);
      ctx.defer(() => void ctx.addon.setConfigDelete(c.config!));
      for (const g of [C.BYTE, C.CACHE_LINE, C.PAGE]) {
        const r = ctx.addon.setConfigSetRequiredStoreGranularity(c.config!, g);
        if (r.code !== 0) return { observed: observed(`pmemset_config_set_required_store_granularity(${granularityName(g)})`, r), permitted: ['0'] };
      }
      return { observed: observed('pmemset_config_set_required_store_granularity(BYTE, CACHE_LINE, PAGE)', { code: 0 }), permitted: ['0'] };
    },
  },
  {
    key: 'pmemset_config_set_required_store_granularity/PMEMSET_E_GRANULARITY_NOT_SUPPORTED#1',
    situation: 'granularity 99, not one of the three values',
    run: (ctx) => {
      const c = ctx.addon.setConfigNew();
      check('pmemset_config_new', c);
      ctx.defer(() => void ctx.addon.setConfigDelete(c.config!));
      const r = ctx.addon.setConfigSetRequiredStoreGranularity(c.config!, 99);
      return { observed: observed('pmemset_config_set_required_store_granularity(99)', r), permitted: ['PMEMSET_E_GRANULARITY_NOT_SUPPORTED'] };
    },
  },
  {
    key: 'pmemset_config_set_required_store_granularity/effective granularity readable after the first part#1',
    situation: 'a set requiring PAGE granularity maps one part; pmemset_get_store_granularity then reads an effective granularity no coarser than PAGE',
    note: 'The required granularity is the maximum permitted; without MAP_SYNC the effective granularity of a file mapping is PAGE.',
    run: (ctx) => {
      const { set } = newSet(ctx, { granularity: C.PAGE });
      mapPart(ctx, set, page(ctx));
      const r = ctx.addon.setGetStoreGranularity(set);
      let failure: string | undefined;
      if (r.code === 0) {
        if (![C.BYTE, C.CACHE_LINE, C.PAGE].includes(r.value!)) failure = `read granularity ${r.value}, not a pmem2 granularity`;
        else if (!ctx.caps.mapSync && !ctx.caps.forcedGranularity && r.value !== C.PAGE) failure = `read ${granularityName(r.value)} on a fixture without MAP_SYNC, where only PAGE is effective`;
      }
      return { observed: observed('pmemset_get_store_granularity after the first part', r, { granularity: granularityName(r.value) }), permitted: ['0'], ...(failure ? { failure } : {}) };
    },
  },
];

export const suite: Suite = { name: 'pmemset_config_set_required_store_granularity', implementation: 'libpmemset', pages: ['pmemset_config_set_required_store_granularity'], cases };
