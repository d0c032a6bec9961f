/**
 * The clauses no fixture of a run ran: every case of the clause, on every
 * fixture, implementation and page copy, is a skip. This is the count the
 * harness is judged by (issue 12: at most a handful, apart from the
 * clauses about Windows or FreeBSD), so a reader should not have to group
 * the cases by hand to get it. A clause is counted once across the copies
 * of its page (the seed .txt, the .md and Debian's man page each carry
 * `pmem2_map_new/PMEM2_E_MAP_RANGE#2`): a copy that ran it covers the rest.
 */
import type { CaseResult, SkippedClause, SkippedEverywhere, SkipWhy } from './model.js';

/** clauseTail -- a clause id without its page copy: "pmem2_map_new@seed-md/pmem2_map_new/X#2" -> "pmem2_map_new/X#2" */
export function clauseTail(clauseId: string): string {
  const m = /^[^@/]+@[^/]+\/(.*)$/.exec(clauseId);
  return m ? m[1]! : clauseId;
}

/**
 * isPlatformOnly -- a skip because the clause is about another operating
 * system that is not Linux-like. That is a fact of the clause, not of the
 * fixture: one such skip makes the clause platform-only, even where another
 * fixture skipped it earlier for its own reason (a device DAX skips the
 * Windows file-type clauses as "needs files" before the platform is asked)
 */
function isPlatformOnly(c: CaseResult): boolean {
  if (c.technique !== undefined) return /^platform:(Windows|FreeBSD)$/.test(c.technique);
  // a report written before techniques were recorded: verdict.ts's platformSkip reasons
  return /^(Windows|FreeBSD) only/.test(c.reason ?? '');
}

/** copyOf -- the page copy of a clause id ("seed-md"), '' when it has none */
function copyOf(clauseId: string): string {
  return /^[^@/]+@([^/]+)\//.exec(clauseId)?.[1] ?? '';
}

/**
 * skippedEverywhere -- the clauses of `cases` that were skipped wherever
 * they were planned. A clause that passed, diverged, crashed or timed out
 * on any fixture ran there; one with a harness error is neither (it is
 * reported as an error). Properties and durability trials are not clauses
 * of a page and are left out.
 */
export function skippedEverywhere(cases: readonly CaseResult[]): SkippedEverywhere {
  const ran = new Set<string>();
  const errored = new Set<string>();
  const skipped = new Map<string, CaseResult[]>();
  for (const c of cases) {
    if (c.kind === 'property' || c.kind === 'durability') continue;
    const tail = clauseTail(c.clauseId);
    if (c.verdict === 'skip') skipped.set(tail, [...(skipped.get(tail) ?? []), c]);
    else if (c.verdict === 'error') errored.add(tail);
    else ran.add(tail);
  }
  const clauses: SkippedClause[] = [];
  for (const [clause, list] of skipped) {
    if (ran.has(clause) || errored.has(clause)) continue;
    const why = new Map<string, SkipWhy>();
    for (const c of list) {
      const technique = c.technique ?? '';
      const reason = c.reason ?? '';
      const key = JSON.stringify([technique, reason]);
      const w = why.get(key) ?? { technique, reason, fixtures: [], copies: [] };
      if (!w.fixtures.includes(c.fixture)) w.fixtures.push(c.fixture);
      const copy = copyOf(c.clauseId);
      if (copy && !w.copies.includes(copy)) w.copies.push(copy);
      why.set(key, w);
    }
    clauses.push({ clause, function: list[0]!.function, platformOnly: list.some(isPlatformOnly), why: [...why.values()] });
  }
  // the ones that count first, each group in the order the cases came
  clauses.sort((a, b) => Number(a.platformOnly) - Number(b.platformOnly));
  const platformOnly = clauses.filter((c) => c.platformOnly).length;
  return { count: clauses.length - platformOnly, platformOnly, clauses };
}

/** skippedLine -- the summary's one line: "clauses no fixture ran: N (+M Windows/FreeBSD only)" */
export function skippedLine(s: SkippedEverywhere): string {
  return `clauses no fixture ran: ${s.count} (+${s.platformOnly} Windows/FreeBSD only)`;
}
