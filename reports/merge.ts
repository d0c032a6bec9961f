/**
 * Merging reports: the shards of one run, and the runs of many hosts (or
 * builds), into one RunResult that every reporter renders as it renders a
 * run. Shards of one run (same host, same command but for --shard) make
 * one host and merge case for case into what the unsharded run gives.
 * Runs of different hosts keep their cases apart: the host becomes part of
 * the fixture's name ("tmpfs @ lab-3"), so the clause × fixture matrix,
 * the summary and JUnit show it as a dimension without knowing about it,
 * and `hosts` keeps each host's own environment. Reports of different
 * harness versions or catalogues mean different things by the same case
 * id, and are refused.
 */
import path from 'node:path';
import type {
  CaseResult,
  CoverageRow,
  Environment,
  FixtureInfo,
  HostDifference,
  HostInfo,
  ImplementationInfo,
  RunResult,
} from '../runner/core/model.js';
import { skippedEverywhere } from '../runner/core/everywhere.js';
import { SCHEMA } from '../runner/core/model.js';
import { reproCommand } from './repro.js';

export class MergeError extends Error {}

export interface MergeInput {
  /** the report file, as named on the command line */
  file: string;
  result: RunResult;
  /** a host name the user gave (LABEL=FILE) */
  label?: string;
}

export interface MergedResult extends RunResult {
  hosts: HostInfo[];
  hostDifferences: HostDifference[];
}

/** options that change where a run writes, not what it runs */
const OUTPUT_OPTIONS = /\s--(shard|out|json|junit|snapshot|compare|baseline)[ =]\S+|\s--(quiet|strict|update-baseline|pin-version)\b/g;

/** the run a report belongs to: a shard shares it with the other shards of its command; a whole run is its own */
function runKey(x: MergeInput, i: number): string {
  const env = x.result.environment;
  if (!env.shard) return `whole run ${i}`;
  const cmd = env.command.replace(OUTPUT_OPTIONS, '');
  return JSON.stringify([x.label ?? env.hostname, cmd, env.seed, env.shard.total, env.implementations.map((m) => m.path)]);
}

/** checkSame -- refuses inputs whose schema, harness or catalogue differs, in one line naming the difference */
function checkSame(inputs: MergeInput[]): void {
  const first = inputs[0]!;
  for (const x of inputs) {
    if (x.result.schema !== SCHEMA) throw new MergeError(`${x.file}: schema '${x.result.schema}', not ${SCHEMA}`);
    if (!Array.isArray(x.result.cases) || !x.result.environment) throw new MergeError(`${x.file}: not a pmem-conform results.json`);
  }
  for (const [field, what] of [
    ['harness', 'harness version'],
    ['catalogue', 'catalogue'],
  ] as const) {
    const a = first.result.environment[field] ?? 'unrecorded';
    for (const x of inputs.slice(1)) {
      const b = x.result.environment[field] ?? 'unrecorded';
      if (a !== b) throw new MergeError(`cannot merge: ${first.file} has ${what} ${a}, ${x.file} has ${b}`);
    }
  }
}

/** coverage -- clauses of each page with a case that passed or diverged, over the merged cases */
function mergedCoverage(rows: CoverageRow[], cases: CaseResult[]): CoverageRow[] {
  const ran = new Map<string, Set<string>>();
  for (const c of cases) {
    if (c.kind === 'property' || c.kind === 'durability' || (c.verdict !== 'pass' && c.verdict !== 'diverge')) continue;
    const s = ran.get(c.page) ?? new Set<string>();
    s.add(c.clauseId);
    ran.set(c.page, s);
  }
  return rows.map((r) => ({ ...r, ran: ran.get(r.page)?.size ?? 0 }));
}

/** hostLabels -- a name per run: the label given, else the hostname, made unique by the build when hosts repeat */
function hostLabels(groups: MergeInput[][]): string[] {
  const base = groups.map((g) => g[0]!.label ?? g[0]!.result.environment.hostname);
  const labels = groups.map((g, i) => {
    if (g[0]!.label || base.filter((b) => b === base[i]).length === 1) return base[i]!;
    // the same machine twice: two builds, or two runs; the builds' paths tell them apart
    const impls = g[0]!.result.environment.implementations.map((x) => x.path).join(',');
    return `${base[i]} (${impls || path.basename(g[0]!.file)})`;
  });
  return labels.map((l, i) => (labels.indexOf(l) === i ? l : `${l} #${i + 1}`));
}

