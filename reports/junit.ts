/**
 * JUnit XML: one <testsuite> per implementation × fixture, one <testcase>
 * per case. Divergences the baseline does not accept are <failure>s,
 * harness errors are <error>s, skips are <skipped>; an accepted divergence
 * passes with a <system-out> saying so. The dialect is the common one read
 * by GitHub Actions reporters, GitLab and Jenkins.
 */
import { writeAtomic } from './write.js';
import type { CaseResult, RunResult } from '../runner/core/model.js';
import { compareWithBaseline, type Baseline, type BaselineEntry } from './baseline.js';
import { escapeXml, str, suites, versionOf } from './common.js';
import type { Reporter } from './reporter.js';

export interface JunitOptions {
  baseline?: Baseline;
  /** --strict: a baseline entry that no longer diverges is a failure (the run exits 1 for it) */
  strict?: boolean;
}

/**
 * junitClassname -- Jenkins splits a classname at its last dot into package
 * and class ("pmem2_map_new(3) [man-1.12" / "1]..."): no dots, so the page
 * and its version read whole in Jenkins, GitLab and GitHub alike
 */
export function junitClassname(page: string, fn: string): string {
  return `${page}/${fn}`.replace(/\./g, '_');
}

const x = escapeXml;

function seconds(ms: number | undefined): string {
  const v = typeof ms === 'number' && Number.isFinite(ms) && ms > 0 ? ms / 1000 : 0;
  return v.toFixed(3);
}

function property(name: string, value: unknown): string {
  return `      <property name="${x(name)}" value="${x(str(value))}"/>`;
}

function environmentProperties(result: RunResult, implementation: string, fixture: string): string[] {
  const env = result.environment;
  const props: string[] = [
    property('implementation', implementation),
    property('fixture', fixture),
    property('kernel', env.kernel),
    property('arch', env.arch),
    property('node', env.node),
    property('hostname', env.hostname),
    property('cpu.flush', (env.cpuFlushInstructions ?? []).join(' ')),
    property('command', env.command),
    ...(result.interrupted ? [property('interrupted', result.interruptedBy ?? 'true')] : []),
    property('startedAt', env.startedAt),
  ];
  if (env.seed !== undefined) props.push(property('seed', env.seed));
  const impl = env.implementations?.find((i) => i.name === implementation);
  if (impl) {
    props.push(property('implementation.library', impl.library));
    props.push(property('implementation.path', impl.path));
    if (impl.version !== undefined) props.push(property('implementation.version', impl.version));
  }
  const fx = env.fixtures?.find((f) => f.name === fixture);
  if (fx) {
    props.push(property('fixture.kind', fx.kind));
    if (fx.directory !== undefined) props.push(property('fixture.directory', fx.directory));
    for (const [k, v] of Object.entries(fx.capabilities ?? {})) props.push(property(`fixture.capability.${k}`, v));
  }
  return props;
}

