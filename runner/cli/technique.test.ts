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
import { buildLie, canBuildLies } from './lying.js';

const BIN = path.join(PROJECT_ROOT, 'runner/bin.cjs');
const root = process.getuid?.() === 0;

function run(args: string[]): { result: RunResult; junit: string; html: string } {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'pmem-conform-technique-'));
  const junitPath = path.join(out, 'junit.xml');
  const r = spawnSync(
    process.execPath,
    [BIN, 'run', '--fixture', 'tmpfs', '--suites-only', '--quiet', '--seed', '1', '--out', out, '--junit', junitPath, ...args],
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
];
const FAKED_DEVDAX = ['pmem2_deep_flush/PMEM2_E_DAX_REGION_NOT_FOUND#1', 'pmem2_badblock_context_new/PMEM2_E_DAX_REGION_NOT_FOUND#1'];

function byTail(result: RunResult, tail: string) {
  const c = result.cases.find((x) => x.clauseId.endsWith(`@man-1.12.1/${tail}`) && x.implementation === 'libpmem2');
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
    'int pmem2_vm_reservation_shrink(struct pmem2_vm_reservation *r, size_t o, size_t s) { int x = REAL(pmem2_vm_reservation_shrink)(r, o, s); return x == -12 ? 0 : x; }\n',
    'pmem2_vm_reservation_shrink/-ENOMEM#1',
  ],
  [
    'int pmem2_vm_reservation_extend(struct pmem2_vm_reservation *r, size_t s) { int x = REAL(pmem2_vm_reservation_extend)(r, s); return x == -11 ? -12 : x; }\n',
    'pmem2_vm_reservation_extend/-EAGAIN#1',
  ],
  [
    'int pmem2_map_new(struct pmem2_map **m, const struct pmem2_config *c, const struct pmem2_source *s) { int x = REAL(pmem2_map_new)(m, c, s); return x == -23 ? -24 : x; }\n',
    'pmem2_map_new/-ENFILE#1',
  ],
  [
    'int pmem2_deep_flush(struct pmem2_map *m, void *p, size_t n) { int x = REAL(pmem2_deep_flush)(m, p, n); return x == -5 || x == PMEM2_E_DAX_REGION_NOT_FOUND ? 0 : x; }\n',
    'pmem2_deep_flush/-errno#1 pmem2_deep_flush/PMEM2_E_DAX_REGION_NOT_FOUND#1',
  ],
];

test('a build that swallows an injected errno, or returns another, makes the provoked cases diverge', {
  skip: canBuildLies() ?? false,
}, () => {
  const so = buildLie('swallow-injected', LIES.map(([body]) => body).join(''));
  const suites = ['pmem2_vm_reservation', 'pmem2_vm_reservation_extend', 'pmem2_map_new', 'pmem2_deep_flush'].flatMap((s) => [
    '--suite',
    s,
  ]);
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
