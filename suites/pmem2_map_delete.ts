/**
 * pmem2_map_delete(3): one case per documented clause.
 */
import type { CaseContext, CaseDef, Suite } from './framework.js';
import { addressMapped, config, fileSource, hex, observed, SetupError } from './pmem2_util.js';
import { codeName } from '../runner/core/constants.js';

const FN = 'pmem2_map_delete';

/** a fresh 2-page mapping that the case deletes itself (deleted at the end only if the case did not) */
function freshMap(ctx: CaseContext) {
  const p = ctx.caps.pageSize;
  const { src } = fileSource(ctx, 2 * p);
  const r = ctx.addon.mapNew(config(ctx), src);
  if (r.code !== 0 || !r.map) throw new SetupError(`pmem2_map_new returned ${codeName(r.code)}`);
  const map = r.map;
  const state = { deleted: false };
  ctx.defer(() => {
    if (!state.deleted) void ctx.addon.mapDelete(map);
  });
  return { map, state, addr: ctx.addon.mapGetAddress(map), size: ctx.addon.mapGetSize(map) };
}

const cases: CaseDef[] = [
  {
    key: 'pmem2_map_delete/RETURN VALUE#1',
    situation: 'delete a 2-page mapping of a file',
    run: (ctx) => {
      const m = freshMap(ctx);
      const r = ctx.addon.mapDelete(m.map);
      m.state.deleted = r.code === 0;
      return { observed: observed(`${FN}(2-page file mapping)`, r, { mapPtr: r.mapPtr }), permitted: ['0'] };
    },
  },
  {
    key: 'pmem2_map_delete/PMEM2_E_MAPPING_NOT_FOUND#1',
    situation: 'delete a map that was already unmapped, or whose state is corrupted',
    textMatches: /already unmapped/,
    run: () => ({
      skip: 'needs a struct pmem2_map the library no longer knows: one already deleted is freed memory (the addon refuses deleted handles, as passing one would be a use after free), and the addon has no pmem2_map_from_existing to forge one; not provoked',
    }),
  },
  {
    key: 'pmem2_map_delete/-EINVAL#1',
    situation: 'munmap(2) failing with EINVAL inside pmem2_map_delete',
    run: () => ({
      skip: "munmap(2) fails with EINVAL only for an unaligned or empty range, and the library unmaps the map's own page-aligned range; not provokable",
    }),
  },
  {
    key: 'pmem2_map_delete/map_ptr set to NULL#1',
    situation: 'delete a 2-page mapping: *map_ptr is NULL afterwards',
    run: (ctx) => {
      const m = freshMap(ctx);
      const r = ctx.addon.mapDelete(m.map);
      m.state.deleted = r.code === 0;
      const o = observed(`${FN}(2-page file mapping)`, r, { mapPtr: r.mapPtr });
      return {
        observed: o,
        permitted: ['0'],
        ...(r.code === 0 && r.mapPtr !== 'null' ? { failure: `the delete succeeded but *map_ptr is ${r.mapPtr}, not NULL` } : {}),
      };
    },
  },
  {
    key: 'pmem2_map_delete/mapping unmapped#1',
    situation: 'delete a 2-page mapping: its range is no longer in /proc/self/maps',
    run: (ctx) => {
      const m = freshMap(ctx);
      const before = addressMapped(m.addr, m.size);
      const r = ctx.addon.mapDelete(m.map);
      m.state.deleted = r.code === 0;
      const after = addressMapped(m.addr, m.size);
      const details = { address: hex(m.addr), size: String(m.size), mappedBefore: String(before), mappedAfter: String(after) };
      let failure: string | undefined;
      if (!before) throw new SetupError(`the mapping at ${hex(m.addr)} is not in /proc/self/maps before the delete`);
      if (r.code === 0 && after) failure = `after the delete, ${hex(m.addr)}+${m.size} is still mapped`;
      return { observed: observed(`${FN}(2-page file mapping)`, r, details), permitted: ['0'], ...(failure ? { failure } : {}) };
    },
  },
];

export const suite: Suite = {
  name: 'pmem2_map_delete',
  implementation: 'libpmem2',
  pages: ['pmem2_map_delete'],
  cases,
};
