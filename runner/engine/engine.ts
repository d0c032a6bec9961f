/**
 * The engine: sets up the plan's fixtures, runs the campaigns in order
 * (per implementation: suites, then properties; then the remote runs and
 * the durability trials), streams every case to the reporter as it
 * finishes, builds the result model once, and tears the fixtures down
 * whatever happens.
 */
import { loadCatalogue } from '../catalogue/build.js';
import { basics } from '../core/environment.js';
import { catalogueDigest, harnessVersion } from '../core/identity.js';
import type { CaseResult, FixtureFailure, FixtureInfo, RunResult } from '../core/model.js';
import { SCHEMA } from '../core/model.js';
import type { Addon } from '../core/native.js';
import type { Fixture } from '../../fixtures/fixture.js';
import { FixtureError } from '../../fixtures/fixture.js';
import { sweepOwnLeftovers } from '../../fixtures/sweep.js';
import type { PlannedGroup, Reporter } from '../../reports/reporter.js';
import type { Campaign, CampaignContext } from './campaign.js';
import { durabilityCampaign } from './durability/campaign.js';
import type { Plan } from './plan.js';
import { releaseWorkers, workersStarted } from './isolation.js';
import { propertyCampaign } from './properties.js';
import { remoteCampaign } from './remote.js';
import { skippedEverywhere } from '../core/everywhere.js';
import { coverage, selectClauses, suiteCampaign, undefinedNames } from './suites.js';

/** the campaigns of a run, in the order they run */
export const CAMPAIGNS: readonly Campaign[] = [suiteCampaign, propertyCampaign, remoteCampaign, durabilityCampaign];

export interface EngineOptions {
  addon: Addon;
  /** progress lines (dropped by --quiet) */
  log: (line: string) => void;
  /** lines the user always sees */
  notice: (line: string) => void;
  campaigns?: readonly Campaign[];
}

export class Engine {
  private readonly ready: Fixture[] = [];

  constructor(
    private readonly plan: Plan,
    private readonly opts: EngineOptions,
  ) {}

  /** run -- carries out the plan; every case goes to `reporter` as it finishes, the result at the end */
  async run(reporter: Reporter, signal: AbortSignal): Promise<RunResult> {
    try {
      for (const line of sweepOwnLeftovers()) this.opts.notice(`removed a leftover of a killed run: ${line}`);
      await this.setup(signal);
      const startedAt = new Date().toISOString();
      const catalogue = loadCatalogue();
      const cases: CaseResult[] = [];
      const elsewhere: FixtureInfo[] = [];
      const fixtureErrors: FixtureFailure[] = [];
      const { plan } = this;
      reporter.begin?.({
        command: plan.command,
        implementations: plan.implementations.map((i) => i.name),
        fixtures: [...plan.fixtures.map((f) => f.name), ...plan.remotes.map((r) => r.name)],
        ...(plan.seeded ? { seed: plan.seed } : {}),
        planned: planned(plan, catalogue),
      });
      const ctx: CampaignContext = {
        plan,
        addon: this.opts.addon,
        catalogue,
        signal,
        cases,
        shadow: [],
        emit: (c) => {
          cases.push(c);
          reporter.case?.(c);
        },
        addFixtures: (infos) => elsewhere.push(...infos),
        fixtureFailed: (fixture, error) => fixtureErrors.push({ fixture, error }),
        log: this.opts.log,
        notice: this.opts.notice,
      };
      const durationMs = await this.campaigns(ctx);
      const result: RunResult = {
        schema: SCHEMA,
        environment: {
          ...basics(),
          fixtures: [...plan.fixtures.map(fixtureInfo), ...elsewhere],
          implementations: plan.implementations,
          startedAt,
          durationMs,
          command: plan.command,
          ...(plan.seeded ? { seed: plan.seed } : {}),
          ...(plan.shard ? { shard: plan.shard } : {}),
          harness: harnessVersion(),
          catalogue: catalogueDigest(catalogue.clauses),
          nodeProcesses: 1 + workersStarted(),
        },
        cases,
        coverage: coverage(catalogue, cases),
        skippedEverywhere: skippedEverywhere(cases),
        undefinedNames: undefinedNames(catalogue),
        catalogueGaps: catalogue.gaps,
        ...(fixtureErrors.length ? { fixtureErrors } : {}),
        ...(signal.aborted ? { interrupted: true, interruptedBy: String(signal.reason ?? 'a signal') } : {}),
      };
      await reporter.end?.(result);
      return result;
    } finally {
      // the workers kept for the next job of their implementation (isolation.ts): the run has no next job
      releaseWorkers();
      await this.teardown();
    }
  }

  /** teardown -- removes every fixture set up so far; safe to call twice (a signal handler may) */
  async teardown(): Promise<void> {
    for (const f of this.ready.splice(0)) await f.teardown().catch(() => undefined);
  }

  private async setup(signal: AbortSignal): Promise<void> {
    for (const f of this.plan.fixtures) {
      // stopped while an earlier fixture was set up: set up no more
      if (signal.aborted) return;
      this.ready.push(f);
      try {
        await f.setup();
      } catch (e) {
        throw new FixtureError(`fixture ${f.name}: ${(e as Error).message}`);
      }
    }
  }

  /** runs every campaign; returns the milliseconds they took together */
  private async campaigns(ctx: CampaignContext): Promise<number> {
    const all = this.opts.campaigns ?? CAMPAIGNS;
    let ms = 0;
    const timed = async (fn: () => Promise<void> | void) => {
      if (ctx.signal.aborted) return;
      const t0 = Date.now();
      try {
        await fn();
      } catch (e) {
        // a campaign cut short by the stop may throw on its way out: what finished is reported
        if (!ctx.signal.aborted) throw e;
      }
      ms += Date.now() - t0;
    };
    for (const r of this.plan.runs) {
      for (const c of all.filter((x) => x.scope === 'implementation')) await timed(() => c.run(ctx, r));
    }
    for (const c of all.filter((x) => x.scope === 'plan')) await timed(() => c.run(ctx));
    return ms;
  }
}

/** planned -- the in-process work, in the order the campaigns do it, for progress counters */
function planned(plan: Plan, catalogue: ReturnType<typeof loadCatalogue>): PlannedGroup[] {
  const out: PlannedGroup[] = [];
  for (const r of plan.runs) {
    const clauses = selectClauses(catalogue, r.suites, plan.grep).map((s) => s.clause.id);
    for (const f of plan.fixtures)
      if (clauses.length) out.push({ implementation: r.impl.name, fixture: f.name, campaign: 'suites', units: clauses });
    for (const f of plan.fixtures.filter((x) => x.kind !== 'devdax'))
      if (r.properties.length)
        out.push({ implementation: r.impl.name, fixture: f.name, campaign: 'properties', units: r.properties.map((p) => p.name) });
  }
  return out;
}

function fixtureInfo(f: Fixture): FixtureInfo {
  return { name: f.name, kind: f.kind, directory: f.directory(), capabilities: { ...f.capabilities() } };
}
