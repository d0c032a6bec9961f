/**
 * Lying builds for the tests that prove the gate: a shared object that
 * links the real libpmem2 and overrides one or a few functions
 * (../shared/reference/lying-builds.md). --no-as-needed keeps the real
 * library a dependency, so everything not overridden resolves to it;
 * an override reaches the real function through RTLD_NEXT.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from '../core/paths.js';

/** the declarations every shim needs, so a lie is only its function */
const PRELUDE = `#define _GNU_SOURCE
#include <dlfcn.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <libpmem2.h>
/* the real function of the same name, from libpmem2 itself */
#define REAL(name) ((__typeof__(&name))dlsym(RTLD_NEXT, #name))
`;

/** whether lying builds can be compiled here (a C compiler and libpmem2's header) */
export function canBuildLies(): string | undefined {
  if (spawnSync('cc', ['--version']).status !== 0) return 'no C compiler (cc)';
  if (!fs.existsSync('/usr/include/libpmem2.h')) return 'no libpmem2 header (libpmem2-dev)';
  return undefined;
}

/** buildLie -- compiles `body` (C, after the prelude) into a lying libpmem2; returns its path */
export function buildLie(name: string, body: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `pmem-conform-lie-${name}-`));
  const src = path.join(dir, `${name}.c`);
  const so = path.join(dir, `${name}.so`);
  fs.writeFileSync(src, PRELUDE + body);
  const r = spawnSync(
    'cc',
    ['-shared', '-fPIC', '-O2', '-Wall', '-Wextra', '-Werror', '-o', so, src, '-Wl,--no-as-needed', '-lpmem2', '-ldl'],
    {
      encoding: 'utf8',
    },
  );
  if (r.status !== 0) throw new Error(`cannot build lying build ${name}: ${r.stderr}`);
  return so;
}

/** buildSetLie -- compiles `body` (C, after the prelude) into a lying build of our libpmemset (native/libpmemset/build); returns its path */
export function buildSetLie(name: string, body: string): string {
  const real = path.join(PROJECT_ROOT, 'native/libpmemset/build');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `pmem-conform-lie-${name}-`));
  const src = path.join(dir, `${name}.c`);
  const so = path.join(dir, 'libpmemset.so.1');
  const prelude = PRELUDE.replace('#include <libpmem2.h>', '#include <libpmem2.h>\n#include <libpmemset.h>');
  fs.writeFileSync(src, prelude + body);
  const r = spawnSync(
    'cc',
    [
      '-shared',
      '-fPIC',
      '-O2',
      '-Wall',
      '-Wextra',
      '-Werror',
      '-I',
      path.join(PROJECT_ROOT, 'native/libpmemset/include'),
      '-o',
      so,
      src,
      '-Wl,--no-as-needed',
      `-L${real}`,
      `-Wl,-rpath,${real}`,
      '-l:libpmemset.so.1',
      '-lpmem2',
      '-ldl',
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`cannot build lying libpmemset ${name}: ${r.stderr}`);
  return so;
}

/**
 * BADBLOCKS_LIE -- a libpmemset (buildSetLie over ours) that lies about bad
 * blocks: each BADBLOCK reaches the callback one page early, pmemset_map
 * swallows PMEMSET_E_IO_FAIL and answers PMEMSET_E_CANNOT_READ_BOUNDS with
 * -EIO. The bad-block cases run only on the guests' pmem, so it is proven
 * there by hand (`buildSetLie('badblocks', BADBLOCKS_LIE)`, named with
 * --impl libpmemset=PATH on --fixture emulated:nvdimm); on the host
 * suites/sysfs_badblocks.test.ts proves the judgements on made-up
 * observations of the same lies.
 */
export const BADBLOCKS_LIE = `/*
 * A libpmemset that lies about bad blocks: each BADBLOCK reaches the
 * callback one page early, pmemset_map swallows PMEMSET_E_IO_FAIL, and
 * PMEMSET_E_CANNOT_READ_BOUNDS comes back as -EIO.
 */
#include <errno.h>
struct wrapped {
	pmemset_event_callback *cb;
	void *arg;
};

static int
early(struct pmemset *set, struct pmemset_event_context *ctx, void *arg)
{
	struct wrapped *w = arg;
	if (ctx->type != PMEMSET_EVENT_BADBLOCK || !ctx->data.badblock.bb)
		return w->cb(set, ctx, w->arg);
	struct pmemset_badblock bb = *ctx->data.badblock.bb;
	bb.offset -= bb.offset >= 4096 ? 4096 : 0;
	struct pmemset_event_context c = *ctx;
	c.data.badblock.bb = &bb;
	return w->cb(set, &c, w->arg);
}

void
pmemset_config_set_event_callback(struct pmemset_config *cfg,
	pmemset_event_callback *callback, void *arg)
{
	struct wrapped *w = malloc(sizeof(*w));
	if (!w || !callback) {
		free(w);
		REAL(pmemset_config_set_event_callback)(cfg, callback, arg);
		return;
	}
	w->cb = callback;
	w->arg = arg;
	REAL(pmemset_config_set_event_callback)(cfg, early, w);
}

int
pmemset_map(struct pmemset *set, struct pmemset_source *src,
	struct pmemset_map_config *map_cfg, struct pmemset_part_descriptor *desc)
{
	int ret = REAL(pmemset_map)(set, src, map_cfg, desc);
	if (ret == PMEMSET_E_IO_FAIL)
		return 0;
	if (ret == PMEMSET_E_CANNOT_READ_BOUNDS)
		return -EIO;
	return ret;
}
`;
