/**
 * pmem2_deep_flush(3): one case per documented clause.
 */
import os from 'node:os';
import { codeName } from '../runner/core/constants.js';
import { seccomp } from '../runner/core/technique.js';
import type { CaseDef, Suite } from './framework.js';
import { dirtied, fileMap, notClean, writebackUnobservable } from './pmem2_fn_util.js';
import { anonMap } from './pmem2_source_from_anon.js';
import { fromExisting, plainMapping } from './pmem2_map_from_existing.js';
import { C, childOutcome, config, fileSource, mapNew, observed, SetupError } from './pmem2_util.js';

const FN = 'pmem2_deep_flush';

const cases: CaseDef[] = [
  {
    key: 'pmem2_deep_flush/RETURN VALUE#1',
    fixtures: 'devdax',
    situation:
      'write to both pages of a 2-page mapping and deep-flush all of it; where the fixture shows write-back (a page-cache filesystem that writes back), both pages must be clean after it',
    note: 'pmem2_deep_flush(3): the range is "stored durably in the most reliable persistence domain available to software". On a page-cache fixture that means written back to the file, which the pages\' dirty flags show (/proc/kpageflags); elsewhere only the return value is checked, and the note says why.',
    run: (ctx) => {
      const p = ctx.unit;
      const m = fileMap(ctx, 2);
      const why = writebackUnobservable(ctx, m.map) ?? dirtied(ctx, m, [0, p]);
      const r = ctx.addon.mapDeepFlush(m.map, 0, 2 * p);
      const left = why === undefined ? notClean(ctx, m, [0, p]) : [];
      const o = observed(`${FN}(whole 2-page map)`, r, why === undefined ? { writtenBack: left.length === 0 } : {});
      return {
        observed: o,
        permitted: ['0'],
        ...(why !== undefined ? { note: `write-back not checked: ${why}`, unchecked: `write-back (${why})` } : {}),
        ...(r.code === 0 && left.length ? { failure: `returned 0, but the deep flush wrote nothing back: ${left.join(', ')}` } : {}),
      };
    },
  },
  {
    key: 'pmem2_deep_flush/PMEM2_E_DEEP_FLUSH_RANGE#1',
    fixtures: 'devdax',
    situation: 'deep-flush 1 byte past the end of a 2-page mapping, 1 byte before its start, and the whole map plus 1 byte',
    textMatches: /not a subset/,
    run: (ctx) => {
      const p = ctx.unit;
      const { src } = fileSource(ctx, 2 * p);
      const m = mapNew(ctx, config(ctx, { length: 2 * p }), src);
      if (m.code !== 0 || !m.map) throw new SetupError(`pmem2_map_new returned ${codeName(m.code)}`);
      const results = [
        ['[end, end+1)', ctx.addon.mapDeepFlush(m.map, 2 * p, 1)],
        ['[start-1, start)', ctx.addon.mapDeepFlush(m.map, -1, 1)],
        ['[start, end+1)', ctx.addon.mapDeepFlush(m.map, 0, 2 * p + 1)],
      ] as const;
      const details = Object.fromEntries(results.map(([n, r]) => [n, codeName(r.code)]));
      const [n, r] = results.find(([, x]) => codeName(x.code) !== 'PMEM2_E_DEEP_FLUSH_RANGE') ?? results[0];
      return { observed: observed(`${FN}(${n})`, r, details), permitted: ['PMEM2_E_DEEP_FLUSH_RANGE'] };
    },
  },
  {
    key: 'pmem2_deep_flush/PMEM2_E_DAX_REGION_NOT_FOUND#1',
    situation: 'a device DAX whose region id cannot be read',
    fixtures: 'devdax',
    note: "On a file fixture the device is faked: in a forked child with a private mount namespace, a tmpfs over /sys/dev/char gives /dev/zero's MAJ:MIN a subsystem link to a directory named dax, which is how libpmem2 tells a device DAX (pmem2_source_from_fd). libndctl then finds no region for it. The device's shared mapping of 2 MiB is handed to pmem2_map_from_existing with CACHE_LINE granularity (a device DAX map's), and deep-flushed.",
    run: (ctx) => {
      if (ctx.caps.devdax)
        return {
          skip: "needs a device DAX whose region cannot be found; the fixture's device has one, and the file fixtures provoke it with a faked device",
          technique: 'mountns:sysfs-dax',
        };
      const len = 2 * 1024 * 1024;
      const r = ctx.addon.forkInject({ fakeDevdax: true }, 'devdax_deep_flush', len);
      return childOutcome(
        `${FN}(whole 2 MiB map of a device DAX without a region) in a child`,
        r,
        ['PMEM2_E_DAX_REGION_NOT_FOUND'],
        'fake a device DAX in a private mount namespace',
        'mountns:sysfs-dax',
      );
    },
  },
  {
    key: 'pmem2_deep_flush/-errno#1',
    notOnDevdax: "on a device DAX pmem2_deep_flush does not call msync(2): it writes the region's deep_flush sysfs attribute",
    situation:
      'in a forked child whose msync(2) a seccomp filter makes fail with EIO: deep-flush a 2-page CACHE_LINE map of a file source (pmem2_map_from_existing over a plain 2-page mapping)',
    note: "msync(2) over the map's own page-aligned range fails only with EIO (a write-back error of the storage), which no fixture can cause, so the failure is injected at the system call: what is checked is that the library passes it through. The deep flush of a PAGE-granularity map calls no msync at all (it returns 0 at once, see RETURN VALUE#1), so the map is given the CACHE_LINE granularity an fsdax file gets, whose deep flush is the msync of the file's range.",
    run: (ctx) => {
      if (!ctx.addon.pmem2Exports('pmem2_map_from_existing'))
        return { skip: 'the library under test does not export pmem2_map_from_existing', technique: 'build:missing-function' };
      const { src } = fileSource(ctx, 2 * ctx.caps.pageSize);
      const m = plainMapping(ctx, 2);
      const fe = fromExisting(ctx, src, m.addr, m.len, C.CACHE_LINE);
      if (fe.code !== 0 || !fe.map) throw new SetupError(`pmem2_map_from_existing returned ${codeName(fe.code)}`);
      const r = ctx.addon.forkInject({ syscall: 'msync', errno: os.constants.errno.EIO }, 'deep_flush', fe.map, 0, m.len);
      return childOutcome(
        `${FN}(whole 2-page CACHE_LINE map, msync failing with EIO) in a child`,
        r,
        ['-EIO'],
        'install the seccomp filter',
        seccomp('msync', 'EIO'),
      );
    },
  },
  {
    key: 'pmem2_deep_flush/range stored durably#1',
    fixtures: 'devdax',
    situation:
      'write to all 4 pages of a 4-page mapping, deep-flush the middle two pages, then 100 bytes from map address + 256: both return 0; where the fixture shows write-back, the pages of both ranges are clean after it',
    note: "Part of a map, as PMDK's pmem2_deep_flush test flushes it: a slice that starts and ends inside the map, and a start that is not page-aligned.",
    run: (ctx) => {
      const p = ctx.unit;
      const m = fileMap(ctx, 4);
      const why = writebackUnobservable(ctx, m.map) ?? dirtied(ctx, m, [0, p, 2 * p, 3 * p]);
      const middle = ctx.addon.mapDeepFlush(m.map, p, 2 * p);
      const leftMiddle = why === undefined ? notClean(ctx, m, [p, 2 * p]) : [];
      const unaligned = ctx.addon.mapDeepFlush(m.map, 256, 100);
      const leftFirst = why === undefined ? notClean(ctx, m, [0]) : [];
      const r = middle.code !== 0 ? middle : unaligned;
      const at = middle.code !== 0 ? `${FN}(middle 2 pages of 4)` : `${FN}(map address + 256, 100 bytes)`;
      const left = [...leftMiddle, ...leftFirst];
      const details = {
        middle: codeName(middle.code),
        unaligned: codeName(unaligned.code),
        ...(why === undefined ? { writtenBack: left.length === 0 } : {}),
      };
      return {
        observed: observed(at, r, details),
        permitted: ['0'],
        ...(why !== undefined ? { note: `write-back not checked: ${why}`, unchecked: `write-back (${why})` } : {}),
        ...(r.code === 0 && left.length ? { failure: `returned 0, but the deep flush wrote nothing back: ${left.join(', ')}` } : {}),
      };
    },
  },
  {
    key: 'pmem2_deep_flush/anonymous map#1',
    fixtures: 'devdax',
    situation: 'deep-flush the whole of a 2-page map of an anonymous source',
    note: "The page lists no error for a map nothing durable backs. Read here: the most reliable persistence domain available for anonymous memory is that memory, so there is nothing to do and 0 is the answer; an error the page does not list is a divergence. PMDK's own pmem2_integration test expects PMEM2_E_NOSUPP.",
    run: (ctx) => {
      const { map } = anonMap(ctx, 2);
      const r = ctx.addon.mapDeepFlush(map, 0, 2 * ctx.unit);
      return { observed: observed(`${FN}(whole map of an anonymous source)`, r), permitted: ['0'] };
    },
  },
];

export const suite: Suite = {
  name: 'pmem2_deep_flush',
  implementation: 'libpmem2',
  pages: ['pmem2_deep_flush'],
  cases,
};
