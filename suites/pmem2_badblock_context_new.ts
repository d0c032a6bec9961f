/**
 * pmem2_badblock_context_new(3), which also documents
 * pmem2_badblock_context_delete: one case per documented clause. Only the
 * context's making is checked here; reading and clearing bad blocks
 * (pmem2_badblock_next, pmem2_badblock_clear) needs poisoned persistent
 * memory and is out of this harness's scope.
 */
import type { CaseDef, Suite } from './framework.js';
import { anonSource } from './pmem2_source_from_anon.js';
import { badblockContextOom, ndctlOom } from './pmem2_source_identity.js';
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
  fsdaxBadblockCase({
    key: 'pmem2_badblock_context_new/PMEM2_E_INVALID_FILE_TYPE#1',
    situation:
      "the source of a regular file on fsdax, whose descriptor is made to name the fixture's directory (dup2) in a child before the call",
    note: "pmem2_source_from_fd refuses a directory, so no source of one can be made; the type recorded then is what the namespace lookup checks. The one look at the descriptor itself is the extents' fstat(2) (PMDK 1.12.1 extent_linux.c), made for a regular file on an fsdax namespace ndctl finds: a descriptor swapped for a directory's after the source was made reaches the documented check there.",
    permitted: ['PMEM2_E_INVALID_FILE_TYPE'],
    technique: 'fd:swapped',
    injection: (_attr, fd, dir) => ({ swapFd: fd, swapDir: dir }),
  }),
  {
    key: 'pmem2_badblock_context_new/PMEM2_E_DAX_REGION_NOT_FOUND#1',
    notOnDevdax:
      "the fixture's device DAX is held by an ndctl region, which the call finds; a device DAX no region holds is faked on the file fixtures (mountns:sysfs-dax)",
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
  fsdaxBadblockCase({
    key: 'pmem2_badblock_context_new/-errno#2',
    situation:
      "fstat(2) of the source's descriptor failing: a seccomp filter fails newfstatat(2) on that descriptor with EIO in a child (a file on fsdax, where the call reads the file's extents)",
    note: "glibc's fstat(3) is the newfstatat system call with AT_EMPTY_PATH; the filter matches the source's descriptor only, so libndctl's own stats go through. The call makes this fstat only for a regular file on an fsdax namespace ndctl finds (PMDK 1.12.1 extent_linux.c).",
    permitted: ['-EIO'],
    technique: seccomp('newfstatat', 'EIO'),
    injection: (_attr, fd) => ({ syscall: 'newfstatat', errno: os.constants.errno.EIO, argIndex: 0, argValue: fd }),
  }),
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