function caseBody(c: CaseResult): string {
  const lines: string[] = [];
  lines.push(`${c.page} — ${c.function}() — ${c.clause}`);
  if (c.clauseText) lines.push(`The page says: ${c.clauseText}`);
  lines.push(`Permitted: ${c.permitted.length ? c.permitted.join(', ') : '(none listed)'}`);
  if (c.observed) {
    const o = c.observed;
    lines.push(`Observed: ${o.name} (${o.code}) from ${o.at}`);
    if (o.message) lines.push(`Message: ${o.message}`);
    for (const [k, v] of Object.entries(o.details ?? {})) lines.push(`  ${k} = ${str(v)}`);
  }
  if (c.reason) lines.push(`Reason: ${c.reason}`);
  if (c.note) lines.push(`Note: ${c.note}`);
  if (c.seed !== undefined) lines.push(`Seed: ${c.seed}`);
  if (c.path !== undefined) lines.push(`Path: ${c.path}`);
  if (c.replay) lines.push(`Replay: ${c.replay}`);
  lines.push(`Case: ${c.id}`);
  return lines.join('\n');
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function testcase(c: CaseResult, accepted: BaselineEntry | undefined): string {
  const open =
    `    <testcase classname="${x(junitClassname(c.page, c.function))}" name="${x(`${c.clause} [${c.clauseId}]`)}"` +
    ` time="${seconds(c.durationMs)}"`;
  // how the clause was provoked, or the technique a skip considered (runner/core/technique.ts)
  const props = c.technique ? `\n      <properties>\n  ${property('technique', c.technique)}\n      </properties>` : '';
  const observed = c.observed ? `${c.observed.name}` : '(nothing observed)';
  const permitted = c.permitted.length ? c.permitted.join(' | ') : '(none listed)';
  switch (c.verdict) {
    case 'pass':
      return props ? `${open}>${props}\n    </testcase>` : `${open}/>`;
    case 'skip':
      return `${open}>${props}\n      <skipped message="${x(oneLine(c.reason ?? 'skipped'))}"/>\n    </testcase>`;
    case 'error':
      return (
        `${open}>${props}\n      <error message="${x(oneLine(c.reason ?? 'harness error'))}" type="harness-error">` +
        `${x(caseBody(c))}</error>\n    </testcase>`
      );
    case 'crash':
    case 'timeout':
      // the library, not the harness, ended the case: an <error> of its own type, never a failure a baseline accepts
      return (
        `${open}>${props}\n      <error message="${x(oneLine(c.reason ?? c.verdict))}" type="library-${c.verdict}">` +
        `${x(caseBody(c))}</error>\n    </testcase>`
      );
    case 'diverge': {
      if (accepted) {
        const out =
          `Accepted divergence (baseline): the page permits ${permitted}, the library returned ${observed}.\n` +
          `Why accepted: ${accepted.note || '(no note in the baseline)'}\n\n${caseBody(c)}`;
        return `${open}>${props}\n      <system-out>${x(out)}</system-out>\n    </testcase>`;
      }
      const message = `page permits ${permitted}; library returned ${observed}`;
      return `${open}>${props}\n      <failure message="${x(message)}" type="divergence">${x(caseBody(c))}</failure>\n    </testcase>`;
    }
    default:
      return (
        `${open}>\n      <error message="${x(`unknown verdict ${str(c.verdict)}`)}" type="harness-error">` +
        `${x(caseBody(c))}</error>\n    </testcase>`
      );
  }
}

export function renderJunit(result: RunResult, opts: JunitOptions = {}): string {
  const acceptedBy = new Map<CaseResult, BaselineEntry>();
  let fixed: BaselineEntry[] = [];
  if (opts.baseline) {
    const cmp = compareWithBaseline(result, opts.baseline);
    for (const a of cmp.accepted) acceptedBy.set(a.case, a.entry);
    if (opts.strict) fixed = cmp.fixed;
  }
  const env = result.environment;
  const timestamp = str(env.startedAt)
    .replace(/Z$|[+-]\d\d:\d\d$/, '')
    .replace(/\.\d+$/, '');
  const total = { tests: 0, failures: 0, errors: 0, skipped: 0, ms: 0 };
  const blocks: string[] = [];
  let id = 0;
  for (const s of suites(result)) {
    const counts = { tests: s.cases.length, failures: 0, errors: 0, skipped: 0, ms: 0 };
    for (const c of s.cases) {
      counts.ms += typeof c.durationMs === 'number' && Number.isFinite(c.durationMs) ? c.durationMs : 0;
      if (c.verdict === 'skip') counts.skipped++;
      else if (c.verdict === 'diverge' && !acceptedBy.has(c)) counts.failures++;
      else if (c.verdict !== 'pass' && c.verdict !== 'diverge') counts.errors++;
    }
    total.tests += counts.tests;
    total.failures += counts.failures;
    total.errors += counts.errors;
    total.skipped += counts.skipped;
    total.ms += counts.ms;
    const version = versionOf(result, s.implementation);
    const name = `${s.implementation}${version ? ` ${version}` : ''} @ ${s.fixture}`;
    blocks.push(
      `  <testsuite name="${x(name)}" id="${id++}" package="${x(s.implementation)}"` +
        ` tests="${counts.tests}" failures="${counts.failures}" errors="${counts.errors}" skipped="${counts.skipped}"` +
        ` time="${seconds(counts.ms)}" timestamp="${x(timestamp)}" hostname="${x(env.hostname || 'localhost')}">\n` +
        `    <properties>\n${environmentProperties(result, s.implementation, s.fixture).join('\n')}\n    </properties>\n` +
        s.cases.map((c) => testcase(c, acceptedBy.get(c))).join('\n') +
        '\n  </testsuite>',
    );
  }
  // a fixture that failed as a whole is one errored test, so a CI reading only JUnit sees it
  for (const f of result.fixtureErrors ?? []) {
    total.tests++;
    total.errors++;
    blocks.push(
      `  <testsuite name="${x(`fixture ${f.fixture}`)}" id="${id++}" tests="1" failures="0" errors="1" skipped="0" time="0.000"` +
        ` timestamp="${x(timestamp)}" hostname="${x(env.hostname || 'localhost')}">\n` +
        `    <testcase name="${x(`fixture ${f.fixture}`)}" classname="fixture" time="0.000"><error message="${x(f.error)}"/></testcase>\n  </testsuite>`,
    );
  }
  if (result.interrupted) {
    // JUnit has no "stopped" state: an errored test says the results are partial
    total.tests++;
    total.errors++;
    blocks.push(
      `  <testsuite name="interrupted" id="${id++}" tests="1" failures="0" errors="1" skipped="0" time="0.000"` +
        ` timestamp="${x(timestamp)}" hostname="${x(env.hostname || 'localhost')}">\n` +
        `    <testcase name="run interrupted" classname="run" time="0.000"><error message="${x(`interrupted by ${result.interruptedBy ?? 'a signal'}: only the ${result.cases.length} cases that finished are reported`)}"/></testcase>\n  </testsuite>`,
    );
  }
  if (fixed.length) {
    // --strict fails the run for these: the CI's view must say so too
    total.tests += fixed.length;
    total.failures += fixed.length;
    const cases = fixed.map((f) => {
      const what = `${f.implementation} ${f.clauseId}${f.fixture && f.fixture !== '*' ? ` on ${f.fixture}` : ''}`;
      const message = `no longer diverges (the baseline accepts ${f.observedName}); remove the entry from the baseline (--strict)`;
      return (
        `    <testcase classname="baseline/${x(f.implementation)}" name="${x(`FIXED ${f.clauseId}`)}" time="0.000">\n` +
        `      <failure message="${x(message)}" type="baseline-fixed">${x(`${what}: ${message}\nBaseline note: ${f.note || '(none)'}`)}</failure>\n    </testcase>`
      );
    });
    blocks.push(
      `  <testsuite name="baseline (--strict)" id="${id++}" package="baseline" tests="${fixed.length}" failures="${fixed.length}" errors="0" skipped="0"` +
        ` time="0.000" timestamp="${x(timestamp)}" hostname="${x(env.hostname || 'localhost')}">\n${cases.join('\n')}\n  </testsuite>`,
    );
  }
  const runMs = typeof env.durationMs === 'number' && env.durationMs > 0 ? env.durationMs : total.ms;
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<testsuites name="pmem-conform" tests="${total.tests}" failures="${total.failures}" errors="${total.errors}"` +
    ` skipped="${total.skipped}" time="${seconds(runMs)}">\n` +
    blocks.join('\n') +
    (blocks.length ? '\n' : '') +
    '</testsuites>\n'
  );
}

export function writeJunit(result: RunResult, file: string, opts: JunitOptions = {}): void {
  writeAtomic(file, renderJunit(result, opts));
}

/** JunitReporter -- writes JUnit XML at the end of the run */
export class JunitReporter implements Reporter {
  constructor(
    private readonly file: string,
    private readonly opts: JunitOptions = {},
  ) {}

  end(result: RunResult): void {
    writeJunit(result, this.file, this.opts);
  }
}
