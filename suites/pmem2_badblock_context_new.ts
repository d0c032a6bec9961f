/**
 * pmem2_badblock_context_new(3), which also documents
 * pmem2_badblock_context_delete: one case per documented clause. Only the
 * context's making is checked here; reading and clearing bad blocks
 * (pmem2_badblock_next, pmem2_badblock_clear) needs poisoned persistent
 * memory and is out of this harness's scope.
 */
import type { CaseDef, Suite } from './framework.js';
import { anonSource } from './pmem2_source_from_anon.js';
import { notProvoked } from './pmem2_source_identity.js';
import { fileSource, observed } from './pmem2_util.js';

const FN = 'pmem2_badblock_context_new';

const cases: CaseDef[] = [
  {
    key: 'pmem2_badblock_context_new/RETURN VALUE#1',
    fixtures: 'devdax',
    situation:
      "the source of a regular file on the fixture, on device DAX the device (its bad blocks are the namespace's, read through ndctl); the context made is deleted at once",
    run: (ctx) => {
      const { src } = fileSource(ctx, ctx.unit);
      const r = ctx.addon.badblockContextNew(src);
      return { observed: observed(`${FN}(regular file)`, r), permitted: ['0'] };
    },
  },
  {
    key: 'pmem2_badblock_context_new/RETURN VALUE#2',
    fixtures: 'devdax',
    situation: 'an anonymous source: the call fails and *bbctx is NULL',
    run: (ctx) => {
      const r = ctx.addon.badblockContextNew(anonSource(ctx, ctx.caps.pageSize));
      return {
        observed: observed(`${FN}(anonymous source)`, r, { bbctx: r.ctxPtr }),
        permitted: ['PMEM2_E_NOSUPP'],
        ...(r.code !== 0 && r.ctxPtr !== 'null' ? { failure: 'the call failed but *bbctx is not NULL' } : {}),
      };
    },
  },
  {
    key: 'pmem2_badblock_context_delete/RETURN VALUE#1',
    fixtures: 'devdax',
    situation: 'pmem2_badblock_context_delete is void: deleting the context of a regular file returns',
    run: (ctx) => {
      const { src } = fileSource(ctx, ctx.unit);
      // badblockContextNew deletes what it made: reaching here means the delete returned
      const r = ctx.addon.badblockContextNew(src);
      if (r.code !== 0) return { skip: `no context to delete: ${FN} returned ${r.code}` };
      return { observed: observed('pmem2_badblock_context_delete(context of a regular file)', r), permitted: ['0'] };
    },
  },
  notProvoked(
    'pmem2_badblock_context_new/PMEM2_E_INVALID_FILE_TYPE#1',
    'a source that is neither a regular file nor a character device: pmem2_source_from_fd refuses every such descriptor first',
  ),
  notProvoked('pmem2_badblock_context_new/PMEM2_E_DAX_REGION_NOT_FOUND#1', 'a device DAX or fsdax file whose region ndctl cannot find'),
  notProvoked('pmem2_badblock_context_new/PMEM2_E_CANNOT_READ_BOUNDS#1', 'a namespace whose offset or size cannot be read'),
  {
    key: 'pmem2_badblock_context_new/PMEM2_E_NOSUPP#1',
    fixtures: 'devdax',
    situation: 'an anonymous source (bad blocks of memory no file backs are not supported)',
    run: (ctx) => {
      const r = ctx.addon.badblockContextNew(anonSource(ctx, ctx.caps.pageSize));
      return { observed: observed(`${FN}(anonymous source)`, r), permitted: ['PMEM2_E_NOSUPP'] };
    },
  },
  notProvoked(
    'pmem2_badblock_context_new/-ENOMEM#1',
    "malloc(3) failing for the context (the addon's children exhaust the heap only for the map and source constructors)",
  ),
  notProvoked('pmem2_badblock_context_new/-errno#1', 'ndctl_new() failing inside the library'),
  notProvoked('pmem2_badblock_context_new/-errno#2', 'fstat(2) failing: the library uses what it recorded when the source was made'),
  notProvoked('pmem2_badblock_context_new/-errno#3', 'realpath(3) of a device DAX failing'),
  notProvoked('pmem2_badblock_context_new/-errno#4', 'open(2) of the FSDAX device failing'),
  notProvoked('pmem2_badblock_context_new/-errno#5', 'read(2) from the FSDAX device failing'),
  notProvoked('pmem2_badblock_context_new/-errno#6', 'ndctl_region_get_resource failing'),
  notProvoked('pmem2_badblock_context_new/-errno#7', 'the fiemap ioctl(2) failing on an fsdax file'),
];

export const suite: Suite = {
  name: 'pmem2_badblock_context_new',
  implementation: 'libpmem2',
  pages: ['pmem2_badblock_context_new'],
  cases,
};
