/**
 * The gate catches lying builds: each shim below links the real libpmem2
 * and breaks one function in one way. The run must say so, whatever the
 * shim does to the process that calls it, and the runner must finish its
 * report and leave nothing mounted.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { clauseTail } from '../../reports/findings.js';
import type { CaseResult, RunResult } from '../core/model.js';
import { PROJECT_ROOT } from '../core/paths.js';
import { buildLie, canBuildLies } from './lying.js';

const BIN = path.join(PROJECT_ROOT, 'runner/bin.cjs');
const skip = canBuildLies() ?? false;
/** a selection where some cases call pmem2_map_new and some do not */
const SELECTION = ['--fixture', 'tmpfs', '--suites-only', '--quiet'];
const SOME_CASES = ['--suite', 'pmem2_source_size', '--suite', 'pmem2_config_set_length'];

function run(
  impl: string,
  extra: string[] = SOME_CASES,
  selection: string[] = SELECTION,
): { status: number | null; result: RunResult; stdout: string; stderr: string; junit: string } {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'pmem-conform-lie-run-'));
  const junit = path.join(out, 'junit.xml');
  const r = spawnSync(process.execPath, [BIN, 'run', ...selection, '--impl', impl, '--out', out, '--junit', junit, ...extra], {
    encoding: 'utf8',
    cwd: PROJECT_ROOT,
  });
  const result = JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8')) as RunResult;
  const xml = fs.readFileSync(junit, 'utf8');
  fs.rmSync(out, { recursive: true, force: true });
  return { status: r.status, result, stdout: r.stdout, stderr: r.stderr, junit: xml };
}

function verdicts(cases: CaseResult[]): Map<string, string> {
  return new Map(cases.map((c) => [c.id, c.verdict]));
}

/** mounts left under the run's own fixture directories (another run's, in parallel, are not this run's business) */
function mountsLeftBy(result: RunResult): string[] {
  const dirs = result.environment.fixtures
    .map((f) => f.directory)
    .filter((d): d is string => !!d)
    .map((d) => path.dirname(d));
  return fs
    .readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .filter((l) => dirs.some((d) => l.split(' ')[1]?.startsWith(d)));
}

// the unchanged library, for what every case that does not call the broken function must still give
const honest = skip ? undefined : run('libpmem2');

/** the lie changes only the cases that reach it: those become `verdict`, every other case is as with the real library */
function onlyBrokenCasesChanged(lie: ReturnType<typeof run>, verdict: 'crash' | 'timeout', why: RegExp): void {
  const before = verdicts(honest!.result.cases);
  const broken = lie.result.cases.filter((c) => c.verdict === verdict);
  assert.ok(broken.length > 0, `some case is ${verdict}`);
  assert.equal(lie.result.cases.length, honest!.result.cases.length, 'every planned case reported');
  for (const c of lie.result.cases) {
    if (c.verdict === verdict) assert.match(c.reason ?? '', why, c.id);
    else assert.equal(c.verdict, before.get(c.id), `${c.id} is unaffected by the lie`);
  }
  assert.equal(lie.status, 1, `a ${verdict} fails the run: ${lie.stderr}`);
  assert.match(lie.junit, new RegExp(`type="library-${verdict}"`));
  assert.match(lie.stdout, new RegExp(`${broken.length} ${verdict === 'crash' ? 'crashed' : 'timed out'}`));
  assert.deepEqual(mountsLeftBy(lie.result), []);
}

test('a build whose pmem2_map_new writes through NULL: those cases crash (SIGSEGV), the rest run', { skip }, () => {
  const so = buildLie(
    'segv',
    'int pmem2_map_new(struct pmem2_map **m, const struct pmem2_config *c, const struct pmem2_source *s) { (void)m; (void)c; (void)s; *(volatile int *)NULL = 1; return 0; }\n',
  );
  onlyBrokenCasesChanged(run(`libpmem2=${so}`), 'crash', /signal SIGSEGV.*pmem2_/);
});

