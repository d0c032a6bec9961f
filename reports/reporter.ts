/**
 * The one interface every reporter implements, after Playwright's: the
 * engine calls begin once, case for each result as it finishes, and end
 * with the whole run. A reporter keeps what it needs; none reads another's
 * output. The Multiplexer fans one stream out to many reporters, so adding
 * one touches no other.
 */
import type { CaseResult, RunResult } from '../runner/core/model.js';

/** what one implementation will run on one fixture, in the order the engine runs it */
export interface PlannedGroup {
  implementation: string;
  fixture: string;
  /** 'suites': one case per selected clause; 'properties': the properties, one case each (more when one finds several things) */
  campaign: 'suites' | 'properties';
  /** the units: clause ids or property names */
  units: string[];
}

/** what is known before the first case */
export interface RunStart {
  command: string;
  implementations: string[];
  fixtures: string[];
  /** the property seed, when properties or durability trials run */
  seed?: number;
  /** the in-process cases to come (remote fixtures and durability trials are not counted: they report as they finish) */
  planned?: PlannedGroup[];
}

export interface Reporter {
  begin?(start: RunStart): void;
  case?(c: CaseResult): void;
  end?(result: RunResult): void | Promise<void>;
}

/** Multiplexer -- one reporter that forwards every call to each of its reporters, in order */
export class Multiplexer implements Reporter {
  constructor(private readonly reporters: readonly Reporter[]) {}

  begin(start: RunStart): void {
    for (const r of this.reporters) r.begin?.(start);
  }

  case(c: CaseResult): void {
    for (const r of this.reporters) r.case?.(c);
  }

  async end(result: RunResult): Promise<void> {
    for (const r of this.reporters) await r.end?.(result);
  }
}
