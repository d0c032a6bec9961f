/**
 * pmem2_config_set_offset(3): one case per documented clause.
 */
import { codeName } from '../runner/core/constants.js';
import type { CaseContext, CaseDef, Suite } from './framework.js';
import { config, fileSource, mapNew, observed, writeMedium } from './pmem2_util.js';

const FN = 'pmem2_config_set_offset';

function bareConfig(ctx: CaseContext) {
  return config(ctx);
}

const cases: CaseDef[] = [
  {
    key: 'pmem2_config_set_offset/RETURN VALUE#1',
    fixtures: 'devdax',
    situation: 'set the offset to 1 page',
    run: (ctx) => ({
      observed: observed(`${FN}(1 page)`, ctx.addon.configSetOffset(bareConfig(ctx), ctx.unit)),
      permitted: ['0'],
    }),
  },
  {
    key: 'pmem2_config_set_offset/PMEM2_E_OFFSET_OUT_OF_RANGE#1',
    fixtures: 'devdax',
    situation: 'set the offset to INT64_MAX + 1 (2^63)',
    textMatches: /INT64_MAX/,
    run: (ctx) => {
      const cfg = bareConfig(ctx);
      // the boundary itself is not "greater than INT64_MAX": shown beside the result
      const edge = ctx.addon.configSetOffset(config(ctx), (1n << 63n) - 1n);
      const r = ctx.addon.configSetOffset(cfg, 1n << 63n);
      return {
        observed: observed(`${FN}(2^63)`, r, { 'INT64_MAX itself': codeName(edge.code) }),
        permitted: ['PMEM2_E_OFFSET_OUT_OF_RANGE'],
      };
    },
  },
  {
    key: 'pmem2_config_set_offset/default offset 0#1',
    fixtures: 'devdax',
    situation: "a 2-page file with 'A' at byte 0 and 'B' at page 1, mapped with no offset set: the map starts with 'A'",
    run: (ctx) => {
      const p = ctx.unit;
      const m = fileSource(ctx, 2 * p);
      const { src } = m;
      writeMedium(ctx, m, Buffer.from('A'), 0);
      writeMedium(ctx, m, Buffer.from('B'), p);
      const r = mapNew(ctx, config(ctx), src);
      if (r.code !== 0 || !r.map) return { observed: observed('pmem2_map_new(no offset set)', r), permitted: ['0'] };
      const first = ctx.addon.mapRead(r.map, 0, 1).toString();
      const size = ctx.addon.mapGetSize(r.map);
      const details = { firstByte: first, size: String(size) };
      let failure: string | undefined;
      if (first !== 'A') failure = `the map starts with ${JSON.stringify(first)}, not the file's byte 0 ('A')`;
      else if (size !== BigInt(m.size)) failure = `the map is ${size} bytes, the source from offset 0 is ${m.size}`;
      return { observed: observed('pmem2_map_new(no offset set)', r, details), permitted: ['0'], ...(failure ? { failure } : {}) };
    },
  },
];

export const suite: Suite = {
  name: 'pmem2_config_set_offset',
  implementation: 'libpmem2',
  pages: ['pmem2_config_set_offset'],
  cases,
};
