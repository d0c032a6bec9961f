/**
 * The HTML report: one self-contained file (inline CSS and JS, no network)
 * that works opened from disk. The run's data is embedded as JSON in a
 * <script type="application/json">; the page is rendered here (readable
 * without JavaScript) and the embedded script adds filters (kept in the
 * URL fragment) and the case dialog.
 *
 * Every string from the model goes through escapeHtml (markup) or
 * jsonForScript (the data block); the client script builds DOM with
 * textContent only. A Content-Security-Policy allows no network access and
 * only the one inline script (by hash), so even a missed escape could not
 * run an injected handler.
 */
import { createHash } from 'node:crypto';
import { writeAtomic } from './write.js';
import type { CaseResult, RunResult, Summary, Verdict } from '../runner/core/model.js';
import { summarise, VERDICTS } from '../runner/core/model.js';
import { skippedEverywhere, skippedLine } from '../runner/core/everywhere.js';
import type { Baseline } from './baseline.js';
import { clauseTail, differingCases, type Finding, type Gate, gateOf, pageCopy, rerunCommand, sourceOf } from './findings.js';
import {
  escapeHtml as e,
  fixtureNames,
  formatDuration,
  groupBy,
  implementationNames,
  isPropertyCase,
  str,
  suites,
  versionOf,
} from './common.js';
import { reportClient, type ClientData } from './html-client.js';
import { renderCrashReproducers, renderHosts, reproLinks } from './html-hosts.js';
import type { Reporter } from './reporter.js';

export interface HtmlOptions {
  /** mark the divergences this baseline accepts, and show the gate's verdict */
  baseline?: Baseline;
  /** --strict: a baseline entry that no longer diverges fails the gate */
  strict?: boolean;
  title?: string;
}

const SYMBOL: Record<string, string> = {
  pass: '\u2713',
  diverge: '\u2717',
  skip: '\u2013',
  error: '!',
  crash: '\u2620',
  timeout: '\u231b',
};

/** JSON that can sit inside <script type="application/json"> without ending it or opening a comment. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function clientScript(): string {
  const src = `(${reportClient.toString()})();`;
  if (/<\/script|<!--/i.test(src)) throw new Error('report client script contains "</script" or "<!--"');
  return src;
}

interface Indexed {
  c: CaseResult;
  i: number;
}

function verdictBadge(v: string, extra = ''): string {
  return `<span class="verdict v-${e(v)}${extra}"><span aria-hidden="true">${e(SYMBOL[v] ?? '?')} </span>${e(v)}</span>`;
}

function idList(items: readonly Indexed[]): string {
  return items.map((x) => x.i).join(' ');
}

function countCell(n: number, v: Verdict | 'total', attrs: string): string {
  const cls = v !== 'total' && n > 0 && v !== 'pass' ? ` class="nz n-${v}"` : '';
  return `<td${cls} ${attrs} data-verdict="${v}">${n}</td>`;
}

const STATUS_LABEL: Record<string, string> = {
  new: 'NEW',
  accepted: 'accepted',
  'partly accepted': 'NEW (partly accepted)',
  unbaselined: 'finding',
};

function statusBadge(status: string): string {
  const cls = status === 'accepted' ? 'accepted' : status === 'unbaselined' ? 'finding' : 'new';
  return `<span class="status s-${cls}">${e(STATUS_LABEL[status] ?? status)}</span>`;
}

/** the gate's verdict, first on the page: green or red, the NEW / accepted / FIXED counts and why it is red */
function renderGate(gate: Gate, interrupted: boolean): string {
  const red = gate.verdict === 'red' || interrupted;
  const n = (k: number, one: string, many = `${one}s`) => `${k} ${k === 1 ? one : many}`;
  const counts = gate.baseline
    ? `<li class="c-new"><strong>${gate.newFindings}</strong> NEW <span class="muted">(${n(gate.newCases, 'case')})</span></li>` +
      `<li class="c-acc"><strong>${gate.acceptedFindings}</strong> accepted <span class="muted">(${n(gate.acceptedCases, 'case')})</span></li>` +
      `<li class="c-fixed"><strong>${gate.fixed.length}</strong> FIXED${gate.strict ? ' <span class="muted">(--strict)</span>' : ''}</li>`
    : `<li><strong>${gate.findings.length}</strong> ${gate.findings.length === 1 ? 'finding' : 'findings'} <span class="muted">(no baseline: not gated)</span></li>`;
  const broken = `<li class="c-broken"><strong>${gate.broken.length}</strong> errors, crashes, timeouts</li>`;
  const why = [...(interrupted ? ['the run was interrupted: these results are partial'] : []), ...gate.why];
  const newOnes = gate.findings.filter((f) => f.status === 'new' || f.status === 'partly accepted');
  const list = (items: string[]) => (items.length ? `<ul class="gate-list">${items.join('')}</ul>` : '');
  const shown = newOnes
    .slice(0, 5)
    .map(
      (f) =>
        `<li><a href="#f-${e(findingId(f))}">${e(f.implementation)} <code>${e(f.tail)}</code></a>: page permits ${f.permitted.map((p) => nameCode(p)).join(' ') || 'nothing listed'}, got ${nameCode(f.observedName)}</li>`,
    );
  if (newOnes.length > shown.length) shown.push(`<li>\u2026 and ${newOnes.length - shown.length} more below</li>`);
  const fixed = gate.fixed
    .slice(0, 5)
    .map(
      (x) => `<li>FIXED: ${e(x.implementation)} <code>${e(clauseTail(x.clauseId))}</code> no longer gives ${nameCode(x.observedName)}</li>`,
    );
  if (gate.fixed.length > fixed.length) fixed.push(`<li>\u2026 and ${gate.fixed.length - fixed.length} more</li>`);
  const headline = red
    ? `Gate RED: ${why.map((w) => e(w)).join('; ')}`
    : gate.baseline
      ? 'Gate GREEN: nothing new against the baseline, no error, crash or timeout'
      : 'Gate GREEN: no error, crash or timeout (no baseline: findings are listed, not gated)';
  return `
<section id="gate" class="gate ${red ? 'gate-red' : 'gate-green'}" aria-labelledby="h-gate" data-gate="${red ? 'red' : 'green'}">
  <h2 id="h-gate"><span aria-hidden="true">${red ? '\u2717' : '\u2713'}</span> ${headline}</h2>
  <ul class="gate-counts">${counts}${broken}</ul>
  ${list(shown)}${gate.strict || red ? list(fixed) : ''}
</section>`;
}

