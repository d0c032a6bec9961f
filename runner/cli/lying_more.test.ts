/**
 * The checks added for PMDK's own test situations can fail: one lying build
 * (runner/cli/lying.ts) breaks each function they judge in one way, and the
 * case that judges it must change verdict while the real library's does not.
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

const SUITES = [
  'pmem2_map_from_existing',
  'pmem2_map_delete',
  'pmem2_source_get_fd',
  'pmem2_source_numa_node',
  'pmem2_source_pread_mcsafe',
  'pmem2_config_new',
  'pmem2_config_set_protection',
  'pmem2_vm_reservation_map_find',
];

/** each lie, and the clause (tail of its id, on the man copy) whose verdict it must change */
const LIES: [string, string][] = [
  [
    'int pmem2_map_from_existing(struct pmem2_map **m, const struct pmem2_source *s, void *a, size_t l, enum pmem2_granularity g) { int r = REAL(pmem2_map_from_existing)(m, s, a, l, g); return r == PMEM2_E_MAP_EXISTS ? PMEM2_E_MAPPING_EXISTS : r == -12 ? PMEM2_E_NOSUPP : r; }\n',
    'pmem2_map_from_existing/PMEM2_E_MAPPING_EXISTS#1 pmem2_map_from_existing/-ENOMEM#1',
  ],
  [
    'int pmem2_map_delete(struct pmem2_map **m) { int r = REAL(pmem2_map_delete)(m); return r == PMEM2_E_MAPPING_NOT_FOUND || r == -22 ? 0 : r; }\n',
    'pmem2_map_delete/PMEM2_E_MAPPING_NOT_FOUND#1 pmem2_map_delete/-EINVAL#1',
  ],
  [
    'int pmem2_source_get_fd(const struct pmem2_source *s, int *fd) { int r = REAL(pmem2_source_get_fd)(s, fd); if (r == 0) *fd += 1; return r; }\n',
    'pmem2_source_get_fd/reads the file descriptor#1',
  ],
  [
    'int pmem2_source_numa_node(const struct pmem2_source *s, int *n) { int r = REAL(pmem2_source_numa_node)(s, n); return r == PMEM2_E_NOSUPP ? PMEM2_E_DAX_REGION_NOT_FOUND : r; }\n',
    'pmem2_source_numa_node/PMEM2_E_NOSUPP#1',
  ],
  [
    'int pmem2_source_pread_mcsafe(struct pmem2_source *s, void *b, size_t n, size_t o) { int r = REAL(pmem2_source_pread_mcsafe)(s, b, n, o); if (r == 0 && n) ((char *)b)[0] ^= 1; return r; }\n',
    'pmem2_source_pread_mcsafe/reads size bytes at offset#1',
  ],
  [
    'int pmem2_config_delete(struct pmem2_config **c) { return *c == NULL ? -22 : REAL(pmem2_config_delete)(c); }\n',
    'pmem2_config_delete/NULL is a no-op#1',
  ],
  [
    'int pmem2_config_set_protection(struct pmem2_config *c, unsigned p) { return REAL(pmem2_config_set_protection)(c, p & ~PMEM2_PROT_EXEC); }\n',
    'pmem2_config_set_protection/PMEM2_PROT_EXEC pages may be executed#1',
  ],
  [
    'int pmem2_vm_reservation_map_find_next(struct pmem2_vm_reservation *r, struct pmem2_map *m, struct pmem2_map **n) { (void)r; (void)m; *n = NULL; return PMEM2_E_MAPPING_NOT_FOUND; }\n',
    'pmem2_vm_reservation_map_find/maps inserted by concurrent threads#1',
  ],
];

function run(impl: string): RunResult {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'pmem-conform-lie-more-'));
  const args = ['run', '--fixture', 'tmpfs', '--suites-only', '--quiet', '--impl', impl, '--out', out, '--seed', '1'];
  spawnSync(process.execPath, [BIN, ...args, ...SUITES.flatMap((s) => ['--suite', s])], { encoding: 'utf8', cwd: PROJECT_ROOT });
  const result = JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8')) as RunResult;
  fs.rmSync(out, { recursive: true, force: true });
  return result;
}

function verdictOf(result: RunResult, tail: string): string {
  const c = result.cases.find((x) => x.clauseId.endsWith(`@man-1.12.1/${tail}`));
  assert.ok(c, `no case for ${tail}`);
  return `${c.verdict} ${c.observed?.name ?? ''}`;
}

test("each check added for PMDK's test situations changes verdict under a build that breaks what it checks", { skip }, () => {
  const so = buildLie('pmdk-situations', LIES.map(([body]) => body).join(''));
  const honest = run('libpmem2');
  const lie = run(`libpmem2=${so}`);
  const unchanged: string[] = [];
  for (const tail of LIES.flatMap(([, t]) => t.split(/ (?=pmem2_)/))) {
    const h = verdictOf(honest, tail);
    const l = verdictOf(lie, tail);
    if (h === l) unchanged.push(`${tail}: ${h} with both`);
  }
  assert.deepEqual(unchanged, []);
  // the real library's verdicts on the same cases, as measured (divergences are baselined)
  assert.match(verdictOf(honest, 'pmem2_map_from_existing/PMEM2_E_MAPPING_EXISTS#1'), /^diverge PMEM2_E_MAP_EXISTS/);
  assert.match(verdictOf(honest, 'pmem2_map_delete/PMEM2_E_MAPPING_NOT_FOUND#1'), /^pass/);
  assert.match(verdictOf(honest, 'pmem2_map_delete/-EINVAL#1'), /^pass/);
});
