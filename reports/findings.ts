/**
 * What every human-facing report says first: the gate's verdict (NEW,
 * accepted, FIXED, and why it is red) and the findings, one per thing the
 * library does against its pages rather than one per case. A finding
 * repeats over the copies of a page (seed .txt, .md, Debian's man page)
 * and over fixtures; a maintainer triages it once.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CaseResult, RunResult } from '../runner/core/model.js';
import { FAILING } from '../runner/core/model.js';
import { PROJECT_ROOT } from '../runner/core/paths.js';
import type { Baseline, BaselineEntry } from './baseline.js';
import { compareWithBaseline } from './baseline.js';
import { str } from './common.js';

import { clauseTail } from '../runner/core/everywhere.js';

export { clauseTail };

/** pageCopy -- the copy of the page a clause comes from ("seed-md"), or '' for properties */
export function pageCopy(clauseId: string): string {
  return /^[^@/]+@([^/]+)\//.exec(clauseId)?.[1] ?? '';
}

export type FindingStatus = 'new' | 'accepted' | 'partly accepted' | 'unbaselined';

export interface Finding {
  key: string;
  implementation: string;
  function: string;
  /** the documented name (or behaviour label) the finding is about */
  clause: string;
  /** the clause id without its page copy */
  tail: string;
  observedName: string;
  permitted: string[];
  /** every case that shows the finding, across page copies and fixtures */
  cases: CaseResult[];
  copies: string[];
  fixtures: string[];
  /** against the baseline: 'unbaselined' when the run has none */
  status: FindingStatus;
  /** the baseline's notes of the entries that accept it */
  notes: string[];
}

/** findingKey -- the same clause tail, implementation and observed name is one finding */
export function findingKey(c: CaseResult): string {
  return JSON.stringify([c.implementation, clauseTail(c.clauseId), c.observed?.name ?? '']);
}

/** groupFindings -- the divergences as findings, in first-seen order; `accepted` maps a case to the entry that accepts it */
export function groupFindings(cases: readonly CaseResult[], accepted?: Map<CaseResult, BaselineEntry>): Finding[] {
  const out = new Map<string, Finding>();
  for (const c of cases) {
    if (c.verdict !== 'diverge') continue;
    const key = findingKey(c);
    let f = out.get(key);
    if (!f) {
      f = {
        key,
        implementation: c.implementation,
        function: c.function,
        clause: c.clause,
        tail: clauseTail(c.clauseId),
        observedName: c.observed?.name ?? '',
        permitted: [...(c.permitted ?? [])],
        cases: [],
        copies: [],
        fixtures: [],
        status: accepted ? 'new' : 'unbaselined',
        notes: [],
      };
      out.set(key, f);
    }
    f.cases.push(c);
    const copy = pageCopy(c.clauseId);
    if (copy && !f.copies.includes(copy)) f.copies.push(copy);
    if (!f.fixtures.includes(c.fixture)) f.fixtures.push(c.fixture);
  }
  if (accepted) {
    for (const f of out.values()) {
      const entries = f.cases.map((c) => accepted.get(c));
      const n = entries.filter(Boolean).length;
      f.status = n === 0 ? 'new' : n === f.cases.length ? 'accepted' : 'partly accepted';
      f.notes = [...new Set(entries.filter((e): e is BaselineEntry => !!e).map((e) => e.note))];
    }
  }
  return [...out.values()];
}

export interface Gate {
  /** 'none': the run has no baseline; the run is still red on errors, crashes and timeouts */
  verdict: 'green' | 'red';
  baseline: boolean;
  strict: boolean;
  /** divergent cases no entry accepts, and the findings they make */
  newCases: number;
  newFindings: number;
  acceptedCases: number;
  acceptedFindings: number;
  fixed: BaselineEntry[];
  /** harness errors, crashes and timeouts */
  broken: CaseResult[];
  /** why it is red, one short sentence each */
  why: string[];
  findings: Finding[];
  /** case -> the baseline entry that accepts it */
  accepted: Map<CaseResult, BaselineEntry>;
}

