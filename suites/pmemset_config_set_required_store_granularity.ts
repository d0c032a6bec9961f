/**
 * pmemset_config_set_required_store_granularity(3).
 */
import type { CaseDef, Suite } from './framework.js';
import { C, fixtureGranularity, observed } from './pmem2_util.js';
import { setConfig } from './pmemset_util.js';
import { granularityAfterFirstPart, granularityName, grantedGranularityFault } from './pmemset_page_util.js';

const cases: CaseDef[] = [
  {
    key: 'pmemset_config_set_required_store_granularity/RETURN VALUE#1',
    situation: 'set each of PMEM2_GRANULARITY_BYTE, _CACHE_LINE and _PAGE in a config',
    fixtures: 'devdax',
    run: (ctx) => {
      const cfg = setConfig(ctx, null);
      for (const g of [C.BYTE, C.CACHE_LINE, C.PAGE]) {
        const r = ctx.addon.setConfigSetRequiredStoreGranularity(cfg, g);
        if (r.code !== 0)
          return { observed: observed(`pmemset_config_set_required_store_granularity(${granularityName(g)})`, r), permitted: ['0'] };
      }
      return { observed: observed('pmemset_config_set_required_store_granularity(BYTE, CACHE_LINE, PAGE)', { code: 0 }), permitted: ['0'] };
    },
  },
  {
    key: 'pmemset_config_set_required_store_granularity/PMEMSET_E_GRANULARITY_NOT_SUPPORTED#1',
    situation: 'granularity 99, not one of the three values',
    fixtures: 'devdax',
    run: (ctx) => {
      const r = ctx.addon.setConfigSetRequiredStoreGranularity(setConfig(ctx, null), 99);
      return {
        observed: observed('pmemset_config_set_required_store_granularity(99)', r),
        permitted: ['PMEMSET_E_GRANULARITY_NOT_SUPPORTED'],
      };
    },
  },
  {
    key: 'pmemset_config_set_required_store_granularity/effective granularity readable after the first part#1',
    situation:
      'a set requiring PAGE granularity maps one part (on device DAX, the whole device); pmemset_get_store_granularity then reads an effective granularity no coarser than PAGE',
    note: 'The required granularity is the maximum permitted; without MAP_SYNC the effective granularity of a file mapping is PAGE, and a device DAX mapping is CACHE_LINE (BYTE under eADR) without it.',
    fixtures: 'devdax',
    run: (ctx) => {
      const r = granularityAfterFirstPart(ctx);
      const fault = r.code === 0 ? grantedGranularityFault(ctx, r.value) : undefined;
      const failure =
        fault === 'unknown'
          ? `read granularity ${r.value}, not a pmem2 granularity`
          : fault === 'no MAP_SYNC'
            ? `read ${granularityName(r.value)} on a fixture without MAP_SYNC, where only PAGE is effective`
            : fault === 'not granted'
              ? `read ${granularityName(r.value)}; the device DAX grants ${fixtureGranularity(ctx).map(granularityName).join(' or ')}`
              : undefined;
      return {
        observed: observed('pmemset_get_store_granularity after the first part', r, { granularity: granularityName(r.value) }),
        permitted: ['0'],
        ...(failure ? { failure } : {}),
      };
    },
  },
];

export const suite: Suite = {
  name: 'pmemset_config_set_required_store_granularity',
  implementation: 'libpmemset',
  pages: ['pmemset_config_set_required_store_granularity'],
  cases,
};
