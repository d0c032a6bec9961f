/**
 * pmem2_source_device_usc(3): one case per documented clause.
 */
import type { CaseDef, Suite } from './framework.js';
import { anonSource } from './pmem2_source_from_anon.js';
import { ndctlOom, notProvoked, onPmem } from './pmem2_source_identity.js';
import { fileSource, observed } from './pmem2_util.js';

const FN = 'pmem2_source_device_usc';

const cases: CaseDef[] = [
  {
    key: 'pmem2_source_device_usc/RETURN VALUE#1',
    fixtures: 'devdax',
    situation: 'the source of a file on the fixture (on device DAX: the device)',
    note: 'Where the fixture is not persistent memory no unsafe shutdown count exists: PMEM2_E_NOSUPP is permitted there, 0 only.',
    run: (ctx) => {
      const { src } = fileSource(ctx, ctx.unit);
      const r = ctx.addon.sourceDeviceUsc(src);
      return {
        observed: observed(`${FN}(file on the fixture)`, r, r.value !== undefined ? { usc: String(r.value) } : {}),
        permitted: onPmem(ctx.caps) ? ['0'] : ['0', 'PMEM2_E_NOSUPP'],
      };
    },
  },
  {
    key: 'pmem2_source_device_usc/PMEM2_E_NOSUPP#1',
    fixtures: 'devdax',
    situation: 'an anonymous source (no hardware behind it)',
    run: (ctx) => {
      const r = ctx.addon.sourceDeviceUsc(anonSource(ctx, ctx.caps.pageSize));
      return { observed: observed(`${FN}(anonymous source)`, r), permitted: ['PMEM2_E_NOSUPP'] };
    },
  },
  notProvoked(
    'pmem2_source_device_usc/-errno#1',
    'malloc(3) failing for the volume path',
    'platform:Windows',
    'the volume path is built on Windows only',
  ),
  notProvoked(
    'pmem2_source_device_usc/-errno#2',
    'fstat(2) failing on the descriptor',
    'seccomp:fstat=EIO',
    "this call makes no fstat(2) for a filter to fail: PMDK 1.12.1's usc_ndctl.c asks pmem2_region_namespace (region_namespace_ndctl.c), which matches the st_dev/st_rdev pmem2_source_from_fd recorded; libpmem2's only fstat(2)s of a source's descriptor after it was made are pmem2_source_size's and the fsdax extent lookup's, neither reached from this call",
  ),
  ndctlOom('pmem2_source_device_usc/-errno#3', 'pmem2_source_device_usc', 'ndctl_new() failing inside the library'),
  notProvoked(
    'pmem2_source_device_usc/-errno#4',
    'ndctl_dimm_get_dirty_shutdown() failing',
    'fixture:nvdimm',
    'needs a real NVDIMM whose dirty-shutdown query fails; the emulated NVDIMMs have no dirty-shutdown count, and a faked device DAX has no DIMM (the library answers PMEM2_E_NOSUPP, measured)',
  ),
];

export const suite: Suite = { name: 'pmem2_source_device_usc', implementation: 'libpmem2', pages: ['pmem2_source_device_usc'], cases };
