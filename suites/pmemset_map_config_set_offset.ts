/**
 * pmemset_map_config_set_offset(3). The page's synopsis and ERRORS name the
 * function pmemset_config_set_offset; the library exports the name of the
 * page title, pmemset_map_config_set_offset (native/libpmemset/README.md,
 * choice 3), which the addon calls.
 */
import type { CaseContext, CaseDef, Suite } from './framework.js';
import { check, observed } from './pmem2_util.js';
import { fileSource, mapConfig, newSet, writeSource } from './pmemset_util.js';
import { page } from './pmemset_page_util.js';

const NOTE =
  'The page names the function pmemset_config_set_offset; the library exports pmemset_map_config_set_offset (native/libpmemset/README.md, choice 3).';

function freshMapConfig(ctx: CaseContext) {
  const r = ctx.addon.setMapConfigNew();
  check('pmemset_map_config_new', r);
  ctx.defer(() => void ctx.addon.setMapConfigDelete(r.mapConfig!));
  return r.mapConfig!;
}

const cases: CaseDef[] = [
  {
    key: 'pmemset_config_set_offset/RETURN VALUE#1',
    situation: 'offset of 1 page, and INT64_MAX (the largest offset the page allows)',
    note: NOTE,
    fixtures: 'devdax',
    run: (ctx) => {
      const mc = freshMapConfig(ctx);
      const r = ctx.addon.setMapConfigSetOffset(mc, page(ctx));
      if (r.code !== 0) return { observed: observed('pmemset_map_config_set_offset(1 page)', r), permitted: ['0'] };
      return {
        observed: observed('pmemset_map_config_set_offset(INT64_MAX)', ctx.addon.setMapConfigSetOffset(mc, (1n << 63n) - 1n)),
        permitted: ['0'],
      };
    },
  },
  {
    key: 'pmemset_config_set_offset/PMEMSET_E_OFFSET_OUT_OF_RANGE#1',
    situation: 'offset INT64_MAX + 1',
    note: NOTE,
    fixtures: 'devdax',
    run: (ctx) => ({
      observed: observed('pmemset_map_config_set_offset(2^63)', ctx.addon.setMapConfigSetOffset(freshMapConfig(ctx), 1n << 63n)),
      permitted: ['PMEMSET_E_OFFSET_OUT_OF_RANGE'],
    }),
  },
  {
    key: 'pmemset_map_config_set_offset/mapping starts at the offset#1',
    situation:
      'a 2-page file with a marker at offset 1 page, mapped at offset 1 page: the part starts with the marker (on device DAX, pages are units: the marker is written at the second unit of the device)',
    fixtures: 'devdax',
    run: (ctx) => {
      const p = page(ctx);
      const f = fileSource(ctx, 2 * p);
      const src = f.src;
      writeSource(ctx, f, p, Buffer.from('marker at one page'));
      const { set } = newSet(ctx);
      const r = ctx.addon.setMap(set, src, mapConfig(ctx, { offset: p, length: p }), true);
      let failure: string | undefined;
      if (r.code === 0) {
        const got = ctx.addon.readAddress(r.descriptor!.addr, 18).toString();
        if (got !== 'marker at one page') failure = `the part starts with ${JSON.stringify(got)}, not the bytes at offset ${p}`;
      }
      return { observed: observed('pmemset_map(offset 1 page, length 1 page)', r), permitted: ['0'], ...(failure ? { failure } : {}) };
    },
  },
];

export const suite: Suite = {
  name: 'pmemset_map_config_set_offset',
  implementation: 'libpmemset',
  pages: ['pmemset_map_config_set_offset'],
  cases,
};
