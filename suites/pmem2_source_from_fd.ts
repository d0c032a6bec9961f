/**
 * pmem2_source_from_fd(3), which also documents pmem2_source_from_handle
 * (Windows only, as its SYNOPSIS says: every clause of it is skipped by the
 * runner) and pmem2_source_delete: one case per documented clause.
 */
import fs from 'node:fs';
import { codeName } from '../runner/core/constants.js';
import type { CallResult, Source } from '../runner/core/native.js';
import type { CaseContext, CaseDef, Suite } from './framework.js';
import { moreOutcome } from './pmem2_map_from_existing.js';
import { OOM_HEADROOM, observed, SetupError } from './pmem2_util.js';
import { charDevice, nonRegular } from './pmem2_source_fds.js';

const FN = 'pmem2_source_from_fd';

function fromFd(ctx: CaseContext, fd: number): CallResult & { source?: Source } {
  const r = ctx.addon.sourceFromFd(fd);
  if (r.source) {
    const s = r.source;
    ctx.defer(() => void ctx.addon.sourceDelete(s));
  }
  return r;
}

/** run each situation; report the first whose outcome is not `want`, else the first */
function firstOff(want: string, results: [string, CallResult][]) {
  const details = Object.fromEntries(results.map(([n, r]) => [n, codeName(r.code)]));
  const [n, r] = results.find(([, x]) => codeName(x.code) !== want) ?? results[0]!;
  return { observed: observed(`${FN}(${n})`, r, details), permitted: [want] };
}

/** a case for a clause of a Windows-only function or statement: the runner skips it before it runs */
function windowsOnly(key: string): CaseDef {
  return { key, situation: 'Windows only', run: () => ({ skip: 'Windows only', technique: 'platform:Windows' }) };
}

