/**
 * pmem2_source_pread_mcsafe(3), which also documents
 * pmem2_source_pwrite_mcsafe: one case per documented clause. On device
 * DAX the node itself is the source (its contents are the fixture's to
 * destroy: --allow-destroy-devdax).
 */
import fs from 'node:fs';
import os from 'node:os';
import type { Source } from '../runner/core/native.js';
import { seccomp } from '../runner/core/technique.js';
import type { CaseContext, CaseDef, Suite } from './framework.js';
import { pattern } from './pmem2_fn_util.js';
import { anonSource } from './pmem2_source_from_anon.js';
import { childOutcome, fileSource, observed, readMedium, writeMedium } from './pmem2_util.js';

const READ = 'pmem2_source_pread_mcsafe';
const WRITE = 'pmem2_source_pwrite_mcsafe';

/** target -- a source of `size` bytes: a file of the fixture, or the device DAX node (whose size is its own) */
function target(ctx: CaseContext, size: number): { src: Source; fd: number; size: number; what: string; device: boolean } {
  const f = fileSource(ctx, size);
  return { ...f, what: f.device ? 'device DAX' : 'file' };
}

/**
 * ioFail -- the IO_FAIL clause of the read or the write. On a file source
 * the library does pread(2)/pwrite(2), and the kernel answers a poisoned
 * page of a DAX file with EIO (what a bad block gives); a seccomp filter in
 * a child gives that EIO without a bad block, so what is checked is the
 * library's translation of it. On a device DAX the library copies through
 * a mapping and turns the SIGBUS of a poisoned page into the error, which
 * no filter can give.
 */
function ioFail(key: string, write: boolean): CaseDef {
  const fn = write ? WRITE : READ;
  const call = write ? 'pwrite64' : 'pread64';
  return {
    key,
    situation: `in a forked child whose ${call}(2) a seccomp filter makes fail with EIO (a poisoned page's answer): ${write ? 'write' : 'read'} 100 bytes at offset 10 of a 2-page file source`,
    note: `A bad block under a file of a DAX filesystem makes ${call}(2) fail with EIO; the filter gives the same EIO to the library's one ${call}(2) call without a bad block, so what is checked is that the library reports it as the I/O failure the page documents.`,
    fixtures: 'devdax',
    run: (ctx) => {
      if (ctx.caps.devdax)
        return {
          skip: `needs a poisoned page of the device: the library ${write ? 'writes' : 'reads'} a device DAX through a mapping, where only a machine check (SIGBUS) makes the copy fail`,
          technique: 'fixture:badblocks',
        };
      if (!ctx.addon.pmem2Exports(fn)) return { skip: `the library under test does not export ${fn}`, technique: 'build:missing-function' };
      const t = target(ctx, 2 * ctx.caps.pageSize);
      const r = ctx.addon.forkInject(
        { syscall: call, errno: os.constants.errno.EIO },
        write ? 'source_pwrite' : 'source_pread',
        t.src,
        100,
        10,
      );
      return childOutcome(
        `${fn}(file, 100 bytes at 10, ${call} failing with EIO) in a child`,
        r,
        ['PMEM2_E_IO_FAIL'],
        'install the seccomp filter',
        seccomp(call, 'EIO'),
      );
    },
  };
}

