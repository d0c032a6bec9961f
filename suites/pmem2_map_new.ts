/**
 * pmem2_map_new(3): one case per documented clause. Each case builds the
 * situation the clause describes on the fixture and reports what the
 * library returned; the verdict compares it with what the page permits.
 */
import fs from 'node:fs';
import os from 'node:os';
import { seccomp } from '../runner/core/technique.js';
import type { CaseContext, CaseDef, Outcome, Suite } from './framework.js';
import {
  C,
  CAP_IPC_LOCK,
  childOutcome,
  config,
  fileSource,
  mapNew,
  observed,
  fixtureGranularity,
  OOM_HEADROOM,
  OOM_REQUEST,
  reservation,
} from './pmem2_util.js';
import { codeName } from '../runner/core/constants.js';
import { GRANULARITY_ORDER, GRANULARITY_RULE, grantedBecause, granularityOutcome } from '../runner/core/granularity.js';

import { attrCase } from './sysfs_attr.js';

const FN = 'pmem2_map_new';

/** the unit of a map of the fixture's medium: a page for files, the device's alignment on device DAX */
function page(ctx: CaseContext): number {
  return ctx.unit;
}

const DEV = 'devdax' as const;

/** map with `cfg` over a fresh file of `size` bytes and report the call */
function mapFile(ctx: CaseContext, size: number, cfgOpts: Parameters<typeof config>[1], permitted: string[], describe: string): Outcome {
  const { src } = fileSource(ctx, size);
  const cfg = config(ctx, cfgOpts);
  const r = mapNew(ctx, cfg, src);
  return { observed: observed(`${FN}(${describe})`, r, { mapPtr: r.mapPtr }), permitted };
}

