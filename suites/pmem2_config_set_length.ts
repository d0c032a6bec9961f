/**
 * pmem2_config_set_length(3): one case per documented clause. The page has
 * no ERRORS section: the function "always returns 0".
 */
import { codeName } from '../runner/core/constants.js';
import type { CaseDef, Suite } from './framework.js';
import { config, fileSource, mapNew, observed } from './pmem2_util.js';

const FN = 'pmem2_config_set_length';

const cases: CaseDef[] = [
  {
    key: 'pmem2_config_set_length/RETURN VALUE#1',
    fixtures: 'devdax',
    situation: 'set the length to 1 page, 0, 1 page + 1 (unaligned) and 2^64 - 1',
    note: 'Alignment and range are checked by pmem2_map_new, not here: every value must be accepted.',
    run: (ctx) => {
      const p = ctx.unit;
      const values: [string, number | bigint][] = [
        ['1 page', p],
        ['0', 0],
        ['1 page + 1', p + 1],
        ['2^64 - 1', (1n << 64n) - 1n],
      ];
      const results = values.map(([n, v]) => [n, ctx.addon.configSetLength(config(ctx), v)] as const);
      const details = Object.fromEntries(results.map(([n, r]) => [n, codeName(r.code)]));
      const [n, r] = results.find(([, x]) => x.code !== 0) ?? results[0]!;
      return { observed: observed(`${FN}(${n})`, r, details), permitted: ['0'] };
    },
  },
  {
    key: 'pmem2_config_set_length/default length is the file size#1',
    fixtures: 'devdax',
    situation: 'map a 3-page file with no length set: the map is 3 pages',
    run: (ctx) => {
      const p = ctx.unit;
      const { src, size: srcSize } = fileSource(ctx, 3 * p);
      const r = mapNew(ctx, config(ctx), src);
      if (r.code !== 0 || !r.map) return { observed: observed('pmem2_map_new(3-page file, no length set)', r), permitted: ['0'] };
      const size = ctx.addon.mapGetSize(r.map);
      return {
        observed: observed('pmem2_map_new(3-page file, no length set)', r, { size: String(size) }),
        permitted: ['0'],
        ...(size !== BigInt(srcSize) ? { failure: `the map is ${size} bytes, the source ${srcSize}` } : {}),
      };
    },
  },
];

export const suite: Suite = {
  name: 'pmem2_config_set_length',
  implementation: 'libpmem2',
  pages: ['pmem2_config_set_length'],
  cases,
};
