/**
 * pmemset_set_contiguous_part_coalescing(3).
 */
import type { CaseDef, Suite } from './framework.js';
import { hex, observed } from './pmem2_util.js';
import { blockedAfterFirstPart, fileSource, newSet, partConfig, S } from './pmemset_util.js';
import { byAddress, mapSizedPart, page, partMaps, showDesc } from './pmemset_page_util.js';

const FN = 'pmemset_set_contiguous_part_coalescing';

const cases: CaseDef[] = [
  {
    key: `${FN}/RETURN VALUE#1`,
    situation: 'set each of NONE, OPPORTUNISTIC and FULL on a set',
    fixtures: 'devdax',
    run: (ctx) => {
      const { set } = newSet(ctx);
      for (const [n, v] of [
        ['NONE', S.NONE],
        ['OPPORTUNISTIC', S.OPPORTUNISTIC],
        ['FULL', S.FULL],
      ] as const) {
        const r = ctx.addon.setSetContiguousPartCoalescing(set, v);
        if (r.code !== 0) return { observed: observed(`${FN}(${n})`, r), permitted: ['0'] };
      }
      return { observed: observed(`${FN}(NONE, OPPORTUNISTIC, FULL)`, { code: 0 }), permitted: ['0'] };
    },
  },
  {
    key: `${FN}/PMEMSET_E_INVALID_COALESCING_VALUE#1`,
    situation: 'coalescing value 42',
    fixtures: 'devdax',
    run: (ctx) => {
      const { set } = newSet(ctx);
      return {
        observed: observed(`${FN}(42)`, ctx.addon.setSetContiguousPartCoalescing(set, 42)),
        permitted: ['PMEMSET_E_INVALID_COALESCING_VALUE'],
      };
    },
  },
  {
    key: `${FN}/NONE is the default#1`,
    situation: 'a set whose coalescing is never set maps two 1-page parts: iteration finds two part maps',
    fixtures: 'devdax',
    run: (ctx) => {
      const { set } = newSet(ctx);
      const a = mapSizedPart(ctx, set, page(ctx));
      const b = mapSizedPart(ctx, set, page(ctx));
      const found = partMaps(ctx, set);
      const failure =
        found.length !== 2
          ? `iteration found ${found.length} part map(s) (${found.map(showDesc).join(', ')}) for two parts mapped without coalescing`
          : undefined;
      return {
        observed: observed('pmemset_map of two parts, coalescing not set', { code: 0 }, { parts: `${showDesc(a)}, ${showDesc(b)}` }),
        permitted: ['0'],
        ...(failure ? { failure } : {}),
      };
    },
  },
  {
    key: `${FN}/OPPORTUNISTIC falls back to NONE#1`,
    situation:
      'OPPORTUNISTIC in a reservation where the page after the first part holds a libpmem2 mapping: the second part maps elsewhere, as a part map of its own',
    fixtures: 'devdax',
    run: (ctx) => {
      const { set } = blockedAfterFirstPart(ctx);
      const p = page(ctx);
      const first = partMaps(ctx, set)[0]!;
      const o = ctx.addon.setSetContiguousPartCoalescing(set, S.OPPORTUNISTIC);
      if (o.code !== 0) return { observed: observed(`${FN}(OPPORTUNISTIC)`, o), permitted: ['0'] };
      const { src } = fileSource(ctx, p);
      const r = ctx.addon.setMap(set, src, partConfig(ctx, p), true);
      let failure: string | undefined;
      if (r.code === 0) {
        const found = partMaps(ctx, set);
        if (r.descriptor!.addr === first.addr + first.size)
          failure = `the second part was mapped at ${hex(r.descriptor!.addr)}, the occupied range after the first part`;
        else if (found.length !== 2) failure = `iteration found ${found.map(showDesc).join(', ')}: expected two part maps`;
      }
      return {
        observed: observed('pmemset_map(OPPORTUNISTIC, range after the previous part occupied)', r),
        permitted: ['0'],
        ...(failure ? { failure } : {}),
      };
    },
  },
  {
    key: `${FN}/FULL fails when it cannot coalesce#1`,
    situation: 'FULL in a reservation where the page after the first part holds a libpmem2 mapping: the second mapping fails',
    note: 'pmemset_map(3) names the error of this situation: PMEMSET_E_CANNOT_COALESCE_PARTS.',
    fixtures: 'devdax',
    run: (ctx) => {
      const { set } = blockedAfterFirstPart(ctx);
      const { src } = fileSource(ctx, page(ctx));
      const r = ctx.addon.setMap(set, src, partConfig(ctx, page(ctx)), false);
      return {
        observed: observed('pmemset_map(FULL, range after the previous part occupied)', r),
        permitted: ['PMEMSET_E_CANNOT_COALESCE_PARTS'],
      };
    },
  },
  {
    key: `${FN}/coalesced parts are one part map#1`,
    situation:
      'FULL: two 1-page parts; first/next find one part map of 2 pages, and by_address on the second part finds that same part map',
    fixtures: 'devdax',
    run: (ctx) => {
      const p = page(ctx);
      const { set } = newSet(ctx, { coalescing: S.FULL });
      const a = mapSizedPart(ctx, set, p);
      const { src } = fileSource(ctx, p);
      const r = ctx.addon.setMap(set, src, partConfig(ctx, p), true);
      let failure: string | undefined;
      if (r.code === 0) {
        const found = partMaps(ctx, set);
        const by = byAddress(ctx, set, r.descriptor!.addr);
        if (found.length !== 1 || found[0]!.addr !== a.addr || found[0]!.size !== BigInt(2 * p))
          failure = `iteration found ${found.map(showDesc).join(', ')}: expected one part map ${hex(a.addr)} +${2 * p}`;
        else if (by.desc?.addr !== a.addr || by.desc.size !== BigInt(2 * p)) failure = `by_address(second part) found ${showDesc(by.desc)}`;
      }
      return { observed: observed('pmemset_map(second part, FULL)', r), permitted: ['0'], ...(failure ? { failure } : {}) };
    },
  },
];

export const suite: Suite = { name: FN, implementation: 'libpmemset', pages: [FN], cases };
