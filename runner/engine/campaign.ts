/**
 * A campaign produces cases: the suites, the properties, the remote runs
 * and the durability trials are each one. The engine runs them in order and
 * hands them this context; adding a campaign touches neither the others
 * nor any reporter.
 */
import type { Catalogue } from '../core/catalogue.js';
import type { CaseResult, FixtureInfo } from '../core/model.js';
import type { Addon } from '../core/native.js';
import type { ImplementationRun, Plan } from './plan.js';

export interface CampaignContext {
  plan: Plan;
  addon: Addon;
  catalogue: Catalogue;
  signal: AbortSignal;
  /** the cases so far, in the order they finished */
  cases: readonly CaseResult[];
  /** hands a finished case to the reporters */
  emit(c: CaseResult): void;
  /**
   * with --shard: suite cases of other shards run only so that a property in this shard sets aside
   * the same divergences as in an unsharded run; never reported
   */
  shadow: CaseResult[];
  /** a fixture failed as a whole after others ran: the run goes on, the report says so */
  fixtureFailed(fixture: string, error: string): void;
  /** fixtures the campaign ran on that the plan did not set up here (guests, children) */
  addFixtures(infos: FixtureInfo[]): void;
  /** progress lines (boot markers, trial lines); --quiet drops them */
  log(line: string): void;
  /** a line the user always sees (a remote run's case count and time) */
  notice(line: string): void;
}

export interface Campaign {
  name: string;
  /** per implementation (with `run`), or once for the whole plan (without) */
  scope: 'implementation' | 'plan';
  run(ctx: CampaignContext, run?: ImplementationRun): Promise<void> | void;
}
