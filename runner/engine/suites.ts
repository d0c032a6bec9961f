/**
 * Runs suites against one implementation on fixtures and builds the result
 * model. Every catalogued clause of a selected suite's pages yields exactly
 * one case per fixture: run, skipped with a reason, or an error saying why
 * the harness could not judge it.
 */
import type { Catalogue, Clause } from '../core/catalogue.js';
import { markJudged, recordingAddon, startRecording, stopRecording } from '../core/calllog.js';
import { codeName, constantTables } from '../core/constants.js';
import type { CaseResult, CoverageRow } from '../core/model.js';
import type { Addon } from '../core/native.js';
import { companionLibpmem2 } from '../core/implementation.js';
import type { BuildExports, MissingFunctionError } from '../core/partial.js';
import { buildExports, isMissingFunction, missingOutcome } from '../core/partial.js';
import { judge, platformSkip } from '../core/verdict.js';
import { NATURAL, platformTechnique } from '../core/technique.js';
import type { Fixture } from '../../fixtures/fixture.js';
import type { CaseContext, Implementation, Outcome, Suite } from '../../suites/framework.js';
import { clauseKey, makeFile, makeMedium } from '../../suites/framework.js';
import type { Campaign, CampaignContext } from './campaign.js';
import type { FixtureView } from './isolation.js';
import { runIsolated } from './isolation.js';
import type { ImplementationRun } from './plan.js';
import { reproCommand } from '../../reports/repro.js';
import { inShard, propertyUnitId } from './shard.js';

export interface RunOptions {
  suites: Suite[];
  fixtures: Fixture[];
  implementation: Implementation;
  addon: Addon;
  grep?: string;
  catalogue: Catalogue;
  /** called after each case, for progress lines */
  onCase?: (c: CaseResult, done: number, total: number) => void;
}

export interface Selected {
  suite: Suite;
  clause: Clause;
}

export function selectClauses(catalogue: Catalogue, suites: Suite[], grep?: string): Selected[] {
  const out: Selected[] = [];
  const needle = grep?.toLowerCase();
  for (const suite of suites) {
    for (const clause of catalogue.clauses) {
      if (!suite.pages.includes(clause.page)) continue;
      if (needle && ![clause.id, clause.name, clause.text, clause.function].some((s) => s.toLowerCase().includes(needle))) continue;
      out.push({ suite, clause });
    }
  }
  return out;
}

function pageLabel(c: Clause): string {
  return `${c.page}(${c.section}) [${c.version}]`;
}

/** caseBase -- what a case of `clause` says about itself whatever its verdict (also for a case whose worker died) */
export function caseBase(
  clause: Clause,
  fixture: string,
  implementation: string,
): Omit<CaseResult, 'verdict' | 'permitted' | 'durationMs'> {
  return {
    id: `${clause.id}@${fixture}/${implementation}`,
    clauseId: clause.id,
    page: pageLabel(clause),
    function: clause.function,
    clause: clause.name,
    clauseText: clause.text,
    kind: clause.kind === 'behaviour' ? 'behaviour' : clause.kind === 'unlisted' ? 'unlisted' : 'error',
    fixture,
    implementation,
  };
}