const cases: CaseDef[] = [
  {
    key: 'pmem2_map_new/RETURN VALUE#1',
    fixtures: DEV,
    situation: 'map a whole 2-page file with PAGE granularity',
    run: (ctx) => mapFile(ctx, 2 * page(ctx), {}, ['0'], 'whole 2-page file, PAGE'),
  },
  {
    key: 'pmem2_map_new/PMEM2_E_GRANULARITY_NOT_SET#1',
    fixtures: DEV,
    situation: 'a config whose required store granularity was never set',
    textMatches: /granularity/,
    run: (ctx) => mapFile(ctx, page(ctx), { granularity: null }, ['PMEM2_E_GRANULARITY_NOT_SET'], 'granularity unset'),
  },
  {
    key: 'pmem2_map_new/PMEM2_E_MAP_RANGE#1',
    fixtures: DEV,
    situation: 'offset 2^62 and length 2^64 - 2^62 (both page-aligned): offset + length overflows size_t',
    textMatches: /size_t/,
    run: (ctx) => {
      const off = 1n << 62n;
      const len = (1n << 64n) - off;
      return mapFile(ctx, page(ctx), { offset: off, length: len }, ['PMEM2_E_MAP_RANGE'], `offset 2^62, length 2^64-2^62`);
    },
  },
  {
    key: 'pmem2_map_new/PMEM2_E_MAP_RANGE#2',
    fixtures: DEV,
    situation: 'a 1-page file (on device DAX: the device) mapped 1 page (alignment) at its end: the end lies past the source',
    textMatches: /outside/,
    run: (ctx) => {
      const { src, size } = fileSource(ctx, page(ctx));
      const r = mapNew(ctx, config(ctx, { offset: size, length: page(ctx) }), src);
      return {
        observed: observed(`${FN}(offset = source size ${size}, length 1 unit)`, r, { mapPtr: r.mapPtr }),
        permitted: ['PMEM2_E_MAP_RANGE'],
      };
    },
  },
  {
    key: 'pmem2_map_new/PMEM2_E_SOURCE_EMPTY#1',
    notOnDevdax: 'a device DAX has no size 0: its size is fixed by its namespace',
    situation: 'a file of size 0',
    textMatches: /size equal to 0/,
    run: (ctx) => mapFile(ctx, 0, {}, ['PMEM2_E_SOURCE_EMPTY'], 'empty file'),
  },
  {
    key: 'pmem2_map_new/PMEM2_E_MAPPING_EXISTS#1',
    fixtures: DEV,
    situation: 'map into a reservation range that already holds a mapping',
    note: 'Copies that mark this clause "(Windows only)" (CreateFileMapping) are skipped on Linux; the markdown copy states it for every platform, so there it runs against the nearest Linux situation: a reservation range already occupied by another pmem2 mapping.',
    run: (ctx) => {
      const p = page(ctx);
      const rsv = reservation(ctx, 4 * p);
      const first = fileSource(ctx, 2 * p);
      const cfg = config(ctx, { reservation: rsv, reservationOffset: 0 });
      const r1 = mapNew(ctx, cfg, first.src);
      if (r1.code !== 0) return { skip: `could not place the first mapping in the reservation (${codeName(r1.code)})` };
      const second = fileSource(ctx, 2 * p);
      const cfg2 = config(ctx, { reservation: rsv, reservationOffset: p });
      const r = mapNew(ctx, cfg2, second.src);
      return {
        observed: observed(`${FN}(reservation offset 1 page, overlapping a mapping at 0..2 pages)`, r, { mapPtr: r.mapPtr }),
        permitted: ['PMEM2_E_MAPPING_EXISTS'],
      };
    },
  },
  {
    key: 'pmem2_map_new/PMEM2_E_OFFSET_UNALIGNED#1',
    fixtures: DEV,
    situation: 'offset of half a page into a 2-page file',
    textMatches: /offset is not a multiple/,
    run: (ctx) =>
      mapFile(ctx, 2 * page(ctx), { offset: page(ctx) / 2, length: page(ctx) }, ['PMEM2_E_OFFSET_UNALIGNED'], 'offset half a page'),
  },
  {
    key: 'pmem2_map_new/PMEM2_E_LENGTH_UNALIGNED#1',
    fixtures: DEV,
    situation: 'length of one page plus one byte over a 2-page file',
    textMatches: /length is not a multiple/,
    run: (ctx) => mapFile(ctx, 2 * page(ctx), { length: page(ctx) + 1 }, ['PMEM2_E_LENGTH_UNALIGNED'], 'length 1 page + 1'),
  },
  {
    key: 'pmem2_map_new/PMEM2_E_SRC_DEVDAX_PRIVATE#1',
    fixtures: 'devdax',
    situation: 'a device DAX source mapped with PMEM2_PRIVATE sharing',
    run: (ctx) => {
      if (!ctx.caps.devdax || !ctx.caps.devdaxPath)
        return { skip: 'needs device DAX (the fixture offers none)', technique: 'fixture:devdax' };
      const fd = fs.openSync(ctx.caps.devdaxPath, 'r+');
      ctx.defer(() => fs.closeSync(fd));
      const s = ctx.addon.sourceFromFd(fd);
      if (s.code !== 0) return { observed: observed('pmem2_source_from_fd(devdax)', s), permitted: ['0'] };
      ctx.defer(() => void ctx.addon.sourceDelete(s.source!));
      const cfg = config(ctx, { sharing: C.PRIVATE });
      const r = mapNew(ctx, cfg, s.source!);
      return { observed: observed(`${FN}(devdax, PMEM2_PRIVATE)`, r, { mapPtr: r.mapPtr }), permitted: ['PMEM2_E_SRC_DEVDAX_PRIVATE'] };
    },
  },
  {
    key: 'pmem2_map_new/PMEM2_E_ADDRESS_UNALIGNED#1',
    fixtures: 'devdax',
    situation: 'device DAX mapped into a reservation at an offset not aligned to the device alignment',
    textMatches: /device DAX/,
    run: (ctx) => {
      const align = ctx.caps.devdaxAlignment;
      if (!ctx.caps.devdax || !ctx.caps.devdaxPath || !align)
        return { skip: 'needs device DAX (the fixture offers none)', technique: 'fixture:devdax' };
      // a page: aligned for a file, a fraction of the device's alignment
      const p = ctx.caps.pageSize;
      const fd = fs.openSync(ctx.caps.devdaxPath, 'r+');
      ctx.defer(() => fs.closeSync(fd));
      const s = ctx.addon.sourceFromFd(fd);
      if (s.code !== 0) return { observed: observed('pmem2_source_from_fd(devdax)', s), permitted: ['0'] };
      ctx.defer(() => void ctx.addon.sourceDelete(s.source!));
      const rsv = reservation(ctx, 4 * align);
      const cfg = config(ctx, { length: align, reservation: rsv, reservationOffset: p });
      const r = mapNew(ctx, cfg, s.source!);
      return {
        observed: observed(`${FN}(devdax, reservation offset ${p})`, r, { mapPtr: r.mapPtr }),
        permitted: ['PMEM2_E_ADDRESS_UNALIGNED'],
      };
    },
  },
  {
    key: 'pmem2_map_new/PMEM2_E_ADDRESS_UNALIGNED#2',
    fixtures: DEV,
    situation: 'a 2-page mapping at offset 1 page of a 2-page reservation: the region runs past the reservation',
    textMatches: /exceeds reservation size/,
    run: (ctx) => {
      const p = page(ctx);
      const rsv = reservation(ctx, 2 * p);
      return mapFile(
        ctx,
        2 * p,
        { reservation: rsv, reservationOffset: p, length: 2 * p },
        ['PMEM2_E_ADDRESS_UNALIGNED'],
        'reservation of 2 pages, offset 1 page, length 2 pages',
      );
    },
  },
  {
    key: 'pmem2_map_new/PMEM2_E_NOSUPP#1',
    fixtures: DEV,
    situation:
      "every combination of PMEM2_PROT_READ/WRITE/EXEC (and NONE) on a file opened read-write; when none is refused, in a forked child whose mmap(2) of the file's descriptor a seccomp filter makes fail with EOPNOTSUPP, map the file",
    note: "Linux refuses no combination of the protection flags for a file opened read-write, so the library's refusal is mmap(2)'s: PMDK 1.12.1 (map_posix.c) turns an mmap ENOTSUP (EOPNOTSUPP) into PMEM2_E_NOSUPP, after its retry without MAP_SYNC fails too. Where no combination is refused, that errno is injected at the system call, matched on the descriptor, so every mmap of the file fails with it: what is checked is that the library answers PMEM2_E_NOSUPP, as the page says; the technique names the injection.",
    textMatches: /protection flags combination/,
    run: (ctx) => {
      // the page does not say which combination is unsupported: try them all
      const { READ, WRITE, EXEC } = { READ: C.PROT_READ, WRITE: C.PROT_WRITE, EXEC: C.PROT_EXEC };
      const combos: [string, number][] = [
        ['NONE', C.PROT_NONE],
        ['READ', READ],
        ['WRITE', WRITE],
        ['EXEC', EXEC],
        ['READ|WRITE', READ | WRITE],
        ['READ|EXEC', READ | EXEC],
        ['WRITE|EXEC', WRITE | EXEC],
        ['READ|WRITE|EXEC', READ | WRITE | EXEC],
      ].map(([n, v]) => [n as string, (v as number) >>> 0]);
      const seen: string[] = [];
      for (const [name, prot] of combos) {
        const { src } = fileSource(ctx, page(ctx));
        const cfg = config(ctx, { prot });
        const r = mapNew(ctx, cfg, src);
        seen.push(`${name}: ${codeName(r.code)}`);
        if (codeName(r.code) === 'PMEM2_E_NOSUPP') {
          return { observed: observed(`${FN}(protection ${name})`, r, { tried: seen.join('; ') }), permitted: ['PMEM2_E_NOSUPP'] };
        }
      }
      // no combination is refused by Linux: the library's translation of mmap's ENOTSUP is what is left to check
      const { src, fd } = fileSource(ctx, page(ctx));
      const r = ctx.addon.forkInject(
        { syscall: 'mmap', errno: os.constants.errno.EOPNOTSUPP, argIndex: 4, argValue: fd },
        'map_new',
        config(ctx),
        src,
      );
      const o = childOutcome(
        `${FN}(1-page file, every mmap of it failing with EOPNOTSUPP) in a child`,
        r,
        ['PMEM2_E_NOSUPP'],
        'install the seccomp filter',
        seccomp('mmap', 'EOPNOTSUPP'),
      );
      if ('observed' in o) o.observed.details = { ...o.observed.details, tried: seen.join('; ') };
      return o;
    },
  },
  {
    key: 'pmem2_map_new/PMEM2_E_NO_ACCESS#1',
    fixtures: DEV,
    situation: 'a file opened read-only, mapped with the default protection (read + write)',
    textMatches: /protection and file opening mode/,
    run: (ctx) => {
      const { src } = fileSource(ctx, page(ctx), 'r');
      const r = mapNew(ctx, config(ctx), src);
      return {
        observed: observed(`${FN}(O_RDONLY file, PROT_READ|PROT_WRITE)`, r, { mapPtr: r.mapPtr }),
        permitted: ['PMEM2_E_NO_ACCESS'],
      };
    },
  },
  {
    key: 'pmem2_map_new/-EACCES#1',
    notOnDevdax: 'a device DAX node takes no append-only attribute (FS_APPEND_FL is an inode flag of a filesystem)',
    situation: 'an append-only file (chattr +a) opened O_RDWR|O_APPEND, mapped shared read-write',
    note: 'An append-only file opened for writing is also a conflict between protection and opening mode, so PMEM2_E_NO_ACCESS is permitted too: the page does not say which of the two wins.',
    run: (ctx) => {
      if (!ctx.caps.appendOnly)
        return { skip: `the fixture's filesystem (${ctx.caps.filesystem}) does not support the append-only attribute` };
      const f = ctx.file(page(ctx));
      const set = ctx.addon.setAppendOnly(f.fd, true);
      fs.closeSync(f.fd);
      if (set.errno !== 0) return { skip: `cannot set the append-only attribute: ${set.message}` };
      ctx.defer(() => {
        const fd = fs.openSync(f.path, 'r');
        ctx.addon.setAppendOnly(fd, false);
        fs.closeSync(fd);
      });
      const fd = fs.openSync(f.path, fs.constants.O_RDWR | fs.constants.O_APPEND);
      ctx.defer(() => fs.closeSync(fd));
      const s = ctx.addon.sourceFromFd(fd);
      if (s.code !== 0)
        return { observed: observed('pmem2_source_from_fd(append-only, O_RDWR|O_APPEND)', s), permitted: ['-EACCES', 'PMEM2_E_NO_ACCESS'] };
      ctx.defer(() => void ctx.addon.sourceDelete(s.source!));
      const r = mapNew(ctx, config(ctx), s.source!);
      return {
        observed: observed(`${FN}(append-only file, shared read-write)`, r, { mapPtr: r.mapPtr }),
        permitted: ['-EACCES', 'PMEM2_E_NO_ACCESS'],
      };
    },
  },
  {
    key: 'pmem2_map_new/-EAGAIN#1',
    fixtures: DEV,
    situation: 'in a child: mlockall(MCL_FUTURE), RLIMIT_MEMLOCK of 1 page and no CAP_IPC_LOCK, then map 64 pages',
    run: (ctx) => {
      const p = page(ctx);
      const { src } = fileSource(ctx, 64 * p);
      const cfg = config(ctx);
      const r = ctx.addon.forkCall({ dropCaps: [CAP_IPC_LOCK], rlimitMemlock: p, mlockallFuture: true }, 'map_new', cfg, src);
      return childOutcome(
        `${FN}(64 pages, memory locked beyond RLIMIT_MEMLOCK) in a child`,
        r,
        ['-EAGAIN'],
        'lock memory',
        'rlimit:MEMLOCK',
      );
    },
  },
  {
    key: 'pmem2_map_new/-EBADF#1',
    fixtures: DEV,
    situation: "the source's file descriptor closed before the call",
    note: 'The page also lets pmem2_map_new return every error of pmem2_source_size(), without saying which check comes first; with the descriptor closed, pmem2_source_size() fails too, so its code (observed by calling it directly) is permitted beside -EBADF.',
    run: (ctx) => {
      const { src, fd } = fileSource(ctx, page(ctx));
      fs.closeSync(fd);
      const size = ctx.addon.sourceSize(src);
      const r = mapNew(ctx, config(ctx), src);
      const permitted = ['-EBADF', ...(size.code !== 0 ? [codeName(size.code)] : [])];
      return {
        observed: observed(`${FN}(closed descriptor)`, r, { mapPtr: r.mapPtr, sourceSize: codeName(size.code) }),
        permitted: [...new Set(permitted)],
      };
    },
  },
  {
    key: 'pmem2_map_new/-ENFILE#1',
    fixtures: DEV,
    situation: "in a forked child whose mmap(2) of the file's descriptor a seccomp filter makes fail with ENFILE: map a 2-page file",
    note: 'mmap(2) gives ENFILE when the system-wide file table is full (fs.file-max); filling it would disturb every process on the machine, so the failure is injected at the system call, matched on the descriptor argument so that only the mapping of the file fails: what is checked is that the library passes it through.',
    run: (ctx) => {
      const { src, fd } = fileSource(ctx, 2 * page(ctx));
      const r = ctx.addon.forkInject(
        { syscall: 'mmap', errno: os.constants.errno.ENFILE, argIndex: 4, argValue: fd },
        'map_new',
        config(ctx),
        src,
      );
      return childOutcome(
        `${FN}(2-page file, mmap failing with ENFILE) in a child`,
        r,
        ['-ENFILE'],
        'install the seccomp filter',
        seccomp('mmap', 'ENFILE'),
      );
    },
  },
  {
    key: 'pmem2_map_new/-ENODEV#1',
    fixtures: DEV,
    situation: 'a sysfs attribute file (a regular file whose filesystem has no mmap), mapped read-only',
    note: 'The file is on sysfs, not on the fixture: no fixture filesystem refuses mmap.',
    run: (ctx) => {
      const path = '/sys/kernel/mm/transparent_hugepage/enabled';
      const candidates = [path, '/sys/kernel/profiling', '/sys/power/state'].filter((p) => fs.existsSync(p));
      if (candidates.length === 0) return { skip: 'no sysfs attribute file found to map' };
      const fd = fs.openSync(candidates[0]!, 'r');
      ctx.defer(() => fs.closeSync(fd));
      const s = ctx.addon.sourceFromFd(fd);
      if (s.code !== 0) return { observed: observed(`pmem2_source_from_fd(${candidates[0]})`, s), permitted: ['-ENODEV'] };
      ctx.defer(() => void ctx.addon.sourceDelete(s.source!));
      // the sysfs file is the medium here, not the device: a page, whatever the fixture's unit
      const cfg = config(ctx, { prot: C.PROT_READ, length: ctx.caps.pageSize });
      const r = mapNew(ctx, cfg, s.source!);
      return { observed: observed(`${FN}(${candidates[0]}, PROT_READ)`, r, { mapPtr: r.mapPtr }), permitted: ['-ENODEV'] };
    },
  },
  {
    key: 'pmem2_map_new/-ENOMEM#1',
    fixtures: DEV,
    situation:
      'in a child whose address-space limit (RLIMIT_AS) leaves 64 MiB free, map a 1 GiB sparse file (on device DAX: the whole device, when larger than 64 MiB)',
    run: (ctx) => {
      const { src, size } = fileSource(ctx, ctx.caps.devdax ? page(ctx) : OOM_REQUEST);
      if (size <= OOM_HEADROOM) return { skip: `the device DAX holds ${size} bytes, which fit in the ${OOM_HEADROOM}-byte headroom` };
      const r = ctx.addon.forkCall({ addressSpaceHeadroom: OOM_HEADROOM }, 'map_new', config(ctx), src);
      return childOutcome(
        `${FN}(${size} bytes, 64 MiB of address space left) in a child`,
        r,
        ['-ENOMEM'],
        'limit the address space',
        'rlimit:AS',
      );
    },
  },
  {
    key: 'pmem2_map_new/-EPERM#1',
    fixtures: DEV,
    situation: 'PROT_READ|PROT_EXEC mapping of a file on a noexec mount (or, without one, a write-sealed memfd mapped shared read-write)',
    run: (ctx) => {
      const p = page(ctx);
      if (ctx.caps.noexecDirectory) {
        const f = ctx.file(p, { dir: ctx.caps.noexecDirectory });
        ctx.defer(() => fs.closeSync(f.fd));
        const s = ctx.addon.sourceFromFd(f.fd);
        if (s.code !== 0) return { observed: observed('pmem2_source_from_fd(noexec file)', s), permitted: ['-EPERM'] };
        ctx.defer(() => void ctx.addon.sourceDelete(s.source!));
        const r = mapNew(ctx, config(ctx, { prot: (C.PROT_READ | C.PROT_EXEC) >>> 0 }), s.source!);
        return { observed: observed(`${FN}(file on a noexec mount, PROT_READ|PROT_EXEC)`, r, { mapPtr: r.mapPtr }), permitted: ['-EPERM'] };
      }
      const m = ctx.addon.memfdCreate('pmem-conform-sealed', p, ctx.addon.F_SEAL_WRITE);
      if (m.errno !== 0 || m.fd === undefined) return { skip: `cannot make a write-sealed memfd: ${m.message}` };
      ctx.defer(() => void ctx.addon.closeFd(m.fd!));
      const s = ctx.addon.sourceFromFd(m.fd);
      if (s.code !== 0) return { observed: observed('pmem2_source_from_fd(sealed memfd)', s), permitted: ['-EPERM'] };
      ctx.defer(() => void ctx.addon.sourceDelete(s.source!));
      const r = mapNew(ctx, config(ctx), s.source!);
      return { observed: observed(`${FN}(F_SEAL_WRITE memfd, shared read-write)`, r, { mapPtr: r.mapPtr }), permitted: ['-EPERM'] };
    },
  },
  {
    key: 'pmem2_map_new/-ETXTBSY#1',
    fixtures: DEV,
    situation: "in a forked child whose mmap(2) of the file's descriptor a seccomp filter makes fail with ETXTBSY: map a 2-page file",
    note: "The page's situation (MAP_DENYWRITE on a file open for writing) does not arise on Linux, which ignores MAP_DENYWRITE (and libpmem2 does not pass it), so no mmap(2) returns ETXTBSY naturally. The clause is an errno passthrough, so the errno is injected at the system call, matched on the descriptor argument: what is checked is that the library passes an mmap ETXTBSY through, as the page says; the technique names the injection.",
    run: (ctx) => {
      const { src, fd } = fileSource(ctx, 2 * page(ctx));
      const r = ctx.addon.forkInject(
        { syscall: 'mmap', errno: os.constants.errno.ETXTBSY, argIndex: 4, argValue: fd },
        'map_new',
        config(ctx),
        src,
      );
      return childOutcome(
        `${FN}(2-page file, mmap failing with ETXTBSY) in a child`,
        r,
        ['-ETXTBSY'],
        'install the seccomp filter',
        seccomp('mmap', 'ETXTBSY'),
      );
    },
  },
  {
    key: 'pmem2_map_new/errors of pmem2_source_size()#1',
    fixtures: DEV,
    situation: "the source's descriptor closed, so pmem2_source_size() (fstat) fails inside pmem2_map_new",
    run: (ctx) => {
      const { src, fd } = fileSource(ctx, page(ctx));
      fs.closeSync(fd);
      const size = ctx.addon.sourceSize(src);
      const r = mapNew(ctx, config(ctx), src);
      const expect = size.code === 0 ? [] : [codeName(size.code)];
      if (expect.length === 0)
        return { skip: 'pmem2_source_size() did not fail with the descriptor closed; no situation left to provoke it on a regular file' };
      return { observed: observed(`${FN}(closed descriptor)`, r, { sourceSize: codeName(size.code) }), permitted: expect };
    },
  },
  attrCase({
    key: 'pmem2_map_new/errors of pmem2_source_alignment()#1',
    situation:
      "pmem2_source_alignment() failing inside pmem2_map_new: the device DAX's align attribute saying 3000 (not a power of two), in a child's private mount namespace; the map is of one alignment unit",
    attr: 'align',
    change: { with: 'text', text: '3000\n' },
    op: 'map_new',
    permitted: ['PMEM2_E_INVALID_ALIGNMENT_VALUE'],
    note: 'pmem2_source_alignment() of the same device in the same condition returns PMEM2_E_INVALID_ALIGNMENT_VALUE (pmem2_source_alignment/PMEM2_E_INVALID_ALIGNMENT_VALUE#1).',
  }),
  {
    key: 'pmem2_map_new/map_ptr NULL on failure#1',
    fixtures: DEV,
    situation: 'a failing call (granularity unset) with *map_ptr holding a non-NULL value before it',
    run: (ctx) => {
      const { src } = fileSource(ctx, page(ctx));
      const r = mapNew(ctx, config(ctx, { granularity: null }), src);
      const o = observed(`${FN}(granularity unset)`, r, { mapPtr: r.mapPtr });
      if (r.code === 0) return { observed: o, permitted: ['PMEM2_E_GRANULARITY_NOT_SET'] };
      return {
        observed: o,
        permitted: [o.name],
        ...(r.mapPtr !== 'null'
          ? {
              failure: `the call failed but *map_ptr is ${r.mapPtr === 'unchanged' ? 'left unchanged' : 'set to a non-NULL value'}, not NULL`,
            }
          : {}),
      };
    },
  },
  {
    key: 'pmem2_map_new/new mapping stored in map_ptr#1',
    fixtures: DEV,
    situation: 'a successful map of a 3-page file (on device DAX: the whole device): *map_ptr set, size and granularity as asked',
    run: (ctx) => {
      const { src, size: srcSize } = fileSource(ctx, 3 * page(ctx));
      const r = mapNew(ctx, config(ctx), src);
      const details: Record<string, string | number> = { mapPtr: r.mapPtr };
      let failure: string | undefined;
      if (r.map) {
        const size = ctx.addon.mapGetSize(r.map);
        const g = ctx.addon.mapGetStoreGranularity(r.map);
        details.size = Number(size);
        details.granularity = ['BYTE', 'CACHE_LINE', 'PAGE'][g] ?? String(g);
        const gives = fixtureGranularity(ctx);
        if (size !== BigInt(srcSize)) failure = `pmem2_map_get_size() is ${size}, the source is ${srcSize} bytes`;
        else if (g > C.PAGE) failure = `effective granularity ${g} is coarser than the required PAGE`;
        // both directions: a finer granularity than the fixture gives is the dangerous lie (users skip msync on its word)
        else if (!gives.includes(g))
          failure = `pmem2_map_get_store_granularity() says ${details.granularity}; the fixture gives ${gives.map((x) => ['BYTE', 'CACHE_LINE', 'PAGE'][x]).join(' or ')} (probed)`;
      } else if (r.code === 0) failure = `returned 0 but *map_ptr is ${r.mapPtr}`;
      return { observed: observed(`${FN}(${srcSize}-byte source, PAGE)`, r, details), permitted: ['0'], ...(failure ? { failure } : {}) };
    },
  },
  {
    key: 'pmem2_map_new/granularity must be appropriate#1',
    fixtures: DEV,
    situation:
      'require the granularity one finer than the coarsest the fixture grants by its observed persistence (CACHE_LINE without MAP_SYNC, BYTE without eADR)',
    note: GRANULARITY_RULE,
    run: (ctx) => {
      if (ctx.caps.forcedGranularity)
        return {
          skip: `granularity forced to ${ctx.caps.forcedGranularity} by PMEM2_FORCE_GRANULARITY: what the fixture can really give is masked`,
        };
      const available = fixtureGranularity(ctx).map((x) => GRANULARITY_ORDER[x]!);
      const coarsest = Math.max(...available.map((a) => GRANULARITY_ORDER.indexOf(a)));
      if (coarsest === 0) return { skip: `the fixture grants every granularity (${grantedBecause(ctx.caps)})` };
      const g = GRANULARITY_ORDER[coarsest - 1]!;
      return mapFile(
        ctx,
        page(ctx),
        { granularity: C[g] },
        granularityOutcome(g, available).permitted,
        `${g} on a fixture granting ${available.join(' or ')}: ${grantedBecause(ctx.caps)}`,
      );
    },
  },
  {
    key: 'pmem2_map_new/mapping at the offset of a reservation#1',
    fixtures: DEV,
    situation: 'a 2-page mapping at offset 1 page of a 4-page reservation lands at reservation address + 1 page',
    run: (ctx) => {
      const p = page(ctx);
      const rsv = reservation(ctx, 4 * p);
      const { src } = fileSource(ctx, 2 * p);
      const r = mapNew(ctx, config(ctx, { reservation: rsv, reservationOffset: p, length: 2 * p }), src);
      const base = ctx.addon.reservationGetAddress(rsv);
      const details: Record<string, string> = { reservation: `0x${base.toString(16)}` };
      let failure: string | undefined;
      if (r.map) {
        const a = ctx.addon.mapGetAddress(r.map);
        details.map = `0x${a.toString(16)}`;
        if (a !== base + BigInt(p))
          failure = `mapping at 0x${a.toString(16)}, expected reservation + 1 page = 0x${(base + BigInt(p)).toString(16)}`;
      }
      return {
        observed: observed(`${FN}(reservation of 4 pages, offset 1 page)`, r, details),
        permitted: ['0'],
        ...(failure ? { failure } : {}),
      };
    },
  },
  {
    key: 'pmem2_map_new/new mapping per call#1',
    fixtures: DEV,
    situation:
      '4 native threads map and delete a 2-page file 50 times each (a device DAX: 2 alignment units, 10 times each) with one config and one source: every call maps, no two live maps overlap, every delete returns 0',
    run: (ctx) => {
      const { src } = fileSource(ctx, 2 * page(ctx));
      // a device DAX map is 2 x 2 MiB, and one map and delete of it costs an emulated guest a third of a second:
      // 200 of them ran past any case limit there (measured 62-100 s), while 40 still overlap in time across threads
      const rounds = ctx.caps.devdax ? 10 : 50;
      const r = ctx.addon.concurrentMaps(config(ctx, { length: 2 * page(ctx) }), src, 4, rounds);
      const details = { mapped: r.mapped, overlaps: r.overlaps, failedMaps: r.codes.length, failedDeletes: r.deleteCodes.length };
      // -EEXIST comes and goes with the threads' timing (a map deleted in one thread while another maps into its
      // old range: seen in 1 of 4 CI runs). A verdict must not depend on the scheduler, so it is a note, counted,
      // until a situation provokes it every time; any other failed map is the verdict
      const raced = r.codes.filter((c) => codeName(c) === '-EEXIST').length;
      const code = r.codes.find((c) => codeName(c) !== '-EEXIST') ?? 0;
      let failure: string | undefined;
      if (r.overlaps) failure = `${r.overlaps} new map(s) overlapped another live one`;
      else if (r.deleteCodes.length) failure = `pmem2_map_delete returned ${codeName(r.deleteCodes[0]!)} in a thread`;
      return {
        observed: observed(`${FN}(one config and source, 4 threads)`, { code }, details),
        permitted: ['0'],
        ...(raced
          ? {
              note: `${raced} of the ${4 * rounds} maps failed with -EEXIST this time: a race of a concurrent delete and map inside libpmem2, which the page does not permit; not the verdict, because it depends on timing`,
            }
          : {}),
        ...(failure ? { failure } : {}),
      };
    },
  },
];

export const suite: Suite = {
  name: 'pmem2_map_new',
  implementation: 'libpmem2',
  pages: ['pmem2_map_new'],
  cases,
};
