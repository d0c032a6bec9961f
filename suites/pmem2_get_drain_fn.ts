/**
 * pmem2_get_drain_fn(3). Whether a drain completed the flushes before it is
 * seen where the fixture shows write-back (see pmem2_get_persist_fn): the
 * pages flushed must be clean once the drain returns.
 */
import type { CaseDef, Suite } from './framework.js';
import { fileMap, neverNull, sameFunction, writtenBack } from './pmem2_fn_util.js';
import { hex } from './pmem2_util.js';

const cases: CaseDef[] = [
  {
    key: 'pmem2_get_drain_fn/RETURN VALUE#1',
    fixtures: 'devdax',
    situation: 'pmem2_get_drain_fn of a shared, a private, a read-only and an anonymous map and of a map in a reservation',
    run: (ctx) => neverNull(ctx, ['drain']),
  },
  {
    key: 'pmem2_get_drain_fn/RETURN VALUE#2',
    fixtures: 'devdax',
    situation: 'pmem2_get_drain_fn asked twice for one map, and again after other maps were made, persisted and deleted',
    run: (ctx) => sameFunction(ctx, ['drain']),
  },
  {
    key: 'pmem2_get_drain_fn/one drain for the flushes of mappings sharing it#1',
    fixtures: 'devdax',
    situation:
      "two maps of two files sharing one drain function: store into each, flush each with its own flush function, drain once with the first map's drain function: both written back",
    run: (ctx) => {
      const p = ctx.unit;
      const a = fileMap(ctx, 2, 3);
      const b = fileMap(ctx, 2, 5);
      const da = ctx.addon.mapFunctions(a.map).drain;
      const db = ctx.addon.mapFunctions(b.map).drain;
      if (da !== db)
        return {
          skip: `the two maps do not share a drain function (${hex(da)}, ${hex(db)}): the sentence is about maps that do`,
          technique: 'precondition',
        };
      return writtenBack(
        ctx,
        [
          [a, p + 8],
          [b, 8],
        ],
        'flush_fn of each map, then one drain_fn()',
        () => {
          ctx.addon.mapFlush(a.map, p, p);
          ctx.addon.mapFlush(b.map, 0, p);
          ctx.addon.mapDrain(a.map);
        },
      );
    },
  },
];

export const suite: Suite = { name: 'pmem2_get_drain_fn', implementation: 'libpmem2', pages: ['pmem2_get_drain_fn'], cases };