const cases: CaseDef[] = [
  {
    key: 'pmem2_source_pread_mcsafe/RETURN VALUE#1',
    situation: 'write then read 100 bytes at offset 10 of a 2-page source (file, or the device DAX node)',
    fixtures: 'devdax',
    run: (ctx) => {
      const t = target(ctx, 2 * ctx.caps.pageSize);
      const w = ctx.addon.sourcePwriteMcsafe(t.src, pattern(100, 3), 10);
      const r = ctx.addon.sourcePreadMcsafe(t.src, 100, 10);
      const [at, x] = w.code !== 0 ? [WRITE, w] : [READ, r];
      return { observed: observed(`${at}(${t.what}, 100 bytes at 10)`, x), permitted: ['0'] };
    },
  },
  ioFail('pmem2_source_pread_mcsafe/PMEM2_E_IO_FAIL#1', false),
  ioFail('pmem2_source_pwrite_mcsafe/PMEM2_E_IO_FAIL#1', true),
  {
    key: 'pmem2_source_pread_mcsafe/PMEM2_E_LENGTH_OUT_OF_RANGE#1',
    situation: 'read 2 bytes at the last byte of the source, and 1 byte at its size',
    fixtures: 'devdax',
    run: (ctx) => {
      const t = target(ctx, 2 * ctx.caps.pageSize);
      const a = ctx.addon.sourcePreadMcsafe(t.src, 2, t.size - 1);
      const b = ctx.addon.sourcePreadMcsafe(t.src, 1, t.size);
      const x = a.code === -100030 ? b : a;
      return {
        observed: observed(`${READ}(${t.what}, past the end)`, x, { lastByte: a.code, atSize: b.code }),
        permitted: ['PMEM2_E_LENGTH_OUT_OF_RANGE'],
      };
    },
  },
  {
    key: 'pmem2_source_pwrite_mcsafe/PMEM2_E_LENGTH_OUT_OF_RANGE#1',
    situation: 'write 2 bytes at the last byte of the source, and 1 byte at its size; the source must not grow',
    fixtures: 'devdax',
    run: (ctx) => {
      const t = target(ctx, 2 * ctx.caps.pageSize);
      const a = ctx.addon.sourcePwriteMcsafe(t.src, Buffer.from([1, 2]), t.size - 1);
      const b = ctx.addon.sourcePwriteMcsafe(t.src, Buffer.from([3]), t.size);
      const x = a.code === -100030 ? b : a;
      const size = t.what === 'file' ? fs.fstatSync(t.fd).size : t.size;
      return {
        observed: observed(`${WRITE}(${t.what}, past the end)`, x, { size }),
        permitted: ['PMEM2_E_LENGTH_OUT_OF_RANGE'],
        ...(size !== t.size ? { failure: `the file grew from ${t.size} to ${size} bytes` } : {}),
      };
    },
  },
  {
    key: 'pmem2_source_pread_mcsafe/PMEM2_E_SOURCE_TYPE_NOT_SUPPORTED#1',
    fixtures: 'devdax',
    situation: 'read 1 byte of an anonymous source',
    run: (ctx) => {
      const r = ctx.addon.sourcePreadMcsafe(anonSource(ctx, ctx.caps.pageSize), 1, 0);
      return { observed: observed(`${READ}(anonymous source)`, r), permitted: ['PMEM2_E_SOURCE_TYPE_NOT_SUPPORTED'] };
    },
  },
  {
    key: 'pmem2_source_pwrite_mcsafe/PMEM2_E_SOURCE_TYPE_NOT_SUPPORTED#1',
    fixtures: 'devdax',
    situation: 'write 1 byte to an anonymous source',
    run: (ctx) => {
      const r = ctx.addon.sourcePwriteMcsafe(anonSource(ctx, ctx.caps.pageSize), Buffer.from([7]), 0);
      return { observed: observed(`${WRITE}(anonymous source)`, r), permitted: ['PMEM2_E_SOURCE_TYPE_NOT_SUPPORTED'] };
    },
  },
  {
    key: 'pmem2_source_pread_mcsafe/reads size bytes at offset#1',
    situation: 'a 2-page source written with pwrite(2): read 300 bytes across the page boundary',
    fixtures: 'devdax',
    run: (ctx) => {
      const p = ctx.caps.pageSize;
      const t = target(ctx, 2 * p);
      const data = pattern(300, 5);
      // a device DAX has no write(2): there the bytes go in through a map
      writeMedium(ctx, t, data, p - 150);
      const r = ctx.addon.sourcePreadMcsafe(t.src, 300, p - 150);
      return {
        observed: observed(`${READ}(${t.what}, 300 bytes at ${p - 150})`, r),
        permitted: ['0'],
        ...(r.code === 0 && !r.data?.equals(data) ? { failure: 'the bytes read are not those pwrite(2) wrote there' } : {}),
      };
    },
  },
  {
    key: 'pmem2_source_pwrite_mcsafe/writes size bytes at offset#1',
    situation: 'write 300 bytes across the page boundary of a 2-page source: pread(2) reads them there, and the bytes around are untouched',
    fixtures: 'devdax',
    run: (ctx) => {
      const p = ctx.caps.pageSize;
      const t = target(ctx, 2 * p);
      const before = readMedium(ctx, t, p - 151, 302);
      const data = pattern(300, 9);
      const w = ctx.addon.sourcePwriteMcsafe(t.src, data, p - 150);
      const after = readMedium(ctx, t, p - 151, 302);
      let failure: string | undefined;
      if (w.code === 0 && !after.subarray(1, 301).equals(data)) failure = 'pread(2) does not read the bytes written';
      else if (w.code === 0 && (after[0] !== before[0] || after[301] !== before[301])) failure = 'a byte next to the range changed';
      return { observed: observed(`${WRITE}(${t.what}, 300 bytes at ${p - 150})`, w), permitted: ['0'], ...(failure ? { failure } : {}) };
    },
  },
];

export const suite: Suite = { name: 'pmem2_source_pread_mcsafe', implementation: 'libpmem2', pages: ['pmem2_source_pread_mcsafe'], cases };