const cases: CaseDef[] = [
  {
    key: 'pmem2_source_from_fd/RETURN VALUE#1',
    fixtures: 'devdax',
    situation: 'a regular file (on device DAX: the device) opened O_RDWR, and opened O_RDONLY',
    run: (ctx) => {
      const rw = ctx.medium(ctx.unit);
      ctx.defer(() => fs.closeSync(rw.fd));
      const ro = fs.openSync(rw.path, 'r');
      ctx.defer(() => fs.closeSync(ro));
      const results: [string, CallResult][] = [
        ['O_RDWR file', fromFd(ctx, rw.fd)],
        ['O_RDONLY file', fromFd(ctx, ro)],
      ];
      return firstOff('0', results);
    },
  },
  {
    key: 'pmem2_source_delete/RETURN VALUE#1',
    fixtures: 'devdax',
    situation: 'delete a source made from a regular file',
    run: (ctx) => {
      const f = ctx.medium(ctx.unit);
      ctx.defer(() => fs.closeSync(f.fd));
      const s = ctx.addon.sourceFromFd(f.fd);
      if (s.code !== 0 || !s.source) throw new SetupError(`${FN} returned ${codeName(s.code)}`);
      const r = ctx.addon.sourceDelete(s.source);
      return { observed: observed('pmem2_source_delete(source of a regular file)', r), permitted: ['0'] };
    },
  },
  {
    key: 'pmem2_source_from_fd/PMEM2_E_INVALID_FILE_HANDLE#1',
    fixtures: 'devdax',
    situation: 'a descriptor that was closed, and -1',
    textMatches: /not an open and valid/,
    run: (ctx) => {
      const f = ctx.medium(ctx.unit);
      fs.closeSync(f.fd);
      return firstOff('PMEM2_E_INVALID_FILE_HANDLE', [
        [`closed descriptor ${f.fd}`, fromFd(ctx, f.fd)],
        ['-1', fromFd(ctx, -1)],
      ]);
    },
  },
  {
    key: 'pmem2_source_from_fd/PMEM2_E_INVALID_FILE_HANDLE#2',
    fixtures: 'devdax',
    situation: 'a regular file (on device DAX: the device) opened O_WRONLY',
    textMatches: /O_WRONLY/,
    run: (ctx) => {
      const f = ctx.medium(ctx.unit);
      fs.closeSync(f.fd);
      const fd = fs.openSync(f.path, 'w');
      ctx.defer(() => fs.closeSync(fd));
      return firstOff('PMEM2_E_INVALID_FILE_HANDLE', [['O_WRONLY file', fromFd(ctx, fd)]]);
    },
  },
  {
    key: 'pmem2_source_from_fd/PMEM2_E_INVALID_FILE_TYPE#1',
    fixtures: 'devdax',
    situation: 'a directory, a FIFO, a listening unix socket and a block device (those this machine offers)',
    textMatches: /directory, block device, pipe, or socket/,
    run: (ctx) => {
      const kinds = nonRegular(ctx);
      const results: [string, CallResult][] = [];
      const missing: string[] = [];
      for (const k of kinds) {
        if (!k.open) missing.push(`${k.name}: ${k.missing}`);
        else results.push([k.name, fromFd(ctx, k.open())]);
      }
      const o = firstOff('PMEM2_E_INVALID_FILE_TYPE', results);
      return missing.length ? { ...o, note: `not tried: ${missing.join('; ')}` } : o;
    },
  },
  {
    key: 'pmem2_source_from_fd/PMEM2_E_INVALID_FILE_TYPE#2',
    fixtures: 'devdax',
    situation: '/dev/null, a character device that is not device DAX',
    textMatches: /character device other than Device DAX/,
    run: (ctx) => firstOff('PMEM2_E_INVALID_FILE_TYPE', [['/dev/null', fromFd(ctx, charDevice(ctx))]]),
  },
  windowsOnly('pmem2_source_from_fd/PMEM2_E_INVALID_FILE_TYPE#3'),
  windowsOnly('pmem2_source_from_fd/errors of pmem2_source_from_handle()#1'),
  {
    key: 'pmem2_source_from_fd/-ENOMEM#1',
    fixtures: 'devdax',
    situation: 'pmem2_source_from_fd of a regular file in a forked child whose heap is used up under an address-space limit',
    run: (ctx) => {
      const f = ctx.medium(ctx.unit);
      ctx.defer(() => fs.closeSync(f.fd));
      const r = ctx.addon.forkMore('source_from_fd_oom', f.fd, OOM_HEADROOM);
      return moreOutcome(`${FN}(regular file, malloc failing)`, r, ['-ENOMEM'], 'exhaust the heap', 'heap:exhausted');
    },
  },
  windowsOnly('pmem2_source_from_handle/PMEM2_E_INVALID_FILE_HANDLE#1'),
  windowsOnly('pmem2_source_from_handle/PMEM2_E_INVALID_FILE_HANDLE#2'),
  windowsOnly('pmem2_source_from_handle/PMEM2_E_INVALID_FILE_HANDLE#3'),
  windowsOnly('pmem2_source_from_handle/PMEM2_E_INVALID_FILE_TYPE#1'),
  windowsOnly('pmem2_source_from_handle/PMEM2_E_INVALID_FILE_TYPE#2'),
  windowsOnly('pmem2_source_from_handle/PMEM2_E_INVALID_FILE_TYPE#3'),
  windowsOnly('pmem2_source_from_handle/PMEM2_E_INVALID_FILE_TYPE#4'),
  windowsOnly('pmem2_source_from_handle/-ENOMEM#1'),
  {
    key: 'pmem2_source_delete/src set to NULL#1',
    fixtures: 'devdax',
    situation: 'delete a source made from a regular file: *src is NULL afterwards',
    run: (ctx) => {
      const f = ctx.medium(ctx.unit);
      ctx.defer(() => fs.closeSync(f.fd));
      const s = ctx.addon.sourceFromFd(f.fd);
      if (s.code !== 0 || !s.source) throw new SetupError(`${FN} returned ${codeName(s.code)}`);
      const r = ctx.addon.sourceDelete(s.source);
      return {
        observed: observed('pmem2_source_delete(source of a regular file)', r, { srcCleared: r.pointerCleared }),
        permitted: ['0'],
        ...(r.pointerCleared ? {} : { failure: '*src is not NULL after pmem2_source_delete' }),
      };
    },
  },
  {
    key: 'pmem2_source_delete/NULL is a no-op#1',
    fixtures: 'devdax',
    situation: 'pmem2_source_delete with *src == NULL',
    run: (ctx) => {
      const d = ctx.addon.deleteNull('source');
      return {
        observed: observed('pmem2_source_delete(&NULL)', d, { srcStillNull: d.pointerCleared }),
        permitted: ['0'],
        ...(d.pointerCleared ? {} : { failure: '*src is no longer NULL after deleting NULL' }),
      };
    },
  },
];

export const suite: Suite = {
  name: 'pmem2_source_from_fd',
  implementation: 'libpmem2',
  pages: ['pmem2_source_from_fd'],
  cases,
};
