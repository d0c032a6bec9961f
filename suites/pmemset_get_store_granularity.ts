/**
 * pmemset_get_store_granularity(3).
 */
import type { CaseDef, Suite } from './framework.js';
import { observed } from './pmem2_util.js';
import { newSet } from './pmemset_util.js';
import { fixtureGranularity } from './pmem2_util.js';
import { granularityAfterFirstPart, granularityName, grantedGranularityFault, mapPart, page } from './pmemset_page_util.js';

const FN = 'pmemset_get_store_granularity';

const cases: CaseDef[] = [
  {
    key: `${FN}/RETURN VALUE#1`,
    situation: 'a set with one mapped part (on device DAX, the whole device)',
    fixtures: 'devdax',
    run: (ctx) => {
      const { set } = newSet(ctx);
      mapPart(ctx, set, page(ctx));
      const r = ctx.addon.setGetStoreGranularity(set);
      return { observed: observed(`${FN}(set with one part)`, r, { granularity: granularityName(r.value) }), permitted: ['0'] };
    },
  },
  {
    key: `${FN}/PMEMSET_E_NO_PART_MAPPED#1`,
    situation: 'a set with no part mapped',
    fixtures: 'devdax',
    run: (ctx) => {
      const { set } = newSet(ctx);
      return { observed: observed(`${FN}(empty set)`, ctx.addon.setGetStoreGranularity(set)), permitted: ['PMEMSET_E_NO_PART_MAPPED'] };
    },
  },
  {
    key: `${FN}/effective granularity stored in g#1`,
    situation:
      'a PAGE set with one part: *g is the effective granularity (PAGE on a fixture without MAP_SYNC, no coarser than PAGE otherwise; on device DAX one the device grants, CACHE_LINE or BYTE)',
    fixtures: 'devdax',
    run: (ctx) => {
      const r = granularityAfterFirstPart(ctx);
      const fault = r.code === 0 ? grantedGranularityFault(ctx, r.value) : undefined;
      const failure =
        fault === 'unknown'
          ? `*g is ${r.value}, not a pmem2 granularity`
          : fault === 'no MAP_SYNC'
            ? `*g is ${granularityName(r.value)} on a fixture without MAP_SYNC`
            : fault === 'not granted'
              ? `*g is ${granularityName(r.value)}; the device DAX grants ${fixtureGranularity(ctx).map(granularityName).join(' or ')}`
              : undefined;
      return { observed: observed(FN, r, { granularity: granularityName(r.value) }), permitted: ['0'], ...(failure ? { failure } : {}) };
    },
  },
];

export const suite: Suite = { name: FN, implementation: 'libpmemset', pages: [FN], cases };
