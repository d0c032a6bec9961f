/**
 * What a run will do, decided before the first case: the CLI builds a Plan
 * from its options, the engine carries it out.
 */
import type { Implementation } from '../core/implementation.js';
import type { ImplementationInfo } from '../core/model.js';
import type { Fixture } from '../../fixtures/fixture.js';
import type { RemoteFixture } from '../../fixtures/remote.js';
import type { PropertyDef } from '../../properties/framework.js';
import type { Suite } from '../../suites/framework.js';
import type { DurabilityImpl } from './durability/campaign.js';
import type { Shard } from './shard.js';

/** one implementation in this process: its suites, then its properties on every file fixture */
export interface ImplementationRun {
  impl: Implementation;
  suites: Suite[];
  properties: PropertyDef[];
}

export interface Plan {
  runs: ImplementationRun[];
  /** what was loaded for each implementation (name, path, version) */
  implementations: ImplementationInfo[];
  /** fixtures set up in this process */
  fixtures: Fixture[];
  /** fixtures that run the CLI elsewhere (a guest, a child with forced granularity) */
  remotes: RemoteFixture[];
  /** the CLI options a remote run repeats (implementations, suites, grep, seed...) */
  forward: string[];
  /** device DAX fixtures (here and in remote runs) may be overwritten */
  allowDestroyDevdax: boolean;
  /** power-cut trials: per implementation, and the builds by path the writer loads instead of the defaults */
  durability?: { trials: number; implementations: DurabilityImpl[]; builds?: Partial<Record<DurabilityImpl, string>> };
  grep?: string;
  seed: number;
  /** the seed goes into the report: properties or durability trials run */
  seeded: boolean;
  numRuns: number;
  /** milliseconds a case may run before its worker is killed and the case is a timeout (a property gets 30 times this) */
  caseTimeoutMs: number;
  /** --case-timeout was given: a remote run keeps it as given instead of scaling it to its speed */
  caseTimeoutGiven?: boolean;
  replayPath?: string;
  /** the command line, as the report shows it */
  command: string;
  /** --shard i/n: only the cases of this slice run (shard.ts) */
  shard?: Shard;
}
