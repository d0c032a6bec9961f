/**
 * pmem2_source_device_id(3): one case per documented clause.
 */
import type { CaseDef, Suite } from './framework.js';
import { anonSource } from './pmem2_source_from_anon.js';
import { ndctlOom, notProvoked, onPmem, regionFacts } from './pmem2_source_identity.js';
import { fileSource, observed } from './pmem2_util.js';
import { codeName } from '../runner/core/constants.js';

const FN = 'pmem2_source_device_id';

const cases: CaseDef[] = [
  {
    key: 'pmem2_source_device_id/RETURN VALUE#1',
    fixtures: 'devdax',
    situation:
      "the source of a file on the fixture, on device DAX the device (the page's two-step protocol: the length, then the identifier); where sysfs shows the region's DIMMs (nmemN/nfit/id, ndctl's unique id), the identifier names each",
    note: 'Where the fixture is not persistent memory there is no hardware to identify: PMEM2_E_NOSUPP ("the underlying platform does not expose hardware identification") is permitted there, 0 only.',
    run: (ctx) => {
      const { src, device } = fileSource(ctx, ctx.unit);
      const r = ctx.addon.sourceDeviceId(src);
      const sys = regionFacts(ctx.caps);
      const missing = r.code === 0 ? sys.dimmIds.filter((id) => !(r.value ?? '').includes(id)) : [];
      return {
        observed: observed(`${FN}(${device ? 'device DAX' : 'file on the fixture'})`, r, {
          id: r.value ?? '',
          sysfsDimmIds: sys.dimmIds.join(',') || 'none readable',
        }),
        permitted: onPmem(ctx.caps) ? ['0'] : ['0', 'PMEM2_E_NOSUPP'],
        ...(missing.length
          ? { failure: `the identifier ${JSON.stringify(r.value)} does not name the DIMM(s) ${missing.join(', ')} of ${sys.region}` }
          : {}),
        ...(r.code === 0 && sys.dimmIds.length === 0 ? { unchecked: 'the identifier (no DIMM id readable in sysfs to compare with)' } : {}),
      };
    },
  },
  {
    key: 'pmem2_source_device_id/PMEM2_E_BUFFER_TOO_SMALL#1',
    fixtures: 'devdax',
    situation: 'the two-step protocol with the second call given a *len one byte shorter than the one the first call returned',
    run: (ctx) => {
      if (!onPmem(ctx.caps))
        return {
          skip: 'needs a source whose device can be identified (persistent memory); the fixture is not, and a device DAX faked in a mount namespace has no identity either (the library answers PMEM2_E_NOSUPP, measured)',
          technique: 'fixture:pmem',
        };
      const { src, device } = fileSource(ctx, ctx.unit);
      const whole = ctx.addon.sourceDeviceId(src);
      if (whole.code !== 0)
        return {
          skip: `the device has no identifier to fall short of: ${FN} answers ${codeName(whole.code)}${whole.message ? ` (${whole.message})` : ''}`,
          technique: 'fixture:pmem',
        };
      const r = ctx.addon.sourceDeviceId(src, 1);
      return {
        observed: observed(`${FN}(${device ? 'device DAX' : 'file on the fixture'}, *len = ${(r.length ?? 1) - 1})`, r, {
          length: String(r.length),
          id: whole.value ?? '',
        }),
        permitted: ['PMEM2_E_BUFFER_TOO_SMALL'],
      };
    },
  },
  {
    key: 'pmem2_source_device_id/PMEM2_E_NOSUPP#1',
    fixtures: 'devdax',
    situation: 'an anonymous source (no hardware behind it)',
    run: (ctx) => {
      const r = ctx.addon.sourceDeviceId(anonSource(ctx, ctx.caps.pageSize));
      return { observed: observed(`${FN}(anonymous source)`, r), permitted: ['PMEM2_E_NOSUPP'] };
    },
  },
  notProvoked(
    'pmem2_source_device_id/-errno#1',
    'malloc(3) failing for the volume path',
    'platform:Windows',
    'the volume path is built on Windows only',
  ),
  notProvoked(
    'pmem2_source_device_id/-errno#2',
    'fstat(2) failing on the descriptor',
    'seccomp:fstat=EIO',
    "this call makes no fstat(2) for a filter to fail: PMDK 1.12.1's usc_ndctl.c asks pmem2_region_namespace (region_namespace_ndctl.c), which matches the st_dev/st_rdev pmem2_source_from_fd recorded; libpmem2's only fstat(2)s of a source's descriptor after it was made are pmem2_source_size's and the fsdax extent lookup's, neither reached from this call",
  ),
  ndctlOom('pmem2_source_device_id/-errno#3', 'pmem2_source_device_id', 'ndctl_new() failing inside the library'),
];

export const suite: Suite = { name: 'pmem2_source_device_id', implementation: 'libpmem2', pages: ['pmem2_source_device_id'], cases };
