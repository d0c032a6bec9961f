/**
 * The command line end to end: the conformance run on tmpfs (every ERRORS
 * clause of the seed pages gets a case, none is a harness error, nothing is
 * left mounted) and one-line errors for bad input.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { loadCatalogue } from '../catalogue/build.js';
import { PROJECT_ROOT } from '../core/paths.js';
import type { RunResult } from '../core/model.js';
import { clauseTail } from '../../reports/findings.js';

const BIN = path.join(PROJECT_ROOT, 'runner/bin.cjs');

function cli(args: string[]) {
  return spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: PROJECT_ROOT });
}

function mountsOf(tag: string): string[] {
  return fs
    .readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .filter((l) => l.includes(tag));
}

const BASELINE = path.join(PROJECT_ROOT, 'suites/baseline.json');

test('conformance run of libpmem2 and libpmemset on tmpfs: a case per seed clause, no harness error, baseline holds', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pmem-conform-cli-'));
  const json = path.join(dir, 'r.json');
  const junit = path.join(dir, 'junit.xml');
  const r = cli([
    'run',
    '--fixture',
    'tmpfs',
    '--impl',
    'libpmem2',
    '--impl',
    'libpmemset',
    '--json',
    json,
    '--junit',
    junit,
    '--out',
    dir,
    '--baseline',
    BASELINE,
    '--seed',
    '1',
  ]);
  assert.equal(r.status, 0, `exit ${r.status}\n${r.stdout}\n${r.stderr}`);
  // a default run's output fits a screen or two: a header, a line per finished block, the summary, the verdict last
  const lines = r.stdout.trimEnd().split('\n');
  assert.ok(lines.length <= 60, `${lines.length} lines:\n${r.stdout}`);
  assert.match(lines[0]!, /^pmem-conform: libpmem2 \+ libpmemset on tmpfs, seed 1, \d+ clause cases and \d+ properties planned$/);
  assert.match(lines.at(-1)!, /^GATE GREEN: nothing new against the baseline/);
  assert.ok(
    lines.every((l) => l.length <= 200),
    'no line over 200 characters',
  );
  assert.ok(!r.stdout.includes('\x1b['), 'no colour when not on a terminal');
  const result = JSON.parse(fs.readFileSync(json, 'utf8')) as RunResult;
  assert.equal(result.schema, 'pmem-conform/1');
  const errors = result.cases.filter((c) => c.verdict === 'error');
  assert.deepEqual(
    errors.map((c) => `${c.clauseId}: ${c.reason}`),
    [],
  );

  // every ERRORS entry of the seed pages of libpmem2 has a case with an observed code or a skip reason
  const seedClauses = loadCatalogue().clauses.filter((c) => c.version.startsWith('seed') && c.kind !== 'return');
  for (const c of seedClauses) {
    const got = result.cases.find((x) => x.clauseId === c.id);
    assert.ok(got, `no case for ${c.id}`);
    assert.ok(got.verdict === 'skip' ? !!got.reason : got.observed !== undefined, `${c.id}: ${JSON.stringify(got)}`);
  }
  assert.ok(result.cases.some((c) => c.verdict === 'pass'));
  // the summary names the divergences it found, one line per finding whatever the page copy
  for (const d of result.cases.filter((c) => c.verdict === 'diverge')) assert.ok(r.stdout.includes(clauseTail(d.clauseId)), d.clauseId);
  // this run's own fixture directory: a run in parallel (another test file, another checkout) has its own
  const own = result.environment.fixtures
    .map((f) => f.directory)
    .filter((d): d is string => !!d)
    .map((d) => path.dirname(d));
  assert.ok(own.length > 0, 'the run names its fixture directory');
  assert.deepEqual(
    mountsOf('pmem-conform-tmpfs-').filter((l) => own.some((d) => l.split(' ')[1]?.startsWith(d))),
    [],
    'the tmpfs fixture left a mount behind',
  );
  // our libpmemset conforms wherever the fixture allows
  const setDiv = result.cases.filter((c) => c.implementation === 'libpmemset' && c.verdict === 'diverge');
  assert.deepEqual(
    setDiv.map((c) => `${c.clauseId}: ${c.reason}`),
    [],
  );
  assert.ok(fs.existsSync(path.join(path.dirname(json), 'index.html')), 'no HTML report next to the JSON');
  assert.match(fs.readFileSync(junit, 'utf8'), /<testsuites[^>]*tests="\d+"/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('a changed expectation in a copy of the baseline makes the run fail, naming the divergence', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pmem-conform-baseline-'));
  const copy = path.join(dir, 'baseline.json');
  const b = JSON.parse(fs.readFileSync(BASELINE, 'utf8')) as { entries: { clauseId: string; observedName: string }[] };
  const victim = b.entries.find((e) => e.clauseId.includes('pmem2_map_new@seed-txt') && e.clauseId.includes('ADDRESS_UNALIGNED#2'))!;
  victim.observedName = 'PMEM2_E_ADDRESS_UNALIGNED';
  fs.writeFileSync(copy, JSON.stringify(b));
  const r = cli(['run', '--impl', 'libpmem2', '--suite', 'pmem2_map_new', '--out', dir, '--quiet', '--baseline', copy, '--seed', '1']);
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.ok(r.stdout.includes(clauseTail(victim.clauseId)), r.stdout);
  // --quiet: the summary only (no header, no progress), the verdict last
  assert.ok(!/^pmem-conform:|^\[\d+/m.test(r.stdout), r.stdout);
  assert.match(r.stdout.trimEnd().split('\n').at(-1)!, /^GATE RED: 1 new finding/);
  fs.rmSync(dir, { recursive: true, force: true });
});

for (const [args, pattern] of [
  [['run', '--fixture', 'nosuch'], /unknown fixture 'nosuch'/],
  [['run', '--impl', 'libpmem2=/nonexistent/libpmem2.so.1'], /cannot read libpmem2 build/],
  [['run', '--impl', 'libpmem2=/etc/hostname'], /cannot load libpmem2/],
  [['run', '--suite', 'nosuch'], /unknown suite/],
  [['run', '--bogus'], /Unknown option/],
  [['run', '--runs', '-1'], /--runs/],
  [['frobnicate'], /unknown command/],
  [['run', '--baseline', '/nonexistent/baseline.json'], /baseline/],
  [['run', '--strict'], /--strict needs --baseline/],
] as const) {
  test(`bad input ${args.join(' ')}: one line, exit 2`, () => {
    const r = cli([...args]);
    assert.equal(r.status, 2, r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /^pmem-conform: /);
    assert.match(lines[0]!, pattern);
  });
}

const DEBUG_BUILD = '/usr/lib/x86_64-linux-gnu/pmdk_dbg/libpmem2.so.1';

test("Debian's debug build of libpmem2, named by path, passes the same gate as the release build", {
  skip: fs.existsSync(DEBUG_BUILD) ? false : `${DEBUG_BUILD} is not installed (apt-get install libpmem2-debug; CI installs it)`,
}, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pmem-conform-debug-build-'));
  const r = cli([
    'run',
    '--fixture',
    'tmpfs',
    '--impl',
    `libpmem2=${DEBUG_BUILD}`,
    '--out',
    dir,
    '--quiet',
    '--baseline',
    BASELINE,
    '--seed',
    '1',
  ]);
  assert.equal(r.status, 0, `exit ${r.status}\n${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /^GATE GREEN: nothing new against the baseline — 0 new/m);
  const result = JSON.parse(fs.readFileSync(path.join(dir, 'results.json'), 'utf8')) as RunResult;
  assert.equal(result.environment.implementations[0]?.version, '1.12.1-2', 'the version is read from the package that owns the file');
  fs.rmSync(dir, { recursive: true, force: true });
});

test('--suite and --grep select properties as they select clauses; --replay runs only the replayed property', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pmem-conform-select-'));
  const results = (out: string) => JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8')) as RunResult;
  // no property reads pmem2_source_size(3): the suite runs alone
  let r = cli(['run', '--suite', 'pmem2_source_size', '--impl', 'libpmem2', '--out', path.join(dir, 's'), '--quiet', '--seed', '1']);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  let res = results(path.join(dir, 's'));
  assert.ok(res.cases.length > 0);
  assert.deepEqual(
    res.cases.filter((c) => c.kind === 'property' || !c.clauseId.startsWith('pmem2_source_size@')).map((c) => c.id),
    [],
  );
  // --grep names a property: that property runs, and only the clauses that match
  r = cli([
    'run',
    '--grep',
    'vm_reservation/sequences',
    '--impl',
    'libpmem2',
    '--out',
    path.join(dir, 'g'),
    '--quiet',
    '--seed',
    '1',
    '--runs',
    '5',
  ]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  res = results(path.join(dir, 'g'));
  assert.deepEqual(
    [...new Set(res.cases.filter((c) => c.kind === 'property').map((c) => c.clause.split(': ')[0]))],
    ['pmem2_vm_reservation/sequences'],
  );
  // --replay: the one property, no suite
  r = cli([
    'run',
    '--impl',
    'libpmem2',
    '--property',
    'pmem2_map_new/parameters',
    '--seed',
    '1',
    '--runs',
    '5',
    '--replay',
    '0',
    '--out',
    path.join(dir, 'r'),
    '--quiet',
  ]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  res = results(path.join(dir, 'r'));
  assert.ok(
    res.cases.length >= 1 && res.cases.every((c) => c.kind === 'property' && c.clause.startsWith('pmem2_map_new/parameters')),
    JSON.stringify(res.cases.map((c) => c.id)),
  );
  fs.rmSync(dir, { recursive: true, force: true });
});
