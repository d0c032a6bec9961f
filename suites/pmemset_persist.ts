/**
 * pmemset_persist(3).
 */
import type { CaseDef, Suite } from './framework.js';
import { check, observed } from './pmem2_util.js';
import { E, page } from './pmemset_page_util.js';
import { fileSource, newSet, partConfig, readSource, writeSource } from './pmemset_util.js';

const cases: CaseDef[] = [
  {
    key: 'pmemset_persist/RETURN VALUE#1',
    situation: 'persist 100 bytes in the middle of a 2-page part, and the whole part',
    fixtures: 'devdax',
    run: (ctx) => {
      const { set } = newSet(ctx);
      const { src } = fileSource(ctx, 2 * page(ctx));
      const m = ctx.addon.setMap(set, src, partConfig(ctx, 2 * page(ctx)), true);
      check('pmemset_map', m);
      const d = m.descriptor!;
      const r = ctx.addon.setPersist(set, d.addr + 1000n, 100);
      if (r.code !== 0) return { observed: observed('pmemset_persist(100 bytes)', r), permitted: ['0'] };
      return { observed: observed('pmemset_persist(whole part)', ctx.addon.setPersist(set, d.addr, d.size)), permitted: ['0'] };
    },
  },
  {
    key: 'pmemset_persist/persisted data reaches the file#1',
    situation: 'bytes stored with pmemset_memcpy(NOFLUSH) into a part of a file, then pmemset_persist: the file holds them',
    note: 'What a persist guarantees across power failure cannot be observed in a running system; the case checks the data reached the mapped file (on device DAX, the device, read through a fresh map).',
    fixtures: 'devdax',
    run: (ctx) => {
      const { set } = newSet(ctx);
      const f = fileSource(ctx, page(ctx));
      const msg = Buffer.from('persisted through pmemset');
      // a device DAX keeps what an earlier case (another page copy of this one) stored there: clear the
      // window first, so that only this case's copy can put the bytes the check reads back
      if (f.device) writeSource(ctx, f, 512, Buffer.alloc(msg.length));
      const m = ctx.addon.setMap(set, f.src, partConfig(ctx, page(ctx)), true);
      check('pmemset_map', m);
      ctx.addon.setMemcpy(set, m.descriptor!.addr + 512n, msg, E.NOFLUSH);
      const r = ctx.addon.setPersist(set, m.descriptor!.addr + 512n, msg.length);
      const got = readSource(ctx, f, 512, msg.length);
      return {
        observed: observed('pmemset_persist after a NOFLUSH copy', r),
        permitted: ['0'],
        ...(got.equals(msg) ? {} : { failure: `the file holds ${JSON.stringify(got.toString())}` }),
      };
    },
  },
];

export const suite: Suite = { name: 'pmemset_persist', implementation: 'libpmemset', pages: ['pmemset_persist'], cases };