function findingId(f: Finding): string {
  return createHash('sha1').update(f.key).digest('hex').slice(0, 10);
}

/** what a fixture offers, as probed: DAX, MAP_SYNC and the granularity a mapping should get */
export function fixtureCaps(caps: Record<string, unknown> | undefined): string[] {
  if (!caps) return [];
  const yes = (v: unknown) => (v === true ? 'yes' : v === false ? 'no' : '?');
  const out = [`DAX ${yes(caps.dax ?? caps.devdax)}`, `MAP_SYNC ${yes(caps.mapSync ?? caps.devdaxMapSync)}`];
  const gran =
    caps.forcedGranularity !== undefined
      ? `${str(caps.forcedGranularity)} (forced)`
      : caps.persistenceDomain === 'cpu_cache'
        ? 'BYTE'
        : caps.mapSync === true || caps.devdax === true
          ? 'CACHE_LINE'
          : 'PAGE';
  out.push(`granularity ${gran}`);
  if (caps.persistenceDomain !== undefined) out.push(`domain ${str(caps.persistenceDomain)}`);
  return out;
}

function renderSummary(result: RunResult): string {
  const total = summarise(result.cases);
  const headline = VERDICTS.map(
    (v) => `<li class="tile t-${v}"><span class="tile-n" data-total-verdict="${v}">${total[v]}</span> ${verdictBadge(v)}</li>`,
  ).join('');
  const rows = suites(result)
    .map((s) => {
      const sum = summarise(s.cases);
      const attrs = `data-impl="${e(s.implementation)}" data-fixture="${e(s.fixture)}"`;
      return (
        `<tr data-summary-row ${attrs}><th scope="row">${e(s.implementation)}</th><td>${e(versionOf(result, s.implementation) ?? '')}</td>` +
        `<td>${e(s.fixture)}</td>` +
        VERDICTS.map((v) => countCell(sum[v], v, attrs)).join('') +
        countCell(sum.total, 'total', attrs) +
        '</tr>'
      );
    })
    .join('\n');
  return `
<section id="summary" aria-labelledby="h-summary">
  <h2 id="h-summary">Summary</h2>
  <ul class="tiles" aria-label="All cases by verdict">${headline}<li class="tile"><span class="tile-n" data-total-verdict="total">${total.total}</span> cases</li></ul>
  <div class="scroll"><table class="summary">
    <caption>Verdicts per implementation and fixture</caption>
    <thead><tr><th scope="col">Implementation</th><th scope="col">Version</th><th scope="col">Fixture</th>${VERDICTS.map(
      (v) => `<th scope="col" class="num">${e(v)}</th>`,
    ).join('')}<th scope="col" class="num">total</th></tr></thead>
    <tbody>
${rows || '<tr><td colspan="8">No cases ran.</td></tr>'}
    </tbody>
    <tfoot><tr><th scope="row" colspan="3">All</th>${VERDICTS.map((v) => countCell(total[v], v, 'data-impl="*" data-fixture="*"')).join('')}${countCell(total.total, 'total', 'data-impl="*" data-fixture="*"')}</tr></tfoot>
  </table></div>
</section>`;
}

function kv(map: Record<string, unknown> | undefined): string {
  const entries = Object.entries(map ?? {});
  if (entries.length === 0) return '<span class="muted">none recorded</span>';
  return `<ul class="caps">${entries.map(([k, v]) => `<li><code>${e(k)}</code>: ${e(str(v))}</li>`).join('')}</ul>`;
}

function renderEnvironment(result: RunResult): string {
  const env = result.environment;
  const flush = env.cpuFlushInstructions ?? [];
  const fixtures = (env.fixtures ?? [])
    .map(
      (f) =>
        `<tr><th scope="row">${e(f.name)}</th><td>${e(f.kind)}</td><td>${f.directory ? `<code>${e(f.directory)}</code>` : ''}</td><td>${kv(f.capabilities)}</td></tr>`,
    )
    .join('\n');
  const impls = (env.implementations ?? [])
    .map(
      (i) =>
        `<tr><th scope="row">${e(i.name)}</th><td>${e(i.library)}</td><td>${e(i.version ?? 'unknown')}</td><td><code>${e(i.path)}</code></td></tr>`,
    )
    .join('\n');
  return `
<section id="environment" aria-labelledby="h-env">
  <h2 id="h-env">Environment</h2>
  <dl class="env">
    <dt>Kernel</dt><dd>${e(env.kernel)}</dd>
    <dt>Architecture</dt><dd>${e(env.arch)}</dd>
    <dt>CPU flush instructions</dt><dd>${flush.length ? flush.map((f) => `<code>${e(f)}</code>`).join(' ') : '<span class="muted">none detected</span>'}</dd>
    <dt>Host</dt><dd>${e(env.hostname)}</dd>
    <dt>Node</dt><dd>${e(env.node)}</dd>
    <dt>Started</dt><dd>${e(env.startedAt)}</dd>
    <dt>Duration</dt><dd>${e(formatDuration(env.durationMs))}</dd>
    <dt>Seed</dt><dd>${env.seed !== undefined ? `<code>${e(env.seed)}</code>` : '<span class="muted">none</span>'}</dd>
    <dt>Command</dt><dd><code class="cmd">${e(env.command)}</code></dd>
  </dl>
  <div class="two">
  <table>
    <caption>Implementations</caption>
    <thead><tr><th scope="col">Name</th><th scope="col">Library</th><th scope="col">Version</th><th scope="col">Path</th></tr></thead>
    <tbody>${impls || '<tr><td colspan="4">none recorded</td></tr>'}</tbody>
  </table>
  <table>
    <caption>Fixtures</caption>
    <thead><tr><th scope="col">Name</th><th scope="col">Kind</th><th scope="col">Directory</th><th scope="col">Capabilities</th></tr></thead>
    <tbody>${fixtures || '<tr><td colspan="4">none recorded</td></tr>'}</tbody>
  </table>
  </div>
</section>`;
}

