/**
 * pmemset_source_from_file(3): pmemset_source_from_file,
 * pmemset_xsource_from_file (flags and mode) and pmemset_source_delete.
 */
import fs from 'node:fs';
import type { CaseContext, CaseDef, Outcome, Suite } from './framework.js';
import { observed } from './pmem2_util.js';
import {
  closedFile,
  doNotGrowPage,
  fileSource,
  mapConfig,
  newFilePath,
  newSet,
  readSource,
  S,
  writeSource,
  xsource,
} from './pmemset_util.js';
import { oomOutcome, page, umask } from './pmemset_page_util.js';

/** PMEMSET_SOURCE_FILE_CREATE_MODE(mode) of the header: the mode in bits 32..63 */
function createMode(mode: number): bigint {
  return BigInt(mode) << 32n;
}

function cleanupFile(ctx: CaseContext, p: string): string {
  ctx.defer(() => fs.rmSync(p, { force: true }));
  return p;
}

/** map `len` bytes of `src` at `off` into a fresh set */
function mapLen(ctx: CaseContext, src: Parameters<CaseContext['addon']['setMap']>[1], len: number, off = 0) {
  const { set } = newSet(ctx);
  return ctx.addon.setMap(set, src, mapConfig(ctx, { offset: off, length: len }), true);
}

function modeOutcome(ctx: CaseContext, flags: bigint, want: number, describe: string): Outcome {
  const p = cleanupFile(ctx, newFilePath(ctx, 'mode'));
  const x = xsource(ctx, p, flags);
  if (x.code !== 0) return { observed: observed(`pmemset_xsource_from_file(${describe})`, x), permitted: ['0'] };
  const exists = fs.existsSync(p);
  if (!exists) {
    // the page does not say when the file is created: mapping it must create it at the latest
    const m = mapLen(ctx, x.source!, page(ctx));
    if (m.code !== 0) return { observed: observed(`pmemset_map of a source from ${describe}`, m), permitted: ['0'] };
  }
  const mode = fs.statSync(p).mode & 0o7777;
  const expected = want & ~umask();
  return {
    observed: observed(`pmemset_xsource_from_file(${describe})`, x, { mode: `0${mode.toString(8)}`, umask: `0${umask().toString(8)}` }),
    permitted: ['0'],
    ...(mode !== expected
      ? { failure: `the new file has mode 0${mode.toString(8)}, expected 0${expected.toString(8)} (0${want.toString(8)} less the umask)` }
      : {}),
  };
}

/** a device DAX is made by its namespace, never by a call that opens a path */
const NOT_CREATED =
  'a device DAX is not created by pmemset_xsource_from_file: /dev/daxX.Y exists (its namespace makes it) or the call fails, so no new file, and no mode for one, comes of it';

