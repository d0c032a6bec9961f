/**
 * Behaviour snapshots: the observed outcome of every case, not only the
 * divergences. Two builds can both answer as the pages permit and still
 * answer differently (which error wins, the granularity granted, a size):
 * --snapshot records a run, --compare holds a run to a record and fails on
 * any change, and `pmem-conform diff A B` prints what changed between two
 * runs. Values that change on every run (addresses, handle ids, descriptor
 * numbers, temporary names) are masked, so an unchanged library compares
 * equal to itself.
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeAtomic } from './write.js';
import type { CaseResult, RunResult } from '../runner/core/model.js';
import type { Reporter } from './reporter.js';

export const SNAPSHOT_SCHEMA = 'pmem-conform-snapshot/1';

export interface Snapshot {
  schema: typeof SNAPSHOT_SCHEMA;
  /** what ran: implementation name, path and version; fixture names */
  implementations: { name: string; path: string; version?: string }[];
  fixtures: string[];
  seed?: number;
  /** case id → outcome, one line each */
  cases: Record<string, string>;
}

/** mask -- run-to-run noise out of an observed value (the last: mkstemp's suffix of PMDK's temporary files) */
function mask(v: string): string {
  return v
    .replace(/0x[0-9a-f]{5,}/gi, '0x…')
    .replace(/\bmap \d+\b/g, 'map #')
    .replace(/\bdescriptor \d+\b/g, 'descriptor #')
    .replace(/pmem-conform-[a-z]+-[A-Za-z0-9]{6}/g, 'pmem-conform-…')
    .replace(/case-\d+-\d+/g, 'case-…')
    .replace(/pmemset\.[A-Za-z0-9]{6}\b/g, 'pmemset.…');
}

/** outcomeOf -- one case's outcome as one comparable line: verdict, the name observed, and the facts observed */
export function outcomeOf(c: CaseResult): string {
  // a property's counterexample depends on the seed: its verdict is its outcome
  if (c.kind === 'property' || c.kind === 'durability') return c.verdict;
  const parts: string[] = [c.verdict];
  if (c.observed) parts.push(c.observed.name);
  const d = c.observed?.details;
  if (d) {
    const facts = Object.keys(d)
      .sort()
      .map((k) => `${mask(k)}=${mask(String(d[k]))}`);
    if (facts.length) parts.push(`{${facts.join(', ')}}`);
  }
  return parts.join(' ');
}

export function snapshotOf(result: RunResult): Snapshot {
  const cases: Record<string, string> = {};
  for (const c of result.cases) cases[c.id] = outcomeOf(c);
  return {
    schema: SNAPSHOT_SCHEMA,
    implementations: result.environment.implementations.map((i) => ({
      name: i.name,
      path: i.path,
      ...(i.version ? { version: i.version } : {}),
    })),
    fixtures: result.environment.fixtures.map((f) => f.name),
    ...(result.environment.seed !== undefined ? { seed: result.environment.seed } : {}),
    cases,
  };
}

/** loadSnapshot -- a snapshot file, or a run's results.json read as one; throws one line on anything else */
export function loadSnapshot(file: string): Snapshot {
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(
      `snapshot ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message.split('\n')[0]}`,
    );
  }
  const o = data as { schema?: string };
  if (o?.schema === SNAPSHOT_SCHEMA) return data as Snapshot;
  if (o?.schema === 'pmem-conform/1' && Array.isArray((data as RunResult).cases)) return snapshotOf(data as RunResult);
  throw new Error(`snapshot ${file}: neither a snapshot (${SNAPSHOT_SCHEMA}) nor a results.json (pmem-conform/1)`);
}

export interface SnapshotDiff {
  changed: { id: string; before: string; after: string }[];
  onlyBefore: string[];
  onlyAfter: string[];
  same: number;
}

export function diffSnapshots(before: Snapshot, after: Snapshot): SnapshotDiff {
  const d: SnapshotDiff = { changed: [], onlyBefore: [], onlyAfter: [], same: 0 };
  for (const [id, was] of Object.entries(before.cases)) {
    const now = after.cases[id];
    if (now === undefined) d.onlyBefore.push(id);
    else if (now !== was) d.changed.push({ id, before: was, after: now });
    else d.same++;
  }
  for (const id of Object.keys(after.cases)) if (!(id in before.cases)) d.onlyAfter.push(id);
  return d;
}

function label(s: Snapshot): string {
  return s.implementations.map((i) => `${i.name} ${i.version ?? path.basename(i.path)}`).join(', ') || '(no implementation)';
}

/** formatDiff -- the changes as a table a person reads: case, before, after */
export function formatDiff(d: SnapshotDiff, before: Snapshot, after: Snapshot): string {
  const lines = [
    `before: ${label(before)}; after: ${label(after)}`,
    `${d.changed.length} case(s) changed, ${d.same} unchanged, ${d.onlyBefore.length} only before, ${d.onlyAfter.length} only after`,
  ];
  if (d.changed.length) {
    lines.push('', '| case | before | after |', '|---|---|---|');
    for (const c of d.changed) lines.push(`| ${c.id} | ${c.before} | ${c.after} |`);
  }
  const list = (title: string, ids: string[]) => {
    if (!ids.length) return;
    lines.push('', `${title}:`);
    for (const id of ids.slice(0, 50)) lines.push(`  ${id}`);
    if (ids.length > 50) lines.push(`  ... and ${ids.length - 50} more`);
  };
  list('only before', d.onlyBefore);
  list('only after', d.onlyAfter);
  return lines.join('\n');
}

/** SnapshotWriter -- --snapshot FILE: records every case's outcome at the end of the run */
export class SnapshotWriter implements Reporter {
  constructor(private readonly file: string) {}

  end(result: RunResult): void {
    fs.mkdirSync(path.dirname(path.resolve(this.file)), { recursive: true });
    writeAtomic(this.file, `${JSON.stringify(snapshotOf(result), null, 2)}\n`);
    console.log(`snapshot written: ${this.file}`);
  }
}

/** CompareReporter -- --compare FILE: fails when any case that both ran answered otherwise than recorded */
export class CompareReporter implements Reporter {
  exitCode: 0 | 1 = 0;

  constructor(private readonly recorded: Snapshot) {}

  end(result: RunResult): void {
    const now = snapshotOf(result);
    const d = diffSnapshots(this.recorded, now);
    console.log(`compare: ${formatDiff(d, this.recorded, now)}`);
    if (d.changed.length > 0) this.exitCode = 1;
  }
}
