/**
 * How properties run inside a conformance run. A property searches a space
 * of situations with fast-check; its result becomes one case of the result
 * model, carrying the seed, the shrink path and the command that replays
 * the smallest failing situation.
 */
import fc from 'fast-check';
import type { Capabilities, Fixture } from '../fixtures/fixture.js';
import { discardRecording, markJudged, startRecording, stopRecording } from '../runner/core/calllog.js';
import type { CallRecord, Observed } from '../runner/core/model.js';
import type { Addon } from '../runner/core/native.js';
import type { Implementation } from '../runner/core/implementation.js';
import { isMissingFunction } from '../runner/core/partial.js';

import { ANY_NAME } from './known.js';

export { ANY_NAME };

/** a divergence the suites already reported in this run: the clause's key and what the library did (or ANY_NAME) */
export interface KnownDivergence {
  clause: string;
  observedName: string;
  caseId: string;
}

export interface PropertyContext {
  addon: Addon;
  fixture: Fixture;
  caps: Capabilities;
  impl: Implementation;
  known: KnownDivergence[];
  fc: { seed: number; numRuns: number; path?: string };
}

/** what a failing run of the predicate found */
export interface Finding {
  situation: string;
  observed?: Observed;
  permitted?: string[];
  clause?: string;
  /** what makes two findings the same divergence (default: the observed name) */
  key?: string;
  message: string;
  /** the calls of the failing run (runner/core/calllog.ts), for its C reproducer */
  calls?: CallRecord[];
}

export interface PropertyResult {
  runs: number;
  failed: boolean;
  seed: number;
  path?: string;
  finding?: Finding;
  /** harness failure (an exception outside the library's answers) */
  error?: string;
  /** the search called a function the build does not export (runner/core/partial.ts) */
  missing?: { library: 'libpmem2' | 'libpmemset'; fn: string };
  /** known divergences met along the way, by "clause: name" and count */
  knownHits: Record<string, number>;
}

export interface PropertyDef {
  /** the name --property takes, e.g. "pmem2_map_new/parameters" */
  name: string;
  implementation: string;
  page: string;
  function: string;
  /** what is checked, in one sentence */
  title: string;
  /** the pages the model reads */
  reads: string;
  /**
   * roughly what its runs cost, relative to the others (seconds for 200 runs on tmpfs, measured): the
   * engine balances the properties over its lanes with it; it decides nothing about a verdict
   */
  weight?: number;
  run(ctx: PropertyContext): PropertyResult;
}

/** thrown by a predicate to report a divergence with its details */
export class DivergenceError extends Error {
  constructor(readonly finding: Finding) {
    super(finding.message);
  }
}

/**
 * Runs fc.check over `arb` with `predicate`, remembering the details of the
 * last failing execution, which after shrinking is the smallest one.
 */
export function checkProperty<T>(
  ctx: PropertyContext,
  arb: fc.Arbitrary<T>,
  predicate: (v: T, known: Record<string, number>) => void,
): PropertyResult {
  const knownHits: Record<string, number> = {};
  let last: Finding | undefined;
  let harness: string | undefined;
  let missing: PropertyResult['missing'];
  const prop = fc.property(arb, (v) => {
    // each run logs its calls; the last failing one (the smallest after shrinking) keeps its log
    startRecording();
    try {
      predicate(v, knownHits);
      discardRecording();
    } catch (e) {
      const calls = stopRecording();
      if (e instanceof DivergenceError) {
        if (e.finding.observed) markJudged(e.finding.observed);
        last = { ...e.finding, calls };
      } else if (isMissingFunction(e)) missing = { library: e.library, fn: e.missingFunction };
      else {
        harness = (e as Error).stack ?? String(e);
        last = { situation: fc.stringify(v), message: (e as Error).message };
      }
      throw e;
    }
  });
  const params: fc.Parameters<[T]> = { seed: ctx.fc.seed, numRuns: ctx.fc.numRuns };
  if (ctx.fc.path) {
    params.path = splitPath(ctx.fc.path).path;
    params.endOnFailure = true;
  }
  const details = fc.check(prop, params);
  const out: PropertyResult = { runs: details.numRuns, failed: details.failed, seed: details.seed, knownHits };
  if (details.failed) {
    if (details.counterexamplePath) {
      // a command sequence replays only with its own replay path as well: keep both in one string
      const cmds = details.counterexample ? String(details.counterexample[0]) : '';
      const m = cmds.match(/replayPath="([^"]*)"/);
      out.path = m ? `${details.counterexamplePath}|${m[1]}` : details.counterexamplePath;
    }
    if (missing) {
      out.missing = missing;
      return out;
    }
    if (last) out.finding = last;
    if (!(details.errorInstance instanceof DivergenceError)) out.error = harness ?? String(details.errorInstance);
  }
  return out;
}

/** is this outcome a divergence the suites already reported for one of these clauses? */
export function knownDivergence(
  known: KnownDivergence[],
  clauses: string[],
  observedName: string,
  key?: string,
): KnownDivergence | undefined {
  return known.find(
    (k) =>
      (k.observedName === ANY_NAME || k.observedName === observedName || (key !== undefined && k.observedName === key)) &&
      clauses.includes(k.clause),
  );
}

/** "fcPath|commandsReplayPath" as printed in a replay command, split */
export function splitPath(p: string): { path: string; commands?: string } {
  const i = p.indexOf('|');
  return i < 0 ? { path: p } : { path: p.slice(0, i), commands: p.slice(i + 1) };
}