/** gateOf -- the gate's verdict on a run, as the CLI's exit status decides it (runner/cli/main.ts, gateExitCode) */
export function gateOf(result: RunResult, baseline?: Baseline, opts: { strict?: boolean } = {}): Gate {
  const strict = !!opts.strict && !!baseline;
  const accepted = new Map<CaseResult, BaselineEntry>();
  let fixed: BaselineEntry[] = [];
  if (baseline) {
    const cmp = compareWithBaseline(result, baseline);
    for (const a of cmp.accepted) accepted.set(a.case, a.entry);
    fixed = cmp.fixed;
  }
  const findings = groupFindings(result.cases, baseline ? accepted : undefined);
  const broken = result.cases.filter((c) => FAILING.includes(c.verdict));
  const divergent = result.cases.filter((c) => c.verdict === 'diverge');
  const newCases = baseline ? divergent.filter((c) => !accepted.has(c)).length : 0;
  const newFindings = findings.filter((f) => f.status === 'new' || f.status === 'partly accepted').length;
  const why: string[] = [];
  const n = (k: number, one: string, many = `${one}s`) => `${k} ${k === 1 ? one : many}`;
  if (baseline && newCases > 0)
    why.push(`${n(newFindings, 'new finding')} (${n(newCases, 'divergent case')}) the baseline does not accept`);
  const by = (v: string) => broken.filter((c) => c.verdict === v).length;
  if (by('crash')) why.push(`${n(by('crash'), 'case')} crashed the library's process`);
  if (by('timeout')) why.push(`${n(by('timeout'), 'case')} timed out`);
  if (by('error')) why.push(`${n(by('error'), 'harness error')}`);
  // a fixture that produced nothing is a run that did not happen, whatever the cases that did say
  const failedFixtures = result.fixtureErrors ?? [];
  if (failedFixtures.length)
    why.push(`${n(failedFixtures.length, 'fixture')} failed to run (${failedFixtures.map((f) => f.fixture).join(', ')})`);
  if (strict && fixed.length)
    why.push(
      `${n(fixed.length, 'baseline entry', 'baseline entries')} no longer ${fixed.length === 1 ? 'diverges' : 'diverge'} (--strict: prune them)`,
    );
  return {
    verdict: why.length ? 'red' : 'green',
    baseline: !!baseline,
    strict,
    newCases,
    newFindings: baseline ? newFindings : 0,
    acceptedCases: accepted.size,
    acceptedFindings: findings.filter((f) => f.status === 'accepted').length,
    fixed,
    broken,
    why,
    findings,
    accepted,
  };
}

/**
 * differingClauses -- the cases whose clause (same implementation and
 * page copy) got a different verdict or observed name on another fixture:
 * what a DAX engineer looks at first.
 */
export function differingCases(cases: readonly CaseResult[]): Set<CaseResult> {
  const by = new Map<string, CaseResult[]>();
  for (const c of cases) {
    const k = `${c.implementation}\u0000${c.clauseId}`;
    const list = by.get(k);
    if (list) list.push(c);
    else by.set(k, [c]);
  }
  const out = new Set<CaseResult>();
  for (const list of by.values()) {
    if (new Set(list.map((c) => c.fixture)).size < 2) continue;
    const outcomes = new Set(list.map((c) => `${c.verdict}\u0000${c.observed?.name ?? ''}`));
    if (outcomes.size > 1) for (const c of list) out.add(c);
  }
  return out;
}

/** the project root, wherever this code runs from (dist/, the TypeScript itself, or the guest runtime's bundle) */
const ROOT = PROJECT_ROOT;

interface Where {
  file: string;
  line: number;
  /** the suite's name (for --suite), when the file is a suite */
  suite?: string;
}

let index: Map<string, Where> | undefined;

/** the case keys of suites/*.ts and the property names of properties/*.ts, with their file and line */
function sourceIndex(): Map<string, Where> {
  if (index) return index;
  index = new Map();
  for (const dir of ['suites', 'properties']) {
    const abs = join(ROOT, dir);
    if (!existsSync(abs)) continue;
    for (const f of readdirSync(abs).filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts'))) {
      const text = readFileSync(join(abs, f), 'utf8').split('\n');
      const suite = dir === 'suites' ? text.map((l) => /^ {2}name: '([^']+)',/.exec(l)?.[1]).find(Boolean) : undefined;
      text.forEach((l, i) => {
        const m = dir === 'suites' ? /\bkey: '([^']+)'/.exec(l) : /^ {2}name: '([^']+)',/.exec(l);
        const k = m ? `${dir}:${m[1]}` : undefined;
        if (k && !index!.has(k)) index!.set(k, { file: `${dir}/${f}`, line: i + 1, ...(suite ? { suite } : {}) });
      });
    }
  }
  return index;
}

/** where -- the source of the case: the line of its key in its suite, or of its property's name */
function where(c: CaseResult): Where | undefined {
  if (c.kind === 'durability') return undefined;
  if (c.kind === 'property') return sourceIndex().get(`properties:${c.clause.split(': ')[0]}`);
  return sourceIndex().get(`suites:${clauseTail(c.clauseId)}`);
}

/**
 * sourceOf -- where the case is written, "suites/pmem2_map_new.ts:146".
 * Looked up in the checkout the report is written from; undefined when
 * the TypeScript sources are not there.
 */
export function sourceOf(c: CaseResult): string | undefined {
  const w = where(c);
  return w ? `${w.file}:${w.line}` : undefined;
}

/** shellWord -- a word the shell reads back as itself */
function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** rerunCommand -- the one line that runs this case again, alone */
export function rerunCommand(c: CaseResult, result: RunResult): string {
  if (c.replay) return c.replay;
  // the build as the run's command named it (a path, or the default by name)
  const words = str(result.environment.command).split(/\s+/);
  const named = words.find((w, i) => words[i - 1] === '--impl' && w.startsWith(`${c.implementation}=`)) ?? c.implementation;
  const suite = where(c)?.suite;
  return ['npx pmem-conform run', '--fixture', shellWord(c.fixture), '--impl', shellWord(named)]
    .concat(suite ? ['--suite', suite] : [], ['--grep', shellWord(c.clauseId), '--suites-only'])
    .join(' ');
}
