/**
 * pmemset_source_from_temporary(3). The unnamed temporary file is found
 * through /proc/self/fd (the descriptor the call opened in the directory).
 */
import fs from 'node:fs';
import type { CaseDef, Suite } from './framework.js';
import { check, observed } from './pmem2_util.js';
import { mapConfig, newFilePath, newSet } from './pmemset_util.js';
import { oomOutcome, fdsIn, page, temporaryWithFd, umask } from './pmemset_page_util.js';

const FN = 'pmemset_source_from_temporary';

/** the fact that keeps the cases of a temporary file in the fixture's directory off a device DAX */
const NO_DIRECTORY =
  "pmemset_source_from_temporary makes a file in a directory; a device DAX has no directory (a device DAX fixture's directory is scratch space off the device)";

const cases: CaseDef[] = [
  {
    key: `${FN}/RETURN VALUE#1`,
    situation: 'a temporary source in the fixture directory',
    notOnDevdax: NO_DIRECTORY,
    run: (ctx) => {
      const r = ctx.addon.setSourceFromTemporary(ctx.fixture.directory());
      if (r.source) ctx.defer(() => void ctx.addon.setSourceDelete(r.source!));
      return { observed: observed(`${FN}(fixture directory)`, r), permitted: ['0'] };
    },
  },
  {
    key: `${FN}/PMEMSET_E_INVALID_SOURCE_PATH#1`,
    situation: 'a directory path that does not exist',
    note: 'The NULL half of the clause cannot be provoked: the addon passes the path as a JS string.',
    // no file is made, on any fixture: the verdict does not depend on the medium
    fixtures: 'devdax',
    run: (ctx) => {
      const r = ctx.addon.setSourceFromTemporary(newFilePath(ctx, 'no-such-dir'));
      if (r.source) ctx.defer(() => void ctx.addon.setSourceDelete(r.source!));
      return { observed: observed(`${FN}(missing directory)`, r), permitted: ['PMEMSET_E_INVALID_SOURCE_PATH'] };
    },
  },
  {
    key: `${FN}/PMEMSET_E_CANNOT_CREATE_TEMP_FILE#1`,
    situation: 'an existing directory where no file can be created, even by root: /proc',
    fixtures: 'devdax',
    run: (ctx) => {
      const r = ctx.addon.setSourceFromTemporary('/proc');
      if (r.source) ctx.defer(() => void ctx.addon.setSourceDelete(r.source!));
      return { observed: observed(`${FN}(/proc)`, r), permitted: ['PMEMSET_E_CANNOT_CREATE_TEMP_FILE'] };
    },
  },
  {
    key: `${FN}/-ENOMEM#1`,
    situation: "in a forked child whose heap is exhausted (every malloc fails): pmemset_source_from_temporary in the fixture's directory",
    notOnDevdax: NO_DIRECTORY,
    run: (ctx) => oomOutcome(ctx, 'pmemset_source_from_temporary', ctx.fixture.directory()),
  },
  {
    key: `${FN}/created with mode 0600#1`,
    situation: 'a temporary source: the file it opened in the directory has mode 0600 and size 0',
    notOnDevdax: NO_DIRECTORY,
    run: (ctx) => {
      const dir = ctx.fixture.directory();
      const t = temporaryWithFd(ctx, dir);
      if (t.fd === undefined)
        return { skip: `cannot tell which descriptor in ${dir} the source opened (none or several new ones in /proc/self/fd)` };
      const st = fs.statSync(`/proc/self/fd/${t.fd}`);
      const mode = st.mode & 0o7777;
      const want = 0o600 & ~umask();
      let failure: string | undefined;
      if (mode !== want) failure = `the temporary file has mode 0${mode.toString(8)}, not 0${want.toString(8)}`;
      else if (st.size !== 0) failure = `the temporary file is ${st.size} bytes, not 0`;
      return {
        observed: observed(`${FN}(fixture directory)`, { code: 0 }, { file: t.link!, mode: `0${mode.toString(8)}`, size: st.size }),
        permitted: ['0'],
        ...(failure ? { failure } : {}),
      };
    },
  },
  {
    key: `${FN}/extended during pmemset_map#1`,
    situation: 'a temporary source mapped with a length of 2 pages: the file grows from 0 to 2 pages',
    notOnDevdax: NO_DIRECTORY,
    run: (ctx) => {
      const dir = ctx.fixture.directory();
      const t = temporaryWithFd(ctx, dir);
      if (t.fd === undefined) return { skip: `cannot tell which descriptor in ${dir} the source opened` };
      const { set } = newSet(ctx);
      const r = ctx.addon.setMap(set, t.src, mapConfig(ctx, { length: 2 * page(ctx) }), false);
      const size = fs.statSync(`/proc/self/fd/${t.fd}`).size;
      return {
        observed: observed('pmemset_map(temporary source, 2 pages)', r, { fileSize: size }),
        permitted: ['0'],
        ...(r.code === 0 && size < 2 * page(ctx) ? { failure: `the temporary file is ${size} bytes after mapping 2 pages` } : {}),
      };
    },
  },
  {
    key: 'pmemset_source_delete/temporary file closed on delete#1',
    situation: 'pmemset_source_delete of a temporary source with no part mapped: the descriptor of the temporary file is closed',
    notOnDevdax: NO_DIRECTORY,
    run: (ctx) => {
      const dir = ctx.fixture.directory();
      const t = temporaryWithFd(ctx, dir);
      if (t.fd === undefined) return { skip: `cannot tell which descriptor in ${dir} the source opened` };
      const r = ctx.addon.setSourceDelete(t.src);
      check('pmemset_source_delete', r);
      const still = fdsIn(dir).get(t.fd) === t.link;
      return {
        observed: observed('pmemset_source_delete(temporary source)', r),
        permitted: ['0'],
        ...(still ? { failure: `descriptor ${t.fd} (${t.link}) is still open after pmemset_source_delete` } : {}),
      };
    },
  },
];

export const suite: Suite = { name: FN, implementation: 'libpmemset', pages: [FN], cases };
