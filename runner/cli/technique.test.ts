/**
 * Fault injection and the technique field: on tmpfs every skip names the
 * technique it considered and says why it cannot apply; the clauses
 * provoked by injection say how, in JSON, JUnit and HTML; and a lying build
 * that swallows an injected errno (or returns another) makes exactly those
 * cases diverge, so the injected checks can fail.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { PROJECT_ROOT } from '../core/paths.js';
import type { RunResult } from '../core/model.js';
import { isTechnique, NATURAL } from '../core/technique.js';
import { DEFAULT_LIB } from '../core/implementation.js';
import { buildLie, buildSetLie, canBuildLies } from './lying.js';

const BIN = path.join(PROJECT_ROOT, 'runner/bin.cjs');
const root = process.getuid?.() === 0;

function run(args: string[], fixture = 'tmpfs'): { result: RunResult; junit: string; html: string } {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'pmem-conform-technique-'));
  const junitPath = path.join(out, 'junit.xml');
  const r = spawnSync(
    process.execPath,
    [BIN, 'run', '--fixture', fixture, '--suites-only', '--quiet', '--seed', '1', '--out', out, '--junit', junitPath, ...args],
    { encoding: 'utf8', cwd: PROJECT_ROOT },
  );
  assert.equal(r.status, 0, r.stderr);
  const result = JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8')) as RunResult;
  const junit = fs.readFileSync(junitPath, 'utf8');
  const html = fs.readFileSync(path.join(out, 'index.html'), 'utf8');
  fs.rmSync(out, { recursive: true, force: true });
  return { result, junit, html };
}

/** the injected clauses on tmpfs (man copy) and the technique each must name */
const INJECTED: [string, string][] = [
  ['pmem2_vm_reservation_delete/errors of munmap(2)#1', 'seccomp:munmap=EINVAL'],
  ['pmem2_vm_reservation_shrink/-ENOMEM#1', 'seccomp:munmap=ENOMEM'],
  ['pmem2_vm_reservation_extend/-EAGAIN#1', 'seccomp:mmap=EAGAIN'],
  ['pmem2_map_new/-ENFILE#1', 'seccomp:mmap=ENFILE'],
  ['pmem2_deep_flush/-errno#1', 'seccomp:msync=EIO'],
  ['pmem2_map_delete/-EINVAL#1', 'seccomp:munmap=EINVAL'],
  ['pmem2_map_delete/PMEM2_E_MAPPING_NOT_FOUND#1', 'stale-map'],
  ['pmem2_map_new/-ENOMEM#1', 'rlimit:AS'],
  ['pmem2_map_new/-ETXTBSY#1', 'seccomp:mmap=ETXTBSY'],
  ['pmem2_map_new/PMEM2_E_NOSUPP#1', 'seccomp:mmap=EOPNOTSUPP'],
  ['pmem2_vm_reservation_shrink/-EAGAIN#1', 'seccomp:munmap=EAGAIN'],
  ['pmem2_badblock_context_new/-errno#1', 'heap:exhausted'],
  ['pmem2_source_device_id/-errno#3', 'heap:exhausted'],
  ['pmem2_source_device_usc/-errno#3', 'heap:exhausted'],
  ['pmem2_source_pread_mcsafe/PMEM2_E_IO_FAIL#1', 'seccomp:pread64=EIO'],
  ['pmem2_source_pwrite_mcsafe/PMEM2_E_IO_FAIL#1', 'seccomp:pwrite64=EIO'],
];
/** the same for libpmemset's clauses (its one page copy), and the ones that run naturally now that the addon can make the call */
const SET_PROVOKED: [string, string][] = [
  ['pmemset_remove_range/errors of pmem2_map_delete(3)#1', 'seccomp:mmap=EINVAL'],
  ['pmemset_source_set_sds/-ENOMEM#1', 'heap:exhausted'],
  ['pmemset_source_from_file/PMEMSET_E_INVALID_SOURCE_PATH#1', NATURAL],
  ['pmemset_xsource_from_file/PMEMSET_E_INVALID_SOURCE_PATH#1', NATURAL],
  ['pmemset_errormsg/message thread-local#1', NATURAL],
];
const FAKED_DEVDAX = ['pmem2_deep_flush/PMEM2_E_DAX_REGION_NOT_FOUND#1', 'pmem2_badblock_context_new/PMEM2_E_DAX_REGION_NOT_FOUND#1'];

