import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BASELINE_SCHEMA,
  TODO_NOTE,
  compareWithBaseline,
  formatComparison,
  gateExitCode,
  loadBaseline,
  parseBaseline,
  serialiseBaseline,
  updateBaseline,
  writeBaseline,
  type Baseline,
  type BaselineEntry,
} from './baseline.js';
import { makeCase, makeResult } from './testing.js';

const A = 'pmem2_map_new@seed-txt/pmem2_map_new/PMEM2_E_MAP_RANGE#2';
const B = 'pmem2_map_new@seed-txt/pmem2_map_new/PMEM2_E_NO_ACCESS#1';
const C = 'pmem2_map_new@seed-txt/pmem2_map_new/PMEM2_E_OFFSET_UNALIGNED#1';

function diverge(clauseId: string, name: string, fixture = 'tmpfs', implementation = 'libpmem2') {
  return makeCase({ clauseId, fixture, implementation, verdict: 'diverge', observed: { code: -1, name, at: 'f()' } });
}
function pass(clauseId: string, fixture = 'tmpfs') {
  return makeCase({ clauseId, fixture, verdict: 'pass', observed: { code: -1, name: 'PMEM2_E_X', at: 'f()' } });
}
function baseline(...entries: BaselineEntry[]): Baseline {
  return { schema: BASELINE_SCHEMA, entries };
}
function entry(clauseId: string, observedName: string, extra: Partial<BaselineEntry> = {}): BaselineEntry {
  return { implementation: 'libpmem2', clauseId, observedName, note: 'known: upstream issue 123', ...extra };
}

test('a divergence with no entry is new and gates', () => {
  const r = makeResult([diverge(A, 'PMEM2_E_LENGTH_OUT_OF_RANGE'), pass(B)]);
  const cmp = compareWithBaseline(r, baseline());
  assert.equal(cmp.newDivergences.length, 1);
  assert.equal(cmp.accepted.length, 0);
  assert.deepEqual(cmp.fixed, []);
  assert.equal(gateExitCode(cmp), 1);
});

test('a matching entry accepts the divergence; gate passes', () => {
  const r = makeResult([diverge(A, 'PMEM2_E_LENGTH_OUT_OF_RANGE'), diverge(A, 'PMEM2_E_LENGTH_OUT_OF_RANGE', 'fsdax')]);
  const e = entry(A, 'PMEM2_E_LENGTH_OUT_OF_RANGE'); // no fixture: any
  const cmp = compareWithBaseline(r, baseline(e));
  assert.equal(cmp.newDivergences.length, 0);
  assert.equal(cmp.accepted.length, 2);
  assert.equal(cmp.accepted[0]!.entry, e);
  assert.equal(gateExitCode(cmp), 0);
  assert.equal(gateExitCode(cmp, { strict: true }), 0);
});

test('fixture "*" matches any fixture, a named fixture only itself', () => {
  const r = makeResult([diverge(A, 'N', 'tmpfs'), diverge(A, 'N', 'fsdax')]);
  assert.equal(compareWithBaseline(r, baseline(entry(A, 'N', { fixture: '*' }))).accepted.length, 2);
  const only = compareWithBaseline(r, baseline(entry(A, 'N', { fixture: 'fsdax' })));
  assert.equal(only.accepted.length, 1);
  assert.equal(only.accepted[0]!.case.fixture, 'fsdax');
  assert.equal(only.newDivergences.length, 1);
  assert.equal(only.newDivergences[0]!.fixture, 'tmpfs');
});

test('version is matched when the entry gives one', () => {
  const r = makeResult([diverge(A, 'N')]); // libpmem2 is 1.12.1 in makeResult
  assert.equal(compareWithBaseline(r, baseline(entry(A, 'N', { version: '1.12.1' }))).accepted.length, 1);
  const other = compareWithBaseline(r, baseline(entry(A, 'N', { version: '1.13.0' })));
  assert.equal(other.accepted.length, 0);
  assert.equal(other.newDivergences.length, 1);
  // libpmemset has no version in the environment: a versioned entry cannot match it
  const r2 = makeResult([diverge(A, 'N', 'tmpfs', 'libpmemset')]);
  const e2 = entry(A, 'N', { implementation: 'libpmemset', version: '1.0' });
  assert.equal(compareWithBaseline(r2, baseline(e2)).newDivergences.length, 1);
});

