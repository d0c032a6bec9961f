/**
 * Runs the properties of one implementation on one fixture and turns each
 * into a case of the result model, with the seed, the shrink path and the
 * command that replays the failure.
 */
import os from 'node:os';
import type { CaseResult } from '../core/model.js';
import type { Addon } from '../core/native.js';
import type { Fixture } from '../../fixtures/fixture.js';
import type { KnownDivergence, PropertyDef, PropertyResult } from '../../properties/framework.js';
import { ANY_NAME } from '../../properties/known.js';
import type { Implementation } from '../core/implementation.js';
import { DEFAULT_LIB } from '../core/implementation.js';
import type { Campaign, CampaignContext } from './campaign.js';
import type { Unit } from './isolation.js';
import { runIsolated } from './isolation.js';
import { fixtureView, loadedBuild } from './suites.js';
import { missingVerdict } from '../core/partial.js';
import { loadCatalogue } from '../catalogue/build.js';
import type { ImplementationRun } from './plan.js';
import { recordingAddon } from '../core/calllog.js';
import { reproCommand } from '../../reports/repro.js';
import { inShard, propertyUnitId } from './shard.js';

export interface PropertyRunOptions {
  properties: PropertyDef[];
  fixture: Fixture;
  implementation: Implementation;
  addon: Addon;
  seed: number;
  numRuns: number;
  replayPath?: string;
  /** the divergences the suites found in this run */
  suiteCases: CaseResult[];
  /** how a user would re-run this property, minus --seed/--replay */
  commandPrefix: string;
}

