/**
 * The one result model. Every reporter (console, JSON, JUnit, HTML) reads
 * a RunResult and nothing else; the JSON report is its serialisation.
 */

export const SCHEMA = 'pmem-conform/1';

/**
 * pass: the observed outcome is one the page permits; diverge: it is not
 * (a finding); skip: the situation could not be built here (the reason
 * says why); error: the harness failed; crash: the library killed the
 * process that ran the case (a signal, or exit() from inside a call);
 * timeout: a call did not return within the case timeout. A crash or a
 * timeout is never a pass and always fails a gate.
 */
export type Verdict = 'pass' | 'diverge' | 'skip' | 'error' | 'crash' | 'timeout';

export const VERDICTS: readonly Verdict[] = ['pass', 'diverge', 'skip', 'error', 'crash', 'timeout'];

/** verdicts that fail a run whatever a baseline accepts */
export const FAILING: readonly Verdict[] = ['error', 'crash', 'timeout'];

/**
 * What a case checks, the one field every reporter reads to tell cases
 * apart: an ERRORS entry of a page, a described behaviour, an error the
 * library returns that no page lists, a property search, or a power-cut
 * durability trial.
 */
export type CaseKind = 'error' | 'behaviour' | 'unlisted' | 'property' | 'durability';

export const CASE_KINDS: readonly CaseKind[] = ['error', 'behaviour', 'unlisted', 'property', 'durability'];

/** What one library call returned. */
export interface Observed {
  /** raw return code (0 on success, a library constant or -errno otherwise) */
  code: number;
  /** symbolic name from the installed header, "-ENAME" for a negative errno, "0" for success */
  name: string;
  /** the call that returned it, as a reader would write it */
  at: string;
  /** the library's errormsg() right after the call, when it failed */
  message?: string;
  /** facts the case observed besides the code (pointer state, sizes, granularity) */
  details?: Record<string, string | number | boolean>;
}

export interface CaseResult {
  /** stable id: "<clause id>@<fixture>/<implementation>" */
  id: string;
  /** the clause's stable id in the catalogue */
  clauseId: string;
  /** man page (and version) the clause comes from, e.g. "pmem2_map_new(3) [seed .txt]" */
  page: string;
  function: string;
  /** the documented name as the page writes it (constant, -EERRNO, or a behaviour label) */
  clause: string;
  clauseText: string;
  kind: CaseKind;
  fixture: string;
  implementation: string;
  verdict: Verdict;
  observed?: Observed;
  /** names the page permits in this situation ("0" for success) */
  permitted: string[];
  /** why skipped, why it diverged, or what went wrong in the harness */
  reason?: string;
  /** a note on the clause (page contradictions, our reading) */
  note?: string;
  durationMs: number;
  /** property cases: the seed and shrink path that reproduce it */
  seed?: number;
  path?: string;
  replay?: string;
}

export interface FixtureInfo {
  name: string;
  kind: string;
  /** where the suites create files */
  directory?: string;
  capabilities: Record<string, string | number | boolean>;
}

export interface ImplementationInfo {
  name: string;
  library: string;
  path: string;
  version?: string;
}

export interface Environment {
  kernel: string;
  arch: string;
  node: string;
  cpuFlushInstructions: string[];
  hostname: string;
  fixtures: FixtureInfo[];
  implementations: ImplementationInfo[];
  startedAt: string;
  durationMs: number;
  command: string;
  seed?: number;
}

export interface CoverageRow {
  page: string;
  clauses: number;
  /** clauses with a case that ran (pass or diverge) on at least one fixture */
  ran: number;
}

export interface RunResult {
  schema: typeof SCHEMA;
  environment: Environment;
  cases: CaseResult[];
  coverage: CoverageRow[];
  /** documented names the installed header does not define */
  undefinedNames: { page: string; name: string }[];
  /** what the pages leave out (an ERRORS section listing nothing, a behaviour a copy does not state) */
  catalogueGaps?: { page: string; version: string; what: string }[];
  /** the run was stopped (SIGINT, SIGTERM) before it finished: `cases` are the ones that finished */
  interrupted?: boolean;
  /** the signal that stopped it */
  interruptedBy?: string;
  /** fixtures that failed to start or to run after others had run; their cases are missing */
  fixtureErrors?: FixtureFailure[];
}

/** a fixture that failed as a whole (a guest that would not boot, a child run that died) */
export interface FixtureFailure {
  fixture: string;
  error: string;
}

export interface Summary {
  pass: number;
  diverge: number;
  skip: number;
  error: number;
  crash: number;
  timeout: number;
  total: number;
}

/** summarise -- counts per verdict; the one summary every reporter shows (a verdict it does not know, from another version's results.json, counts in the total only) */
export function summarise(cases: readonly CaseResult[]): Summary {
  const s: Summary = { pass: 0, diverge: 0, skip: 0, error: 0, crash: 0, timeout: 0, total: cases.length };
  for (const c of cases) if (VERDICTS.includes(c.verdict)) s[c.verdict]++;
  return s;
}
