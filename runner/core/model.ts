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

/** seconds a case may run unless --case-timeout says otherwise: cases take milliseconds, so only a hung call comes near it (a TCG guest multiplies it: fixtures/emulated.ts) */
export const DEFAULT_CASE_TIMEOUT_SECONDS = 10;

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
  /**
   * how the situation was provoked (a case that ran: 'natural', 'seccomp:munmap=EINVAL', 'mountns:sysfs-dax',
   * ...), or for a skip the technique that was considered and cannot apply (runner/core/technique.ts)
   */
  technique?: string;
  durationMs: number;
  /** property cases: the seed and shrink path that reproduce it */
  seed?: number;
  path?: string;
  replay?: string;
  /** property cases: how many situations fast-check ran (the throughput `npm run bench` reports) */
  runs?: number;
  /** what of the clause this fixture could not show; a pass proves only the rest (reports/baseline.ts) */
  unchecked?: string;
  /** in a report merged from many hosts: the host that ran the case (its fixture name ends in " @ host") */
  host?: string;
  /** the command that writes a standalone C reproducer of this case (divergences and crashes with a call log) */
  repro?: string;
  /** the calls the case made, in order, for the reproducer (runner/core/calllog.ts); divergences only */
  calls?: CallRecord[];
}

/** one call a case made through the addon or the file system, as recorded (runner/core/calllog.ts) */
export interface CallRecord {
  /** addon method (e.g. "mapNew") or "fs.<method>" */
  fn: string;
  /** arguments: numbers, strings, bigints as "<n>n", handles as "<kind>#<id>", buffers as "buf:<hex>" */
  args: unknown[];
  /** what it returned, in the same encoding (handles in the result become variables) */
  ret?: unknown;
  /** this is the call whose answer the case judged */
  judged?: boolean;
}

/** one host of a merged report (reports/merge.ts): its environment and the report files it came from */
export interface HostInfo {
  label: string;
  files: string[];
  environment: Environment;
  /** the shards merged for this host */
  shards?: number[];
}

/** a clause, fixture and implementation whose outcome is not the same on every host */
export interface HostDifference {
  clauseId: string;
  fixture: string;
  implementation: string;
  outcomes: { host: string; verdict: string; observed?: string }[];
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
  /** a libpmemset build: the libpmem2 it runs with (the one beside it, else the system's) */
  libpmem2?: string;
  /** functions the binding calls that the build does not export (runner/core/partial.ts) */
  missing?: string[];
  /** of those, the ones the build's own header declares: a finding, reported here once */
  declaredNotExported?: string[];
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
  /** --shard i/n: this run holds only the cases of slice `index` of `total` (runner/engine/shard.ts) */
  shard?: { index: number; total: number };
  /** the harness's version (package.json) and a digest of its catalogue: merge refuses reports that differ */
  harness?: string;
  catalogue?: string;
  /** Node processes this run's process started, itself included (its isolation workers: runner/engine/isolation.ts) */
  nodeProcesses?: number;
}

export interface CoverageRow {
  page: string;
  clauses: number;
  /** clauses with a case that ran (pass or diverge) on at least one fixture */
  ran: number;
}

/** one reason a clause was skipped, with the fixtures and page copies it was given on */
export interface SkipWhy {
  technique: string;
  reason: string;
  fixtures: string[];
  copies: string[];
}

/** a clause (page copies merged) that no fixture ran */
export interface SkippedClause {
  /** the clause id without its page copy */
  clause: string;
  function: string;
  /** every case of it is about Windows or FreeBSD only */
  platformOnly: boolean;
  why: SkipWhy[];
}

/** the clauses no fixture of a run ran (runner/core/everywhere.ts) */
export interface SkippedEverywhere {
  /** clauses no fixture ran, apart from the Windows-only and FreeBSD-only ones */
  count: number;
  /** the Windows-only and FreeBSD-only ones */
  platformOnly: number;
  /** all of them, the countable ones first */
  clauses: SkippedClause[];
}

export interface RunResult {
  schema: typeof SCHEMA;
  environment: Environment;
  cases: CaseResult[];
  coverage: CoverageRow[];
  /** the clauses no fixture ran, page copies merged, with why (absent in reports of older harnesses) */
  skippedEverywhere?: SkippedEverywhere;
  /** documented names the installed header does not define */
  undefinedNames: { page: string; name: string }[];
  /** what the pages leave out (an ERRORS section listing nothing, a behaviour a copy does not state) */
  catalogueGaps?: { page: string; version: string; what: string }[];
  /** a merged report: every host's environment, and the cells whose outcome differs between hosts */
  hosts?: HostInfo[];
  hostDifferences?: HostDifference[];
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
