import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeResults } from './merge.js';
import { summaryText } from './console.js';
import { skippedEverywhere, skippedLine } from '../runner/core/everywhere.js';
import type { CaseResult, RunResult } from '../runner/core/model.js';
import { SCHEMA } from '../runner/core/model.js';

/** kase -- one case of `tail` from page copy `copy` on `fixture` */
function kase(
  copy: string,
  tail: string,
  fixture: string,
  verdict: CaseResult['verdict'],
  technique = 'natural',
  reason?: string,
): CaseResult {
  const clauseId = `pmem2_map_new@${copy}/${tail}`;
  return {
    id: `${clauseId}@${fixture}/libpmem2`,
    clauseId,
    page: `pmem2_map_new(3) [${copy}]`,
    function: 'pmem2_map_new',
    clause: tail.split('/')[1]!.replace(/#\d+$/, ''),
    clauseText: '',
    kind: 'error',
    fixture,
    implementation: 'libpmem2',
    verdict,
    permitted: [],
    technique,
    ...(reason ? { reason } : {}),
    durationMs: 1,
  };
}

const SKIP = 'seccomp:mmap=ETXTBSY';

test('a clause that ran on one fixture of one page copy is not counted, though every other case of it skipped', () => {
  const cases = [
    kase('seed-txt', 'pmem2_map_new/-ETXTBSY#1', 'tmpfs', 'skip', SKIP, 'no path'),
    kase('man-1.12.1', 'pmem2_map_new/-ETXTBSY#1', 'tmpfs', 'skip', SKIP, 'no path'),
    kase('man-1.12.1', 'pmem2_map_new/-ETXTBSY#1', 'emulated-nvdimm/devdax', 'skip', SKIP, 'no path'),
  ];
  const before = skippedEverywhere(cases);
  assert.equal(before.count, 1);
  assert.deepEqual(
    before.clauses.map((c) => c.clause),
    ['pmem2_map_new/-ETXTBSY#1'],
  );
  // the three skips are one clause with one reason, given on two fixtures and two copies
  assert.deepEqual(before.clauses[0]!.why, [
    { technique: SKIP, reason: 'no path', fixtures: ['tmpfs', 'emulated-nvdimm/devdax'], copies: ['seed-txt', 'man-1.12.1'] },
  ]);
  for (const verdict of ['pass', 'diverge', 'crash', 'timeout'] as const) {
    const after = skippedEverywhere([...cases, kase('seed-md', 'pmem2_map_new/-ETXTBSY#1', 'emulated-memmap/fsdax', verdict, SKIP)]);
    assert.equal(after.count, 0, `a ${verdict} on one fixture ran the clause`);
    assert.equal(after.clauses.length, 0);
  }
});

test('Windows-only and FreeBSD-only clauses are counted apart, also where another fixture skipped them for its own reason first', () => {
  const cases = [
    kase('man-1.12.1', 'pmem2_map_new/PMEM2_E_INVALID_FILE_HANDLE#1', 'tmpfs', 'skip', 'platform:Windows', 'Windows only'),
    kase('man-1.12.1', 'pmem2_source_size/-errno#1', 'tmpfs', 'skip', 'platform:FreeBSD', 'FreeBSD only'),
    kase('man-1.12.1', 'pmem2_map_new/PMEM2_E_NOSUPP#1', 'tmpfs', 'skip', 'platform:OS', 'no combination refused'),
    kase('man-1.12.1', 'pmem2_map_new/X#1', 'tmpfs', 'skip', 'platform:Windows', 'Windows only'),
    kase('man-1.12.1', 'pmem2_map_new/X#1', 'loop-xfs', 'skip', 'fixture:devdax', 'needs device DAX'),
  ];
  const s = skippedEverywhere(cases);
  assert.equal(s.count, 1);
  assert.equal(s.platformOnly, 3);
  assert.deepEqual(
    s.clauses.filter((c) => !c.platformOnly).map((c) => c.clause),
    ['pmem2_map_new/PMEM2_E_NOSUPP#1'],
  );
  assert.equal(skippedLine(s), 'clauses no fixture ran: 1 (+3 Windows/FreeBSD only)');
});

test('a harness error is neither a run nor a skip; properties are not clauses', () => {
  const cases = [
    kase('man-1.12.1', 'pmem2_map_new/A#1', 'tmpfs', 'skip', SKIP, 'r'),
    kase('man-1.12.1', 'pmem2_map_new/A#1', 'loop-xfs', 'error'),
    { ...kase('man-1.12.1', 'pmem2_map_new/B#1', 'tmpfs', 'skip', SKIP, 'r'), kind: 'property' as const },
  ];
  assert.equal(skippedEverywhere(cases).clauses.length, 0);
});

function run(host: string, cases: CaseResult[]): RunResult {
  return {
    schema: SCHEMA,
    environment: {
      kernel: 'k',
      arch: 'x',
      node: 'n',
      cpuFlushInstructions: [],
      hostname: host,
      fixtures: [],
      implementations: [],
      startedAt: '2026-01-01T00:00:00Z',
      durationMs: 1,
      command: 'run',
    },
    cases,
    coverage: [],
    skippedEverywhere: skippedEverywhere(cases),
    undefinedNames: [],
  };
}

test('a merged report counts over every host: a clause one host ran is not skipped everywhere; the summary says the count', () => {
  const a = run('host-a', [
    kase('man-1.12.1', 'pmem2_map_new/A#1', 'tmpfs', 'skip', SKIP, 'r'),
    kase('man-1.12.1', 'pmem2_map_new/B#1', 'tmpfs', 'skip', SKIP, 'r'),
  ]);
  const b = run('host-b', [kase('man-1.12.1', 'pmem2_map_new/A#1', 'emulated-nvdimm/fsdax', 'pass')]);
  assert.equal(a.skippedEverywhere!.count, 2);
  const m = mergeResults(
    [
      { file: 'a.json', result: a },
      { file: 'b.json', result: b },
    ],
    'merge',
  );
  assert.deepEqual(
    m.skippedEverywhere!.clauses.map((c) => c.clause),
    ['pmem2_map_new/B#1'],
  );
  assert.match(summaryText(m), /^clauses no fixture ran: 1 \(\+0 Windows\/FreeBSD only\)$/m);
  assert.match(summaryText(m, { verbose: true }), /^ {2}pmem2_map_new\/B#1 \[seccomp:mmap=ETXTBSY; tmpfs @ host-a\]: r$/m);
});
