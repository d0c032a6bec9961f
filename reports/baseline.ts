/**
 * Baseline of accepted divergences: a checked-in JSON file that says which
 * divergences a project has looked at and accepts (with a note saying why),
 * so that CI fails only on new ones.
 *
 *   { "schema": "pmem-conform-baseline/1",
 *     "entries": [ { "implementation": "libpmem2", "version": "1.12.1",
 *                    "clauseId": "...", "fixture": "fsdax",
 *                    "observedName": "-EINVAL", "note": "why accepted" } ] }
 *
 * An entry accepts a divergence when implementation, clauseId and
 * observedName are equal and, when the entry gives them, the fixture
 * ("*" or absent = any) and the implementation's version are equal too.
 * A divergence whose observed name changed is therefore new.
 */
import { readFileSync } from 'node:fs';
import { writeAtomic } from './write.js';
import type { CaseResult, RunResult } from '../runner/core/model.js';
import { FAILING } from '../runner/core/model.js';

export const BASELINE_SCHEMA = 'pmem-conform-baseline/1';

/** The note updateBaseline writes on entries nobody has explained yet. */
export const TODO_NOTE = 'TODO: say why this is accepted';

export interface BaselineEntry {
  implementation: string;
  /** implementation version; when present the entry matches only that version */
  version?: string;
  clauseId: string;
  /** fixture name; absent or "*" matches any fixture */
  fixture?: string;
  observedName: string;
  note: string;
}

export interface Baseline {
  schema: typeof BASELINE_SCHEMA;
  entries: BaselineEntry[];
}

export interface AcceptedDivergence {
  case: CaseResult;
  entry: BaselineEntry;
}

export interface BaselineComparison {
  /** divergences no entry accepts (including ones whose observed name changed) */
  newDivergences: CaseResult[];
  /** divergences an entry accepts */
  accepted: AcceptedDivergence[];
  /** entries whose clause ran (pass or diverge) in their scope and no longer diverges there */
  fixed: BaselineEntry[];
  /** harness errors, crashes and timeouts of the library: always gate */
  errors: CaseResult[];
  /**
   * the subset of newDivergences that an entry would have accepted but for
   * the observed name: the library now fails differently. `entry` is the old one.
   */
  changed: { case: CaseResult; entry: BaselineEntry }[];
  /** entries whose clause did not run in their scope in this run (skipped, errored or absent) */
  unexercised: BaselineEntry[];
}

export function emptyBaseline(): Baseline {
  return { schema: BASELINE_SCHEMA, entries: [] };
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function fail(file: string, what: string): never {
  throw new Error(`baseline ${file}: ${oneLine(what)}`);
}

/**
 * Read and validate a baseline file. Throws an Error with a one-line
 * message naming the file and the problem when it is unreadable or malformed.
 */
export function loadBaseline(file: string): Baseline {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    fail(file, `cannot read it (${err.code ?? err.message})`);
  }
  return parseBaseline(text, file);
}

