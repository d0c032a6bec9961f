/**
 * pmem2_map_delete(3): one case per documented clause.
 */
import type { CaseContext, CaseDef, Suite } from './framework.js';
import { addressMapped, C, config, fileSource, hex, observed, SetupError } from './pmem2_util.js';
import { fromExisting, lacks, moreOutcome, plainMapping } from './pmem2_map_from_existing.js';
import { codeName } from '../runner/core/constants.js';

const FN = 'pmem2_map_delete';

/** a fresh 2-page mapping that the case deletes itself (deleted at the end only if the case did not) */
function freshMap(ctx: CaseContext) {
  const p = ctx.unit;
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
    fixtures: 'devdax',
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
    fixtures: 'devdax',
    situation:
      'in a forked child: a byte copy of a map made by pmem2_map_from_existing over a 1-page mmap(2), deleted after the original was (a struct pmem2_map of a mapping the library no longer knows)',
    textMatches: /already unmapped/,
    note: 'The copy is made with malloc_usable_size(3) of the map object, so no layout of the opaque struct is assumed; the original comes from pmem2_map_from_existing so that deleting it unmaps nothing the copy still describes.',
    run: (ctx) => {
      const no = lacks(ctx, 'pmem2_map_from_existing');
      if (no) return no;
      const { src } = fileSource(ctx, ctx.unit);
      const m = plainMapping(ctx, 1);
      const fe = fromExisting(ctx, src, m.addr, m.len, C.PAGE);
      if (fe.code !== 0 || !fe.map) throw new SetupError(`pmem2_map_from_existing returned ${codeName(fe.code)}`);
      const r = ctx.addon.forkMore('map_delete_stale', fe.map);
      if (r.stage === 'call' && r.firstCode !== 0) {
        throw new SetupError(`deleting the original map in the child returned ${codeName(r.firstCode ?? NaN)}`);
      }
      return moreOutcome(`${FN}(copy of a deleted map)`, r, ['PMEM2_E_MAPPING_NOT_FOUND'], 'copy the map object', 'stale-map');
    },
  },
  {
    key: 'pmem2_map_delete/-EINVAL#1',
    fixtures: 'devdax',
    situation: 'in a forked child whose munmap(2) a seccomp filter makes fail with EINVAL: delete a 2-page mapping of a file',
    note: 'munmap(2) fails with EINVAL only for an unaligned or empty range, never for the page-aligned range the library unmaps, so the failure is injected at the system call: what is checked is that the library passes it through.',
    run: (ctx) => {
      const m = freshMap(ctx);
      const r = ctx.addon.forkMore('map_delete_munmap_einval', m.map);
      return moreOutcome(
        `${FN}(2-page file mapping, munmap failing)`,
        r,
        ['-EINVAL'],
        'install the seccomp filter',
        'seccomp:munmap=EINVAL',
      );
    },
  },
  {
    key: 'pmem2_map_delete/map_ptr set to NULL#1',
    fixtures: 'devdax',
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
    fixtures: 'devdax',
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