function byTail(result: RunResult, tail: string) {
  const c = result.cases.find((x) => x.clauseId.endsWith(`@man-1.12.1/${tail}`) && x.implementation === 'libpmem2');
  assert.ok(c, `no case for ${tail}`);
  return c;
}

function bySetTail(result: RunResult, tail: string) {
  const c = result.cases.find((x) => x.implementation.includes('pmemset') && x.clauseId.endsWith(`/${tail}`));
  assert.ok(c, `no case for ${tail}`);
  return c;
}

test('on tmpfs every skip names the technique it considered and why it cannot apply; every case that ran names how it was provoked', () => {
  const { result, junit, html } = run([]);
  const skips = result.cases.filter((c) => c.verdict === 'skip');
  assert.ok(skips.length > 0);
  const bad = skips.filter((c) => !isTechnique(c.technique) || c.technique === NATURAL || !c.reason?.trim());
  assert.deepEqual(
    bad.map((c) => `${c.clauseId}: ${c.technique} / ${c.reason}`),
    [],
  );
  const ran = result.cases.filter((c) => c.verdict === 'pass' || c.verdict === 'diverge');
  assert.deepEqual(
    ran.filter((c) => !isTechnique(c.technique)).map((c) => c.clauseId),
    [],
  );
  for (const [tail, technique] of INJECTED) {
    const c = byTail(result, tail);
    assert.equal(`${c.verdict} ${c.technique}`, `pass ${technique}`, `${tail}: ${c.reason ?? ''}`);
  }
  for (const [tail, technique] of SET_PROVOKED) {
    const c = bySetTail(result, tail);
    assert.equal(`${c.verdict} ${c.technique}`, `pass ${technique}`, `${tail}: ${c.reason ?? ''}`);
  }
  for (const tail of FAKED_DEVDAX) {
    const c = byTail(result, tail);
    if (root) assert.equal(c.technique, 'mountns:sysfs-dax', tail);
  }
  // the reporters print the one field: a JUnit property, a tag in the HTML report's data
  assert.match(junit, /<property name="technique" value="seccomp:munmap=EINVAL"\/>/);
  assert.match(junit, /<property name="technique" value="platform:Windows"\/>/);
  assert.match(html, /"technique":"seccomp:msync=EIO"/);
});