test('a build whose pmem2_map_new calls abort(): crash (SIGABRT)', { skip }, () => {
  const so = buildLie(
    'abort',
    'int pmem2_map_new(struct pmem2_map **m, const struct pmem2_config *c, const struct pmem2_source *s) { (void)m; (void)c; (void)s; abort(); }\n',
  );
  onlyBrokenCasesChanged(run(`libpmem2=${so}`), 'crash', /signal SIGABRT/);
});

test('a build whose pmem2_map_new calls exit(0): a crash, never a pass, and the run exits 1 with its reports', { skip }, () => {
  const so = buildLie(
    'exit0',
    'int pmem2_map_new(struct pmem2_map **m, const struct pmem2_config *c, const struct pmem2_source *s) { (void)m; (void)c; (void)s; exit(0); }\n',
  );
  onlyBrokenCasesChanged(run(`libpmem2=${so}`), 'crash', /exit status 0/);
});

test('a build whose pmem2_map_new never returns: timeout after --case-timeout, the rest run', { skip }, () => {
  const so = buildLie(
    'hang',
    'int pmem2_map_new(struct pmem2_map **m, const struct pmem2_config *c, const struct pmem2_source *s) { (void)m; (void)c; (void)s; for (;;) pause(); }\n',
  );
  onlyBrokenCasesChanged(run(`libpmem2=${so}`, [...SOME_CASES, '--case-timeout', '1']), 'timeout', /no answer within 1 s/);
});

test('the unchanged library named by path gives the same verdicts as named by name', { skip }, () => {
  const byPath = run('libpmem2=/usr/lib/x86_64-linux-gnu/libpmem2.so.1');
  assert.deepEqual(verdicts(byPath.result.cases), verdicts(honest!.result.cases));
  assert.equal(byPath.status, 0, byPath.stderr);
});

