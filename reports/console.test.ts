import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CaseResult } from '../runner/core/model.js';
import { BASELINE_SCHEMA, type Baseline } from './baseline.js';
import { ConsoleReporter, type ConsoleOptions, gateLine } from './console.js';
import { gateOf } from './findings.js';
import type { RunStart } from './reporter.js';
import { makeCase, makeResult } from './testing.js';

/** a fake stdout that records what is written */
function sink(isTTY: boolean) {
  const chunks: string[] = [];
  return { out: { write: (s: string) => chunks.push(s), isTTY, columns: 120 }, text: () => chunks.join('') };
}

const div = (copy: string, fixture: string): CaseResult =>
  makeCase({
    clauseId: `pmem2_map_new@${copy}/pmem2_map_new/PMEM2_E_MAP_RANGE#2`,
    verdict: 'diverge',
    fixture,
    observed: { code: -22, name: '-EINVAL', at: 'pmem2_map_new()' },
    reason: 'page permits PMEM2_E_MAP_RANGE',
  });

function cases(): CaseResult[] {
  return [
    makeCase({ clauseId: 'pmem2_map_new@seed-txt/pmem2_map_new/A#1', verdict: 'pass' }),
    div('seed-txt', 'tmpfs'),
    div('seed-md', 'tmpfs'),
    makeCase({ clauseId: 'pmem2_map_new@seed-txt/pmem2_map_new/B#1', verdict: 'skip', reason: 'no devdax' }),
    div('seed-txt', 'fsdax'),
  ];
}

const START: RunStart = {
  command: 'pmem-conform run',
  implementations: ['libpmem2'],
  fixtures: ['tmpfs', 'fsdax'],
  seed: 7,
  planned: [
    { implementation: 'libpmem2', fixture: 'tmpfs', campaign: 'suites', units: ['a', 'b', 'c', 'd'] },
    { implementation: 'libpmem2', fixture: 'fsdax', campaign: 'suites', units: ['e'] },
  ],
};

function play(opts: Partial<ConsoleOptions>, isTTY: boolean, baseline?: Baseline): string {
  const s = sink(isTTY);
  const r = new ConsoleReporter({ files: ['r/results.json'], randomSeed: false, ...opts, ...(baseline ? { baseline } : {}), out: s.out });
  r.begin(START);
  const cs = cases();
  for (const c of cs) r.case(c);
  r.end(makeResult(cs));
  return s.text();
}

