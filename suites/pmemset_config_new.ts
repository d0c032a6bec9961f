/**
 * pmemset_config_new(3): pmemset_config_new and pmemset_config_delete.
 */
import type { CaseDef, Suite } from './framework.js';
import { observed } from './pmem2_util.js';
import { oomOutcome } from './pmemset_page_util.js';

const cases: CaseDef[] = [
  {
    key: 'pmemset_config_new/RETURN VALUE#1',
    situation: 'pmemset_config_new',
    fixtures: 'devdax',
    note: 'The clause also says *cfg is set to NULL on failure; the addon passes a variable holding NULL, so only the success path is judged.',
    run: (ctx) => {
      const r = ctx.addon.setConfigNew();
      if (r.config) ctx.defer(() => void ctx.addon.setConfigDelete(r.config!));
      return { observed: observed('pmemset_config_new', r), permitted: ['0'] };
    },
  },
  {
    key: 'pmemset_config_delete/RETURN VALUE#1',
    situation: 'pmemset_config_delete of a config with a granularity and an event callback set',
    fixtures: 'devdax',
    run: (ctx) => {
      const c = ctx.addon.setConfigNew();
      if (!c.config) return { observed: observed('pmemset_config_new', c), permitted: ['0'] };
      ctx.addon.setConfigSetRequiredStoreGranularity(c.config, 2);
      ctx.addon.setConfigSetEventCallback(c.config, {});
      const r = ctx.addon.setConfigDelete(c.config);
      return { observed: observed('pmemset_config_delete', r), permitted: ['0'] };
    },
  },
  {
    key: 'pmemset_config_new/-ENOMEM#1',
    situation: 'in a forked child whose heap is exhausted (every malloc fails): pmemset_config_new',
    fixtures: 'devdax',
    run: (ctx) => oomOutcome(ctx, 'pmemset_config_new', null),
  },
  {
    key: 'pmemset_config_delete/config pointer cleared#1',
    situation: 'pmemset_config_delete: *cfg is NULL afterwards',
    fixtures: 'devdax',
    run: (ctx) => {
      const c = ctx.addon.setConfigNew();
      if (!c.config) return { observed: observed('pmemset_config_new', c), permitted: ['0'] };
      const r = ctx.addon.setConfigDelete(c.config);
      return {
        observed: observed('pmemset_config_delete', r, { pointerCleared: r.pointerCleared }),
        permitted: ['0'],
        ...(r.pointerCleared ? {} : { failure: '*cfg is not NULL after pmemset_config_delete' }),
      };
    },
  },
];

export const suite: Suite = { name: 'pmemset_config_new', implementation: 'libpmemset', pages: ['pmemset_config_new'], cases };