/** runClause -- builds the situation of one clause on one fixture, calls the library and judges what it answered */
export function runClause(sel: Selected, fixture: Fixture, opts: RunOptions, catalogue: Catalogue): CaseResult {
  const { clause, suite } = sel;
  const started = Date.now();
  const base = caseBase(clause, fixture.name, opts.implementation.name);
  const done = (r: Partial<CaseResult> & Pick<CaseResult, 'verdict' | 'permitted'>): CaseResult => ({
    ...base,
    ...r,
    durationMs: Date.now() - started,
  });

  const def = suite.cases.find((c) => c.key === clauseKey(clause));
  if (!def) return done({ verdict: 'error', permitted: [], reason: `no case in suite ${suite.name} answers ${clauseKey(clause)}` });
  const note = def.note;
  const withNote = note ? { note } : {};
  // a clause of another operating system says so on every fixture, device DAX included
  const skipWhy = platformSkip(clause);
  if (skipWhy) return done({ verdict: 'skip', permitted: [], reason: skipWhy, technique: platformTechnique(skipWhy), ...withNote });
  // a device DAX fixture holds no files: the cases that map the device (ctx.medium) run there, the others say why not
  if (fixture.kind === 'devdax' && def.fixtures !== 'devdax') {
    return done({
      verdict: 'skip',
      permitted: [],
      reason: `device DAX: ${def.notOnDevdax ?? 'this case needs files, and runs on the file fixtures'}`,
      technique: 'fixture:files',
      ...withNote,
    });
  }
  if (def.textMatches && !def.textMatches.test(clause.text)) {
    return done({
      verdict: 'error',
      permitted: [],
      reason: `the clause text no longer matches ${def.textMatches} that case ${def.key} was written for`,
      ...withNote,
    });
  }

  const cleanups: (() => void)[] = [];
  const caps = fixture.capabilities();
  const ctx: CaseContext = {
    addon: recordingAddon(opts.addon),
    fixture,
    caps,
    impl: opts.implementation,
    clause,
    catalogue: catalogue.clauses,
    file: (size, o = {}) => makeFile(o.dir ?? fixture.directory(), size, o.flags, o.mode),
    unit: caps.devdax && caps.devdaxAlignment ? caps.devdaxAlignment : caps.pageSize,
    medium: (size, o = {}) => makeMedium(fixture.directory(), caps, size, o.flags),
    defer: (fn) => cleanups.push(fn),
  };
  let outcome: Outcome | undefined;
  let harnessError: string | undefined;
  let missing: MissingFunctionError | undefined;
  // the calls the case makes, for a standalone C reproducer of a finding (reports/repro.ts)
  startRecording();
  try {
    outcome = def.run(ctx);
  } catch (e) {
    if (isMissingFunction(e)) missing = e;
    else harnessError = `${def.situation}: ${(e as Error).message}`;
  }
  const calls = stopRecording();
  if (outcome && 'observed' in outcome) markJudged(outcome.observed);
  const withCalls = { calls, repro: reproCommand(base.id) };
  const cleanupErrors: string[] = [];
  for (const fn of cleanups.reverse()) {
    try {
      fn();
    } catch (e) {
      cleanupErrors.push((e as Error).message);
    }
  }
  if (missing) {
    const fn = missing.missingFunction;
    const m = missingOutcome(clause, fn, loadedBuild(missing.library, opts), catalogue);
    return done({
      verdict: m.verdict,
      permitted: [],
      reason: m.reason,
      technique: 'build:missing-function',
      ...(m.verdict === 'diverge' ? { observed: { code: 0, name: 'not exported', at: `${fn}()` } } : {}),
      ...withNote,
    });
  }
  if (harnessError !== undefined || !outcome)
    return done({ verdict: 'error', permitted: [], reason: harnessError ?? 'the case returned nothing', ...withNote });
  if ('skip' in outcome)
    return done({
      verdict: 'skip',
      permitted: [],
      reason: outcome.skip,
      ...(outcome.technique ? { technique: outcome.technique } : {}),
      ...withNote,
    });
  if ('crash' in outcome) {
    return done({
      verdict: 'crash',
      permitted: outcome.permitted,
      observed: outcome.observed,
      reason: outcome.crash,
      technique: outcome.technique ?? NATURAL,
      ...withNote,
      ...withCalls,
    });
  }

  const j = judge(outcome.observed, outcome.permitted);
  const notes = [note, outcome.note, cleanupErrors.length ? `cleanup: ${cleanupErrors.join('; ')}` : undefined].filter(Boolean).join(' ');
  let verdict = j.verdict;
  let reason = j.reason;
  if (outcome.failure && verdict !== 'error') {
    verdict = 'diverge';
    reason = outcome.failure;
  }
  if (verdict === 'diverge' && undefinedName(clause))
    reason = `${reason}; note: the page's ${clause.name} is not defined by the installed header`;
  return done({
    verdict,
    observed: outcome.observed,
    permitted: outcome.permitted,
    ...(reason ? { reason } : {}),
    ...(notes ? { note: notes } : {}),
    ...(outcome.unchecked ? { unchecked: outcome.unchecked } : {}),
    technique: outcome.technique ?? NATURAL,
    ...(verdict === 'diverge' ? withCalls : {}),
  });
}

const builds = new Map<string, BuildExports>();

