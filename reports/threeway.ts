/**
 * The three-way comparison of a reference build (PMDK's libpmemset) and
 * ours against the pages: for every clause and fixture both runs answered,
 * what the page permits, what the reference did and what ours did. A
 * disagreement is a question for the pages: one of the two misread them,
 * or they leave both readings open (then the case's note says so and the
 * case permits both).
 */
import fs from 'node:fs';
import type { CaseResult, RunResult } from '../runner/core/model.js';
import { SCHEMA } from '../runner/core/model.js';

export interface ThreeWayRow {
  clauseId: string;
  fixture: string;
  permitted: string[];
  reference: string;
  ours: string;
  /** the verdicts differ (a skip on one side only counts as different) */
  differ: boolean;
}

export interface ThreeWay {
  rows: ThreeWayRow[];
  /** per verdict pair "reference/ours", how many clauses */
  pairs: Record<string, number>;
  onlyReference: string[];
  onlyOurs: string[];
}

/** outcome -- a case as one cell: the verdict and what was observed, or why it did not run */
function outcome(c: CaseResult): string {
  if (c.verdict === 'skip') return `skip (${c.reason ?? ''})`;
  if (c.kind === 'property') return c.verdict;
  return c.observed ? `${c.verdict} ${c.observed.name}` : c.verdict;
}

function key(c: CaseResult): string {
  return `${c.clauseId}@${c.fixture}`;
}

/** threeWay -- pairs the cases of two runs by clause and fixture (the implementations' names may be equal) */
export function threeWay(reference: RunResult, ours: RunResult): ThreeWay {
  const mine = new Map(ours.cases.map((c) => [key(c), c]));
  const theirs = new Map(reference.cases.map((c) => [key(c), c]));
  const rows: ThreeWayRow[] = [];
  const pairs: Record<string, number> = {};
  for (const r of reference.cases) {
    const o = mine.get(key(r));
    if (!o) continue;
    const pair = `${r.verdict}/${o.verdict}`;
    pairs[pair] = (pairs[pair] ?? 0) + 1;
    rows.push({
      clauseId: r.clauseId,
      fixture: r.fixture,
      permitted: o.permitted.length ? o.permitted : r.permitted,
      reference: outcome(r),
      ours: outcome(o),
      differ: r.verdict !== o.verdict,
    });
  }
  return {
    rows,
    pairs,
    onlyReference: reference.cases.filter((c) => !mine.has(key(c))).map(key),
    onlyOurs: ours.cases.filter((c) => !theirs.has(key(c))).map(key),
  };
}

/** formatThreeWay -- the disagreements first, then every clause, then the counts per verdict pair */
export function formatThreeWay(t: ThreeWay, refLabel: string, oursLabel: string, all: boolean): string {
  const lines: string[] = [];
  const cell = (r: ThreeWayRow) => [
    `  ${r.clauseId} [${r.fixture}]`,
    `      page permits: ${r.permitted.length ? r.permitted.join(' | ') : '(no outcome: not run, or a property)'}`,
    `      ${refLabel}: ${r.reference}`,
    `      ${oursLabel}: ${r.ours}`,
  ];
  const differ = t.rows.filter((r) => r.differ);
  lines.push(`Disagreements (${refLabel} vs ${oursLabel}): ${differ.length}`);
  for (const r of differ) lines.push(...cell(r));
  if (all) {
    lines.push('', `Every clause both runs answered: ${t.rows.length}`);
    for (const r of t.rows) lines.push(...cell(r));
  }
  lines.push('', `Verdict pairs (${refLabel}/${oursLabel}):`);
  for (const [pair, n] of Object.entries(t.pairs).sort()) lines.push(`  ${pair}: ${n}`);
  if (t.onlyReference.length) lines.push(`Only in ${refLabel}: ${t.onlyReference.length}`);
  if (t.onlyOurs.length) lines.push(`Only in ${oursLabel}: ${t.onlyOurs.length}`);
  return lines.join('\n');
}

/** loadResult -- a run's results.json (the three-way needs what each case permitted, which a snapshot omits) */
export function loadResult(file: string): RunResult {
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message.split('\n')[0]}`);
  }
  const r = data as Partial<RunResult>;
  if (r.schema !== SCHEMA || !Array.isArray(r.cases)) throw new Error(`${file}: not a results.json of pmem-conform (schema ${SCHEMA})`);
  return r as RunResult;
}
