/**
 * pmem2_get_persist_fn(3). "Stored durably" is checked where the fixture
 * shows it: on a page-cache filesystem that writes back, a page written
 * through a PAGE-granularity map is dirty, and a persist must leave it
 * clean (written back to the file). tmpfs (no write-back) and DAX (no page
 * cache) cannot show it, and those cases skip saying so.
 */
import type { CaseDef, Suite } from './framework.js';
import { adjacentMaps, alsoRequire, fileMap, neverNull, readBack, sameFunction, writtenBack } from './pmem2_fn_util.js';
import { hex } from './pmem2_util.js';

const cases: CaseDef[] = [
  {
    key: 'pmem2_get_persist_fn/RETURN VALUE#1',
    fixtures: 'devdax',
    situation: 'pmem2_get_persist_fn of a shared, a private, a read-only and an anonymous map and of a map in a reservation',
    run: (ctx) => neverNull(ctx, ['persist']),
  },
  {
    key: 'pmem2_get_persist_fn/RETURN VALUE#2',
    fixtures: 'devdax',
    situation: 'pmem2_get_persist_fn asked twice for one map, and again after other maps were made, persisted and deleted',
    run: (ctx) => sameFunction(ctx, ['persist']),
  },
  {
    key: 'pmem2_get_persist_fn/data stored durably on return#1',
    fixtures: 'devdax',
    situation:
      'store into both pages of a 2-page map (each page then dirty), persist the whole map: both pages written back, and the file holds the bytes',
    run: (ctx) => {
      const p = ctx.unit;
      const m = fileMap(ctx, 2);
      const data = Buffer.from('persisted by pmem2_persist_fn');
      const o = writtenBack(
        ctx,
        [
          [m, 100],
          [m, p + 100],
        ],
        'persist_fn(whole map)',
        () => {
          ctx.addon.mapWrite(m.map, 100, data);
          ctx.addon.mapWrite(m.map, p + 100, data);
          ctx.addon.mapPersist(m.map, 0, 2 * p);
        },
      );
      return alsoRequire(
        o,
        () => readBack(ctx, m, 100, data.length).equals(data) && readBack(ctx, m, p + 100, data.length).equals(data),
        'the file lacks the bytes',
        'read(2) of the file does not give the persisted bytes',
      );
    },
  },
  {
    key: 'pmem2_get_persist_fn/no alignment restrictions#1',
    fixtures: 'devdax',
    situation:
      'store into three pages of a 3-page map, then persist 8 bytes from 3 bytes before the first page boundary (unaligned start and length, across the boundary) and 1 byte at an odd offset of the third page: all three pages written back',
    run: (ctx) => {
      const p = ctx.unit;
      const m = fileMap(ctx, 3);
      return writtenBack(
        ctx,
        [
          [m, p - 3],
          [m, p + 4],
          [m, 2 * p + 1001],
        ],
        'persist_fn(+page-3, 8 bytes) and persist_fn(+2 pages+1001, 1 byte)',
        () => {
          ctx.addon.mapPersist(m.map, p - 3, 8);
          ctx.addon.mapPersist(m.map, 2 * p + 1001, 1);
        },
      );
    },
  },
  {
    key: 'pmem2_get_persist_fn/range spanning adjacent mappings#1',
    fixtures: 'devdax',
    situation:
      "two 2-page maps of two files back to back in a reservation, sharing one persist function: store into the last page of the first and the first page of the second, persist 200 bytes across the boundary with the first map's function: both pages written back",
    run: (ctx) => {
      const { first, second } = adjacentMaps(ctx);
      const a = ctx.addon.mapFunctions(first.map).persist;
      const b = ctx.addon.mapFunctions(second.map).persist;
      if (a !== b)
        return {
          skip: `the two maps do not share a persist function (${hex(a)}, ${hex(b)}): the sentence is about maps that do`,
          technique: 'precondition',
        };
      const p = ctx.unit;
      return writtenBack(
        ctx,
        [
          [first, 2 * p - 100],
          [second, 0],
        ],
        'persist_fn(100 bytes before the boundary to 100 after)',
        () => ctx.addon.spanPersist(first.map, first.addr + BigInt(2 * p - 100), 200),
      );
    },
  },
];

export const suite: Suite = { name: 'pmem2_get_persist_fn', implementation: 'libpmem2', pages: ['pmem2_get_persist_fn'], cases };
