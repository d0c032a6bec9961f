/**
 * pmemset_deep_flush(3).
 */
import fs from 'node:fs';
import type { CaseDef, Suite } from './framework.js';
import { check, observed } from './pmem2_util.js';
import { fileSource, newSet } from './pmemset_util.js';
import { E, page } from './pmemset_page_util.js';

const cases: CaseDef[] = [
  {
    key: 'pmemset_deep_flush/RETURN VALUE#1',
    situation: 'deep flush of 100 bytes of a mapped part',
    run: (ctx) => {
      const { set } = newSet(ctx);
      const { src } = fileSource(ctx, page(ctx));
      const m = ctx.addon.setMap(set, src, null, true);
      check('pmemset_map', m);
      return {
        observed: observed('pmemset_deep_flush(100 bytes of a part)', ctx.addon.setDeepFlush(set, m.descriptor!.addr + 64n, 100)),
        permitted: ['0'],
      };
    },
  },
  {
    key: 'pmemset_deep_flush/PMEMSET_E_DEEP_FLUSH_FAIL#1',
    situation: 'a DAX device whose region id cannot be detected, or msync failing on a DAX volume',
    run: (ctx) => ({
      skip: ctx.caps.dax
        ? 'needs a DAX device whose region id cannot be detected or whose msync fails (not provoked on this fixture)'
        : 'needs a DAX device (the fixture is not DAX: deep flush is an msync, which succeeds)',
      technique: 'fixture:dax',
    }),
  },
  {
    key: 'pmemset_deep_flush/changes stored durably#1',
    situation:
      'bytes stored with pmemset_memcpy(NOFLUSH), then pmemset_deep_flush of their range: the call succeeds and the file holds them',
    note: 'Durability across power failure cannot be observed in a running system; the case checks the call and that the data reached the mapped file.',
    run: (ctx) => {
      const { set } = newSet(ctx);
      const f = fileSource(ctx, page(ctx));
      const m = ctx.addon.setMap(set, f.src, null, true);
      check('pmemset_map', m);
      const msg = Buffer.from('deep flushed');
      ctx.addon.setMemcpy(set, m.descriptor!.addr + 256n, msg, E.NOFLUSH);
      const r = ctx.addon.setDeepFlush(set, m.descriptor!.addr + 256n, msg.length);
      const got = fs.readFileSync(f.path).subarray(256, 256 + msg.length);
      return {
        observed: observed('pmemset_deep_flush after a NOFLUSH copy', r),
        permitted: ['0'],
        ...(got.equals(msg) ? {} : { failure: `the file holds ${JSON.stringify(got.toString())}` }),
      };
    },
  },
];

export const suite: Suite = { name: 'pmemset_deep_flush', implementation: 'libpmemset', pages: ['pmemset_deep_flush'], cases };
