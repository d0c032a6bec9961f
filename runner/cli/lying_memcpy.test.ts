/**
 * The memcpy "same result" check looks at the bytes around each call and at
 * the whole map after each flags value (a device DAX map is megabytes): a
 * build whose memcpy also writes one byte past what it was asked, or one
 * byte far from it at the map's end, is caught either way.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { RunResult } from '../core/model.js';
import { PROJECT_ROOT } from '../core/paths.js';
import { buildLie, canBuildLies } from './lying.js';

const BIN = path.join(PROJECT_ROOT, 'runner/bin.cjs');
const skip = canBuildLies() ?? false;
const CLAUSE = 'pmem2_get_memmove_fn@man-1.12.1/pmem2_get_memcpy_fn/same result as memcpy#1';

/** a lying pmem2_get_memcpy_fn whose function copies, then flips the byte `where` (C, from dst, n and the map's end) */
function memcpyLie(name: string, where: string): string {
  return buildLie(
    name,
    `static pmem2_memcpy_fn real_fn;
static char *map_end;
static void *lying_memcpy(void *dst, const void *src, size_t n, unsigned flags) {
  void *r = real_fn(dst, src, n, flags);
  char *p = ${where};
  if (p < map_end) *p ^= 0x5a;
  return r;
}
pmem2_memcpy_fn pmem2_get_memcpy_fn(struct pmem2_map *m) {
  real_fn = REAL(pmem2_get_memcpy_fn)(m);
  map_end = (char *)pmem2_map_get_address(m) + pmem2_map_get_size(m);
  return lying_memcpy;
}
`,
  );
}

function verdict(impl: string): { verdict: string; reason: string } {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'pmem-conform-lie-memcpy-'));
  const args = [
    'run',
    '--fixture',
    'tmpfs',
    '--suites-only',
    '--quiet',
    '--impl',
    impl,
    '--out',
    out,
    '--seed',
    '1',
    '--suite',
    'pmem2_get_memmove_fn',
  ];
  spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: PROJECT_ROOT });
  const result = JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8')) as RunResult;
  fs.rmSync(out, { recursive: true, force: true });
  const c = result.cases.find((x) => x.clauseId === CLAUSE);
  assert.ok(c, `no case for ${CLAUSE}`);
  return { verdict: c.verdict, reason: c.reason ?? '' };
}

test('a memcpy that writes a byte past its length, or one at the far end of the map, fails "same result as memcpy"', { skip }, () => {
  assert.equal(verdict('libpmem2').verdict, 'pass');
  const near = verdict(`libpmem2=${memcpyLie('memcpy-near', '(char *)dst + n')}`);
  assert.equal(near.verdict, 'diverge', near.reason);
  assert.match(near.reason, /memcpy\(\+1, 3 bytes\) with flags 0: through the map/);
  const far = verdict(`libpmem2=${memcpyLie('memcpy-far', 'map_end - 1')}`);
  assert.equal(far.verdict, 'diverge', far.reason);
  assert.match(far.reason, /after the calls with flags 0, the whole map: through the map, byte \+12287/);
});
