/**
 * pmemset_map_config_new(3): pmemset_map_config_new and _delete.
 */
import type { CaseDef, Suite } from './framework.js';
import { observed } from './pmem2_util.js';
import { oomOutcome } from './pmemset_page_util.js';

const cases: CaseDef[] = [
  {
    key: 'pmemset_map_config_new/RETURN VALUE#1',
    situation: 'pmemset_map_config_new',
    fixtures: 'devdax',
    note: 'Our library follows the synopsis (one argument), not the two-argument call of the libpmemset_shutdown_state(7) example (native/libpmemset/README.md, choice 2).',
    run: (ctx) => {
      const r = ctx.addon.setMapConfigNew();
      if (r.mapConfig) ctx.defer(() => void ctx.addon.setMapConfigDelete(r.mapConfig!));
      return { observed: observed('pmemset_map_config_new', r), permitted: ['0'] };
    },
  },
  {
    key: 'pmemset_map_config_delete/RETURN VALUE#1',
    situation: 'pmemset_map_config_delete of a map config with offset and length set',
    fixtures: 'devdax',
    run: (ctx) => {
      const c = ctx.addon.setMapConfigNew();
      if (!c.mapConfig) return { observed: observed('pmemset_map_config_new', c), permitted: ['0'] };
      ctx.addon.setMapConfigSetOffset(c.mapConfig, 4096);
      ctx.addon.setMapConfigSetLength(c.mapConfig, 4096);
      return { observed: observed('pmemset_map_config_delete', ctx.addon.setMapConfigDelete(c.mapConfig)), permitted: ['0'] };
    },
  },
  {
    key: 'pmemset_map_config_new/-ENOMEM#1',
    situation: 'in a forked child whose heap is exhausted (every malloc fails): pmemset_map_config_new',
    fixtures: 'devdax',
    run: (ctx) => oomOutcome(ctx, 'pmemset_map_config_new', null),
  },
];

export const suite: Suite = { name: 'pmemset_map_config_new', implementation: 'libpmemset', pages: ['pmemset_map_config_new'], cases };
