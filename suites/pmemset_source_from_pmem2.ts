/**
 * pmemset_source_from_pmem2(3).
 */
import type { CaseDef, Suite } from './framework.js';
import { fileSource as pmem2FileSource, observed, readMedium } from './pmem2_util.js';
import { newSet } from './pmemset_util.js';
import { oomOutcome, page } from './pmemset_page_util.js';

const FN = 'pmemset_source_from_pmem2';

const cases: CaseDef[] = [
  {
    key: `${FN}/RETURN VALUE#1`,
    situation: 'a pmemset source from a libpmem2 source over a read-write 1-page file (on device DAX, over the device)',
    fixtures: 'devdax',
    run: (ctx) => {
      const p2 = pmem2FileSource(ctx, page(ctx));
      const r = ctx.addon.setSourceFromPmem2(p2.src);
      if (r.source) ctx.defer(() => void ctx.addon.setSourceDelete(r.source!));
      return { observed: observed(`${FN}(pmem2 file source)`, r), permitted: ['0'] };
    },
  },
  {
    key: `${FN}/-ENOMEM#1`,
    situation:
      'in a forked child whose heap is exhausted (every malloc fails): pmemset_source_from_pmem2 of a pmem2 source of a 1-page file (on device DAX, of the device)',
    fixtures: 'devdax',
    run: (ctx) => oomOutcome(ctx, 'pmemset_source_from_pmem2', pmem2FileSource(ctx, page(ctx)).src),
  },
  {
    key: `${FN}/PMEMSET_E_INVALID_PMEM2_SOURCE#1`,
    situation: 'pmem2_src NULL',
    fixtures: 'devdax',
    run: (ctx) => {
      const r = ctx.addon.setSourceFromPmem2(null);
      if (r.source) ctx.defer(() => void ctx.addon.setSourceDelete(r.source!));
      return { observed: observed(`${FN}(NULL)`, r), permitted: ['PMEMSET_E_INVALID_PMEM2_SOURCE'] };
    },
  },
  {
    key: `${FN}/source built on the pmem2 source#1`,
    situation:
      'a part mapped from a pmemset source made from a pmem2 file source (on device DAX, the whole device): bytes written with pmemset_memcpy are in the file',
    fixtures: 'devdax',
    run: (ctx) => {
      const p2 = pmem2FileSource(ctx, page(ctx));
      const s = ctx.addon.setSourceFromPmem2(p2.src);
      if (!s.source) return { observed: observed(FN, s), permitted: ['0'] };
      ctx.defer(() => void ctx.addon.setSourceDelete(s.source!));
      const { set } = newSet(ctx);
      const r = ctx.addon.setMap(set, s.source, null, true);
      let failure: string | undefined;
      if (r.code === 0) {
        const msg = Buffer.from('from a pmem2 source');
        ctx.addon.setMemcpy(set, r.descriptor!.addr + 64n, msg, 0);
        // pread(2) of a file, a fresh pmem2 map of a device DAX (no read(2) there)
        const got = readMedium(ctx, p2, 64, msg.length);
        const what = p2.device ? 'device' : 'file';
        if (!got.equals(msg)) failure = `the ${what} holds ${JSON.stringify(got.toString())} where the part was written`;
        if (r.descriptor!.size !== BigInt(p2.size)) failure ??= `the part is ${r.descriptor!.size} bytes, the pmem2 source ${p2.size}`;
      }
      return {
        observed: observed('pmemset_map(source from pmem2) then pmemset_memcpy', r),
        permitted: ['0'],
        ...(failure ? { failure } : {}),
      };
    },
  },
];

export const suite: Suite = { name: FN, implementation: 'libpmemset', pages: [FN], cases };