function renderFilters(result: RunResult, differing: number): string {
  const total = summarise(result.cases);
  const boxes = VERDICTS.map(
    (v) =>
      `<span class="vbox"><input type="checkbox" name="verdict" value="${v}" id="f-v-${v}" checked>` +
      `<label for="f-v-${v}">${verdictBadge(v)} <span class="muted">(<span class="vcount" data-count-verdict="${v}">${total[v]}</span>)</span></label>` +
      `<button type="button" class="only" data-verdict="${v}" aria-label="Show only ${v}">only</button></span>`,
  ).join('');
  const opts = (names: string[]) => names.map((n) => `<option value="${e(n)}">${e(n)}</option>`).join('');
  return `
<section id="filters" aria-label="Filters">
  <form id="filter-form" role="search">
    <fieldset class="verdicts"><legend>Verdict</legend>${boxes}</fieldset>
    <div class="field"><label for="f-fixture">Fixture</label>
      <select id="f-fixture"><option value="">all fixtures</option>${opts(fixtureNames(result))}</select></div>
    <div class="field"><label for="f-impl">Implementation</label>
      <select id="f-impl"><option value="">all implementations</option>${opts(implementationNames(result))}</select></div>
    <div class="field check"><span><input type="checkbox" id="f-differs"><label for="f-differs">differs between fixtures <span class="muted">(<span id="n-differs">${differing}</span>)</span></label></span></div>
    <div class="field grow"><label for="f-q">Search</label>
      <input type="search" id="f-q" placeholder="clause, name, message, function…" autocomplete="off"></div>
    <div class="field"><button type="button" id="f-reset">Reset filters</button></div>
  </form>
  <p id="f-status" role="status" aria-live="polite">Showing all ${result.cases.length} cases.</p>
  <noscript><p>Filters and case details need JavaScript; everything else on this page is static.</p></noscript>
</section>`;
}

