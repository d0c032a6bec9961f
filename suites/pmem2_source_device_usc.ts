/**
 * pmem2_source_device_usc(3): one case per documented clause.
 */
import type { CaseDef, Suite } from './framework.js';
import { anonSource } from './pmem2_source_from_anon.js';
import { ndctlOom, notProvoked, onPmem, regionDimms } from './pmem2_source_identity.js';
import fs from 'node:fs';
import path from 'node:path';
import { childOutcome, fileSource, observed } from './pmem2_util.js';
import { SYSFS_ATTR } from './sysfs_attr.js';

const FN = 'pmem2_source_device_usc';

const cases: CaseDef[] = [
  {
    key: 'pmem2_source_device_usc/RETURN VALUE#1',
    fixtures: 'devdax',
    situation: 'the source of a file on the fixture (on device DAX: the device)',
    note: "Where the fixture is not persistent memory, or its region's DIMMs expose no dirty-shutdown count (no nfit/dirty_shutdown: QEMU's NVDIMMs), no unsafe shutdown count exists and PMEM2_E_NOSUPP (the platform does not expose it) is permitted beside 0; on DIMMs that have one, 0 only.",
    run: (ctx) => {
      const { src } = fileSource(ctx, ctx.unit);
      const r = ctx.addon.sourceDeviceUsc(src);
      const dimms = regionDimms(ctx.caps);
      const exposed = dimms.some((d) => fs.existsSync(path.join(d, 'nfit', 'dirty_shutdown')));
      const strict = onPmem(ctx.caps) && (dimms.length === 0 || exposed);
      return {
        observed: observed(`${FN}(file on the fixture)`, r, {
          ...(r.value !== undefined ? { usc: String(r.value) } : {}),
          ...(dimms.length ? { dirtyShutdownExposed: String(exposed) } : {}),
        }),
        permitted: strict ? ['0'] : ['0', 'PMEM2_E_NOSUPP'],
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
  {
    key: 'pmem2_source_device_usc/-errno#4',
    fixtures: 'devdax',
    situation:
      "ndctl_dimm_get_dirty_shutdown() failing for the region's DIMMs: their nfit/dirty_shutdown attribute absent (libndctl then gives -ENOENT), removed in a child's private mount namespace where a DIMM has one",
    note: 'libndctl reads nmemN/nfit/dirty_shutdown when it enumerates the DIMMs and keeps -ENOENT when it cannot.',
    run: (ctx) => {
      const dimms = regionDimms(ctx.caps);
      if (!onPmem(ctx.caps) || dimms.length === 0)
        return {
          skip: `needs persistent memory on DIMMs ndctl describes (an NVDIMM region): ${onPmem(ctx.caps) ? `the region ${ctx.caps.region ?? '(none found)'} has no DIMM mappings (memmap= and virtio-pmem pmem has no DIMM, so there is no dirty-shutdown query to fail)` : 'the fixture is not persistent memory'}`,
          technique: 'fixture:nvdimm',
        };
      const { src } = fileSource(ctx, ctx.unit);
      const present = dimms.map((d) => path.join(d, 'nfit', 'dirty_shutdown')).filter((f) => fs.existsSync(f));
      const at = `${FN}(region of ${dimms.map((d) => path.basename(d)).join(', ')} without dirty_shutdown)`;
      if (present.length === 0) {
        const r = ctx.addon.sourceDeviceUsc(src);
        return { observed: observed(at, r, { dimms: dimms.join(',') }), permitted: ['-ENOENT'], technique: 'natural' };
      }
      const r = ctx.addon.forkInject({ binds: present.map((target) => ({ target, with: 'missing' as const })) }, 'device_usc', src);
      return childOutcome(`${at} in a child`, r, ['-ENOENT'], "remove the DIMMs' dirty_shutdown", SYSFS_ATTR);
    },
  },
];

export const suite: Suite = { name: 'pmem2_source_device_usc', implementation: 'libpmem2', pages: ['pmem2_source_device_usc'], cases };