const cases: CaseDef[] = [
  {
    key: 'pmemset_source_from_file/RETURN VALUE#1',
    situation:
      'pmemset_source_from_file and pmemset_xsource_from_file (CREATE_IF_NEEDED) on an existing 1-page file (on device DAX, the device)',
    fixtures: 'devdax',
    run: (ctx) => {
      const file = closedFile(ctx, page(ctx));
      const r = ctx.addon.setSourceFromFile(file);
      if (r.source) ctx.defer(() => void ctx.addon.setSourceDelete(r.source!));
      if (r.code !== 0) return { observed: observed('pmemset_source_from_file(existing file)', r), permitted: ['0'] };
      const x = xsource(ctx, file, S.CREATE_IF_NEEDED);
      return { observed: observed('pmemset_xsource_from_file(existing file, CREATE_IF_NEEDED)', x), permitted: ['0'] };
    },
  },
  {
    key: 'pmemset_source_delete/RETURN VALUE#1',
    situation: 'pmemset_source_delete of a file source (on device DAX, of the device)',
    fixtures: 'devdax',
    run: (ctx) => {
      const { src } = fileSource(ctx, page(ctx), { caseDeletes: true });
      return { observed: observed('pmemset_source_delete', ctx.addon.setSourceDelete(src)), permitted: ['0'] };
    },
  },
  {
    key: 'pmemset_source_from_file/PMEMSET_E_INVALID_SOURCE_PATH#1',
    situation: 'file path NULL (the addon passes a JS null as NULL)',
    fixtures: 'devdax',
    run: (ctx) => {
      const r = ctx.addon.setSourceFromFile(null);
      if (r.source) ctx.defer(() => void ctx.addon.setSourceDelete(r.source!));
      return { observed: observed('pmemset_source_from_file(NULL)', r), permitted: ['PMEMSET_E_INVALID_SOURCE_PATH'] };
    },
  },
  {
    key: 'pmemset_xsource_from_file/PMEMSET_E_INVALID_SOURCE_PATH#1',
    situation: 'file path NULL (the addon passes a JS null as NULL), flags CREATE_IF_NEEDED',
    fixtures: 'devdax',
    run: (ctx) => {
      const r = ctx.addon.setXsourceFromFile(null, S.CREATE_IF_NEEDED);
      if (r.source) ctx.defer(() => void ctx.addon.setSourceDelete(r.source!));
      return {
        observed: observed('pmemset_xsource_from_file(NULL, CREATE_IF_NEEDED)', r),
        permitted: ['PMEMSET_E_INVALID_SOURCE_PATH'],
      };
    },
  },
  {
    key: 'pmemset_source_from_file/-ENOMEM#1',
    situation:
      'in a forked child whose heap is exhausted (every malloc fails): pmemset_source_from_file of a 1-page file (on device DAX, of the device)',
    fixtures: 'devdax',
    run: (ctx) => {
      const f = ctx.medium(page(ctx));
      ctx.defer(() => fs.closeSync(f.fd));
      return oomOutcome(ctx, 'pmemset_source_from_file', f.path);
    },
  },
  {
    key: 'pmemset_xsource_from_file/-ENOMEM#1',
    situation:
      'in a forked child whose heap is exhausted (every malloc fails): pmemset_xsource_from_file of a 1-page file (on device DAX, of the device), no flags',
    fixtures: 'devdax',
    run: (ctx) => {
      const f = ctx.medium(page(ctx));
      ctx.defer(() => fs.closeSync(f.fd));
      return oomOutcome(ctx, 'pmemset_xsource_from_file', f.path);
    },
  },
  {
    key: 'pmemset_xsource_from_file/PMEMSET_E_INVALID_SOURCE_FILE_CREATE_FLAGS#1',
    situation: 'flags CREATE_IF_NEEDED | 1<<20 (a bit no flag has) on a missing path (on device DAX, on the device)',
    fixtures: 'devdax',
    run: (ctx) => {
      // the device is never removed: only a path of our own is
      const p = ctx.caps.devdax ? closedFile(ctx, page(ctx)) : cleanupFile(ctx, newFilePath(ctx, 'flags'));
      const x = xsource(ctx, p, BigInt(S.CREATE_IF_NEEDED) | (1n << 20n));
      return {
        observed: observed('pmemset_xsource_from_file(CREATE_IF_NEEDED | 1<<20)', x),
        permitted: ['PMEMSET_E_INVALID_SOURCE_FILE_CREATE_FLAGS'],
      };
    },
  },
  {
    key: 'pmemset_xsource_from_file/CREATE_IF_NEEDED#1',
    situation:
      'CREATE_IF_NEEDED on a missing path (file created) and on an existing file with data (data kept); on device DAX the existing half only, on the device',
    fixtures: 'devdax',
    run: (ctx) => {
      let failure: string | undefined;
      // a device DAX is made by its namespace, never created by this call: only the existing half applies there
      if (!ctx.caps.devdax) {
        const p = cleanupFile(ctx, newFilePath(ctx, 'ifneeded'));
        const x = xsource(ctx, p, S.CREATE_IF_NEEDED);
        if (x.code !== 0) return { observed: observed('pmemset_xsource_from_file(missing path, CREATE_IF_NEEDED)', x), permitted: ['0'] };
        const m = mapLen(ctx, x.source!, page(ctx));
        if (m.code !== 0) return { observed: observed('pmemset_map of the created file', m), permitted: ['0'] };
        if (!fs.existsSync(p)) failure = 'the missing file was not created';
      }
      const f = ctx.medium(page(ctx));
      fs.closeSync(f.fd);
      const existing = { path: f.path, device: f.device };
      const what = f.device ? 'device' : 'file';
      writeSource(ctx, existing, 0, Buffer.from('keep me'));
      const y = xsource(ctx, f.path, S.CREATE_IF_NEEDED);
      if (y.code !== 0) return { observed: observed(`pmemset_xsource_from_file(existing ${what}, CREATE_IF_NEEDED)`, y), permitted: ['0'] };
      const m2 = mapLen(ctx, y.source!, page(ctx));
      const kept = readSource(ctx, existing, 0, 7).toString();
      if (kept !== 'keep me') failure ??= `the existing ${what} was overwritten (starts with ${JSON.stringify(kept)})`;
      if (m2.code === 0 && ctx.addon.readAddress(m2.descriptor!.addr, 7).toString() !== 'keep me')
        failure ??= `the mapping of the existing ${what} does not show its data`;
      return {
        observed: observed(
          `pmemset_xsource_from_file(CREATE_IF_NEEDED), ${f.device ? 'the existing device' : 'missing then existing file'}`,
          m2,
        ),
        permitted: ['0'],
        ...(failure ? { failure } : {}),
      };
    },
  },
  {
    key: 'pmemset_xsource_from_file/CREATE_ALWAYS#1',
    situation: 'CREATE_ALWAYS on an existing 1-page file with data: once the source is mapped, the file holds no old data',
    notOnDevdax:
      'a device DAX is no file CREATE_ALWAYS can create anew: its namespace makes /dev/daxX.Y, and open(2) truncates only regular files (Linux ignores O_TRUNC on a character device), so the device keeps its data',
    run: (ctx) => {
      const f = ctx.file(page(ctx));
      fs.writeSync(f.fd, 'old data', 0);
      fs.closeSync(f.fd);
      const x = xsource(ctx, f.path, S.CREATE_ALWAYS);
      if (x.code !== 0) return { observed: observed('pmemset_xsource_from_file(existing file, CREATE_ALWAYS)', x), permitted: ['0'] };
      const m = mapLen(ctx, x.source!, page(ctx));
      if (m.code !== 0) return { observed: observed('pmemset_map of the overwritten file', m), permitted: ['0'] };
      const head = ctx.addon.readAddress(m.descriptor!.addr, 8);
      const failure = head.toString() === 'old data' ? 'the file was not overwritten: its old data is mapped' : undefined;
      return {
        observed: observed('pmemset_xsource_from_file(CREATE_ALWAYS) then pmemset_map', m, { head: head.toString('hex') }),
        permitted: ['0'],
        ...(failure ? { failure } : {}),
      };
    },
  },
  {
    key: 'pmemset_xsource_from_file/DO_NOT_GROW#1',
    situation:
      'a 1-page file with DO_NOT_GROW mapped with a length of 2 pages: the file stays 1 page (on device DAX: the device, mapped one unit past its end)',
    note: 'pmemset_map(3) names the error of this situation: PMEMSET_E_SOURCE_FILE_IS_TOO_SMALL.',
    fixtures: 'devdax',
    run: (ctx) => {
      const x = doNotGrowPage(ctx);
      if ('outcome' in x) return x.outcome;
      if (ctx.caps.devdax) {
        // the source is the whole device, whose size its namespace fixes (stat(2) of the node says 0): one unit more than it holds
        const length = (ctx.caps.devdaxSize ?? 0) + page(ctx);
        const m = mapLen(ctx, x.src, length);
        return {
          observed: observed(`pmemset_map(DO_NOT_GROW, ${length} bytes of the device DAX)`, m, { deviceSize: ctx.caps.devdaxSize ?? 0 }),
          permitted: ['PMEMSET_E_SOURCE_FILE_IS_TOO_SMALL'],
        };
      }
      const m = mapLen(ctx, x.src, 2 * page(ctx));
      const size = fs.statSync(x.path).size;
      return {
        observed: observed('pmemset_map(DO_NOT_GROW, 2 pages of a 1-page file)', m, { fileSize: size }),
        permitted: ['PMEMSET_E_SOURCE_FILE_IS_TOO_SMALL'],
        ...(size !== page(ctx) ? { failure: `the file was extended to ${size} bytes` } : {}),
      };
    },
  },
  {
    key: 'pmemset_source_from_file/file extended by default#1',
    situation:
      'a 1-page file (pmemset_source_from_file, no flags) mapped at offset 1 page with a length of 2 pages: the file grows to 3 pages',
    notOnDevdax: 'a device DAX cannot grow: its size is fixed by its namespace',
    run: (ctx) => {
      const p = page(ctx);
      const { src, path: file } = fileSource(ctx, p);
      const m = mapLen(ctx, src, 2 * p, p);
      const size = fs.statSync(file).size;
      return {
        observed: observed('pmemset_map(offset 1 page, 2 pages of a 1-page file)', m, { fileSize: size }),
        permitted: ['0'],
        ...(m.code === 0 && size < 3 * p ? { failure: `the file is ${size} bytes after mapping up to ${3 * p}` } : {}),
      };
    },
  },
  {
    key: 'pmemset_xsource_from_file/CREATE_MODE applied to a new file#1',
    situation: 'CREATE_ALWAYS | CREATE_MODE(0600) on a missing path',
    notOnDevdax: NOT_CREATED,
    run: (ctx) => modeOutcome(ctx, BigInt(S.CREATE_ALWAYS) | createMode(0o600), 0o600, 'CREATE_ALWAYS | CREATE_MODE(0600)'),
  },
  {
    key: 'pmemset_xsource_from_file/default mode#1',
    situation: 'CREATE_IF_NEEDED without a mode on a missing path: the file gets rw-r--r-- (0644) less the umask',
    notOnDevdax: NOT_CREATED,
    run: (ctx) => modeOutcome(ctx, BigInt(S.CREATE_IF_NEEDED), 0o644, 'CREATE_IF_NEEDED, no mode'),
  },
  {
    key: 'pmemset_source_delete/source pointer cleared#1',
    situation: 'pmemset_source_delete of a file source (on device DAX, of the device): *src is NULL afterwards',
    fixtures: 'devdax',
    run: (ctx) => {
      const { src } = fileSource(ctx, page(ctx), { caseDeletes: true });
      const r = ctx.addon.setSourceDelete(src);
      return {
        observed: observed('pmemset_source_delete', r, { pointerCleared: r.pointerCleared }),
        permitted: ['0'],
        ...(r.pointerCleared ? {} : { failure: '*src is not NULL after pmemset_source_delete' }),
      };
    },
  },
];

export const suite: Suite = { name: 'pmemset_source_from_file', implementation: 'libpmemset', pages: ['pmemset_source_from_file'], cases };
