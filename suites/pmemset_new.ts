/**
 * pmemset_new(3): pmemset_new and pmemset_delete.
 */
import type { CaseDef, Suite } from './framework.js';
import { C, check, observed } from './pmem2_util.js';
import { fileSource, newSet, partConfig, setConfig } from './pmemset_util.js';
import { oomOutcome, page, showEvents } from './pmemset_page_util.js';

const cases: CaseDef[] = [
  {
    key: 'pmemset_new/RETURN VALUE#1',
    situation: 'pmemset_new with a config that requires PAGE granularity',
    fixtures: 'devdax',
    note: 'The clause also says *set is set to NULL on failure; the addon passes a variable holding NULL, so only the success path is judged here. pmemset_new also fails, with the unlisted PMEMSET_E_GRANULARITY_NOT_SET, on a config without a required granularity (native/libpmemset/README.md, choice 6): no clause covers that.',
    run: (ctx) => {
      const a = ctx.addon;
      const r = a.setNew(setConfig(ctx));
      if (r.set) ctx.defer(() => void a.setDelete(r.set!));
      return { observed: observed('pmemset_new(config with PAGE granularity)', r), permitted: ['0'] };
    },
  },
  {
    key: 'pmemset_delete/RETURN VALUE#1',
    situation: 'pmemset_delete of a set holding one mapped part (on device DAX, the first unit of the device)',
    fixtures: 'devdax',
    run: (ctx) => {
      const a = ctx.addon;
      const { set } = newSet(ctx, { caseDeletes: true });
      const { src } = fileSource(ctx, page(ctx));
      check('pmemset_map', a.setMap(set, src, partConfig(ctx, page(ctx)), false));
      const r = a.setDelete(set);
      return { observed: observed('pmemset_delete(set with one part)', r), permitted: ['0'] };
    },
  },
  {
    key: 'pmemset_new/-ENOMEM#1',
    situation: 'in a forked child whose heap is exhausted (every malloc fails): pmemset_new with a config made before',
    fixtures: 'devdax',
    run: (ctx) => oomOutcome(ctx, 'pmemset_new', setConfig(ctx)),
  },
  {
    key: 'pmemset_new/config copied into the set#1',
    situation:
      'a config with PAGE granularity and an event callback; the set is made, the config deleted, then a part is mapped (on device DAX, the first unit of the device): the set still has the granularity and the callback',
    fixtures: 'devdax',
    run: (ctx) => {
      const a = ctx.addon;
      const c = a.setConfigNew();
      check('pmemset_config_new', c);
      check('pmemset_config_set_required_store_granularity', a.setConfigSetRequiredStoreGranularity(c.config!, C.PAGE));
      const log = a.setConfigSetEventCallback(c.config!, {});
      const s = a.setNew(c.config!);
      if (!s.set) {
        a.setConfigDelete(c.config!);
        return { observed: observed('pmemset_new', s), permitted: ['0'] };
      }
      ctx.defer(() => void a.setDelete(s.set!));
      check('pmemset_config_delete', a.setConfigDelete(c.config!));
      const { src } = fileSource(ctx, page(ctx));
      const r = a.setMap(s.set!, src, partConfig(ctx, page(ctx)), true);
      const ev = a.setEventsTake(log);
      const added = ev.filter((e) => e.type === 'PART_ADD');
      const failure =
        r.code === 0 && added.length !== 1
          ? `after the config was deleted the set's callback saw ${showEvents(ev)}, not one PART_ADD`
          : undefined;
      return {
        observed: observed('pmemset_map into a set whose config was deleted', r, { events: showEvents(ev) }),
        permitted: ['0'],
        ...(failure ? { failure } : {}),
      };
    },
  },
  {
    key: 'pmemset_delete/set pointer cleared#1',
    situation: 'pmemset_delete of an empty set: *set is NULL afterwards',
    fixtures: 'devdax',
    run: (ctx) => {
      const { set } = newSet(ctx, { caseDeletes: true });
      const r = ctx.addon.setDelete(set);
      return {
        observed: observed('pmemset_delete', r, { pointerCleared: r.pointerCleared }),
        permitted: ['0'],
        ...(r.pointerCleared ? {} : { failure: '*set is not NULL after pmemset_delete' }),
      };
    },
  },
];

export const suite: Suite = { name: 'pmemset_new', implementation: 'libpmemset', pages: ['pmemset_new'], cases };
