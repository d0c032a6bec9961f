/**
 * pmem2_source_get_fd(3): one case per documented clause.
 */
import type { CaseDef, Suite } from './framework.js';
import { anonSource } from './pmem2_source_from_anon.js';
import { fileSource, observed } from './pmem2_util.js';

const FN = 'pmem2_source_get_fd';

const cases: CaseDef[] = [
  {
    key: 'pmem2_source_get_fd/RETURN VALUE#1',
    fixtures: 'devdax',
    situation: 'the source of a regular file',
    run: (ctx) => {
      const { src } = fileSource(ctx, ctx.unit);
      return { observed: observed(`${FN}(source of a regular file)`, ctx.addon.sourceGetFd(src)), permitted: ['0'] };
    },
  },
  {
    key: 'pmem2_source_get_fd/PMEM2_E_FILE_DESCRIPTOR_NOT_SET#1',
    fixtures: 'devdax',
    situation: 'an anonymous source of 1 page',
    run: (ctx) => {
      const r = ctx.addon.sourceGetFd(anonSource(ctx, ctx.unit));
      return { observed: observed(`${FN}(anonymous source)`, r), permitted: ['PMEM2_E_FILE_DESCRIPTOR_NOT_SET'] };
    },
  },
  {
    key: 'pmem2_source_get_fd/reads the file descriptor#1',
    fixtures: 'devdax',
    situation: 'the source of a regular file: the descriptor read back is the one the source was made from',
    run: (ctx) => {
      const { src, fd } = fileSource(ctx, ctx.unit);
      const r = ctx.addon.sourceGetFd(src);
      return {
        observed: observed(`${FN}(source of descriptor ${fd})`, r, { fd: r.value ?? -1 }),
        permitted: ['0'],
        ...(r.code === 0 && r.value !== fd ? { failure: `read descriptor ${r.value}, not ${fd}` } : {}),
      };
    },
  },
];

export const suite: Suite = {
  name: 'pmem2_source_get_fd',
  implementation: 'libpmem2',
  pages: ['pmem2_source_get_fd'],
  cases,
};