const LIES: [string, string][] = [
  [
    'int pmem2_vm_reservation_delete(struct pmem2_vm_reservation **r) { int x = REAL(pmem2_vm_reservation_delete)(r); return x == -22 ? 0 : x; }\n',
    'pmem2_vm_reservation_delete/errors of munmap(2)#1',
  ],
  [
    'int pmem2_vm_reservation_shrink(struct pmem2_vm_reservation *r, size_t o, size_t s) { int x = REAL(pmem2_vm_reservation_shrink)(r, o, s); return x == -12 || x == -11 ? 0 : x; }\n',
    'pmem2_vm_reservation_shrink/-ENOMEM#1 pmem2_vm_reservation_shrink/-EAGAIN#1',
  ],
  [
    'int pmem2_vm_reservation_extend(struct pmem2_vm_reservation *r, size_t s) { int x = REAL(pmem2_vm_reservation_extend)(r, s); return x == -11 ? -12 : x; }\n',
    'pmem2_vm_reservation_extend/-EAGAIN#1',
  ],
  [
    'int pmem2_map_new(struct pmem2_map **m, const struct pmem2_config *c, const struct pmem2_source *s) { int x = REAL(pmem2_map_new)(m, c, s); return x == -23 || x == -26 ? -24 : x == PMEM2_E_NOSUPP ? -95 : x; }\n',
    'pmem2_map_new/-ENFILE#1 pmem2_map_new/-ETXTBSY#1 pmem2_map_new/PMEM2_E_NOSUPP#1',
  ],
  [
    'int pmem2_deep_flush(struct pmem2_map *m, void *p, size_t n) { int x = REAL(pmem2_deep_flush)(m, p, n); return x == -5 || x == PMEM2_E_DAX_REGION_NOT_FOUND ? 0 : x; }\n',
    'pmem2_deep_flush/-errno#1 pmem2_deep_flush/PMEM2_E_DAX_REGION_NOT_FOUND#1',
  ],
  // ndctl_new's -ENXIO out of memory swallowed, or turned into another errno
  [
    'int pmem2_badblock_context_new(struct pmem2_badblock_context **b, const struct pmem2_source *s) { int x = REAL(pmem2_badblock_context_new)(b, s); return x == -6 ? 0 : x; }\n',
    'pmem2_badblock_context_new/-errno#1',
  ],
  [
    'int pmem2_source_device_id(const struct pmem2_source *s, char *id, size_t *n) { int x = REAL(pmem2_source_device_id)(s, id, n); return x == -6 ? -12 : x; }\n',
    'pmem2_source_device_id/-errno#3',
  ],
  [
    'int pmem2_source_device_usc(const struct pmem2_source *s, uint64_t *u) { int x = REAL(pmem2_source_device_usc)(s, u); return x == -6 ? -5 : x; }\n',
    'pmem2_source_device_usc/-errno#3',
  ],
  // a bad block's EIO reported as a plain errno, or not at all
  [
    'int pmem2_source_pread_mcsafe(struct pmem2_source *s, void *b, size_t n, size_t o) { int x = REAL(pmem2_source_pread_mcsafe)(s, b, n, o); return x == PMEM2_E_IO_FAIL ? -5 : x; }\n' +
      'int pmem2_source_pwrite_mcsafe(struct pmem2_source *s, void *b, size_t n, size_t o) { int x = REAL(pmem2_source_pwrite_mcsafe)(s, b, n, o); return x == PMEM2_E_IO_FAIL ? 0 : x; }\n',
    'pmem2_source_pread_mcsafe/PMEM2_E_IO_FAIL#1 pmem2_source_pwrite_mcsafe/PMEM2_E_IO_FAIL#1',
  ],
];

test('a build that swallows an injected errno, or returns another, makes the provoked cases diverge', {
  skip: canBuildLies() ?? false,
}, () => {
  const so = buildLie('swallow-injected', LIES.map(([body]) => body).join(''));
  const suites = [
    'pmem2_vm_reservation',
    'pmem2_vm_reservation_extend',
    'pmem2_map_new',
    'pmem2_deep_flush',
    'pmem2_badblock_context_new',
    'pmem2_source_device_id',
    'pmem2_source_device_usc',
    'pmem2_source_pread_mcsafe',
  ].flatMap((s) => ['--suite', s]);
  const honest = run([...suites, '--impl', 'libpmem2']).result;
  const lie = run([...suites, '--impl', `libpmem2=${so}`]).result;
  const tails = LIES.flatMap(([, t]) => t.split(/ (?=pmem2_)/)).filter((t) => root || !t.includes('DAX_REGION'));
  const wrong: string[] = [];
  for (const tail of tails) {
    const h = byTail(honest, tail);
    const l = byTail(lie, tail);
    if (h.verdict !== 'pass' || l.verdict !== 'diverge')
      wrong.push(`${tail}: ${h.verdict} honest, ${l.verdict} ${l.observed?.name ?? ''} lying`);
    else assert.equal(l.technique, h.technique, tail);
  }
  assert.deepEqual(wrong, []);
  fs.rmSync(path.dirname(so), { recursive: true, force: true });
});