test('implementation must match', () => {
  const r = makeResult([diverge(A, 'N', 'tmpfs', 'libpmemset')]);
  assert.equal(compareWithBaseline(r, baseline(entry(A, 'N'))).newDivergences.length, 1);
});

test('a divergence whose observed name changed is new, and the old entry is not "fixed"', () => {
  const r = makeResult([diverge(A, '-EINVAL')]);
  const e = entry(A, 'PMEM2_E_LENGTH_OUT_OF_RANGE');
  const cmp = compareWithBaseline(r, baseline(e));
  assert.equal(cmp.newDivergences.length, 1);
  assert.equal(cmp.accepted.length, 0);
  assert.deepEqual(cmp.fixed, []);
  assert.equal(cmp.changed.length, 1);
  assert.equal(cmp.changed[0]!.entry, e);
  assert.equal(gateExitCode(cmp), 1);
  assert.match(formatComparison(cmp), /NEW .*-EINVAL \(baseline accepted PMEM2_E_LENGTH_OUT_OF_RANGE\)/);
});

test('an entry whose clause now passes is fixed: gate passes, strict fails', () => {
  const r = makeResult([pass(A), diverge(B, 'N')]);
  const fixedEntry = entry(A, 'PMEM2_E_LENGTH_OUT_OF_RANGE');
  const cmp = compareWithBaseline(r, baseline(fixedEntry, entry(B, 'N')));
  assert.deepEqual(cmp.fixed, [fixedEntry]);
  assert.equal(cmp.accepted.length, 1);
  assert.equal(gateExitCode(cmp), 0);
  assert.equal(gateExitCode(cmp, { strict: true }), 1);
  assert.match(formatComparison(cmp, { strict: true }), /FIXED .*PMEM2_E_MAP_RANGE#2.*--strict/);
});

test('an entry whose clause did not run (skipped, absent) is neither fixed nor accepted', () => {
  const r = makeResult([makeCase({ clauseId: A, verdict: 'skip', reason: 'no devdax' })]);
  const e = entry(A, 'N');
  const c2 = entry(C, 'N');
  const cmp = compareWithBaseline(r, baseline(e, c2));
  assert.deepEqual(cmp.fixed, []);
  assert.deepEqual(cmp.unexercised, [e, c2]);
  assert.equal(gateExitCode(cmp, { strict: true }), 0);
});

test('a pass that could not check the part of the clause an entry is about does not make the entry fixed', () => {
  // deep flush on tmpfs: the return value passes, the write-back the entry is about cannot be seen there
  const partial = { ...pass(A), unchecked: 'write-back (tmpfs has no write-back)' };
  const e = entry(A, '0');
  const cmp = compareWithBaseline(makeResult([partial]), baseline(e));
  assert.deepEqual(cmp.fixed, []);
  assert.deepEqual(cmp.unexercised, [e]);
  assert.equal(gateExitCode(cmp, { strict: true }), 0);
  // the same pass where everything was checked does clear it
  const full = compareWithBaseline(makeResult([pass(A)]), baseline(e));
  assert.deepEqual(full.fixed, [e]);
});

test('harness errors always gate', () => {
  const r = makeResult([makeCase({ clauseId: A, verdict: 'error', reason: 'child crashed' })]);
  const cmp = compareWithBaseline(r, baseline());
  assert.equal(cmp.errors.length, 1);
  assert.equal(gateExitCode(cmp), 1);
  assert.match(formatComparison(cmp), /ERROR .*child crashed/);
});

test('updateBaseline keeps notes of entries that still apply, adds TODOs, drops fixed ones', () => {
  const r = makeResult([
    diverge(A, 'N1'),
    diverge(A, 'N1', 'fsdax'),
    diverge(B, 'N2', 'fsdax'),
    pass(C),
    diverge(A, 'N3', 'tmpfs', 'libpmemset'),
  ]);
  const kept = entry(A, 'N1', { note: 'upstream says the page is wrong' });
  const fixedEntry = entry(C, 'OLD');
  const unrelated = entry('some/other#1', 'X', { implementation: 'libpmemset' });
  const updated = updateBaseline(r, baseline(kept, fixedEntry, unrelated));
  assert.equal(updated.schema, BASELINE_SCHEMA);
  const keyed = updated.entries.map((e) => `${e.implementation} ${e.clauseId} ${e.fixture ?? '-'} ${e.observedName} ${e.note}`);
  assert.deepEqual(
    keyed.sort(),
    [
      `libpmem2 ${A} - N1 upstream says the page is wrong`,
      `libpmem2 ${B} - N2 ${TODO_NOTE}`,
      `libpmemset ${A} - N3 ${TODO_NOTE}`,
      `libpmemset some/other#1 - X known: upstream issue 123`,
    ].sort(),
  );
  // the updated baseline accepts the run
  const cmp = compareWithBaseline(r, updated);
  assert.equal(cmp.newDivergences.length, 0);
  assert.equal(gateExitCode(cmp, { strict: true }), 0);
});

test('updateBaseline replaces an entry whose observed name changed, and can pin versions', () => {
  const r = makeResult([diverge(A, 'NEW')]);
  const updated = updateBaseline(r, baseline(entry(A, 'OLD')), { pinVersion: true });
  assert.equal(updated.entries.length, 1);
  assert.equal(updated.entries[0]!.observedName, 'NEW');
  assert.equal(updated.entries[0]!.version, '1.12.1');
  assert.equal(updated.entries[0]!.note, TODO_NOTE);
  assert.equal(updateBaseline(r).entries.length, 1);
  // new entries are fixture-free and version-free unless asked
  assert.equal(updateBaseline(r).entries[0]!.fixture, undefined);
  assert.equal(updateBaseline(r).entries[0]!.version, undefined);
  assert.equal(updateBaseline(r, undefined, { pinFixture: true }).entries[0]!.fixture, 'tmpfs');
});

test('serialise → parse round-trips, and writeBaseline/loadBaseline use files', () => {
  const b = baseline(entry(B, 'N', { fixture: 'fsdax', version: '1.12.1' }), entry(A, 'M'));
  const text = serialiseBaseline(b);
  assert.ok(text.endsWith('\n'));
  const back = parseBaseline(text);
  assert.deepEqual(
    back.entries.map((e) => e.clauseId),
    [A, B],
  ); // sorted
  const dir = mkdtempSync(join(tmpdir(), 'baseline-'));
  const file = join(dir, 'sub', 'baseline.json');
  writeBaseline(file, b);
  assert.deepEqual(loadBaseline(file), back);
});

test('loadBaseline gives a clear one-line error for unreadable or malformed files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'baseline-'));
  const check = (content: string | null, pattern: RegExp) => {
    const file = join(dir, `b${Math.random()}.json`);
    if (content !== null) writeFileSync(file, content);
    assert.throws(
      () => loadBaseline(file),
      (err: unknown) => {
        assert.ok(err instanceof Error);
        assert.ok(!err.message.includes('\n'), `one line: ${err.message}`);
        assert.ok(err.message.startsWith(`baseline ${file}: `), err.message);
        assert.match(err.message, pattern);
        return true;
      },
    );
  };
  check(null, /cannot read it \(ENOENT\)/);
  check('{ "schema": ', /not valid JSON/);
  check('[]', /expected a JSON object/);
  check('{"schema":"other/1","entries":[]}', /"schema" is "other\/1", expected "pmem-conform-baseline\/1"/);
  check(`{"schema":"${BASELINE_SCHEMA}"}`, /"entries" must be an array/);
  check(
    `{"schema":"${BASELINE_SCHEMA}","entries":[{"implementation":"x","observedName":"y"}]}`,
    /entries\[0\]\.clauseId must be a non-empty string/,
  );
  check(
    `{"schema":"${BASELINE_SCHEMA}","entries":[{"implementation":"x","clauseId":"c","observedName":"y","fixtur":"z"}]}`,
    /entries\[0\] has unknown key "fixtur"/,
  );
  check(
    `{"schema":"${BASELINE_SCHEMA}","entries":[{"implementation":"x","clauseId":"c","observedName":"y","version":1}]}`,
    /entries\[0\]\.version must be a string/,
  );
});
