/**
 * pmemset_map_config_set_length(3). The synopsis names the function
 * pmemset_config_set_length; the library exports
 * pmemset_map_config_set_length (native/libpmemset/README.md, choice 3).
 */
import type { CaseDef, Suite } from './framework.js';
import { observed } from './pmem2_util.js';
import { fileSource, mapConfig, newSet } from './pmemset_util.js';
import { page, voidOutcome } from './pmemset_page_util.js';

const cases: CaseDef[] = [
  {
    key: 'pmemset_map_config_set_length/RETURN VALUE#1',
    situation: 'length 1 page in a map config used to map a 3-page file: the part is 1 page (on device DAX, 1 unit of the whole device)',
    fixtures: 'devdax',
    run: (ctx) => {
      const p = page(ctx);
      const { set } = newSet(ctx);
      const { src } = fileSource(ctx, 3 * p);
      const r = ctx.addon.setMap(set, src, mapConfig(ctx, { length: p }), true);
      if (r.code !== 0) return { observed: observed('pmemset_map(length 1 page)', r), permitted: ['0'] };
      return voidOutcome(
        'pmemset_map_config_set_length(1 page)',
        r.descriptor!.size !== BigInt(p) ? `the part is ${r.descriptor!.size} bytes, the length set was ${p}` : undefined,
      );
    },
  },
  {
    key: 'pmemset_map_config_set_length/length defaults to the file size#1',
    situation:
      "a map config without a length (offset 0 set) mapping a 3-page file: the part is 3 pages (on device DAX, the whole device: its size is the namespace's)",
    fixtures: 'devdax',
    run: (ctx) => {
      const p = page(ctx);
      const { set } = newSet(ctx);
      const { src, size, device } = fileSource(ctx, 3 * p);
      const r = ctx.addon.setMap(set, src, mapConfig(ctx, { offset: 0 }), true);
      const failure =
        r.code === 0 && r.descriptor!.size !== BigInt(size)
          ? `the part is ${r.descriptor!.size} bytes, the ${device ? 'device' : 'file'} ${size}`
          : undefined;
      return {
        observed: observed('pmemset_map(map config without length, 3-page file)', r),
        permitted: ['0'],
        ...(failure ? { failure } : {}),
      };
    },
  },
  {
    key: 'pmemset_map_config_set_length/length must be aligned#1',
    situation:
      'length 1 page + 1 byte for a file source (alignment: 1 page; on device DAX, 1 unit + 1 byte of the device, alignment 1 unit)',
    fixtures: 'devdax',
    note: 'pmemset_map(3) names the error of this situation: PMEMSET_E_LENGTH_UNALIGNED.',
    run: (ctx) => {
      const p = page(ctx);
      const { set } = newSet(ctx);
      const { src } = fileSource(ctx, 2 * p);
      const r = ctx.addon.setMap(set, src, mapConfig(ctx, { length: p + 1 }), false);
      return { observed: observed('pmemset_map(length 1 page + 1)', r), permitted: ['PMEMSET_E_LENGTH_UNALIGNED'] };
    },
  },
];

export const suite: Suite = {
  name: 'pmemset_map_config_set_length',
  implementation: 'libpmemset',
  pages: ['pmemset_map_config_set_length'],
  cases,
};
