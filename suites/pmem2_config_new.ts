/**
 * pmem2_config_new(3), which also documents pmem2_config_delete: one case
 * per documented clause.
 */
import { codeName } from '../runner/core/constants.js';
import type { Config } from '../runner/core/native.js';
import type { CaseContext, CaseDef, Suite } from './framework.js';
import { pattern } from './pmem2_fn_util.js';
import { C, check, fileSource, mapNew, observed, readMedium, SetupError, writeMedium } from './pmem2_util.js';

const FN = 'pmem2_config_new';

/** newConfig -- pmem2_config_new, deleted at the end of the case unless the case deleted it */
function newConfig(ctx: CaseContext) {
  const r = ctx.addon.configNew();
  const state = { deleted: false };
  if (r.config) {
    const c = r.config;
    ctx.defer(() => {
      if (!state.deleted) void ctx.addon.configDelete(c);
    });
  }
  return { ...r, state };
}

/** a file of `pages` pages holding pattern(seed), and a source of it */
function patterned(ctx: CaseContext, pages: number, seed: number) {
  const p = ctx.unit;
  const f = fileSource(ctx, pages * p);
  const data = pattern(pages * p, seed);
  writeMedium(ctx, f, data, 0);
  return { ...f, data };
}

const cases: CaseDef[] = [
  {
    key: 'pmem2_config_new/RETURN VALUE#1',
    fixtures: 'devdax',
    situation: 'make a config',
    run: (ctx) => {
      const r = newConfig(ctx);
      return {
        observed: observed(`${FN}()`, r),
        permitted: ['0'],
        ...(r.code === 0 && !r.config ? { failure: 'returned 0 but stored no config' } : {}),
      };
    },
  },
  {
    key: 'pmem2_config_delete/RETURN VALUE#1',
    fixtures: 'devdax',
    situation: 'delete a config that was used to map a file',
    run: (ctx) => {
      const r = newConfig(ctx);
      check(FN, r);
      const cfg = r.config as Config;
      check('pmem2_config_set_required_store_granularity', ctx.addon.configSetRequiredStoreGranularity(cfg, C.PAGE));
      const { src } = fileSource(ctx, ctx.unit);
      check('pmem2_map_new', mapNew(ctx, cfg, src));
      const d = ctx.addon.configDelete(cfg);
      r.state.deleted = d.code === 0;
      return { observed: observed('pmem2_config_delete(config used for a map)', d), permitted: ['0'] };
    },
  },
  {
    key: 'pmem2_config_new/defaults for most parameters#1',
    fixtures: 'devdax',
    situation:
      'a new config given only PAGE granularity maps a 3-page file whole (length), from its first byte (offset), shared with the file (sharing) and writable (protection)',
    note: 'The defaults are those the setter pages state: length 0 (the whole file), offset 0, PMEM2_SHARED, PMEM2_PROT_READ | PMEM2_PROT_WRITE.',
    run: (ctx) => {
      const p = ctx.unit;
      const f = patterned(ctx, 3, 13);
      const r = newConfig(ctx);
      check(FN, r);
      const cfg = r.config as Config;
      check('pmem2_config_set_required_store_granularity', ctx.addon.configSetRequiredStoreGranularity(cfg, C.PAGE));
      const m = mapNew(ctx, cfg, f.src);
      if (m.code !== 0 || !m.map) return { observed: observed('pmem2_map_new(default config)', m), permitted: ['0'] };
      const size = ctx.addon.mapGetSize(m.map);
      const head = ctx.addon.mapRead(m.map, 0, 64);
      let failure: string | undefined;
      if (size !== BigInt(f.size)) failure = `the map is ${size} bytes, not the whole ${f.size}-byte source`;
      else if (!head.equals(f.data.subarray(0, 64))) failure = "the map's first bytes are not the file's: the default offset is not 0";
      else {
        ctx.addon.mapWrite(m.map, p + 5, Buffer.from([0xc3]));
        ctx.addon.mapPersist(m.map, p + 5, 1);
        if (readMedium(ctx, f, p + 5, 1)[0] !== 0xc3)
          failure = 'a store through the map is not in the file: the default sharing is not PMEM2_SHARED';
      }
      return {
        observed: observed('pmem2_map_new(default config)', m, { size: String(size) }),
        permitted: ['0'],
        ...(failure ? { failure } : {}),
      };
    },
  },
  {
    key: 'pmem2_config_new/defines mapping parameters#1',
    fixtures: 'devdax',
    situation:
      'one config (offset 1 page, length 1 page) maps two sources and one source twice; then an invalid sharing value and an invalid protection flag are refused, and the config still maps with offset and length unchanged',
    run: (ctx) => {
      const p = ctx.unit;
      const a = patterned(ctx, 3, 21);
      const b = patterned(ctx, 3, 22);
      // a device DAX is one medium: the second pattern is what both of its sources hold
      if (b.device) a.data = b.data;
      const r = newConfig(ctx);
      check(FN, r);
      const cfg = r.config as Config;
      check('pmem2_config_set_required_store_granularity', ctx.addon.configSetRequiredStoreGranularity(cfg, C.PAGE));
      check('pmem2_config_set_offset', ctx.addon.configSetOffset(cfg, p));
      check('pmem2_config_set_length', ctx.addon.configSetLength(cfg, p));
      const bad = [ctx.addon.configSetSharing(cfg, 0x7fff), ctx.addon.configSetProtection(cfg, 0x1)];
      if (bad.some((x) => x.code === 0)) {
        throw new SetupError('an invalid sharing value or protection flag was accepted, so the config was changed on purpose');
      }
      const maps: [string, ReturnType<typeof mapNew>, Buffer][] = [];
      for (const [what, f] of [
        ['first source', a],
        ['second source', b],
        ['first source again', a],
      ] as const) {
        maps.push([what, mapNew(ctx, cfg, f.src), f.data]);
      }
      let failure: string | undefined;
      const details: Record<string, string> = { failedSetters: bad.map((x) => codeName(x.code)).join(',') };
      for (const [what, m, data] of maps) {
        details[what] = codeName(m.code);
        if (m.code !== 0 || !m.map) continue;
        const size = ctx.addon.mapGetSize(m.map);
        const head = ctx.addon.mapRead(m.map, 0, 32);
        if (!failure && size !== BigInt(p)) failure = `the map of the ${what} is ${size} bytes, not the configured ${p}`;
        if (!failure && !head.equals(data.subarray(p, p + 32))) failure = `the map of the ${what} does not start at the configured offset`;
      }
      const [what, m] = maps.find(([, x]) => x.code !== 0) ?? maps[maps.length - 1]!;
      return { observed: observed(`pmem2_map_new(${what})`, m, details), permitted: ['0'], ...(failure ? { failure } : {}) };
    },
  },
  {
    key: 'pmem2_config_delete/cfg set to NULL#1',
    fixtures: 'devdax',
    situation: 'delete a new config: *cfg is NULL afterwards',
    run: (ctx) => {
      const r = newConfig(ctx);
      check(FN, r);
      const d = ctx.addon.configDelete(r.config as Config);
      r.state.deleted = d.code === 0;
      return {
        observed: observed('pmem2_config_delete(new config)', d, { cfgCleared: d.pointerCleared }),
        permitted: ['0'],
        ...(d.pointerCleared ? {} : { failure: '*cfg is not NULL after pmem2_config_delete' }),
      };
    },
  },
  {
    key: 'pmem2_config_delete/NULL is a no-op#1',
    fixtures: 'devdax',
    situation: 'pmem2_config_delete with *cfg == NULL',
    run: (ctx) => {
      const d = ctx.addon.deleteNull('config');
      return {
        observed: observed('pmem2_config_delete(&NULL)', d, { cfgStillNull: d.pointerCleared }),
        permitted: ['0'],
        ...(d.pointerCleared ? {} : { failure: '*cfg is no longer NULL after deleting NULL' }),
      };
    },
  },
];

export const suite: Suite = {
  name: 'pmem2_config_new',
  implementation: 'libpmem2',
  pages: ['pmem2_config_new'],
  cases,
};