/** what a clause is, in the pages' own terms: a RETURN VALUE sentence is no "error clause" */
export function kindLabel(c: CaseResult): string {
  if (c.kind === 'property') return 'property';
  if (c.kind === 'durability') return 'durability trial';
  if (/\/RETURN VALUE#\d+$/.test(c.clauseId) || c.clause === 'RETURN VALUE') return 'RETURN VALUE';
  if (c.kind === 'unlisted') return 'unlisted error';
  if (c.kind === 'behaviour') return 'behaviour';
  return 'ERRORS entry';
}

function caseButton(x: Indexed, multiImpl: boolean, accepted: Map<number, string>): string {
  const c = x.c;
  const obs = (c.verdict === 'diverge' || c.verdict === 'error') && c.observed ? c.observed.name : '';
  const acc = accepted.has(x.i);
  const label = [
    c.verdict + (acc ? ' (accepted)' : ''),
    multiImpl ? c.implementation : '',
    obs,
    `\u2014 ${c.clause} on ${c.fixture}: open details`,
  ]
    .filter(Boolean)
    .join(' ');
  return (
    `<button type="button" class="case open-case v-${e(c.verdict)}${acc ? ' accepted' : ''}" data-case="${x.i}" data-open="${x.i}"` +
    ` aria-haspopup="dialog" aria-label="${e(label)}">` +
    `<span class="sym" aria-hidden="true">${e(SYMBOL[c.verdict] ?? '?')}</span> <span class="vw">${e(c.verdict)}</span>` +
    (acc ? ' <span class="acc">accepted</span>' : '') +
    (multiImpl ? ` <span class="impl">${e(c.implementation)}</span>` : '') +
    (obs ? ` <code class="obs">${e(obs)}</code>` : '') +
    '</button>'
  );
}

function renderMatrix(result: RunResult, all: Indexed[], accepted: Map<number, string>): string {
  const fixtures = fixtureNames(result);
  const impls = implementationNames(result);
  const implRank = new Map(impls.map((n, k) => [n, k]));
  const infos = new Map((result.environment.fixtures ?? []).map((f) => [f.name, f]));
  const cols = fixtures.length + 1;
  const head =
    `<tr><th scope="col" class="clause-col">Clause</th>` +
    fixtures
      .map((f) => {
        const info = infos.get(f);
        const kind = info && info.kind !== f ? ` <span class="muted small">(${e(info.kind)})</span>` : '';
        const caps = fixtureCaps(info?.capabilities);
        return `<th scope="col">${e(f)}${kind}${caps.length ? `<br><span class="caps-line small">${caps.map((x) => e(x)).join(' \u00b7 ')}</span>` : ''}</th>`;
      })
      .join('') +
    '</tr>';
  const bodies: string[] = [];
  let pageNo = 0;
  for (const [page, pageCases] of groupBy(all, (x) => x.c.page)) {
    const pid = `page-${pageNo++}`;
    const rows: string[] = [];
    rows.push(`<tr class="page-row"><th colspan="${cols}" scope="colgroup" id="${pid}">${e(page)}</th></tr>`);
    for (const [fn, fnCases] of groupBy(pageCases, (x) => x.c.function)) {
      rows.push(
        `<tr class="fn-row" data-cases="${idList(fnCases)}"><th colspan="${cols}" scope="colgroup"><code>${e(fn)}()</code></th></tr>`,
      );
      for (const [clauseId, clauseCases] of groupBy(fnCases, (x) => x.c.clauseId)) {
        const first = clauseCases[0]!.c;
        // name the implementation in a cell only when the row has more than one
        const multiImpl = new Set(clauseCases.map((x) => x.c.implementation)).size > 1;
        const cells = fixtures.map((f) => {
          const here = clauseCases
            .filter((x) => x.c.fixture === f)
            .sort((a, b) => (implRank.get(a.c.implementation) ?? 0) - (implRank.get(b.c.implementation) ?? 0));
          if (here.length === 0) return '<td class="none"><span aria-hidden="true">\u00b7</span><span class="sr">not run</span></td>';
          return `<td>${here.map((x) => caseButton(x, multiImpl, accepted)).join('')}</td>`;
        });
        rows.push(
          `<tr class="clause-row" data-cases="${idList(clauseCases)}"><th scope="row" class="clause-col">` +
            `<code class="clause-name">${e(first.clause)}</code>` +
            (kindLabel(first) !== 'ERRORS entry' ? ` <span class="kind">${e(kindLabel(first))}</span>` : '') +
            `<br><span class="cid">${e(clauseId)}</span></th>${cells.join('')}</tr>`,
        );
      }
    }
    bodies.push(`<tbody data-cases="${idList(pageCases)}" aria-labelledby="${pid}">\n${rows.join('\n')}\n</tbody>`);
  }
  return `
<section id="matrix" aria-labelledby="h-matrix">
  <h2 id="h-matrix">Clauses \u00d7 fixtures</h2>
  <p class="muted">Each row is a documented clause, grouped by page and function; each cell holds the verdict of every case that ran it on that fixture. Activate a verdict to see what the page says and what the library did.</p>
  <div class="scroll" id="matrix-table">
  <table class="matrix">
    <thead>${head}</thead>
${bodies.join('\n')}
  </table>
  </div>
  <p class="empty" data-empty-for="matrix-table" hidden>No cases match the filters.</p>
</section>`;
}

/** a documented or observed name; an errno name never breaks at its leading hyphen */
function nameCode(n: string, cls = 'name'): string {
  return `<code class="${cls}${n.startsWith('-') ? ' nw' : ''}">${e(n)}</code>`;
}

/** the findings: one row per clause × implementation × observed name, across page copies and fixtures, each expandable to its cases */
function renderFindings(result: RunResult, all: Indexed[], gate: Gate): string {
  const index = new Map(all.map((x) => [x.c, x.i]));
  const order = (f: Finding) => (f.status === 'new' || f.status === 'partly accepted' ? 0 : f.status === 'unbaselined' ? 1 : 2);
  const findings = [...gate.findings].sort((a, b) => order(a) - order(b));
  const rows = findings.map((f) => {
    const c = f.cases[0]!;
    const ids = f.cases.map((x) => index.get(x)!);
    const version = versionOf(result, f.implementation);
    const permitted = f.permitted.length ? f.permitted.map((p) => nameCode(p)).join(' ') : '<span class="muted">none listed</span>';
    const messages = [...new Set(f.cases.map((x) => x.observed?.message).filter((m): m is string => !!m))];
    const reasons = [...new Set(f.cases.map((x) => x.reason).filter((m): m is string => !!m))];
    const fixtures = f.fixtures
      .map((fx) => {
        const first = f.cases.findIndex((x) => x.fixture === fx);
        const i = ids[first]!;
        return `<button type="button" class="link open-case" data-case="${i}" data-open="${i}" aria-haspopup="dialog" aria-label="${e(`${fx}: open ${c.clause} details`)}">${e(fx)}</button>`;
      })
      .join(' ');
    const casesList = f.cases
      .map((x, k) => {
        const i = ids[k]!;
        const copy = pageCopy(x.clauseId);
        return `<li data-case="${i}"><button type="button" class="link open-case" data-open="${i}" aria-haspopup="dialog">${e(copy || x.clause)} on ${e(x.fixture)}</button> <span class="muted small">${e(formatDuration(x.durationMs))}${gate.accepted.has(x) ? ' \u00b7 accepted' : ''}</span></li>`;
      })
      .join('');
    const notes = f.notes.filter(Boolean);
    return (
      `<tr id="f-${e(findingId(f))}" class="finding" data-cases="${ids.join(' ')}" data-status="${e(f.status)}">` +
      `<td class="what">${statusBadge(f.status)} <code class="clause-name">${e(f.clause)}</code><br><code class="small">${e(f.function)}()</code>` +
      `<div class="cid">${e(f.tail)}</div></td>` +
      `<td class="says">${permitted}<blockquote>${e(c.clauseText)}</blockquote></td>` +
      `<td class="did">${nameCode(f.observedName || '(nothing)', 'name observed-name')}` +
      `${c.observed ? `<div class="small">from <code>${e(c.observed.at)}</code></div>` : ''}` +
      `${c.technique && c.technique !== 'natural' ? `<div class="small">provoked by <code class="tag technique">${e(c.technique)}</code></div>` : ''}` +
      `${messages.length ? `<div class="small"><q>${messages.map((m) => e(m)).join('</q><br><q>')}</q></div>` : ''}${reproLinks(f.cases)}</td>` +
      `<td class="where">${e(f.implementation)}${version ? ` <span class="muted small">${e(version)}</span>` : ''}<div>${fixtures}</div>` +
      `<details class="cases"><summary>${f.cases.length} case${f.cases.length === 1 ? '' : 's'}${f.copies.length > 1 ? `, ${f.copies.length} page copies` : ''}</summary><ul>${casesList}</ul></details></td>` +
      `<td class="why small">${reasons.map((r) => e(r)).join('<br>')}${c.note ? `<div class="note">Note: ${e(c.note)}</div>` : ''}` +
      `${notes.length ? `<div class="bnote">Baseline: ${notes.map((n) => e(n)).join('; ')}</div>` : ''}</td>` +
      '</tr>'
    );
  });
  const divs = all.filter((x) => x.c.verdict === 'diverge').length;
  return `
<section id="divergences" aria-labelledby="h-div">
  <h2 id="h-div">Findings <span class="muted">(<span id="n-findings" data-total="${findings.length}">${findings.length}</span> finding${findings.length === 1 ? '' : 's'}, <span id="n-divcases" data-total="${divs}">${divs}</span> divergent case${divs === 1 ? '' : 's'})</span></h2>
  <p class="muted">The page permits one outcome, the library produced another. One row per finding: the same clause, implementation and observed name across page copies and fixtures; expand a row for its cases.</p>
  ${
    rows.length
      ? `<div id="div-table"><table class="divs">
    <colgroup><col class="c1"><col class="c2"><col class="c3"><col class="c4"><col class="c5"></colgroup>
    <thead><tr><th scope="col">${gate.baseline ? 'Status, clause' : 'Clause'}</th><th scope="col">Page says (permitted)</th><th scope="col">Library did</th><th scope="col">Where</th><th scope="col">Why</th></tr></thead>
    <tbody>
${rows.join('\n')}
    </tbody>
  </table></div>
  <p class="empty" data-empty-for="div-table" hidden>No findings match the filters.</p>`
      : '<p>No divergences: every case that ran got an outcome its page permits.</p>'
  }
</section>`;
}

function renderProperties(all: Indexed[]): string {
  const failures = all.filter((x) => isPropertyCase(x.c) && (x.c.verdict === 'diverge' || x.c.verdict === 'error'));
  const cards = failures.map((x) => {
    const c = x.c;
    const o = c.observed;
    const details = Object.entries(o?.details ?? {});
    const rid = `replay-${x.i}`;
    return `<article class="prop" data-case="${x.i}" aria-labelledby="prop-h-${x.i}">
  <h3 id="prop-h-${x.i}">${verdictBadge(c.verdict)} <code>${e(c.clause)}</code> \u2014 <code>${e(c.function)}()</code> <span class="muted">${e(c.implementation)} on ${e(c.fixture)}</span></h3>
  ${c.reason ? `<p class="reason">${e(c.reason)}</p>` : ''}
  <h4>Shrunk counterexample</h4>
  ${o ? `<p>Returned <code class="observed-name">${e(o.name)}</code> (${e(o.code)}) from <code>${e(o.at)}</code>${o.message ? `: <q>${e(o.message)}</q>` : ''}</p>` : ''}
  ${
    details.length
      ? `<table class="details"><tbody>${details.map(([k, v]) => `<tr><th scope="row">${e(k)}</th><td><code>${e(str(v))}</code></td></tr>`).join('')}</tbody></table>`
      : ''
  }
  <dl class="kv">
    <dt>Seed</dt><dd>${c.seed !== undefined ? `<code class="seed">${e(c.seed)}</code>` : '<span class="muted">none</span>'}</dd>
    <dt>Path</dt><dd>${c.path !== undefined ? `<code class="path">${e(c.path)}</code>` : '<span class="muted">none</span>'}</dd>
  </dl>
  ${
    c.replay
      ? `<div class="replay"><pre><code id="${rid}">${e(c.replay)}</code></pre><button type="button" class="copy" data-copy-target="${rid}">Copy replay command</button><span class="copy-status" role="status"></span></div>`
      : '<p class="muted">No replay command recorded.</p>'
  }
  <p><button type="button" class="link open-case" data-open="${x.i}" aria-haspopup="dialog">Open the case</button></p>
</article>`;
  });
  return `
<section id="properties" aria-labelledby="h-props">
  <h2 id="h-props">Property failures <span class="muted">(${failures.length})</span></h2>
  ${
    cards.length
      ? `<div id="prop-list">${cards.join('\n')}</div><p class="empty" data-empty-for="prop-list" hidden>No property failures match the filters.</p>`
      : '<p>No property-based case failed.</p>'
  }
</section>`;
}

function renderErrors(all: Indexed[]): string {
  const errs = all.filter((x) => x.c.verdict === 'error');
  if (errs.length === 0) return '';
  const rows = errs
    .map(
      (x) =>
        `<tr data-case="${x.i}"><td><code>${e(x.c.clause)}</code> <span class="cid">${e(x.c.clauseId)}</span></td><td>${e(x.c.implementation)}</td><td>${e(
          x.c.fixture,
        )}</td><td>${e(x.c.reason ?? '')}</td><td><button type="button" class="link open-case" data-open="${x.i}" aria-haspopup="dialog" aria-label="Open ${e(
          x.c.clause,
        )} on ${e(x.c.fixture)}">open</button></td></tr>`,
    )
    .join('\n');
  return `
<section id="errors" aria-labelledby="h-errors">
  <h2 id="h-errors">Harness errors <span class="muted">(${errs.length})</span></h2>
  <p class="muted">The harness failed to run these cases: they say nothing about the library.</p>
  <div class="scroll" id="err-table"><table><thead><tr><th scope="col">Clause</th><th scope="col">Implementation</th><th scope="col">Fixture</th><th scope="col">What went wrong</th><th scope="col"><span class="sr">Details</span></th></tr></thead>
  <tbody>${rows}</tbody></table></div>
  <p class="empty" data-empty-for="err-table" hidden>No harness errors match the filters.</p>
</section>`;
}

/** power-cut trials: per variant, what was acknowledged as persistent and what survived the cut */
function renderDurability(result: RunResult): string {
  const rows = result.cases.filter((c) => c.clauseId.startsWith('durability:'));
  if (rows.length === 0) return '';
  const d = (c: CaseResult, k: string) => {
    const v = c.observed?.details?.[k];
    return v === undefined ? '<span class="muted">–</span>' : e(String(v));
  };
  const body = rows
    .map(
      (c) =>
        `<tr><th scope="row"><code>${e(c.clauseId.slice('durability:'.length))}</code><div class="small muted">${e(c.clause)}</div></th><td>${e(c.implementation)}</td><td class="num">${d(c, 'trials')}</td><td class="num">${d(c, 'recordsAcknowledged')}</td><td class="num">${d(c, 'recordsLost')}</td><td>${verdictBadge(c.verdict)}</td><td>${e(c.reason ?? c.note ?? '')}</td></tr>`,
    )
    .join('\n');
  return `
<section id="durability" aria-labelledby="h-dur">
  <h2 id="h-dur">Durability trials</h2>
  <p class="muted">Power cut (kill -9 of the guest) at a random moment while a writer persists records; after a reboot on the same pmem every acknowledged record must be intact. Controls must lose records, or the trial could not have failed.</p>
  <div class="scroll"><table><thead><tr><th scope="col">Variant</th><th scope="col">Implementation</th><th scope="col" class="num">Trials</th><th scope="col" class="num">Acknowledged</th><th scope="col" class="num">Lost</th><th scope="col">Verdict</th><th scope="col">Why</th></tr></thead>
  <tbody>${body}</tbody></table></div>
</section>`;
}

/** renderSkippedEverywhere -- the clauses no fixture ran (page copies merged), each with why, platform-only ones last */
function renderSkippedEverywhere(result: RunResult): string {
  const s = result.skippedEverywhere ?? skippedEverywhere(result.cases);
  const rows = s.clauses
    .map((c) => {
      const why = c.why
        .map(
          (w) =>
            `<li><code class="tag technique">${e(w.technique)}</code> ${e(w.reason)} <span class="muted">[${e(w.fixtures.join(', '))}]</span></li>`,
        )
        .join('');
      return `<tr${c.platformOnly ? ' class="platform-only"' : ''}><th scope="row"><code>${e(c.clause)}</code></th><td>${c.platformOnly ? 'yes' : ''}</td><td><ul>${why}</ul></td></tr>`;
    })
    .join('\n');
  return `<h3 id="skipped-everywhere">${e(skippedLine(s))}</h3>
  ${
    rows
      ? `<table class="skipped-everywhere"><thead><tr><th scope="col">Clause (all page copies)</th><th scope="col">Windows/FreeBSD only</th><th scope="col">Why each fixture skipped it</th></tr></thead><tbody>${rows}</tbody></table>`
      : '<p>None: every clause ran on at least one fixture.</p>'
  }`;
}

function renderCoverage(result: RunResult): string {
  const rows = result.coverage ?? [];
  let clauses = 0;
  let ran = 0;
  const body = rows
    .map((r) => {
      clauses += r.clauses;
      ran += r.ran;
      const pct = r.clauses > 0 ? Math.round((100 * r.ran) / r.clauses) : 0;
      return `<tr><th scope="row">${e(r.page)}</th><td class="num">${r.clauses}</td><td class="num">${r.ran}</td><td class="num">${pct}%</td><td class="barcell"><span class="bar" aria-hidden="true"><span style="width:${pct}%"></span></span></td></tr>`;
    })
    .join('\n');
  const pctAll = clauses > 0 ? Math.round((100 * ran) / clauses) : 0;
  const undef = groupBy(result.undefinedNames ?? [], (u) => u.page);
  const undefRows = [...undef]
    .map(([page, list]) => `<tr><th scope="row">${e(page)}</th><td>${list.map((u) => `<code>${e(u.name)}</code>`).join(' ')}</td></tr>`)
    .join('\n');
  return `
<section id="coverage" aria-labelledby="h-cov">
  <h2 id="h-cov">Catalogue coverage</h2>
  <table class="coverage">
    <caption>Documented clauses and how many ran (passed or diverged) on at least one fixture</caption>
    <thead><tr><th scope="col">Page</th><th scope="col" class="num">Clauses</th><th scope="col" class="num">Ran</th><th scope="col" class="num">Share</th><th scope="col"><span class="sr">Bar</span></th></tr></thead>
    <tbody>${body || '<tr><td colspan="5">No coverage recorded.</td></tr>'}</tbody>
    <tfoot><tr><th scope="row">All pages</th><td class="num">${clauses}</td><td class="num">${ran}</td><td class="num">${pctAll}%</td><td></td></tr></tfoot>
  </table>
  ${renderSkippedEverywhere(result)}
  <h3>Documented names the installed header does not define</h3>
  ${
    undefRows
      ? `<table class="undef"><thead><tr><th scope="col">Page</th><th scope="col">Names</th></tr></thead><tbody>${undefRows}</tbody></table>`
      : '<p>None: the installed headers define every documented name.</p>'
  }
  <h3>Gaps in the pages</h3>
  ${
    (result.catalogueGaps ?? []).length
      ? `<ul class="gaps">${(result.catalogueGaps ?? []).map((g) => `<li><strong>${e(g.page)}</strong> <span class="muted">[${e(g.version)}]</span>: ${e(g.what)}</li>`).join('')}</ul>`
      : '<p>None found: every page copy lists its errors and states the behaviours the suites check.</p>'
  }
</section>`;
}

const CSS = `
:root{color-scheme:light dark;--fg:#1b1f24;--muted:#59636e;--bg:#fff;--bg2:#f4f6f8;--line:#d0d7de;--accent:#0b5cad;
--pass:#1a7f37;--pass-bg:#e6f4ea;--diverge:#b3261e;--diverge-bg:#fde7e4;--skip:#6e5600;--skip-bg:#f6f1dc;--error:#8a2be2;--error-bg:#f1e6fb;--crash:#fff;--crash-bg:#b3261e;--timeout:#fff;--timeout-bg:#8a4b00}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9da7b3;--bg:#0f1419;--bg2:#1a2129;--line:#3a4450;--accent:#6cb6ff;
--pass:#56d364;--pass-bg:#12301c;--diverge:#ff8178;--diverge-bg:#3d1614;--skip:#e3c35a;--skip-bg:#332b0b;--error:#d2a8ff;--error-bg:#2c1946;--crash:#1a0000;--crash-bg:#ff8178;--timeout:#1a0d00;--timeout-bg:#e3a35a}}
*{box-sizing:border-box}
html{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:var(--fg);background:var(--bg)}
body{margin:0 auto;padding:0 1.25rem 4rem;max-width:110rem}
code,pre,.cid{font-family:ui-monospace,SFMono-Regular,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:.9em}
h1{font-size:1.6rem;margin:1.2rem 0 .2rem}h2{font-size:1.3rem;margin:2rem 0 .6rem;padding-top:.4rem;border-top:1px solid var(--line)}
h3{font-size:1.05rem;margin:1rem 0 .4rem}h4{font-size:.95rem;margin:.8rem 0 .3rem}
a{color:var(--accent)}
.muted{color:var(--muted)}.small{font-size:.85em}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
nav.toc ul{display:flex;flex-wrap:wrap;gap:.3rem 1rem;list-style:none;padding:0;margin:.5rem 0}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.92rem}
caption{text-align:left;font-weight:600;padding:.2rem 0}
th,td{border:1px solid var(--line);padding:.3rem .5rem;vertical-align:top;text-align:left}
thead th{background:var(--bg2)}
td.num,th.num,.summary td{text-align:right;font-variant-numeric:tabular-nums}
.summary td:nth-child(2),.summary td:nth-child(3){text-align:left}
td.nz{font-weight:700}td.n-diverge{color:var(--diverge)}td.n-error{color:var(--error)}td.n-crash{color:var(--crash-bg)}td.n-timeout{color:var(--timeout-bg)}td.n-skip{color:var(--skip)}
.tiles{display:flex;flex-wrap:wrap;gap:.6rem;list-style:none;padding:0;margin:.5rem 0 1rem}
.tile{border:1px solid var(--line);border-radius:.5rem;padding:.4rem .8rem;background:var(--bg2)}
.tile-n{font-size:1.5rem;font-weight:700;font-variant-numeric:tabular-nums;margin-right:.2rem}
.verdict{display:inline-block;padding:0 .4rem;border-radius:.3rem;font-weight:600;border:1px solid currentColor;font-size:.9em}
.v-pass{color:var(--pass);background:var(--pass-bg)}.v-diverge{color:var(--diverge);background:var(--diverge-bg)}
.v-skip{color:var(--skip);background:var(--skip-bg)}.v-error{color:var(--error);background:var(--error-bg)}
.v-crash{color:var(--crash);background:var(--crash-bg)}.v-timeout{color:var(--timeout);background:var(--timeout-bg)}
dl.env,dl.kv{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:.5rem 0}
dl dt{font-weight:600}dl dd{margin:0;overflow-wrap:anywhere}
.two{display:flex;flex-wrap:wrap;gap:0 2rem}
ul.caps{margin:0;padding-left:1rem}
#filters{background:var(--bg);border-top:1px solid var(--line);border-bottom:1px solid var(--line);padding:.3rem 0;margin-top:1rem;position:sticky;top:0;z-index:5}
#filter-form{display:flex;flex-wrap:wrap;gap:.3rem .8rem;align-items:center}
fieldset.verdicts{border:0;padding:0;margin:0;display:flex;flex-wrap:wrap;gap:.2rem .6rem}
fieldset.verdicts legend{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
.vbox{white-space:nowrap}
.field{display:flex;flex-direction:row;align-items:center;gap:.3rem}.field label{font-size:.85rem;font-weight:600}.field.grow{flex:1 1 12rem}
.field.grow input{flex:1}
input,select,button{font:inherit;color:inherit}
input[type=search],select{padding:.25rem .4rem;border:1px solid var(--line);border-radius:.3rem;background:var(--bg)}
button{cursor:pointer;border:1px solid var(--line);border-radius:.3rem;background:var(--bg2);padding:.2rem .6rem}
button.only{font-size:.78rem;padding:0 .35rem;margin-left:.2rem}
button.link{border:none;background:none;color:var(--accent);text-decoration:underline;padding:0 .1rem}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
#f-status{margin:.2rem 0 0;font-size:.85rem;color:var(--muted)}
h2[id],tr.finding{scroll-margin-top:9rem}
.scroll{overflow:auto;max-width:100%}
#matrix-table{max-height:80vh;border:1px solid var(--line)}
table.matrix{margin:0;min-width:100%}
table.matrix thead th{position:sticky;top:0;z-index:2;text-align:center;min-width:9rem}
table.matrix thead th.clause-col{text-align:left}
table.matrix th.clause-col{min-width:16rem;max-width:30rem;font-weight:normal}
tr.page-row th{background:var(--fg);color:var(--bg);font-size:1rem;letter-spacing:.01em}
tr.fn-row th{background:var(--bg2);font-weight:600}
.cid{color:var(--muted);font-size:.75rem;overflow-wrap:anywhere}
.clause-name{font-weight:600}
.kind{font-size:.75rem;border:1px solid var(--line);border-radius:.2rem;padding:0 .25rem;color:var(--muted)}
td.none{color:var(--muted);text-align:center}
button.case{display:block;width:100%;text-align:left;margin:.1rem 0;padding:.15rem .4rem;border:1px solid currentColor;font-size:.85rem;line-height:1.3}
button.case.v-diverge{border-width:2px;font-weight:700}
button.case.v-error{border-style:dashed;font-weight:700}
button.case.v-crash,button.case.v-timeout{border-width:3px;font-weight:700}
button.case.v-skip{font-style:italic}
button.case.accepted{border-style:dotted}
button.case .impl{font-weight:normal;color:var(--fg);opacity:.8;font-size:.8em}
button.case .obs{font-size:.8em}
button.case .acc{font-size:.75em;font-weight:normal;text-transform:uppercase}
table.divs{table-layout:fixed;width:100%;margin:0}
table.divs col.c1{width:22%}table.divs col.c2{width:24%}table.divs col.c3{width:20%}table.divs col.c4{width:14%}table.divs col.c5{width:20%}
table.divs td{overflow-wrap:anywhere}
table.divs td.says blockquote{margin:.3rem 0 0;padding-left:.5rem;border-left:3px solid var(--line);font-size:.85rem;max-height:7.5em;overflow:auto}
table.divs details.cases summary{cursor:pointer;font-size:.85rem}
table.divs details.cases ul{margin:.2rem 0;padding-left:1rem;font-size:.85rem}
code.nw{white-space:nowrap}
.status{display:inline-block;padding:0 .35rem;border-radius:.3rem;font-weight:700;font-size:.78rem;border:1px solid currentColor;text-transform:none}
.s-new{color:var(--diverge);background:var(--diverge-bg)}.s-accepted{color:var(--muted);background:var(--bg2)}.s-finding{color:var(--skip);background:var(--skip-bg)}
.bnote{margin-top:.3rem;color:var(--muted)}
.gate{border:2px solid;border-radius:.6rem;padding:.5rem 1rem;margin:.6rem 0}
.gate h2{border:0;margin:0 0 .3rem;padding:0;font-size:1.25rem}
.gate-red{border-color:var(--diverge);background:var(--diverge-bg)}.gate-red h2{color:var(--diverge)}
.gate-green{border-color:var(--pass);background:var(--pass-bg)}.gate-green h2{color:var(--pass)}
.gate-counts{display:flex;flex-wrap:wrap;gap:.2rem 1.5rem;list-style:none;padding:0;margin:.2rem 0}
.gate-counts strong{font-size:1.2rem;font-variant-numeric:tabular-nums}
.gate-list{margin:.2rem 0;padding-left:1.2rem;font-size:.9rem}
.caps-line{font-weight:normal;color:var(--muted);white-space:nowrap}
.field.check{flex-direction:row;align-items:center;align-self:center}
.note{font-style:italic}
.tag.technique{border:1px solid currentColor;border-radius:3px;padding:0 .25em;font-size:.85em}
article.prop{border:1px solid var(--line);border-radius:.5rem;padding:.2rem 1rem .6rem;margin:.8rem 0}
.replay{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem}
.replay pre{margin:0;padding:.4rem .6rem;background:var(--bg2);border:1px solid var(--line);border-radius:.3rem;overflow:auto;max-width:100%;user-select:all}
.copy-status{font-size:.85rem;color:var(--muted)}
.bar{display:inline-block;width:10rem;height:.7rem;border:1px solid var(--line);background:var(--bg2);vertical-align:middle}
.bar span{display:block;height:100%;background:var(--accent)}
dialog{max-width:min(60rem,95vw);width:100%;border:1px solid var(--line);border-radius:.6rem;padding:0;color:var(--fg);background:var(--bg)}
dialog::backdrop{background:rgba(0,0,0,.45)}
dialog header{display:flex;justify-content:space-between;align-items:flex-start;gap:1rem;padding:.8rem 1rem;border-bottom:1px solid var(--line);position:sticky;top:0;background:var(--bg)}
dialog header h2{margin:0;border:0;padding:0;font-size:1.15rem;overflow-wrap:anywhere}
#case-body{padding:0 1rem 1rem}
blockquote.clause-text{margin:.3rem 0;padding:.5rem .8rem;border-left:4px solid var(--accent);background:var(--bg2);white-space:pre-wrap}
ul.names{display:flex;flex-wrap:wrap;gap:.3rem 1rem;list-style:none;padding:0;margin:.2rem 0}
.empty{font-style:italic;color:var(--muted)}
[hidden]{display:none!important}
@media print{#filters,button.only,button.copy{display:none}#matrix-table{max-height:none;overflow:visible}}
`;

export function renderHtml(result: RunResult, opts: HtmlOptions = {}): string {
  const all: Indexed[] = result.cases.map((c, i) => ({ c, i }));
  const gate = gateOf(result, opts.baseline, { strict: opts.strict ?? false });
  const acceptedByIndex = new Map<number, string>();
  for (const x of all) {
    const entry = gate.accepted.get(x.c);
    if (entry) acceptedByIndex.set(x.i, entry.note);
  }
  const differs = differingCases(result.cases);
  // a property's finding names the page clause it broke: show that clause's text, not the model's summary
  const textOf = new Map(result.cases.filter((c) => c.kind !== 'property').map((c) => [clauseTail(c.clauseId), c.clauseText]));
  const pageText: Record<string, string> = {};
  for (const x of all) {
    if (x.c.kind !== 'property') continue;
    const ref = x.c.clause.split(': ')[1];
    const t = ref ? textOf.get(ref) : undefined;
    if (t) pageText[String(x.i)] = t;
  }
  const where: Record<string, { source?: string; rerun: string; label: string }> = {};
  for (const x of all) {
    const source = sourceOf(x.c);
    where[String(x.i)] = { rerun: rerunCommand(x.c, result), label: kindLabel(x.c), ...(source ? { source } : {}) };
  }
  const data: ClientData = {
    result,
    verdicts: VERDICTS,
    accepted: Object.fromEntries([...acceptedByIndex].map(([i, n]) => [String(i), n])),
    differs: all.filter((x) => differs.has(x.c)).map((x) => x.i),
    pageText,
    where,
  };
  const script = clientScript();
  const hash = createHash('sha256').update(script, 'utf8').digest('base64');
  const csp = `default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${hash}'; img-src data:; base-uri 'none'; form-action 'none'`;
  const total: Summary = summarise(result.cases);
  const env = result.environment;
  const title = opts.title ?? `pmem-conform report \u2014 ${str(env.startedAt).slice(0, 10)}`;
  const headline =
    `${total.total} cases: ${total.pass} pass, ${total.diverge} diverge, ${total.skip} skip, ${total.error} error` +
    (acceptedByIndex.size ? ` (${acceptedByIndex.size} divergence${acceptedByIndex.size === 1 ? '' : 's'} accepted by the baseline)` : '');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="generator" content="pmem-conform">
<title>${e(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
  <h1>${e(title)}</h1>
${renderGate(gate, !!(result as { interrupted?: unknown }).interrupted)}
  <p class="lead">${e(headline)}. Run on <strong>${e(env.hostname)}</strong> (${e(env.kernel)}, ${e(env.arch)}), started ${e(env.startedAt)}, took ${e(
    formatDuration(env.durationMs),
  )}.</p>${renderStopped(result)}
  <nav class="toc" aria-label="Sections"><ul>
    <li><a href="#summary">Summary</a></li><li><a href="#divergences">Findings</a></li>${total.error ? '<li><a href="#errors">Harness errors</a></li>' : ''}<li><a href="#properties">Property failures</a></li><li><a href="#matrix">Clauses \u00d7 fixtures</a></li>
    ${result.cases.some((c) => c.clauseId.startsWith('durability:')) ? '<li><a href="#durability">Durability</a></li>' : ''}<li><a href="#environment">Environment</a></li><li><a href="#coverage">Coverage</a></li>
  </ul></nav>
</header>
<main>
${renderSummary(result)}
${renderFilters(result, differs.size)}
${renderFindings(result, all, gate)}
${renderHosts(result)}
${renderErrors(all)}
${renderCrashReproducers(result)}
${renderProperties(all)}
${renderMatrix(result, all, acceptedByIndex)}
${renderDurability(result)}
${renderEnvironment(result)}
${renderCoverage(result)}
</main>
<dialog id="case-dialog" aria-labelledby="case-title">
  <header><h2 id="case-title">Case</h2><button type="button" id="case-close" autofocus>Close<span class="sr"> case details</span></button></header>
  <div id="case-body"></div>
</dialog>
<script type="application/json" id="report-data">${jsonForScript(data)}</script>
<script>${script}</script>
</body>
</html>
`;
}

/** renderStopped -- the banner of a run stopped by a signal, and of fixtures that failed as a whole */
function renderStopped(result: RunResult): string {
  const parts: string[] = [];
  if (result.interrupted)
    parts.push(
      `\n  <p class="lead" role="alert" id="interrupted"><strong>Interrupted</strong>${result.interruptedBy ? ` by ${e(result.interruptedBy)}` : ''}: the run was stopped before it finished; this report holds the ${result.cases.length} cases that finished.</p>`,
    );
  for (const f of result.fixtureErrors ?? [])
    parts.push(
      `\n  <p class="lead" role="alert"><strong>Fixture ${e(f.fixture)} failed</strong>: ${e(f.error)} (its cases are missing).</p>`,
    );
  return parts.join('');
}

export function writeHtml(result: RunResult, file: string, opts: HtmlOptions = {}): void {
  writeAtomic(file, renderHtml(result, opts));
}

/** HtmlReporter -- writes the self-contained HTML report at the end of the run */
export class HtmlReporter implements Reporter {
  constructor(
    private readonly file: string,
    private readonly opts: HtmlOptions = {},
  ) {}

  end(result: RunResult): void {
    writeHtml(result, this.file, this.opts);
  }
}
