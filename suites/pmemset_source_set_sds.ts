/**
 * pmemset_source_set_sds(3). Part states are determined only on hardware
 * with SMART; where pmemset_map answers PMEMSET_E_SDS_NOSUPP the state case
 * skips. The part-state values follow error-codes.md, not this page's enum
 * (native/libpmemset/README.md, choice 1).
 */
import { SYSFS_ATTR, sdsMapInChild } from './sysfs_attr.js';
import { codeName } from '../runner/core/constants.js';
import type { CaseDef, Suite } from './framework.js';
import { childOutcome, OOM_HEADROOM, observed } from './pmem2_util.js';
import { fileSource, newSet } from './pmemset_util.js';
import { E, NO_MALLOC_TECHNIQUE, page } from './pmemset_page_util.js';

const FN = 'pmemset_source_set_sds';

const cases: CaseDef[] = [
  {
    key: `${FN}/RETURN VALUE#1`,
    situation: 'set an SDS initialised as PMEMSET_SDS_INITIALIZE() does on a file source',
    fixtures: 'devdax',
    run: (ctx) => {
      const { src } = fileSource(ctx, page(ctx));
      return { observed: observed(`${FN}(file source)`, ctx.addon.setSourceSetSds(src, {})), permitted: ['0'] };
    },
  },
  {
    key: `${FN}/PMEMSET_E_SDS_ALREADY_SET#1`,
    situation: 'set an SDS twice on the same source',
    fixtures: 'devdax',
    run: (ctx) => {
      const { src } = fileSource(ctx, page(ctx));
      const first = ctx.addon.setSourceSetSds(src, {});
      if (first.code !== 0) return { observed: observed(`${FN}(first)`, first), permitted: ['0'] };
      return { observed: observed(`${FN}(second time)`, ctx.addon.setSourceSetSds(src, {})), permitted: ['PMEMSET_E_SDS_ALREADY_SET'] };
    },
  },
  {
    key: `${FN}/-ENOMEM#1`,
    situation:
      'in a forked child whose heap is exhausted (every malloc fails): set an SDS on a file source; when that returns 0, set it again: PMEMSET_E_SDS_ALREADY_SET shows the first call stored it',
    note: "PMDK's libpmemset duplicated the SDS (pmemset_sds_duplicate), an allocation that fails here; native/libpmemset keeps the caller's struct and allocates nothing, so 0 is permitted too, but only when the SDS really was stored: a call that returns 0 and stored nothing swallowed its failure.",
    fixtures: 'devdax',
    run: (ctx) => {
      if (/libasan/.test(process.env.LD_PRELOAD ?? ''))
        return {
          skip: 'AddressSanitizer is preloaded: its runtime allocates from the heap this technique exhausts, so the child would die in the sanitizer, not in the library; the runs without sanitizers provoke this clause',
          technique: NO_MALLOC_TECHNIQUE,
        };
      const { src } = fileSource(ctx, page(ctx));
      const r = ctx.addon.forkMore('pmemset_oom', FN, src, OOM_HEADROOM);
      const o = childOutcome(
        `${FN}(file source) with malloc failing, in a child`,
        r,
        ['-ENOMEM', '0'],
        'exhaust the heap',
        NO_MALLOC_TECHNIQUE,
      );
      if ('observed' in o && !('crash' in o) && r.code === 0) {
        const again = r.again === undefined ? 'not made' : codeName(r.again);
        o.observed.details = { ...o.observed.details, secondCall: again };
        if (again !== 'PMEMSET_E_SDS_ALREADY_SET')
          o.failure = `returned 0 with malloc failing, but a second ${FN} on the source returned ${again}, not PMEMSET_E_SDS_ALREADY_SET: the SDS was not stored`;
      }
      return o;
    },
  },
  {
    key: `${FN}/part state returned by pmemset_map#1`,
    situation: 'a source with SDS mapped: *state_ptr holds one part state afterwards',
    fixtures: 'devdax',
    run: (ctx) => {
      const { src } = fileSource(ctx, page(ctx));
      const s = ctx.addon.setSourceSetSds(src, {});
      if (s.code !== 0) return { observed: observed(FN, s), permitted: ['0'] };
      const { set } = newSet(ctx);
      let r: { code: number; message?: string } = ctx.addon.setMap(set, src, null, false);
      let st = ctx.addon.setSdsRead(s.sds).state;
      let at = 'pmemset_map(source with SDS)';
      let technique = 'natural';
      const permitted = ['0', 'PMEMSET_E_UNDESIRABLE_PART_STATE'];
      if (codeName(r.code) === 'PMEMSET_E_SDS_NOSUPP') {
        // the device has no unsafe-shutdown data: give its DIMMs some, in a child
        at = 'pmemset_map(source with SDS, its DIMMs given a dirty-shutdown count) in a child';
        const c = sdsMapInChild(ctx, set, src, s.sds, 1, at, permitted);
        if ('skip' in c)
          return {
            skip: `the fixture's storage (${ctx.caps.filesystem}) does not support unsafe-shutdown data (pmemset_map answers PMEMSET_E_SDS_NOSUPP), and ${c.skip}`,
            technique: c.technique ?? 'fixture:sds',
          };
        if (!('code' in c)) return c;
        r = c;
        st = c.state ?? st;
        technique = SYSFS_ATTR;
      }
      const states = [E.INDETERMINATE, E.OK, E.OK_BUT_ALREADY_OPEN, E.OK_BUT_INTERRUPTED, E.CORRUPTED];
      return {
        technique,
        observed: observed(at, r, { state: st }),
        permitted,
        ...(states.includes(st) ? {} : { failure: `*state_ptr is ${st}, not a part state` }),
      };
    },
  },
];

export const suite: Suite = { name: FN, implementation: 'libpmemset', pages: [FN], cases };
