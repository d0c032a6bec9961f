/**
 * pmemset_remove_range(3). Our library removes whole parts, never cuts
 * them (native/libpmemset/README.md, "Remove range" and choice 13).
 */
import os from 'node:os';
import { seccomp } from '../runner/core/technique.js';
import type { CaseDef, Suite } from './framework.js';
import { childOutcome } from './pmem2_util.js';
import { hex, observed } from './pmem2_util.js';
import { newSet, S } from './pmemset_util.js';
import { byAddress, keep, mapSizedPart, page, showDesc } from './pmemset_page_util.js';

const FN = 'pmemset_remove_range';

const cases: CaseDef[] = [
  {
    key: `${FN}/RETURN VALUE#1`,
    situation: 'remove the range of a 1-page part',
    fixtures: 'devdax',
    run: (ctx) => {
      const { set } = newSet(ctx);
      const d = mapSizedPart(ctx, set, page(ctx));
      return { observed: observed(`${FN}(whole part)`, ctx.addon.setRemoveRange(set, d.addr, d.size)), permitted: ['0'] };
    },
  },
  {
    key: `${FN}/PMEMSET_E_CANNOT_FIND_PART_MAP#1`,
    situation: 'a range covering a part of another set (no part of this set overlaps it)',
    fixtures: 'devdax',
    run: (ctx) => {
      const { set } = newSet(ctx);
      mapSizedPart(ctx, set, page(ctx));
      const other = newSet(ctx).set;
      const d = mapSizedPart(ctx, other, page(ctx));
      return {
        observed: observed(`${FN}(range of another set's part)`, ctx.addon.setRemoveRange(set, d.addr, d.size)),
        permitted: ['PMEMSET_E_CANNOT_FIND_PART_MAP'],
      };
    },
  },
  {
    key: `${FN}/PMEMSET_E_PART_MAP_POSSIBLE_USE_AFTER_DROP#1`,
    situation: 'the part map in the range is referenced (acquired with pmemset_first_part_map, not dropped)',
    fixtures: 'devdax',
    run: (ctx) => {
      const { set } = newSet(ctx);
      const d = mapSizedPart(ctx, set, page(ctx));
      keep(ctx, ctx.addon.setFirstPartMap(set).partMap);
      return {
        observed: observed(`${FN}(referenced part map)`, ctx.addon.setRemoveRange(set, d.addr, d.size)),
        permitted: ['PMEMSET_E_PART_MAP_POSSIBLE_USE_AFTER_DROP'],
      };
    },
  },
  {
    key: `${FN}/errors of pmem2_map_delete(3)#1`,
    situation: `pmem2_map_delete failing for a part being removed: a 1-page part mapped, then in a forked child whose mmap(2) at the part's address a seccomp filter makes fail with EINVAL, ${FN} of the part`,
    note: "A set's parts live in a reservation, and pmem2_map_delete of a map in a reservation does not munmap it: it maps the reservation's placeholder back over it (mmap MAP_FIXED at the map's address; PMDK's vm_reservation_mend). That mmap is the call made to fail (measured: a filter on munmap of the part's address is never met, and the remove returns 0); pmem2_map_delete passes its EINVAL through, and the remove must pass that on.",
    fixtures: 'devdax',
    run: (ctx) => {
      const { set } = newSet(ctx);
      const d = mapSizedPart(ctx, set, page(ctx));
      const r = ctx.addon.forkInject(
        { syscall: 'mmap', errno: os.constants.errno.EINVAL, argIndex: 0, argValue: d.addr },
        'set_remove_range',
        set,
        d.addr,
        d.size,
      );
      return childOutcome(`${FN}(the part) in a child`, r, ['-EINVAL'], 'install the seccomp filter', seccomp('mmap', 'EINVAL'));
    },
  },
  {
    key: `${FN}/overlapping parts removed and unmapped#1`,
    situation: 'a 2-page part; a 1-byte range in its second page: the part is removed from the set and no longer mapped read-write',
    fixtures: 'devdax',
    run: (ctx) => {
      const { set } = newSet(ctx);
      const d = mapSizedPart(ctx, set, 2 * page(ctx));
      const r = ctx.addon.setRemoveRange(set, d.addr + BigInt(page(ctx)) + 10n, 1);
      let failure: string | undefined;
      if (r.code === 0) {
        const by = byAddress(ctx, set, d.addr);
        if (by.code === 0) failure = `by_address still finds ${showDesc(by.desc)} at the part's first byte`;
        else if (ctx.addon.isMapped(d.addr, 1, 'rw') || ctx.addon.isMapped(d.addr + BigInt(page(ctx)), 1, 'rw'))
          failure = `the part ${showDesc(d)} is still mapped read-write`;
      }
      return { observed: observed(`${FN}(1 byte inside a 2-page part)`, r), permitted: ['0'], ...(failure ? { failure } : {}) };
    },
  },
  {
    key: `${FN}/only the intersected coalesced part removed#1`,
    situation: 'FULL coalescing: parts A and B make one part map; a 1-byte range in B removes B only, A stays mapped with its data',
    fixtures: 'devdax',
    run: (ctx) => {
      const p = page(ctx);
      const { set } = newSet(ctx, { coalescing: S.FULL });
      const a = mapSizedPart(ctx, set, p);
      const b = mapSizedPart(ctx, set, p);
      if (b.addr !== a.addr + a.size)
        return { skip: `the parts were not coalesced (A ${showDesc(a)}, B ${showDesc(b)}); see the pmemset_map coalescing case` };
      // a fresh value each time: a device DAX keeps what an earlier case or run stored at the same place
      const msg = Buffer.from(`part A ${process.pid} ${Date.now()}`);
      ctx.addon.setMemcpy(set, a.addr, msg, 0);
      const r = ctx.addon.setRemoveRange(set, b.addr + 100n, 1);
      let failure: string | undefined;
      if (r.code === 0) {
        const byA = byAddress(ctx, set, a.addr);
        const byB = byAddress(ctx, set, b.addr);
        if (byA.code !== 0 || byA.desc?.addr !== a.addr || byA.desc.size !== a.size)
          failure = `part A: by_address found ${showDesc(byA.desc)}, expected ${showDesc(a)}`;
        else if (!ctx.addon.isMapped(a.addr, a.size, 'rw') || !ctx.addon.readAddress(a.addr, msg.length).equals(msg))
          failure = 'part A lost its mapping or its data';
        else if (byB.code === 0) failure = `part B (${hex(b.addr)}) is still in the set: ${showDesc(byB.desc)}`;
        else if (ctx.addon.isMapped(b.addr, b.size, 'rw')) failure = `part B (${hex(b.addr)}) is still mapped read-write`;
      }
      return {
        observed: observed(`${FN}(1 byte of the second of two coalesced parts)`, r),
        permitted: ['0'],
        ...(failure ? { failure } : {}),
      };
    },
  },
];

export const suite: Suite = { name: FN, implementation: 'libpmemset', pages: [FN], cases };
