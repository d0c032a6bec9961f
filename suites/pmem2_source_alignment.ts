/**
 * pmem2_source_alignment(3): one case per documented clause.
 */
import type { CaseDef, Suite } from './framework.js';
import { config, fileSource, mapNew, observed } from './pmem2_util.js';
import { charDevice, swappedSource } from './pmem2_source_fds.js';
import { attrCase } from './sysfs_attr.js';

const FN = 'pmem2_source_alignment';

function freebsdOnly(key: string): CaseDef {
  return {
    key,
    situation: 'FreeBSD only',
    run: () => ({ skip: 'FreeBSD only (the page\'s "On FreeBSD:" group)', technique: 'platform:FreeBSD' }),
  };
}

const cases: CaseDef[] = [
  {
    key: 'pmem2_source_alignment/RETURN VALUE#1',
    fixtures: 'devdax',
    situation: 'a regular file of 2 pages: the page size; on device DAX the device: its sysfs align attribute',
    run: (ctx) => {
      const { src, device } = fileSource(ctx, 2 * ctx.unit);
      const r = ctx.addon.sourceAlignment(src);
      const want = device ? ctx.caps.devdaxAlignment : ctx.caps.pageSize;
      const got = r.value !== undefined ? Number(r.value) : undefined;
      return {
        observed: observed(`${FN}(${device ? 'device DAX' : '2-page file'})`, r, { alignment: String(r.value), expected: String(want) }),
        permitted: ['0'],
        ...(r.code === 0 && got !== want
          ? { failure: `*alignment is ${got}; ${device ? "the device's sysfs align attribute says" : 'the page size is'} ${want}` }
          : {}),
      };
    },
  },
  attrCase({
    key: 'pmem2_source_alignment/PMEM2_E_INVALID_ALIGNMENT_VALUE#1',
    situation: "the device DAX's align attribute saying 3000 (not a power of two), in a child's private mount namespace",
    attr: 'align',
    change: { with: 'text', text: '3000\n' },
    op: 'source_alignment',
    permitted: ['PMEM2_E_INVALID_ALIGNMENT_VALUE'],
  }),
  {
    key: 'pmem2_source_alignment/PMEM2_E_INVALID_FILE_TYPE#1',
    fixtures: 'devdax',
    situation: "the source's descriptor number re-opened on /dev/null",
    textMatches: /character device other than Device DAX/,
    note: 'pmem2_source_from_fd() refuses /dev/null, so the situation is built by closing the descriptor of a source made from a regular file and opening /dev/null on the same number.',
    run: (ctx) => {
      const s = swappedSource(ctx, () => charDevice(ctx));
      if ('skip' in s) return s;
      const r = ctx.addon.sourceAlignment(s.src);
      return {
        observed: observed(`${FN}(descriptor now on /dev/null)`, r, r.code === 0 ? { alignment: String(r.value) } : undefined),
        permitted: ['PMEM2_E_INVALID_FILE_TYPE'],
      };
    },
  },
  attrCase({
    key: 'pmem2_source_alignment/PMEM2_E_INVALID_ALIGNMENT_FORMAT#1',
    situation: "the device DAX's align attribute holding text that is no number, in a child's private mount namespace",
    attr: 'align',
    change: { with: 'text', text: 'not-a-number\n' },
    op: 'source_alignment',
    permitted: ['PMEM2_E_INVALID_ALIGNMENT_FORMAT'],
    note: 'libndctl parses the attribute with strtoul(3) and no check, so the library sees 0.',
  }),
  {
    key: 'pmem2_source_alignment/-errno#1',
    fixtures: 'devdax',
    situation: "fstat(2) failing: the source's descriptor closed before the call",
    textMatches: /fstat/,
    note: 'fstat(2) of a closed descriptor fails with EBADF. The page lists no PMEM2_E_INVALID_FILE_HANDLE for this function.',
    run: (ctx) => {
      const s = swappedSource(ctx);
      if ('skip' in s) return s;
      const r = ctx.addon.sourceAlignment(s.src);
      return {
        observed: observed(`${FN}(closed descriptor)`, r, r.code === 0 ? { alignment: String(r.value) } : undefined),
        permitted: ['-EBADF'],
      };
    },
  },
  attrCase({
    key: 'pmem2_source_alignment/-errno#2',
    situation:
      "realpath(3) failing while determining whether the descriptor is a device DAX: the source of the device made before, then /sys/dev/char/MAJ:MIN removed in a child's private mount namespace (an overlay of /sys/dev/char without it), so a realpath(3) of its subsystem link fails with ENOENT",
    attr: 'devchar',
    change: { with: 'missing' },
    op: 'source_alignment',
    permitted: ['-ENOENT'],
    note: '1.12.1 resolves the subsystem link (realpath of /sys/dev/char/MAJ:MIN/subsystem) only in pmem2_source_from_fd, where it records the type; this call uses the recorded type and makes no realpath, so the failure the page lists cannot reach it (the call succeeds: a finding, in the baseline).',
  }),
  attrCase({
    key: 'pmem2_source_alignment/-errno#3',
    situation:
      "read(2) of the device DAX's align attribute failing with EIO (the attribute replaced by a file whose reads fail), in a child's private mount namespace",
    attr: 'align',
    change: { with: 'unreadable' },
    op: 'source_alignment',
    permitted: ['-EIO'],
    note: 'libndctl reads the attribute when it enumerates and takes an unreadable one as 0.',
  }),
  attrCase({
    key: 'pmem2_source_alignment/-errno#4',
    situation:
      "strtoull(3) of the device DAX's align attribute failing with ERANGE (a number above ULLONG_MAX), in a child's private mount namespace",
    attr: 'align',
    change: { with: 'text', text: '99999999999999999999999\n' },
    op: 'source_alignment',
    permitted: ['-ERANGE'],
  }),
  freebsdOnly('pmem2_source_alignment/PMEM2_E_INVALID_FILE_TYPE#2'),
  freebsdOnly('pmem2_source_alignment/-errno#5'),
  {
    key: 'pmem2_source_alignment/alignment lets pmem2_map_new succeed#1',
    fixtures: 'devdax',
    situation: 'a file of 3 alignments (on device DAX: the device) mapped at offset 1 alignment, 1 alignment long',
    run: (ctx) => {
      const probe = fileSource(ctx, ctx.unit);
      const a = ctx.addon.sourceAlignment(probe.src);
      if (a.code !== 0 || !a.value) return { observed: observed(`${FN}(regular file)`, a), permitted: ['0'] };
      const al = Number(a.value);
      const { src } = fileSource(ctx, 3 * al);
      const r = mapNew(ctx, config(ctx, { offset: al, length: al }), src);
      return { observed: observed(`pmem2_map_new(offset ${al}, length ${al}, the alignment)`, r, { alignment: al }), permitted: ['0'] };
    },
  },
];

export const suite: Suite = {
  name: 'pmem2_source_alignment',
  implementation: 'libpmem2',
  pages: ['pmem2_source_alignment'],
  cases,
};