/** loadedBuild -- what the build of `library` loaded in this process lacks (the libpmem2 a libpmemset build uses, too) */
export function loadedBuild(library: 'libpmem2' | 'libpmemset', opts: Pick<RunOptions, 'addon' | 'implementation'>): BuildExports {
  const impl = opts.implementation;
  const libPath = library === impl.name ? impl.path : companionLibpmem2(impl);
  const key = `${library}=${libPath}`;
  let b = builds.get(key);
  if (!b) {
    b = buildExports(library, libPath, library === 'libpmem2' ? opts.addon.missing() : opts.addon.pmemsetMissing());
    builds.set(key, b);
  }
  return b;
}

function undefinedName(c: Clause): boolean {
  if (!/^PMEM(2|SET)_[A-Z0-9_]+$/.test(c.name)) return false;
  const lib = c.name.startsWith('PMEMSET_') ? 'libpmemset' : 'libpmem2';
  const table = constantTables()[lib];
  return table !== undefined && !(c.name in table.constants);
}

export function undefinedNames(catalogue: Catalogue): { page: string; name: string }[] {
  const seen = new Set<string>();
  const out: { page: string; name: string }[] = [];
  for (const c of catalogue.clauses) {
    const key = `${c.page}@${c.version}/${c.name}`;
    if (undefinedName(c) && !seen.has(key)) {
      seen.add(key);
      out.push({ page: `${c.page}(${c.section}) [${c.version}]`, name: c.name });
    }
  }
  return out;
}

export function coverage(catalogue: Catalogue, cases: CaseResult[]): CoverageRow[] {
  const rows = new Map<string, CoverageRow>();
  const ran = new Set(cases.filter((c) => c.verdict === 'pass' || c.verdict === 'diverge').map((c) => c.clauseId));
  for (const c of catalogue.clauses) {
    const page = pageLabel(c);
    const row = rows.get(page) ?? { page, clauses: 0, ran: 0 };
    row.clauses++;
    if (ran.has(c.id)) row.ran++;
    rows.set(page, row);
  }
  return [...rows.values()];
}

/**
 * Runs every selected clause on every fixture. The caller builds the result
 * model once, over all implementations, from the cases this returns.
 */
export function runSuites(opts: RunOptions): CaseResult[] {
  const selected = selectClauses(opts.catalogue, opts.suites, opts.grep);
  const total = selected.length * opts.fixtures.length;
  const cases: CaseResult[] = [];
  for (const fixture of opts.fixtures) {
    for (const sel of selected) {
      const r = runClause(sel, fixture, opts, opts.catalogue);
      cases.push(r);
      opts.onCase?.(r, cases.length, total);
    }
  }
  return cases;
}

/** the fixture as a worker sees it */
export function fixtureView(f: Fixture): FixtureView {
  return { name: f.name, kind: f.kind, directory: f.directory(), capabilities: f.capabilities() };
}

/**
 * the suite campaign: every selected clause of one implementation's suites
 * on every in-process fixture, in a worker process (isolation.ts)
 */
export const suiteCampaign: Campaign = {
  name: 'suites',
  scope: 'implementation',
  async run(ctx: CampaignContext, r?: ImplementationRun) {
    if (!r) return;
    const { plan } = ctx;
    const selected = selectClauses(ctx.catalogue, r.suites, plan.grep);
    const byId = new Map(selected.map((s) => [s.clause.id, s.clause]));
    for (const f of plan.fixtures) {
      const mine = selected.filter((s) => inShard(caseBase(s.clause, f.name, r.impl.name).id, plan.shard));
      // a property of this shard sets aside the suites' divergences: it needs the other shards' suite cases too
      const needAll = f.kind !== 'devdax' && r.properties.some((p) => inShard(propertyUnitId(p.name, f.name, r.impl.name), plan.shard));
      const units = needAll ? selected : mine;
      const reported = new Set(mine.map((s) => s.clause.id));
      await runIsolated({
        job: { impl: r.impl, fixture: fixtureView(f), seed: plan.seed, numRuns: plan.numRuns, commandPrefix: '' },
        units: units.map((s) => ({ type: 'clause', suite: s.suite.name, clauseId: s.clause.id })),
        suiteCases: () => [],
        describe: (u) => caseBase(byId.get(u.type === 'clause' ? u.clauseId : '')!, f.name, r.impl.name),
        timeoutMs: () => plan.caseTimeoutMs,
        emit: (c) => (reported.has(c.clauseId) ? ctx.emit(c) : ctx.shadow.push(c)),
        signal: ctx.signal,
      });
    }
  },
};

export { codeName };