test('a build that changes which permitted error wins passes the page, and --compare against the real library catches it', { skip }, () => {
  // a closed descriptor: the page permits -EBADF and pmem2_source_size's own error; the real library answers the latter
  const so = buildLie(
    'precedence',
    '#include <errno.h>\nint pmem2_map_new(struct pmem2_map **m, const struct pmem2_config *c, const struct pmem2_source *s) { int r = REAL(pmem2_map_new)(m, c, s); return r == PMEM2_E_INVALID_FILE_HANDLE ? -EBADF : r; }\n',
  );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pmem-conform-lie-snap-'));
  const snap = path.join(dir, 'snap.json');
  const pick = ['--suite', 'pmem2_map_new', '--grep', 'EBADF'];
  const real = run('libpmem2', [...pick, '--snapshot', snap]);
  assert.equal(real.status, 0, real.stderr);
  const lie = run(`libpmem2=${so}`, [...pick, '--compare', snap]);
  // every case still passes: both answers are permitted
  assert.deepEqual(verdicts(lie.result.cases), verdicts(real.result.cases));
  assert.equal(lie.status, 1, 'the comparison fails the run');
  assert.match(lie.stdout, /\| pmem2_map_new@[^|]*-EBADF#1@tmpfs\/libpmem2 \| pass PMEM2_E_INVALID_FILE_HANDLE [^|]*\| pass -EBADF /);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a build that reports a finer store granularity than the fixture gives (BYTE on a page-cache fixture) is caught', { skip }, () => {
  const so = buildLie(
    'finer',
    'enum pmem2_granularity pmem2_map_get_store_granularity(struct pmem2_map *map) { (void)map; return PMEM2_GRANULARITY_BYTE; }\n',
  );
  const pick = ['--suite', 'pmem2_map_new', '--grep', 'new mapping stored'];
  const lie = run(`libpmem2=${so}`, [...pick, '--baseline', path.join(PROJECT_ROOT, 'suites/baseline.json')]);
  const cases = lie.result.cases.filter((c) => c.clause === 'new mapping stored in map_ptr');
  assert.ok(cases.length > 0);
  for (const c of cases) {
    assert.equal(c.verdict, 'diverge', c.id);
    assert.match(c.reason ?? '', /says BYTE; the fixture gives PAGE/);
  }
  assert.equal(lie.status, 1, 'the gate fails');
});

const BASELINE = ['--baseline', path.join(PROJECT_ROOT, 'suites/baseline.json')];

/**
 * caughtOn -- the lie diverges on `clause` (a clause id without the fixture and
 * implementation), with a reason matching `why`, and fails the gate naming that
 * clause as a new divergence, while the real library passes the same gate
 */
function caughtOn(lie: ReturnType<typeof run>, real: ReturnType<typeof run>, clause: string, why: RegExp): void {
  const cases = lie.result.cases.filter((c) => c.clauseId === clause);
  assert.ok(cases.length > 0, `a case of ${clause} ran`);
  for (const c of cases) {
    assert.equal(c.verdict, 'diverge', c.id);
    assert.match(c.reason ?? '', why, c.id);
  }
  assert.equal(lie.status, 1, `the gate fails: ${lie.stderr}`);
  // the console's finding line names the clause without its page copy, and the gate is red
  assert.match(lie.stdout, new RegExp(`NEW\\S* +libpmem2 ${clauseTail(clause).replace(/[.*+?^${}()|[\]\\#]/g, '\\$&')}: `));
  assert.match(lie.stdout, /^GATE RED: .*new finding/m);
  assert.equal(
    real.status,
    0,
    `the real library passes the same gate: ${real.stdout
      .split('\n')
      .filter((l) => /NEW|GATE/.test(l))
      .join('\n')}`,
  );
  const honest = real.result.cases.filter((c) => c.clauseId === clause);
  assert.ok(honest.length > 0 && honest.every((c) => c.verdict === 'pass'), `the real library passes ${clause}`);
}

test('a build whose pmem2_errormsg returns "" (an empty message) is caught: the message after a failure must be the failure\'s', {
  skip,
}, () => {
  const so = buildLie('empty-errormsg', 'const char *pmem2_errormsg(void) { return ""; }\n');
  const pick = ['--suite', 'pmem2_errormsg', ...BASELINE];
  const lie = run(`libpmem2=${so}`, pick);
  caughtOn(lie, run('libpmem2', pick), 'pmem2_errormsg@man-1.12.1/pmem2_errormsg/RETURN VALUE#1', /pmem2_errormsg\(\) returned ""/);
  // the accepted finding of the real library (one undescribed failure) does not cover the lie's (all ten)
  const described = lie.result.cases.find((c) => c.clauseId === 'pmem2_errormsg@man-1.12.1/pmem2_errormsg/message describes the failure#1');
  assert.equal(described?.verdict, 'diverge');
  assert.match(described?.reason ?? '', /^10 of 10 failures left no message/);
});

test('a build whose persist function does nothing is caught where write-back shows (loop-ext4): the page stays dirty', {
  skip:
    skip ||
    (process.getuid?.() !== 0 ? 'needs root: the loop-ext4 fixture mounts a loop device, and page flags need /proc/kpageflags' : false),
}, () => {
  const so = buildLie(
    'persist-nothing',
    'static void persist_nothing(const void *p, size_t n) { (void)p; (void)n; }\npmem2_persist_fn pmem2_get_persist_fn(struct pmem2_map *m) { (void)m; return persist_nothing; }\n',
  );
  const loop = ['--fixture', 'loop-ext4', '--suites-only', '--quiet'];
  const pick = ['--suite', 'pmem2_get_persist_fn', ...BASELINE];
  const lie = run(`libpmem2=${so}`, pick, loop);
  caughtOn(
    lie,
    run('libpmem2', pick, loop),
    'pmem2_get_persist_fn@man-1.12.1/pmem2_get_persist_fn/data stored durably on return#1',
    /persist_fn\(whole map\): page at \+100 dirty, page at \+\d+ dirty after it returned/,
  );
  // the getter still returns a function: RETURN VALUE#1 cannot tell, only the effect can
  const notNull = lie.result.cases.find((c) => c.clauseId === 'pmem2_get_persist_fn@man-1.12.1/pmem2_get_persist_fn/RETURN VALUE#1');
  assert.equal(notNull?.verdict, 'pass');
  assert.deepEqual(mountsLeftBy(lie.result), []);
});

/** the mem functions' getters of a lie, each returning the same-named `${kind}_${fn}` of its body */
const MEM_GETTERS = (kind: string) =>
  ['memmove', 'memcpy', 'memset']
    .map((fn) => `pmem2_${fn}_fn pmem2_get_${fn}_fn(struct pmem2_map *m) { (void)m; return ${fn}_${kind}; }\n`)
    .join('');

test('a build whose mem functions ignore their flags is caught where write-back shows (loop-ext4): unflushed without NOFLUSH, flushed with it', {
  skip:
    skip ||
    (process.getuid?.() !== 0 ? 'needs root: the loop-ext4 fixture mounts a loop device, and page flags need /proc/kpageflags' : false),
}, () => {
  const loop = ['--fixture', 'loop-ext4', '--suites-only', '--quiet'];
  const pick = ['--suite', 'pmem2_get_memmove_fn', ...BASELINE];
  const real = run('libpmem2', pick, loop);
  // a plain memmove/memcpy/memset: the bytes are right, nothing is ever written back
  const never = buildLie(
    'mem-never-flush',
    `static void *memmove_plain(void *d, const void *s, size_t n, unsigned f) { (void)f; return memmove(d, s, n); }
static void *memcpy_plain(void *d, const void *s, size_t n, unsigned f) { (void)f; return memcpy(d, s, n); }
static void *memset_plain(void *d, int c, size_t n, unsigned f) { (void)f; return memset(d, c, n); }
${MEM_GETTERS('plain')}`,
  );
  const lieNever = run(`libpmem2=${never}`, pick, loop);
  caughtOn(
    lieNever,
    real,
    'pmem2_get_memmove_fn@man-1.12.1/pmem2_get_memmove_fn/result flushed unless NOFLUSH#1',
    /^the page was not written back when the function returned: memcpy_fn\(0\): dirty/,
  );
  assert.deepEqual(mountsLeftBy(lieNever.result), []);
  // the same, then msync of the pages it wrote whatever the flags: NOFLUSH is not honoured
  const always = buildLie(
    'mem-always-flush',
    `#include <stdint.h>
#include <sys/mman.h>
static void *synced(void *d, size_t n) {
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE), a = (uintptr_t)d & ~(page - 1);
	if (msync((void *)a, (uintptr_t)d + n - a, MS_SYNC)) abort();
	return d;
}
static void *memmove_sync(void *d, const void *s, size_t n, unsigned f) { (void)f; return synced(memmove(d, s, n), n); }
static void *memcpy_sync(void *d, const void *s, size_t n, unsigned f) { (void)f; return synced(memcpy(d, s, n), n); }
static void *memset_sync(void *d, int c, size_t n, unsigned f) { (void)f; return synced(memset(d, c, n), n); }
${MEM_GETTERS('sync')}`,
  );
  const lieAlways = run(`libpmem2=${always}`, pick, loop);
  caughtOn(
    lieAlways,
    real,
    'pmem2_get_memmove_fn@man-1.12.1/pmem2_get_memmove_fn/NOFLUSH flushes nothing#1',
    /^written back on return: memcpy_fn\(NOFLUSH\): clean/,
  );
  assert.deepEqual(mountsLeftBy(lieAlways.result), []);
});

test('a build whose pmem2_map_get_size lies by one page is caught against the mapped length and /proc/self/maps', { skip }, () => {
  const so = buildLie(
    'size-plus-page',
    'size_t pmem2_map_get_size(struct pmem2_map *m) { return REAL(pmem2_map_get_size)(m) + (size_t)sysconf(_SC_PAGESIZE); }\n',
  );
  const pick = ['--suite', 'pmem2_map_get_size', ...BASELINE];
  const lie = run(`libpmem2=${so}`, pick);
  caughtOn(
    lie,
    run('libpmem2', pick),
    'pmem2_map_get_size@man-1.12.1/pmem2_map_get_size/RETURN VALUE#1',
    /returned \d+, the map was made \d+ bytes long.*the file is mapped over \d+ bytes from the map's address, not the \d+ returned/,
  );
});
