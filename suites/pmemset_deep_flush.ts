/**
 * pmemset_deep_flush(3).
 */
import os from 'node:os';
import { seccomp } from '../runner/core/technique.js';
import type { CaseDef, Suite } from './framework.js';
import { C, check, childOutcome, observed } from './pmem2_util.js';
import { fileSource, newSet, readSource, writeSource } from './pmemset_util.js';
import { E, granularityName, page } from './pmemset_page_util.js';

const cases: CaseDef[] = [
  {
    key: 'pmemset_deep_flush/RETURN VALUE#1',
    situation: 'deep flush of 100 bytes of a mapped part',
    fixtures: 'devdax',
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
    situation:
      "a 1-page part of a file mapped, then, in a forked child whose msync(2) a seccomp filter makes fail with EIO, pmemset_deep_flush of 100 bytes of it (where the part's granularity is finer than PAGE: a DAX volume with MAP_SYNC, or a forced one)",
    notOnDevdax:
      "libpmem2 deep-flushes a device DAX map by writing its region's sysfs deep_flush file, not with msync(2): the msync failure this case injects cannot reach pmemset_deep_flush there",
    note: "The page's second cause: msync failing on a regular DAX volume. On a DAX file libpmem2 deep-flushes a CACHE_LINE or BYTE map with msync(2) of the file's range, which fails only with EIO (a write-back error of the storage), so the failure is injected at the system call. A PAGE part's deep flush makes no msync at all (libpmem2 msyncs such a map at every persist), so there the clause cannot be reached. The first cause, a device DAX whose region cannot be found, needs a device DAX source.",
    run: (ctx) => {
      const { set } = newSet(ctx);
      const { src } = fileSource(ctx, page(ctx));
      const m = ctx.addon.setMap(set, src, null, true);
      check('pmemset_map', m);
      const g = ctx.addon.setGetStoreGranularity(set);
      check('pmemset_get_store_granularity', g);
      if (g.value === C.PAGE)
        return {
          skip: ctx.caps.dax
            ? "the part's granularity is PMEM2_GRANULARITY_PAGE (DAX without MAP_SYNC): libpmem2's deep flush of a PAGE map makes no msync(2), so no failure can reach pmemset_deep_flush"
            : 'needs a DAX volume (or a forced granularity): on this fixture a part gets PMEM2_GRANULARITY_PAGE, whose deep flush makes no msync(2) (libpmem2 msyncs such a map at every persist), so no failure can reach pmemset_deep_flush',
          technique: 'fixture:dax',
        };
      const r = ctx.addon.forkInject(
        { syscall: 'msync', errno: os.constants.errno.EIO },
        'set_deep_flush',
        set,
        m.descriptor!.addr + 64n,
        100,
      );
      return childOutcome(
        `pmemset_deep_flush(100 bytes of a ${granularityName(g.value)} part, msync failing with EIO) in a child`,
        r,
        ['PMEMSET_E_DEEP_FLUSH_FAIL'],
        'install the seccomp filter',
        seccomp('msync', 'EIO'),
      );
    },
  },
  {
    key: 'pmemset_deep_flush/changes stored durably#1',
    situation:
      'bytes stored with pmemset_memcpy(NOFLUSH), then pmemset_deep_flush of their range: the call succeeds and the file holds them',
    note: 'Durability across power failure cannot be observed in a running system; the case checks the call and that the data reached the mapped file (on device DAX, the device, read through a fresh map).',
    fixtures: 'devdax',
    run: (ctx) => {
      const { set } = newSet(ctx);
      const f = fileSource(ctx, page(ctx));
      const msg = Buffer.from('deep flushed');
      // a device DAX keeps what an earlier case (another page copy of this one) stored there: clear the
      // window first, so that only this case's copy can put the bytes the check reads back
      if (f.device) writeSource(ctx, f, 256, Buffer.alloc(msg.length));
      const m = ctx.addon.setMap(set, f.src, null, true);
      check('pmemset_map', m);
      ctx.addon.setMemcpy(set, m.descriptor!.addr + 256n, msg, E.NOFLUSH);
      const r = ctx.addon.setDeepFlush(set, m.descriptor!.addr + 256n, msg.length);
      const got = readSource(ctx, f, 256, msg.length);
      return {
        observed: observed('pmemset_deep_flush after a NOFLUSH copy', r),
        permitted: ['0'],
        ...(got.equals(msg) ? {} : { failure: `the file holds ${JSON.stringify(got.toString())}` }),
      };
    },
  },
];

export const suite: Suite = { name: 'pmemset_deep_flush', implementation: 'libpmemset', pages: ['pmemset_deep_flush'], cases };
