/**
 * pmem2_badblock_context_new(3), which also documents
 * pmem2_badblock_context_delete: one case per documented clause. Only the
 * context's making is checked here; reading and clearing bad blocks
 * (pmem2_badblock_next, pmem2_badblock_clear) needs poisoned persistent
 * memory and is out of this harness's scope.
 */
import type { CaseDef, Suite } from './framework.js';
import { anonSource } from './pmem2_source_from_anon.js';
import { badblockContextOom, ndctlOom, notProvoked } from './pmem2_source_identity.js';
import { childOutcome, fileSource, observed } from './pmem2_util.js';
import os from 'node:os';
import { seccomp } from '../runner/core/technique.js';
import { attrCase, fsdaxBadblockCase, SYSFS_ATTR } from './sysfs_attr.js';

const FN = 'pmem2_badblock_context_new';

const cases: CaseDef[] = [
  {
    key: 'pmem2_badblock_context_new/RETURN VALUE#1',
    fixtures: 'devdax',
    situation:
      "the source of a regular file on the fixture, on device DAX the device (its bad blocks are the namespace's, read through ndctl); the context made is deleted at once",
    run: (ctx) => {
      const { src } = fileSource(ctx, ctx.unit);
      const r = ctx.addon.badblockContextNew(src);
      return { observed: observed(`${FN}(regular file)`, r), permitted: ['0'] };
    },
  },
  {
    key: 'pmem2_badblock_context_new/RETURN VALUE#2',
    fixtures: 'devdax',
    situation: 'an anonymous source: the call fails and *bbctx is NULL',
    run: (ctx) => {
      const r = ctx.addon.badblockContextNew(anonSource(ctx, ctx.caps.pageSize));
      return {
        observed: observed(`${FN}(anonymous source)`, r, { bbctx: r.ctxPtr }),
        permitted: ['PMEM2_E_NOSUPP'],
        ...(r.code !== 0 && r.ctxPtr !== 'null' ? { failure: 'the call failed but *bbctx is not NULL' } : {}),
      };
    },
  },
  {
    key: 'pmem2_badblock_context_delete/RETURN VALUE#1',
    fixtures: 'devdax',
    situation: 'pmem2_badblock_context_delete is void: deleting the context of a regular file returns',
    run: (ctx) => {
      const { src } = fileSource(ctx, ctx.unit);
      // badblockContextNew deletes what it made: reaching here means the delete returned
      const r = ctx.addon.badblockContextNew(src);
      if (r.code !== 0) return { skip: `no context to delete: ${FN} returned ${r.code}` };
      return { observed: observed('pmem2_badblock_context_delete(context of a regular file)', r), permitted: ['0'] };
    },
  },
  notProvoked(
    'pmem2_badblock_context_new/PMEM2_E_INVALID_FILE_TYPE#1',
    'a source that is neither a regular file nor a character device',
    'fd:swapped',
    "pmem2_source_from_fd refuses every such descriptor first (PMDK 1.12.1 source_posix.c), and pmem2_region_namespace checks the type the source recorded; the one re-examination of the descriptor is pmem2_extents_create_get's fstat(2) (extent_linux.c), made only for a regular file on an fsdax namespace ndctl finds (a region found), where dup2(2) of a directory over the source's descriptor would reach it: no host fixture has such a file, and that dup2 is not wired into the guest runs",
  ),
  {
    key: 'pmem2_badblock_context_new/PMEM2_E_DAX_REGION_NOT_FOUND#1',
    situation:
      'in a forked child with a private mount namespace in which /dev/zero looks like a device DAX (its /sys/dev/char subsystem link names dax) that no ndctl region holds: make a bad-block context of it',
    note: 'The device is faked as in pmem2_deep_flush/PMEM2_E_DAX_REGION_NOT_FOUND#1 (where the library does answer PMEM2_E_DAX_REGION_NOT_FOUND). A device DAX no nvdimm region holds is real too: dax_hmem (soft-reserved memory) and CXL devices.',
    run: (ctx) => {
      if (ctx.caps.devdax)
        return {
          skip: "the fixture's device has a region; the file fixtures provoke this with a faked device",
          technique: 'mountns:sysfs-dax',
        };
      const r = ctx.addon.forkInject({ fakeDevdax: true }, 'devdax_badblock_context_new');
      return childOutcome(
        `${FN}(device DAX without a region) in a child`,
        r,
        ['PMEM2_E_DAX_REGION_NOT_FOUND'],
        'fake a device DAX in a private mount namespace',
        'mountns:sysfs-dax',
      );
    },
  },
  attrCase({
    key: 'pmem2_badblock_context_new/PMEM2_E_CANNOT_READ_BOUNDS#1',
    situation:
      "a device DAX whose namespace offset cannot be read: its dax device's resource attribute replaced by a file whose reads fail, in a child's private mount namespace",
    attr: 'resource',
    change: { with: 'unreadable' },
    op: 'badblock_context_new',
    permitted: ['PMEM2_E_CANNOT_READ_BOUNDS'],
    note: 'libndctl takes an unreadable resource as ULLONG_MAX, which libpmem2 checks for.',
  }),
  {
    key: 'pmem2_badblock_context_new/PMEM2_E_NOSUPP#1',
    fixtures: 'devdax',
    situation: 'an anonymous source (bad blocks of memory no file backs are not supported)',
    run: (ctx) => {
      const r = ctx.addon.badblockContextNew(anonSource(ctx, ctx.caps.pageSize));
      return { observed: observed(`${FN}(anonymous source)`, r), permitted: ['PMEM2_E_NOSUPP'] };
    },
  },
  badblockContextOom('pmem2_badblock_context_new/-ENOMEM#1'),
  ndctlOom('pmem2_badblock_context_new/-errno#1', FN, 'ndctl_new() failing inside the library'),
  notProvoked(
    'pmem2_badblock_context_new/-errno#2',
    'fstat(2) failing',
    'seccomp:fstat=EIO',
    "the call's only fstat(2) is pmem2_extents_create_get's (PMDK 1.12.1 extent_linux.c), made only for a regular file on an fsdax namespace ndctl finds (a region found): for any other source the call makes none for a filter to fail (it matches the st_dev/st_rdev recorded when the source was made); no host fixture has such a file, and the filter is not wired into the guest runs",
  ),
  attrCase({
    key: 'pmem2_badblock_context_new/-errno#3',
    situation:
      "realpath(3) of the device DAX's sysfs path failing: the source of the device made before, then /sys/dev/char/MAJ:MIN removed in a child's private mount namespace (an overlay of /sys/dev/char without it), so a realpath(3) of its subsystem link fails with ENOENT",
    attr: 'devchar',
    change: { with: 'missing' },
    op: 'badblock_context_new',
    permitted: ['-ENOENT'],
    note: '1.12.1 matches the device to its namespace by stat(2) of /dev/daxX.Y (ndctl_match_devdax), and resolves the subsystem link only in pmem2_source_from_fd; no realpath is made in this call.',
  }),
  fsdaxBadblockCase({
    key: 'pmem2_badblock_context_new/-errno#4',
    situation:
      "open(2) of the FSDAX device failing: for a file on fsdax, libpmem2 matches the namespace by opening /sys/block/pmemN/dev; that attribute replaced by one open(2) refuses (EACCES), in a child's private mount namespace",
    permitted: ['-EACCES'],
    technique: SYSFS_ATTR,
    injection: (target) => ({ binds: [{ target, with: 'unopenable' }] }),
  }),
  fsdaxBadblockCase({
    key: 'pmem2_badblock_context_new/-errno#5',
    situation:
      "read(2) from the FSDAX device failing: /sys/block/pmemN/dev, which libpmem2 reads to match the namespace, replaced by a file whose reads fail (EIO), in a child's private mount namespace",
    permitted: ['-EIO'],
    technique: SYSFS_ATTR,
    injection: (target) => ({ binds: [{ target, with: 'unreadable' }] }),
  }),
  attrCase({
    key: 'pmem2_badblock_context_new/-errno#6',
    situation:
      "ndctl_region_get_resource failing: the device DAX's region's resource attribute replaced by a file whose reads fail (EIO), in a child's private mount namespace",
    attr: 'region/resource',
    change: { with: 'unreadable' },
    op: 'badblock_context_new',
    permitted: ['-EIO'],
    note: 'ndctl_region_get_resource reads the attribute at each call and sets errno from the failed read.',
  }),
  fsdaxBadblockCase({
    key: 'pmem2_badblock_context_new/-errno#7',
    situation: 'the fiemap ioctl(2) failing on an fsdax file: a seccomp filter fails ioctl(FS_IOC_FIEMAP) with EIO in a child',
    permitted: ['-EIO'],
    technique: seccomp('ioctl', 'EIO'),
    // FS_IOC_FIEMAP = _IOWR('f', 11, struct fiemap)
    injection: () => ({ syscall: 'ioctl', errno: os.constants.errno.EIO, argIndex: 1, argValue: 0xc020660b }),
  }),
];

export const suite: Suite = {
  name: 'pmem2_badblock_context_new',
  implementation: 'libpmem2',
  pages: ['pmem2_badblock_context_new'],
  cases,
};
