/** The console reporter: a line per case, then the summary and the divergences. */
import path from 'node:path';
import type { CaseResult, RunResult } from '../runner/core/model.js';
import { summarise } from '../runner/core/model.js';
import type { Reporter } from './reporter.js';

const LABEL: Record<CaseResult['verdict'], string> = {
  pass: 'PASS   ',
  diverge: 'DIVERGE',
  skip: 'SKIP   ',
  error: 'ERROR  ',
  crash: 'CRASH  ',
  timeout: 'TIMEOUT',
};

export function caseLine(c: CaseResult): string {
  const what = c.observed ? ` -> ${c.observed.name}` : '';
  const why = c.verdict === 'pass' ? '' : c.reason ? `  (${c.reason})` : '';
  return `${LABEL[c.verdict]} ${c.clauseId} [${c.fixture}/${c.implementation}]${what}${why}`;
}

export function summaryText(result: RunResult): string {
  const lines: string[] = [];
  const groups = new Map<string, CaseResult[]>();
  for (const c of result.cases) {
    const k = `${c.implementation} on ${c.fixture}`;
    groups.set(k, [...(groups.get(k) ?? []), c]);
  }
  lines.push('');
  for (const [k, cs] of groups) {
    const s = summarise(cs);
    const broken = s.crash || s.timeout ? `, ${s.crash} crash, ${s.timeout} timeout` : '';
    lines.push(`${k}: ${s.pass} pass, ${s.diverge} diverge, ${s.skip} skip, ${s.error} error${broken} (${s.total} cases)`);
  }
  // crashes and timeouts first: they fail any gate, and are no divergence
  const broke = result.cases.filter((c) => c.verdict === 'crash' || c.verdict === 'timeout');
  if (broke.length) {
    lines.push('', `Crashes and timeouts of the library: ${broke.length}`);
    for (const c of broke) {
      lines.push(`  ${c.verdict.toUpperCase()} ${c.clauseId} [${c.fixture}/${c.implementation}]: ${c.reason}`);
      if (c.repro) lines.push(`      reproducer in C: ${c.repro}`);
    }
  }
  const div = result.cases.filter((c) => c.verdict === 'diverge');
  if (div.length) {
    lines.push('', `Divergences (documented vs observed): ${div.length}`);
    for (const c of div) {
      lines.push(`  ${c.clauseId} [${c.fixture}]: ${c.reason}`);
      // what the page says, in its words: the finding is only as good as the clause it is held to
      lines.push(`      the page: ${c.clauseText}`);
      if (c.repro) lines.push(`      reproducer in C: ${c.repro}`);
    }
  }
  const props = result.cases.filter((c) => c.kind === 'property' && c.verdict !== 'pass');
  if (props.length) {
    lines.push('', 'Property failures (replay with the command shown):');
    for (const c of props)
      lines.push(
        `  ${c.clause} [${c.fixture}/${c.implementation}] seed ${c.seed}${c.path ? ` path ${c.path}` : ''}`,
        `    ${c.reason}`,
        `    replay: ${c.replay}`,
      );
  }
  const err = result.cases.filter((c) => c.verdict === 'error');
  if (err.length) {
    lines.push('', `Harness errors: ${err.length}`);
    for (const c of err) lines.push(`  ${c.clauseId} [${c.fixture}]: ${c.reason}`);
  }
  // a partial build's findings, once per build, not once per case that needed the function
  for (const i of result.environment.implementations) {
    if (i.declaredNotExported?.length)
      lines.push('', `${i.name} (${i.path}) declares in its header but does not export: ${i.declaredNotExported.join(', ')}`);
    if (i.missing?.length) lines.push(`${i.name} (${i.path}) lacks: ${i.missing.join(', ')}`);
  }
  if (result.undefinedNames.length) {
    lines.push('', 'Documented names the installed header does not define:');
    for (const u of result.undefinedNames) lines.push(`  ${u.name} in ${u.page}`);
  }
  if (result.catalogueGaps?.length) {
    lines.push('', 'Gaps in the pages:');
    for (const g of result.catalogueGaps) lines.push(`  ${g.page} [${g.version}]: ${g.what}`);
  }
  const cov = result.coverage.filter((r) => r.clauses > 0);
  if (cov.length) {
    lines.push('', 'Catalogue coverage (clauses with a case that ran / clauses):');
    for (const r of cov) lines.push(`  ${r.page}: ${r.ran}/${r.clauses}`);
  }
  return lines.join('\n');
}

export interface ConsoleOptions {
  /** no per-case lines: only the summary (and a progress counter on a terminal) */
  quiet: boolean;
  /** the report files the run writes, named in the last line */
  files: string[];
  /** the seed was chosen at random (the summary says how to repeat the run) */
  randomSeed: boolean;
}

/** ConsoleReporter -- a line per case as it finishes, then the summary, the counts, the seed and the report files */
export class ConsoleReporter implements Reporter {
  private done = 0;
  private readonly tty = process.stdout.isTTY === true;

  constructor(private readonly opts: ConsoleOptions) {}

  case(c: CaseResult): void {
    this.done++;
    if (!this.opts.quiet) console.log(caseLine(c));
    else if (this.tty) process.stdout.write(`\r[${this.done}] ${c.implementation} on ${c.fixture}   `);
  }

  end(result: RunResult): void {
    if (this.opts.quiet && this.tty && this.done > 0) process.stdout.write('\n');
    console.log(summaryText(result));
    const s = summarise(result.cases);
    const broken = s.crash || s.timeout ? `, ${s.crash} crashed, ${s.timeout} timed out` : '';
    console.log(`\n${s.pass} passed, ${s.diverge} diverged, ${s.skip} skipped, ${s.error} errors${broken}`);
    const seed = result.environment.seed;
    if (seed !== undefined) console.log(`seed ${seed}${this.opts.randomSeed ? ' (chosen at random; pass --seed to repeat this run)' : ''}`);
    console.log(`reports: ${this.opts.files.map((f) => path.relative(process.cwd(), f) || f).join(', ')}`);
  }
}
