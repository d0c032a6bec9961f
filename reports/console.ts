/**
 * The console reporter. A header line (implementations, fixtures, seed),
 * a [n/N] counter that rewrites itself on a terminal and prints a plain
 * line per finished block in CI, then a summary that fits a screen: counts
 * per implementation × fixture, the findings grouped across page copies and
 * fixtures, and the gate's verdict last. --verbose adds a line per case,
 * the page's text of each divergence and the coverage table; --quiet prints
 * only the summary.
 */
import path from 'node:path';
import type { CaseResult, RunResult } from '../runner/core/model.js';
import { skippedEverywhere, skippedLine } from '../runner/core/everywhere.js';
import { summarise } from '../runner/core/model.js';
import type { Baseline } from './baseline.js';
import { fixtureNames, formatDuration, suites, versionOf } from './common.js';
import type { Finding, Gate } from './findings.js';
import { clauseTail, gateOf } from './findings.js';
import type { PlannedGroup, Reporter, RunStart } from './reporter.js';

const LABEL: Record<CaseResult['verdict'], string> = {
  pass: 'PASS   ',
  diverge: 'DIVERGE',
  skip: 'SKIP   ',
  error: 'ERROR  ',
  crash: 'CRASH  ',
  timeout: 'TIMEOUT',
};

/** SGR colours; the reporter uses them only on a terminal without NO_COLOR */
const SGR = { red: 31, green: 32, yellow: 33, magenta: 35, dim: 2, bold: 1 } as const;
type Colour = keyof typeof SGR;
type Paint = (s: string, c: Colour) => string;
const plain: Paint = (s) => s;
const ansi: Paint = (s, c) => `\x1b[${SGR[c]}m${s}\x1b[0m`;

const VERDICT_COLOUR: Record<string, Colour> = {
  pass: 'green',
  diverge: 'red',
  skip: 'yellow',
  error: 'magenta',
  crash: 'red',
  timeout: 'red',
};

export function caseLine(c: CaseResult, paint: Paint = plain): string {
  const what = c.observed ? ` -> ${c.observed.name}` : '';
  const why = c.verdict === 'pass' ? '' : c.reason ? `  (${c.reason})` : '';
  const ms = Number.isFinite(c.durationMs) ? ` ${formatDuration(c.durationMs)}` : '';
  return `${paint(LABEL[c.verdict] ?? c.verdict, VERDICT_COLOUR[c.verdict] ?? 'bold')} ${c.clauseId} [${c.fixture}/${c.implementation}]${what}${why}${paint(ms, 'dim')}`;
}

/** at most this many characters on a summary line (--verbose prints them whole) */
const WIDTH = 160;