/** the suites' divergences, keyed by the clause id's tail ("<function>/<name>#<n>") */
export function knownFrom(cases: CaseResult[]): KnownDivergence[] {
  return (
    cases
      .filter((c) => c.verdict === 'diverge' && c.observed)
      // a clause the suites found diverging is set aside whatever name the property's situation gets from it:
      // which of its situations a seed reaches must not decide what the run reports
      .map((c) => ({ clause: c.clauseId.replace(/^[^/]+\//, ''), observedName: ANY_NAME, caseId: c.id }))
  );
}

/** the reason of the case of a replay whose path names no generated case (the CLI turns it into bad input) */
export const REPLAY_NOTHING = 'the replay path';

/** at most this many distinct findings per property and run: each is a case of its own */
const MAX_FINDINGS = 8;

export function runProperties(o: PropertyRunOptions): CaseResult[] {
  const out: CaseResult[] = [];
  for (const p of o.properties) {
    // fast-check stops at the first failure; a finding is recorded, then accepted as known
    // so the search goes on and one divergence cannot hide the next
    const known = knownFrom(o.suiteCases);
    const knownHits: Record<string, number> = {};
    for (let round = 0; round < MAX_FINDINGS; round++) {
      const started = Date.now();
      let r: PropertyResult;
      try {
        r = p.run({
          addon: recordingAddon(o.addon),
          fixture: o.fixture,
          caps: o.fixture.capabilities(),
          impl: o.implementation,
          known,
          fc: { seed: o.seed, numRuns: o.numRuns, ...(o.replayPath ? { path: o.replayPath } : {}) },
        });
      } catch (e) {
        r = { runs: 0, failed: true, seed: o.seed, error: (e as Error).stack ?? String(e), knownHits: {} };
      }
      // fast-check runs nothing for a path past what the seed generates, and calls that a success
      if (o.replayPath && !r.failed && r.runs === 0) {
        out.push({
          id: `property:${p.name}@${o.fixture.name}/${o.implementation.name}`,
          clauseId: `property:${p.name}`,
          page: p.page,
          function: p.function,
          clause: p.name,
          clauseText: `${p.title} (model read from ${p.reads})`,
          kind: 'property',
          fixture: o.fixture.name,
          implementation: o.implementation.name,
          verdict: 'error',
          permitted: [],
          reason: `${REPLAY_NOTHING} '${o.replayPath}' names no case of ${p.name} with seed ${o.seed}`,
          durationMs: Date.now() - started,
          seed: o.seed,
          replay: `${o.commandPrefix} --property ${p.name} --seed ${o.seed}`,
        });
        break;
      }
      for (const [k, n] of Object.entries(r.knownHits)) knownHits[k] = (knownHits[k] ?? 0) + n;
      const hits = Object.entries(knownHits);
      const knownNote = hits.length
        ? `known divergences met (reported by the suites or earlier findings, not counted again): ${hits.map(([k, n]) => `${k} ×${n}`).join('; ')}`
        : undefined;
      const base = {
        page: p.page,
        function: p.function,
        clauseText: `${p.title} (model read from ${p.reads})`,
        kind: 'property' as const,
        fixture: o.fixture.name,
        implementation: o.implementation.name,
        durationMs: Date.now() - started,
        seed: r.seed,
        runs: r.runs,
      };
      if (!r.failed) {
        out.push({
          ...base,
          id: `property:${p.name}@${o.fixture.name}/${o.implementation.name}`,
          clauseId: `property:${p.name}`,
          clause: p.name,
          verdict: 'pass',
          permitted: [],
          reason: `${r.runs} situations, all answered as the pages permit${round ? ` once the ${round} finding(s) above are set aside` : ''}`,
          ...(knownNote ? { note: knownNote } : {}),
        });
        break;
      }
      if (r.missing) {
        // a partial build: the property cannot search without the function, as a case cannot run
        const m = missingVerdict(
          p.implementation === 'libpmemset' ? 'libpmemset' : 'libpmem2',
          p.page,
          r.missing.fn,
          loadedBuild(r.missing.library, { addon: o.addon, implementation: o.implementation }),
          loadCatalogue(),
        );
        out.push({
          ...base,
          id: `property:${p.name}@${o.fixture.name}/${o.implementation.name}`,
          clauseId: `property:${p.name}`,
          clause: p.name,
          verdict: m.verdict,
          permitted: [],
          reason: m.reason,
          ...(m.verdict === 'diverge' ? { observed: { code: 0, name: 'not exported', at: `${r.missing.fn}()` } } : {}),
        });
        break;
      }
      const f = r.finding;
      const clause = f?.clause?.split(', ')[0] ?? 'unknown';
      // a finding is what it found: the clause, and the class of situation when the property names one (its key);
      // not the error name its smallest counterexample happens to end on, which depends on the seed
      const replay = `${o.commandPrefix} --property ${p.name} --seed ${r.seed}${r.path ? ` --replay '${r.path}'` : ''}`;
      const clauseId = r.error ? `property:${p.name}` : `property:${p.name}/${clause}${f?.key ? `/${f.key}` : ''}`;
      // the same finding again (setting it aside did not work): report it once
      if (out.some((c) => c.clauseId === clauseId)) break;
      out.push({
        ...base,
        id: `${clauseId}@${o.fixture.name}/${o.implementation.name}`,
        clauseId,
        clause: r.error ? p.name : `${p.name}: ${clause}`,
        verdict: r.error ? 'error' : 'diverge',
        ...(f?.observed ? { observed: { ...f.observed, details: { ...(f.observed.details ?? {}), situation: f.situation } } } : {}),
        permitted: f?.permitted ?? [],
        reason: r.error
          ? `harness error in the property: ${r.error.split('\n').slice(0, 3).join(' ')}${f ? ` (situation: ${f.situation})` : ''}`
          : `smallest counterexample: ${f?.message ?? 'unknown'} [clause ${f?.clause ?? 'unknown'}]`,
        ...(r.path ? { path: r.path } : {}),
        replay,
        ...(!r.error && f?.calls?.length
          ? { calls: f.calls, repro: reproCommand(`${clauseId}@${o.fixture.name}/${o.implementation.name}`) }
          : {}),
        ...(round > 0
          ? {
              note: `found after setting aside ${round} earlier finding(s) of this property (the search goes on past each finding); the replay command re-runs exactly this situation`,
            }
          : {}),
      });
      if (r.error || !f || o.replayPath) break;
      if (known.some((k) => k.caseId === clauseId)) break; // the same finding again: setting it aside did not work
      for (const c of (f.clause ?? '').split(', ')) known.push({ clause: c, observedName: ANY_NAME, caseId: clauseId });
    }
  }
  return out;
}

/** the command that re-runs one property of `impl` on `fixture`, minus --property/--seed/--replay */
function replayPrefix(fixture: string, impl: Implementation, numRuns: number): string {
  const named = impl.path !== DEFAULT_LIB[impl.name] ? `${impl.name}=${impl.path}` : impl.name;
  return `npx pmem-conform run --fixture ${fixture} --impl ${named} --runs ${numRuns}`;
}

/** the property campaign: one implementation's properties on every file fixture, after its suites, in a worker */
export const propertyCampaign: Campaign = {
  name: 'properties',
  scope: 'implementation',
  async run(ctx: CampaignContext, r?: ImplementationRun) {
    if (!r || r.properties.length === 0) return;
    const { plan } = ctx;
    for (const f of plan.fixtures) {
      // a device DAX fixture holds no files: the properties run on the file fixtures
      if (f.kind === 'devdax') continue;
      const properties = r.properties.filter((p) => inShard(propertyUnitId(p.name, f.name, r.impl.name), plan.shard));
      if (properties.length === 0) continue;
      const prefix = replayPrefix(f.name, r.impl, plan.numRuns);
      const units: Unit[] = properties.map((p) => ({ type: 'property', name: p.name }));
      // the properties are independent (each its own set, files named by its worker's pid): they run
      // side by side in lanes, as many as there are cores, each lane one worker that runs its properties
      // one after the other (a new one only after a crash or timeout: a worker's start costs as much as a
      // short property); their cases are reported in the plan's order all the same, each property's once
      // every property before it is done
      const byUnit: CaseResult[][] = units.map(() => []);
      const done = units.map(() => false);
      let reported = 0;
      const report = () => {
        for (; reported < units.length && done[reported]; reported++) for (const c of byUnit[reported]!) ctx.emit(c);
      };
      const lanes = laneAssignment(properties, os.availableParallelism());
      const lane = async (mine: number[]) => {
        if (ctx.signal.aborted) return;
        // a property reports its cases when it ends, and a lane runs its properties in order: a case of
        // one means every property before it in the lane is done
        const unitOf = (c: CaseResult) =>
          mine.find((i) => c.clauseId === `property:${properties[i]!.name}` || c.clauseId.startsWith(`property:${properties[i]!.name}/`)) ??
          // every case of a property names it: were one not to, it belongs to the first property not done
          mine.find((i) => !done[i]) ??
          mine[mine.length - 1]!;
        await runIsolated({
          job: {
            impl: r.impl,
            fixture: fixtureView(f),
            seed: plan.seed,
            numRuns: plan.numRuns,
            ...(plan.replayPath !== undefined ? { replayPath: plan.replayPath } : {}),
            commandPrefix: prefix,
          },
          units: mine.map((i) => units[i]!),
          suiteCases: () =>
            [...ctx.cases, ...ctx.shadow].filter((c) => c.implementation === r.impl.name && c.fixture === f.name && c.kind !== 'property'),
          describe: (u) => {
            const p = r.properties.find((x) => u.type === 'property' && x.name === u.name)!;
            return {
              id: `property:${p.name}@${f.name}/${r.impl.name}`,
              clauseId: `property:${p.name}`,
              page: p.page,
              function: p.function,
              clause: p.name,
              clauseText: `${p.title} (model read from ${p.reads})`,
              kind: 'property',
              fixture: f.name,
              implementation: r.impl.name,
              seed: plan.seed,
              replay: `${prefix} --property ${p.name} --seed ${plan.seed}`,
            };
          },
          timeoutMs: () => plan.caseTimeoutMs * PROPERTY_TIMEOUT_FACTOR,
          emit: (c) => {
            const i = unitOf(c);
            byUnit[i]!.push(c);
            for (const k of mine.slice(0, mine.indexOf(i))) done[k] = true;
            report();
          },
          signal: ctx.signal,
        });
        // stopped: the lane's properties not run are not done, and not reported as if they were
        if (ctx.signal.aborted) return;
        for (const k of mine) done[k] = true;
        report();
      };
      await Promise.all(lanes.map(lane));
      // stopped: what finished is reported, in order, though an earlier property was abandoned
      for (; reported < units.length; reported++) for (const c of byUnit[reported]!) ctx.emit(c);
    }
  },
};

/**
 * laneAssignment -- the indices of `properties` each lane runs, in plan order within a lane: at most
 * `cores` lanes, the heaviest property first into the lane with the least work so far (by weight)
 */
export function laneAssignment(properties: Pick<PropertyDef, 'weight'>[], cores: number): number[][] {
  const n = Math.max(1, Math.min(cores, properties.length));
  const lanes = Array.from({ length: n }, () => ({ load: 0, mine: [] as number[] }));
  const order = properties.map((p, i) => ({ i, w: p.weight ?? 1 })).sort((x, y) => y.w - x.w || x.i - y.i);
  for (const { i, w } of order) {
    const l = lanes.reduce((a, b) => (b.load < a.load ? b : a));
    l.load += w;
    l.mine.push(i);
  }
  return lanes.filter((l) => l.mine.length).map((l) => l.mine.sort((x, y) => x - y));
}

/** a property makes a few hundred calls: it may take this many case timeouts */
const PROPERTY_TIMEOUT_FACTOR = 30;
