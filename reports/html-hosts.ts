/**
 * The HTML report's parts for merged reports and reproducers: the hosts a
 * merged report came from with their environments, the cells whose
 * outcome differs between hosts, and the link to a case's C reproducer.
 * Kept apart from html.ts so the renderer of a single run stays as it is.
 */
import type { CaseResult, RunResult } from '../runner/core/model.js';
import { escapeHtml as e, formatDuration } from './common.js';
import { reproFileName } from './repro.js';

/** reproLinks -- a line per case that has a C reproducer: the file next to the report, and the command that writes it */
export function reproLinks(cases: readonly CaseResult[]): string {
  const withRepro = cases.filter((c) => c.repro && c.calls?.length);
  if (withRepro.length === 0) return '';
  return withRepro
    .map((c) => {
      const file = reproFileName(c.id);
      return `<br><span class="small repro">C reproducer (${e(c.fixture)}): <a href="repro/${e(encodeURIComponent(file))}">${e(file)}</a> \u2014 <code class="cmd">${e(c.repro!)}</code></span>`;
    })
    .join('');
}

/** renderCrashReproducers -- crashes that carry a call log, each with its reproducer */
export function renderCrashReproducers(result: RunResult): string {
  const crashes = result.cases.filter((c) => c.verdict === 'crash' && c.repro && c.calls?.length);
  if (crashes.length === 0) return '';
  return `
<section id="crash-repro" aria-labelledby="h-crash-repro">
  <h2 id="h-crash-repro">Crashes: C reproducers</h2>
  <ul>${crashes.map((c) => `<li><code>${e(c.clauseId)}</code> ${e(c.reason ?? '')}${reproLinks([c])}</li>`).join('')}</ul>
</section>`;
}

/** renderHosts -- a merged report's hosts (environment each) and the cells whose outcome differs between them */
export function renderHosts(result: RunResult): string {
  const hosts = result.hosts ?? [];
  if (hosts.length === 0) return '';
  const rows = hosts
    .map((h) => {
      const env = h.environment;
      const impls = env.implementations.map((i) => `${i.name} ${i.version ?? ''} <code>${e(i.path)}</code>`).join('<br>');
      const fixtures = env.fixtures.map((f) => `${e(f.name)} (${e(f.kind)})`).join(', ');
      return `<tr><th scope="row">${e(h.label)}</th><td>${e(env.hostname)}<br>${e(env.kernel)} ${e(env.arch)}</td><td>${impls}</td><td>${fixtures}</td><td>${
        h.shards ? `shards ${e(h.shards.join(', '))}` : 'whole run'
      }<br>${e(formatDuration(env.durationMs))}</td><td>${h.files.map((f) => `<code>${e(f)}</code>`).join('<br>')}</td></tr>`;
    })
    .join('\n');
  const diffs = result.hostDifferences ?? [];
  const diffRows = diffs
    .map(
      (d) =>
        `<tr><td><code>${e(d.clauseId)}</code></td><td>${e(d.fixture)}</td><td>${e(d.implementation)}</td><td>${d.outcomes
          .map((o) => `${e(o.host)}: <strong>${e(o.verdict)}</strong>${o.observed ? ` <code>${e(o.observed)}</code>` : ''}`)
          .join('<br>')}</td></tr>`,
    )
    .join('\n');
  return `
<section id="hosts" aria-labelledby="h-hosts">
  <h2 id="h-hosts">Hosts <span class="muted">(${hosts.length})</span></h2>
  <p class="muted">A merged report. With more than one host, every fixture's name ends in "@ host", so the matrix and the summary show each host as its own column.</p>
  <div class="scroll"><table>
    <thead><tr><th scope="col">Host</th><th scope="col">Machine</th><th scope="col">Implementations</th><th scope="col">Fixtures</th><th scope="col">Run</th><th scope="col">Reports</th></tr></thead>
    <tbody>${rows}</tbody>
  </table></div>
  ${
    hosts.length > 1
      ? `<h3 id="h-host-diffs">Clauses whose outcome differs between hosts <span class="muted">(${diffs.length})</span></h3>
  ${
    diffs.length
      ? `<div class="scroll"><table class="host-diffs"><thead><tr><th scope="col">Clause</th><th scope="col">Fixture</th><th scope="col">Implementation</th><th scope="col">Outcome per host</th></tr></thead><tbody>${diffRows}</tbody></table></div>`
      : '<p>Every clause has the same outcome on every host that ran it.</p>'
  }`
      : ''
  }
</section>`;
}
