/**
 * pmemset_drain(3).
 */
import type { CaseDef, Suite } from './framework.js';
import { check, observed } from './pmem2_util.js';
import { fileSource, newSet, partConfig } from './pmemset_util.js';
import { page } from './pmemset_page_util.js';

const cases: CaseDef[] = [
  {
    key: 'pmemset_drain/RETURN VALUE#1',
    situation: 'pmemset_drain after flushing part of a mapped part',
    fixtures: 'devdax',
    run: (ctx) => {
      const { set } = newSet(ctx);
      const { src } = fileSource(ctx, page(ctx));
      const m = ctx.addon.setMap(set, src, partConfig(ctx, page(ctx)), true);
      check('pmemset_map', m);
      check('pmemset_flush', ctx.addon.setFlush(set, m.descriptor!.addr, 64));
      return { observed: observed('pmemset_drain', ctx.addon.setDrain(set)), permitted: ['0'] };
    },
  },
];

export const suite: Suite = { name: 'pmemset_drain', implementation: 'libpmemset', pages: ['pmemset_drain'], cases };
