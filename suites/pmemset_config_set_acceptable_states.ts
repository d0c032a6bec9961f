/**
 * pmemset_config_set_acceptable_states(3). The states are only determined
 * for sources with SDS (unsafe-shutdown data), which needs hardware with
 * SMART; where pmemset_map answers PMEMSET_E_SDS_NOSUPP the behaviours skip.
 */
import { SYSFS_ATTR, sdsMapInChild } from './sysfs_attr.js';
import { codeName } from '../runner/core/constants.js';
import type { CaseContext, CaseDef, Outcome, Suite } from './framework.js';
import { check, observed } from './pmem2_util.js';
import { fileSource, newSet, setConfig } from './pmemset_util.js';
import { E, page } from './pmemset_page_util.js';

/** a set from `states` (undefined: the default), and a file source with SDS set */
function sdsSituation(ctx: CaseContext, states?: number) {
  const { set } = newSet(ctx, { states });
  const { src } = fileSource(ctx, page(ctx));
  const sds = ctx.addon.setSourceSetSds(src, {});
  check('pmemset_source_set_sds', sds);
  return { set, src, sds: sds.sds };
}

const NOSUPP = (fs: string) =>
  `the fixture's storage (${fs}) does not support unsafe-shutdown data: pmemset_map answers PMEMSET_E_SDS_NOSUPP, so no part state is determined`;

const cases: CaseDef[] = [
  {
    key: 'pmemset_config_set_acceptable_states/RETURN VALUE#1',
    situation: 'acceptable states OK | OK_BUT_INTERRUPTED',
    fixtures: 'devdax',
    run: (ctx) => {
      const r = ctx.addon.setConfigSetAcceptableStates(setConfig(ctx), E.OK | E.OK_BUT_INTERRUPTED);
      return { observed: observed('pmemset_config_set_acceptable_states(OK | OK_BUT_INTERRUPTED)', r), permitted: ['0'] };
    },
  },
  {
    key: 'pmemset_config_set_acceptable_states/PMEMSET_E_INVALID_PART_STATES#1',
    situation: 'acceptable states OK | 1<<20 (a bit no part state has)',
    fixtures: 'devdax',
    run: (ctx) => {
      const r = ctx.addon.setConfigSetAcceptableStates(setConfig(ctx), E.OK | (1 << 20));
      return { observed: observed('pmemset_config_set_acceptable_states(OK | 1<<20)', r), permitted: ['PMEMSET_E_INVALID_PART_STATES'] };
    },
  },
  {
    key: 'pmemset_config_set_acceptable_states/OK and OK_BUT_ALREADY_OPEN accepted by default#1',
    situation: 'default acceptable states; a source with SDS mapped twice: the second part is OK_BUT_ALREADY_OPEN and still maps',
    fixtures: 'devdax',
    run: (ctx): Outcome => {
      const { set, src, sds } = sdsSituation(ctx);
      const r1 = ctx.addon.setMap(set, src, null, false);
      let technique = 'natural';
      let at = 'pmemset_map(second part of the same SDS source)';
      let r2: { code: number; message?: string };
      let st: number;
      if (codeName(r1.code) === 'PMEMSET_E_SDS_NOSUPP') {
        at = 'pmemset_map(second part of the same SDS source, its DIMMs given a dirty-shutdown count) in a child';
        const c = sdsMapInChild(ctx, set, src, sds, 2, at, ['0']);
        if ('skip' in c) return { skip: `${NOSUPP(ctx.caps.filesystem)}; ${c.skip}`, technique: c.technique ?? 'fixture:sds' };
        if (!('code' in c)) return c;
        [r2, st, technique] = [c, c.state ?? -1, SYSFS_ATTR];
      } else {
        if (r1.code !== 0) return { observed: observed('pmemset_map(first part, SDS)', r1), permitted: ['0'] };
        r2 = ctx.addon.setMap(set, src, null, false);
        st = ctx.addon.setSdsRead(sds).state;
      }
      const failure =
        r2.code === 0 && st !== E.OK_BUT_ALREADY_OPEN
          ? `the second part's state is ${st}, not OK_BUT_ALREADY_OPEN (${E.OK_BUT_ALREADY_OPEN})`
          : undefined;
      return {
        technique,
        observed: observed(at, r2, { state: st }),
        permitted: ['0'],
        ...(failure ? { failure } : {}),
      };
    },
  },
  {
    key: 'pmemset_config_set_acceptable_states/map fails on a state not accepted#1',
    situation: 'acceptable states INDETERMINATE only; a source with SDS mapped (its state is not INDETERMINATE on a healthy device)',
    fixtures: 'devdax',
    run: (ctx): Outcome => {
      const { set, src, sds } = sdsSituation(ctx, E.INDETERMINATE);
      let r: { code: number; message?: string } = ctx.addon.setMap(set, src, null, false);
      let st = ctx.addon.setSdsRead(sds).state;
      let technique = 'natural';
      let at = 'pmemset_map(SDS source, only INDETERMINATE acceptable)';
      if (codeName(r.code) === 'PMEMSET_E_SDS_NOSUPP') {
        at = 'pmemset_map(SDS source, only INDETERMINATE acceptable, its DIMMs given a dirty-shutdown count) in a child';
        const c = sdsMapInChild(ctx, set, src, sds, 1, at, ['PMEMSET_E_UNDESIRABLE_PART_STATE']);
        if ('skip' in c) return { skip: `${NOSUPP(ctx.caps.filesystem)}; ${c.skip}`, technique: c.technique ?? 'fixture:sds' };
        if (!('code' in c)) return c;
        [r, st, technique] = [c, c.state ?? -1, SYSFS_ATTR];
      }
      if (st === E.INDETERMINATE) return { skip: 'the device reported an indeterminate state, which this config accepts' };
      return {
        technique,
        observed: observed(at, r, { state: st }),
        permitted: ['PMEMSET_E_UNDESIRABLE_PART_STATE'],
      };
    },
  },
];

export const suite: Suite = {
  name: 'pmemset_config_set_acceptable_states',
  implementation: 'libpmemset',
  pages: ['pmemset_config_set_acceptable_states'],
  cases,
};
