/**
 * pmem2_config_set_sharing(3): one case per documented clause. The installed
 * copy heads its ERRORS section "ERRORRS"; the catalogue reads it as ERRORS
 * and reports the misspelling as a gap.
 */
import { codeName } from '../runner/core/constants.js';
import type { CaseContext, CaseDef, Outcome, Suite } from './framework.js';
import { C, config, fileSource, mapNew, observed, readMedium, writeMedium } from './pmem2_util.js';

const FN = 'pmem2_config_set_sharing';
const MARK = 'written-through-the-map';

/** map a zeroed 1-page file with `sharing` (undefined: not set), write MARK through it, read the file and a second shared mapping */
function writeThrough(ctx: CaseContext, sharing: number | undefined, visible: boolean, at: string): Outcome {
  const p = ctx.unit;
  const m = fileSource(ctx, p);
  const { src } = m;
  // a device keeps what earlier cases wrote: zero the page as a fresh file would be
  if (m.device) writeMedium(ctx, m, Buffer.alloc(MARK.length), 0);
  const r = mapNew(ctx, config(ctx, sharing === undefined ? {} : { sharing }), src);
  if (r.code !== 0 || !r.map) return { observed: observed(at, r), permitted: ['0'] };
  ctx.addon.mapWrite(r.map, 0, Buffer.from(MARK));
  const buf = readMedium(ctx, m, 0, MARK.length);
  const inFile = buf.toString() === MARK;
  const other = mapNew(ctx, config(ctx), src);
  const inOther = other.map ? ctx.addon.mapRead(other.map, 0, MARK.length).toString() === MARK : undefined;
  const details = {
    'file has the write': String(inFile),
    'second shared mapping sees it': inOther === undefined ? `not mapped (${codeName(other.code)})` : String(inOther),
  };
  let failure: string | undefined;
  if (inFile !== visible)
    failure = visible ? 'the write through the map is not in the file' : 'the write through the private map reached the file';
  else if (inOther !== undefined && inOther !== visible)
    failure = visible ? 'a second mapping of the file does not see the write' : 'a second mapping of the file sees the private write';
  return { observed: observed(at, r, details), permitted: ['0'], ...(failure ? { failure } : {}) };
}

const cases: CaseDef[] = [
  {
    key: 'pmem2_config_set_sharing/RETURN VALUE#1',
    fixtures: 'devdax',
    situation: 'set PMEM2_SHARED, then PMEM2_PRIVATE',
    run: (ctx) => {
      const s = ctx.addon.configSetSharing(config(ctx), C.SHARED);
      const p = ctx.addon.configSetSharing(config(ctx), C.PRIVATE);
      const o = s.code !== 0 ? observed(`${FN}(PMEM2_SHARED)`, s) : observed(`${FN}(PMEM2_SHARED) and ${FN}(PMEM2_PRIVATE)`, p);
      return { observed: o, permitted: ['0'] };
    },
  },
  {
    key: 'pmem2_config_set_sharing/PMEM2_E_INVALID_SHARING_VALUE#1',
    fixtures: 'devdax',
    situation: 'set sharing to 2, one past PMEM2_PRIVATE',
    textMatches: /value is invalid/,
    run: (ctx) => ({
      observed: observed(`${FN}(2)`, ctx.addon.configSetSharing(config(ctx), 2)),
      permitted: ['PMEM2_E_INVALID_SHARING_VALUE'],
    }),
  },
  {
    key: 'pmem2_config_set_sharing/PMEM2_SHARED is the default#1',
    fixtures: 'devdax',
    situation: 'map a file with no sharing set and write through it: the file and a second mapping see the write',
    run: (ctx) => writeThrough(ctx, undefined, true, 'pmem2_map_new(no sharing set)'),
  },
  {
    key: 'pmem2_config_set_sharing/PMEM2_PRIVATE writes stay private#1',
    notOnDevdax: 'a device DAX cannot be mapped private (the kernel refuses MAP_PRIVATE there; libpmem2 says PMEM2_E_SRC_DEVDAX_PRIVATE)',
    situation: 'map a file with PMEM2_PRIVATE and write through it: neither the file nor a second mapping sees the write',
    run: (ctx) => writeThrough(ctx, C.PRIVATE, false, 'pmem2_map_new(PMEM2_PRIVATE)'),
  },
];

export const suite: Suite = {
  name: 'pmem2_config_set_sharing',
  implementation: 'libpmem2',
  pages: ['pmem2_config_set_sharing'],
  cases,
};
