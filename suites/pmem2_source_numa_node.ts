/**
 * pmem2_source_numa_node(3): one case per documented clause.
 */
import path from 'node:path';
import type { CaseDef, Suite } from './framework.js';
import { anonSource } from './pmem2_source_from_anon.js';
import { notProvoked, onPmem, regionFacts } from './pmem2_source_identity.js';
import { fileSource, observed } from './pmem2_util.js';

const FN = 'pmem2_source_numa_node';

const cases: CaseDef[] = [
  {
    key: 'pmem2_source_numa_node/RETURN VALUE#1',
    fixtures: 'devdax',
    situation:
      "the source of a file on the fixture (on device DAX: the device); on failure *numa_node must be left as it was; on success it is the region's sysfs numa_node (what ndctl list -v shows), where readable",
    note: 'Off persistent memory no ndctl region holds the file: PMEM2_E_DAX_REGION_NOT_FOUND is permitted there, 0 only.',
    run: (ctx) => {
      const { src, device } = fileSource(ctx, ctx.unit);
      const r = ctx.addon.sourceNumaNode(src);
      const sys = regionFacts(ctx.caps);
      let failure: string | undefined;
      if (r.code !== 0 && !r.untouched) failure = 'the call failed but wrote *numa_node';
      else if (r.code === 0 && sys.numaNode !== undefined && r.value !== sys.numaNode)
        failure = `*numa_node is ${r.value}; ${sys.region}/numa_node says ${sys.numaNode}`;
      return {
        observed: observed(`${FN}(${device ? 'device DAX' : 'file on the fixture'})`, r, {
          numaNodeUntouched: r.untouched,
          ...(r.value !== undefined ? { numaNode: String(r.value) } : {}),
          sysfs: sys.numaNode !== undefined ? String(sys.numaNode) : 'no region numa_node',
        }),
        permitted: onPmem(ctx.caps) || ctx.caps.region ? ['0'] : ['0', 'PMEM2_E_DAX_REGION_NOT_FOUND', 'PMEM2_E_NOSUPP'],
        ...(failure ? { failure } : {}),
        ...(r.code === 0 && sys.numaNode === undefined ? { unchecked: 'the value (no region numa_node in sysfs to compare with)' } : {}),
      };
    },
  },
  {
    key: 'pmem2_source_numa_node/PMEM2_E_NOSUPP#1',
    fixtures: 'devdax',
    situation: 'an anonymous source (its CAVEATS: "not supported for them")',
    run: (ctx) => {
      const r = ctx.addon.sourceNumaNode(anonSource(ctx, ctx.caps.pageSize));
      return {
        observed: observed(`${FN}(anonymous source)`, r, { numaNodeUntouched: r.untouched }),
        permitted: ['PMEM2_E_NOSUPP'],
        ...(r.code !== 0 && !r.untouched ? { failure: 'the call failed but wrote *numa_node' } : {}),
      };
    },
  },
  {
    key: 'pmem2_source_numa_node/PMEM2_E_DAX_REGION_NOT_FOUND#1',
    situation: 'a file on a fixture that is not persistent memory (no ndctl region holds it)',
    notOnDevdax:
      "the fixture's device DAX is a namespace of an nd region, whose NUMA node the call returns (RETURN VALUE); the situation needs a file no region holds",
    run: (ctx) => {
      // DAX without MAP_SYNC (virtio-pmem) is still an nd region's namespace: the library finds its region
      if (onPmem(ctx.caps) || ctx.caps.dax)
        return { skip: 'the fixture is persistent memory (an nd region): its files have a region', technique: 'fixture:not-pmem' };
      // a sector (BTT) namespace has no DAX but is an nd region's namespace all the same: libpmem2 matches its
      // block device to the namespace (region_namespace_ndctl.c looks at BTT devices too) and finds the region
      if (ctx.caps.region)
        return {
          skip: `the fixture's block device is a namespace of the nd region ${path.basename(ctx.caps.region)} (no DAX, e.g. a sector namespace): its files have a region`,
          technique: 'fixture:not-pmem',
        };
      const { src } = fileSource(ctx, ctx.caps.pageSize);
      const r = ctx.addon.sourceNumaNode(src);
      return { observed: observed(`${FN}(file off pmem)`, r), permitted: ['PMEM2_E_DAX_REGION_NOT_FOUND'] };
    },
  },
  notProvoked(
    'pmem2_source_numa_node/PMEM2_E_INVALID_FILE_TYPE#1',
    'a source of a directory',
    'fd:swapped',
    "the type is checked only in pmem2_region_namespace (PMDK 1.12.1 region_namespace_ndctl.c), against the type pmem2_source_from_fd recorded; pmem2_source_from_fd returns PMEM2_E_INVALID_FILE_TYPE for a directory (source_posix.c), so no source records one, and pmem2_source_numa_node never fstat(2)s the descriptor again, so dup2(2) of a directory over the source's descriptor changes nothing it reads",
  ),
];

export const suite: Suite = { name: 'pmem2_source_numa_node', implementation: 'libpmem2', pages: ['pmem2_source_numa_node'], cases };
