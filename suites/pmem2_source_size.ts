/**
 * pmem2_source_size(3): one case per documented clause.
 */
import fs from 'node:fs';
import type { CaseDef, Suite } from './framework.js';
import { codeName } from '../runner/core/constants.js';
import { fileSource, observed, sourceFromFd } from './pmem2_util.js';
import { charDevice, swappedSource } from './pmem2_source_fds.js';
import { attrCase } from './sysfs_attr.js';

const FN = 'pmem2_source_size';

const SWAP_NOTE =
  'pmem2_source_from_fd() refuses such a descriptor, so the situation is built by closing the descriptor of a source made from a regular file and opening the other file on the same number.';

function freebsdOnly(key: string): CaseDef {
  return {
    key,
    situation: 'FreeBSD only',
    run: () => ({ skip: 'FreeBSD only (the page\'s "On FreeBSD:" group)', technique: 'platform:FreeBSD' }),
  };
}

const cases: CaseDef[] = [
  {
    key: 'pmem2_source_size/RETURN VALUE#1',
    fixtures: 'devdax',
    situation: 'a regular file of 3 pages: its size; on device DAX the device: the size sysfs shows for it',
    run: (ctx) => {
      const { src, device, size } = fileSource(ctx, 3 * ctx.unit);
      const r = ctx.addon.sourceSize(src);
      const want = device ? ctx.caps.devdaxSize : size;
      const got = r.value !== undefined ? Number(r.value) : undefined;
      return {
        observed: observed(`${FN}(${device ? 'device DAX' : '3-page file'})`, r, { size: String(r.value), expected: String(want) }),
        permitted: ['0'],
        ...(r.code === 0 && want !== undefined && got !== want
          ? { failure: `*size is ${got}; ${device ? 'sysfs says the device holds' : 'the file is'} ${want} bytes` }
          : {}),
        ...(r.code === 0 && want === undefined ? { unchecked: 'the size (sysfs shows none for the device)' } : {}),
      };
    },
  },
  {
    key: 'pmem2_source_size/PMEM2_E_INVALID_FILE_HANDLE#1',
    fixtures: 'devdax',
    situation: "the source's descriptor closed before the call",
    textMatches: /invalid file handle/,
    note: 'A closed descriptor is an invalid handle, and also makes fstat(2) fail with EBADF, which the page lists as -errno "On Linux"; it does not say which wins, so both are permitted.',
    run: (ctx) => {
      const s = swappedSource(ctx);
      if ('skip' in s) return s;
      return {
        observed: observed(`${FN}(closed descriptor)`, ctx.addon.sourceSize(s.src)),
        permitted: ['PMEM2_E_INVALID_FILE_HANDLE', '-EBADF'],
      };
    },
  },
  {
    key: 'pmem2_source_size/PMEM2_E_INVALID_FILE_TYPE#1',
    situation: 'Windows only',
    run: () => ({ skip: 'Windows only', technique: 'platform:Windows' }),
  },
  {
    key: 'pmem2_source_size/PMEM2_E_INVALID_FILE_TYPE#2',
    fixtures: 'devdax',
    situation: "the source's descriptor number re-opened on a directory",
    textMatches: /directory, block device, pipe, or socket/,
    note: SWAP_NOTE,
    run: (ctx) => {
      const s = swappedSource(ctx, () => fs.openSync(ctx.fixture.directory(), 'r'));
      if ('skip' in s) return s;
      const r = ctx.addon.sourceSize(s.src);
      return {
        observed: observed(`${FN}(descriptor now on a directory)`, r, r.code === 0 ? { size: String(r.value) } : undefined),
        permitted: ['PMEM2_E_INVALID_FILE_TYPE'],
      };
    },
  },
  {
    key: 'pmem2_source_size/PMEM2_E_INVALID_FILE_TYPE#3',
    fixtures: 'devdax',
    situation: "the source's descriptor number re-opened on /dev/null",
    textMatches: /character device other than Device DAX/,
    note: SWAP_NOTE,
    run: (ctx) => {
      const s = swappedSource(ctx, () => charDevice(ctx));
      if ('skip' in s) return s;
      const r = ctx.addon.sourceSize(s.src);
      return {
        observed: observed(`${FN}(descriptor now on /dev/null)`, r, r.code === 0 ? { size: String(r.value) } : undefined),
        permitted: ['PMEM2_E_INVALID_FILE_TYPE'],
      };
    },
  },
  attrCase({
    key: 'pmem2_source_size/PMEM2_E_INVALID_SIZE_FORMAT#1',
    situation: "the device DAX's size attribute holding text that is no number, in a child's private mount namespace",
    attr: 'size',
    change: { with: 'text', text: 'not-a-number\n' },
    op: 'source_size',
    permitted: ['PMEM2_E_INVALID_SIZE_FORMAT'],
    note: 'libndctl parses the attribute with strtoull(3) and no check, so the library sees 0.',
  }),
  {
    key: 'pmem2_source_size/-errno#1',
    fixtures: 'devdax',
    situation: "fstat(2) failing: the source's descriptor closed before the call",
    textMatches: /fstat/,
    note: 'fstat(2) of a closed descriptor fails with EBADF; the page also lists PMEM2_E_INVALID_FILE_HANDLE "On all systems" for an invalid handle and does not say which wins, so both are permitted.',
    run: (ctx) => {
      const s = swappedSource(ctx);
      if ('skip' in s) return s;
      return {
        observed: observed(`${FN}(closed descriptor)`, ctx.addon.sourceSize(s.src)),
        permitted: ['-EBADF', 'PMEM2_E_INVALID_FILE_HANDLE'],
      };
    },
  },
  attrCase({
    key: 'pmem2_source_size/-errno#2',
    situation:
      "realpath(3) failing while determining whether the descriptor is a device DAX: the source of the device made before, then /sys/dev/char/MAJ:MIN removed in a child's private mount namespace (an overlay of /sys/dev/char without it), so a realpath(3) of its subsystem link fails with ENOENT",
    attr: 'devchar',
    change: { with: 'missing' },
    op: 'source_size',
    permitted: ['-ENOENT'],
    note: '1.12.1 resolves the subsystem link (realpath of /sys/dev/char/MAJ:MIN/subsystem) only in pmem2_source_from_fd, where it records the type; this call uses the recorded type and makes no realpath, so the failure the page lists cannot reach it (the call succeeds: a finding, in the baseline).',
  }),
  attrCase({
    key: 'pmem2_source_size/-errno#3',
    situation:
      "open(2) of the device DAX's size attribute failing with EACCES (the attribute replaced by a write-only sysfs attribute), in a child's private mount namespace",
    attr: 'size',
    change: { with: 'unopenable' },
    op: 'source_size',
    permitted: ['-EACCES'],
    note: 'libndctl takes a size it cannot read as ULLONG_MAX.',
  }),
  attrCase({
    key: 'pmem2_source_size/-errno#4',
    situation:
      "read(2) of the device DAX's size attribute failing with EIO (the attribute replaced by a file whose reads fail), in a child's private mount namespace",
    attr: 'size',
    change: { with: 'unreadable' },
    op: 'source_size',
    permitted: ['-EIO'],
    note: 'libndctl takes a size it cannot read as ULLONG_MAX.',
  }),
  attrCase({
    key: 'pmem2_source_size/-errno#5',
    situation:
      "strtoull(3) of the device DAX's size attribute failing with ERANGE (a number above ULLONG_MAX), in a child's private mount namespace",
    attr: 'size',
    change: { with: 'text', text: '99999999999999999999999\n' },
    op: 'source_size',
    permitted: ['-ERANGE'],
  }),
  freebsdOnly('pmem2_source_size/PMEM2_E_INVALID_FILE_TYPE#4'),
  freebsdOnly('pmem2_source_size/-errno#6'),
  {
    key: 'pmem2_source_size/size of the file#1',
    notOnDevdax:
      "a device DAX's size is fixed by its namespace: no source of 5 pages + 123 bytes, of 0 bytes or grown by ftruncate(2) can be made from it (its size is compared with sysfs in RETURN VALUE#1)",
    situation:
      'regular files of 5 pages + 123 bytes and of 0 bytes, and an unnamed O_TMPFILE file grown to 3 pages with ftruncate(2): *size is exactly each size',
    run: (ctx) => {
      const p = ctx.caps.pageSize;
      const files: [string, number, number][] = [
        ['5 pages + 123 bytes', 5 * p + 123, fileSource(ctx, 5 * p + 123).fd],
        ['0 bytes', 0, fileSource(ctx, 0).fd],
      ];
      let tmpNote: string | undefined;
      try {
        // O_TMPFILE (Linux: __O_TMPFILE | O_DIRECTORY), which node does not name
        const fd = fs.openSync(ctx.fixture.directory(), fs.constants.O_RDWR | 0o20200000, 0o600);
        ctx.defer(() => fs.closeSync(fd));
        fs.ftruncateSync(fd, 3 * p);
        files.push(['O_TMPFILE + ftruncate to 3 pages', 3 * p, fd]);
      } catch (e) {
        tmpNote = `no O_TMPFILE file on this fixture: ${(e as Error).message.split('\n')[0]}`;
      }
      const seen = files.map(([what, want, fd]) => [what, want, ctx.addon.sourceSize(sourceFromFd(ctx, fd))] as const);
      const details = Object.fromEntries(seen.map(([w, , r]) => [w, r.code === 0 ? String(r.value) : codeName(r.code)]));
      const [what, want, r] = seen.find(([, w, x]) => x.code !== 0 || x.value !== BigInt(w)) ?? seen[0]!;
      return {
        observed: observed(`${FN}(file of ${what})`, r, details),
        permitted: ['0'],
        ...(tmpNote ? { note: tmpNote } : {}),
        ...(r.code === 0 && r.value !== BigInt(want) ? { failure: `*size is ${r.value}, the file (${what}) is ${want} bytes` } : {}),
      };
    },
  },
];

export const suite: Suite = {
  name: 'pmem2_source_size',
  implementation: 'libpmem2',
  pages: ['pmem2_source_size'],
  cases,
};
