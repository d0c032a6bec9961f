/**
 * pmem2_get_flush_fn(3). A flush alone "does not guarantee that the data
 * is stored durably"; followed by a drain it does. So each case flushes,
 * drains, and checks (where the fixture shows it: see pmem2_get_persist_fn)
 * that the pages written through the map were written back.
 */
import type { CaseDef, Suite } from './framework.js';
import { adjacentMaps, alsoRequire, fileMap, neverNull, readBack, sameFunction, writtenBack } from './pmem2_fn_util.js';
import { hex } from './pmem2_util.js';

const cases: CaseDef[] = [
  {
    key: 'pmem2_get_flush_fn/RETURN VALUE#1',
    fixtures: 'devdax',
    situation: 'pmem2_get_flush_fn of a shared, a private, a read-only and an anonymous map and of a map in a reservation',
    run: (ctx) => neverNull(ctx, ['flush']),
  },
  {
    key: 'pmem2_get_flush_fn/RETURN VALUE#2',
    fixtures: 'devdax',
    situation: 'pmem2_get_flush_fn asked twice for one map, and again after other maps were made, persisted and deleted',
    run: (ctx) => sameFunction(ctx, ['flush']),
  },
  {
    key: 'pmem2_get_flush_fn/flush then drain stores durably#1',
    fixtures: 'devdax',
    situation:
      'store into both pages of a 2-page map (each page then dirty), flush the whole map, drain: both pages written back, and the file holds the bytes',
    run: (ctx) => {
      const p = ctx.unit;
      const m = fileMap(ctx, 2);
      const data = Buffer.from('flushed and drained');
      const o = writtenBack(
        ctx,
        [
          [m, 100],
          [m, p + 100],
        ],
        'flush_fn(whole map), drain_fn()',
        () => {
          ctx.addon.mapWrite(m.map, 100, data);
          ctx.addon.mapWrite(m.map, p + 100, data);
          ctx.addon.mapFlush(m.map, 0, 2 * p);
          ctx.addon.mapDrain(m.map);
        },
      );
      return alsoRequire(
        o,
        () => readBack(ctx, m, 100, data.length).equals(data) && readBack(ctx, m, p + 100, data.length).equals(data),
        'the file lacks the bytes',
        'read(2) of the file does not give the flushed bytes',
      );
    },
  },
  {
    key: 'pmem2_get_flush_fn/no alignment restrictions#1',
    fixtures: 'devdax',
    situation:
      'store into three pages of a 3-page map, flush 8 bytes from 3 bytes before the first page boundary and 1 byte at an odd offset of the third page, drain: all three pages written back',
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
        'flush_fn(+page-3, 8 bytes), flush_fn(+2 pages+1001, 1 byte), drain_fn()',
        () => {
          ctx.addon.mapFlush(m.map, p - 3, 8);
          ctx.addon.mapFlush(m.map, 2 * p + 1001, 1);
          ctx.addon.mapDrain(m.map);
        },
      );
    },
  },
  {
    key: 'pmem2_get_flush_fn/range spanning adjacent mappings#1',
    fixtures: 'devdax',
    situation:
      "two 2-page maps of two files back to back in a reservation, sharing one flush function: store into the last page of the first and the first page of the second, flush 200 bytes across the boundary with the first map's function, drain: both pages written back",
    run: (ctx) => {
      const { first, second } = adjacentMaps(ctx);
      const a = ctx.addon.mapFunctions(first.map).flush;
      const b = ctx.addon.mapFunctions(second.map).flush;
      if (a !== b)
        return {
          skip: `the two maps do not share a flush function (${hex(a)}, ${hex(b)}): the sentence is about maps that do`,
          technique: 'precondition',
        };
      const p = ctx.unit;
      return writtenBack(
        ctx,
        [
          [first, 2 * p - 100],
          [second, 0],
        ],
        'flush_fn(100 bytes before the boundary to 100 after), drain_fn()',
        () => {
          ctx.addon.spanFlush(first.map, first.addr + BigInt(2 * p - 100), 200);
          ctx.addon.mapDrain(first.map);
        },
      );
    },
  },
];

export const suite: Suite = { name: 'pmem2_get_flush_fn', implementation: 'libpmem2', pages: ['pmem2_get_flush_fn'], cases };