const SET_LIES: [string, string][] = [
  // pmem2_map_delete's EINVAL not passed on
  [
    'int pmemset_remove_range(struct pmemset *s, void *a, size_t n) { int x = REAL(pmemset_remove_range)(s, a, n); return x == -22 ? 0 : x; }\n',
    'pmemset_remove_range/errors of pmem2_map_delete(3)#1',
  ],
  // an SDS "set" without being stored: 0 out of memory, and 0 again
  [
    'int pmemset_source_set_sds(struct pmemset_source *s, struct pmemset_sds *d, enum pmemset_part_state *p) { (void)s; (void)d; (void)p; return 0; }\n',
    'pmemset_source_set_sds/-ENOMEM#1',
  ],
  // a NULL path answered with another error
  [
    'int pmemset_source_from_file(struct pmemset_source **s, const char *f) { if (!f) { *s = NULL; return -22; } return REAL(pmemset_source_from_file)(s, f); }\n' +
      'int pmemset_xsource_from_file(struct pmemset_source **s, const char *f, uint64_t fl) { if (!f) { *s = NULL; return -22; } return REAL(pmemset_xsource_from_file)(s, f, fl); }\n',
    'pmemset_source_from_file/PMEMSET_E_INVALID_SOURCE_PATH#1 pmemset_xsource_from_file/PMEMSET_E_INVALID_SOURCE_PATH#1',
  ],
  // one message for the whole process: the last one any thread's failure left (a thread's new message is noticed as it changes)
  [
    'const char *pmemset_errormsg(void) { static __thread char seen[512]; static char last[512]; const char *m = REAL(pmemset_errormsg)(); if (m && strcmp(m, seen) != 0) { strncpy(seen, m, sizeof(seen) - 1); strncpy(last, m, sizeof(last) - 1); } return last; }\n',
    'pmemset_errormsg/message thread-local#1',
  ],
];

test('a libpmemset build that swallows an injected failure, stores nothing, answers a NULL path otherwise or shares one message between threads makes those cases diverge', {
  skip: canBuildLies() ?? (fs.existsSync(DEFAULT_LIB.libpmemset!) ? false : 'our libpmemset is not built'),
}, () => {
  const so = buildSetLie('set-swallow', SET_LIES.map(([body]) => body).join(''));
  const suites = ['pmemset_remove_range', 'pmemset_source_set_sds', 'pmemset_source_from_file', 'pmemset_errormsg'].flatMap((s) => [
    '--suite',
    s,
  ]);
  const honest = run([...suites, '--impl', 'libpmemset']).result;
  const lie = run([...suites, '--impl', `libpmemset=${so}`]).result;
  const wrong: string[] = [];
  for (const tail of SET_LIES.flatMap(([, t]) => t.split(/ (?=pmemset_)/))) {
    const h = bySetTail(honest, tail);
    const l = bySetTail(lie, tail);
    if (h.verdict !== 'pass' || l.verdict !== 'diverge')
      wrong.push(`${tail}: ${h.verdict} honest, ${l.verdict} ${l.observed?.name ?? ''} lying (${l.reason ?? ''})`);
    else assert.equal(l.technique, h.technique, tail);
  }
  assert.deepEqual(wrong, []);
  fs.rmSync(path.dirname(so), { recursive: true, force: true });
});

// msync failing on a DAX volume: a part finer than PAGE, which tmpfs gives when the granularity is forced
test('a libpmemset build whose deep flush swallows a failed msync makes PMEMSET_E_DEEP_FLUSH_FAIL diverge (tmpfs, CACHE_LINE forced)', {
  skip: canBuildLies() ?? (fs.existsSync(DEFAULT_LIB.libpmemset!) ? false : 'our libpmemset is not built'),
}, () => {
  const so = buildSetLie(
    'set-deep-flush',
    'int pmemset_deep_flush(struct pmemset *s, const void *p, size_t n) { int x = REAL(pmemset_deep_flush)(s, p, n); return x == PMEMSET_E_DEEP_FLUSH_FAIL ? 0 : x; }\n',
  );
  const args = ['--suite', 'pmemset_deep_flush'];
  const tail = 'pmemset_deep_flush/PMEMSET_E_DEEP_FLUSH_FAIL#1';
  const plain = bySetTail(run([...args, '--impl', 'libpmemset']).result, tail);
  const honest = bySetTail(run([...args, '--impl', 'libpmemset'], 'tmpfs+force=CACHE_LINE').result, tail);
  const lie = bySetTail(run([...args, '--impl', `libpmemset=${so}`], 'tmpfs+force=CACHE_LINE').result, tail);
  assert.equal(`${plain.verdict} ${plain.technique}`, 'skip fixture:dax', plain.reason);
  assert.equal(`${honest.verdict} ${honest.technique}`, 'pass seccomp:msync=EIO', honest.reason);
  assert.equal(`${lie.verdict} ${lie.technique} ${lie.observed?.name}`, 'diverge seccomp:msync=EIO 0', lie.reason);
  fs.rmSync(path.dirname(so), { recursive: true, force: true });
});
