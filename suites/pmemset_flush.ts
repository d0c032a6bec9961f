/**
 * pmemset_flush(3).
 */
import type { CaseDef, Suite } from './framework.js';
import { check, observed } from './pmem2_util.js';
import { fileSource, newSet, partConfig } from './pmemset_util.js';
import { page } from './pmemset_page_util.js';

const cases: CaseDef[] = [
  {
    key: 'pmemset_flush/RETURN VALUE#1',
    situation: 'flush 1 byte, 100 bytes across the page boundary, and the whole of a 2-page part',
    fixtures: 'devdax',
    run: (ctx) => {
      const p = page(ctx);
      const { set } = newSet(ctx);
      const { src } = fileSource(ctx, 2 * p);
      const m = ctx.addon.setMap(set, src, partConfig(ctx, 2 * p), true);
      check('pmemset_map', m);
      const d = m.descriptor!;
      for (const [what, addr, len] of [
        ['1 byte', d.addr, 1n],
        ['100 bytes across the page boundary', d.addr + BigInt(p) - 50n, 100n],
        ['whole part', d.addr, d.size],
      ] as const) {
        const r = ctx.addon.setFlush(set, addr, len);
        if (r.code !== 0) return { observed: observed(`pmemset_flush(${what})`, r), permitted: ['0'] };
      }
      return { observed: observed('pmemset_flush(1 byte, 100 bytes, whole part)', { code: 0 }), permitted: ['0'] };
    },
  },
];

export const suite: Suite = { name: 'pmemset_flush', implementation: 'libpmemset', pages: ['pmemset_flush'], cases };