test('CI (no terminal): a header, a plain [n/N] line per finished block, the summary, the gate verdict last; no colour, no carriage return', () => {
  const out = play({}, false);
  const lines = out.trimEnd().split('\n');
  assert.equal(lines[0], 'pmem-conform: libpmem2 on tmpfs, fsdax, seed 7, 5 clause cases planned');
  assert.match(out, /^\[4\/5\] libpmem2 on tmpfs, suites: 1 pass, 2 diverge, 1 skip/m);
  assert.match(out, /^\[5\/5\] libpmem2 on fsdax, suites: 0 pass, 1 diverge, 0 skip/m);
  // the three cases are one finding: one line, across page copies and fixtures
  assert.equal((out.match(/PMEM2_E_MAP_RANGE#2: page permits/g) ?? []).length, 1);
  assert.match(out, /Findings: 1 \(3 divergent cases/);
  assert.match(out, /\[2 page copies; tmpfs,fsdax\]/);
  assert.match(lines.at(-1)!, /^GATE GREEN: no harness error, crash or timeout — 1 finding, not gated \(no --baseline\)$/);
  assert.ok(!out.includes('\x1b[') && !out.includes('\r'), JSON.stringify(out));
  assert.ok(!out.includes('Catalogue coverage'), 'the coverage table is --verbose');
});

test('a terminal: the counter rewrites one line, colour unless NO_COLOR', () => {
  const out = play({}, true);
  assert.match(out, /\r\x1b\[K\[1\/5\] libpmem2 on tmpfs, suites: pmem2_map_new\/A#1/);
  assert.match(out, /\r\x1b\[K\[5\/5\]/);
  assert.match(out, /\x1b\[32mGATE GREEN\x1b\[0m/);
  const saved = process.env.NO_COLOR;
  process.env.NO_COLOR = '1';
  try {
    const plain = play({}, true);
    assert.ok(!/\x1b\[\d+m/.test(plain), 'NO_COLOR: no SGR sequences');
    assert.match(plain, /\r\x1b\[K\[5\/5\]/, 'the counter still rewrites itself');
  } finally {
    if (saved === undefined) delete process.env.NO_COLOR;
    else process.env.NO_COLOR = saved;
  }
});

test('--quiet prints only the summary; --verbose adds a line per case, the page text and the coverage table', () => {
  const quiet = play({ quiet: true }, false);
  assert.ok(!/^pmem-conform:|^\[\d/m.test(quiet), quiet);
  assert.match(quiet.trimEnd().split('\n').at(-1)!, /^GATE GREEN/);
  const verbose = play({ verbose: true }, false);
  assert.equal((verbose.match(/^(PASS|DIVERGE|SKIP) /gm) ?? []).length, 5);
  assert.match(verbose, /^ {6}the page: text as the page writes it$/m);
  assert.match(verbose, /^Catalogue coverage/m);
  assert.ok(verbose.split('\n').length > quiet.split('\n').length);
});

test('with a baseline: NEW findings first and the red verdict last, saying why; --strict FIXED entries too', () => {
  const none: Baseline = { schema: BASELINE_SCHEMA, entries: [] };
  const red = play({}, false, none);
  assert.match(red, /^ {2}NEW {6}libpmem2 pmem2_map_new\/PMEM2_E_MAP_RANGE#2: page permits PMEM2_E_X, got -EINVAL/m);
  assert.match(
    red.trimEnd().split('\n').at(-1)!,
    /^GATE RED: 1 new finding \(3 divergent cases\) the baseline does not accept — 1 new \(3 cases\)/,
  );
  const fixedOnly: Baseline = {
    schema: BASELINE_SCHEMA,
    entries: [
      ...['seed-txt', 'seed-md'].map((copy) => ({
        implementation: 'libpmem2',
        clauseId: `pmem2_map_new@${copy}/pmem2_map_new/PMEM2_E_MAP_RANGE#2`,
        observedName: '-EINVAL',
        note: 'n',
      })),
      { implementation: 'libpmem2', clauseId: 'pmem2_map_new@seed-txt/pmem2_map_new/A#1', observedName: '-EIO', note: 'gone' },
    ],
  };
  const lax = play({}, false, fixedOnly);
  assert.match(
    lax.trimEnd().split('\n').at(-1)!,
    /^GATE GREEN: nothing new against the baseline — 0 new \(0 cases\), 1 accepted \(3 cases\), 1 fixed$/,
  );
  const strict = play({ strict: true }, false, fixedOnly);
  assert.match(strict, /FIXED +libpmem2 pmem2_map_new\/A#1 \(was -EIO\)/);
  assert.match(strict.trimEnd().split('\n').at(-1)!, /^GATE RED: 1 baseline entry no longer diverge/);
});

test('a fixture that failed to run turns the gate red, naming it, even when every case that ran passed', () => {
  const result = makeResult([makeCase({ clauseId: 'pmem2_map_new@seed-txt/pmem2_map_new/A#1', verdict: 'pass' })]);
  assert.equal(gateOf(result).verdict, 'green');
  result.fixtureErrors = [{ fixture: 'emulated:memmap', error: 'no fixture produced results' }];
  const gate = gateOf(result);
  assert.equal(gate.verdict, 'red');
  assert.match(gateLine(gate), /^GATE RED: 1 fixture failed to run \(emulated:memmap\) — 0 findings/);
});