/** Validate baseline JSON text; `file` only names the source in error messages. */
export function parseBaseline(text: string, file = '<baseline>'): Baseline {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    fail(file, `not valid JSON (${(e as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    fail(file, 'expected a JSON object with "schema" and "entries"');
  }
  const obj = raw as Record<string, unknown>;
  if (obj.schema !== BASELINE_SCHEMA) {
    fail(file, `"schema" is ${JSON.stringify(obj.schema)}, expected "${BASELINE_SCHEMA}"`);
  }
  if (!Array.isArray(obj.entries)) fail(file, '"entries" must be an array');
  const entries: BaselineEntry[] = obj.entries.map((e: unknown, i: number): BaselineEntry => {
    const at = `entries[${i}]`;
    if (typeof e !== 'object' || e === null || Array.isArray(e)) fail(file, `${at} must be an object`);
    const r = e as Record<string, unknown>;
    const str = (key: string, required: boolean): string | undefined => {
      const v = r[key];
      if (v === undefined && !required) return undefined;
      if (typeof v !== 'string' || (required && v.trim() === '')) {
        fail(file, `${at}.${key} must be a ${required ? 'non-empty ' : ''}string`);
      }
      return v;
    };
    const known = new Set(['implementation', 'version', 'clauseId', 'fixture', 'observedName', 'note']);
    for (const k of Object.keys(r)) if (!known.has(k)) fail(file, `${at} has unknown key "${k}"`);
    const entry: BaselineEntry = {
      implementation: str('implementation', true)!,
      clauseId: str('clauseId', true)!,
      observedName: str('observedName', true)!,
      note: str('note', false) ?? '',
    };
    const version = str('version', false);
    const fixture = str('fixture', false);
    if (version !== undefined) entry.version = version;
    if (fixture !== undefined) entry.fixture = fixture;
    return entry;
  });
  return { schema: BASELINE_SCHEMA, entries };
}

/** Baseline as JSON text, entries in a stable order so diffs stay small. */
export function serialiseBaseline(baseline: Baseline): string {
  const entries = [...baseline.entries].sort(compareEntries).map((e) => {
    // fixed key order
    const o: Record<string, string> = { implementation: e.implementation };
    if (e.version !== undefined) o.version = e.version;
    o.clauseId = e.clauseId;
    if (e.fixture !== undefined) o.fixture = e.fixture;
    o.observedName = e.observedName;
    o.note = e.note;
    return o;
  });
  return `${JSON.stringify({ schema: BASELINE_SCHEMA, entries }, null, 2)}\n`;
}

export function writeBaseline(file: string, baseline: Baseline): void {
  writeAtomic(file, serialiseBaseline(baseline));
}

function compareEntries(a: BaselineEntry, b: BaselineEntry): number {
  const ka = [a.implementation, a.clauseId, a.fixture ?? '', a.version ?? '', a.observedName];
  const kb = [b.implementation, b.clauseId, b.fixture ?? '', b.version ?? '', b.observedName];
  for (let i = 0; i < ka.length; i++) {
    const x = ka[i]!;
    const y = kb[i]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function versionOf(result: RunResult, implementation: string): string | undefined {
  return result.environment.implementations.find((i) => i.name === implementation)?.version;
}

/** Whether the entry is about this case's clause, implementation, fixture and version (ignoring the observed name). */
function inScope(entry: BaselineEntry, c: CaseResult, version: string | undefined): boolean {
  if (entry.implementation !== c.implementation) return false;
  if (entry.clauseId !== c.clauseId) return false;
  if (entry.fixture !== undefined && entry.fixture !== '*' && entry.fixture !== c.fixture) return false;
  if (entry.version !== undefined && entry.version !== version) return false;
  return true;
}

function observedName(c: CaseResult): string {
  return c.observed?.name ?? '';
}

/** True when `entry` accepts the divergence `c`. */
export function entryMatches(entry: BaselineEntry, c: CaseResult, version: string | undefined): boolean {
  // "*": the entry accepts the finding whatever name it ends on (a property's counterexample depends on the seed)
  return (
    c.verdict === 'diverge' && inScope(entry, c, version) && (entry.observedName === ANY_OBSERVED || entry.observedName === observedName(c))
  );
}

/** an entry's observedName that accepts any observed name */
export const ANY_OBSERVED = '*';

export function compareWithBaseline(result: RunResult, baseline: Baseline): BaselineComparison {
  const cmp: BaselineComparison = {
    newDivergences: [],
    accepted: [],
    fixed: [],
    errors: [],
    changed: [],
    unexercised: [],
  };
  const used = new Set<BaselineEntry>();
  for (const c of result.cases) {
    // harness errors, crashes and timeouts fail the gate whatever the baseline says
    if (FAILING.includes(c.verdict)) {
      cmp.errors.push(c);
      continue;
    }
    if (c.verdict !== 'diverge') continue;
    const version = versionOf(result, c.implementation);
    const entry = baseline.entries.find((e) => entryMatches(e, c, version));
    if (entry) {
      used.add(entry);
      cmp.accepted.push({ case: c, entry });
    } else {
      cmp.newDivergences.push(c);
      const old = baseline.entries.find((e) => inScope(e, c, version));
      if (old) cmp.changed.push({ case: c, entry: old });
    }
  }
  for (const entry of baseline.entries) {
    if (used.has(entry)) continue;
    const scoped = result.cases.filter((c) => inScope(entry, c, versionOf(result, c.implementation)));
    // a pass that could not check part of the clause (c.unchecked) cannot show the finding is gone
    const ran = scoped.filter((c) => (c.verdict === 'pass' && !c.unchecked) || c.verdict === 'diverge');
    if (ran.length === 0) cmp.unexercised.push(entry);
    else if (ran.every((c) => c.verdict === 'pass')) cmp.fixed.push(entry);
    // else: it still diverges there, but with another name; reported in `changed`
  }
  return cmp;
}

/**
 * Exit code for CI: 1 when there is a new divergence or any harness error;
 * with `strict`, also when a baseline entry is fixed (so the baseline gets pruned).
 */
export function gateExitCode(cmp: BaselineComparison, opts: { strict?: boolean } = {}): 0 | 1 {
  if (cmp.newDivergences.length > 0 || cmp.errors.length > 0) return 1;
  if (opts.strict && cmp.fixed.length > 0) return 1;
  return 0;
}

/**
 * The baseline that accepts exactly this run's divergences: entries of `old`
 * that still match keep their notes (and their fixture/version scope); new
 * divergences get a fixture-specific entry with the TODO note. Entries whose
 * clause did not run in this run (another implementation, skipped) are kept,
 * so updating from a partial run does not forget them; fixed entries and
 * entries whose observed name changed are dropped.
 */
export function updateBaseline(result: RunResult, old?: Baseline, opts: { pinVersion?: boolean; pinFixture?: boolean } = {}): Baseline {
  // a divergence is the library's, on whatever fixture it shows and in whatever build: entries name a
  // fixture, or the version they were accepted for, only when asked (old entries keep what they name)
  const pinVersion = opts.pinVersion ?? false;
  const prev = old ?? emptyBaseline();
  const cmp = compareWithBaseline(result, prev);
  const keep = new Set<BaselineEntry>();
  for (const a of cmp.accepted) keep.add(a.entry);
  for (const e of cmp.unexercised) keep.add(e);
  const entries: BaselineEntry[] = prev.entries.filter((e) => keep.has(e)).map((e) => ({ ...e }));
  const seen = new Set<string>();
  for (const c of cmp.newDivergences) {
    const entry: BaselineEntry = {
      implementation: c.implementation,
      clauseId: c.clauseId,
      observedName: observedName(c) || ANY_OBSERVED, // a finding with no observed name (a property's placement) is named by its clause id alone
      note: TODO_NOTE,
    };
    if (opts.pinFixture) entry.fixture = c.fixture;
    const version = versionOf(result, c.implementation);
    if (pinVersion && version !== undefined) entry.version = version;
    const key = JSON.stringify([entry.implementation, entry.clauseId, entry.fixture, entry.version, entry.observedName]);
    if (seen.has(key)) continue;
    seen.add(key);
    entries.push(entry);
  }
  entries.sort(compareEntries);
  return { schema: BASELINE_SCHEMA, entries };
}

function describeCase(c: CaseResult): string {
  return `${c.implementation} ${c.clauseId} on ${c.fixture}`;
}

function describeEntry(e: BaselineEntry): string {
  const scope = [e.fixture && e.fixture !== '*' ? `on ${e.fixture}` : 'on any fixture', e.version ? `version ${e.version}` : '']
    .filter(Boolean)
    .join(', ');
  return `${e.implementation} ${e.clauseId} (${scope}) observed ${e.observedName}`;
}

/** Human-readable lines about a comparison, for the CLI to print. */
export function formatComparison(cmp: BaselineComparison, opts: { strict?: boolean } = {}): string {
  const lines: string[] = [];
  const changed = new Map(cmp.changed.map((x) => [x.case, x.entry]));
  lines.push(
    `baseline: ${cmp.newDivergences.length} new divergence(s), ${cmp.accepted.length} accepted, ` +
      `${cmp.fixed.length} fixed entr${cmp.fixed.length === 1 ? 'y' : 'ies'}, ${cmp.errors.length} error(s), crash(es) or timeout(s)`,
  );
  for (const c of cmp.newDivergences) {
    const old = changed.get(c);
    const permitted = c.permitted.join(' | ') || '(nothing)';
    // a case that failed on what it observed besides the code (a size, a granularity) says so in its reason
    const what =
      c.observed && c.permitted.includes(c.observed.name)
        ? oneLine(c.reason ?? '')
        : `page permits ${permitted}, library returned ${observedName(c) || '(nothing)'}`;
    lines.push(`  NEW      ${describeCase(c)}: ${what}${old ? ` (baseline accepted ${old.observedName})` : ''}`);
  }
  for (const c of cmp.errors)
    lines.push(`  ${c.verdict.toUpperCase().padEnd(8)} ${describeCase(c)}: ${oneLine(c.reason ?? 'harness error')}`);
  for (const e of cmp.fixed) {
    lines.push(`  FIXED    ${describeEntry(e)}: no longer diverges; remove it from the baseline${opts.strict ? ' (--strict)' : ''}`);
  }
  const todo = cmp.accepted.filter((a) => a.entry.note === TODO_NOTE || a.entry.note.trim() === '').length;
  if (todo > 0) lines.push(`  note: ${todo} accepted divergence(s) have no explanation in the baseline yet`);
  return lines.join('\n');
}