/** mergeResults -- one report from many; throws MergeError (one line) when they cannot be merged */
export function mergeResults(inputs: MergeInput[], command: string): MergedResult {
  if (inputs.length === 0) throw new MergeError('merge needs at least one results.json');
  checkSame(inputs);
  const groups = new Map<string, MergeInput[]>();
  for (const [i, x] of inputs.entries()) {
    const k = runKey(x, i);
    groups.set(k, [...(groups.get(k) ?? []), x]);
  }
  const runs = [...groups.values()];
  const labels = hostLabels(runs);
  const many = runs.length > 1;
  const cases: CaseResult[] = [];
  const seen = new Map<string, string>();
  const hosts: HostInfo[] = [];
  const fixtures: FixtureInfo[] = [];
  const implementations: ImplementationInfo[] = [];
  runs.forEach((group, i) => {
    const label = labels[i]!;
    const where = (f: string) => (many ? `${f} @ ${label}` : f);
    for (const x of group) {
      for (const c of x.result.cases) {
        const fixture = where(c.fixture);
        const id = many ? `${c.clauseId}@${fixture}/${c.implementation}` : c.id;
        const before = seen.get(id);
        if (before !== undefined) throw new MergeError(`case ${id} is in both ${before} and ${x.file} (the same shard twice?)`);
        seen.set(id, x.file);
        cases.push({ ...c, id, fixture, ...(many ? { host: label } : {}), ...(c.repro ? { repro: reproCommand(id) } : {}) });
      }
      for (const f of x.result.environment.fixtures) {
        const name = where(f.name);
        if (!fixtures.some((y) => y.name === name)) fixtures.push({ ...f, name });
      }
      for (const im of x.result.environment.implementations) {
        if (!implementations.some((y) => y.name === im.name && y.path === im.path && y.version === im.version)) implementations.push(im);
      }
    }
    const shards = group.map((x) => x.result.environment.shard).filter((s) => s !== undefined);
    const total = shards[0]?.total;
    if (shards.length > 0 && (shards.length !== group.length || shards.some((s) => s.total !== total)))
      throw new MergeError(`${group.map((x) => x.file).join(', ')}: shards of one run must all be cut the same way (i/${total})`);
    hosts.push({
      label,
      files: group.map((x) => x.file),
      environment: group[0]!.result.environment,
      ...(shards.length ? { shards: shards.map((s) => s.index).sort((a, b) => a - b) } : {}),
    });
  });
  const first = inputs[0]!.result;
  const envs = inputs.map((x) => x.result.environment);
  const { shard: _shard, ...env0 } = first.environment;
  const environment: Environment = {
    ...env0,
    hostname: hosts.map((h) => h.label).join(', '),
    fixtures,
    implementations,
    startedAt: envs.map((e) => e.startedAt).sort()[0]!,
    durationMs: envs.reduce((n, e) => n + e.durationMs, 0),
    command,
  };
  return {
    schema: SCHEMA,
    environment,
    cases,
    coverage: mergedCoverage(first.coverage, cases),
    skippedEverywhere: skippedEverywhere(cases),
    undefinedNames: first.undefinedNames,
    ...(first.catalogueGaps ? { catalogueGaps: first.catalogueGaps } : {}),
    hosts,
    hostDifferences: many ? hostDifferences(cases) : [],
  };
}

/** hostDifferences -- the clause × fixture × implementation cells whose verdict or observed name is not the same on every host */
export function hostDifferences(cases: CaseResult[]): HostDifference[] {
  const cells = new Map<string, { c: CaseResult; fixture: string }[]>();
  for (const c of cases) {
    if (!c.host) continue;
    const fixture = c.fixture.slice(0, c.fixture.length - ` @ ${c.host}`.length);
    const k = JSON.stringify([c.clauseId, fixture, c.implementation]);
    cells.set(k, [...(cells.get(k) ?? []), { c, fixture }]);
  }
  const out: HostDifference[] = [];
  for (const list of cells.values()) {
    const outcome = (c: CaseResult) => `${c.verdict} ${c.observed?.name ?? ''}`;
    const hostsSeen = new Set(list.map((x) => x.c.host));
    if (hostsSeen.size < 2 || new Set(list.map((x) => outcome(x.c))).size < 2) continue;
    const { c, fixture } = list[0]!;
    out.push({
      clauseId: c.clauseId,
      fixture,
      implementation: c.implementation,
      outcomes: list.map((x) => ({ host: x.c.host!, verdict: x.c.verdict, ...(x.c.observed ? { observed: x.c.observed.name } : {}) })),
    });
  }
  return out;
}

/** formatHostDifferences -- the console's view of the cells that differ between hosts */
export function formatHostDifferences(m: MergedResult): string {
  const lines = [`hosts: ${m.hosts.map((h) => `${h.label} (${h.files.length} report${h.files.length > 1 ? 's' : ''})`).join('; ')}`];
  if (m.hosts.length > 1) {
    lines.push(`clauses whose outcome differs between hosts: ${m.hostDifferences.length}`);
    for (const d of m.hostDifferences)
      lines.push(
        `  ${d.clauseId} [${d.fixture}/${d.implementation}]: ${d.outcomes.map((o) => `${o.host} ${o.verdict}${o.observed ? ` ${o.observed}` : ''}`).join(' | ')}`,
      );
  }
  return lines.join('\n');
}