function clip(s: string, width = WIDTH): string {
  return s.length <= width ? s : `${s.slice(0, width - 1)}\u2026`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** the line of one finding: status, where, documented vs observed, how often */
function findingLine(f: Finding, paint: Paint): string {
  const status =
    f.status === 'new'
      ? paint('NEW     ', 'red')
      : f.status === 'accepted'
        ? paint('accepted', 'dim')
        : f.status === 'partly accepted'
          ? paint('NEW*    ', 'red')
          : paint('finding ', 'yellow');
  const permitted =
    f.permitted.length === 0 ? '(none listed)' : f.permitted.length > 3 ? `one of ${f.permitted.length} names` : f.permitted.join('|');
  const where = [f.copies.length > 1 ? `${f.copies.length} page copies` : f.copies[0], f.fixtures.join(',')].filter(Boolean).join('; ');
  // a behaviour that failed on what it observed besides the code says what in its reason
  const what =
    f.observedName && f.permitted.includes(f.observedName)
      ? (f.cases[0]!.reason ?? '').replace(/\s+/g, ' ')
      : `page permits ${permitted}, got ${f.observedName || '(nothing)'}`;
  return `  ${status} ${f.implementation} ${f.tail}: ${what} [${where}]`;
}

export interface SummaryOptions {
  verbose?: boolean;
  baseline?: Baseline;
  strict?: boolean;
  paint?: Paint;
}

/** summaryText -- the end-of-run summary; the gate's verdict is its last line */
export function summaryText(result: RunResult, opts: SummaryOptions = {}): string {
  const paint = opts.paint ?? plain;
  const verbose = !!opts.verbose;
  const fit = (s: string) => (verbose ? s : clip(s));
  const gate = gateOf(result, opts.baseline, { strict: opts.strict ?? false });
  const lines: string[] = [''];
  const groups = suites(result);
  const width = Math.max(0, ...groups.map((g) => `${g.implementation} on ${g.fixture}`.length));
  for (const g of groups) {
    const s = summarise(g.cases);
    const broken = s.crash || s.timeout ? `, ${s.crash} crash, ${s.timeout} timeout` : '';
    const ms = g.cases.reduce((a, c) => a + (Number.isFinite(c.durationMs) ? c.durationMs : 0), 0);
    const version = versionOf(result, g.implementation);
    lines.push(
      `${`${g.implementation} on ${g.fixture}`.padEnd(width)}  ${s.pass} pass, ${paint(`${s.diverge} diverge`, s.diverge ? 'red' : 'dim')}, ` +
        `${s.skip} skip, ${paint(`${s.error} error`, s.error ? 'magenta' : 'dim')}${broken} (${s.total} cases, ${formatDuration(ms)})` +
        (version ? paint(`  ${version}`, 'dim') : ''),
    );
  }
  // crashes, timeouts and harness errors first: they fail any gate, and are no finding
  if (gate.broken.length) {
    lines.push('', paint(`Crashes, timeouts and harness errors: ${gate.broken.length}`, 'red'));
    const shown = verbose ? gate.broken : gate.broken.slice(0, 10);
    for (const c of shown) {
      lines.push(fit(`  ${c.verdict.toUpperCase().padEnd(8)}${c.clauseId} [${c.fixture}/${c.implementation}]: ${c.reason ?? ''}`));
      if (c.repro) lines.push(`      reproducer in C: ${c.repro}`);
    }
    if (shown.length < gate.broken.length) lines.push(`  \u2026 and ${gate.broken.length - shown.length} more (index.html lists them all)`);
  }
  const divergent = result.cases.filter((c) => c.verdict === 'diverge').length;
  if (gate.findings.length) {
    lines.push(
      '',
      `Findings: ${gate.findings.length} (${plural(divergent, 'divergent case')}, one line per clause across page copies and fixtures)` +
        (gate.baseline ? `: ${gate.newFindings} new, ${gate.acceptedFindings} accepted by the baseline` : ''),
    );
    // new findings first: they are what turns a gate red
    const order = (f: Finding) => (f.status === 'accepted' ? 1 : 0);
    const sorted = [...gate.findings].sort((a, b) => order(a) - order(b));
    const shown = verbose ? sorted : sorted.slice(0, 25);
    for (const f of shown) {
      lines.push(fit(findingLine(f, paint)));
      const replay = f.cases.find((c) => c.replay)?.replay;
      if (replay && f.status !== 'accepted') lines.push(`      replay: ${replay}`);
      // a new finding is what a maintainer is asked to fix: name the program that shows it
      const repro = f.cases.find((c) => c.repro)?.repro;
      if (repro && (verbose || f.status === 'new' || f.status === 'partly accepted')) lines.push(`      reproducer in C: ${repro}`);
      if (verbose) {
        const c = f.cases[0]!;
        if (c.reason) lines.push(`      why: ${c.reason}`);
        lines.push(`      the page: ${c.clauseText}`);
        for (const n of f.notes) lines.push(`      baseline: ${n}`);
      }
    }
    if (shown.length < sorted.length) lines.push(`  \u2026 and ${sorted.length - shown.length} more (--verbose or index.html)`);
    const repros = result.cases.filter((c) => c.verdict === 'diverge' && c.repro).length;
    if (repros && !verbose && gate.newFindings === 0)
      lines.push(`  C reproducers of ${plural(repros, 'divergent case')}: repro/ beside results.json (npx pmem-conform repro 'CASE-ID')`);
  }
  // a partial build's findings, once per build, not once per case that needed the function
  for (const i of result.environment.implementations) {
    if (i.declaredNotExported?.length)
      lines.push('', fit(`${i.name} (${i.path}) declares in its header but does not export: ${i.declaredNotExported.join(', ')}`));
    if (i.missing?.length) lines.push(fit(`${i.name} (${i.path}) lacks: ${i.missing.join(', ')}`));
  }
  if (gate.fixed.length) {
    lines.push(
      '',
      `Baseline entries that no longer diverge here: ${gate.fixed.length}${gate.strict ? ' (--strict: they fail the gate)' : ''}`,
    );
    const shown = verbose ? gate.fixed : gate.fixed.slice(0, 5);
    for (const e of shown)
      lines.push(
        fit(`  ${paint('FIXED', gate.strict ? 'red' : 'green')}    ${e.implementation} ${clauseTail(e.clauseId)} (was ${e.observedName})`),
      );
    if (shown.length < gate.fixed.length) lines.push(`  \u2026 and ${gate.fixed.length - shown.length} more`);
  }
  // the clauses no fixture ran: one line, and with --verbose each with why (the first reason, where they differ by fixture)
  const nowhere = result.skippedEverywhere ?? skippedEverywhere(result.cases);
  if (nowhere.clauses.length) {
    lines.push('', skippedLine(nowhere));
    if (verbose)
      for (const s of nowhere.clauses.filter((x) => !x.platformOnly))
        for (const w of s.why) lines.push(`  ${s.clause} [${w.technique}; ${w.fixtures.join(',')}]: ${w.reason}`);
  }
  const undef = result.undefinedNames ?? [];
  const gaps = result.catalogueGaps ?? [];
  if (verbose) {
    if (undef.length) {
      lines.push('', 'Documented names the installed header does not define:');
      for (const u of undef) lines.push(`  ${u.name} in ${u.page}`);
    }
    if (gaps.length) {
      lines.push('', 'Gaps in the pages:');
      for (const g of gaps) lines.push(`  ${g.page} [${g.version}]: ${g.what}`);
    }
    const cov = (result.coverage ?? []).filter((r) => r.clauses > 0);
    if (cov.length) {
      lines.push('', 'Catalogue coverage (clauses with a case that ran / clauses):');
      for (const r of cov) lines.push(`  ${r.page}: ${r.ran}/${r.clauses}`);
    }
  } else if (undef.length || gaps.length) {
    lines.push(
      '',
      `The pages: ${plural(undef.length, 'documented name')} the header does not define, ${plural(gaps.length, 'gap')} (--verbose or index.html)`,
    );
  }
  return lines.join('\n');
}

/** gateLine -- the last line of a run: its verdict and why */
export function gateLine(gate: Gate, paint: Paint = plain): string {
  const counts = gate.baseline
    ? `${gate.newFindings} new (${plural(gate.newCases, 'case')}), ${gate.acceptedFindings} accepted (${plural(gate.acceptedCases, 'case')}), ${gate.fixed.length} fixed`
    : `${plural(gate.findings.length, 'finding')}, not gated (no --baseline)`;
  if (gate.verdict === 'red') return `${paint('GATE RED', 'red')}: ${gate.why.join('; ')} \u2014 ${counts}`;
  return `${paint('GATE GREEN', 'green')}: ${gate.baseline ? 'nothing new against the baseline' : 'no harness error, crash or timeout'} \u2014 ${counts}`;
}

export interface ConsoleOptions {
  /** only the summary */
  quiet?: boolean;
  /** a line per case, the page's text of each divergence and the coverage table */
  verbose?: boolean;
  /** the report files the run writes, named before the verdict */
  files: string[];
  /** the seed was chosen at random (the summary says how to repeat the run) */
  randomSeed: boolean;
  /** the gate the run is held to (its verdict is the last line) */
  baseline?: Baseline;
  strict?: boolean;
  /** where lines go and whether it is a terminal (tests pass their own) */
  out?: { write(s: string): unknown; isTTY?: boolean; columns?: number };
  /** colour: default on a terminal unless NO_COLOR is set */
  colour?: boolean;
  /** seconds without a finished case before a "still running" line, when not on a terminal (default 10) */
  heartbeatSeconds?: number;
}

/** ConsoleReporter -- header, progress, summary, verdict */
export class ConsoleReporter implements Reporter {
  private readonly out: { write(s: string): unknown; isTTY?: boolean; columns?: number };
  private readonly tty: boolean;
  private readonly paint: Paint;
  private planned: PlannedGroup[] = [];
  private total = 0;
  /** units seen (a property's several findings are one unit), per planned group key */
  private readonly seen = new Map<string, Set<string>>();
  private done = 0;
  private group = '';
  private groupCases: CaseResult[] = [];
  private groupStarted = Date.now();
  private last = Date.now();
  private lastBeat = 0;
  private timer: NodeJS.Timeout | undefined;
  private progressShown = false;

  constructor(private readonly opts: ConsoleOptions) {
    this.out = opts.out ?? process.stdout;
    this.tty = this.out.isTTY === true;
    const colour = opts.colour ?? (this.tty && !process.env.NO_COLOR);
    this.paint = colour ? ansi : plain;
  }

  private line(s: string): void {
    this.clearProgress();
    this.out.write(`${s}\n`);
  }

  private clearProgress(): void {
    if (this.progressShown) {
      this.out.write('\r\x1b[K');
      this.progressShown = false;
    }
  }

  begin(start: RunStart): void {
    this.planned = start.planned ?? [];
    this.total = this.planned.reduce((a, g) => a + g.units.length, 0);
    if (!this.opts.quiet) {
      const seed = start.seed !== undefined ? `, seed ${start.seed}` : '';
      this.line(
        `pmem-conform: ${start.implementations.join(' + ') || 'no implementation'} on ${start.fixtures.join(', ') || 'no fixture'}${seed}` +
          plannedText(this.planned),
      );
    }
    const beat = this.tty ? 1 : 5;
    if (!this.opts.verbose && (this.tty || !this.opts.quiet)) {
      this.timer = setInterval(() => this.heartbeat(), beat * 1000);
      this.timer.unref();
    }
  }

  /** the unit a case counts for: a property's findings and its final pass are one */
  private unit(c: CaseResult): string {
    return c.kind === 'property' ? c.clause.split(': ')[0]! : c.clauseId;
  }

  /** what is running now: the first planned unit not seen yet */
  private running(): string {
    for (const g of this.planned) {
      const seen = this.seen.get(`${g.implementation}\u0000${g.fixture}\u0000${g.campaign}`);
      const next = g.units.find((u) => !seen?.has(u));
      if (next !== undefined)
        return `${g.implementation} on ${g.fixture}: ${g.campaign === 'properties' ? `property ${next}` : clauseTail(next)}`;
    }
    return 'remote fixtures and trials';
  }

  private counter(): string {
    return this.total && this.done <= this.total ? `[${this.done}/${this.total}]` : `[${this.done}]`;
  }

  private heartbeat(): void {
    const idle = Math.round((Date.now() - this.last) / 1000);
    if (this.tty) this.progress(`${this.running()}${idle >= 2 ? ` (${idle} s)` : ''}`);
    else if (idle >= (this.opts.heartbeatSeconds ?? 10) && Date.now() - this.lastBeat >= (this.opts.heartbeatSeconds ?? 10) * 1000) {
      this.lastBeat = Date.now();
      this.line(`${this.counter()} still running ${this.running()} (${idle} s since the last case)`);
    }
  }

  private progress(what: string): void {
    const cols = this.out.columns ?? 100;
    this.out.write(`\r\x1b[K${clip(`${this.counter()} ${what}`, Math.max(20, cols - 1))}`);
    this.progressShown = true;
  }

  /** a block (implementation × fixture × suites or properties) ended: one plain line for logs */
  private endGroup(): void {
    if (!this.group || this.groupCases.length === 0) return;
    const s = summarise(this.groupCases);
    const extra = [s.error && `${s.error} error`, s.crash && `${s.crash} crash`, s.timeout && `${s.timeout} timeout`]
      .filter(Boolean)
      .join(', ');
    if (!this.opts.quiet && !this.opts.verbose)
      this.line(
        `${this.counter()} ${this.group}: ${s.pass} pass, ${this.paint(`${s.diverge} diverge`, s.diverge ? 'red' : 'dim')}, ${s.skip} skip` +
          `${extra ? `, ${this.paint(extra, 'red')}` : ''} (${formatDuration(Date.now() - this.groupStarted)})`,
      );
    this.groupCases = [];
  }

  case(c: CaseResult): void {
    const campaign = c.kind === 'property' ? 'properties' : c.kind === 'durability' ? 'durability' : 'suites';
    const key = `${c.implementation}\u0000${c.fixture}\u0000${campaign}`;
    const label = `${c.implementation} on ${c.fixture}, ${campaign}`;
    if (label !== this.group) {
      this.endGroup();
      this.group = label;
      this.groupStarted = this.last;
    }
    const units = this.seen.get(key) ?? new Set<string>();
    this.seen.set(key, units);
    const unit = this.unit(c);
    if (!units.has(unit)) {
      units.add(unit);
      this.done++;
    }
    this.groupCases.push(c);
    this.last = Date.now();
    if (this.opts.verbose) this.line(caseLine(c, this.paint));
    else if (this.tty) this.progress(`${label}: ${c.kind === 'property' ? unit : clauseTail(c.clauseId)}`);
  }

  end(result: RunResult): void {
    if (this.timer) clearInterval(this.timer);
    this.endGroup();
    this.clearProgress();
    const gate = gateOf(result, this.opts.baseline, { strict: this.opts.strict ?? false });
    this.line(
      summaryText(result, {
        verbose: this.opts.verbose ?? false,
        ...(this.opts.baseline ? { baseline: this.opts.baseline } : {}),
        strict: this.opts.strict ?? false,
        paint: this.paint,
      }),
    );
    const s = summarise(result.cases);
    const broken = s.crash || s.timeout ? `, ${s.crash} crashed, ${s.timeout} timed out` : '';
    const fixtures = fixtureNames(result).length;
    this.line(
      `\n${s.total} cases on ${plural(fixtures, 'fixture')} in ${formatDuration(result.environment.durationMs)}: ` +
        `${s.pass} passed, ${s.diverge} diverged, ${s.skip} skipped, ${s.error} errors${broken}`,
    );
    const seed = result.environment.seed;
    if (seed !== undefined) this.line(`seed ${seed}${this.opts.randomSeed ? ' (chosen at random; pass --seed to repeat this run)' : ''}`);
    this.line(`reports: ${this.opts.files.map((f) => path.relative(process.cwd(), f) || f).join(', ')}`);
    this.line(gateLine(gate, this.paint));
  }
}

/**
 * plannedText -- the header's count of what the [n/N] counter counts: a
 * clause's case is one case, but a property is one unit that reports a case
 * per finding, so the summary's case count may be higher than the units
 */
function plannedText(planned: PlannedGroup[]): string {
  let clauses = 0;
  let properties = 0;
  for (const g of planned) {
    if (g.campaign === 'properties') properties += g.units.length;
    else clauses += g.units.length;
  }
  if (!clauses && !properties) return '';
  const parts = [];
  if (clauses) parts.push(`${clauses} clause case${clauses === 1 ? '' : 's'}`);
  if (properties) parts.push(`${properties} propert${properties === 1 ? 'y' : 'ies'}`);
  return `, ${parts.join(' and ')} planned`;
}
